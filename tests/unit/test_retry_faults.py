# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The retry policy end to end: the real twilio SDK client that build_client makes, against the simulator's faults.

Every fault mode x method of docs/reliability.md's table is sent through the
simulator's HTTPS CONNECT proxy (as a corporate proxy would carry it) and the
test asserts what reached the simulator (its request log), what the client
raised, and what ApiStats counted. The integration targets reliability_*
check the same policy through the modules.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time

import pytest
import requests
from twilio.base.exceptions import TwilioRestException

from ansible_collections.flexops.twilio.plugins.module_utils import _client, _errors, _limits
from ansible_collections.flexops.twilio.plugins.module_utils._base import TwilioModule
from ansible_collections.flexops.twilio.plugins.module_utils._client import ApiStats, build_client
from ansible_collections.flexops.twilio.plugins.module_utils._errors import describe_error

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEED = os.path.join(REPO, "tests", "simulator", "seeds", "default.yml")
ACCOUNT_SID = "ACc5eaed71948a8c235d2cc71d851bb311"
AUTH_TOKEN = "sim-auth-token-c5eaed71948a8c235d2cc71d"
CHAT_SERVICE = "IS679ff2a91e5c5b744e7a1e8244e3115d"
WEB_FLOW = "FO1e9276bfa0d52da680310b4c93c7563d"

# The simulator and sim fixtures (a running simulator on the default seed,
# client environment pointed at it) come from tests/conftest.py.


def params(**overrides):
    p = dict(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, api_key=None, api_secret=None, region=None, edge=None,
             http_timeout=10.0, retries=3, retry_max_backoff=0.0)
    p.update(overrides)
    return p


def flows(sim):
    return sim.state()[ACCOUNT_SID]["flex_flows"]


def send(client, method):
    """One SDK call per method on the Flex Flows endpoint."""
    flow = client.flex_api.v1.flex_flow
    if method == "GET":
        return flow.list()
    if method == "POST":
        return flow.create(friendly_name="retry probe", chat_service_sid=CHAT_SERVICE, channel_type="web")
    return flow(WEB_FLOW).delete()


def run(sim, method, mode, times=2, **overrides):
    """Fault the first ``times`` ``method`` requests with ``mode``; returns (result or exception, stats, log)."""
    sim.set_faults(script=[{"method": method, "path_regex": "^/v1/FlexFlows", "mode": mode, "times": times}])
    stats = ApiStats()
    client = build_client(params(**overrides), stats)
    try:
        outcome = send(client, method)
    except Exception as exc:  # pylint: disable=broad-except
        outcome = exc
    log = [(e["method"], e.get("fault"), e["status"]) for e in sim.log()]
    return outcome, stats, log


# -- faults that mean "not processed": retried for every method ---------------------------------------------

@pytest.mark.parametrize("mode", ["429", "429_retry_after"])
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_429_is_retried_for_every_method(sim, method, mode):
    before = len(flows(sim))
    outcome, stats, log = run(sim, method, mode)
    assert not isinstance(outcome, Exception), outcome
    assert log == [(method, mode, 429), (method, mode, 429), (method, None, {"GET": 200, "POST": 201, "DELETE": 204}[method])]
    assert stats.as_dict() == dict(requests=3, writes=0 if method == "GET" else 1, retries=2, rate_limited=2)
    assert stats.retry_events == ["%s /v1/FlexFlows%s retried after 429 (Twilio's rate limit, repeated at a slower "
                                  "pace for up to 120 s; not counted against retries)"
                                  % (method, "/" + WEB_FLOW if method == "DELETE" else "")] * 2
    # exactly one resource created / deleted although the request was sent three times
    assert len(flows(sim)) == before + {"GET": 0, "POST": 1, "DELETE": -1}[method]


def test_429_does_not_use_up_retries(sim):
    # retries=1 is the budget for faults; ten 429s in a row are repeated anyway (Twilio did not process them)
    outcome, stats, log = run(sim, "POST", "429", times=10, retries=1)
    assert not isinstance(outcome, Exception), outcome
    assert [entry[1] for entry in log] == ["429"] * 10 + [None]
    assert stats.as_dict() == dict(requests=11, writes=1, retries=10, rate_limited=10)
    assert len(flows(sim)) == 3  # created once


