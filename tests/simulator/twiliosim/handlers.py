# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Endpoint handlers and ``ROUTES``, the one table of everything the simulator serves.

A handler takes a ``Context`` and returns ``(status, body)``; it runs under
the store lock, so a handler sees and changes state atomically. Errors are
raised as ``ApiError``.
"""

import re
from urllib.parse import unquote

from . import resources
from .errors import ApiError, invalid_param, missing_param
from .routing import PAGING, Route
from .store import (ADDRESS_TYPES, AUTO_CREATION_COMMON, AUTO_CREATION_KEYS, AUTO_CREATION_TYPES, CHANNEL_TYPES,
                    INTEGRATION_TYPES, new_incoming_number)
from .util import E164_RE, digits, is_sid, new_sid, now, number_pattern

# ---------------------------------------------------------------------------
# API 2010: Account
# ---------------------------------------------------------------------------


def fetch_account(ctx):
    return 200, resources.account(ctx.account)


# ---------------------------------------------------------------------------
# API 2010: IncomingPhoneNumbers
# ---------------------------------------------------------------------------

# form parameter -> (record field, kind); kind "url", "method" or "app" or "text"
NUMBER_SETTINGS = (
    ("FriendlyName", "friendly_name", "text"),
    ("SmsUrl", "sms_url", "url"),
    ("SmsMethod", "sms_method", "method"),
    ("SmsFallbackUrl", "sms_fallback_url", "url"),
    ("SmsFallbackMethod", "sms_fallback_method", "method"),
    ("SmsApplicationSid", "sms_application_sid", "app"),
    ("VoiceUrl", "voice_url", "url"),
    ("VoiceMethod", "voice_method", "method"),
    ("VoiceFallbackUrl", "voice_fallback_url", "url"),
    ("VoiceFallbackMethod", "voice_fallback_method", "method"),
    ("VoiceApplicationSid", "voice_application_sid", "app"),
    ("StatusCallback", "status_callback", "url"),
    ("StatusCallbackMethod", "status_callback_method", "method"),
)
NUMBER_SETTING_PARAMS = tuple(name for name, _field, _kind in NUMBER_SETTINGS)
URL_RE = re.compile(r"^https?://[^\s/]+", re.I)


def _number_settings(ctx):
    """The IncomingPhoneNumber fields this create/update sets, validated."""
    changes = {}
    for name, field, kind in NUMBER_SETTINGS:
        value = ctx.param(name)
        if value is None:
            continue
        if kind == "url" and value and not URL_RE.match(value):
            raise invalid_param(name, value, "must be an http(s) URL or empty")
        if kind == "method":
            value = value.upper()
            if value not in ("GET", "POST"):
                raise invalid_param(name, value, "must be GET or POST")
        if kind == "app" and value and (not is_sid(value, "AP") or value not in ctx.account.applications):
            raise ApiError(400, 21218, "Invalid ApplicationSid: %s (%s)" % (value, name))
        if kind == "text" and len(value) > 64:
            raise invalid_param(name, value, "must be at most 64 characters")
        changes[field] = value
    return changes


def list_incoming_numbers(ctx):
    items = list(ctx.account.incoming_phone_numbers.values())
    pattern = ctx.param("PhoneNumber")
    if pattern:
        regex = number_pattern(pattern)
        items = [rec for rec in items if regex.search(digits(rec["phone_number"]))]
    name = ctx.param("FriendlyName")
    if name is not None:
        items = [rec for rec in items if rec["friendly_name"] == name]
    return ctx.page_2010(items, "incoming_phone_numbers", lambda rec: resources.incoming_phone_number(ctx.account, rec))


def create_incoming_number(ctx):
    account = ctx.account
    wanted = ctx.param("PhoneNumber")
    area_code = ctx.param("AreaCode")
    if not wanted and not area_code:
        raise missing_param("PhoneNumber")
    settings = _number_settings(ctx)
    if wanted:
        if not E164_RE.match(wanted):
            raise ApiError(400, 21421, "PhoneNumber is invalid: %s" % wanted)
        offer = next((rec for rec in account.available_phone_numbers if rec["phone_number"] == wanted), None)
        if offer is None:
            raise ApiError(400, 21422, "PhoneNumber %s is not available" % wanted)
    else:
        offer = next((rec for rec in account.available_phone_numbers
                      if rec["type"] == "local" and rec["area_code"] == area_code), None)
        if offer is None:
            raise ApiError(400, 21452, "No phone numbers found in area code %s" % area_code)
    account.available_phone_numbers.remove(offer)
    sid = new_sid("PN")
    rec = new_incoming_number(sid, offer["phone_number"], dict(offer["capabilities"]), now(),
                              iso_country=offer["iso_country"], number_type=offer["type"], **settings)
    account.incoming_phone_numbers[sid] = rec
    return 201, resources.incoming_phone_number(account, rec)


def _number(ctx):
    return ctx.lookup(ctx.account.incoming_phone_numbers, "Sid", "PN")


def fetch_incoming_number(ctx):
    return 200, resources.incoming_phone_number(ctx.account, _number(ctx))


def update_incoming_number(ctx):
    rec = _number(ctx)
    changes = _number_settings(ctx)
    if changes:
        rec.update(changes)
        rec["date_updated"] = now()
    return 200, resources.incoming_phone_number(ctx.account, rec)


def delete_incoming_number(ctx):
    rec = _number(ctx)
    # A released number is gone for good: it does not return to the available pool.
    ctx.account.release_number(rec["sid"])
    return 204, None


# ---------------------------------------------------------------------------
# API 2010: AvailablePhoneNumbers
# ---------------------------------------------------------------------------


def _available(number_type):
    def handler(ctx):
        country = ctx.path_params["CountryCode"]
        if not re.match(r"^[A-Z]{2}$", country):
            raise ctx.missing()
        items = [rec for rec in ctx.account.available_phone_numbers
                 if rec["type"] == number_type and rec["iso_country"] == country]
        area_code = ctx.int("AreaCode")
        if area_code is not None:
            items = [rec for rec in items if rec["area_code"] == str(area_code)]
        contains = ctx.param("Contains")
        if contains:
            regex = number_pattern(contains, letters=True)
            items = [rec for rec in items if regex.search(digits(rec["phone_number"]))]
        for name, key in (("SmsEnabled", "sms"), ("MmsEnabled", "mms"), ("VoiceEnabled", "voice")):
            wanted = ctx.bool(name)
            if wanted is not None:
                items = [rec for rec in items if rec["capabilities"][key] == wanted]
        for name, key in (("InRegion", "region"), ("InLocality", "locality"), ("InPostalCode", "postal_code")):
            wanted = ctx.param(name)
            if wanted:
                items = [rec for rec in items if (rec[key] or "").lower() == wanted.lower()]
        size = ctx.int("PageSize", 50, 1, 1000)
        return 200, {
            "uri": ctx.path,
            "available_phone_numbers": [resources.available_phone_number(rec) for rec in items[:size]],
        }

    handler.__name__ = "list_available_%s" % number_type
    return handler


AVAILABLE_PARAMS = ("AreaCode", "Contains", "SmsEnabled", "MmsEnabled", "VoiceEnabled", "InRegion", "InLocality",
                    "InPostalCode", "PageSize")


# ---------------------------------------------------------------------------
# API 2010: Applications
# ---------------------------------------------------------------------------


def list_applications(ctx):
    items = list(ctx.account.applications.values())
    name = ctx.param("FriendlyName")
    if name is not None:
        items = [rec for rec in items if rec["friendly_name"] == name]
    return ctx.page_2010(items, "applications", lambda rec: resources.application(ctx.account, rec))


# ---------------------------------------------------------------------------
# Flex v1: FlexFlows and Configuration
# ---------------------------------------------------------------------------

# form parameter -> (key in the ``integration`` object, kind)
INTEGRATION_PARAMS = (
    ("Integration.FlowSid", "flow_sid", "FW"),
    ("Integration.Url", "url", "url"),
    ("Integration.WorkspaceSid", "workspace_sid", "WS"),
    ("Integration.WorkflowSid", "workflow_sid", "WW"),
    ("Integration.Channel", "channel", "text"),
    ("Integration.Timeout", "timeout", "int"),
    ("Integration.Priority", "priority", "int"),
    ("Integration.CreationOnMessage", "creation_on_message", "bool"),
    ("Integration.RetryCount", "retry_count", "retry"),
)
# Keys of the ``integration`` object per integration type, and their defaults.
INTEGRATION_KEYS = {
    "studio": ("flow_sid", "retry_count"),
    "external": ("url", "retry_count"),
    "task": ("workspace_sid", "workflow_sid", "channel", "timeout", "priority", "creation_on_message"),
}
INTEGRATION_DEFAULTS = {
    "studio": {"retry_count": 3},
    "external": {"retry_count": 3},
    "task": {"channel": "default", "timeout": 86400, "priority": 0},
}
INTEGRATION_REQUIRED = {
    "studio": ("Integration.FlowSid", "flow_sid"),
    "external": ("Integration.Url", "url"),
    "task": ("Integration.WorkspaceSid", "workspace_sid", "Integration.WorkflowSid", "workflow_sid"),
}
FLEX_FLOW_PARAMS = ("FriendlyName", "ChatServiceSid", "ChannelType", "ContactIdentity", "Enabled", "IntegrationType",
                    "LongLived", "JanitorEnabled") + tuple(name for name, _key, _kind in INTEGRATION_PARAMS)


def _integration_values(ctx):
    values = {}
    for name, key, kind in INTEGRATION_PARAMS:
        if not ctx.has(name):
            continue
        if kind in ("FW", "WS", "WW"):
            values[key] = ctx.sid(name, kind)
        elif kind == "url":
            value = ctx.param(name)
            if not URL_RE.match(value):
                raise invalid_param(name, value, "must be an http(s) URL")
            values[key] = value
        elif kind == "int":
            values[key] = ctx.int(name)
        elif kind == "retry":
            values[key] = ctx.int(name, minimum=0, maximum=3)
        elif kind == "bool":
            values[key] = ctx.bool(name)
        else:
            values[key] = ctx.param(name)
    return values


def _integration(ctx, itype, current):
    """The ``integration`` object after this request.

    Same type as before: sent keys are merged into the current object. New
    type (or create): the type's defaults plus the sent keys. Keys that do
    not apply to the type are dropped.
    """
    sent = _integration_values(ctx)
    if itype is None:
        return dict(current or {}, **sent)
    base = dict(current) if current is not None else dict(INTEGRATION_DEFAULTS[itype])
    base.update(sent)
    integration = dict((key, value) for key, value in base.items() if key in INTEGRATION_KEYS[itype])
    required = INTEGRATION_REQUIRED[itype]
    for name, key in zip(required[::2], required[1::2]):
        if integration.get(key) in (None, ""):
            raise missing_param(name)
    return integration


def _collision(account, rec):
    """The other enabled flow that owns this flow's contact identity on the same channel."""
    if not rec["enabled"] or not rec["contact_identity"]:
        return None
    for other in account.flex_flows.values():
        if (other["sid"] != rec["sid"] and other["enabled"] and other["channel_type"] == rec["channel_type"]
                and other["contact_identity"] == rec["contact_identity"]):
            return other
    return None


