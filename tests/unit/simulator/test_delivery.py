# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inbound-delivery oracle (twiliosim/delivery.py, GET /_sim/deliver): every rule branch."""

import copy
import json
import urllib.error
import urllib.request

import pytest

from twiliosim.delivery import studio_reaches_send_to_flex

AC = "AC" + "a" * 32
N = "+14155550100"
PN = "PN" + "1" * 32
FLEX_SERVICE = "IS" + "f" * 32
CHAT_SERVICE = "IS" + "c" * 32
FLEX_KS = "KS" + "1" * 32
OTHER_KS = "KS" + "2" * 32
MG = "MG" + "1" * 32
IG = "IG" + "1" * 32
FO = "FO" + "1" * 32
FO2 = "FO" + "2" * 32
APP = "AP" + "1" * 32
BOTH_FLOW = "FW" + "b" * 32      # both triggers reach Send to Flex
LEGACY_FLOW = "FW" + "1" * 32    # only incomingMessage does
CONV_FLOW = "FW" + "2" * 32      # only incomingConversationMessage does
NO_FLEX_FLOW = "FW" + "3" * 32   # a Send to Flex widget nothing leads to
MISSING_FLOW = "FW" + "9" * 32

KEYS = {"to", "number_sid", "route", "flex_task", "certain", "rule", "why", "messaging_service", "proxy_service",
        "flex_flow", "conversations_address", "studio_flow", "parallel"}


def _flow(sid, *events):
    transitions = [{"event": e, "next": "ask"} if e in events else {"event": e}
                   for e in ("incomingMessage", "incomingCall", "incomingConversationMessage")]
    return {"sid": sid, "friendly_name": sid[-4:], "definition": {"initial_state": "Trigger", "states": [
        {"name": "Trigger", "type": "trigger", "transitions": transitions},
        {"name": "ask", "type": "split-based-on",
         "transitions": [{"event": "noMatch", "next": "to_flex"}, {"event": "match", "next": "ask"}]},
        {"name": "to_flex", "type": "send-to-flex", "transitions": [{"event": "callComplete"}]},
    ]}}


def seed(number=None, messaging=None, proxy=None, flex_flows=(), address=None, flex_configuration=True):
    """One account with number N, and what the test puts around it."""
    account = {
        "sid": AC, "auth_token": "t",
        "incoming_phone_numbers": [dict({"sid": PN, "phone_number": N}, **(number or {}))],
        "studio_flows": [_flow(BOTH_FLOW, "incomingMessage", "incomingConversationMessage"),
                         _flow(LEGACY_FLOW, "incomingMessage"), _flow(CONV_FLOW, "incomingConversationMessage"),
                         _flow(NO_FLEX_FLOW)],
        "applications": [{"sid": APP, "friendly_name": "app"}],
        "proxy_services": [{"sid": FLEX_KS, "unique_name": "Flex Proxy Service"},
                           {"sid": OTHER_KS, "unique_name": "Sales Proxy"}],
    }
    if flex_configuration:
        account["flex_configuration"] = {"chat_service_instance_sid": CHAT_SERVICE, "flex_service_instance_sid": FLEX_SERVICE}
    if messaging is not None:
        account["messaging_services"] = [dict({"sid": MG, "friendly_name": "mg", "phone_numbers": [PN],
                                               "inbound_request_url": "https://example.com/mg"}, **messaging)]
    if proxy is not None:
        for service in account["proxy_services"]:
            if service["sid"] == proxy:
                service["phone_numbers"] = [PN]
    account["flex_flows"] = [dict({"sid": "FO" + str(i + 1) * 32, "friendly_name": "f%d" % i, "chat_service_sid": CHAT_SERVICE,
                                   "channel_type": "sms", "contact_identity": N, "enabled": True}, **flow)
                             for i, flow in enumerate(flex_flows)]
    if address is not None:
        account["conversations_addresses"] = [dict({"sid": IG, "type": "sms", "address": N}, **copy.deepcopy(address))]
    return {"accounts": [account]}


def studio_address(flow=CONV_FLOW, **auto):
    return {"auto_creation": dict({"enabled": True, "type": "studio", "studio_flow_sid": flow,
                                   "conversation_service_sid": FLEX_SERVICE}, **auto)}


def studio_flex_flow(flow):
    return {"integration_type": "studio", "integration": {"flow_sid": flow, "retry_count": 3}}


