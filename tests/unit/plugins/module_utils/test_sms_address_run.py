# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_sms_address_run: flex_sms_address's hooks. The preflight checks each Studio flow the entries use after the task
once, with every entry that uses it, and nothing when check_send_to_flex is skip (the flow check is stubbed: it is
tested in test_studio.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.module_utils import _sms_address_run as run_hooks
from ansible_collections.flexops.twilio.plugins.module_utils._sms_address import Entry

FW1, FW2 = "FW" + "1" * 32, "FW" + "2" * 32


class Task(object):
    routing = False

    def __init__(self, check):
        self.params = dict(state="present", check_send_to_flex=check)


def planned(number, before, wanted):
    entry = Entry({}, phone_number=number)
    entry.plan = dict(before=before, wanted=wanted)
    return entry


def test_each_flow_used_after_the_task_is_checked_once_with_its_entries(monkeypatch):
    seen = {}

    def flow_problems(m, users, fail, fix, summary, **kw):
        seen.update(users=dict((k, [e.phone_number for e in v]) for k, v in users.items()), fail=fail)
        return ["problem"]
    monkeypatch.setattr(run_hooks._studio, "flow_problems", flow_problems)
    entries = [
        planned("+1", None, dict(integration_type="studio", studio_flow=FW1)),
        planned("+2", dict(integration_type="studio", studio_flow=FW2), dict(studio_flow=FW1)),
        planned("+3", dict(integration_type="studio", studio_flow=FW2), {}),
        planned("+4", dict(integration_type="studio", studio_flow=FW2), dict(integration_type="webhook")),
    ]
    assert run_hooks.preflight(Task("fail"), entries) == ["problem"]
    assert seen == dict(users={FW1: ["+1", "+2"], FW2: ["+3"]}, fail=True)


def test_skip_checks_nothing(monkeypatch):
    monkeypatch.setattr(run_hooks._studio, "flow_problems", lambda *a, **k: ["unexpected"])
    assert run_hooks.preflight(Task("skip"), [planned("+1", None, dict(integration_type="studio", studio_flow=FW1))]) == []
