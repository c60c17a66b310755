#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: flex_sms_address_info
short_description: List the Twilio Flex SMS addresses (Flex Flows) of an account
version_added: 0.1.0
author:
  - flexops.twilio maintainers (@flexops)
description:
  - Lists the legacy Flex SMS addresses of an account (Flex Flows with channel
    type C(sms)), or the one(s) of a phone number, each with its integration
    resolved to the Studio flow's SID and name, the webhook URL, or the
    TaskRouter workspace, workflow, task channel, priority and timeout.
  - The audit view of M(flexops.twilio.flex_sms_address); it changes nothing.
  - Sends one listing of the Flex Flows and, only when an address uses a
    Studio flow, one listing of the Studio flows (each paged by up to 1000).
extends_documentation_fragment:
  - flexops.twilio.twilio
options:
  phone_number:
    description:
      - Only the SMS address(es) of this phone number (E.164, for example V(+15551234567)).
    type: str
notes:
  - Supports check mode (it never writes).
seealso:
  - module: flexops.twilio.flex_sms_address
"""

EXAMPLES = r"""
- name: List every SMS address of the account
  flexops.twilio.flex_sms_address_info:
  register: sms

- name: Show the numbers whose SMS goes to a Studio flow other than "Messaging Flow"
  ansible.builtin.debug:
    msg: "{{ sms.addresses | selectattr('integration_type', 'equalto', 'studio')
             | rejectattr('studio_flow_name', 'equalto', 'Messaging Flow')
             | map(attribute='phone_number') | list }}"

- name: The SMS address of one number
  flexops.twilio.flex_sms_address_info:
    phone_number: "+15551234567"
  register: one

- name: Fail if a number has more than one SMS address
  ansible.builtin.assert:
    that: one.addresses | length <= 1
