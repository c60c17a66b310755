# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one shared base of every flexops.twilio module.

A module declares its options and implements ``run()``; this file owns the
Twilio client, retries, error reporting, check mode and before/after diffs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import datetime
import decimal
import http.client
import json
import random
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.flexops.twilio.plugins.module_utils.validate import (
    ValidationError,
    check_sid,
)

DEFAULT_CONCURRENCY = 8

TWILIO_IMPORT_ERROR = None
try:
    from twilio.base.exceptions import TwilioException, TwilioRestException
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    try:
        from twilio.base.exceptions import TwilioServiceException
    except ImportError:  # older 9.x releases do not have it
        TwilioServiceException = TwilioRestException
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import ConnectTimeoutError, ProtocolError, ProxyError, ReadTimeoutError
    from urllib3.util.retry import Retry
except ImportError:
    TWILIO_IMPORT_ERROR = traceback.format_exc()
    Retry = object  # keeps the class statement below importable

COLLECTION_VERSION = "0.1.0"

WRITE_METHODS = frozenset(("POST", "PUT", "PATCH", "DELETE"))


def env_fallback_set(*names):
    """Like env_fallback, but an empty variable counts as unset.

    AWX / Automation Controller credential types inject every declared
    variable, "" for inputs left blank (for example TWILIO_AUTH_TOKEN="" when
    the credential uses an API key); that must not count as a value.
    """
    value = env_fallback(*names)
    if value == "":
        raise AnsibleFallbackNotFound
    return value


def twilio_argument_spec():
    """Options from the ``flexops.twilio.twilio`` doc fragment."""
    return dict(
        account_sid=dict(type="str", required=True, fallback=(env_fallback_set, ["TWILIO_ACCOUNT_SID"])),
        auth_token=dict(type="str", no_log=True, fallback=(env_fallback_set, ["TWILIO_AUTH_TOKEN"])),
        api_key=dict(type="str", no_log=False, fallback=(env_fallback_set, ["TWILIO_API_KEY"])),
        api_secret=dict(type="str", no_log=True, fallback=(env_fallback_set, ["TWILIO_API_SECRET"])),
        region=dict(type="str", fallback=(env_fallback_set, ["TWILIO_REGION"])),
        edge=dict(type="str", fallback=(env_fallback_set, ["TWILIO_EDGE"])),
        http_timeout=dict(type="float", default=30),
        retries=dict(type="int", default=5),
        retry_max_backoff=dict(type="float", default=30),
    )


