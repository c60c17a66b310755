# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small helpers shared by the store, the handlers and the renderers."""

import datetime
import email.utils
import re
import uuid

SID_RE = re.compile(r"^[A-Z]{2}[0-9a-fA-F]{32}$")
E164_RE = re.compile(r"^\+[1-9][0-9]{6,14}$")

UTC = datetime.timezone.utc


def new_sid(prefix):
    """A fresh SID: two-letter prefix + 32 lowercase hex digits."""
    return prefix + uuid.uuid4().hex


def is_sid(value, prefix):
    return isinstance(value, str) and len(value) == 34 and value.startswith(prefix) and bool(SID_RE.match(value))


def now():
    return datetime.datetime.now(UTC).replace(microsecond=0)


def rfc2822(when):
    """API 2010 date format: ``Thu, 30 Jul 2015 20:00:00 +0000``."""
    return None if when is None else email.utils.format_datetime(when).replace("-0000", "+0000")


def iso8601(when):
    """v1/v2 date format: ``2015-07-30T20:00:00Z``."""
    return None if when is None else when.strftime("%Y-%m-%dT%H:%M:%SZ")


def digits(value):
    return re.sub(r"[^0-9]", "", value or "")


def us_friendly_name(phone_number):
    """Twilio's friendly name for a number: ``(415) 555-0100`` for +1 numbers, else the number."""
    d = digits(phone_number)
    if phone_number.startswith("+1") and len(d) == 11:
        return "(%s) %s-%s" % (d[1:4], d[4:7], d[7:])
    return phone_number


_KEYPAD = {}
for _digit, _letters in (("2", "ABC"), ("3", "DEF"), ("4", "GHI"), ("5", "JKL"),
                         ("6", "MNO"), ("7", "PQRS"), ("8", "TUV"), ("9", "WXYZ")):
    for _letter in _letters:
        _KEYPAD[_letter] = _digit


def number_pattern(pattern, letters=False):
    """A regex for Twilio's partial phone-number patterns.

    Digits match themselves, ``*`` matches any one digit, everything else
    (``+``, spaces, dashes, brackets) is ignored: the match runs on the
    digits of the number only. With ``letters`` keypad letters become digits
    (the ``Contains`` filter of AvailablePhoneNumbers).
    """
    out = []
    for char in pattern.upper():
        if letters and char in _KEYPAD:
            out.append(_KEYPAD[char])
        elif char.isdigit():
            out.append(char)
        elif char == "*":
            out.append("[0-9]")
    return re.compile("".join(out))
