#!/usr/bin/env python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run integration targets against the Twilio API simulator.

    python tests/integration/run.py [TARGET ...] [-j N] [--no-copy]

Each target is tests/integration/targets/NAME/main.yml (+ optional seed.yml).
The runner copies the collection to
.build/collections/ansible_collections/flexops/twilio (or under
--collections-dir; skipped with --no-copy or FLEXOPS_NO_COPY=1 when a copy
already exists there), starts one
simulator per worker, and for every target resets the simulator with the
target's seed and runs ``ansible-playbook main.yml``. Twilio's documented rate
limits are off (the client is told through TWILIO_ACCOUNT_LIMITS that the
account's rates are raised) unless the target has a ``sim_limits.yml`` (the
body of ``POST /_sim/limits``, applied after the reset) or ``--limits`` is given. It prints one line per
target and, for a failure, the playbook output; the last line is
``N passed, M failed``; the exit status is non-zero when any target failed.
"""

import argparse
import concurrent.futures
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TARGETS = os.path.join(HERE, "targets")
INVENTORY = os.path.join(HERE, "inventory.yml")
DEFAULT_SEED = os.path.join(REPO, "tests", "simulator", "seeds", "default.yml")
DEFAULT_COLLECTIONS = os.path.join(REPO, ".build", "collections")

sys.path.insert(0, os.path.join(REPO, "tests", "simulator"))
from twiliosim import Simulator  # noqa: E402  pylint: disable=wrong-import-position
from twiliosim import limits as sim_limits  # noqa: E402  pylint: disable=wrong-import-position
sys.path.insert(0, os.path.join(HERE, "reliability"))
import check_mode_guard  # noqa: E402  pylint: disable=wrong-import-position

# Variables that would send clients around the simulator or trust another CA.
SCRUBBED_ENV = (
    "NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy",
    "CURL_CA_BUNDLE", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE",
    "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET", "TWILIO_REGION", "TWILIO_EDGE",
    "TWILIO_ACCOUNT_LIMITS", "ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_COLLECTIONS_PATHS",
)
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", ".build", "output", "__pycache__", ".pytest_cache", "*.pyc",
                                     ".ansible", ".tox")


def collection_path(collections):
    return os.path.join(collections, "ansible_collections", "flexops", "twilio")


def copy_collection(collections):
    """Copy the repository (minus VCS, venvs, build and test output) to a real ansible_collections path."""
    target = collection_path(collections)
    if os.path.exists(target):
        shutil.rmtree(target)
    os.makedirs(os.path.dirname(target), exist_ok=True)

    def ignore(directory, names):
        ignored = set(COPY_IGNORE(directory, names))
        if os.path.abspath(directory) != os.path.join(REPO, "tests"):
            ignored.discard("output")  # only tests/output is test output
        return ignored

    shutil.copytree(REPO, target, ignore=ignore, symlinks=True)


def first_account(seed_path):
    with open(seed_path) as handle:
        account = yaml.safe_load(handle)["accounts"][0]
    return account["sid"], account["auth_token"]


def ansible_playbook():
    candidate = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    return candidate if os.path.exists(candidate) else (shutil.which("ansible-playbook") or "ansible-playbook")


def target_limits(target_dir, args):
    """The body of POST /_sim/limits for this target (its sim_limits.yml, or --limits), or None: limits off."""
    path = os.path.join(target_dir, "sim_limits.yml")
    if os.path.exists(path):
        with open(path) as handle:
            return yaml.safe_load(handle) or {}
    return {"rates": "documented"} if args.limits else None


def target_env(sim, seed_path, tmp, collections, limits_on=False):
    env = dict((k, v) for k, v in os.environ.items() if k not in SCRUBBED_ENV)
    account_sid, auth_token = first_account(seed_path)
    env.update(sim.client_env())
    env.update(sim_limits.client_env(limits_on))
    env.update({
        "TWILIO_ACCOUNT_SID": account_sid,
        "TWILIO_AUTH_TOKEN": auth_token,
        "ANSIBLE_COLLECTIONS_PATH": collections,
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_LOCAL_TEMP": os.path.join(tmp, "ansible-local"),
        "ANSIBLE_REMOTE_TEMP": os.path.join(tmp, "ansible-remote"),
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    env.update(check_mode_guard.env(tmp, sim.url, env))  # no write during a check-mode task; flexops_sim lookup
    return env


def run_target(target_dir, sim, args):
    name = os.path.basename(target_dir)
    seed = os.path.join(target_dir, "seed.yml")
    if not os.path.exists(seed):
        seed = DEFAULT_SEED
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="flexops-it-%s-" % name) as tmp:
        try:
            sim.reset(seed)
            limits = target_limits(target_dir, args)
            if limits is not None:
                sim.app.limits.configure(limits)
            cmd = [ansible_playbook(), "-i", INVENTORY, "main.yml", "-e", "sim_url=%s" % sim.url, "-e", "sim_seed=%s" % seed]
            if args.verbose:
                cmd.append("-" + "v" * args.verbose)
            proc = subprocess.run(cmd, cwd=target_dir, env=target_env(sim, seed, tmp, args.collections_dir, limits is not None),
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=args.timeout, check=False)
            output = proc.stdout.decode("utf-8", "replace")
            ok = proc.returncode == 0
            ok, output = check_mode_guard.verdict(tmp, ok, output)
        except subprocess.TimeoutExpired as exc:
            output = (exc.stdout or b"").decode("utf-8", "replace") + "\nTIMEOUT after %ss" % args.timeout
            ok = False
        except Exception as exc:  # a broken seed or simulator is this target's failure, not the run's
            output = "runner error: %s: %s" % (type(exc).__name__, exc)
            ok = False
    return ok, time.time() - started, output


def all_targets(targets_dir):
    return sorted(name for name in os.listdir(targets_dir) if os.path.isfile(os.path.join(targets_dir, name, "main.yml")))


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run integration targets against the Twilio simulator.")
    parser.add_argument("targets", nargs="*", help="target names (default: all)")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="targets run in parallel, one simulator each")
    parser.add_argument("--no-copy", action="store_true", default=os.environ.get("FLEXOPS_NO_COPY") == "1",
                        help="use the existing collection copy under .build/collections (env FLEXOPS_NO_COPY=1)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per target")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="pass -v... to ansible-playbook")
    parser.add_argument("--show-output", action="store_true", help="print playbook output of passing targets too")
    parser.add_argument("--list", action="store_true", help="list targets and exit")
    parser.add_argument("--limits", action="store_true",
                        help="every target with Twilio's documented rate limits on (simulator and client)")
    parser.add_argument("--targets-dir", default=TARGETS, help=argparse.SUPPRESS)  # for the runner's own tests
    parser.add_argument("--collections-dir", default=DEFAULT_COLLECTIONS,
                        help="ANSIBLE_COLLECTIONS_PATH holding ansible_collections/flexops/twilio (default .build/collections)")
    args = parser.parse_args(argv)
    args.collections_dir = os.path.abspath(args.collections_dir)

    available = all_targets(args.targets_dir)
    if args.list:
        print("\n".join(available))
        return 0
    names = args.targets or available
    unknown = [name for name in names if name not in available]
    if unknown:
        parser.error("unknown target(s): %s (have: %s)" % (", ".join(unknown), ", ".join(available)))
    if not args.no_copy:
        copy_collection(args.collections_dir)
    elif not os.path.isdir(collection_path(args.collections_dir)):
        parser.error("--no-copy given but %s does not exist" % collection_path(args.collections_dir))

    jobs = max(1, min(args.jobs, len(names)))
    sims = queue.Queue()
    started_sims = []
    for _worker in range(jobs):
        sim = Simulator(seed=DEFAULT_SEED).start()
        started_sims.append(sim)
        sims.put(sim)
    print_lock = threading.Lock()
    results = {}

    def work(name):
        sim = sims.get()
        try:
            ok, seconds, output = run_target(os.path.join(args.targets_dir, name), sim, args)
        finally:
            sims.put(sim)
        with print_lock:
            print("%s %s (%.1fs)" % ("PASS" if ok else "FAIL", name, seconds), flush=True)
            if not ok or args.show_output:
                print("----- output of %s -----\n%s\n----- end of %s -----" % (name, output.rstrip(), name), flush=True)
        results[name] = ok

    started = time.time()
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(work, names))
    finally:
        for sim in started_sims:
            sim.stop()
    passed = sum(1 for ok in results.values() if ok)
    failed = len(results) - passed
    if failed:
        print("failed: %s" % ", ".join(name for name in names if not results.get(name)))
    print("total %.1fs" % (time.time() - started))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
