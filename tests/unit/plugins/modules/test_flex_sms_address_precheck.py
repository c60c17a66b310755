# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 12, every check before a write: the chat service, TaskRouter workspace, workflow and task channel
a flex_sms_address task sets are fetched (once each) before the first write, in every mode; one that does
not exist fails the task with sid_not_found, and nothing is written."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.flexops.twilio.plugins.module_utils import _lookups
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError, ValidationError
from ansible_collections.flexops.twilio.plugins.modules import flex_sms_address as mod
from ansible_collections.flexops.twilio.tests.unit.plugins.modules.flex_sms_fake import (
    ACCOUNT,
    CHAT,
    CHAT2,
    WS,
    WW,
    FakeClient,
    flow,
    run,
)

NUMBER = "+15551230001"
OTHER = "+15551230002"
MISSING_IS = "IS" + "9" * 32
MISSING_WS = "WS" + "9" * 32
MISSING_WW = "WW" + "9" * 32
Module = mod.FlexSmsAddress

CASES = [
    (dict(chat_service_sid=MISSING_IS), "chat_service_sid", MISSING_IS, "Chat service"),
    (dict(integration_type="task", workspace_sid=MISSING_WS), "workspace_sid", MISSING_WS, "TaskRouter workspace"),
    (dict(integration_type="task", workflow_sid=MISSING_WW), "workflow_sid", MISSING_WW,
     "TaskRouter workflow with that SID in TaskRouter workspace %s" % WS),
    (dict(integration_type="task", task_channel="pigeon"), "task_channel", "pigeon",
     "TaskRouter task channel with that SID or unique name in TaskRouter workspace %s" % WS),
]
MODES = [dict(), dict(check_send_to_flex="warn"), dict(proxy_service="Flex Proxy Service")]


def fetches(client):
    return [c for c in client.names() if c.startswith("fetch ") and c != "fetch configuration"]


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize("mode", [dict(), dict(check_send_to_flex="warn")], ids=["skip", "warn"])
@pytest.mark.parametrize("args,option,value,kind", CASES, ids=[c[1] for c in CASES])
def test_single_form_refuses_a_missing_resource_before_any_write(args, option, value, kind, mode, check_mode):
    client = FakeClient()
    with pytest.raises((ValidationError, ApiError)) as err:
        run(Module, dict(dict(phone_number=NUMBER, **args), **mode), client, check_mode=check_mode)
    msg = str(getattr(err.value, "msg", err.value))
    assert "%s=%s: account %s has no %s" % (option, value, ACCOUNT, kind) in msg
    assert "or leave %s out" % option in msg
    assert err.value.code == "sid_not_found"
    problem = err.value.problems[0]
    assert (problem["code"], problem["option"]) == ("sid_not_found", option)
    assert problem["fix"].startswith("Give the SID")
    assert client.writes == [] and client.flows == []


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize("mode", MODES, ids=["skip", "warn", "proxy"])
@pytest.mark.parametrize("args,option,value,kind", CASES, ids=[c[1] for c in CASES])
def test_list_form_refuses_the_whole_list_before_its_first_write(args, option, value, kind, mode, check_mode):
    client = FakeClient(proxy_services=[dict(sid="KS" + "1" * 32, unique_name="Flex Proxy Service")])
    addresses = [dict(phone_number=NUMBER), dict(phone_number=OTHER, **args)]
    with pytest.raises(ApiError) as err:
        run(Module, dict(addresses=addresses, **mode), client, check_mode=check_mode)
    assert err.value.msg.startswith("Nothing was changed: addresses[1].%s=%s: account %s has no %s" % (
        option, value, ACCOUNT, kind))
    assert [(p["code"], p["option"], p["entry"]) for p in err.value.problems] == [
        ("sid_not_found", "addresses[1].%s" % option, OTHER)]
    assert client.writes == [] and client.flows == []


def test_one_get_per_resource_for_the_whole_list():
    client = FakeClient()
    numbers = [NUMBER, OTHER, "+15552000001"]
    module, result = run(Module, dict(addresses=[dict(phone_number=n) for n in numbers], chat_service_sid=CHAT2,
                                      integration_type="task", workspace_sid=WS, workflow_sid=WW, task_channel="sms"),
                         client)
    assert result["changed"] is True
    assert sorted(fetches(client)) == ["fetch chat_service", "fetch task_channel", "fetch workflow", "fetch workspace"]
    assert len(client.writes) == 3


def test_defaults_from_the_flex_configuration_and_live_values_are_not_fetched():
    client = FakeClient()
    run(Module, dict(phone_number=NUMBER, integration_type="task"), client)  # every default: nothing to check
    assert fetches(client) == []
    live = flow(NUMBER, integration_type="task", integration=dict(workspace_sid=WS, workflow_sid=WW, channel="sms"),
                chat_service_sid=CHAT)
    client = FakeClient(flows=[live], existing=[])  # nothing exists: the live values are not sent, not checked
    module, result = run(Module, dict(phone_number=NUMBER, chat_service_sid=CHAT, workspace_sid=WS, workflow_sid=WW,
                                      task_channel="sms"), client)
    assert result["changed"] is False and fetches(client) == []


def test_a_workflow_is_looked_for_in_the_live_workspace_on_update():
    other_ws = "WS" + "2" * 32
    live = flow(NUMBER, integration_type="task", integration=dict(workspace_sid=other_ws, workflow_sid=WW, channel="sms"))
    client = FakeClient(flows=[live], existing=[(other_ws, MISSING_WW)])
    module, result = run(Module, dict(phone_number=NUMBER, workflow_sid=MISSING_WW), client)
    assert result["changed"] is True
    assert [c for c in client.calls if c[0] == "fetch workflow"] == [("fetch workflow", dict(sid=MISSING_WW))]


def test_a_missing_workspace_is_reported_before_its_workflow_is_looked_for():
    client = FakeClient()
    with pytest.raises(ValidationError) as err:
        run(Module, dict(phone_number=NUMBER, integration_type="task", workspace_sid=MISSING_WS, workflow_sid=MISSING_WW),
            client)
    assert err.value.problems[0]["option"] == "workspace_sid"
    assert "fetch workflow" not in client.names()


class FakeModule(object):
    """What _lookups.check_exists uses of a TwilioModule."""

    account_sid = ACCOUNT

    def __init__(self, found):
        self.found = found
        self.calls = []
        self.client = None

    def fetch(self, what, call, missing=None):
        self.calls.append(what)
        return self.found


def test_check_exists_is_one_cached_get_and_names_option_value_account_and_fix(monkeypatch):
    monkeypatch.setattr(_lookups, "_fetcher", lambda m, kind, value, workspace: None)
    m = FakeModule(None)
    for option in ("addresses[0].conversation_service_sid", "addresses[1].conversation_service_sid"):
        with pytest.raises(ValidationError) as err:
            _lookups.check_exists(m, option, "conversation_service", MISSING_IS, "Give the SID of one that exists.")
        assert str(err.value) == ("%s=%s: account %s has no Conversations service with that SID: give the SID of "
                                  "one that exists." % (option, MISSING_IS, ACCOUNT))
        assert err.value.problems[0]["option"] == option and err.value.code == "sid_not_found"
    assert m.calls == ["Reading Conversations service %s" % MISSING_IS]  # one GET for both entries
    found = FakeModule(dict(sid=CHAT))
    assert _lookups.check_exists(found, "chat_service_sid", "chat_service", CHAT, "x")["sid"] == CHAT
