# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""flex_sms_route_info against the simulator's delivery oracle over a generated matrix of configurations.

Each seed holds MATRIX_NUMBERS numbers, each with its own drawn configuration
(Messaging Service membership and deferral, Proxy pool Flex/other/none, SMS
application, sms_url kind, 0-2 SMS Flex Flows enabled or not with
studio/task/external integrations, Studio flows that reach Send to Flex from
one trigger event, both or neither, or do not exist, Conversations addresses of
every auto-creation type). The module runs in-process (one run per seed)
against the simulator; for every number ``GET /_sim/deliver`` says what Twilio
would do. Where the oracle is certain, the module's reaches_flex must equal
its flex_task; where the oracle is null, the module's must be null too; the
route names and the deciding rule must agree.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import random
import urllib.parse
import urllib.request

from ansible_collections.flexops.twilio.plugins.modules import flex_sms_route_info

from .module_runner import run_main

SEEDS = 10
MATRIX_NUMBERS = 24  # 240 configurations
AC = "AC" + "e" * 32
TOKEN = "matrix-token"
FLEX_IS = "IS" + "f" * 32
OTHER_IS = "IS" + "9" * 32
CHAT_IS = "IS" + "c" * 32
FLEX_KS = "KS" + "1" * 32
OTHER_KS = "KS" + "2" * 32
MG_DEFER = "MG" + "1" * 32
MG_TAKE = "MG" + "2" * 32
AP = "AP" + "1" * 32
FLOWS = dict(both="FW" + "1" * 32, legacy="FW" + "2" * 32, conv="FW" + "3" * 32, neither="FW" + "4" * 32,
             missing="FW" + "5" * 32)


def _sid(prefix, seed, index, extra=0):
    return "%s%08x%08x%016x" % (prefix, seed, index, extra)


def _definition(events):
    transitions = [dict(event=e, next="Agent") if e in events else dict(event=e)
                   for e in ("incomingMessage", "incomingCall", "incomingConversationMessage", "incomingRequest")]
    return dict(description="matrix", initial_state="Trigger", flags=dict(allow_concurrent_calls=True), states=[
        dict(name="Trigger", type="trigger", transitions=transitions, properties=dict(offset=dict(x=0, y=0))),
        dict(name="Agent", type="send-to-flex", transitions=[dict(event="callComplete")],
             properties=dict(offset=dict(x=0, y=200), workflow="WW" + "1" * 32, channel="TC" + "1" * 32,
                             attributes="{}")),
    ])


def _flex_flow(sid, number, rng):
    kind = rng.choice(("studio", "studio", "task", "external"))
    integration = dict(flow_sid=FLOWS[rng.choice(("both", "legacy", "conv", "neither", "missing"))], retry_count=3)
    if kind == "task":
        integration = dict(workspace_sid="WS" + "1" * 32, workflow_sid="WW" + "1" * 32, channel="sms")
    elif kind == "external":
        integration = dict(url="https://example.com/flex-hook", retry_count=3)
    return dict(sid=sid, friendly_name="Flex SMS %s" % number, chat_service_sid=CHAT_IS, channel_type="sms",
                contact_identity=number, enabled=rng.random() < 0.75, integration_type=kind, integration=integration,
                long_lived=False, janitor_enabled=False)


def _address(sid, number, rng):
    kind = rng.choice(("studio", "studio", "webhook", "default"))
    auto = dict(enabled=rng.random() < 0.85, type=kind)
    if kind == "studio":
        auto["studio_flow_sid"] = FLOWS[rng.choice(("both", "legacy", "conv", "neither", "missing"))]
        auto["conversation_service_sid"] = rng.choice((FLEX_IS, FLEX_IS, OTHER_IS, None))
    elif kind == "webhook":
        auto.update(webhook_url="https://example.com/conversations", webhook_method="POST")
    else:
        auto["conversation_service_sid"] = FLEX_IS
    auto = dict((k, v) for k, v in auto.items() if v is not None)
    return dict(sid=sid, type="sms", address=number, friendly_name="Address %s" % number, auto_creation=auto)


