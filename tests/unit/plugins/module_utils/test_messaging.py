# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""messaging_service (issue 14, A2P 10DLC) in flex_sms_address and phone_number_handler, against the in-memory
SDK stand-in: the write order (leave -> join the pool -> rejoin; a pooled number only joins), the checks before
any write (a service that does not defer, take_over on an A2P service), UpdateService with the service's other
numbers, and what happens when a write after "leave" fails: the number is put back in its service within the
run, or the error names exactly what is left and a rerun finishes it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import requests
from twilio.base.exceptions import TwilioRestException

from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError
from ansible_collections.flexops.twilio.plugins.modules import flex_sms_address, phone_number_handler
from ansible_collections.flexops.twilio.tests.unit.plugins.modules.flex_sms_fake import (
    KS_FLEX,
    FakeClient,
    messaging_service,
    proxy_service,
    run,
)

A2P_MG = "MG" + "a" * 32
PLAIN_MG = "MG" + "b" * 32
IN_A2P = "+15551230001"      # in the A2P service, not pooled
POOLED = "+15551230002"      # pooled, in no Messaging Service
OTHER = "+15559990000"       # the A2P service's other number
FLEX = "Flex Proxy Service"
Address = flex_sms_address.FlexSmsAddress
Handler = phone_number_handler.PhoneNumberHandler


def fake(defers=False, a2p=True):
    return FakeClient(
        proxy_services=[proxy_service(KS_FLEX, FLEX, {POOLED: False})],
        messaging_services=[
            messaging_service(A2P_MG, "Support A2P", [IN_A2P, OTHER], use_inbound_webhook_on_number=defers, a2p=a2p),
            messaging_service(PLAIN_MG, "Marketing", []),
        ])


def address_args(number=IN_A2P, **extra):
    args = dict(phone_number=number, proxy_service=FLEX, messaging_service="Support A2P",
                messaging_service_defer_inbound=True)
    args.update(extra)
    return args


def writes(client):
    """The writes as (what, number or service) in order."""
    return [(what, kwargs.get("sid") or kwargs.get("phone_number_sid") or kwargs.get("service_sid") or kwargs.get("contact_identity"))
            for what, kwargs in client.writes]


def in_a2p(client, number):
    return client.number_sid(number) in client.pool(A2P_MG)


def pooled(client, number):
    return client.number_sid(number) in client.pool(KS_FLEX)


def error(status, code=None):
    return TwilioRestException(status, "https://twilio.test/x", "simulated failure", code or status, "POST")


# -- order -------------------------------------------------------------------------------

def test_number_of_the_service_leaves_joins_the_pool_and_rejoins_after_the_service_defers():
    client = fake()
    sid = client.number_sid(IN_A2P)
    module, result = run(Address, address_args(), client)
    assert [w[0] for w in client.writes] == [
        "create flex_flow", "update messaging_service", "delete messaging_number", "create proxy_number",
        "create messaging_number"]
    assert writes(client)[2:] == [("delete messaging_number", sid), ("create proxy_number", sid),
                                  ("create messaging_number", sid)]
    assert client.writes[1][1] == dict(service_sid=A2P_MG, use_inbound_webhook_on_number=True)
    assert pooled(client, IN_A2P) and in_a2p(client, IN_A2P)
    assert result["changed"] is True
    assert result["messaging_service"] == dict(sid=A2P_MG, name="Support A2P", member=True, a2p=True, changed=True)
    assert result["messaging_services"] == [dict(
        sid=A2P_MG, name="Support A2P", a2p=True, use_inbound_webhook_on_number=True, changed=True,
        other_numbers=[dict(phone_number=OTHER, sid=client.number_sid(OTHER))])]


def test_pooled_number_outside_the_service_only_joins_it():
    client = fake(defers=True)
    module, result = run(Address, address_args(POOLED), client)
    assert [w[0] for w in client.writes] == ["create flex_flow", "create messaging_number"]
    assert in_a2p(client, POOLED) and pooled(client, POOLED)
    assert result["messaging_services"][0]["changed"] is False
    assert result["messaging_services"][0]["other_numbers"] == []


def test_no_change_writes_nothing_and_reads_the_services_and_one_pool():
    client = fake()
    run(Address, address_args(), client)
    client.calls = []
    module, result = run(Address, address_args(), client)
    assert client.writes == []
    assert result["changed"] is False
    assert result["messaging_service"]["changed"] is False
    messaging = [name for name in client.names() if "messaging" in name]
    assert messaging == ["list messaging_services", "list messaging_numbers"]


def test_handler_same_order_and_rerun():
    client = fake()
    sid = client.number_sid(IN_A2P)
    module, result = run(Handler, dict(phone_number=IN_A2P, messaging_service=A2P_MG, messaging_service_defer_inbound=True),
                         client)
    assert writes(client) == [("update messaging_service", A2P_MG), ("delete messaging_number", sid),
                              ("create proxy_number", sid), ("create messaging_number", sid)]
    assert result["messaging_service"]["member"] and result["handler"]["proxy_service_sid"] == KS_FLEX
    client.calls = []
    module, result = run(Handler, dict(phone_number=IN_A2P, messaging_service=A2P_MG), client)
    assert client.writes == [] and result["changed"] is False


