# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: flex_sms_setup_labels
short_description: The numbers the role flexops.twilio.flex_sms_setup found or bought for its labels
version_added: 0.1.0
author:
  - flexops.twilio maintainers (@flexops)
description:
  - From the role's step 1 (a looped M(flexops.twilio.phone_number) task, one item per label), the E.164 number of
    each label, null when the label has no number (yet - a number that would be bought in check mode has no SID).
  - With O(entries), the role's entries instead, each label's number filled in; an entry whose label has no number
    is left out (the role keeps it aside as pending).
  - Made for the role; its input is the role's internal data.
options:
  _input:
    description: The registered result of the looped M(flexops.twilio.phone_number) task (its C(results)).
    type: dict
    required: true
  entries:
    description: The role's entries (C(phone_number), C(label)); when given, the entries are returned instead.
    type: list
    elements: dict
"""

EXAMPLES = r"""
- name: label -> number
  ansible.builtin.set_fact:
    labels: "{{ found | flexops.twilio.flex_sms_setup_labels }}"
    entries: "{{ found | flexops.twilio.flex_sms_setup_labels(entries) }}"
"""

RETURN = r"""
_value:
  description: label -> E.164 number (or null); with O(entries), the entries that have a number, in order.
  type: raw
"""


def flex_sms_setup_labels(step1, entries=None):
    """label -> number; with ``entries``, the entries with their label's number (see DOCUMENTATION)."""
    labels = {}
    for r in (step1 or {}).get("results") or []:
        labels[r["item"]["label"]] = r.get("phone_number") if r.get("sid") else None
    if entries is None:
        return labels
    out = []
    for entry in entries:
        if entry.get("phone_number") is not None:
            out.append(entry)
        elif labels.get(entry.get("label")) is not None:
            out.append(dict(entry, phone_number=labels[entry["label"]]))
    return out


class FilterModule(object):
    def filters(self):
        return {"flex_sms_setup_labels": flex_sms_setup_labels}