def test_429_is_bounded_by_time(sim, monkeypatch):
    # the bound is _limits.RATE_LIMITED_FOR (120 s); shortened here so that the test gives up after about 1 s
    monkeypatch.setattr(_client.TwilioRetry, "rate_limited_for", 1.0)
    started = time.monotonic()
    outcome, stats, log = run(sim, "POST", "429", times=1000, retries=5)
    assert isinstance(outcome, TwilioRestException) and outcome.status == 429
    assert 1.0 <= time.monotonic() - started < 10
    assert len(log) > 2 and all(entry[1] == "429" for entry in log)
    error = describe_error("Creating x", outcome)
    assert error.msg.startswith("Creating x failed, HTTP 429, Twilio error 20429")
    assert "repeated at a slower pace for 120 s" in error.msg and "account_limits" in error.msg
    assert "%.0f s" % _limits.RATE_LIMITED_FOR in _errors.RATE_LIMIT_FIX  # the message says the real bound


def test_retry_after_is_honoured_and_capped_by_retry_max_backoff(sim):
    # The simulator sends Retry-After: 1. Honoured: two retries take >= 2 s ...
    started = time.monotonic()
    outcome, stats, log = run(sim, "POST", "429_retry_after", retry_max_backoff=30.0)
    assert not isinstance(outcome, Exception) and stats.retries == 2
    assert time.monotonic() - started >= 2.0
    # ... capped: with retry_max_backoff 0.2 no wait is longer than that.
    sim.reset(SEED)
    started = time.monotonic()
    outcome, stats, log = run(sim, "POST", "429_retry_after", retry_max_backoff=0.2)
    assert not isinstance(outcome, Exception) and stats.retries == 2
    assert time.monotonic() - started < 1.5


def test_backoff_is_exponential_with_jitter_and_capped(sim):
    client = build_client(params(retries=10, retry_max_backoff=3.0))
    retry = client.http_client.session.get_adapter("https://flex-api.twilio.com").max_retries
    waits = []
    for attempt in range(5):
        retry = retry.increment("GET", "/v1/FlexFlows", response=_Answer(503))
        assert len(retry.history) == attempt + 1
        waits.append(retry.get_backoff_time())
    # first retry: jitter only (0-0.5 s); then 0.5 * 2^(n-1) + jitter up to 0.5 s, never above retry_max_backoff
    assert 0 <= waits[0] <= 0.5
    assert 1.0 <= waits[1] <= 1.5 and 2.0 <= waits[2] <= 2.5
    assert waits[3] == waits[4] == 3.0


class _Answer(object):
    def __init__(self, status):
        self.status = status

    @staticmethod
    def get_redirect_location():
        return False


# -- faults after which the request may have been applied: retried only for GET and DELETE ----------------

@pytest.mark.parametrize("mode", ["503", "reset", "commit_then_reset"])
def test_get_is_retried_after_5xx_and_lost_connections(sim, mode):
    outcome, stats, log = run(sim, "GET", mode)
    assert isinstance(outcome, list) and len(outcome) == 2
    assert [entry[:2] for entry in log] == [("GET", mode), ("GET", mode), ("GET", None)]
    assert stats.retries == 2 and stats.requests == 3


@pytest.mark.parametrize("mode", ["503", "reset"])
def test_delete_is_retried_after_5xx_and_lost_connections(sim, mode):
    outcome, stats, log = run(sim, "DELETE", mode)
    assert outcome is True
    assert [entry[:2] for entry in log] == [("DELETE", mode), ("DELETE", mode), ("DELETE", None)]
    assert WEB_FLOW not in [f["sid"] for f in flows(sim)]
    assert stats.retries == 2


def test_delete_retried_after_commit_then_reset_finds_it_gone(sim):
    # The first DELETE was applied, its answer lost; the retry answers 404. TwilioModule.remove takes that as done
    # (see test_module_remove_after_a_lost_delete_answer).
    outcome, stats, log = run(sim, "DELETE", "commit_then_reset", times=1)
    assert isinstance(outcome, TwilioRestException) and outcome.status == 404
    assert log == [("DELETE", "commit_then_reset", 204), ("DELETE", None, 404)]
    assert stats.retries == 1


def test_post_is_not_retried_after_503(sim):
    before = len(flows(sim))
    outcome, stats, log = run(sim, "POST", "503")
    assert isinstance(outcome, TwilioRestException) and outcome.status == 503
    assert log == [("POST", "503", 503)]
    assert len(flows(sim)) == before
    assert stats.as_dict() == dict(requests=1, writes=1, retries=0, rate_limited=0)


@pytest.mark.parametrize("mode, applied", [("reset", False), ("commit_then_reset", True)])
def test_post_is_not_resent_after_a_lost_connection(sim, mode, applied):
    before = len(flows(sim))
    outcome, stats, log = run(sim, "POST", mode)
    assert isinstance(outcome, requests.exceptions.ConnectionError)
    assert log == [("POST", mode, 201 if applied else None)]  # sent once, never again
    assert len(flows(sim)) == before + (1 if applied else 0)
    error = describe_error("Creating x", outcome)
    assert error.details == dict(lost_response=True)  # the module's recover() decides what happened
    assert error.msg.startswith("Creating x failed: could not reach Twilio")
    assert stats.as_dict() == dict(requests=1, writes=0, retries=0, rate_limited=0)


