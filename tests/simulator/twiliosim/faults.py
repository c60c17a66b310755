# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection: which API request fails, and how.

Two sources, checked in this order:

* ``script``: a list of rules ``{"method", "path_regex", "mode", "times", "skip"}``.
  A rule matches a request by method (any when absent) and ``re.search`` of
  ``path_regex`` on the path; it lets ``skip`` matching requests pass, then
  faults the next ``times`` ones (default 1).
* random: every request whose method is in ``methods`` faults with
  probability ``rate``, the mode drawn from ``modes``; the draws come from
  ``random.Random(seed)``, so a sequential client sees the same faults on
  every run. ``max_per_request`` caps how often one identical request
  (method, host, path, query, body) is faulted, so a retrying client
  eventually gets through.
"""

import collections
import random
import re
import threading

MODES = ("429", "429_retry_after", "503", "reset", "commit_then_reset")
DEFAULT_METHODS = ("GET", "POST", "DELETE")


class FaultConfigError(ValueError):
    pass


class FaultInjector(object):
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = collections.Counter()
        self.clear()

    def clear(self):
        with self.lock:
            self.config = None
            self.rate = 0.0
            self.rng = random.Random(0)
            self.modes = ()
            self.methods = ()
            self.max_per_request = None
            self.script = []
            self.per_request = collections.Counter()

    def configure(self, spec):
        if not isinstance(spec, dict):
            raise FaultConfigError("expected a JSON object")
        unknown = set(spec) - {"rate", "seed", "modes", "methods", "max_per_request", "script"}
        if unknown:
            raise FaultConfigError("unknown keys %s" % sorted(unknown))
        rate = float(spec.get("rate", 0))
        if not 0 <= rate <= 1:
            raise FaultConfigError("rate must be between 0 and 1")
        modes = tuple(spec.get("modes") or MODES)
        methods = tuple(m.upper() for m in (spec.get("methods") or DEFAULT_METHODS))
        for mode in modes:
            self._check_mode(mode)
        max_per_request = spec.get("max_per_request")
        if max_per_request is not None and int(max_per_request) < 1:
            raise FaultConfigError("max_per_request must be at least 1")
        script = []
        for index, rule in enumerate(spec.get("script") or []):
            if not isinstance(rule, dict) or set(rule) - {"method", "path_regex", "mode", "times", "skip"}:
                raise FaultConfigError("script[%d]: keys are method, path_regex, mode, times, skip" % index)
            self._check_mode(rule.get("mode"))
            try:
                regex = re.compile(rule.get("path_regex") or "")
            except re.error as exc:
                raise FaultConfigError("script[%d]: bad path_regex: %s" % (index, exc))
            script.append({
                "method": (rule.get("method") or "").upper() or None,
                "regex": regex,
                "mode": rule["mode"],
                "times": int(rule.get("times", 1)),
                "skip": int(rule.get("skip", 0)),
            })
        with self.lock:
            self.config = dict(spec)
            self.rate = rate
            self.rng = random.Random(spec.get("seed", 0))
            self.modes = modes
            self.methods = methods
            self.max_per_request = int(max_per_request) if max_per_request is not None else None
            self.script = script
            self.per_request = collections.Counter()

    @staticmethod
    def _check_mode(mode):
        if mode not in MODES:
            raise FaultConfigError("unknown mode %r (modes: %s)" % (mode, ", ".join(MODES)))

    def decide(self, method, host, path, query, body):
        """The fault mode for this request, or None; counts what it decides."""
        with self.lock:
            mode = self._scripted(method, path) or self._random(method, (method, host, path, query, body))
            if mode:
                self.counts[mode] += 1
            return mode

    def _scripted(self, method, path):
        for rule in self.script:
            if rule["times"] <= 0 or (rule["method"] and rule["method"] != method) or not rule["regex"].search(path):
                continue
            if rule["skip"] > 0:
                rule["skip"] -= 1
                return None
            rule["times"] -= 1
            return rule["mode"]
        return None

    def _random(self, method, key):
        if not self.rate or method not in self.methods:
            return None
        if self.max_per_request is not None and self.per_request[key] >= self.max_per_request:
            return None
        if self.rng.random() >= self.rate:
            return None
        self.per_request[key] += 1
        return self.rng.choice(self.modes)

    def describe(self):
        with self.lock:
            return {
                "config": self.config,
                "script_remaining": [{"method": r["method"], "path_regex": r["regex"].pattern, "mode": r["mode"],
                                      "times": r["times"], "skip": r["skip"]} for r in self.script],
                "counts": dict(self.counts),
            }
