# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""No YAML value of the role or the examples is a lone ``"{{ x | default(none) }}"`` template.

Before ansible-core 2.19 such a value renders as ``''``, not None: as a module
option it is a wrong value (``retry_count: ''`` fails the int conversion,
``enabled: ''`` the bool one), not an option left out (issue 22). Pass only
what is set: ``default(omit)``, or build the dict in one expression that leaves
the unset keys out (vars/main.yml's __flex_sms_setup_role_options).
The integration targets of `make compat` run the role on 2.16 to 2.19.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import re

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FILES = sorted(glob.glob(os.path.join(ROOT, "roles", "**", "*.yml"), recursive=True)
               + glob.glob(os.path.join(ROOT, "examples", "**", "*.yml"), recursive=True))
# key: "{{ anything | default(none) }}" (or None, or default(None, ...)) as the whole value
LONE_DEFAULT_NONE = re.compile(r"""^\s*-?\s*[\w.]+:\s*(["'])\{\{[^{}]*\|\s*default\(\s*(none|None)\b[^{}]*\}\}\1\s*$""")


def test_there_are_files():
    assert any("/roles/flex_sms_setup/vars/" in path for path in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: os.path.relpath(p, ROOT))
def test_no_lone_default_none_value(path):
    with open(path) as handle:
        hits = ["%d: %s" % (number, line.strip()) for number, line in enumerate(handle, 1) if LONE_DEFAULT_NONE.match(line)]
    assert hits == []


def test_the_pattern_finds_the_old_form():
    assert LONE_DEFAULT_NONE.match('  retry_count: "{{ flex_sms_setup_retry_count | default(none) }}"')
    assert not LONE_DEFAULT_NONE.match('  retry_count: "{{ flex_sms_setup_retry_count | default(omit) }}"')
