# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The role's error for a failed address task: from each problem's code, option, entry and fix, in the role's
variables; the module's message when no code is the role's."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.filter.flex_sms_setup_error import FilterModule, flex_sms_setup_error

FIXES = dict(held_by_other_service="Set flex_sms_setup_take_over to true to move it.",
             sid_not_found="Give the SID of one that exists in the account, or leave the variable unset.")
SID_FIXES = dict(chat_service_sid="Give the SID of a Chat service, or leave flex_sms_setup_chat_service_sid unset.")
ENTRIES = [dict(phone_number="+14155550101", chat_service_sid="IS" + "1" * 32), dict(phone_number="+14155550102")]


def problem(code, msg, fix=None, entry=None, option=None):
    return dict(code=code, msg=msg, fix=fix, entry=entry, option=option, holder=None)


def test_registered_under_its_name():
    assert FilterModule().filters()["flex_sms_setup_error"] is flex_sms_setup_error


def test_module_message_when_no_code_is_the_roles():
    result = dict(msg="phone_number=+1 is not a phone number of account AC1", problems=[problem("not_owned", "x")])
    assert flex_sms_setup_error(result, ENTRIES, FIXES) == result["msg"]
    assert flex_sms_setup_error({}, ENTRIES, FIXES, module="flex_conversations_address") == (
        "flexops.twilio.flex_conversations_address failed")


def test_each_problem_with_the_roles_fix_else_the_modules_repeats_once():
    held = problem("held_by_other_service", "+14155550101 (PN1) is held by Proxy service KS2 (Sales)",
                   fix="Set take_over to true.", entry="+14155550101", option="take_over")
    other = problem("send_to_flex_unreachable", "Studio flow 'X' (FW1) cannot reach Send to Flex.", fix="Fix the flow.")
    result = dict(changed=False, problems=[held, other, held])
    assert flex_sms_setup_error(result, ENTRIES, FIXES) == (
        "Nothing was changed: +14155550101 (PN1) is held by Proxy service KS2 (Sales). Set flex_sms_setup_take_over to "
        "true to move it; Studio flow 'X' (FW1) cannot reach Send to Flex. Fix the flow.")
    assert flex_sms_setup_error(dict(result, changed=True), ENTRIES, FIXES).startswith(
        "Some numbers were changed before the error, run the role again to finish: ")


def test_sid_not_found_names_the_entrys_own_setting_else_the_role_variable():
    own = problem("sid_not_found", "addresses[0].chat_service_sid=IS1: no Chat service", entry="+14155550101",
                  option="addresses[0].chat_service_sid")
    role = problem("sid_not_found", "chat_service_sid=IS9: no Chat service", entry="+14155550102",
                   option="chat_service_sid")
    text = flex_sms_setup_error(dict(problems=[own, role]), ENTRIES, FIXES, SID_FIXES)
    assert text == (
        "Nothing was changed: chat_service_sid of the flex_sms_setup_numbers entry +14155550101=IS1: no Chat service. "
        + SID_FIXES["chat_service_sid"].rstrip(".")
        + "; flex_sms_setup_chat_service_sid=IS9: no Chat service. " + SID_FIXES["chat_service_sid"])
