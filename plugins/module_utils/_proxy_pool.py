# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: a number in a Proxy service's pool, and the services in its way.

Shared by phone_number_handler (O(handler=proxy_service)) and flex_sms_address
(O(proxy_service)). Every function takes the TwilioModule ``m`` and writes
only through ``m.reconcile`` / ``m.remove``, so check mode and diffs work the
same way in both modules.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.module_utils import _lookups as lookups
from ansible_collections.flexops.twilio.plugins.module_utils._client import to_dict
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError, Problem

HOLDER_KINDS = dict(proxy_service="Proxy service", messaging_service="Messaging Service")
ALREADY_IN_SERVICE = 80104  # Proxy: "PhoneNumber has already been added to Service"


def pool_entry(m, service, number_sid, listed):
    """The number's entry in ``service``'s pool, or None.

    ``listed``: look it up in one listing of the pool (cached: the list forms,
    which need it for every number); else fetch the one entry (one request).
    """
    if service is None:
        return None
    if listed:
        pool = lookups.service_numbers(m, "proxy", service["sid"])
        return next((n for n in pool if n.get("sid") == number_sid), None)
    return lookups.proxy_number(m, service["sid"], number_sid)


def holders(m, number_sid, own_sid, for_proxy=True):
    """Other Proxy services and Messaging Services that hold the number.

    A Messaging Service with ``use_inbound_webhook_on_number`` leaves the
    number's incoming SMS to the number's own handler, so it is only in the
    way of a Proxy pool (``for_proxy``).
    """
    found = []
    for service in lookups.proxy_services(m):
        if service["sid"] == own_sid:
            continue
        if any(n.get("sid") == number_sid for n in lookups.service_numbers(m, "proxy", service["sid"])):
            found.append(dict(type="proxy_service", sid=service["sid"], name=service.get("unique_name")))
    for service in lookups.messaging_services(m):
        if not for_proxy and service.get("use_inbound_webhook_on_number"):
            continue
        if any(n.get("sid") == number_sid for n in lookups.service_numbers(m, "messaging", service["sid"])):
            found.append(dict(type="messaging_service", sid=service["sid"], name=service.get("friendly_name")))
    return found


def describe_holders(found):
    return " and ".join("%s %s (%s)" % (HOLDER_KINDS[h["type"]], h["sid"], h["name"]) for h in found)


TAKE_OVER_FIX = ("set take_over to true to move it (that service then stops receiving its messages), "
                 "or leave the number out")


def held_problems(number, found):
    """One ``held_by_other_service`` problem per holder of the number."""
    fix = TAKE_OVER_FIX[0].upper() + TAKE_OVER_FIX[1:] + "."
    return [Problem("held_by_other_service", "%s (%s) is held by %s" % (number["phone_number"], number["sid"], describe_holders([h])),
                    fix=fix, entry=number["phone_number"], option="take_over", holder=h) for h in found]


def held_error(number, found):
    """The error for a number other services hold while take_over is not set (found while writing)."""
    what = "%s (%s) is held by %s" % (number["phone_number"], number["sid"], describe_holders(found))
    return ApiError(what + ": nothing was changed. Set take_over: true to move it; the other service "
                    "then stops receiving this number's messages.", problems=held_problems(number, found),
                    conflicts=found)


def held_in_preflight(number, found):
    """The preflight problem (an ApiError, with ``conflicts``) for a number other services hold."""
    what = "%s (%s) is held by %s" % (number["phone_number"], number["sid"], describe_holders(found))
    return ApiError("%s: %s" % (what, TAKE_OVER_FIX), problems=held_problems(number, found),
                    conflicts=[dict(h, phone_number=number["phone_number"]) for h in found])


def clear_holders(m, number, own_sid, take_over, for_proxy=True):
    """Take the number out of every other holder (only with ``take_over``; else fail naming them)."""
    found = holders(m, number["sid"], own_sid, for_proxy)
    if found and not take_over:
        raise held_error(number, found)
    changed = False
    for holder in found:
        if holder["type"] == "proxy_service":
            pool = m.client.proxy.v1.services(holder["sid"]).phone_numbers(number["sid"])
        else:
            pool = m.client.messaging.v1.services(holder["sid"]).phone_numbers(number["sid"])
        label = "%s in %s %s (%s)" % (number["phone_number"], HOLDER_KINDS[holder["type"]], holder["name"], holder["sid"])
        changed |= m.remove(label, dict(service_sid=holder["sid"]), pool.delete)
    return changed


def pool_label(number, service):
    return "%s in Proxy service %s (%s)" % (number["phone_number"], service.get("unique_name"), service["sid"])


def join_pool(m, number, service, entry, is_reserved=None, take_over=False):
    """Make the number a member of ``service``'s pool with the wanted ``is_reserved``.

    ``entry`` is its pool entry now (None when it is not a member). Returns
    ``(changed, membership after)``; the membership is ``{sid, name,
    is_reserved}`` of the service. When Twilio refuses the number (without
    ``take_over``), the holders are looked up to name them in the error.
    """
    pool = m.client.proxy.v1.services(service["sid"]).phone_numbers
    before = None if entry is None else dict(proxy_service_sid=service["sid"], is_reserved=entry.get("is_reserved"))
    wanted = dict(proxy_service_sid=service["sid"], is_reserved=is_reserved)

    def recover():
        return lookups.proxy_number(m, service["sid"], number["sid"])

    def create(fields):
        kwargs = dict(sid=number["sid"])
        if is_reserved is not None:
            kwargs["is_reserved"] = is_reserved
        try:
            with m.api("Adding %s to Proxy service %s" % (number["phone_number"], service["sid"])):
                return to_dict(pool.create(**kwargs))
        except ApiError as exc:
            if exc.details.get("code") != ALREADY_IN_SERVICE:
                if exc.details.get("status") in (400, 409) and not take_over:
                    # Refused: name the holders (raises) if there are any, else report Twilio's error.
                    clear_holders(m, number, service["sid"], take_over)
                raise
            found = recover()
            if found is None:
                raise
            return found

    def update(changes):
        return to_dict(pool(number["sid"]).update(is_reserved=changes["is_reserved"]))

    changed, written = m.reconcile(pool_label(number, service), before, wanted, create, update, recover=recover)
    after = written or entry or {}
    is_reserved_after = after.get("is_reserved")
    if m.check_mode and changed:
        is_reserved_after = is_reserved if is_reserved is not None else (entry or {}).get("is_reserved", False)
    return changed, membership(service, is_reserved_after)


def leave_pool(m, number, service, entry):
    """Take the number out of ``service``'s pool (``entry``: its pool entry, None when it is not a member)."""
    if entry is None:
        return False
    before = dict(proxy_service_sid=service["sid"], is_reserved=entry.get("is_reserved"))
    return m.remove(pool_label(number, service), before,
                    m.client.proxy.v1.services(service["sid"]).phone_numbers(number["sid"]).delete)


def membership(service, is_reserved):
    return dict(sid=service["sid"], name=service.get("unique_name"), is_reserved=is_reserved)
