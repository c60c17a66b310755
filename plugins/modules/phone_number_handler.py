#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: phone_number_handler
short_description: Route a Twilio number's incoming SMS to the Flex Proxy Service, a Studio flow, a webhook or a TwiML app
version_added: 0.1.0
description:
  - Sets what handles the incoming SMS of one or more phone numbers the account already owns.
  - V(proxy_service) (the default) puts the number into the phone-number pool of a Proxy service,
    by default the C(Flex Proxy Service). This is the step Flex needs for legacy SMS addresses
    (Flex Flows) and the one that is easy to forget when addresses are created through the API.
  - V(studio_flow) sets the number's SMS URL to the webhook URL of a Studio flow,
    V(webhook) sets it to any HTTPS URL, and V(twiml_app) sets the number's SMS application.
  - Switching handlers removes what would shadow the new one. Switching to V(studio_flow), V(webhook)
    or V(twiml_app) takes the number out of the O(proxy_service) pool. Setting a URL clears the
    number's SMS application (Twilio ignores the SMS URLs while an application is set). Switching to
    V(twiml_app) sets the application, which takes over from the URLs; the URLs are left as they are.
  - A number held by another Proxy service, or by a Messaging Service, is not moved unless
    O(take_over=true); the module fails naming the holder's SID and name and changes nothing.
    These holders are looked up only when a change is about to be made (also in check mode), so a
    run that changes nothing stays cheap; such a run does not notice a Messaging Service that
    holds the number as well. When a number joins the O(proxy_service) pool without O(take_over)
    (and not in check mode), they are looked up only if Twilio refuses the number, which it does
    for a number another Proxy service or a Messaging Service holds.
  - This module never buys or releases numbers; see M(flexops.twilio.phone_number) for that.
  - Options left out keep the live values, for example O(webhook_method) left out keeps the number's SMS method.
author:
  - flexops.twilio maintainers (@flexops)
extends_documentation_fragment:
  - flexops.twilio.twilio
attributes:
  check_mode:
    support: full
    description: Reports the changes, including conflicts with other holders, and writes nothing.
  diff_mode:
    support: full
    description: Before and after of the number's SMS fields and of its membership in each Proxy or Messaging Service pool.