def matrix_seed(seed):
    """One account with MATRIX_NUMBERS numbers, each configured at random (reproducibly, by ``seed``)."""
    rng = random.Random(seed)
    numbers, flex_flows, addresses = [], [], []
    pools = {FLEX_KS: [], OTHER_KS: []}
    members = {MG_DEFER: [], MG_TAKE: []}
    for index in range(MATRIX_NUMBERS):
        e164 = "+1555%03d%04d" % (seed, index)
        pn = _sid("PN", seed, index)
        number = dict(sid=pn, phone_number=e164, friendly_name="Matrix %d" % index,
                      capabilities=dict(sms=True, mms=True, voice=True))
        if rng.random() < 0.2:
            number["sms_application_sid"] = AP
        url = rng.choice((None, None, "studio", "proxy", "other"))
        if url == "studio":
            number["sms_url"] = "https://webhooks.twilio.com/v1/Accounts/%s/Flows/%s" % (
                AC, FLOWS[rng.choice(("both", "legacy", "neither", "missing"))])
        elif url == "proxy":
            number["sms_url"] = "https://webhooks.twilio.com/v1/Accounts/%s/Proxy/%s/Webhooks/Message" % (AC, FLEX_KS)
        elif url == "other":
            number["sms_url"] = "https://example.com/sms"
        numbers.append(number)
        service = rng.choice((None, None, MG_DEFER, MG_DEFER, MG_TAKE))
        if service:
            members[service].append(pn)
        pool = rng.choice((None, FLEX_KS, FLEX_KS, FLEX_KS, OTHER_KS))
        if pool:
            pools[pool].append(dict(sid=pn, is_reserved=False))
        for extra in range(rng.choice((0, 1, 1, 1, 2))):
            flex_flows.append(_flex_flow(_sid("FO", seed, index, extra), e164, rng))
        if rng.random() < 0.3:
            addresses.append(_address(_sid("IG", seed, index), e164, rng))
    studio = [dict(sid=FLOWS[name], friendly_name="Flow %s" % name, status="published", definition=_definition(events))
              for name, events in (("both", ("incomingMessage", "incomingConversationMessage")),
                                   ("legacy", ("incomingMessage",)), ("conv", ("incomingConversationMessage",)),
                                   ("neither", ()))]
    return dict(accounts=[dict(
        sid=AC, auth_token=TOKEN, friendly_name="Matrix %d" % seed,
        flex_configuration=dict(chat_service_instance_sid=CHAT_IS, flex_service_instance_sid=FLEX_IS,
                                taskrouter_workspace_sid="WS" + "1" * 32, taskrouter_target_workflow_sid="WW" + "1" * 32),
        applications=[dict(sid=AP, friendly_name="TwiML app", sms_url="https://example.com/twiml")],
        incoming_phone_numbers=numbers,
        messaging_services=[
            dict(sid=MG_DEFER, friendly_name="A2P deferring", use_inbound_webhook_on_number=True,
                 us_app_to_person_registered=True, phone_numbers=members[MG_DEFER]),
            dict(sid=MG_TAKE, friendly_name="A2P taking", use_inbound_webhook_on_number=False,
                 us_app_to_person_registered=True, inbound_request_url="https://example.com/inbound",
                 phone_numbers=members[MG_TAKE])],
        proxy_services=[dict(sid=FLEX_KS, unique_name="Flex Proxy Service", chat_instance_sid=CHAT_IS,
                             phone_numbers=pools[FLEX_KS]),
                        dict(sid=OTHER_KS, unique_name="Sales Proxy", phone_numbers=pools[OTHER_KS])],
        studio_flows=studio, flex_flows=flex_flows, conversations_addresses=addresses,
    )])


def oracle(sim, number):
    query = urllib.parse.urlencode(dict(account=AC, to=number))
    with urllib.request.urlopen("%s/_sim/deliver?%s" % (sim.url, query), timeout=10) as answer:
        return json.loads(answer.read().decode("utf-8"))


def test_module_agrees_with_the_delivery_oracle(sim, capsys):
    disagreements, rules, certain, compared = [], set(), 0, 0
    for seed in range(SEEDS):
        sim.reset(matrix_seed(seed))
        code, result = run_main(flex_sms_route_info, capsys, account_sid=AC, auth_token=TOKEN)
        assert code == 0, result.get("msg")
        assert result["api_stats"]["writes"] == 0
        items = dict((i["phone_number"], i) for i in result["numbers"])
        assert len(items) == MATRIX_NUMBERS
        for number, item in sorted(items.items()):
            truth = oracle(sim, number)
            compared += 1
            rules.add(truth["rule"])
            certain += bool(truth["certain"])
            mismatch = item["route"] != truth["route"] or item["rule"] != truth["rule"] or (
                item["reaches_flex"] != truth["flex_task"] if truth["certain"] else item["reaches_flex"] is not None)
            if mismatch:
                disagreements.append("seed %d %s: module %s/%s rule %s (%s); oracle %s/%s rule %s (%s)" % (
                    seed, number, item["route"], item["reaches_flex"], item["rule"], item["why"],
                    truth["route"], truth["flex_task"], truth["rule"], truth["why"]))
    assert compared >= 200
    assert disagreements == []
    # The matrix really covers the rules (and mostly certain outcomes), not a few easy cases.
    assert len(rules) >= 10, sorted(rules)
    assert certain >= compared // 2
