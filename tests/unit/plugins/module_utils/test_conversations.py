# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_conversations: the mapping between a Conversations address configuration and the options of
flex_conversations_address, the checks of one entry, defaults only on create, what forces a replacement."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import types
from unittest import mock

import pytest

from ansible_collections.flexops.twilio.plugins.module_utils import _conversations as conv
from ansible_collections.flexops.twilio.plugins.module_utils._base import TwilioModule
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError, ValidationError

NUMBER = "+15551230001"
FW = "FW" + "1" * 32
FW2 = "FW" + "2" * 32
IS_FLEX = "IS" + "2" * 32
IS_OTHER = "IS" + "3" * 32
IG = "IG" + "1" * 32


class Resolver(object):
    """Records the look-ups wanted_fields asks for."""

    def __init__(self):
        self.asked = []

    def studio_flow_sid(self, value, defaulted=False, option="studio_flow"):
        self.asked.append(("flow", value, defaulted))
        return value if value.startswith("FW") else FW2

    def flex_default(self, key, option):
        self.asked.append(("flex", key, option))
        return IS_FLEX

    def check_exists(self, option, kind, value, workspace=None):
        self.asked.append(("exists", option, kind, value))


def entry(index=None, own=(), **values):
    settings = dict((k, None) for k in conv.SETTINGS)
    settings.update(values)
    return conv.AddressEntry(settings, index=index, own=own or tuple(values), phone_number=NUMBER, sid=None)


def live(auto_creation, **top):
    address = dict(sid=IG, account_sid="AC" + "a" * 32, type="sms", address=NUMBER, friendly_name="Support",
                   address_country=None, auto_creation=auto_creation, url="https://x", date_created=None,
                   date_updated=None)
    address.update(top)
    return address


# -- mapping -----------------------------------------------------------------------------------

def test_managed_view_reads_only_the_settings_of_the_live_type():
    view = conv.managed_view(live(dict(enabled=True, type="studio", conversation_service_sid=IS_FLEX,
                                       studio_flow_sid=FW, studio_retry_count="2", webhook_url="https://left.over")))
    assert view == dict(type="sms", phone_number=NUMBER, friendly_name="Support", enabled=True,
                        auto_creation_type="studio", conversation_service_sid=IS_FLEX, studio_flow=FW, retry_count=2)


def test_managed_view_normalises_method_case_and_filter_order():
    view = conv.managed_view(live(dict(enabled=True, type="webhook", webhook_url="https://example.com/in",
                                       webhook_method="post", webhook_filters=["onParticipantAdded", "onMessageAdded"]),
                                  address_country=""))
    assert view["webhook_method"] == "POST"
    assert view["webhook_filters"] == ["onMessageAdded", "onParticipantAdded"]
    assert "address_country" not in view  # "" is unset


def test_to_api_uses_the_sdk_keywords_lower_case_method_and_skips_cleared():
    kwargs = conv.to_api(dict(type="sms", phone_number=NUMBER, enabled=False, auto_creation_type="webhook",
                              webhook_url="https://example.com/in", webhook_method="GET",
                              webhook_filters=["onMessageAdded"], studio_flow=conv.CLEARED, retry_count=None))
    assert kwargs == dict(auto_creation_enabled=False, auto_creation_type="webhook",
                          auto_creation_webhook_url="https://example.com/in", auto_creation_webhook_method="get",
                          auto_creation_webhook_filters=["onMessageAdded"])


# -- checks ------------------------------------------------------------------------------------

@pytest.mark.parametrize("values, text, option", [
    (dict(auto_creation_type="studio", webhook_url="https://example.com/x"),
     "webhook_url is only used with auto_creation_type=webhook", "webhook_url"),
    (dict(studio_flow="Flow", webhook_url="https://example.com/x"), "belong to different auto-creation types", "studio_flow"),
    (dict(retry_count=4), "retry_count=4 is out of range", "retry_count"),
    (dict(address_country="us"), "is not an ISO 3166-1 alpha-2 country code", "address_country"),
    (dict(conversation_service_sid="MG" + "1" * 32), "is not a valid conversation service SID", "conversation_service_sid"),
    (dict(webhook_filters=[]), "webhook_filters is empty", "webhook_filters"),
])
def test_validate_entry_names_the_option_and_the_fix(values, text, option):
    with pytest.raises(ValidationError) as info:
        conv.validate_entry(entry(**values))
    assert text in info.value.msg
    assert info.value.problems[0]["option"] == option
    assert info.value.problems[0]["fix"]


