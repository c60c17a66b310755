# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: a number's Messaging Service while it routes to a Proxy service.

US long codes must stay in the Messaging Service that carries their A2P 10DLC
registration. Twilio's rules make that a sequence: a number in a Messaging
Service cannot join a Proxy service, but a pooled number can join a Messaging
Service, which must then defer inbound messages to its numbers
(``use_inbound_webhook_on_number``), or the service, not the Proxy service,
takes them. So a number the service holds and that is not pooled leaves the
service, joins the pool and rejoins the service; a pooled number outside the
service joins it (docs/guide.md, "US numbers and A2P 10DLC").

Shared by flex_sms_address (O(messaging_service) with O(proxy_service)) and
phone_number_handler (O(handler=proxy_service)) through ``Keeper``. Every write
(join, leave, UpdateService) goes through ``write_once`` (``remove`` for the
leave) and honours check mode.

Over 450 lines: the A2P sequence (leave, join, rejoin, defer) and its re-reads are one ordered contract, read together.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

from ansible_collections.flexops.twilio.plugins.module_utils import _lookups as lookups
from ansible_collections.flexops.twilio.plugins.module_utils import _proxy_pool as proxy_pool
from ansible_collections.flexops.twilio.plugins.module_utils._client import to_dict
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError, Problem, problems_of
from ansible_collections.flexops.twilio.plugins.module_utils._validate import check_sid_or_name, only_with

OPTION = "messaging_service"
DEFER_OPTION = "messaging_service_defer_inbound"
ALREADY_IN_SERVICE = 21710  # "Phone Number is already in the Messaging Service"


def options():
    """The module options (flex_sms_address also has O(addresses[].messaging_service))."""
    return {OPTION: dict(type="str"), DEFER_OPTION: dict(type="bool", default=False)}


# -- input checks (no request) ---------------------------------------------------

def validate(p, entries=None):
    """Option checks of O(messaging_service) and O(messaging_service_defer_inbound), before any request.

    ``entries``: flex_sms_address's entries (O(proxy_service) needed), which get
    their own or the module-level value; without them, phone_number_handler's
    options (O(handler=proxy_service) needed).
    """
    named = [(OPTION, p.get(OPTION))] + [("addresses[%d].%s" % (i, OPTION), item.get(OPTION))
                                         for i, item in enumerate(p.get("addresses") or [])]
    named = [(option, value) for option, value in named if value is not None]
    for option, value in named:
        check_sid_or_name(option, value, "messaging_service")
    if named:
        option = named[0][0]
        if entries is not None and p["proxy_service"] is None:
            raise only_with(option, "proxy_service", "set proxy_service (for example 'Flex Proxy Service') or remove %s."
                            % option)
        if entries is None and p["handler"] != "proxy_service":
            raise only_with(option, "handler=proxy_service", "remove %s or set handler=proxy_service." % option)
        if p["state"] == "absent":
            raise only_with(option, "state=present", "remove %s or set state=present (state=absent leaves the number "
                            "in its Messaging Service)." % option)
    elif p.get(DEFER_OPTION):
        raise only_with(DEFER_OPTION, OPTION, "set messaging_service (the Messaging Service the numbers stay in) or "
                        "remove %s." % DEFER_OPTION)
    for entry in entries or ():
        own = entry.index is not None and (p["addresses"][entry.index].get(OPTION) is not None)
        entry.values[OPTION] = p["addresses"][entry.index][OPTION] if own else p.get(OPTION)
        if own:
            entry.own = entry.own | frozenset([OPTION])


# -- the services --------------------------------------------------------------

def describe(service):
    return "Messaging Service %s (%s)" % (service.get("friendly_name"), service["sid"])


def holder(service):
    return dict(type="messaging_service", sid=service["sid"], name=service.get("friendly_name"))


def is_a2p(service):
    return bool(service.get("us_app_to_person_registered"))


def members(m, service):
    """The numbers (``{sid, phone_number, ...}``) of the service's sender pool: one listing, cached."""
    return lookups.service_numbers(m, "messaging", service["sid"])


def is_member(m, service, number_sid):
    return any(n.get("sid") == number_sid for n in members(m, service))


