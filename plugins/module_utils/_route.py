# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where a number's inbound SMS goes, and whether it reaches Flex (internal to the collection).

Used by flex_sms_route_info (and through it by the role flex_sms_setup). Two parts:

* ``gather(m, ...)``: the account-wide look-ups, a fixed number of listings
  that grows with pages and services, not with numbers (numbers, Flex Flows,
  Proxy services and their pools, Messaging Services and their numbers,
  Conversations addresses), then one fetch per Studio flow in use;
* ``route(number, facts)``: the delivery rules of the shared contract
  (docs/troubleshooting.md, "Where an inbound SMS goes"), pure, no requests.

Every situation that keeps a message from Flex (or makes the outcome unknown)
has a stable problem code in ``PROBLEMS`` with a one-line message and the fix
(the collection option or role variable that repairs it, or the Console step).

Over 450 lines: ``PROBLEMS``, the delivery rules and the look-ups they read are one contract, reviewed together.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.flexops.twilio.plugins.module_utils import _lookups as lookups
from ansible_collections.flexops.twilio.plugins.module_utils import _conversations as conv
from ansible_collections.flexops.twilio.plugins.module_utils import _runner
from ansible_collections.flexops.twilio.plugins.module_utils._client import blank_to_none
from ansible_collections.flexops.twilio.plugins.module_utils._errors import Problem, ValidationError
from ansible_collections.flexops.twilio.plugins.module_utils._flex_flow import e164, is_sms, managed_view
from ansible_collections.flexops.twilio.plugins.module_utils._number_handler import sms_url_kind
from ansible_collections.flexops.twilio.plugins.module_utils._studio import flow_reports, flow_sid_from_webhook_url

ROUTES = ("flex_legacy", "flex_conversations", "studio", "webhook", "twiml_app", "messaging_service",
          "proxy_other", "none")
LEGACY_EVENT = "incomingMessage"
CONVERSATIONS_EVENT = "incomingConversationMessage"