options:
  phone_number:
    description:
      - The number, in E.164 format (for example V(+15551230001)).
      - Exactly one of O(phone_number), O(phone_number_sid) and O(phone_numbers) is required.
    type: str
  phone_number_sid:
    description:
      - The SID (C(PN...)) of the number, instead of O(phone_number).
    type: str
  phone_numbers:
    description:
      - Several numbers in E.164 format that all get the same handler settings.
      - The account's numbers are read in one listing and the O(proxy_service) pool in one listing,
        so a run over hundreds of numbers that changes nothing costs a handful of requests.
      - Numbers are worked through O(concurrency) at a time; one failing number does not stop the
        others, and the module fails afterwards naming every number that failed.
      - The result is in RV(results), one entry per number in the order given.
    type: list
    elements: str
  state:
    description:
      - V(present) routes the number(s) to O(handler).
      - V(absent) removes that handler and leaves the number itself alone. For V(proxy_service) the
        number leaves the O(proxy_service) pool. For V(webhook) and V(studio_flow) the number's
        C(sms_url) and C(sms_fallback_url) are cleared, for V(twiml_app) its C(sms_application_sid),
        but only when the number is routed to that kind of handler now (and to the given
        O(webhook_url), O(studio_flow) or O(twiml_app), when one is given).
    type: str
    choices: [present, absent]
    default: present
  handler:
    description:
      - What handles the number's incoming SMS.
    type: str
    choices: [proxy_service, studio_flow, webhook, twiml_app]
    default: proxy_service
  proxy_service:
    description:
      - The Proxy service, by SID (C(KS...)) or unique name.
      - When not set, the Proxy service whose unique name is C(Flex Proxy Service).
      - With O(handler=proxy_service), the service whose pool the number joins.
        With the other handlers, the service the number leaves (no O(take_over) needed); when it is not
        set and the account has no C(Flex Proxy Service), there is nothing to leave.
    type: str
  is_reserved:
    description:
      - Whether the number is reserved in the Proxy pool (not handed out by Proxy's pool logic).
      - Only with O(handler=proxy_service) and O(state=present). Left out, an existing membership keeps its value and a new one gets Twilio's default.
    type: bool
  studio_flow:
    description:
      - The Studio flow, by SID (C(FW...)) or friendly name. Required with O(handler=studio_flow) and O(state=present).
      - The number's C(sms_url) becomes the flow's webhook URL and its C(sms_method) C(POST).
      - With O(state=absent), the handler is removed only when the number points at this flow.
    type: str
  webhook_url:
    description:
      - The HTTPS URL that receives the number's incoming SMS. Required with O(handler=webhook) and O(state=present).
      - Only C(https) URLs are accepted.
      - With O(state=absent), the handler is removed only when the number points at this URL.
    type: str
  webhook_method:
    description:
      - The HTTP method for O(webhook_url). Only with O(handler=webhook). Left out, the number keeps its current method.
    type: str
    choices: [GET, POST]
  fallback_url:
    description:
      - The HTTPS URL Twilio calls when the main handler fails. Only with O(handler=webhook) or O(handler=studio_flow).
      - Left out, the number keeps its current fallback URL.
    type: str
  fallback_method:
    description:
      - The HTTP method for O(fallback_url). Left out, the number keeps its current method.
    type: str
    choices: [GET, POST]
  twiml_app:
    description:
      - The TwiML app, by SID (C(AP...)) or friendly name. Required with O(handler=twiml_app) and O(state=present).
      - With O(state=absent), the handler is removed only when the number uses this app.
    type: str
  take_over:
    description:
      - Move the number when another Proxy service or a Messaging Service holds it.
      - The number is removed from the other holder first, then routed to O(handler).
        B(The other service stops receiving this number's messages), and Proxy sessions or Messaging
        Service senders that used the number there stop working with it.
      - A Messaging Service whose C(use_inbound_webhook_on_number) is true does not hold the
        number's incoming SMS, so it is only in the way of O(handler=proxy_service).
      - Never takes a number out of a Messaging Service registered for A2P 10DLC
        (C(us_app_to_person_registered)), for any handler. The number fails before any write (with
        O(handler=proxy_service), every number of O(phone_numbers) is checked first), naming the
        service and the fix (O(messaging_service) to keep it there).
      - Only with O(state=present).
    type: bool
    default: false
  messaging_service:
    description:
      - US numbers and A2P 10DLC, with O(handler=proxy_service). The Messaging Service, by SID
        (C(MG...)) or friendly name, that the number(s) stay in while they join the O(proxy_service)
        pool. Each ends in the pool B(and) in this service, which carries the A2P 10DLC registration.
      - A number the service holds and that is not pooled leaves the service, joins the pool and
        rejoins the service, in that order; a pooled number outside the service joins it; a number
        in both costs no write.
      - If a write after "leave" fails, the number is not left out of its service. A failed pool
        join puts it back in the same run; a rejoin that fails without an answer (or with 5xx) is
        read again and, when the number is not back, sent again (at most O(retries) times). If it
        still is not back, the task fails naming exactly that, and a rerun only adds it back.
      - The service must defer inbound messages to its numbers (C(use_inbound_webhook_on_number));
        one that does not fails before any write, unless O(messaging_service_defer_inbound=true).
      - A number in another Messaging Service is moved only with O(take_over), never out of one
        registered for A2P 10DLC. Every number is checked before the first write.
      - Only with O(state=present); V(absent) leaves the membership alone. A run that changes nothing
        reads the account's Messaging Services and this service's numbers, and writes nothing.
      - M(flexops.twilio.flex_sms_address) has the same option (with O(flexops.twilio.flex_sms_address#module:proxy_service)).
    type: str
  messaging_service_defer_inbound:
    description:
      - Turn on "Defer to sender's webhook" (C(UseInboundWebhookOnNumber=true), Messaging v1
        C(UpdateService)) on O(messaging_service) when it does not defer, before the first
        number's membership changes.
      - B(It applies to every number of the service.) RV(messaging_services) and the diff list the
        service's other numbers, whose own handlers then take their inbound messages.
      - V(false) refuses such a service before any write. Only with O(messaging_service).
    type: bool
    default: false
  concurrency:
    description:
      - With O(phone_numbers), how many numbers are worked on at the same time.
    type: int
    default: 8
notes:
  - "Twilio's capacities are checked before the first write, in every mode: the account's Flex Flows (2,500),
    a Proxy service's non-reserved (500) and reserved (5,000) numbers, a Messaging Service's numbers (400);
    O(account_limits) gives an account's raised ones. A task that would pass one fails with C(capacity_exceeded)
    (RV(capacity)); one that reaches 90 % warns (Twilio's 80624). Counted from the listings the task reads; in
    the single form a number that joins a pool costs one listing of that pool."
  - Membership in the Proxy pool is treated as the truth for the V(proxy_service) handler; the module
    does not change the number's own SMS URLs when it joins a Proxy service.
  - A run that changes nothing reads the number, the list of Proxy services and the number's entry
    in the O(proxy_service) pool (plus the Studio flows or TwiML apps when O(handler) needs them).
seealso:
  - module: flexops.twilio.phone_number
  - module: flexops.twilio.studio_flow_info
  - name: Proxy PhoneNumber resource
    description: Adding numbers to a Proxy service.
    link: https://www.twilio.com/docs/proxy/api/phone-number
"""

EXAMPLES = r"""
- name: Route a number to the Flex Proxy Service (what Flex legacy SMS addresses need)
  flexops.twilio.phone_number_handler:
    phone_number: "+15551230001"

- name: Route many numbers at once
  flexops.twilio.phone_number_handler:
    phone_numbers: "{{ flex_numbers }}"
    concurrency: 8

- name: Move a number that a Messaging Service holds into the Flex Proxy Service
  flexops.twilio.phone_number_handler:
    phone_number: "+15551230002"
    take_over: true

- name: Send a number's SMS to a Studio flow (leaves the Flex Proxy Service)
  flexops.twilio.phone_number_handler:
    phone_number: "+15551230003"
    handler: studio_flow
    studio_flow: Messaging Flow

- name: Send a number's SMS to a webhook
  flexops.twilio.phone_number_handler:
    phone_number_sid: PN0123456789abcdef0123456789abcdef
    handler: webhook
    webhook_url: https://example.com/sms
    webhook_method: POST
    fallback_url: https://example.com/sms-fallback

- name: Route a US number to the Flex Proxy Service, keeping it in its A2P 10DLC Messaging Service
  flexops.twilio.phone_number_handler:
    phone_number: "+15551230005"
    messaging_service: Support A2P
    messaging_service_defer_inbound: true

- name: Use a TwiML app
  flexops.twilio.phone_number_handler:
    phone_number: "+15551230004"
    handler: twiml_app
    twiml_app: SMS bot

- name: Take a number out of the Flex Proxy Service (the number itself is kept)
  flexops.twilio.phone_number_handler:
    phone_number: "+15551230001"
    state: absent
"""

RETURN = r"""
phone_number:
  description: The number in E.164 format (single-number form).
  returned: success, with phone_number or phone_number_sid
  type: str
  sample: "+15551230001"
phone_number_sid:
  description: The number's SID (single-number form).
  returned: success, with phone_number or phone_number_sid
  type: str
  sample: PN0123456789abcdef0123456789abcdef
handler:
  description:
    - What the number's incoming SMS is routed to after the run (in check mode, what it would be).
    - Names are null when the module did not need to look them up.
  returned: success, with phone_number or phone_number_sid
  type: dict
  contains:
    type:
      description: V(proxy_service), V(studio_flow), V(webhook), V(twiml_app) or V(none).
      type: str
      sample: proxy_service
    proxy_service_sid:
      description: The Proxy service whose pool holds the number.
      type: str
    proxy_service_name:
      description: Its unique name.
      type: str
      sample: Flex Proxy Service
    is_reserved:
      description: Whether the number is reserved in that pool.
      type: bool
    studio_flow_sid:
      description: The Studio flow the number's C(sms_url) points at.
      type: str
    studio_flow_name:
      description: Its friendly name.
      type: str
    sms_url:
      description: The number's SMS URL.
      type: str
    sms_method:
      description: The number's SMS method.
      type: str
    sms_fallback_url:
      description: The number's SMS fallback URL.
      type: str
    sms_fallback_method:
      description: The number's SMS fallback method.
      type: str
    sms_application_sid:
      description: The number's SMS application (TwiML app).
      type: str
    twiml_app_name:
      description: That app's friendly name.
      type: str
  sample:
    type: proxy_service
    proxy_service_sid: KS0123456789abcdef0123456789abcdef
    proxy_service_name: Flex Proxy Service
    is_reserved: false
    studio_flow_sid: null
    studio_flow_name: null
    sms_url: null
    sms_method: POST
    sms_fallback_url: null
    sms_fallback_method: POST
    sms_application_sid: null
    twiml_app_name: null
results:
  description:
    - With O(phone_numbers), one entry per number in the order given, each with C(phone_number),
      C(phone_number_sid), C(changed), C(handler) (as RV(handler)) and C(diff) (a list of before/after
      entries, empty when nothing changed).
  returned: success, with phone_numbers
  type: list
  elements: dict
messaging_service:
  description:
    - With O(messaging_service), the number's membership of that service after the task (in check mode,
      what it would be); in RV(results) too, per number. Single-number form.
  returned: success, with messaging_service
  type: dict
  contains:
    sid:
      description: The Messaging Service's SID.
      type: str
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
    - With O(messaging_service), the service (one entry) as in
      RV(flexops.twilio.flex_sms_address#module:messaging_services), with C(sid), C(name), C(a2p),
      C(use_inbound_webhook_on_number), C(changed) (the defer setting) and C(other_numbers) (the
      service's other numbers whose own handlers then take their messages, when C(changed)).
  returned: success, with messaging_service
  type: list
  elements: dict
api_stats:
  description: Requests sent to Twilio by this task.
  returned: always
  type: dict
  sample: {requests: 3, writes: 0, retries: 0, rate_limited: 0}
capacity:
  description:
    - When the numbers would take the Proxy pool (or, with O(messaging_service), the Messaging Service) past
      Twilio's capacity (problem C(capacity_exceeded), found before any write, nothing changed), one item
      per such pool, with the keys of RV(flexops.twilio.flex_sms_address#module:capacity) of
      M(flexops.twilio.flex_sms_address), C(limit) (as in O(account_limits)), C(holder) (the service), C(capacity) (the limit in force), C(in_use),
      C(adds), C(after) and C(entries) (the numbers that would join).
  returned: failure, with capacity_exceeded
  type: list
  elements: dict
  sample:
    - {limit: proxy_reserved_numbers, holder: {type: proxy_service, sid: KS0123456789abcdef0123456789abcdef,
       name: Flex Proxy Service}, capacity: 5000, in_use: 4999, adds: 2, after: 5001,
       entries: ["+15551230001", "+15551230002"]}
planned_writes:
  description: The writes the task decided on, per kind, with their time at Twilio's rates (as in M(flexops.twilio.flex_sms_address)).
  returned: when the task decided on a write
  type: dict
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
from ansible_collections.flexops.twilio.plugins.module_utils import _proxy_pool as proxy_pool
from ansible_collections.flexops.twilio.plugins.module_utils import _capacity, _messaging, _runner
from ansible_collections.flexops.twilio.plugins.module_utils._base import TwilioModule
from ansible_collections.flexops.twilio.plugins.module_utils._client import to_dict
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError
from ansible_collections.flexops.twilio.plugins.module_utils._number_handler import (
    HANDLER_TYPES,
    cleared_fields,
    handler_fields,
    normalise_handler,
    sms_fields,
    validate_options,
)


class PhoneNumberHandler(TwilioModule):
    argument_spec = dict(
        _messaging.options(),
        phone_number=dict(type="str"),
        phone_number_sid=dict(type="str"),
        phone_numbers=dict(type="list", elements="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        handler=dict(type="str", choices=list(HANDLER_TYPES), default="proxy_service"),
        proxy_service=dict(type="str"),
        is_reserved=dict(type="bool"),
        studio_flow=dict(type="str"),
        webhook_url=dict(type="str"),
        webhook_method=dict(type="str", choices=["GET", "POST"]),
        fallback_url=dict(type="str"),
        fallback_method=dict(type="str", choices=["GET", "POST"]),
        twiml_app=dict(type="str"),
        take_over=dict(type="bool", default=False),
        concurrency=_runner.concurrency_option(),
    )
    mutually_exclusive = [["phone_number", "phone_number_sid", "phone_numbers"]]
    required_one_of = [["phone_number", "phone_number_sid", "phone_numbers"]]

    # -- validation ---------------------------------------------------------

    def validate(self):
        validate_options(self.params)

    # -- look-ups -------------------------------------------------------------

    def own_service(self):
        """The Proxy service O(proxy_service) names, or None when the default one does not exist and is not needed."""
        p = self.params
        value = p["proxy_service"] or lookups.DEFAULT_PROXY_SERVICE
        needed = p["proxy_service"] is not None or (p["handler"] == "proxy_service" and p["state"] == "present")
        try:
            return lookups.proxy_service(self, value)
        except ValidationError:
            if needed:
                raise
            return None

    # -- writes ---------------------------------------------------------------

    def set_fields(self, number, before, wanted):
        """Update the number's SMS fields; returns (changed, fields after)."""
        label = "%s SMS handler fields" % number["phone_number"]
        resource = self.client.api.v2010.accounts(self.account_sid).incoming_phone_numbers(number["sid"])

        def update(changes):
            return to_dict(resource.update(**changes))

        def reread():
            live = lookups.number_now(self, number)
            return (live and sms_fields(live)), live

        changed, written = self.reconcile(label, before, wanted, None, update, reread=reread)
        after = dict(before)
        after.update(self.changes(before, wanted))
        if written:
            after = sms_fields(written)
        return changed, after

    # -- per number -------------------------------------------------------------

    def wanted_fields(self):
        return handler_fields(self.params, self.flow, self.app, self.account_sid)

    def absent_fields(self, fields):
        return cleared_fields(self.params, fields, self.flow, self.app)

    def handle(self, number):
        """Route one number (an IncomingPhoneNumber dict); returns its result entry."""
        p = self.params
        service = self.service
        entry = proxy_pool.pool_entry(self, service, number["sid"], listed=self.many)
        fields = sms_fields(number)
        changed = False
        proxy_after = kept = None
        if p["handler"] == "proxy_service":
            if p["state"] == "present":
                # Without take_over (and not in check mode) a number another service holds is refused by Twilio,
                # and join_pool names the holders.
                join = functools.partial(proxy_pool.join_pool, self, number, service, entry, p["is_reserved"], p["take_over"])
                step, proxy_after, kept = _messaging.route(self, self.keeper, [], number, service, entry,
                                                           self.keeper and self.keeper.used[0], join)
                changed |= step
            else:
                changed |= proxy_pool.leave_pool(self, number, service, entry)
        elif p["state"] == "present":
            wanted = self.wanted_fields()
            if entry is not None or self.changes(fields, wanted):
                changed |= _messaging.clear_holders(self, number, service["sid"] if service else None, p["take_over"],
                                                    for_proxy=False)
                changed |= proxy_pool.leave_pool(self, number, service, entry)
                step, fields = self.set_fields(number, fields, wanted)
                changed |= step
        else:
            if entry is not None:
                proxy_after = dict(sid=service["sid"], name=service.get("unique_name"), is_reserved=entry.get("is_reserved"))
            wanted = self.absent_fields(fields)
            if wanted:
                step, fields = self.set_fields(number, fields, wanted)
                changed |= step
        result = dict(
            phone_number=number["phone_number"], phone_number_sid=number["sid"], changed=changed,
            handler=normalise_handler(fields, proxy_after, self.flows, self.apps),
        )
        result.update({_messaging.OPTION: kept} if self.keeper else {})
        return result

    # -- entry point ------------------------------------------------------------

    def run(self):
        p = self.params
        self.many = p["phone_numbers"] is not None
        self.flow = self.app = self.flows = self.apps = None
        if p["handler"] == "studio_flow" and p["studio_flow"]:
            self.flow = lookups.studio_flow(self, p["studio_flow"])
            self.flows = lookups.studio_flows(self)
        if p["handler"] == "twiml_app" and p["twiml_app"]:
            self.app = lookups.application(self, p["twiml_app"])
            self.apps = lookups.applications(self)

        def one_number(m):
            if p["phone_number_sid"]:
                return lookups.incoming_number_by_sid(m, p["phone_number_sid"])
            return lookups.incoming_number(m, p["phone_number"])

        load_numbers = lookups.incoming_numbers if p["phone_numbers"] else None
        # The Proxy services and the number(s) at the same time: one round trip instead of two.
        number = _runner.concurrently(self, lookups.proxy_services, load_numbers if self.many else one_number)[1]
        self.service = self.own_service()
        by_e164 = lookups.incoming_numbers_by_e164(self) if p["phone_numbers"] else {}
        # With messaging_service or take_over, every number is checked before the first write.
        numbers = [by_e164[e] for e in p["phone_numbers"] if e in by_e164] if self.many else [number]
        # Twilio's pool limits too (_capacity): every number is checked before the first write.
        self.keeper = _capacity.for_handler(self, numbers, self.service, _messaging.for_handler(self, numbers, self.service))
        if not self.many:
            return _messaging.finish(self.keeper, lambda: self.handle(number))

        def work(e164):
            number = by_e164.get(e164)
            if number is None:
                raise lookups.not_owned(self, e164, entry=e164)
            return self.handle(number)

        def all_numbers():
            # Each result carries its own diffs (``diff``); the module's diff lists every number's, failed ones too.
            results = self.for_each(p["phone_numbers"], work, concurrency=p["concurrency"], key="phone_number",
                                    item_diffs=True)
            return dict(changed=any(r["changed"] for r in results), results=results)
        return _messaging.finish(self.keeper, all_numbers)


def main():
    PhoneNumberHandler().execute()


if __name__ == "__main__":
    main()
