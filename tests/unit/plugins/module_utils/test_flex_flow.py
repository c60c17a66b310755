# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_flex_flow: the mapping between a Flex Flow and the options of flex_sms_address, and which flows serve a number.
(Moved from tests/unit/plugins/modules/test_flex_sms_address.py; flex_flows.py, a small stub, builds the flows.)"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.module_utils import _flex_flow as flex_flow
from ansible_collections.flexops.twilio.tests.unit.plugins.module_utils.flex_flows import (
    CHAT,
    FW_MESSAGING,
    NUMBER,
    WS,
    WW,
    flow,
    sid,
)


# -- mapping to and from the API ------------------------------------------------

def test_managed_view_reads_only_the_settings_of_the_live_type():
    live = flow(NUMBER, integration_type="external",
                integration={"url": "https://example.com/sms", "retry_count": "2", "flow_sid": FW_MESSAGING})
    view = flex_flow.managed_view(live)
    assert view["integration_type"] == "webhook"
    assert view["webhook_url"] == "https://example.com/sms"
    assert view["retry_count"] == 2  # numeric strings are read as integers
    assert view["studio_flow"] is None  # a left-over flow_sid of another type is not a setting
    assert view["phone_number"] == NUMBER


def test_managed_view_of_task_flow_and_camel_case_keys():
    live = flow(NUMBER, integration_type="task", integration={
        "workspaceSid": WS, "workflowSid": WW, "channel": "sms", "priority": 5, "timeout": 60})
    view = flex_flow.managed_view(live)
    assert (view["workspace_sid"], view["workflow_sid"], view["task_channel"], view["priority"], view["timeout"]) == (
        WS, WW, "sms", 5, 60)
    assert view["retry_count"] is None


def test_to_api_maps_every_option_to_the_sdk_keyword():
    kwargs = flex_flow.to_api(dict(
        phone_number=NUMBER, friendly_name="x", chat_service_sid=CHAT, enabled=True, integration_type="webhook",
        webhook_url="https://e.com", retry_count=1, janitor_enabled=False, long_lived=True, studio_flow=flex_flow.CLEARED))
    assert kwargs == dict(contact_identity=NUMBER, friendly_name="x", chat_service_sid=CHAT, enabled=True,
                          integration_type="external", integration_url="https://e.com", integration_retry_count=1,
                          janitor_enabled=False, long_lived=True)
    task = flex_flow.to_api(dict(integration_type="task", workspace_sid=WS, workflow_sid=WW, task_channel="sms",
                                 priority=3, timeout=90, studio_flow=FW_MESSAGING))
    assert task == dict(integration_type="task", integration_workspace_sid=WS, integration_workflow_sid=WW,
                        integration_channel="sms", integration_priority=3, integration_timeout=90,
                        integration_flow_sid=FW_MESSAGING)


def test_sdk_keywords_exist_in_the_sdk():
    import inspect
    from twilio.rest.flex_api.v1.flex_flow import FlexFlowContext, FlexFlowList
    create = set(inspect.signature(FlexFlowList.create).parameters)
    update = set(inspect.signature(FlexFlowContext.update).parameters)
    keywords = set(k for _n, k in flex_flow.TOP_FIELDS) | set(f[1] for f in flex_flow.INTEGRATION_FIELDS)
    assert keywords <= create and keywords <= update


def test_describe_uses_option_names():
    described = flex_flow.describe(flow("15551230001", integration_type="external", integration={"url": "https://e"}))
    assert described["integration_type"] == "webhook"
    assert described["phone_number"] == "+15551230001"
    assert described["contact_identity"] == "15551230001"


# -- finding the flow of a number -------------------------------------------------


def test_flows_for_number_matches_channel_and_identity_only():
    mine = flow(NUMBER)
    flows = [mine, flow(NUMBER, channel_type="web"), flow("+15551230002"), flow("15551230001", sid_=sid("FO"))]
    found = flex_flow.flows_for_number(flows, NUMBER)
    assert [f["sid"] for f in found] == [mine["sid"], flows[3]["sid"]]
