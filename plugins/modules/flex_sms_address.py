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
  - Check mode is supported and sends no write request; with C(--diff) the
    module shows the managed settings before and after for every number.
  - Every option is checked before the first request. When
    O(integration_type) is left out, settings of an integration type are
    checked against the live flow's type after reading it, still before any write.
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
    studio_flow:
      description: With O(check_send_to_flex), the Studio flow of a studio address, as in RV(studio_flow).
      type: dict
      returned: with check_send_to_flex fail or warn, for a studio address
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
api_stats:
  description: How many requests the module sent to Twilio.
  returned: always
  type: dict
  sample: {requests: 1, writes: 0, retries: 0}
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
  returned: changed and diff mode
  type: raw
"""

from ansible_collections.flexops.twilio.plugins.module_utils import lookups, proxy_pool
from ansible_collections.flexops.twilio.plugins.module_utils.api import ApiError, TwilioModule, to_dict
from ansible_collections.flexops.twilio.plugins.module_utils.flex_flow import (
    CLEARED,
    INTEGRATION_FIELDS,
    INTEGRATION_OPTIONS,
    INTEGRATION_TYPES,
    describe,
    flow_sids_in,
    flows_for_number,
    is_sms,
    managed_view,
    normalise_type,
    same_number,
    summary,
    to_api,
    types_for,
)
from ansible_collections.flexops.twilio.plugins.module_utils.studio import send_to_flex_reachability
from ansible_collections.flexops.twilio.plugins.module_utils.validate import (
    ValidationError,
    check_e164,
    check_sid,
    check_sid_or_name,
    check_url,
    is_sid,
)

DEFAULT_TASK_CHANNEL = "sms"
MAX_CONCURRENCY = 50
RANGES = {
    "retry_count": (0, 3),
    "priority": (0, 2147483647),
    "timeout": (1, 1209600),
}
SID_OPTIONS = (
    ("chat_service_sid", "chat_service"),
    ("workspace_sid", "workspace"),
    ("workflow_sid", "workflow"),
)

ENTRY_OPTIONS = dict(
    friendly_name=dict(type="str"),
    integration_type=dict(type="str", choices=["studio", "webhook", "external", "task"]),
    studio_flow=dict(type="str"),
    webhook_url=dict(type="str"),
    workspace_sid=dict(type="str"),
    workflow_sid=dict(type="str"),
    task_channel=dict(type="str"),
    priority=dict(type="int"),
    timeout=dict(type="int"),
    retry_count=dict(type="int"),
    chat_service_sid=dict(type="str"),
    enabled=dict(type="bool"),
    janitor_enabled=dict(type="bool"),
    long_lived=dict(type="bool"),
)
SETTINGS = tuple(ENTRY_OPTIONS)
UNREACHABLE_FIX = (
    "Messages to these SMS addresses would never reach a Flex agent. In Studio, connect the Trigger's Incoming "
    "Message transition to a path that ends in a Send to Flex widget and publish the flow, or use another flow "
    "(studio_flow), or set check_send_to_flex to warn to set the addresses up anyway")


class Entry(object):
    """One number's wanted settings, knowing where each option came from (for error messages)."""

    def __init__(self, values, phone_number=None, sid=None, index=None, own=()):
        self.values = values
        self.phone_number = phone_number
        self.sid = sid
        self.index = index
        self.own = frozenset(own)
        self.plan = None  # what preflight() read for this entry
        self.studio_flow = None  # the Studio flow report, with check_send_to_flex
        self.done = []  # the writes already made for this entry (named in a later write's error)

    def __getitem__(self, key):
        return self.values.get(key)

    def name(self, option):
        """The option as the user wrote it: ``addresses[2].webhook_url`` or ``webhook_url``."""
        if self.index is not None and (option in self.own or option == "phone_number"):
            return "addresses[%d].%s" % (self.index, option)
        return option

    @property
    def label(self):
        return "SMS address %s" % (self.phone_number or self.sid)


