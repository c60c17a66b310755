# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark flexops.twilio against the Twilio API simulator (issue 7).

    python tests/bench/bench.py [--latency-ms 100] [--only SCENARIO ...] [--json FILE] [--no-copy]

Starts the simulator in this process, generates seeds with many numbers into
a temporary directory, and runs ansible-playbook (the role, or the modules
in single-number form) with the simulator answering every API request after
``--latency-ms``. For every scenario it prints the wall time of the playbook,
the API requests by method (from the simulator's request log), requests per
number, the floor (requests x latency / concurrency: the time the requests
alone need at the run's concurrency, with zero Ansible overhead), and PASS
or FAIL against the targets of issue 7. The exit status is non-zero when a
target fails.

Scenarios (all in one run unless --only picks some):

* ``single``: flex_sms_address and phone_number_handler, one task per number
  (a loop over 20 numbers), from scratch and then unchanged.
* ``list200``: the role over 200 new numbers in one account, then the rerun.
* ``linear``: the role over 100 and over 1,000 numbers (from scratch and
  rerun): requests and time of 1,000 at most 10.5x those of 100.
* ``multi``: the role in 10 accounts of 200 new numbers each (the rollout
  of ``list200`` in ten accounts) with forks=10, from scratch and rerun. An
  efficiency target (issue 11): the rollout's wall time at most 1.3 x its
  floor, the larger of the latency floor (requests x latency / concurrency)
  and the CPU floor (CPU seconds of every process of the run, ansible-playbook
  with all its children and the simulator, divided by os.cpu_count()). The
  rerun's ratio is shown for information.
* ``soak``: the one-run soak of issue 12 (the target reliability_one_run):
  the role over 50 new numbers under 20 % faults, for every fault seed of
  tests/integration/reliability/one_run_faults.yml; reports the runs each
  seed needs (the target: 1, then a rerun with changed=0 and no write).
* ``soakmig``: the migration soak (the targets reliability_migrate_soak and
  reliability_downgrade_soak): the role moves 20 legacy numbers to Flex
  Conversations and then back to legacy under the faults of ``soak``, per
  fault seed; reports the runs each direction needs (the target: 1, then a
  rerun with changed=0 and no write).
* ``route1000`` (issue 13): flex_sms_route_info over every number of an account
  with 1,000 numbers on every route (the seed of the flex_sms_route_info_budget
  target: legacy, another Proxy service, Messaging Services that defer and one
  that does not, Conversations addresses). Targets: at most 40 requests, zero
  writes, at most 6 s wall (ansible-playbook from start to end) at 100 ms.
* ``migrate200`` (issue 15): the role with ``flex_sms_setup_channel:
  conversations`` over 200 numbers on the legacy path (Flex Flow, Flex Proxy
  Service pool, sms_url at Proxy: 4 writes per number), then the rerun.
  Targets: at most 2x the floor (800 writes x 100 ms / 8 = 10 s); the rerun
  at most 5 s, at most 20 requests, zero writes.

Issue 20, with Twilio's documented rate limits on in the simulator (a token
bucket per account and endpoint, 429/20429, no Retry-After) and the client
pacing itself from its own table (TWILIO_ACCOUNT_LIMITS unset). Every row
also shows the documented-rate floor: the writes to each rate-limited
endpoint divided by its rate (the slowest endpoint decides; the scenarios
above run with the limits off and show it for information):

* ``rate200``: the role over 200 new numbers (200 Flex Flow creates at 2/s:
  100 s floor), then the rerun. Targets: wall <= 1.15 x the floor, 429
  answers <= 5 % of the requests, no failed run; the rerun changed=0, zero
  writes.
* ``rateupdate200``: one setting (retry_count) changed on 200 existing SMS
  addresses (200 updates at 1/s: 200 s floor). Target: one run, <= 1.15 x
  the floor.
* ``ratemigrate200``: 200 legacy numbers to Flex Conversations (200 Flex
  Flow deletes at 2/s: 100 s) and back (200 creates: 100 s). Target: each
  direction one run, <= 1.15 x its floor.
* ``ratesoak``: the one-run soak (50 new numbers, 20 % faults: 429, 503,
  reset, commit_then_reset; every fault seed) with the limits on. Target:
  one run per seed, no duplicate, the rerun writes nothing.

The scenarios are the table ``SCENARIOS`` (name -> Bench method and a one-line
description); ``--list`` prints it. A new scenario is a Bench method and one
entry there.
"""

import argparse
import collections
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "simulator"))

from twiliosim import Simulator  # noqa: E402  pylint: disable=wrong-import-position
from twiliosim import limits as sim_limits  # noqa: E402  pylint: disable=wrong-import-position

# A copy of its own, so that a bench and an integration run do not replace each other's copy.
COLLECTIONS = os.path.join(REPO, ".build", "bench-collections")
COLLECTION = os.path.join(COLLECTIONS, "ansible_collections", "flexops", "twilio")
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", ".build", "collections", "__pycache__", ".pytest_cache",
                                     "*.pyc", ".ansible", ".tox")
# Variables that would send clients around the simulator, trust another CA or pick other credentials.
SCRUBBED_ENV = (
    "NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy",
    "CURL_CA_BUNDLE", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE",
    "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET", "TWILIO_REGION", "TWILIO_EDGE",
    "TWILIO_ACCOUNT_LIMITS", "ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_COLLECTIONS_PATHS", "ANSIBLE_CONFIG",
)

FLEX_PROXY = "Flex Proxy Service"
MESSAGING_FLOW = "Messaging Flow"
ROLE_CONCURRENCY = 8  # the role's default flex_sms_setup_concurrency
RELIABILITY = os.path.join(REPO, "tests", "integration", "reliability")
RATE_SLACK = 1.15  # issue 20: a rate-limited run at most this times its documented-rate floor
RATE_429_SHARE = 0.05  # ... and at most this share of its requests answered 429
ROUTE_SEED = os.path.join(REPO, "tests", "integration", "targets", "flex_sms_route_info_budget", "make_seed.py")


def copy_collection():
    """The checkout (minus VCS, venvs and build output) at a real ansible_collections/flexops/twilio path."""
    if os.path.exists(COLLECTION):
        shutil.rmtree(COLLECTION)
    os.makedirs(os.path.dirname(COLLECTION), exist_ok=True)

    def ignore(directory, names):
        ignored = set(COPY_IGNORE(directory, names))
        if os.path.abspath(directory) == os.path.join(REPO, "tests"):
            ignored.add("output")  # ansible-test output
        return ignored

    shutil.copytree(REPO, COLLECTION, ignore=ignore, symlinks=True)


def ansible_playbook():
    candidate = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    return candidate if os.path.exists(candidate) else (shutil.which("ansible-playbook") or "ansible-playbook")


# -- seeds ------------------------------------------------------------------


def sid(prefix, account, index):
    return "%s%08x%024x" % (prefix, account + 1, index)


def number(account, index):
    return "+1555%02d%05d" % (account, index)


def account_seed(a, count):
    """One Flex account with ``count`` SMS-capable numbers and nothing set up yet."""
    flow_sid = sid("FW", a, 1)
    return {
        "sid": sid("AC", a, 1),
        "auth_token": "bench-auth-token-%02d" % a,
        "friendly_name": "Bench account %d" % a,
        "flex_configuration": {
            "chat_service_instance_sid": sid("IS", a, 1),
            "flex_service_instance_sid": sid("IS", a, 2),
            "taskrouter_workspace_sid": sid("WS", a, 1),
            "taskrouter_target_workflow_sid": sid("WW", a, 1),
            "taskrouter_target_taskqueue_sid": sid("WQ", a, 1),
            "messaging_service_instance_sid": sid("MG", a, 1),
        },
        "incoming_phone_numbers": [
            {"sid": sid("PN", a, i), "phone_number": number(a, i), "friendly_name": "Bench %d" % i,
             "capabilities": {"sms": True, "mms": True, "voice": True}}
            for i in range(count)
        ],
        "proxy_services": [{"sid": sid("KS", a, 1), "unique_name": FLEX_PROXY, "phone_numbers": []}],
        "messaging_services": [{"sid": sid("MG", a, 1), "friendly_name": "Flex Messaging Service"}],
        "studio_flows": [{
            "sid": flow_sid, "friendly_name": MESSAGING_FLOW, "status": "published",
            "definition": {
                "description": MESSAGING_FLOW, "initial_state": "Trigger",
                "states": [
                    {"name": "Trigger", "type": "trigger", "properties": {},
                     "transitions": [{"event": "incomingMessage", "next": "SendMessageToAgent"}]},
                    {"name": "SendMessageToAgent", "type": "send-to-flex", "transitions": [],
                     "properties": {"workflow": sid("WW", a, 1), "channel": sid("TC", a, 1)}},
                ],
            },
        }],
        "flex_flows": [{
            "sid": sid("FO", a, 999999), "friendly_name": "Flex Web Channel", "chat_service_sid": sid("IS", a, 1),
            "channel_type": "web", "enabled": True, "integration_type": "studio",
            "integration": {"flow_sid": flow_sid, "retry_count": 3},
        }],
    }


def legacy_account_seed(a, count):
    """``account_seed`` with every number on the legacy path: an SMS Flex Flow (studio, Messaging Flow), in the
    Flex Proxy Service pool, sms_url at the Proxy webhook; Messaging Flow reaches Send to Flex from both events."""
    seed = account_seed(a, count)
    flow_sid = seed["studio_flows"][0]["sid"]
    seed["studio_flows"][0]["definition"]["states"][0]["transitions"].append(
        {"event": "incomingConversationMessage", "next": "SendMessageToAgent"})
    proxy_url = "https://webhooks.twilio.com/v1/Accounts/%s/Proxy/%s/Webhooks/Message" % (seed["sid"], sid("KS", a, 1))
    for item in seed["incoming_phone_numbers"]:
        item["sms_url"] = proxy_url
    seed["proxy_services"][0]["phone_numbers"] = [
        {"sid": item["sid"], "is_reserved": False} for item in seed["incoming_phone_numbers"]]
    seed["flex_flows"].extend({
        "sid": sid("FO", a, i), "friendly_name": "SMS %s" % number(a, i), "chat_service_sid": sid("IS", a, 1),
        "channel_type": "sms", "contact_identity": number(a, i), "enabled": True, "integration_type": "studio",
        "integration": {"flow_sid": flow_sid, "retry_count": 3}} for i in range(count))
    return seed


def write_seed(tmp, name, accounts, count, make=account_seed):
    path = os.path.join(tmp, "seed-%s.yml" % name)
    with open(path, "w") as handle:
        yaml.safe_dump({"accounts": [make(a, count) for a in range(accounts)]}, handle)
    return path


# -- playbooks --------------------------------------------------------------

ROLE_PLAY = """\
- name: flex_sms_setup (bench)
  hosts: accounts
  gather_facts: false
  roles:
    - role: flexops.twilio.flex_sms_setup
      vars:
        flex_sms_setup_show_summary: false
"""

UPDATE_PLAY = """\
- name: flex_sms_setup, one setting changed on every SMS address (bench)
  hosts: accounts
  gather_facts: false
  roles:
    - role: flexops.twilio.flex_sms_setup
      vars:
        flex_sms_setup_retry_count: 2
        flex_sms_setup_show_summary: false
"""

CHANNEL_PLAY = """\
- name: flex_sms_setup, channel {channel} (bench)
  hosts: accounts
  gather_facts: false
  roles:
    - role: flexops.twilio.flex_sms_setup
      vars:
        flex_sms_setup_channel: {channel}
        flex_sms_setup_show_summary: false
"""

MIGRATE_PLAY = """\
- name: flex_sms_setup, migration to Flex Conversations (bench)
  hosts: accounts
  gather_facts: false
  roles:
    - role: flexops.twilio.flex_sms_setup
      vars:
        flex_sms_setup_channel: conversations
        flex_sms_setup_show_summary: false
"""

ROUTE_PLAY = """\
- name: flex_sms_route_info over every number of the account (bench)
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Where each number's inbound SMS goes
      flexops.twilio.flex_sms_route_info:
        account_sid: "{{ route_account_sid }}"
        auth_token: "{{ route_auth_token }}"
      register: routes

    - name: One answer per number
      ansible.builtin.assert:
        that:
          - routes.numbers | length == route_numbers | int
        quiet: true
"""

SINGLE_PLAYS = {
    "flex_sms_address": """\
- name: flex_sms_address, one task per number (bench)
  hosts: accounts
  gather_facts: false
  tasks:
    - name: SMS address of each number
      flexops.twilio.flex_sms_address:
        phone_number: "{{ item.phone_number }}"
        account_sid: "{{ flex_sms_setup_account_sid }}"
        auth_token: "{{ flex_sms_setup_auth_token }}"
      loop: "{{ flex_sms_setup_numbers }}"
      delegate_to: localhost
""",
    "phone_number_handler": """\
- name: phone_number_handler, one task per number (bench)
  hosts: accounts
  gather_facts: false
  tasks:
    - name: Route each number to the Flex Proxy Service
      flexops.twilio.phone_number_handler:
        phone_number: "{{ item.phone_number }}"
        account_sid: "{{ flex_sms_setup_account_sid }}"
        auth_token: "{{ flex_sms_setup_auth_token }}"
      loop: "{{ flex_sms_setup_numbers }}"
      delegate_to: localhost
""",
}


def write_inventory(tmp, name, accounts, count):
    """One host per account (connection local), with its credentials and numbers."""
    hosts = {}
    for a in range(accounts):
        hosts["account%02d" % a] = {
            "flex_sms_setup_account_sid": sid("AC", a, 1),
            "flex_sms_setup_auth_token": "bench-auth-token-%02d" % a,
            "flex_sms_setup_numbers": [{"phone_number": number(a, i)} for i in range(count)],
        }
    inventory = {"all": {
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"},
        "hosts": {"localhost": None},
        "children": {"accounts": {"hosts": hosts}},
    }}
    path = os.path.join(tmp, "inventory-%s.yml" % name)
    with open(path, "w") as handle:
        yaml.safe_dump(inventory, handle)
    return path


# -- running ----------------------------------------------------------------


class Bench(object):
    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.latency_ms = args.latency_ms
        self.sim = Simulator(state_dir=os.path.join(tmp, "sim")).start()
        self.rows = []
        self.limits_on = False  # Twilio's rate limits, in the simulator and the client (the rate* scenarios)

    def stop(self):
        self.sim.stop()

    def reset(self, seed, limits=False):
        """Reset the simulator to ``seed`` with the bench's latency; ``limits``: Twilio's documented rates on."""
        self.sim.reset(seed)
        self.sim.set_latency(self.latency_ms)
        self.limits_on = limits
        if limits:
            self.sim.set_limits()

    def env(self):
        env = dict((k, v) for k, v in os.environ.items() if k not in SCRUBBED_ENV)
        env.update(self.sim.client_env())
        env.update(sim_limits.client_env(self.limits_on))
        env.update({
            "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS,
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCAL_TEMP": os.path.join(self.tmp, "ansible-local"),
            "ANSIBLE_REMOTE_TEMP": os.path.join(self.tmp, "ansible-remote"),
            "ANSIBLE_HOST_KEY_CHECKING": "0",
        })
        if self.args.profile:
            env["ANSIBLE_CALLBACK_PLUGINS"] = os.path.join(HERE, "callback_plugins")
            env["ANSIBLE_CALLBACKS_ENABLED"] = "bench_task_timer"
        return env

    def playbook(self, text, inventory, forks=1):
        """Run one playbook; return (seconds, requests logged during it)."""
        path = os.path.join(self.tmp, "play.yml")
        with open(path, "w") as handle:
            handle.write(text)
        mark = self.sim.app.log.next_seq
        cmd = [ansible_playbook(), "-i", inventory, "-f", str(forks), path]
        if os.environ.get("BENCH_WRAP"):
            cmd = [sys.executable, os.environ["BENCH_WRAP"]] + cmd
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        sim_before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.monotonic()
        proc = subprocess.run(cmd, cwd=self.tmp, env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              check=False)
        seconds = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        sim_after = resource.getrusage(resource.RUSAGE_SELF)
        self.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        # The simulator runs in this process (its threads): Twilio's side, which a real run does not pay locally.
        self.sim_cpu = (sim_after.ru_utime - sim_before.ru_utime) + (sim_after.ru_stime - sim_before.ru_stime)
        output = proc.stdout.decode("utf-8", "replace")
        if proc.returncode != 0:
            raise RuntimeError("ansible-playbook failed (exit %d):\n%s" % (proc.returncode, output[-6000:]))
        if self.args.verbose:
            print(output)
        elif os.environ.get("BENCH_WRAP"):
            print("\n".join(line for line in output.splitlines() if line.startswith("MAINCPU")))
        elif self.args.profile:
            print("\n".join(line for line in output.splitlines() if line.startswith("TASK-TIME")))
        return seconds, self.sim.log(mark)

    # -- one measured run -----------------------------------------------

    def measure(self, scenario, text, inventory, numbers, accounts, concurrency, forks=1, checks=()):
        seconds, entries = self.playbook(text, inventory, forks)
        methods = collections.Counter(e["method"] for e in entries)
        row = {
            "scenario": scenario,
            "numbers": numbers,
            "accounts": accounts,
            "forks": forks,
            "concurrency": concurrency,
            "seconds": round(seconds, 2),
            "cpu_seconds": round(self.cpu, 2),
            "sim_cpu_seconds": round(self.sim_cpu, 2),
            "load": round(os.getloadavg()[0], 1),
            "requests": len(entries),
            "writes": sum(1 for e in entries if e["write"]),
            "errors": sum(1 for e in entries if (e["status"] or 0) >= 400),
            "methods": dict(sorted(methods.items())),
            "per_number": round(len(entries) / float(numbers), 2) if numbers else None,
            "floor": round(len(entries) * self.latency_ms / 1000.0 / concurrency, 2),
            "limits": self.limits_on,
            "answered_429": sum(1 for e in entries if e["status"] == 429),
            "writes_429": sum(1 for e in entries if e["status"] == 429 and e["write"]),
            "checks": [],
        }
        row.update(rate_floor(entries))
        for label, test in checks:
            row["checks"].append((label, bool(test(row))))
        row["ok"] = all(ok for _label, ok in row["checks"])
        self.rows.append(row)
        self.print_row(row)
        return row

    @staticmethod
    def print_row(row):
        methods = " ".join("%s=%d" % item for item in row["methods"].items()) or "-"
        per = "%.2f" % row["per_number"] if row["per_number"] is not None else "-"
        print("%-52s %7.2fs  req %5d (%s)  writes %4d  per number %5s  floor %6.2fs (conc %d)  cpu %5.1fs + sim %4.1fs  load %4.1f  %s"
              % (row["scenario"], row["seconds"], row["requests"], methods, row["writes"], per, row["floor"],
                 row["concurrency"], row["cpu_seconds"], row["sim_cpu_seconds"], row["load"],
                 "PASS" if row["ok"] else "FAIL"), flush=True)
        print("    rate floor %.1fs (%s), limits %s, 429 answers %d (%.1f %%)" % (
            row["rate_floor"], row["rate_writes"] or "no rate-limited request", "on" if row["limits"] else "off",
            row["answered_429"], 100.0 * row["answered_429"] / max(1, row["requests"])), flush=True)
        for label, ok in row["checks"]:
            print("    %s %s" % ("ok  " if ok else "FAIL", label), flush=True)

    def add_info(self, scenario, detail):
        self.rows.append({"scenario": scenario, "checks": [], "ok": True, "detail": detail, "info": True})
        print("%-52s %s  (info)" % (scenario, detail), flush=True)

    def add_check(self, scenario, label, ok, detail):
        row = {"scenario": scenario, "checks": [(label, bool(ok))], "ok": bool(ok), "detail": detail}
        self.rows.append(row)
        print("%-52s %s  %s" % (scenario, detail, "PASS" if ok else "FAIL"), flush=True)
        return row

    # -- scenarios --------------------------------------------------------

    def single(self, count=20):
        for module, text in SINGLE_PLAYS.items():
            seed = write_seed(self.tmp, "single", 1, count)
            inventory = write_inventory(self.tmp, "single", 1, count)
            self.reset(seed)
            self.measure("single %s: from scratch (%d)" % (module, count), text, inventory, count, 1, 1, checks=[
                ("<= 5 requests per number", lambda r: r["requests"] <= 5 * r["numbers"]),
                ("one write per number", lambda r: r["writes"] == r["numbers"]),
            ])
            self.measure("single %s: no change (%d)" % (module, count), text, inventory, count, 1, 1, checks=[
                ("<= 3 requests per number + 5 per account", lambda r: r["requests"] <= 3 * r["numbers"] + 5),
                ("zero writes", lambda r: r["writes"] == 0),
            ])

    def role(self, name, accounts, count, forks=1):
        """The role from scratch and rerun; returns (scratch row, rerun row)."""
        seed = write_seed(self.tmp, name, accounts, count)
        inventory = write_inventory(self.tmp, name, accounts, count)
        self.reset(seed)
        total = accounts * count
        conc = ROLE_CONCURRENCY * min(forks, accounts)
        where = "%d accounts x %d, forks=%d" % (accounts, count, forks) if accounts > 1 else "%d numbers" % count
        scratch = self.measure("role %s: from scratch (%s)" % (name, where), ROLE_PLAY, inventory, total, accounts,
                               conc, forks, checks=self.scratch_checks(name))
        rerun = self.measure("role %s: no change (%s)" % (name, where), ROLE_PLAY, inventory, total, accounts,
                             conc, forks, checks=self.rerun_checks(name))
        return scratch, rerun

    @staticmethod
    def scratch_checks(name):
        checks = [("two writes per number (address + pool)", lambda r: r["writes"] == 2 * r["numbers"]),
                  ("no failed request", lambda r: r["errors"] == 0)]
        if name == "list200":
            checks.append(("<= 20 s wall", lambda r: r["seconds"] <= 20))
        return checks

    @staticmethod
    def rerun_checks(name):
        checks = [("zero writes", lambda r: r["writes"] == 0)]
        if name in ("list200", "linear100", "linear1000"):
            checks.append(("<= 15 requests in total", lambda r: r["requests"] <= 15))
        if name == "list200":
            checks.append(("<= 10 s wall", lambda r: r["seconds"] <= 10))
        return checks

    def list200(self):
        self.role("list200", 1, 200)

    def linear(self):
        if self.args.big_only:
            self.role("linear1000", 1, 1000)
            return
        small = self.role("linear100", 1, 100)
        big = self.role("linear1000", 1, 1000)
        for kind, a, b in (("from scratch", small[0], big[0]), ("no change", small[1], big[1])):
            req_ratio = b["requests"] / float(a["requests"])
            time_ratio = b["seconds"] / a["seconds"]
            self.add_check("linear %s: 1000 vs 100" % kind, "requests and time <= 10.5x",
                           req_ratio <= 10.5 and time_ratio <= 10.5,
                           "requests x%.2f, time x%.2f (<= 10.5)" % (req_ratio, time_ratio))

    def multi(self, accounts=None, count=None):
        accounts = accounts or self.args.multi_accounts
        count = count or self.args.multi_numbers
        forks = accounts
        scratch, rerun = self.role("multi", accounts, count, forks=forks)
        for kind, row in (("from scratch", scratch), ("no change", rerun)):
            floor, detail = efficiency(row)
            label = "multi %s: forks=%d wall / floor" % (kind, forks)
            if kind == "from scratch":
                self.add_check(label, "wall <= %.1f x max(latency floor, CPU floor)" % MULTI_EFFICIENCY,
                               row["seconds"] <= MULTI_EFFICIENCY * floor, detail + " (<= %.1f)" % MULTI_EFFICIENCY)
            else:
                # Information only: a no-change run sends a few requests per account and is all CPU.
                self.add_info(label, detail)

    def _soak_setup(self, seed):
        """What both soaks start from: the fault spec of one_run_faults.yml, the seed's account, the environment
        and the command of play.py (which runs an inner playbook until it succeeds and reports each run)."""
        with open(os.path.join(RELIABILITY, "one_run_faults.yml")) as handle:
            spec = yaml.safe_load(handle)
        with open(seed) as handle:
            account = yaml.safe_load(handle)["accounts"][0]
        env = dict(self.env(), FLEXOPS_SIM_URL=self.sim.url, TWILIO_ACCOUNT_SID=account["sid"],
                   TWILIO_AUTH_TOKEN=account["auth_token"])
        play = [sys.executable, os.path.join(RELIABILITY, "play.py"), "--output-dir", self.tmp]
        return spec, account, env, play

    def _soak_round(self, account, env, play, inner, problems_of):
        """One soak round under the faults set: the inner playbook until it succeeds (at most 6 runs), the state
        checked by ``problems_of(state)``, then one rerun. Returns what the checks report."""
        inner = ["--", "-i", os.path.join(REPO, "tests", "integration", "inventory.yml")] + inner

        def runs(*options):
            proc = subprocess.run(play + list(options) + inner, cwd=self.tmp, env=env, stdout=subprocess.PIPE,
                                  check=True)
            return json.loads(proc.stdout.decode("utf-8"))["runs"]

        mark = self.sim.app.log.next_seq
        first = runs("--attempts", "6")
        problems = problems_of(self.sim.state()[account["sid"]])
        rerun_mark = self.sim.app.log.next_seq
        rerun = runs()[0]
        entries = self.sim.log(mark)
        rerun_entries = self.sim.log(rerun_mark)
        rerun_writes = sum(1 for e in rerun_entries if e["write"])
        ok = (len(first) == 1 and first[0]["rc"] == 0 and not problems and rerun["rc"] == 0
              and (rerun["recap"] or {}).get("changed") == 0 and rerun_writes == 0)
        return dict(ok=ok, first=first, problems="; ".join(problems) or "every number complete", rerun=rerun,
                    entries=entries, first_entries=entries[:len(entries) - len(rerun_entries)],
                    rerun_writes=rerun_writes, rerun_changed=(rerun["recap"] or {}).get("changed"))

    def soak(self):
        """The role over 50 new numbers under faults, per fault seed: runs needed, then a rerun (issue 12)."""
        seed = os.path.join(RELIABILITY, "seed_50_numbers.yml")
        spec, account, env, play = self._soak_setup(seed)
        for fault_seed in spec["seeds"]:
            self.reset(seed)
            self.sim.set_faults(seed=fault_seed, **spec["faults"])
            r = self._soak_round(account, env, play, [os.path.join(RELIABILITY, "role_50.yml")], soak_problems)
            self.add_check(
                "soak seed %d: runs needed" % fault_seed, "1 run, complete; rerun changed=0, no write", r["ok"],
                "%d run(s) (rc %s, %s s); %d requests, %d faulted; %s; rerun changed=%s, %d writes" % (
                    len(r["first"]), [x["rc"] for x in r["first"]], [x["seconds"] for x in r["first"]],
                    len(r["entries"]), sum(1 for e in r["entries"] if e.get("fault")), r["problems"],
                    r["rerun_changed"], r["rerun_writes"]))

    def soakmig(self):
        """The migration soak (issue 12 for issue 15): 20 legacy numbers to Flex Conversations and back, under faults,
        per fault seed: runs needed per direction, then a rerun each (the targets reliability_migrate_soak and
        reliability_downgrade_soak; here both directions one after the other, from the state the first leaves)."""
        seed = os.path.join(REPO, "tests", "integration", "targets", "reliability_migrate_soak", "seed.yml")
        spec, account, env, play = self._soak_setup(seed)
        for fault_seed in spec["seeds"]:
            self.reset(seed)
            self.sim.set_faults(seed=fault_seed, **spec["faults"])
            for channel in ("conversations", "legacy"):
                r = self._soak_round(account, env, play,
                                     [os.path.join(RELIABILITY, "migrate_20.yml"), "-e", "channel=%s" % channel],
                                     lambda state, c=channel: migrate_problems(state, c))
                first = r["first_entries"]
                self.add_check(
                    "soakmig seed %d %s: runs needed" % (fault_seed, "migration" if channel == "conversations"
                                                         else "downgrade"),
                    "1 run, complete; rerun changed=0, no write", r["ok"],
                    "%d run(s) (rc %s, %s s); %d requests, %d writes, %d faulted; %s; rerun changed=%s, %d writes (%s s)"
                    % (len(r["first"]), [x["rc"] for x in r["first"]], [x["seconds"] for x in r["first"]], len(first),
                       sum(1 for e in first if e["write"]), sum(1 for e in first if e.get("fault")), r["problems"],
                       r["rerun_changed"], r["rerun_writes"], r["rerun"]["seconds"]))

    def route1000(self):
        """Issue 13: flex_sms_route_info over the 1,000 numbers of the flex_sms_route_info_budget seed."""
        import importlib.util  # pylint: disable=import-outside-toplevel
        spec = importlib.util.spec_from_file_location("route_budget_seed", ROUTE_SEED)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        seed = module.seed()
        path = os.path.join(self.tmp, "seed-route1000.yml")
        with open(path, "w") as handle:
            yaml.safe_dump(seed, handle)
        account = seed["accounts"][0]
        inventory = os.path.join(self.tmp, "inventory-route1000.yml")
        with open(inventory, "w") as handle:
            yaml.safe_dump({"all": {"hosts": {"localhost": None}, "vars": {
                "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                "route_account_sid": account["sid"], "route_auth_token": account["auth_token"],
                "route_numbers": module.COUNT}}}, handle)
        self.reset(path)
        self.measure("route_info route1000: every number (%d)" % module.COUNT, ROUTE_PLAY, inventory, module.COUNT,
                     1, 1, checks=[
                         ("<= 40 requests", lambda r: r["requests"] <= 40),
                         ("zero writes", lambda r: r["writes"] == 0),
                         ("no failed request", lambda r: r["errors"] == 0),
                         ("<= 6 s wall", lambda r: r["seconds"] <= 6)])

    def migrate200(self, count=200):
        """Issue 15: 200 legacy numbers to Flex Conversations (4 writes each), then the rerun."""
        seed = write_seed(self.tmp, "migrate200", 1, count, make=legacy_account_seed)
        inventory = write_inventory(self.tmp, "migrate200", 1, count)
        self.reset(seed)
        where = "%d numbers" % count
        self.measure("role migrate200: legacy to conversations (%s)" % where, MIGRATE_PLAY, inventory, count, 1,
                     ROLE_CONCURRENCY, checks=[
                         ("four writes per number", lambda r: r["writes"] == 4 * r["numbers"]),
                         ("no failed request", lambda r: r["errors"] == 0),
                         ("<= 2x the floor of the writes (4 per number x latency / 8)",
                          lambda r: r["seconds"] <= 2 * r["writes"] * self.latency_ms / 1000.0 / ROLE_CONCURRENCY)])
        self.measure("role migrate200: no change (%s)" % where, MIGRATE_PLAY, inventory, count, 1, ROLE_CONCURRENCY,
                     checks=[("zero writes", lambda r: r["writes"] == 0),
                             ("<= 20 requests in total", lambda r: r["requests"] <= 20),
                             ("<= 5 s wall", lambda r: r["seconds"] <= 5)])

    # -- issue 20: Twilio's rate limits on ------------------------------------

    def rate_checks(self, slack=RATE_SLACK):
        return [("no failed request but 429", lambda r: r["errors"] == r["answered_429"]),
                ("<= %.2f x the documented-rate floor" % slack, lambda r: r["seconds"] <= slack * r["rate_floor"]),
                ("429 answers <= %d %% of the requests" % (100 * RATE_429_SHARE),
                 lambda r: r["answered_429"] <= RATE_429_SHARE * r["requests"])]

    def rate200(self, count=200):
        """Issue 20: the role over 200 new numbers with the limits on (100 s floor), then the rerun."""
        seed = write_seed(self.tmp, "rate200", 1, count)
        inventory = write_inventory(self.tmp, "rate200", 1, count)
        self.reset(seed, limits=True)
        where = "%d numbers, limits on" % count
        self.measure("rate rate200: from scratch (%s)" % where, ROLE_PLAY, inventory, count, 1, ROLE_CONCURRENCY,
                     checks=[("two writes per number (address + pool)", lambda r: r["writes"] - r["writes_429"]
                              == 2 * r["numbers"])] + self.rate_checks())
        self.measure("rate rate200: no change (%s)" % where, ROLE_PLAY, inventory, count, 1, ROLE_CONCURRENCY,
                     checks=[("zero writes", lambda r: r["writes"] == 0)])
        self.check_state("rate rate200", seed, lambda state: soak_problems(state, prefix=number(0, 0)[:-5]))

    def rateupdate200(self, count=200):
        """Issue 20: one setting changed on 200 existing SMS addresses (200 updates at 1/s: 200 s floor)."""
        seed = write_seed(self.tmp, "rateupdate200", 1, count, make=legacy_account_seed)
        inventory = write_inventory(self.tmp, "rateupdate200", 1, count)
        self.reset(seed, limits=True)
        self.measure("rate rateupdate200: retry_count 3 -> 2 (%d, limits on)" % count, UPDATE_PLAY, inventory, count,
                     1, ROLE_CONCURRENCY, checks=[("one update per number", lambda r: r["writes"] - r["writes_429"]
                                                   == r["numbers"])] + self.rate_checks())
        flows = [f for f in self.sim.state()[sid("AC", 0, 1)]["flex_flows"] if f["channel_type"] == "sms"]
        self.add_check("rate rateupdate200: state", "every SMS address has retry_count 2",
                       len(flows) == count and all(f["integration"].get("retry_count") == 2 for f in flows),
                       "%d SMS addresses, %d with retry_count 2" % (
                           len(flows), sum(1 for f in flows if f["integration"].get("retry_count") == 2)))

    def ratemigrate200(self, count=200):
        """Issue 20: 200 legacy numbers to Flex Conversations (200 deletes at 2/s) and back (200 creates at 2/s)."""
        seed = write_seed(self.tmp, "ratemigrate200", 1, count, make=legacy_account_seed)
        inventory = write_inventory(self.tmp, "ratemigrate200", 1, count)
        self.reset(seed, limits=True)
        for channel, what in (("conversations", "legacy to conversations"), ("legacy", "conversations to legacy")):
            self.measure("rate ratemigrate200: %s (%d, limits on)" % (what, count), CHANNEL_PLAY.format(channel=channel),
                         inventory, count, 1, ROLE_CONCURRENCY, checks=self.rate_checks())
            self.check_state("rate ratemigrate200 %s" % channel, seed, lambda state, c=channel: migrate_problems(
                state, c, prefix=number(0, 0)[:-5]))

    def check_state(self, scenario, _seed, problems_of):
        problems = problems_of(self.sim.state()[sid("AC", 0, 1)])
        self.add_check(scenario + ": state", "every number complete, no duplicate", not problems,
                       "; ".join(problems) or "every number complete, no duplicate")

    def ratesoak(self):
        """Issue 20: the one-run soak (50 new numbers, 20 % faults, every fault seed) with the limits on."""
        seed = os.path.join(RELIABILITY, "seed_50_numbers.yml")
        spec, account, env, play = self._soak_setup(seed)
        for fault_seed in spec["seeds"]:
            self.reset(seed, limits=True)
            env = dict(env, **self.env())  # TWILIO_ACCOUNT_LIMITS unset: the client paces at the documented rates
            env.pop("TWILIO_ACCOUNT_LIMITS", None)
            self.sim.set_faults(seed=fault_seed, **spec["faults"])
            started = time.monotonic()
            r = self._soak_round(account, env, play, [os.path.join(RELIABILITY, "role_50.yml")], soak_problems)
            first = r["first_entries"]
            limited = sum(1 for e in first if e.get("rate_limited"))
            floor = rate_floor(first)
            self.add_check(
                "ratesoak seed %d: runs needed" % fault_seed, "1 run, complete; rerun changed=0, no write", r["ok"],
                "%d run(s) (rc %s, %s s; rate floor %.1f s); %d requests, %d faulted, %d answered 429 by the limits; "
                "%s; rerun changed=%s, %d writes (%.0f s in all)" % (
                    len(r["first"]), [x["rc"] for x in r["first"]], [x["seconds"] for x in r["first"]],
                    floor["rate_floor"], len(first), sum(1 for e in first if e.get("fault")), limited, r["problems"],
                    r["rerun_changed"], r["rerun_writes"], time.monotonic() - started))


def rate_floor(entries):
    """The documented-rate floor of a run: per rate-limited endpoint, its accepted requests / its documented rate;
    the slowest endpoint decides (the endpoints are paced independently)."""
    counts = collections.Counter()
    for entry in entries:
        name = sim_limits.RateLimiter.endpoint(entry["method"], entry["host"], entry["path"])
        if name is not None and entry["status"] != 429:
            counts[name] += 1
    seconds = dict((name, count / float(sim_limits.DOCUMENTED[name][3])) for name, count in counts.items())
    return {"rate_floor": round(max(seconds.values()) if seconds else 0.0, 2),
            "rate_writes": ", ".join("%s %d at %d/s" % (name, counts[name], sim_limits.DOCUMENTED[name][3])
                                     for name in sorted(counts))}


def soak_problems(state, prefix="+162855503"):
    """What is missing or duplicated after the soak: one enabled SMS address per number, all in the Flex Proxy Service."""
    numbers = dict((n["sid"], n["phone_number"]) for n in state["incoming_phone_numbers"]
                   if n["phone_number"].startswith(prefix))
    flows = [f for f in state["flex_flows"] if f["channel_type"] == "sms" and f["contact_identity"] in numbers.values()]
    enabled = collections.Counter(f["contact_identity"] for f in flows if f["enabled"])
    pool = [n["sid"] for s in state["proxy_services"] if s.get("unique_name") == FLEX_PROXY for n in s["phone_numbers"]]
    problems = []
    if len(flows) != len(numbers) or sorted(enabled.values()) != [1] * len(numbers):
        problems.append("%d SMS addresses (%d enabled) for %d numbers" % (len(flows), sum(enabled.values()), len(numbers)))
    missing = sorted(set(numbers) - set(pool))
    if missing or len(pool) != len(set(pool)):
        problems.append("%d numbers not in the Flex Proxy Service, %d duplicate entries" % (
            len(missing), len(pool) - len(set(pool))))
    return problems


def migrate_problems(state, channel, prefix="+162855504"):
    """What is wrong after a direction of the migration soak: on ``conversations`` one enabled Conversations address
    per number, no Flex Flow, not pooled, sms_url blank; on ``legacy`` one enabled SMS address per number, in the
    Flex Proxy Service once, no Conversations address."""
    numbers = dict((n["sid"], n) for n in state["incoming_phone_numbers"] if n["phone_number"].startswith(prefix))
    phones = set(n["phone_number"] for n in numbers.values())
    flows = collections.Counter(f["contact_identity"] for f in state["flex_flows"]
                                if f["channel_type"] == "sms" and f["contact_identity"] in phones and f["enabled"])
    addresses = collections.Counter(a["address"] for a in state["conversations_addresses"]
                                    if a["type"] == "sms" and a["address"] in phones and a["auto_creation"]["enabled"])
    pool = [n["sid"] for s in state["proxy_services"] if s.get("unique_name") == FLEX_PROXY for n in s["phone_numbers"]
            if n["sid"] in numbers]
    problems = []
    want_flows, want_addresses = (0, 1) if channel == "conversations" else (1, 0)
    expected = (("SMS addresses", flows, want_flows), ("Conversations addresses", addresses, want_addresses))
    for what, counter, want in expected:
        wrong = sorted(p for p in phones if counter.get(p, 0) != want)
        if wrong:
            problems.append("%d numbers without exactly %d %s" % (len(wrong), want, what))
    if channel == "conversations":
        if pool:
            problems.append("%d numbers still in the Flex Proxy Service" % len(pool))
        handled = [n for n in numbers.values() if n.get("sms_url") or n.get("sms_application_sid")]
        if handled:
            problems.append("%d numbers with sms_url or sms_application_sid set" % len(handled))
    elif sorted(pool) != sorted(numbers):
        problems.append("%d of %d numbers in the Flex Proxy Service (%d entries)"
                        % (len(set(pool)), len(numbers), len(pool)))
    return problems


MULTI_EFFICIENCY = 1.3  # the multi rollout's wall time at most this times its floor (issue 11)


def efficiency(row, cores=None):
    """(floor, text): the larger of the run's latency and CPU floors, and the wall time against it.

    The CPU floor is the CPU seconds of every process of the run (ansible-playbook and every
    process below it, and the simulator) spread over all the cores: no run finishes before it.
    """
    cores = cores or os.cpu_count() or 1
    cpu_floor = (row["cpu_seconds"] + row["sim_cpu_seconds"]) / float(cores)
    floor = max(row["floor"], cpu_floor, 0.01)
    text = "%.2fs / max(latency %.2fs, CPU %.2fs = (%.1f + sim %.1f) / %d cores) = x%.2f" % (
        row["seconds"], row["floor"], cpu_floor, row["cpu_seconds"], row["sim_cpu_seconds"], cores,
        row["seconds"] / floor)
    return floor, text


# name -> (Bench method, what it runs); --only picks from here, in this order.
SCENARIOS = collections.OrderedDict([
    ("single", (Bench.single, "flex_sms_address and phone_number_handler, one task per number (20)")),
    ("list200", (Bench.list200, "the role over 200 new numbers in one account, then the rerun")),
    ("linear", (Bench.linear, "the role over 100 and 1,000 numbers: 1,000 at most 10.5x 100")),
    ("multi", (Bench.multi, "the role in 10 accounts x 200 numbers, forks=10: wall <= 1.3 x floor")),
    ("soak", (Bench.soak, "the role over 50 new numbers under 20 % faults, per fault seed: 1 run")),
    ("soakmig", (Bench.soakmig, "20 legacy numbers to Flex Conversations and back under 20 % faults: 1 run each")),
    ("route1000", (Bench.route1000, "flex_sms_route_info over 1,000 numbers: <= 40 requests, <= 6 s")),
    ("migrate200", (Bench.migrate200, "the role moves 200 legacy numbers to Flex Conversations, then the rerun")),
    ("rate200", (Bench.rate200, "limits on: the role over 200 new numbers, <= 1.15 x the 100 s floor, then the rerun")),
    ("rateupdate200", (Bench.rateupdate200, "limits on: one setting changed on 200 addresses, <= 1.15 x 200 s")),
    ("ratemigrate200", (Bench.ratemigrate200, "limits on: 200 numbers to Conversations and back, <= 1.15 x floor each")),
    ("ratesoak", (Bench.ratesoak, "limits on + 20 % faults over 50 new numbers, per fault seed: 1 run, no duplicate")),
])


def print_summary(rows, latency_ms):
    """One line per result: the table docs/performance.md quotes."""
    print("\n== summary (%d ms latency per request; floor = requests x latency / concurrency)" % latency_ms)
    print("%-52s %8s %6s %6s %7s %8s %6s  %s" % ("scenario", "wall s", "req", "writes", "req/num", "floor s", "cpu s",
                                                 "result"))
    for row in rows:
        if "seconds" in row:
            print("%-52s %8.2f %6d %6d %7s %8.2f %6.1f  %s" % (
                row["scenario"], row["seconds"], row["requests"], row["writes"],
                "%.2f" % row["per_number"] if row["per_number"] is not None else "-", row["floor"],
                row["cpu_seconds"], "PASS" if row["ok"] else "FAIL: " + "; ".join(l for l, ok in row["checks"] if not ok)))
        else:
            print("%-52s %s  %s" % (row["scenario"], row["detail"],
                                    "info" if row.get("info") else ("PASS" if row["ok"] else "FAIL")))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=100, help="simulated latency per API request")
    parser.add_argument("--only", nargs="+", choices=list(SCENARIOS), help="run only these scenarios")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--multi-numbers", type=int, default=200, help="numbers per account in the multi scenario")
    parser.add_argument("--multi-accounts", type=int, default=10, help="accounts in the multi scenario")
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument("--no-copy", action="store_true", default=os.environ.get("FLEXOPS_NO_COPY") == "1",
                        help="use the existing collection copy under .build/bench-collections")
    parser.add_argument("--write-seed", metavar="PATH",
                        help="only write a one-account seed with --seed-numbers numbers to PATH (for integration targets)")
    parser.add_argument("--seed-numbers", type=int, default=110, help="numbers in the seed of --write-seed")
    parser.add_argument("--big-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help="print the wall time of every task")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the playbook output")
    args = parser.parse_args(argv)

    if args.list:
        for name, (_method, description) in SCENARIOS.items():
            print("%-10s %s" % (name, description))
        return 0
    if args.write_seed:
        with open(args.write_seed, "w") as handle:
            handle.write("# Generated by: python tests/bench/bench.py --write-seed %s --seed-numbers %d\n"
                         "# One Flex account (Flex Proxy Service with an empty pool, Flex Messaging Service,\n"
                         "# Messaging Flow reaching Send to Flex) with %d numbers %s ... %s, none set up.\n"
                         % (os.path.relpath(args.write_seed, REPO), args.seed_numbers, args.seed_numbers,
                            number(0, 0), number(0, args.seed_numbers - 1)))
            yaml.safe_dump({"accounts": [account_seed(0, args.seed_numbers)]}, handle, default_flow_style=None,
                           sort_keys=False, width=200)
        return 0
    if not args.no_copy:
        copy_collection()
    print("flexops.twilio bench: %d ms latency per request, %s CPU(s), %s, Python %s" % (
        args.latency_ms, os.cpu_count(), platform.platform(), platform.python_version()), flush=True)
    tmp = tempfile.mkdtemp(prefix="flexops-bench-")
    bench = Bench(args, tmp)
    started = time.monotonic()
    try:
        for name in args.only or list(SCENARIOS):
            SCENARIOS[name][0](bench)
    finally:
        bench.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print_summary(bench.rows, args.latency_ms)
    failed = [r for r in bench.rows if not r["ok"]]
    print("bench: %.0fs, load average %.1f; %d results, %d failed%s" % (
        time.monotonic() - started, os.getloadavg()[0], len([r for r in bench.rows if not r.get("info")]), len(failed),
        (": " + "; ".join(r["scenario"] for r in failed)) if failed else ""), flush=True)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"latency_ms": args.latency_ms, "cpus": os.cpu_count(), "rows": bench.rows}, handle, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