"""

RETURN = r"""
addresses:
  description: The SMS addresses, sorted by phone number, then SID.
  returned: always
  type: list
  elements: dict
  contains:
    sid:
      description: The Flex Flow's SID (C(FO...)).
      type: str
      returned: always
    phone_number:
      description: The number (the flow's contact identity, in E.164 form).
      type: str
      returned: always
    friendly_name:
      description: The flow's name.
      type: str
      returned: always
    enabled:
      description: Whether the flow is enabled.
      type: bool
      returned: always
    chat_service_sid:
      description: The Flex chat service (C(IS...)).
      type: str
      returned: always
    integration_type:
      description: V(studio), V(webhook) (the API's C(external)) or V(task).
      type: str
      returned: always
    studio_flow_sid:
      description: The Studio flow (C(FW...)); null unless the type is V(studio).
      type: str
      returned: always
    studio_flow_name:
      description: The Studio flow's friendly name; null unless the type is V(studio) or if the flow no longer exists.
      type: str
      returned: always
    webhook_url:
      description: The webhook URL; null unless the type is V(webhook).
      type: str
      returned: always
    workspace_sid:
      description: The TaskRouter workspace (C(WS...)); null unless the type is V(task).
      type: str
      returned: always
    workflow_sid:
      description: The TaskRouter workflow (C(WW...)); null unless the type is V(task).
      type: str
      returned: always
    task_channel:
      description: The task channel (SID or unique name); null unless the type is V(task).
      type: str
      returned: always
    priority:
      description: The task priority, when Twilio reports it; null unless the type is V(task).
      type: int
      returned: always
    timeout:
      description: The task timeout in seconds, when Twilio reports it; null unless the type is V(task).
      type: int
      returned: always
    retry_count:
      description: The retry count of the Studio flow or webhook, when Twilio reports it.
      type: int
      returned: always
    long_lived:
      description: Whether the chat channel is kept open.
      type: bool
      returned: always
    janitor_enabled:
      description: Whether the Messaging Channel Janitor is on.
      type: bool
      returned: always
    shares_number_with:
      description: SIDs of other SMS addresses with the same number (a number should have one).
      type: list
      elements: str
      returned: always
    integration:
      description: The C(integration) object as Twilio returns it.
      type: dict
      returned: always
    date_created:
      description: When the flow was created.
      type: str
      returned: always
    date_updated:
      description: When the flow was last changed.
      type: str
      returned: always
api_stats:
  description: How many requests the module sent to Twilio.
  returned: always
  type: dict
  sample: {requests: 2, writes: 0, retries: 0, rate_limited: 0}
problems:
  description:
    - When the task fails, what is wrong, one item per problem, so that a caller (for example the role
      C(flexops.twilio.flex_sms_setup)) can word its own error without parsing C(msg).
    - Every code is listed in the collection's C(docs/problems.md).
  returned: failure
  type: list
  elements: dict
  contains:
    code:
      description: A stable code for the kind of problem.
      type: str
      sample: held_by_other_service
    entry:
      description: The entry the problem is about (its phone number, or a Studio flow's user), null for the whole task.
      type: str
      sample: "+15551230001"
    option:
      description: The option as the task wrote it (for example C(addresses[2].webhook_url)), null when none is to blame.
      type: str
      sample: take_over
    holder:
      description: The service in the way (C(type), C(sid), C(name)), only where there is one.
      type: dict
      sample: {type: messaging_service, sid: MG0123456789abcdef0123456789abcdef, name: Marketing}
    msg:
      description: What is wrong, in the module's option names.
      type: str
    fix:
      description: What to do about it, in the module's option names; null when C(msg) says all there is.
      type: str
"""

from ansible_collections.flexops.twilio.plugins.module_utils import _lookups as lookups
from ansible_collections.flexops.twilio.plugins.module_utils._base import TwilioModule
from ansible_collections.flexops.twilio.plugins.module_utils._flex_flow import flows_for_number, is_sms, managed_view
from ansible_collections.flexops.twilio.plugins.module_utils._integrations import SETTINGS
from ansible_collections.flexops.twilio.plugins.module_utils._validate import check_e164

# Every setting of the one table; the Studio flow is reported as studio_flow_sid and studio_flow_name.
VIEW_KEYS = tuple(k for k in SETTINGS if k != "studio_flow")


def audit_view(flow, all_sms, studio_names=None):
    """One SMS address as the info module reports it."""
    view = managed_view(flow)
    item = dict(sid=flow.get("sid"), phone_number=view["phone_number"])
    item.update((k, view.get(k)) for k in VIEW_KEYS)
    item["studio_flow_sid"] = view.get("studio_flow")
    item["studio_flow_name"] = (studio_names or {}).get(view.get("studio_flow")) if view.get("studio_flow") else None
    item["shares_number_with"] = sorted(
        f.get("sid") for f in flows_for_number(all_sms, flow.get("contact_identity") or "")
        if f.get("sid") != flow.get("sid"))
    item["integration"] = flow.get("integration")
    item["date_created"] = flow.get("date_created")
    item["date_updated"] = flow.get("date_updated")
    return item


class FlexSmsAddressInfo(TwilioModule):
    argument_spec = dict(phone_number=dict(type="str"))

    def validate(self):
        check_e164("phone_number", self.params["phone_number"])

    def run(self):
        all_sms = [f for f in lookups.flex_flows(self) if is_sms(f)]
        number = self.params["phone_number"]
        flows = flows_for_number(all_sms, number) if number else all_sms
        studio_names = {}
        if any(managed_view(f).get("studio_flow") for f in flows):
            studio_names = dict((s.get("sid"), s.get("friendly_name")) for s in lookups.studio_flows(self))
        items = [audit_view(f, all_sms, studio_names) for f in flows]
        for item in items:
            if item["studio_flow_sid"] and item["studio_flow_name"] is None:
                self.warn("SMS address %s (%s) uses Studio flow %s, which does not exist in account %s."
                          % (item["sid"], item["phone_number"], item["studio_flow_sid"], self.account_sid))
        items.sort(key=lambda i: (i["phone_number"] or "", i["sid"] or ""))
        return dict(changed=False, addresses=items)


def main():
    FlexSmsAddressInfo().execute()


if __name__ == "__main__":
    main()
