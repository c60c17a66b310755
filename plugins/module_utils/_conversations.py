# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: a Conversations address configuration used as a Flex
Conversations address.

The Conversations address kind: the one table of its settings (option,
argument spec, auto-creation types it belongs to, SDK keyword, response key)
as an ``_address_kind.Kind`` (``KIND``), the mapping between the Conversations
v1 ``Configuration/Addresses`` resource and the option names of
flex_conversations_address, its own branches of what an entry means (the
settings it wants, what forces a replacement), and the look-ups and writes of
a number's address. The entry rules every kind shares are in _address_kind.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.flexops.twilio.plugins.module_utils import _address_kind as machinery
from ansible_collections.flexops.twilio.plugins.module_utils import _lookups as lookups
from ansible_collections.flexops.twilio.plugins.module_utils import _studio
from ansible_collections.flexops.twilio.plugins.module_utils._address_kind import CLEARED, Kind
from ansible_collections.flexops.twilio.plugins.module_utils._client import blank_to_none, to_dict
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError
from ansible_collections.flexops.twilio.plugins.module_utils._resolver import Resolver

ADDRESS_TYPE = "sms"
AUTO_TYPES = ("studio", "webhook", "default")
DEFAULT_AUTO_TYPE = "studio"
TRIGGER_EVENT = "incomingConversationMessage"  # how a Conversations address enters a Studio flow
WEBHOOK_FILTERS = (
    "onMessageAdded", "onMessageUpdated", "onMessageRemoved", "onConversationUpdated", "onConversationStateUpdated",
    "onConversationRemoved", "onParticipantAdded", "onParticipantUpdated", "onParticipantRemoved", "onDeliveryUpdated",
)
PAGE_SIZE = 50  # the most the list API allows
COUNTRY_RE = re.compile(r"^[A-Z]{2}\Z")

# Every setting: option, argument spec, auto-creation types it belongs to (None: all),
# SDK keyword of create/update, key in the response's ``auto_creation`` object (None: top level, same name).
SETTINGS_TABLE = (
    ("friendly_name", dict(type="str"), None, "friendly_name", None),
    ("enabled", dict(type="bool"), None, "auto_creation_enabled", "enabled"),
    # "task" is a choice only to be refused by name (task_integration): Conversations has no such type.
    ("auto_creation_type", dict(type="str", choices=list(AUTO_TYPES) + ["task"]), None, "auto_creation_type", "type"),
    ("conversation_service_sid", dict(type="str"), None, "auto_creation_conversation_service_sid",
     "conversation_service_sid"),
    ("studio_flow", dict(type="str"), ("studio",), "auto_creation_studio_flow_sid", "studio_flow_sid"),
    ("retry_count", dict(type="int"), ("studio",), "auto_creation_studio_retry_count", "studio_retry_count"),
    ("webhook_url", dict(type="str"), ("webhook",), "auto_creation_webhook_url", "webhook_url"),
    ("webhook_method", dict(type="str", choices=["GET", "POST"]), ("webhook",), "auto_creation_webhook_method",
     "webhook_method"),
    ("webhook_filters", dict(type="list", elements="str", choices=list(WEBHOOK_FILTERS)), ("webhook",),
     "auto_creation_webhook_filters", "webhook_filters"),
    ("address_country", dict(type="str"), None, "address_country", None),
)
KIND = Kind(
    SETTINGS_TABLE, "auto_creation_type", AUTO_TYPES, DEFAULT_AUTO_TYPE, "Conversations address", "address_configuration",
    sid_options=(("conversation_service_sid", "conversation_service"),), ranges=(("retry_count", (0, 3)),),
    nonempty_lists=("webhook_filters",), checked=(("conversation_service_sid", "conversation_service"),),
)
SETTINGS = KIND.settings
TYPE_OPTIONS = KIND.type_options
# What the API cannot update: a change is a delete and a create.
FIXED = ("type", "phone_number", "address_country")
entry_options = KIND.entry_options
types_for = KIND.types_for


