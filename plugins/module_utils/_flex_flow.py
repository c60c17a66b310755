# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: a Flex Flow used as an SMS address, the API mapping.

The mapping between Twilio's Flex v1 FlexFlow resource and the option names
of flex_sms_address / flex_sms_address_info (pure data, no requests): the
managed view of a live flow, the SDK keywords of wanted fields, a flow as
returned to the user, and which flows serve a number. The entry rules are in
_sms_address, the writes in _flex_flow_writes, the look-ups in _resolver.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.flexops.twilio.plugins.module_utils._address_kind import CLEARED
from ansible_collections.flexops.twilio.plugins.module_utils._integrations import INTEGER_OPTIONS, SETTINGS_TABLE


# User-facing integration type -> the API's IntegrationType value.
TYPE_TO_API = {"studio": "studio", "webhook": "external", "task": "task"}
TYPE_FROM_API = dict((v, k) for k, v in TYPE_TO_API.items())

# Integration settings: option -> (SDK keyword, keys in the response's
# ``integration`` object, integration types the setting belongs to), from the one table in _integrations.
# The spec documents only ``flow_sid`` and ``retry_count`` in the response;
# the other keys follow the same snake_case naming.
INTEGRATION_FIELDS = tuple((row[0], row[3], row[4], row[2]) for row in SETTINGS_TABLE if row[2])

# Top-level settings: option -> SDK keyword (= response key).
TOP_FIELDS = (
    ("phone_number", "contact_identity"),
    ("friendly_name", "friendly_name"),
    ("chat_service_sid", "chat_service_sid"),
    ("enabled", "enabled"),
    ("integration_type", "integration_type"),
    ("janitor_enabled", "janitor_enabled"),
    ("long_lived", "long_lived"),
)

_FLOW_SID_RE = re.compile(r"FO[0-9a-fA-F]{32}")


def user_type(api_type):
    """The option value for an API IntegrationType (``external`` -> ``webhook``)."""
    if api_type is None:
        return None
    return TYPE_FROM_API.get(api_type, api_type)


def same_number(contact_identity, phone_number):
    """True when a flow's contact identity is the E.164 number (with or without its '+')."""
    if not contact_identity or not phone_number:
        return False
    return contact_identity.strip().lstrip("+") == phone_number.strip().lstrip("+")


def e164(contact_identity):
    """A contact identity in E.164 form ('+' added when it is digits only)."""
    if contact_identity and contact_identity.isdigit():
        return "+" + contact_identity
    return contact_identity


def is_sms(flow):
    return flow.get("channel_type") == "sms"


def flows_for_number(flows, phone_number):
    """The SMS Flex Flows (channel ``sms``) whose contact identity is ``phone_number``."""
    return [f for f in flows if is_sms(f) and same_number(f.get("contact_identity"), phone_number)]


def _integer(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and re.match(r"^-?\d+$", value.strip()):
        return int(value)
    return value


def _integration_value(integration, keys):
    for key in keys:
        if key in integration:
            value = integration[key]
            return None if value in ("", None) else value
    return None


def managed_view(flow):
    """The managed fields of a live flow, under the option names.

    Integration settings are read only for the flow's own integration type
    (what Twilio keeps for other types does not route anything).
    """
    view = dict((name, flow.get(key)) for name, key in TOP_FIELDS)
    view["phone_number"] = e164(flow.get("contact_identity"))
    view["integration_type"] = user_type(flow.get("integration_type"))
    integration = flow.get("integration") or {}
    if not isinstance(integration, dict):
        integration = {}
    for name, _kw, keys, types in INTEGRATION_FIELDS:
        value = _integration_value(integration, keys) if view["integration_type"] in types else None
        view[name] = _integer(value) if name in INTEGER_OPTIONS else value
    return view


def to_api(fields):
    """SDK keyword arguments for managed fields (None and cleared values are not sent)."""
    kwargs = {}
    for name, key in TOP_FIELDS:
        value = fields.get(name)
        if value is None:
            continue
        kwargs[key] = TYPE_TO_API.get(value, value) if name == "integration_type" else value
    for name, keyword, _keys, _types in INTEGRATION_FIELDS:
        value = fields.get(name)
        if value is None or value == CLEARED:
            continue
        kwargs[keyword] = value
    return kwargs


def describe(flow):
    """A flow as returned to the user: Twilio's fields, ``integration_type`` with
    the option's names (``webhook``), and ``phone_number`` (the contact identity)."""
    if flow is None:
        return None
    result = dict(flow)
    result["integration_type"] = user_type(flow.get("integration_type"))
    result["phone_number"] = e164(flow.get("contact_identity"))
    return result


def flow_sids_in(text):
    """Flex Flow SIDs named in a message (Twilio's collision errors may name the other flow)."""
    return sorted(set(_FLOW_SID_RE.findall(text or "")))


def summary(flow):
    """One line naming a flow for error messages."""
    return "%s (%s, %s, integration %s)" % (
        flow.get("sid"), repr(flow.get("friendly_name")),
        "enabled" if flow.get("enabled") else "disabled", user_type(flow.get("integration_type")),
    )


# -- one flex_sms_address entry ---------------------------------------------------


def live_view(flow):
    """The managed fields of a live flow that are set (None when there is no flow)."""
    if flow is None:
        return None
    return dict((k, v) for k, v in managed_view(flow).items() if v is not None)
