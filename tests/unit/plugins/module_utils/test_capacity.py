# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Twilio's capacities (issue 20), one test per limit, against the simulator with small capacities.

A task that would take the account past its Flex Flows, a Proxy pool past its non-reserved or reserved
numbers, or a Messaging Service past its numbers is refused before its first write, in check mode too:
``capacity_exceeded`` with the holder, how many are there and how many the task adds, and the fix; the
simulator's log has no write. ``account_limits`` (the account's raised limits) lets the same task through.
flex_sms_route_info reports each pool's use and warns from 90 %, without a request of its own.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os

import pytest
import yaml

from ansible_collections.flexops.twilio.plugins.modules import flex_sms_address, flex_sms_route_info, phone_number_handler

from ansible_collections.flexops.twilio.tests.unit.plugins.modules.module_runner import run_main

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
DEFAULT_SEED = os.path.join(REPO, "tests", "simulator", "seeds", "default.yml")
AC = "ACc5eaed71948a8c235d2cc71d851bb311"
TOKEN = "sim-auth-token-c5eaed71948a8c235d2cc71d"
FLEX_KS = "KS9821e8485ae99902ad0ab1ae1bd003c0"
MG = "MG6d4a29fa859c0d538210f7083758f93e"
NEW = ["+1415555%04d" % (3000 + i) for i in range(4)]  # numbers of the account with nothing on them


def seed(**capacities):
    """The default seed (2 Flex Flows, 1 number in the Flex Proxy Service, 1 in the Messaging Service) plus NEW,
    with the given capacities."""
    with open(DEFAULT_SEED) as handle:
        data = yaml.safe_load(handle)
    data = copy.deepcopy(data)
    account = data["accounts"][0]
    account["incoming_phone_numbers"] += [dict(sid="PN%032x" % (0xca9 + i), phone_number=e164)
                                          for i, e164 in enumerate(NEW)]
    account["capacities"] = capacities
    return data


def run(sim, module, check_mode=False, **args):
    """The module in-process against the simulator; its ``account_limits`` are the seed's capacities unless given
    (the module knows only Twilio's documented limits and the account's own: a small pool is a raised limit's
    opposite, told the same way). Returns (rc, result, the writes the simulator logged)."""
    start = len(sim.log())
    args.setdefault("account_limits", sim.state()[AC]["capacities"])
    args.update(account_sid=AC, auth_token=TOKEN)
    if check_mode:
        args["_ansible_check_mode"] = True
    rc, result = run_main(module, pytest.capsys_fixture, **args)
    return rc, result, [e for e in sim.log()[start:] if e["write"]]


@pytest.fixture(autouse=True)
def _capsys(capsys):
    pytest.capsys_fixture = capsys
    yield
    del pytest.capsys_fixture


@pytest.fixture
def warnings(monkeypatch):
    """The warnings the modules emit (AnsibleModule.warn; ansible-core 2.19 leaves them out of the result JSON)."""
    from ansible.module_utils.basic import AnsibleModule

    seen = []
    monkeypatch.setattr(AnsibleModule, "warn", lambda self, msg: seen.append(msg))
    return seen


def refused(rc, result, writes, limit, holder_type, holder_sid, in_use, adds, fix_words):
    assert rc == 1, result
    assert writes == []
    [problem] = [p for p in result["problems"] if p["code"] == "capacity_exceeded"]
    assert problem["option"] == "account_limits." + limit
    assert (problem["holder"]["type"], problem["holder"]["sid"]) == (holder_type, holder_sid)
    assert "has %d " % in_use in problem["msg"] and "would add %d " % adds in problem["msg"]
    for words in fix_words:
        assert words in problem["fix"]
    assert result["msg"].startswith("Nothing was changed: ")
    [capacity] = [c for c in result["capacity"] if c["limit"] == limit]
    assert (capacity["in_use"], capacity["adds"], capacity["after"]) == (in_use, adds, in_use + adds)
    return problem, capacity


@pytest.mark.parametrize("check_mode", [False, True])
def test_flex_flows_past_the_account_limit_are_refused(sim, check_mode):
    sim.reset(seed(flex_flows=3))
    rc, result, writes = run(sim, flex_sms_address, check_mode, addresses=[dict(phone_number=n) for n in NEW[:2]])
    problem, capacity = refused(rc, result, writes, "flex_flows", "account", AC, 2, 2,
                                ["state: absent", "replace_legacy", "account_limits.flex_flows"])
    assert capacity["capacity"] == 3 and capacity["entries"] == NEW[:2]
    assert "Account %s has 2 Flex Flows of the 3 it may hold" % AC in problem["msg"]
    assert len(sim.state()[AC]["flex_flows"]) == 2


