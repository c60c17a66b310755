# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_migration: what a number's sms_url points at, its route name, and the settings carried from one path to the other."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest import mock

import pytest

from ansible_collections.flexops.twilio.plugins.module_utils import _conversations as conv
from ansible_collections.flexops.twilio.plugins.module_utils import _migration as migration
from ansible_collections.flexops.twilio.plugins.module_utils._base import TwilioModule
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError

AC = "AC" + "a" * 32
FW = "FW" + "1" * 32
FW2 = "FW" + "2" * 32
NUMBER = "+15551230001"


@pytest.mark.parametrize("url, kind", [
    (None, "none"),
    ("", "none"),
    ("https://webhooks.twilio.com/v1/Accounts/%s/Flows/%s" % (AC, FW), "studio"),
    ("https://webhooks.twilio.com/v1/Accounts/%s/Proxy/KS%s/Webhooks/Message" % (AC, "1" * 32), "proxy"),
    ("https://webhooks.dublin.ie1.twilio.com/v1/Accounts/%s/Proxy/KS%s/Webhooks/Message" % (AC, "1" * 32), "proxy"),
    ("https://example.com/sms", "other"),
    ("https://webhooks.twilio.com.evil.example/v1/Accounts/%s/Flows/%s" % (AC, FW), "other"),
])
def test_sms_url_kind(url, kind):
    # One sms_url_kind (_number_handler) for the migration and the route audit: a blank URL is "none" in both.
    assert migration.sms_url_kind(url) == kind


@pytest.mark.parametrize("state, route", [
    (dict(), "none"),
    (dict(member={"sid": "PN1"}), "flex_legacy"),
    (dict(address={"sid": "IG1"}), "flex_conversations"),
    (dict(holders=[dict(type="messaging_service", sid="MG1")], address={"sid": "IG1"}), "messaging_service"),
    (dict(holders=[dict(type="proxy_service", sid="KS2")]), "proxy_other"),
    (dict(number=dict(sms_application_sid="AP1")), "twiml_app"),
    (dict(number=dict(sms_url="https://webhooks.twilio.com/v1/Accounts/%s/Flows/%s" % (AC, FW))), "studio"),
    (dict(number=dict(sms_url="https://example.com/sms")), "webhook"),
])
def test_route_of(state, route):
    number = state.pop("number", {})
    assert migration.route_of(number, **state) == route


def entry(**values):
    settings = dict((k, None) for k in conv.SETTINGS)
    settings.update(values)
    return conv.AddressEntry(settings, phone_number=NUMBER)


def test_carry_fills_only_what_the_task_leaves_out():
    target = entry(retry_count=1)
    migration.carry(target, dict(integration_type="studio", studio_flow=FW, retry_count=3), dict(migration.CARRIED))
    assert (target["auto_creation_type"], target["studio_flow"], target["retry_count"]) == ("studio", FW, 1)


def test_carry_keeps_the_task_flow():
    target = entry(studio_flow=FW2)
    migration.carry(target, dict(integration_type="studio", studio_flow=FW), dict(migration.CARRIED))
    assert target["studio_flow"] == FW2


def test_nothing_is_carried_into_another_type():
    target = entry(auto_creation_type="webhook", webhook_url="https://example.com/in")
    migration.carry(target, dict(integration_type="studio", studio_flow=FW), dict(migration.CARRIED))
    assert target["studio_flow"] is None


def test_a_task_integration_is_carried_so_that_it_is_refused_by_name():
    target = entry()
    migration.carry(target, dict(integration_type="task"), dict(migration.CARRIED))
    assert target["auto_creation_type"] == "task"
    error = conv.task_refused(target, carried=True)
    assert error.code == "task_integration"
    assert "studio" in error.problems[0]["fix"] and "webhook" in error.problems[0]["fix"]


def test_a_studio_sms_url_is_carried_as_its_flow():
    assert migration.studio_of_url("https://webhooks.twilio.com/v1/Accounts/%s/Flows/%s" % (AC, FW)) == dict(
        integration_type="studio", studio_flow=FW)
    assert migration.studio_of_url("https://example.com/sms") is None


def test_conversations_settings_back_to_legacy_names():
    address = dict(sid="IG" + "1" * 32, type="sms", address=NUMBER,
                   auto_creation=dict(enabled=True, type="webhook", webhook_url="https://example.com/in"))
    assert migration.conversations_settings(address) == dict(
        integration_type="webhook", studio_flow=None, webhook_url="https://example.com/in", retry_count=None)
    address["auto_creation"] = dict(enabled=True, type="default")
    assert migration.conversations_settings(address) is None


# -- the migration's writes go through write_once (issue 12) ---------------------------------------


class Migrator(TwilioModule):
    argument_spec = dict()

    def run(self):
        return dict(changed=False)


def failing(error):
    """A write that raises ``error`` (an ApiError's details); the re-read says whether it took effect."""
    calls = []

    def write(**kwargs):
        calls.append(kwargs)
        raise ApiError("write failed", **error)
    return write, calls


@pytest.fixture
def migrator(make_module, monkeypatch):
    monkeypatch.setattr("urllib3.util.retry.time.sleep", lambda seconds: None)
    m = make_module(Migrator)
    m._client = mock.MagicMock()
    return m


def test_legacy_removal_resolves_lost_answers_by_re_reading(migrator):
    m = migrator
    flows = m.client.flex_api.v1.flex_flow.return_value
    flows.delete, deletes = failing(dict(lost_response=True))
    flows.fetch.return_value = None  # gone: the lost delete was applied
    number = dict(sid="PN" + "1" * 32, phone_number=NUMBER, sms_url="https://webhooks.twilio.com/v1/x")
    handle = m.client.api.v2010.accounts.return_value.incoming_phone_numbers.return_value
    handle.update, updates = failing(dict(status=503, code=20503))
    handle.fetch.return_value = dict(sid=number["sid"], phone_number=NUMBER, sms_url="")
    removal = migration.LegacyRemoval(m, None, False, ())
    target = entry()
    legacy = dict(number=number, flow=dict(sid="FO" + "1" * 32, channel_type="sms", contact_identity=NUMBER),
                  member=None, blank=dict(sms_url=""), holders=[])
    assert removal.write(target, legacy) is True
    assert (len(deletes), len(updates)) == (1, 1)  # neither is sent again: re-reading found each applied
    assert flows.fetch.called and handle.fetch.called
    assert any("found it deleted on re-reading" in w for w in m.warnings)
    assert any("incoming SMS handler: Twilio answered HTTP 503; found it applied on re-reading" in w for w in m.warnings)


def test_downgrade_delete_of_the_conversations_address_is_re_read(migrator):
    m = migrator
    handle = m.client.conversations.v1.address_configurations.return_value
    handle.delete, deletes = failing(dict(status=503, code=20503))
    handle.fetch.return_value = None
    address = dict(sid="IG" + "1" * 32, address=NUMBER, type="sms", auto_creation={"type": "studio"})
    assert migration.remove_conversations(m, entry(), address) is True
    assert len(deletes) == 1 and handle.fetch.called
    assert m.warnings == ["Deleting Conversations address %s: Twilio answered HTTP 503; found it deleted on re-reading."
                          % NUMBER]
