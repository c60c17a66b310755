# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.flexops.twilio.plugins.module_utils import _limits
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError

FO = "FO" + "0" * 32


@pytest.mark.parametrize("method,host,path,name,rate", [
    ("GET", "flex-api.twilio.com", "/v1/FlexFlows", "flex_flow_list", 10),
    ("GET", "flex-api.sydney.au1.twilio.com", "/v1/FlexFlows", "flex_flow_list", 10),
    ("GET", "flex-api.twilio.com", "/v1/FlexFlows/" + FO, "flex_flow_fetch", 2),
    ("POST", "flex-api.twilio.com", "/v1/FlexFlows", "flex_flow_create", 2),
    ("POST", "flex-api.twilio.com", "/v1/FlexFlows/" + FO, "flex_flow_update", 1),
    ("DELETE", "flex-api.twilio.com", "/v1/FlexFlows/" + FO, "flex_flow_delete", 2),
    ("GET", "flex-api.twilio.com", "/v1/Configuration", None, None),
    ("POST", "conversations.twilio.com", "/v1/Configuration/Addresses", None, None),
    ("POST", "proxy.twilio.com", "/v1/FlexFlows", None, None),
])
def test_documented_rates(method, host, path, name, rate):
    assert _limits.Limits().rate_for(method, host, path) == (name, rate)


def test_documented_capacities():
    assert _limits.Limits().capacities == {
        "flex_flows": 2500, "proxy_numbers": 500, "proxy_reserved_numbers": 5000, "messaging_service_numbers": 400}


def test_account_limits_override_only_what_they_name():
    limits = _limits.limits_from({"account_limits": {"flex_flow_update": 5, "flex_flows": "10000"}})
    assert limits.rates["flex_flow_update"] == 5.0
    assert limits.rates["flex_flow_create"] == 2
    assert limits.capacities["flex_flows"] == 10000
    assert limits.capacities["proxy_numbers"] == 500
    assert limits.seconds("flex_flow_create", 200) == 100.0
    assert limits.seconds("flex_flow_update", 0) == 0.0


@pytest.mark.parametrize("given,code,option", [
    ({"flex_flow_creates": 2}, "invalid_value", "account_limits.flex_flow_creates"),
    ({"flex_flow_create": 0}, "out_of_range", "account_limits.flex_flow_create"),
    ({"flex_flow_create": "fast"}, "out_of_range", "account_limits.flex_flow_create"),
    ({"flex_flow_create": True}, "out_of_range", "account_limits.flex_flow_create"),
    ({"flex_flows": 2.5}, "out_of_range", "account_limits.flex_flows"),
    ({"proxy_numbers": -1}, "out_of_range", "account_limits.proxy_numbers"),
])
def test_bad_account_limits(given, code, option):
    with pytest.raises(ValidationError) as err:
        _limits.limits_from({"account_limits": given})
    problem = err.value.problems[0]
    assert (problem["code"], problem["option"]) == (code, option)
    assert problem["fix"]


def test_no_option_means_documented_limits():
    assert _limits.limits_from({}).rates == _limits.limits_from({"account_limits": None}).rates


# -- the pacer ------------------------------------------------------------------------------------------------


class FakeTime(object):
    """A clock and a sleep that advances it, so pacing is checked without waiting."""

    def __init__(self):
        self.now = 100.0
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(round(seconds, 6))
        self.now += seconds


def pacer(rates=None):
    fake = FakeTime()
    return _limits.Pacer(_limits.limits_from({"account_limits": rates}), clock=fake.clock, sleep=fake.sleep), fake


def test_pacer_spaces_requests_at_the_rate_without_burst():
    p, fake = pacer()
    for _attempt in range(5):
        p.wait("flex_flow_create")
    assert fake.slept == [0.5, 0.5, 0.5, 0.5]  # the first at once, then one per 0.5 s (2/s), no burst
    assert fake.now == 102.0
    p.wait("flex_flow_update")  # each endpoint has its own slots: nothing booked there yet
    assert fake.now == 102.0
    p.wait("flex_flow_update")
    assert abs(fake.now - (102.0 + 1 / 0.95)) < 1e-9  # 1/s: the bucket holds one request, so 95 % of the rate


