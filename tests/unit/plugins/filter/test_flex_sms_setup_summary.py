# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role's per-number summary filter: lines, problems and flags from flex_sms_address results."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.flexops.twilio.plugins.filter.flex_sms_setup_summary import FilterModule, flex_sms_setup_summary

KS = "KS" + "1" * 32
FW = "FW" + "2" * 32
FO = "FO" + "3" * 32
PROXY = dict(sid=KS, name="Flex Proxy Service", member=True, is_reserved=False, changed=True)
FLOW = dict(sid=FW, friendly_name="Messaging Flow",
            send_to_flex=dict(reachable=True, widget="SendMessageToAgent", path=["Trigger", "SendMessageToAgent"], problem=None))


def address(**more):
    base = dict(sid=FO, integration_type="studio", integration=dict(flow_sid=FW), enabled=True)
    base.update(more)
    return base


def test_registered_under_its_name():
    assert FilterModule().filters()["flex_sms_setup_summary"] is flex_sms_setup_summary


def test_present_line_and_flags():
    entries = [dict(phone_number="+14155550102", label=None)]
    result = dict(addresses=[dict(phone_number="+14155550102", changed=True, address_changed=True,
                                  address=address(), proxy_service=PROXY, studio_flow=FLOW)])
    [item] = flex_sms_setup_summary(entries, result, "present", "Flex Proxy Service")
    assert item["line"] == ("+14155550102 -> Flex Proxy Service (%s) -> %s -> studio flow Messaging Flow (%s) -> "
                            "Send to Flex: yes (SendMessageToAgent) [changed]" % (KS, FO, FW))
    assert item["ok"] is True and item["problems"] == []
    assert (item["address_changed"], item["proxy_changed"], item["handler_type"]) == (True, True, "proxy_service")
    assert (item["studio_flow_name"], item["send_to_flex"], item["send_to_flex_widget"]) == ("Messaging Flow", True, "SendMessageToAgent")


def test_problems_are_named():
    entries = [dict(phone_number="+14155550102", label=None)]
    broken = dict(FLOW, friendly_name="Broken Flow", send_to_flex=dict(reachable=False, widget=None, path=[], problem="x"))
    result = dict(addresses=[dict(changed=False, address=address(enabled=False), proxy_service=dict(PROXY, member=False, changed=False),
                                  studio_flow=broken)])
    [item] = flex_sms_setup_summary(entries, result, "present", "Flex Proxy Service")
    assert item["ok"] is False
    assert item["problems"] == ["not routed to the Proxy service", "the SMS address is disabled",
                                "Send to Flex is not reachable in the Studio flow"]
    assert item["line"].endswith("Send to Flex: NO PROBLEM: not routed to the Proxy service, the SMS address is disabled, "
                                 "Send to Flex is not reachable in the Studio flow")
    assert "(not routed)" in item["line"] and item["proxy_service_sid"] is None


def test_check_mode_create_is_described_from_the_wanted_entry():
    entries = [dict(phone_number="+14155550102", label=None), dict(phone_number="+14155550103", label=None)]
    result = dict(addresses=[dict(changed=True, address_changed=True, address=None, proxy_service=PROXY),
                             dict(changed=True, address_changed=True, address=None, proxy_service=PROXY)])
    wanted = [dict(phone_number="+14155550102", integration_type="webhook", webhook_url="https://example.com/sms"),
              dict(phone_number="+14155550103", integration_type="task")]
    items = flex_sms_setup_summary(entries, result, "present", "Flex Proxy Service", wanted=wanted)
    assert items[0]["integration"] == "webhook https://example.com/sms"
    assert items[1]["integration"] == "task workflow (Flex default), channel sms"
    assert "new SMS address" in items[0]["line"] and items[0]["send_to_flex"] is None and "Send to Flex: n/a" in items[0]["line"]


