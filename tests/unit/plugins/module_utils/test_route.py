# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The delivery rules of flex_sms_route_info (module_utils/_route.py), one case per rule and per problem code."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.flexops.twilio.plugins.module_utils import _route
from ansible_collections.flexops.twilio.plugins.module_utils._studio import flow_report

AC = "AC" + "a" * 32
N = "+14155550101"
PN = "PN" + "1" * 32
FLEX_KS = dict(sid="KS" + "1" * 32, unique_name="Flex Proxy Service")
OTHER_KS = dict(sid="KS" + "2" * 32, unique_name="Sales Proxy")
MG = dict(sid="MG" + "1" * 32, friendly_name="A2P", use_inbound_webhook_on_number=False, us_app_to_person_registered=True)
FW_OK = "FW" + "1" * 32       # reaches Send to Flex from both trigger events
FW_LEGACY = "FW" + "2" * 32   # only from incomingMessage
FW_GONE = "FW" + "3" * 32     # does not exist
FLEX_IS = "IS" + "f" * 32
WEBHOOK = "https://webhooks.twilio.com/v1/Accounts/%s/Flows/%s" % (AC, FW_OK)


def definition(*events):
    transitions = [dict(event=e, next="Agent") for e in events]
    return dict(initial_state="Trigger", states=[
        dict(name="Trigger", type="trigger", transitions=transitions),
        dict(name="Agent", type="send-to-flex", transitions=[], properties=dict(workflow="WW" + "1" * 32))])


def flow(sid="FO" + "1" * 32, enabled=True, kind="studio", flow_sid=FW_OK, identity=N):
    integration = dict(flow_sid=flow_sid) if kind == "studio" else dict(url="https://example.com/hook")
    return dict(sid=sid, friendly_name="f", channel_type="sms", contact_identity=identity, enabled=enabled,
                integration_type=kind, integration=integration, chat_service_sid="IS" + "c" * 32)


def address(kind="studio", enabled=True, flow_sid=FW_OK, service=None):
    return dict(sid="IG" + "1" * 32, type="sms", address=N, friendly_name="a", auto_creation=dict(
        enabled=enabled, type=kind, studio_flow_sid=flow_sid, conversation_service_sid=service,
        webhook_url="https://example.com/conv" if kind == "webhook" else None))


def facts(number=None, flows=(), pool=None, ms=None, addr=None):
    number = dict(dict(sid=PN, phone_number=N, sms_url="", sms_application_sid=""), **(number or {}))
    defs = {FW_OK: definition("incomingMessage", "incomingConversationMessage"), FW_LEGACY: definition("incomingMessage")}
    flows_of = {}
    for f in flows:
        flows_of.setdefault(f["contact_identity"], []).append(f)
    return dict(
        numbers=[number], by_e164={N: number}, sms_flows=list(flows), flows_of=flows_of,
        studio_names=dict((sid, "flow %s" % sid[-1]) for sid in defs),
        reports=dict((event, dict((sid, flow_report(dict(sid=sid, definition=d), event, brief=True)) for sid, d in defs.items()))
                     for event in ("incomingMessage", "incomingConversationMessage")),
        flex_proxy=FLEX_KS, flex_proxy_name="Flex Proxy Service", flex_service=FLEX_IS,
        proxy_of={PN: pool} if pool else {}, messaging_of={PN: ms} if ms else {},
        address_of={N: addr} if addr else {})


def codes(item):
    return sorted(p["code"] for p in item["problems"])