def test_absent_leaves_the_membership_alone():
    client = fake(defers=True)
    run(Address, address_args(), client)
    client.calls = []
    run(Address, dict(phone_number=IN_A2P, proxy_service=FLEX, state="absent"), client)
    assert [w[0] for w in client.writes] == ["delete proxy_number", "delete flex_flow"]
    assert in_a2p(client, IN_A2P) and not pooled(client, IN_A2P)


# -- refused before any write ------------------------------------------------------------------

@pytest.mark.parametrize("module_class, args", [
    (Address, dict(phone_number=IN_A2P, proxy_service=FLEX, take_over=True)),
    (Handler, dict(phone_number=IN_A2P, take_over=True)),
    (Handler, dict(phone_numbers=[POOLED, "+15551230003", IN_A2P], take_over=True)),
])
def test_take_over_never_takes_a_number_out_of_an_a2p_service(module_class, args):
    client = fake()
    with pytest.raises(ApiError) as info:
        run(module_class, args, client)
    assert client.writes == []
    assert "A2P 10DLC" in info.value.msg and "Support A2P" in info.value.msg and A2P_MG in info.value.msg
    assert "set messaging_service" in info.value.msg
    assert [p["code"] for p in info.value.problems] == ["a2p_take_over"]
    assert info.value.problems[0]["holder"]["sid"] == A2P_MG


def test_take_over_of_a_service_that_is_not_a2p_still_moves_the_number():
    client = fake(a2p=False)
    run(Address, dict(phone_number=IN_A2P, proxy_service=FLEX, take_over=True), client)
    assert [w[0] for w in client.writes] == ["create flex_flow", "delete messaging_number", "create proxy_number"]
    assert pooled(client, IN_A2P) and not in_a2p(client, IN_A2P)


@pytest.mark.parametrize("module_class, args", [
    (Address, dict(phone_number=IN_A2P, proxy_service=FLEX, messaging_service="Support A2P")),
    (Handler, dict(phone_number=IN_A2P, messaging_service="Support A2P")),
    (Address, dict(addresses=[dict(phone_number=POOLED), dict(phone_number=IN_A2P)], proxy_service=FLEX,
                   messaging_service=A2P_MG)),
])
def test_a_service_that_does_not_defer_is_refused_without_the_defer_option(module_class, args):
    client = fake()
    with pytest.raises(ApiError) as info:
        run(module_class, args, client)
    assert client.writes == []
    assert "does not defer inbound" in info.value.msg and "messaging_service_defer_inbound" in info.value.msg
    assert [p["code"] for p in info.value.problems] == ["messaging_service_not_deferring"]


def test_check_mode_shows_defer_and_membership_and_writes_nothing():
    client = fake()
    module, result = run(Address, address_args(), client, check_mode=True, diff=True)
    assert client.writes == []
    labels = [d["before_header"] for d in module.diffs]
    member = "%s in Messaging Service Support A2P (%s)" % (IN_A2P, A2P_MG)
    assert labels == ["SMS address %s" % IN_A2P, "Messaging Service Support A2P (%s)" % A2P_MG, member,
                      "%s in Proxy service %s (%s)" % (IN_A2P, FLEX, KS_FLEX), member]
    assert module.diffs[1]["before"] == dict(use_inbound_webhook_on_number=False)
    assert module.diffs[1]["after"] == dict(use_inbound_webhook_on_number=True, other_numbers=[OTHER])
    assert module.diffs[2]["after"] == {} and module.diffs[4]["before"] == {}
    assert result["messaging_service"]["changed"] is True


# -- failures after "leave" -----------------------------------------------------------------------

def collapsed(writes):
    """The writes with repeats of the same write in a row counted once."""
    return [w for i, w in enumerate(writes) if i == 0 or w != writes[i - 1]]


def test_failed_pool_join_puts_the_number_back_in_its_service():
    client = fake(defers=True)
    client.fail("create proxy_number", error(503), times=50)  # fails however often it is repeated
    with pytest.raises(ApiError) as info:
        run(Address, address_args(), client)
    writes = [w[0] for w in client.writes]
    assert writes.count("create proxy_number") > 1  # a 503 is read again and repeated (write_once) first
    assert collapsed(writes) == [
        "create flex_flow", "delete messaging_number", "create proxy_number", "create messaging_number"]
    assert in_a2p(client, IN_A2P) and not pooled(client, IN_A2P)
    assert "was put back in Messaging Service Support A2P" in info.value.msg
    assert [p["code"] for p in info.value.problems] == ["proxy_pool_join_failed"]
    assert info.value.details["changed"] is True
    client.faults.clear()
    client.calls = []
    run(Address, address_args(), client)
    assert [w[0] for w in client.writes] == ["delete messaging_number", "create proxy_number", "create messaging_number"]
    assert in_a2p(client, IN_A2P) and pooled(client, IN_A2P)


