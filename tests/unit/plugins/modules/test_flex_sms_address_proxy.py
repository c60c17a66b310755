# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""flex_sms_address with proxy_service, take_over, is_reserved and
check_send_to_flex, against the in-memory SDK stand-in: every entry checked
before the first write (one error, zero writes), the order of the writes per
number (address, then pool; pool out, then address deleted), warn vs fail,
check mode and diffs, and the option combinations refused before any request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from twilio.base.exceptions import TwilioRestException

from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError
from ansible_collections.flexops.twilio.plugins.modules import flex_sms_address as mod
from ansible_collections.flexops.twilio.tests.unit.plugins.modules.flex_sms_fake import (
    ACCOUNT,
    FW_MESSAGING,
    KS_FLEX,
    KS_OTHER,
    MG_OTHER,
    FakeClient,
    FakePool,
    flow,
    make_module,
    messaging_service,
    proxy_service,
    run,
    studio_definition,
)
from ansible_collections.flexops.twilio.tests.unit.plugins.modules.module_runner import run_main

Module = mod.FlexSmsAddress
FW_BROKEN = "FW" + "3" * 32
FLEX = "Flex Proxy Service"
NOT_OWNED = "+15558880000"
HELD_BY_MG = "+15551230001"
HELD_BY_PROXY = "+15551230002"
STUDIO_FLOWS = [
    dict(sid=FW_MESSAGING, friendly_name="Messaging Flow", definition=studio_definition(True)),
    dict(sid=FW_BROKEN, friendly_name="Broken Flow", definition=studio_definition(False)),
]


def numbers(count, start=0):
    return ["+1555200%04d" % i for i in range(start, start + count)]


def fake(flows=(), flex_pool=None, **kwargs):
    """An account with the Flex Proxy Service (``flex_pool``: {number: is_reserved}), a "Sales Proxy" holding
    HELD_BY_PROXY and a Messaging Service holding HELD_BY_MG."""
    kwargs.setdefault("studio_flows", [dict(f) for f in STUDIO_FLOWS])
    return FakeClient(
        flows=flows,
        proxy_services=[proxy_service(KS_FLEX, FLEX, flex_pool), proxy_service(KS_OTHER, "Sales Proxy", {HELD_BY_PROXY: True})],
        messaging_services=[messaging_service(MG_OTHER, "Marketing", [HELD_BY_MG])],
        **kwargs)


def addresses(*phone_numbers, **extra):
    return [dict(extra, phone_number=n) for n in phone_numbers]