# (test id, seed, expected subset of the answer)
CASES = [
    # 0: not the account's number
    ("0-not-owned", seed(), {"to": "+14155550199", "route": "not_owned", "flex_task": False, "rule": "0", "number_sid": None}),
    # 1a: a Messaging Service that does not defer takes the message
    ("1a-captures", seed(messaging={}, proxy=FLEX_KS, flex_flows=[studio_flex_flow(BOTH_FLOW)]),
     {"route": "messaging_service", "flex_task": False, "rule": "1a", "messaging_service": MG, "proxy_service": None}),
    ("1a-with-address", seed(messaging={}, address=studio_address()),
     {"route": "messaging_service", "flex_task": None, "rule": "1a", "conversations_address": IG}),
    # 1b: the service defers: the number's own configuration decides, the service is remembered
    ("1b-defers-to-flex-flow", seed(messaging={"use_inbound_webhook_on_number": True}, proxy=FLEX_KS,
                                    flex_flows=[studio_flex_flow(LEGACY_FLOW)]),
     {"route": "flex_legacy", "flex_task": True, "rule": "3c", "messaging_service": MG, "proxy_service": FLEX_KS,
      "flex_flow": "FO" + "1" * 32, "studio_flow": LEGACY_FLOW}),
    ("1b-defers-to-address", seed(messaging={"use_inbound_webhook_on_number": True, "us_app_to_person_registered": True},
                                  address=studio_address()),
     {"route": "flex_conversations", "flex_task": True, "rule": "2c", "messaging_service": MG}),
    ("1b-defers-to-nothing", seed(messaging={"use_inbound_webhook_on_number": True}),
     {"route": "none", "flex_task": False, "rule": "6", "messaging_service": MG}),
    # 2: Conversations address
    ("2a-address-and-pool", seed(proxy=FLEX_KS, address=studio_address()),
     {"route": "flex_conversations", "flex_task": None, "rule": "2a", "proxy_service": FLEX_KS, "conversations_address": IG}),
    ("2a-address-and-other-pool", seed(proxy=OTHER_KS, address=studio_address()),
     {"route": "flex_conversations", "flex_task": None, "rule": "2a", "proxy_service": OTHER_KS}),
    ("2b-disabled", seed(address=studio_address(enabled=False)),
     {"route": "flex_conversations", "flex_task": False, "rule": "2b"}),
    ("2c-other-service", seed(address=studio_address(conversation_service_sid="IS" + "0" * 32)),
     {"route": "flex_conversations", "flex_task": False, "rule": "2c", "studio_flow": CONV_FLOW}),
    ("2c-no-flex-configuration", seed(address=studio_address(), flex_configuration=False),
     {"route": "flex_conversations", "flex_task": False, "rule": "2c"}),
    ("2c-service-unset", seed(address=studio_address(conversation_service_sid=None)),
     {"route": "flex_conversations", "flex_task": True, "rule": "2c"}),
    ("2c-flow-missing", seed(address=studio_address(MISSING_FLOW)),
     {"route": "flex_conversations", "flex_task": False, "rule": "2c", "studio_flow": MISSING_FLOW}),
    ("2c-reaches", seed(address=studio_address(CONV_FLOW)),
     {"route": "flex_conversations", "flex_task": True, "rule": "2c", "studio_flow": CONV_FLOW, "parallel": []}),
    ("2c-reaches-both", seed(address=studio_address(BOTH_FLOW)), {"flex_task": True, "rule": "2c"}),
    ("2c-legacy-trigger-only", seed(address=studio_address(LEGACY_FLOW)),
     {"route": "flex_conversations", "flex_task": False, "rule": "2c"}),
    ("2c-unreachable-widget", seed(address=studio_address(NO_FLEX_FLOW)), {"flex_task": False, "rule": "2c"}),
    ("2c-parallel-sms-url", seed(number={"sms_url": "https://example.com/also"}, address=studio_address()),
     {"route": "flex_conversations", "flex_task": True, "rule": "2c", "parallel": ["https://example.com/also"]}),
    ("2d-webhook", seed(address={"auto_creation": {"enabled": True, "type": "webhook", "webhook_url": "https://example.com/c"}}),
     {"route": "flex_conversations", "flex_task": None, "rule": "2d", "studio_flow": None}),
    ("2d-webhook-parallel", seed(number={"sms_url": "https://example.com/p"},
                                 address={"auto_creation": {"enabled": True, "type": "webhook", "webhook_url": "https://example.com/c"}}),
     {"flex_task": None, "rule": "2d", "parallel": ["https://example.com/p"]}),
    ("2e-default", seed(address={"auto_creation": {"enabled": True, "type": "default"}}),
     {"route": "flex_conversations", "flex_task": False, "rule": "2e"}),
    # 3: Proxy pool
    ("3a-app-and-flex-pool", seed(number={"sms_application_sid": APP}, proxy=FLEX_KS, flex_flows=[studio_flex_flow(LEGACY_FLOW)]),
     {"route": "flex_legacy", "flex_task": None, "rule": "3a", "proxy_service": FLEX_KS}),
    ("3a-app-and-other-pool", seed(number={"sms_application_sid": APP}, proxy=OTHER_KS),
     {"route": "proxy_other", "flex_task": None, "rule": "3a", "proxy_service": OTHER_KS}),
    ("3b-other-pool", seed(proxy=OTHER_KS, flex_flows=[studio_flex_flow(LEGACY_FLOW)]),
     {"route": "proxy_other", "flex_task": False, "rule": "3b", "proxy_service": OTHER_KS, "flex_flow": None}),
    ("3c-no-flex-flow", seed(proxy=FLEX_KS), {"route": "flex_legacy", "flex_task": False, "rule": "3c"}),
    ("3c-flex-flow-disabled", seed(proxy=FLEX_KS, flex_flows=[dict(studio_flex_flow(LEGACY_FLOW), enabled=False)]),
     {"route": "flex_legacy", "flex_task": False, "rule": "3c", "flex_flow": None}),
    ("3c-flex-flow-other-channel", seed(proxy=FLEX_KS, flex_flows=[dict(studio_flex_flow(LEGACY_FLOW), channel_type="whatsapp")]),
     {"flex_task": False, "rule": "3c"}),
    ("3c-identity-not-exact", seed(proxy=FLEX_KS, flex_flows=[dict(studio_flex_flow(LEGACY_FLOW), contact_identity="14155550100")]),
     {"flex_task": False, "rule": "3c"}),
    ("3c-two-flex-flows", seed(proxy=FLEX_KS, flex_flows=[studio_flex_flow(LEGACY_FLOW), studio_flex_flow(LEGACY_FLOW)]),
     {"route": "flex_legacy", "flex_task": None, "rule": "3c", "flex_flow": None}),
    ("3c-one-enabled-of-two", seed(proxy=FLEX_KS, flex_flows=[
        dict(studio_flex_flow(NO_FLEX_FLOW), enabled=False), studio_flex_flow(LEGACY_FLOW)]),
     {"flex_task": True, "rule": "3c", "flex_flow": FO2}),
    ("3c-studio-reaches", seed(proxy=FLEX_KS, flex_flows=[studio_flex_flow(LEGACY_FLOW)]),
     {"route": "flex_legacy", "flex_task": True, "rule": "3c", "flex_flow": FO, "studio_flow": LEGACY_FLOW}),
    ("3c-studio-conversations-trigger-only", seed(proxy=FLEX_KS, flex_flows=[studio_flex_flow(CONV_FLOW)]),
     {"route": "flex_legacy", "flex_task": False, "rule": "3c", "studio_flow": CONV_FLOW}),
    ("3c-studio-missing", seed(proxy=FLEX_KS, flex_flows=[studio_flex_flow(MISSING_FLOW)]),
     {"route": "flex_legacy", "flex_task": False, "rule": "3c", "studio_flow": MISSING_FLOW}),
    ("3c-task", seed(proxy=FLEX_KS, flex_flows=[{"integration_type": "task", "integration": {"workspace_sid": "WS" + "1" * 32}}]),
     {"route": "flex_legacy", "flex_task": True, "rule": "3c", "flex_flow": FO}),
    ("3c-external", seed(proxy=FLEX_KS, flex_flows=[{"integration_type": "external", "integration": {"url": "https://example.com/x"}}]),
     {"route": "flex_legacy", "flex_task": None, "rule": "3c", "flex_flow": FO}),
    ("3c-no-integration-type", seed(proxy=FLEX_KS, flex_flows=[{}]), {"route": "flex_legacy", "flex_task": None, "rule": "3c"}),
    ("3c-sms-url-ignored", seed(number={"sms_url": "https://example.com/x"}, proxy=FLEX_KS, flex_flows=[studio_flex_flow(LEGACY_FLOW)]),
     {"flex_task": True, "rule": "3c", "parallel": []}),
    # 4, 5, 6: the number's own handler
    ("4-twiml-app", seed(number={"sms_application_sid": APP, "sms_url": "https://example.com/x"}),
     {"route": "twiml_app", "flex_task": False, "rule": "4"}),
    ("5a-studio-webhook", seed(number={"sms_url": "https://webhooks.twilio.com/v1/Accounts/%s/Flows/%s" % (AC, LEGACY_FLOW)}),
     {"route": "studio", "flex_task": None, "rule": "5a", "studio_flow": LEGACY_FLOW}),
    ("5b-webhook", seed(number={"sms_url": "https://example.com/sms"}), {"route": "webhook", "flex_task": False, "rule": "5b"}),
    ("5b-flex-flow-without-pool", seed(number={"sms_url": "https://example.com/sms"}, flex_flows=[studio_flex_flow(LEGACY_FLOW)]),
     {"route": "webhook", "flex_task": False, "rule": "5b", "flex_flow": None}),
    ("6-none", seed(), {"route": "none", "flex_task": False, "rule": "6", "messaging_service": None}),
    ("6-blank-sms-url", seed(number={"sms_url": "  "}), {"route": "none", "flex_task": False, "rule": "6"}),
]


