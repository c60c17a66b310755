# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plain-HTTP control API (/_sim/...), the request log, seeds and the CLI."""

import base64
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from twilio.base.exceptions import TwilioException


def control(sim, method, path, body=None):
    """Call the control API directly (no proxy), as playbooks do with ansible.builtin.uri."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(sim.url + path, data=data, method=method, headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_log_since_and_clear(sim, client, ids):
    status, before = control(sim, "GET", "/_sim/log?since=999999")
    assert status == 200 and before["entries"] == []
    mark = before["next"]
    client.flex_api.v1.flex_flow(ids.sms_flex_flow).update(friendly_name="renamed")
    client.flex_api.v1.flex_flow.list()
    log = control(sim, "GET", "/_sim/log?since=%d" % mark)[1]
    assert [(e["method"], e["path"], e["status"], e["write"]) for e in log["entries"]] == [
        ("POST", "/v1/FlexFlows/" + ids.sms_flex_flow, 200, True),
        ("GET", "/v1/FlexFlows", 200, False),
    ]
    assert [e["seq"] for e in log["entries"]] == [mark, mark + 1] and log["next"] == mark + 2
    assert log["entries"][0]["form"] == {"FriendlyName": "renamed"}
    assert log["entries"][0]["account_sid"] == ids.account and log["entries"][0]["host"] == "flex-api.twilio.com"
    assert log["counts"] == {"requests": 2, "writes": 1, "faulted": 0, "rate_limited": 0}
    assert control(sim, "DELETE", "/_sim/log")[1]["next"] == mark + 2
    assert control(sim, "GET", "/_sim/log")[1]["entries"] == []


def test_log_and_state_hold_no_secrets(sim, client, make_client, ids):
    client.flex_api.v1.flex_flow.list()
    make_client(ids.api_key, ids.api_secret, account_sid=ids.account).flex_api.v1.flex_flow.list()
    with pytest.raises(TwilioException):
        make_client(ids.account, "wrong-token").api.v2010.accounts(ids.account).incoming_phone_numbers.list()
    dumped = json.dumps(control(sim, "GET", "/_sim/log")[1]) + json.dumps(control(sim, "GET", "/_sim/state")[1])
    basic = base64.b64encode(("%s:%s" % (ids.account, ids.token)).encode()).decode()
    assert len(control(sim, "GET", "/_sim/log")[1]["entries"]) == 3
    for secret in (ids.token, ids.api_secret, basic, "wrong-token", "Authorization"):
        assert secret not in dumped


def test_state_shape(sim, ids):
    state = control(sim, "GET", "/_sim/state")[1]
    account = state[ids.account]
    for key in ("incoming_phone_numbers", "flex_flows", "proxy_services", "messaging_services", "studio_flows",
                "applications", "flex_configuration", "available_phone_numbers"):
        assert key in account
    flex_proxy = [s for s in account["proxy_services"] if s["unique_name"] == "Flex Proxy Service"][0]
    [member] = flex_proxy["phone_numbers"]
    assert (member["sid"], member["is_reserved"]) == (ids.flex_number, False)
    assert re.match(r"^2024-01-02T03:04:\d\dZ$", member["date_created"])
    assert [s["phone_numbers"] for s in account["messaging_services"] if s["sid"] == ids.messaging_service][0][0]["sid"] == ids.messaging_number
    assert account["conversations_addresses"] == []
    for service in account["messaging_services"]:
        assert (service["use_inbound_webhook_on_number"], service["us_app_to_person_registered"]) == (False, False)
    second = state[ids.conv_account]
    [a2p] = second["messaging_services"]
    assert (a2p["sid"], a2p["us_app_to_person_registered"], a2p["use_inbound_webhook_on_number"]) == (ids.a2p_service, True, False)
    assert [m["sid"] for m in a2p["phone_numbers"]] == [ids.a2p_number]
    [address] = second["conversations_addresses"]
    assert (address["sid"], address["type"], address["address"]) == (ids.conv_address, "sms", "+14155550301")
    assert address["auto_creation"] == {"enabled": True, "type": "studio", "conversation_service_sid": ids.conv_service,
                                        "studio_flow_sid": ids.conv_flow, "studio_retry_count": 3}
    assert re.match(r"^2024-01-02T03:04:\d\dZ$", address["date_created"])


def test_reset_with_seed_and_errors(sim, client, ids, tmp_path):
    client.flex_api.v1.flex_flow(ids.sms_flex_flow).delete()
    status, body = control(sim, "POST", "/_sim/reset", {"seed": ids.multi_seed})
    assert status == 200 and body["accounts"][0] == ids.us_account
    status, body = control(sim, "POST", "/_sim/reset", {"seed": ids.default_seed})
    assert len(control(sim, "GET", "/_sim/state")[1][ids.account]["flex_flows"]) == 2
    bad = tmp_path / "bad.yml"
    bad.write_text("accounts:\n  - sid: AC123\n    auth_token: x\n")
    status, body = control(sim, "POST", "/_sim/reset", {"seed": str(bad)})
    assert status == 400 and "accounts[0]" in body["error"] and "sid" in body["error"]
    # a failed reset keeps the previous state
    assert ids.account in control(sim, "GET", "/_sim/state")[1]
    assert control(sim, "POST", "/_sim/reset", {"seed": str(tmp_path / "missing.yml")})[0] == 400


def test_faults_and_latency_endpoints(sim, raw):
    status, body = control(sim, "POST", "/_sim/faults", {"script": [{"path_regex": "FlexFlows", "mode": "503"}]})
    assert status == 200 and body["script_remaining"][0]["times"] == 1
    assert raw("GET", "https://flex-api.twilio.com/v1/FlexFlows").status_code == 503
    assert control(sim, "POST", "/_sim/faults", {"modes": ["teapot"]})[0] == 400
    assert control(sim, "DELETE", "/_sim/faults")[1]["config"] is None
    assert control(sim, "POST", "/_sim/latency", {"ms": 50})[1] == {"ms": 50}
    started = time.time()
    raw("GET", "https://flex-api.twilio.com/v1/FlexFlows")
    assert time.time() - started >= 0.05
    assert control(sim, "DELETE", "/_sim/latency")[1] == {"ms": 0}
    assert control(sim, "GET", "/_sim/nope")[0] == 404


def _one_account(**fields):
    return {"accounts": [dict({"sid": "AC" + "0" * 32, "auth_token": "t"}, **fields)]}


@pytest.mark.parametrize("seed, message", [
    ({"accounts": []}, "non-empty 'accounts'"),
    (_one_account(region="mars1"), "region"),
    (_one_account(incoming_phone_numbers=[{"sid": "PN" + "1" * 32, "phone_number": "4155550100"}]), "E.164"),
    (_one_account(proxy_services=[{"sid": "KS" + "1" * 32, "unique_name": "p", "phone_numbers": ["PN" + "2" * 32]}]),
     "incoming_phone_numbers"),
    (_one_account(flex_flows=[{"sid": "FO" + "1" * 32, "friendly_name": "f", "chat_service_sid": "IS" + "1" * 32,
                               "channel_type": "fax"}]), "channel_type"),
    (_one_account(conversations_addresses=[{"sid": "IG" + "1" * 32, "address": "4155550100"}]), "E.164"),
    (_one_account(conversations_addresses=[{"sid": "IG" + "1" * 32, "address": "+14155550100"},
                                           {"sid": "IG" + "2" * 32, "address": "+14155550100"}]), "already exists"),
    (_one_account(conversations_addresses=[{"sid": "IG" + "1" * 32, "address": "+14155550100",
                                            "auto_creation": {"enabled": True, "type": "studio"}}]), "studio_flow_sid"),
    (_one_account(conversations_addresses=[{"sid": "IG" + "1" * 32, "address": "+14155550100",
                                            "auto_creation": {"type": "flex"}}]), "auto_creation.type"),
    (_one_account(conversations_addresses=[{"sid": "IG" + "1" * 32, "address": "+14155550100",
                                            "auto_creation": {"flow": "FW"}}]), "unknown auto_creation"),
])
def test_seed_validation(sim, seed, message):
    from twiliosim.store import SeedError

    with pytest.raises(SeedError, match=message):
        sim.reset(seed)
    assert "ACc5eaed71948a8c235d2cc71d851bb311" in sim.state()  # the previous state is kept


def test_cli_writes_port_ca_and_ready(tmp_path, ids):
    server = os.path.join(os.path.dirname(ids.default_seed), "..", "server.py")
    proc = subprocess.Popen([sys.executable, server, "--seed", ids.default_seed, "--state-dir", str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 20
        while not (tmp_path / "ready").exists():
            assert proc.poll() is None and time.time() < deadline, proc.stdout.read() if proc.poll() is not None else "timeout"
            time.sleep(0.05)
        port = int((tmp_path / "port").read_text())
        assert json.loads((tmp_path / "ready").read_text())["port"] == port
        assert (tmp_path / "ca.pem").read_text().startswith("-----BEGIN CERTIFICATE-----")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open("http://127.0.0.1:%d/_sim/health" % port, timeout=10) as response:
            assert json.loads(response.read())["ok"] is True
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_connect_to_other_hosts_is_refused(sim):
    import socket

    with socket.create_connection(("127.0.0.1", sim.port), timeout=10) as conn:
        conn.sendall(b"CONNECT pypi.org:443 HTTP/1.1\r\nHost: pypi.org:443\r\n\r\n")
        assert conn.recv(200).startswith(b"HTTP/1.1 403")
