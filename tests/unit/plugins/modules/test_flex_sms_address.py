# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""flex_sms_address: whole module runs: creates, minimal updates, check mode and diffs, lost answers, collisions,
list form."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import requests

from twilio.base.exceptions import TwilioRestException

from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError
from ansible_collections.flexops.twilio.plugins.modules import flex_sms_address as mod
from ansible_collections.flexops.twilio.tests.unit.plugins.modules.flex_sms_fake import (
    ACCOUNT,
    CHAT,
    CHAT2,
    FW_MESSAGING,
    FW_OTHER,
    WS,
    WW,
    FakeClient,
    FakeFlexFlowContext,
    FakeFlexFlows,
    flow,
    make_module,
    run,
    sid,
)

NUMBER = "+15551230001"
Module = mod.FlexSmsAddress

# The mapping to and from the API is tested in tests/unit/plugins/module_utils/test_flex_flow.py, an entry's
# checks and wanted settings in test_sms_address.py; here: whole module runs against the fake client.


def test_create_from_scratch_sends_one_create_with_every_required_field():
    client = FakeClient()
    module, result = run(Module, dict(phone_number=NUMBER), client)
    assert result["changed"] is True
    # The ownership look-up (one filtered request) is the only request a create adds.
    assert client.names() == ["list flex_flows", "list incoming_numbers", "list studio_flows", "fetch configuration",
                              "create flex_flow"]
    assert client.calls[0][1]["page_size"] == 1000
    assert client.calls[1][1]["phone_number"] == NUMBER
    assert client.calls[-1][1] == dict(
        friendly_name="SMS %s" % NUMBER, chat_service_sid=CHAT, channel_type="sms", contact_identity=NUMBER,
        enabled=True, integration_type="studio", integration_flow_sid=FW_MESSAGING)
    assert result["address"]["phone_number"] == NUMBER and result["address"]["integration_type"] == "studio"


def test_rerun_unchanged_sends_only_the_listing():
    client = FakeClient(flows=[flow(NUMBER)])
    module, result = run(Module, dict(phone_number=NUMBER, studio_flow=FW_MESSAGING, retry_count=3), client)
    assert result["changed"] is False
    assert client.names() == ["list flex_flows"]


# -- only numbers of the account get an address ----------------------------------

@pytest.mark.parametrize("check_mode", [False, True])
def test_single_form_refuses_a_number_the_account_does_not_own_before_any_write(check_mode):
    client = FakeClient(numbers=["+15551230002"])
    with pytest.raises(ValidationError) as err:
        run(Module, dict(phone_number=NUMBER), client, check_mode=check_mode, diff=True)
    assert str(err.value) == (
        "phone_number=%s is not a phone number of account %s: buy it first (flexops.twilio.phone_number) "
        "or check account_sid." % (NUMBER, ACCOUNT))
    # Refused right after one filtered look-up: no write, and not even the defaults were looked up.
    assert client.names() == ["list flex_flows", "list incoming_numbers"]
    assert client.calls[1][1]["phone_number"] == NUMBER
    assert client.writes == [] and client.flows == []


def test_single_form_compares_the_owned_number_exactly():
    # Twilio's PhoneNumber filter is a partial match: +15551230001 is found when looking for +1555123000.
    client = FakeClient(numbers=[NUMBER])
    with pytest.raises(ValidationError, match=r"phone_number=\+1555123000 is not a phone number of account"):
        run(Module, dict(phone_number="+1555123000"), client)
    assert client.writes == []


def test_existing_address_is_managed_without_the_ownership_look_up():
    # The look-up guards creates only: an existing flow is updated or deleted as before, with no extra request.
    live = flow(NUMBER, friendly_name="Old")
    client = FakeClient(flows=[live], numbers=[])
    module, result = run(Module, dict(phone_number=NUMBER, friendly_name="New"), client)
    assert result["changed"] is True and client.names() == ["list flex_flows", "update flex_flow"]
    client.calls = []
    module, result = run(Module, dict(phone_number=NUMBER, state="absent"), client)
    assert result["changed"] is True and client.names() == ["list flex_flows", "delete flex_flow"]


def test_studio_flow_by_name_lists_studio_flows_once():
    client = FakeClient(flows=[flow(NUMBER)])
    module, result = run(Module, dict(phone_number=NUMBER, studio_flow="Messaging Flow"), client)
    assert result["changed"] is False
    assert client.names() == ["list flex_flows", "list studio_flows"]