def label(number, service):
    return "%s in %s" % (number["phone_number"], describe(service))


def _cap(text):
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _error(code, what, fix, details=None, **problem):
    """An ApiError ``what: fix`` with one Problem (``msg`` is ``what``: a caller words its own fix by ``code``)."""
    return ApiError("%s: %s" % (what, fix[0].lower() + fix[1:]), problems=[Problem(code, what, fix=_cap(fix), **problem)],
                    **(details or {}))


# -- problems found before any write ------------------------------------------------

def not_deferring(m, service, phone_numbers):
    """A wanted service that does not defer inbound messages to its numbers (without the defer option)."""
    fix = ("set %s to true to turn on \"Defer to sender's webhook\" for the service (it applies to all %d of its "
           "numbers, whose own handlers then take their messages), or turn it on in the Console"
           % (DEFER_OPTION, len(members(m, service))))
    what = ("%s does not defer inbound messages to its numbers (use_inbound_webhook_on_number is false), so the "
            "service, not the Proxy service, would take the messages of %s" % (describe(service), ", ".join(phone_numbers)))
    return _error("messaging_service_not_deferring", what, fix, option=DEFER_OPTION, holder=holder(service))


def a2p_take_over(number, service, for_proxy=True):
    """take_over asked (or needed) to take a number out of an A2P 10DLC Messaging Service: refused."""
    if for_proxy:
        fix = ("set messaging_service to %r (or %s) to keep the number in it while it joins the Proxy service"
               % (service.get("friendly_name"), service["sid"]))
    else:
        fix = ("turn on \"Defer to sender's webhook\" (use_inbound_webhook_on_number) on that service, so that the "
               "number stays in it and its own handler takes its messages")
    what = ("%s (%s) is in %s, which is registered for A2P 10DLC (us_app_to_person_registered): take_over never "
            "takes a number out of it, as carriers filter the messages of a US number outside its A2P service"
            % (number["phone_number"], number["sid"], describe(service)))
    return _error("a2p_take_over", what, fix, dict(conflicts=[dict(holder(service), phone_number=number["phone_number"])]),
                  entry=number["phone_number"], option=OPTION if for_proxy else "take_over", holder=holder(service))


def in_the_way(m, number, pooled, own_proxy_sid, service=None, for_proxy=True):
    """The services to take the number out of before it can join the Proxy pool and ``service``.

    Not pooled: the other Proxy services and Messaging Services that hold it
    (``service`` is not in the way: the number leaves and rejoins it). Pooled
    but not in ``service``: the other Messaging Service that holds it.
    Messaging Services are given as their records (with
    ``us_app_to_person_registered``), Proxy services as holder dicts.
    """
    keep = service["sid"] if service is not None else None
    by_sid = dict((s["sid"], s) for s in lookups.messaging_services(m))
    if not pooled:
        found = proxy_pool.holders(m, number["sid"], own_proxy_sid, for_proxy)
    elif service is not None and not is_member(m, service, number["sid"]):
        found = [holder(s) for s in lookups.messaging_services(m)
                 if s["sid"] != keep and is_member(m, s, number["sid"])]
    else:
        found = []
    return [by_sid.get(h["sid"], h) if h["type"] == "messaging_service" else h for h in found if h["sid"] != keep]


def holder_problems(m, number, pooled, own_proxy_sid, service, take_over, for_proxy=True):
    """Before any write, the errors for the services in the way of ``number``.

    A Messaging Service registered for A2P 10DLC is never cleared (even with
    take_over); the others only with take_over.
    """
    found = in_the_way(m, number, pooled, own_proxy_sid, service, for_proxy)
    errors = [a2p_take_over(number, h, for_proxy) for h in found if is_a2p(h)]
    others = [_as_holder(h) for h in found if not is_a2p(h)]
    if others and not take_over:
        errors.append(proxy_pool.held_in_preflight(number, others))
    return errors


def _as_holder(found):
    return found if "type" in found else holder(found)