# code -> (message template, fix). Templates use the keys of the number's facts (see _problem).
PROBLEMS = {
    "messaging_service_captures_inbound": (
        "Messaging Service {ms_name} ({ms_sid}) holds the number and does not defer to the number's "
        "webhook: its own inbound handling takes every message",
        "Let the service defer to the number, which keeps it in the service and in A2P 10DLC: "
        "flexops.twilio.flex_sms_address messaging_service: {ms_sid} with messaging_service_defer_inbound: true "
        "(role: flex_sms_setup_messaging_service and flex_sms_setup_messaging_service_defer_inbound: true), or in "
        "the Console, Messaging > Services > {ms_name} > Integration: \"Defer to sender's webhook\". It applies "
        "to every number of the service. take_over: true moves the number out only of a service that is not "
        "registered for A2P 10DLC"),
    "messaging_service_conversations_unknown": (
        "Messaging Service {ms_name} ({ms_sid}) holds the number and does not defer, and the number has a "
        "Conversations address: whether the service hands messages to Conversations is not visible in the API",
        "In the Console, check Messaging > Services > {ms_name} > Integration: \"Autocreate a Conversation\" "
        "with the Flex conversation service as default, or \"Defer to sender's webhook\""),
    "flex_flow_not_in_proxy_pool": (
        "the number has a Flex Flow (legacy SMS address) but is not in the pool of {flex_proxy}",
        "Route it: flexops.twilio.flex_sms_address proxy_service: {flex_proxy} (or "
        "flexops.twilio.phone_number_handler handler: proxy_service); role: list it in flex_sms_setup_numbers"),
    "number_in_other_proxy_service": (
        "the number is in the pool of Proxy service {proxy_name} ({proxy_sid}), not {flex_proxy}",
        "Move it: flexops.twilio.flex_sms_address proxy_service: {flex_proxy} with take_over: true "
        "(role: flex_sms_setup_take_over: true); that service stops receiving its messages"),
    "flex_flow_disabled": (
        "the number's Flex Flow {flow_sids} is disabled",
        "Enable it: flexops.twilio.flex_sms_address enabled: true (role: flex_sms_setup_enabled: true, "
        "or the entry's enabled)"),
    "flex_flow_duplicate": (
        "the number has {flow_count} SMS Flex Flows ({flow_sids}); Twilio uses one of them",
        "Keep one: delete the others with flexops.twilio.flex_sms_address sid: FO... state: absent"),
    "pooled_without_flex_flow": (
        "the number is in the pool of {flex_proxy} but has no SMS Flex Flow: Flex creates no task",
        "Create its SMS address: flexops.twilio.flex_sms_address phone_number: {phone_number} "
        "(role: list it in flex_sms_setup_numbers)"),
    "studio_flow_unreachable": (
        "Studio flow {studio_name} ({studio_sid}): {studio_problem}",
        "In Studio, connect the Trigger's {trigger_event} transition to a Send to Flex widget, or use "
        "another flow ({studio_fix})"),
    "studio_flow_missing": (
        "Studio flow {studio_sid} does not exist in the account",
        "Use an existing flow ({studio_fix})"),
    "sms_application_shadows": (
        "SMS application {sms_application_sid} is set on the number and shadows its other handler "
        "({shadowed})",
        "Clear it: flexops.twilio.phone_number_handler handler: twiml_app state: absent (or route the "
        "number with flexops.twilio.phone_number_handler, which clears the application)"),
    "conversations_address_sms_url": (
        "the number has a Conversations address and its sms_url {sms_url} is not blank: that URL "
        "runs in parallel with the conversation",
        "Blank the number's \"A message comes in\" URL: flexops.twilio.phone_number_handler handler: "
        "webhook state: absent (or studio_flow state: absent for a Studio flow URL)"),
    "conversations_address_in_flex_proxy": (
        "the number has a Conversations address ({address_sid}) and is still in the pool of {flex_proxy}",
        "Take it out of the pool once its Flex Flow is gone: flexops.twilio.phone_number_handler "
        "handler: proxy_service state: absent"),
    "legacy_and_conversations_address": (
        "the number has a legacy SMS address (Flex Flow {flow_sids}) and a Conversations address "
        "({address_sid}) at once",
        "Migrate: delete the Flex Flow (flexops.twilio.flex_sms_address phone_number: {phone_number} "
        "state: absent; role: flex_sms_setup_state: absent), or delete the Conversations address "
        "to stay on legacy SMS"),
    "flex_flow_number_not_owned": (
        "Flex Flow {flow_sids} is for {phone_number}, which the account does not own",
        "Delete it: flexops.twilio.flex_sms_address sid: FO... state: absent, or buy the number again "
        "(flexops.twilio.phone_number)"),
    "number_not_owned": (
        "{phone_number} is not a phone number of the account",
        "Buy it first (flexops.twilio.phone_number; role: flex_sms_setup_buy with a label) or check account_sid"),
    "conversations_auto_creation_disabled": (
        "the number's Conversations address {address_sid} has auto-creation disabled: no conversation, "
        "no Flex task",
        "In the Console (Flex > Manage > Messaging > Conversations addresses), enable auto-creation of "
        "address {address_sid}"),
    "conversations_service_not_flex": (
        "the Conversations address {address_sid} creates conversations in {address_service}, not in the "
        "Flex conversation service {flex_service}",
        "Edit address {address_sid} in the Console: use the Flex conversation service {flex_service}"),
    "conversations_no_handoff": (
        "the Conversations address {address_sid} auto-creates conversations of type default: no Studio "
        "flow or webhook hands them to Flex",
        "Edit address {address_sid} in the Console: integration type Studio with a flow that reaches "
        "Send to Flex from incomingConversationMessage"),
    "webhook_decides": (
        "the message goes to a webhook ({webhook}); whether it creates a Flex task is up to that webhook",
        "Nothing to fix if the webhook creates the task; to be sure, use a Studio flow that reaches "
        "Send to Flex (flexops.twilio.flex_sms_address integration_type: studio)"),
    "studio_outside_flex": (
        "sms_url points straight at Studio flow {studio_name} ({studio_sid}), outside a Flex Flow or a "
        "Conversations address: whether Send to Flex creates a task there is unknown",
        "Give the number an SMS address and route it to {flex_proxy}: flexops.twilio.flex_sms_address "
        "phone_number: {phone_number} studio_flow: {studio_sid} proxy_service: {flex_proxy}"),
    "pool_and_application_order_unknown": (
        "the number is in a Proxy pool and has SMS application {sms_application_sid}: which of them "
        "Twilio uses is unknown",
        "Clear the application: flexops.twilio.phone_number_handler handler: twiml_app state: absent"),
    "not_routed_to_flex": (
        "the number's incoming SMS goes to {destination}, not to Flex",
        "Route it to Flex: flexops.twilio.flex_sms_address phone_number: {phone_number} "
        "proxy_service: {flex_proxy} (role: list it in flex_sms_setup_numbers)"),
}