CASES = [
    # id, facts kwargs, route, reaches_flex, rule, problem codes
    ("1a", dict(ms=MG, pool=FLEX_KS, flows=[flow()]), "messaging_service", False, "1a", ["messaging_service_captures_inbound"]),
    ("1a-conv", dict(ms=MG, addr=address()), "messaging_service", None, "1a", ["messaging_service_conversations_unknown"]),
    ("1b", dict(ms=dict(MG, use_inbound_webhook_on_number=True), pool=FLEX_KS, flows=[flow()]), "flex_legacy", True, "3c", []),
    ("2a", dict(addr=address(), pool=FLEX_KS), "flex_conversations", None, "2a", ["conversations_address_in_flex_proxy"]),
    ("2b", dict(addr=address(enabled=False)), "flex_conversations", False, "2b", ["conversations_auto_creation_disabled"]),
    ("2c-ok", dict(addr=address()), "flex_conversations", True, "2c", []),
    ("2c-flex-service", dict(addr=address(service=FLEX_IS)), "flex_conversations", True, "2c", []),
    ("2c-other-service", dict(addr=address(service="IS" + "9" * 32)), "flex_conversations", False, "2c",
     ["conversations_service_not_flex"]),
    ("2c-wrong-trigger", dict(addr=address(flow_sid=FW_LEGACY)), "flex_conversations", False, "2c", ["studio_flow_unreachable"]),
    ("2c-missing", dict(addr=address(flow_sid=FW_GONE)), "flex_conversations", False, "2c", ["studio_flow_missing"]),
    ("2d", dict(addr=address(kind="webhook")), "flex_conversations", None, "2d", ["webhook_decides"]),
    ("2e", dict(addr=address(kind="default")), "flex_conversations", False, "2e", ["conversations_no_handoff"]),
    ("2-sms-url", dict(addr=address(), number=dict(sms_url="https://example.com/x")), "flex_conversations", True, "2c",
     ["conversations_address_sms_url"]),
    ("2-legacy-too", dict(addr=address(), flows=[flow()]), "flex_conversations", True, "2c", ["legacy_and_conversations_address"]),
    ("3a", dict(pool=FLEX_KS, flows=[flow()], number=dict(sms_application_sid="AP" + "1" * 32)), "flex_legacy", None, "3a",
     ["pool_and_application_order_unknown", "sms_application_shadows"]),
    ("3b", dict(pool=OTHER_KS, flows=[flow()]), "proxy_other", False, "3b", ["number_in_other_proxy_service"]),
    ("3c-none", dict(pool=FLEX_KS), "flex_legacy", False, "3c", ["pooled_without_flex_flow"]),
    ("3c-disabled", dict(pool=FLEX_KS, flows=[flow(enabled=False)]), "flex_legacy", False, "3c", ["flex_flow_disabled"]),
    ("3c-two", dict(pool=FLEX_KS, flows=[flow(), flow(sid="FO" + "2" * 32)]), "flex_legacy", None, "3c", ["flex_flow_duplicate"]),
    ("3c-one-of-two-enabled", dict(pool=FLEX_KS, flows=[flow(), flow(sid="FO" + "2" * 32, enabled=False)]), "flex_legacy", True,
     "3c", ["flex_flow_duplicate"]),
    ("3c-studio", dict(pool=FLEX_KS, flows=[flow(flow_sid=FW_LEGACY)]), "flex_legacy", True, "3c", []),
    ("3c-studio-missing", dict(pool=FLEX_KS, flows=[flow(flow_sid=FW_GONE)]), "flex_legacy", False, "3c", ["studio_flow_missing"]),
    ("3c-task", dict(pool=FLEX_KS, flows=[flow(kind="task")]), "flex_legacy", True, "3c", []),
    ("3c-external", dict(pool=FLEX_KS, flows=[flow(kind="external")]), "flex_legacy", None, "3c", ["webhook_decides"]),
    ("4", dict(number=dict(sms_application_sid="AP" + "1" * 32)), "twiml_app", False, "4", ["not_routed_to_flex"]),
    ("4-shadows", dict(number=dict(sms_application_sid="AP" + "1" * 32), flows=[flow()]), "twiml_app", False, "4",
     ["flex_flow_not_in_proxy_pool", "not_routed_to_flex", "sms_application_shadows"]),
    ("5a", dict(number=dict(sms_url=WEBHOOK)), "studio", None, "5a", ["studio_outside_flex"]),
    ("5b", dict(number=dict(sms_url="https://example.com/hook")), "webhook", False, "5b", ["not_routed_to_flex"]),
    ("6", dict(), "none", False, "6", ["not_routed_to_flex"]),
    ("6-flow-not-pooled", dict(flows=[flow()]), "none", False, "6", ["flex_flow_not_in_proxy_pool", "not_routed_to_flex"]),
]