def test_update_sends_only_what_differs():
    live = flow(NUMBER, friendly_name="Old")
    client = FakeClient(flows=[live])
    module, result = run(Module, dict(phone_number=NUMBER, friendly_name="New", enabled=True), client, diff=True)
    assert result["changed"] is True
    assert client.writes == [("update flex_flow", dict(sid=live["sid"], friendly_name="New"))]
    assert module.diffs[0]["before"]["friendly_name"] == "Old" and module.diffs[0]["after"]["friendly_name"] == "New"
    assert result["address"]["friendly_name"] == "New"


def test_switch_to_webhook_then_task_on_the_live_flow():
    live = flow(NUMBER)
    client = FakeClient(flows=[live])
    run(Module, dict(phone_number=NUMBER, integration_type="webhook", webhook_url="https://e.com/sms"), client)
    assert client.writes[-1] == ("update flex_flow", dict(
        sid=live["sid"], integration_type="external", integration_url="https://e.com/sms"))
    client.calls = []
    module, result = run(Module, dict(phone_number=NUMBER, integration_type="task"), client, diff=True)
    assert client.writes == [("update flex_flow", dict(
        sid=live["sid"], integration_type="task", integration_workspace_sid=WS, integration_workflow_sid=WW,
        integration_channel="sms"))]
    assert module.diffs[0]["before"]["integration_type"] == "webhook"
    assert module.diffs[0]["after"]["integration_type"] == "task" and module.diffs[0]["after"]["webhook_url"] == ""
    client.calls = []
    module, result = run(Module, dict(phone_number=NUMBER, integration_type="task"), client)
    assert result["changed"] is False and client.writes == []


def test_check_mode_writes_nothing_and_reports_the_diff():
    client = FakeClient()
    module, result = run(Module, dict(phone_number=NUMBER), client, check_mode=True, diff=True)
    assert result["changed"] is True and client.writes == [] and result["address"] is None
    assert module.diffs[0]["before"] == {} and module.diffs[0]["after"]["studio_flow"] == FW_MESSAGING


def test_absent_deletes_and_then_is_unchanged():
    live = flow(NUMBER)
    client = FakeClient(flows=[live, flow("+15551230002")])
    module, result = run(Module, dict(phone_number=NUMBER, state="absent"), client)
    assert result["changed"] is True and client.writes == [("delete flex_flow", dict(sid=live["sid"]))]
    client.calls = []
    module, result = run(Module, dict(phone_number=NUMBER, state="absent"), client)
    assert result["changed"] is False and client.writes == []
    assert len(client.flows) == 1


def test_unknown_sid_never_creates():
    client = FakeClient()
    with pytest.raises(ValidationError):
        run(Module, dict(sid=sid("FO"), phone_number=NUMBER), client)
    assert client.writes == []


def test_explicit_sid_without_number_manages_that_flow():
    a, b = flow(NUMBER), flow(NUMBER, enabled=False)
    client = FakeClient(flows=[a, b])
    module, result = run(Module, dict(sid=b["sid"], friendly_name="Second"), client)
    assert client.writes == [("update flex_flow", dict(sid=b["sid"], friendly_name="Second"))]
    assert result["address"]["sid"] == b["sid"]


def test_missing_default_studio_flow_is_a_clear_error():
    client = FakeClient(studio_flows=[dict(sid=FW_OTHER, friendly_name="Support Intake")])
    with pytest.raises(ValidationError, match="default Studio flow 'Messaging Flow' was not found.*Support Intake"):
        run(Module, dict(phone_number=NUMBER), client)
    assert client.writes == []


def test_account_without_flex_configuration_asks_for_chat_service_sid():
    client = FakeClient(configuration=None)
    with pytest.raises(ValidationError, match="chat_service_sid.*Set chat_service_sid explicitly"):
        run(Module, dict(phone_number=NUMBER), client)
    client = FakeClient(configuration=None)
    module, result = run(Module, dict(phone_number=NUMBER, chat_service_sid=CHAT2), client)
    assert "fetch configuration" not in client.names() and client.writes[0][1]["chat_service_sid"] == CHAT2