def validate_entry(entry):
    """Input checks of one entry that need no request; normalises integration_type."""
    check_e164(entry.name("phone_number"), entry.phone_number)
    check_sid(entry.name("sid"), entry.sid, "flex_flow")
    for option, kind in SID_OPTIONS:
        check_sid(entry.name(option), entry[option], kind)
    check_sid_or_name(entry.name("studio_flow"), entry["studio_flow"], "studio_flow")
    check_sid_or_name(entry.name("task_channel"), entry["task_channel"], "task_channel")
    check_url(entry.name("webhook_url"), entry["webhook_url"])
    if entry["friendly_name"] is not None and not entry["friendly_name"].strip():
        raise ValidationError("%s must not be empty: give a name or leave it out." % entry.name("friendly_name"))
    for option, (low, high) in RANGES.items():
        value = entry[option]
        if value is not None and not low <= value <= high:
            raise ValidationError("%s=%s is out of range: it must be from %d to %d." % (entry.name(option), value, low, high))
    entry.values["integration_type"] = normalise_type(entry["integration_type"])
    itype = entry["integration_type"]
    given = [o for o in INTEGRATION_OPTIONS if entry[o] is not None]
    if itype is not None:
        for option in given:
            check_type_fit(entry, option, itype, "integration_type=%s" % itype)
    else:
        fitting = set(INTEGRATION_TYPES)
        for option in given:
            fitting &= set(types_for(option))
        if not fitting:
            raise ValidationError(
                "%s belong to different integration types (%s): keep only the settings of one "
                "integration type and set integration_type." % (
                    " and ".join(entry.name(o) for o in given),
                    "; ".join("%s: %s" % (entry.name(o), "/".join(types_for(o))) for o in given)))


def check_type_fit(entry, option, itype, why):
    types = types_for(option)
    if itype not in types:
        raise ValidationError(
            "%s is only used with integration_type=%s, but %s: remove %s or change integration_type."
            % (entry.name(option), "/".join(types), why, entry.name(option)))


def select_flow(flows, entry, state, account_sid=""):
    """The live flow an entry is about (or None); ValidationError for a missing SID or duplicates."""
    if entry.sid:
        found = [f for f in flows if f.get("sid") == entry.sid]
        if not found:
            if state == "absent":
                return None
            raise ValidationError(
                "sid=%s: account %s has no Flex Flow with that SID. The module does not create a flow in its "
                "place: remove sid to find or create the SMS address of phone_number, or fix the SID."
                % (entry.sid, account_sid))
        flow = found[0]
        if not is_sms(flow):
            raise ValidationError(
                "sid=%s is a Flex Flow of channel type %r, not an SMS address (channel type 'sms'): "
                "give the SID of an SMS flow." % (entry.sid, flow.get("channel_type")))
        if state == "absent" and entry.phone_number and not same_number(flow.get("contact_identity"), entry.phone_number):
            raise ValidationError(
                "sid=%s serves %s, not phone_number=%s: nothing was deleted; fix sid or phone_number."
                % (entry.sid, flow.get("contact_identity"), entry.phone_number))
        return flow
    matches = flows_for_number(flows, entry.phone_number)
    if len(matches) > 1:
        raise ValidationError(
            "%s=%s has %d SMS addresses (Flex Flows): %s. Pass sid to choose the one to manage, and "
            "delete the others with state=absent and their sid." % (
                entry.name("phone_number"), entry.phone_number, len(matches),
                "; ".join(summary(f) for f in sorted(matches, key=lambda f: f.get("sid")))))
    return matches[0] if matches else None


