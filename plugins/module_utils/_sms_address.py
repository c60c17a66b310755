# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: what one flex_sms_address entry means.

The Flex Flow kind's own branches on the address machinery (_address_kind):
its entries and their checks, the flow an entry is about (``select_flow``)
and the settings it wants (``wanted_fields``, the task integration's
defaults and task channel comparison). Logic only: the look-ups go through a
Resolver (_resolver).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.module_utils import _address_kind as machinery
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError
from ansible_collections.flexops.twilio.plugins.module_utils._flex_flow import flows_for_number, is_sms, same_number, summary
from ansible_collections.flexops.twilio.plugins.module_utils._integrations import KIND
from ansible_collections.flexops.twilio.plugins.module_utils._validate import only_with

DEFAULT_TASK_CHANNEL = "sms"

UNREACHABLE_FIX = (
    "Messages to these SMS addresses would never reach a Flex agent. In Studio, connect the Trigger's Incoming "
    "Message transition to a path that ends in a Send to Flex widget and publish the flow, or use another flow "
    "(studio_flow), or set check_send_to_flex to warn to set the addresses up anyway")


class Entry(machinery.AddressEntry):
    """One number's wanted settings (an O(addresses) entry, or the single form's options)."""

    noun = KIND.noun


def check_task(p):
    """The module-level rules of flex_sms_address: the Proxy pool options need proxy_service, and state=absent
    takes none of the options that only a present address uses."""
    # take_over defaults to false; is_reserved has no default, so false is a setting too.
    for option, given in (("is_reserved", p["is_reserved"] is not None), ("take_over", p["take_over"])):
        if given and p["proxy_service"] is None:
            raise only_with(option, "proxy_service", "set proxy_service (for example 'Flex Proxy Service') "
                            "or remove %s." % option)
    if p["state"] == "absent":
        if p["take_over"] or p["is_reserved"] is not None:
            option = "take_over" if p["take_over"] else "is_reserved"
            raise only_with(option, "state=present", "remove %s or set state=present." % option)
        if p["check_send_to_flex"] != "skip":
            raise only_with("check_send_to_flex=%s" % p["check_send_to_flex"], "state=present",
                            "remove it or set state=present.")
        if p["replace_conversations"]:
            raise only_with("replace_conversations", "state=present", "remove it or set state=present.")


def validate_entry(entry):
    """Input checks of one entry that need no request; normalises integration_type."""
    machinery.validate_entry(KIND, entry)


def select_flow(flows, entry, state, account_sid=""):
    """The live flow an entry is about (or None); ValidationError for a missing SID or duplicates."""
    if entry.sid:
        found = [f for f in flows if f.get("sid") == entry.sid]
        if not found:
            if state == "absent":
                return None
            raise ValidationError(
                "sid=%s: account %s has no Flex Flow with that SID. The module does not create a flow in its "
                "place: remove sid to find or create the SMS address of phone_number, or fix the SID."
                % (entry.sid, account_sid), code="not_found", option="sid",
                fix="Remove sid to find or create the SMS address of phone_number, or fix the SID.")
        flow = found[0]
        if not is_sms(flow):
            raise ValidationError(
                "sid=%s is a Flex Flow of channel type %r, not an SMS address (channel type 'sms'): "
                "give the SID of an SMS flow." % (entry.sid, flow.get("channel_type")), code="not_an_sms_address",
                option="sid", fix="Give the SID of an SMS flow.")
        if state == "absent" and entry.phone_number and not same_number(flow.get("contact_identity"), entry.phone_number):
            raise ValidationError(
                "sid=%s serves %s, not phone_number=%s: nothing was deleted; fix sid or phone_number."
                % (entry.sid, flow.get("contact_identity"), entry.phone_number), code="sid_number_mismatch",
                option="sid", fix="Fix sid or phone_number.")
        return flow
    matches = flows_for_number(flows, entry.phone_number)
    if len(matches) > 1:
        raise ValidationError(
            "%s=%s has %d SMS addresses (Flex Flows): %s. Pass sid to choose the one to manage, and "
            "delete the others with state=absent and their sid." % (
                entry.name("phone_number"), entry.phone_number, len(matches),
                "; ".join(summary(f) for f in sorted(matches, key=lambda f: f.get("sid")))),
            code="duplicate_addresses", option=entry.name("phone_number"),
            fix="Pass sid to choose the one to manage, and delete the others with state=absent and their sid.")
    return matches[0] if matches else None


def wanted_fields(entry, before, resolver):
    """The managed fields the entry asks for, given the live ones (``before``; None when creating).

    ``resolver`` performs the (cached) look-ups, only when a value is needed:
    ``studio_flow_sid(value, defaulted, option)`` (a SID is fetched once to be
    sure the flow exists, unless it is the live value), ``flex_default(key, option)`` and
    ``same_task_channel(workspace_sid, a, b)``.
    """
    creating, switching, effective, fresh = machinery.fit_live_type(KIND, entry, before)
    wanted = machinery.common_wanted(KIND, entry, creating, "SMS %s")
    wanted.update(janitor_enabled=entry["janitor_enabled"], long_lived=entry["long_lived"])
    wanted.update(machinery.studio_or_webhook(KIND, entry, before, resolver, creating, fresh, effective))
    if effective == "webhook":
        wanted["retry_count"] = entry["retry_count"]
    elif effective == "task":
        wanted["workspace_sid"] = entry["workspace_sid"] or (
            resolver.flex_default("taskrouter_workspace_sid", entry.name("workspace_sid")) if fresh else None)
        wanted["workflow_sid"] = entry["workflow_sid"] or (
            resolver.flex_default("taskrouter_target_workflow_sid", entry.name("workflow_sid")) if fresh else None)
        channel = entry["task_channel"] or (DEFAULT_TASK_CHANNEL if fresh else None)
        live_channel = None if creating else before.get("task_channel")
        if channel and live_channel and channel != live_channel:
            workspace = wanted["workspace_sid"] or before.get("workspace_sid")
            if workspace and resolver.same_task_channel(workspace, channel, live_channel):
                channel = live_channel
        wanted["task_channel"] = channel
        wanted["priority"] = entry["priority"]
        wanted["timeout"] = entry["timeout"]
    wanted["chat_service_sid"] = entry["chat_service_sid"] or (
        resolver.flex_default("chat_service_instance_sid", entry.name("chat_service_sid")) if creating else None)
    if switching:
        machinery.clear_other_types(KIND, effective, before, wanted)
    machinery.check_given(KIND, entry, before, wanted, resolver)
    return dict((k, v) for k, v in wanted.items() if v is not None)


def entries_from(p):
    """The entries: one from the module-level options, or one per O(addresses) item with them as defaults."""
    return machinery.entries_from(KIND, p, Entry)
