# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: a Flex Flow used as an SMS address.

The mapping between Twilio's Flex v1 FlexFlow resource and the option names
of flex_sms_address / flex_sms_address_info (pure data, no requests), and
what one flex_sms_address entry means: its checks, the flow it is about, the
settings it wants, and the error for a refused collision.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.flexops.twilio.plugins.module_utils import _address_kind as machinery
from ansible_collections.flexops.twilio.plugins.module_utils import _lookups
from ansible_collections.flexops.twilio.plugins.module_utils._address_kind import CLEARED
from ansible_collections.flexops.twilio.plugins.module_utils._base import applied
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError, ValidationError
from ansible_collections.flexops.twilio.plugins.module_utils._integrations import INTEGER_OPTIONS, KIND, SETTINGS_TABLE
from ansible_collections.flexops.twilio.plugins.module_utils._validate import is_sid


# User-facing integration type -> the API's IntegrationType value.
TYPE_TO_API = {"studio": "studio", "webhook": "external", "task": "task"}
TYPE_FROM_API = dict((v, k) for k, v in TYPE_TO_API.items())

# Integration settings: option -> (SDK keyword, keys in the response's
# ``integration`` object, integration types the setting belongs to), from the one table in _integrations.
# The spec documents only ``flow_sid`` and ``retry_count`` in the response;
# the other keys follow the same snake_case naming.
INTEGRATION_FIELDS = tuple((row[0], row[3], row[4], row[2]) for row in SETTINGS_TABLE if row[2])

# Top-level settings: option -> SDK keyword (= response key).
TOP_FIELDS = (
    ("phone_number", "contact_identity"),
    ("friendly_name", "friendly_name"),
    ("chat_service_sid", "chat_service_sid"),
    ("enabled", "enabled"),
    ("integration_type", "integration_type"),
    ("janitor_enabled", "janitor_enabled"),
    ("long_lived", "long_lived"),
)

_FLOW_SID_RE = re.compile(r"FO[0-9a-fA-F]{32}")


def user_type(api_type):
    """The option value for an API IntegrationType (``external`` -> ``webhook``)."""
    if api_type is None:
        return None
    return TYPE_FROM_API.get(api_type, api_type)


def same_number(contact_identity, phone_number):
    """True when a flow's contact identity is the E.164 number (with or without its '+')."""
    if not contact_identity or not phone_number:
        return False
    return contact_identity.strip().lstrip("+") == phone_number.strip().lstrip("+")


def e164(contact_identity):
    """A contact identity in E.164 form ('+' added when it is digits only)."""
    if contact_identity and contact_identity.isdigit():
        return "+" + contact_identity
    return contact_identity


def is_sms(flow):
    return flow.get("channel_type") == "sms"


def flows_for_number(flows, phone_number):
    """The SMS Flex Flows (channel ``sms``) whose contact identity is ``phone_number``."""
    return [f for f in flows if is_sms(f) and same_number(f.get("contact_identity"), phone_number)]


