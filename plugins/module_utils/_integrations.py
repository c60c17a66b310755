# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: the SMS address (Flex Flow) kind's settings table.

Which option an SMS address has, its type, and which integration types
(studio, webhook, task) it belongs to, as an ``_address_kind.Kind``
(``KIND``). flex_sms_address (its options and list entries),
flex_sms_address_info (what it reports), _flex_flow (the API mapping),
_sms_address (the entry rules) and the role's filter plugins all read this
table; nothing else lists them. Pure data, no requests.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.module_utils._address_kind import Kind

# User-facing integration types; the API calls "webhook" "external", which is accepted as an alias.
INTEGRATION_TYPES = ("studio", "webhook", "task")
TYPE_ALIASES = {"external": "webhook"}
TYPE_CHOICES = ["studio", "webhook", "external", "task"]
DEFAULT_TYPE = "studio"

# Every setting of an SMS address: option, its argument spec, and the
# integration types it belongs to (None: common to all types).
# For integration settings also the Flex Flow API's SDK keyword and the keys of the
# response's ``integration`` object (camelCase spellings are accepted too in case the live API answers with them).
SETTINGS_TABLE = (
    # option, spec, types, SDK keyword, response keys
    ("friendly_name", dict(type="str"), None, None, None),
    ("integration_type", dict(type="str", choices=TYPE_CHOICES), None, None, None),
    ("studio_flow", dict(type="str"), ("studio",), "integration_flow_sid", ("flow_sid", "flowSid")),
    ("webhook_url", dict(type="str"), ("webhook",), "integration_url", ("url",)),
    ("workspace_sid", dict(type="str"), ("task",), "integration_workspace_sid", ("workspace_sid", "workspaceSid")),
    ("workflow_sid", dict(type="str"), ("task",), "integration_workflow_sid", ("workflow_sid", "workflowSid")),
    ("task_channel", dict(type="str"), ("task",), "integration_channel", ("channel",)),
    ("priority", dict(type="int"), ("task",), "integration_priority", ("priority",)),
    ("timeout", dict(type="int"), ("task",), "integration_timeout", ("timeout",)),
    ("retry_count", dict(type="int"), ("studio", "webhook"), "integration_retry_count", ("retry_count", "retryCount")),
    ("chat_service_sid", dict(type="str"), None, None, None),
    ("enabled", dict(type="bool"), None, None, None),
    ("janitor_enabled", dict(type="bool"), None, None, None),
    ("long_lived", dict(type="bool"), None, None, None),
)

# Value ranges Twilio documents for the FlexFlow resource.
RANGES = (("retry_count", (0, 3)), ("priority", (0, 2147483647)), ("timeout", (1, 1209600)))

KIND = Kind(
    SETTINGS_TABLE, "integration_type", INTEGRATION_TYPES, DEFAULT_TYPE, "SMS address", "flex_flow",
    aliases=TYPE_ALIASES,
    sid_options=(("chat_service_sid", "chat_service"), ("workspace_sid", "workspace"), ("workflow_sid", "workflow")),
    name_options=(("studio_flow", "studio_flow"), ("task_channel", "task_channel")),
    ranges=RANGES,
    # Settings that name a Twilio resource, fetched before they are written (issue 12).
    checked=(("chat_service_sid", "chat_service"), ("workspace_sid", "workspace"), ("workflow_sid", "workflow"),
             ("task_channel", "task_channel")),
)

SETTINGS = KIND.settings
INTEGRATION_OPTIONS = KIND.type_options
COMMON_OPTIONS = tuple(o for o in SETTINGS if o not in INTEGRATION_OPTIONS and o != KIND.type_option)
INTEGER_OPTIONS = tuple(row[0] for row in SETTINGS_TABLE if row[1]["type"] == "int")
entry_options = KIND.entry_options
normalise_type = KIND.normalise_type
types_for = KIND.types_for


def options_for(itype):
    """The options an address of integration type ``itype`` uses: the common ones, then its own."""
    return COMMON_OPTIONS + KIND.options_of(itype)
