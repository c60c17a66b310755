# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The report_routes option of the modules that set up a number's SMS path.
    DOCUMENTATION = r"""
options:
  report_routes:
    description:
      - When the task changes nothing and sends no write, also return RV(routes), where each of the task's
        numbers' incoming SMS really goes, exactly as M(flexops.twilio.flex_sms_route_info) reports it for those
        numbers (with O(proxy_service) as the Flex Proxy Service).
      - It reuses what the task has read already, so a no-change run of a set-up followed by its verification
        costs a few requests (the Proxy and Messaging Service pools, the Studio flows in use) instead of a
        second task that reads everything again. The role C(flexops.twilio.flex_sms_setup) uses it for its
        step 5.
      - After a write the task's reads are out of date, so RV(routes) is not returned; run
        M(flexops.twilio.flex_sms_route_info) then. It is never returned in check mode with changes to make
        either, because the answer would describe the account before the change.
    type: bool
    default: false
"""