def test_pacer_uses_the_account_limits_and_paces_only_limited_endpoints():
    p, fake = pacer({"flex_flow_create": 10})
    for _attempt in range(11):
        p.wait("flex_flow_create")
    assert abs(fake.now - 101.0) < 1e-9  # 10/s
    assert p.endpoint("POST", "https://flex-api.twilio.com/v1/FlexFlows") == "flex_flow_create"
    assert p.endpoint("GET", "https://flex-api.twilio.com:443/v1/FlexFlows?PageSize=1000") == "flex_flow_list"
    assert p.endpoint("DELETE", "https://flex-api.twilio.com/v1/FlexFlows/" + FO) == "flex_flow_delete"
    assert p.endpoint("POST", "https://proxy.twilio.com/v1/Services/KS1/PhoneNumbers") is None
    assert p.endpoint("POST", "https://conversations.twilio.com/v1/Configuration/Addresses") is None


def test_pacer_slows_down_on_429_honours_retry_after_and_recovers():
    p, fake = pacer()
    p.wait("flex_flow_create")
    p.slow_down("flex_flow_create")
    assert p.pace["flex_flow_create"] == 1.5  # a quarter less
    p.wait("flex_flow_create")  # the slot booked before the 429 (0.5 s)
    p.wait("flex_flow_create")  # then 1 / 1.5 s apart
    assert fake.slept == [0.5, round(1 / 1.5, 6)]
    for _attempt in range(30):
        p.slow_down("flex_flow_create")
    assert p.pace["flex_flow_create"] == pytest.approx(0.2)  # never below a tenth of the rate
    p.slow_down("flex_flow_create", retry_after=30)
    before = fake.now
    p.wait("flex_flow_create")
    assert fake.now >= before + 30  # Retry-After: the next slot is after it
    for _attempt in range(30):
        p.answered("flex_flow_create")
    assert p.pace["flex_flow_create"] == 2.0  # back to the rate, not above it
    assert p.slowed == 32


def test_pacer_is_shared_by_threads():
    import threading
    import time as real_time

    p = _limits.Pacer(_limits.limits_from({"account_limits": {"flex_flow_create": 20}}))
    sent = []
    lock = threading.Lock()

    def worker():
        for _attempt in range(5):
            p.wait("flex_flow_create")
            with lock:
                sent.append(real_time.monotonic())

    threads = [threading.Thread(target=worker) for _attempt in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent.sort()
    # 40 requests from 8 threads at 20/s: one pace for all, so they spread over at least 39 slots of 0.05 s
    # (sleeping threads may wake late, so the gaps themselves are not checked)
    assert len(sent) == 40 and sent[-1] - sent[0] >= 39 / 20.0 - 0.05
    assert sorted(p.next_slot.values())[0] - min(sent) >= 40 / 20.0 - 0.1


def test_a_429_inside_urllib3_is_paced_with_the_host_of_the_pool():
    # urllib3 passes the path to Retry.increment; the pacer learns the host from the connection pool
    from ansible_collections.flexops.twilio.plugins.module_utils import _client

    class Pool(object):
        host = "flex-api.twilio.com"

    class Answer(object):
        status = 429
        headers = {}

        @staticmethod
        def get_redirect_location():
            return False

        def getheader(self, name, default=None):
            return default

    p, fake = pacer()
    retry = _client.retry_policy({"retries": 1, "retry_max_backoff": 30.0})
    retry.pacer = p
    retry = retry.increment("POST", "/v1/FlexFlows/" + FO, response=Answer(), _pool=Pool())
    assert retry.last_request == ("POST", "https://flex-api.twilio.com/v1/FlexFlows/" + FO)
    retry.sleep(Answer())
    assert p.slowed == 1 and p.pace["flex_flow_update"] < 0.95  # paced (and slowed), not the backoff