def clear_holders(m, number, own_proxy_sid, take_over, for_proxy=True, service=None, pooled=False):
    """proxy_pool.clear_holders, but never out of an A2P 10DLC Messaging Service, and not out of ``service``
    (the number's own, which it leaves and rejoins). Returns whether it was taken out of anything."""
    found = in_the_way(m, number, pooled, own_proxy_sid, service, for_proxy)
    for h in found:
        if is_a2p(h):
            raise a2p_take_over(number, h, for_proxy)
    found = [_as_holder(h) for h in found]
    if found and not take_over:
        raise proxy_pool.held_error(number, found)
    return proxy_pool.remove_from(m, number, found)


def preflight(m, keeper, uses, own_proxy_sid, take_over):
    """The errors found before any write for ``uses``: ``(number, service or None, pooled)`` per number.

    Services that do not defer (without the defer option), numbers of an A2P
    10DLC service that take_over would take out of it, numbers other services
    hold (without take_over). Numbers already pooled and in their service (or
    pooled, without one) cost nothing here.
    """
    errors = keeper.defer_problems(uses) if keeper is not None else []
    for number, service, pooled in uses:
        if number is not None and (service is not None or not pooled):
            errors.extend(holder_problems(m, number, pooled, own_proxy_sid, service, take_over))
    if keeper is not None:
        keeper.own_sids.update(n["sid"] for n, _s, _p in uses if n is not None)
    return errors


def for_handler(m, numbers, proxy):
    """phone_number_handler (handler=proxy_service, present): the task's Keeper (None without messaging_service),
    after the checks before any write, which raise one error naming every problem."""
    p = m.params
    if p["handler"] != "proxy_service" or p["state"] != "present" or not (p.get(OPTION) or p["take_over"]):
        return None
    keeper = Keeper(m, p[DEFER_OPTION], p["take_over"]) if p.get(OPTION) else None
    service = keeper.service(p[OPTION]) if keeper is not None else None
    uses = [(n, service, proxy_pool.pool_entry(m, proxy, n["sid"], listed=m.many) is not None) for n in numbers]
    errors = preflight(m, keeper, uses, proxy["sid"], p["take_over"])
    if errors:
        conflicts = [c for e in errors for c in e.details.get("conflicts", [])]
        raise ApiError("Nothing was changed: %s." % "; ".join(e.msg.rstrip(".") for e in errors),
                       problems=problems_of(errors), conflicts=conflicts or None)
    return keeper


# -- writes --------------------------------------------------------------------

def defer_inbound(m, service, own_sids=()):
    """Make the service defer inbound messages to its numbers (UpdateService UseInboundWebhookOnNumber=true).

    Returns the service's result entry ``{sid, name, a2p,
    use_inbound_webhook_on_number, changed, other_numbers}``; ``other_numbers``
    (listed when the setting changes, in the diff too) are the service's
    numbers other than ``own_sids`` (the task's), whose own handlers take
    their inbound messages from then on. The update goes through
    ``write_once``: after an ambiguous failure the service is fetched again,
    and the update counts as applied when it defers; else it is sent again.
    """
    result = dict(sid=service["sid"], name=service.get("friendly_name"), a2p=is_a2p(service),
                  use_inbound_webhook_on_number=True, changed=False, other_numbers=[])
    if service.get("use_inbound_webhook_on_number"):
        return result
    others = [dict(phone_number=n.get("phone_number"), sid=n.get("sid")) for n in members(m, service)
              if n.get("sid") not in own_sids]
    m.add_diff(describe(service), dict(use_inbound_webhook_on_number=False),
               dict(use_inbound_webhook_on_number=True, other_numbers=[n["phone_number"] for n in others]))
    if not m.check_mode:
        handle = m.client.messaging.v1.services(service["sid"])

        def deferring():
            live = m.fetch("Reading %s" % describe(service), handle.fetch)
            return live if live is not None and live.get("use_inbound_webhook_on_number") else None

        m.write_once("Updating %s (UseInboundWebhookOnNumber=true)" % describe(service),
                     lambda: to_dict(handle.update(use_inbound_webhook_on_number=True)), verify=deferring)
    result.update(changed=True, other_numbers=others)
    return result