def _check_collision(account, rec, code, action):
    other = _collision(account, rec)
    if other is not None:
        raise ApiError(400, code, "Flex Flow %s failed: %s contact identity %s collided with existing Flows: %s (%s)"
                       % (action, rec["channel_type"], rec["contact_identity"], other["sid"], other["friendly_name"]))


def list_flex_flows(ctx):
    items = list(ctx.account.flex_flows.values())
    name = ctx.param("FriendlyName")
    if name is not None:
        items = [rec for rec in items if rec["friendly_name"] == name]
    return ctx.page_v1(items, "flex_flows", lambda rec: resources.flex_flow(ctx.account, rec))


def create_flex_flow(ctx):
    friendly_name = ctx.require("FriendlyName")
    ctx.require("ChatServiceSid")
    ctx.require("ChannelType")
    itype = ctx.choice("IntegrationType", INTEGRATION_TYPES)
    when = now()
    rec = {
        "sid": new_sid("FO"),
        "friendly_name": friendly_name,
        "chat_service_sid": ctx.sid("ChatServiceSid", "IS"),
        "channel_type": ctx.choice("ChannelType", CHANNEL_TYPES),
        "contact_identity": ctx.param("ContactIdentity"),
        "enabled": ctx.bool("Enabled", False),
        "integration_type": itype,
        "integration": _integration(ctx, itype, None),
        "long_lived": ctx.bool("LongLived", False),
        "janitor_enabled": ctx.bool("JanitorEnabled", False),
        "date_created": when,
        "date_updated": when,
    }
    _check_collision(ctx.account, rec, 45210, "creation")
    limit = ctx.account.capacities["flex_flows"]
    if len(ctx.account.flex_flows) >= limit:
        # Flex Messaging Limits: at most 2,500 Flex Flows per account. The code is assumed: 45210 is Twilio's
        # documented "Flex Flow creation failed"; the docs give none for the limit.
        raise ApiError(400, 45210, "Flex Flow creation failed: the account has %d Flex Flows, the most it may have"
                       % len(ctx.account.flex_flows))
    ctx.account.flex_flows[rec["sid"]] = rec
    return 201, resources.flex_flow(ctx.account, rec)


