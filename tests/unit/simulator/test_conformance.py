# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Conformance of every simulator route with Twilio's OpenAPI files (tests/data/twilio-oai/).

For each entry of ``twiliosim.handlers.ROUTES``:

* the path exists in the product's spec with that method, and its path
  placeholders are the operation's path parameters;
* every request parameter the route accepts is declared by the operation
  (query parameters for GET, form properties of the request body for POST);
* a real request for it (CASES below, against the default seed) answers the
  success status the spec declares, and every field of the body -- nested
  objects and list items included -- is declared in the response schema,
  with the declared type, enum and date format. Objects the spec leaves
  free-form are not looked into: the FlexFlow ``integration`` object (the
  spec gives it no type or properties) and the ``links`` maps.

Chat v2 and TaskRouter v1 have no OAI file in tests/data/twilio-oai (the
simulator serves only their fetch endpoints): their routes get the request
and a 200 checked, not the spec.
"""

import functools
import json
import os
import re

import pytest

from twiliosim.handlers import ROUTES

AC = "ACc5eaed71948a8c235d2cc71d851bb311"
KS = "KS9821e8485ae99902ad0ab1ae1bd003c0"
MG = "MG6d4a29fa859c0d538210f7083758f93e"
FLEX_NUMBER = "PN6082558ae494cf357968a0d2e9abe353"
SPARE_NUMBER = "PNe61004cd2af33ac22bd87eb5b6716274"
MESSAGING_NUMBER = "PNe9c8648a451fb9327893b72a85b8216d"
SMS_FLOW = "FO6d006fd9ac219623099bf407e4ad1bfe"
ACCOUNT = "/2010-04-01/Accounts/" + AC
# The default seed's second account: Flex Conversations, an A2P Messaging Service.
CONVERSATIONS_AUTH = ("AC6dff814a746940d4b40bcf1273d0f6f6", "sim-auth-token-6dff814a746940d4b40bcf12")
ADDRESS = "IG123ba2cce02d4378807895f9b0ef105e"

# route name -> (path, parameters[, (account, token)]) of one successful request against the default seed
# (credentials of its first account unless given)
CASES = {
    "GET api/2010-04-01/Accounts/{Sid}.json": (ACCOUNT + ".json", {}),
    "GET api/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json": (ACCOUNT + "/IncomingPhoneNumbers.json", {"PageSize": 2}),
    "POST api/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json": (
        ACCOUNT + "/IncomingPhoneNumbers.json", {"PhoneNumber": "+14155550201", "SmsUrl": "https://example.com/sms"}),
    "GET api/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json": (ACCOUNT + "/IncomingPhoneNumbers/%s.json" % FLEX_NUMBER, {}),
    "POST api/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json": (
        ACCOUNT + "/IncomingPhoneNumbers/%s.json" % SPARE_NUMBER, {"SmsUrl": "https://example.com/x", "SmsMethod": "GET"}),
    "DELETE api/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json": (ACCOUNT + "/IncomingPhoneNumbers/%s.json" % SPARE_NUMBER, {}),
    "GET api/2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/{CountryCode}/Local.json": (
        ACCOUNT + "/AvailablePhoneNumbers/US/Local.json", {"AreaCode": 415, "SmsEnabled": "true"}),
    "GET api/2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/{CountryCode}/Mobile.json": (ACCOUNT + "/AvailablePhoneNumbers/US/Mobile.json", {}),
    "GET api/2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/{CountryCode}/TollFree.json": (ACCOUNT + "/AvailablePhoneNumbers/US/TollFree.json", {}),
    "GET api/2010-04-01/Accounts/{AccountSid}/Applications.json": (ACCOUNT + "/Applications.json", {}),
    "GET flex-api/v1/FlexFlows": ("/v1/FlexFlows", {"PageSize": 1}),
    "POST flex-api/v1/FlexFlows": ("/v1/FlexFlows", {
        "FriendlyName": "conformance", "ChatServiceSid": "IS679ff2a91e5c5b744e7a1e8244e3115d", "ChannelType": "sms",
        "ContactIdentity": "+14155550102", "Enabled": "true", "IntegrationType": "task",
        "Integration.WorkspaceSid": "WSebae285b6a8b7ce0300acd18f4c39679",
        "Integration.WorkflowSid": "WWf9781315836fcf2fb01cf117139a9217", "Integration.Channel": "sms"}),
    "GET flex-api/v1/FlexFlows/{Sid}": ("/v1/FlexFlows/" + SMS_FLOW, {}),
    "POST flex-api/v1/FlexFlows/{Sid}": ("/v1/FlexFlows/" + SMS_FLOW, {"JanitorEnabled": "false", "Integration.RetryCount": 2}),
    "DELETE flex-api/v1/FlexFlows/{Sid}": ("/v1/FlexFlows/" + SMS_FLOW, {}),
    "GET flex-api/v1/Configuration": ("/v1/Configuration", {}),
    "GET proxy/v1/Services": ("/v1/Services", {}),
    "GET proxy/v1/Services/{Sid}": ("/v1/Services/" + KS, {}),
    "GET proxy/v1/Services/{ServiceSid}/PhoneNumbers": ("/v1/Services/%s/PhoneNumbers" % KS, {}),
    "POST proxy/v1/Services/{ServiceSid}/PhoneNumbers": ("/v1/Services/%s/PhoneNumbers" % KS, {"Sid": SPARE_NUMBER, "IsReserved": "true"}),
    "GET proxy/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}": ("/v1/Services/%s/PhoneNumbers/%s" % (KS, FLEX_NUMBER), {}),
    "POST proxy/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}": ("/v1/Services/%s/PhoneNumbers/%s" % (KS, FLEX_NUMBER), {"IsReserved": "true"}),
    "DELETE proxy/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}": ("/v1/Services/%s/PhoneNumbers/%s" % (KS, FLEX_NUMBER), {}),
    "GET studio/v2/Flows": ("/v2/Flows", {}),
    "GET studio/v2/Flows/{Sid}": ("/v2/Flows/FWcdb84ad218aa5457502e801ddf58568b", {}),
    "GET chat/v2/Services/{Sid}": ("/v2/Services/IS679ff2a91e5c5b744e7a1e8244e3115d", {}),
    "GET conversations/v1/Services/{Sid}": ("/v1/Services/IS5d5354d0c1004d609564d146fed4f0f9", {}, CONVERSATIONS_AUTH),
    "GET taskrouter/v1/Workspaces/{Sid}": ("/v1/Workspaces/WSebae285b6a8b7ce0300acd18f4c39679", {}),
    "GET taskrouter/v1/Workspaces/{WorkspaceSid}/Workflows/{Sid}": (
        "/v1/Workspaces/WSebae285b6a8b7ce0300acd18f4c39679/Workflows/WWf9781315836fcf2fb01cf117139a9217", {}),
    "GET taskrouter/v1/Workspaces/{WorkspaceSid}/TaskChannels/{Sid}": (
        "/v1/Workspaces/WSebae285b6a8b7ce0300acd18f4c39679/TaskChannels/sms", {}),
    "GET messaging/v1/Services": ("/v1/Services", {}),
    "GET messaging/v1/Services/{Sid}": ("/v1/Services/" + MG, {}),
    "GET messaging/v1/Services/{ServiceSid}/PhoneNumbers": ("/v1/Services/%s/PhoneNumbers" % MG, {}),
    "GET messaging/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}": ("/v1/Services/%s/PhoneNumbers/%s" % (MG, MESSAGING_NUMBER), {}),
    "DELETE messaging/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}": ("/v1/Services/%s/PhoneNumbers/%s" % (MG, MESSAGING_NUMBER), {}),
    "POST messaging/v1/Services/{Sid}": ("/v1/Services/" + MG, {
        "FriendlyName": "renamed", "UseInboundWebhookOnNumber": "true", "InboundRequestUrl": "https://example.com/in",
        "InboundMethod": "GET", "StickySender": "false", "ScanMessageContent": "enable", "ValidityPeriod": 600}),
    # the Flex number is in the Flex Proxy Service pool: it may still join a Messaging Service
    "POST messaging/v1/Services/{ServiceSid}/PhoneNumbers": ("/v1/Services/%s/PhoneNumbers" % MG, {"PhoneNumberSid": FLEX_NUMBER}),
    "GET conversations/v1/Configuration/Addresses": ("/v1/Configuration/Addresses", {"Type": "sms", "PageSize": 50}, CONVERSATIONS_AUTH),
    "POST conversations/v1/Configuration/Addresses": ("/v1/Configuration/Addresses", {
        "Type": "sms", "Address": "+14155550302", "FriendlyName": "conformance", "AutoCreation.Enabled": "true",
        "AutoCreation.Type": "webhook", "AutoCreation.ConversationServiceSid": "IS5d5354d0c1004d609564d146fed4f0f9",
        "AutoCreation.WebhookUrl": "https://example.com/hook", "AutoCreation.WebhookMethod": "post",
        "AutoCreation.WebhookFilters": ["onMessageAdded", "onParticipantAdded"], "AddressCountry": "US"}, CONVERSATIONS_AUTH),
    "GET conversations/v1/Configuration/Addresses/{Sid}": ("/v1/Configuration/Addresses/" + ADDRESS, {}, CONVERSATIONS_AUTH),
    "POST conversations/v1/Configuration/Addresses/{Sid}": ("/v1/Configuration/Addresses/%2B14155550301", {
        "FriendlyName": "renamed", "AutoCreation.Enabled": "false", "AutoCreation.StudioRetryCount": 2}, CONVERSATIONS_AUTH),
    "DELETE conversations/v1/Configuration/Addresses/{Sid}": ("/v1/Configuration/Addresses/" + ADDRESS, {}, CONVERSATIONS_AUTH),
}

ISO_8601 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
RFC_2822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000$")
TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list, "object": dict}


@functools.lru_cache(maxsize=None)
def load_spec(spec_dir, name):
    with open(os.path.join(spec_dir, name)) as handle:
        return json.load(handle)


def resolve(spec, schema):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema


def operation(spec_dir, route):
    spec = load_spec(spec_dir, route.spec_file)
    return spec, spec["paths"].get(route.path, {}).get(route.method.lower())


def schema_problems(spec, value, schema, where):
    """Every way ``value`` strays from ``schema`` (undeclared fields, types, enums, date formats)."""
    schema = resolve(spec, schema)
    problems = []
    if value is None:
        if not schema.get("nullable") and ("type" in schema or "enum" in schema):
            problems.append("%s: null, but the spec does not declare it nullable" % where)
        return problems
    if "enum" in schema and value not in schema["enum"]:
        problems.append("%s: %r is not one of %s" % (where, value, schema["enum"]))
    expected = TYPES.get(schema.get("type"))
    if expected and (not isinstance(value, expected) or (isinstance(value, bool) and schema["type"] in ("integer", "number"))):
        problems.append("%s: %r is not of type %s" % (where, value, schema["type"]))
    if schema.get("format") == "date-time" and isinstance(value, str) and not ISO_8601.match(value):
        problems.append("%s: %r is not ISO 8601" % (where, value))
    if schema.get("format") == "date-time-rfc-2822" and isinstance(value, str) and not RFC_2822.match(value):
        problems.append("%s: %r is not RFC 2822" % (where, value))
    if isinstance(value, dict) and "properties" in schema:
        for key, item in value.items():
            if key not in schema["properties"]:
                problems.append("%s.%s: not declared in the spec" % (where, key))
            else:
                problems.extend(schema_problems(spec, item, schema["properties"][key], "%s.%s" % (where, key)))
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            problems.extend(schema_problems(spec, item, schema["items"], "%s[%d]" % (where, index)))
    return problems


def route_id(route):
    return route.name


def test_every_route_has_a_case():
    assert sorted(CASES) == sorted(route.name for route in ROUTES)


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_route_is_in_the_spec(route, ids):
    if route.spec_file is None:
        pytest.skip("no OAI file for %s" % route.product)
    spec, op = operation(ids.spec_dir, route)
    assert op is not None, "%s %s is not in %s" % (route.method, route.path, route.spec_file)
    declared_path = {p["name"] for p in op.get("parameters", []) if p.get("in") == "path"}
    assert set(re.findall(r"\{(\w+)\}", route.path)) == declared_path
    if route.method == "POST":
        body = op.get("requestBody", {}).get("content", {}).get("application/x-www-form-urlencoded", {}).get("schema", {})
        declared = set(resolve(spec, body).get("properties", {}))
    else:
        declared = {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}
    undeclared = set(route.params) - declared
    assert not undeclared, "%s accepts parameters the spec does not declare: %s" % (route.name, sorted(undeclared))


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_response_matches_the_spec(route, raw, ids):
    path, params = CASES[route.name][:2]
    auth = dict(auth=CASES[route.name][2]) if len(CASES[route.name]) > 2 else {}
    url = "https://%s.twilio.com%s" % (route.product, path)
    if route.method == "GET":
        response = raw("GET", url, params=params, **auth)
    else:
        response = raw(route.method, url, data=params, **auth)
    if route.spec_file is None:  # no OAI file: the answer and its SID only
        assert response.status_code == 200, response.text
        assert response.json()["sid"][:2] in ("IS", "WS", "WW", "TC")
        return
    spec, op = operation(ids.spec_dir, route)
    success = [int(code) for code in op["responses"] if code.startswith("2")]
    assert response.status_code in success, response.text
    content = op["responses"][str(response.status_code)].get("content")
    if content is None:
        assert response.content == b""
        return
    body = response.json()
    assert body, "empty body"
    problems = schema_problems(spec, body, content["application/json"]["schema"], route.name)
    assert not problems, "\n".join(problems)


def test_handlers_cannot_read_undeclared_parameters():
    """What keeps ROUTES truthful: a handler reading a parameter its route does not declare fails."""
    from twiliosim.routing import Context

    route = [r for r in ROUTES if r.name == "GET flex-api/v1/FlexFlows"][0]
    ctx = Context(route, None, {}, {"FriendlyName": "x", "ContactIdentity": "+1"}, "flex-api.twilio.com", "/v1/FlexFlows")
    assert ctx.param("FriendlyName") == "x"
    with pytest.raises(AssertionError, match="undeclared parameter ContactIdentity"):
        ctx.param("ContactIdentity")
