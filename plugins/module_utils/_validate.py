# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: input checks; each raises ValidationError naming the option and the fix."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from urllib.parse import urlparse

from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError


# \Z, not $: "$" also matches before a trailing newline, which must not pass.
E164_RE = re.compile(r"^\+[1-9]\d{1,14}\Z")

# Two-letter SID prefixes Twilio uses for the resources this collection touches.
SID_PREFIXES = {
    "account": "AC",
    "api_key": "SK",
    "flex_flow": "FO",
    "chat_service": "IS",
    "studio_flow": "FW",
    "conversation_service": "IS",
    "address_configuration": "IG",
    "workspace": "WS",
    "workflow": "WW",
    "task_channel": "TC",
    "phone_number": "PN",
    "proxy_service": "KS",
    "messaging_service": "MG",
    "application": "AP",
}


def is_sid(value, kind):
    prefix = SID_PREFIXES[kind]
    return bool(value) and re.match(r"^%s[0-9a-fA-F]{32}\Z" % prefix, value) is not None


def looks_like_sid(value):
    """True for any two-letter-prefix Twilio SID, whatever its kind."""
    return bool(value) and re.match(r"^[A-Z]{2}[0-9a-fA-F]{32}\Z", value) is not None


def check_e164(option, value):
    if value is None:
        return None
    if not isinstance(value, str) or not E164_RE.match(value):
        raise ValidationError(
            "%s=%r is not an E.164 phone number: write it as '+' and country code and number, "
            "digits only, for example '+15551234567'." % (option, value), option=option,
            fix="Write it as '+' and country code and number, digits only, for example '+15551234567'.")
    return value


def check_sid(option, value, kind):
    if value is None:
        return None
    if not is_sid(value, kind):
        raise ValidationError(
            "%s=%r is not a valid %s SID: it must be '%s' followed by 32 hexadecimal characters."
            % (option, value, kind.replace("_", " "), SID_PREFIXES[kind]), option=option,
            fix="Give '%s' followed by 32 hexadecimal characters." % SID_PREFIXES[kind])
    return value


def check_sid_or_name(option, value, kind):
    """A value that may be a SID of ``kind`` or a name; a SID of another kind is an error."""
    if value is None:
        return None
    if looks_like_sid(value) and not is_sid(value, kind):
        raise ValidationError(
            "%s=%r looks like a SID of another kind: give a %s SID ('%s...') or a name."
            % (option, value, kind.replace("_", " "), SID_PREFIXES[kind]), option=option,
            fix="Give a %s SID ('%s...') or a name." % (kind.replace("_", " "), SID_PREFIXES[kind]))
    if not value.strip():
        raise ValidationError("%s must not be empty: give a %s SID or a name." % (option, kind.replace("_", " ")),
                              option=option, fix="Give a %s SID or a name." % kind.replace("_", " "))
    return value


def check_url(option, value, schemes=("https",)):
    if value is None:
        return None
    parsed = urlparse(value)
    # urlparse drops tabs and newlines; Twilio would get them, so they make the URL invalid too.
    if parsed.scheme not in schemes or not parsed.netloc or any(c.isspace() for c in value):
        raise ValidationError(
            "%s=%r is not a valid URL: it must be an absolute %s URL, for example 'https://example.com/sms'."
            % (option, value, " or ".join(schemes)), option=option,
            fix="Give an absolute %s URL, for example 'https://example.com/sms'." % " or ".join(schemes))
    return value


def only_with(option, needed, fix):
    """The ``option_conflict`` error of ``option`` set without ``needed`` (``fix`` in lower case, as the message ends)."""
    return ValidationError("%s is only used with %s: %s" % (option, needed, fix), code="option_conflict",
                           option=option, fix=fix[0].upper() + fix[1:])


def check_only_with(params, option, allowed_values, selector, selector_value):
    """Fail when ``option`` is set while ``selector`` is not one of ``allowed_values``."""
    if params.get(option) is not None and selector_value not in allowed_values:
        raise ValidationError(
            "%s is only used with %s=%s, but %s=%s: remove %s or change %s."
            % (option, selector, "/".join(allowed_values), selector, selector_value, option, selector),
            code="option_conflict", option=option, fix="Remove %s or change %s." % (option, selector))
