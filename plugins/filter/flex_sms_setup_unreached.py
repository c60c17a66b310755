# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: flex_sms_setup_unreached
short_description: The numbers the route audit of the role flexops.twilio.flex_sms_setup found not reaching Flex
version_added: 0.1.0
author:
  - flexops.twilio maintainers (@flexops)
description:
  - From the result of M(flexops.twilio.flex_sms_route_info), the role's verdict per number that does not
    certainly reach Flex, in one of two lists.
  - C(failing) - the numbers that do not reach Flex, one text each naming every problem and its fix
    (each problem as its C([code]), its message, then C(Fix) and its fix).
  - C(doubtful) - the numbers whose outcome is unknown, and, with O(require_send_to_flex=false), the numbers whose
    only problem is a Studio flow that cannot reach Send to Flex (accepted on purpose) - one text each with the
    route's C(why).
options:
  _input:
    description: The registered result of M(flexops.twilio.flex_sms_route_info) (its C(numbers)).
    type: dict
    required: true
  require_send_to_flex:
    description: The role's C(flex_sms_setup_require_send_to_flex).
    type: bool
    required: true
"""

EXAMPLES = r"""
- name: The numbers that do not reach Flex
  ansible.builtin.set_fact:
    unreached: "{{ routes | flexops.twilio.flex_sms_setup_unreached(true) }}"
"""

RETURN = r"""
_value:
  description: C(failing) and C(doubtful), lists of texts in the order of the audit's numbers.
  type: dict
"""

TOLERATED = "studio_flow_unreachable"  # with require_send_to_flex false: accepted on purpose


def flex_sms_setup_unreached(routes, require_send_to_flex):
    """{failing: [...], doubtful: [...]} (see DOCUMENTATION)."""
    tolerated = () if require_send_to_flex else (TOLERATED,)
    failing, doubtful = [], []
    for n in (routes or {}).get("numbers") or []:
        codes = [p["code"] for p in n.get("problems") or []]
        serious = [c for c in codes if c not in tolerated]
        if n.get("reaches_flex") is False and serious:
            texts = ["[%s] %s. Fix: %s" % (p["code"], p["msg"], p["fix"]) for p in n["problems"]]
            failing.append("%s (%s): %s." % (n["phone_number"], n["route"], "; ".join(texts)))
        elif n.get("reaches_flex") is None or n.get("reaches_flex") is False:
            doubtful.append("%s (%s, reaches Flex: %s): %s" % (
                n["phone_number"], n["route"], "unknown" if n.get("reaches_flex") is None else "no", n.get("why")))
    return dict(failing=failing, doubtful=doubtful)


class FilterModule(object):
    def filters(self):
        return {"flex_sms_setup_unreached": flex_sms_setup_unreached}
