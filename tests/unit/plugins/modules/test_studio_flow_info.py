# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.flexops.twilio.plugins.module_utils._studio import flow_report
from ansible_collections.flexops.twilio.plugins.modules import studio_flow_info as mod
from ansible_collections.flexops.twilio.tests.unit.plugins.modules.module_runner import run_main

AC = "AC" + "a" * 32
FW = "FW" + "1" * 32


def run_module(capsys, **args):
    return run_main(mod, capsys, **args)


FLOW = dict(
    sid=FW, friendly_name="Messaging Flow", status="published", revision=3, valid=True,
    webhook_url="https://webhooks.twilio.com/v1/Accounts/%s/Flows/%s" % (AC, FW),
    definition=dict(initial_state="Trigger", states=[
        dict(name="Trigger", type="trigger", transitions=[dict(event="incomingMessage", next="Agent")]),
        dict(name="Agent", type="send-to-flex", transitions=[], properties=dict(workflow="WW" + "1" * 32, channel="TC" + "1" * 32)),
    ]),
)


def test_report_carries_flow_fields_and_reachability():
    out = flow_report(FLOW, "incomingMessage", include_definition=False)
    assert (out["sid"], out["friendly_name"], out["status"], out["webhook_url"]) == (
        FW, "Messaging Flow", "published", FLOW["webhook_url"])
    assert out["send_to_flex"]["reachable"] is True
    assert out["send_to_flex"]["path"] == ["Trigger", "Agent"]
    assert "definition" not in out
    assert flow_report(FLOW, "incomingCall", include_definition=True)["send_to_flex"]["reachable"] is False
    assert flow_report(FLOW, "incomingMessage", include_definition=True)["definition"] == FLOW["definition"]


@pytest.mark.parametrize("args, message", [
    (dict(flow="WW" + "1" * 32), "flow='WW"),
    (dict(trigger_event=""), "trigger_event must not be empty"),
    (dict(concurrency=0), "concurrency must be 1 or more"),
])
def test_validation_errors_send_nothing(capsys, args, message):
    rc, result = run_module(capsys, **args)
    assert rc == 1
    assert message in result["msg"]
    assert result["api_stats"]["requests"] == 0
