# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection and latency, seen from the twilio SDK and from plain requests."""

import threading
import time

import pytest
import requests
from twilio.base.exceptions import TwilioRestException

FLOWS = "https://flex-api.twilio.com/v1/FlexFlows"


def _status_sequence(raw, count=30):
    return [raw("GET", FLOWS).status_code for _request in range(count)]


def test_scripted_429_then_success(sim, client, ids):
    sim.set_faults(script=[{"method": "GET", "path_regex": "^/v1/FlexFlows/FO", "mode": "429", "times": 1}])
    flow = client.flex_api.v1.flex_flow(ids.sms_flex_flow)
    with pytest.raises(TwilioRestException) as caught:
        flow.fetch()
    assert (caught.value.status, caught.value.code) == (429, 20429)
    assert flow.fetch().sid == ids.sms_flex_flow
    entries = sim.log()
    assert [e.get("fault") for e in entries] == ["429", None]
    assert [e["status"] for e in entries] == [429, 200]


def test_retry_after_header(sim, raw):
    sim.set_faults(script=[{"path_regex": "FlexFlows", "mode": "429_retry_after"}, {"path_regex": "FlexFlows", "mode": "503"}])
    first = raw("GET", FLOWS)
    assert (first.status_code, first.headers.get("Retry-After"), first.json()["code"]) == (429, "1", 20429)
    second = raw("GET", FLOWS)
    assert second.status_code == 503 and "Retry-After" not in second.headers
    assert raw("GET", FLOWS).status_code == 200


def test_commit_then_reset_applies_the_write(sim, client, ids):
    sim.set_faults(script=[{"method": "POST", "path_regex": "^/v1/FlexFlows$", "mode": "commit_then_reset"}])
    with pytest.raises(requests.exceptions.ConnectionError):
        client.flex_api.v1.flex_flow.create(friendly_name="committed", chat_service_sid=ids.chat_service, channel_type="web")
    assert [f["friendly_name"] for f in sim.state()[ids.account]["flex_flows"]][-1] == "committed"
    entry = sim.log()[-1]
    assert (entry["fault"], entry["status"], entry["write"]) == ("commit_then_reset", 201, True)
    # the connection broke, not the client: the next request works
    assert len(client.flex_api.v1.flex_flow.list()) == 3


def test_reset_does_not_apply_the_write(sim, client, ids):
    sim.set_faults(script=[{"method": "POST", "path_regex": "^/v1/FlexFlows$", "mode": "reset"}])
    with pytest.raises(requests.exceptions.ConnectionError):
        client.flex_api.v1.flex_flow.create(friendly_name="lost", chat_service_sid=ids.chat_service, channel_type="web")
    assert "lost" not in [f["friendly_name"] for f in sim.state()[ids.account]["flex_flows"]]
    assert (sim.log()[-1]["fault"], sim.log()[-1]["status"]) == ("reset", None)


def test_script_skip_and_times(sim, raw):
    sim.set_faults(script=[{"path_regex": "FlexFlows", "mode": "503", "skip": 1, "times": 2}])
    assert _status_sequence(raw, 5) == [200, 503, 503, 200, 200]


def test_random_faults_are_reproducible(sim, raw):
    spec = dict(rate=0.4, seed=42, modes=["429", "503"], methods=["GET"])
    sim.set_faults(**spec)
    first = _status_sequence(raw)
    sim.set_faults(**spec)
    assert _status_sequence(raw) == first
    assert {200, 429, 503} == set(first)
    sim.set_faults(**dict(spec, seed=7))
    assert _status_sequence(raw) != first


def test_random_faults_respect_methods(sim, raw, ids):
    sim.set_faults(rate=1.0, seed=1, modes=["503"], methods=["POST"])
    assert raw("GET", FLOWS).status_code == 200
    response = raw("POST", FLOWS + "/" + ids.sms_flex_flow, data={"FriendlyName": "x"})
    assert response.status_code == 503


def test_max_per_request(sim, raw):
    sim.set_faults(rate=1.0, seed=3, modes=["429"], max_per_request=2)
    assert _status_sequence(raw, 3) == [429, 429, 200]
    # a different request (other query) has its own budget
    assert raw("GET", FLOWS, params={"PageSize": 5}).status_code == 429


def test_clear_faults_and_counts(sim, raw):
    sim.set_faults(rate=1.0, seed=3, modes=["429"])
    assert raw("GET", FLOWS).status_code == 429
    sim.clear_faults()
    assert raw("GET", FLOWS).status_code == 200
    counts = sim.app.control("GET", "/_sim/log", b"").body
    assert counts["faults"] == {"429": 1} and counts["counts"]["faulted"] == 1


def test_latency_overlaps_across_clients(sim, make_client):
    clients = [make_client() for _client in range(6)]
    for c in clients:  # open the tunnels first
        c.flex_api.v1.configuration().fetch()
    sim.set_latency(300)
    durations = []

    def fetch(c):
        started = time.time()
        c.flex_api.v1.flex_flow.list()
        durations.append(time.time() - started)

    threads = [threading.Thread(target=fetch, args=(c,)) for c in clients]
    started = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.time() - started
    assert min(durations) >= 0.3
    assert elapsed < 0.3 * 6 / 2, "requests did not overlap: %.2fs" % elapsed
