# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's core, independent of sockets and TLS.

``App.api()`` answers one Twilio API request (host routing, auth, region,
dispatch to a handler from ``handlers.ROUTES``, error JSON, request log);
``App.control()`` answers the plain-HTTP control API under ``/_sim/``.
"""

import base64
import binascii
import json
import re
import threading
import time
import traceback
from urllib.parse import parse_qs, urlsplit

from . import errors
from .delivery import deliver
from .errors import ApiError
from .faults import FaultConfigError, FaultInjector
from .handlers import ROUTES
from .limits import LimitsConfigError, RateLimiter
from .routing import Context
from .store import EDGES, REGIONS, SeedError, Store
from .util import iso8601, now

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
SECRET_RE = re.compile(r"auth_?token|secret|password", re.I)  # not PageToken
PRODUCTS = frozenset(route.product for route in ROUTES)


class Response(object):
    def __init__(self, status, body=None, headers=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})

    def payload(self):
        if self.body is None:
            return b""
        return json.dumps(self.body).encode("utf-8")


def parse_form(raw):
    """``a=1&b=2&b=3`` -> ``{"a": "1", "b": ["2", "3"]}`` (repeated keys become lists)."""
    parsed = parse_qs(raw, keep_blank_values=True)
    return dict((key, values[0] if len(values) == 1 else values) for key, values in parsed.items())


def parse_host(host):
    """``flex-api.sydney.au1.twilio.com`` -> ``("flex-api", "sydney", "au1")``; None if not Twilio."""
    host = (host or "").split(":")[0].lower().rstrip(".")
    if not host.endswith(".twilio.com"):
        return None
    pieces = host[:-len(".twilio.com")].split(".")
    if len(pieces) == 1:
        return pieces[0], None, None
    if len(pieces) == 2:
        return pieces[0], None, pieces[1]
    if len(pieces) == 3:
        return pieces[0], pieces[1], pieces[2]
    return None


class ApiRequest(object):
    """One request as the HTTP layer read it."""

    def __init__(self, method, host, target, headers, body):
        self.method = method.upper()
        self.host = (host or "").split(":")[0].lower()
        split = urlsplit(target)
        self.path = split.path
        self.query_string = split.query
        self.authorization = headers.get("Authorization")
        self.body = body
        content_type = (headers.get("Content-Type") or "").lower()
        text = body.decode("utf-8", "replace") if body else ""
        self.form = parse_form(text) if text and "json" not in content_type else {}
        self.query = parse_form(self.query_string)

    def credentials(self):
        value = self.authorization or ""
        if not value.lower().startswith("basic "):
            return None, None
        try:
            user, _sep, password = base64.b64decode(value[6:].strip()).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        return user, password


class RequestLog(object):
    def __init__(self):
        self.lock = threading.Lock()
        self.entries = []
        self.next_seq = 1

    def add(self, entry):
        with self.lock:
            entry["seq"] = self.next_seq
            self.next_seq += 1
            self.entries.append(entry)

    def since(self, seq):
        with self.lock:
            return [dict(e) for e in self.entries if e["seq"] >= seq], self.next_seq

    def clear(self):
        with self.lock:
            self.entries = []


def _redact(params):
    return dict((k, "***" if SECRET_RE.search(k) else v) for k, v in params.items())


class App(object):
    def __init__(self, seed_path=None):
        self.store = Store()
        self.log = RequestLog()
        self.faults = FaultInjector()
        self.limits = RateLimiter()
        self.latency_ms = 0
        if seed_path:
            self.store.load_file(seed_path)

    # -- faults, for the HTTP layer --------------------------------------
    def decide_fault(self, req):
        return self.faults.decide(req.method, req.host, req.path, req.query_string, req.body)

    def latency(self):
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000.0)

    # -- the API -----------------------------------------------------------
    def api(self, req, fault=None):
        """Answer ``req``; with ``fault`` of 429/503 kinds, answer that instead of processing it."""
        started = time.time()
        account = self._account(req)
        limited = None
        try:
            if fault in (None, "commit_then_reset") and account is not None:
                limited = self.limits.take(account.sid, req.method, req.host, req.path)
                if limited is not None:
                    raise ApiError(429, 20429, "Too Many Requests", limited)
            if fault in ("429", "429_retry_after"):
                headers = {"Retry-After": "1"} if fault == "429_retry_after" else {}
                raise ApiError(429, 20429, "Too Many Requests", headers)
            if fault == "503":
                raise ApiError(503, 20503, "Service Unavailable")
            response = self._dispatch(req, account)
        except ApiError as exc:
            response = Response(exc.status, exc.body(), exc.headers)
        except Exception:  # a simulator bug: answer 500 and show it, keep serving  # pylint: disable=broad-except
            traceback.print_exc()
            response = Response(500, ApiError(500, 20500, "Internal Server Error (simulator bug, see its stderr)").body())
        self._log(req, account, response.status, fault, started, limited is not None)
        return response

    def log_reset(self, req, fault):
        """Log a request that the HTTP layer resets without processing."""
        self._log(req, self._account(req), None, fault, time.time())

    def _account(self, req):
        user, password = req.credentials()
        return self.store.authenticate(user, password) if user else None

    def _log(self, req, account, status, fault, started, limited=False):
        entry = {
            "time": iso8601(now()),
            "method": req.method,
            "host": req.host,
            "path": req.path,
            "query": _redact(req.query),
            "form": _redact(req.form),
            "status": status,
            "account_sid": account.sid if account else None,
            "write": req.method in WRITE_METHODS,
            "ms": int((time.time() - started) * 1000),
        }
        if fault:
            entry["fault"] = fault
        if limited:
            entry["rate_limited"] = True  # answered 429 by the rate limiter (not a fault)
        self.log.add(entry)

    def _dispatch(self, req, account):
        host = parse_host(req.host)
        if host is None or host[0] not in PRODUCTS:
            raise errors.not_found("%s%s" % (req.host, req.path))
        product, edge, region = host
        if account is None:
            raise errors.authenticate_error()
        if (region is not None and region not in REGIONS) or (edge is not None and edge not in EDGES):
            raise errors.authenticate_error("unknown region or edge in host %s" % req.host)
        if region is not None and edge is None and region != "us1":
            raise errors.authenticate_error("region %s needs an edge (product.EDGE.%s.twilio.com)" % (region, region))
        if (region or "us1") != account.region:
            raise errors.authenticate_error("account %s lives in region %s, not %s" % (account.sid, account.region, region or "us1"))
        allowed = []
        for route in ROUTES:
            if route.product != product:
                continue
            path_params = route.match(req.path)
            if path_params is None:
                continue
            if route.method != req.method:
                allowed.append(route.method)
                continue
            if route.account_param:
                path_account = path_params[route.account_param]
                if path_account != account.sid:
                    if path_account in self.store.accounts:
                        raise errors.permission_denied("these credentials do not grant access to %s" % path_account)
                    raise errors.not_found(req.path)
            params = req.query if req.method in ("GET", "DELETE") else req.form
            ctx = Context(route, account, path_params, params, req.host, req.path)
            with self.store.lock:
                status, body = route.handler(ctx)
            return Response(status, body)
        if allowed:
            raise errors.method_not_allowed(req.method, req.path)
        raise errors.not_found(req.path)

    # -- the control API ---------------------------------------------------
    def reset(self, seed=None):
        """Reload state from ``seed`` (a path, or an already parsed mapping) or the last seed file."""
        if isinstance(seed, dict):
            self.store.load(seed)
        elif seed or self.store.seed_path:
            self.store.load_file(seed or self.store.seed_path)
        self.log.clear()
        self.faults.clear()
        self.faults.counts.clear()
        self.limits.clear()
        self.latency_ms = 0

    def deliver(self, account_sid, to):
        """The delivery oracle's answer for ``to`` in ``account_sid`` (KeyError: no such account; ValueError: bad ``to``)."""
        with self.store.lock:
            account = self.store.accounts[account_sid]
            return deliver(account, to)

    def deliver_response(self, account_sid, to):
        if isinstance(to, str) and to.startswith(" "):
            to = "+" + to[1:]  # an unencoded + in a query string reads as a space
        if not account_sid:
            return Response(400, {"error": "account is required (?account=AC...&to=%2B1...)"})
        if not to:
            return Response(400, {"error": "to is required (?account=AC...&to=%2B1...)"})
        if account_sid not in self.store.accounts:
            return Response(404, {"error": "no account %s in the simulator" % account_sid})
        return Response(200, self.deliver(account_sid, to))

    def control(self, method, target, body):
        split = urlsplit(target)
        path = split.path.rstrip("/")
        query = parse_form(split.query)
        try:
            data = json.loads(body.decode("utf-8")) if body else {}
        except ValueError:
            return Response(400, {"error": "body must be JSON"})
        try:
            return self._control(method, path, query, data)
        except (SeedError, FaultConfigError, LimitsConfigError, ValueError, TypeError, OSError) as exc:
            return Response(400, {"error": str(exc)})

    def _control(self, method, path, query, data):
        if path == "/_sim/health" and method == "GET":
            return Response(200, {"ok": True, "seed": self.store.seed_path})
        if path == "/_sim/log":
            if method == "GET":
                entries, nxt = self.log.since(int(query.get("since") or 0))
                return Response(200, {
                    "entries": entries,
                    "next": nxt,
                    "counts": {
                        "requests": len(entries),
                        "writes": sum(1 for e in entries if e["write"]),
                        "faulted": sum(1 for e in entries if e.get("fault")),
                        "rate_limited": sum(1 for e in entries if e.get("rate_limited")),
                    },
                    "faults": dict(self.faults.counts),
                })
            if method == "DELETE":
                self.log.clear()
                self.faults.counts.clear()
                return Response(200, {"next": self.log.next_seq})
        if path == "/_sim/state" and method == "GET":
            return Response(200, self.store.dump())
        if path == "/_sim/deliver" and method == "GET":
            return self.deliver_response(query.get("account"), query.get("to"))
        if path == "/_sim/reset" and method == "POST":
            self.reset(data.get("seed"))
            return Response(200, {"ok": True, "seed": self.store.seed_path, "accounts": list(self.store.accounts)})
        if path == "/_sim/faults":
            if method == "POST":
                self.faults.configure(data)
            elif method == "DELETE":
                self.faults.clear()
            elif method != "GET":
                return Response(405, {"error": "use GET, POST or DELETE"})
            return Response(200, self.faults.describe())
        if path == "/_sim/limits":
            if method == "POST":
                self.limits.configure(data)
            elif method == "DELETE":
                self.limits.clear()
            elif method != "GET":
                return Response(405, {"error": "use GET, POST or DELETE"})
            return Response(200, self.limits.describe())
        if path == "/_sim/latency":
            if method == "POST":
                ms = int(data.get("ms", 0))
                if ms < 0:
                    raise ValueError("ms must be >= 0")
                self.latency_ms = ms
            elif method == "DELETE":
                self.latency_ms = 0
            elif method != "GET":
                return Response(405, {"error": "use GET, POST or DELETE"})
            return Response(200, {"ms": self.latency_ms})
        return Response(404, {"error": "no control endpoint %s %s" % (method, path)})