def index_of(client, what, **match):
    """Position of the one recorded call ``what`` whose arguments include ``match``."""
    found = [i for i, (name, kwargs) in enumerate(client.calls)
             if name == what and all(kwargs.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (what, match, client.names())
    return found[0]


def flex_flow_of(client, number):
    return [f for f in client.flows if f["contact_identity"] == number]


# -- preflight: every entry checked before the first write ---------------------------

@pytest.mark.parametrize("check_mode", [False, True])
def test_preflight_names_every_problem_in_one_error_and_writes_nothing(check_mode):
    good, broken = numbers(2)
    client = fake()
    with pytest.raises(ApiError) as err:
        run(Module, dict(
            addresses=addresses(good, NOT_OWNED, HELD_BY_MG, HELD_BY_PROXY) + [dict(phone_number=broken, studio_flow="Broken Flow")],
            proxy_service=FLEX, check_send_to_flex="fail", concurrency=4), client, check_mode=check_mode)
    msg = err.value.msg
    assert msg.startswith("Nothing was changed: ") and msg.count("Nothing was changed") == 1
    assert "addresses[1].phone_number=%s is not a phone number of account %s" % (NOT_OWNED, ACCOUNT) in msg
    assert "%s (%s) is held by Messaging Service %s (Marketing)" % (HELD_BY_MG, client.number_sid(HELD_BY_MG), MG_OTHER) in msg
    assert "%s (%s) is held by Proxy service %s (Sales Proxy)" % (HELD_BY_PROXY, client.number_sid(HELD_BY_PROXY), KS_OTHER) in msg
    assert "Studio flow 'Broken Flow' (%s), used by %s: no Send to Flex widget is reachable" % (FW_BROKEN, broken) in msg
    assert "take_over" in msg and "check_send_to_flex to warn" in msg
    # The good number and the default Messaging Flow are not problems.
    assert "Messaging Flow" not in msg and good not in msg
    assert err.value.details["conflicts"] == [
        dict(type="messaging_service", sid=MG_OTHER, name="Marketing", phone_number=HELD_BY_MG),
        dict(type="proxy_service", sid=KS_OTHER, name="Sales Proxy", phone_number=HELD_BY_PROXY),
    ]
    assert client.writes == [] and client.flows == []
    assert client.pool(KS_FLEX) == {}
    # One listing of the account's numbers, of each pool and of each kind of service.
    for listing in ("list incoming_numbers", "list proxy_services", "list messaging_services", "list flex_flows"):
        assert client.names().count(listing) == 1, listing
    assert client.names().count("fetch studio_flow") == 2  # one per flow used, not per number


def test_preflight_problems_are_structured_with_code_entry_option_holder_and_fix():
    good, broken = numbers(2)
    client = fake()
    with pytest.raises(ApiError) as err:
        run(Module, dict(
            addresses=addresses(good, NOT_OWNED, HELD_BY_MG) + [dict(phone_number=broken, studio_flow="Broken Flow")],
            proxy_service=FLEX, check_send_to_flex="fail"), client)
    by_code = dict((p["code"], p) for p in err.value.problems)
    assert sorted(by_code) == ["held_by_other_service", "not_owned", "send_to_flex_unreachable"]
    assert len(err.value.problems) == 3  # the good number has none
    owned = by_code["not_owned"]
    assert (owned["entry"], owned["option"]) == (NOT_OWNED, "addresses[1].phone_number")
    assert owned["msg"] == "addresses[1].phone_number=%s is not a phone number of account %s" % (NOT_OWNED, ACCOUNT)
    assert owned["fix"].startswith("Buy it first")
    held = by_code["held_by_other_service"]
    assert (held["entry"], held["option"]) == (HELD_BY_MG, "take_over")
    assert held["holder"] == dict(type="messaging_service", sid=MG_OTHER, name="Marketing")
    assert "take_over" not in held["msg"] and held["fix"].startswith("Set take_over to true")
    flow = by_code["send_to_flex_unreachable"]
    assert (flow["entry"], flow["option"]) == (broken, "addresses[3].studio_flow")
    assert "'Broken Flow'" in flow["msg"] and "check_send_to_flex to warn" in flow["fix"]
    assert client.writes == []


def test_per_item_failures_carry_their_problems():
    client = fake()
    with pytest.raises(ApiError) as err:
        run(Module, dict(addresses=addresses(numbers(1)[0], NOT_OWNED)), client)
    assert [(p["code"], p["entry"]) for p in err.value.problems] == [("not_owned", NOT_OWNED)]


def test_preflight_a_single_problem_still_stops_the_good_numbers():
    client = fake()
    with pytest.raises(ApiError) as err:
        run(Module, dict(addresses=addresses(*numbers(3) + [NOT_OWNED]), proxy_service=FLEX), client)
    assert err.value.msg.startswith("Nothing was changed: addresses[3].phone_number=%s" % NOT_OWNED)
    assert "conflicts" not in err.value.details
    assert client.writes == []


def test_without_the_new_options_a_failing_entry_does_not_stop_the_others():
    # The old per-entry behaviour: no preflight, the good number is written, the error counts items.
    client = fake()
    with pytest.raises(ApiError) as err:
        run(Module, dict(addresses=addresses(numbers(1)[0], NOT_OWNED)), client)
    assert err.value.msg.startswith("1 of 2 items failed: ")
    assert [w[0] for w in client.writes] == ["create flex_flow"]
    assert "list proxy_services" not in client.names() and "fetch studio_flow" not in client.names()


def test_check_send_to_flex_skip_reads_no_definition_and_writes_a_broken_flow():
    client = fake()
    module, result = run(Module, dict(phone_number=numbers(1)[0], studio_flow="Broken Flow"), client)
    assert result["changed"] is True and "studio_flow" not in result
    assert "fetch studio_flow" not in client.names()
    assert client.writes[0][1]["integration_flow_sid"] == FW_BROKEN


# -- check_send_to_flex ---------------------------------------------------------------

def test_warn_writes_and_warns_with_the_flow_report():
    number = numbers(1)[0]
    client = fake()
    module, result = run(Module, dict(phone_number=number, studio_flow="Broken Flow", check_send_to_flex="warn"), client)
    assert result["changed"] is True
    assert [w[0] for w in client.writes] == ["create flex_flow"]
    assert client.writes[0][1]["integration_flow_sid"] == FW_BROKEN
    assert len(module.warnings) == 1
    assert module.warnings[0].startswith("Studio flow 'Broken Flow' (%s), used by %s: no Send to Flex widget" % (FW_BROKEN, number))
    assert result["studio_flow"]["sid"] == FW_BROKEN and result["studio_flow"]["friendly_name"] == "Broken Flow"
    reach = result["studio_flow"]["send_to_flex"]
    assert reach["reachable"] is False and reach["widget"] is None and reach["path"] == []
    assert "no Send to Flex widget is reachable" in reach["problem"]


def test_fail_refuses_a_flow_set_on_an_existing_address_and_the_live_flow_is_kept():
    number = numbers(1)[0]
    live = flow(number)
    client = fake(flows=[live])
    with pytest.raises(ApiError, match=r"^Nothing was changed: Studio flow 'Broken Flow'"):
        run(Module, dict(phone_number=number, studio_flow="Broken Flow", check_send_to_flex="fail"), client)
    assert client.writes == [] and client.flows[0]["integration"]["flow_sid"] == FW_MESSAGING


def test_fail_checks_the_live_flow_when_the_task_sets_none():
    number = numbers(1)[0]
    client = fake(flows=[flow(number, integration={"flow_sid": FW_BROKEN, "retry_count": 3})])
    with pytest.raises(ApiError) as err:
        run(Module, dict(phone_number=number, friendly_name="Renamed", check_send_to_flex="fail"), client)
    assert "'Broken Flow' (%s), used by %s" % (FW_BROKEN, number) in err.value.msg
    assert client.writes == []


def test_reachable_flow_is_reported_per_entry_and_read_once():
    wanted = numbers(5)
    client = fake(flows=[flow(wanted[0])])
    module, result = run(Module, dict(addresses=addresses(*wanted), check_send_to_flex="fail", concurrency=3), client)
    assert [r["changed"] for r in result["addresses"]] == [False] + [True] * 4
    for entry in result["addresses"]:
        assert entry["studio_flow"] == dict(sid=FW_MESSAGING, friendly_name="Messaging Flow", send_to_flex=dict(
            reachable=True, widget="SendMessageToAgent", path=["Trigger", "SendMessageToAgent"], problem=None))
    assert client.names().count("fetch studio_flow") == 1
    assert module.warnings == []


def test_webhook_and_task_addresses_have_no_studio_flow_to_check():
    webhook, task = numbers(2)
    client = fake()
    module, result = run(Module, dict(check_send_to_flex="fail", addresses=[
        dict(phone_number=webhook, integration_type="webhook", webhook_url="https://example.com/sms"),
        dict(phone_number=task, integration_type="task")]), client)
    assert result["changed"] is True
    assert "fetch studio_flow" not in client.names()
    assert all("studio_flow" not in r for r in result["addresses"])


# -- order of the writes ---------------------------------------------------------------

@pytest.mark.parametrize("concurrency", [1, 4])
def test_each_number_joins_the_pool_after_its_address_is_created(concurrency):
    wanted = numbers(6)
    client = fake()
    module, result = run(Module, dict(addresses=addresses(*wanted), proxy_service=FLEX, concurrency=concurrency), client)
    for number in wanted:
        created = index_of(client, "create flex_flow", contact_identity=number)
        joined = index_of(client, "create proxy_number", service_sid=KS_FLEX, sid=client.number_sid(number))
        assert created < joined, number
    assert sorted(client.pool(KS_FLEX)) == sorted(client.number_sid(n) for n in wanted)
    assert [r["phone_number"] for r in result["addresses"]] == wanted
    for entry in result["addresses"]:
        assert entry["changed"] is True and entry["address_changed"] is True
        assert entry["proxy_service"] == dict(sid=KS_FLEX, name=FLEX, member=True, is_reserved=False, changed=True)
    # No holder look-up for free numbers beyond preflight's one listing per service.
    assert client.names().count("list proxy_numbers") == 2  # the Flex pool and the Sales Proxy pool, once each


def test_rerun_sends_no_write():
    wanted = numbers(3)
    client = fake()
    run(Module, dict(addresses=addresses(*wanted), proxy_service=FLEX), client)
    client.calls = []
    module, result = run(Module, dict(addresses=addresses(*wanted), proxy_service=FLEX), client)
    assert result["changed"] is False and client.writes == []
    assert [(r["address_changed"], r["proxy_service"]["changed"], r["proxy_service"]["member"])
            for r in result["addresses"]] == [(False, False, True)] * 3
    # A rerun needs no holder look-up: every number is in the pool already.
    assert "list messaging_services" not in client.names()


def test_unchanged_address_still_joins_the_pool():
    number = numbers(1)[0]
    client = fake(flows=[flow(number)])
    module, result = run(Module, dict(phone_number=number, proxy_service=FLEX), client)
    assert result["changed"] is True and result["address_changed"] is False
    assert result["proxy_service"]["changed"] is True
    assert client.writes == [("create proxy_number", dict(service_sid=KS_FLEX, sid=client.number_sid(number)))]


def test_absent_leaves_the_pool_before_the_address_is_deleted():
    wanted = numbers(3)
    client = fake(flows=[flow(n) for n in wanted], flex_pool=dict((n, False) for n in wanted))
    flow_sids = dict((f["contact_identity"], f["sid"]) for f in client.flows)
    owned = [dict(n) for n in client.incoming_numbers]
    module, result = run(Module, dict(addresses=addresses(*wanted), proxy_service=FLEX, state="absent", concurrency=3),
                         client)
    for number in wanted:
        left = index_of(client, "delete proxy_number", service_sid=KS_FLEX, sid=client.number_sid(number))
        deleted = index_of(client, "delete flex_flow", sid=flow_sids[number])
        assert left < deleted, number
    assert client.flows == [] and client.pool(KS_FLEX) == {}
    assert client.incoming_numbers == owned  # the numbers themselves are kept
    for entry in result["addresses"]:
        assert entry["changed"] is True and entry["address_changed"] is True and entry["address"] is None
        assert entry["proxy_service"] == dict(sid=KS_FLEX, name=FLEX, member=False, is_reserved=None, changed=True)
    client.calls = []
    module, result = run(Module, dict(addresses=addresses(*wanted), proxy_service=FLEX, state="absent"), client)
    assert result["changed"] is False and client.writes == []


def test_absent_single_form_order_and_a_number_outside_the_pool():
    number = numbers(1)[0]
    client = fake(flows=[flow(number)], flex_pool={number: True})
    flow_sid = client.flows[0]["sid"]
    module, result = run(Module, dict(phone_number=number, proxy_service=FLEX, state="absent"), client, diff=True)
    assert [w[0] for w in client.writes] == ["delete proxy_number", "delete flex_flow"]
    assert client.writes[1][1] == dict(sid=flow_sid)
    assert result["proxy_service"]["member"] is False and result["address_changed"] is True
    assert [d["before_header"] for d in module.diffs] == [
        "%s in Proxy service %s (%s)" % (number, FLEX, KS_FLEX), "SMS address %s" % number]


def test_absent_deletes_the_address_of_a_number_the_account_no_longer_owns():
    # Not owning the number is no reason to keep its address; there is simply no pool membership to end.
    client = fake(flows=[flow(NOT_OWNED)])
    module, result = run(Module, dict(addresses=addresses(NOT_OWNED), proxy_service=FLEX, state="absent"), client)
    assert [w[0] for w in client.writes] == ["delete flex_flow"]
    assert result["addresses"][0]["proxy_service"]["changed"] is False


# -- take_over, is_reserved -------------------------------------------------------------

@pytest.mark.parametrize("held, holder, kind", [
    (HELD_BY_MG, MG_OTHER, "messaging_number"),
    (HELD_BY_PROXY, KS_OTHER, "proxy_number"),
])
def test_take_over_moves_the_number_after_its_address_right_before_joining(held, holder, kind):
    client = fake()
    number_sid = client.number_sid(held)
    module, result = run(Module, dict(addresses=addresses(held, numbers(1)[0]), proxy_service=FLEX, take_over=True), client)
    created = index_of(client, "create flex_flow", contact_identity=held)
    released = index_of(client, "delete " + kind, service_sid=holder, sid=number_sid)
    joined = index_of(client, "create proxy_number", service_sid=KS_FLEX, sid=number_sid)
    assert created < released < joined
    assert number_sid not in client.pool(holder) and number_sid in client.pool(KS_FLEX)
    assert result["addresses"][0]["proxy_service"]["changed"] is True
    # The free number is not taken from anywhere.
    assert len([w for w in client.writes if w[0].startswith("delete")]) == 1


def test_take_over_in_check_mode_shows_the_move_and_writes_nothing():
    client = fake()
    module, result = run(Module, dict(phone_number=HELD_BY_MG, proxy_service=FLEX, take_over=True), client,
                         check_mode=True, diff=True)
    assert result["changed"] is True and client.writes == []
    assert [d["before_header"] for d in module.diffs] == [
        "SMS address %s" % HELD_BY_MG,
        "%s in Messaging Service Marketing (%s)" % (HELD_BY_MG, MG_OTHER),
        "%s in Proxy service %s (%s)" % (HELD_BY_MG, FLEX, KS_FLEX),
    ]
    assert client.number_sid(HELD_BY_MG) in client.pool(MG_OTHER)


def test_is_reserved_on_join_and_on_an_existing_member():
    new, member = numbers(2)
    client = fake(flows=[flow(member)], flex_pool={member: False})
    module, result = run(Module, dict(addresses=addresses(new, member), proxy_service=FLEX, is_reserved=True), client)
    assert ("create proxy_number", dict(service_sid=KS_FLEX, sid=client.number_sid(new), is_reserved=True)) in client.writes
    assert ("update proxy_number", dict(service_sid=KS_FLEX, sid=client.number_sid(member), is_reserved=True)) in client.writes
    assert client.pool(KS_FLEX) == {client.number_sid(new): True, client.number_sid(member): True}
    assert [r["proxy_service"]["is_reserved"] for r in result["addresses"]] == [True, True]
    assert [(r["address_changed"], r["proxy_service"]["changed"]) for r in result["addresses"]] == [(True, True), (False, True)]


def test_is_reserved_left_out_keeps_the_members_value():
    number = numbers(1)[0]
    client = fake(flows=[flow(number)], flex_pool={number: True})
    module, result = run(Module, dict(phone_number=number, proxy_service=FLEX), client)
    assert result["changed"] is False and client.writes == []
    assert result["proxy_service"]["is_reserved"] is True


# -- check mode, diffs, single form -------------------------------------------------------

def test_check_mode_diffs_show_address_then_pool_per_number_in_entry_order():
    wanted = list(reversed(numbers(6)))
    client = fake()
    module, result = run(Module, dict(addresses=addresses(*wanted), proxy_service=FLEX, concurrency=4), client,
                         check_mode=True, diff=True)
    assert result["changed"] is True and client.writes == []
    expected = []
    for number in wanted:
        expected += ["SMS address %s" % number, "%s in Proxy service %s (%s)" % (number, FLEX, KS_FLEX)]
    assert [d["before_header"] for d in module.diffs] == expected
    assert module.diffs[1]["before"] == {} and module.diffs[1]["after"]["proxy_service_sid"] == KS_FLEX
    assert [(r["address"], r["address_changed"], r["proxy_service"]["member"], r["proxy_service"]["changed"])
            for r in result["addresses"]] == [(None, True, True, True)] * 6


def test_single_form_has_top_level_keys_and_one_filtered_number_look_up():
    number = numbers(1)[0]
    client = fake()
    module, result = run(Module, dict(phone_number=number, proxy_service=KS_FLEX), client)
    assert "addresses" not in result and "phone_number" not in result
    assert result["address"]["phone_number"] == number and result["address_changed"] is True
    assert result["proxy_service"] == dict(sid=KS_FLEX, name=FLEX, member=True, is_reserved=False, changed=True)
    looked_up = [c[1] for c in client.calls if c[0] == "list incoming_numbers"]
    assert looked_up == [dict(account_sid=ACCOUNT, page_size=1000, phone_number=number)]
    # The membership is read with one fetch, not a listing of the pool.
    assert "fetch proxy_number" in client.names()


def test_unknown_proxy_service_fails_naming_the_known_ones():
    client = fake()
    with pytest.raises(ValidationError, match=r"proxy_service='Nope': no Proxy service .*Known: Flex Proxy Service, Sales Proxy"):
        run(Module, dict(phone_number=numbers(1)[0], proxy_service="Nope"), client)
    assert client.writes == []


# -- option combinations refused before any request -----------------------------------------

@pytest.mark.parametrize("args, message", [
    (dict(take_over=True), r"^take_over is only used with proxy_service: set proxy_service"),
    (dict(is_reserved=True), r"^is_reserved is only used with proxy_service: set proxy_service"),
    (dict(proxy_service=FLEX, state="absent", take_over=True), r"^take_over is only used with state=present"),
    (dict(proxy_service=FLEX, state="absent", is_reserved=True), r"^is_reserved is only used with state=present"),
    (dict(state="absent", check_send_to_flex="fail"), r"^check_send_to_flex=fail is only used with state=present"),
    (dict(state="absent", check_send_to_flex="warn"), r"^check_send_to_flex=warn is only used with state=present"),
    (dict(proxy_service="MG" + "0" * 32), r"^proxy_service='MG0+' looks like a SID of another kind"),
    (dict(proxy_service=" "), r"^proxy_service must not be empty"),
])
def test_option_combinations_are_refused_before_any_request(args, message):
    client = fake()
    with pytest.raises(ValidationError, match=message):
        run(Module, dict(args, phone_number=numbers(1)[0]), client)
    assert client.calls == []


def test_take_over_false_and_check_send_to_flex_skip_are_accepted_without_the_other_options():
    client = fake()
    module, result = run(Module, dict(phone_number=numbers(1)[0], take_over=False, check_send_to_flex="skip",
                                      state="absent"), client)
    assert result["changed"] is False


def test_option_error_through_main_names_the_option_and_sends_nothing(capsys):
    code, result = run_main(mod, capsys, phone_number=numbers(1)[0], state="absent", check_send_to_flex="fail")
    assert code == 1 and result["failed"] is True
    assert result["msg"].startswith("check_send_to_flex=fail is only used with state=present")
    assert result["api_stats"]["requests"] == 0


# -- regressions of bugs found by these tests ---------------------------------------------------

@pytest.mark.parametrize("args", [dict(), dict(proxy_service=FLEX, state="absent")])
def test_is_reserved_false_is_refused_like_true(args):
    client = fake()
    with pytest.raises(ValidationError, match="is_reserved is only used with"):
        run(Module, dict(args, phone_number=numbers(1)[0], is_reserved=False), client)


def test_absent_by_a_gone_sid_touches_no_pool_membership():
    owned = numbers(2)
    client = FakeClient(numbers=owned, proxy_services=[proxy_service(KS_FLEX, FLEX, {owned[0]: False})])
    module, result = run(Module, dict(sid="FO" + "0" * 32, state="absent", proxy_service=FLEX), client)
    assert client.pool(KS_FLEX) == {client.number_sid(owned[0]): False}
    assert client.writes == []
    assert result["changed"] is False


def test_missing_studio_flow_sid_is_one_of_the_preflight_problems():
    client = fake()
    with pytest.raises(ApiError) as err:
        run(Module, dict(addresses=[dict(phone_number=numbers(1)[0], studio_flow="FW" + "0" * 32),
                                    dict(phone_number=HELD_BY_MG)],
                         proxy_service=FLEX, check_send_to_flex="fail"), client)
    assert client.writes == []
    assert err.value.msg.startswith("Nothing was changed: ")
    assert HELD_BY_MG in err.value.msg


# -- regressions of the review of the routing change ---------------------------------------------

MISSING_FW = "FW" + "9" * 32


@pytest.mark.parametrize("mode", ["warn", "fail"])
@pytest.mark.parametrize("extra", [dict(), dict(proxy_service=FLEX)])
def test_a_studio_flow_sid_that_does_not_exist_is_refused_in_warn_mode_too(mode, extra):
    client = fake()
    with pytest.raises(ApiError) as err:
        run(Module, dict(extra, phone_number=numbers(1)[0], studio_flow=MISSING_FW, check_send_to_flex=mode), client)
    assert err.value.msg.startswith("Nothing was changed: studio_flow=%s: no Studio flow with that SID" % MISSING_FW)
    assert "give the SID or name of an existing flow" in err.value.msg
    # not the advice for a flow that exists but cannot reach Send to Flex
    assert "check_send_to_flex to warn" not in err.value.msg
    assert client.writes == []


def _refuse_proxy_join(monkeypatch, number_sid):
    original = FakePool.create

    def create(self, sid=None, is_reserved=None, **kwargs):
        if self.kind == "proxy" and sid == number_sid:
            self.fake.record("create proxy_number", service_sid=self.service["sid"], sid=sid)
            raise TwilioRestException(400, "https://proxy.twilio.com/v1/Services", "Number country not supported", 80605, "POST")
        return original(self, sid=sid, is_reserved=is_reserved, **kwargs)
    monkeypatch.setattr(FakePool, "create", create)


def test_a_failed_join_after_take_over_reports_what_was_written(monkeypatch):
    client = fake()
    _refuse_proxy_join(monkeypatch, client.number_sid(HELD_BY_MG))
    with pytest.raises(ApiError) as err:
        run(Module, dict(phone_number=HELD_BY_MG, proxy_service=FLEX, take_over=True), client)
    assert err.value.details["changed"] is True
    assert ("Already done for %s before that: its SMS address was created, it was taken out of the service(s) "
            "that held it (take_over); run the task again to finish." % HELD_BY_MG) in err.value.msg
    # the refused join was sent last and changed nothing
    assert [w[0] for w in client.writes] == ["create flex_flow", "delete messaging_number", "create proxy_number"]
    assert client.number_sid(HELD_BY_MG) not in client.pool(KS_FLEX)


def test_list_form_failed_item_keeps_changed(monkeypatch):
    client = fake()
    _refuse_proxy_join(monkeypatch, client.number_sid(numbers(1)[0]))
    with pytest.raises(ApiError) as err:
        run(Module, dict(addresses=addresses(*numbers(2)), proxy_service=FLEX), client)
    results = err.value.details["results"]
    assert results[0]["failed"] and results[0]["changed"] is True and "its SMS address was created" in results[0]["msg"]
    assert results[1]["changed"] is True and "failed" not in results[1]
    assert err.value.details["changed"] is True


def test_nested_for_each_keeps_the_outer_items_diffs():
    module = make_module(Module, dict(phone_number=numbers(1)[0]), fake())

    def outer(name):
        module.add_diff("%s a" % name, None, {"a": 1})
        module.for_each([1, 2], lambda i: module.add_diff("%s inner %d" % (name, i), None, {"i": i}), concurrency=1)
        module.add_diff("%s b" % name, None, {"a": 1})
        return name

    assert module.for_each(["x", "y"], outer, concurrency=1) == ["x", "y"]
    assert [d["before_header"] for d in module.diffs] == [
        "x a", "x inner 1", "x inner 2", "x b", "y a", "y inner 1", "y inner 2", "y b"]