def _flex_flow(ctx):
    return ctx.lookup(ctx.account.flex_flows, "Sid", "FO")


def fetch_flex_flow(ctx):
    return 200, resources.flex_flow(ctx.account, _flex_flow(ctx))


def update_flex_flow(ctx):
    rec = _flex_flow(ctx)
    new = dict(rec)
    for name, key, read in (
        ("FriendlyName", "friendly_name", ctx.param),
        ("ChatServiceSid", "chat_service_sid", lambda n: ctx.sid(n, "IS")),
        ("ChannelType", "channel_type", lambda n: ctx.choice(n, CHANNEL_TYPES)),
        ("ContactIdentity", "contact_identity", ctx.param),
        ("Enabled", "enabled", ctx.bool),
        ("IntegrationType", "integration_type", lambda n: ctx.choice(n, INTEGRATION_TYPES)),
        ("LongLived", "long_lived", ctx.bool),
        ("JanitorEnabled", "janitor_enabled", ctx.bool),
    ):
        if ctx.has(name):
            new[key] = read(name)
    same_type = new["integration_type"] == rec["integration_type"]
    new["integration"] = _integration(ctx, new["integration_type"], rec["integration"] if same_type else None)
    _check_collision(ctx.account, new, 45212, "update")
    if new != rec:
        new["date_updated"] = now()
        rec.update(new)
    return 200, resources.flex_flow(ctx.account, rec)