@pytest.mark.parametrize("name, data, expected", CASES, ids=[c[0] for c in CASES])
def test_rule(sim, name, data, expected):
    sim.reset(data)
    to = expected.get("to", N)
    answer = sim.deliver(AC, to)
    assert set(answer) == KEYS
    assert answer["to"] == to
    assert answer["certain"] is (answer["flex_task"] is not None)
    assert answer["why"] and isinstance(answer["why"], str)
    if answer["route"] != "not_owned":
        assert answer["number_sid"] == PN
    for key, value in expected.items():
        assert answer[key] == value, (key, answer)


def test_every_rule_is_covered():
    rules = {c[2]["rule"] for c in CASES}
    assert rules == {"0", "1a", "2a", "2b", "2c", "2d", "2e", "3a", "3b", "3c", "4", "5a", "5b", "6"}


def test_studio_reachability():
    flow = _flow(LEGACY_FLOW, "incomingMessage")["definition"]
    assert studio_reaches_send_to_flex(flow, "incomingMessage") is True  # through a loop (ask -> ask)
    assert studio_reaches_send_to_flex(flow, "incomingConversationMessage") is False
    assert studio_reaches_send_to_flex({}, "incomingMessage") is False
    assert studio_reaches_send_to_flex({"initial_state": "Start", "states": [
        {"name": "Start", "type": "trigger", "transitions": [{"event": "incomingMessage", "next": "gone"}]}]},
        "incomingMessage") is False


