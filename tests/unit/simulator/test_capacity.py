# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's capacities (issue 20): Twilio's documented defaults, a seed's own (top level or per account),
and the answer past each: a full Proxy pool (non-reserved and reserved, also on an IsReserved update), a full
Messaging Service (21714), an account with its most Flex Flows. A refused addition changes nothing."""

import pytest
from twilio.base.exceptions import TwilioRestException

AC = "AC" + "c" * 32
TOKEN = "capacity-token"
KS = "KS" + "c" * 32
MG = "MG" + "c" * 32
IS = "IS" + "c" * 32


def _pn(i):
    return "PN%032x" % (0xc0000 + i)


def _e164(i):
    return "+1415555%04d" % (2000 + i)


def seed(capacities=None, account_capacities=None, pooled=(), reserved=(), in_service=(), flows=0, numbers=6):
    account = dict(
        sid=AC, auth_token=TOKEN,
        incoming_phone_numbers=[dict(sid=_pn(i), phone_number=_e164(i)) for i in range(numbers)],
        proxy_services=[dict(sid=KS, unique_name="Flex Proxy Service",
                             phone_numbers=[dict(sid=_pn(i), is_reserved=i in reserved) for i in pooled])],
        messaging_services=[dict(sid=MG, friendly_name="Support", phone_numbers=[_pn(i) for i in in_service])],
        flex_flows=[dict(sid="FO%032x" % i, friendly_name="Flow %d" % i, chat_service_sid=IS, channel_type="web")
                    for i in range(flows)])
    if account_capacities is not None:
        account["capacities"] = account_capacities
    out = dict(accounts=[account])
    if capacities is not None:
        out["capacities"] = capacities
    return out


@pytest.fixture
def account_client(sim, make_client):
    return make_client(AC, TOKEN)


def refused(call):
    with pytest.raises(TwilioRestException) as info:
        call()
    return info.value


def test_the_documented_capacities_are_the_defaults(sim):
    sim.reset(seed())
    assert sim.state()[AC]["capacities"] == {"flex_flows": 2500, "proxy_numbers": 500,
                                             "proxy_reserved_numbers": 5000, "messaging_service_numbers": 400}


def test_an_account_capacity_overrides_the_seed_wide_one(sim):
    sim.reset(seed(capacities={"proxy_numbers": 3, "flex_flows": 7}, account_capacities={"proxy_numbers": 2}))
    assert sim.state()[AC]["capacities"] == {"flex_flows": 7, "proxy_numbers": 2, "proxy_reserved_numbers": 5000,
                                             "messaging_service_numbers": 400}


def test_a_full_non_reserved_pool_refuses_a_number_and_keeps_room_for_reserved_ones(sim, account_client):
    sim.reset(seed(capacities={"proxy_numbers": 2, "proxy_reserved_numbers": 3}, pooled=(0, 1)))
    pool = account_client.proxy.v1.services(KS).phone_numbers
    exc = refused(lambda: pool.create(sid=_pn(2)))
    assert (exc.status, exc.code) == (400, 80624)
    assert "2 non-reserved numbers" in exc.msg
    assert pool.create(sid=_pn(2), is_reserved=True).is_reserved is True
    members = sim.state()[AC]["proxy_services"][0]["phone_numbers"]
    assert [(m["sid"], m["is_reserved"]) for m in members] == [(_pn(0), False), (_pn(1), False), (_pn(2), True)]


def test_a_full_reserved_pool_refuses_a_reserved_number_and_an_update_to_reserved(sim, account_client):
    sim.reset(seed(capacities={"proxy_reserved_numbers": 1}, pooled=(0, 1), reserved=(0,)))
    pool = account_client.proxy.v1.services(KS).phone_numbers
    assert (refused(lambda: pool.create(sid=_pn(2), is_reserved=True)).code) == 80624
    exc = refused(lambda: pool(_pn(1)).update(is_reserved=True))
    assert (exc.status, exc.code) == (400, 80624) and "1 reserved numbers" in exc.msg
    members = sim.state()[AC]["proxy_services"][0]["phone_numbers"]
    assert [(m["sid"], m["is_reserved"]) for m in members] == [(_pn(0), True), (_pn(1), False)]
    # Back to non-reserved makes room for another reserved number.
    pool(_pn(0)).update(is_reserved=False)
    assert pool.create(sid=_pn(2), is_reserved=True).is_reserved is True


def test_a_full_messaging_service_answers_21714(sim, account_client):
    sim.reset(seed(capacities={"messaging_service_numbers": 2}, in_service=(0, 1)))
    service = account_client.messaging.v1.services(MG).phone_numbers
    exc = refused(lambda: service.create(phone_number_sid=_pn(2)))
    assert (exc.status, exc.code) == (400, 21714)
    assert [m["sid"] for m in sim.state()[AC]["messaging_services"][0]["phone_numbers"]] == [_pn(0), _pn(1)]
    service(_pn(0)).delete()
    assert service.create(phone_number_sid=_pn(2)).sid == _pn(2)


def test_an_account_with_its_most_flex_flows_refuses_another(sim, account_client):
    sim.reset(seed(capacities={"flex_flows": 2}, flows=2))
    flows = account_client.flex_api.v1.flex_flow
    exc = refused(lambda: flows.create(friendly_name="third", chat_service_sid=IS, channel_type="sms",
                                       contact_identity=_e164(0)))
    assert (exc.status, exc.code) == (400, 45210) and "2 Flex Flows" in exc.msg
    assert len(sim.state()[AC]["flex_flows"]) == 2
    log = sim.log()
    assert [(e["method"], e["status"]) for e in log if e["write"]] == [("POST", 400)]


@pytest.mark.parametrize("bad, message", [
    (seed(capacities={"proxy_numbers": 1}, pooled=(0, 1)), "2 non-reserved numbers, more than capacities.proxy_numbers=1"),
    (seed(capacities={"proxy_reserved_numbers": 0}, pooled=(0,), reserved=(0,)), "proxy_reserved_numbers=0"),
    (seed(capacities={"messaging_service_numbers": 1}, in_service=(0, 1)), "messaging_service_numbers=1"),
    (seed(capacities={"flex_flows": 1}, flows=2), "capacities.flex_flows=1"),
    (seed(capacities={"proxy_pool": 1}), "unknown capacities"),
    (seed(account_capacities={"flex_flows": -1}), "whole number"),
    (seed(account_capacities=[1]), "must be a mapping"),
])
def test_a_seed_past_its_capacities_is_refused(sim, bad, message):
    from twiliosim.store import SeedError

    with pytest.raises(SeedError, match=message):
        sim.reset(bad)