def delete_flex_flow(ctx):
    rec = _flex_flow(ctx)
    del ctx.account.flex_flows[rec["sid"]]
    return 204, None


def fetch_configuration(ctx):
    if ctx.account.flex_configuration is None:
        raise ctx.missing()
    return 200, resources.flex_configuration(ctx.account, ctx.account.flex_configuration)


# ---------------------------------------------------------------------------
# Proxy v1: Services and their PhoneNumbers
# ---------------------------------------------------------------------------


def list_proxy_services(ctx):
    items = list(ctx.account.proxy_services.values())
    return ctx.page_v1(items, "services", lambda rec: resources.proxy_service(ctx.account, rec))


def _proxy_service(ctx, name):
    return ctx.lookup(ctx.account.proxy_services, name, "KS")


def fetch_proxy_service(ctx):
    return 200, resources.proxy_service(ctx.account, _proxy_service(ctx, "Sid"))


def list_proxy_numbers(ctx):
    service = _proxy_service(ctx, "ServiceSid")
    return ctx.page_v1(list(service["phone_numbers"]), "phone_numbers",
                       lambda pn: resources.proxy_phone_number(ctx.account, service, pn))


def add_proxy_number(ctx):
    account = ctx.account
    service = _proxy_service(ctx, "ServiceSid")
    pn_sid = ctx.sid("Sid", "PN")
    phone_number = ctx.param("PhoneNumber")
    if pn_sid:
        number = account.incoming_phone_numbers.get(pn_sid)
    elif phone_number:
        number = account.number_by_e164(phone_number)
    else:
        raise missing_param("Sid or PhoneNumber")
    if number is None:
        raise ApiError(404, 20404, "The requested resource %s was not found: no IncomingPhoneNumber %s in this account"
                       % (ctx.path, pn_sid or phone_number))
    pn_sid = number["sid"]
    holder = account.proxy_service_of(pn_sid)
    if holder is service:
        raise ApiError(400, 80104, "PhoneNumber has already been added to Service %s" % service["sid"])
    if holder is not None:
        raise ApiError(400, 80601, "Phone Number Not Available: %s belongs to Proxy Service %s"
                       % (number["phone_number"], holder["sid"]))
    messaging = account.messaging_service_of(pn_sid)
    if messaging is not None:
        raise ApiError(400, 80601, "Phone Number Not Available: %s is associated with Messaging Service %s; "
                       "a number in a Messaging Service cannot be added to a Proxy Service"
                       % (number["phone_number"], messaging["sid"]))
    reserved = ctx.bool("IsReserved", False)
    _check_pool_room(account, service, reserved)
    when = now()
    service["phone_numbers"][pn_sid] = {"is_reserved": reserved, "date_created": when, "date_updated": when}
    return 201, resources.proxy_phone_number(account, service, pn_sid)


def _check_pool_room(account, service, reserved):
    """Proxy Limits: a service holds at most 500 non-reserved and 5,000 reserved numbers; past them no number
    can be added. The answer is assumed (400 with 80624, the code of Twilio's "Approaching Maximum Number Pool
    Size" warning; the docs give no code for the refusal)."""
    count, limit = account.proxy_count(service, reserved), account.proxy_capacity(reserved)
    if count >= limit:
        kind = "reserved" if reserved else "non-reserved"
        raise ApiError(400, 80624, "Maximum Number Pool Size reached: Proxy Service %s has %d %s numbers, the most "
                       "it may have" % (service["sid"], count, kind))


def _proxy_member(ctx):
    service = _proxy_service(ctx, "ServiceSid")
    ctx.lookup(service["phone_numbers"], "Sid", "PN")
    return service, ctx.path_params["Sid"]


def fetch_proxy_number(ctx):
    service, pn_sid = _proxy_member(ctx)
    return 200, resources.proxy_phone_number(ctx.account, service, pn_sid)


def update_proxy_number(ctx):
    service, pn_sid = _proxy_member(ctx)
    member = service["phone_numbers"][pn_sid]
    reserved = ctx.bool("IsReserved")
    if reserved is not None and reserved != member["is_reserved"]:
        _check_pool_room(ctx.account, service, reserved)
        member.update(is_reserved=reserved, date_updated=now())
    return 200, resources.proxy_phone_number(ctx.account, service, pn_sid)


def remove_proxy_number(ctx):
    service, pn_sid = _proxy_member(ctx)
    del service["phone_numbers"][pn_sid]
    return 204, None


# ---------------------------------------------------------------------------
# Studio v2: Flows
# ---------------------------------------------------------------------------


def list_studio_flows(ctx):
    items = list(ctx.account.studio_flows.values())
    return ctx.page_v1(items, "flows", lambda rec: resources.studio_flow(ctx.account, rec, with_definition=False))