class _Default(dict):
    def __missing__(self, key):
        return "?"


def problem(code, **facts):
    """The Problem (``_errors.Problem``: code, entry, msg, fix) of ``code`` for one number's facts."""
    msg, fix = PROBLEMS[code]
    values = _Default((k, "none" if v is None else v) for k, v in facts.items())
    return Problem(code, msg.format_map(values), fix=fix.format_map(values), entry=facts.get("phone_number"))


# -- look-ups -------------------------------------------------------------

def conversations_addresses(m):
    """Every Conversations Configuration Address of type sms (paged by 50, the API's maximum; the same cached
    listing as flex_conversations_address's, so a task that read it already sends no request for it)."""
    return list(conv.all_addresses(m).values())


def _load(m, kind, sid):
    if kind == "flow":
        try:
            return lookups.studio_flow_by_sid(m, sid)
        except ValidationError:
            return None  # 404: the flow does not exist
    if kind == "flex":
        try:
            return lookups.flex_configuration(m)
        except ValidationError:
            return {}  # no Flex in the account: no Flex conversation service
    return lookups.service_numbers(m, kind, sid)


def gather(m, proxy_service=lookups.DEFAULT_PROXY_SERVICE, phone_numbers=None):
    """Everything the rules read, in two rounds of look-ups that run at the same time (none per number).

    Round one lists the collections; round two lists each service's pool, fetches the Studio flows in
    use (by the numbers in ``phone_numbers``, default all; a flow that answers 404 does not exist, so
    the Studio flows are not listed) and, only when a Conversations address names a conversation
    service, the Flex Configuration.
    """
    numbers, flows, proxies, messaging, addresses = _runner.concurrently(
        m, lookups.incoming_numbers, lookups.flex_flows, lookups.proxy_services, lookups.messaging_services,
        conversations_addresses)
    facts = dict(
        numbers=numbers, by_e164=dict((n.get("phone_number"), n) for n in numbers),
        sms_flows=[f for f in flows if is_sms(f)],
        flex_proxy=next((s for s in proxies if proxy_service in (s.get("sid"), s.get("unique_name"))), None),
        flex_proxy_name=proxy_service, flex_service=None,
        address_of=dict((a.get("address"), a) for a in addresses if (a.get("type") or "sms") == "sms"),
    )
    wanted = set(phone_numbers) if phone_numbers is not None else None

    def mine(number):
        return wanted is None or number in wanted

    in_use = set([managed_view(f).get("studio_flow") for f in facts["sms_flows"] if mine(f.get("contact_identity"))]
                 + [_auto(a).get("studio_flow_sid") for e, a in facts["address_of"].items() if mine(e)]
                 + [flow_sid_from_webhook_url(n.get("sms_url")) for n in numbers if mine(n.get("phone_number"))])
    todo = [("proxy", s["sid"]) for s in proxies] + [("messaging", s["sid"]) for s in messaging]
    todo += [("flow", sid) for sid in sorted(filter(None, in_use))]
    if any(_auto(a).get("conversation_service_sid") for e, a in facts["address_of"].items() if mine(e)):
        todo.append(("flex", None))
    loaded = dict(zip(todo, _runner.concurrently(m, *[(lambda mm, t=t: _load(mm, *t)) for t in todo])))
    facts["flows_of"] = {}
    for flow in facts["sms_flows"]:  # by contact identity, compared exactly (E.164)
        facts["flows_of"].setdefault(flow.get("contact_identity"), []).append(flow)
    flows = [sid for (kind, sid), v in loaded.items() if kind == "flow" and v is not None]
    facts["studio_names"] = dict((sid, loaded[("flow", sid)].get("friendly_name")) for sid in flows)
    # The flows are read (cached) above: the reports of both trigger events send no request.
    facts["reports"] = dict((event, flow_reports(m, flows, event)) for event in (LEGACY_EVENT, CONVERSATIONS_EVENT))
    facts["flex_service"] = (loaded.get(("flex", None)) or {}).get("flex_service_instance_sid")
    facts["proxy_of"] = dict((n.get("sid"), s) for s in proxies for n in loaded[("proxy", s["sid"])])
    facts["messaging_of"] = dict((n.get("sid"), s) for s in messaging for n in loaded[("messaging", s["sid"])])
    return facts