def test_failed_rejoin_is_read_again_and_repeated():
    client = fake(defers=True)
    client.fail("create messaging_number", error(503))
    module, result = run(Address, address_args(), client)
    assert [w[0] for w in client.writes][-2:] == ["create messaging_number", "create messaging_number"]
    assert "fetch messaging_number" in client.names()
    assert in_a2p(client, IN_A2P) and pooled(client, IN_A2P)
    assert any("Twilio answered HTTP 503; not applied on re-reading, sent again (retry 1 of 5)" in w
               for w in module.warnings)
    assert module.stats.as_dict()["retries"] >= 1


def test_rejoin_whose_answer_was_lost_is_found_on_re_reading():
    client = fake(defers=True)
    client.fail("create messaging_number", requests.exceptions.ConnectionError("reset"), applied=True)
    module, result = run(Address, address_args(), client)
    assert [w[0] for w in client.writes].count("create messaging_number") == 1
    assert in_a2p(client, IN_A2P) and result["messaging_service"]["member"]


def test_rejoin_failing_until_the_repeats_are_used_up_names_what_is_left_and_the_rerun_finishes():
    client = fake(defers=True)
    client.fail("create messaging_number", error(503), times=2)  # the first try and its one repeat (retries=1)
    with pytest.raises(ApiError) as info:
        run(Address, address_args(retries=1), client)
    assert [w[0] for w in client.writes].count("create messaging_number") == 2
    assert "each time not applied on re-reading; retries=1 are used up" in info.value.msg
    assert pooled(client, IN_A2P) and not in_a2p(client, IN_A2P)
    assert "%s is not in Messaging Service Support A2P (%s)" % (IN_A2P, A2P_MG) in info.value.msg
    assert "A2P 10DLC" in info.value.msg and "run the task again" in info.value.msg
    assert [p["code"] for p in info.value.problems] == ["messaging_service_rejoin_failed"]
    client.calls = []
    run(Address, address_args(), client)
    assert [w[0] for w in client.writes] == ["create messaging_number"]
    assert in_a2p(client, IN_A2P) and pooled(client, IN_A2P)


def test_refused_rejoin_is_not_repeated():
    client = fake(defers=True)
    client.fail("create messaging_number", error(400, 21714))
    with pytest.raises(ApiError) as info:
        run(Handler, dict(phone_number=IN_A2P, messaging_service="Support A2P"), client)
    assert [w[0] for w in client.writes].count("create messaging_number") == 1
    assert [p["code"] for p in info.value.problems] == ["messaging_service_rejoin_failed"]


def test_pool_join_and_rejoin_both_failing_names_both():
    client = fake(defers=True)
    client.fail("create proxy_number", error(503), times=50)  # fails however often it is repeated
    client.fail("create messaging_number", error(503), times=2)  # the first try and its one repeat (retries=1)
    with pytest.raises(ApiError) as info:
        run(Handler, dict(phone_number=IN_A2P, messaging_service="Support A2P", retries=1), client)
    assert not pooled(client, IN_A2P) and not in_a2p(client, IN_A2P)
    assert "joining the Proxy service failed" in info.value.msg
    assert "%s is not in Messaging Service Support A2P" % IN_A2P in info.value.msg
    assert [p["code"] for p in info.value.problems] == ["messaging_service_rejoin_failed"]
    client.faults.clear()
    client.calls = []
    run(Handler, dict(phone_number=IN_A2P, messaging_service="Support A2P"), client)
    assert [w[0] for w in client.writes] == ["create proxy_number", "create messaging_number"]
    assert in_a2p(client, IN_A2P) and pooled(client, IN_A2P)


# -- every write through write_once: UpdateService and leave ---------------------------------------------


def test_defer_update_whose_answer_was_lost_is_found_on_re_reading_and_not_sent_again():
    client = fake()
    client.fail("update messaging_service", requests.exceptions.ConnectionError("reset"), applied=True)
    module, result = run(Address, address_args(), client)
    assert [w[0] for w in client.writes].count("update messaging_service") == 1
    assert "fetch messaging_service" in client.names()
    assert any("UseInboundWebhookOnNumber=true): the answer was lost in transit; found it applied on re-reading" in w
               for w in module.warnings)
    assert in_a2p(client, IN_A2P) and pooled(client, IN_A2P)


def test_defer_update_not_applied_is_read_again_and_repeated():
    client = fake()
    client.fail("update messaging_service", error(503))
    module, result = run(Address, address_args(), client)
    assert [w[0] for w in client.writes].count("update messaging_service") == 2
    assert any("not applied on re-reading, sent again (retry 1 of 5)" in w for w in module.warnings)
    assert result["messaging_services"][0]["changed"] is True


def test_leave_whose_retries_are_used_up_is_read_again_and_counts_when_gone():
    client = fake(defers=True)
    client.fail("delete messaging_number", error(503), applied=True)  # applied, answered 503 (retries used up)
    module, result = run(Address, address_args(), client)
    assert [w[0] for w in client.writes].count("delete messaging_number") == 1
    assert "fetch messaging_number" in client.names()
    assert any("Twilio answered HTTP 503; found it deleted on re-reading" in w for w in module.warnings)
    assert in_a2p(client, IN_A2P) and pooled(client, IN_A2P)
