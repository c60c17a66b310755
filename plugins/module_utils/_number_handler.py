# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: what a phone number's incoming SMS goes to.

A number's SMS handler fields (API 2010 IncomingPhoneNumber) and one shape
(``normalise_handler``) for its handler: a Proxy service pool, a Studio flow,
a webhook, a TwiML app, or none. Pure data, no requests.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.module_utils._client import blank_to_none
from ansible_collections.flexops.twilio.plugins.module_utils._studio import flow_sid_from_webhook_url

SMS_FIELDS = ("sms_url", "sms_method", "sms_fallback_url", "sms_fallback_method", "sms_application_sid")
HANDLER_TYPES = ("proxy_service", "studio_flow", "webhook", "twiml_app")


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
