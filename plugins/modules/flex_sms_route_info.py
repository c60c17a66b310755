#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: flex_sms_route_info
short_description: Where each number's inbound SMS really goes, and whether it reaches Flex
version_added: 0.1.0
author:
  - flexops.twilio maintainers (@flexops)
description:
  - Follows every SMS-capable number of the account (or the numbers in O(phone_numbers)) the way Twilio
    routes an incoming SMS, and says where it lands (RV(numbers[].route)), whether a Flex task is created
    (RV(numbers[].reaches_flex)), which rule decided (RV(numbers[].rule), RV(numbers[].why)), and every
    problem on the way with a stable code and its fix (RV(numbers[].problems)).
  - It reads the pieces that decide it. B(Messaging Service membership) (a service with
    C(use_inbound_webhook_on_number) false takes the message, whatever else is set);
    B(Proxy pool membership) (only the O(proxy_service) pool feeds Flex Flows);
    B(the number's own handler) (C(sms_application_sid), C(sms_url)); B(legacy SMS addresses) (Flex
    Flows with channel C(sms)); the B(Flex Conversations address) (Conversations v1
    C(Configuration/Addresses), type C(sms)); and B(Studio) (whether Send to Flex is reachable from the
    Trigger's C(incomingMessage) transition for a Flex Flow, C(incomingConversationMessage) for a
    Conversations address).
  - "The rules, first match wins. 1a: a Messaging Service that holds the number and does not defer takes
    the message (V(messaging_service), false; null when the number also has a Conversations address,
    because a service set up for Conversations is not visible in the API). 1b: a deferring service lets the
    rules below decide. 2: a Conversations address (V(flex_conversations)): null when the number is also in
    a Proxy pool; false when auto-creation is disabled, when its conversation service is not the Flex one,
    or for type C(default); type C(studio) is true when the flow reaches Send to Flex from
    C(incomingConversationMessage), false otherwise or when the flow is missing; type C(webhook) is null.
    3: a Proxy pool: null when an SMS application is set too; another service is V(proxy_other), false;
    the Flex Proxy Service (V(flex_legacy)) with no enabled SMS Flex Flow is false, with more than one null,
    with one C(studio) flow true when the flow reaches Send to Flex from C(incomingMessage), C(task) true,
    C(external) null. 4: an SMS application is V(twiml_app), false. 5: an C(sms_url) of a Studio flow is
    V(studio), null; another URL V(webhook), false. 6: nothing is V(none), false."
  - Null means Twilio's behaviour is unknown in that case (RV(numbers[].why) says which); the role
    C(flexops.twilio.flex_sms_setup) warns about such numbers and fails on false ones.
  - "Requests grow with pages and services, not with numbers: one listing each of the numbers, the Flex
    Flows, the Proxy services, the Messaging Services and the Conversations addresses (50 per page); one
    listing of each service's pool; one fetch per Studio flow in use (by the numbers reported on; the
    Studio flows are not listed, a flow that answers 404 does not exist); the Flex Configuration only when
    a Conversations address names a conversation service. Independent look-ups run at the same time, in
    two rounds. Also in check mode; it never writes."
  - RV(capacity) reports each pool's use against Twilio's capacities (Flex Flows per account, a Proxy
    service's non-reserved and reserved numbers, a Messaging Service's numbers) from the same listings, and
    warns from 90 % (Twilio's warning 80624).
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
  phone_numbers:
    description:
      - The numbers to follow, in E.164 (for example V(+15551234567)).
      - Left out, every SMS-capable number of the account, plus the numbers of SMS Flex Flows that the
        account does not own (problem C(flex_flow_number_not_owned)).
      - A number the account does not own is reported with route V(none), RV(numbers[].reaches_flex) false
        and problem C(number_not_owned) (or C(flex_flow_number_not_owned) when a Flex Flow names it).
    type: list
    elements: str
  proxy_service:
    description:
      - The Proxy service that feeds Flex Flows, by unique name or SID (C(KS...)).
    type: str
    default: Flex Proxy Service
notes:
  - The problem codes and their fixes are listed in the collection's C(docs/troubleshooting.md).
seealso:
  - module: flexops.twilio.flex_sms_address_info
  - module: flexops.twilio.studio_flow_info
  - module: flexops.twilio.flex_sms_address
"""

EXAMPLES = r"""
- name: Where does each number's SMS go?
  flexops.twilio.flex_sms_route_info:
  register: routes

- name: Show one line per number
  ansible.builtin.debug:
    msg: "{{ routes.report }}"

- name: Fail when a number of ours does not reach Flex
  flexops.twilio.flex_sms_route_info:
    phone_numbers: ["+15551230001", "+15551230002"]
  register: ours
  failed_when: ours.numbers | selectattr('reaches_flex', 'false') | list | length > 0

- name: The numbers a Messaging Service takes away from Flex
  ansible.builtin.debug:
    msg: "{{ routes.numbers | selectattr('route', 'equalto', 'messaging_service') | map(attribute='phone_number') | list }}"
"""

RETURN = r"""
numbers:
  description: One entry per number, sorted by number.
  returned: success
  type: list
  elements: dict
  contains:
    phone_number:
      description: The number (E.164).
      type: str
      sample: "+15551230001"
    sid:
      description: The number's SID (C(PN...)); null when the account does not own it.
      type: str
    route:
      description: >-
        Where an incoming SMS lands: V(flex_legacy) (the Flex Proxy Service and a Flex Flow),
        V(flex_conversations) (a Conversations address), V(studio) (C(sms_url) of a Studio flow), V(webhook),
        V(twiml_app), V(messaging_service), V(proxy_other) (another Proxy service) or V(none).
      type: str
      sample: flex_legacy
    reaches_flex:
      description: True when a Flex task is created, false when not, null when Twilio's behaviour is unknown.
      type: bool
    certain:
      description: False exactly when RV(numbers[].reaches_flex) is null.
      type: bool
    rule:
      description: The rule that decided (V(1a), V(2c), V(3c), ...; see the description).
      type: str
      sample: 3c
    why:
      description: The decision in one sentence (for null, why it is unknown).
      type: str
    messaging_service:
      description: The Messaging Service that holds the number (null when none).
      type: dict
      contains:
        sid: {description: "The service's SID (C(MG...))", type: str}
        friendly_name: {description: "Its name", type: str}
        use_inbound_webhook_on_number: {description: "True when it defers inbound to the number's handler", type: bool}
        us_app_to_person_registered: {description: "True when a US A2P 10DLC campaign is registered on it", type: bool}
    proxy_service:
      description: The Proxy service whose pool holds the number (null when none).
      type: dict
      contains:
        sid: {description: "The service's SID (C(KS...))", type: str}
        unique_name: {description: "Its unique name", type: str}
        is_flex_proxy_service: {description: "True when it is O(proxy_service)", type: bool}
    handler:
      description: The number's own handler.
      type: dict
      contains:
        sms_application_sid: {description: "The SMS application (C(AP...)) or null", type: str}
        sms_url: {description: "The C(sms_url) or null", type: str}
        sms_url_kind: {description: "V(none), V(studio) (a Studio flow's webhook), V(proxy) (a Proxy webhook) or V(other)", type: str}
    flex_flows:
      description: The number's SMS Flex Flows (legacy SMS addresses).
      type: list
      elements: dict
      contains:
        sid: {description: "The flow's SID (C(FO...))", type: str}
        friendly_name: {description: "Its name", type: str}
        enabled: {description: "Whether it is enabled", type: bool}
        integration_type: {description: "V(studio), V(webhook) (the API's C(external)) or V(task)", type: str}
        studio_flow_sid: {description: "Its Studio flow (C(FW...)) or null", type: str}
        webhook_url: {description: "Its webhook URL or null", type: str}
        chat_service_sid: {description: "Its chat service (C(IS...))", type: str}
    conversations_address:
      description: The number's Conversations address (type C(sms)), null when none.
      type: dict
      contains:
        sid: {description: "The address's SID (C(IG...))", type: str}
        friendly_name: {description: "Its name", type: str}
        auto_creation:
          description: "Its C(auto_creation): C(enabled), C(type), C(conversation_service_sid), C(studio_flow_sid), C(webhook_url), ..."
          type: dict
    studio:
      description: The Studio flow the decision depended on (null when none).
      type: dict
      contains:
        flow_sid: {description: "The flow's SID", type: str}
        flow_name: {description: "Its name (null when it does not exist)", type: str}
        exists: {description: "Whether the flow exists", type: bool}
        trigger_event: {description: "V(incomingMessage) or V(incomingConversationMessage)", type: str}
        reaches_send_to_flex: {description: "Whether Send to Flex is reachable from that event (null when the flow is missing)", type: bool}
        widget: {description: "The nearest reachable Send to Flex widget", type: str}
        problem: {description: "Why it does not reach Send to Flex", type: str}
    problems:
      description: What keeps the message from Flex, or makes the outcome unknown (the collection's problem type, see docs/problems.md).
      type: list
      elements: dict
      contains:
        code:
          description: >-
            A stable code, for example V(messaging_service_captures_inbound), V(flex_flow_not_in_proxy_pool),
            V(number_in_other_proxy_service), V(flex_flow_disabled), V(flex_flow_duplicate),
            V(pooled_without_flex_flow), V(studio_flow_unreachable), V(studio_flow_missing),
            V(sms_application_shadows), V(conversations_address_sms_url), V(conversations_address_in_flex_proxy),
            V(legacy_and_conversations_address), V(flex_flow_number_not_owned) (all codes: docs/troubleshooting.md).
          type: str
        entry: {description: "The number the problem is about", type: str}
        option: {description: "Always null (no option of this module is to blame)", type: str}
        holder: {description: "Always null (the Messaging Service or Proxy service is named in the message)", type: str}
        msg: {description: "The problem in one line", type: str}
        fix: {description: "The collection option or role variable that repairs it, or the Console step", type: str}
summary:
  description: Counts of numbers, reaching Flex or not or unknown, in total and per route.
  returned: success
  type: dict
  sample: {numbers: 3, reaching_flex: 2, not_reaching_flex: 1, unknown: 0,
           routes: {flex_legacy: {numbers: 2, reaching_flex: 2, not_reaching_flex: 0, unknown: 0},
                    messaging_service: {numbers: 1, reaching_flex: 0, not_reaching_flex: 1, unknown: 0}}}
report:
  description: One readable line per number.
  returned: success
  type: list
  elements: str
  sample:
    - "+15551230001 -> Flex Proxy Service (KS...) -> FO... -> studio flow Messaging Flow (FW...) -> Send to Flex: yes
      (SendMessageToAgent) -> reaches Flex: yes (flex_legacy)"
    - "+15551230002 -> Messaging Service A2P (MG..., does not defer) -> reaches Flex: NO (messaging_service)
      PROBLEM: messaging_service_captures_inbound"
capacity:
  description:
    - Each pool's use against Twilio's capacity (or the account's own, O(account_limits)), from the listings
      the module reads anyway (no request of its own). From 90 % of a limit (Twilio's warning 80624,
      "Approaching Maximum Number Pool Size") the module warns, naming the fix.
    - Each use is C(in_use), C(limit), C(percent), C(approaching) (90 % or more) and C(full).
  returned: success
  type: dict
  sample:
    flex_flows: {in_use: 2300, limit: 2500, percent: 92.0, approaching: true, full: false}
    proxy_services:
      - sid: KS0123456789abcdef0123456789abcdef
        unique_name: Flex Proxy Service
        numbers: {in_use: 120, limit: 500, percent: 24.0, approaching: false, full: false}
        reserved_numbers: {in_use: 0, limit: 5000, percent: 0.0, approaching: false, full: false}
    messaging_services:
      - sid: MG0123456789abcdef0123456789abcdef
        friendly_name: Support A2P
        numbers: {in_use: 400, limit: 400, percent: 100.0, approaching: true, full: true}
  contains:
    flex_flows:
      description: The account's Flex Flows (all channel types) against 2,500 per account.
      type: dict
    proxy_services:
      description: Per Proxy service, C(sid), C(unique_name), and its C(numbers) (non-reserved, against 500) and C(reserved_numbers) (against 5,000).
      type: list
      elements: dict
    messaging_services:
      description: Per Messaging Service, C(sid), C(friendly_name) and its C(numbers) (against 400).
      type: list
      elements: dict
check_mode:
  description:
    - Whether the task ran in check mode (it reads the same either way). A caller that previews changes in
      check mode, as the role C(flexops.twilio.flex_sms_setup) does, knows the answer describes the account
      as it is, not as it would be.
  returned: success
  type: bool
api_stats:
  description: Requests sent to Twilio by this task.
  returned: always
  type: dict
  sample: {requests: 9, writes: 0, retries: 0, rate_limited: 0}
"""

from ansible_collections.flexops.twilio.plugins.module_utils import _capacity, _route
from ansible_collections.flexops.twilio.plugins.module_utils._base import TwilioModule
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError
from ansible_collections.flexops.twilio.plugins.module_utils._validate import check_e164


class FlexSmsRouteInfo(TwilioModule):
    argument_spec = dict(
        phone_numbers=dict(type="list", elements="str"),
        proxy_service=dict(type="str", default="Flex Proxy Service"),
    )

    def validate(self):
        for index, number in enumerate(self.params["phone_numbers"] or []):
            check_e164("phone_numbers[%d]" % index, number)
        if not (self.params["proxy_service"] or "").strip():
            raise ValidationError("proxy_service must not be empty: give the unique name or SID of the Flex Proxy Service.",
                                  code="invalid_value", option="proxy_service",
                                  fix="Give the unique name or SID of the Flex Proxy Service.")

    def run(self):
        audit = _route.audit(self, self.params["phone_numbers"], self.params["proxy_service"])
        return dict(audit, capacity=_capacity.usage(self), changed=False)  # from the listings the audit read


def main():
    FlexSmsRouteInfo().execute()


if __name__ == "__main__":
    main()
