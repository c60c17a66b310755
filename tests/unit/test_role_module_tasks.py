# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role flex_sms_setup runs one module task per account (issue 7, docs/performance.md).

Each module task costs about 0.3 s of CPU in Ansible itself; with four per
account a 10-account rollout on a 2-core controller was CPU-bound and forks=10
was only x4 faster than forks=1. This keeps the count from creeping back:
the set-up path (numbers given by phone_number) and the teardown path each
run exactly one flexops.twilio module task, and step 1 (which runs a module
per label) is only included when an entry is given by label. Step 5's
verification (issue 13, tasks/verify.yml) is one more module task, skipped
(no module run) with flex_sms_setup_verify=skip, in check mode and for the
teardown.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import yaml

TASKS = os.path.join(os.path.dirname(__file__), "..", "..", "roles", "flex_sms_setup", "tasks")


def load(name):
    with open(os.path.join(TASKS, name)) as handle:
        return yaml.safe_load(handle)


def flatten(tasks):
    for task in tasks:
        yield task
        for key in ("block", "rescue", "always"):
            yield from flatten(task.get(key) or [])


def module_tasks(name):
    return [t for t in flatten(load(name)) if any(k.startswith("flexops.twilio.") for k in t)]


def test_set_up_and_teardown_are_one_module_task_each():
    # one task writes; a long run (issue 20) plans first with the same task in check mode, only when needed
    plan, write = module_tasks("addresses.yml")
    assert write["name"] == "Create or update the SMS addresses and route the numbers to the Flex Proxy Service"
    assert plan["check_mode"] is True and "__flex_sms_setup_plan_needed" in plan["when"]
    assert plan["flexops.twilio.flex_sms_address"] == write["flexops.twilio.flex_sms_address"]  # the same arguments
    assert [t["name"] for t in module_tasks("absent.yml")] == [
        "Take the numbers out of the Flex Proxy Service and delete their SMS addresses"]
    # flex_sms_setup_channel=conversations: the migration is one module task too
    plan, write = module_tasks("conversations.yml")
    assert write["name"] == "Move the numbers to Flex Conversations addresses"
    assert plan["check_mode"] is True and "__flex_sms_setup_plan_needed" in plan["when"]
    for name in ("validate.yml", "report.yml"):
        assert module_tasks(name) == []


def test_verification_is_one_module_task_that_skip_check_mode_and_absent_leave_out():
    [task] = module_tasks("verify.yml")
    assert "flexops.twilio.flex_sms_route_info" in task
    assert set(task["when"]) >= {"flex_sms_setup_state == 'present'", "flex_sms_setup_verify != 'skip'", "not ansible_check_mode"}
    imports = [t.get("ansible.builtin.import_tasks") for t in flatten(load("verify.yml")) if "ansible.builtin.import_tasks" in t]
    assert imports == ["report.yml"]


def test_main_imports_and_includes():
    main = list(flatten(load("main.yml")))
    imports = dict((t.get("ansible.builtin.import_tasks"), t.get("when")) for t in main if "ansible.builtin.import_tasks" in t)
    includes = dict((t.get("ansible.builtin.include_tasks"), t.get("when")) for t in main if "ansible.builtin.include_tasks" in t)
    assert set(imports) == {"validate.yml", "addresses.yml", "conversations.yml", "absent.yml", "verify.yml"}
    # exactly one of the set-up paths runs
    assert imports["addresses.yml"] == "flex_sms_setup_state == 'present' and flex_sms_setup_channel == 'legacy'"
    assert imports["conversations.yml"] == "flex_sms_setup_state == 'present' and flex_sms_setup_channel == 'conversations'"
    # step 1 only when some entry has no phone_number (is given by label)
    assert includes == {"numbers.yml": "__flex_sms_setup_entries | selectattr('phone_number', 'none') | list | length > 0"}
    assert sorted(os.listdir(TASKS)) == ["absent.yml", "addresses.yml", "conversations.yml", "main.yml", "numbers.yml",
                                         "report.yml", "validate.yml", "verify.yml"]
