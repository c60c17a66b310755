# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: the Twilio client, its retry policy and request counts.

``build_client`` makes the one twilio.rest.Client of a task, with timeouts,
TwilioRetry and the task's ``_limits.Pacer`` mounted on its requests session
(``PacedAdapter``); ApiStats counts what it sends. ``to_dict`` turns SDK
resources into plain data.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import decimal
import http.client
import random
import threading
import time
import traceback

TWILIO_IMPORT_ERROR = None
try:
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import ConnectTimeoutError, ProtocolError, ProxyError, ReadTimeoutError, ResponseError
    # MaxRetryError: for _base.write_once
    from urllib3.exceptions import MaxRetryError  # noqa: F401  pylint: disable=unused-import
    from urllib3.util.retry import RequestHistory, Retry
except ImportError:
    TWILIO_IMPORT_ERROR = traceback.format_exc()
    Retry = HTTPAdapter = object  # keeps the class statements below importable
    MaxRetryError = Exception

from ansible_collections.flexops.twilio.plugins.module_utils._limits import RATE_LIMITED_FOR, Limits, Pacer

COLLECTION_VERSION = "0.1.0"

WRITE_METHODS = frozenset(("POST", "PUT", "PATCH", "DELETE"))


class TwilioRetry(Retry):
    """urllib3 Retry with Twilio's rules.

    429 means "not processed, safe to retry" for every method; 5xx and read
    errors are retried only for methods that are safe to repeat (GET, DELETE,
    and HEAD/OPTIONS). Connection errors before the request was sent are
    retried by urllib3 for every method already.

    On top of urllib3's rules:

    * a connection that breaks after the request went out through an HTTPS
      proxy tunnel is a read error (urllib3 reports it as a ProxyError, which
      it would not retry even for GET);
    * a ``Retry-After`` is capped by ``backoff_max`` like the backoff is;
    * the first retry waits a random part of ``backoff_jitter`` too (urllib3
      sends it at once), so parallel workers that hit 429 together spread out;
    * ``observer(event, retry)``, when set, is called for every retry.

    429 (Twilio's rate limit) is repeated apart from the budget: it was not
    processed, so repeating it uses up none of ``total``/``status`` (the
    ``retries`` option, meant for faults). It is bounded by time instead: a
    request is repeated while it has been answered 429 for less than
    ``rate_limited_for`` seconds (``_limits.RATE_LIMITED_FOR``), then the last
    429 reaches the SDK. Before a repeat, a request to a rate-limited endpoint
    waits for its slot from ``pacer`` (which slows down on every 429 and
    honours ``Retry-After``); one to an endpoint without a documented limit
    waits the backoff (or ``Retry-After``), like a fault.
    """

    observer = None
    pacer = None
    rate_limited_for = RATE_LIMITED_FOR
    rate_limited_since = None  # monotonic time of the request's first 429
    last_request = None  # (method, url) of the try that was answered 429

    def new(self, **kw):
        retry = super(TwilioRetry, self).new(**kw)
        retry.observer = self.observer
        retry.pacer = self.pacer
        retry.rate_limited_for = self.rate_limited_for
        retry.rate_limited_since = self.rate_limited_since
        return retry

    def is_retry(self, method, status_code, has_retry_after=False):
        if status_code == 429:
            return True  # bounded by time, not by the budget (increment)
        if self.total is not None and self.total <= 0:
            return False
        return super(TwilioRetry, self).is_retry(method, status_code, has_retry_after)

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        if response is not None and response.status == 429:
            return self._rate_limited(method, url, response, _pool)
        try:
            retry = super(TwilioRetry, self).increment(method, url, response, tunnel_read_error(error), _pool, _stacktrace)
        except Exception:
            if self.observer is not None and error is not None:
                self.observer(None, None)  # a last try that ends the request without an answer
            raise
        if self.observer is not None:
            self.observer(retry.history[-1], retry)
        return retry

    def _rate_limited(self, method, url, response, pool):
        """The repeat of a request answered 429, with the budget unchanged; MaxRetryError after ``rate_limited_for``."""
        now = time.monotonic()
        since = self.rate_limited_since if self.rate_limited_since is not None else now
        if now - since >= self.rate_limited_for:
            if self.observer is not None:
                self.observer(None, None)
            raise MaxRetryError(pool, url, ResponseError("answered 429 (rate limit) for %.0f s" % (now - since)))
        history = self.history + (RequestHistory(method, url, None, 429, response.get_redirect_location()),)
        retry = self.new(history=history)
        retry.rate_limited_since = since
        # urllib3 passes the path; the pacer needs the host too (the rates are per product host)
        host = getattr(pool, "host", None)
        retry.last_request = (method, "https://%s%s" % (host, url) if host and url.startswith("/") else url)
        if self.observer is not None:
            self.observer(retry.history[-1], retry)
        return retry

    def sleep(self, response=None):
        if response is not None and response.status == 429 and self.pacer is not None and self.last_request:
            name = self.pacer.endpoint(*self.last_request)
            if name is not None:
                self.pacer.slow_down(name, self.get_retry_after(response))
                self.pacer.wait(name)
                return
        super(TwilioRetry, self).sleep(response)

    def get_retry_after(self, response):
        seconds = super(TwilioRetry, self).get_retry_after(response)
        if seconds is None or self.backoff_max is None:
            return seconds
        return min(seconds, self.backoff_max)

    def get_backoff_time(self):
        backoff = super(TwilioRetry, self).get_backoff_time()
        if backoff <= 0 and self.history and self.backoff_jitter:
            backoff = min(self.backoff_max, random.random() * self.backoff_jitter)
        return backoff


