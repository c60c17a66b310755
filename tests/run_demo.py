# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo`: the flex_sms_setup role against the Twilio API simulator.

    python tests/run_demo.py --collections .build

Starts the simulator with tests/simulator/seeds/demo.yml, runs
examples/demo.yml (which prints the per-number summary), runs it again and
checks that the second run reports changed=0 and sent no write request, and
stops the simulator, also when something fails. Exit status 0 on success.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SEED = os.path.join(REPO, "tests", "simulator", "seeds", "demo.yml")
PLAYBOOK = os.path.join(REPO, "examples", "demo.yml")
INVENTORY = os.path.join(REPO, "examples", "inventory", "local.yml")

sys.path.insert(0, os.path.join(REPO, "tests", "simulator"))
from twiliosim import Simulator  # noqa: E402  pylint: disable=wrong-import-position

# Variables that would send the SDK around the simulator, trust another CA, or
# point at another account or collection copy.
SCRUBBED_ENV = (
    "NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy",
    "CURL_CA_BUNDLE", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE",
    "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET", "TWILIO_REGION", "TWILIO_EDGE",
    "ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_COLLECTIONS_PATHS",
)
RECAP_RE = re.compile(r"^localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def banner(text):
    print("\n" + "=" * 78 + "\n== " + text + "\n" + "=" * 78, flush=True)


def run_playbook(env, extra_args=()):
    """Run the demo playbook, echoing its output; returns (rc, output)."""
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", INVENTORY, PLAYBOOK] + list(extra_args)
    if not os.path.exists(cmd[0]):
        cmd[0] = "ansible-playbook"
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = []
    for raw in proc.stdout:
        line = raw.decode("utf-8", "replace")
        lines.append(line)
        sys.stdout.write(line)
        sys.stdout.flush()
    return proc.wait(), "".join(lines)


def recap(output):
    match = RECAP_RE.search(output)
    if not match:
        return None
    return dict(zip(("ok", "changed", "unreachable", "failed"), (int(g) for g in match.groups())))


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run examples/demo.yml twice against the Twilio simulator.")
    parser.add_argument("--collections", required=True,
                        help="directory holding ansible_collections/flexops/twilio (a copy of this repository)")
    args = parser.parse_args(argv)
    collections = os.path.abspath(args.collections)
    if not os.path.isdir(os.path.join(collections, "ansible_collections", "flexops", "twilio")):
        parser.error("%s has no ansible_collections/flexops/twilio" % collections)

    with open(SEED) as handle:
        account = yaml.safe_load(handle)["accounts"][0]

    with tempfile.TemporaryDirectory(prefix="flexops-demo-") as tmp:
        sim = Simulator(seed=SEED, state_dir=os.path.join(tmp, "sim")).start()
        try:
            env = dict((k, v) for k, v in os.environ.items() if k not in SCRUBBED_ENV)
            env.update(sim.client_env())
            env.update({
                "TWILIO_ACCOUNT_SID": account["sid"],
                "TWILIO_AUTH_TOKEN": account["auth_token"],
                "ANSIBLE_COLLECTIONS_PATH": collections,
                "ANSIBLE_RETRY_FILES_ENABLED": "0",
                "ANSIBLE_LOCAL_TEMP": os.path.join(tmp, "ansible-local"),
            })
            print("Twilio simulator on %s, account %s (%s), seed %s"
                  % (sim.url, account["sid"], account.get("friendly_name"), os.path.relpath(SEED, REPO)))

            banner("1st run: set up the SMS addresses")
            started = time.time()
            rc, output = run_playbook(env)
            first = time.time() - started
            if rc != 0:
                print("demo: the first run failed (exit status %d)" % rc, file=sys.stderr)
                return 1
            mark = max([e["seq"] for e in sim.log(0)] or [0]) + 1

            banner("2nd run: nothing left to change")
            started = time.time()
            rc, output = run_playbook(env)
            second = time.time() - started
            entries = sim.log(mark)
            writes = [e for e in entries if e.get("write")]
            stats = recap(output)
            if rc != 0 or stats is None:
                print("demo: the second run failed (exit status %d)" % rc, file=sys.stderr)
                return 1

            banner("Result")
            print("1st run: %.1fs; 2nd run: %.1fs, changed=%d, %d API requests, %d of them writes"
                  % (first, second, stats["changed"], len(entries), len(writes)))
            if stats["changed"] or writes:
                print("demo: the second run should change nothing and write nothing: %s"
                      % ", ".join("%s %s" % (e["method"], e["path"]) for e in writes), file=sys.stderr)
                return 1
            print("The same playbook runs against a real Twilio Flex account: see README.md (Quick start).")
            return 0
        finally:
            sim.stop()


if __name__ == "__main__":
    sys.exit(main())
