# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: the one machinery of every address kind.

An address kind (a legacy SMS address on a Flex Flow, a Flex Conversations
address, ...) is a ``Kind``: its settings table (option, argument spec, the
integration types it belongs to, then columns of the kind's own API mapping)
and a few names. Everything here reads only that table: which integration
type takes which option (``types_for``), the entry rules (``validate_entry``:
forms, ranges, type fit), the entries of a task (``entries_from``), and the
parts of the wanted settings every kind shares (``fit_live_type``,
``wanted_studio_flow``, ``require_webhook``, ``clear_other_types``,
``check_given``). ``CLEARED`` marks a setting of the old type when the type
is switched. Pure logic, no requests (the look-ups go through a Resolver).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.module_utils import _lookups, _runner
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError
from ansible_collections.flexops.twilio.plugins.module_utils._validate import (
    check_e164,
    check_sid,
    check_sid_or_name,
    check_url,
    is_sid,
)

# Marks an integration setting of the old type when the type is switched: "" in the diff's "after", never sent.
CLEARED = ""


class Kind(object):
    """One address kind's settings table and names.

    ``table``: rows ``(option, argument spec, integration types or None for
    every type, ...the kind's own API columns)``. ``type_option``: the option
    choosing the integration type (``integration_type``, ``auto_creation_type``);
    ``types`` its values, ``default_type`` the one a new address gets,
    ``aliases`` other spellings accepted. ``noun``: how a message names one
    address ("SMS address"). ``sid_kind``: the SID kind of ``sid``;
    ``sid_options`` / ``name_options``: (option, kind) checked as a SID / as a
    SID or name; ``ranges``: (option, (low, high)); ``nonempty_lists``: list
    options that must not be empty; ``checked``: (option, kind of
    ``_lookups.check_exists``) fetched before they are written;
    ``address_check(option, value)``: the form of ``phone_number`` (E.164).
    """

    def __init__(self, table, type_option, types, default_type, noun, sid_kind, aliases=None, sid_options=(),
                 name_options=(("studio_flow", "studio_flow"),), ranges=(), nonempty_lists=(), checked=(),
                 address_check=check_e164):
        self.table = table
        self.type_option = type_option
        self.types = tuple(types)
        self.default_type = default_type
        self.noun = noun
        self.sid_kind = sid_kind
        self.aliases = dict(aliases or {})
        self.sid_options = tuple(sid_options)
        self.name_options = tuple(name_options)
        self.ranges = tuple(ranges)
        self.nonempty_lists = tuple(nonempty_lists)
        self.checked = tuple(checked)
        self.address_check = address_check
        self.settings = tuple(row[0] for row in table)
        self.type_options = tuple(row[0] for row in table if row[2])
        self.type_word = type_option.replace("_type", "").replace("_", "-") + " type"  # "integration type"

    def entry_options(self):
        """The argument spec of the settings (module-level options and list-entry suboptions alike)."""
        return dict((row[0], dict(row[1])) for row in self.table)

    def normalise_type(self, value):
        """A type value with its aliases resolved (``external`` -> ``webhook``)."""
        if value is None:
            return None
        return self.aliases.get(value, value)

    def types_for(self, option):
        """The integration types an option belongs to (every type for a common option)."""
        for row in self.table:
            if row[0] == option and row[2]:
                return row[2]
        return self.types

    def options_of(self, itype):
        """The type-specific options of integration type ``itype``."""
        itype = self.normalise_type(itype)
        return tuple(o for o in self.type_options if itype in self.types_for(o))


class AddressEntry(_runner.Entry):
    """One number's wanted settings (an O(addresses) entry, or the single form's options)."""

    list_option = "addresses"
    key = "phone_number"
    noun = "address"

    def __init__(self, values, phone_number=None, sid=None, index=None, own=()):
        super(AddressEntry, self).__init__(values, index=index, own=own, phone_number=phone_number, sid=sid)
        self.studio_flow = None  # the Studio flow report, with check_send_to_flex

    @property
    def label(self):
        return "%s %s" % (self.noun, self.phone_number or self.sid)


# -- entry rules ------------------------------------------------------------------------------


def empty_addresses():
    return ValidationError("addresses is empty: give at least one entry with phone_number.", code="missing_option",
                           option="addresses", fix="Give at least one entry with phone_number.")


def duplicate_entry(first, index, number):
    return ValidationError("addresses[%d] and addresses[%d] both have phone_number=%s: give each number once."
                           % (first, index, number), code="duplicate_entry",
                           option="addresses[%d].phone_number" % index, fix="Give each number once.")


def first_duplicate(entries):
    """The ``duplicate_entry`` error of the first number given twice in the list (None when there is none)."""
    seen = {}
    for entry in entries:
        if entry.index is not None and entry.phone_number in seen:
            return duplicate_entry(seen[entry.phone_number], entry.index, entry.phone_number)
        seen.setdefault(entry.phone_number, entry.index)
    return None


def entries_from(kind, params, entry_class):
    """The task's entries: one from the module-level options, or one per O(addresses) item with them as
    defaults, minus the module-level settings of another integration type than the item's own."""
    defaults = dict((k, params.get(k)) for k in kind.settings)
    if params.get("addresses") is None:
        return [entry_class(dict(defaults), phone_number=params.get("phone_number"), sid=params.get("sid"))]
    if not params["addresses"]:
        raise empty_addresses()
    entries = []
    for index, item in enumerate(params["addresses"]):
        values = dict(defaults)
        own = [k for k in kind.settings if item.get(k) is not None]
        values.update((k, item[k]) for k in own)
        own_type = kind.normalise_type(item.get(kind.type_option))
        if own_type is not None:
            for option in kind.type_options:
                if option not in own and own_type not in kind.types_for(option):
                    values[option] = None
        entries.append(entry_class(values, phone_number=item["phone_number"], index=index, own=own))
    return entries


def check_type_fit(kind, entry, option, itype, why):
    """ValidationError ``option_conflict`` when ``option`` is set but not used by integration type ``itype``."""
    types = kind.types_for(option)
    if itype not in types:
        raise ValidationError(
            "%s is only used with %s=%s, but %s: remove %s or change %s." % (
                entry.name(option), kind.type_option, "/".join(types), why, entry.name(option), kind.type_option),
            code="option_conflict", option=entry.name(option),
            fix="Remove %s or change %s." % (entry.name(option), kind.type_option))


def validate_entry(kind, entry, extra=None):
    """Input checks of one entry that need no request; normalises the type option.

    ``extra(entry)`` runs the kind's own checks after the common forms and before the ranges.
    """
    kind.address_check(entry.name("phone_number"), entry.phone_number)
    check_sid(entry.name("sid"), entry.sid, kind.sid_kind)
    for option, sid_kind in kind.sid_options:
        check_sid(entry.name(option), entry[option], sid_kind)
    for option, sid_kind in kind.name_options:
        check_sid_or_name(entry.name(option), entry[option], sid_kind)
    check_url(entry.name("webhook_url"), entry["webhook_url"])
    if entry["friendly_name"] is not None and not entry["friendly_name"].strip():
        raise ValidationError("%s must not be empty: give a name or leave it out." % entry.name("friendly_name"),
                              option=entry.name("friendly_name"), fix="Give a name or leave it out.")
    if extra is not None:
        extra(entry)
    for option, (low, high) in kind.ranges:
        value = entry[option]
        if value is not None and not low <= value <= high:
            raise ValidationError("%s=%s is out of range: it must be from %d to %d." % (entry.name(option), value, low, high),
                                  code="out_of_range", option=entry.name(option), fix="Set it from %d to %d." % (low, high))
    for option in kind.nonempty_lists:
        if entry[option] is not None and not entry[option]:
            raise ValidationError("%s is empty: give at least one event or leave it out." % entry.name(option),
                                  option=entry.name(option), fix="Give at least one event or leave it out.")
    entry.values[kind.type_option] = kind.normalise_type(entry[kind.type_option])
    itype = entry[kind.type_option]
    given = [o for o in kind.type_options if entry[o] is not None]
    if itype is not None:
        for option in given:
            check_type_fit(kind, entry, option, itype, "%s=%s" % (kind.type_option, itype))
        return
    fitting = set(kind.types)
    for option in given:
        fitting &= set(kind.types_for(option))
    if not fitting:
        raise ValidationError(
            "%s belong to different %ss (%s): keep only the settings of one %s and set %s." % (
                " and ".join(entry.name(o) for o in given), kind.type_word,
                "; ".join("%s: %s" % (entry.name(o), "/".join(kind.types_for(o))) for o in given),
                kind.type_word, kind.type_option),
            code="mixed_integration_types", option=entry.name(given[0]),
            fix="Keep only the settings of one %s and set %s." % (kind.type_word, kind.type_option))


# -- the wanted settings: the parts every kind shares ---------------------------------------------


def fit_live_type(kind, entry, before):
    """(creating, switching, effective type, fresh) of an entry against its live address (``before``; None when
    creating). Options set without the type option must fit the type the address will have."""
    creating = before is None
    live_type = None if creating else before.get(kind.type_option)
    wanted_type = entry[kind.type_option]
    switching = not creating and wanted_type is not None and wanted_type != live_type
    effective = wanted_type or live_type or kind.default_type
    if wanted_type is None:
        why = ("a new %s gets %s=%s (the default)" % (kind.noun, kind.type_option, kind.default_type) if creating
               else "the %s of %s uses %s=%s" % (kind.noun, entry.phone_number or entry.sid, kind.type_option, live_type))
        for option in kind.type_options:
            if entry[option] is not None:
                check_type_fit(kind, entry, option, effective, why)
    return creating, switching, effective, creating or switching


def common_wanted(kind, entry, creating, default_name):
    """The wanted settings every kind has: the number, its name (``default_name % number`` on create), enabled
    (true on create) and the type option (the default type on create)."""
    return {
        "phone_number": entry.phone_number,
        "friendly_name": entry["friendly_name"] or (default_name % entry.phone_number if creating else None),
        "enabled": entry["enabled"] if entry["enabled"] is not None else (True if creating else None),
        kind.type_option: entry[kind.type_option] or (kind.default_type if creating else None),
    }


def wanted_studio_flow(entry, before, resolver, fresh):
    """The SID of the Studio flow an entry wants (the default flow's when none is set on a fresh address): a SID
    is fetched (one cached GET) to be sure the flow exists before it is written (issue 12), unless it is the live one."""
    value = entry["studio_flow"]
    defaulted = value is None and fresh
    if defaulted:
        value = _lookups.DEFAULT_STUDIO_FLOW
    if value is not None and is_sid(value, "studio_flow") and value == (before or {}).get("studio_flow"):
        return value  # the live one: nothing is sent, nothing to check
    if value is not None:
        return resolver.studio_flow_sid(value, defaulted, entry.name("studio_flow"))
    return None


def studio_or_webhook(kind, entry, before, resolver, creating, fresh, effective):
    """The settings of a studio address (its flow, ``retry_count``) or of a webhook address (``webhook_url``, needed
    when the address is fresh) that every kind shares; empty for another type."""
    if effective == "studio":
        return dict(studio_flow=wanted_studio_flow(entry, before, resolver, fresh), retry_count=entry["retry_count"])
    if effective == "webhook":
        require_webhook(kind, entry, creating, fresh)
        return dict(webhook_url=entry["webhook_url"])
    return {}


def require_webhook(kind, entry, creating, fresh):
    """A fresh webhook address needs webhook_url: ValidationError ``missing_option`` without it."""
    if entry["webhook_url"] is None and fresh:
        raise ValidationError(
            "%s needs webhook_url with %s=webhook: set %s (an https URL)."
            % ("Creating " + entry.label if creating else "Switching %s to webhook" % entry.label,
               kind.type_option, entry.name("webhook_url")), code="missing_option", option=entry.name("webhook_url"),
            fix="Set %s (an https URL)." % entry.name("webhook_url"))


def clear_other_types(kind, effective, before, wanted):
    """On a type switch, the live settings of the old type become CLEARED (shown in the diff, never sent)."""
    for option in kind.type_options:
        if effective not in kind.types_for(option) and before.get(option) is not None:
            wanted[option] = CLEARED


def check_given(kind, entry, before, wanted, resolver):
    """Fetch what the entry's own settings name before they are written: only values the task sets (a default
    from the Flex Configuration needs no check) that differ from the live ones (nothing is sent for those)."""
    live = before or {}
    workspace = wanted.get("workspace_sid") or live.get("workspace_sid")
    for option, what in kind.checked:
        value = entry[option]
        if value is None or wanted.get(option) != value or live.get(option) == value:
            continue
        in_workspace = what in ("workflow", "task_channel")
        if in_workspace and not workspace:
            continue  # no workspace to look in: Twilio decides
        resolver.check_exists(entry.name(option), what, value, workspace if in_workspace else None)