def sms_numbers(facts):
    """The E.164 of every SMS-capable number of the account, sorted."""
    return sorted(n["phone_number"] for n in facts["numbers"]
                  if (n.get("capabilities") or {}).get("sms", True) is not False and n.get("phone_number"))


def orphan_flow_numbers(facts):
    """Contact identities of SMS Flex Flows whose number the account does not own."""
    return sorted(set(e164(f.get("contact_identity")) for f in facts["sms_flows"] if f.get("contact_identity")
                      and e164(f.get("contact_identity")) not in facts["by_e164"]))


# -- the rules ------------------------------------------------------------

def _auto(address):
    """The address's auto_creation object with snake_case keys (camelCase accepted in case the API sends it)."""
    auto = (address or {}).get("auto_creation") or {}
    if not isinstance(auto, dict):
        return {}
    return dict((re.sub(r"([A-Z])", lambda c: "_" + c.group(1).lower(), k), v) for k, v in auto.items())


def _studio(facts, sid, event):
    """The Studio piece for flow ``sid`` entered through ``event``: exists, reaches, widget, problem."""
    report = facts["reports"][event].get(sid)
    out = dict(flow_sid=sid, flow_name=facts["studio_names"].get(sid), trigger_event=event,
               exists=isinstance(report, dict), reaches_send_to_flex=None, widget=None, path=[], problem=None)
    if not out["exists"]:
        out["problem"] = "the flow does not exist" if sid else "no Studio flow is set"
        return out
    reach = report["send_to_flex"]
    out.update(reaches_send_to_flex=reach["reachable"], widget=reach["widget"], path=reach["path"],
               problem=reach["problem"])
    return out


def _flow_view(flow):
    view = managed_view(flow)
    return dict(sid=flow.get("sid"), friendly_name=flow.get("friendly_name"), enabled=bool(flow.get("enabled")),
                integration_type=view["integration_type"], studio_flow_sid=view.get("studio_flow"),
                webhook_url=view.get("webhook_url"), chat_service_sid=flow.get("chat_service_sid"))


class _Number(object):
    """One number's pieces and the outcome being built."""

    def __init__(self, phone_number, number, facts):
        self.facts = facts
        self.n = number or {}
        self.e164 = phone_number
        self.flows = facts["flows_of"].get(phone_number, [])
        self.enabled = [f for f in self.flows if f.get("enabled")]
        sid = self.n.get("sid")
        self.ms = facts["messaging_of"].get(sid) if sid else None
        self.pool = facts["proxy_of"].get(sid) if sid else None
        self.address = facts["address_of"].get(phone_number) if number else None
        self.app = blank_to_none(self.n.get("sms_application_sid"))
        self.url = blank_to_none(self.n.get("sms_url"))
        self.studio = None
        self.problems = []
        flex = facts["flex_proxy"]
        self.in_flex_pool = bool(self.pool and flex and self.pool["sid"] == flex["sid"])
        self.values = dict(
            phone_number=phone_number, flex_proxy=flex_name(facts), flow_count=len(self.flows),
            flow_sids=", ".join(f.get("sid") for f in self.flows) or "none",
            ms_sid=(self.ms or {}).get("sid"), ms_name=(self.ms or {}).get("friendly_name"),
            proxy_sid=(self.pool or {}).get("sid"), proxy_name=(self.pool or {}).get("unique_name"),
            address_sid=(self.address or {}).get("sid"), sms_application_sid=self.app, sms_url=self.url,
            flex_service=facts.get("flex_service"), address_service=_auto(self.address).get("conversation_service_sid"),
        )

    def add(self, code, **extra):
        if all(p["code"] != code for p in self.problems):
            values = dict(self.values)
            values.update(extra)
            self.problems.append(problem(code, **values))

    def use_studio(self, sid, event, fix):
        self.studio = _studio(self.facts, sid, event)
        values = dict(studio_sid=sid, studio_name=self.studio["flow_name"], trigger_event=event,
                      studio_problem=self.studio["problem"], studio_fix=fix)
        if not self.studio["exists"]:
            self.add("studio_flow_missing", **values)
            return False
        if not self.studio["reaches_send_to_flex"]:
            self.add("studio_flow_unreachable", **values)
        return self.studio["reaches_send_to_flex"]


