# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Twilio's documented per-endpoint rate limits: a token bucket per account and endpoint.

Source: Twilio, "Flex Messaging Limits"
(https://www.twilio.com/docs/flex/developer/messaging/limits, quoted in
../shared/twilio-api-notes.md "Rate limits"): per account and endpoint, in
requests per second, answered with HTTP 429 past them. Twilio's code for it is
20429 ("Too Many Requests"); whether the answer carries ``Retry-After`` is not
documented, so it is configurable.

The table is the simulator's own (it stands for Twilio), not the collection's
``plugins/module_utils/_limits.py``: a wrong table in the client is caught here.

Off until a run turns it on (``POST /_sim/limits``, ``Simulator.set_limits``,
``server.py --limits``): ``{"rates": "documented"}`` enforces the table,
``{"rates": {"flex_flow_create": 5}}`` the documented table with those rates
replaced (0 or null: that endpoint unlimited). ``retry_after``: absent or null
(no header, as the issue's measurements assumed), a whole number of seconds,
or ``"bucket"`` (the seconds until the bucket has a token again, rounded up).
The bucket of an endpoint holds one second's worth of requests (its burst, at least
one request) and starts full.
"""

import math
import re
import threading
import time

# name -> (product host, method, path regex, requests per second)
DOCUMENTED = {
    "flex_flow_list": ("flex-api", "GET", r"^/v1/FlexFlows/?$", 10),
    "flex_flow_fetch": ("flex-api", "GET", r"^/v1/FlexFlows/FO[0-9a-fA-F]{32}/?$", 2),
    "flex_flow_create": ("flex-api", "POST", r"^/v1/FlexFlows/?$", 2),
    "flex_flow_update": ("flex-api", "POST", r"^/v1/FlexFlows/FO[0-9a-fA-F]{32}/?$", 1),
    "flex_flow_delete": ("flex-api", "DELETE", r"^/v1/FlexFlows/FO[0-9a-fA-F]{32}/?$", 2),
}
_PATTERNS = dict((name, re.compile(spec[2])) for name, spec in DOCUMENTED.items())


class LimitsConfigError(ValueError):
    pass


class RateLimiter(object):
    """Token buckets keyed by (account SID, endpoint name); ``take`` answers whether a request may be processed."""

    def __init__(self, clock=time.monotonic):
        self.lock = threading.Lock()
        self.clock = clock
        self.clear()

    def clear(self):
        with self.lock:
            self.rates = {}
            self.retry_after = None
            self.buckets = {}
            self.limited = 0

    @property
    def on(self):
        return bool(self.rates)

    def configure(self, spec):
        if not isinstance(spec, dict):
            raise LimitsConfigError("expected a JSON object")
        unknown = set(spec) - {"rates", "retry_after"}
        if unknown:
            raise LimitsConfigError("unknown keys %s (keys: rates, retry_after)" % sorted(unknown))
        given = spec.get("rates", "documented")
        rates = dict((name, item[3]) for name, item in DOCUMENTED.items())
        if given not in ("documented", True):
            if not isinstance(given, dict):
                raise LimitsConfigError('rates must be "documented" or an object of endpoint: requests per second')
            for name, value in given.items():
                if name not in DOCUMENTED:
                    raise LimitsConfigError("unknown endpoint %r (endpoints: %s)" % (name, ", ".join(sorted(DOCUMENTED))))
                if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
                    raise LimitsConfigError("rates.%s must be a number >= 0 (0 or null: unlimited)" % name)
                rates[name] = value
        rates = dict((name, float(value)) for name, value in rates.items() if value)
        retry_after = spec.get("retry_after")
        if retry_after not in (None, "bucket") and (isinstance(retry_after, bool) or not isinstance(retry_after, int)
                                                    or retry_after < 0):
            raise LimitsConfigError('retry_after must be null, a whole number of seconds >= 0 or "bucket"')
        with self.lock:
            self.rates = rates
            self.retry_after = retry_after
            self.buckets = {}
            self.limited = 0

    @staticmethod
    def endpoint(method, host, path):
        product = (host or "").split(".", 1)[0]
        for name, (spec_product, spec_method, _regex, _rate) in DOCUMENTED.items():
            if product == spec_product and method == spec_method and _PATTERNS[name].match(path):
                return name
        return None

    def take(self, account_sid, method, host, path):
        """None when the request may be processed (a token is taken), else the headers of the 429 answer."""
        if not self.rates or account_sid is None:
            return None
        name = self.endpoint(method, host, path)
        rate = self.rates.get(name)
        if rate is None:
            return None
        now = self.clock()
        with self.lock:
            burst = max(1.0, rate)  # one second's worth (at least one request)
            tokens, last = self.buckets.get((account_sid, name), (burst, now))
            tokens = min(burst, tokens + (now - last) * rate)
            if tokens >= 1:
                self.buckets[(account_sid, name)] = (tokens - 1, now)
                return None
            self.buckets[(account_sid, name)] = (tokens, now)
            self.limited += 1
            if self.retry_after is None:
                return {}
            if self.retry_after == "bucket":
                return {"Retry-After": str(max(1, int(math.ceil((1 - tokens) / rate))))}
            return {"Retry-After": str(self.retry_after)}

    def describe(self):
        with self.lock:
            return {"on": bool(self.rates), "rates": dict(self.rates), "retry_after": self.retry_after,
                    "limited": self.limited}


# For runs with the limits off: the simulator answers every request, so the client is told (through
# TWILIO_ACCOUNT_LIMITS, the account_limits option's environment variable) that the account's rates are
# raised far enough that its pacing never waits. Runs with the limits on leave the variable unset: the
# collection then paces at Twilio's documented rates.
RAISED_RATE = 1000
RAISED_CLIENT_LIMITS = ",".join("%s=%d" % (name, RAISED_RATE) for name in sorted(DOCUMENTED))


def client_env(limits_on):
    """The environment a client run gets: TWILIO_ACCOUNT_LIMITS raised when the limits are off, else nothing."""
    return {} if limits_on else {"TWILIO_ACCOUNT_LIMITS": RAISED_CLIENT_LIMITS}
