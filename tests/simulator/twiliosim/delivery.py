# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inbound-delivery oracle: where an SMS to a number of an account lands.

The rules are the shared contract of delivery_rules (tests/simulator/README.md,
"Inbound delivery oracle", has the table); they are written here once and
read the store's records only. ``deliver(account, to)`` answers the JSON of
``GET /_sim/deliver``. ``flex_task`` is true, false or None (unknown), and
``certain`` is false exactly when it is None.
"""

import re

from .util import E164_RE

FLEX_PROXY_SERVICE = "Flex Proxy Service"
LEGACY_EVENT = "incomingMessage"
CONVERSATIONS_EVENT = "incomingConversationMessage"
STUDIO_WEBHOOK_RE = re.compile(r"^https://webhooks\.twilio\.com/v1/Accounts/(AC[0-9a-fA-F]{32})/Flows/(FW[0-9a-fA-F]{32})/?$")

ROUTES = ("flex_legacy", "flex_conversations", "studio", "webhook", "twiml_app", "messaging_service", "proxy_other",
          "none", "not_owned")


def studio_reaches_send_to_flex(definition, event):
    """Whether a ``send-to-flex`` widget is reachable from the Trigger's transition with ``event``."""
    states = dict((state.get("name"), state) for state in (definition or {}).get("states") or [])
    trigger = states.get((definition or {}).get("initial_state") or "Trigger")
    if trigger is None:
        return False
    todo = [t.get("next") for t in trigger.get("transitions") or [] if t.get("event") == event and t.get("next")]
    seen = set()
    while todo:
        name = todo.pop()
        if name in seen or name not in states:
            continue
        seen.add(name)
        state = states[name]
        if state.get("type") == "send-to-flex":
            return True
        todo.extend(t.get("next") for t in state.get("transitions") or [] if t.get("next"))
    return False


def _blank(value):
    return value is None or not str(value).strip()


class _Outcome(object):
    def __init__(self, to):
        self.body = {
            "to": to, "number_sid": None, "route": None, "flex_task": None, "certain": False, "rule": None,
            "why": None, "messaging_service": None, "proxy_service": None, "flex_flow": None,
            "conversations_address": None, "studio_flow": None, "parallel": [],
        }

    def set(self, **fields):
        self.body.update(fields)

    def decide(self, rule, route, flex_task, why):
        self.body.update(rule=rule, route=route, flex_task=flex_task, certain=flex_task is not None, why=why)
        return self.body


def _studio(account, out, flow_sid, event, rule, route, where):
    """Decide by a Studio flow: missing -> false; reaches Send to Flex from ``event`` -> true; else false."""
    out.set(studio_flow=flow_sid)
    flow = account.studio_flows.get(flow_sid) if flow_sid else None
    if flow is None:
        return out.decide(rule, route, False, "%s names Studio flow %s, which does not exist: no Flex task" % (where, flow_sid))
    if studio_reaches_send_to_flex(flow["definition"], event):
        return out.decide(rule, route, True, "%s runs Studio flow %s (%s), whose %s trigger reaches Send to Flex"
                          % (where, flow_sid, flow["friendly_name"], event))
    return out.decide(rule, route, False, "%s runs Studio flow %s (%s), whose %s trigger does not reach Send to Flex"
                      % (where, flow_sid, flow["friendly_name"], event))


def _conversations(account, out, number, address):
    """Rule 2: the number has a Conversations address (type sms)."""
    auto = address["auto_creation"]
    where = "Conversations address %s" % address["sid"]
    out.set(conversations_address=address["sid"])
    if not _blank(number["sms_url"]):
        out.set(parallel=[number["sms_url"]])
    pool = account.proxy_service_of(number["sid"])
    if pool is not None:
        out.set(proxy_service=pool["sid"])
        return out.decide("2a", "flex_conversations", None,
                          "%s and Proxy service %s (%s) both claim the number: which one takes the message is unknown"
                          % (where, pool["sid"], pool["unique_name"]))
    if not auto.get("enabled"):
        return out.decide("2b", "flex_conversations", False, "%s has auto-creation disabled: no conversation, no Flex task" % where)
    kind = auto.get("type")
    if kind == "studio":
        flex = account.flex_configuration or {}
        service = auto.get("conversation_service_sid")
        if service and service != flex.get("flex_service_instance_sid"):
            out.set(studio_flow=auto.get("studio_flow_sid"))
            return out.decide("2c", "flex_conversations", False,
                              "%s creates conversations in service %s, not the Flex conversation service %s: no Flex task"
                              % (where, service, flex.get("flex_service_instance_sid")))
        return _studio(account, out, auto.get("studio_flow_sid"), CONVERSATIONS_EVENT, "2c", "flex_conversations", where)
    if kind == "webhook":
        return out.decide("2d", "flex_conversations", None,
                          "%s hands new conversations to webhook %s: the webhook decides" % (where, auto.get("webhook_url")))
    return out.decide("2e", "flex_conversations", False,
                      "%s auto-creates plain conversations (type %s, no Studio, no webhook): no Flex task" % (where, kind or "default"))