def test_flex_flows_single_form_and_the_accounts_raised_limit(sim):
    sim.reset(seed(flex_flows=2))
    rc, result, writes = run(sim, flex_sms_address, phone_number=NEW[0])
    refused(rc, result, writes, "flex_flows", "account", AC, 2, 1, ["account_limits.flex_flows"])
    # Twilio's limit raised to 3 for this account (the simulator's is still 2): the create is sent, and refused.
    rc, result, writes = run(sim, flex_sms_address, phone_number=NEW[0], account_limits=dict(flex_flows=3))
    assert rc == 1 and [(w["path"], w["status"]) for w in writes] == [("/v1/FlexFlows", 400)]
    assert "45210" in result["msg"]


@pytest.mark.parametrize("check_mode", [False, True])
def test_non_reserved_proxy_numbers_past_the_pool_limit_are_refused(sim, check_mode):
    sim.reset(seed(proxy_numbers=2))
    rc, result, writes = run(sim, phone_number_handler, check_mode, phone_numbers=NEW[:2])
    problem, capacity = refused(rc, result, writes, "proxy_numbers", "proxy_service", FLEX_KS, 1, 2,
                                ["is_reserved: true", "proxy_service", "account_limits.proxy_numbers"])
    assert "Proxy service Flex Proxy Service (%s) has 1 non-reserved numbers of the 2" % FLEX_KS in problem["msg"]
    # The reserved kind has room: the same numbers as reserved join.
    rc, result, writes = run(sim, phone_number_handler, check_mode, phone_numbers=NEW[:2], is_reserved=True)
    assert rc == 0 and len(writes) == (0 if check_mode else 2)


def test_non_reserved_proxy_numbers_flex_sms_address_single_form(sim):
    sim.reset(seed(proxy_numbers=1))
    rc, result, writes = run(sim, flex_sms_address, phone_number=NEW[0], proxy_service="Flex Proxy Service")
    refused(rc, result, writes, "proxy_numbers", "proxy_service", FLEX_KS, 1, 1, ["is_reserved: true"])


@pytest.mark.parametrize("check_mode", [False, True])
def test_reserved_proxy_numbers_past_the_pool_limit_are_refused(sim, check_mode):
    sim.reset(seed(proxy_reserved_numbers=1))
    rc, result, writes = run(sim, flex_sms_address, check_mode, addresses=[dict(phone_number=n) for n in NEW[:2]],
                             proxy_service="Flex Proxy Service", is_reserved=True)
    refused(rc, result, writes, "proxy_reserved_numbers", "proxy_service", FLEX_KS, 0, 2,
            ["another Proxy service", "is_reserved: false", "account_limits.proxy_reserved_numbers"])
    assert len(sim.state()[AC]["flex_flows"]) == 2  # the Flex Flows were not created either


def test_a_pooled_number_that_becomes_reserved_counts_against_the_reserved_limit(sim):
    data = seed(proxy_reserved_numbers=1)
    flex = [s for s in data["accounts"][0]["proxy_services"] if s["sid"] == FLEX_KS][0]
    flex["phone_numbers"].append(dict(sid="PN%032x" % (0xca9 + 3), is_reserved=True))  # NEW[3], reserved
    sim.reset(data)
    rc, result, writes = run(sim, phone_number_handler, phone_number="+14155550101", is_reserved=True)
    refused(rc, result, writes, "proxy_reserved_numbers", "proxy_service", FLEX_KS, 1, 1, ["is_reserved: false"])
    # Unchanged (already non-reserved): nothing is added, nothing refused.
    rc, result, writes = run(sim, phone_number_handler, phone_number="+14155550101")
    assert rc == 0 and result["changed"] is False and writes == []


@pytest.mark.parametrize("check_mode", [False, True])
def test_messaging_service_numbers_past_the_service_limit_are_refused(sim, check_mode):
    sim.reset(seed(messaging_service_numbers=2))
    rc, result, writes = run(sim, flex_sms_address, check_mode, addresses=[dict(phone_number=n) for n in NEW[:2]],
                             proxy_service="Flex Proxy Service", messaging_service="Messaging Service",
                             messaging_service_defer_inbound=True)
    problem, _capacity = refused(rc, result, writes, "messaging_service_numbers", "messaging_service", MG, 1, 2,
                                 ["another Messaging Service", "account_limits.messaging_service_numbers"])
    assert problem["holder"]["name"] == "Messaging Service"
    # phone_number_handler with messaging_service: the same refusal.
    rc, result, writes = run(sim, phone_number_handler, check_mode, phone_numbers=NEW[:2],
                             messaging_service="Messaging Service", messaging_service_defer_inbound=True)
    refused(rc, result, writes, "messaging_service_numbers", "messaging_service", MG, 1, 2, ["messaging_service"])


