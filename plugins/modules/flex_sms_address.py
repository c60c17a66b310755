#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: flex_sms_address
short_description: Manage the Twilio Flex SMS address (Flex Flow) of a phone number
version_added: 0.1.0
author:
  - flexops.twilio maintainers (@flexops)
description:
  - Makes the legacy Flex SMS address of a phone number exactly what the task
    says. An SMS address is a Flex Flow (Flex v1 C(/v1/FlexFlows)) with
    channel type C(sms) whose contact identity is the number; it decides what
    handles the number's incoming messages (a Studio flow, a webhook or a
    TaskRouter task) and which Flex chat service carries them.
  - The flow of a number is found by listing every Flex Flow of the account
    (the API filters only by name) and matching channel C(sms) and the contact
    identity. The listing is done once per task, also for a list of numbers.
  - An SMS address is created only for a phone number of the account. Before
    a create (also in check mode) the module looks the number up among the
    account's incoming phone numbers; a number the account does not own fails
    with an error naming the option, and nothing is written. A single number
    is looked up with one filtered request; with O(addresses) the account's
    numbers are listed once for all entries. An existing address is updated
    or deleted without this look-up.
  - Only the settings the task sets are managed; an option left out keeps the
    live value of an existing flow. Defaults (the name, the C(Messaging Flow)
    Studio flow, the chat service and TaskRouter workspace and workflow of the
    Flex Configuration, C(enabled=true), task channel C(sms)) apply only when
    the flow is created, or, for the settings of an integration type, when the
    integration type is switched.
  - An update sends only the settings that differ; a run that changes nothing
    sends no write request.
  - Several numbers can be handled by one task with O(addresses); they are
    worked through in parallel, at most O(concurrency) at a time.
  - Twilio's Programmable Chat for Flex, which these addresses use, reaches
    end of life on June 1, 2026; new work should use Flex Conversations addresses.
extends_documentation_fragment:
  - flexops.twilio.twilio
  - flexops.twilio.report_routes
