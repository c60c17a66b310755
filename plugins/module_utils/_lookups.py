# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: account-wide look-ups shared by the modules.

Each takes a TwilioModule, returns plain dicts and raises ValidationError
(the user named something that is not there) or ApiError (Twilio failed).
Results are cached on the module for the length of one task, so a module
working through many numbers lists each collection once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError, ValidationError

DEFAULT_PROXY_SERVICE = "Flex Proxy Service"
DEFAULT_STUDIO_FLOW = "Messaging Flow"

_CACHE_LOCK = threading.Lock()


def cached(m, key, load):
    """Per-task cache on the module object (thread-safe, loads once).

    A failed load is remembered too: when many items of a list share one
    look-up, a 401 or an unknown name is reported for each of them without
    sending the failing request again per item.
    """
    with _CACHE_LOCK:
        cache = m.__dict__.setdefault("_lookup_cache", {})
        entry = cache.get(key)
        if entry is None:
            entry = cache[key] = {"lock": threading.Lock()}
    with entry["lock"]:
        if "value" not in entry and "error" not in entry:
            try:
                entry["value"] = load()
            except (ApiError, ValidationError) as exc:
                entry["error"] = exc
        if "error" in entry:
            raise entry["error"]
        return entry["value"]


def forget(m, key):
    with _CACHE_LOCK:
        m.__dict__.setdefault("_lookup_cache", {}).pop(key, None)


def flex_configuration(m):
    """Flex Configuration (GET /v1/Configuration); a clear error when the account has no Flex."""
    missing = ValidationError(
        "Account %s has no Flex Configuration (HTTP 404): Flex is not set up in this account, "
        "or account_sid/region point at the wrong account." % m.account_sid, code="no_flex",
        fix="Set up Flex in the account, or check account_sid and region.")
    return cached(m, "flex_configuration", lambda: m.fetch(
        "Reading the Flex Configuration", m.client.flex_api.v1.configuration().fetch, missing))


def _by_sid_or_name(items, value, name_key):
    return [i for i in items if i.get("sid") == value or i.get(name_key) == value]


def _one(option, kind, value, matches, name_key, available):
    if not matches:
        names = sorted(set(filter(None, (a.get(name_key) for a in available))))
        raise ValidationError(
            "%s=%r: no %s with that SID or name in account. Known: %s."
            % (option, value, kind, ", ".join(names) if names else "none"),
            code="not_found", option=option, fix="Give the SID or name of an existing %s." % kind)
    if len(matches) > 1:
        raise ValidationError(
            "%s=%r matches %d %ss (%s): give the SID of the one you mean."
            % (option, value, len(matches), kind, ", ".join(sorted(x["sid"] for x in matches))),
            code="ambiguous_name", option=option, fix="Give the SID of the %s you mean." % kind)
    return matches[0]


def studio_flows(m):
    """All Studio v2 flows (without definitions; the list API omits them)."""
    return cached(m, "studio_flows", lambda: m.list_all("Listing Studio flows", m.client.studio.v2.flows))


def studio_flow(m, value, option="studio_flow"):
    """One Studio flow by FW SID or friendly name, from the listing (no definition: see studio_flow_by_sid)."""
    flows = studio_flows(m)
    return _one(option, "Studio flow", value, _by_sid_or_name(flows, value, "friendly_name"), "friendly_name", flows)


def studio_flow_by_sid(m, sid, option="studio_flow"):
    """One Studio flow with its definition, fetched by FW SID (one request, cached; no listing)."""
    missing = ValidationError("%s=%s: no Studio flow with that SID in account %s." % (option, sid, m.account_sid),
                              code="not_found", option=option, fix="Give the SID or name of an existing Studio flow.")
    return cached(m, "studio_flow:" + sid, lambda: m.fetch(
        "Reading Studio flow %s" % sid, m.client.studio.v2.flows(sid).fetch, missing))


# What check_exists can fetch: kind -> (what the message calls it, what the SID or name names it in).
EXISTS_KINDS = {
    "chat_service": "Chat service (Chat v2)",
    "conversation_service": "Conversations service",
    "workspace": "TaskRouter workspace",
    "workflow": "TaskRouter workflow",
    "task_channel": "TaskRouter task channel",
}


