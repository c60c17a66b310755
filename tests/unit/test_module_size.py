# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every module file is docs, declarations and small hooks: at most 160 lines of code outside its doc strings.

A module_utils file is split by concern: one over 450 lines says why in a line of its header
("Over 450 lines: <reason>").

Counted as docs/architecture.md says (the same rule as its awk command):
non-blank lines that are not comments and not inside the
DOCUMENTATION/EXAMPLES/RETURN string assignments. Logic a module would need
beyond that belongs in plugins/module_utils/.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import re

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LIMIT = 160
DOC_START = re.compile(r'^(DOCUMENTATION|EXAMPLES|RETURN) = r"""')


def code_lines(text):
    count, in_doc = 0, False
    for line in text.splitlines():
        if not in_doc and DOC_START.match(line):
            in_doc = True
            continue
        if in_doc:
            if line.startswith('"""'):
                in_doc = False
            continue
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            count += 1
    return count


MODULES = sorted(p for p in glob.glob(os.path.join(ROOT, "plugins", "modules", "*.py"))
                 if os.path.basename(p) != "__init__.py")


def test_counting_rule():
    text = '#!/usr/bin/python\n# comment\n\nDOCUMENTATION = r"""\nmodule: x\n"""\n\nimport os\n    # indented comment\nx = 1\n'
    assert code_lines(text) == 2


def test_there_are_modules_to_count():
    assert MODULES


@pytest.mark.parametrize("path", MODULES, ids=os.path.basename)
def test_module_is_at_most_160_lines_of_code(path):
    with open(path) as f:
        count = code_lines(f.read())
    assert count <= LIMIT, "%s has %d lines of code outside its docs (at most %d): move logic to plugins/module_utils/" % (
        os.path.relpath(path, ROOT), count, LIMIT)


UTILS = sorted(p for p in glob.glob(os.path.join(ROOT, "plugins", "module_utils", "*.py"))
               if os.path.basename(p) != "__init__.py")
UTILS_LIMIT = 450
REASON = re.compile(r"^Over 450 lines: \S", re.M)


@pytest.mark.parametrize("path", UTILS, ids=os.path.basename)
def test_module_utils_file_over_450_lines_says_why(path):
    with open(path) as f:
        text = f.read()
    lines = len(text.splitlines())
    header = text.split('"""')[1] if text.count('"""') >= 2 else ""
    assert lines <= UTILS_LIMIT or REASON.search(header), (
        "%s has %d lines (more than %d) and no 'Over 450 lines: <reason>' line in its header: split it by concern"
        % (os.path.relpath(path, ROOT), lines, UTILS_LIMIT))