options:
  phone_number:
    description:
      - The phone number (E.164, for example V(+15551234567)) whose SMS address
        to manage; the Flex Flow's contact identity.
      - Required unless O(sid) or O(addresses) is given.
      - With O(sid), the flow's contact identity is set to this number.
    type: str
  sid:
    description:
      - The SID (C(FO...)) of the Flex Flow to manage, instead of finding it by O(phone_number).
      - Use it to pick one flow when several flows serve the same number.
      - With O(state=present), a SID that does not exist is an error; the
        module never creates another flow in its place.
      - With O(state=absent), the flow is deleted if it exists; if
        O(phone_number) is given too, it must be the flow's number.
    type: str
  addresses:
    description:
      - Several SMS addresses in one task, one entry per phone number.
      - The module-level options (other than O(phone_number) and O(sid)) are
        defaults for every entry; a value in an entry overrides them. A
        module-level setting of one integration type (for example
        O(studio_flow)) is not used for an entry that sets another
        O(addresses[].integration_type) itself.
      - O(state) applies to every entry.
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
      integration_type:
        description: See O(integration_type).
        type: str
        choices: [studio, webhook, external, task]
      studio_flow:
        description: See O(studio_flow).
        type: str
      webhook_url:
        description: See O(webhook_url).
        type: str
      workspace_sid:
        description: See O(workspace_sid).
        type: str
      workflow_sid:
        description: See O(workflow_sid).
        type: str
      task_channel:
        description: See O(task_channel).
        type: str
      priority:
        description: See O(priority).
        type: int
      timeout:
        description: See O(timeout).
        type: int
      retry_count:
        description: See O(retry_count).
        type: int
      chat_service_sid:
        description: See O(chat_service_sid).
        type: str
      enabled:
        description: See O(enabled).
        type: bool
      janitor_enabled:
        description: See O(janitor_enabled).
        type: bool
      long_lived:
        description: See O(long_lived).
        type: bool
      messaging_service:
        description: See O(messaging_service); overrides it for this number.
        type: str
  concurrency:
    description:
      - With O(addresses), how many numbers are worked on at the same time (1 to 50).
    type: int
    default: 8
  proxy_service:
    description:
      - Also route each number's incoming SMS to this Proxy service, by SID
        (C(KS...)) or unique name, usually V(Flex Proxy Service). The number
        joins the service's phone-number pool. This is what the Flex Console
        does when it creates an SMS address, and the step that is easy to
        forget with the API. Not set, the numbers' routing is not touched.
      - A number joins the pool only after its SMS address exists (or is
        unchanged); with O(state=absent) it leaves the pool before its SMS
        address is deleted. The number itself is never released.
      - Every number must be a number of the account. One that another Proxy
        service or a Messaging Service holds fails the task unless O(take_over=true).
      - These checks run for every entry before the first write (see O(check_send_to_flex)).
      - M(flexops.twilio.phone_number_handler) does the same for numbers
        without an SMS address, and routes numbers to other handlers.
    type: str
  is_reserved:
    description:
      - Whether the numbers are reserved in the O(proxy_service) pool (not handed out by Proxy's pool logic).
      - Only with O(proxy_service) and O(state=present). Left out, a number already in the pool keeps its
        value and a new member gets Twilio's default.
    type: bool
  take_over:
    description:
      - With O(proxy_service), move a number that another Proxy service or a
        Messaging Service holds. B(That service stops receiving the number's
        messages). The number is taken out of it after its SMS address
        exists, right before it joins O(proxy_service).
      - Only with O(proxy_service) and O(state=present).
      - Never takes a number out of a Messaging Service registered for A2P 10DLC
        (C(us_app_to_person_registered)). Such a number fails the task before any write,
        naming the service; set O(messaging_service) to keep it there.
    type: bool
    default: false
  messaging_service:
    description:
      - US numbers and A2P 10DLC. The Messaging Service, by SID (C(MG...)) or friendly
        name, that each number stays in while it routes to O(proxy_service). The number
        ends in the Proxy service's pool B(and) in this service, which carries its A2P
        10DLC registration. O(addresses[].messaging_service) sets it per number.
      - Twilio refuses to pool a number that a Messaging Service holds, but lets a pooled
        number join one. So, after its SMS address exists, a number the service holds and
        that is not pooled leaves the service, joins the pool and rejoins the service, in
        that order; a pooled number outside the service joins it; a number in both costs no write.
      - If a write after "leave" fails, the number is not left out of its service. A failed
        pool join puts it back in the same run; a rejoin that fails without an answer (or with
        5xx) is read again and, when the number is not back, sent again (at most O(retries)
        times). If it still is not back, the task fails naming exactly that, and a rerun
        (which finds it pooled) only adds it back.
      - The service must defer inbound messages to its numbers (C(use_inbound_webhook_on_number),
        "Defer to sender's webhook"), or it, not the Proxy service, takes them. One that does not
        fails the task before any write, unless O(messaging_service_defer_inbound=true).
      - A number in another Messaging Service is moved only with O(take_over), and never out
        of one registered for A2P 10DLC.
      - Only with O(proxy_service) and O(state=present); V(absent) leaves the membership alone.
      - Checked for every entry before the first write. A run that changes nothing reads the
        account's Messaging Services and the numbers of each service named, and writes nothing.
    type: str
  messaging_service_defer_inbound:
    description:
      - Turn on "Defer to sender's webhook" (C(UseInboundWebhookOnNumber=true), Messaging v1
        C(UpdateService)) on each O(messaging_service) that does not defer inbound to its numbers,
        once, before the first number's membership changes.
      - B(It applies to every number of the service.) RV(messaging_services) and the diff list
        the service's other numbers, whose own handlers (webhook, Studio flow, Proxy pool) then
        take their inbound messages instead of the service's inbound URL.
      - V(false) refuses such a service before any write. Only with O(messaging_service).
    type: bool
    default: false
  check_send_to_flex:
    description:
      - Whether to check that the SMS addresses' Studio flows can hand a message to Flex.
      - For every address of integration type V(studio) after the task, the
        module reads the Studio flow it will use (the one the task sets, or
        the live one) and follows the Trigger's C(incomingMessage) transition
        to a C(Send to Flex) widget. One request per Studio flow used (its
        definition); the result of each such entry shows the flow in
        RV(studio_flow) (RV(addresses[].studio_flow) in list form).
      - V(fail) refuses flows from which no path reaches C(Send to Flex). The
        task fails naming the flows, the numbers and the problem, with nothing written.
      - V(warn) writes anyway and warns about such flows.
      - A Studio flow SID that does not exist is refused with V(fail) and V(warn) alike, before any write.
      - V(skip) reads no Studio flow definition.
      - With V(fail) or V(warn), or with O(proxy_service), every entry is
        checked before the first write, and any problem fails the task with
        nothing written (without them, in list form, a failing entry does not stop the others).
      - Only with O(state=present) (V(skip) with V(absent)).
    type: str
    choices: [fail, warn, skip]
    default: skip
  replace_conversations:
    description:
      - Move numbers back from Flex Conversations (Twilio's downgrade guide). A number that has a Flex
        Conversations address (Conversations v1 address configuration of type C(sms), see
        M(flexops.twilio.flex_conversations_address)) has it deleted right before its SMS address is created
        (and, with O(proxy_service), before the number joins the pool). Its Studio flow or webhook is carried
        over to the settings the task leaves out.
      - Every entry is checked before the first write, as with O(proxy_service). The number's result has
        RV(addresses[].conversations_address) (the deleted address, for the change ticket), RV(addresses[].route_before)
        and RV(addresses[].route_after).
      - Costs one listing of the account's Conversations addresses (50 per page) in list form, one request per number
        in the single form. Only with O(state=present).
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the SMS address; V(absent) deletes it.
      - V(absent) deletes only the flow that serves the number (or O(sid)); if
        several flows serve the number, the module fails and lists them.
    type: str
    choices: [present, absent]
    default: present
  friendly_name:
    description:
      - The Flex Flow's name.
      - When creating, defaults to C(SMS <phone_number>), for example C(SMS +15551234567).
    type: str
  integration_type:
    description:
      - What handles the number's incoming messages.
      - V(studio) runs a Studio flow (O(studio_flow)); V(webhook) posts to
        O(webhook_url) (the API calls this type C(external); V(external) is
        accepted as an alias, results say V(webhook)); V(task) creates a
        TaskRouter task directly (O(workspace_sid), O(workflow_sid), O(task_channel)).
      - When creating, defaults to V(studio). Left out for an existing flow, its type is kept.
      - Switching the type sends the new type with its required settings,
        applying their defaults when they are not given.
    type: str
    choices: [studio, webhook, external, task]
  studio_flow:
    description:
      - The Studio flow, as an C(FW...) SID or its friendly name (resolved by
        listing the Studio flows; no match or several matches is an error).
      - Only with O(integration_type=studio).
      - When creating, or switching to V(studio), defaults to the flow named C(Messaging Flow).
    type: str
  webhook_url:
    description:
      - The C(https) URL Twilio posts incoming messages to.
      - Only with O(integration_type=webhook); required when creating such a flow or switching to it.
    type: str
  workspace_sid:
    description:
      - The TaskRouter workspace (C(WS...)) of the tasks.
      - Only with O(integration_type=task).
      - When creating or switching to V(task), defaults to the Flex Configuration's C(taskrouter_workspace_sid).
    type: str
  workflow_sid:
    description:
      - The TaskRouter workflow (C(WW...)) of the tasks.
      - Only with O(integration_type=task).
      - When creating or switching to V(task), defaults to the Flex Configuration's C(taskrouter_target_workflow_sid).
    type: str
  task_channel:
    description:
      - The task channel, as a C(TC...) SID or unique name such as V(sms).
      - Only with O(integration_type=task).
      - When creating or switching to V(task), defaults to V(sms).
    type: str
  priority:
    description:
      - The priority of the tasks (0 to 2147483647). Only with O(integration_type=task).
      - Not sent unless set (Twilio's default is 0).
    type: int
  timeout:
    description:
      - Seconds a task may wait to be handled (1 to 1209600, two weeks). Only with O(integration_type=task).
      - Not sent unless set (Twilio's default is 86400).
    type: int
  retry_count:
    description:
      - How often Twilio retries the Studio flow or webhook on failure (0 to 3).
      - Only with O(integration_type=studio) or O(integration_type=webhook).
      - Not sent unless set (Twilio's default is 3).
    type: int
  chat_service_sid:
    description:
      - The Flex chat service (C(IS...)) the conversations use.
      - When creating, defaults to the Flex Configuration's C(chat_service_instance_sid).
    type: str
  enabled:
    description:
      - Whether the flow is enabled. When creating, defaults to V(true) (sent explicitly).
    type: bool
  janitor_enabled:
    description:
      - Whether the Messaging Channel Janitor removes active Proxy sessions
        when their task is deleted outside Flex. Not sent unless set (Twilio's default is false).
    type: bool
  long_lived:
    description:
      - Whether Flex keeps the chat channel open for later conversations with
        the same contact. Not sent unless set (Twilio's default is false).
    type: bool
notes:
  - "Twilio's capacities are checked before the first write, in every mode: the account's Flex Flows (2,500),
    a Proxy service's non-reserved (500) and reserved (5,000) numbers, a Messaging Service's numbers (400);
    O(account_limits) gives an account's raised ones. A task that would pass one fails with C(capacity_exceeded)
    (RV(capacity)); one that reaches 90 % warns (Twilio's 80624). Counted from the listings the task reads; in
    the single form a number that joins a pool costs one listing of that pool."
  - Check mode is supported and sends no write request; with C(--diff) the
    module shows the managed settings before and after for every number.
  - Every option is checked before the first request. When
    O(integration_type) is left out, settings of an integration type are
    checked against the live flow's type after reading it, still before any write.
  - The resources the task names by SID (O(studio_flow), O(chat_service_sid),
    O(workspace_sid), O(workflow_sid), and O(task_channel) in the workspace the
    address uses) are fetched before the first write, in every mode; one request
    each per task, only when the value differs from the live one, and none for
    defaults from the Flex Configuration. One that does not exist fails the task
    with problem code C(sid_not_found); in the list form the whole list fails
    before its first write.
  - Twilio refuses an enabled flow whose number and channel collide with
    another enabled flow; the module reports such a refusal naming the other
    flow and how to resolve it.
  - If the answer to a create is lost (for example the connection dropped),
    the module lists the flows again to find the one it created instead of
    sending the create again.
  - Assumes the response's C(integration) object uses the request's names in
    snake_case (C(flow_sid), C(url), C(workspace_sid), C(workflow_sid),
    C(channel), C(priority), C(timeout), C(retry_count)); Twilio's API
    description documents only C(flow_sid) and C(retry_count).
seealso:
  - module: flexops.twilio.flex_sms_address_info
  - name: Flex Flow resource
    description: Twilio's reference of the Flex Flow API.
    link: https://www.twilio.com/docs/flex/developer/messaging/api/flex-flow
"""

EXAMPLES = r"""
- name: Route a number's SMS to Flex through the default Studio flow "Messaging Flow"
  flexops.twilio.flex_sms_address:
    phone_number: "+15551234567"

- name: Use a named Studio flow, retried once on failure
  flexops.twilio.flex_sms_address:
    phone_number: "+15551234567"
    integration_type: studio
    studio_flow: Support Intake
    retry_count: 1

- name: Send the number's SMS to a webhook
  flexops.twilio.flex_sms_address:
    phone_number: "+15551234567"
    integration_type: webhook
    webhook_url: https://example.com/flex/sms

- name: Create TaskRouter tasks directly (workspace and workflow from the Flex Configuration)
  flexops.twilio.flex_sms_address:
    phone_number: "+15551234567"
    integration_type: task
    task_channel: sms
    priority: 10
    timeout: 3600

- name: Manage one of several flows of a number by SID, and disable it
  flexops.twilio.flex_sms_address:
    sid: FO0123456789abcdef0123456789abcdef
    enabled: false

- name: Many numbers in one task (module-level options are defaults for each entry)
  flexops.twilio.flex_sms_address:
    integration_type: studio
    studio_flow: Messaging Flow
    concurrency: 8
    addresses:
      - phone_number: "+15551230001"
      - phone_number: "+15551230002"
        friendly_name: Sales SMS
      - phone_number: "+15551230003"
        integration_type: webhook
        webhook_url: https://example.com/flex/sms
  register: sms

- name: Set up numbers the way the Flex Console does (SMS address, then the Flex Proxy Service)
  flexops.twilio.flex_sms_address:
    addresses:
      - phone_number: "+15551230001"
      - phone_number: "+15551230002"
    proxy_service: Flex Proxy Service
    check_send_to_flex: fail

- name: US numbers of an A2P 10DLC Messaging Service (they stay in it, the service defers inbound to them)
  flexops.twilio.flex_sms_address:
    addresses:
      - phone_number: "+15551230001"
      - phone_number: "+15551230002"
        messaging_service: Sales A2P
    proxy_service: Flex Proxy Service
    messaging_service: Support A2P
    messaging_service_defer_inbound: true

- name: Show what would change, without changing anything
  flexops.twilio.flex_sms_address:
    phone_number: "+15551234567"
    integration_type: webhook
    webhook_url: https://example.com/flex/sms
  check_mode: true
  diff: true

- name: Remove the SMS address of a number
  flexops.twilio.flex_sms_address:
    phone_number: "+15551234567"
    state: absent
"""

RETURN = r"""
address:
  description:
    - The SMS address (Flex Flow) after the task, as Twilio describes it, plus
      C(phone_number); C(integration_type) uses the option's names (V(webhook) for the API's C(external)).
    - In check mode, the flow as it is now (null if it would be created).
    - Null with O(state=absent).
    - Only without O(addresses).
  returned: success, without addresses
  type: dict
  sample:
    sid: FO0123456789abcdef0123456789abcdef
    account_sid: AC0123456789abcdef0123456789abcdef
    friendly_name: SMS +15551234567
    phone_number: "+15551234567"
    contact_identity: "+15551234567"
    channel_type: sms
    chat_service_sid: IS0123456789abcdef0123456789abcdef
    enabled: true
    integration_type: studio
    integration:
      flow_sid: FW0123456789abcdef0123456789abcdef
      retry_count: 3
    long_lived: false
    janitor_enabled: false
    url: https://flex-api.twilio.com/v1/FlexFlows/FO0123456789abcdef0123456789abcdef
    date_created: "2026-01-01T00:00:00+00:00"
    date_updated: "2026-01-01T00:00:00+00:00"
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
        - Whether anything of this number changed (or would change, in check mode), its SMS address or,
          with O(proxy_service), its pool membership (see RV(addresses[].address_changed)).
        - A failed entry has C(failed), C(msg), and C(changed=true) when it wrote something before it failed.
      type: bool
      returned: always
    address:
      description: The SMS address, as in RV(address).
      type: dict
      returned: always
    address_changed:
      description: With O(proxy_service), whether this number's SMS address itself changed.
      type: bool
      returned: with proxy_service
    proxy_service:
      description: With O(proxy_service), the number's membership of its pool, as in RV(proxy_service).
      type: dict
      returned: with proxy_service
    conversations_address:
      description: With O(replace_conversations), as RV(conversations_address).
      type: dict
      returned: with replace_conversations
    route_before:
      description: With O(replace_conversations), as RV(route_before).
      type: str
      returned: with replace_conversations
    route_after:
      description: With O(replace_conversations), as RV(route_after).
      type: str
      returned: with replace_conversations
    studio_flow:
      description: With O(check_send_to_flex), the Studio flow of a studio address, as in RV(studio_flow).
      type: dict
      returned: with check_send_to_flex fail or warn, for a studio address
    messaging_service:
      description: With O(messaging_service), the number's Messaging Service membership, as in RV(messaging_service).
      type: dict
      returned: with messaging_service
messaging_service:
  description:
    - With O(messaging_service), the number's membership of that Messaging Service after the task (in
      check mode, what it would be). Only without O(addresses); see RV(addresses[].messaging_service).
  returned: success, with messaging_service and without addresses
  type: dict
  contains:
    sid:
      description: The Messaging Service's SID.
      type: str
      sample: MG0123456789abcdef0123456789abcdef
    name:
      description: Its friendly name.
      type: str
    member:
      description: Whether the number is in the service (always true on success).
      type: bool
    a2p:
      description: Whether the service is registered for A2P 10DLC (C(us_app_to_person_registered)).
      type: bool
    changed:
      description: Whether the membership changed (left and rejoined, or joined), or would in check mode.
      type: bool
messaging_services:
  description:
    - With O(messaging_service), one entry per Messaging Service the task names, in order of first use.
  returned: success, with messaging_service
  type: list
  elements: dict
  contains:
    sid:
      description: The Messaging Service's SID.
      type: str
    name:
      description: Its friendly name.
      type: str
    a2p:
      description: Whether it is registered for A2P 10DLC (C(us_app_to_person_registered)).
      type: bool
    use_inbound_webhook_on_number:
      description: Whether it defers inbound messages to its numbers after the task (true on success).
      type: bool
    changed:
      description: Whether the task turned that setting on (O(messaging_service_defer_inbound)), or would in check mode.
      type: bool
    other_numbers:
      description:
        - When C(changed), the service's numbers that are not the task's (C(phone_number), C(sid)), whose
          own handlers take their inbound messages from then on; else empty.
      type: list
      elements: dict
      sample: [{phone_number: "+15551230009", sid: PN0123456789abcdef0123456789abcdef}]
address_changed:
  description:
    - With O(proxy_service), whether the SMS address itself changed (C(changed) also counts the
      number's pool membership). Only without O(addresses).
  returned: success, with proxy_service and without addresses
  type: bool
proxy_service:
  description:
    - With O(proxy_service), the number's membership of that Proxy service's pool after the task
      (in check mode, what it would be). Only without O(addresses); see RV(addresses[].proxy_service).
  returned: success, with proxy_service and without addresses
  type: dict
  contains:
    sid:
      description: The Proxy service's SID.
      type: str
      sample: KS0123456789abcdef0123456789abcdef
    name:
      description: Its unique name.
      type: str
      sample: Flex Proxy Service
    member:
      description: Whether the number is in the pool (true with O(state=present), false with V(absent)).
      type: bool
    is_reserved:
      description: Whether the number is reserved in the pool (null with O(state=absent)).
      type: bool
    changed:
      description: Whether the membership changed (or would, in check mode), including a take-over.
      type: bool
studio_flow:
  description:
    - With O(check_send_to_flex) and integration type V(studio), the Studio flow the address uses
      and whether a message reaches C(Send to Flex) in it. Only without O(addresses).
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
          names from the Trigger) and C(problem) (why none is reachable), as in M(flexops.twilio.studio_flow_info).
      type: dict
      sample: {reachable: true, widget: SendMessageToAgent, path: [Trigger, SendMessageToAgent], problem: null}
conversations_address:
  description:
    - With O(replace_conversations), the number's Flex Conversations address before the task (null when it had
      none), as M(flexops.twilio.flex_conversations_address) returns it; the task deletes it. Only without
      O(addresses); see RV(addresses[].conversations_address).
  returned: success, with replace_conversations, without addresses
  type: dict
route_before:
  description:
    - With O(replace_conversations), the route of the number's incoming SMS before the task (V(flex_conversations),
      V(flex_legacy), V(studio), V(webhook), V(twiml_app), V(none), ...; the names of M(flexops.twilio.flex_sms_route_info)).
  returned: success, with replace_conversations, without addresses
  type: str
route_after:
  description:
    - With O(replace_conversations), the route after the task (V(flex_legacy) with O(proxy_service)).
  returned: success, with replace_conversations, without addresses
  type: str
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
  sample: {requests: 1, writes: 0, retries: 0, rate_limited: 0}
planned_writes:
  description:
    - The writes the task decided on (in check mode, the ones it would send), per kind and action, with the
      seconds they take at Twilio's documented rate for the endpoint (or the account's, O(account_limits));
      C(rate) and C(seconds) are null for an endpoint without a documented limit. C(seconds) is the whole
      plan at the rates (each endpoint is paced on its own, so the slowest decides). The role
      C(flexops.twilio.flex_sms_setup) prints it before a long run.
  returned: when the task decided on a write
  type: dict
  sample: {writes: 400, seconds: 100.0, kinds: [{kind: SMS address, action: create, count: 200, rate: flex_flow_create,
           per_second: 2.0, seconds: 100.0}, {kind: Proxy pool entry, action: create, count: 200, rate: null,
           per_second: null, seconds: null}]}
diff:
  description:
    - With C(--diff), the managed settings before and after, one entry per
      number that changed, under the option names (C(studio_flow) is the
      flow's SID). A setting of the previous integration type shows as an
      empty string after a type switch.
    - With O(proxy_service), each number's pool membership (C(proxy_service_sid),
      C(is_reserved)) has an entry of its own, after the number's address (with
      O(state=absent), before it), and so has its removal from another service
      with O(take_over). Entries follow the order of the numbers.
    - With O(messaging_service), a number that leaves and rejoins its Messaging Service has two
      entries C(<number> in Messaging Service <name> (<sid>)) (C(messaging_service_sid) before, then
      after), around its pool membership; a number that joins has one. A service whose defer setting
      is turned on has an entry C(Messaging Service <name> (<sid>)) with C(use_inbound_webhook_on_number)
      before and after, the after listing the service's C(other_numbers), before the first number's
      membership entries.
  returned: changed and diff mode
  type: raw
capacity:
  description:
    - When the task would take a pool past Twilio's capacity (problem C(capacity_exceeded), found before any
      write, nothing changed), one item per such pool.
  returned: failure, with capacity_exceeded
  type: list
  elements: dict
  contains:
    limit:
      description: >-
        The limit, as in O(account_limits): V(flex_flows), V(proxy_numbers), V(proxy_reserved_numbers) or
        V(messaging_service_numbers).
      type: str
      sample: proxy_numbers
    holder:
      description: The pool (C(type) V(account), V(proxy_service) or V(messaging_service); C(sid); C(name)).
      type: dict
      sample: {type: proxy_service, sid: KS0123456789abcdef0123456789abcdef, name: Flex Proxy Service}
    capacity:
      description: The limit in force (Twilio's documented one, or O(account_limits)).
      type: int
      sample: 500
    in_use:
      description: How many the pool holds now.
      type: int
      sample: 498
    adds:
      description: How many the task would add.
      type: int
      sample: 5
    after:
      description: RV(capacity[].in_use) plus RV(capacity[].adds).
      type: int
      sample: 503
    entries:
      description: The numbers that would add to the pool.
      type: list
      elements: str
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

import functools

from ansible_collections.flexops.twilio.plugins.module_utils import _lookups as lookups
from ansible_collections.flexops.twilio.plugins.module_utils import _sms_address_run as run_hooks
from ansible_collections.flexops.twilio.plugins.module_utils import _capacity, _messaging, _route, _runner
from ansible_collections.flexops.twilio.plugins.module_utils import _conversations as conv
from ansible_collections.flexops.twilio.plugins.module_utils._address_kind import duplicate_entry
from ansible_collections.flexops.twilio.plugins.module_utils._base import TwilioModule
from ansible_collections.flexops.twilio.plugins.module_utils._integrations import entry_options
from ansible_collections.flexops.twilio.plugins.module_utils._sms_address import check_task, entries_from, validate_entry
from ansible_collections.flexops.twilio.plugins.module_utils._validate import check_sid_or_name, is_sid


class FlexSmsAddress(TwilioModule):
    argument_spec = dict(
        _messaging.options(),
        phone_number=dict(type="str"),
        sid=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        addresses=dict(type="list", elements="dict", options=dict(
            entry_options(), phone_number=dict(type="str", required=True), messaging_service=dict(type="str"))),
        concurrency=_runner.concurrency_option(),
        proxy_service=dict(type="str"),
        is_reserved=dict(type="bool"),
        take_over=dict(type="bool", default=False),
        check_send_to_flex=dict(type="str", default="skip", choices=["fail", "warn", "skip"]),
        replace_conversations=dict(type="bool", default=False),
        report_routes=dict(type="bool", default=False),
        **entry_options()
    )
    mutually_exclusive = [["addresses", "phone_number"], ["addresses", "sid"]]
    required_one_of = [["phone_number", "sid", "addresses"]]

    def validate(self):
        p = self.params
        self.entries = entries_from(p)
        check_sid_or_name("proxy_service", p["proxy_service"], "proxy_service")
        _messaging.validate(p, self.entries)
        check_task(p)
        _runner.check_concurrency(p["concurrency"])
        seen = {}

        def check(entry):
            validate_entry(entry)
            if entry.index is not None and entry.phone_number in seen:
                raise duplicate_entry(seen[entry.phone_number], entry.index, entry.phone_number)
            seen.setdefault(entry.phone_number, entry.index)
        _runner.validate_all(self.entries, check)

    def run(self):
        p = self.params
        present = p["state"] == "present"
        runner = _runner.ListRunner(self, self.entries, "phone_number", "addresses", p["concurrency"])
        self.many = runner.many
        self.routing = p["proxy_service"] is not None
        self.service = None
        self.keeper = _messaging.Keeper.of(self, self.entries)
        named_flow = present and any(e["studio_flow"] and not is_sid(e["studio_flow"], "studio_flow") for e in self.entries)
        # Independent look-ups at the same time: one round trip instead of several.
        _runner.concurrently(
            self, lookups.flex_flows,
            lookups.studio_flows if named_flow else None,
            lookups.proxy_services if self.routing else None,
            lookups.incoming_numbers if self.routing and self.many else None,
            lookups.messaging_services if self.keeper else None,
            conv.all_addresses if p["replace_conversations"] and present and self.many else None,
        )
        if self.routing:
            self.service = lookups.proxy_service(self, p["proxy_service"])
        # With proxy_service or check_send_to_flex every entry is checked before the first write.
        strict = self.routing or p["check_send_to_flex"] != "skip" or p["replace_conversations"]
        # Twilio's capacities (Flex Flows, Proxy pool, Messaging Service) are checked before the first write, always.
        guard = functools.partial(_capacity.for_addresses, self)
        result = _messaging.finish(self.keeper, lambda: runner.run(self.plan, self.write, self.preflight, strict=strict,
                                                                   guard=guard))
        return _route.attach(self, result, [e.phone_number for e in self.entries], p["proxy_service"])

    def plan(self, entry):
        return run_hooks.plan_entry(self, entry)

    def preflight(self, planned):
        return run_hooks.preflight(self, planned)

    def write(self, entry):
        return run_hooks.write_entry(self, entry)


def main():
    FlexSmsAddress().execute()


if __name__ == "__main__":
    main()