def test_a_number_that_leaves_and_rejoins_its_service_adds_nothing(sim):
    sim.reset(seed(messaging_service_numbers=1))
    rc, result, writes = run(sim, phone_number_handler, phone_number="+16505550104",
                             messaging_service="Messaging Service", messaging_service_defer_inbound=True)
    assert rc == 0, result
    [service] = [s for s in sim.state()[AC]["messaging_services"] if s["sid"] == MG]
    assert [m["sid"] for m in service["phone_numbers"]] == ["PNe9c8648a451fb9327893b72a85b8216d"]
    assert [(w["method"], w["path"].split("/")[-1]) for w in writes][-3:] == [
        ("DELETE", "PNe9c8648a451fb9327893b72a85b8216d"), ("POST", "PhoneNumbers"), ("POST", "PhoneNumbers")]


def test_every_pool_past_its_limit_is_named_in_one_refusal(sim):
    sim.reset(seed(flex_flows=2, proxy_numbers=1))
    rc, result, writes = run(sim, flex_sms_address, addresses=[dict(phone_number=NEW[0])],
                             proxy_service="Flex Proxy Service")
    assert rc == 1 and writes == []
    assert sorted(p["option"] for p in result["problems"] if p["code"] == "capacity_exceeded") == [
        "account_limits.flex_flows", "account_limits.proxy_numbers"]


def test_reaching_90_percent_warns_and_writes(sim, warnings):
    sim.reset(seed(proxy_numbers=2))
    rc, result, writes = run(sim, phone_number_handler, phone_number=NEW[0])
    assert rc == 0 and len(writes) == 1
    [warning] = [w for w in warnings if "80624" in w]
    assert "will have 2 non-reserved numbers after this task, 100.0% of the 2" in warning


def test_route_info_reports_every_pool_and_warns_from_90_percent(sim, warnings):
    sim.reset(seed(flex_flows=2, proxy_numbers=10, messaging_service_numbers=1))
    rc, plain, _w = run(sim, flex_sms_route_info, account_limits=None)
    assert [w for w in warnings if "80624" in w] == []  # with Twilio's documented limits nothing is near
    rc, result, writes = run(sim, flex_sms_route_info)
    assert rc == 0 and writes == []
    assert result["api_stats"]["requests"] == plain["api_stats"]["requests"]  # the report costs no request
    capacity = result["capacity"]
    assert capacity["flex_flows"] == dict(in_use=2, limit=2, percent=100.0, approaching=True, full=True)
    flex = [s for s in capacity["proxy_services"] if s["sid"] == FLEX_KS][0]
    assert flex["numbers"] == dict(in_use=1, limit=10, percent=10.0, approaching=False, full=False)
    assert flex["reserved_numbers"]["limit"] == 5000
    [service] = [s for s in capacity["messaging_services"] if s["sid"] == MG]
    assert service["numbers"]["full"] is True
    near = [w for w in warnings if "80624" in w]
    assert len(near) == 2 and any("Account %s has 2 Flex Flows" % AC in w for w in near)
    assert any("Messaging Service Messaging Service (%s) has 1 numbers" % MG in w for w in near)
    assert plain["capacity"]["flex_flows"]["limit"] == 2500


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_downgrade_past_the_flex_flow_limit_keeps_the_conversations_address(sim, check_mode):
    """replace_conversations deletes the Conversations address before it creates the Flex Flow: refused first,
    so the number keeps its Conversations address (nothing is lost)."""
    data = seed(flex_flows=2)
    data["accounts"][0]["conversations_addresses"] = [dict(
        sid="IG" + "c" * 32, type="sms", address=NEW[0],
        auto_creation=dict(enabled=True, type="webhook", webhook_url="https://example.com/conversations"))]
    sim.reset(data)
    rc, result, writes = run(sim, flex_sms_address, check_mode, addresses=[dict(phone_number=NEW[0])],
                             replace_conversations=True)
    refused(rc, result, writes, "flex_flows", "account", AC, 2, 1, ["account_limits.flex_flows"])
    assert [a["address"] for a in sim.state()[AC]["conversations_addresses"]] == [NEW[0]]
