# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The role's checks of its number entries: missing number and label, not E.164, given twice."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.filter.flex_sms_setup_number_problems import (
    FilterModule,
    flex_sms_setup_number_problems,
)


def entry(phone_number=None, label=None):
    return dict(phone_number=phone_number, label=label, buy=None)


def test_registered_under_its_name():
    assert FilterModule().filters()["flex_sms_setup_number_problems"] is flex_sms_setup_number_problems


def test_good_entries_have_no_problem():
    assert flex_sms_setup_number_problems([entry("+14155550101"), entry(label="Sales")]) == []


def test_every_problem_once_entries_first_then_repeats():
    problems = flex_sms_setup_number_problems([
        entry(), entry("4155550103"), entry("+14155550102"), entry("+14155550102"), entry(label="Sales"),
        entry(label="Sales"), entry(4155550104), entry("+14155550102\n")])
    assert problems == [
        "entry 0 has neither phone_number nor label: give the E.164 number (or the label of a number to find or buy)",
        "entry 1: phone_number=4155550103 is not an E.164 number: write it as + country code and number, digits only, "
        "for example +15551234567",
        "entry 6: phone_number=4155550104 is not an E.164 number: write it as + country code and number, digits only, "
        "for example +15551234567",
        "entry 7: phone_number=+14155550102\n is not an E.164 number: write it as + country code and number, digits "
        "only, for example +15551234567",
        "+14155550102 is given more than once: give each number once",
        "label Sales is given more than once: give each number once",
    ]
