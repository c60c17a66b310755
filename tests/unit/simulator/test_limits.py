# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's rate limits (Twilio's Flex Messaging Limits): token buckets per account and endpoint."""

import pytest
import requests

from twiliosim.limits import DOCUMENTED, LimitsConfigError, RateLimiter

FLOWS = "https://flex-api.twilio.com/v1/FlexFlows"


class Clock(object):
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_documented_table_matches_the_notes():
    assert dict((name, spec[3]) for name, spec in DOCUMENTED.items()) == {
        "flex_flow_list": 10, "flex_flow_fetch": 2, "flex_flow_create": 2, "flex_flow_update": 1,
        "flex_flow_delete": 2}


def test_off_by_default_and_endpoints():
    limiter = RateLimiter()
    assert not limiter.on
    assert all(limiter.take("AC1", "POST", "flex-api.twilio.com", "/v1/FlexFlows") is None for _attempt in range(20))
    assert RateLimiter.endpoint("POST", "flex-api.twilio.com", "/v1/FlexFlows") == "flex_flow_create"
    assert RateLimiter.endpoint("POST", "flex-api.dublin.ie1.twilio.com", "/v1/FlexFlows/FO" + "a" * 32) == "flex_flow_update"
    assert RateLimiter.endpoint("DELETE", "flex-api.twilio.com", "/v1/FlexFlows/FO" + "a" * 32) == "flex_flow_delete"
    assert RateLimiter.endpoint("GET", "flex-api.twilio.com", "/v1/Configuration") is None
    assert RateLimiter.endpoint("POST", "proxy.twilio.com", "/v1/FlexFlows") is None


def test_bucket_burst_of_one_second_then_the_rate_per_account():
    clock = Clock()
    limiter = RateLimiter(clock)
    limiter.configure({"rates": "documented"})
    create = ("POST", "flex-api.twilio.com", "/v1/FlexFlows")
    # a full bucket: one second's worth (2 creates), then 429 without Retry-After
    assert [limiter.take("AC1", *create) for _attempt in range(3)] == [None, None, {}]
    assert limiter.take("AC2", *create) is None  # another account has its own bucket
    clock.now += 0.25
    assert limiter.take("AC1", *create) == {}  # half a token
    clock.now += 0.25
    assert limiter.take("AC1", *create) is None  # 0.5 s at 2/s: one token
    clock.now += 10
    assert [limiter.take("AC1", *create) for _attempt in range(3)] == [None, None, {}]  # capped at the burst
    # the update bucket is separate, 1/s
    update = ("POST", "flex-api.twilio.com", "/v1/FlexFlows/FO" + "b" * 32)
    assert [limiter.take("AC1", *update) for _attempt in range(2)] == [None, {}]
    assert limiter.describe()["limited"] == 4


def test_retry_after_fixed_and_bucket_and_rates_override():
    clock = Clock()
    limiter = RateLimiter(clock)
    limiter.configure({"rates": {"flex_flow_update": 0.5, "flex_flow_create": 0}, "retry_after": "bucket"})
    update = ("POST", "flex-api.twilio.com", "/v1/FlexFlows/FO" + "b" * 32)
    assert limiter.take("AC1", *update) is None  # the burst is at least one request
    assert limiter.take("AC1", *update) == {"Retry-After": "2"}
    assert all(limiter.take("AC1", "POST", "flex-api.twilio.com", "/v1/FlexFlows") is None for _attempt in range(10))
    limiter.configure({"rates": "documented", "retry_after": 3})
    list_ = ("GET", "flex-api.twilio.com", "/v1/FlexFlows")
    answers = [limiter.take("AC1", *list_) for _attempt in range(11)]
    assert answers[:10] == [None] * 10 and answers[10] == {"Retry-After": "3"}


@pytest.mark.parametrize("spec", [
    [], {"rate": 1}, {"rates": {"flex_flow_nope": 1}}, {"rates": {"flex_flow_create": -1}},
    {"rates": {"flex_flow_create": "x"}}, {"rates": "all"}, {"retry_after": 1.5}, {"retry_after": "soon"}])
def test_bad_configuration(spec):
    with pytest.raises(LimitsConfigError):
        RateLimiter().configure(spec)


def test_through_the_proxy_429_20429_logged_and_control_api(sim, raw):
    control = requests.Session()
    answer = control.post(sim.url + "/_sim/limits", json={"rates": {"flex_flow_list": 2}, "retry_after": 1})
    assert answer.status_code == 200 and answer.json()["rates"]["flex_flow_list"] == 2.0
    statuses = [raw("GET", FLOWS) for _attempt in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert statuses[2].json()["code"] == 20429 and statuses[2].headers["Retry-After"] == "1"
    entries = sim.log()
    assert [e.get("rate_limited", False) for e in entries] == [False, False, True]
    assert "fault" not in entries[2]
    assert control.get(sim.url + "/_sim/log").json()["counts"]["rate_limited"] == 1
    assert control.post(sim.url + "/_sim/limits", json={"rates": 5}).status_code == 400
    assert control.delete(sim.url + "/_sim/limits").json()["on"] is False
    assert all(raw("GET", FLOWS).status_code == 200 for _attempt in range(5))
    sim.set_limits()
    assert control.get(sim.url + "/_sim/limits").json()["on"] is True
    sim.reset()  # a reset turns the limits off, like faults and latency
    assert control.get(sim.url + "/_sim/limits").json()["on"] is False