def managed_view(address):
    """The live address configuration under the option names (settings of its own auto-creation type only)."""
    if address is None:
        return None
    auto = address.get("auto_creation") or {}
    live_type = auto.get("type")
    view = dict(type=address.get("type"), phone_number=address.get("address"))
    for option, _spec, types, _kw, key in SETTINGS_TABLE:
        if types and live_type not in types:
            continue
        view[option] = blank_to_none(address.get(option) if key is None else auto.get(key))
    if view.get("webhook_method"):
        view["webhook_method"] = view["webhook_method"].upper()
    if view.get("webhook_filters") is not None:
        view["webhook_filters"] = sorted(view["webhook_filters"])
    if isinstance(view.get("retry_count"), str) and view["retry_count"].isdigit():
        view["retry_count"] = int(view["retry_count"])
    return dict((k, v) for k, v in view.items() if v is not None)


def to_api(fields):
    """SDK keyword arguments for create/update from option-named fields (CLEARED and unset ones left out)."""
    kwargs = {}
    for option, _spec, _types, keyword, _key in SETTINGS_TABLE:
        value = fields.get(option)
        if value is None or value == CLEARED:
            continue
        if option == "webhook_method":
            value = value.lower()  # the API's enum is get/post
        kwargs[keyword] = value
    return kwargs


def describe(address):
    """An address configuration as returned by the module: Twilio's fields plus ``phone_number``."""
    if address is None:
        return None
    out = dict(address)
    out["phone_number"] = address.get("address")
    return out


def label(phone_number, sid=None):
    return "Conversations address %s" % (phone_number or sid)


# -- one entry -----------------------------------------------------------------------------


def validate_entry(entry):
    """Input checks of one entry that need no request."""
    if entry["auto_creation_type"] == "task":
        raise task_refused(entry)
    machinery.validate_entry(KIND, entry, extra=check_country)


def check_country(entry):
    country = entry["address_country"]
    if country is not None and not COUNTRY_RE.match(country):
        raise ValidationError(
            "%s=%r is not an ISO 3166-1 alpha-2 country code: write two capital letters, for example 'US'."
            % (entry.name("address_country"), country), option=entry.name("address_country"),
            fix="Write two capital letters, for example 'US'.")


def task_refused(entry, carried=False):
    """Flex Conversations has no task type (the legacy integration that creates TaskRouter tasks directly)."""
    option = entry.name("auto_creation_type")
    return ValidationError(
        "%s %s integration type task, which Flex Conversations does not support: set %s to studio (with a flow that "
        "reaches Send to Flex) or webhook." % (
            entry.phone_number, "uses the legacy" if carried else "asks for", option),
        code="task_integration", option=option, entry=entry.phone_number,
        fix="Set %s to studio (with a flow that reaches Send to Flex) or webhook." % option)


def wanted_fields(entry, before, resolver):
    """The managed fields the entry asks for, given the live ones (``before``; None when creating).

    ``resolver`` performs the (cached) look-ups only when a value is needed:
    ``studio_flow_sid(value, defaulted, option)`` (a SID is fetched, unless it is the live one),
    ``flex_default(key, option)`` and ``check_exists(option, kind, value)`` (_resolver.Resolver): a
    ``conversation_service_sid`` the task sets is fetched before it is written, unless it is the live one.
    """
    creating, switching, effective, fresh = machinery.fit_live_type(KIND, entry, before)
    wanted = machinery.common_wanted(KIND, entry, creating, "Flex Conversations %s")
    wanted.update(type=ADDRESS_TYPE, address_country=entry["address_country"])
    wanted.update(machinery.studio_or_webhook(KIND, entry, before, resolver, creating, fresh, effective))
    if effective == "webhook":
        wanted["webhook_method"] = entry["webhook_method"]
        wanted["webhook_filters"] = sorted(entry["webhook_filters"]) if entry["webhook_filters"] else None
    wanted["conversation_service_sid"] = entry["conversation_service_sid"] or (
        resolver.flex_default("flex_service_instance_sid", entry.name("conversation_service_sid")) if creating else None)
    machinery.check_given(KIND, entry, before, wanted, resolver)
    if switching:
        machinery.clear_other_types(KIND, effective, before, wanted)
    return dict((k, v) for k, v in wanted.items() if v is not None)


