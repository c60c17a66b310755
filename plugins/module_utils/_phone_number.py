# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: an account's phone numbers, searched, bought and named.

What phone_number needs and the next module can use: a number as the module
returns it (``describe``, ``capabilities``), the checks of its options
(``validate_options``), the search of available numbers (``search``), and the
writes, each through ``reconcile`` so that a lost answer is resolved by
re-reading: ``buy`` (never twice) and ``ensure_name``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.flexops.twilio.plugins.module_utils import _lookups as lookups
from ansible_collections.flexops.twilio.plugins.module_utils._client import to_dict
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError
from ansible_collections.flexops.twilio.plugins.module_utils._validate import check_e164, check_only_with

NUMBER_TYPES = dict(local="local", mobile="mobile", toll_free="toll_free")
SEARCH_PAGE = 20
NOT_AVAILABLE = 21422  # "PhoneNumber ... is not available": also Twilio's answer to buying a number twice


def capabilities(record):
    """A number's capabilities with lower-case keys (``sms``, ``mms``, ``voice``)."""
    caps = record.get("capabilities") or {}
    return dict((str(k).lower(), bool(v)) for k, v in caps.items())


def describe(record):
    """A number as phone_number returns it."""
    return dict(phone_number=record.get("phone_number"), sid=record.get("sid"),
                friendly_name=record.get("friendly_name"), capabilities=capabilities(record))


def validate_options(p):
    """The checks of phone_number's options, before any request (normalises O(country) to upper case)."""
    check_e164("phone_number", p["phone_number"])
    if p["friendly_name"] is not None:
        if not p["friendly_name"].strip():
            raise ValidationError("friendly_name must not be empty: give the label that identifies the number.")
        if len(p["friendly_name"]) > 64:
            raise ValidationError("friendly_name is %d characters long: Twilio allows at most 64." % len(p["friendly_name"]))
    if not re.match(r"^[A-Za-z]{2}$", p["country"] or ""):
        raise ValidationError("country=%r is not a two-letter ISO 3166-1 country code, for example 'US' or 'GB'." % p["country"])
    p["country"] = p["country"].upper()
    if p["contains"] is not None and not re.match(r"^[0-9A-Za-z*]{2,}$", p["contains"]):
        raise ValidationError(
            "contains=%r is not a number pattern: use at least 2 of the characters 0-9, A-Z and '*' (any digit)." % p["contains"])
    if p["area_code"] is not None and p["area_code"] <= 0:
        raise ValidationError("area_code=%r is not an area code: give its digits, for example 415." % p["area_code"])
    if p["state"] == "absent":
        if not p["release"]:
            raise ValidationError(
                "state=absent releases the number, which is irreversible (it may never be buyable again): "
                "add release: true to confirm, or remove state: absent.", code="confirm_release", option="release")
        for option in ("area_code", "contains"):
            check_only_with(p, option, ["present"], "state", "absent")
    else:
        if p["release"]:
            raise ValidationError("release is only used with state=absent: remove release or set state=absent.",
                                  code="option_conflict", option="release")
        if p["phone_number"]:
            for option in ("area_code", "contains"):
                if p[option] is not None:
                    raise ValidationError(
                        "%s is only used when buying a number by friendly_name; with phone_number the number is "
                        "given: remove %s." % (option, option), code="option_conflict", option=option)


def search(m, country, number_type, **filters):
    """The SMS-capable numbers available to buy (one page of at most SEARCH_PAGE)."""
    available = m.client.api.v2010.accounts(m.account_sid).available_phone_numbers(country)
    lister = getattr(available, NUMBER_TYPES[number_type])
    filters = dict((k, v) for k, v in filters.items() if v is not None)
    items = m.list_all(
        "Searching available %s numbers in %s" % (number_type.replace("_", "-"), country), lister,
        sms_enabled=True, page_size=SEARCH_PAGE, limit=SEARCH_PAGE, **filters)
    return [n for n in items if capabilities(n).get("sms", True)]


# -- writes --------------------------------------------------------------------------------

def buy(m, numbers_api, e164, label, known=()):
    """Buy ``e164``, never twice: after a lost answer or a 5xx it is re-read by number and label (``known``:
    the numbers that carried the label before) and only bought again when neither finds it."""
    wanted = dict(phone_number=e164, friendly_name=label)

    def create(fields):
        kwargs = dict(phone_number=e164)
        if label is not None:
            kwargs["friendly_name"] = label
        return to_dict(numbers_api.create(**kwargs))

    # Twilio refuses a number the account bought already as not available (21422): a repeat that went through.
    return m.reconcile("phone number %s" % e164, None, wanted, create, None,
                       recover=lambda: lookups.bought_number(m, e164, label, known),
                       conflict=lambda exc: exc.details.get("code") == NOT_AVAILABLE)[1]


def ensure_name(m, numbers_api, number, label):
    """Give an owned number the friendly name ``label``; returns (changed, number after)."""
    if label is None:
        return False, number
    before = dict(phone_number=number["phone_number"], friendly_name=number.get("friendly_name"))

    def update(changes):
        return to_dict(numbers_api(number["sid"]).update(friendly_name=changes["friendly_name"]))

    def reread():
        live = lookups.number_now(m, number)
        return (live and dict(phone_number=live.get("phone_number"), friendly_name=live.get("friendly_name"))), live

    changed, written = m.reconcile("phone number %s" % number["phone_number"], before,
                                   dict(phone_number=number["phone_number"], friendly_name=label), None, update,
                                   reread=reread)
    if written:
        return changed, written
    if changed:
        return changed, dict(number, friendly_name=label)
    return changed, number