def fetch_studio_flow(ctx):
    rec = ctx.lookup(ctx.account.studio_flows, "Sid", "FW")
    return 200, resources.studio_flow(ctx.account, rec, with_definition=True)


# ---------------------------------------------------------------------------
# Chat v2 and Conversations v1 services, TaskRouter v1 (fetch only: what a Flex Flow or
# Conversations address names; modules check it exists before they write it)
# ---------------------------------------------------------------------------


def fetch_chat_service(ctx):
    return 200, resources.chat_service(ctx.account, ctx.lookup(ctx.account.chat_services, "Sid", "IS"))


def fetch_conversation_service(ctx):
    return 200, resources.conversation_service(ctx.account, ctx.lookup(ctx.account.conversation_services, "Sid", "IS"))


def _workspace(ctx, name):
    return ctx.lookup(ctx.account.workspaces, name, "WS")


def fetch_workspace(ctx):
    return 200, resources.workspace(ctx.account, _workspace(ctx, "Sid"))


def fetch_workflow(ctx):
    return 200, resources.workflow(ctx.account, ctx.lookup(_workspace(ctx, "WorkspaceSid")["workflows"], "Sid", "WW"))


def fetch_task_channel(ctx):
    """A task channel by TC SID or by unique name (TaskRouter accepts both in the path)."""
    found = ctx.account.task_channel(_workspace(ctx, "WorkspaceSid"), unquote(ctx.path_params["Sid"]))
    if found is None:
        raise ctx.missing()
    return 200, resources.task_channel(ctx.account, found)


# ---------------------------------------------------------------------------
# Messaging v1: Services and their PhoneNumbers
# ---------------------------------------------------------------------------


def list_messaging_services(ctx):
    items = list(ctx.account.messaging_services.values())
    return ctx.page_v1(items, "services", lambda rec: resources.messaging_service(ctx.account, rec))


def _messaging_service(ctx, name):
    return ctx.lookup(ctx.account.messaging_services, name, "MG")


def fetch_messaging_service(ctx):
    return 200, resources.messaging_service(ctx.account, _messaging_service(ctx, "Sid"))


def list_messaging_numbers(ctx):
    service = _messaging_service(ctx, "ServiceSid")
    return ctx.page_v1(list(service["phone_numbers"]), "phone_numbers",
                       lambda pn: resources.messaging_phone_number(ctx.account, service, pn))


def _messaging_member(ctx):
    service = _messaging_service(ctx, "ServiceSid")
    ctx.lookup(service["phone_numbers"], "Sid", "PN")
    return service, ctx.path_params["Sid"]


def fetch_messaging_number(ctx):
    service, pn_sid = _messaging_member(ctx)
    return 200, resources.messaging_phone_number(ctx.account, service, pn_sid)


# form parameter -> (record field, kind)
MESSAGING_SERVICE_SETTINGS = (
    ("FriendlyName", "friendly_name", "text"),
    ("InboundRequestUrl", "inbound_request_url", "url"),
    ("InboundMethod", "inbound_method", "method"),
    ("FallbackUrl", "fallback_url", "url"),
    ("FallbackMethod", "fallback_method", "method"),
    ("StatusCallback", "status_callback", "url"),
    ("StickySender", "sticky_sender", "bool"),
    ("MmsConverter", "mms_converter", "bool"),
    ("SmartEncoding", "smart_encoding", "bool"),
    ("ScanMessageContent", "scan_message_content", ("inherit", "enable", "disable")),
    ("FallbackToLongCode", "fallback_to_long_code", "bool"),
    ("AreaCodeGeomatch", "area_code_geomatch", "bool"),
    ("ValidityPeriod", "validity_period", "validity"),
    ("SynchronousValidation", "synchronous_validation", "bool"),
    ("Usecase", "usecase", "text"),
    ("UseInboundWebhookOnNumber", "use_inbound_webhook_on_number", "bool"),
)
MESSAGING_SERVICE_PARAMS = tuple(name for name, _field, _kind in MESSAGING_SERVICE_SETTINGS)


def update_messaging_service(ctx):
    """Messaging v1 UpdateService: sent fields change, the rest keep their values."""
    rec = _messaging_service(ctx, "Sid")
    changes = {}
    for name, field, kind in MESSAGING_SERVICE_SETTINGS:
        if not ctx.has(name):
            continue
        value = ctx.param(name)
        if kind == "bool":
            value = ctx.bool(name)
        elif kind == "url":
            if value and not URL_RE.match(value):
                raise invalid_param(name, value, "must be an http(s) URL or empty")
            value = value or None
        elif kind == "method":
            value = value.upper()
            if value not in ("GET", "POST"):
                raise invalid_param(name, value, "must be GET or POST")
        elif kind == "validity":
            value = ctx.int(name, minimum=1, maximum=36000)
        elif isinstance(kind, tuple):
            value = ctx.choice(name, kind)
        elif name == "FriendlyName" and len(value) > 64:
            raise invalid_param(name, value, "must be at most 64 characters")
        changes[field] = value
    if any(rec[field] != value for field, value in changes.items()):
        rec.update(changes)
        rec["date_updated"] = now()
    return 200, resources.messaging_service(ctx.account, rec)


