# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.module_utils._studio import (
    flow_sid_from_webhook_url,
    send_to_flex_reachability,
)

WW = "WW" + "1" * 32
WW2 = "WW" + "2" * 32
TC = "TC" + "1" * 32


def trigger(message=None, call=None, conversation=None):
    transitions = [{"event": "incomingMessage"}, {"event": "incomingCall"}, {"event": "incomingConversationMessage"},
                   {"event": "incomingRequest"}]
    for t, nxt in zip(transitions[:3], (message, call, conversation)):
        if nxt:
            t["next"] = nxt
    return {"name": "Trigger", "type": "trigger", "transitions": transitions, "properties": {}}


def flex(name, workflow=WW, nxt=None):
    transitions = [{"event": "callComplete"}, {"event": "failedToEnqueue"}, {"event": "callFailure"}]
    if nxt:
        transitions[1]["next"] = nxt
    return {"name": name, "type": "send-to-flex", "transitions": transitions,
            "properties": {"workflow": workflow, "channel": TC, "attributes": '{"name": "{{trigger.message.From}}"}'}}


def widget(name, *nexts, **kw):
    return {"name": name, "type": kw.get("type", "split-based-on"),
            "transitions": [{"event": "match%d" % i, "next": n} for i, n in enumerate(nexts)] + [{"event": "noMatch"}],
            "properties": {}}


def definition(*states):
    return {"description": "test", "initial_state": "Trigger", "states": list(states), "flags": {}}


def test_direct_send_to_flex_is_reachable():
    r = send_to_flex_reachability(definition(trigger(message="SendToAgent"), flex("SendToAgent")))
    assert r["reachable"] is True
    assert r["widget"] == "SendToAgent"
    assert r["workflow_sid"] == WW
    assert r["channel_sid"] == TC
    assert r["attributes"] == '{"name": "{{trigger.message.From}}"}'
    assert r["path"] == ["Trigger", "SendToAgent"]
    assert r["present_but_unreachable"] == []
    assert r["missing_states"] == []
    assert r["problem"] is None


def test_path_through_other_widgets_uses_every_transition_event():
    r = send_to_flex_reachability(definition(
        trigger(message="Split"),
        widget("Split", "Greeting", "Hours"),
        widget("Greeting", type="send-message"),
        widget("Hours", "Agent"),
        flex("Agent"),
    ))
    assert r["reachable"] is True
    assert r["path"] == ["Trigger", "Split", "Hours", "Agent"]


def test_cycle_without_send_to_flex_terminates_and_is_unreachable():
    r = send_to_flex_reachability(definition(
        trigger(message="A"), widget("A", "B"), widget("B", "A", "C"), widget("C", "A"),
    ))
    assert r["reachable"] is False
    assert r["widgets"] == []
    assert r["problem"] == "the flow has no Send to Flex widget"


def test_cycle_with_send_to_flex_behind_it():
    r = send_to_flex_reachability(definition(
        trigger(message="A"), widget("A", "B"), widget("B", "A", "Agent"), flex("Agent", nxt="A"),
    ))
    assert r["reachable"] is True
    assert r["path"] == ["Trigger", "A", "B", "Agent"]


def test_missing_states_are_reported_and_do_not_stop_the_search():
    r = send_to_flex_reachability(definition(
        trigger(message="Split"), widget("Split", "Deleted", "Agent"), flex("Agent"),
    ))
    assert r["reachable"] is True
    assert r["missing_states"] == ["Deleted"]


def test_trigger_pointing_at_a_missing_state():
    r = send_to_flex_reachability(definition(trigger(message="Gone"), flex("Agent")))
    assert r["reachable"] is False
    assert r["missing_states"] == ["Gone"]
    assert [w["widget"] for w in r["present_but_unreachable"]] == ["Agent"]
    assert "no Send to Flex widget is reachable" in r["problem"]


def test_several_widgets_nearest_first_and_unreachable_ones_listed():
    r = send_to_flex_reachability(definition(
        trigger(message="Split", call="VoiceAgent"),
        widget("Split", "Long1", "Near"),
        widget("Long1", "Far"),
        flex("Near", workflow=WW),
        flex("Far", workflow=WW2),
        flex("VoiceAgent"),
        flex("Orphan"),
    ))
    assert r["reachable"] is True
    assert r["widget"] == "Near"
    assert [(w["widget"], w["workflow_sid"], w["path"]) for w in r["widgets"]] == [
        ("Near", WW, ["Trigger", "Split", "Near"]),
        ("Far", WW2, ["Trigger", "Split", "Long1", "Far"]),
    ]
    # Reachable only through incomingCall, and not at all: both unreachable for SMS.
    assert sorted(w["widget"] for w in r["present_but_unreachable"]) == ["Orphan", "VoiceAgent"]


def test_other_trigger_events_are_not_followed():
    d = definition(trigger(call="VoiceAgent"), flex("VoiceAgent"))
    sms = send_to_flex_reachability(d)
    assert sms["reachable"] is False
    assert sms["problem"] == "the Trigger's incomingMessage transition leads nowhere"
    assert [w["widget"] for w in sms["present_but_unreachable"]] == ["VoiceAgent"]
    voice = send_to_flex_reachability(d, event="incomingCall")
    assert voice["reachable"] is True
    assert voice["trigger_event"] == "incomingCall"


def test_a_path_back_into_the_trigger_does_not_follow_its_other_events():
    r = send_to_flex_reachability(definition(
        trigger(message="A", call="VoiceAgent"), widget("A", "Trigger"), flex("VoiceAgent"),
    ))
    assert r["reachable"] is False


def test_empty_and_broken_definitions():
    for d in (None, {}, {"states": []}):
        r = send_to_flex_reachability(d)
        assert r["reachable"] is False
        assert r["problem"] == "the flow has no definition (no states)"
    r = send_to_flex_reachability({"initial_state": "Start", "states": [flex("Agent")]})
    assert r["reachable"] is False
    assert r["missing_states"] == ["Start"]
    assert r["problem"] == "the initial state 'Start' is not defined"


def test_flow_sid_from_webhook_url():
    ac, fw = "AC" + "a" * 32, "FW" + "b" * 32
    assert flow_sid_from_webhook_url("https://webhooks.twilio.com/v1/Accounts/%s/Flows/%s" % (ac, fw)) == fw
    assert flow_sid_from_webhook_url("https://webhooks.dublin.ie1.twilio.com/v1/Accounts/%s/Flows/%s" % (ac, fw)) == fw
    assert flow_sid_from_webhook_url("https://example.com/v1/Accounts/%s/Flows/%s" % (ac, fw)) is None
    assert flow_sid_from_webhook_url("https://webhooks.twilio.com.evil.com/v1/Accounts/%s/Flows/%s" % (ac, fw)) is None
    assert flow_sid_from_webhook_url("https://webhooks.twilio.com/v1/Accounts/%s/Proxy/KS%s/Webhooks/Message" % (ac, "c" * 32)) is None
    assert flow_sid_from_webhook_url("") is None
    assert flow_sid_from_webhook_url(None) is None