def replaced_by(before, wanted):
    """The fields that cannot be updated and differ (type, phone_number, address_country); empty: update in place."""
    if before is None:
        return []
    return [k for k in FIXED if wanted.get(k) is not None and before.get(k) != wanted[k]]


def replacement_fields(before, wanted):
    """What the new address of a replacement gets: the old settings, then what the task sets."""
    fields = dict((k, v) for k, v in before.items() if k not in FIXED)
    fields.update((k, v) for k, v in wanted.items() if v != CLEARED)
    for option in TYPE_OPTIONS:
        if option in fields and fields.get("auto_creation_type") not in types_for(option):
            del fields[option]
    return fields


UNREACHABLE_FIX = (
    "Conversations to these numbers would never reach a Flex agent. In Studio, connect the Trigger's "
    "incomingConversationMessage transition (how a Conversations address enters a flow) to a path that ends in a "
    "Send to Flex widget and publish the flow, or use another flow (studio_flow)")


def studio_problems(m, entries, fail):
    """The Studio flows the planned entries use after the task, checked from incomingConversationMessage."""
    users = {}
    for entry in entries:
        after = dict(entry.plan["before"] or {})
        after.update((k, v) for k, v in (entry.plan["wanted"] or {}).items() if v != CLEARED)
        if after.get("auto_creation_type") == "studio" and after.get("studio_flow"):
            users.setdefault(after["studio_flow"], []).append(entry)
    return _studio.flow_problems(m, users, fail, UNREACHABLE_FIX,
                                 "Conversations to these numbers never reach a Flex agent.", event=TRIGGER_EVENT)


# -- look-ups ------------------------------------------------------------------------------


def all_addresses(m):
    """Every sms address configuration of the account (one listing, cached), by address."""
    return lookups.cached(m, "conversations_addresses", lambda: dict(
        (a.get("address"), a) for a in m.list_all(
            "Listing the Conversations addresses", m.client.conversations.v1.address_configurations,
            type=ADDRESS_TYPE, page_size=PAGE_SIZE)
        if a.get("type") == ADDRESS_TYPE))


def address_of(m, phone_number, listed):
    """The sms address configuration of a number, or None: from the one listing, or fetched by address."""
    if listed:
        return all_addresses(m).get(phone_number)
    found = m.fetch("Reading the Conversations address of %s" % phone_number,
                    lambda: m.client.conversations.v1.address_configurations(phone_number).fetch())
    return found if found and found.get("type") == ADDRESS_TYPE else None


def address_by_sid(m, sid):
    return m.fetch("Reading Conversations address %s" % sid,
                   lambda: m.client.conversations.v1.address_configurations(sid).fetch())


def create(m, fields):
    kwargs = to_api(fields)
    return to_dict(m.client.conversations.v1.address_configurations.create(
        type=fields.get("type") or ADDRESS_TYPE, address=fields["phone_number"], **kwargs))


def update(m, sid, changes):
    kwargs = to_api(changes)
    kwargs.pop("address_country", None)
    return to_dict(m.client.conversations.v1.address_configurations(sid).update(**kwargs))


# -- entries, plan and writes (shared by flex_conversations_address and the migration) -------------------


class AddressEntry(machinery.AddressEntry):
    """One number of flex_conversations_address (``phone_number``, ``sid``)."""

    noun = KIND.noun


def entries_from(params):
    """The task's entries: module-level settings are defaults of every list entry; a setting of another
    auto-creation type than an entry's own is not. A number given twice is refused."""
    entries = machinery.entries_from(KIND, params, AddressEntry)
    duplicate = machinery.first_duplicate(entries)
    if duplicate is not None:
        raise duplicate
    return entries


