# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The integration runner's check-mode guard catches a write made during a check-mode task, and only that.

A playbook run against the simulator with the guard enabled (as
tests/integration/run.py enables it) sends a Twilio API write from the
controller (a pipe lookup running the SDK) inside tasks in various modes; the
guard's verdict must name exactly the check-mode ones.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess
import sys
import textwrap

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
for _path in (os.path.join(REPO, "tests", "simulator"), os.path.join(REPO, "tests", "integration", "reliability")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import check_mode_guard  # noqa: E402  pylint: disable=wrong-import-position
from twiliosim import Simulator  # noqa: E402  pylint: disable=wrong-import-position

SEED = os.path.join(REPO, "tests", "simulator", "seeds", "default.yml")
ACCOUNT_SID = "ACc5eaed71948a8c235d2cc71d851bb311"
AUTH_TOKEN = "sim-auth-token-c5eaed71948a8c235d2cc71d"

WRITER = textwrap.dedent("""\
    import sys
    from twilio.rest import Client
    client = Client("{sid}", "{token}")
    flow = client.flex_api.v1.flex_flow.create(friendly_name=sys.argv[1], chat_service_sid="IS679ff2a91e5c5b744e7a1e8244e3115d",
                                               channel_type="web")
    print(flow.sid)
""").format(sid=ACCOUNT_SID, token=AUTH_TOKEN)

PLAYBOOK = textwrap.dedent("""\
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: reads only, check mode
          ansible.builtin.debug:
            msg: "{{ lookup('flexops_sim', 'state') | length }}"
          check_mode: true

        - name: writes, normal mode
          ansible.builtin.debug:
            msg: "{{ lookup('ansible.builtin.pipe', writer ~ ' normal') }}"
          check_mode: false

        - name: writes, check mode on the task
          ansible.builtin.debug:
            msg: "{{ lookup('ansible.builtin.pipe', writer ~ ' task') }}"
          check_mode: true

        - name: a block in check mode
          check_mode: "{{ 1 == 1 }}"
          block:
            - name: writes, check mode from a templated block keyword
              ansible.builtin.debug:
                msg: "{{ lookup('ansible.builtin.pipe', writer ~ ' block') }}"
""")


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    with Simulator(seed=SEED, state_dir=str(tmp_path_factory.mktemp("sim"))) as sim:
        yield sim


def run_playbook(sim, tmp_path, *extra, **kwargs):
    (tmp_path / "writer.py").write_text(WRITER)
    (tmp_path / "main.yml").write_text(kwargs.get("playbook", PLAYBOOK))
    env = dict((k, v) for k, v in os.environ.items()
               if k not in ("NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "CURL_CA_BUNDLE", "ANSIBLE_CALLBACKS_ENABLED"))
    env.update(sim.client_env())
    env.update(check_mode_guard.env(str(tmp_path), sim.url, env))
    env.update(ANSIBLE_NOCOLOR="1", ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"))
    playbook = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    cmd = [playbook, "-i", "localhost,", "-c", "local", "-e", "ansible_python_interpreter=%s" % sys.executable,
           "-e", "writer='%s %s'" % (sys.executable, tmp_path / "writer.py"), "main.yml"] + list(extra)
    proc = subprocess.run(cmd, cwd=str(tmp_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    return proc.returncode == 0, proc.stdout.decode("utf-8", "replace")


def test_guard_names_the_check_mode_tasks_that_wrote(simulator, tmp_path):
    simulator.reset(SEED)
    ran, output = run_playbook(simulator, tmp_path)
    assert ran, output
    # all three writes happened: the guard observes, it does not prevent
    names = [f["friendly_name"] for f in simulator.state()[ACCOUNT_SID]["flex_flows"]]
    assert [n for n in names if n in ("normal", "task", "block")] == ["normal", "task", "block"]

    ok, report = check_mode_guard.verdict(str(tmp_path), True, output)
    assert not ok
    assert "check-mode guard: 3 check-mode task(s) checked in 1 playbook run(s), 2 with writes" in report
    flagged = [line for line in report.splitlines() if line.startswith("CHECK MODE WROTE")]
    assert len(flagged) == 2
    assert "'writes, check mode on the task'" in flagged[0] and "POST flex-api.twilio.com/v1/FlexFlows (201)" in flagged[0]
    assert "'writes, check mode from a templated block keyword'" in flagged[1]
    assert not [line for line in flagged if "normal mode" in line]


def test_guard_with_check_on_the_command_line(simulator, tmp_path):
    simulator.reset(SEED)
    ran, output = run_playbook(simulator, tmp_path, "--check")
    assert ran, output
    ok, report = check_mode_guard.verdict(str(tmp_path), True, output)
    assert not ok
    # check_mode: false on the task wins over --check; the other two writes are flagged
    assert "4 check-mode task(s) checked" not in report
    assert "3 check-mode task(s) checked in 1 playbook run(s), 2 with writes" in report


def test_guard_passes_a_clean_run(simulator, tmp_path):
    simulator.reset(SEED)
    clean = PLAYBOOK.split("    - name: writes, check mode on the task")[0]  # reads in check mode, writes in normal mode
    ran, output = run_playbook(simulator, tmp_path, playbook=clean)
    assert ran, output
    ok, report = check_mode_guard.verdict(str(tmp_path), True, output)
    assert ok, report
    assert "check-mode guard: 1 check-mode task(s) checked in 1 playbook run(s), 0 with writes" in report
