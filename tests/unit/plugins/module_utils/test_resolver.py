# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_resolver: the look-ups an entry's defaults need, reached by every address kind: Flex Configuration defaults
(missing_default, no_flex), the fix of sid_not_found per kind, task channel references compared without a request
when both are of one form. A small stub module carries the task's look-up cache."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.flexops.twilio.plugins.module_utils import _resolver
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError

AC = "AC" + "a" * 32


class Task(object):
    """The running module as the Resolver sees it: its account and a Flex Configuration read once."""

    account_sid = AC

    def __init__(self, configuration):
        self.reads = 0
        self.configuration = configuration

    def fetch(self, what, call, missing=None):
        self.reads += 1
        if self.configuration is None:
            raise missing
        return self.configuration

    @property
    def client(self):
        return _Client()

    def warn(self, text):
        raise AssertionError("no warning expected: %s" % text)


class _Client(object):
    class flex_api(object):  # noqa: N801 (the SDK's attribute name)
        class v1(object):  # noqa: N801
            @staticmethod
            def configuration():
                return _Fetch()


class _Fetch(object):
    def fetch(self):
        return None


def test_flex_default_reads_the_configuration_once():
    m = _resolver.Resolver(Task(dict(chat_service_instance_sid="IS" + "1" * 32, taskrouter_workspace_sid="")))
    assert m.flex_default("chat_service_instance_sid", "chat_service_sid") == "IS" + "1" * 32
    with pytest.raises(ValidationError) as err:
        m.flex_default("taskrouter_workspace_sid", "addresses[0].workspace_sid")
    assert (err.value.code, err.value.problems[0]["option"]) == ("missing_default", "addresses[0].workspace_sid")
    assert m.m.reads == 1


def test_no_flex_configuration_asks_for_the_option():
    m = _resolver.Resolver(Task(None))
    with pytest.raises(ValidationError) as err:
        m.flex_default("chat_service_instance_sid", "chat_service_sid")
    assert err.value.code == "no_flex" and "Set chat_service_sid explicitly" in err.value.msg


@pytest.mark.parametrize("kind, words", [
    ("chat_service", "chat_service_instance_sid"),
    ("conversation_service", "flex_service_instance_sid"),
    ("workspace", "taskrouter_workspace_sid"),
    ("workflow", "workflow of TaskRouter workspace WS1"),
    ("task_channel", "task channel of TaskRouter workspace WS1"),
])
def test_sid_not_found_fix_names_the_option_and_the_default(kind, words):
    fix = _resolver.exists_fix("addresses[2].x", kind, "WS1")
    assert words in fix and "leave addresses[2].x out" in fix


def test_task_channels_of_one_form_compare_without_a_request():
    r = _resolver.Resolver(Task({}))
    assert r.same_task_channel("WS1", "sms", "sms") is True
    assert r.same_task_channel("WS1", "sms", "chat") is False
    assert r.same_task_channel("WS1", "TC" + "1" * 32, "TC" + "1" * 32) is True
    assert r.m.reads == 0
