# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""TwilioModule's write helpers (reconcile, remove, write_once), its result and diff, and api.to_dict."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
from twilio.rest import Client
from twilio.rest.api.v2010.account.available_phone_number_country.local import LocalInstance
from twilio.rest.api.v2010.account.incoming_phone_number import IncomingPhoneNumberInstance
from twilio.rest.flex_api.v1.flex_flow import FlexFlowInstance

from ansible_collections.flexops.twilio.plugins.module_utils._base import TwilioModule
from ansible_collections.flexops.twilio.plugins.module_utils._client import to_dict
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError
from ansible_collections.flexops.twilio.plugins.module_utils._errors import Problem
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError
from ansible_collections.flexops.twilio.plugins.module_utils._errors import plain_data
from ansible_collections.flexops.twilio.tests.unit.core_compat import module_json

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
FLOW_SID = "FO" + "0123456789abcdef" * 2


class Recorder(object):
    """Stands in for the SDK write calls a module passes to reconcile/remove."""

    def __init__(self):
        self.calls = []

    def create(self, fields):
        self.calls.append(("create", fields))
        return dict(fields, sid=FLOW_SID)

    def update(self, changes):
        self.calls.append(("update", changes))
        return dict(changes, sid=FLOW_SID)

    def delete(self):
        self.calls.append(("delete",))