def _member_now(m, number, service):
    """The number's entry in the service's sender pool now (one request), or None when it is not in it."""
    return m.fetch("Reading %s" % label(number, service),
                   m.client.messaging.v1.services(service["sid"]).phone_numbers(number["sid"]).fetch)


def leave(m, number, service):
    """Take the number out of the service's sender pool (it is in it). A DELETE is safe to repeat; when its
    retries are used up, the membership is read again (gone: done)."""
    return m.remove(label(number, service), dict(messaging_service_sid=service["sid"]),
                    m.client.messaging.v1.services(service["sid"]).phone_numbers(number["sid"]).delete,
                    reread=lambda: _member_now(m, number, service))


def join(m, number, service):
    """Add the number to the service's sender pool (it is not in it), through ``write_once``.

    After an ambiguous failure (lost answer, timeout, 5xx) the membership is
    read again: the number is there, the join is done; it is not, the join is
    sent again (bounded by ``retries``). Twilio's "already in the Messaging
    Service" (21710) counts as done once that read finds the number. Raises the
    join's error otherwise (a 4xx is never repeated).
    """
    m.add_diff(label(number, service), None, dict(messaging_service_sid=service["sid"]))
    if m.check_mode:
        return True
    pool = m.client.messaging.v1.services(service["sid"]).phone_numbers
    m.write_once("Adding %s to %s" % (number["phone_number"], describe(service)),
                 lambda: to_dict(pool.create(phone_number_sid=number["sid"])),
                 verify=lambda: _member_now(m, number, service),
                 conflict=lambda exc: exc.details.get("code") == ALREADY_IN_SERVICE, found="the resource it created")
    return True


def not_back(number, service, exc, first=None):
    """The error for a number left out of its Messaging Service; says exactly what is left to do."""
    where = ("joining the Proxy service failed (%s)" % first.msg.rstrip(".") if first is not None
             else "which it did")
    registration = " under the service's A2P 10DLC registration" if is_a2p(service) else " from the service"
    what = ("%s is not in %s: it left the service to join the Proxy service, %s, and adding it back failed (%s). "
            "Its messages are not sent%s until it is back"
            % (number["phone_number"], describe(service), where, exc.msg.rstrip("."), registration))
    fix = ("run the task again to put it back (only that is left), or add it to the service's Sender Pool in the "
           "Console")
    return _error("messaging_service_rejoin_failed", what, fix, dict(exc.details, changed=True),
                  entry=number["phone_number"], option=OPTION, holder=holder(service))


def put_back(m, number, service, failure):
    """The pool join failed after the number left ``service``: rejoin it; returns the error to raise."""
    try:
        join(m, number, service)
    except ApiError as exc:
        return not_back(number, service, exc, first=failure)
    what = ("%s. %s was put back in %s, where it was before (it is not in the Proxy service)"
            % (failure.msg.rstrip("."), number["phone_number"], describe(service)))
    return _error("proxy_pool_join_failed", what, "run the task again to finish", dict(failure.details, changed=True),
                  entry=number["phone_number"], holder=holder(service))


def keep(m, number, service, pooled, join_pool):
    """The number ends in the Proxy pool (``join_pool()`` returns ``(changed, membership)``) and in ``service``.

    A number the service holds and that is not pooled leaves the service,
    joins the pool and rejoins the service; otherwise it joins the pool when
    needed, then the service when needed. If a write after "leave" fails, the
    number is put back in the service in the same run, or the error says
    exactly what is left (a rerun finishes it).

    Returns ``(pool changed, pool membership, service membership)``, the last
    ``{sid, name, member, a2p, changed}``.
    """
    in_service = is_member(m, service, number["sid"])
    membership = dict(sid=service["sid"], name=service.get("friendly_name"), member=True, a2p=is_a2p(service),
                      changed=not (pooled and in_service))
    if not in_service or pooled:
        pool_changed, pool_after = join_pool()
    else:
        leave(m, number, service)
        try:
            pool_changed, pool_after = join_pool()
        except ApiError as exc:
            raise put_back(m, number, service, exc)
    if not in_service or not pooled:
        try:
            join(m, number, service)
        except ApiError as exc:
            raise not_back(number, service, exc) if in_service else exc
    return pool_changed, pool_after, membership


