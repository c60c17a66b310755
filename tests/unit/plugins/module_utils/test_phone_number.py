# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_phone_number: a number as phone_number returns it, the checks of its options, and the search of available
numbers (a small stub module records the listing it is asked for)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.flexops.twilio.plugins.module_utils import _phone_number as numbers
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError


def params(**values):
    p = dict(phone_number=None, friendly_name="Support", state="present", release=False, country="gb",
             number_type="local", area_code=None, contains=None)
    p.update(values)
    return p


def test_describe_and_capabilities():
    record = dict(phone_number="+15551230001", sid="PN" + "1" * 32, friendly_name="x", capabilities={"SMS": 1},
                  other="left out")
    assert numbers.describe(record) == dict(phone_number="+15551230001", sid="PN" + "1" * 32, friendly_name="x",
                                            capabilities=dict(sms=True))


def test_validate_options_normalises_the_country():
    p = params()
    numbers.validate_options(p)
    assert p["country"] == "GB"


@pytest.mark.parametrize("values, code", [
    (dict(state="absent"), "confirm_release"),
    (dict(release=True), "option_conflict"),
    (dict(phone_number="+15551230001", contains="55"), "option_conflict"),
    (dict(country="GBR"), "invalid_value"),
])
def test_validate_options_refuses_with_a_code(values, code):
    with pytest.raises(ValidationError) as err:
        numbers.validate_options(params(**values))
    assert err.value.code == code


class Task(object):
    """The running module as search sees it: its account, a client to name the listing, list_all recording it."""

    account_sid = "AC" + "a" * 32

    def __init__(self, items):
        self.items, self.asked = items, []
        self.client = self

    # the SDK path: client.api.v2010.accounts(sid).available_phone_numbers(country).local
    def __getattr__(self, name):
        if name in ("api", "v2010"):
            return self
        raise AttributeError(name)

    def accounts(self, sid):
        return self

    def available_phone_numbers(self, country):
        self.asked.append(country)
        return self

    local = "local listing"

    def list_all(self, what, lister, **filters):
        self.asked.append((what, lister, filters))
        return self.items


def test_search_lists_one_page_of_sms_numbers_and_drops_the_others():
    m = Task([dict(phone_number="+1", capabilities=dict(sms=True)), dict(phone_number="+2", capabilities=dict(sms=False)),
              dict(phone_number="+3")])
    found = numbers.search(m, "US", "local", area_code=415, contains=None)
    assert [n["phone_number"] for n in found] == ["+1", "+3"]
    what, lister, filters = m.asked[1]
    assert m.asked[0] == "US" and lister == "local listing" and what == "Searching available local numbers in US"
    assert filters == dict(sms_enabled=True, page_size=numbers.SEARCH_PAGE, limit=numbers.SEARCH_PAGE, area_code=415)
