#!/usr/bin/env python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only helper: run an inner ansible-playbook from an integration target and report on it as JSON.

    play.py [--attempts K] [--kill-after-writes N] [--output-dir DIR] -- ARGS...

runs ``ansible-playbook ARGS...`` (next to this Python) up to K times, until
one run succeeds (rc 0). With --kill-after-writes N (a single attempt), it
watches the simulator's request log ($FLEXOPS_SIM_URL) and kills the whole
run (ansible-playbook and every process below it, SIGKILL: no handler, no
cleanup, like a crashed controller) as soon as N write requests have reached
the simulator; ``killed`` is then the number of processes killed. Prints
``{"runs": [...]}``, one entry per run: rc, seconds, killed, writes (seen
during the run), recap (the PLAY RECAP counters), failures (the results of
failed tasks, parsed), retry_warnings (count of "Twilio request ... retried"
warnings), output_file (the run's full output) and output_bytes; with
--forbid-seed/--forbid also secrets_checked and secret_hits (for each
secret found in the output: its label and line numbers, never its value;
a secret is also found inside a Basic auth header, base64-encoded).
"""

import argparse
import base64
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

RECAP = re.compile(r"^\S+\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)",
                   re.M)
FAILURE = re.compile(r"^(?:fatal|failed): \[[^\]]+\](?: \(item=.*?\))?: FAILED! => (\{.*)$", re.M)
RETRY_WARNING = re.compile(r"Twilio request \S+ \S+ retried after")


def log_next(base):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(base.rstrip("/") + "/_sim/log?since=999999999999", timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))["next"]


def writes_since(base, mark):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(base.rstrip("/") + "/_sim/log?since=%d" % mark, timeout=30) as response:
        return sum(1 for entry in json.loads(response.read().decode("utf-8"))["entries"] if entry["write"])


def descendants(pid):
    """``pid`` and every process below it (Ansible's workers call setsid, so a process group is not enough)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def kill_tree(pid):
    """Freeze the whole tree, then SIGKILL it: nothing gets to clean up or answer, like a crashed controller."""
    tree = descendants(pid)
    for sig in (signal.SIGSTOP, signal.SIGKILL):
        for member in tree:
            try:
                os.kill(member, sig)
            except OSError:
                pass
    return len(tree)


def secret_values(seeds, words):
    """Every auth token and API key secret of the seed files, and the extra words."""
    import yaml  # the integration runner's own dependency

    values = {}
    for path in seeds:
        with open(path) as handle:
            for account in yaml.safe_load(handle)["accounts"]:
                values["auth_token of %s" % account["sid"]] = account["auth_token"]
                for key in account.get("api_keys") or []:
                    values["secret of %s" % key["sid"]] = key["secret"]
    for index, word in enumerate(words):
        values["--forbid %d" % index] = word
    return values


def forms(value):
    """The secret as it could leak: itself, and inside a Basic auth header (base64 of 'user:secret', any user)."""
    found = [value]
    # base64 of "<any 34-character SID>:" + value, aligned so the secret's own encoding is position-independent:
    # check the three base64 alignments of ":secret"
    for pad in range(3):
        encoded = base64.b64encode(b"x" * pad + b":" + value.encode("utf-8")).decode("ascii")
        skip = (pad + 1 + 2) // 3 * 4  # characters that depend on the bytes before the secret
        if len(encoded) - skip > 12:
            found.append(encoded[skip:-4])
    return found


def scan(output, secrets):
    """{label: [line numbers]} of every secret (or its Basic-auth form) found in the output; never the value."""
    hits = {}
    lines = output.splitlines()
    for label, value in secrets.items():
        needles = forms(value)
        where = [number for number, line in enumerate(lines, 1) if any(n in line for n in needles)]
        if where:
            hits[label] = where[:20]
    return hits


def parse(output):
    recap = RECAP.search(output)
    failures = []
    for match in FAILURE.finditer(output):
        try:
            failures.append(json.loads(match.group(1)))
        except ValueError:
            failures.append({"msg": match.group(1)[:2000]})
    keys = ("ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored")
    return {
        "recap": dict(zip(keys, (int(v) for v in recap.groups()))) if recap else None,
        "failures": failures,
        "retry_warnings": len(RETRY_WARNING.findall(output)),
    }


def run_once(cmd, base, kill_after, output_path, secrets=None):
    mark = log_next(base) if base else None
    started = time.time()
    with open(output_path, "w+b") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        killed = 0
        while proc.poll() is None:
            if kill_after and writes_since(base, mark) >= kill_after:
                killed = kill_tree(proc.pid)
                proc.wait()
                break
            time.sleep(0.02)
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    time.sleep(0.2)  # let requests already on the wire land in the log
    result = {"rc": proc.returncode, "seconds": round(time.time() - started, 1), "killed": killed,
              "writes": writes_since(base, mark) if base else None, "output_file": output_path}
    result.update(parse(output))
    result["output_bytes"] = len(output.encode("utf-8"))
    if secrets is not None:
        result["secrets_checked"] = len(secrets)
        result["secret_hits"] = scan(output, secrets)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--attempts", type=int, default=1)
    parser.add_argument("--kill-after-writes", type=int, default=0)
    parser.add_argument("--output-dir", default=None)
    parser.add_argument("--forbid-seed", action="append", default=[],
                        help="report where any auth token or API key secret of this seed file appears in the output")
    parser.add_argument("--forbid", action="append", default=[], help="another value that must not appear in the output")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    playbook_args = args.args[1:] if args.args[:1] == ["--"] else args.args
    base = os.environ.get("FLEXOPS_SIM_URL")
    if args.kill_after_writes and not base:
        parser.error("--kill-after-writes needs FLEXOPS_SIM_URL")
    output_dir = args.output_dir or os.environ.get("TMPDIR", "/tmp")
    os.makedirs(output_dir, exist_ok=True)
    cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook")] + playbook_args
    runs = []
    for attempt in range(max(1, args.attempts)):
        path = os.path.join(output_dir, "run-%d-%d.log" % (os.getpid(), attempt + 1))
        secrets = secret_values(args.forbid_seed, args.forbid) if (args.forbid_seed or args.forbid) else None
        runs.append(run_once(cmd, base, args.kill_after_writes, path, secrets))
        if runs[-1]["rc"] == 0 or runs[-1]["killed"]:
            break
    print(json.dumps({"runs": runs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
