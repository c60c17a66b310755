# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.flexops.twilio.plugins.modules import phone_number_handler as mod
from ansible_collections.flexops.twilio.tests.unit.plugins.modules.module_runner import run_main

AC = "AC" + "a" * 32
KS = "KS" + "1" * 32
FW = "FW" + "2" * 32
AP = "AP" + "3" * 32
PN = "PN" + "4" * 32


def run_module(capsys, **args):
    return run_main(mod, capsys, **args)


# normalise_handler, sms_fields and the handler fields are tested in tests/unit/plugins/module_utils/test_number_handler.py.

# -- validation: fails before any request ----------------------------------------

@pytest.mark.parametrize("args, message", [
    (dict(phone_number="5551230001"), "phone_number='5551230001' is not an E.164 phone number"),
    (dict(phone_number_sid="PX" + "4" * 32), "phone_number_sid='PX"),
    (dict(phone_numbers=["+15551230001", "555"]), "phone_numbers[1]='555' is not an E.164"),
    (dict(phone_numbers=["+15551230001", "+15551230001"]), "phone_numbers lists +15551230001 twice"),
    (dict(phone_number="+15551230001", proxy_service="FW" + "1" * 32), "proxy_service='FW"),
    (dict(phone_number="+15551230001", webhook_url="https://example.com/x"),
     "webhook_url is only used with handler=webhook, but handler=proxy_service"),
    (dict(phone_number="+15551230001", handler="webhook", webhook_url="http://example.com/x"),
     "webhook_url='http://example.com/x' is not a valid URL: it must be an absolute https URL"),
    (dict(phone_number="+15551230001", handler="webhook", webhook_url="https://example.com/x",
          fallback_url="ftp://example.com/y"), "fallback_url='ftp://example.com/y' is not a valid URL"),
    (dict(phone_number="+15551230001", handler="webhook"), "handler=webhook with state=present needs webhook_url"),
    (dict(phone_number="+15551230001", handler="studio_flow"), "handler=studio_flow with state=present needs studio_flow"),
    (dict(phone_number="+15551230001", handler="twiml_app"), "handler=twiml_app with state=present needs twiml_app"),
    (dict(phone_number="+15551230001", handler="twiml_app", twiml_app="KS" + "1" * 32), "twiml_app='KS"),
    (dict(phone_number="+15551230001", handler="studio_flow", studio_flow="x", is_reserved=True),
     "is_reserved is only used with handler=proxy_service"),
    (dict(phone_number="+15551230001", handler="twiml_app", twiml_app="x", fallback_url="https://e.com/f"),
     "fallback_url is only used with handler=webhook/studio_flow"),
    (dict(phone_number="+15551230001", state="absent", is_reserved=True), "is_reserved is only used with state=present"),
    (dict(phone_number="+15551230001", state="absent", take_over=True), "take_over is only used with state=present"),
    (dict(phone_numbers=["+15551230001"], concurrency=0), "concurrency must be 1 or more"),
])
def test_validation_errors_name_the_option_and_send_nothing(capsys, args, message):
    rc, result = run_module(capsys, **args)
    assert rc == 1
    assert message in result["msg"]
    assert result["api_stats"]["requests"] == 0


def test_number_options_are_mutually_exclusive(capsys):
    rc, result = run_module(capsys, phone_number="+15551230001", phone_numbers=["+15551230002"])
    assert rc == 1
    assert "mutually exclusive" in result["msg"]