def flex_name(facts):
    flex = facts["flex_proxy"]
    return "%s (%s)" % (flex.get("unique_name"), flex["sid"]) if flex else facts["flex_proxy_name"]


def _decide(x):
    """(route, reaches_flex, rule, why) for one number, first matching rule wins (see the module docs)."""
    if x.ms is not None and not x.ms.get("use_inbound_webhook_on_number"):
        if x.address:
            x.add("messaging_service_conversations_unknown")
            return "messaging_service", None, "1a", "a Messaging Service that does not defer holds the number and " \
                "it has a Conversations address: the API does not show whether the service hands it to Conversations"
        x.add("messaging_service_captures_inbound")
        return "messaging_service", False, "1a", "Messaging Service %s does not defer: its inbound handling " \
            "takes the message" % x.ms.get("sid")
    if x.address:
        return _conversations(x)
    if x.pool is not None:
        return _pooled(x)
    if x.app:
        x.add("not_routed_to_flex", destination="TwiML app %s" % x.app)
        return "twiml_app", False, "4", "SMS application %s takes the message (a TwiML app is not a Flex route)" % x.app
    if x.url:
        flow_sid = flow_sid_from_webhook_url(x.url)
        if flow_sid:
            x.use_studio(flow_sid, LEGACY_EVENT, "flexops.twilio.phone_number_handler handler: studio_flow")
            x.add("studio_outside_flex", studio_sid=flow_sid, studio_name=x.facts["studio_names"].get(flow_sid))
            return "studio", None, "5a", "sms_url runs Studio flow %s outside a Flex Flow or a Conversations " \
                "address: unknown whether Send to Flex creates a task" % flow_sid
        x.add("not_routed_to_flex", destination="webhook %s" % x.url)
        return "webhook", False, "5b", "sms_url %s takes the message" % x.url
    x.add("not_routed_to_flex", destination="nothing (no handler is set)")
    return "none", False, "6", "no Messaging Service, Proxy pool, Conversations address, SMS application or sms_url"


def _conversations(x):
    auto, sid = _auto(x.address), x.address.get("sid")
    fix = "edit Conversations address %s in the Console" % sid
    if x.pool is not None:
        return "flex_conversations", None, "2a", "a Conversations address and a Proxy pool (%s): which of them " \
            "Twilio uses is unknown" % x.pool["sid"]
    if not auto.get("enabled"):
        x.add("conversations_auto_creation_disabled")
        return "flex_conversations", False, "2b", "Conversations address %s has auto-creation disabled" % sid
    kind = auto.get("type")
    if kind == "studio":
        service = blank_to_none(auto.get("conversation_service_sid"))
        if service and service != x.facts.get("flex_service"):
            x.add("conversations_service_not_flex")
            return "flex_conversations", False, "2c", "address %s creates conversations in %s, not the Flex " \
                "conversation service" % (sid, service)
        reach = x.use_studio(blank_to_none(auto.get("studio_flow_sid")), CONVERSATIONS_EVENT, fix)
        return "flex_conversations", bool(reach), "2c", "address %s runs Studio flow %s, %s" % (
            sid, auto.get("studio_flow_sid"), "which reaches Send to Flex from incomingConversationMessage" if reach
            else (x.studio["problem"] or "which does not reach Send to Flex"))
    if kind == "webhook":
        x.add("webhook_decides", webhook=auto.get("webhook_url"))
        return "flex_conversations", None, "2d", "address %s calls webhook %s, which decides" % (sid, auto.get("webhook_url"))
    if kind == "default":
        x.add("conversations_no_handoff")
        return "flex_conversations", False, "2e", "address %s auto-creates conversations with no Studio flow " \
            "or webhook: no Flex task" % sid
    return "flex_conversations", None, "2", "address %s has auto-creation type %r, unknown here" % (sid, kind)


