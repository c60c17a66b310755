# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""flex_conversations_address: bad input fails with one problem naming the option and its code, before any request
(the entry rules are in tests/unit/plugins/module_utils/test_conversations.py and test_address_kind.py; whole runs
against the simulator in tests/integration/targets/flex_conversations_address)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.flexops.twilio.plugins.modules import flex_conversations_address as mod
from ansible_collections.flexops.twilio.tests.unit.plugins.modules.module_runner import run_main

NUMBER = "+15551230001"


@pytest.mark.parametrize("args, code, option", [
    (dict(addresses=[]), "missing_option", "addresses"),
    (dict(addresses=[dict(phone_number=NUMBER), dict(phone_number=NUMBER)]), "duplicate_entry",
     "addresses[1].phone_number"),
    (dict(phone_number=NUMBER, auto_creation_type="task"), "task_integration", "auto_creation_type"),
    (dict(phone_number=NUMBER, auto_creation_type="studio", webhook_url="https://example.com/sms"), "option_conflict",
     "webhook_url"),
    (dict(phone_number=NUMBER, address_country="usa"), "invalid_value", "address_country"),
    (dict(phone_number=NUMBER, state="absent", replace_legacy=True), "option_conflict", "replace_legacy=True"),
    (dict(phone_number=NUMBER, blank_sms_url=True), "option_conflict", "blank_sms_url"),
])
def test_bad_input_is_one_problem_before_any_request(capsys, args, code, option):
    rc, result = run_main(mod, capsys, **args)
    assert rc == 1
    assert (result["problems"][0]["code"], result["problems"][0]["option"]) == (code, option)
    assert result["problems"][0]["fix"]
    assert result["api_stats"]["requests"] == 0
