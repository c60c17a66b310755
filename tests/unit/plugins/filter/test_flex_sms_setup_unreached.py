# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The role's verdict on the route audit: failing numbers with every problem and fix, doubtful ones as warnings."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.filter.flex_sms_setup_unreached import FilterModule, flex_sms_setup_unreached


def number(phone, reaches, codes=(), route="flex_legacy", why="because"):
    return dict(phone_number=phone, reaches_flex=reaches, route=route, why=why,
                problems=[dict(code=c, msg="%s happened" % c, fix="fix %s" % c) for c in codes])


ROUTES = dict(numbers=[
    number("+1", True),
    number("+2", False, ["messaging_service_captures_inbound", "studio_flow_unreachable"], route="messaging_service"),
    number("+3", False, ["studio_flow_unreachable"]),
    number("+4", None, why="the flow could not be read"),
])


def test_registered_under_its_name():
    assert FilterModule().filters()["flex_sms_setup_unreached"] is flex_sms_setup_unreached


def test_requiring_send_to_flex_every_unreachable_number_fails():
    out = flex_sms_setup_unreached(ROUTES, True)
    assert out["failing"] == [
        "+2 (messaging_service): [messaging_service_captures_inbound] messaging_service_captures_inbound happened. "
        "Fix: fix messaging_service_captures_inbound; [studio_flow_unreachable] studio_flow_unreachable happened. "
        "Fix: fix studio_flow_unreachable.",
        "+3 (flex_legacy): [studio_flow_unreachable] studio_flow_unreachable happened. Fix: fix studio_flow_unreachable."]
    assert out["doubtful"] == ["+4 (flex_legacy, reaches Flex: unknown): the flow could not be read"]


def test_an_unreachable_flow_accepted_on_purpose_is_only_doubtful():
    out = flex_sms_setup_unreached(ROUTES, False)
    assert [t.split(" ")[0] for t in out["failing"]] == ["+2"]
    assert out["doubtful"] == ["+3 (flex_legacy, reaches Flex: no): because",
                               "+4 (flex_legacy, reaches Flex: unknown): the flow could not be read"]
    assert flex_sms_setup_unreached({}, True) == dict(failing=[], doubtful=[])
