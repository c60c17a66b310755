# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: the plan, preflight and writes of SMS address entries.

The ``ListRunner`` hooks of flex_sms_address, each taking the running module
``m`` (its ``params``, ``routing``, ``service``, ``keeper``, ``many``): ``plan``
(reads only: the live flow, the wanted fields, the number and its pool entry,
the Messaging Service, a downgrade's Conversations address), ``preflight``
(Studio flows, the holders of a number), ``write`` (the flow, then the route)
and ``route`` (the Proxy pool, with the Messaging Service sequence).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools

from ansible_collections.flexops.twilio.plugins.module_utils import _lookups as lookups
from ansible_collections.flexops.twilio.plugins.module_utils import _migration as migration
from ansible_collections.flexops.twilio.plugins.module_utils import _proxy_pool as proxy_pool
from ansible_collections.flexops.twilio.plugins.module_utils import _messaging, _studio
from ansible_collections.flexops.twilio.plugins.module_utils._client import to_dict
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError
from ansible_collections.flexops.twilio.plugins.module_utils._flex_flow import describe, live_view, managed_view, to_api
from ansible_collections.flexops.twilio.plugins.module_utils._flex_flow_writes import Writes, collision_error, is_collision
from ansible_collections.flexops.twilio.plugins.module_utils._resolver import Resolver
from ansible_collections.flexops.twilio.plugins.module_utils._sms_address import UNREACHABLE_FIX, select_flow, wanted_fields


def plan_entry(m, entry):
    """The live flow, the wanted fields and (with proxy_service) the number and its pool entry (reads only)."""
    flows = lookups.flex_flows(m)
    flow = select_flow(flows, entry, m.params["state"], m.account_sid)
    if flow is not None and entry.phone_number is None:
        entry.phone_number = managed_view(flow)["phone_number"]
    before = live_view(flow)
    present = m.params["state"] == "present"
    plan = dict(flows=flows, flow=flow, before=before, wanted=None, number=None, pool_entry=None, kept=None,
                messaging_service=m.keeper.service(entry[_messaging.OPTION], entry.name(_messaging.OPTION))
                if m.keeper and present else None)
    if m.routing:
        plan["number"] = lookups.owned_number(m, entry, required=present)
        if plan["number"] is not None:
            plan["pool_entry"] = proxy_pool.pool_entry(m, m.service, plan["number"]["sid"], listed=m.many)
    elif present and before is None:
        lookups.owned_number(m, entry, required=True)
    if present and m.params["replace_conversations"]:
        # Twilio's downgrade: the Conversations address goes, its flow or webhook carries over to a new flow.
        plan.update(downgrade=True, conversations_address=migration.conversations_plan(m, entry, m.many, flow is None))
    if present:
        plan["wanted"] = wanted_fields(entry, before, Resolver(m))
    return plan


def preflight(m, planned):
    """The problems of the planned entries: a Studio flow that is missing or (fail) cannot reach Send to Flex,
    a number another service holds (without take_over). Fatal with proxy_service or check_send_to_flex."""
    p = m.params
    problems = []
    if p["state"] == "present" and p["check_send_to_flex"] != "skip":
        problems.extend(studio_problems(m, planned))
    if m.routing and p["state"] == "present":
        uses = [(e.plan["number"], e.plan["messaging_service"], e.plan["pool_entry"] is not None) for e in planned]
        problems.extend(_messaging.preflight(m, m.keeper, uses, m.service["sid"], p["take_over"]))
    return problems


def studio_problems(m, entries):
    """The Studio flows the entries use after the task: missing ones, and unreachable ones (fail) or warnings."""
    users = {}
    for entry in entries:
        after = dict(entry.plan["before"] or {}, **(entry.plan["wanted"] or {}))
        if after.get("integration_type") == "studio" and after.get("studio_flow"):
            users.setdefault(after["studio_flow"], []).append(entry)
    return _studio.flow_problems(m, users, m.params["check_send_to_flex"] == "fail", UNREACHABLE_FIX,
                                 "Messages to these SMS addresses never reach a Flex agent.")


def write_entry(m, entry):
    plan = entry.plan
    flow, before = plan["flow"], plan["before"]
    result = dict(phone_number=entry.phone_number)
    if m.params["state"] == "absent":
        # The number leaves the Proxy pool first: it never points at Flex without its SMS address.
        routed = route_entry(m, entry, plan) if m.routing else None
        deleted = m.remove(entry.label, before, lambda: m.client.flex_api.v1.flex_flow(flow["sid"]).delete(),
                           reread=Writes(m, entry, plan).live)
        result.update(changed=deleted or bool(routed and routed["changed"]), address=None)
        if routed is not None:
            result.update(address_changed=deleted, proxy_service=routed)
        return result

    def create(fields):
        return to_dict(m.client.flex_api.v1.flex_flow.create(channel_type="sms", **to_api(fields)))

    def update(changes):
        return to_dict(m.client.flex_api.v1.flex_flow(flow["sid"]).update(**to_api(changes)))

    writes = Writes(m, entry, plan)  # the re-reads that resolve a lost answer, a timeout or a 5xx
    downgraded = migration.downgrade(m, entry, plan, result, m.routing) if plan.get("downgrade") else False
    try:
        changed, written = m.reconcile(entry.label, before, plan["wanted"], create, update, recover=writes.created,
                                       reread=writes.updated, conflict=is_collision)
    except ApiError as exc:
        raise collision_error(exc, entry, flow, plan["flows"], "create" if flow is None else "update") or exc
    if changed:
        entry.done.append("its SMS address was %s" % ("created" if flow is None else "updated"))
    result["address"] = describe(written if written is not None else flow)
    if entry.studio_flow is not None:
        result["studio_flow"] = entry.studio_flow
    if m.routing:
        # Routed only once its SMS address exists, as the Flex Console does.
        routed = route_entry(m, entry, plan)
        result.update(address_changed=changed, proxy_service=routed)
        result.update({_messaging.OPTION: plan["kept"]} if m.keeper else {})
        changed |= routed["changed"]
    result["changed"] = changed or downgraded
    return result


def route_entry(m, entry, plan):
    """Put the entry's number into (present) or take it out of (absent) the proxy_service pool; its membership after."""
    p = m.params
    number, member = plan["number"], plan["pool_entry"]
    changed = False
    if p["state"] == "absent":
        if number is not None:
            changed = proxy_pool.leave_pool(m, number, m.service, member)
        if changed:
            entry.done.append("it left Proxy service %s" % m.service["sid"])
        return dict(proxy_pool.membership(m.service, None), member=False, changed=changed)
    join = functools.partial(proxy_pool.join_pool, m, number, m.service, member, p["is_reserved"], p["take_over"])
    changed, after, plan["kept"] = _messaging.route(m, m.keeper, entry.done, number, m.service, member,
                                                    plan["messaging_service"], join)
    return dict(after, member=True, changed=changed)
