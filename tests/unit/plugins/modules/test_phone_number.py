# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.flexops.twilio.plugins.modules import phone_number as mod
from ansible_collections.flexops.twilio.tests.unit.plugins.modules.module_runner import run_main

AC = "AC" + "a" * 32


def run_module(capsys, **args):
    return run_main(mod, capsys, **args)


def test_capabilities_keys_are_lower_case():
    assert mod.capabilities(dict(capabilities={"SMS": True, "MMS": False, "voice": True})) == dict(sms=True, mms=False, voice=True)
    assert mod.capabilities(dict(capabilities=None)) == {}


@pytest.mark.parametrize("args, message", [
    (dict(phone_number="+1555", state="absent"), "state=absent releases the number, which is irreversible"),
    (dict(friendly_name="Support", state="absent", release=False), "add release: true to confirm"),
    (dict(friendly_name="Support", release=True), "release is only used with state=absent"),
    (dict(phone_number="15551230001"), "phone_number='15551230001' is not an E.164 phone number"),
    (dict(friendly_name=" "), "friendly_name must not be empty"),
    (dict(friendly_name="x" * 65), "friendly_name is 65 characters long"),
    (dict(friendly_name="Support", country="USA"), "country='USA' is not a two-letter"),
    (dict(friendly_name="Support", contains="5"), "contains='5' is not a number pattern"),
    (dict(friendly_name="Support", contains="55-12"), "contains='55-12' is not a number pattern"),
    (dict(friendly_name="Support", area_code=0), "area_code=0 is not an area code"),
    (dict(phone_number="+15551230001", area_code=415), "area_code is only used when buying a number by friendly_name"),
    (dict(friendly_name="Support", state="absent", release=True, contains="55"), "contains is only used with state=present"),
])
def test_validation_errors_send_nothing(capsys, args, message):
    rc, result = run_module(capsys, **args)
    assert rc == 1
    assert message in result["msg"]
    assert result["api_stats"]["requests"] == 0


def test_phone_number_or_friendly_name_is_required(capsys):
    rc, result = run_module(capsys)
    assert rc == 1
    assert "one of the following is required: phone_number, friendly_name" in result["msg"]
