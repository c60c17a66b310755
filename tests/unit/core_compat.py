# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the unit tests need from ansible-core, on every version the collection supports (2.16+).

ansible-core 2.19 added ``ansible.module_utils.testing.patch_module_args`` and
``ansible.module_utils.common.json.get_module_encoder``; before 2.19 a module
reads its arguments from ``basic._ANSIBLE_ARGS`` and prints its result with
``AnsibleModule.jsonify``. The tests use these two names only, so the same
suite runs on 2.16 to 2.19 (`make compat`).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json

from ansible.module_utils import basic

__all__ = ("module_json", "patch_module_args")

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    @contextlib.contextmanager
    def patch_module_args(args=None):
        """Expose ``args`` to the AnsibleModule instances created within this context (2.19's helper)."""
        if not isinstance(args, (dict, type(None))):
            raise TypeError("The `args` arg must be a dict or None.")
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps(dict(ANSIBLE_MODULE_ARGS=args or {})).encode()
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved

try:
    from ansible.module_utils.common.json import Direction, get_module_encoder
except ImportError:  # ansible-core < 2.19
    get_module_encoder = None


def module_json(data):
    """``data`` as the JSON a module prints for the controller (Ansible's own module encoder)."""
    if get_module_encoder is not None:
        return json.dumps(data, cls=get_module_encoder("legacy", Direction.MODULE_TO_CONTROLLER))
    from ansible.module_utils.common.text.converters import jsonify
    return jsonify(data)
