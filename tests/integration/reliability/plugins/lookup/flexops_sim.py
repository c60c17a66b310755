# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only lookup: the Twilio simulator's control API without a module round trip per call.

``lookup('flexops_sim', WHAT, ...)`` with the simulator at the play variable
``sim_url`` (else ``$FLEXOPS_SIM_URL``):

* ``mark``: the log position now (an int);
* ``log`` (``since=N``): ``{"entries", "next", "counts", "faults"}``;
* ``writes`` (``since=N``): the write entries since N;
* ``state``: the full state;
* ``faults`` (``spec={...}``): configure fault injection (an empty spec clears it);
* ``latency`` (``ms=N``): add latency to every API request;
* ``reset`` (``seed=PATH``): reset to a seed (clears log, faults, latency).

Enabled by tests/integration/run.py (ANSIBLE_LOOKUP_PLUGINS); never shipped
as a collection plugin.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: flexops_sim
short_description: Test-only access to the Twilio simulator's control API
description: See the module docstring.
options:
  _terms:
    description: What to do (mark, log, writes, state, faults, latency, reset).
    required: true
"""

import json
import os
import urllib.request

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase


def call(base, method, path, body=None):
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(base.rstrip("/") + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # the control API is plain HTTP on 127.0.0.1
    with opener.open(request, timeout=30) as response:
        return json.loads(response.read().decode("utf-8") or "null")


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        if len(terms) != 1:
            raise AnsibleError("flexops_sim: give exactly one of mark, log, writes, state, faults, latency, reset")
        what = terms[0]
        base = kwargs.get("sim_url") or (variables or {}).get("sim_url") or os.environ.get("FLEXOPS_SIM_URL")
        if not base:
            raise AnsibleError("flexops_sim: sim_url is not set")
        base = str(self._templar.template(base))
        if what == "mark":
            return [call(base, "GET", "/_sim/log?since=999999999999")["next"]]
        if what in ("log", "writes"):
            log = call(base, "GET", "/_sim/log?since=%d" % int(kwargs.get("since", 0)))
            return [log if what == "log" else [e for e in log["entries"] if e["write"]]]
        if what == "state":
            return [call(base, "GET", "/_sim/state")]
        if what == "faults":
            spec = kwargs.get("spec") or {}
            return [call(base, "POST", "/_sim/faults", spec) if spec else call(base, "DELETE", "/_sim/faults")]
        if what == "latency":
            return [call(base, "POST", "/_sim/latency", {"ms": int(kwargs.get("ms", 0))})]
        if what == "reset":
            return [call(base, "POST", "/_sim/reset", {"seed": kwargs["seed"]})]
        raise AnsibleError("flexops_sim: unknown request %r" % what)
