# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""phone_number_handler's decisions against an in-memory SDK stand-in: which
requests it sends (and does not send), 80104 as success, conflicts only on
the write path, one listing per collection in list form."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import types

import pytest

from twilio.base.exceptions import TwilioRestException

from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError
from ansible_collections.flexops.twilio.plugins.modules.phone_number_handler import PhoneNumberHandler

AC = "AC" + "0123456789abcdef" * 2
FLEX_KS = "KS" + "1" * 32
OTHER_KS = "KS" + "2" * 32
MG = "MG" + "3" * 32


def pn(i):
    return "PN%032x" % i


def e164(i):
    return "+1415555%04d" % i


def obj(data):
    return types.SimpleNamespace(**dict(data))


class Fake(object):
    """Just the SDK surface the module uses, recording every call."""

    def __init__(self, numbers, pools, messaging=None, add_error=None):
        self.calls = []
        self.numbers = dict((n["sid"], n) for n in numbers)
        self.pools = pools  # {KS: {PN: is_reserved}}
        self.messaging = messaging or {}  # {MG: set(PN)}
        self.add_error = add_error
        self.api = obj(dict(v2010=obj(dict(accounts=lambda sid: obj(dict(
            incoming_phone_numbers=Collection(self, "numbers"), applications=Collection(self, "apps")))))))
        self.proxy = obj(dict(v1=obj(dict(services=Services(self, "proxy")))))
        self.messaging_client = obj(dict(v1=obj(dict(services=Services(self, "messaging")))))
        self.studio = obj(dict(v2=obj(dict(flows=Collection(self, "flows")))))

    def record(self, *call):
        self.calls.append(call)


class Collection(object):
    def __init__(self, fake, kind):
        self.fake, self.kind = fake, kind

    def stream(self, page_size=None, **filters):
        self.fake.record("list", self.kind, tuple(sorted(filters.items())))
        if self.kind != "numbers":
            return []
        items = self.fake.numbers.values()
        if "phone_number" in filters:
            items = [n for n in items if n["phone_number"] == filters["phone_number"]]
        return [obj(n) for n in items]

    def __call__(self, sid):
        fake = self.fake

        class Ctx(object):
            def fetch(self):
                fake.record("fetch", "number", sid)
                return obj(fake.numbers[sid])

            def update(self, **kwargs):
                fake.record("update", "number", sid, tuple(sorted(kwargs.items())))
                fake.numbers[sid].update(kwargs)
                return obj(fake.numbers[sid])
        return Ctx()


class Services(object):
    def __init__(self, fake, kind):
        self.fake, self.kind = fake, kind

    def stream(self, page_size=None):
        self.fake.record("list", self.kind + "_services", ())
        if self.kind == "proxy":
            return [obj(dict(sid=ks, unique_name="Flex Proxy Service" if ks == FLEX_KS else "Other")) for ks in self.fake.pools]
        return [obj(dict(sid=mg, friendly_name="Marketing", use_inbound_webhook_on_number=False)) for mg in self.fake.messaging]

    def __call__(self, service_sid):
        return obj(dict(phone_numbers=Pool(self.fake, self.kind, service_sid)))


class Pool(object):
    def __init__(self, fake, kind, service_sid):
        self.fake, self.kind, self.service_sid = fake, kind, service_sid

    def members(self):
        if self.kind == "proxy":
            return self.fake.pools[self.service_sid]
        return dict((p, False) for p in self.fake.messaging[self.service_sid])

    def stream(self, page_size=None):
        self.fake.record("list", self.kind + "_pool", self.service_sid)
        return [obj(dict(sid=p, is_reserved=r)) for p, r in self.members().items()]

    def create(self, sid, is_reserved=None):
        self.fake.record("create", self.kind + "_pool", self.service_sid, sid)
        if self.fake.add_error is not None:
            error, applied = self.fake.add_error
            if applied:
                self.fake.pools[self.service_sid][sid] = bool(is_reserved)
            raise error
        self.fake.pools[self.service_sid][sid] = bool(is_reserved)
        return obj(dict(sid=sid, is_reserved=bool(is_reserved)))

    def __call__(self, number_sid):
        pool = self

        class Member(object):
            def fetch(self):
                pool.fake.record("fetch", pool.kind + "_pool", pool.service_sid, number_sid)
                if number_sid not in pool.members():
                    raise TwilioRestException(404, "uri", "not found", 20404, "GET")
                return obj(dict(sid=number_sid, is_reserved=pool.members()[number_sid]))

            def delete(self):
                pool.fake.record("delete", pool.kind + "_pool", pool.service_sid, number_sid)
                if pool.kind == "proxy":
                    del pool.fake.pools[pool.service_sid][number_sid]
                else:
                    pool.fake.messaging[pool.service_sid].discard(number_sid)
                return True
        return Member()


def number(i, **fields):
    rec = dict(sid=pn(i), phone_number=e164(i), sms_url="", sms_method="POST", sms_fallback_url="",
               sms_fallback_method="POST", sms_application_sid="")
    rec.update(fields)
    return rec


def run(make_module, fake, check_mode=False, **params):
    module = make_module(PhoneNumberHandler, check_mode=check_mode, diff=True, **params)
    module._client = types.SimpleNamespace(api=fake.api, proxy=fake.proxy, messaging=fake.messaging_client, studio=fake.studio)
    module.validate_auth()
    module.validate()
    return module.run()


def test_no_change_costs_three_reads_and_no_conflict_look_ups(make_module):
    fake = Fake([number(1)], {FLEX_KS: {pn(1): False}, OTHER_KS: {}}, messaging={MG: set()})
    result = run(make_module, fake, phone_number=e164(1))
    assert result["changed"] is False
    assert sorted(fake.calls) == sorted([
        ("list", "numbers", (("phone_number", e164(1)),)),
        ("list", "proxy_services", ()),
        ("fetch", "proxy_pool", FLEX_KS, pn(1)),
    ])


