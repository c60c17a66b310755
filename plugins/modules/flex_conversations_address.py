#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: flex_conversations_address
short_description: Manage the Flex Conversations address (type sms) of a phone number
version_added: 0.1.0
author:
  - flexops.twilio maintainers (@flexops)
description:
  - Makes the Flex Conversations address of a phone number exactly what the
    task says. A Conversations address is a Conversations v1 address
    configuration (C(/v1/Configuration/Addresses)) of type C(sms) whose
    address is the number; with auto-creation enabled, every message to the
    number starts a conversation in the Flex conversation service and hands
    it to a Studio flow or a webhook. It is what replaces the legacy Flex SMS
    address (M(flexops.twilio.flex_sms_address)) now that Programmable Chat
    for Flex has reached end of life (June 1, 2026).
  - The address of a number is found by its type and address, with no stored
    state. A single number is fetched by its address (one request); with
    O(addresses) the account's C(sms) addresses are listed once for all
    entries (50 per page, the most the API allows).
  - An address is created only for a phone number of the account. Before a
    create (also in check mode) the number is looked up among the account's
    incoming phone numbers, and a number the account does not own is refused
    with nothing written.
  - Only the settings the task sets are managed; an option left out keeps the
    live value of an existing address. Defaults (the name, O(auto_creation_type=studio),
    the C(Messaging Flow) Studio flow, the Flex conversation service,
    O(enabled=true)) apply only when the address is created, or, for the
    settings of an auto-creation type, when the type is switched.
  - Type, address and country of an address cannot be updated through the
    API. A change of any of them (O(address_country), or O(sid) naming an
    address of another number or type) deletes the address and creates it
    again with the wanted settings; the diff and RV(replaced) say so. For a
    new number the new address is created before the old one is deleted;
    for the same number (a country change) the old one is deleted first,
    since Twilio allows one address per type and address.
  - An update sends only the settings that differ; a run that changes nothing
    sends no write request.
  - Several numbers can be handled by one task with O(addresses); they are
    worked through in parallel, at most O(concurrency) at a time.
  - Without O(replace_legacy) the module does not touch the number's legacy
    routing (its Flex Flow, the Flex Proxy Service pool, its C(sms_url)). With
    it, the module migrates the numbers from legacy SMS addresses as Twilio's
    guide does (see O(replace_legacy) and docs/migration.md); the role
    C(flexops.twilio.flex_sms_setup) with C(flex_sms_setup_channel=conversations)
    runs it for its numbers.
extends_documentation_fragment:
  - flexops.twilio.twilio
  - flexops.twilio.report_routes
