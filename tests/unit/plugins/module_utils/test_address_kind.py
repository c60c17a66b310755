# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_address_kind: the one machinery every address kind runs on. The same bad entry gives the same problem code
(and names the same option) in every kind: the Flex Flow kind and the Conversations kind."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.flexops.twilio.plugins.module_utils import _address_kind as machinery
from ansible_collections.flexops.twilio.plugins.module_utils import _conversations as conv
from ansible_collections.flexops.twilio.plugins.module_utils import _sms_address as sms_address
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError

NUMBER = "+15551230001"

# Each kind: its Kind, how a task's parameters become entries, and the check of one entry.
KINDS = {
    "flex_flow": (sms_address.KIND, sms_address.entries_from, sms_address.validate_entry),
    "conversations": (conv.KIND, conv.entries_from, conv.validate_entry),
}

# A bad entry (its own settings; the kind's type option is written TYPE), the problem code and the option named.
BAD = [
    ("empty addresses", None, "missing_option", "addresses"),
    ("number not E.164", dict(phone_number="5551230001"), "invalid_value", "addresses[0].phone_number"),
    ("empty name", dict(friendly_name="  "), "invalid_value", "addresses[0].friendly_name"),
    ("webhook not https", dict(webhook_url="http://example.com/sms"), "invalid_value", "addresses[0].webhook_url"),
    ("studio flow empty", dict(studio_flow=""), "invalid_value", "addresses[0].studio_flow"),
    ("retry count out of range", dict(retry_count=4), "out_of_range", "addresses[0].retry_count"),
    ("retry count negative", dict(retry_count=-1), "out_of_range", "addresses[0].retry_count"),
    ("setting of another type", dict(TYPE="studio", webhook_url="https://example.com/sms"), "option_conflict",
     "addresses[0].webhook_url"),
    ("settings of two types", dict(studio_flow="Messaging Flow", webhook_url="https://example.com/sms"),
     "mixed_integration_types", "addresses[0].studio_flow"),
]


def first_problem(kind_name, own):
    kind, entries_from, validate_entry = KINDS[kind_name]
    params = dict((k, None) for k in kind.settings)
    params.update(phone_number=None, sid=None, addresses=[])
    if own is not None:
        item = dict(phone_number=NUMBER)
        item.update((kind.type_option if k == "TYPE" else k, v) for k, v in own.items())
        params["addresses"] = [item]
    with pytest.raises(ValidationError) as err:
        for entry in entries_from(params):
            validate_entry(entry)
    return err.value.problems[0]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
@pytest.mark.parametrize("kind_name", sorted(KINDS))
def test_same_bad_entry_same_problem_code_in_every_kind(kind_name, case):
    _name, own, code, option = case
    problem = first_problem(kind_name, own)
    assert (problem["code"], problem["option"]) == (code, option)
    assert problem["fix"]


def test_a_number_given_twice_is_one_duplicate_entry_problem():
    entries = [machinery.AddressEntry({}, phone_number=NUMBER, index=i) for i in range(3)]
    problem = machinery.first_duplicate(entries).problems[0]
    assert (problem["code"], problem["option"]) == ("duplicate_entry", "addresses[1].phone_number")
    assert machinery.first_duplicate(entries[:1]) is None


@pytest.mark.parametrize("kind_name", sorted(KINDS))
def test_type_table_decides_which_type_takes_which_option(kind_name):
    kind = KINDS[kind_name][0]
    assert kind.types_for("webhook_url") == ("webhook",)
    assert kind.types_for("studio_flow") == ("studio",)
    assert kind.types_for("friendly_name") == kind.types
    assert "webhook_url" in kind.options_of("webhook") and "studio_flow" not in kind.options_of("webhook")
    assert kind.default_type == "studio"


def test_the_flex_flow_kind_takes_the_api_spelling_of_webhook():
    assert sms_address.KIND.normalise_type("external") == "webhook"
    assert conv.KIND.normalise_type("external") == "external"
