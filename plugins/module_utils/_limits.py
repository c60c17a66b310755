# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: Twilio's documented rate and capacity limits.

The one table of the limits the collection respects, each with its source,
``limits_from`` reading the ``account_limits`` option (an account whose limits
Twilio raised says so there), and ``Pacer``, which spaces the requests of one
task to each rate-limited endpoint so that they stay within its rate. No
request is sent here: ``_client`` mounts the pacer on the task's client.

Sources:

* rates and the Flex Flow count: Twilio, "Flex Messaging Limits"
  (https://www.twilio.com/docs/flex/developer/messaging/limits): per account and
  endpoint, in requests per second, answered with HTTP 429 past them; at most
  2,500 Flex Flows per account; Twilio raises them on request.
* Proxy pools: Twilio, "Proxy Limits" (https://www.twilio.com/docs/proxy/proxy-limits):
  5,000 reserved and 500 non-reserved numbers per Proxy service.
* Messaging Services: Twilio error 21714, "Messaging Service Number Pool size
  limit reached" (https://www.twilio.com/docs/api/errors/21714): 400 numbers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import threading
import time

from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError

_FLEX_FLOWS = r"^/v1/FlexFlows/?$"
_FLEX_FLOW = r"^/v1/FlexFlows/FO[0-9a-fA-F]{32}/?$"


class Rate(object):
    """One rate-limited endpoint: ``method`` and ``path`` (a regex) on the API host ``product``, ``per_second`` by default."""

    def __init__(self, name, product, method, path, per_second, what):
        self.name = name
        self.product = product
        self.method = method
        self.path = re.compile(path)
        self.per_second = per_second
        self.what = what

    def matches(self, method, host, path):
        return method == self.method and host.split(".", 1)[0] == self.product and self.path.match(path) is not None


# Flex Messaging Limits: list 10, fetch 2, create 2, update 1, delete 2 requests per second.
RATES = dict((r.name, r) for r in (
    Rate("flex_flow_list", "flex-api", "GET", _FLEX_FLOWS, 10, "Flex Flow list requests"),
    Rate("flex_flow_fetch", "flex-api", "GET", _FLEX_FLOW, 2, "Flex Flow fetches"),
    Rate("flex_flow_create", "flex-api", "POST", _FLEX_FLOWS, 2, "Flex Flow creates"),
    Rate("flex_flow_update", "flex-api", "POST", _FLEX_FLOW, 1, "Flex Flow updates"),
    Rate("flex_flow_delete", "flex-api", "DELETE", _FLEX_FLOW, 2, "Flex Flow deletes"),
))

# How many of a thing an account or a pool holds at most.
CAPACITIES = {
    "flex_flows": 2500,                 # Flex Flows per account (Flex Messaging Limits)
    "proxy_numbers": 500,               # non-reserved numbers per Proxy service (Proxy Limits)
    "proxy_reserved_numbers": 5000,     # reserved numbers per Proxy service (Proxy Limits)
    "messaging_service_numbers": 400,   # numbers per Messaging Service (error 21714)
}

# How long one request is repeated while Twilio answers 429 (its rate limit) before the task gives up. A 429
# was not processed (Twilio: "safe to retry"), so the repeats do not use up ``retries`` (meant for faults); the
# bound is time instead. At the slowest documented rate (1 update/s) it covers a queue of 120 requests ahead.
RATE_LIMITED_FOR = 120.0

# After a 429 the pacer slows the endpoint down to this share of its pace (at most down to MIN_SHARE of the
# rate), and every request answered without 429 brings back RECOVER of the rate, up to the rate.
SLOW_DOWN = 0.75
MIN_SHARE = 0.1
RECOVER = 0.1
# Where Twilio's bucket holds a single request (a rate under 2/s: its burst of one second's worth is one), evenly
# spaced requests have no slack for jitter in transit; the pace stays this share of the rate there.
SINGLE_BURST_PACE = 0.95

# Twilio's warning 80624 "Approaching Maximum Number Pool Size" comes at this share of a limit.
APPROACHING = 0.9


class Limits(object):
    """The limits in force for one task: Twilio's documented ones, with the account's own from ``account_limits``."""

    def __init__(self, rates=None, capacities=None):
        self.rates = dict((name, rate.per_second) for name, rate in RATES.items())
        self.rates.update(rates or {})
        self.capacities = dict(CAPACITIES)
        self.capacities.update(capacities or {})

    def rate_for(self, method, host, path):
        """The name and requests per second of the rate-limited endpoint a request goes to, or (None, None)."""
        for name, rate in RATES.items():
            if rate.matches(method, host, path):
                return name, self.rates[name]
        return None, None

    def seconds(self, name, count):
        """The least time ``count`` requests to rate ``name`` take at its rate (0 for none)."""
        return float(count) / self.rates[name] if count else 0.0


# What a planned write is, from the label TwilioModule.reconcile / remove get: (label regex, kind, the RATES name
# of each action, None for an endpoint without a documented limit). The first match wins.
WRITE_KINDS = (
    (re.compile(r"^SMS address "), "SMS address",
     {"create": "flex_flow_create", "update": "flex_flow_update", "delete": "flex_flow_delete"}),
    (re.compile(r"^Conversations address "), "Conversations address", {}),
    (re.compile(r" in Proxy service "), "Proxy pool entry", {}),
    (re.compile(r" incoming SMS handler$"), "SMS handler of a number", {}),
    (re.compile(r"^phone number "), "phone number", {}),
    (re.compile(r" in "), "Messaging Service membership", {}),
)
VERBS = {"create": ("to create", "creates"), "update": ("to update", "updates"), "delete": ("to delete", "deletes")}


def write_kind(label, action):
    """(kind, RATES name or None) of a planned write: ``action`` (create, update, delete) on the resource ``label``."""
    for pattern, kind, rates in WRITE_KINDS:
        if pattern.search(label):
            return kind, rates.get(action)
    return "other write", None


def write_plan(counts, limits):
    """The ``planned_writes`` a module returns: ``counts`` maps (action, label kind) to how many; each kind with its
    rate and the seconds the writes take at it, and ``seconds``: the whole plan at the rates (each endpoint is
    paced on its own, so the slowest decides)."""
    kinds = []
    slowest = 0.0
    # the rate-limited kinds first (they decide the time), then the others
    for (action, kind, name), count in sorted(counts.items(), key=lambda item: (item[0][2] is None, item[0][:2])):
        rate = limits.rates[name] if name else None
        seconds = limits.seconds(name, count) if name else None
        slowest = max(slowest, seconds or 0.0)
        kinds.append(dict(kind=kind, action=action, count=count, rate=name, per_second=rate,
                          seconds=round(seconds, 1) if seconds is not None else None))
    return dict(kinds=kinds, writes=sum(counts.values()), seconds=round(slowest, 1))


class Pacer(object):
    """Spaces the requests of one task to each rate-limited endpoint; shared by every worker thread of the task.

    One per client (``_client.build_client``), so one per task and account: the
    rates of RATES are per account and endpoint. ``wait(name)`` blocks until the
    endpoint's next free slot and books it: slots are ``1 / pace`` seconds
    apart, without a burst (the burst of one second's worth that the server's
    bucket allows is the slack for jitter in transit), so the bucket never
    runs dry from this task alone; below 2/s, where the bucket holds a single
    request, the pace is 95 % of the rate for the same slack.
    ``slow_down(name, retry_after)`` after a 429: the pace drops by a quarter
    (down to a tenth of the rate) and the next slot moves past ``Retry-After``
    when Twilio sent one; ``answered(name)`` after an answer that is not 429
    brings a tenth of the rate back, up to the pace.
    Endpoints without a documented rate are not paced (``endpoint`` is None).
    """

    def __init__(self, limits, clock=time.monotonic, sleep=time.sleep):
        self.limits = limits
        self.clock = clock
        self.sleep = sleep
        self.lock = threading.Lock()
        self.top = dict((name, rate * (SINGLE_BURST_PACE if rate < 2 else 1.0)) for name, rate in limits.rates.items())
        self.pace = dict(self.top)
        self.next_slot = {}
        self.waited = 0.0
        self.slowed = 0

    def endpoint(self, method, url):
        """The RATES name of a request to ``url`` (https://host/path?query), or None for an endpoint without a limit."""
        rest = url.split("://", 1)[-1]
        host, _sep, path = rest.partition("/")
        return self.limits.rate_for(method, host.split(":")[0].lower(), "/" + path.split("?", 1)[0])[0]

    def wait(self, name):
        with self.lock:
            now = self.clock()
            # No burst: the one second's worth the server's bucket allows on top is the slack for the requests'
            # jitter in transit (new connections, latency), so that evenly spaced requests never find it empty.
            slot = max(self.next_slot.get(name, now), now)
            self.next_slot[name] = slot + 1.0 / self.pace[name]
            wait = max(0.0, slot - now)
            self.waited += wait
        if wait > 0:
            self.sleep(wait)

    def slow_down(self, name, retry_after=None):
        with self.lock:
            self.pace[name] = max(self.top[name] * MIN_SHARE, self.pace[name] * SLOW_DOWN)
            self.slowed += 1
            if retry_after:
                self.next_slot[name] = max(self.next_slot.get(name, 0.0), self.clock() + retry_after)

    def answered(self, name):
        with self.lock:
            self.pace[name] = min(self.top[name], self.pace[name] + self.top[name] * RECOVER)


def limits_from(params, option="account_limits"):
    """The Limits of a task's ``account_limits`` option; ValidationError for an unknown key or a value out of range."""
    given = params.get(option) or {}
    rates, capacities = {}, {}
    for key in sorted(given):
        value = given[key]
        where = "%s.%s" % (option, key)
        if key not in RATES and key not in CAPACITIES:
            raise ValidationError(
                "%s: unknown limit %r" % (where, key), code="invalid_value", option=where,
                fix="Use one of %s." % ", ".join(sorted(RATES) + sorted(CAPACITIES)))
        number = _number(value, integer=key in CAPACITIES)
        if number is None or number <= 0:
            kind = "a whole number of %s" % key.replace("_", " ") if key in CAPACITIES else "requests per second"
            raise ValidationError(
                "%s=%r: must be a positive number (%s)" % (where, value, kind), code="out_of_range", option=where,
                fix="Set %s to the limit Twilio gave the account, or leave it out for Twilio's documented %s." % (
                    where, RATES[key].per_second if key in RATES else CAPACITIES[key]))
        (rates if key in RATES else capacities)[key] = number
    return Limits(rates, capacities)


def _number(value, integer):
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if integer:
        if number != int(number):
            return None
        return int(number)
    return number