def wanted_fields(entry, before, resolver):
    """The managed fields the entry asks for, given the live ones (``before``; None when creating).

    ``resolver`` performs the (cached) look-ups, only when a value is needed:
    ``studio_flow_sid(value, defaulted)``, ``flex_default(key, option)`` and
    ``same_task_channel(workspace_sid, a, b)``.
    """
    creating = before is None
    live_type = None if creating else before.get("integration_type")
    itype = entry["integration_type"]
    switching = not creating and itype is not None and itype != live_type
    effective = itype or live_type or "studio"
    fresh = creating or switching
    if itype is None:
        why = ("a new SMS address gets integration_type=studio (the default)" if creating
               else "the SMS address of %s uses integration_type=%s" % (entry.phone_number or entry.sid, live_type))
        for option in INTEGRATION_OPTIONS:
            if entry[option] is not None:
                check_type_fit(entry, option, effective, why)

    wanted = dict(
        phone_number=entry.phone_number,
        friendly_name=entry["friendly_name"] or ("SMS %s" % entry.phone_number if creating else None),
        enabled=entry["enabled"] if entry["enabled"] is not None else (True if creating else None),
        janitor_enabled=entry["janitor_enabled"],
        long_lived=entry["long_lived"],
        integration_type=itype or ("studio" if creating else None),
    )
    if effective == "studio":
        value = entry["studio_flow"]
        defaulted = value is None and fresh
        if defaulted:
            value = lookups.DEFAULT_STUDIO_FLOW
        if value is not None:
            wanted["studio_flow"] = value if is_sid(value, "studio_flow") else resolver.studio_flow_sid(value, defaulted)
        wanted["retry_count"] = entry["retry_count"]
    elif effective == "webhook":
        if entry["webhook_url"] is None and fresh:
            raise ValidationError(
                "%s needs webhook_url with integration_type=webhook: set %s (an https URL)."
                % ("Creating " + entry.label if creating else "Switching %s to webhook" % entry.label,
                   entry.name("webhook_url")))
        wanted["webhook_url"] = entry["webhook_url"]
        wanted["retry_count"] = entry["retry_count"]
    else:
        wanted["workspace_sid"] = entry["workspace_sid"] or (
            resolver.flex_default("taskrouter_workspace_sid", entry.name("workspace_sid")) if fresh else None)
        wanted["workflow_sid"] = entry["workflow_sid"] or (
            resolver.flex_default("taskrouter_target_workflow_sid", entry.name("workflow_sid")) if fresh else None)
        channel = entry["task_channel"] or (DEFAULT_TASK_CHANNEL if fresh else None)
        live_channel = None if creating else before.get("task_channel")
        if channel and live_channel and channel != live_channel:
            workspace = wanted["workspace_sid"] or before.get("workspace_sid")
            if workspace and resolver.same_task_channel(workspace, channel, live_channel):
                channel = live_channel
        wanted["task_channel"] = channel
        wanted["priority"] = entry["priority"]
        wanted["timeout"] = entry["timeout"]
    wanted["chat_service_sid"] = entry["chat_service_sid"] or (
        resolver.flex_default("chat_service_instance_sid", entry.name("chat_service_sid")) if creating else None)
    if switching:
        for option, _kw, _keys, types in INTEGRATION_FIELDS:
            if effective not in types and before.get(option) is not None:
                wanted[option] = CLEARED
    return dict((k, v) for k, v in wanted.items() if v is not None)


def collision_error(exc, entry, flow, flows, what):
    """A clear error for Twilio refusing a flow that collides with another one; None if ``exc`` is something else."""
    message = exc.details.get("twilio_message") or exc.msg
    status = exc.details.get("status")
    code = exc.details.get("code")
    mentions = "collid" in (message or "").lower()
    if not mentions and status not in (400, 409) and code not in (45210, 45212):
        return None
    own = flow.get("sid") if flow else None
    number = entry.phone_number or (flow or {}).get("contact_identity")
    others = [f for f in flows_for_number(flows, number) if f.get("sid") != own and f.get("enabled")] if number else []
    named = [s for s in flow_sids_in(message) if s != own]
    by_sid = dict((f.get("sid"), f) for f in flows)
    sids = sorted(set(named) | set(f.get("sid") for f in others))
    if not sids and not mentions:
        return None
    if sids:
        listed = "; ".join(summary(by_sid[s]) if s in by_sid else s for s in sids)
        hint = ("It collides with %s, which serves the same number. Disable or delete that flow "
                "(flexops.twilio.flex_sms_address with sid=%s and enabled=false or state=absent), "
                "or pass sid=%s to manage that flow instead of another one." % (listed, sids[0], sids[0]))
    else:
        hint = ("Another enabled Flex Flow serves the same number: find it with "
                "flexops.twilio.flex_sms_address_info, then disable or delete it, or pass its sid to manage it.")
    details = dict(exc.details)
    details["colliding_flows"] = sids
    return ApiError("Twilio refused to %s %s: %s. %s" % (what, entry.label, message, hint), **details)


