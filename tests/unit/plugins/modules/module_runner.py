# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run a module's main() in-process with given arguments, the way Ansible would."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.flexops.twilio.tests.unit.core_compat import patch_module_args

AC = "AC" + "a" * 32


def run_main(module, capsys, **args):
    """Returns (exit code, result). Credentials default to a valid-looking account SID and a token."""
    args.setdefault("account_sid", AC)
    args.setdefault("auth_token", "token")
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exit_info:
            module.main()
    return exit_info.value.code, json.loads(capsys.readouterr().out)
