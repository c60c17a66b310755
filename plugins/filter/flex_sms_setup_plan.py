# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters of the role flexops.twilio.flex_sms_setup for long runs: whether to plan, the estimate, the progress."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Documented in the sidecar files flex_sms_setup_plan_needed.yml, flex_sms_setup_estimate.yml,
# flex_sms_setup_async.yml and flex_sms_setup_checkpoints.yml (one per filter).

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
        fix = exc.problems[0].get("fix") if exc.problems else None
        raise AnsibleFilterError("flex_sms_setup_account_limits: %s. %s" % (exc.msg, fix or ""))


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


def flex_sms_setup_estimate(plan, every=30):
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
    total = (planned.get("writes", 0), planned.get("seconds", 0), float(every))
    lines.append("In all %d writes, about %.0f s at Twilio's documented rates (account_limits where Twilio raised "
                 "them); progress is shown about every %.0f s." % total)
    return lines


def flex_sms_setup_async(plan):
    """The async bound of a long run's write task (seconds; 0: no plan, the task runs as usual): four times the
    estimate plus ten minutes, so that a run slowed down by 429s is not cut off."""
    if not plan or plan.get("skipped") or plan.get("addresses") is None or not plan.get("planned_writes"):
        return 0
    return int(4 * float(plan["planned_writes"].get("seconds") or 0) + 600)


def flex_sms_setup_checkpoints(plan, every=30):
    """The labels of the progress lines of a long run: one about every ``every`` seconds, to the estimate and one
    more (a run that takes longer than that shows the retries of the task that waits for its end)."""
    seconds = float(((plan or {}).get("planned_writes") or {}).get("seconds") or 0)
    count = int(-(-seconds // float(every))) + 1
    return ["writing for %d s, about %.0f s in all at Twilio's rates" % (int(every * (i + 1)), seconds)
            for i in range(count)]


class FilterModule(object):
    def filters(self):
        return {
            "flex_sms_setup_plan_needed": flex_sms_setup_plan_needed,
            "flex_sms_setup_estimate": flex_sms_setup_estimate,
            "flex_sms_setup_async": flex_sms_setup_async,
            "flex_sms_setup_checkpoints": flex_sms_setup_checkpoints,
        }