@pytest.mark.parametrize("kwargs, route, reaches, rule, problems", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rules(kwargs, route, reaches, rule, problems):
    item = _route.route(N, facts(**kwargs))
    assert (item["route"], item["reaches_flex"], item["rule"], codes(item)) == (route, reaches, rule, problems)
    assert item["certain"] is (reaches is not None)
    for p in item["problems"]:
        assert p["msg"] and p["fix"] and p["entry"] == N and "{" not in p["msg"] + p["fix"]


def test_studio_piece_names_the_trigger_event():
    legacy = _route.route(N, facts(pool=FLEX_KS, flows=[flow()]))["studio"]
    conv = _route.route(N, facts(addr=address()))["studio"]
    assert (legacy["trigger_event"], conv["trigger_event"]) == ("incomingMessage", "incomingConversationMessage")
    assert legacy["reaches_send_to_flex"] is True and legacy["widget"] == "Agent"


def test_not_owned_number_and_orphan_flow():
    f = facts(flows=[flow(identity="+15550000001")])
    assert _route.orphan_flow_numbers(f) == ["+15550000001"]
    orphan = _route.route("+15550000001", f)
    stranger = _route.route("+15550000002", f)
    assert (orphan["sid"], orphan["reaches_flex"], codes(orphan)) == (None, False, ["flex_flow_number_not_owned"])
    assert codes(stranger) == ["number_not_owned"]


def test_every_code_is_documented_in_troubleshooting():
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "..", "..", "docs", "troubleshooting.md")) as handle:
        text = handle.read()
    assert [c for c in _route.PROBLEMS if "`%s`" % c not in text] == []


def test_summary_and_report():
    items = [_route.route(N, facts(pool=FLEX_KS, flows=[flow()])), _route.route(N, facts(ms=MG))]
    s = _route.summary(items)
    assert (s["numbers"], s["reaching_flex"], s["not_reaching_flex"], s["unknown"]) == (2, 1, 1, 0)
    assert s["routes"]["messaging_service"] == dict(numbers=1, reaching_flex=0, not_reaching_flex=1, unknown=0)
    line = _route.report_line(items[0])
    assert line.startswith("%s -> Flex Proxy Service (%s) -> FO" % (N, FLEX_KS["sid"]))
    assert line.endswith("Send to Flex: yes (Agent) -> reaches Flex: yes (flex_legacy)")
    assert _route.report_line(items[1]).endswith("PROBLEM: messaging_service_captures_inbound")


class _Stats(object):
    def __init__(self, writes):
        self.writes = writes


class _Module(object):
    def __init__(self, report_routes=True, writes=0):
        self.params = dict(report_routes=report_routes)
        self.stats = _Stats(writes)
        self.check_mode = False


@pytest.mark.parametrize("report_routes, changed, writes, numbers, attached", [
    (True, False, 0, ["+14155550102", N, None, N], True),
    (False, False, 0, [N], False),        # not asked for
    (True, True, 0, [N], False),          # check mode with changes to make: the reads describe the account before
    (True, False, 1, [N], False),         # a write (even one that changed nothing visible): the cached reads are stale
    (True, False, 0, [None], False),      # no number known
])
def test_attach_only_when_nothing_was_written(monkeypatch, report_routes, changed, writes, numbers, attached):
    calls = []
    monkeypatch.setattr(_route, "audit", lambda m, phone_numbers, proxy: calls.append((phone_numbers, proxy)) or "AUDIT")
    result = _route.attach(_Module(report_routes, writes), dict(changed=changed), numbers, None)
    assert ("routes" in result) is attached
    if attached:
        assert result["routes"] == "AUDIT"
        # each number once, sorted; no proxy_service given: the Flex Proxy Service by its default name
        assert calls == [([N, "+14155550102"], "Flex Proxy Service")]
    else:
        assert calls == []


def test_audit_is_what_route_info_returns(monkeypatch):
    monkeypatch.setattr(_route, "gather", lambda m, proxy, numbers: facts(flows=[flow()], pool=FLEX_KS))
    got = _route.audit(_Module(), [N, N], "Flex Proxy Service")
    assert set(got) == {"numbers", "summary", "report", "check_mode"}
    assert [item["phone_number"] for item in got["numbers"]] == [N]
    assert got["numbers"][0]["reaches_flex"] is True
    assert got["summary"]["numbers"] == 1 and got["check_mode"] is False
    assert got["report"] == [_route.report_line(got["numbers"][0])]