def test_lost_create_answer_is_recovered_by_listing_again_not_by_resending():
    client = FakeClient()
    client.create_error = (requests.exceptions.ConnectionError("connection reset"), True)
    module, result = run(Module, dict(phone_number=NUMBER), client)
    assert [c for c in client.names() if c == "create flex_flow"] == ["create flex_flow"]
    assert client.names()[-1] == "list flex_flows"
    assert result["changed"] is True and result["address"]["sid"] == client.flows[0]["sid"]
    assert any("lost in transit" in w for w in module.warnings)


def test_lost_create_that_was_not_applied_is_sent_again_after_listing_again():
    client = FakeClient()
    client.create_error = (requests.exceptions.ConnectionError("connection reset"), False)
    original = FakeFlexFlows.create

    def once(self, **kwargs):
        try:
            return original(self, **kwargs)
        finally:
            client.create_error = None  # the next try is answered

    FakeFlexFlows.create = once
    try:
        module, result = run(Module, dict(phone_number=NUMBER, retry_max_backoff=0), client)
    finally:
        FakeFlexFlows.create = original
    names = client.names()
    assert names[names.index("create flex_flow"):] == ["create flex_flow", "list flex_flows", "create flex_flow"]
    assert len(client.flows) == 1 and result["changed"] is True and result["address"]["sid"] == client.flows[0]["sid"]
    assert any("not applied on re-reading, sent again (retry 1 of 5)" in w for w in module.warnings)


def test_lost_create_never_applied_is_sent_at_most_retries_more_times():
    client = FakeClient()
    client.create_error = (requests.exceptions.ConnectionError("connection reset"), False)
    with pytest.raises(ApiError, match=r"Sent 3 time\(s\), each time not applied on re-reading; retries=2"):
        run(Module, dict(phone_number=NUMBER, retries=2, retry_max_backoff=0), client)
    assert client.names().count("create flex_flow") == 3 and client.flows == []


def test_a_collision_with_the_flow_a_lost_first_try_made_counts_as_created():
    client = FakeClient()
    client.create_error = (requests.exceptions.ConnectionError("connection reset"), True)
    # the re-read after the lost answer does not see the new flow yet (eventual consistency); the repeat collides
    listings = []
    original_list = FakeFlexFlows.stream

    def stale_once(self, **kwargs):
        listings.append(1)
        if len(listings) == 2:
            return iter([])
        return original_list(self, **kwargs)

    original_create = FakeFlexFlows.create

    def collide(self, **kwargs):
        if client.create_error is None:
            client.record("create flex_flow", **kwargs)
            raise TwilioRestException(400, "https://flex-api.twilio.com/v1/FlexFlows", "Flex Flow creation failed: "
                                      "sms contact identity %s collided with existing Flows" % NUMBER, code=45210,
                                      method="POST")
        try:
            return original_create(self, **kwargs)
        finally:
            client.create_error = None

    FakeFlexFlows.stream, FakeFlexFlows.create = stale_once, collide
    try:
        module, result = run(Module, dict(phone_number=NUMBER, retry_max_backoff=0), client)
    finally:
        FakeFlexFlows.stream, FakeFlexFlows.create = original_list, original_create
    assert client.names().count("create flex_flow") == 2 and len(client.flows) == 1
    assert result["changed"] is True and result["address"]["sid"] == client.flows[0]["sid"]
    assert any("Twilio refused it with error 45210; found the resource it created on re-reading" in w
               for w in module.warnings)


def test_collision_refusal_names_the_other_flow_and_the_fix():
    enabled = flow(NUMBER)
    disabled = flow(NUMBER, enabled=False)
    client = FakeClient(flows=[enabled, disabled])
    client.update_error = TwilioRestException(
        400, "https://flex-api.twilio.com/v1/FlexFlows/x",
        "Flex Flow creation failed since it collided with existing Flows: %s" % enabled["sid"], code=45210, method="POST")
    with pytest.raises(ApiError) as err:
        run(Module, dict(sid=disabled["sid"], enabled=True), client)
    text = err.value.msg
    assert "Twilio refused to update" in text and enabled["sid"] in text and "state=absent" in text
    assert err.value.details["colliding_flows"] == [enabled["sid"]]