class Keeper(object):
    """The Messaging Service part of one task: the services named, the checks before any write, and the defer
    update (once per service, before the first number's membership changes)."""

    def __init__(self, m, defer, take_over):
        self.m = m
        self.defer = defer
        self.take_over = take_over
        self.used = []  # the services named, in order of first use
        self.results = {}  # service SID -> its result entry, once prepared
        self.own_sids = set()  # the task's numbers (not "other numbers" of a service)
        self._lock = threading.Lock()
        self._error = None

    @classmethod
    def of(cls, m, entries):
        """flex_sms_address's Keeper, or None when no entry names a Messaging Service."""
        if not any(e[OPTION] for e in entries):
            return None
        return cls(m, m.params[DEFER_OPTION], m.params["take_over"])

    def service(self, value, option=OPTION):
        """The Messaging Service ``value`` names (MG SID or friendly name), remembered as used; None for None."""
        if value is None:
            return None
        found = lookups.messaging_service(self.m, value, option)
        with self._lock:
            if all(s["sid"] != found["sid"] for s in self.used):
                self.used.append(found)
        return found

    def defer_problems(self, uses):
        """The used services that do not defer inbound to their numbers, without the defer option."""
        errors = []
        for service in self.used:
            numbers = [n["phone_number"] for n, s, _p in uses if n is not None and s is not None and s["sid"] == service["sid"]]
            if numbers and not service.get("use_inbound_webhook_on_number") and not self.defer:
                errors.append(not_deferring(self.m, service, numbers))
        return errors

    def prepare(self):
        """Make every used service defer (with the defer option), once for the task; the services changed now."""
        with self._lock:
            if self._error is not None:
                raise self._error
            changed = []
            for service in self.used:
                if service["sid"] in self.results:
                    continue
                try:
                    self.results[service["sid"]] = result = defer_inbound(self.m, service, self.own_sids)
                except ApiError as exc:
                    self._error = exc
                    raise
                if result["changed"]:
                    changed.append(service)
            return changed

    def summary(self):
        """The result entries of the used services (RV(messaging_services))."""
        return [self.results.get(s["sid"]) or dict(
            sid=s["sid"], name=s.get("friendly_name"), a2p=is_a2p(s),
            use_inbound_webhook_on_number=bool(s.get("use_inbound_webhook_on_number")), changed=False,
            other_numbers=[]) for s in self.used]

    @property
    def changed(self):
        return any(r["changed"] for r in self.results.values())


def route(m, keeper, done, number, proxy, pool_entry, service, join_pool):
    """One number into the Proxy pool (``join_pool()`` returns ``(changed, membership)``) and, with ``service``,
    that Messaging Service; what is in its way is cleared first (take_over; never an A2P 10DLC service).

    ``done``: the list the number's completed writes are named in (for a later
    failure's message). Returns ``(changed, pool membership, service membership or None)``.
    """
    pooled = pool_entry is not None
    take_over = m.params["take_over"]
    if keeper is not None and service is not None:
        for deferred in keeper.prepare():
            done.append("%s now defers inbound to its numbers" % describe(deferred))
    cleared = False
    if (take_over or m.check_mode) and (not pooled or (service is not None and not is_member(m, service, number["sid"]))):
        cleared = clear_holders(m, number, proxy["sid"], take_over, service=service, pooled=pooled)
        if cleared:
            done.append("it was taken out of the service(s) that held it (take_over)")
    if service is None:
        joined, pool_after = join_pool()
        return cleared or joined, pool_after, None
    joined, pool_after, membership = keep(m, number, service, pooled, join_pool)
    return cleared or joined or membership["changed"], pool_after, membership


def finish(keeper, run):
    """``run()``'s result with RV(messaging_services) and the defer updates counted in ``changed``."""
    if keeper is None:
        return run()
    try:
        result = run()
    except ApiError as exc:
        if keeper.changed:
            exc.details["changed"] = True
        raise
    result["messaging_services"] = keeper.summary()
    result["changed"] = bool(result.get("changed")) or keeper.changed
    return result
