# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""api.TwilioRetry and api.build_client: which requests are retried, and that the client really uses the policy.

The policy is checked through urllib3's Retry API (is_retry, increment,
get_backoff_time). The end-to-end tests send real HTTPS requests through the
client's own requests session to a local HTTPS server (127.0.0.1, throwaway
trustme CA) that answers from a script, and count what arrived.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import http.server
import ssl
import threading
import time

import pytest
import requests
import trustme
from requests.adapters import HTTPAdapter
from twilio.rest import Client

from ansible_collections.flexops.twilio.plugins.module_utils import _client as api
from ansible_collections.flexops.twilio.plugins.module_utils._client import ApiStats, TwilioRetry, build_client
from ansible_collections.flexops.twilio.plugins.module_utils._errors import describe_error

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
API_KEY = "SK" + "fedcba9876543210" * 2


def params(**overrides):
    p = dict(
        account_sid=ACCOUNT_SID, auth_token="token", api_key=None, api_secret=None, region=None, edge=None,
        http_timeout=30.0, retries=5, retry_max_backoff=30.0,
    )
    p.update(overrides)
    return p


def mounted_retry(client):
    adapter = client.http_client.session.get_adapter("https://flex-api.twilio.com/v1/FlexFlows")
    assert isinstance(adapter, HTTPAdapter)
    return adapter.max_retries


# -- the policy ----------------------------------------------------------------

@pytest.fixture
def retry():
    return mounted_retry(build_client(params()))


@pytest.mark.parametrize("method", ["POST", "GET", "DELETE"])
def test_429_is_retried_for_every_method(retry, method):
    # Twilio documents 429 as "not processed": repeating even a POST cannot duplicate anything.
    assert retry.is_retry(method, 429)
    assert retry.is_retry(method, 429, has_retry_after=True)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_5xx_is_retried_for_safe_methods(retry, method, status):
    assert retry.is_retry(method, status)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_not_retried_for_post(retry, status):
    # The POST may have been applied: the module re-reads state instead of re-sending it.
    assert not retry.is_retry("POST", status)
    assert not retry.is_retry("POST", status, has_retry_after=True)


@pytest.mark.parametrize("status", [200, 201, 204, 400, 401, 403, 404, 409])
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_other_statuses_are_not_retried(retry, method, status):
    assert not retry.is_retry(method, status)


def test_read_errors_are_retried_only_for_safe_methods(retry):
    # urllib3 retries read errors (timeouts, resets after sending) only for allowed_methods.
    assert retry.allowed_methods == frozenset(("GET", "HEAD", "OPTIONS", "DELETE"))
    assert retry._is_method_retryable("GET")  # pylint: disable=protected-access
    assert not retry._is_method_retryable("POST")  # pylint: disable=protected-access


def test_retries_option_sets_the_budget():
    retry = mounted_retry(build_client(params(retries=2)))
    assert (retry.total, retry.connect, retry.read, retry.status) == (2, 2, 2, 2)
    # 429 (Twilio's rate limit, not processed) does not use up the budget meant for faults
    retry = retry.increment("POST", "/x", response=_FakeResponse(429))
    assert (retry.total, retry.status, len(retry.history)) == (2, 2, 1)
    retry = retry.increment("GET", "/x", response=_FakeResponse(503))
    retry = retry.increment("GET", "/x", response=_FakeResponse(503))
    assert isinstance(retry, TwilioRetry)  # urllib3 copies keep the policy
    assert retry.is_exhausted() is False
    assert retry.total == 0
    assert not retry.is_retry("GET", 503)  # budget spent: no third try
    assert retry.is_retry("POST", 429)  # a 429 is still repeated, bounded by time


def test_retries_zero_disables_retries():
    retry = mounted_retry(build_client(params(retries=0)))
    assert retry.total == 0
    assert retry.is_retry("POST", 429)  # not a fault: repeated within _limits.RATE_LIMITED_FOR
    assert not retry.is_retry("GET", 503)


def test_backoff_is_capped_and_honours_retry_after(retry):
    capped = mounted_retry(build_client(params(retry_max_backoff=2.0)))
    for dummy in range(5):
        capped = capped.increment("GET", "/x", response=_FakeResponse(503))
    assert 0 < capped.get_backoff_time() <= 2.0
    assert retry.respect_retry_after_header is True
    assert retry.raise_on_status is False  # the last answer reaches the SDK, which raises a described error


class _FakeResponse(object):
    def __init__(self, status):
        self.status = status

    @staticmethod
    def get_redirect_location():
        return False


# -- the client ----------------------------------------------------------------