def _pooled(x):
    flex = x.in_flex_pool
    route = "flex_legacy" if flex else "proxy_other"
    if x.app:
        x.add("pool_and_application_order_unknown")
        return route, None, "3a", "in Proxy service %s and SMS application %s set: which Twilio uses is unknown" % (
            x.pool["sid"], x.app)
    if not flex:
        return route, False, "3b", "Proxy service %s (%s) takes the message, not the Flex Proxy Service" % (
            x.pool["sid"], x.pool.get("unique_name"))
    if not x.enabled:
        if not x.flows:
            x.add("pooled_without_flex_flow")
        return route, False, "3c", "in the Flex Proxy Service, but no enabled SMS Flex Flow for the number"
    if len(x.enabled) > 1:
        return route, None, "3c", "%d enabled SMS Flex Flows for the number: which one Twilio uses is unknown" % len(
            x.enabled)
    view = _flow_view(x.enabled[0])
    kind = view["integration_type"]
    if kind == "studio":
        fix = "flexops.twilio.flex_sms_address studio_flow; role: flex_sms_setup_studio_flow"
        reach = x.use_studio(view["studio_flow_sid"], LEGACY_EVENT, fix)
        return route, bool(reach), "3c", "Flex Flow %s runs Studio flow %s, %s" % (
            view["sid"], view["studio_flow_sid"], "which reaches Send to Flex from incomingMessage" if reach
            else (x.studio["problem"] or "which does not reach Send to Flex"))
    if kind == "task":
        return route, True, "3c", "Flex Flow %s creates a task directly" % view["sid"]
    x.add("webhook_decides", webhook=view.get("webhook_url"))
    return route, None, "3c", "Flex Flow %s calls webhook %s, which decides" % (view["sid"], view.get("webhook_url"))


def _situations(x):
    """Problems that hold whatever the rule decided (the issue's list)."""
    if x.pool is not None and not x.in_flex_pool:
        x.add("number_in_other_proxy_service")
    if x.flows and not x.enabled:
        x.add("flex_flow_disabled")
    if len(x.flows) > 1:
        x.add("flex_flow_duplicate")
    if x.address:
        if x.url:
            x.add("conversations_address_sms_url")
        if x.in_flex_pool:
            x.add("conversations_address_in_flex_proxy")
        if x.flows:
            x.add("legacy_and_conversations_address")
    elif x.flows and x.pool is None:
        x.add("flex_flow_not_in_proxy_pool")
    if x.app and (x.pool is not None or x.url or x.flows):
        x.add("sms_application_shadows", shadowed=", ".join(filter(None, (
            "Proxy pool %s" % x.pool["sid"] if x.pool else None, "sms_url" if x.url else None,
            "Flex Flow" if x.flows else None))))


def route(phone_number, facts):
    """The outcome for one number (E.164): its pieces, route, reaches_flex, rule, why and problems."""
    number = facts["by_e164"].get(phone_number)
    x = _Number(phone_number, number, facts)
    if number is None:
        if x.flows:
            x.add("flex_flow_number_not_owned")
        else:
            x.add("number_not_owned")
        decided = ("none", False, "0", "%s is not a phone number of the account" % phone_number)
    else:
        decided = _decide(x)
        _situations(x)
    name, reaches, rule, why = decided
    ms = x.ms
    return dict(
        phone_number=phone_number, sid=x.n.get("sid"), route=name, reaches_flex=reaches, certain=reaches is not None,
        rule=rule, why=why,
        messaging_service=None if ms is None else dict(
            sid=ms.get("sid"), friendly_name=ms.get("friendly_name"),
            use_inbound_webhook_on_number=bool(ms.get("use_inbound_webhook_on_number")),
            us_app_to_person_registered=bool(ms.get("us_app_to_person_registered"))),
        proxy_service=None if x.pool is None else dict(
            sid=x.pool["sid"], unique_name=x.pool.get("unique_name"), is_flex_proxy_service=x.in_flex_pool),
        handler=dict(sms_application_sid=x.app, sms_url=x.url, sms_url_kind=sms_url_kind(x.url)),
        flex_flows=[_flow_view(f) for f in x.flows],
        conversations_address=None if not x.address else dict(
            sid=x.address.get("sid"), friendly_name=x.address.get("friendly_name"), auto_creation=_auto(x.address)),
        studio=x.studio, problems=x.problems,
    )


