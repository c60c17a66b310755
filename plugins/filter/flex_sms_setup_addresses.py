# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: flex_sms_setup_addresses
short_description: The entries the role flexops.twilio.flex_sms_setup passes to flex_sms_address
version_added: 0.1.0
author:
  - flexops.twilio maintainers (@flexops)
description:
  - Turns the number entries of the role C(flexops.twilio.flex_sms_setup) into the O(flexops.twilio.flex_sms_address#module:addresses)
    of its M(flexops.twilio.flex_sms_address) task. Each entry gets the phone number, its integration type (its own,
    else the role's; V(external) is written V(webhook)), and every SMS address option of that type or common to all
    types that the entry or the role sets. An entry's own value wins; null counts as not set; a role-wide
    option of another integration type is left out.
  - An entry's own C(messaging_service) is passed on as it is (the role-wide one is the module's
    O(flexops.twilio.flex_sms_address#module:messaging_service)).
  - Made for the role; its input is the role's internal data. In Python rather than Jinja because a Jinja loop
    over hundreds of numbers costs a noticeable share of a rollout's CPU time.
options:
  _input:
    description: The role's entries (C(phone_number) and the SMS address options each sets), one per number.
    type: list
    elements: dict
    required: true
  integration_type:
    description: The role's C(flex_sms_setup_integration_type).
    type: str
    choices: [studio, webhook, external, task]
    required: true
  options:
    description:
      - The role-wide values of the SMS address options (C(studio_flow), C(webhook_url), C(workspace_sid),
        C(workflow_sid), C(task_channel), C(priority), C(timeout), C(retry_count), C(chat_service_sid),
        C(enabled), C(janitor_enabled), C(long_lived)); null or missing means not set.
    type: dict
    default: {}
  channel:
    description:
      - The role's C(flex_sms_setup_channel). With V(conversations) the entries are for
        O(flexops.twilio.flex_conversations_address#module:addresses) instead, with the integration type as
        C(auto_creation_type), and only the options a Conversations address has (C(studio_flow),
        C(webhook_url), C(retry_count) of a studio address, C(friendly_name), C(enabled)).
    type: str
    choices: [legacy, conversations]
    default: legacy
"""

EXAMPLES = r"""
- name: The entries of the SMS addresses
  ansible.builtin.set_fact:
    addresses: >-
      {{ [{'phone_number': '+15551230001'}, {'phone_number': '+15551230002', 'integration_type': 'webhook'}]
         | flexops.twilio.flex_sms_setup_addresses('studio', {'studio_flow': 'Messaging Flow', 'webhook_url': 'https://example.com/sms'}) }}
    # [{'phone_number': '+15551230001', 'integration_type': 'studio', 'studio_flow': 'Messaging Flow'},
    #  {'phone_number': '+15551230002', 'integration_type': 'webhook', 'webhook_url': 'https://example.com/sms'}]
"""

RETURN = r"""
_value:
  description: One entry per number for O(flexops.twilio.flex_sms_address#module:addresses), in the same order.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.flexops.twilio.plugins.module_utils._integrations import INTEGRATION_TYPES, normalise_type, options_for
from ansible_collections.flexops.twilio.plugins.module_utils._migration import conversations_options


def flex_sms_setup_addresses(entries, integration_type, options=None, channel="legacy"):
    options = options or {}
    out = []
    for index, entry in enumerate(entries or []):
        itype = entry.get("integration_type")
        itype = integration_type if itype is None else itype
        itype = normalise_type(itype)
        if itype not in INTEGRATION_TYPES:
            raise AnsibleFilterError("flex_sms_setup_addresses: entry %d has integration_type %r: use studio, webhook or task"
                                     % (index, itype))
        address = dict(phone_number=entry.get("phone_number"), integration_type=itype)
        for option in options_for(itype):
            value = entry.get(option)
            if value is None:
                value = options.get(option)
            if value is not None:
                address[option] = value
        if entry.get("messaging_service") is not None:
            address["messaging_service"] = entry["messaging_service"]
        out.append(conversations_options(address) if channel == "conversations" else address)
    return out


class FilterModule(object):
    def filters(self):
        return {"flex_sms_setup_addresses": flex_sms_setup_addresses}
