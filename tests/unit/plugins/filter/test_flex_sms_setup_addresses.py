# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role's entries for flex_sms_address: own values win, role-wide values of the entry's type only."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.flexops.twilio.plugins.filter.flex_sms_setup_addresses import FilterModule, flex_sms_setup_addresses

ROLE = dict(studio_flow="Messaging Flow", webhook_url="https://example.com/role", workflow_sid="WW" + "1" * 32,
            retry_count=None, enabled=True, chat_service_sid=None)


def test_registered_under_its_name():
    assert FilterModule().filters()["flex_sms_setup_addresses"] is flex_sms_setup_addresses


def test_role_defaults_of_the_entry_type_only():
    entries = [
        dict(phone_number="+15551230001", label=None, buy=None),
        dict(phone_number="+15551230002", label="Sales", buy=None, integration_type="external"),
        dict(phone_number="+15551230003", label=None, buy=None, integration_type="task", priority=5, enabled=None),
        dict(phone_number="+15551230004", label=None, buy=None, studio_flow="FW" + "2" * 32, retry_count=1,
             friendly_name="Support", webhook_url="https://example.com/own"),
    ]
    assert flex_sms_setup_addresses(entries, "studio", ROLE) == [
        dict(phone_number="+15551230001", integration_type="studio", enabled=True, studio_flow="Messaging Flow"),
        dict(phone_number="+15551230002", integration_type="webhook", enabled=True, webhook_url="https://example.com/role"),
        dict(phone_number="+15551230003", integration_type="task", enabled=True, workflow_sid="WW" + "1" * 32, priority=5),
        # an entry's own value wins; its own setting of another type is left out like the role's
        dict(phone_number="+15551230004", integration_type="studio", friendly_name="Support", enabled=True,
             studio_flow="FW" + "2" * 32, retry_count=1),
    ]


def test_role_integration_type_and_no_options():
    assert flex_sms_setup_addresses([dict(phone_number="+15551230001")], "external") == [
        dict(phone_number="+15551230001", integration_type="webhook")]


def test_unknown_type():
    with pytest.raises(AnsibleFilterError, match="entry 0 has integration_type 'sms'"):
        flex_sms_setup_addresses([dict(phone_number="+15551230001", integration_type="sms")], "studio")


def test_conversations_channel_maps_to_flex_conversations_address_options():
    entries = [
        dict(phone_number="+15551230001", label=None, buy=None),
        dict(phone_number="+15551230002", label=None, buy=None, integration_type="webhook", retry_count=2),
        dict(phone_number="+15551230003", label=None, buy=None, integration_type="task", priority=5),
        dict(phone_number="+15551230004", label=None, buy=None, retry_count=1, friendly_name="Support"),
    ]
    assert flex_sms_setup_addresses(entries, "studio", ROLE, channel="conversations") == [
        dict(phone_number="+15551230001", auto_creation_type="studio", studio_flow="Messaging Flow", enabled=True),
        # a webhook's retry count has no Conversations equivalent (StudioRetryCount is for Studio only)
        dict(phone_number="+15551230002", auto_creation_type="webhook", webhook_url="https://example.com/role",
             enabled=True),
        # task stays, so that flex_conversations_address refuses it by name (task_integration)
        dict(phone_number="+15551230003", auto_creation_type="task", enabled=True),
        dict(phone_number="+15551230004", auto_creation_type="studio", studio_flow="Messaging Flow",
             friendly_name="Support", enabled=True, retry_count=1),
    ]