options:
  phone_number:
    description:
      - The phone number (E.164, for example V(+15551234567)) whose Conversations
        address to manage; the address of the address configuration.
      - Required unless O(sid) or O(addresses) is given.
    type: str
  sid:
    description:
      - The SID (C(IG...)) of an existing address configuration to manage,
        instead of finding it by O(phone_number).
      - With O(phone_number) too, and the address is another number's or
        not of type C(sms), the address is replaced (see the description).
      - With O(state=present) and a SID that does not exist, O(phone_number)
        is required and the module manages that number's address (so a
        replacement that was interrupted finishes on the rerun).
    type: str
  addresses:
    description:
      - Several Conversations addresses in one task, one entry per phone number.
      - The module-level options (other than O(phone_number) and O(sid)) are
        defaults for every entry; a value in an entry overrides them. A
        module-level setting of one auto-creation type (for example
        O(studio_flow)) is not used for an entry that sets another
        O(addresses[].auto_creation_type) itself.
      - O(state) and O(check_send_to_flex) apply to every entry.
      - Mutually exclusive with O(phone_number) and O(sid).
    type: list
    elements: dict
    suboptions:
      phone_number:
        description: The phone number (E.164) of this entry.
        type: str
        required: true
      friendly_name:
        description: See O(friendly_name).
        type: str
      auto_creation_type:
        description: See O(auto_creation_type).
        type: str
        choices: [studio, webhook, default, task]
      studio_flow:
        description: See O(studio_flow).
        type: str
      retry_count:
        description: See O(retry_count).
        type: int
      webhook_url:
        description: See O(webhook_url).
        type: str
      webhook_method:
        description: See O(webhook_method).
        type: str
        choices: [GET, POST]
      webhook_filters:
        description: See O(webhook_filters).
        type: list
        elements: str
        choices: [onMessageAdded, onMessageUpdated, onMessageRemoved, onConversationUpdated, onConversationStateUpdated,
                  onConversationRemoved, onParticipantAdded, onParticipantUpdated, onParticipantRemoved, onDeliveryUpdated]
      conversation_service_sid:
        description: See O(conversation_service_sid).
        type: str
      enabled:
        description: See O(enabled).
        type: bool
      address_country:
        description: See O(address_country).
        type: str
  concurrency:
    description:
      - With O(addresses), how many numbers are worked on at the same time (1 to 50).
    type: int
    default: 8
  auto_creation_type:
    description:
      - What a message to the number starts, once auto-creation has created its conversation.
      - V(studio) hands the conversation to a Studio flow (O(studio_flow)),
        which enters it through its Trigger's C(incomingConversationMessage)
        event; V(webhook) calls O(webhook_url); V(default) only creates the
        conversation (no Flex task is created for it).
      - V(task) is refused (problem code C(task_integration)), as Flex
        Conversations does not support the legacy C(task) integration. Use
        V(studio) (with a Send to Flex widget) or V(webhook). It is a choice
        only so that a task carried over from a legacy address is named clearly.
      - When creating, defaults to V(studio). Left out for an existing address, its type is kept.
    type: str
    choices: [studio, webhook, default, task]
  studio_flow:
    description:
      - The Studio flow, as an C(FW...) SID or its friendly name (resolved by
        listing the Studio flows; no match or several matches is an error).
      - Only with O(auto_creation_type=studio).
      - When creating, or switching to V(studio), defaults to the flow named C(Messaging Flow).
    type: str
  retry_count:
    description:
      - How often Twilio retries the request to the Studio flow (API C(AutoCreation.StudioRetryCount)), 0 to 3.
      - Only with O(auto_creation_type=studio). Not sent unless set.
      - Twilio's reference gives no range; the module accepts that of Flex Flows (0 to 3).
    type: int
  webhook_url:
    description:
      - The C(https) URL Twilio calls for the conversation's events.
      - Only with O(auto_creation_type=webhook); required when creating such an address or switching to it.
    type: str
  webhook_method:
    description:
      - The HTTP method of the webhook request. Only with O(auto_creation_type=webhook).
      - Not sent unless set. Compared without regard to case (Twilio answers V(POST) for C(post)).
    type: str
    choices: [GET, POST]
  webhook_filters:
    description:
      - The conversation events that fire the webhook, for example V(onMessageAdded).
      - One or more of C(onMessageAdded), C(onMessageUpdated), C(onMessageRemoved),
        C(onConversationUpdated), C(onConversationStateUpdated), C(onConversationRemoved),
        C(onParticipantAdded), C(onParticipantUpdated), C(onParticipantRemoved), C(onDeliveryUpdated).
      - Compared as a set (the order does not matter). Only with O(auto_creation_type=webhook). Not sent unless set.
    type: list
    elements: str
    choices: [onMessageAdded, onMessageUpdated, onMessageRemoved, onConversationUpdated, onConversationStateUpdated,
              onConversationRemoved, onParticipantAdded, onParticipantUpdated, onParticipantRemoved, onDeliveryUpdated]
  conversation_service_sid:
    description:
      - The Conversations service (C(IS...)) the auto-created conversations go to.
      - When creating, defaults to the Flex Configuration's C(flex_service_instance_sid),
        the Conversations service Flex Conversations uses for its
        conversations (Flex's "Flex conversation service"). The Flex
        Configuration's C(chat_service_instance_sid) is the Programmable Chat
        service of legacy SMS addresses, not a Conversations service, so it
        is never used here. A conversation in another service does not reach Flex.
      - A service the task sets is fetched before the first write (one request per
        task, not when it is the live one); one that does not exist fails the task
        with problem code C(sid_not_found), as does a O(studio_flow) SID that does not exist.
    type: str
  friendly_name:
    description:
      - The address configuration's name (at most 256 characters).
      - When creating, defaults to C(Flex Conversations <phone_number>).
    type: str
  enabled:
    description:
      - Whether messages to the number auto-create a conversation (API C(AutoCreation.Enabled)).
        Disabled, the address exists but starts nothing.
      - When creating, defaults to V(true) (sent explicitly).
    type: bool
  address_country:
    description:
      - The ISO 3166-1 alpha-2 country code of the address (two capital letters, for example V(US)).
        Twilio uses it for short codes only.
      - Not sent unless set. It cannot be updated, so a different value replaces the address
        (delete and create, see the description).
    type: str
  check_send_to_flex:
    description:
      - Whether to check that the addresses' Studio flows can hand a conversation to Flex.
      - For every address of type V(studio) after the task, the module reads the
        Studio flow it will use (the one the task sets, or the live one) and
        follows the Trigger's C(incomingConversationMessage) transition (the
        event through which a Conversations address enters a flow; legacy SMS
        uses C(incomingMessage)) to a C(Send to Flex) widget. One request per
        Studio flow used; the result shows the flow in RV(studio_flow)
        (RV(addresses[].studio_flow) in list form).
      - V(fail) refuses flows from which no path reaches C(Send to Flex); the
        task fails before any write, naming the flow, the numbers and the trigger event.
      - V(warn) writes anyway and warns about such flows.
      - V(skip) reads no Studio flow definition.
      - A Studio flow SID that does not exist is refused before any write with V(fail) and V(warn).
      - With V(fail) or V(warn) every entry is checked before the first write,
        and any problem fails the task with nothing written (without them, in
        list form, a failing entry does not stop the others).
      - Only with O(state=present).
    type: str
    choices: [fail, warn, skip]
    default: skip
  replace_legacy:
    description:
      - Migrate the numbers from the legacy path (Twilio's "migrate from legacy
        messaging"). Before its Conversations address is created, each
        number's legacy SMS address (Flex Flow) is deleted, the number leaves
        the O(proxy_service) pool and its C(sms_url) is blanked if it points at
        Studio or Proxy. The Studio flow or webhook of the legacy address (or
        of a Studio C(sms_url)) is carried over to the options the task leaves out.
      - Every number is checked before the first write, and any problem fails
        the task with nothing written (problem codes in brackets). The account
        owns it (C(not_owned)); the integration is not C(task)
        (C(task_integration)); the Studio flow reaches Send to Flex from
        C(incomingConversationMessage) (C(send_to_flex_unreachable), checked as
        with O(check_send_to_flex=fail), or V(warn) when set so); no Messaging
        Service takes its incoming messages unless listed in
        O(conversations_messaging_services) (C(messaging_service_takes_inbound));
        no other Proxy service holds it (C(held_by_other_service)); its
        C(sms_url) is blank, Studio or Proxy, or O(blank_sms_url) is set
        (C(foreign_sms_url)); it has at most one Flex Flow (C(duplicate_addresses)).
      - Each step is done only when needed, so a killed run continues on the
        rerun. A number is never released and no Studio flow is deleted.
      - The result of each number has RV(route_before), RV(route_after) and
        RV(legacy_flow) (the deleted Flex Flow, for the change ticket).
      - Only with O(state=present). Twilio says to migrate only addresses
        without production traffic (docs/migration.md).
    type: bool
    default: false
  proxy_service:
    description:
      - With O(replace_legacy), the Proxy service whose pool the numbers leave, by SID (C(KS...)) or unique name.
      - An account without a Proxy service of that name has no pool to leave.
    type: str
    default: Flex Proxy Service
  blank_sms_url:
    description:
      - With O(replace_legacy), also blank an C(sms_url) that points at neither Studio nor Proxy (and an
        C(sms_application_sid)); without it such a number is refused (C(foreign_sms_url)).
    type: bool
    default: false
  conversations_messaging_services:
    description:
      - With O(replace_legacy), the Messaging Services (SIDs or names) that are set up for Conversations
        (default conversation service the Flex one, "Handle inbound messages with Conversations"); a number
        in one of them is migrated. The API does not show that setting, so it must be listed here.
      - A number in another Messaging Service that takes its incoming messages is refused. One that
        defers to the number's webhook (C(use_inbound_webhook_on_number)) is not in the way.
    type: list
    elements: str
    default: []
  state:
    description:
      - V(present) creates, updates or replaces the address; V(absent) deletes
        it (the phone number is kept).
    type: str
    choices: [present, absent]
    default: present
notes:
  - Check mode is supported and sends no write request; with C(--diff) the
    module shows the managed settings before and after for every number.
  - Every option is checked before the first request; settings of an
    auto-creation type are checked against the live address's type after
    reading it, still before any write.
  - Twilio allows one address per type and address. If the answer to a create
    is lost (for example the connection dropped), the module reads the address
    again instead of sending the create again.
  - Assumes that the response's C(auto_creation) object uses the request's
    names in snake_case (C(enabled), C(type), C(conversation_service_sid),
    C(webhook_url), C(webhook_method), C(webhook_filters), C(studio_flow_sid),
    C(studio_retry_count)); Twilio's API description shows only the webhook ones.
  - A number that a Messaging Service holds, or whose C(sms_url) is set, may
    not reach the address (Twilio's guide asks for no Messaging Service, or one
    set up for Conversations, and a blank C(sms_url)). Without O(replace_legacy)
    the module changes neither and warns about a set C(sms_url) when it creates an address.
seealso:
  - module: flexops.twilio.flex_sms_address
  - name: Address Configuration resource
    description: Twilio's reference of the Conversations address configuration API.
    link: https://www.twilio.com/docs/conversations/api/address-configuration-resource
  - name: Migrate from legacy messaging
    description: Twilio's Flex guide for moving SMS addresses to Flex Conversations.
    link: https://www.twilio.com/docs/flex/admin-guide/setup/conversations/migrate-from-legacy-messaging
"""

EXAMPLES = r"""
- name: Migrate two numbers from legacy SMS addresses (check mode first, see docs/migration.md)
  flexops.twilio.flex_conversations_address:
    replace_legacy: true
    addresses:
      - phone_number: "+15551230001"
      - phone_number: "+15551230002"
  check_mode: true
  diff: true

- name: Send a number's SMS to Flex Conversations through the Studio flow "Messaging Flow"
  flexops.twilio.flex_conversations_address:
    phone_number: "+15551234567"
    check_send_to_flex: fail

- name: Use a named Studio flow, retried once
  flexops.twilio.flex_conversations_address:
    phone_number: "+15551234567"
    studio_flow: Conversations Intake
    retry_count: 1

- name: Hand the conversations to a webhook
  flexops.twilio.flex_conversations_address:
    phone_number: "+15551234567"
    auto_creation_type: webhook
    webhook_url: https://example.com/conversations/inbound
    webhook_method: POST
    webhook_filters: [onMessageAdded]

- name: Many numbers in one task (module-level options are defaults for each entry)
  flexops.twilio.flex_conversations_address:
    studio_flow: Messaging Flow
    check_send_to_flex: fail
    concurrency: 8
    addresses:
      - phone_number: "+15551230001"
      - phone_number: "+15551230002"
        friendly_name: Sales SMS
      - phone_number: "+15551230003"
        auto_creation_type: webhook
        webhook_url: https://example.com/conversations/inbound
  register: conversations

- name: Show what would change, without changing anything
  flexops.twilio.flex_conversations_address:
    phone_number: "+15551234567"
    enabled: false
  check_mode: true
  diff: true

- name: Remove the Conversations address of a number (the number is kept)
  flexops.twilio.flex_conversations_address:
    phone_number: "+15551234567"
    state: absent
"""

RETURN = r"""
address:
  description:
    - The Conversations address after the task, as Twilio describes it, plus C(phone_number).
    - In check mode, the address as it is now (null if it would be created, or replaced).
    - Null with O(state=absent). Only without O(addresses).
  returned: success, without addresses
  type: dict
  sample:
    sid: IG0123456789abcdef0123456789abcdef
    account_sid: AC0123456789abcdef0123456789abcdef
    type: sms
    address: "+15551234567"
    phone_number: "+15551234567"
    friendly_name: Flex Conversations +15551234567
    address_country: null
    auto_creation:
      enabled: true
      type: studio
      conversation_service_sid: IS0123456789abcdef0123456789abcdef
      studio_flow_sid: FW0123456789abcdef0123456789abcdef
      studio_retry_count: 3
    url: https://conversations.twilio.com/v1/Configuration/Addresses/IG0123456789abcdef0123456789abcdef
    date_created: "2026-01-01T00:00:00+00:00"
    date_updated: "2026-01-01T00:00:00+00:00"
deleted:
  description:
    - With O(state=absent), the address that was deleted (in check mode, would be), as in RV(address);
      null when there was none. Only without O(addresses).
  returned: success, with state=absent, without addresses
  type: dict
route_before:
  description:
    - With O(replace_legacy), where the number's incoming SMS went before the task, as a route name of
      M(flexops.twilio.flex_sms_route_info) (V(flex_legacy), V(flex_conversations), V(studio), V(webhook),
      V(twiml_app), V(none), ...). Only without O(addresses).
  returned: success, with replace_legacy, without addresses
  type: str
  sample: flex_legacy
route_after:
  description: With O(replace_legacy), the route after the task (V(flex_conversations)). Only without O(addresses).
  returned: success, with replace_legacy, without addresses
  type: str
  sample: flex_conversations
legacy_flow:
  description:
    - With O(replace_legacy), the number's legacy SMS address (Flex Flow) before the task, as
      M(flexops.twilio.flex_sms_address) returns it (null when it had none); the task deletes it.
      Only without O(addresses).
  returned: success, with replace_legacy, without addresses
  type: dict
replaced:
  description:
    - Whether the address was (in check mode, would be) deleted and created again, because its type,
      address or country had to change. Only without O(addresses).
  returned: success, with state=present, without addresses
  type: bool
addresses:
  description:
    - With O(addresses), one result per entry, in the same order.
  returned: success, with addresses
  type: list
  elements: dict
  contains:
    phone_number:
      description: The entry's number.
      type: str
      returned: always
    changed:
      description:
        - Whether this number's address changed (or would change, in check mode).
        - A failed entry has C(failed), C(msg), and C(changed=true) when it wrote something before it failed.
      type: bool
      returned: always
    address:
      description: The address, as in RV(address).
      type: dict
      returned: always
    replaced:
      description: As RV(replaced).
      type: bool
      returned: with state=present
    deleted:
      description: As RV(deleted).
      type: dict
      returned: with state=absent
    route_before:
      description: As RV(route_before).
      type: str
      returned: with replace_legacy
    route_after:
      description: As RV(route_after).
      type: str
      returned: with replace_legacy
    legacy_flow:
      description: As RV(legacy_flow).
      type: dict
      returned: with replace_legacy
    studio_flow:
      description: With O(check_send_to_flex), the Studio flow of a studio address, as in RV(studio_flow).
      type: dict
      returned: with check_send_to_flex fail or warn, for a studio address
studio_flow:
  description:
    - With O(check_send_to_flex) and O(auto_creation_type=studio), the Studio flow the address uses
      and whether a conversation reaches C(Send to Flex) from its C(incomingConversationMessage) trigger.
      Only without O(addresses).
  returned: success, with check_send_to_flex fail or warn, for a studio address
  type: dict
  contains:
    sid:
      description: The flow's SID.
      type: str
    friendly_name:
      description: The flow's name.
      type: str
    send_to_flex:
      description:
        - C(reachable) (bool), C(widget) (the nearest reachable Send to Flex widget), C(path) (widget
          names from the Trigger), C(trigger_event) (V(incomingConversationMessage)) and C(problem)
          (why none is reachable), as in M(flexops.twilio.studio_flow_info).
      type: dict
      sample: {reachable: true, widget: SendMessageToAgent, path: [Trigger, SendMessageToAgent],
               trigger_event: incomingConversationMessage, problem: null}
problems:
  description:
    - On failure, what is wrong, one item per problem, with a stable C(code) (see docs/problems.md),
      C(entry) (the number), C(option), C(msg) and C(fix).
  returned: failure
  type: list
  elements: dict
routes:
  description:
    - With O(report_routes), when the task changed nothing and sent no write, where the task's numbers'
      incoming SMS really goes; the same keys as the result of M(flexops.twilio.flex_sms_route_info)
      (C(numbers), C(summary), C(report), C(check_mode)).
  returned: with O(report_routes), when nothing was changed
  type: dict
  sample:
    numbers:
      - {phone_number: "+15551230001", route: flex_legacy, reaches_flex: true, problems: []}
    summary: {numbers: 1, reaching_flex: 1, not_reaching_flex: 0, unknown: 0}
    report:
      - "+15551230001 -> Flex Proxy Service (KS...) -> FO... -> studio flow Messaging Flow (FW...) -> Send to Flex: yes
        (SendMessageToAgent) -> reaches Flex: yes (flex_legacy)"
    check_mode: false
api_stats:
  description: How many requests the module sent to Twilio.
  returned: always
  type: dict
  sample: {requests: 2, writes: 1, retries: 0, rate_limited: 0}
planned_writes:
  description: The writes the task decided on, per kind, with their time at Twilio's rates (as in M(flexops.twilio.flex_sms_address)).
  returned: when the task decided on a write
  type: dict
diff:
  description:
    - With C(--diff), the managed settings before and after, one entry per number that changed,
      under the option names (C(studio_flow) is the flow's SID, C(type) is always V(sms)).
    - A replacement is one entry whose header says C(replaced) and which of type, address and
      address_country forced it.
  returned: changed and diff mode
  type: raw
"""

from ansible_collections.flexops.twilio.plugins.module_utils import _conversations as conv
from ansible_collections.flexops.twilio.plugins.module_utils import _lookups as lookups
from ansible_collections.flexops.twilio.plugins.module_utils import _migration as migration
from ansible_collections.flexops.twilio.plugins.module_utils import _route, _runner
from ansible_collections.flexops.twilio.plugins.module_utils._base import TwilioModule
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError
from ansible_collections.flexops.twilio.plugins.module_utils._flex_flow import describe as describe_flow
from ansible_collections.flexops.twilio.plugins.module_utils._validate import check_sid_or_name, is_sid, only_with

MIGRATION_OPTIONS = ("blank_sms_url", "conversations_messaging_services")


class FlexConversationsAddress(TwilioModule):
    argument_spec = dict(
        phone_number=dict(type="str"),
        sid=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        addresses=dict(type="list", elements="dict", options=dict(
            conv.entry_options(), phone_number=dict(type="str", required=True))),
        concurrency=_runner.concurrency_option(),
        check_send_to_flex=dict(type="str", default="skip", choices=["fail", "warn", "skip"]),
        replace_legacy=dict(type="bool", default=False),
        proxy_service=dict(type="str", default=lookups.DEFAULT_PROXY_SERVICE),
        report_routes=dict(type="bool", default=False),
        blank_sms_url=dict(type="bool", default=False),
        conversations_messaging_services=dict(type="list", elements="str", default=[]),
        **conv.entry_options()
    )
    mutually_exclusive = [["addresses", "phone_number"], ["addresses", "sid"]]
    required_one_of = [["phone_number", "sid", "addresses"]]

    def validate(self):
        p = self.params
        _runner.check_concurrency(p["concurrency"])
        check_sid_or_name("proxy_service", p["proxy_service"], "proxy_service")
        if p["state"] == "absent":
            for option in ("check_send_to_flex", "replace_legacy"):
                if p[option] not in ("skip", False):
                    raise only_with("%s=%s" % (option, p[option]), "state=present", "remove it or set state=present.")
        for option in MIGRATION_OPTIONS:
            if p[option] and not p["replace_legacy"]:
                raise only_with(option, "replace_legacy", "set replace_legacy to true or remove %s." % option)
        self.entries = conv.entries_from(p)
        _runner.validate_all(self.entries, conv.validate_entry)

    def run(self):
        p = self.params
        present = p["state"] == "present"
        runner = _runner.ListRunner(self, self.entries, "phone_number", "addresses", p["concurrency"])
        self.many = runner.many
        legacy = present and p["replace_legacy"]
        named = present and any(e["studio_flow"] and not is_sid(e["studio_flow"], "studio_flow") for e in self.entries)
        # Independent look-ups at the same time: one round trip instead of several.
        _runner.concurrently(
            self, conv.all_addresses if self.many else None,
            lookups.studio_flows if named else None,
            lookups.incoming_numbers if legacy and self.many else None,
            lookups.flex_flows if legacy else None,
            lookups.proxy_services if legacy else None,
            lookups.messaging_services if legacy else None,
        )
        self.removal = None
        if legacy:
            self.removal = migration.LegacyRemoval(self, self.legacy_pool(), p["blank_sms_url"],
                                                   p["conversations_messaging_services"])
        # With check_send_to_flex or replace_legacy every entry is checked before the first write.
        strict = legacy or present and p["check_send_to_flex"] != "skip"
        result = runner.run(self.plan, self.write, self.preflight if strict else None, strict=strict)
        return _route.attach(self, result, [e.phone_number for e in self.entries], p["proxy_service"])

    def legacy_pool(self):
        """The Proxy service the numbers leave; None when the account has no service of the default name."""
        try:
            return lookups.proxy_service(self, self.params["proxy_service"])
        except ValidationError:
            if self.params["proxy_service"] != lookups.DEFAULT_PROXY_SERVICE:
                raise
            return None

    def plan(self, entry):
        """The number's legacy path (with replace_legacy; its settings carried over first), then its address."""
        legacy = self.removal.plan(entry) if self.removal is not None else None
        planned = conv.plan(self, entry, self.params["state"], self.many, handler_warning=legacy is None)
        planned["legacy"] = legacy
        return planned

    def preflight(self, planned):
        """The Studio flows the addresses use, from incomingConversationMessage (fail; warn when set so)."""
        return conv.studio_problems(self, planned, self.params["check_send_to_flex"] != "warn")

    def write(self, entry):
        legacy = entry.plan["legacy"]
        removed = self.removal.write(entry, legacy) if legacy is not None else False
        result = conv.write(self, entry, self.params["state"])
        if legacy is not None:
            result.update(changed=result["changed"] or removed, legacy_flow=describe_flow(legacy["flow"]),
                          route_before=self.removal.route_before(legacy, entry.plan["live"]),
                          route_after="flex_conversations")
        return result


def main():
    FlexConversationsAddress().execute()


if __name__ == "__main__":
    main()