class Thing(TwilioModule):
    """A minimal module: one Flex-Flow-like resource with two managed fields."""

    argument_spec = dict(
        friendly_name=dict(type="str"),
        enabled=dict(type="bool"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    live = None  # the resource as Twilio has it (None: does not exist)
    sdk = None

    def validate(self):
        if self.params["friendly_name"] == "":
            raise ValidationError("friendly_name must not be empty: give the flow a name.")

    def run(self):
        label = "Flex Flow %s" % self.params["friendly_name"]
        if self.params["state"] == "absent":
            return dict(changed=self.remove(label, self.live, self.sdk.delete))
        wanted = dict(friendly_name=self.params["friendly_name"], enabled=self.params["enabled"])
        changed, result = self.reconcile(label, self.live, wanted, self.sdk.create, self.sdk.update)
        return dict(changed=changed, flex_flow=result)


@pytest.fixture
def thing(make_module):
    def make(live=None, **params):
        module = make_module(Thing, **params)
        module.live = live
        module.sdk = Recorder()
        return module
    return make


LIVE = dict(friendly_name="SMS +15551234567", enabled=True)


# -- reconcile -------------------------------------------------------------------

def test_create_in_check_mode_writes_nothing_and_records_diff(thing):
    m = thing(check_mode=True, friendly_name="SMS +15551234567", enabled=True)
    wanted = dict(friendly_name="SMS +15551234567", enabled=True)
    assert m.reconcile("Flex Flow x", None, wanted, m.sdk.create, m.sdk.update) == (True, None)
    assert m.sdk.calls == []
    assert m.diffs == [dict(before_header="Flex Flow x", after_header="Flex Flow x", before={}, after=wanted)]


def test_create_passes_all_wanted_fields(thing):
    m = thing(friendly_name="SMS +15551234567", enabled=True)
    wanted = dict(friendly_name="SMS +15551234567", enabled=True)
    changed, result = m.reconcile("Flex Flow x", None, wanted, m.sdk.create, m.sdk.update)
    assert changed is True
    assert result == dict(wanted, sid=FLOW_SID)
    assert m.sdk.calls == [("create", wanted)]
    assert m.sdk.calls[0][1] is not wanted  # create gets its own copy


def test_update_in_check_mode_writes_nothing_and_records_diff(thing):
    m = thing(check_mode=True)
    wanted = dict(friendly_name="SMS +15551234567", enabled=False)
    assert m.reconcile("Flex Flow x", dict(LIVE), wanted, m.sdk.create, m.sdk.update) == (True, None)
    assert m.sdk.calls == []
    assert m.diffs == [dict(
        before_header="Flex Flow x", after_header="Flex Flow x",
        before=LIVE, after=dict(friendly_name="SMS +15551234567", enabled=False),
    )]


def test_update_sends_only_changed_fields(thing):
    m = thing()
    before = dict(LIVE, janitor_enabled=True)
    wanted = dict(friendly_name="SMS +15551234567", enabled=False, janitor_enabled=None)
    changed, result = m.reconcile("Flex Flow x", before, wanted, m.sdk.create, m.sdk.update)
    assert changed is True
    # unchanged friendly_name is not re-sent; janitor_enabled=None (not set by the task) keeps the live value
    assert m.sdk.calls == [("update", dict(enabled=False))]
    assert result == dict(enabled=False, sid=FLOW_SID)
    assert m.diffs[0]["before"] == before
    assert m.diffs[0]["after"] == dict(before, enabled=False)


def test_unchanged_makes_no_call_and_no_diff(thing):
    for check_mode in (False, True):
        m = thing(check_mode=check_mode)
        wanted = dict(friendly_name="SMS +15551234567", enabled=None)
        assert m.reconcile("Flex Flow x", dict(LIVE), wanted, m.sdk.create, m.sdk.update) == (False, None)
        assert m.sdk.calls == []
        assert m.diffs == []


def test_update_failure_is_described(thing):
    m = thing()

    def update(changes):
        raise ApiError("Updating Flex Flow x failed, HTTP 400: bad", status=400)

    with pytest.raises(ApiError, match="^Updating Flex Flow x failed, HTTP 400"):
        m.reconcile("Flex Flow x", dict(LIVE), dict(enabled=False), m.sdk.create, update)


# -- remove ----------------------------------------------------------------------

def test_remove_in_check_mode_and_for_real(thing):
    m = thing(check_mode=True)
    assert m.remove("Flex Flow x", dict(LIVE), m.sdk.delete) is True
    assert m.sdk.calls == []
    assert m.diffs == [dict(before_header="Flex Flow x", after_header="Flex Flow x", before=LIVE, after={})]

    m = thing()
    assert m.remove("Flex Flow x", dict(LIVE), m.sdk.delete) is True
    assert m.sdk.calls == [("delete",)]

    m = thing()
    assert m.remove("Flex Flow x", None, m.sdk.delete) is False
    assert m.sdk.calls == []
    assert m.diffs == []


# -- reconcile through write_once: a lost create answer is recovered by re-reading ---------------------

def test_lost_create_answer_is_recovered_by_rereading(thing):
    m = thing()
    sent = []

    def create(fields):
        sent.append(fields)
        raise ApiError("Creating Flex Flow x failed: could not reach Twilio (reset)", lost_response=True)

    found = dict(LIVE, sid=FLOW_SID)
    changed, result = m.reconcile("Flex Flow x", None, dict(LIVE), create, m.sdk.update, recover=lambda: found)
    assert (changed, result) == (True, found)
    assert len(sent) == 1
    assert m.warnings == ["Creating Flex Flow x: the answer was lost in transit; found the resource it created on re-reading."]


def test_lost_create_answer_not_found_again_is_sent_again_then_fails(thing):
    m = thing(retries=1, retry_max_backoff=0)
    sent = []

    def create(fields):
        sent.append(fields)
        raise ApiError("Creating Flex Flow x failed: could not reach Twilio (reset)", lost_response=True)

    with pytest.raises(ApiError, match=r"could not reach Twilio \(reset\). Sent 2 time\(s\)"):
        m.reconcile("Flex Flow x", None, dict(LIVE), create, m.sdk.update, recover=lambda: None)
    assert len(sent) == 2


def test_create_error_with_an_answer_does_not_try_to_recover(thing):
    m = thing()
    recovered = []

    def create(fields):
        raise ApiError("Creating Flex Flow x failed, HTTP 400: bad", status=400)

    with pytest.raises(ApiError, match="HTTP 400"):
        m.reconcile("Flex Flow x", None, dict(LIVE), create, m.sdk.update, recover=lambda: recovered.append(1))
    assert recovered == []


# -- for_each ------------------------------------------------------------------------------

@pytest.mark.parametrize("concurrency", [1, 4])
def test_for_each_keeps_going_and_names_failed_items_under_key(thing, concurrency):
    m = thing(friendly_name="x")

    def work(item):
        if item % 2:
            raise ValidationError("%d is odd" % item)
        return dict(item=item, changed=item == 2)

    with pytest.raises(ApiError) as err:
        m.for_each([0, 1, 2, 3], work, concurrency=concurrency, label=lambda i: "n%d" % i, key="number")
    assert err.value.msg == "2 of 4 items failed: n1: 1 is odd; n3: 3 is odd"
    assert err.value.details["results"] == [
        dict(item=0, changed=False), dict(number="n1", failed=True, msg="1 is odd"),
        dict(item=2, changed=True), dict(number="n3", failed=True, msg="3 is odd")]
    assert err.value.details["changed"] is True
    with pytest.raises(ApiError) as err:
        m.for_each([1], work)
    assert err.value.details["results"] == [dict(item="1", failed=True, msg="1 is odd")]  # default key and label


# -- execute: the module result --------------------------------------------------------

def test_execute_check_mode_result_with_diff(thing, run_module):
    m = thing(check_mode=True, diff=True, friendly_name="SMS +15551234567", enabled=False, live=dict(LIVE))
    result = run_module(m)
    assert result["_rc"] == 0
    assert result["changed"] is True
    assert result["flex_flow"] is None
    assert result["diff"] == dict(
        before_header="Flex Flow SMS +15551234567", after_header="Flex Flow SMS +15551234567",
        before=LIVE, after=dict(LIVE, enabled=False),
    )
    assert result["api_stats"] == dict(requests=0, writes=0, retries=0, rate_limited=0)
    assert m.sdk.calls == []


def test_execute_without_diff_mode_has_no_diff(thing, run_module):
    result = run_module(thing(friendly_name="SMS +15551234567", enabled=False, live=dict(LIVE)))
    assert result["changed"] is True
    assert "diff" not in result
    assert result["flex_flow"] == dict(enabled=False, sid=FLOW_SID)


def test_execute_unchanged(thing, run_module):
    result = run_module(thing(diff=True, friendly_name="SMS +15551234567", live=dict(LIVE)))
    assert result["changed"] is False
    assert "diff" not in result


def test_execute_validation_error_fails_before_any_request(thing, run_module):
    m = thing(friendly_name="")
    result = run_module(m)
    assert result["_rc"] == 1
    assert result["msg"] == "friendly_name must not be empty: give the flow a name."
    assert m.sdk.calls == []


# -- problems through Ansible's own exit_json / fail_json (issue 22) ----------------------
# Before ansible-core 2.19, exit_json and fail_json pass the result through
# remove_values(), which rebuilds every mutable mapping as type(value)(): a Problem
# (a dict subclass whose constructor needs arguments) there ended the module as
# "MODULE FAILURE" with no JSON. These run the real AnsibleModule methods (nothing
# mocked) with a no_log value in the parameters (auth_token), on every version
# `make compat` runs.

HOLDER = dict(type="messaging_service", sid="MG" + "0" * 32, name="Marketing")


class Failing(TwilioModule):
    """Fails (or succeeds) the way the real modules do, with problems."""

    argument_spec = dict(how=dict(type="str", choices=["validation", "api", "result"]))

    def validate(self):
        if self.params["how"] == "validation":
            raise ValidationError("addresses[1].webhook_url must start with https://: give an https URL.", problems=[
                Problem("invalid_value", "addresses[1].webhook_url must start with https://", fix="Give an https URL.",
                        entry="+15551230001", option="addresses[1].webhook_url"),
                Problem("held_by_other_service", "+15551230002 is held by Marketing", fix="Set take_over.",
                        entry="+15551230002", option="take_over", holder=dict(HOLDER)),
            ])

    def run(self):
        if self.params["how"] == "api":
            raise ApiError("Updating the Flex Flow failed: HTTP 400, Twilio error 20001: bad", status=400, code=20001)
        return dict(numbers=[dict(phone_number="+15551230001", reaches_flex=False,
                                  problems=[Problem("not_routed_to_flex", "goes elsewhere", entry="+15551230001")])])


def test_validation_problems_reach_fail_json_as_data(make_module, run_module):
    result = run_module(make_module(Failing, how="validation"))
    assert result["_rc"] == 1
    assert result["msg"] == "addresses[1].webhook_url must start with https://: give an https URL."
    assert result["problems"] == [
        dict(code="invalid_value", entry="+15551230001", option="addresses[1].webhook_url", holder=None,
             msg="addresses[1].webhook_url must start with https://", fix="Give an https URL."),
        dict(code="held_by_other_service", entry="+15551230002", option="take_over", holder=HOLDER,
             msg="+15551230002 is held by Marketing", fix="Set take_over."),
    ]
    assert result["api_stats"]["requests"] == 0


def test_api_error_problems_and_details_reach_fail_json(make_module, run_module):
    result = run_module(make_module(Failing, how="api"))
    assert result["_rc"] == 1
    assert result["msg"].startswith("Updating the Flex Flow failed: HTTP 400")
    assert (result["status"], result["code"]) == (400, 20001)
    assert [p["code"] for p in result["problems"]] == ["twilio_error"]


def test_problems_in_a_result_reach_exit_json(make_module, run_module):
    result = run_module(make_module(Failing, how="result"))
    assert result["_rc"] == 0
    assert result["numbers"][0]["problems"] == [
        dict(code="not_routed_to_flex", entry="+15551230001", option=None, holder=None, msg="goes elsewhere", fix=None)]


def test_plain_data_leaves_no_dict_subclass():
    data = plain_data(dict(problems=(Problem("x", "m", holder=dict(HOLDER)),), n=[1, "a", None]))
    assert data == dict(problems=[dict(code="x", msg="m", fix=None, entry=None, option=None, holder=HOLDER)],
                        n=[1, "a", None])
    assert type(data["problems"]) is list and type(data["problems"][0]) is dict  # pylint: disable=unidiomatic-typecheck


@pytest.mark.parametrize("args, message", [
    (dict(account_sid="AC123"), "account_sid='AC123' is not a valid account SID"),
    (dict(auth_token=None), "No credentials: set auth_token (or TWILIO_AUTH_TOKEN), or api_key and api_secret"),
    (dict(http_timeout=0), "http_timeout must be more than 0 seconds."),
    (dict(retries=-1), "retries must be 0 or more."),
])
def test_execute_validates_connection_options(thing, run_module, args, message):
    result = run_module(thing(friendly_name="x", **args))
    assert result["_rc"] == 1
    assert result["msg"].startswith(message)


# -- to_dict -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sdk_client():
    return Client(ACCOUNT_SID, "token")  # no request is sent: instances are built from payloads


def assert_module_serializable(data):
    """A module result must pass Ansible's own module JSON encoder."""
    assert json.loads(module_json(data)) == data


def test_to_dict_flex_flow(sdk_client):
    payload = {
        "account_sid": ACCOUNT_SID, "sid": FLOW_SID, "friendly_name": "SMS +15551234567",
        "chat_service_sid": "IS" + "0" * 32, "channel_type": "sms", "contact_identity": "+15551234567",
        "enabled": True, "integration_type": "studio", "integration": {"flow_sid": "FW" + "0" * 32, "retry_count": 3},
        "long_lived": False, "janitor_enabled": True,
        "date_created": "2024-01-02T03:04:05Z", "date_updated": "2024-02-03T04:05:06Z",
        "url": "https://flex-api.twilio.com/v1/FlexFlows/" + FLOW_SID,
    }
    data = to_dict(FlexFlowInstance(sdk_client.flex_api.v1, payload))
    assert data["sid"] == FLOW_SID
    assert data["integration"] == {"flow_sid": "FW" + "0" * 32, "retry_count": 3}
    assert data["enabled"] is True
    assert data["date_created"] == "2024-01-02T03:04:05+00:00"
    assert data["date_updated"] == "2024-02-03T04:05:06+00:00"
    assert not [k for k in data if k.startswith("_")]  # no SDK internals (_version, _solution, _context)
    assert_module_serializable(data)


def test_to_dict_incoming_number_rfc2822_dates(sdk_client):
    payload = {
        "sid": "PN" + "1" * 32, "phone_number": "+15551234567", "capabilities": {"sms": True, "mms": False, "voice": True},
        "date_created": "Mon, 16 Aug 2010 03:45:01 +0000", "sms_url": "", "subresource_uris": {"assigned_add_ons": "/x"},
    }
    data = to_dict(IncomingPhoneNumberInstance(sdk_client.api.v2010, payload, ACCOUNT_SID))
    assert data["date_created"] == "2010-08-16T03:45:01+00:00"
    assert data["date_updated"] is None
    assert data["capabilities"] == {"sms": True, "mms": False, "voice": True}
    assert data["sms_url"] == ""
    assert_module_serializable(data)


def test_to_dict_decimals_keep_twilio_text(sdk_client):
    # The SDK turns latitude/longitude into Decimal, which a module result cannot carry.
    payload = {"phone_number": "+15551234567", "latitude": "37.780100", "longitude": "-122.393700", "iso_country": "US"}
    data = to_dict(LocalInstance(sdk_client.api.v2010, payload, ACCOUNT_SID, "US"))
    assert data["latitude"] == "37.780100"
    assert data["longitude"] == "-122.393700"
    assert_module_serializable(data)


def test_to_dict_none():
    assert to_dict(None) is None
