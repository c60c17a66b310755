# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_proxy_pool: the held_by_other_service problem (one per holder, naming take_over and its fix) and the membership
a task reports."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.module_utils import _proxy_pool as pool

NUMBER = dict(phone_number="+15551230001", sid="PN" + "1" * 32)
HOLDERS = [dict(type="proxy_service", sid="KS" + "2" * 32, name="Sales Proxy"),
           dict(type="messaging_service", sid="MG" + "3" * 32, name="Marketing")]


def test_one_problem_per_holder_with_the_take_over_fix():
    problems = pool.held_problems(NUMBER, HOLDERS)
    assert [p["code"] for p in problems] == ["held_by_other_service"] * 2
    assert [p["holder"]["sid"] for p in problems] == [h["sid"] for h in HOLDERS]
    assert all(p["option"] == "take_over" and p["entry"] == NUMBER["phone_number"] for p in problems)
    assert problems[0]["fix"] == ("Set take_over to true to move it (that service then stops receiving its messages), "
                                  "or leave the number out.")
    assert "Proxy service %s (Sales Proxy)" % HOLDERS[0]["sid"] in problems[0]["msg"]


def test_preflight_error_names_every_holder_and_lists_them_as_conflicts():
    exc = pool.held_in_preflight(NUMBER, HOLDERS)
    assert "Proxy service" in exc.msg and "Messaging Service" in exc.msg and "take_over" in exc.msg
    assert [c["phone_number"] for c in exc.details["conflicts"]] == [NUMBER["phone_number"]] * 2
    assert len(exc.problems) == 2


def test_membership_is_the_service_and_reservation():
    service = dict(sid="KS" + "1" * 32, unique_name="Flex Proxy Service")
    assert pool.membership(service, True) == dict(sid=service["sid"], name="Flex Proxy Service", is_reserved=True)
    assert pool.pool_label(NUMBER, service).startswith(NUMBER["phone_number"])