def test_default_seed(sim, ids):
    def route(to, account=ids.account):
        answer = sim.deliver(account, to)
        return answer["route"], answer["flex_task"], answer["rule"]

    assert route("+14155550101") == ("flex_legacy", True, "3c")
    assert route("+14155550102") == ("none", False, "6")
    assert route("+16505550104") == ("messaging_service", False, "1a")
    assert route("+16505550105") == ("twiml_app", False, "4")
    assert route("+12125550106") == ("studio", None, "5a")
    assert route("+14155550107") == ("proxy_other", False, "3b")
    assert route("+14155550301", ids.conv_account) == ("flex_conversations", True, "2c")
    assert route("+14155550302", ids.conv_account) == ("messaging_service", False, "1a")
    assert route("+14155550101", ids.conv_account) == ("not_owned", False, "0")


def test_oracle_follows_api_writes(sim, client, ids):
    """The oracle reads the live store: a Messaging Service join and its defer setting change the answer."""
    client.messaging.v1.services(ids.messaging_service).phone_numbers.create(phone_number_sid=ids.flex_number)
    assert sim.deliver(ids.account, "+14155550101")["route"] == "messaging_service"
    client.messaging.v1.services(ids.messaging_service).update(use_inbound_webhook_on_number=True)
    answer = sim.deliver(ids.account, "+14155550101")
    assert (answer["route"], answer["flex_task"], answer["messaging_service"]) == ("flex_legacy", True, ids.messaging_service)
    client.flex_api.v1.flex_flow(ids.sms_flex_flow).update(enabled=False)
    assert sim.deliver(ids.account, "+14155550101")["flex_task"] is False


def _get(sim, query):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(sim.url + "/_sim/deliver" + query, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_endpoint(sim, ids):
    status, body = _get(sim, "?account=%s&to=%%2B14155550101" % ids.account)
    assert status == 200 and set(body) == KEYS
    assert body == sim.deliver(ids.account, "+14155550101")
    assert (body["number_sid"], body["proxy_service"], body["flex_flow"], body["studio_flow"]) == (
        ids.flex_number, ids.flex_proxy, ids.sms_flex_flow, ids.messaging_flow)
    # an unencoded + reads as a space in a query string: accepted all the same
    assert _get(sim, "?account=%s&to=+14155550101" % ids.account)[1] == body
    for query in ("?account=%s" % ids.account, "?account=%s&to=4155550101" % ids.account,
                  "?account=%s&to=%%2Bnope" % ids.account, "?to=%2B14155550101"):
        status, error = _get(sim, query)
        assert status == 400 and "error" in error, query
    status, error = _get(sim, "?account=AC%s&to=%%2B14155550101" % ("0" * 32))
    assert status == 404 and "error" in error
    # the oracle is not an API request: it is not logged
    assert all(entry["path"] != "/_sim/deliver" for entry in sim.log())
