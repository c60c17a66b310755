#!/usr/bin/env python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write the seed of the flex_sms_route_info request budget: one Flex account with 1,000 numbers.

    python make_seed.py PATH

Numbers 0-599 are legacy Flex numbers (Flex Proxy Service pool + an enabled studio Flex Flow; 500-599
reserved, as Twilio holds at most 500 non-reserved numbers per Proxy service), 0-399 of them also in a
deferring A2P Messaging Service; 600-649 in another Proxy service;
650-659 have a disabled Flex Flow only; 700-749 are in a Messaging Service that does not defer;
800-999 have a Conversations address (200 addresses: 4 pages of 50). Three Studio flows, two in use.
"""

import sys

import yaml

AC = "AC00000b0d9e7000000000000000000001"
COUNT = 1000


def sid(prefix, index):
    return "%s%032x" % (prefix, index + 1)


def definition(events):
    return dict(initial_state="Trigger", states=[
        dict(name="Trigger", type="trigger", transitions=[dict(event=e, next="Agent") for e in events]),
        dict(name="Agent", type="send-to-flex", transitions=[dict(event="callComplete")],
             properties=dict(workflow=sid("WW", 0), channel=sid("TC", 0))),
    ])


def number(index):
    return "+1555200%04d" % index


def seed():
    flow = dict(legacy=sid("FW", 0), conv=sid("FW", 1), unused=sid("FW", 2))
    return dict(accounts=[dict(
        sid=AC, auth_token="route-budget-token", friendly_name="Route budget",
        flex_configuration=dict(chat_service_instance_sid=sid("IS", 0), flex_service_instance_sid=sid("IS", 1),
                                taskrouter_workspace_sid=sid("WS", 0), taskrouter_target_workflow_sid=sid("WW", 0)),
        incoming_phone_numbers=[dict(sid=sid("PN", i), phone_number=number(i), friendly_name="Budget %d" % i)
                                for i in range(COUNT)],
        proxy_services=[
            dict(sid=sid("KS", 0), unique_name="Flex Proxy Service", chat_instance_sid=sid("IS", 0),
                 phone_numbers=[dict(sid=sid("PN", i), is_reserved=i >= 500) for i in range(600)]),
            dict(sid=sid("KS", 1), unique_name="Sales Proxy",
                 phone_numbers=[dict(sid=sid("PN", i), is_reserved=True) for i in range(600, 650)])],
        messaging_services=[
            dict(sid=sid("MG", 0), friendly_name="A2P deferring", use_inbound_webhook_on_number=True,
                 us_app_to_person_registered=True, phone_numbers=[sid("PN", i) for i in range(400)]),
            dict(sid=sid("MG", 1), friendly_name="A2P taking", use_inbound_webhook_on_number=False,
                 us_app_to_person_registered=True, phone_numbers=[sid("PN", i) for i in range(700, 750)])],
        flex_flows=[dict(sid=sid("FO", i), friendly_name="Flex SMS %d" % i, chat_service_sid=sid("IS", 0),
                         channel_type="sms", contact_identity=number(i), enabled=i < 600, integration_type="studio",
                         integration=dict(flow_sid=flow["legacy"], retry_count=3))
                    for i in list(range(600)) + list(range(650, 660))],
        conversations_addresses=[dict(sid=sid("IG", i), type="sms", address=number(i), friendly_name="Address %d" % i,
                                      auto_creation=dict(enabled=True, type="studio", studio_flow_sid=flow["conv"]))
                                 for i in range(800, COUNT)],
        studio_flows=[dict(sid=flow["legacy"], friendly_name="Messaging Flow", status="published",
                           definition=definition(["incomingMessage"])),
                      dict(sid=flow["conv"], friendly_name="Conversations Flow", status="published",
                           definition=definition(["incomingConversationMessage"])),
                      dict(sid=flow["unused"], friendly_name="Unused", status="published", definition=definition([]))],
    )])


if __name__ == "__main__":
    with open(sys.argv[1], "w") as handle:
        yaml.safe_dump(seed(), handle, sort_keys=False)
