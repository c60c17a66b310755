# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: flex_sms_setup_error
short_description: The error of the role flexops.twilio.flex_sms_setup for a failed address task, in its variables
version_added: 0.1.0
author:
  - flexops.twilio maintainers (@flexops)
description:
  - Words the error of a failed M(flexops.twilio.flex_sms_address) or M(flexops.twilio.flex_conversations_address)
    task of the role from the result's C(problems) (docs/problems.md) - each problem's C(code), C(option),
    C(entry) and C(fix) - never by cutting up its C(msg).
  - When a problem has a code the role words itself (O(fixes)), every problem becomes one line, its C(msg)
    followed by the role's fix for its code (else the module's C(fix)), and the error starts with
    C(Nothing was changed) (or, when the task changed something first, C(Some numbers were changed before the
    error, run the role again to finish)). Otherwise the module's C(msg) is the error, as it names no option the
    role has its own name for.
  - A C(sid_not_found) problem names the setting by the role's name, from its C(option) and C(entry) - the entry's
    own setting when that entry sets it, else the role variable C(flex_sms_setup_<option>) - in place of the
    module's option name, and gets the role's fix for that option (O(sid_fixes)).
  - A C(capacity_exceeded) problem gets the role's fix for its limit (its C(option), C(account_limits.<limit>);
    O(capacity_fixes)).
  - Made for the role; its input is a module result.
options:
  _input:
    description: The registered result of the failed task (C(msg), C(changed), C(problems)).
    type: dict
    required: true
  entries:
    description: The role's number entries (C(phone_number) and the settings each sets itself).
    type: list
    elements: dict
    required: true
  fixes:
    description: Code -> the role's fix, in its variables, for the codes the role words itself.
    type: dict
    required: true
  sid_fixes:
    description: For C(sid_not_found), module option -> the role's fix.
    type: dict
    default: {}
  capacity_fixes:
    description: For C(capacity_exceeded), limit (as in the modules' C(account_limits)) -> the role's fix.
    type: dict
    default: {}
  module:
    description: The module's name, for a result without C(msg).
    type: str
    default: flex_sms_address
"""

EXAMPLES = r"""
- name: Fail with the role's words
  ansible.builtin.fail:
    msg: "{{ result | flexops.twilio.flex_sms_setup_error(entries, {'held_by_other_service': 'Set flex_sms_setup_take_over to true.'}) }}"
"""

RETURN = r"""
_value:
  description: The error, one sentence per problem (repeats once), joined with C(; ).
  type: str
"""

import re

_ENTRY_OPTION = re.compile(r"^addresses\[\d+\]\.")
_LIMIT_OPTION = re.compile(r"^account_limits\.")


def _setting(problem, entries):
    """The role's name of a problem's option: the entry's own setting when that entry sets it, else the role variable."""
    base = _ENTRY_OPTION.sub("", problem["option"])
    entry = next((e for e in entries if e.get("phone_number") == problem.get("entry")), {})
    if entry.get(base) is not None:
        return base, "%s of the flex_sms_setup_numbers entry %s" % (base, problem.get("entry"))
    return base, "flex_sms_setup_" + base


def _line(problem, entries, fixes, sid_fixes, capacity_fixes):
    fix = fixes.get(problem.get("code"), problem.get("fix"))
    text = problem.get("msg") or ""
    if problem.get("code") == "sid_not_found" and problem.get("option"):
        # The module's option, where the message names it, becomes the role's name for it (no cutting by position).
        base, named = _setting(problem, entries)
        text = text.replace(problem["option"], named, 1)
        fix = sid_fixes.get(base, fix)
    elif problem.get("code") == "capacity_exceeded" and problem.get("option"):
        fix = capacity_fixes.get(_LIMIT_OPTION.sub("", problem["option"]), fix)
    text = text.rstrip(".")
    return "%s. %s" % (text, fix.strip()) if fix else text


def flex_sms_setup_error(result, entries, fixes, sid_fixes=None, module="flex_sms_address", capacity_fixes=None):
    """The role's error for a failed address task (see DOCUMENTATION)."""
    problems = result.get("problems") or []
    if not any(p.get("code") in fixes for p in problems):
        return result.get("msg") or "flexops.twilio.%s failed" % module
    lines = []
    for problem in problems:
        line = re.sub(r"\.$", "", _line(problem, entries, fixes, sid_fixes or {}, capacity_fixes or {}))
        if line not in lines:
            lines.append(line)
    head = ("Some numbers were changed before the error, run the role again to finish" if result.get("changed")
            else "Nothing was changed")
    return "%s: %s." % (head, "; ".join(lines))


class FilterModule(object):
    def filters(self):
        return {"flex_sms_setup_error": flex_sms_setup_error}