def test_other_api_errors_are_not_reported_as_collisions():
    live = flow(NUMBER)
    client = FakeClient(flows=[live])
    client.update_error = TwilioRestException(500, "u", "boom", method="POST")
    with pytest.raises(ApiError) as err:
        run(Module, dict(phone_number=NUMBER, friendly_name="x", retries=1, retry_max_backoff=0), client)
    assert "collid" not in err.value.msg and "boom" in err.value.msg
    # a 5xx update is ambiguous: re-read by SID, not applied, sent again once (retries=1), then it fails
    assert client.names()[1:] == ["update flex_flow", "fetch flex_flow", "update flex_flow", "fetch flex_flow"]


def test_an_update_whose_answer_was_lost_but_applied_is_not_sent_again():
    live = flow(NUMBER)
    client = FakeClient(flows=[live])
    original = FakeFlexFlowContext.update

    def applied_then_lost(self, **kwargs):
        original(self, **kwargs)
        raise requests.exceptions.ConnectionError("connection reset")

    FakeFlexFlowContext.update = applied_then_lost
    try:
        module, result = run(Module, dict(phone_number=NUMBER, friendly_name="x"), client)
    finally:
        FakeFlexFlowContext.update = original
    assert client.names()[1:] == ["update flex_flow", "fetch flex_flow"]
    assert result["changed"] is True and result["address"]["friendly_name"] == "x"
    assert module.warnings == ["Updating SMS address %s: the answer was lost in transit; found it applied on re-reading." % NUMBER]


# -- list form --------------------------------------------------------------------

def numbers(count):
    return ["+1555200%04d" % i for i in range(count)]


def test_list_form_no_change_lists_once_for_all_numbers():
    client = FakeClient(flows=[flow(n) for n in numbers(50)])
    module, result = run(Module, dict(addresses=[dict(phone_number=n) for n in numbers(50)],
                                      studio_flow="Messaging Flow"), client)
    assert result["changed"] is False and len(result["addresses"]) == 50
    assert sorted(client.names()) == ["list flex_flows", "list studio_flows"]


def test_list_form_creates_each_number_with_shared_lookups_once():
    client = FakeClient(flows=[flow(numbers(3)[0])])
    module, result = run(Module, dict(addresses=[dict(phone_number=n) for n in numbers(3)] + [
        dict(phone_number="+15559990000", integration_type="webhook", webhook_url="https://e.com")],
        friendly_name="Shared"), client, diff=True)
    names = client.names()
    assert names.count("list flex_flows") == 1 and names.count("list studio_flows") == 1
    assert names.count("fetch configuration") == 1 and names.count("create flex_flow") == 3
    assert names.count("list incoming_numbers") == 1  # one listing of the account's numbers for every create
    assert [r["changed"] for r in result["addresses"]] == [True, True, True, True]
    assert [r["phone_number"] for r in result["addresses"]] == numbers(3) + ["+15559990000"]
    assert result["addresses"][0]["address"]["friendly_name"] == "Shared"  # renamed, module-level default
    webhook = [c[1] for c in client.calls if c[0] == "create flex_flow" and c[1]["contact_identity"] == "+15559990000"][0]
    assert webhook["integration_type"] == "external" and webhook["integration_url"] == "https://e.com"
    assert len(module.diffs) == 4


def test_list_form_entry_errors_name_the_entry_before_any_request():
    client = FakeClient()
    with pytest.raises(ValidationError, match=r"addresses\[1\]\.webhook_url"):
        run(Module, dict(addresses=[dict(phone_number=numbers(2)[0]),
                                    dict(phone_number=numbers(2)[1], webhook_url="https://e.com")],
                         integration_type="studio"), client)
    with pytest.raises(ValidationError, match=r"addresses\[0\] and addresses\[1\]"):
        run(Module, dict(addresses=[dict(phone_number=NUMBER), dict(phone_number=NUMBER)]), client)
    assert client.calls == []


def test_list_form_one_failure_does_not_stop_the_others():
    dup = numbers(3)[1]
    client = FakeClient(flows=[flow(dup), flow(dup)])
    with pytest.raises(ApiError) as err:
        run(Module, dict(addresses=[dict(phone_number=n) for n in numbers(3)]), client)
    assert "1 of 3 items failed" in err.value.msg and dup in err.value.msg
    assert client.names().count("create flex_flow") == 2


