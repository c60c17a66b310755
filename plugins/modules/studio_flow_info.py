#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: studio_flow_info
short_description: List Twilio Studio flows and check whether they can reach Flex
version_added: 0.1.0
description:
  - Lists the account's Studio (v2) flows, or reads one, and reports for each whether a
    C(send-to-flex) (Send to Flex) widget can be reached from the Trigger's C(incomingMessage)
    transition, the way a legacy Flex SMS conversation enters the flow.
  - Reachability is a breadth-first search over every transition of every widget, starting at the
    Trigger's O(trigger_event) transition. Cycles are followed once, transitions that name a widget
    the flow does not define are reported in C(missing_states), and Send to Flex widgets that no
    path reaches are reported in C(present_but_unreachable).
  - The definitions are read (one request per flow) only for the flows reported on.
author:
  - flexops.twilio maintainers (@flexops)
extends_documentation_fragment:
  - flexops.twilio.twilio
attributes:
  check_mode:
    support: full
    description: Reads only; runs the same in check mode.
  diff_mode:
    support: none
    description: Reads only; there is nothing to diff.
options:
  flow:
    description:
      - One flow, by SID (C(FW...)) or friendly name. Left out, every flow of the account is reported.
    type: str
  trigger_event:
    description:
      - The Trigger transition to start from. V(incomingMessage) is how SMS and other messages enter;
        V(incomingCall) and V(incomingConversationMessage) are other entry points.
    type: str
    default: incomingMessage
  include_definition:
    description:
      - Also return each flow's full definition.
    type: bool
    default: false
  concurrency:
    description:
      - How many flow definitions are read at the same time.
    type: int
    default: 8
seealso:
  - module: flexops.twilio.phone_number_handler
"""

EXAMPLES = r"""
- name: Check that the Messaging Flow hands SMS to Flex
  flexops.twilio.studio_flow_info:
    flow: Messaging Flow
  register: studio

- name: Refuse a flow that can never reach Flex
  ansible.builtin.assert:
    that: studio.flows[0].send_to_flex.reachable
    fail_msg: "{{ studio.flows[0].friendly_name }}: {{ studio.flows[0].send_to_flex.problem }}"

- name: Every flow, with the path to its Send to Flex widget
  flexops.twilio.studio_flow_info:
  register: all_flows

- name: Show it
  ansible.builtin.debug:
    msg: "{{ item.friendly_name }}: {{ item.send_to_flex.path | join(' -> ') }}"
  loop: "{{ all_flows.flows }}"
"""

RETURN = r"""
flows:
  description: One entry per flow reported on (ordered by friendly name when all flows are listed).
  returned: success
  type: list
  elements: dict
  contains:
    sid:
      description: The flow's SID.
      type: str
      sample: FW0123456789abcdef0123456789abcdef
    friendly_name:
      description: The flow's name.
      type: str
      sample: Messaging Flow
    status:
      description: V(draft) or V(published).
      type: str
      sample: published
    revision:
      description: The flow's revision.
      type: int
    valid:
      description: Whether Twilio considers the definition valid.
      type: bool
    webhook_url:
      description: The URL a number's C(sms_url) must point at to send its messages to this flow.
      type: str
      sample: https://webhooks.twilio.com/v1/Accounts/AC0123456789abcdef0123456789abcdef/Flows/FW0123456789abcdef0123456789abcdef
    send_to_flex:
      description: Whether and how the flow reaches a Send to Flex widget.
      type: dict
      contains:
        reachable:
          description: True when at least one Send to Flex widget is reachable from the Trigger.
          type: bool
        widget:
          description: The nearest reachable Send to Flex widget (null when none).
          type: str
          sample: SendMessageToAgent
        workflow_sid:
          description: That widget's TaskRouter workflow (C(WW...)).
          type: str
        channel_sid:
          description: That widget's TaskRouter task channel (C(TC...)).
          type: str
        attributes:
          description: That widget's task attributes (a JSON string, as in the flow).
          type: str
        path:
          description: The widget names from the Trigger to that widget.
          type: list
          elements: str
          sample: [Trigger, SendMessageToAgent]
        widgets:
          description: Every reachable Send to Flex widget, nearest first, each with C(widget), C(workflow_sid), C(channel_sid), C(attributes) and C(path).
          type: list
          elements: dict
        present_but_unreachable:
          description: Send to Flex widgets that no path from the Trigger reaches, each with C(widget), C(workflow_sid), C(channel_sid) and C(attributes).
          type: list
          elements: dict
        missing_states:
          description: Names that transitions lead to but the flow does not define.
          type: list
          elements: str
        trigger_event:
          description: The Trigger transition the search started from.
          type: str
        problem:
          description: Why nothing is reachable, in one sentence (null when a widget is reachable).
          type: str
    definition:
      description: The flow's definition.
      returned: when O(include_definition=true)
      type: dict
api_stats:
  description: Requests sent to Twilio by this task.
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
from ansible_collections.flexops.twilio.plugins.module_utils import _runner
from ansible_collections.flexops.twilio.plugins.module_utils._base import TwilioModule
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError
from ansible_collections.flexops.twilio.plugins.module_utils._studio import DEFAULT_TRIGGER_EVENT, flow_report
from ansible_collections.flexops.twilio.plugins.module_utils._validate import check_sid_or_name, is_sid


class StudioFlowInfo(TwilioModule):
    argument_spec = dict(
        flow=dict(type="str"),
        trigger_event=dict(type="str", default=DEFAULT_TRIGGER_EVENT),
        include_definition=dict(type="bool", default=False),
        concurrency=_runner.concurrency_option(),
    )

    def validate(self):
        p = self.params
        check_sid_or_name("flow", p["flow"], "studio_flow")
        if not (p["trigger_event"] or "").strip():
            raise ValidationError("trigger_event must not be empty: use incomingMessage for SMS.", option="trigger_event",
                                  fix="Use incomingMessage for SMS (incomingConversationMessage for Conversations).")
        _runner.check_concurrency(p["concurrency"])

    def run(self):
        p = self.params
        event, include = p["trigger_event"], p["include_definition"]
        if p["flow"] and is_sid(p["flow"], "studio_flow"):
            return dict(flows=[flow_report(lookups.studio_flow_by_sid(self, p["flow"], option="flow"), event,
                                           include_definition=include)])
        if p["flow"]:
            flows = [lookups.studio_flow(self, p["flow"], option="flow")["sid"]]
        else:
            flows = [f["sid"] for f in sorted(lookups.studio_flows(self),
                                              key=lambda f: (f.get("friendly_name") or "", f.get("sid")))]
        full = self.for_each(flows, lambda sid: lookups.studio_flow_by_sid(self, sid, option="flow"), concurrency=p["concurrency"])
        return dict(flows=[flow_report(flow, event, include_definition=include) for flow in full])


def main():
    StudioFlowInfo().execute()


if __name__ == "__main__":
    main()