def test_proxy_error_classification():
    """Through a CONNECT tunnel urllib3 reports a connection lost after sending as ProxyError; it is a read error.

    (Without a proxy urllib3 reports ProtocolError itself; tests/unit/plugins/module_utils/test_client.py
    covers direct connections with a scripted server.)
    """
    from urllib3.exceptions import NewConnectionError, ProtocolError, ProxyError
    from ansible_collections.flexops.twilio.plugins.module_utils._client import tunnel_read_error

    lost = ProxyError("Unable to connect to proxy", ConnectionResetError(104, "reset"))
    assert isinstance(tunnel_read_error(lost), ProtocolError)
    refused = ProxyError("Unable to connect to proxy", NewConnectionError(None, "refused"))
    assert tunnel_read_error(refused) is refused  # a connect error: nothing was sent
    tunnel_refused = ProxyError("Unable to connect to proxy", OSError("Tunnel connection failed: 403 Forbidden"))
    assert tunnel_read_error(tunnel_refused) is tunnel_refused  # not retried


# -- timeouts and connect errors -------------------------------------------------------------------------

def test_read_timeout_is_retried_for_get_only(sim):
    sim.set_latency(600)
    stats = ApiStats()
    client = build_client(params(http_timeout=0.3, retries=1), stats)
    with pytest.raises(requests.exceptions.ConnectionError) as raised:
        send(client, "GET")
    time.sleep(0.5)  # the simulator logs a request when it has answered it
    assert [e["method"] for e in sim.log()] == ["GET", "GET"]
    assert stats.as_dict() == dict(requests=2, writes=0, retries=1, rate_limited=0)
    assert describe_error("Listing", raised.value).msg.startswith("Listing failed: Twilio did not answer in time")

    stats = ApiStats()
    client = build_client(params(http_timeout=0.3, retries=1), stats)
    with pytest.raises(requests.exceptions.ReadTimeout):
        send(client, "POST")
    time.sleep(0.5)
    assert [e["method"] for e in sim.log()] == ["GET", "GET", "POST"]
    assert stats.as_dict() == dict(requests=1, writes=0, retries=0, rate_limited=0)


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_connect_errors_are_retried_for_every_method(sim, monkeypatch, method):
    # Nothing listens on the proxy port: the request never left, so even a POST is safe to send again.
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:9")
    stats = ApiStats()
    with pytest.raises(requests.exceptions.ConnectionError) as raised:
        send(build_client(params(retries=2), stats), method)
    assert stats.retries == 2 and stats.requests == 3
    assert all("retried after ProxyError" in event for event in stats.retry_events)
    assert describe_error("x", raised.value).msg.startswith("x failed: could not reach Twilio")
    assert sim.log() == []


# -- the module side ---------------------------------------------------------------------------------------

class DeleteFlow(TwilioModule):
    argument_spec = dict(sid=dict(type="str", required=True))

    def run(self):
        resource = self.client.flex_api.v1.flex_flow(self.params["sid"])
        return dict(changed=self.remove("Flex Flow %s" % self.params["sid"], dict(sid=self.params["sid"]), resource.delete))


def test_module_remove_after_a_lost_delete_answer(sim, make_module, run_module, monkeypatch):
    sim.set_faults(script=[{"method": "DELETE", "path_regex": "^/v1/FlexFlows/", "mode": "commit_then_reset"}])
    module = make_module(DeleteFlow, account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, sid=WEB_FLOW, retry_max_backoff=0.0)
    warnings = []
    monkeypatch.setattr(module.module, "warn", lambda msg, **kwargs: warnings.append(msg))
    result = run_module(module)
    assert result["_rc"] == 0 and result["changed"] is True
    assert result["api_stats"] == dict(requests=2, writes=1, retries=1, rate_limited=0)
    assert "Twilio request DELETE /v1/FlexFlows/%s retried after ProtocolError (RemoteDisconnected) (retry 1 of 5)" % WEB_FLOW \
        in "\n".join(warnings)
    assert module.warnings == ["Deleting Flex Flow %s: Twilio answered 404, the resource is gone already." % WEB_FLOW]
    assert [(e["method"], e["status"]) for e in sim.log()] == [("DELETE", 204), ("DELETE", 404)]
    assert WEB_FLOW not in [f["sid"] for f in flows(sim)]