def _integer(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and re.match(r"^-?\d+$", value.strip()):
        return int(value)
    return value


def _integration_value(integration, keys):
    for key in keys:
        if key in integration:
            value = integration[key]
            return None if value in ("", None) else value
    return None


def managed_view(flow):
    """The managed fields of a live flow, under the option names.

    Integration settings are read only for the flow's own integration type
    (what Twilio keeps for other types does not route anything).
    """
    view = dict((name, flow.get(key)) for name, key in TOP_FIELDS)
    view["phone_number"] = e164(flow.get("contact_identity"))
    view["integration_type"] = user_type(flow.get("integration_type"))
    integration = flow.get("integration") or {}
    if not isinstance(integration, dict):
        integration = {}
    for name, _kw, keys, types in INTEGRATION_FIELDS:
        value = _integration_value(integration, keys) if view["integration_type"] in types else None
        view[name] = _integer(value) if name in INTEGER_OPTIONS else value
    return view


def to_api(fields):
    """SDK keyword arguments for managed fields (None and cleared values are not sent)."""
    kwargs = {}
    for name, key in TOP_FIELDS:
        value = fields.get(name)
        if value is None:
            continue
        kwargs[key] = TYPE_TO_API.get(value, value) if name == "integration_type" else value
    for name, keyword, _keys, _types in INTEGRATION_FIELDS:
        value = fields.get(name)
        if value is None or value == CLEARED:
            continue
        kwargs[keyword] = value
    return kwargs


def describe(flow):
    """A flow as returned to the user: Twilio's fields, ``integration_type`` with
    the option's names (``webhook``), and ``phone_number`` (the contact identity)."""
    if flow is None:
        return None
    result = dict(flow)
    result["integration_type"] = user_type(flow.get("integration_type"))
    result["phone_number"] = e164(flow.get("contact_identity"))
    return result


def flow_sids_in(text):
    """Flex Flow SIDs named in a message (Twilio's collision errors may name the other flow)."""
    return sorted(set(_FLOW_SID_RE.findall(text or "")))


def summary(flow):
    """One line naming a flow for error messages."""
    return "%s (%s, %s, integration %s)" % (
        flow.get("sid"), repr(flow.get("friendly_name")),
        "enabled" if flow.get("enabled") else "disabled", user_type(flow.get("integration_type")),
    )


# -- one flex_sms_address entry ---------------------------------------------------

DEFAULT_TASK_CHANNEL = "sms"

UNREACHABLE_FIX = (
    "Messages to these SMS addresses would never reach a Flex agent. In Studio, connect the Trigger's Incoming "
    "Message transition to a path that ends in a Send to Flex widget and publish the flow, or use another flow "
    "(studio_flow), or set check_send_to_flex to warn to set the addresses up anyway")


class Entry(machinery.AddressEntry):
    """One number's wanted settings (an O(addresses) entry, or the single form's options)."""

    noun = KIND.noun


def live_view(flow):
    """The managed fields of a live flow that are set (None when there is no flow)."""
    if flow is None:
        return None
    return dict((k, v) for k, v in managed_view(flow).items() if v is not None)


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
    if effective == "studio":
        wanted["studio_flow"] = machinery.wanted_studio_flow(entry, before, resolver, fresh)
        wanted["retry_count"] = entry["retry_count"]
    elif effective == "webhook":
        machinery.require_webhook(KIND, entry, creating, fresh)
        wanted["webhook_url"] = entry["webhook_url"]
        wanted["retry_count"] = entry["retry_count"]
    else:
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


def is_collision(exc):
    """True when Twilio refused a flow because it collides with another flow of the same number (45210, 45212)."""
    message = exc.details.get("twilio_message") or exc.msg
    return "collid" in (message or "").lower() or exc.details.get("code") in (45210, 45212)


def collision_error(exc, entry, flow, flows, what):
    """A clear error for Twilio refusing a flow that collides with another one; None if ``exc`` is something else."""
    message = exc.details.get("twilio_message") or exc.msg
    mentions = "collid" in (message or "").lower()
    if not is_collision(exc) and exc.details.get("status") not in (400, 409):
        return None
    own = flow.get("sid") if flow else None
    number = entry.phone_number or (flow or {}).get("contact_identity")
    others = [f for f in flows_for_number(flows, number) if f.get("sid") != own and f.get("enabled")] if number else []
    named = [s for s in flow_sids_in(message) if s != own]
    by_sid = dict((f.get("sid"), f) for f in flows)
    sids = sorted(set(named) | set(f.get("sid") for f in others))
    if not sids and not mentions:
        return None
    if sids:
        listed = "; ".join(summary(by_sid[s]) if s in by_sid else s for s in sids)
        hint = ("It collides with %s, which serves the same number. Disable or delete that flow "
                "(flexops.twilio.flex_sms_address with sid=%s and enabled=false or state=absent), "
                "or pass sid=%s to manage that flow instead of another one." % (listed, sids[0], sids[0]))
    else:
        hint = ("Another enabled Flex Flow serves the same number: find it with "
                "flexops.twilio.flex_sms_address_info, then disable or delete it, or pass its sid to manage it.")
    details = dict(exc.details)
    details["colliding_flows"] = sids
    return ApiError("Twilio refused to %s %s: %s. %s" % (what, entry.label, message, hint), problem_code="collision",
                    fix=hint, **details)


class Writes(object):
    """What ``write_once`` needs to resolve an ambiguous failure of the writes of one entry's flow (re-reads only).

    ``flow`` is the live flow (None when the entry creates one); ``plan`` has
    the listing the create was planned on (``flows``) and the ``wanted`` fields.
    """

    def __init__(self, m, entry, plan):
        self.m, self.entry, self.plan = m, entry, plan

    def created(self):
        """The flow the create made: an SMS flow of this number, not in the listing before, with the settings sent."""
        known = set(f.get("sid") for f in self.plan["flows"])
        _lookups.forget(self.m, "flex_flows")
        new = [f for f in flows_for_number(_lookups.flex_flows(self.m), self.entry.phone_number)
               if f.get("sid") not in known and applied(live_view(f), self.plan["wanted"])]
        return new[0] if new else None

    def live(self):
        """The flow fetched by SID (None when it is gone)."""
        flow = self.plan["flow"]
        return self.m.fetch("Reading %s" % self.entry.label, self.m.client.flex_api.v1.flex_flow(flow["sid"]).fetch)

    def updated(self):
        """(managed fields, flow) as they are now, for reconcile's ``reread``."""
        flow = self.live()
        return live_view(flow), flow


def exists_fix(option, kind, workspace=None):
    """The fix of a ``sid_not_found`` error, in the option names (the role words its own, with its variables)."""
    if kind == "chat_service":
        return ("Give the SID of a Chat service of this account, or leave %s out (a new SMS address gets the Flex "
                "chat service, chat_service_instance_sid of the Flex Configuration)." % option)
    if kind == "conversation_service":
        return ("Give the SID of a Conversations service of this account, or leave %s out (a new address gets the "
                "Flex conversation service, flex_service_instance_sid of the Flex Configuration)." % option)
    if kind == "workspace":
        return ("Give the SID of a TaskRouter workspace of this account, or leave %s out (a new SMS address gets the "
                "Flex workspace, taskrouter_workspace_sid of the Flex Configuration)." % option)
    if kind == "workflow":
        return "Give the SID of a workflow of TaskRouter workspace %s, or leave %s out." % (workspace, option)
    return ("Give the SID or unique name of a task channel of TaskRouter workspace %s (for example sms), or leave "
            "%s out." % (workspace, option))


class Resolver(object):
    """The look-ups ``wanted_fields`` makes through module ``m`` (cached for the task), only when a value is needed."""

    def __init__(self, m):
        self.m = m

    def studio_flow_sid(self, value, defaulted=False, option="studio_flow"):
        """The SID of the Studio flow ``value`` (SID or name) names; a SID is fetched (one request, cached) to be
        sure it exists before it is written (issue 12: refused before any write, whatever check_send_to_flex says)."""
        if is_sid(value, "studio_flow"):
            try:
                return _lookups.studio_flow_by_sid(self.m, value, option)["sid"]
            except ValidationError as exc:
                # sid_not_found: a SID the task sets that names nothing (a name that names nothing stays not_found).
                fix = "Give the SID or name of an existing flow."
                raise ValidationError("%s: give the SID or name of an existing flow." % str(exc).rstrip("."),
                                      code="sid_not_found", option=option, fix=fix)
        try:
            return _lookups.studio_flow(self.m, value)["sid"]
        except ValidationError as exc:
            if defaulted:
                raise ValidationError(
                    "studio_flow was not set, and the default Studio flow %r was not found: %s "
                    "Create that flow, or set studio_flow to the SID or name of the flow to use." % (value, exc),
                    code="missing_default", option="studio_flow",
                    fix="Create that flow, or set studio_flow to the SID or name of the flow to use.")
            raise

    def check_exists(self, option, kind, value, workspace=None):
        """That the resource a setting names exists (one cached GET); ValidationError ``sid_not_found`` if not."""
        return _lookups.check_exists(self.m, option, kind, value, exists_fix(option, kind, workspace), workspace)

    def flex_default(self, key, option):
        try:
            config = _lookups.flex_configuration(self.m)
        except ValidationError as exc:
            raise ValidationError("%s was not set and its default comes from the Flex Configuration: %s "
                                  "Set %s explicitly." % (option, exc, option), code="no_flex", option=option,
                                  fix="Set %s explicitly." % option)
        value = config.get(key)
        if not value:
            raise ValidationError(
                "%s was not set, and the Flex Configuration of account %s has no %s to default to: set %s."
                % (option, self.m.account_sid, key, option), code="missing_default", option=option,
                fix="Set %s." % option)
        return value

    def same_task_channel(self, workspace_sid, first, second):
        """Whether two task channel references (SID or unique name) name the same channel."""
        if is_sid(first, "task_channel") == is_sid(second, "task_channel"):
            return first == second
        m = self.m
        try:
            channels = _lookups.cached(m, "task_channels:" + workspace_sid, lambda: m.list_all(
                "Listing the task channels of TaskRouter workspace %s" % workspace_sid,
                m.client.taskrouter.v1.workspaces(workspace_sid).task_channels))
        except (ApiError, ValidationError) as exc:
            m.warn("Could not compare task channels %s and %s (%s); treating them as different." % (first, second, exc))
            return False
        for channel in channels:
            refs = (channel.get("sid"), channel.get("unique_name"))
            if first in refs and second in refs:
                return True
        return False


def entries_from(p):
    """The entries: one from the module-level options, or one per O(addresses) item with them as defaults."""
    return machinery.entries_from(KIND, p, Entry)