def plan(m, entry, state, listed, handler_warning=True):
    """What one entry's writes need, read before them: the live address, its view, the wanted fields.

    Only reads (cached look-ups); raises ValidationError for what the entry cannot do. With
    ``handler_warning``, a new address of a number whose sms_url (or SMS application) is set is warned about.
    """
    live = None
    if entry.sid:
        live = address_by_sid(m, entry.sid)
        if live is None and entry.phone_number is None:
            if state == "absent":
                return dict(live=None, before=None, wanted=None, replaced=[])
            raise ValidationError(
                "sid=%s: account %s has no Conversations address with that SID: give phone_number too to create "
                "the number's address, or fix the SID." % (entry.sid, m.account_sid), code="not_found", option="sid",
                fix="Give phone_number too, or fix sid.")
        if live is not None and entry.phone_number is None:
            entry.phone_number = live.get("address")
    if live is None and entry.phone_number is not None:
        live = address_of(m, entry.phone_number, listed)
    before = managed_view(live)
    result = dict(live=live, before=before, wanted=None, replaced=[])
    if state == "absent":
        return result
    # A number the account does not own is refused before anything else is read for it.
    number = lookups.owned_number(m, entry, required=True) if live is None else None
    wanted = wanted_fields(entry, before, Resolver(m))
    result.update(wanted=wanted, replaced=replaced_by(before, wanted))
    if result["replaced"] and "phone_number" in result["replaced"]:
        number = lookups.owned_number(m, entry, required=True)
    if number is not None and handler_warning:
        if number.get("sms_url") or number.get("sms_application_sid"):
            m.warn("%s has %s set: Twilio runs it in parallel to the Conversations address (usually not wanted); "
                   "blank it (flexops.twilio.phone_number_handler)." % (
                       entry.phone_number, "sms_url" if number.get("sms_url") else "sms_application_sid"))
    return result


def write(m, entry, state):
    """One entry's writes (create, update, replace or delete); returns its result."""
    planned = entry.plan
    live, before = planned["live"], planned["before"]
    result = dict(phone_number=entry.phone_number)
    if state == "absent":
        deleted = m.remove(entry.label, before, lambda: m.client.conversations.v1.address_configurations(
            live["sid"]).delete(), reread=lambda: address_by_sid(m, live["sid"]))
        result.update(changed=deleted, address=None, deleted=describe(live) if deleted else None)
        return result
    if planned["replaced"]:
        written = replace(m, entry, live, before, planned)
        result.update(changed=True, replaced=True, address=describe(written))
        return with_flow(entry, result)

    def recover():
        lookups.forget(m, "conversations_addresses")
        return address_of(m, entry.phone_number, False)

    def reread():
        found = address_by_sid(m, live["sid"])
        return managed_view(found), found

    changed, written = m.reconcile(entry.label, before, planned["wanted"], lambda fields: create(m, fields),
                                   lambda changes: update(m, live["sid"], changes), recover=recover,
                                   reread=reread if live is not None else None)
    if changed:
        entry.done.append("its Conversations address was %s" % ("created" if live is None else "updated"))
    result.update(changed=changed, replaced=False, address=describe(written if written is not None else live))
    return with_flow(entry, result)


def with_flow(entry, result):
    """The entry's Studio flow report (with check_send_to_flex) in its result, naming the trigger event."""
    if entry.studio_flow is not None:
        report = dict(entry.studio_flow)
        report["send_to_flex"] = dict(report["send_to_flex"], trigger_event=TRIGGER_EVENT)
        result["studio_flow"] = report
    return result


def replace(m, entry, live, before, planned):
    """Delete the address and create it again (type, address or country cannot be updated); the diff says so."""
    fields = replacement_fields(before, planned["wanted"])
    header = "%s (%s): replaced, because %s cannot be updated (delete and create)" % (
        entry.label, live["sid"], " and ".join(planned["replaced"]))
    m.add_diff(header, before, fields)
    if m.check_mode:
        return None
    old = m.client.conversations.v1.address_configurations(live["sid"])

    def recover():
        return address_of(m, fields["phone_number"], False)

    def make():
        return m.write_once("Creating %s" % label(fields["phone_number"]), lambda: create(m, fields), verify=recover)

    def delete(what):
        # 404 counts as deleted (a DELETE retried after its answer was lost); re-read when the retries are used up.
        m.delete_once("%s (%s)" % (what, live["sid"]), old.delete, reread=lambda: address_by_sid(m, live["sid"]))

    if "phone_number" in planned["replaced"]:
        written = make()  # another number: the new address first, the old number keeps its path until then
        entry.done.append("the address of %s was created" % fields["phone_number"])
        delete(label(before.get("phone_number")))
        return written
    delete(entry.label)
    entry.done.append("the old address %s was deleted" % live["sid"])
    return make()