class ApiError(Exception):
    """A failed Twilio request, already turned into one readable message."""

    def __init__(self, msg, **details):
        super(ApiError, self).__init__(msg)
        self.msg = msg
        self.details = dict((k, v) for k, v in details.items() if v is not None)


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
    """

    observer = None

    def new(self, **kw):
        retry = super(TwilioRetry, self).new(**kw)
        retry.observer = self.observer
        return retry

    def is_retry(self, method, status_code, has_retry_after=False):
        if self.total is not None and self.total <= 0:
            return False
        if status_code == 429:
            return True
        return super(TwilioRetry, self).is_retry(method, status_code, has_retry_after)

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        try:
            retry = super(TwilioRetry, self).increment(method, url, response, tunnel_read_error(error), _pool, _stacktrace)
        except Exception:
            if self.observer is not None and error is not None:
                self.observer(None, None)  # a last try that ends the request without an answer
            raise
        if self.observer is not None:
            self.observer(retry.history[-1], retry)
        return retry

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
        done = len(retry.history)
        budget = " (retry %d of %d)" % (done, done + retry.total) if retry.total is not None else ""
        with self.lock:
            self.requests += 1
            self.retries += 1
            self.retry_events.append("%s %s retried after %s%s" % (event.method, event.url, reason, budget))

    def as_dict(self):
        return dict(requests=self.requests, writes=self.writes, retries=self.retries)


def build_client(params, stats=None, pool_size=10):
    """A twilio.rest.Client with timeouts and the retry policy mounted on its requests session."""
    hooks = {"response": [stats.hook]} if stats is not None else None
    http_client = TwilioHttpClient(timeout=params["http_timeout"], request_hooks=hooks)
    retries = max(0, params["retries"] or 0)
    retry = TwilioRetry(
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
    if stats is not None:
        retry.observer = stats.on_retry
    http_client.session.mount("https://", HTTPAdapter(max_retries=retry, pool_connections=pool_size, pool_maxsize=pool_size))
    if params.get("api_key"):
        username, password = params["api_key"], params["api_secret"]
    else:
        username, password = params["account_sid"], params["auth_token"]
    return Client(
        username, password, account_sid=params["account_sid"],
        region=params.get("region"), edge=params.get("edge"), http_client=http_client,
        user_agent_extensions=["flexops.twilio/%s" % COLLECTION_VERSION],
    )


def describe_error(what, exc):
    """Turn any exception the SDK or requests can raise into an ApiError."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, TwilioRestException):
        more_info = "https://www.twilio.com/docs/errors/%s" % exc.code if exc.code and exc.code != exc.status else None
        code = exc.code if exc.code != exc.status else None
        return _api_error(what, exc.status, code, more_info, exc.msg, exc.method)
    if TwilioServiceException is not TwilioRestException and isinstance(exc, TwilioServiceException):
        return _api_error(what, getattr(exc, "status", None), getattr(exc, "code", None),
                          getattr(exc, "type", None), getattr(exc, "detail", None) or getattr(exc, "title", None), None)
    if isinstance(exc, TwilioException):
        response = exc.args[1] if len(exc.args) > 1 else None
        status = getattr(response, "status_code", None)
        code = message = more_info = None
        try:
            body = json.loads(getattr(response, "text", "") or "{}")
            code, message, more_info = body.get("code"), body.get("message"), body.get("more_info")
        except (ValueError, AttributeError):
            message = exc.args[0] if exc.args else str(exc)
        return _api_error(what, status, code, more_info, message or str(exc.args[0] if exc.args else exc), "GET")
    # Transport errors: the request may or may not have been applied (``lost_response``).
    if isinstance(exc, requests.exceptions.SSLError):
        return ApiError("%s failed: TLS error talking to Twilio (%s). Check REQUESTS_CA_BUNDLE and HTTPS_PROXY."
                        % (what, _short(exc)))
    if isinstance(exc, requests.exceptions.Timeout) or _last_try_timed_out(exc):
        return ApiError("%s failed: Twilio did not answer in time (%s). Raise http_timeout or try again." % (what, _short(exc)),
                        lost_response=True)
    if isinstance(exc, requests.exceptions.RequestException):
        return ApiError("%s failed: could not reach Twilio (%s). Check the network, HTTPS_PROXY and NO_PROXY." % (what, _short(exc)),
                        lost_response=True)
    return None


def _last_try_timed_out(exc):
    """requests reports a read timeout that used up the retries as a ConnectionError(MaxRetryError)."""
    reason = getattr(exc.args[0] if exc.args else None, "reason", None)
    return isinstance(reason, ReadTimeoutError)


def _short(exc):
    text = str(exc)
    return text if len(text) < 300 else text[:297] + "..."


def _api_error(what, status, code, more_info, message, method):
    parts = ["%s failed" % what]
    if status:
        parts.append("HTTP %s" % status)
    if code:
        parts.append("Twilio error %s" % code)
    msg = "%s: %s" % (", ".join(parts), message or "no message")
    if status == 401 or code == 20003:
        msg += (" (check account_sid and auth_token or api_key/api_secret; with region set, also set a matching edge)")
    if more_info:
        msg += " (%s)" % more_info
    return ApiError(msg, status=status, code=code, more_info=more_info, twilio_message=message, method=method)