def _fetcher(m, kind, value, workspace):
    client = m.client
    if kind == "chat_service":
        return client.chat.v2.services(value).fetch
    if kind == "conversation_service":
        return client.conversations.v1.services(value).fetch
    if kind == "workspace":
        return client.taskrouter.v1.workspaces(value).fetch
    if kind == "workflow":
        return client.taskrouter.v1.workspaces(workspace).workflows(value).fetch
    return client.taskrouter.v1.workspaces(workspace).task_channels(value).fetch


def check_exists(m, option, kind, value, fix, workspace=None):
    """That the ``kind`` resource ``value`` (a SID; a task channel also by unique name) exists, before it is written.

    One GET per resource for the task (cached: many entries naming it cost one
    request); ``workspace`` is the TaskRouter workspace a workflow or task
    channel belongs to. Twilio's 404 is a ValidationError ``sid_not_found``
    naming ``option``, the value, the account and ``fix``. Returns the resource.
    """
    what = EXISTS_KINDS[kind]
    where = " in TaskRouter workspace %s" % workspace if workspace else ""
    found = cached(m, "exists:%s:%s:%s" % (kind, workspace or "", value), lambda: m.fetch(
        "Reading %s %s%s" % (what, value, where), _fetcher(m, kind, value, workspace)))
    if found is None:
        raise ValidationError(
            "%s=%s: account %s has no %s with that %s%s: %s"
            % (option, value, m.account_sid, what, "SID or unique name" if kind == "task_channel" else "SID", where,
               fix[0].lower() + fix[1:]),
            code="sid_not_found", option=option, fix=fix)
    return found


def proxy_services(m):
    return cached(m, "proxy_services", lambda: m.list_all("Listing Proxy services", m.client.proxy.v1.services))


def proxy_service(m, value=DEFAULT_PROXY_SERVICE, option="proxy_service"):
    """One Proxy service by KS SID or unique name (default: the Flex Proxy Service)."""
    services = proxy_services(m)
    return _one(option, "Proxy service", value, _by_sid_or_name(services, value, "unique_name"), "unique_name", services)


def incoming_numbers(m, phone_number=None):
    """Incoming numbers of the account; with ``phone_number``, only that exact E.164."""
    numbers = m.client.api.v2010.accounts(m.account_sid).incoming_phone_numbers
    if phone_number is None:
        return cached(m, "incoming_numbers", lambda: m.list_all("Listing the account's phone numbers", numbers))
    items = m.list_all("Looking up phone number %s" % phone_number, numbers, phone_number=phone_number)
    # The PhoneNumber filter is a partial match: compare exactly.
    return [n for n in items if n.get("phone_number") == phone_number]


def labelled_numbers(m, label):
    """The account's numbers whose friendly name is exactly ``label`` (one filtered request, not cached)."""
    numbers = m.client.api.v2010.accounts(m.account_sid).incoming_phone_numbers
    items = m.list_all("Looking up numbers named %r" % label, numbers, friendly_name=label)
    return [n for n in items if n.get("friendly_name") == label]


def number_now(m, number):
    """The account's ``number`` as it is now, fetched by SID (not cached; None when it is gone).

    The re-read of TwilioModule.write_once() for a number's update or release.
    """
    return m.fetch("Reading phone number %s" % number["phone_number"],
                   m.client.api.v2010.accounts(m.account_sid).incoming_phone_numbers(number["sid"]).fetch)


def bought_number(m, e164, label=None, known=()):
    """The number a purchase of ``e164`` (labelled ``label``) made, or None: the re-read before a purchase is repeated.

    By number first, then, with a label, by label (leaving out ``known``: the
    SIDs that carried the label before the purchase), so a purchase whose
    answer was lost is never made twice.
    """
    found = incoming_numbers(m, e164)
    if not found and label is not None:
        found = [n for n in labelled_numbers(m, label) if n.get("sid") not in known]
    return found[0] if found else None


