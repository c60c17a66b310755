# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_sms_address: what one flex_sms_address entry means: its checks, the flow it is about, the settings it wants
(defaults only on create, lazy look-ups). (Moved from tests/unit/plugins/modules/test_flex_sms_address.py; flex_flows.py,
a small stub, builds the flows.)"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.flexops.twilio.plugins.module_utils import _flex_flow as flex_flow
from ansible_collections.flexops.twilio.plugins.module_utils import _sms_address as sms_address
from ansible_collections.flexops.twilio.plugins.module_utils._base import TwilioModule
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError
from ansible_collections.flexops.twilio.plugins.module_utils._integrations import SETTINGS
from ansible_collections.flexops.twilio.tests.unit.plugins.module_utils.flex_flows import (
    CHAT,
    CHAT2,
    FW_MESSAGING,
    FW_OTHER,
    NUMBER,
    WS,
    WW,
    flow,
    sid,
)


def entry(number=NUMBER, flow_sid=None, **values):
    base = dict((k, None) for k in SETTINGS)
    base.update(values)
    e = sms_address.Entry(base, phone_number=number, sid=flow_sid)
    sms_address.validate_entry(e)
    return e


def test_select_flow_duplicates_fail_listing_their_sids():
    a, b = flow(NUMBER), flow(NUMBER, enabled=False)
    with pytest.raises(ValidationError) as err:
        sms_address.select_flow([a, b], entry(), "present")
    assert a["sid"] in str(err.value) and b["sid"] in str(err.value) and "sid" in str(err.value)
    # sid picks one of them
    assert sms_address.select_flow([a, b], entry(flow_sid=b["sid"]), "present") is b


def test_select_flow_unknown_sid_fails_for_present_and_is_nothing_for_absent():
    missing = sid("FO")
    with pytest.raises(ValidationError, match="no Flex Flow with that SID"):
        sms_address.select_flow([flow(NUMBER)], entry(flow_sid=missing), "present")
    assert sms_address.select_flow([flow(NUMBER)], entry(flow_sid=missing), "absent") is None


def test_select_flow_refuses_non_sms_flow_and_wrong_number_for_absent():
    web = flow(NUMBER, channel_type="web")
    with pytest.raises(ValidationError, match="not an SMS address"):
        sms_address.select_flow([web], entry(flow_sid=web["sid"]), "present")
    other = flow("+15559999999")
    with pytest.raises(ValidationError, match="nothing was deleted"):
        sms_address.select_flow([other], entry(flow_sid=other["sid"]), "absent")


# -- wanted settings: defaults only when creating, lazy look-ups -------------------

class Resolver(object):
    def __init__(self):
        self.calls = []

    def studio_flow_sid(self, value, defaulted=False, option="studio_flow"):
        self.calls.append(("studio", value, defaulted))
        return {"Messaging Flow": FW_MESSAGING, "Support Intake": FW_OTHER}[value]

    def flex_default(self, key, option):
        self.calls.append(("config", key))
        return {"chat_service_instance_sid": CHAT, "taskrouter_workspace_sid": WS,
                "taskrouter_target_workflow_sid": WW}[key]

    def same_task_channel(self, workspace, a, b):
        self.calls.append(("channels", workspace))
        return False

    def check_exists(self, option, kind, value, workspace=None):
        self.calls.append(("exists", option, kind, value, workspace))


def test_create_applies_every_default():
    r = Resolver()
    wanted = sms_address.wanted_fields(entry(), None, r)
    assert wanted == dict(phone_number=NUMBER, friendly_name="SMS %s" % NUMBER, enabled=True, integration_type="studio",
                          studio_flow=FW_MESSAGING, chat_service_sid=CHAT)
    assert ("studio", "Messaging Flow", True) in r.calls


def test_existing_flow_keeps_live_values_and_needs_no_lookup():
    r = Resolver()
    before = flex_flow.live_view(flow(NUMBER, friendly_name="Custom", enabled=False, chat_service_sid=CHAT2))
    wanted = sms_address.wanted_fields(entry(), before, r)
    assert wanted == dict(phone_number=NUMBER)
    assert r.calls == []
    assert TwilioModule.changes(before, wanted) == {}


def test_task_create_takes_workspace_and_workflow_from_flex_configuration():
    r = Resolver()
    wanted = sms_address.wanted_fields(entry(integration_type="task", priority=2), None, r)
    assert wanted["workspace_sid"] == WS and wanted["workflow_sid"] == WW and wanted["task_channel"] == "sms"
    assert wanted["priority"] == 2 and "timeout" not in wanted


