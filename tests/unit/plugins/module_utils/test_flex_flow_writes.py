# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_flex_flow_writes: Twilio refusing a flow that collides with another flow of the same number becomes one clear
``collision`` error naming the other flow and the fix; other refusals are left alone."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.module_utils import _flex_flow_writes as writes
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError
from ansible_collections.flexops.twilio.plugins.module_utils._sms_address import Entry

NUMBER = "+15551230001"
OTHER = dict(sid="FO" + "9" * 32, friendly_name="Old", enabled=True, channel_type="sms", contact_identity=NUMBER,
             integration_type="studio")


def entry():
    return Entry({}, phone_number=NUMBER)


def test_collision_by_code_or_wording():
    assert writes.is_collision(ApiError("x", status=400, code=45210, twilio_message="refused"))
    assert writes.is_collision(ApiError("x", status=409, twilio_message="Flex Flow collides with another"))
    assert not writes.is_collision(ApiError("x", status=400, code=20001, twilio_message="Invalid parameter"))


def test_collision_error_names_the_other_flow_and_the_fix():
    exc = ApiError("x", status=400, code=45210, twilio_message="Flex flow collides with %s" % OTHER["sid"])
    error = writes.collision_error(exc, entry(), None, [OTHER], "create")
    assert error.code == "collision"
    assert error.details["colliding_flows"] == [OTHER["sid"]]
    assert "Twilio refused to create SMS address %s" % NUMBER in error.msg
    assert "sid=%s" % OTHER["sid"] in error.problems[0]["fix"]


def test_other_refusals_are_not_collisions():
    exc = ApiError("x", status=400, code=20001, twilio_message="Invalid parameter")
    assert writes.collision_error(exc, entry(), None, [], "create") is None
    assert writes.collision_error(ApiError("x", status=500), entry(), None, [OTHER], "update") is None
