# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""api.describe_error and TwilioModule.api(): every SDK / requests failure becomes one readable ApiError.

The SDK exceptions are made the way the SDK makes them (Version.exception and
Page.process_response on a twilio Response), not built by hand.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.base.page import Page
from twilio.base.version import Version
from twilio.http.response import Response

from ansible_collections.flexops.twilio.plugins.module_utils._base import TwilioModule
from ansible_collections.flexops.twilio.plugins.module_utils._errors import RATE_LIMIT_FIX, ApiError, describe_error

URI = "/2010-04-01/Accounts/AC0123/IncomingPhoneNumbers.json"


def sdk_exception(status, body, method="GET", message="Unable to fetch record"):
    return Version.exception(method, URI, Response(status, body), message)


def test_rest_exception_401_20003_gives_credentials_advice_and_link():
    exc = sdk_exception(401, json.dumps({
        "code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401,
    }))
    assert isinstance(exc, TwilioRestException)
    error = describe_error("Listing the account's phone numbers", exc)
    assert isinstance(error, ApiError)
    assert error.msg == (
        "Listing the account's phone numbers failed, HTTP 401, Twilio error 20003: Unable to fetch record: Authenticate"
        " (check account_sid and auth_token or api_key/api_secret; with region set, also set a matching edge)"
        " (https://www.twilio.com/docs/errors/20003)"
    )
    assert error.details == dict(
        status=401, code=20003, more_info="https://www.twilio.com/docs/errors/20003",
        twilio_message="Unable to fetch record: Authenticate", method="GET",
    )


def test_rest_exception_20003_advice_even_without_401():
    exc = TwilioRestException(403, URI, "Authentication failed", code=20003, method="POST")
    error = describe_error("Updating phone number", exc)
    assert "HTTP 403, Twilio error 20003" in error.msg
    assert "check account_sid and auth_token" in error.msg
    assert error.details["method"] == "POST"


def test_rest_exception_with_twilio_code():
    exc = sdk_exception(400, json.dumps({
        "code": 21421, "message": "PhoneNumber is invalid", "more_info": "https://www.twilio.com/docs/errors/21421",
        "status": 400,
    }), method="POST", message="Unable to create record")
    error = describe_error("Buying +15551234567", exc)
    assert error.msg == (
        "Buying +15551234567 failed, HTTP 400, Twilio error 21421: Unable to create record: PhoneNumber is invalid"
        " (https://www.twilio.com/docs/errors/21421)"
    )
    assert "check account_sid" not in error.msg
    assert error.details["code"] == 21421
    assert error.details["method"] == "POST"


def test_rest_exception_without_code_has_no_link():
    # When the body has no code, the SDK uses the HTTP status as the code: not a Twilio error code.
    exc = sdk_exception(404, "not json at all")
    assert exc.code == 404
    error = describe_error("Reading Flex Flow FO1", exc)
    assert error.msg == "Reading Flex Flow FO1 failed, HTTP 404: Unable to fetch record"
    assert "code" not in error.details
    assert "more_info" not in error.details
    assert error.details["status"] == 404


def test_service_exception_rfc9457():
    exc = sdk_exception(404, json.dumps({
        "type": "https://www.twilio.com/docs/api/errors/20404", "title": "Not Found", "status": 404, "code": 20404,
        "detail": "The requested resource /v1/FlexFlows/FO1 was not found",
    }))
    assert isinstance(exc, TwilioServiceException)
    error = describe_error("Reading Flex Flow FO1", exc)
    assert error.msg == (
        "Reading Flex Flow FO1 failed, HTTP 404, Twilio error 20404: The requested resource /v1/FlexFlows/FO1 was not found"
        " (https://www.twilio.com/docs/api/errors/20404)"
    )
    assert error.details["status"] == 404
    assert error.details["code"] == 20404


def test_service_exception_title_when_no_detail_and_401_advice():
    exc = TwilioServiceException("https://www.twilio.com/docs/api/errors/20003", "Unauthorized", 401, 20003)
    error = describe_error("Reading the Flex Configuration", exc)
    assert error.msg.startswith("Reading the Flex Configuration failed, HTTP 401, Twilio error 20003: Unauthorized (check account_sid")