class FlexSmsAddress(TwilioModule):
    argument_spec = dict(
        phone_number=dict(type="str"),
        sid=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        addresses=dict(type="list", elements="dict", options=dict(
            ENTRY_OPTIONS, phone_number=dict(type="str", required=True))),
        concurrency=dict(type="int", default=8),
        proxy_service=dict(type="str"),
        is_reserved=dict(type="bool"),
        take_over=dict(type="bool", default=False),
        check_send_to_flex=dict(type="str", default="skip", choices=["fail", "warn", "skip"]),
        **ENTRY_OPTIONS
    )
    mutually_exclusive = [["addresses", "phone_number"], ["addresses", "sid"]]
    required_one_of = [["phone_number", "sid", "addresses"]]

    def validate(self):
        p = self.params
        defaults = dict((k, p[k]) for k in SETTINGS)
        if p["addresses"] is None:
            self.entries = [Entry(dict(defaults), phone_number=p["phone_number"], sid=p["sid"])]
        else:
            if not p["addresses"]:
                raise ValidationError("addresses is empty: give at least one entry with phone_number.")
            self.entries = []
            for index, item in enumerate(p["addresses"]):
                values = dict(defaults)
                own = [k for k in SETTINGS if item.get(k) is not None]
                values.update((k, item[k]) for k in own)
                own_type = normalise_type(item.get("integration_type"))
                if own_type is not None:
                    # A module-level setting of another integration type is not a default for this entry.
                    for option in INTEGRATION_OPTIONS:
                        if option not in own and own_type not in types_for(option):
                            values[option] = None
                self.entries.append(Entry(values, phone_number=item["phone_number"], index=index, own=own))
        check_sid_or_name("proxy_service", p["proxy_service"], "proxy_service")
        # take_over defaults to false; is_reserved has no default, so false is a setting too.
        for option, given in (("is_reserved", p["is_reserved"] is not None), ("take_over", p["take_over"])):
            if given and p["proxy_service"] is None:
                raise ValidationError("%s is only used with proxy_service: set proxy_service (for example "
                                      "'Flex Proxy Service') or remove %s." % (option, option))
        if p["state"] == "absent":
            if p["take_over"] or p["is_reserved"] is not None:
                option = "take_over" if p["take_over"] else "is_reserved"
                raise ValidationError("%s is only used with state=present: remove %s or set state=present." % (option, option))
            if p["check_send_to_flex"] != "skip":
                raise ValidationError("check_send_to_flex=%s is only used with state=present: remove it or set state=present."
                                      % p["check_send_to_flex"])
        if not 1 <= p["concurrency"] <= MAX_CONCURRENCY:
            raise ValidationError("concurrency=%d is out of range: it must be from 1 to %d." % (p["concurrency"], MAX_CONCURRENCY))
        seen = {}
        for entry in self.entries:
            validate_entry(entry)
            if entry.index is not None:
                if entry.phone_number in seen:
                    raise ValidationError(
                        "addresses[%d] and addresses[%d] both have phone_number=%s: give each number once."
                        % (seen[entry.phone_number], entry.index, entry.phone_number))
                seen[entry.phone_number] = entry.index

    # -- look-ups (lazy, cached for the task) --------------------------------

    def studio_flow_sid(self, value, defaulted=False):
        try:
            return lookups.studio_flow(self, value)["sid"]
        except ValidationError as exc:
            if defaulted:
                raise ValidationError(
                    "studio_flow was not set, and the default Studio flow %r was not found: %s "
                    "Create that flow, or set studio_flow to the SID or name of the flow to use." % (value, exc))
            raise

    def flex_default(self, key, option):
        try:
            config = lookups.flex_configuration(self)
        except ValidationError as exc:
            raise ValidationError("%s was not set and its default comes from the Flex Configuration: %s "
                                  "Set %s explicitly." % (option, exc, option))
        value = config.get(key)
        if not value:
            raise ValidationError(
                "%s was not set, and the Flex Configuration of account %s has no %s to default to: set %s."
                % (option, self.account_sid, key, option))
        return value

    def same_task_channel(self, workspace_sid, first, second):
        """Whether two task channel references (SID or unique name) name the same channel."""
        if is_sid(first, "task_channel") == is_sid(second, "task_channel"):
            return first == second
        try:
            channels = lookups.cached(self, "task_channels:" + workspace_sid, lambda: self.list_all(
                "Listing the task channels of TaskRouter workspace %s" % workspace_sid,
                self.client.taskrouter.v1.workspaces(workspace_sid).task_channels))
        except (ApiError, ValidationError) as exc:
            self.warn("Could not compare task channels %s and %s (%s); treating them as different." % (first, second, exc))
            return False
        for channel in channels:
            refs = (channel.get("sid"), channel.get("unique_name"))
            if first in refs and second in refs:
                return True
        return False

    # -- work ---------------------------------------------------------------

    def run(self):
        p = self.params
        present = p["state"] == "present"
        self.many = self.entries[0].index is not None
        self.routing = p["proxy_service"] is not None
        self.service = None
        named_flow = present and any(e["studio_flow"] and not is_sid(e["studio_flow"], "studio_flow") for e in self.entries)
        # Independent look-ups at the same time: one round trip instead of several.
        lookups.concurrently(
            self, lookups.flex_flows,
            lookups.studio_flows if named_flow else None,
            lookups.proxy_services if self.routing else None,
            lookups.incoming_numbers if self.routing and self.many else None,
        )
        if self.routing:
            self.service = lookups.proxy_service(self, p["proxy_service"])
        if self.routing or p["check_send_to_flex"] != "skip":
            self.preflight()
        if not self.many:
            result = self.one(self.entries[0])
            return dict((k, v) for k, v in result.items() if k != "phone_number")
        results = self.for_each(self.entries, self.one, concurrency=p["concurrency"],
                                label=lambda e: e.phone_number, key="phone_number")
        return dict(changed=any(r["changed"] for r in results), addresses=results)

    # -- plan: what an entry needs, read before its writes --------------------

    def plan(self, entry):
        """The live flow, the wanted fields and (with proxy_service) the number and its pool entry of one entry.

        Only reads (cached look-ups); raises ValidationError for what the entry cannot do.
        """
        flows = lookups.flex_flows(self)
        flow = select_flow(flows, entry, self.params["state"], self.account_sid)
        if flow is not None and entry.phone_number is None:
            entry.phone_number = managed_view(flow)["phone_number"]
        before = self._view(flow)
        plan = dict(flows=flows, flow=flow, before=before, wanted=None, number=None, pool_entry=None)
        present = self.params["state"] == "present"
        if self.routing:
            plan["number"] = self.owned_number(entry, required=present)
            if plan["number"] is not None:
                plan["pool_entry"] = proxy_pool.pool_entry(self, self.service, plan["number"]["sid"], listed=self.many)
        elif present and before is None:
            self.owned_number(entry, required=True)
        if present:
            plan["wanted"] = wanted_fields(entry, before, self)
        return plan

    def owned_number(self, entry, required):
        """The account's number of the entry; ValidationError when it is not the account's (and ``required``).

        One filtered look-up for a single number; in list form one listing of
        the account's numbers serves every entry.
        """
        if entry.phone_number is None:
            return None  # state=absent by the SID of a flow that does not exist (any more): no number to route
        if entry.index is None:
            try:
                return lookups.incoming_number(self, entry.phone_number)
            except ValidationError:
                if required:
                    raise
                return None
        found = lookups.incoming_numbers_by_e164(self).get(entry.phone_number)
        if found is None and required:
            raise lookups.not_owned(self, "addresses[%d].phone_number=%s" % (entry.index, entry.phone_number))
        return found

    def preflight(self):
        """With proxy_service or check_send_to_flex: check every entry before the first write.

        A number that is not the account's, one that another Proxy service or
        a Messaging Service holds (without take_over), a Studio flow from which
        no message reaches Send to Flex, and any other problem of an entry fail
        the task here, all named in one error, with nothing written.
        """
        p = self.params
        problems, conflicts = [], []
        for entry in self.entries:
            try:
                entry.plan = self.plan(entry)
            except ValidationError as exc:
                problems.append(str(exc))
        planned = [e for e in self.entries if e.plan is not None]
        if p["state"] == "present" and p["check_send_to_flex"] != "skip":
            missing, unreachable = self.unreachable_flows(planned)
            problems.extend(missing)  # a flow that does not exist is bad input, whatever check_send_to_flex says
            for problem in unreachable:
                if p["check_send_to_flex"] == "fail":
                    problems.append(problem + ". " + UNREACHABLE_FIX)
                else:
                    self.warn("%s. Messages to these SMS addresses never reach a Flex agent." % problem)
        if self.routing and p["state"] == "present" and not p["take_over"]:
            for entry in planned:
                number = entry.plan["number"]
                if number is None or entry.plan["pool_entry"] is not None:
                    continue
                found = proxy_pool.holders(self, number["sid"], self.service["sid"])
                if found:
                    conflicts.extend(dict(h, phone_number=number["phone_number"]) for h in found)
                    problems.append(
                        "%s (%s) is held by %s: set take_over to true to move it (that service then stops "
                        "receiving its messages), or leave the number out" % (
                            number["phone_number"], number["sid"], proxy_pool.describe_holders(found)))
        if problems:
            details = dict(conflicts=conflicts) if conflicts else {}
            raise ApiError("Nothing was changed: %s." % "; ".join(problem.rstrip(".") for problem in problems), **details)

    def unreachable_flows(self, entries):
        """The Studio flows the entries will use after the task: (missing, unreachable) problems.

        Records each entry's flow report (``entry.studio_flow``).
        """
        users = {}
        for entry in entries:
            after = dict(entry.plan["before"] or {})
            after.update(entry.plan["wanted"] or {})
            if after.get("integration_type") == "studio" and after.get("studio_flow"):
                users.setdefault(after["studio_flow"], []).append(entry)

        def report(sid):
            try:
                return self.studio_flow_report(sid)
            except ValidationError as exc:  # a flow SID that does not exist: one problem among the others
                return exc

        flows = dict(zip(users, self.for_each(list(users), report, concurrency=self.params["concurrency"])))
        missing, unreachable = [], []
        for sid, flow in flows.items():
            if isinstance(flow, ValidationError):
                missing.append("%s (used by %s): give the SID or name of an existing flow" % (
                    str(flow).rstrip("."), ", ".join(e.phone_number for e in users[sid])))
                continue
            for entry in users[sid]:
                entry.studio_flow = flow
            if flow["send_to_flex"]["reachable"]:
                continue
            unreachable.append("Studio flow %r (%s), used by %s: %s" % (
                flow["friendly_name"], sid, ", ".join(e.phone_number for e in users[sid]), flow["send_to_flex"]["problem"]))
        return missing, unreachable

    def studio_flow_report(self, sid):
        flow = lookups.studio_flow_by_sid(self, sid)
        reach = send_to_flex_reachability(flow.get("definition"))
        return dict(sid=sid, friendly_name=flow.get("friendly_name"),
                    send_to_flex=dict((k, reach[k]) for k in ("reachable", "widget", "path", "problem")))

    # -- writes -----------------------------------------------------------------

    def one(self, entry):
        """One entry's writes; when a later write fails, the error says what was written before it."""
        entry.done = []
        try:
            return self.write(entry)
        except ApiError as exc:
            if not entry.done:
                raise
            raise ApiError("%s. Already done for %s before that: %s; run the task again to finish." % (
                exc.msg.rstrip("."), entry.phone_number, ", ".join(entry.done)), **dict(exc.details, changed=True))

    def write(self, entry):
        plan = entry.plan if entry.plan is not None else self.plan(entry)
        flow, before = plan["flow"], plan["before"]
        result = dict(phone_number=entry.phone_number)
        if self.params["state"] == "absent":
            # The number leaves the Proxy pool first: it never points at Flex without its SMS address.
            routed = self.route(entry, plan) if self.routing else None
            deleted = self.remove(entry.label, before, lambda: self.client.flex_api.v1.flex_flow(flow["sid"]).delete())
            result.update(changed=deleted or bool(routed and routed["changed"]), address=None)
            if routed is not None:
                result.update(address_changed=deleted, proxy_service=routed)
            return result

        def create(fields):
            kwargs = to_api(fields)
            kwargs["channel_type"] = "sms"
            return to_dict(self.client.flex_api.v1.flex_flow.create(**kwargs))

        def update(changes):
            return to_dict(self.client.flex_api.v1.flex_flow(flow["sid"]).update(**to_api(changes)))

        def recover():
            lookups.forget(self, "flex_flows")
            found = flows_for_number(lookups.flex_flows(self), entry.phone_number)
            return found[0] if len(found) == 1 else None

        try:
            changed, written = self.reconcile(entry.label, before, plan["wanted"], create, update, recover=recover)
        except ApiError as exc:
            error = collision_error(exc, entry, flow, plan["flows"], "create" if flow is None else "update")
            raise error or exc
        if changed:
            entry.done.append("its SMS address was %s" % ("created" if flow is None else "updated"))
        result["address"] = describe(written if written is not None else flow)
        if entry.studio_flow is not None:
            result["studio_flow"] = entry.studio_flow
        if self.routing:
            # Routed only once its SMS address exists, as the Flex Console does.
            routed = self.route(entry, plan)
            result.update(address_changed=changed, proxy_service=routed)
            changed |= routed["changed"]
        result["changed"] = changed
        return result

    def route(self, entry, plan):
        """Put the entry's number into (state present) or take it out of (absent) the proxy_service pool.

        Returns its membership after the task (RV(proxy_service)), with ``changed``.
        """
        p = self.params
        number, member = plan["number"], plan["pool_entry"]
        changed = False
        if p["state"] == "absent":
            if number is not None:
                changed = proxy_pool.leave_pool(self, number, self.service, member)
            if changed:
                entry.done.append("it left Proxy service %s" % self.service["sid"])
            return dict(proxy_pool.membership(self.service, None), member=False, changed=changed)
        if member is None and p["take_over"]:
            changed |= proxy_pool.clear_holders(self, number, self.service["sid"], True)
            if changed:
                entry.done.append("it was taken out of the service(s) that held it (take_over)")
        joined, after = proxy_pool.join_pool(self, number, self.service, member, p["is_reserved"], p["take_over"])
        return dict(after, member=True, changed=changed or joined)

    @staticmethod
    def _view(flow):
        if flow is None:
            return None
        return dict((k, v) for k, v in managed_view(flow).items() if v is not None)


def main():
    FlexSmsAddress().execute()


if __name__ == "__main__":
    main()
