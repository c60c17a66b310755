# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_number_handler: one shape for what a number's incoming SMS goes to, the kind of an sms_url, and the SMS fields
each handler type of phone_number_handler wants or clears (moved from tests/unit/plugins/modules/test_phone_number_handler.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.module_utils._number_handler import (
    cleared_fields,
    handler_fields,
    normalise_handler,
    sms_fields,
    sms_url_kind,
)

AC = "AC" + "a" * 32
KS = "KS" + "1" * 32
FW = "FW" + "2" * 32
AP = "AP" + "3" * 32
STUDIO_URL = "https://webhooks.twilio.com/v1/Accounts/%s/Flows/%s" % (AC, FW)


# -- normalisation -------------------------------------------------------------

def test_unset_fields_normalise_to_none_and_type_none():
    h = normalise_handler(dict(sms_url="", sms_method="POST", sms_fallback_url=None, sms_fallback_method="POST",
                               sms_application_sid=""))
    assert h == dict(type="none", proxy_service_sid=None, proxy_service_name=None, is_reserved=None,
                     studio_flow_sid=None, studio_flow_name=None, twiml_app_name=None, sms_url=None,
                     sms_method="POST", sms_fallback_url=None, sms_fallback_method="POST", sms_application_sid=None)


def test_pool_membership_wins_over_number_fields():
    fields = dict(sms_url="https://example.com/sms", sms_application_sid=AP)
    h = normalise_handler(fields, proxy=dict(sid=KS, name="Flex Proxy Service", is_reserved=True))
    assert (h["type"], h["proxy_service_sid"], h["proxy_service_name"], h["is_reserved"]) == (
        "proxy_service", KS, "Flex Proxy Service", True)
    assert h["sms_url"] == "https://example.com/sms"


def test_application_shadows_urls():
    h = normalise_handler(dict(sms_url="https://example.com/sms", sms_application_sid=AP),
                          apps=[dict(sid=AP, friendly_name="Bot")])
    assert (h["type"], h["sms_application_sid"], h["twiml_app_name"]) == ("twiml_app", AP, "Bot")


def test_studio_url_is_studio_flow_with_name_when_flows_known():
    url = "https://webhooks.twilio.com/v1/Accounts/%s/Flows/%s" % (AC, FW)
    h = normalise_handler(dict(sms_url=url), flows=[dict(sid=FW, friendly_name="Messaging Flow")])
    assert (h["type"], h["studio_flow_sid"], h["studio_flow_name"]) == ("studio_flow", FW, "Messaging Flow")
    assert normalise_handler(dict(sms_url=url))["studio_flow_name"] is None


def test_other_url_is_webhook():
    h = normalise_handler(dict(sms_url="https://example.com/sms", sms_method="GET"))
    assert (h["type"], h["sms_url"], h["sms_method"], h["studio_flow_sid"]) == ("webhook", "https://example.com/sms", "GET", None)


def test_sms_fields_uses_empty_string_for_unset():
    assert sms_fields(dict(sms_url=None, sms_method="POST", sms_application_sid="")) == dict(
        sms_url="", sms_method="POST", sms_fallback_url="", sms_fallback_method="", sms_application_sid="")


# -- the kind of an sms_url: one function for the route audit and the migration ---------------------

def test_sms_url_kind_blank_is_none_everywhere():
    assert [sms_url_kind(u) for u in (None, "", STUDIO_URL, "https://example.com/sms")] == ["none", "none", "studio", "other"]
    proxy = "https://webhooks.twilio.com/v1/Accounts/%s/Proxy/%s/Webhooks/Message" % (AC, KS)
    assert sms_url_kind(proxy) == "proxy"


# -- the fields each handler type wants or clears -------------------------------------------------

def params(**values):
    p = dict(handler="webhook", webhook_url=None, webhook_method=None, fallback_url=None, fallback_method=None)
    p.update(values)
    return p


def test_handler_fields_per_type():
    assert handler_fields(params(webhook_url="https://e.com/sms", webhook_method="GET"), None, None, AC) == dict(
        sms_url="https://e.com/sms", sms_method="GET", sms_fallback_url=None, sms_fallback_method=None,
        sms_application_sid="")
    studio = handler_fields(params(handler="studio_flow"), dict(sid=FW), None, AC)
    assert (studio["sms_url"], studio["sms_method"]) == (STUDIO_URL, "POST")
    assert handler_fields(params(handler="twiml_app"), None, dict(sid=AP), AC) == dict(sms_application_sid=AP)


def test_cleared_fields_only_clear_the_handler_asked_for():
    webhook = dict(sms_url="https://e.com/sms", sms_application_sid="")
    assert cleared_fields(params(), webhook, None, None) == dict(sms_url="", sms_fallback_url="")
    assert cleared_fields(params(webhook_url="https://other.example/sms"), webhook, None, None) is None
    assert cleared_fields(params(handler="studio_flow"), webhook, None, None) is None
    assert cleared_fields(params(handler="studio_flow"), dict(sms_url=STUDIO_URL, sms_application_sid=""),
                          dict(sid=FW), None) == dict(sms_url="", sms_fallback_url="")
    assert cleared_fields(params(handler="twiml_app"), dict(sms_url="", sms_application_sid=AP), None,
                          dict(sid=AP)) == dict(sms_application_sid="")
