# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check meta/execution-environment.yml with ansible-builder (run by `make ee`).

No container engine runs here. This checks both readers of the file:
- ``ansible-builder create`` turns it into a build context whose Python
  requirements hold the twilio requirement and whose Galaxy requirements hold
  this collection (the file is staged next to requirements.txt, as in the
  collection root, because ansible-builder resolves paths from the file's folder);
- ansible-builder's introspection (what runs inside an image build for every
  included collection) finds the twilio requirement through the same file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def requirement_lines(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip() and not line.strip().startswith("#")]


def main():
    problems = []
    wanted = requirement_lines(os.path.join(ROOT, "requirements.txt"))
    if not any(line.startswith("twilio") for line in wanted):
        problems.append("requirements.txt does not require twilio")

    with open(os.path.join(ROOT, "meta", "execution-environment.yml")) as f:
        definition = yaml.safe_load(f)
    if definition.get("version") != 3:
        problems.append("meta/execution-environment.yml must use ansible-builder schema version 3")

    with tempfile.TemporaryDirectory(prefix="flexops-twilio-ee-") as tmp:
        shutil.copy(os.path.join(ROOT, "meta", "execution-environment.yml"), os.path.join(tmp, "execution-environment.yml"))
        shutil.copy(os.path.join(ROOT, "requirements.txt"), os.path.join(tmp, "requirements.txt"))
        context = os.path.join(tmp, "context")
        cmd = ["ansible-builder", "create", "-f", os.path.join(tmp, "execution-environment.yml"), "-c", context,
               "--output-filename", "Containerfile"]
        print(" ".join(cmd))
        proc = subprocess.run(cmd, cwd=tmp, check=False)
        if proc.returncode != 0:
            sys.exit("ERROR: ansible-builder create failed")

        build = os.path.join(context, "_build")
        python_reqs = requirement_lines(os.path.join(build, "requirements.txt"))
        for line in wanted:
            if line not in python_reqs:
                problems.append("the build context's Python requirements lack %r (has: %s)" % (line, python_reqs))
        with open(os.path.join(build, "requirements.yml")) as f:
            galaxy = yaml.safe_load(f) or {}
        names = [c.get("name") if isinstance(c, dict) else c for c in galaxy.get("collections") or []]
        if "flexops.twilio" not in names:
            problems.append("the build context's Galaxy requirements lack flexops.twilio (has: %s)" % names)
        with open(os.path.join(context, "Containerfile")) as f:
            containerfile = f.read()
        for needed in ("ansible-core", "ansible-runner", "requirements.txt"):
            if needed not in containerfile:
                problems.append("the Containerfile does not mention %s" % needed)

    # What ansible-builder runs inside the image for each installed collection.
    from ansible_builder._target_scripts.introspect import process_collection  # pylint: disable=import-outside-toplevel

    pip_lines = process_collection(ROOT)[0]
    for line in wanted:
        if line not in pip_lines:
            problems.append("ansible-builder introspection of the collection lacks %r (found: %s)" % (line, pip_lines))

    if problems:
        for problem in problems:
            print("ERROR: %s" % problem, file=sys.stderr)
        sys.exit(1)
    print("Execution environment: the build context and the collection's introspection both require %s" % ", ".join(wanted))


if __name__ == "__main__":
    main()