class TwilioModule(object):
    """Base class: subclasses set ``argument_spec`` (and the other AnsibleModule rules) and implement ``run()``."""

    argument_spec = {}
    mutually_exclusive = []
    required_together = []
    required_one_of = []
    required_if = []
    required_by = {}

    def __init__(self):
        spec = twilio_argument_spec()
        spec.update(self.argument_spec)
        self.module = AnsibleModule(
            argument_spec=spec,
            supports_check_mode=True,
            mutually_exclusive=[["auth_token", "api_key"], ["auth_token", "api_secret"]] + list(self.mutually_exclusive),
            required_together=[["api_key", "api_secret"]] + list(self.required_together),
            required_one_of=list(self.required_one_of),
            required_if=list(self.required_if),
            required_by=dict(self.required_by),
        )
        if TWILIO_IMPORT_ERROR:
            self.module.fail_json(msg=missing_required_lib("twilio"), exception=TWILIO_IMPORT_ERROR)
        self.params = self.module.params
        self.check_mode = self.module.check_mode
        self.stats = ApiStats()
        self.diffs = []
        self.warnings = []
        self._client = None
        self._client_lock = threading.Lock()
        self._item = threading.local()  # per-item state of for_each's workers

    # -- connection ---------------------------------------------------------

    def validate_auth(self):
        p = self.params
        check_sid("account_sid", p["account_sid"], "account")
        if p.get("api_key"):
            check_sid("api_key", p["api_key"], "api_key")
        elif not p.get("auth_token"):
            raise ValidationError(
                "No credentials: set auth_token (or TWILIO_AUTH_TOKEN), or api_key and api_secret "
                "(or TWILIO_API_KEY and TWILIO_API_SECRET)."
            )
        if p["http_timeout"] <= 0:
            raise ValidationError("http_timeout must be more than 0 seconds.")
        if p["retries"] < 0:
            raise ValidationError("retries must be 0 or more.")

    @property
    def client(self):
        with self._client_lock:
            if self._client is None:
                pool_size = max(10, (self.params.get("concurrency") or 1) + 2)
                self._client = build_client(self.params, self.stats, pool_size=pool_size)
            return self._client

    @property
    def account_sid(self):
        return self.params["account_sid"]

    @contextlib.contextmanager
    def api(self, what):
        """Run SDK calls; any failure becomes one ApiError saying what was being done."""
        try:
            yield
        except ApiError:
            raise
        except Exception as exc:  # pylint: disable=broad-except
            error = describe_error(what, exc)
            if error is None:
                raise
            raise error

    def list_all(self, what, lister, **filters):
        """Every item of a list endpoint, paging with the largest page size the API allows."""
        with self.api(what):
            return [to_dict(item) for item in lister.stream(page_size=filters.pop("page_size", 1000), **filters)]

    # -- state and diff -----------------------------------------------------

    def reconcile(self, label, before, wanted, create, update, recover=None):
        """Make a resource have ``wanted`` (the managed fields the task sets).

        ``before`` is the live resource's managed fields (None when it does not
        exist). ``create(fields)`` / ``update(changes)`` perform the write and
        return the new resource (as a dict); they are never called in check
        mode. Returns ``(changed, result)`` where result is the write's return
        value, or None when nothing was written.

        ``recover()``, when given, is called if a create's answer was lost in
        transit (connection reset or timeout after sending): it reads the live
        state again and returns the resource the create made, or None. A POST
        is never re-sent blindly, so a lost answer cannot make a duplicate.
        """
        if before is None:
            self.add_diff(label, None, wanted)
            if self.check_mode:
                return True, None
            return True, self.create_once("Creating %s" % label, lambda: create(dict(wanted)), recover)
        changes = self.changes(before, wanted)
        if not changes:
            return False, None
        after = dict(before)
        after.update(changes)
        self.add_diff(label, before, after)
        if self.check_mode:
            return True, None
        with self.api("Updating %s" % label):
            return True, update(changes)

    def create_once(self, what, create, recover=None):
        """Run a non-idempotent write; if its answer is lost, ask ``recover()`` before giving up."""
        try:
            with self.api(what):
                return create()
        except ApiError as exc:
            if recover is None or not exc.details.get("lost_response"):
                raise
            found = recover()
            if found is None:
                raise
            self.warn("%s: the answer was lost in transit; found the resource it created on re-reading." % what)
            return found

    def remove(self, label, before, delete):
        """Delete a resource that exists (``before`` not None)."""
        if before is None:
            return False
        self.add_diff(label, before, None)
        if not self.check_mode:
            try:
                with self.api("Deleting %s" % label):
                    delete()
            except ApiError as exc:
                if exc.details.get("status") != 404:
                    raise
                # Gone already: a DELETE retried after its answer was lost, or someone else deleted it.
                self.warn("Deleting %s: Twilio answered 404, the resource is gone already." % label)
        return True

    @staticmethod
    def changes(before, wanted):
        return dict((k, v) for k, v in wanted.items() if v is not None and before.get(k) != v)

    def add_diff(self, label, before, after):
        entry = dict(
            before_header=label, after_header=label,
            before=dict(before) if before is not None else {},
            after=dict(after) if after is not None else {},
        )
        item_diffs = getattr(self._item, "diffs", None)
        (self.diffs if item_diffs is None else item_diffs).append(entry)

    def warn(self, msg):
        self.warnings.append(msg)

    # -- many items ---------------------------------------------------------

    def for_each(self, items, work, concurrency=1, label=str, key="item"):
        """``work(item)`` for every item, at most ``concurrency`` at a time; results in input order.

        One failing item does not stop the others (they share nothing but the
        cached look-ups); afterwards all failures are raised together as one
        ApiError whose ``results`` keep what the other items did. A failed
        item's result is ``{key: label(item), failed: true, msg: ...}``, plus ``changed: true`` when
        the item wrote something before it failed (its ApiError says so in ``details``).
        """
        results = [None] * len(items)
        diffs = [()] * len(items)
        errors = []
        outer = getattr(self._item, "diffs", None)  # an item of an enclosing for_each on this thread

        def one(index):
            # Diffs are kept per item and shown in the order of the items, not in the order workers finish.
            previous = getattr(self._item, "diffs", None)
            self._item.diffs = []
            try:
                results[index] = work(items[index])
            except (ApiError, ValidationError) as exc:
                errors.append((index, exc))
                results[index] = {key: label(items[index]), "failed": True, "msg": str(getattr(exc, "msg", exc))}
                if getattr(exc, "details", {}).get("changed"):
                    results[index]["changed"] = True  # it wrote something before it failed
            finally:
                diffs[index] = self._item.diffs
                self._item.diffs = previous

        workers = max(1, min(concurrency or 1, len(items)))
        if workers == 1:
            for index in range(len(items)):
                one(index)
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(one, range(len(items))))
        for item_diffs in diffs:
            (self.diffs if outer is None else outer).extend(item_diffs)
        if errors:
            errors.sort(key=lambda e: e[0])
            raise ApiError(
                "%d of %d items failed: %s" % (
                    len(errors), len(items),
                    "; ".join("%s: %s" % (label(items[i]), getattr(e, "msg", e)) for i, e in errors)),
                results=results,
                changed=any(isinstance(r, dict) and r.get("changed") for r in results),
            )
        return results

    # -- entry point --------------------------------------------------------

    def run(self):
        """Do the work and return the result dict (``changed`` included)."""
        raise NotImplementedError

    def execute(self):
        try:
            self.validate_auth()
            self.validate()
            result = self.run()
        except ValidationError as exc:
            self._emit_warnings()
            self.module.fail_json(msg=str(exc), api_stats=self.stats.as_dict())
        except ApiError as exc:
            self._add_retry_warnings()
            self._emit_warnings()
            self.module.fail_json(msg=exc.msg, api_stats=self.stats.as_dict(), **exc.details)
        self._add_retry_warnings()
        result.setdefault("changed", False)
        result["api_stats"] = self.stats.as_dict()
        if self.module._diff and self.diffs:
            result["diff"] = self.diffs if len(self.diffs) > 1 else self.diffs[0]
        self._emit_warnings()
        self.module.exit_json(**result)

    def _emit_warnings(self):
        for warning in self.warnings:
            self.module.warn(warning)

    def validate(self):
        """Module-specific input checks; raise ValidationError. Runs before any request."""

    def _add_retry_warnings(self):
        for event in self.stats.retry_events:
            self.module.warn("Twilio request %s" % event)
