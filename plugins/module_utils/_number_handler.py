# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: what a phone number's incoming SMS goes to.

A number's SMS handler fields (API 2010 IncomingPhoneNumber) and one shape
(``normalise_handler``) for its handler: a Proxy service pool, a Studio flow,
a webhook, a TwiML app, or none; and phone_number_handler's option checks
(``validate_options``) and the fields its handler types want
(``handler_fields``, ``cleared_fields``). Pure logic, no requests.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.flexops.twilio.plugins.module_utils import _messaging, _runner
from ansible_collections.flexops.twilio.plugins.module_utils._client import blank_to_none
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError
from ansible_collections.flexops.twilio.plugins.module_utils._studio import flow_sid_from_webhook_url
from ansible_collections.flexops.twilio.plugins.module_utils._validate import (
    check_e164,
    check_only_with,
    check_sid,
    check_sid_or_name,
    check_url,
    only_with,
)

# https://webhooks.twilio.com/v1/Accounts/AC.../Proxy/KS.../Webhooks/Message (regional hosts too)
PROXY_WEBHOOK_RE = re.compile(
    r"^https://webhooks(?:\.[A-Za-z0-9-]+)*\.twilio\.com/v1/Accounts/AC[0-9a-fA-F]{32}/Proxy/(KS[0-9a-fA-F]{32})/")

SMS_FIELDS = ("sms_url", "sms_method", "sms_fallback_url", "sms_fallback_method", "sms_application_sid")
HANDLER_TYPES = ("proxy_service", "studio_flow", "webhook", "twiml_app")


def sms_url_kind(url):
    """What a number's ``sms_url`` is: ``none`` (blank), ``studio`` (a Studio flow's webhook), ``proxy`` (a Proxy
    service's message webhook) or ``other``."""
    if not url:
        return "none"
    if flow_sid_from_webhook_url(url):
        return "studio"
    return "proxy" if PROXY_WEBHOOK_RE.match(url) else "other"


def sms_fields(number):
    """The number's SMS handler fields, unset ones as "" (the value that clears them)."""
    return dict((k, blank_to_none(number.get(k)) or "") for k in SMS_FIELDS)


def normalise_handler(fields, proxy=None, flows=None, apps=None):
    """One shape for what a number's incoming SMS goes to.

    ``fields``: the number's SMS fields; ``proxy``: ``{sid, name, is_reserved}``
    when the number is in a Proxy pool; ``flows`` / ``apps``: Studio flows and
    TwiML apps (lists of dicts) when they were looked up, for names.
    """
    h = dict(
        type="none", proxy_service_sid=None, proxy_service_name=None, is_reserved=None,
        studio_flow_sid=None, studio_flow_name=None, twiml_app_name=None,
    )
    for key in SMS_FIELDS:
        h[key] = blank_to_none(fields.get(key))
    flow_sid = flow_sid_from_webhook_url(h["sms_url"])
    if flow_sid:
        h["studio_flow_sid"] = flow_sid
        h["studio_flow_name"] = _name_of(flows, flow_sid, "friendly_name")
    if h["sms_application_sid"]:
        h["twiml_app_name"] = _name_of(apps, h["sms_application_sid"], "friendly_name")
    if proxy:
        h.update(type="proxy_service", proxy_service_sid=proxy.get("sid"),
                 proxy_service_name=proxy.get("name"), is_reserved=proxy.get("is_reserved"))
    elif h["sms_application_sid"]:
        h["type"] = "twiml_app"
    elif flow_sid:
        h["type"] = "studio_flow"
    elif h["sms_url"]:
        h["type"] = "webhook"
    return h


def _name_of(items, sid, key):
    for item in items or ():
        if item.get("sid") == sid:
            return item.get(key)
    return None


# -- phone_number_handler's options ----------------------------------------------------------

# The options each handler type uses, in the order they are checked.
HANDLER_OPTIONS = (("is_reserved", ["proxy_service"]), ("studio_flow", ["studio_flow"]), ("webhook_url", ["webhook"]),
                   ("webhook_method", ["webhook"]), ("fallback_url", ["webhook", "studio_flow"]),
                   ("fallback_method", ["webhook", "studio_flow"]), ("twiml_app", ["twiml_app"]))


def validate_options(p):
    """The checks of phone_number_handler's options, before any request."""
    handler, state = p["handler"], p["state"]
    check_e164("phone_number", p["phone_number"])
    check_sid("phone_number_sid", p["phone_number_sid"], "phone_number")
    if p["phone_numbers"] is not None:
        seen = set()
        for index, value in enumerate(p["phone_numbers"]):
            check_e164("phone_numbers[%d]" % index, value)
            if value in seen:
                raise ValidationError("phone_numbers lists %s twice: give each number once." % value, code="duplicate_entry",
                                      entry=value, option="phone_numbers[%d]" % index)
            seen.add(value)
    check_sid_or_name("proxy_service", p["proxy_service"], "proxy_service")
    _messaging.validate(p)
    check_sid_or_name("studio_flow", p["studio_flow"], "studio_flow")
    check_sid_or_name("twiml_app", p["twiml_app"], "application")
    check_url("webhook_url", p["webhook_url"])
    check_url("fallback_url", p["fallback_url"])
    for option, handlers in HANDLER_OPTIONS:
        check_only_with(p, option, handlers, "handler", handler)
    if state == "absent":
        for option in ("is_reserved", "webhook_method", "fallback_url", "fallback_method"):
            check_only_with(p, option, ["present"], "state", state)
        if p["take_over"]:
            raise only_with("take_over", "state=present", "remove take_over or set state=present.")
    else:
        required = dict(studio_flow="studio_flow", webhook="webhook_url", twiml_app="twiml_app").get(handler)
        if required and not p[required]:
            raise ValidationError(
                "handler=%s with state=present needs %s: set %s to say where the SMS should go." % (handler, required, required),
                code="missing_option", option=required)
    _runner.check_concurrency(p["concurrency"])


def handler_fields(p, flow, app, account_sid):
    """The SMS fields that send the number's SMS to the handler of type O(handler) (studio_flow: ``flow``, twiml_app: ``app``)."""
    handler = p["handler"]
    if handler == "webhook":
        return dict(sms_url=p["webhook_url"], sms_method=p["webhook_method"], sms_fallback_url=p["fallback_url"],
                    sms_fallback_method=p["fallback_method"], sms_application_sid="")
    if handler == "studio_flow":
        url = flow.get("webhook_url") or "https://webhooks.twilio.com/v1/Accounts/%s/Flows/%s" % (account_sid, flow["sid"])
        return dict(sms_url=url, sms_method="POST", sms_fallback_url=p["fallback_url"],
                    sms_fallback_method=p["fallback_method"], sms_application_sid="")
    return dict(sms_application_sid=app["sid"])


def cleared_fields(p, fields, flow, app):
    """What clearing the handler of type O(handler) means for these fields (None: nothing to clear)."""
    current = normalise_handler(fields)["type"]
    if p["handler"] == "twiml_app":
        if fields["sms_application_sid"] and (app is None or fields["sms_application_sid"] == app["sid"]):
            return dict(sms_application_sid="")
        return None
    if p["handler"] == "webhook":
        matches = current == "webhook" and (p["webhook_url"] is None or fields["sms_url"] == p["webhook_url"])
    else:
        matches = current == "studio_flow" and (
            flow is None or normalise_handler(fields)["studio_flow_sid"] == flow["sid"])
    return dict(sms_url="", sms_fallback_url="") if matches else None