def test_absent_lines_and_pending_labels():
    entries = [dict(phone_number="+14155550102", label=None), dict(phone_number="+14155550103", label=None)]
    result = dict(addresses=[dict(changed=True, address_changed=True, address=None, proxy_service=dict(PROXY, member=False)),
                             dict(changed=False, address_changed=False, address=None,
                                  proxy_service=dict(PROXY, member=False, changed=False))])
    items = flex_sms_setup_summary(entries, result, "absent", "Flex Proxy Service", pending=["Support"])
    assert [i["line"] for i in items] == [
        "+14155550102 -> removed from Flex Proxy Service, SMS address deleted",
        "+14155550103 -> not in Flex Proxy Service, no SMS address",
        "label Support -> no number with this label: nothing to remove",
    ]
    assert [i["changed"] for i in items] == [True, False, False]


def test_a_skipped_or_failed_result_gives_unrouted_entries():
    items = flex_sms_setup_summary([dict(phone_number="+14155550102", label=None)], dict(skipped=True), "present",
                                   "Flex Proxy Service")
    assert items[0]["problems"] == ["not routed to the Proxy service"] and items[0]["changed"] is False


def test_bad_state():
    with pytest.raises(AnsibleFilterError, match="state must be present or absent"):
        flex_sms_setup_summary([], {}, "gone", "Flex Proxy Service")


def test_routes_replace_the_line_and_flag_numbers_that_do_not_reach_flex():
    entries = [dict(phone_number="+14155550102", label=None), dict(phone_number="+14155550103", label=None)]
    result = dict(addresses=[dict(phone_number=e["phone_number"], changed=i == 0, address=address(), proxy_service=PROXY,
                                  studio_flow=FLOW) for i, e in enumerate(entries)])
    problem = dict(code="messaging_service_captures_inbound", msg="m", fix="f")
    routes = dict(numbers=[dict(phone_number="+14155550103", route="messaging_service", reaches_flex=False, problems=[problem]),
                           dict(phone_number="+14155550102", route="flex_legacy", reaches_flex=True, problems=[])],
                  report=["+14155550103 -> Messaging Service ... -> reaches Flex: NO (messaging_service)",
                          "+14155550102 -> Flex Proxy Service ... -> reaches Flex: yes (flex_legacy)"])
    ok, broken = flex_sms_setup_summary(entries, result, "present", "Flex Proxy Service", routes=routes)
    assert ok["line"] == "+14155550102 -> Flex Proxy Service ... -> reaches Flex: yes (flex_legacy) [changed]"
    assert (ok["ok"], ok["route"], ok["reaches_flex"], ok["problems"]) == (True, "flex_legacy", True, [])
    assert broken["line"] == "+14155550103 -> Messaging Service ... -> reaches Flex: NO (messaging_service)"
    assert (broken["ok"], broken["problems"], broken["route_problems"]) == (False, [], [problem])


def test_conversations_channel_lines_routes_and_the_deleted_flex_flow():
    entries = [dict(phone_number="+15551230001"), dict(phone_number="+15551230002")]
    result = dict(addresses=[
        dict(phone_number="+15551230001", changed=True, route_before="flex_legacy", route_after="flex_conversations",
             legacy_flow=dict(sid="FO" + "1" * 32), address=dict(sid="IG" + "1" * 32, auto_creation=dict(
                 enabled=True, type="studio", studio_flow_sid="FW" + "1" * 32)),
             studio_flow=dict(sid="FW" + "1" * 32, friendly_name="Both", send_to_flex=dict(reachable=True))),
        dict(phone_number="+15551230002", changed=False, route_before="flex_conversations",
             route_after="flex_conversations", legacy_flow=None,
             address=dict(sid="IG" + "2" * 32, auto_creation=dict(enabled=False, type="webhook"))),
    ])
    out = flex_sms_setup_summary(entries, result, state="present", proxy_service="Flex Proxy Service",
                                 channel="conversations")
    assert [o["route_before"] for o in out] == ["flex_legacy", "flex_conversations"]
    assert [o["route_after"] for o in out] == ["flex_conversations", "flex_conversations"]
    assert out[0]["legacy_flow"]["sid"] == "FO" + "1" * 32 and out[0]["ok"] and out[0]["send_to_flex"] is True
    assert out[0]["line"] == ("+15551230001: flex_legacy -> flex_conversations (IG%s), legacy SMS address FO%s "
                              "deleted [changed]" % ("1" * 32, "1" * 32))
    assert out[1]["problems"] == ["auto-creation is disabled"] and not out[1]["ok"]
