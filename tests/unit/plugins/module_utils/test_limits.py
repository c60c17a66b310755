# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.flexops.twilio.plugins.module_utils import _limits
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError

FO = "FO" + "0" * 32


@pytest.mark.parametrize("method,host,path,name,rate", [
    ("GET", "flex-api.twilio.com", "/v1/FlexFlows", "flex_flow_list", 10),
    ("GET", "flex-api.sydney.au1.twilio.com", "/v1/FlexFlows", "flex_flow_list", 10),
    ("GET", "flex-api.twilio.com", "/v1/FlexFlows/" + FO, "flex_flow_fetch", 2),
    ("POST", "flex-api.twilio.com", "/v1/FlexFlows", "flex_flow_create", 2),
    ("POST", "flex-api.twilio.com", "/v1/FlexFlows/" + FO, "flex_flow_update", 1),
    ("DELETE", "flex-api.twilio.com", "/v1/FlexFlows/" + FO, "flex_flow_delete", 2),
    ("GET", "flex-api.twilio.com", "/v1/Configuration", None, None),
    ("POST", "conversations.twilio.com", "/v1/Configuration/Addresses", None, None),
    ("POST", "proxy.twilio.com", "/v1/FlexFlows", None, None),
])
def test_documented_rates(method, host, path, name, rate):
    assert _limits.Limits().rate_for(method, host, path) == (name, rate)


def test_documented_capacities():
    assert _limits.Limits().capacities == {
        "flex_flows": 2500, "proxy_numbers": 500, "proxy_reserved_numbers": 5000, "messaging_service_numbers": 400}


def test_account_limits_override_only_what_they_name():
    limits = _limits.limits_from({"account_limits": {"flex_flow_update": 5, "flex_flows": "10000"}})
    assert limits.rates["flex_flow_update"] == 5.0
    assert limits.rates["flex_flow_create"] == 2
    assert limits.capacities["flex_flows"] == 10000
    assert limits.capacities["proxy_numbers"] == 500
    assert limits.seconds("flex_flow_create", 200) == 100.0
    assert limits.seconds("flex_flow_update", 0) == 0.0


@pytest.mark.parametrize("given,code,option", [
    ({"flex_flow_creates": 2}, "invalid_value", "account_limits.flex_flow_creates"),
    ({"flex_flow_create": 0}, "out_of_range", "account_limits.flex_flow_create"),
    ({"flex_flow_create": "fast"}, "out_of_range", "account_limits.flex_flow_create"),
    ({"flex_flow_create": True}, "out_of_range", "account_limits.flex_flow_create"),
    ({"flex_flows": 2.5}, "out_of_range", "account_limits.flex_flows"),
    ({"proxy_numbers": -1}, "out_of_range", "account_limits.proxy_numbers"),
])
def test_bad_account_limits(given, code, option):
    with pytest.raises(ValidationError) as err:
        _limits.limits_from({"account_limits": given})
    problem = err.value.problems[0]
    assert (problem["code"], problem["option"]) == (code, option)
    assert problem["fix"]


def test_no_option_means_documented_limits():
    assert _limits.limits_from({}).rates == _limits.limits_from({"account_limits": None}).rates
