# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""plugins/module_utils/_validate.py: every check accepts good input and names the option and the fix."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.flexops.twilio.plugins.module_utils import _validate as validate
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError

HEX32 = "0123456789abcdef" * 2


@pytest.mark.parametrize("number", ["+15551234567", "+442071838750", "+61", "+1" + "2" * 13, "+" + "9" * 15])
def test_e164_accepts(number):
    assert validate.check_e164("phone_number", number) == number


@pytest.mark.parametrize("number", [
    "15551234567",          # no plus
    "+05551234567",         # country code cannot start with 0
    "+1 555 123 4567",      # spaces
    "+1-555-123-4567",      # dashes
    "+1555123456x",         # letters
    "+1",                   # too short
    "+" + "1" * 16,         # more than 15 digits
    "+15551234567\n",       # trailing newline (a "$" regex would let it pass)
    "",
])
def test_e164_rejects_and_names_option(number):
    with pytest.raises(ValidationError) as err:
        validate.check_e164("contact_identity", number)
    msg = str(err.value)
    assert msg.startswith("contact_identity=%r is not an E.164 phone number" % number)
    assert "'+15551234567'" in msg  # shows what a good value looks like


def test_e164_none_means_not_set():
    assert validate.check_e164("phone_number", None) is None


def test_e164_rejects_non_string():
    with pytest.raises(ValidationError, match="^phone_number=15551234567 is not an E.164"):
        validate.check_e164("phone_number", 15551234567)


@pytest.mark.parametrize("kind, prefix", sorted(validate.SID_PREFIXES.items()))
def test_sid_accepts_each_kind(kind, prefix):
    sid = prefix + HEX32
    assert validate.check_sid("sid", sid, kind) == sid
    assert validate.check_sid("sid", prefix + HEX32.upper(), kind)
    assert validate.is_sid(sid, kind)
    assert validate.looks_like_sid(sid)


@pytest.mark.parametrize("value", [
    "FW" + HEX32,            # another kind
    "FO" + HEX32[:-1],       # 31 characters
    "FO" + HEX32 + "0",      # 33 characters
    "FO" + HEX32[:-1] + "g",  # not hexadecimal
    "fo" + HEX32,            # lower-case prefix
    "FO" + HEX32 + "\n",     # trailing newline
    "My Flex Flow",
    "",
])
def test_sid_rejects_and_names_option(value):
    with pytest.raises(ValidationError) as err:
        validate.check_sid("flex_flow_sid", value, "flex_flow")
    assert str(err.value) == (
        "flex_flow_sid=%r is not a valid flex flow SID: it must be 'FO' followed by 32 hexadecimal characters." % value
    )


def test_sid_none_means_not_set():
    assert validate.check_sid("flex_flow_sid", None, "flex_flow") is None


def test_looks_like_sid():
    assert validate.looks_like_sid("KS" + HEX32)
    assert not validate.looks_like_sid("Flex Proxy Service")
    assert not validate.looks_like_sid("KS" + HEX32 + "\n")
    assert not validate.looks_like_sid(None)


@pytest.mark.parametrize("value", ["Messaging Flow", "FW" + HEX32, "  padded name  "])
def test_sid_or_name_accepts(value):
    assert validate.check_sid_or_name("studio_flow", value, "studio_flow") == value


def test_sid_or_name_rejects_sid_of_other_kind():
    value = "KS" + HEX32
    with pytest.raises(ValidationError) as err:
        validate.check_sid_or_name("studio_flow", value, "studio_flow")
    assert str(err.value) == (
        "studio_flow=%r looks like a SID of another kind: give a studio flow SID ('FW...') or a name." % value
    )


def test_sid_or_name_rejects_blank():
    with pytest.raises(ValidationError, match=r"^proxy_service must not be empty: give a proxy service SID or a name\.$"):
        validate.check_sid_or_name("proxy_service", "   ", "proxy_service")
    assert validate.check_sid_or_name("proxy_service", None, "proxy_service") is None


@pytest.mark.parametrize("url", ["https://example.com/sms", "https://example.com:8443/a/b?x=1", "https://[::1]/x"])
def test_url_accepts_https(url):
    assert validate.check_url("sms_url", url) == url


@pytest.mark.parametrize("url", [
    "http://example.com/sms",    # plain http not allowed by default
    "example.com/sms",           # no scheme
    "/sms",                      # relative
    "https://",                  # no host
    "https:///sms",              # no host
    "ftp://example.com/sms",
    "https://example.com/sms\n",  # urlparse would silently drop the newline
    "https://exa mple.com/sms",
])
def test_url_rejects_and_names_option(url):
    with pytest.raises(ValidationError) as err:
        validate.check_url("sms_url", url)
    assert str(err.value) == (
        "sms_url=%r is not a valid URL: it must be an absolute https URL, for example 'https://example.com/sms'." % url
    )


def test_url_other_schemes_when_allowed():
    assert validate.check_url("sms_url", "http://example.com/sms", schemes=("http", "https")) == "http://example.com/sms"
    with pytest.raises(ValidationError, match="must be an absolute http or https URL"):
        validate.check_url("sms_url", "ftp://example.com", schemes=("http", "https"))
    assert validate.check_url("sms_url", None) is None


def test_only_with():
    params = dict(flow_url="https://example.com", integration_type="studio")
    with pytest.raises(ValidationError) as err:
        validate.check_only_with(params, "flow_url", ["external"], "integration_type", "studio")
    assert str(err.value) == (
        "flow_url is only used with integration_type=external, but integration_type=studio: "
        "remove flow_url or change integration_type."
    )
    # allowed selector value, or option not set: no error
    assert validate.check_only_with(params, "flow_url", ["external", "task"], "integration_type", "external") is None
    assert validate.check_only_with(dict(flow_url=None), "flow_url", ["external"], "integration_type", "studio") is None