def add_messaging_number(ctx):
    """Add a number to a Messaging Service's sender pool.

    A number in a Proxy service pool may join (Twilio's Proxy docs: only the
    other order is refused). A number in another Messaging Service is
    refused (assumed 409/21712), one already in this service too (assumed 409/21710).
    """
    account = ctx.account
    service = _messaging_service(ctx, "ServiceSid")
    ctx.require("PhoneNumberSid")
    pn_sid = ctx.sid("PhoneNumberSid", "PN")
    number = account.incoming_phone_numbers.get(pn_sid)
    if number is None:
        raise ApiError(404, 20404, "The requested resource %s was not found: no IncomingPhoneNumber %s in this account"
                       % (ctx.path, pn_sid))
    holder = account.messaging_service_of(pn_sid)
    if holder is service:
        raise ApiError(409, 21710, "Phone Number %s is already in Messaging Service %s" % (number["phone_number"], service["sid"]))
    if holder is not None:
        raise ApiError(409, 21712, "Phone Number %s is already associated with another Messaging Service %s"
                       % (number["phone_number"], holder["sid"]))
    if len(service["phone_numbers"]) >= account.capacities["messaging_service_numbers"]:
        # Twilio's error 21714 (the code is documented, the status 400 assumed).
        raise ApiError(400, 21714, "Messaging Service Number Pool size limit reached: Messaging Service %s has %d "
                       "phone numbers" % (service["sid"], len(service["phone_numbers"])))
    when = now()
    service["phone_numbers"][pn_sid] = {"date_created": when, "date_updated": when}
    return 201, resources.messaging_phone_number(account, service, pn_sid)


def remove_messaging_number(ctx):
    service, pn_sid = _messaging_member(ctx)
    del service["phone_numbers"][pn_sid]
    return 204, None


# ---------------------------------------------------------------------------
# Conversations v1: Configuration Addresses
# ---------------------------------------------------------------------------

ADDRESS_PAGE_SIZE = 50  # the spec's PageSize maximum for this list
# form parameter -> (key of the auto_creation object, kind)
AUTO_CREATION_PARAMS = (
    ("AutoCreation.Enabled", "enabled", "bool"),
    ("AutoCreation.Type", "type", "type"),
    ("AutoCreation.ConversationServiceSid", "conversation_service_sid", "IS"),
    ("AutoCreation.WebhookUrl", "webhook_url", "url"),
    ("AutoCreation.WebhookMethod", "webhook_method", "method"),
    ("AutoCreation.WebhookFilters", "webhook_filters", "list"),
    ("AutoCreation.StudioFlowSid", "studio_flow_sid", "FW"),
    ("AutoCreation.StudioRetryCount", "studio_retry_count", "int"),
)
AUTO_CREATION_DEFAULTS = {"webhook": {"webhook_method": "POST", "webhook_filters": []},
                          "studio": {"studio_retry_count": 3}, "default": {}, None: {}}
ADDRESS_UPDATE_PARAMS = ("FriendlyName",) + tuple(name for name, _key, _kind in AUTO_CREATION_PARAMS)
ADDRESS_CREATE_PARAMS = ("Type", "Address") + ADDRESS_UPDATE_PARAMS + ("AddressCountry",)


def _auto_creation_values(ctx):
    values = {}
    for name, key, kind in AUTO_CREATION_PARAMS:
        if not ctx.has(name):
            continue
        value = ctx.param(name)
        if kind == "bool":
            value = ctx.bool(name)
        elif kind == "type":
            if value not in AUTO_CREATION_TYPES:
                raise ApiError(400, 45762, "Failed to validate address configuration. Auto create type is empty or invalid: "
                               "AutoCreation.Type=%r, must be one of %s" % (value, ", ".join(AUTO_CREATION_TYPES)))
        elif kind in ("IS", "FW"):
            value = ctx.sid(name, kind)
        elif kind == "url":
            if not URL_RE.match(value):
                raise invalid_param(name, value, "must be an http(s) URL")
        elif kind == "method":
            value = value.upper()
            if value not in ("GET", "POST"):
                raise invalid_param(name, value, "must be GET or POST")
        elif kind == "list":
            value = [value] if isinstance(value, str) else list(value)
        elif kind == "int":
            value = ctx.int(name, minimum=0)
        values[key] = value
    return values