def test_build_client_with_auth_token():
    client = build_client(params(http_timeout=12.5, region="au1", edge="sydney"))
    assert isinstance(client, Client)
    assert client.username == ACCOUNT_SID
    assert client.password == "token"
    assert client.account_sid == ACCOUNT_SID
    assert client.region == "au1"
    assert client.edge == "sydney"
    assert client.http_client.timeout == 12.5
    assert isinstance(mounted_retry(client), TwilioRetry)
    assert "flexops.twilio/%s" % api.COLLECTION_VERSION in client.user_agent_extensions


def test_build_client_with_api_key():
    client = build_client(params(auth_token=None, api_key=API_KEY, api_secret="secret"))
    assert client.username == API_KEY
    assert client.password == "secret"
    assert client.account_sid == ACCOUNT_SID


def test_build_client_pool_size_and_hooks():
    stats = ApiStats()
    client = build_client(params(), stats=stats, pool_size=17)
    adapter = client.http_client.session.get_adapter("https://api.twilio.com/")
    assert adapter._pool_maxsize == 17  # pylint: disable=protected-access
    assert client.http_client.request_hooks == {"response": [stats.hook]}


# -- end to end through the client's session --------------------------------------

class ScriptedServer(object):
    """HTTPS on 127.0.0.1 answering each request with the next (status, delay) of a script."""

    def __init__(self, tmp_path):
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1")
        self.ca_file = str(tmp_path / "ca.pem")
        ca.cert_pem.write_to_path(self.ca_file)
        self.script = []
        self.seen = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                server.seen.append(self.command)
                status, delay = server.script.pop(0) if server.script else (200, 0)
                if delay:
                    time.sleep(delay)
                body = b'{"ok": true}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = _answer

            def log_message(self, *args):  # pylint: disable=arguments-differ
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(context)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = "https://127.0.0.1:%d/v1/Things" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(tmp_path, monkeypatch):
    srv = ScriptedServer(tmp_path)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", srv.ca_file)
    for name in ("CURL_CA_BUNDLE", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy",
                 "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    yield srv
    srv.close()


def fast_client(stats, **overrides):
    # retry_max_backoff=0: retries without sleeping
    return build_client(params(retry_max_backoff=0.0, **overrides), stats=stats)


def test_post_429_is_retried_until_accepted(server):
    stats = ApiStats()
    server.script = [(429, 0), (429, 0), (201, 0)]
    response = fast_client(stats).http_client.request("POST", server.url, data={"FriendlyName": "x"})
    assert response.status_code == 201
    assert server.seen == ["POST", "POST", "POST"]
    assert stats.as_dict() == dict(requests=3, writes=1, retries=2, rate_limited=2)
    assert len(stats.retry_events) == 2
    assert all(e.startswith("POST /v1/Things retried after 429") for e in stats.retry_events)


def test_post_503_is_sent_once(server):
    stats = ApiStats()
    server.script = [(503, 0), (201, 0)]
    response = fast_client(stats).http_client.request("POST", server.url, data={"FriendlyName": "x"})
    assert response.status_code == 503
    assert server.seen == ["POST"]
    assert stats.as_dict() == dict(requests=1, writes=1, retries=0, rate_limited=0)


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_safe_method_503_is_retried(server, method):
    stats = ApiStats()
    server.script = [(503, 0), (502, 0), (200, 0)]
    response = fast_client(stats).http_client.request(method, server.url)
    assert response.status_code == 200
    assert server.seen == [method] * 3
    assert stats.retries == 2


def test_retries_exhausted_returns_last_answer(server):
    stats = ApiStats()
    server.script = [(503, 0)] * 3
    response = fast_client(stats, retries=2).http_client.request("GET", server.url)
    assert response.status_code == 503
    assert server.seen == ["GET"] * 3


def test_timeout_applies_and_get_is_retried_but_post_is_not(server):
    stats = ApiStats()
    client = fast_client(stats, retries=1, http_timeout=0.3)
    server.script = [(200, 1.0), (200, 0)]
    assert client.http_client.request("GET", server.url).status_code == 200
    assert server.seen == ["GET", "GET"]

    server.seen[:] = []
    server.script = [(201, 1.0), (201, 0)]
    with pytest.raises(requests.exceptions.ReadTimeout) as raised:
        client.http_client.request("POST", server.url, data={"a": "b"})
    assert server.seen == ["POST"]
    error = describe_error("Creating thing", raised.value)
    assert error.msg.startswith("Creating thing failed: Twilio did not answer in time")
    assert error.details["lost_response"] is True


def test_unknown_ca_is_a_tls_error(server, monkeypatch, tmp_path):
    other_ca = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other_ca))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(other_ca))
    with pytest.raises(requests.exceptions.SSLError) as raised:
        fast_client(ApiStats(), retries=0).http_client.request("GET", server.url)
    error = describe_error("Listing Flex Flows", raised.value)
    assert error.msg.startswith("Listing Flex Flows failed: TLS error talking to Twilio (")
    assert error.msg.endswith("Check REQUESTS_CA_BUNDLE and HTTPS_PROXY.")