def test_switch_from_studio_to_webhook_sends_new_type_and_clears_old_settings():
    before = flex_flow.live_view(flow(NUMBER))
    wanted = sms_address.wanted_fields(entry(integration_type="external", webhook_url="https://e.com/sms"), before, Resolver())
    changes = TwilioModule.changes(before, wanted)
    assert changes == dict(integration_type="webhook", webhook_url="https://e.com/sms", studio_flow="")
    assert flex_flow.to_api(changes) == dict(integration_type="external", integration_url="https://e.com/sms")


def test_switch_to_webhook_without_url_is_an_error():
    before = flex_flow.live_view(flow(NUMBER))
    with pytest.raises(ValidationError, match="webhook_url"):
        sms_address.wanted_fields(entry(integration_type="webhook"), before, Resolver())


def test_switch_to_task_applies_type_defaults_but_not_create_defaults():
    r = Resolver()
    before = flex_flow.live_view(flow(NUMBER, friendly_name="Keep me"))
    wanted = sms_address.wanted_fields(entry(integration_type="task"), before, r)
    assert "friendly_name" not in wanted and "chat_service_sid" not in wanted and "enabled" not in wanted
    assert wanted["workspace_sid"] == WS and wanted["task_channel"] == "sms"
    assert wanted["studio_flow"] == "" and wanted["retry_count"] == ""
    assert ("config", "chat_service_instance_sid") not in r.calls


def test_switch_back_to_studio_defaults_to_messaging_flow():
    before = flex_flow.live_view(flow(NUMBER, integration_type="external", integration={"url": "https://e"}))
    wanted = sms_address.wanted_fields(entry(integration_type="studio"), before, Resolver())
    assert wanted["studio_flow"] == FW_MESSAGING and wanted["webhook_url"] == ""


def test_options_are_checked_against_the_live_type_when_integration_type_is_left_out():
    before = flex_flow.live_view(flow(NUMBER))  # studio
    with pytest.raises(ValidationError, match="webhook_url is only used with integration_type=webhook.*uses integration_type=studio"):
        sms_address.wanted_fields(entry(webhook_url="https://e.com"), before, Resolver())
    with pytest.raises(ValidationError, match="a new SMS address gets integration_type=studio"):
        sms_address.wanted_fields(entry(priority=1), None, Resolver())
    webhook = flex_flow.live_view(flow(NUMBER, integration_type="external", integration={"url": "https://a"}))
    assert sms_address.wanted_fields(entry(webhook_url="https://b"), webhook, Resolver())["webhook_url"] == "https://b"


@pytest.mark.parametrize("values, message", [
    (dict(integration_type="studio", webhook_url="https://e.com"), "webhook_url is only used with integration_type=webhook"),
    (dict(integration_type="webhook", studio_flow="Messaging Flow"), "studio_flow is only used with integration_type=studio"),
    (dict(integration_type="studio", workspace_sid=WS), "workspace_sid is only used with integration_type=task"),
    (dict(integration_type="task", retry_count=1), "retry_count is only used with integration_type=studio/webhook"),
    (dict(webhook_url="https://e.com", workflow_sid=WW), "belong to different integration types"),
    (dict(webhook_url="http://e.com"), "https"),
    (dict(retry_count=4), "retry_count=4 is out of range"),
    (dict(integration_type="task", priority=-1), "priority=-1 is out of range"),
    (dict(integration_type="task", timeout=0), "timeout=0 is out of range"),
    (dict(chat_service_sid="IS123"), "chat_service_sid"),
    (dict(integration_type="task", workspace_sid=WW), "workspace_sid"),
    (dict(studio_flow="WS" + "0" * 32), "another kind"),
    (dict(integration_type="task", task_channel="FW" + "0" * 32), "another kind"),
    (dict(friendly_name="  "), "friendly_name must not be empty"),
])
def test_validation_errors_name_the_option(values, message):
    with pytest.raises(ValidationError, match=message):
        entry(**values)


def test_invalid_phone_number_and_sid():
    with pytest.raises(ValidationError, match="E.164"):
        entry(number="5551230001")
    with pytest.raises(ValidationError, match="sid"):
        entry(flow_sid="FO123")


def test_external_alias_is_normalised():
    assert entry(integration_type="external", webhook_url="https://e.com")["integration_type"] == "webhook"


# -- whole module runs against the fake client ------------------------------------