@pytest.mark.parametrize("concurrency", [1, 8])
def test_list_form_checks_ownership_with_one_listing_for_all_entries(concurrency):
    wanted = numbers(20)
    client = FakeClient(flows=[flow(wanted[0])])
    module, result = run(Module, dict(addresses=[dict(phone_number=n) for n in wanted], concurrency=concurrency), client)
    assert [r["changed"] for r in result["addresses"]] == [False] + [True] * 19
    lookups_sent = [c[1] for c in client.calls if c[0] == "list incoming_numbers"]
    assert lookups_sent == [dict(account_sid=ACCOUNT, page_size=1000, phone_number=None)]
    assert client.names().count("create flex_flow") == 19


@pytest.mark.parametrize("check_mode", [False, True])
def test_list_form_unowned_entry_fails_naming_it_and_the_others_go_on(check_mode):
    owned_new, unowned, owned_live = numbers(3)
    client = FakeClient(flows=[flow(owned_live, friendly_name="Old")], numbers=[owned_new, owned_live])
    with pytest.raises(ApiError) as err:
        run(Module, dict(addresses=[dict(phone_number=n) for n in (owned_new, unowned, owned_live)],
                         friendly_name="Shared"), client, check_mode=check_mode)
    message = "addresses[1].phone_number=%s is not a phone number of account %s: buy it first " \
        "(flexops.twilio.phone_number) or check account_sid." % (unowned, ACCOUNT)
    assert err.value.msg == "1 of 3 items failed: %s: %s" % (unowned, message)
    results = err.value.details["results"]
    assert results[1] == dict(phone_number=unowned, failed=True, msg=message)
    assert [r["phone_number"] for r in results] == [owned_new, unowned, owned_live]
    assert [r.get("changed") for r in results] == [True, None, True]
    assert err.value.details["changed"] is True
    assert client.names().count("list incoming_numbers") == 1
    written = sorted((c[0], c[1].get("contact_identity") or c[1].get("sid")) for c in client.writes)
    if check_mode:
        assert written == []
    else:
        live_sid = [f["sid"] for f in client.flows if f["contact_identity"] == owned_live][0]
        assert written == [("create flex_flow", owned_new), ("update flex_flow", live_sid)]
        assert unowned not in [f["contact_identity"] for f in client.flows]


def test_concurrency_range():
    with pytest.raises(ValidationError, match="concurrency"):
        run(Module, dict(addresses=[dict(phone_number=NUMBER)], concurrency=0), FakeClient())


def test_module_options_match_the_documentation():
    import yaml
    doc = yaml.safe_load(mod.DOCUMENTATION)
    spec = make_module(Module, dict(phone_number=NUMBER), FakeClient()).module.argument_spec
    from ansible_collections.flexops.twilio.plugins.doc_fragments import report_routes
    assert "flexops.twilio.report_routes" in doc["extends_documentation_fragment"]
    options = dict(doc["options"], **yaml.safe_load(report_routes.ModuleDocFragment.DOCUMENTATION)["options"])
    own = set(Module.argument_spec)
    assert own == set(options)
    assert set(spec["addresses"]["options"]) == set(doc["options"]["addresses"]["suboptions"])
    for name in own:
        assert options[name]["type"] == Module.argument_spec[name]["type"]


def test_list_form_module_level_setting_of_another_type_is_not_a_default():
    client = FakeClient()
    module, result = run(Module, dict(
        studio_flow="Support Intake", retry_count=1,
        addresses=[dict(phone_number=numbers(2)[0]),
                   dict(phone_number=numbers(2)[1], integration_type="task")]), client)
    creates = dict((c[1]["contact_identity"], c[1]) for c in client.calls if c[0] == "create flex_flow")
    assert creates[numbers(2)[0]]["integration_flow_sid"] == FW_OTHER
    assert creates[numbers(2)[0]]["integration_retry_count"] == 1
    task = creates[numbers(2)[1]]
    assert task["integration_type"] == "task" and "integration_flow_sid" not in task and "integration_retry_count" not in task


def test_list_form_diffs_follow_the_order_of_the_entries():
    client = FakeClient()
    wanted = list(reversed(numbers(12)))
    module, result = run(Module, dict(addresses=[dict(phone_number=n) for n in wanted], concurrency=6), client, diff=True)
    assert [d["after"]["phone_number"] for d in module.diffs] == wanted