def test_already_added_80104_counts_as_success(make_module):
    error = TwilioRestException(400, "uri", "PhoneNumber has already been added to Service", 80104, "POST")
    fake = Fake([number(1)], {FLEX_KS: {}}, add_error=(error, True))
    result = run(make_module, fake, phone_number=e164(1))
    assert result["changed"] is True
    assert result["handler"]["type"] == "proxy_service"
    assert result["handler"]["proxy_service_sid"] == FLEX_KS
    assert [c[0] for c in fake.calls].count("create") == 1
    assert fake.calls[-1] == ("fetch", "proxy_pool", FLEX_KS, pn(1))


def test_other_add_errors_fail(make_module):
    error = TwilioRestException(400, "uri", "Phone Number Not Available", 80601, "POST")
    fake = Fake([number(1)], {FLEX_KS: {}}, add_error=(error, False))
    with pytest.raises(ApiError) as failure:
        run(make_module, fake, phone_number=e164(1))
    assert "Twilio error 80601" in failure.value.msg


def test_free_number_joins_without_conflict_look_ups(make_module):
    fake = Fake([number(1)], {FLEX_KS: {}, OTHER_KS: {}}, messaging={MG: set()})
    result = run(make_module, fake, phone_number=e164(1))
    assert result["changed"] is True
    assert sorted(fake.calls) == sorted([
        ("list", "numbers", (("phone_number", e164(1)),)),
        ("list", "proxy_services", ()),
        ("fetch", "proxy_pool", FLEX_KS, pn(1)),
        # The number joins: its pool is listed once, to count it against Twilio's limit first (issue 20).
        ("list", "proxy_pool", FLEX_KS),
        ("create", "proxy_pool", FLEX_KS, pn(1)),
    ])


def test_refused_add_names_the_holders(make_module):
    error = TwilioRestException(400, "uri", "Phone Number Not Available", 80601, "POST")
    fake = Fake([number(1)], {FLEX_KS: {}, OTHER_KS: {}}, messaging={MG: {pn(1)}}, add_error=(error, False))
    with pytest.raises(ApiError) as conflict:
        run(make_module, fake, phone_number=e164(1))
    assert conflict.value.details["conflicts"] == [dict(type="messaging_service", sid=MG, name="Marketing")]
    assert "nothing was changed" in conflict.value.msg and "take_over" in conflict.value.msg
    assert [c for c in fake.calls if c[0] in ("create", "delete", "update")] == [("create", "proxy_pool", FLEX_KS, pn(1))]
    assert fake.pools[FLEX_KS] == {} and fake.messaging[MG] == {pn(1)}


def test_conflicts_are_looked_up_in_check_mode_and_nothing_is_written(make_module):
    fake = Fake([number(1)], {FLEX_KS: {}, OTHER_KS: {pn(1): True}}, messaging={MG: {pn(1)}})
    with pytest.raises(ApiError) as conflict:
        run(make_module, fake, check_mode=True, phone_number=e164(1))
    assert conflict.value.details["conflicts"] == [
        dict(type="proxy_service", sid=OTHER_KS, name="Other"),
        dict(type="messaging_service", sid=MG, name="Marketing"),
    ]
    assert "nothing was changed" in conflict.value.msg
    assert not [c for c in fake.calls if c[0] in ("create", "delete", "update")]


def test_take_over_in_check_mode_predicts_and_writes_nothing(make_module):
    fake = Fake([number(1)], {FLEX_KS: {}, OTHER_KS: {pn(1): True}}, messaging={MG: {pn(1)}})
    module_result = run(make_module, fake, check_mode=True, phone_number=e164(1), take_over=True)
    assert module_result["changed"] is True
    assert module_result["handler"]["proxy_service_sid"] == FLEX_KS
    assert not [c for c in fake.calls if c[0] in ("create", "delete", "update")]


def test_messaging_service_that_defers_to_the_number_is_no_conflict_for_a_webhook(make_module):
    fake = Fake([number(1)], {FLEX_KS: {}}, messaging={MG: {pn(1)}})
    original = Services.stream

    def deferring(self, page_size=None):
        items = original(self, page_size)
        for item in items:
            item.use_inbound_webhook_on_number = True
        return items
    Services.stream = deferring
    try:
        result = run(make_module, fake, phone_number=e164(1), handler="webhook", webhook_url="https://example.com/sms")
    finally:
        Services.stream = original
    assert result["changed"] is True
    assert fake.numbers[pn(1)]["sms_url"] == "https://example.com/sms"
    assert pn(1) in fake.messaging[MG]


def test_list_form_reads_each_collection_once(make_module):
    numbers = [number(i) for i in range(50)]
    fake = Fake(numbers, {FLEX_KS: dict((pn(i), False) for i in range(0, 50, 2))})
    result = run(make_module, fake, phone_numbers=[e164(i) for i in range(50)], concurrency=4)
    assert [r["changed"] for r in result["results"]] == [i % 2 == 1 for i in range(50)]
    reads = [c for c in fake.calls if c[0] in ("list", "fetch")]
    # Free numbers join without a conflict look-up (Twilio would refuse a held one).
    assert sorted(reads) == sorted([
        ("list", "numbers", ()), ("list", "proxy_services", ()), ("list", "proxy_pool", FLEX_KS),
    ])
    assert len([c for c in fake.calls if c[0] == "create"]) == 25
    # per-number diffs, in input order
    assert [r["diff"][0]["before_header"].split()[0] for r in result["results"] if r["changed"]] == [e164(i) for i in range(1, 50, 2)]
