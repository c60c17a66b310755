# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ansible-core compatibility matrix (issue 22): `make compat` and `make compat-oldest`.

    python .ci/compat.py --core 2.16.20 --core 2.19.14 [--targets "a b"] [--no-units] [-j 2]

For each ansible-core release given (one per minor), a virtual environment
.venv-compat/<minor> with requirements.txt, tests/requirements-compat.txt and
that ansible-core release. It is built once and reused while a stamp file keyed
on those files and the release is there (like .venv). In it the unit suite
(tests/unit, the AWX job test included: ansible-runner finds that venv's
ansible-playbook first on PATH) and the integration targets given, against the
simulator, each minor with its own copy of the collection
(.build/compat-<minor>/collections). Units run beside the integration targets
(they mostly wait on the simulator), their output kept in
.build/compat-<minor>/units.log and shown when they fail.

The last lines are a table: per release, the units' and the targets' result and
the wall time; the exit status is non-zero when anything failed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REQUIREMENTS = ("requirements.txt", os.path.join("tests", "requirements-compat.txt"))
VENVS = os.path.join(ROOT, ".venv-compat")
BUILD = os.path.join(ROOT, ".build")


def minor(release):
    return ".".join(release.split(".")[:2])


def stamp_name(release):
    digest = hashlib.sha256()
    for name in REQUIREMENTS:
        with open(os.path.join(ROOT, name), "rb") as handle:
            digest.update(handle.read())
    digest.update(("ansible-core==%s\n" % release).encode())
    return ".installed-" + digest.hexdigest()[:16]


def ensure_venv(release):
    """The venv of ``release`` (built or rebuilt when its stamp is missing) and whether it was cached."""
    venv = os.path.join(VENVS, minor(release))
    stamp = os.path.join(venv, stamp_name(release))
    if os.path.exists(stamp):
        return venv, True
    print("Creating %s (ansible-core %s)" % (os.path.relpath(venv, ROOT), release), flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.check_call([sys.executable, "-m", "venv", venv])
    cmd = [os.path.join(venv, "bin", "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    for name in REQUIREMENTS:
        cmd += ["-r", os.path.join(ROOT, name)]
    subprocess.check_call(cmd + ["ansible-core==%s" % release], cwd=ROOT)
    print("Installed %s" % ", ".join(sorted(os.path.basename(n) for n in REQUIREMENTS) + ["ansible-core==%s" % release]),
          flush=True)
    open(stamp, "w").close()
    return venv, False


def venv_env(venv):
    """The environment of a run in ``venv``: its bin first on PATH, no machine-wide CURL_CA_BUNDLE."""
    env = dict(os.environ)
    env.pop("CURL_CA_BUNDLE", None)
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = os.pathsep.join([os.path.join(venv, "bin")] + [
        p for p in env.get("PATH", "").split(os.pathsep) if p and not p.startswith(os.path.join(ROOT, ".venv"))])
    env["ANSIBLE_COLLECTIONS_PATH"] = os.path.join(ROOT, "collections")
    env["PY_COLORS"] = "0"
    env["ANSIBLE_NOCOLOR"] = "1"
    return env


def installed_core(venv, env):
    out = subprocess.run(["ansible-playbook", "--version"], env=env, cwd=ROOT, check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    match = re.search(r"\[core ([^\]]+)\]", out)
    return match.group(1) if match else "?"


def summary(log, pattern):
    """The last line of ``log`` matching ``pattern`` (pytest's or run.py's count)."""
    lines = [line.strip() for line in log.splitlines() if re.search(pattern, line)]
    return lines[-1].strip("= ") if lines else "no summary"


def run_release(release, args):
    start = time.time()
    venv, cached = ensure_venv(release)
    env = venv_env(venv)
    core = installed_core(venv, env)
    if core != release:
        return dict(release=release, core=core, cached=cached, units="-", integration="-", ok=False,
                    seconds=time.time() - start, note="ansible-playbook on PATH is %s, not %s" % (core, release))
    out = os.path.join(BUILD, "compat-%s" % minor(release))
    os.makedirs(out, exist_ok=True)
    units_log = os.path.join(out, "units.log")
    units = None
    if args.units:
        handle = open(units_log, "w")
        units = subprocess.Popen(["pytest", "--ansible-unit-inject-only", "-p", "no:cacheprovider", "-q", "tests/unit"],
                                 cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    integration_ok, integration = True, "-"
    if args.targets:
        cmd = [os.path.join(venv, "bin", "python"), os.path.join("tests", "integration", "run.py"), "-j", str(args.jobs),
               "--collections-dir", os.path.join(out, "collections")] + args.targets
        print("[%s] %s" % (release, " ".join(cmd)), flush=True)
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                universal_newlines=True)
        lines = []
        for line in proc.stdout:  # as it comes: one line per target, a failure's playbook output
            lines.append(line)
            sys.stdout.write("[%s] %s" % (release, line))
            sys.stdout.flush()
        integration_ok = proc.wait() == 0
        integration = summary("".join(lines), r"^\d+ passed, \d+ failed$")
    units_ok, units_result = True, "-"
    if units is not None:
        units_ok = units.wait() == 0
        handle.close()
        with open(units_log) as log:
            text = log.read()
        units_result = summary(text, r"\d+ (passed|failed)")
        print("[%s] units: %s (%s)" % (release, units_result, os.path.relpath(units_log, ROOT)), flush=True)
        if not units_ok:
            sys.stdout.write(text[-6000:])
    return dict(release=release, core=core, cached=cached, units=units_result, integration=integration,
                ok=units_ok and integration_ok, seconds=time.time() - start, note="")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--core", action="append", required=True, help="an ansible-core release (one per minor)")
    parser.add_argument("--targets", default="", help="integration targets, space-separated")
    parser.add_argument("--no-units", dest="units", action="store_false", help="skip the unit suite")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="integration targets in parallel")
    args = parser.parse_args()
    args.targets = args.targets.split()
    rows = []
    for release in args.core:
        rows.append(run_release(release, args))
    print("\nansible-core matrix (units: tests/unit; integration: %d targets)" % len(args.targets))
    print("| ansible-core | venv | units | integration | result | wall time |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| %s | %s | %s | %s | %s | %.0f s |" % (
            row["core"], "cached" if row["cached"] else "built", row["units"], row["integration"],
            "PASS" if row["ok"] else "FAIL" + (" (%s)" % row["note"] if row["note"] else ""), row["seconds"]))
    failed = [row["release"] for row in rows if not row["ok"]]
    print("compat: %d of %d ansible-core releases passed%s" % (
        len(rows) - len(failed), len(rows), "; failed: " + ", ".join(failed) if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
