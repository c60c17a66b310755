# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: the one table of SMS address settings.

Which option an SMS address has, its type, and which integration types
(studio, webhook, task) it belongs to. flex_sms_address (its options and
list entries), flex_sms_address_info (what it reports), _flex_flow (the API
mapping) and the role's filter plugins all read this table; nothing else
lists them. Pure data, no requests.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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

SETTINGS = tuple(row[0] for row in SETTINGS_TABLE)
INTEGRATION_OPTIONS = tuple(row[0] for row in SETTINGS_TABLE if row[2])
COMMON_OPTIONS = tuple(row[0] for row in SETTINGS_TABLE if not row[2] and row[0] != "integration_type")
INTEGER_OPTIONS = tuple(row[0] for row in SETTINGS_TABLE if row[1]["type"] == "int")
TYPE_OPTIONS = dict((t, tuple(row[0] for row in SETTINGS_TABLE if row[2] and t in row[2])) for t in INTEGRATION_TYPES)


def entry_options():
    """The argument spec of the settings (module-level options and list-entry suboptions alike)."""
    return dict((row[0], dict(row[1])) for row in SETTINGS_TABLE)


def normalise_type(value):
    """An integration_type value with aliases resolved (``external`` -> ``webhook``)."""
    if value is None:
        return None
    return TYPE_ALIASES.get(value, value)


def types_for(option):
    """The integration types an option belongs to (every type for a common option)."""
    for row in SETTINGS_TABLE:
        if row[0] == option and row[2]:
            return row[2]
    return INTEGRATION_TYPES


def options_for(itype):
    """The options an address of integration type ``itype`` uses: the common ones, then its own."""
    return COMMON_OPTIONS + TYPE_OPTIONS[normalise_type(itype)]
