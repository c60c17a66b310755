# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role's long-run filters: plan needed, estimate, batches, merge; and the planned_writes they read."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.flexops.twilio.plugins.filter import flex_sms_setup_plan as f
from ansible_collections.flexops.twilio.plugins.module_utils import _limits


def entries(count):
    return [{"phone_number": "+1555000%04d" % i} for i in range(count)]


def planned(creates=200, joins=200, limits=None):
    counts = collections.Counter()
    for i in range(creates):
        counts[("create",) + _limits.write_kind("SMS address +1555000%04d" % i, "create")] += 1
    for i in range(joins):
        counts[("create",) + _limits.write_kind("+1555000%04d in Proxy service Flex Proxy Service (KS1)" % i,
                                                "create")] += 1
    return _limits.write_plan(counts, limits or _limits.Limits())


def test_write_kinds_of_the_labels():
    assert _limits.write_kind("SMS address +15550000001", "update") == ("SMS address", "flex_flow_update")
    assert _limits.write_kind("SMS address +15550000001 (FO1)", "delete") == ("SMS address", "flex_flow_delete")
    assert _limits.write_kind("Conversations address +15550000001", "create") == ("Conversations address", None)
    assert _limits.write_kind("+15550000001 (PN1) incoming SMS handler", "update")[1] is None
    assert _limits.write_kind("+15550000001 in Messaging Service X (MG1)", "delete") == (
        "Messaging Service membership", None)


def test_write_plan_and_the_estimate_lines():
    plan = planned()
    assert plan["writes"] == 400 and plan["seconds"] == 100.0
    assert [k["kind"] for k in plan["kinds"]] == ["SMS address", "Proxy pool entry"]  # the limited kind first
    lines = f.flex_sms_setup_estimate({"planned_writes": plan})
    assert lines[0] == "200 SMS addresses to create: about 100 s at Twilio's 2 creates/s"
    assert lines[1] == "200 Proxy pool entries to create: no documented rate limit (as fast as the concurrency allows)"
    assert lines[2].startswith("In all 400 writes, about 100 s")
    raised = planned(limits=_limits.limits_from({"account_limits": {"flex_flow_create": 10}}))
    assert f.flex_sms_setup_estimate({"planned_writes": raised})[0] == (
        "200 SMS addresses to create: about 20 s at Twilio's 10 creates/s")
    updates = _limits.write_plan(collections.Counter({("update", "SMS address", "flex_flow_update"): 1}),
                                 _limits.Limits())
    assert f.flex_sms_setup_estimate({"planned_writes": updates})[0] == (
        "1 SMS address to update: about 1 s at Twilio's 1 update/s")
    assert f.flex_sms_setup_estimate({}) == ["Nothing to write: every number is set up as asked."]


def test_plan_needed_from_the_worst_case_at_the_rates():
    assert f.flex_sms_setup_plan_needed(entries(61), "legacy") is True  # 61 updates at 1/s > 60 s
    assert f.flex_sms_setup_plan_needed(entries(60), "legacy") is False
    assert f.flex_sms_setup_plan_needed(entries(121), "conversations") is True  # deletes at 2/s
    assert f.flex_sms_setup_plan_needed(entries(100), "conversations") is False
    # the account's own rates: a dict, JSON or k=v text (TWILIO_ACCOUNT_LIMITS)
    assert f.flex_sms_setup_plan_needed(entries(200), "legacy", {"flex_flow_update": 10}) is False
    assert f.flex_sms_setup_plan_needed(entries(200), "legacy", '{"flex_flow_update": 10}') is False
    assert f.flex_sms_setup_plan_needed(entries(200), "legacy", "flex_flow_update=10, flex_flow_create=10") is False
    assert f.flex_sms_setup_plan_needed(entries(200), "legacy", "") is True
    assert f.flex_sms_setup_plan_needed(entries(10), "legacy", None, every=2) is True
    with pytest.raises(AnsibleFilterError, match="account_limits.flex_flow_nope"):
        f.flex_sms_setup_plan_needed(entries(1), "legacy", {"flex_flow_nope": 1})


def test_async_bound_and_progress_labels():
    plan = {"addresses": [], "planned_writes": planned()}  # 100 s at the rates
    assert f.flex_sms_setup_async(plan) == 4 * 100 + 600
    assert f.flex_sms_setup_async(None) == 0
    assert f.flex_sms_setup_async({"skipped": True}) == 0
    assert f.flex_sms_setup_async({"addresses": []}) == 0  # nothing planned: the task runs as usual
    assert f.flex_sms_setup_async({"failed": True, "msg": "Nothing was changed"}) == 0
    labels = f.flex_sms_setup_checkpoints(plan, 30)
    assert len(labels) == 5  # to the estimate and one more, one about every 30 s
    assert labels[0] == "writing for 30 s, about 100 s in all at Twilio's rates"
    assert labels[-1] == "writing for 150 s, about 100 s in all at Twilio's rates"
    assert f.flex_sms_setup_estimate(plan, 15)[-1].endswith("progress is shown about every 15 s.")
