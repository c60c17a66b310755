#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: phone_number
short_description: Own an SMS-capable Twilio phone number, idempotently (buy it when missing)
version_added: 0.1.0
description:
  - Makes sure the account owns a phone number, identified either by the number itself
    (O(phone_number)) or by a label kept in the number's friendly name (O(friendly_name)).
  - With O(phone_number), a number the account owns is left as it is (only its friendly name is
    updated when O(friendly_name) is given too); a number it does not own is bought, exactly that
    number, and the module fails when Twilio says it is not available.
  - With only O(friendly_name), a number with that friendly name is left as it is; otherwise the
    module searches the numbers available in O(country) (of O(number_type), in O(area_code), matching
    O(contains), always SMS-capable), buys the first one and gives it O(friendly_name). Running the
    task again finds it by its friendly name and buys nothing. Several numbers with that friendly
    name are an error (the module cannot tell which one is meant).
  - Check mode buys nothing and reports the number it would buy.
  - O(state=absent) releases the number, but only together with O(release=true).
    B(Releasing is irreversible) - the number goes back to the carrier and may never be buyable
    again (Twilio error 21422 when trying).
author:
  - flexops.twilio maintainers (@flexops)
extends_documentation_fragment:
  - flexops.twilio.twilio
attributes:
  check_mode:
    support: full
    description: Buys, renames and releases nothing; reports what it would do, including the number it would buy.
  diff_mode:
    support: full
    description: Before and after of the number's E.164 and friendly name.
options:
  phone_number:
    description:
      - The number in E.164 format, for example V(+15551230001).
      - At least one of O(phone_number) and O(friendly_name) is required.
    type: str
  friendly_name:
    description:
      - The number's friendly name, used as a label that identifies it when O(phone_number) is not given.
      - With O(phone_number), the friendly name the number gets (updated when it differs).
      - At most 64 characters.
    type: str
  state:
    description:
      - V(present) makes sure the account owns the number, buying it when needed.
      - V(absent) releases it; requires O(release=true).
    type: str
    choices: [present, absent]
    default: present
  release:
    description:
      - Confirms that O(state=absent) may release (give up) the number.
      - B(Irreversible) - a released number may never be buyable again.
      - Only with O(state=absent).
    type: bool
    default: false
  country:
    description:
      - The ISO 3166-1 alpha-2 country to search available numbers in.
    type: str
    default: US
  number_type:
    description:
      - The kind of number to search for.
    type: str
    choices: [local, mobile, toll_free]
    default: local
  area_code:
    description:
      - Only numbers in this area code (US and Canada). Only when buying by O(friendly_name).
    type: int
  contains:
    description:
      - Only numbers matching this pattern (digits, letters for keypad matching, C(*) for any digit;
        at least 2 characters). Only when buying by O(friendly_name).
    type: str
notes:
  - Numbers are searched with C(SmsEnabled=true); the first one Twilio lists is bought.
  - In check mode with O(phone_number) the module searches the available numbers for that exact
    number to predict the purchase; without check mode it asks Twilio to buy it directly, and
    Twilio's answer decides whether it is available.
  - A purchase whose answer is lost in transit is not sent again; the module reads the account's
    numbers to find the number it bought.
seealso:
  - module: flexops.twilio.phone_number_handler
"""

EXAMPLES = r"""
- name: Own one number for the Flex SMS address "Support EU", buying a local US number in 415 when missing
  flexops.twilio.phone_number:
    friendly_name: Flex SMS Support EU
    area_code: 415
  register: support_number

- name: Own exactly this number
  flexops.twilio.phone_number:
    phone_number: "+15551230001"
    friendly_name: Flex SMS Sales

- name: Buy a toll-free number
  flexops.twilio.phone_number:
    friendly_name: Flex SMS Toll Free
    number_type: toll_free

- name: Release a number (irreversible)
  flexops.twilio.phone_number:
    phone_number: "+15551230001"
    state: absent
    release: true
