# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: flex_sms_setup_summary
short_description: The per-number summary of the role flexops.twilio.flex_sms_setup
version_added: 0.1.0
author:
  - flexops.twilio maintainers (@flexops)
description:
  - Builds the fact C(flex_sms_setup_summary) of the role C(flexops.twilio.flex_sms_setup) (step 5) from
    the role's number entries and the result of its M(flexops.twilio.flex_sms_address) task. It sends no
    request; the module's result already describes the state after the task (in check mode, what it would be).
  - Made for the role; its input is the role's internal data. In Python rather than Jinja because a
    Jinja loop over hundreds of numbers costs a noticeable share of a rollout's CPU time.
options:
  _input:
    description: The role's entries, one per number (C(phone_number), C(label)), in the order the module got them.
    type: list
    elements: dict
    required: true
  result:
    description: The registered result of the role's M(flexops.twilio.flex_sms_address) task (its C(addresses)).
    type: dict
    required: true
  state:
    description: The role's C(flex_sms_setup_state).
    type: str
    choices: [present, absent]
    required: true
  proxy_service:
    description: The role's C(flex_sms_setup_proxy_service), named in the lines.
    type: str
    required: true
  integration_type:
    description: The role's C(flex_sms_setup_integration_type), for an address that would be created in check mode.
    type: str
    default: studio
  wanted:
    description:
      - The entries as the module got them (C(addresses)); used only for addresses that have no result
        address yet (check mode), to describe what they would use.
    type: list
    elements: dict
  pending:
    description: Labels that have no number (yet), listed after the numbers.
    type: list
    elements: str
  routes:
    description:
      - The registered result of M(flexops.twilio.flex_sms_route_info) for the same numbers (the role's
        verification step). When given, each number's C(line) is that module's report line (plus
        C([changed])), and C(route), C(reaches_flex) and C(route_problems) (its problems) are added;
        C(ok) is false when the number does not reach Flex.
    type: dict
  channel:
    description:
      - The role's C(flex_sms_setup_channel). With V(conversations), O(result) is the role's
        M(flexops.twilio.flex_conversations_address) task and the items describe the numbers' Conversations
        addresses (C(address_sid), C(integration_type), C(studio_flow_sid), C(send_to_flex), C(legacy_flow)).
      - Either way, an item has C(route_before) and C(route_after) when the module reported them (the migration
        and the move back).
    type: str
    choices: [legacy, conversations]
    default: legacy
"""

EXAMPLES = r"""
- name: Build the per-number summary
  ansible.builtin.set_fact:
    flex_sms_setup_summary: >-
      {{ entries | flexops.twilio.flex_sms_setup_summary(result, state='present', proxy_service='Flex Proxy Service') }}
"""

RETURN = r"""
_value:
  description:
    - One entry per number, then one per pending label, each with C(phone_number), C(label), C(state),
      C(changed), C(address_changed), C(proxy_changed), C(proxy_service_sid), C(proxy_service_name),
      C(handler_type), C(address_sid), C(messaging_service) and C(messaging_service_sid) (the Messaging
      Service the number is kept in, null when the role does not manage one), C(ok), C(problems) and
      C(line) (one readable line).
    - With O(state=present) also C(integration_type), C(integration), C(studio_flow_sid),
      C(studio_flow_name), C(send_to_flex) and C(send_to_flex_widget).
    - With O(routes) also C(route), C(reaches_flex) and C(route_problems).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.flexops.twilio.plugins.module_utils._flex_flow import managed_view


def _described(itype, view, wanted, flow, flow_sid):
    if itype == "studio":
        return "studio flow %s (%s)" % (flow.get("friendly_name") or "?", flow_sid)
    if itype == "webhook":
        return "webhook %s" % (view.get("webhook_url") or wanted.get("webhook_url") or "?")
    return "task workflow %s, channel %s" % (
        view.get("workflow_sid") or wanted.get("workflow_sid") or "(Flex default)",
        view.get("task_channel") or wanted.get("task_channel") or "sms")


def _present(item, entry, r, wanted, proxy_name, default_type):
    address = r.get("address") or None
    proxy = r.get("proxy_service") or {}
    itype = address.get("integration_type") if address else (wanted.get("integration_type") or default_type)
    # The address's settings under the option names (its own integration type only), as the modules read them.
    view = managed_view(address) if address else {}
    flow = r.get("studio_flow") or {}
    flow_sid = None
    if itype == "studio":
        flow_sid = flow.get("sid") or view.get("studio_flow") or wanted.get("studio_flow")
    reach = (flow.get("send_to_flex") or {}).get("reachable") if flow else None
    widget = (flow.get("send_to_flex") or {}).get("widget") if flow else None
    described = _described(itype, view, wanted, flow, flow_sid)
    problems = []
    if not proxy.get("member"):
        problems.append("not routed to the Proxy service")
    kept = r.get("messaging_service")
    if kept is not None and not kept.get("member"):
        problems.append("not in its Messaging Service")
    if address and address.get("enabled") is False:
        problems.append("the SMS address is disabled")
    if reach is False:
        problems.append("Send to Flex is not reachable in the Studio flow")
    item.update(
        integration_type=itype, integration=described, studio_flow_sid=flow_sid,
        studio_flow_name=flow.get("friendly_name"), send_to_flex=reach, send_to_flex_widget=widget,
        ok=not problems, problems=problems,
    )
    if reach:
        reached = "yes (%s)" % widget
    else:
        reached = "NO" if reach is False else "n/a"
    item["line"] = "%s -> %s (%s)%s -> %s -> %s -> Send to Flex: %s%s%s" % (
        entry.get("phone_number"),
        item["proxy_service_name"] or proxy_name, item["proxy_service_sid"] or "not routed",
        " + Messaging Service %s (%s%s)" % (kept.get("name"), kept.get("sid"), ", A2P 10DLC" if kept.get("a2p") else "")
        if kept else "",
        item["address_sid"] or ("new SMS address" if item["address_changed"] else "no SMS address"),
        described, reached,
        " [changed]" if item["changed"] else "",
        " PROBLEM: " + ", ".join(problems) if problems else "")