def _proxy(account, out, number, pool):
    """Rule 3: the number is in a Proxy service pool."""
    out.set(proxy_service=pool["sid"])
    is_flex = pool["unique_name"] == FLEX_PROXY_SERVICE
    route = "flex_legacy" if is_flex else "proxy_other"
    if not _blank(number["sms_application_sid"]):
        return out.decide("3a", route, None, "the number is in Proxy service %s (%s) and has SMS application %s: which one "
                          "takes the message is unknown" % (pool["sid"], pool["unique_name"], number["sms_application_sid"]))
    if not is_flex:
        return out.decide("3b", route, False, "Proxy service %s (%s) is not the Flex Proxy Service: no Flex task"
                          % (pool["sid"], pool["unique_name"]))
    flows = [flow for flow in account.flex_flows.values()
             if flow["channel_type"] == "sms" and flow["contact_identity"] == number["phone_number"] and flow["enabled"]]
    if not flows:
        return out.decide("3c", route, False, "the number is in the Flex Proxy Service pool but no enabled sms Flex Flow has it: "
                          "no Flex task")
    if len(flows) > 1:
        return out.decide("3c", route, None, "%d enabled sms Flex Flows have the number (%s): which one Twilio uses is unknown"
                          % (len(flows), ", ".join(flow["sid"] for flow in flows)))
    flow = flows[0]
    out.set(flex_flow=flow["sid"])
    where = "Flex Flow %s" % flow["sid"]
    kind = flow["integration_type"]
    if kind == "studio":
        return _studio(account, out, (flow["integration"] or {}).get("flow_sid"), LEGACY_EVENT, "3c", route, where)
    if kind == "task":
        return out.decide("3c", route, True, "%s creates a Flex task directly (integration task)" % where)
    if kind == "external":
        return out.decide("3c", route, None, "%s hands the message to %s (integration external): the webhook decides"
                          % (where, (flow["integration"] or {}).get("url")))
    return out.decide("3c", route, None, "%s has no integration type: what it does is unknown" % where)


def deliver(account, to):
    """Where an SMS to ``to`` (E.164) lands in ``account``: the JSON body of ``GET /_sim/deliver``."""
    if not isinstance(to, str) or not E164_RE.match(to):
        raise ValueError("to must be a phone number in E.164 (+14155550101, URL-encoded %%2B14155550101), got %r" % (to,))
    out = _Outcome(to)
    number = account.number_by_e164(to)
    if number is None:
        return out.decide("0", "not_owned", False, "%s is not an IncomingPhoneNumber of %s: the account gets no message" % (to, account.sid))
    out.set(number_sid=number["sid"])
    address = account.conversations_address_of(to, "sms")
    service = account.messaging_service_of(number["sid"])
    if service is not None:
        out.set(messaging_service=service["sid"])
        if not service["use_inbound_webhook_on_number"]:
            where = "Messaging Service %s (%s) does not defer inbound to the number" % (service["sid"], service["friendly_name"])
            if address is not None:
                out.set(conversations_address=address["sid"])
                return out.decide("1a", "messaging_service", None, "%s; a Messaging Service set up for Conversations is not "
                                  "visible through the API: unknown whether it hands the message to Conversations address %s"
                                  % (where, address["sid"]))
            return out.decide("1a", "messaging_service", False, "%s: its inbound_request_url %s takes the message, no Flex task"
                              % (where, service["inbound_request_url"] or "(none)"))
    if address is not None:
        return _conversations(account, out, number, address)
    pool = account.proxy_service_of(number["sid"])
    if pool is not None:
        return _proxy(account, out, number, pool)
    if not _blank(number["sms_application_sid"]):
        return out.decide("4", "twiml_app", False, "SMS application %s takes the message (a TwiML app is not a Flex route)"
                          % number["sms_application_sid"])
    if not _blank(number["sms_url"]):
        studio = STUDIO_WEBHOOK_RE.match(number["sms_url"].strip())
        if studio:
            out.set(studio_flow=studio.group(2))
            return out.decide("5a", "studio", None, "sms_url is the webhook of Studio flow %s: Send to Flex outside a Flex Flow "
                              "or a Conversations address is unknown" % studio.group(2))
        return out.decide("5b", "webhook", False, "sms_url %s takes the message: no Flex task" % number["sms_url"])
    return out.decide("6", "none", False, "the number has no Messaging Service, Conversations address, Proxy pool, SMS "
                      "application or sms_url: the message goes nowhere")