def _auto_creation(ctx, current):
    """The ``auto_creation`` object after this request, validated (45762-45764).

    Same auto-creation type as before: sent keys merge into the current
    object. Another type (or create): ``enabled`` and
    ``conversation_service_sid`` carry over, the new type starts from its
    defaults plus the sent keys; keys of other types are dropped.
    """
    sent = _auto_creation_values(ctx)
    current = current or {"enabled": False, "type": None, "conversation_service_sid": None}
    new_type = sent.get("type", current["type"])
    if new_type == current["type"]:
        base = dict(current)
    else:
        base = dict((key, current.get(key)) for key in AUTO_CREATION_COMMON)
        base.update(AUTO_CREATION_DEFAULTS[new_type])
    base.update(sent)
    base["type"] = new_type
    auto = dict((key, base.get(key)) for key in AUTO_CREATION_COMMON + AUTO_CREATION_KEYS[new_type])
    if auto["enabled"] and auto["type"] is None:
        raise ApiError(400, 45762, "Failed to validate address configuration. Auto create type is empty or invalid: "
                       "AutoCreation.Enabled is true but AutoCreation.Type is not set")
    if auto["type"] == "studio" and not auto.get("studio_flow_sid"):
        raise ApiError(400, 45763, "Unable to validate address configuration. Auto create studio flow SID missing: "
                       "AutoCreation.Type studio needs AutoCreation.StudioFlowSid")
    if auto["type"] == "webhook" and not auto.get("webhook_url"):
        raise ApiError(400, 45764, "Unable to validate address configuration. Auto create webhook URL missing: "
                       "AutoCreation.Type webhook needs AutoCreation.WebhookUrl")
    return auto


def _friendly_name(ctx):
    value = ctx.param("FriendlyName")
    if value is not None and len(value) > 256:
        raise invalid_param("FriendlyName", value, "must be at most 256 characters")
    return value


def list_conversations_addresses(ctx):
    items = list(ctx.account.conversations_addresses.values())
    wanted = ctx.param("Type")
    if wanted is not None:
        items = [rec for rec in items if rec["type"] == wanted]
    return ctx.page_v1(items, "address_configurations", lambda rec: resources.conversations_address(ctx.account, rec))


def create_conversations_address(ctx):
    account = ctx.account
    address_type = ctx.require("Type")
    if address_type not in ADDRESS_TYPES:
        raise invalid_param("Type", address_type, "must be one of %s" % ", ".join(ADDRESS_TYPES))
    address = ctx.require("Address")
    if address_type == "sms" and not E164_RE.match(address):
        raise invalid_param("Address", address, "an sms address must be a phone number in E.164")
    if not ctx.has("AutoCreation.Enabled"):
        raise ApiError(400, 45761, "Failed to validate address configuration. Auto create not enabled: "
                       "send AutoCreation.Enabled (true to auto-create conversations, false to keep the address idle)")
    auto = _auto_creation(ctx, None)
    existing = account.conversations_address_of(address, address_type)
    if existing is not None:
        raise ApiError(409, 50416, "An address configuration for %s %s already exists: %s"
                       % (address_type, address, existing["sid"]))
    when = now()
    rec = {"sid": new_sid("IG"), "type": address_type, "address": address, "friendly_name": _friendly_name(ctx),
           "address_country": ctx.param("AddressCountry"), "auto_creation": auto,
           "date_created": when, "date_updated": when}
    account.conversations_addresses[rec["sid"]] = rec
    return 201, resources.conversations_address(account, rec)


def _conversations_address(ctx):
    """The address named in the path: its IG sid, or the address itself (URL-encoded E.164)."""
    key = unquote(ctx.path_params["Sid"])
    addresses = ctx.account.conversations_addresses
    if is_sid(key, "IG"):
        found = addresses.get(key)
    else:
        found = next((rec for rec in addresses.values() if rec["address"] == key), None)
    if found is None:
        raise ctx.missing()
    return found


def fetch_conversations_address(ctx):
    return 200, resources.conversations_address(ctx.account, _conversations_address(ctx))


def update_conversations_address(ctx):
    rec = _conversations_address(ctx)
    changes = {"auto_creation": _auto_creation(ctx, rec["auto_creation"])}
    if ctx.has("FriendlyName"):
        changes["friendly_name"] = _friendly_name(ctx)
    if any(rec[key] != value for key, value in changes.items()):
        rec.update(changes)
        rec["date_updated"] = now()
    return 200, resources.conversations_address(ctx.account, rec)


def delete_conversations_address(ctx):
    rec = _conversations_address(ctx)
    del ctx.account.conversations_addresses[rec["sid"]]
    return 204, None


# ---------------------------------------------------------------------------
# The route table
# ---------------------------------------------------------------------------

_ACCOUNT = "/2010-04-01/Accounts/{AccountSid}"