# -- summary and report ---------------------------------------------------

def _yes(value):
    return "unknown" if value is None else ("yes" if value else "NO")


def summary(items):
    out = dict(numbers=len(items), reaching_flex=0, not_reaching_flex=0, unknown=0, routes={})
    for item in items:
        key = "unknown" if item["reaches_flex"] is None else ("reaching_flex" if item["reaches_flex"] else "not_reaching_flex")
        out[key] += 1
        per = out["routes"].setdefault(item["route"], dict(numbers=0, reaching_flex=0, not_reaching_flex=0, unknown=0))
        per["numbers"] += 1
        per[key] += 1
    return out


def report_line(item):
    """One readable line per number, in the form of the role's summary lines."""
    chain = []
    ms, address, pool, handler = item["messaging_service"], item["conversations_address"], item["proxy_service"], item["handler"]
    if ms:
        chain.append("Messaging Service %s (%s, %s)" % (
            ms["friendly_name"], ms["sid"], "defers" if ms["use_inbound_webhook_on_number"] else "does not defer"))
    if address:
        chain.append("Conversations address %s (%s)" % (address["sid"], address["auto_creation"].get("type")))
    if pool:
        chain.append("%s (%s)" % (pool["unique_name"], pool["sid"]))
    enabled = [f for f in item["flex_flows"] if f["enabled"]]
    chain.extend(f["sid"] + ("" if f["enabled"] else " (disabled)") for f in item["flex_flows"])
    if handler["sms_application_sid"]:
        chain.append("TwiML app %s" % handler["sms_application_sid"])
    elif handler["sms_url"] and not pool:
        chain.append("sms_url %s" % handler["sms_url"])
    studio = item["studio"]
    if studio:
        chain.append("studio flow %s (%s) -> Send to Flex: %s" % (
            studio["flow_name"] or "missing", studio["flow_sid"],
            "yes (%s)" % studio["widget"] if studio.get("widget") else "NO"))
    elif len(enabled) == 1 and enabled[0]["integration_type"] in ("task", "webhook"):
        chain.append("task" if enabled[0]["integration_type"] == "task" else "webhook %s" % enabled[0]["webhook_url"])
    line = "%s -> %s -> reaches Flex: %s (%s)" % (
        item["phone_number"], " -> ".join(chain) or "no handler", _yes(item["reaches_flex"]), item["route"])
    if item["problems"]:
        line += " PROBLEM: " + ", ".join(p["code"] for p in item["problems"])
    return line


# -- the audit, for flex_sms_route_info and for the set-up modules' report_routes --------

def audit(m, phone_numbers=None, proxy_service=lookups.DEFAULT_PROXY_SERVICE):
    """Where each number's incoming SMS goes (default: every SMS number of the account and every SMS Flex
    Flow's number): flex_sms_route_info's result without ``changed``."""
    facts = gather(m, proxy_service, phone_numbers)
    if phone_numbers is None:
        phone_numbers = sms_numbers(facts) + orphan_flow_numbers(facts)
    items = [route(number, facts) for number in sorted(set(phone_numbers))]
    return dict(numbers=items, summary=summary(items), report=[report_line(item) for item in items],
                check_mode=m.check_mode)


def attach(m, result, phone_numbers, proxy_service=None):
    """With ``report_routes``, when the task changed nothing and sent no write: ``result["routes"]``, the audit
    of ``phone_numbers`` (as flex_sms_route_info returns it). The look-ups the task made are cached, so it costs
    only what the task did not read (the pools, the Messaging Services, the flows in use). After a write the
    cached reads are stale: no ``routes`` then (the caller runs flex_sms_route_info). Returns ``result``."""
    numbers = sorted(set(n for n in phone_numbers if n))
    if m.params.get("report_routes") and numbers and not result.get("changed") and not m.stats.writes:
        result["routes"] = audit(m, numbers, proxy_service or lookups.DEFAULT_PROXY_SERVICE)
    return result
