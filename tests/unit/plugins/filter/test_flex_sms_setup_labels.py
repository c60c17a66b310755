# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The role's step 1: each label's number (none without a SID), and the entries with their label's number."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.filter.flex_sms_setup_labels import FilterModule, flex_sms_setup_labels

STEP1 = dict(results=[
    dict(item=dict(label="Sales"), phone_number="+14155550101", sid="PN" + "1" * 32),
    dict(item=dict(label="Support"), phone_number="+14155550102", sid=None),  # would be bought (check mode)
    dict(item=dict(label="Gone"), changed=False),  # state absent: no number
])


def test_registered_under_its_name():
    assert FilterModule().filters()["flex_sms_setup_labels"] is flex_sms_setup_labels


def test_each_label_with_its_number_or_none():
    assert flex_sms_setup_labels(STEP1) == {"Sales": "+14155550101", "Support": None, "Gone": None}
    assert flex_sms_setup_labels({}) == {}


def test_entries_get_their_labels_number_and_those_without_one_are_left_out():
    entries = [dict(phone_number="+14155550199", label=None), dict(phone_number=None, label="Support"),
               dict(phone_number=None, label="Sales", studio_flow="X")]
    assert flex_sms_setup_labels(STEP1, entries) == [
        dict(phone_number="+14155550199", label=None), dict(phone_number="+14155550101", label="Sales", studio_flow="X")]