ROUTES = (
    # API 2010
    Route("api", "GET", "/2010-04-01/Accounts/{Sid}.json", fetch_account, account_param="Sid"),
    Route("api", "GET", _ACCOUNT + "/IncomingPhoneNumbers.json", list_incoming_numbers,
          ("PhoneNumber", "FriendlyName") + PAGING, account_param="AccountSid"),
    Route("api", "POST", _ACCOUNT + "/IncomingPhoneNumbers.json", create_incoming_number,
          ("PhoneNumber", "AreaCode") + NUMBER_SETTING_PARAMS, account_param="AccountSid"),
    Route("api", "GET", _ACCOUNT + "/IncomingPhoneNumbers/{Sid}.json", fetch_incoming_number, account_param="AccountSid"),
    Route("api", "POST", _ACCOUNT + "/IncomingPhoneNumbers/{Sid}.json", update_incoming_number,
          NUMBER_SETTING_PARAMS, account_param="AccountSid"),
    Route("api", "DELETE", _ACCOUNT + "/IncomingPhoneNumbers/{Sid}.json", delete_incoming_number, account_param="AccountSid"),
    Route("api", "GET", _ACCOUNT + "/AvailablePhoneNumbers/{CountryCode}/Local.json", _available("local"),
          AVAILABLE_PARAMS, account_param="AccountSid"),
    Route("api", "GET", _ACCOUNT + "/AvailablePhoneNumbers/{CountryCode}/Mobile.json", _available("mobile"),
          AVAILABLE_PARAMS, account_param="AccountSid"),
    Route("api", "GET", _ACCOUNT + "/AvailablePhoneNumbers/{CountryCode}/TollFree.json", _available("toll_free"),
          AVAILABLE_PARAMS, account_param="AccountSid"),
    Route("api", "GET", _ACCOUNT + "/Applications.json", list_applications, ("FriendlyName",) + PAGING,
          account_param="AccountSid"),
    # Flex v1
    Route("flex-api", "GET", "/v1/FlexFlows", list_flex_flows, ("FriendlyName",) + PAGING),
    Route("flex-api", "POST", "/v1/FlexFlows", create_flex_flow, FLEX_FLOW_PARAMS),
    Route("flex-api", "GET", "/v1/FlexFlows/{Sid}", fetch_flex_flow),
    Route("flex-api", "POST", "/v1/FlexFlows/{Sid}", update_flex_flow, FLEX_FLOW_PARAMS),
    Route("flex-api", "DELETE", "/v1/FlexFlows/{Sid}", delete_flex_flow),
    Route("flex-api", "GET", "/v1/Configuration", fetch_configuration),
    # Proxy v1
    Route("proxy", "GET", "/v1/Services", list_proxy_services, PAGING),
    Route("proxy", "GET", "/v1/Services/{Sid}", fetch_proxy_service),
    Route("proxy", "GET", "/v1/Services/{ServiceSid}/PhoneNumbers", list_proxy_numbers, PAGING),
    Route("proxy", "POST", "/v1/Services/{ServiceSid}/PhoneNumbers", add_proxy_number, ("Sid", "PhoneNumber", "IsReserved")),
    Route("proxy", "GET", "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}", fetch_proxy_number),
    Route("proxy", "POST", "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}", update_proxy_number, ("IsReserved",)),
    Route("proxy", "DELETE", "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}", remove_proxy_number),
    # Studio v2
    Route("studio", "GET", "/v2/Flows", list_studio_flows, PAGING),
    Route("studio", "GET", "/v2/Flows/{Sid}", fetch_studio_flow),
    # Messaging v1
    Route("chat", "GET", "/v2/Services/{Sid}", fetch_chat_service),
    Route("conversations", "GET", "/v1/Services/{Sid}", fetch_conversation_service),
    Route("taskrouter", "GET", "/v1/Workspaces/{Sid}", fetch_workspace),
    Route("taskrouter", "GET", "/v1/Workspaces/{WorkspaceSid}/Workflows/{Sid}", fetch_workflow),
    Route("taskrouter", "GET", "/v1/Workspaces/{WorkspaceSid}/TaskChannels/{Sid}", fetch_task_channel),

    Route("messaging", "GET", "/v1/Services", list_messaging_services, PAGING),
    Route("messaging", "GET", "/v1/Services/{Sid}", fetch_messaging_service),
    Route("messaging", "POST", "/v1/Services/{Sid}", update_messaging_service, MESSAGING_SERVICE_PARAMS),
    Route("messaging", "GET", "/v1/Services/{ServiceSid}/PhoneNumbers", list_messaging_numbers, PAGING),
    Route("messaging", "POST", "/v1/Services/{ServiceSid}/PhoneNumbers", add_messaging_number, ("PhoneNumberSid",)),
    Route("messaging", "GET", "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}", fetch_messaging_number),
    Route("messaging", "DELETE", "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}", remove_messaging_number),
    # Conversations v1
    Route("conversations", "GET", "/v1/Configuration/Addresses", list_conversations_addresses, ("Type",) + PAGING,
          max_page_size=ADDRESS_PAGE_SIZE),
    Route("conversations", "POST", "/v1/Configuration/Addresses", create_conversations_address, ADDRESS_CREATE_PARAMS),
    Route("conversations", "GET", "/v1/Configuration/Addresses/{Sid}", fetch_conversations_address),
    Route("conversations", "POST", "/v1/Configuration/Addresses/{Sid}", update_conversations_address, ADDRESS_UPDATE_PARAMS),
    Route("conversations", "DELETE", "/v1/Configuration/Addresses/{Sid}", delete_conversations_address),
)
