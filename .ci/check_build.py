# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check a built flexops.twilio collection tarball (run by `make build`).

- the tarball holds no development-only files (simulator, tests, venvs, ...);
- the tarball ships exactly the modules in plugins/modules/;
- installed from the tarball, ``ansible-doc`` renders every module (and every role
  with an argument spec) without a warning or error.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTION = "flexops.twilio"

# Paths (or path prefixes) that must never ship in the collection tarball.
FORBIDDEN_PREFIXES = (
    ".venv/", ".venv-compat/", ".build/", ".git/", ".ci/", ".ansible/", ".pytest_cache/", ".cache/",
    "collections/", "tests/",
)
FORBIDDEN_NAMES = ("Makefile", ".gitignore", ".ansible-lint", ".yamllint", "pytest.ini")
FORBIDDEN_SUFFIXES = (".pyc", ".tar.gz")
REQUIRED = (
    "MANIFEST.json", "FILES.json", "README.md", "COPYING", "requirements.txt",
    "meta/runtime.yml", "meta/execution-environment.yml", "changelogs/changelog.yaml",
    "plugins/doc_fragments/twilio.py", "plugins/module_utils/_base.py",
)


def source_modules():
    return sorted(
        os.path.splitext(os.path.basename(p))[0]
        for p in glob.glob(os.path.join(ROOT, "plugins", "modules", "*.py"))
        if os.path.basename(p) != "__init__.py"
    )


def check_members(tarball, problems):
    with tarfile.open(tarball) as tar:
        names = [m.name[2:] if m.name.startswith("./") else m.name for m in tar.getmembers()]
    for name in names:
        path = name + "/" if not name.endswith("/") else name
        if (path.startswith(FORBIDDEN_PREFIXES) or os.path.basename(name) in FORBIDDEN_NAMES
                or name.endswith(FORBIDDEN_SUFFIXES) or "/__pycache__" in "/" + name):
            problems.append("%s must not be in the tarball: add it to build_ignore in galaxy.yml" % name)
    for name in REQUIRED:
        if name not in names:
            problems.append("%s is missing from the tarball" % name)
    return sorted(
        os.path.splitext(os.path.basename(n))[0] for n in names
        if n.startswith("plugins/modules/") and n.endswith(".py") and not n.endswith("__init__.py")
    )


def run(cmd, env, cwd):
    proc = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def check_docs(tarball, modules, problems):
    with tempfile.TemporaryDirectory(prefix="flexops-twilio-build-") as tmp:
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=tmp, ANSIBLE_NOCOLOR="1")
        env.pop("ANSIBLE_COLLECTIONS_PATHS", None)
        rc, out, err = run(["ansible-galaxy", "collection", "install", "--offline", "-p", tmp, tarball], env, tmp)
        if rc != 0:
            problems.append("ansible-galaxy collection install failed:\n%s%s" % (out, err))
            return
        installed = os.path.join(tmp, "ansible_collections", "flexops", "twilio")
        print("Installed %s into %s" % (os.path.basename(tarball), tmp))

        for module in modules:
            name = "%s.%s" % (COLLECTION, module)
            rc, out, err = run(["ansible-doc", "-t", "module", name], env, tmp)
            if rc != 0 or "WARNING" in err or "ERROR" in err or not out.strip():
                problems.append("ansible-doc %s failed (rc=%s):\n%s" % (name, rc, err.strip() or out.strip()))
                continue
            rc, out, err = run(["ansible-doc", "--json", "-t", "module", name], env, tmp)
            try:
                data = json.loads(out)[name]
            except (ValueError, KeyError):
                problems.append("ansible-doc --json %s gave no documentation:\n%s" % (name, err.strip()))
                continue
            for part in ("doc", "examples", "return"):
                if not data.get(part):
                    problems.append("%s has no %s in its documentation" % (name, part.upper()))
            print("ansible-doc %s: ok" % name)

        for spec in sorted(glob.glob(os.path.join(installed, "roles", "*", "meta", "argument_specs.yml"))):
            role = "%s.%s" % (COLLECTION, spec.split(os.sep)[-3])
            rc, out, err = run(["ansible-doc", "-t", "role", role], env, tmp)
            if rc != 0 or "WARNING" in err or "ERROR" in err or not out.strip():
                problems.append("ansible-doc -t role %s failed (rc=%s):\n%s" % (role, rc, err.strip() or out.strip()))
            else:
                print("ansible-doc -t role %s: ok" % role)


def main():
    if len(sys.argv) != 2 or not os.path.isfile(sys.argv[1]):
        sys.exit("usage: check_build.py <built collection tarball>")
    tarball = os.path.abspath(sys.argv[1])
    problems = []

    # That meta/runtime.yml's action group lists exactly these modules is
    # tests/unit/test_runtime.py's check (make units).
    modules = source_modules()
    if not modules:
        problems.append("plugins/modules/ holds no module")

    shipped = check_members(tarball, problems)
    if shipped != modules:
        problems.append("the tarball's modules (%s) differ from plugins/modules/ (%s)" % (", ".join(shipped), ", ".join(modules)))

    check_docs(tarball, shipped, problems)

    if problems:
        for problem in problems:
            print("ERROR: %s" % problem, file=sys.stderr)
        sys.exit(1)
    print("%s: %d modules documented, no development files shipped" % (os.path.basename(tarball), len(shipped)))


if __name__ == "__main__":
    main()
