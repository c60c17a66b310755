# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters of the role flexops.twilio.flex_sms_setup for long runs: the estimate, the batches, the merged result."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: flex_sms_setup_plan
short_description: Estimate, batches and merged result of a long flexops.twilio.flex_sms_setup run
version_added: 0.1.0
author:
  - flexops.twilio maintainers (@flexops)
description:
  - Made for the role C(flexops.twilio.flex_sms_setup) (docs/architecture.md, "Long runs"); its input is the role's
    internal data. Four filters.
  - C(flex_sms_setup_plan_needed) - whether the run could take longer than O(every) x 2 seconds at the account's rates
    (its Flex Flow writes, one per number at the slowest rate the step can use), so the role plans it first.
  - C(flex_sms_setup_estimate) - the lines the role prints before it writes, from the C(planned_writes) of the
    check-mode plan, for example C(200 SMS addresses to create: about 100 s at Twilio's 2 creates/s).
  - C(flex_sms_setup_batches) - the entries to write in batches of at most O(every) seconds each at the rates (the
    entries the plan found nothing to do for are left out), each with the label the role shows as progress.
  - C(flex_sms_setup_merge) - the results of the batches (and the plan's, for the entries left out) as the one
    result the rest of the role reads.
options:
  _input:
    description: The entries (plan_needed, batches), the plan result (estimate), or the batches' loop result (merge).
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Say what the run will take
  ansible.builtin.debug:
    msg: "{{ plan | flexops.twilio.flex_sms_setup_estimate }}"
"""

RETURN = r"""
_value:
  description: A boolean (plan_needed), a list of lines (estimate), a list of batches (batches), a result (merge).
  type: raw
"""

import json

from ansible.errors import AnsibleFilterError

from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError
from ansible_collections.flexops.twilio.plugins.module_utils._limits import VERBS, limits_from

# The Flex Flow writes a step sends per number, at worst: legacy creates or updates, Conversations deletes.
STEP_RATES = {"legacy": ("flex_flow_update",), "conversations": ("flex_flow_delete",)}


def _limits(account_limits):
    """account_limits as the role has it: a dict, JSON or k=v text (TWILIO_ACCOUNT_LIMITS), or empty."""
    given = account_limits
    if isinstance(given, str):
        text = given.strip()
        if not text:
            given = None
        elif text.startswith("{"):
            given = json.loads(text)
        else:
            given = dict(item.split("=", 1) for item in text.replace(" ", "").split(",") if item)
    try:
        return limits_from({"account_limits": given or None})
    except ValidationError as exc:
        raise AnsibleFilterError("flex_sms_setup_account_limits: %s. %s" % (exc, exc.fix or ""))


def flex_sms_setup_plan_needed(entries, channel, account_limits=None, every=30):
    """True when the entries' Flex Flow writes could take more than ``2 x every`` seconds at the account's rates."""
    limits = _limits(account_limits)
    worst = max(limits.seconds(name, len(entries or [])) for name in STEP_RATES.get(channel, STEP_RATES["legacy"]))
    return worst > 2 * float(every)


def _plural(count, kind):
    if count == 1:
        return "1 %s" % kind
    head, _sep, last = kind.rpartition(" ")
    last = last[:-1] + "ies" if last.endswith("y") else last + ("es" if last.endswith("s") else "s")
    return "%d %s" % (count, (head + " " + last).strip())


def flex_sms_setup_estimate(plan):
    """The lines saying how many writes of each kind the run sends and how long they take at the rates."""
    planned = (plan or {}).get("planned_writes") or {}
    lines = []
    for item in planned.get("kinds", []):
        to_do, verb = VERBS.get(item["action"], ("to write", "writes"))
        what = "%s %s" % (_plural(item["count"], item["kind"]), to_do)
        if item.get("rate"):
            rate = item["per_second"]
            lines.append("%s: about %.0f s at Twilio's %s %s/s" % (
                what, item["seconds"], ("%g" % rate), verb if rate != 1 else verb[:-1]))
        else:
            lines.append("%s: no documented rate limit (as fast as the concurrency allows)" % what)
    if not lines:
        return ["Nothing to write: every number is set up as asked."]
    lines.append("In all %d writes, about %.0f s at Twilio's documented rates (account_limits where Twilio raised "
                 "them); progress is shown after each batch." % (planned.get("writes", 0), planned.get("seconds", 0)))
    return lines


def flex_sms_setup_batches(entries, plan=None, every=30):
    """The entries to write, in batches of at most ``every`` seconds at the rates, each ``{label, entries}``.

    Without a plan (a short run) one batch of every entry. With one, only the entries the plan would change, in
    order; the batch size follows from the plan's duration per changed entry. A plan that changes nothing is one
    batch of every entry (the module then reports the routes for step 5, as in a short run).
    """
    entries = list(entries or [])
    items = (plan or {}).get("addresses") if plan else None
    if not plan or plan.get("skipped") or items is None:
        return [dict(label="all %d numbers" % len(entries), entries=entries)]
    changed = set(item.get("phone_number") for item in items if item.get("changed"))
    todo = [entry for entry in entries if entry.get("phone_number") in changed]
    if not todo:
        return [dict(label="all %d numbers" % len(entries), entries=entries)]
    seconds = float(((plan.get("planned_writes") or {}).get("seconds")) or 0.0)
    count = 1 if seconds <= 0 else max(1, int(-(-seconds // float(every))))  # batches of at most ``every`` s
    size = -(-len(todo) // count)
    batches = []
    done_seconds = 0.0
    for start in range(0, len(todo), size):
        chunk = todo[start:start + size]
        done_seconds += seconds * len(chunk) / len(todo)
        batches.append(dict(entries=chunk, label="numbers %d-%d of the %d to change (%d%%, about %.0f s of %.0f s)" % (
            start + 1, start + len(chunk), len(todo), 100 * (start + len(chunk)) // len(todo), done_seconds, seconds)))
    return batches


def flex_sms_setup_merge(batches, plan=None, key="addresses"):
    """The one result of the batches (a loop result), with the plan's items for the entries no batch wrote."""
    runs = [r for r in (batches or {}).get("results", []) if not r.get("skipped")]
    if not runs:
        return batches
    if len(runs) == 1 and not plan:
        return runs[0]
    failed = [r for r in runs if key not in r]
    changed = any(r.get("changed") for r in runs)
    stats = {}
    for run in runs:
        for name, value in (run.get("api_stats") or {}).items():
            stats[name] = stats.get(name, 0) + value
    if failed:
        merged = dict(changed=changed, api_stats=stats, msg="; ".join(r.get("msg", "") for r in failed),
                      problems=[p for r in failed for p in r.get("problems") or []])
        return merged
    written = dict((item.get("phone_number"), item) for run in runs for item in run[key])
    items = [written.get(item.get("phone_number"), item) for item in (plan or {}).get(key) or []] \
        if plan and not plan.get("skipped") else [item for run in runs for item in run[key]]
    merged = dict(changed=changed, api_stats=stats)
    merged[key] = items
    if len(runs) == 1 and "routes" in runs[0]:
        merged["routes"] = runs[0]["routes"]
    return merged


class FilterModule(object):
    def filters(self):
        return {
            "flex_sms_setup_plan_needed": flex_sms_setup_plan_needed,
            "flex_sms_setup_estimate": flex_sms_setup_estimate,
            "flex_sms_setup_batches": flex_sms_setup_batches,
            "flex_sms_setup_merge": flex_sms_setup_merge,
        }
