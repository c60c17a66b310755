# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""docs/architecture.md is the map of the code: it names every file under plugins/ (module_utils, modules, filters,
doc fragments), so a new file cannot land without its line saying what it owns; and the unit tests follow the code
(tests/unit/plugins/module_utils/test_<file>.py for each module_utils file, a test file for each module and filter)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import re

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FILES = sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "plugins", "*", "*.py"))
               if os.path.basename(p) != "__init__.py")


def architecture():
    with open(os.path.join(ROOT, "docs", "architecture.md")) as f:
        return f.read()


def named(path, text):
    """A module_utils file by its name in a table row (`_base.py`); any other file by its path."""
    if path.startswith(os.path.join("plugins", "module_utils")):
        return re.search(r"^\| `%s` \|" % re.escape(os.path.basename(path)), text, re.M) is not None
    return "`%s`" % path.replace(os.sep, "/") in text


def test_there_are_files_to_map():
    assert any("module_utils" in p for p in FILES) and any("modules" in p for p in FILES)


@pytest.mark.parametrize("path", FILES)
def test_architecture_md_names_every_file_under_plugins(path):
    assert named(path, architecture()), (
        "docs/architecture.md has no line for %s: add a row saying what it owns" % path)


def test_a_file_left_out_is_found():
    assert not named(os.path.join("plugins", "module_utils", "_nothing.py"), architecture())


# -- the unit tests follow the code: tests/unit/plugins/<dir>/test_<file>.py for every plugin file ----------------

@pytest.mark.parametrize("path", [p for p in FILES if not p.startswith(os.path.join("plugins", "doc_fragments"))])
def test_every_plugin_file_has_its_unit_test_file(path):
    folder, name = os.path.split(path)
    test = os.path.join(ROOT, "tests", "unit", folder, "test_%s" % name.lstrip("_"))
    assert os.path.isfile(test), "%s has no unit test file %s" % (path, os.path.relpath(test, ROOT))
