# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""flex_sms_address_info: SMS addresses with their integration resolved."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError
from ansible_collections.flexops.twilio.plugins.modules import flex_sms_address_info as mod
from ansible_collections.flexops.twilio.tests.unit.plugins.modules.flex_sms_fake import (
    FW_MESSAGING,
    WS,
    WW,
    FakeClient,
    flow,
    run,
)

Module = mod.FlexSmsAddressInfo


def fleet():
    return [
        flow("+15550000003", integration_type="task", integration={
            "workspace_sid": WS, "workflow_sid": WW, "channel": "sms", "priority": 4, "timeout": 600}),
        flow("+15550000001"),
        flow("+15550000002", integration_type="external", integration={"url": "https://e.com/sms", "retry_count": 1}),
        flow("+15550000001", enabled=False, integration={"flow_sid": "FW" + "9" * 32}),
        flow("+15550000004", channel_type="web"),
    ]


def test_lists_sms_addresses_with_integration_resolved():
    client = FakeClient(flows=fleet())
    module, result = run(Module, {}, client)
    items = result["addresses"]
    assert result["changed"] is False
    assert [i["phone_number"] for i in items] == ["+15550000001", "+15550000001", "+15550000002", "+15550000003"]
    studio = [i for i in items if i["studio_flow_sid"] == FW_MESSAGING][0]
    assert studio["studio_flow_name"] == "Messaging Flow" and studio["integration_type"] == "studio"
    assert studio["shares_number_with"] == [i["sid"] for i in items if i["studio_flow_sid"] == "FW" + "9" * 32]
    webhook = items[2]
    assert webhook["integration_type"] == "webhook" and webhook["webhook_url"] == "https://e.com/sms"
    assert webhook["retry_count"] == 1 and webhook["studio_flow_sid"] is None
    task = items[3]
    assert (task["workspace_sid"], task["workflow_sid"], task["task_channel"], task["priority"], task["timeout"]) == (
        WS, WW, "sms", 4, 600)
    assert client.names() == ["list flex_flows", "list studio_flows"]
    assert client.writes == []
    assert any("does not exist" in w for w in module.warnings)


def test_one_number_without_studio_needs_no_studio_listing():
    client = FakeClient(flows=fleet())
    module, result = run(Module, dict(phone_number="+15550000002"), client)
    assert [i["webhook_url"] for i in result["addresses"]] == ["https://e.com/sms"]
    assert client.names() == ["list flex_flows"]


def test_unknown_number_is_an_empty_list():
    module, result = run(Module, dict(phone_number="+15559999999"), FakeClient(flows=fleet()))
    assert result["addresses"] == []


def test_phone_number_is_validated_before_any_request():
    client = FakeClient(flows=fleet())
    with pytest.raises(ValidationError, match="E.164"):
        run(Module, dict(phone_number="555"), client)
    assert client.calls == []