def _verified(item, route, line, keep_line=False):
    """The role's entry with the verification step's view (flex_sms_route_info) of the same number."""
    item.update(route=route.get("route"), reaches_flex=route.get("reaches_flex"),
                route_problems=route.get("problems") or [])
    if route.get("reaches_flex") is False:
        item["ok"] = False
    if line and not keep_line:  # a move to Flex Conversations keeps its before -> after line
        item["line"] = line + (" [changed]" if item["changed"] else "")


def _conversations(item, entry, r):
    """A number moved to (or kept on) Flex Conversations."""
    address = r.get("address") or None
    auto = (address or {}).get("auto_creation") or {}
    flow = r.get("studio_flow") or {}
    reach = (flow.get("send_to_flex") or {}).get("reachable") if flow else None
    legacy = r.get("legacy_flow") or None
    problems = []
    if address and auto.get("enabled") is False:
        problems.append("auto-creation is disabled")
    if reach is False:
        problems.append("Send to Flex is not reachable from incomingConversationMessage")
    item.update(
        address_sid=address.get("sid") if address else None, integration_type=auto.get("type"),
        studio_flow_sid=flow.get("sid") or auto.get("studio_flow_sid"), studio_flow_name=flow.get("friendly_name"),
        send_to_flex=reach, legacy_flow=legacy, ok=not problems, problems=problems,
    )
    item["line"] = "%s: %s -> %s (%s)%s%s%s" % (
        entry.get("phone_number"), r.get("route_before") or "?", r.get("route_after") or "?",
        item["address_sid"] or "new Conversations address",
        ", legacy SMS address %s deleted" % legacy.get("sid") if legacy else "",
        " [changed]" if item["changed"] else "",
        " PROBLEM: " + ", ".join(problems) if problems else "")


def flex_sms_setup_summary(entries, result, state, proxy_service, integration_type="studio", wanted=None, pending=None,
                           routes=None, channel="legacy"):
    if state not in ("present", "absent"):
        raise AnsibleFilterError("flex_sms_setup_summary: state must be present or absent, not %r" % (state,))
    results = (result or {}).get("addresses") or []
    wanted = wanted or []
    report = (routes or {}).get("report") or []
    by_number = dict((n.get("phone_number"), (n, report[i] if i < len(report) else None))
                     for i, n in enumerate((routes or {}).get("numbers") or []))
    out = []
    for index, entry in enumerate(entries or []):
        r = results[index] if index < len(results) and isinstance(results[index], dict) else {}
        address = r.get("address") or None
        proxy = r.get("proxy_service") or {}
        member = bool(proxy.get("member"))
        item = dict(
            phone_number=entry.get("phone_number"), label=entry.get("label"), state=state,
            changed=bool(r.get("changed")), address_changed=bool(r.get("address_changed")),
            proxy_changed=bool(proxy.get("changed")),
            proxy_service_sid=proxy.get("sid") if member else None,
            proxy_service_name=proxy.get("name") if member else None,
            handler_type="proxy_service" if member else None,
            address_sid=address.get("sid") if address else None,
            messaging_service=(r.get("messaging_service") or {}).get("name"),
            messaging_service_sid=(r.get("messaging_service") or {}).get("sid"),
        )
        if "route_before" in r:
            item.update(route_before=r.get("route_before"), route_after=r.get("route_after"))
        if state == "present" and channel == "conversations":
            _conversations(item, entry, r)
        elif state == "present":
            want = wanted[index] if not address and index < len(wanted) else {}
            _present(item, entry, r, want or {}, proxy_service, integration_type)
        else:
            item.update(ok=True, problems=[], line="%s -> %s %s, %s" % (
                entry.get("phone_number"), "removed from" if item["proxy_changed"] else "not in", proxy_service,
                "SMS address deleted" if item["address_changed"] else "no SMS address"))
        if item["phone_number"] in by_number:
            _verified(item, *by_number[item["phone_number"]], keep_line=channel == "conversations")
        out.append(item)
    for label in pending or []:
        out.append(dict(
            phone_number=None, label=label, state=state, changed=state == "present", ok=state == "absent", problems=[],
            line="label %s -> %s" % (label, "would be bought (check mode)" if state == "present"
                                     else "no number with this label: nothing to remove")))
    return out


class FilterModule(object):
    def filters(self):
        return {"flex_sms_setup_summary": flex_sms_setup_summary}