class PacedAdapter(HTTPAdapter):
    """requests' HTTPAdapter that waits for the endpoint's slot from the task's pacer before sending a request.

    Repeats after a 429 are paced by TwilioRetry.sleep (inside urllib3); an
    answer that is not 429 lets the pacer speed up again.
    """

    def __init__(self, pacer, **kwargs):
        self.pacer = pacer
        super(PacedAdapter, self).__init__(**kwargs)

    def send(self, request, **kwargs):  # pylint: disable=arguments-differ
        name = self.pacer.endpoint(request.method, request.url)
        if name is not None:
            self.pacer.wait(name)
        response = super(PacedAdapter, self).send(request, **kwargs)
        if name is not None and response.status_code != 429:
            self.pacer.answered(name)
        return response


def tunnel_read_error(error):
    """urllib3 wraps a connection lost after sending through a proxy tunnel in ProxyError; unwrap it.

    Connect errors (nothing was sent) stay as they are, so do other proxy
    failures (for example the proxy refusing the tunnel).
    """
    if not isinstance(error, ProxyError):
        return error
    original = getattr(error, "original_error", None)
    if isinstance(original, ConnectTimeoutError):
        return error
    if isinstance(original, (ReadTimeoutError, ProtocolError)):
        return original
    if isinstance(original, (ConnectionError, http.client.HTTPException)):
        return ProtocolError("Connection aborted.", original)
    return error


def _jsonable(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        # The SDK parses some fields (latitude, price) into Decimal, which module
        # results cannot carry; keep the exact text Twilio sent.
        return str(value)
    if isinstance(value, dict):
        return dict((k, _jsonable(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def to_dict(instance):
    """The public fields of an SDK instance resource as plain JSON-able data."""
    if instance is None:
        return None
    return dict((k, _jsonable(v)) for k, v in vars(instance).items() if not k.startswith("_"))


def blank_to_none(value):
    """Twilio returns unset strings as "" or null; treat both as None."""
    return None if value in ("", None) else value


class ApiStats(object):
    """Counts requests and retries (thread-safe).

    ``hook`` is a requests response hook (one call per answered request);
    ``on_retry`` is TwilioRetry's observer (one call per retry, including the
    tries of a request that fails in the end; ``event`` None for a last try
    that failed without an answer).
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.writes = 0
        self.retries = 0
        self.rate_limited = 0
        self.retry_events = []

    def hook(self, response, *args, **kwargs):
        method = response.request.method if response.request is not None else "?"
        with self.lock:
            self.requests += 1
            if method in WRITE_METHODS:
                self.writes += 1
        return response

    def on_retry(self, event, retry):
        if event is None:
            with self.lock:
                self.requests += 1
            return
        if event.status:
            reason = event.status
        elif isinstance(event.error, ProtocolError) and len(event.error.args) > 1:
            reason = "%s (%s)" % (type(event.error).__name__, type(event.error.args[1]).__name__)
        else:
            reason = type(event.error).__name__ if event.error else "error"
        if event.status == 429:
            budget = (" (Twilio's rate limit, repeated at a slower pace for up to %.0f s; not counted against retries)"
                      % retry.rate_limited_for)
        else:
            done = len([e for e in retry.history if e.status != 429])
            budget = " (retry %d of %d)" % (done, done + retry.total) if retry.total is not None else ""
        with self.lock:
            self.requests += 1
            self.retries += 1
            self.rate_limited += 1 if event.status == 429 else 0
            self.retry_events.append("%s %s retried after %s%s" % (event.method, event.url, reason, budget))

    def on_repeat(self):
        """A write sent again by TwilioModule.write_once() (its request is counted by ``hook``)."""
        with self.lock:
            self.retries += 1

    def as_dict(self):
        return dict(requests=self.requests, writes=self.writes, retries=self.retries, rate_limited=self.rate_limited)


def retry_policy(params):
    """The retry policy of the task's options (``retries``, ``retry_max_backoff``), as a TwilioRetry.

    Mounted on the requests session for every request (``build_client``); also
    the budget and backoff of ``TwilioModule.write_once()`` sending a write
    again that re-reading showed was not applied.
    """
    retries = max(0, params["retries"] or 0)
    return TwilioRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        allowed_methods=frozenset(("GET", "HEAD", "OPTIONS", "DELETE")),
        status_forcelist=(429, 500, 502, 503, 504),
        backoff_factor=0.5,
        backoff_jitter=0.5,
        backoff_max=params["retry_max_backoff"],
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )


def build_client(params, stats=None, pool_size=10, limits=None):
    """A twilio.rest.Client with timeouts, the retry policy and a pacer for ``limits`` mounted on its requests session.

    ``limits``: the task's ``_limits.Limits`` (``TwilioModule.limits``, from
    ``account_limits``); Twilio's documented ones when None. The pacer is the
    client's: every worker thread of the task shares it.
    """
    hooks = {"response": [stats.hook]} if stats is not None else None
    http_client = TwilioHttpClient(timeout=params["http_timeout"], request_hooks=hooks)
    retry = retry_policy(params)
    if stats is not None:
        retry.observer = stats.on_retry
    retry.pacer = Pacer(limits if limits is not None else Limits())
    http_client.session.mount("https://", PacedAdapter(retry.pacer, max_retries=retry, pool_connections=pool_size,
                                                       pool_maxsize=pool_size))
    if params.get("api_key"):
        username, password = params["api_key"], params["api_secret"]
    else:
        username, password = params["account_sid"], params["auth_token"]
    return Client(
        username, password, account_sid=params["account_sid"],
        region=params.get("region"), edge=params.get("edge"), http_client=http_client,
        user_agent_extensions=["flexops.twilio/%s" % COLLECTION_VERSION],
    )