def test_page_fetch_failure_with_json_body():
    response = Response(429, json.dumps({
        "code": 20429, "message": "Too Many Requests", "more_info": "https://www.twilio.com/docs/errors/20429", "status": 429,
    }))
    with pytest.raises(TwilioException) as raised:
        Page.process_response(response)
    exc = raised.value
    assert type(exc) is TwilioException  # pylint: disable=unidiomatic-typecheck
    error = describe_error("Listing Flex Flows", exc)
    assert error.msg == (
        "Listing Flex Flows failed, HTTP 429, Twilio error 20429: Too Many Requests (%s) "
        "(https://www.twilio.com/docs/errors/20429)" % RATE_LIMIT_FIX
    )
    assert error.details == dict(
        status=429, code=20429, more_info="https://www.twilio.com/docs/errors/20429",
        twilio_message="Too Many Requests", method="GET",
    )


@pytest.mark.parametrize("body", ["<html><body>502 Bad Gateway</body></html>", "", "[]", "null"])
def test_page_fetch_failure_without_usable_body(body):
    with pytest.raises(TwilioException) as raised:
        Page.process_response(Response(502, body))
    error = describe_error("Listing Studio flows", raised.value)
    assert error.msg == "Listing Studio flows failed, HTTP 502: Unable to fetch page"
    assert error.details["status"] == 502


def test_plain_twilio_exception_without_response():
    error = describe_error("Connecting", TwilioException("Credentials are required to create a TwilioClient"))
    assert error.msg == "Connecting failed: Credentials are required to create a TwilioClient"
    assert "status" not in error.details


def test_ssl_error():
    error = describe_error("Listing Flex Flows", requests.exceptions.SSLError("certificate verify failed: self-signed"))
    assert error.msg == (
        "Listing Flex Flows failed: TLS error talking to Twilio (certificate verify failed: self-signed). "
        "Check REQUESTS_CA_BUNDLE and HTTPS_PROXY."
    )
    # TLS fails before the request is sent: nothing can have been applied.
    assert "lost_response" not in error.details


@pytest.mark.parametrize("exc", [requests.exceptions.ReadTimeout("read timed out"), requests.exceptions.Timeout("timed out")])
def test_timeout(exc):
    error = describe_error("Creating Flex Flow", exc)
    assert error.msg.startswith("Creating Flex Flow failed: Twilio did not answer in time (")
    assert error.msg.endswith("). Raise http_timeout or try again.")
    assert error.details == dict(lost_response=True)


def test_connection_error():
    error = describe_error("Creating Flex Flow", requests.exceptions.ConnectionError("Connection reset by peer"))
    assert error.msg == (
        "Creating Flex Flow failed: could not reach Twilio (Connection reset by peer). Check the network, HTTPS_PROXY and NO_PROXY."
    )
    assert error.details == dict(lost_response=True)


def test_long_transport_message_is_shortened():
    error = describe_error("x", requests.exceptions.ConnectionError("y" * 1000))
    assert "y" * 297 + "..." in error.msg
    assert "y" * 298 not in error.msg


def test_unknown_exceptions_are_not_described():
    assert describe_error("x", ValueError("bug")) is None
    original = ApiError("already described")
    assert describe_error("x", original) is original


class Bare(TwilioModule):
    def run(self):
        return {}


def test_api_context_wraps_sdk_errors(make_module):
    m = make_module(Bare)
    with pytest.raises(ApiError) as raised:
        with m.api("Reading Flex Flow FO1"):
            raise TwilioRestException(404, URI, "Unable to fetch record: not found", code=20404)
    assert raised.value.msg.startswith("Reading Flex Flow FO1 failed, HTTP 404, Twilio error 20404")


def test_api_context_leaves_programming_errors_alone(make_module):
    m = make_module(Bare)
    with pytest.raises(KeyError):
        with m.api("Reading Flex Flow FO1"):
            raise KeyError("sid")


def test_module_fails_with_the_described_error(make_module, run_module):
    class Failing(TwilioModule):
        def run(self):
            with self.api("Listing Flex Flows"):
                raise TwilioRestException(401, URI, "Unable to fetch page: Authenticate", code=20003)

    result = run_module(make_module(Failing, auth_token="very-secret-token-value"))
    assert result["_rc"] == 1
    assert result["failed"] is True
    assert result["msg"].startswith("Listing Flex Flows failed, HTTP 401, Twilio error 20003: Unable to fetch page: Authenticate")
    assert result["status"] == 401
    assert result["code"] == 20003
    assert result["more_info"] == "https://www.twilio.com/docs/errors/20003"
    assert result["api_stats"] == dict(requests=0, writes=0, retries=0, rate_limited=0)
    assert "very-secret-token-value" not in json.dumps(result)