def not_owned(m, subject, option=None, entry=None):
    """The error for a number the account does not own; ``subject`` names it (``phone_number=+1...``)."""
    return ValidationError("%s is not a phone number of account %s: buy it first (flexops.twilio.phone_number) "
                           "or check account_sid." % (subject, m.account_sid), code="not_owned", option=option,
                           entry=entry, fix="Buy it first (flexops.twilio.phone_number) or check account_sid.")


def incoming_numbers_by_e164(m):
    """The account's numbers (one listing, cached) by E.164."""
    return cached(m, "incoming_numbers_by_e164",
                  lambda: dict((n.get("phone_number"), n) for n in incoming_numbers(m)))


def incoming_number(m, phone_number, option="phone_number"):
    """The account's number by E.164 (one filtered request); a clear error when the account does not own it."""
    matches = incoming_numbers(m, phone_number)
    if not matches:
        raise not_owned(m, "%s=%s" % (option, phone_number), option=option, entry=phone_number)
    return matches[0]


def flex_flows(m):
    """Every Flex Flow of the account (the list API filters only by name, so list once and filter)."""
    return cached(m, "flex_flows", lambda: m.list_all("Listing Flex Flows", m.client.flex_api.v1.flex_flow))


def incoming_number_by_sid(m, sid, option="phone_number_sid"):
    """One number of the account fetched by PN SID (one request; no listing)."""
    resource = m.client.api.v2010.accounts(m.account_sid).incoming_phone_numbers(sid)
    return cached(m, "incoming_number:" + sid, lambda: m.fetch(
        "Reading phone number %s" % sid, resource.fetch, not_owned(m, "%s=%s" % (option, sid), option=option, entry=sid)))


def applications(m):
    """All TwiML apps (API 2010 Applications) of the account."""
    return cached(m, "applications", lambda: m.list_all(
        "Listing TwiML apps", m.client.api.v2010.accounts(m.account_sid).applications))


def application(m, value, option="twiml_app"):
    """One TwiML app by AP SID or friendly name."""
    apps = applications(m)
    return _one(option, "TwiML app", value, _by_sid_or_name(apps, value, "friendly_name"), "friendly_name", apps)


def messaging_services(m):
    """All Messaging Services (Messaging v1) of the account."""
    return cached(m, "messaging_services", lambda: m.list_all("Listing Messaging Services", m.client.messaging.v1.services))


def messaging_service(m, value, option="messaging_service"):
    """One Messaging Service by MG SID or friendly name."""
    services = messaging_services(m)
    return _one(option, "Messaging Service", value, _by_sid_or_name(services, value, "friendly_name"), "friendly_name",
                services)


def service_numbers(m, kind, service_sid):
    """Every phone number in a Proxy service's (``kind="proxy"``) or Messaging Service's (``"messaging"``) pool."""
    if kind == "proxy":
        lister, what = m.client.proxy.v1.services(service_sid).phone_numbers, "Listing the numbers of Proxy service %s"
    else:
        lister, what = m.client.messaging.v1.services(service_sid).phone_numbers, "Listing the numbers of Messaging Service %s"
    return cached(m, "%s_numbers:%s" % (kind, service_sid), lambda: m.list_all(what % service_sid, lister))


def proxy_number(m, service_sid, number_sid):
    """The pool entry of ``number_sid`` in Proxy service ``service_sid`` (one request), or None when it is not there."""
    return m.fetch("Reading phone number %s in Proxy service %s" % (number_sid, service_sid),
                   m.client.proxy.v1.services(service_sid).phone_numbers(number_sid).fetch)


def owned_number(m, entry, required):
    """The account's number of a list-form entry (``entry.phone_number``), or None.

    A ValidationError when the account does not own it and it is ``required``.
    One filtered look-up in the single form; in list form one listing of the
    account's numbers (cached) serves every entry.
    """
    if entry.phone_number is None:
        return None  # state=absent by the SID of a resource that does not exist (any more): no number
    if entry.index is None:
        try:
            return incoming_number(m, entry.phone_number)
        except ValidationError:
            if required:
                raise
            return None
    found = incoming_numbers_by_e164(m).get(entry.phone_number)
    if found is None and required:
        option = entry.name("phone_number")
        raise not_owned(m, "%s=%s" % (option, entry.phone_number), option=option, entry=entry.phone_number)
    return found