def test_validate_entry_names_list_entries_by_index():
    with pytest.raises(ValidationError) as info:
        conv.validate_entry(entry(index=3, own=("retry_count",), retry_count=9))
    assert info.value.msg.startswith("addresses[3].retry_count=9 is out of range")


# -- wanted settings -----------------------------------------------------------------------------

def test_create_defaults_studio_messaging_flow_and_flex_conversation_service():
    resolver = Resolver()
    wanted = conv.wanted_fields(entry(), None, resolver)
    assert wanted == dict(type="sms", phone_number=NUMBER, friendly_name="Flex Conversations %s" % NUMBER,
                          enabled=True, auto_creation_type="studio", studio_flow=FW2,
                          conversation_service_sid=IS_FLEX)
    assert ("flow", "Messaging Flow", True) in resolver.asked
    assert ("flex", "flex_service_instance_sid", "conversation_service_sid") in resolver.asked


def test_update_keeps_what_the_task_leaves_out_and_reads_nothing():
    resolver = Resolver()
    before = conv.managed_view(live(dict(enabled=True, type="studio", conversation_service_sid=IS_OTHER,
                                         studio_flow_sid=FW)))
    wanted = conv.wanted_fields(entry(friendly_name="New"), before, resolver)
    assert wanted == dict(type="sms", phone_number=NUMBER, friendly_name="New")
    assert resolver.asked == []
    assert conv.replaced_by(before, wanted) == []


def test_webhook_needs_its_url_on_create_and_when_switching():
    with pytest.raises(ValidationError) as info:
        conv.wanted_fields(entry(auto_creation_type="webhook"), None, Resolver())
    assert info.value.code == "missing_option"
    before = conv.managed_view(live(dict(enabled=True, type="studio", studio_flow_sid=FW)))
    with pytest.raises(ValidationError):
        conv.wanted_fields(entry(auto_creation_type="webhook"), before, Resolver())


def test_switching_type_clears_the_old_type_settings_without_sending_them():
    before = conv.managed_view(live(dict(enabled=True, type="studio", studio_flow_sid=FW, studio_retry_count=1)))
    wanted = conv.wanted_fields(entry(auto_creation_type="webhook", webhook_url="https://example.com/in"), before,
                                Resolver())
    assert wanted["studio_flow"] == conv.CLEARED and wanted["retry_count"] == conv.CLEARED
    assert "auto_creation_studio_flow_sid" not in conv.to_api(wanted)


def test_a_setting_of_another_type_than_the_live_one_is_refused():
    before = conv.managed_view(live(dict(enabled=True, type="webhook", webhook_url="https://example.com/in")))
    with pytest.raises(ValidationError) as info:
        conv.wanted_fields(entry(studio_flow=FW), before, Resolver())
    assert "uses auto_creation_type=webhook" in info.value.msg


def test_country_change_is_a_replacement_keeping_the_other_settings():
    before = conv.managed_view(live(dict(enabled=False, type="studio", conversation_service_sid=IS_FLEX,
                                         studio_flow_sid=FW, studio_retry_count=2)))
    wanted = conv.wanted_fields(entry(address_country="US"), before, Resolver())
    assert conv.replaced_by(before, wanted) == ["address_country"]
    fields = conv.replacement_fields(before, wanted)
    assert fields == dict(type="sms", phone_number=NUMBER, address_country="US", friendly_name="Support",
                          enabled=False, auto_creation_type="studio", conversation_service_sid=IS_FLEX,
                          studio_flow=FW, retry_count=2)


def test_another_number_or_type_is_a_replacement():
    before = conv.managed_view(live(dict(enabled=True, type="default"), address="+15551230009", type="whatsapp"))
    wanted = conv.wanted_fields(entry(), before, Resolver())
    assert conv.replaced_by(before, wanted) == ["type", "phone_number"]


# -- what the task names is fetched before it is written (issue 12) -------------------------------