"""

RETURN = r"""
phone_number:
  description: The number in E.164 format; in check mode, the number that would be bought.
  returned: success, unless state=absent found no number
  type: str
  sample: "+15551230001"
sid:
  description: The number's SID; null in check mode when the number would be bought.
  returned: success, unless state=absent found no number
  type: str
  sample: PN0123456789abcdef0123456789abcdef
friendly_name:
  description: The number's friendly name.
  returned: success, unless state=absent found no number
  type: str
  sample: Flex SMS Support EU
capabilities:
  description: What the number can do.
  returned: success, unless state=absent found no number
  type: dict
  sample: {sms: true, mms: true, voice: true, fax: false}
api_stats:
  description: Requests sent to Twilio by this task.
  returned: always
  type: dict
  sample: {requests: 2, writes: 1, retries: 0, rate_limited: 0}
planned_writes:
  description: The writes the task decided on, per kind, with their time at Twilio's rates (as in M(flexops.twilio.flex_sms_address)).
  returned: when the task decided on a write
  type: dict
problems:
  description:
    - When the task fails, what is wrong, one item per problem, so that a caller (for example the role
      C(flexops.twilio.flex_sms_setup)) can word its own error without parsing C(msg).
    - Every code is listed in the collection's C(docs/problems.md).
  returned: failure
  type: list
  elements: dict
  contains:
    code:
      description: A stable code for the kind of problem.
      type: str
      sample: held_by_other_service
    entry:
      description: The entry the problem is about (its phone number, or a Studio flow's user), null for the whole task.
      type: str
      sample: "+15551230001"
    option:
      description: The option as the task wrote it (for example C(addresses[2].webhook_url)), null when none is to blame.
      type: str
      sample: take_over
    holder:
      description: The service in the way (C(type), C(sid), C(name)), only where there is one.
      type: dict
      sample: {type: messaging_service, sid: MG0123456789abcdef0123456789abcdef, name: Marketing}
    msg:
      description: What is wrong, in the module's option names.
      type: str
    fix:
      description: What to do about it, in the module's option names; null when C(msg) says all there is.
      type: str
"""

from ansible_collections.flexops.twilio.plugins.module_utils import _lookups as lookups
from ansible_collections.flexops.twilio.plugins.module_utils import _phone_number as numbers
from ansible_collections.flexops.twilio.plugins.module_utils._base import TwilioModule
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError, ValidationError
from ansible_collections.flexops.twilio.plugins.module_utils._phone_number import NUMBER_TYPES, capabilities, describe


class PhoneNumber(TwilioModule):
    argument_spec = dict(
        phone_number=dict(type="str"),
        friendly_name=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        release=dict(type="bool", default=False),
        country=dict(type="str", default="US"),
        number_type=dict(type="str", choices=list(NUMBER_TYPES), default="local"),
        area_code=dict(type="int"),
        contains=dict(type="str"),
    )
    required_one_of = [["phone_number", "friendly_name"]]

    def validate(self):
        numbers.validate_options(self.params)

    # -- look-ups -------------------------------------------------------------

    @property
    def numbers_api(self):
        return self.client.api.v2010.accounts(self.account_sid).incoming_phone_numbers

    def owned(self, e164):
        return lookups.incoming_numbers(self, e164)

    def labelled(self, label):
        return lookups.labelled_numbers(self, label)

    def search(self, **filters):
        return numbers.search(self, self.params["country"], self.params["number_type"], **filters)

    def buy(self, e164, label, known=()):
        return numbers.buy(self, self.numbers_api, e164, label, known)

    def ensure_name(self, number, label):
        return numbers.ensure_name(self, self.numbers_api, number, label)

    # -- entry point ------------------------------------------------------------

    def run(self):
        p = self.params
        if p["state"] == "absent":
            return self.run_absent()
        e164, label = p["phone_number"], p["friendly_name"]
        if e164:
            found = self.owned(e164)
            if found:
                changed, number = self.ensure_name(found[0], label)
                self.warn_not_sms(number)
                return dict(describe(number), changed=changed)
            return self.buy_exact(e164, label)
        found = self.labelled(label)
        if len(found) > 1:
            raise ValidationError(
                "friendly_name=%r labels %d numbers (%s): give phone_number to say which one is meant, "
                "or rename the others." % (label, len(found), ", ".join(
                    "%s %s" % (n.get("phone_number"), n.get("sid")) for n in found)), code="ambiguous_name", option="friendly_name")
        if found:
            self.warn_not_sms(found[0])
            return dict(describe(found[0]), changed=False)
        candidates = self.search(area_code=p["area_code"], contains=p["contains"])
        if not candidates:
            raise ValidationError(
                "No SMS-capable %s number is available in %s%s%s: change area_code, contains, number_type or country." % (
                    p["number_type"].replace("_", "-"), p["country"],
                    " in area code %s" % p["area_code"] if p["area_code"] else "",
                    " matching %r" % p["contains"] if p["contains"] else ""), code="none_available")
        pick = candidates[0]
        written = self.buy(pick["phone_number"], label)
        if written is None:  # check mode
            return dict(describe(dict(pick, sid=None, friendly_name=label)), changed=True)
        return dict(describe(written), changed=True)

    def buy_exact(self, e164, label):
        others = []
        if label is not None:
            others = self.labelled(label)
            if others:
                self.warn("friendly_name=%r already labels %s; the new number gets the same label, so later runs "
                          "that give only friendly_name cannot tell them apart." % (
                              label, ", ".join(n.get("phone_number") for n in others)))
        if self.check_mode:
            digits = e164.lstrip("+")
            match = [n for n in self.search(contains=digits) if n.get("phone_number") == e164]
            if not match:
                raise ValidationError(
                    "phone_number=%s is not owned by account %s and is not among the available SMS-capable %s numbers "
                    "in %s: check the number, country and number_type." % (
                        e164, self.account_sid, self.params["number_type"].replace("_", "-"), self.params["country"]),
                    code="not_available", option="phone_number")
            self.buy(e164, label)
            return dict(describe(dict(match[0], sid=None, friendly_name=label or match[0].get("friendly_name"))), changed=True)
        try:
            written = self.buy(e164, label, known=[n.get("sid") for n in others])
        except ApiError as exc:
            exc.msg = "phone_number=%s is not owned by account %s and could not be bought. %s" % (e164, self.account_sid, exc.msg)
            raise
        self.warn_not_sms(written)
        return dict(describe(written), changed=True)

    def run_absent(self):
        p = self.params
        e164, label = p["phone_number"], p["friendly_name"]
        if e164:
            found = self.owned(e164)
            if found and label is not None and found[0].get("friendly_name") != label:
                raise ValidationError(
                    "phone_number=%s is named %r, not %r: nothing was released. Fix friendly_name or leave it out." % (
                        e164, found[0].get("friendly_name"), label), code="name_mismatch", option="friendly_name")
        else:
            found = self.labelled(label)
            if len(found) > 1:
                raise ValidationError(
                    "friendly_name=%r labels %d numbers (%s): give phone_number to say which one to release; "
                    "nothing was released." % (label, len(found), ", ".join(
                        "%s %s" % (n.get("phone_number"), n.get("sid")) for n in found)), code="ambiguous_name", option="friendly_name")
        if not found:
            return dict(changed=False)
        number = found[0]
        before = dict(phone_number=number["phone_number"], friendly_name=number.get("friendly_name"))
        self.remove("phone number %s" % number["phone_number"], before, self.numbers_api(number["sid"]).delete,
                    reread=lambda: lookups.number_now(self, number))
        return dict(describe(number), changed=True)

    def warn_not_sms(self, number):
        if number and capabilities(number).get("sms") is False:
            self.warn("%s cannot send or receive SMS (capabilities: %s)." % (number.get("phone_number"), capabilities(number)))


def main():
    PhoneNumber().execute()


if __name__ == "__main__":
    main()
