# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: flex_sms_setup_number_problems
short_description: What is wrong with the number entries of the role flexops.twilio.flex_sms_setup
version_added: 0.1.0
author:
  - flexops.twilio maintainers (@flexops)
description:
  - Checks the role's C(flex_sms_setup_numbers) entries before any request, the way the modules check their own
    input - an entry with neither C(phone_number) nor C(label), a C(phone_number) that is not E.164 (the modules'
    own pattern), and a number or label given more than once.
  - Made for the role; its input is the role's normalised entries.
options:
  _input:
    description: The role's entries, each with C(phone_number) and C(label) (null when not given).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Fail on bad entries
  ansible.builtin.fail:
    msg: "flex_sms_setup_numbers: {{ problems | join('; ') }}"
  when: problems | length > 0
  vars:
    problems: "{{ [{'phone_number': '4155550103', 'label': none}] | flexops.twilio.flex_sms_setup_number_problems }}"
    # ['entry 0: phone_number=4155550103 is not an E.164 number: write it as + country code and number, digits
    #   only, for example +15551234567']
"""

RETURN = r"""
_value:
  description: One text per problem (entries first, in order, then the repeated numbers and labels, sorted); empty
    when every entry is fine.
  type: list
  elements: str
"""

from ansible_collections.flexops.twilio.plugins.module_utils._validate import E164_RE


def flex_sms_setup_number_problems(entries):
    """The problems of the role's number entries, each once."""
    out = []
    for index, entry in enumerate(entries):
        number, label = entry.get("phone_number"), entry.get("label")
        if number is None and label is None:
            out.append("entry %d has neither phone_number nor label: give the E.164 number (or the label of a number "
                       "to find or buy)" % index)
        elif number is not None and not (isinstance(number, str) and E164_RE.match(number)):
            out.append("entry %d: phone_number=%s is not an E.164 number: write it as + country code and number, "
                       "digits only, for example +15551234567" % (index, number))
    keys = ([e["phone_number"] for e in entries if e.get("phone_number") is not None]
            + ["label %s" % e["label"] for e in entries if e.get("phone_number") is None and e.get("label") is not None])
    keys = sorted(keys, key=str)
    for previous, key in zip(keys, keys[1:]):
        if previous == key:
            out.append("%s is given more than once: give each number once" % key)
    unique = []
    for text in out:
        if text not in unique:
            unique.append(text)
    return unique


class FilterModule(object):
    def filters(self):
        return {"flex_sms_setup_number_problems": flex_sms_setup_number_problems}