def test_a_studio_flow_sid_and_a_conversation_service_the_task_sets_are_checked_on_create():
    resolver = Resolver()
    wanted = conv.wanted_fields(entry(studio_flow=FW, conversation_service_sid=IS_OTHER), None, resolver)
    assert wanted["studio_flow"] == FW and wanted["conversation_service_sid"] == IS_OTHER
    assert ("flow", FW, False) in resolver.asked
    assert ("exists", "conversation_service_sid", "conversation_service", IS_OTHER) in resolver.asked


def test_live_values_and_the_flex_default_are_not_checked():
    resolver = Resolver()
    before = conv.managed_view(live(dict(enabled=True, type="studio", conversation_service_sid=IS_OTHER,
                                         studio_flow_sid=FW, studio_retry_count=3)))
    conv.wanted_fields(entry(studio_flow=FW, conversation_service_sid=IS_OTHER), before, resolver)
    assert resolver.asked == []
    resolver = Resolver()
    conv.wanted_fields(entry(), None, resolver)  # the Flex conversation service comes from the Flex Configuration
    assert [a for a in resolver.asked if a[0] == "exists"] == []


def test_a_list_entry_is_checked_under_its_own_option_name():
    resolver = Resolver()
    conv.wanted_fields(entry(index=2, conversation_service_sid=IS_OTHER), None, resolver)
    assert ("exists", "addresses[2].conversation_service_sid", "conversation_service", IS_OTHER) in resolver.asked


# -- the writes go through write_once (issue 12) -------------------------------------------------


class Writer(TwilioModule):
    argument_spec = dict()

    def run(self):
        return dict(changed=False)


@pytest.fixture
def writer(make_module, monkeypatch):
    monkeypatch.setattr("urllib3.util.retry.time.sleep", lambda seconds: None)
    m = make_module(Writer)
    m._client = mock.MagicMock()
    return m


def planned(before_live, wanted):
    target = entry()
    target.plan = dict(live=before_live, before=conv.managed_view(before_live), wanted=wanted,
                       replaced=conv.replaced_by(conv.managed_view(before_live), wanted) if before_live else [])
    return target


def test_update_whose_answer_was_lost_is_found_on_re_reading_by_sid(writer):
    old = live(dict(enabled=True, type="studio", studio_flow_sid=FW))
    handle = writer.client.conversations.v1.address_configurations.return_value
    handle.update.side_effect = ApiError("update failed", lost_response=True)
    handle.fetch.return_value = dict(old, friendly_name="New")  # the update was applied
    result = conv.write(writer, planned(old, dict(type="sms", phone_number=NUMBER, friendly_name="New")), "present")
    assert result["changed"] is True and handle.update.call_count == 1 and handle.fetch.call_count == 1
    assert writer.warnings == ["Updating Conversations address %s: the answer was lost in transit; found it applied "
                               "on re-reading." % NUMBER]


def test_update_not_applied_is_sent_again(writer):
    old = live(dict(enabled=True, type="studio", studio_flow_sid=FW))
    handle = writer.client.conversations.v1.address_configurations.return_value
    handle.update.side_effect = [ApiError("update failed", status=503), types.SimpleNamespace(**dict(old, friendly_name="New"))]
    handle.fetch.return_value = old  # not applied
    conv.write(writer, planned(old, dict(type="sms", phone_number=NUMBER, friendly_name="New")), "present")
    assert handle.update.call_count == 2
    assert "not applied on re-reading, sent again (retry 1 of 5)" in writer.warnings[0]


def test_delete_of_a_replacement_is_re_read_when_its_retries_are_used_up(writer):
    old = live(dict(enabled=True, type="studio", studio_flow_sid=FW), address_country="CA")
    configurations = writer.client.conversations.v1.address_configurations
    configurations.return_value.delete.side_effect = ApiError("delete failed", status=503)
    configurations.return_value.fetch.return_value = None  # gone: the delete was applied
    configurations.fetch.return_value = None
    configurations.create.return_value = types.SimpleNamespace(**dict(old, sid="IG" + "9" * 32, address_country="US"))
    target = planned(old, dict(type="sms", phone_number=NUMBER, address_country="US"))
    assert target.plan["replaced"] == ["address_country"]
    result = conv.write(writer, target, "present")
    assert result["replaced"] is True and configurations.create.call_count == 1
    assert configurations.return_value.delete.call_count == 1
    assert writer.warnings == ["Deleting Conversations address %s (%s): Twilio answered HTTP 503; found it deleted on "
                               "re-reading." % (NUMBER, IG)]
