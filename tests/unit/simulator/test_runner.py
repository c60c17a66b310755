# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tests/integration/run.py end to end: two throwaway targets, one passing and one failing, in parallel."""

import os
import shutil
import subprocess
import sys
import textwrap

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
RUNNER = os.path.join(REPO, "tests", "integration", "run.py")
COMMON = os.path.join(REPO, "tests", "integration", "common")

PASSING = textwrap.dedent("""\
    - hosts: localhost
      gather_facts: false
      tasks:
        - ansible.builtin.include_tasks: {common}/sim_state.yml
        - ansible.builtin.include_tasks: {common}/sim_mark.yml
        - ansible.builtin.include_tasks: {common}/sim_writes_since_mark.yml
        - ansible.builtin.assert:
            that:
              - lookup('env', 'TWILIO_ACCOUNT_SID') in sim_state
              - lookup('env', 'TWILIO_ACCOUNT_SID') == 'ACc5eaed71948a8c235d2cc71d851bb311'
              - lookup('env', 'HTTPS_PROXY') == sim_url
              - lookup('env', 'REQUESTS_CA_BUNDLE') is file
              - lookup('env', 'NO_PROXY') == '' and lookup('env', 'no_proxy') == ''
              - lookup('env', 'CURL_CA_BUNDLE') == ''
              - lookup('env', 'ANSIBLE_FORCE_COLOR') == '0'
              - sim_writes == [] and sim_mark | int >= 1
    """)

FAILING = textwrap.dedent("""\
    - hosts: localhost
      gather_facts: false
      tasks:
        - ansible.builtin.assert:
            that: lookup('env', 'TWILIO_ACCOUNT_SID') == 'ACd174c9079b2cc562a8ec26a46c1b1f4f'
        - ansible.builtin.fail:
            msg: deliberate failure from the runner test
    """)


def test_runner_reports_pass_fail_and_output(tmp_path, ids):
    targets = tmp_path / "targets"
    (targets / "good").mkdir(parents=True)
    (targets / "good" / "main.yml").write_text(PASSING.format(common=COMMON))
    (targets / "bad").mkdir()
    (targets / "bad" / "main.yml").write_text(FAILING)
    shutil.copy(ids.multi_seed, str(targets / "bad" / "seed.yml"))
    env = dict(os.environ, NO_PROXY="example.com", no_proxy="example.com", CURL_CA_BUNDLE="/nonexistent.pem",
               TWILIO_ACCOUNT_SID="AC" + "9" * 32)
    proc = subprocess.run(
        [sys.executable, RUNNER, "--targets-dir", str(targets), "--collections-dir", str(tmp_path / "collections"),
         "-j", "2", "good", "bad"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300, check=False)
    out = proc.stdout.decode()
    assert proc.returncode == 1, out
    assert out.rstrip().splitlines()[-1] == "1 passed, 1 failed", out
    assert "PASS good (" in out and "FAIL bad (" in out
    assert "deliberate failure from the runner test" in out
    assert "----- output of good -----" not in out
    assert (tmp_path / "collections" / "ansible_collections" / "flexops" / "twilio" / "galaxy.yml").is_file()
    assert not (tmp_path / "collections" / "ansible_collections" / "flexops" / "twilio" / ".git").exists()


def test_runner_rejects_unknown_targets(tmp_path):
    proc = subprocess.run([sys.executable, RUNNER, "--no-copy", "no_such_target"], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=60, check=False)
    assert proc.returncode == 2 and b"unknown target(s): no_such_target" in proc.stdout
