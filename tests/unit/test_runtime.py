# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""meta/runtime.yml: the action group ``twilio`` is exactly the collection's modules; requires_ansible is what `make compat` tests.

``module_defaults: {group/flexops.twilio.twilio: ...}`` reaches only modules in
the group, so a module missing from it would silently run without the
credentials a playbook set there.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import re

import yaml
from packaging.specifiers import SpecifierSet

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def load_runtime():
    with open(os.path.join(ROOT, "meta", "runtime.yml")) as f:
        return yaml.safe_load(f)


def modules():
    return sorted(
        os.path.splitext(os.path.basename(path))[0]
        for path in glob.glob(os.path.join(ROOT, "plugins", "modules", "*.py"))
        if os.path.basename(path) != "__init__.py"
    )


def test_there_are_modules():
    assert modules(), "plugins/modules/ holds no module"


def test_action_group_is_exactly_the_modules():
    group = load_runtime()["action_groups"]["twilio"]
    assert len(group) == len(set(group)), "meta/runtime.yml action group twilio lists a module twice"
    missing = sorted(set(modules()) - set(group))
    extra = sorted(set(group) - set(modules()))
    assert not missing, "modules missing from the action group twilio in meta/runtime.yml: %s" % missing
    assert not extra, "action group twilio in meta/runtime.yml lists modules that do not exist: %s" % extra


def test_group_entries_are_short_names():
    # Entries of a collection's own action group are short names (ansible-core resolves them in the collection).
    for entry in load_runtime()["action_groups"]["twilio"]:
        assert isinstance(entry, str) and "." not in entry, entry


def compat_cores():
    """COMPAT_CORES of the Makefile: the ansible-core releases `make compat` tests, one per minor."""
    with open(os.path.join(ROOT, "Makefile")) as f:
        match = re.search(r"^COMPAT_CORES := (.+)$", f.read(), re.M)
    assert match, "the Makefile has no COMPAT_CORES line"
    return match.group(1).split()


def test_requires_ansible_is_what_make_compat_tests():
    """requires_ansible admits every tested minor (from its .0 on) and nothing past the newest tested one."""
    spec = SpecifierSet(load_runtime()["requires_ansible"])
    cores = compat_cores()
    minors = [tuple(int(p) for p in core.split(".")[:2]) for core in cores]
    assert minors == sorted(set(minors)), "COMPAT_CORES: one release per minor, oldest first"
    for major, minor in minors:
        assert spec.contains("%d.%d.0" % (major, minor)) and spec.contains("%d.%d.99" % (major, minor))
    oldest, newest = minors[0], minors[-1]
    assert not spec.contains("%d.%d.99" % (oldest[0], oldest[1] - 1))
    assert not spec.contains("%d.%d.0" % (newest[0], newest[1] + 1))
