# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_integrations: the Flex Flow kind's settings table is the one list of SMS address options, their types and their
integration types; what the module, the filters and the machinery read is derived from it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.flexops.twilio.plugins.module_utils import _integrations as table


def test_every_setting_is_in_the_argument_spec_with_its_type():
    spec = table.entry_options()
    assert tuple(spec) == table.SETTINGS
    assert spec["retry_count"] == dict(type="int") and spec["integration_type"]["choices"] == table.TYPE_CHOICES


@pytest.mark.parametrize("itype, own", [
    ("studio", ("studio_flow", "retry_count")),
    ("webhook", ("webhook_url", "retry_count")),
    ("external", ("webhook_url", "retry_count")),
    ("task", ("workspace_sid", "workflow_sid", "task_channel", "priority", "timeout")),
])
def test_options_for_a_type_are_the_common_ones_then_its_own(itype, own):
    options = table.options_for(itype)
    assert options[:len(table.COMMON_OPTIONS)] == table.COMMON_OPTIONS
    assert sorted(options[len(table.COMMON_OPTIONS):]) == sorted(own)


def test_the_kind_reads_the_same_table():
    assert table.KIND.settings == table.SETTINGS
    assert table.KIND.type_options == table.INTEGRATION_OPTIONS
    assert table.types_for("retry_count") == ("studio", "webhook")
    assert table.normalise_type("external") == "webhook"
    assert table.INTEGER_OPTIONS == ("priority", "timeout", "retry_count")
