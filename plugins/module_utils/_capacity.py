# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: Twilio's capacities, checked before the first write.

Twilio caps an account at 2,500 Flex Flows, a Proxy service at 500
non-reserved and 5,000 reserved numbers and a Messaging Service at 400 numbers
(``_limits.CAPACITIES``, with their sources; ``account_limits`` gives an
account's raised ones). A task that would pass one is refused before its first
write, in check mode too, with the problem ``capacity_exceeded``; from 90 % of
a limit (Twilio's warning 80624, "Approaching Maximum Number Pool Size") it
warns. ``usage`` is flex_sms_route_info's report of every pool.

Counts come from the listings the task reads anyway (``_lookups``, cached):
the Flex Flows, each Proxy pool, each Messaging Service's numbers. The only
read a count adds: in the single form, where a number's pool entry is fetched
rather than the pool listed, the pool is listed once when the number joins it
(the task is about to write that join).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.module_utils import _lookups as lookups
from ansible_collections.flexops.twilio.plugins.module_utils._proxy_pool import pool_entry
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError, Problem, problems_of
from ansible_collections.flexops.twilio.plugins.module_utils._limits import APPROACHING

CODE = "capacity_exceeded"
TWILIO_WARNING = 80624  # Proxy: "Approaching Maximum Number Pool Size"

# limit -> (what it counts, the holder's kind, the fix in the module's words, with %(limit)s)
POOLS = {
    "flex_flows": (
        "Flex Flows", "account",
        "Delete the Flex Flows the account no longer uses (flexops.twilio.flex_sms_address state: absent), move "
        "numbers to Flex Conversations (flexops.twilio.flex_conversations_address replace_legacy: true), or set up "
        "fewer numbers in one task; if Twilio raised the account's limit, set account_limits.flex_flows to it."),
    "proxy_numbers": (
        "non-reserved numbers", "proxy_service",
        "Add the numbers as reserved numbers (is_reserved: true; up to %(reserved)s per Proxy service), put some of "
        "them in another Proxy service (proxy_service), or, if Twilio raised the limit, set "
        "account_limits.proxy_numbers to it."),
    "proxy_reserved_numbers": (
        "reserved numbers", "proxy_service",
        "Put some of the numbers in another Proxy service (proxy_service), or add them as non-reserved numbers "
        "(is_reserved: false; up to %(non_reserved)s per Proxy service), or, if Twilio raised the limit, set "
        "account_limits.proxy_reserved_numbers to it."),
    "messaging_service_numbers": (
        "numbers", "messaging_service",
        "Put some of the numbers in another Messaging Service (messaging_service; for US numbers one registered for "
        "A2P 10DLC too), or, if Twilio raised the limit, set account_limits.messaging_service_numbers to it."),
}
KINDS = dict(account="Account", proxy_service="Proxy service", messaging_service="Messaging Service")


def holder_of(kind, service=None, account_sid=None):
    """The ``{type, sid, name}`` of a pool's holder: the account (Flex Flows) or a service."""
    if kind == "account":
        return dict(type="account", sid=account_sid, name=None)
    name = service.get("unique_name") if kind == "proxy_service" else service.get("friendly_name")
    return dict(type=kind, sid=service["sid"], name=name)


def describe(holder):
    if holder["type"] == "account":
        return "Account %s" % holder["sid"]
    return "%s %s (%s)" % (KINDS[holder["type"]], holder["name"], holder["sid"])


def proxy_counts(m, service):
    """``(non-reserved, reserved)`` numbers in the Proxy service's pool (one listing, cached)."""
    pool = lookups.service_numbers(m, "proxy", service["sid"])
    reserved = sum(1 for n in pool if n.get("is_reserved"))
    return len(pool) - reserved, reserved


def percent(in_use, limit):
    return round(100.0 * in_use / limit, 1) if limit else 100.0


class Tally(object):
    """What one task adds to each pool, found from its plan before any write."""

    def __init__(self, m):
        self.m = m
        self.pools = {}  # (limit, holder sid) -> {limit, holder, in_use, entries}

    def _add(self, limit, holder, in_use, entry):
        key = (limit, holder["sid"])
        if key not in self.pools:
            self.pools[key] = dict(limit=limit, holder=holder, in_use=in_use(), entries=[])
        self.pools[key]["entries"].append(entry)

    def flex_flow(self, entry):
        """The task creates a Flex Flow for ``entry`` (its phone number)."""
        self._add("flex_flows", holder_of("account", account_sid=self.m.account_sid),
                  lambda: len(lookups.flex_flows(self.m)), entry)

    def proxy_join(self, service, member, is_reserved, entry):
        """The number ``entry`` joins (``member`` None) or changes ``is_reserved`` in the Proxy service's pool."""
        if service is None:
            return
        if member is None:
            reserved = bool(is_reserved)
        elif is_reserved is not None and bool(member.get("is_reserved")) != bool(is_reserved):
            reserved = bool(is_reserved)  # it moves to the other kind
        else:
            return
        self._add("proxy_reserved_numbers" if reserved else "proxy_numbers", holder_of("proxy_service", service),
                  lambda: proxy_counts(self.m, service)[1 if reserved else 0], entry)

    def messaging_join(self, service, number, entry):
        """The number joins the Messaging Service unless it is a member (one that leaves and rejoins adds none)."""
        if service is None or number is None:
            return
        members = lookups.service_numbers(self.m, "messaging", service["sid"])
        if any(n.get("sid") == number["sid"] for n in members):
            return
        self._add("messaging_service_numbers", holder_of("messaging_service", service), lambda: len(members), entry)

    def errors(self):
        """One ApiError per pool the task would take past its limit (and a warning per pool it takes to 90 %)."""
        caps = self.m.limits.capacities
        found = []
        for pool in self.pools.values():
            limit, adds = caps[pool["limit"]], len(pool["entries"])
            after = pool["in_use"] + adds
            if after > limit:
                found.append(refusal(self.m, pool, limit))
            elif after >= APPROACHING * limit:
                self.m.warn("%s will have %d %s after this task, %s%% of the %d it may hold (Twilio warns from "
                            "90 %%, %d): past %d no more can be added. %s" % (
                                describe(pool["holder"]), after, POOLS[pool["limit"]][0], percent(after, limit), limit,
                                TWILIO_WARNING, limit, fix_of(self.m, pool["limit"])))
        return found


def fix_of(m, limit):
    caps = m.limits.capacities
    return POOLS[limit][2] % dict(reserved=caps["proxy_reserved_numbers"], non_reserved=caps["proxy_numbers"])


def refusal(m, pool, limit):
    """The ``capacity_exceeded`` error of one pool: how many it holds, how many the task adds, and the fix."""
    what, adds = POOLS[pool["limit"]][0], len(pool["entries"])
    entries = [e for e in pool["entries"] if e]
    named = ", ".join(entries[:5]) + (" and %d more" % (len(entries) - 5) if len(entries) > 5 else "")
    msg = ("%s has %d %s of the %d it may hold: this task would add %d (%s), %d in all"
           % (describe(pool["holder"]), pool["in_use"], what, limit, adds, named or "none named", pool["in_use"] + adds))
    fix = fix_of(m, pool["limit"])
    details = dict(limit=pool["limit"], holder=pool["holder"], capacity=limit, in_use=pool["in_use"], adds=adds,
                   after=pool["in_use"] + adds, entries=entries)
    return ApiError("%s: %s" % (msg, fix[0].lower() + fix[1:]), capacity=[details],
                    problems=[Problem(CODE, msg, fix=fix, option="account_limits." + pool["limit"],
                                      holder=pool["holder"])])


def raise_errors(errors):
    """Fail the task before its first write with every capacity problem (nothing is changed)."""
    if errors:
        raise ApiError("Nothing was changed: %s." % "; ".join(e.msg.rstrip(".") for e in errors),
                       problems=problems_of(errors), capacity=[c for e in errors for c in e.details["capacity"]])


# -- the modules' hooks -------------------------------------------------------------------------------------------

def for_addresses(m, planned):
    """flex_sms_address (state=present): the Flex Flows it creates, the Proxy pool joins (O(proxy_service)) and
    Messaging Service joins (O(messaging_service)) of the planned entries; their errors (ListRunner's ``guard``)."""
    if m.params["state"] != "present":
        return []
    tally = Tally(m)
    for entry in planned:
        plan = entry.plan
        if plan["flow"] is None:
            tally.flex_flow(entry.phone_number)
        if m.routing and plan["number"] is not None:
            tally.proxy_join(m.service, plan["pool_entry"], m.params["is_reserved"], entry.phone_number)
            tally.messaging_join(plan["messaging_service"], plan["number"], entry.phone_number)
    return tally.errors()


def for_handler(m, numbers, service, keeper):
    """phone_number_handler (handler=proxy_service, state=present): raises before any write when its numbers would
    take the Proxy pool (or, with O(messaging_service), the Messaging Service) past its limit; returns ``keeper``
    (the task's ``_messaging.Keeper``, None without O(messaging_service))."""
    p = m.params
    if p["handler"] != "proxy_service" or p["state"] != "present" or service is None:
        return keeper
    tally = Tally(m)
    messaging = keeper.used[0] if keeper is not None and keeper.used else None
    for number in numbers:
        tally.proxy_join(service, pool_entry(m, service, number["sid"], listed=m.many), p["is_reserved"],
                         number["phone_number"])
        tally.messaging_join(messaging, number, number["phone_number"])
    raise_errors(tally.errors())
    return keeper


# -- flex_sms_route_info -------------------------------------------------------------------------------------------

def _use(m, limit, in_use, holder):
    cap = m.limits.capacities[limit]
    share = percent(in_use, cap)
    out = dict(in_use=in_use, limit=cap, percent=share, approaching=in_use >= APPROACHING * cap, full=in_use >= cap)
    if out["approaching"]:
        m.warn("%s has %d %s, %s%% of the %d it may hold (Twilio warns from 90 %%, %d)%s. %s" % (
            describe(holder), in_use, POOLS[limit][0], share, cap, TWILIO_WARNING,
            ": no more can be added" if out["full"] else "", fix_of(m, limit)))
    return out


def usage(m):
    """Every pool's use against its limit, from the listings flex_sms_route_info read (cached: no request)."""
    flows = _use(m, "flex_flows", len(lookups.flex_flows(m)), holder_of("account", account_sid=m.account_sid))
    proxies = []
    for service in lookups.proxy_services(m):
        holder = holder_of("proxy_service", service)
        non_reserved, reserved = proxy_counts(m, service)
        proxies.append(dict(sid=service["sid"], unique_name=service.get("unique_name"),
                            numbers=_use(m, "proxy_numbers", non_reserved, holder),
                            reserved_numbers=_use(m, "proxy_reserved_numbers", reserved, holder)))
    services = []
    for service in lookups.messaging_services(m):
        in_use = len(lookups.service_numbers(m, "messaging", service["sid"]))
        services.append(dict(sid=service["sid"], friendly_name=service.get("friendly_name"),
                             numbers=_use(m, "messaging_service_numbers", in_use,
                                          holder_of("messaging_service", service))))
    return dict(flex_flows=flows, proxy_services=proxies, messaging_services=services)
