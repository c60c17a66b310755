# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's state: accounts and their resources, loaded from a seed.

Resources are stored as plain dicts with Twilio's snake_case field names
(plus ``date_created``/``date_updated`` as datetimes); the renderers in
``resources.py`` turn them into API responses. Every collection is a dict
keyed by SID in creation order, which is also the order lists are answered in.
"""

import copy
import datetime
import hashlib
import threading

import yaml

from .util import E164_RE, UTC, digits, is_sid, iso8601, us_friendly_name

REGIONS = ("us1", "ie1", "au1", "jp1", "de1", "br1", "sg1")
EDGES = ("ashburn", "dublin", "sydney", "tokyo", "frankfurt", "sao-paulo", "singapore", "umatilla")

CHANNEL_TYPES = ("web", "sms", "facebook", "whatsapp", "line", "custom")
INTEGRATION_TYPES = ("studio", "external", "task")
NUMBER_TYPES = ("local", "mobile", "toll_free")
ADDRESS_TYPES = ("sms", "whatsapp", "messenger", "gbm", "email", "rcs", "apple", "chat")
AUTO_CREATION_TYPES = ("webhook", "studio", "default")
# Keys of a Conversations address ``auto_creation`` object: always, and per auto-creation type.
AUTO_CREATION_COMMON = ("enabled", "type", "conversation_service_sid")
AUTO_CREATION_KEYS = {
    "webhook": ("webhook_url", "webhook_method", "webhook_filters"),
    "studio": ("studio_flow_sid", "studio_retry_count"),
    "default": (),
    None: (),
}

# How many of a thing an account or a pool holds at most (Twilio's documented defaults; a seed may lower or raise
# them with ``capacities``, top level for every account or per account):
# * flex_flows: Flex Flows per account ("Flex Messaging Limits", docs/flex/developer/messaging/limits);
# * proxy_numbers / proxy_reserved_numbers: non-reserved / reserved numbers per Proxy service ("Proxy Limits",
#   docs/proxy/proxy-limits; warning 80624 "Approaching Maximum Number Pool Size");
# * messaging_service_numbers: numbers per Messaging Service (error 21714, docs/api/errors/21714).
CAPACITIES = {"flex_flows": 2500, "proxy_numbers": 500, "proxy_reserved_numbers": 5000, "messaging_service_numbers": 400}

# The task channels TaskRouter creates in every new workspace (unique names).
DEFAULT_TASK_CHANNELS = ("default", "voice", "chat", "sms", "video", "email")

# Seeded resources are dated from here on, one second apart, so that their
# order is stable and distinct from resources created during a run.
SEED_EPOCH = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)

FLEX_CONFIGURATION_FIELDS = (
    "chat_service_instance_sid", "flex_service_instance_sid", "taskrouter_workspace_sid",
    "taskrouter_target_workflow_sid", "taskrouter_target_taskqueue_sid", "messaging_service_instance_sid",
    "flex_instance_sid", "taskrouter_offline_activity_sid", "runtime_domain", "ui_language", "ui_version",
    "service_version", "status", "attributes",
)
FLEX_CONFIGURATION_SIDS = {
    "chat_service_instance_sid": "IS", "flex_service_instance_sid": "IS", "taskrouter_workspace_sid": "WS",
    "taskrouter_target_workflow_sid": "WW", "taskrouter_target_taskqueue_sid": "WQ",
    "messaging_service_instance_sid": "MG", "flex_instance_sid": "GO", "taskrouter_offline_activity_sid": "WA",
}

HANDLER_FIELDS = ("sms_url", "sms_fallback_url", "voice_url", "voice_fallback_url", "status_callback",
                  "sms_application_sid", "voice_application_sid")
METHOD_FIELDS = ("sms_method", "sms_fallback_method", "voice_method", "voice_fallback_method",
                 "status_callback_method")


class SeedError(ValueError):
    """The seed is malformed; the message names the entry and the field."""


def _require(cond, where, msg):
    if not cond:
        raise SeedError("%s: %s" % (where, msg))


def _sid(entry, where, prefix, key="sid"):
    value = entry.get(key)
    _require(is_sid(value, prefix), where, "%s must be %s followed by 32 hex digits, got %r" % (key, prefix, value))
    return value


def _capabilities(raw, where):
    raw = raw or {}
    _require(isinstance(raw, dict), where, "capabilities must be a mapping")
    unknown = set(raw) - {"sms", "mms", "voice", "fax"}
    _require(not unknown, where, "unknown capabilities %s" % sorted(unknown))
    return {
        "voice": bool(raw.get("voice", True)),
        "sms": bool(raw.get("sms", True)),
        "mms": bool(raw.get("mms", raw.get("sms", True))),
        "fax": bool(raw.get("fax", False)),
    }


def _capacities(raw, where):
    """A seed's ``capacities`` mapping (a subset of CAPACITIES, each a whole number of at least 0)."""
    raw = raw or {}
    _require(isinstance(raw, dict), where, "capacities must be a mapping")
    unknown = set(raw) - set(CAPACITIES)
    _require(not unknown, where, "unknown capacities %s (known: %s)" % (sorted(unknown), ", ".join(sorted(CAPACITIES))))
    for key, value in raw.items():
        _require(isinstance(value, int) and not isinstance(value, bool) and value >= 0, where,
                 "capacities.%s must be a whole number of at least 0, got %r" % (key, value))
    return dict(raw)


def _phone_number(entry, where):
    value = entry.get("phone_number")
    _require(isinstance(value, str) and E164_RE.match(value), where, "phone_number must be E.164 (+15555550100), got %r" % (value,))
    return value


def new_incoming_number(sid, phone_number, capabilities, when, iso_country="US", number_type="local", **fields):
    """An IncomingPhoneNumber record with Twilio's defaults for a freshly bought number."""
    rec = {
        "sid": sid,
        "phone_number": phone_number,
        "friendly_name": us_friendly_name(phone_number),
        "capabilities": capabilities,
        "iso_country": iso_country,
        "type": number_type,
        "origin": "twilio",
        "status": "in-use",
        "beta": False,
        "api_version": "2010-04-01",
        "address_requirements": "none",
        "address_sid": None,
        "identity_sid": None,
        "bundle_sid": None,
        "trunk_sid": None,
        "emergency_status": "Inactive",
        "emergency_address_sid": None,
        "emergency_address_status": "unregistered",
        "voice_receive_mode": "voice",
        "voice_caller_id_lookup": False,
        "date_created": when,
        "date_updated": when,
    }
    for key in HANDLER_FIELDS:
        rec[key] = ""
    for key in METHOD_FIELDS:
        rec[key] = "POST"
    for key, value in fields.items():
        if value is not None:
            rec[key] = value
    return rec


class Account(object):
    """One Twilio account and everything in it."""

    def __init__(self, sid, auth_token, friendly_name, region, api_keys, when):
        self.sid = sid
        self.auth_token = auth_token
        self.friendly_name = friendly_name
        self.region = region
        self.api_keys = api_keys  # {SK...: secret}
        self.date_created = when
        self.date_updated = when
        self.flex_configuration = None
        self.incoming_phone_numbers = {}
        self.available_phone_numbers = []
        self.proxy_services = {}
        self.messaging_services = {}
        self.studio_flows = {}
        self.applications = {}
        self.flex_flows = {}
        self.conversations_addresses = {}
        # Chat v2 services, Conversations v1 services, TaskRouter v1 workspaces (with their
        # ``workflows`` and ``task_channels``), fetch only: what a setting names must exist.
        self.chat_services = {}
        self.conversation_services = {}
        self.workspaces = {}
        self.capacities = dict(CAPACITIES)

    # -- capacities ----------------------------------------------------
    def proxy_count(self, service, reserved):
        """How many reserved (``reserved``) or non-reserved numbers the Proxy service's pool holds."""
        return sum(1 for member in service["phone_numbers"].values() if bool(member.get("is_reserved")) == reserved)

    def proxy_capacity(self, reserved):
        return self.capacities["proxy_reserved_numbers" if reserved else "proxy_numbers"]

    # -- relations -----------------------------------------------------
    def proxy_service_of(self, pn_sid):
        for service in self.proxy_services.values():
            if pn_sid in service["phone_numbers"]:
                return service
        return None

    def messaging_service_of(self, pn_sid):
        for service in self.messaging_services.values():
            if pn_sid in service["phone_numbers"]:
                return service
        return None

    def number_by_e164(self, phone_number):
        for rec in self.incoming_phone_numbers.values():
            if rec["phone_number"] == phone_number:
                return rec
        return None

    def conversations_address_of(self, address, address_type="sms"):
        """The Conversations address configuration for (type, address), or None."""
        for rec in self.conversations_addresses.values():
            if rec["type"] == address_type and rec["address"] == address:
                return rec
        return None

    def task_channel(self, workspace, value):
        """A task channel of ``workspace`` (a record) by TC SID or unique name, or None."""
        found = workspace["task_channels"].get(value)
        if found is None:
            found = next((c for c in workspace["task_channels"].values() if c["unique_name"] == value), None)
        return found

    def release_number(self, pn_sid):
        """Deleting an IncomingPhoneNumber also drops it from Proxy and Messaging pools."""
        self.incoming_phone_numbers.pop(pn_sid, None)
        for service in list(self.proxy_services.values()) + list(self.messaging_services.values()):
            service["phone_numbers"].pop(pn_sid, None)

    # -- state dump ----------------------------------------------------
    def dump(self):
        def plain(value):
            if isinstance(value, datetime.datetime):
                return iso8601(value)
            if isinstance(value, dict):
                return dict((k, plain(v)) for k, v in value.items())
            if isinstance(value, list):
                return [plain(v) for v in value]
            return value

        def services(coll):
            out = []
            for service in coll.values():
                item = plain(dict((k, v) for k, v in service.items() if k != "phone_numbers"))
                item["phone_numbers"] = [plain(dict(member, sid=pn)) for pn, member in service["phone_numbers"].items()]
                out.append(item)
            return out

        return {
            "sid": self.sid,
            "friendly_name": self.friendly_name,
            "region": self.region,
            "api_keys": sorted(self.api_keys),
            "flex_configuration": plain(self.flex_configuration),
            "incoming_phone_numbers": [plain(r) for r in self.incoming_phone_numbers.values()],
            "available_phone_numbers": [plain(r) for r in self.available_phone_numbers],
            "proxy_services": services(self.proxy_services),
            "messaging_services": services(self.messaging_services),
            "studio_flows": [plain(r) for r in self.studio_flows.values()],
            "applications": [plain(r) for r in self.applications.values()],
            "flex_flows": [plain(r) for r in self.flex_flows.values()],
            "conversations_addresses": [plain(r) for r in self.conversations_addresses.values()],
            "chat_services": [plain(r) for r in self.chat_services.values()],
            "conversation_services": [plain(r) for r in self.conversation_services.values()],
            "taskrouter_workspaces": [plain(r) for r in self.workspaces.values()],
            "capacities": dict(self.capacities),
        }


class Store(object):
    """All accounts, guarded by one re-entrant lock (handlers run under it)."""

    def __init__(self):
        self.lock = threading.RLock()
        self.accounts = {}
        self.seed_path = None

    # -- loading -------------------------------------------------------
    def load_file(self, path):
        with open(path) as handle:
            data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        self.load(data)
        self.seed_path = path

    def load(self, data):
        accounts = SeedLoader(data).accounts()
        with self.lock:
            self.accounts = accounts

    # -- queries -------------------------------------------------------
    def authenticate(self, username, password):
        """The account these Basic credentials belong to, or None."""
        with self.lock:
            account = self.accounts.get(username)
            if account is not None:
                return account if password == account.auth_token else None
            for account in self.accounts.values():
                if username in account.api_keys:
                    return account if password == account.api_keys[username] else None
        return None

    def dump(self):
        with self.lock:
            return dict((sid, account.dump()) for sid, account in self.accounts.items())


class SeedLoader(object):
    """Validates a seed mapping and builds Account objects from it."""

    def __init__(self, data):
        _require(isinstance(data, dict) and isinstance(data.get("accounts"), list) and data["accounts"],
                 "seed", "needs a non-empty 'accounts' list")
        self.data = data
        self.tick = 0

    def when(self):
        self.tick += 1
        return SEED_EPOCH + datetime.timedelta(seconds=self.tick)

    def accounts(self):
        out = {}
        for index, raw in enumerate(self.data["accounts"]):
            where = "accounts[%d]" % index
            account = self.account(raw, where)
            _require(account.sid not in out, where, "duplicate account sid %s" % account.sid)
            out[account.sid] = account
        seen_keys = set()
        for account in out.values():
            _require(not (seen_keys & set(account.api_keys)), account.sid, "API key used by two accounts")
            seen_keys |= set(account.api_keys)
        return out

    def account(self, raw, where):
        sid = _sid(raw, where, "AC")
        _require(isinstance(raw.get("auth_token"), str) and raw["auth_token"], where, "auth_token is required")
        region = raw.get("region") or "us1"
        _require(region in REGIONS, where, "region must be one of %s" % ", ".join(REGIONS))
        keys = {}
        for k_index, key in enumerate(raw.get("api_keys") or []):
            k_where = "%s.api_keys[%d]" % (where, k_index)
            keys[_sid(key, k_where, "SK")] = key.get("secret")
            _require(isinstance(key.get("secret"), str) and key["secret"], k_where, "secret is required")
        account = Account(sid, raw["auth_token"], raw.get("friendly_name") or sid, region, keys, self.when())
        for scope, given in (("capacities", self.data.get("capacities")), (where + ".capacities", raw.get("capacities"))):
            account.capacities.update(_capacities(given, scope))
        self.flex_configuration(account, raw.get("flex_configuration"), where + ".flex_configuration")
        for i, entry in enumerate(raw.get("applications") or []):
            self.application(account, entry, "%s.applications[%d]" % (where, i))
        for i, entry in enumerate(raw.get("incoming_phone_numbers") or []):
            self.incoming_number(account, entry, "%s.incoming_phone_numbers[%d]" % (where, i))
        for i, entry in enumerate(raw.get("available_phone_numbers") or []):
            self.available_number(account, entry, "%s.available_phone_numbers[%d]" % (where, i))
        for i, entry in enumerate(raw.get("messaging_services") or []):
            self.messaging_service(account, entry, "%s.messaging_services[%d]" % (where, i))
        for i, entry in enumerate(raw.get("proxy_services") or []):
            self.proxy_service(account, entry, "%s.proxy_services[%d]" % (where, i))
        for i, entry in enumerate(raw.get("studio_flows") or []):
            self.studio_flow(account, entry, "%s.studio_flows[%d]" % (where, i))
        for i, entry in enumerate(raw.get("flex_flows") or []):
            self.flex_flow(account, entry, "%s.flex_flows[%d]" % (where, i))
        for i, entry in enumerate(raw.get("conversations_addresses") or []):
            self.conversations_address(account, entry, "%s.conversations_addresses[%d]" % (where, i))
        for i, entry in enumerate(raw.get("chat_services") or []):
            self.service(account.chat_services, entry, "%s.chat_services[%d]" % (where, i))
        for i, entry in enumerate(raw.get("conversation_services") or []):
            self.service(account.conversation_services, entry, "%s.conversation_services[%d]" % (where, i))
        for i, entry in enumerate(raw.get("taskrouter_workspaces") or []):
            self.workspace(account, entry, "%s.taskrouter_workspaces[%d]" % (where, i))
        self.referenced(account)
        self.within_capacities(account, where)
        return account

    def within_capacities(self, account, where):
        """A seed cannot start an account past its capacities (Twilio would have refused the last addition)."""
        caps = account.capacities
        _require(len(account.flex_flows) <= caps["flex_flows"], where,
                 "%d flex_flows, more than capacities.flex_flows=%d" % (len(account.flex_flows), caps["flex_flows"]))
        for i, service in enumerate(account.proxy_services.values()):
            for reserved, key in ((False, "proxy_numbers"), (True, "proxy_reserved_numbers")):
                count = account.proxy_count(service, reserved)
                _require(count <= caps[key], "%s.proxy_services[%d]" % (where, i),
                         "%d %s numbers, more than capacities.%s=%d"
                         % (count, "reserved" if reserved else "non-reserved", key, caps[key]))
        for i, service in enumerate(account.messaging_services.values()):
            count = len(service["phone_numbers"])
            _require(count <= caps["messaging_service_numbers"], "%s.messaging_services[%d]" % (where, i),
                     "%d phone_numbers, more than capacities.messaging_service_numbers=%d"
                     % (count, caps["messaging_service_numbers"]))

    # -- services and TaskRouter (fetch only) ---------------------------
    def service(self, collection, raw, where, sid=None):
        """A Chat or Conversations service (``sid``: one another resource names, unless seeded)."""
        sid = sid or _sid(raw, where, "IS")
        if sid not in collection:
            when = self.when()
            collection[sid] = {"sid": sid, "friendly_name": (raw or {}).get("friendly_name") or sid,
                               "date_created": when, "date_updated": when}
        return collection[sid]

    def workspace(self, account, raw, where, sid=None):
        """A TaskRouter workspace with its workflows and task channels (TaskRouter's default channels always)."""
        raw = raw or {}
        sid = sid or _sid(raw, where, "WS")
        rec = account.workspaces.get(sid)
        if rec is None:
            when = self.when()
            rec = account.workspaces[sid] = {"sid": sid, "friendly_name": raw.get("friendly_name") or sid,
                                             "workflows": {}, "task_channels": {}, "date_created": when,
                                             "date_updated": when}
            for name in DEFAULT_TASK_CHANNELS:
                self.task_channel(rec, {"unique_name": name}, where)
        for i, entry in enumerate(raw.get("workflows") or []):
            self.workflow(rec, entry, "%s.workflows[%d]" % (where, i))
        for i, entry in enumerate(raw.get("task_channels") or []):
            c_where = "%s.task_channels[%d]" % (where, i)
            _require(entry.get("unique_name"), c_where, "unique_name is required")
            self.task_channel(rec, entry, c_where)
        return rec

    def workflow(self, workspace, raw, where, sid=None):
        sid = sid or _sid(raw, where, "WW")
        if sid not in workspace["workflows"]:
            when = self.when()
            workspace["workflows"][sid] = {"sid": sid, "workspace_sid": workspace["sid"],
                                           "friendly_name": (raw or {}).get("friendly_name") or sid,
                                           "date_created": when, "date_updated": when}
        return workspace["workflows"][sid]

    def task_channel(self, workspace, raw, where):
        name = raw["unique_name"]
        existing = next((c for c in workspace["task_channels"].values() if c["unique_name"] == name), None)
        if existing is not None:
            return existing
        # A stable SID per workspace and name, unless the seed gives one.
        sid = _sid(raw, where, "TC") if raw.get("sid") else "TC" + hashlib.md5(
            ("%s/%s" % (workspace["sid"], name)).encode("utf-8")).hexdigest()
        when = self.when()
        workspace["task_channels"][sid] = {"sid": sid, "workspace_sid": workspace["sid"], "unique_name": name,
                                           "friendly_name": raw.get("friendly_name") or name.capitalize(),
                                           "channel_optimized_routing": None, "date_created": when,
                                           "date_updated": when}
        return workspace["task_channels"][sid]

    def referenced(self, account):
        """What the account's Flex Configuration, Flex Flows and Conversations addresses name exists
        (Twilio made those, or refused to create what names them)."""
        config = account.flex_configuration or {}
        if config.get("chat_service_instance_sid"):
            self.service(account.chat_services, {"friendly_name": "Flex Chat Service"}, "", config["chat_service_instance_sid"])
        if config.get("flex_service_instance_sid"):
            self.service(account.conversation_services, {"friendly_name": "Flex Conversation Service"}, "",
                         config["flex_service_instance_sid"])
        if config.get("taskrouter_workspace_sid"):
            workspace = self.workspace(account, {"friendly_name": "Flex Task Assignment"}, "", config["taskrouter_workspace_sid"])
            if config.get("taskrouter_target_workflow_sid"):
                self.workflow(workspace, {"friendly_name": "Assign to Anyone"}, "", config["taskrouter_target_workflow_sid"])
        for flow in account.flex_flows.values():
            self.service(account.chat_services, None, "", flow["chat_service_sid"])
            integration = flow["integration"]
            if is_sid(integration.get("workspace_sid") or "", "WS"):
                workspace = self.workspace(account, None, "", integration["workspace_sid"])
                if is_sid(integration.get("workflow_sid") or "", "WW"):
                    self.workflow(workspace, None, "", integration["workflow_sid"])
                channel = integration.get("channel")
                if channel and not is_sid(channel, "TC"):
                    self.task_channel(workspace, {"unique_name": channel}, "")
        for address in account.conversations_addresses.values():
            service = address["auto_creation"].get("conversation_service_sid")
            if service:
                self.service(account.conversation_services, None, "", service)

    def flex_configuration(self, account, raw, where):
        if raw is None:
            return
        _require(isinstance(raw, dict), where, "must be a mapping")
        unknown = set(raw) - set(FLEX_CONFIGURATION_FIELDS)
        _require(not unknown, where, "unknown fields %s" % sorted(unknown))
        for key, prefix in FLEX_CONFIGURATION_SIDS.items():
            if raw.get(key) is not None:
                _sid(raw, where, prefix, key)
        when = self.when()
        account.flex_configuration = dict(raw, date_created=when, date_updated=when)

    def application(self, account, raw, where):
        sid = _sid(raw, where, "AP")
        when = self.when()
        rec = {
            "sid": sid, "friendly_name": raw.get("friendly_name") or sid, "api_version": "2010-04-01",
            "message_status_callback": "", "sms_status_callback": "", "voice_caller_id_lookup": False,
            "public_application_connect_enabled": False, "date_created": when, "date_updated": when,
        }
        for key in ("sms_url", "sms_fallback_url", "voice_url", "voice_fallback_url", "status_callback"):
            rec[key] = raw.get(key) or ""
        for key in ("sms_method", "sms_fallback_method", "voice_method", "voice_fallback_method", "status_callback_method"):
            rec[key] = raw.get(key) or "POST"
        account.applications[sid] = rec

    def incoming_number(self, account, raw, where):
        sid = _sid(raw, where, "PN")
        _require(sid not in account.incoming_phone_numbers, where, "duplicate sid")
        number = _phone_number(raw, where)
        _require(account.number_by_e164(number) is None, where, "duplicate phone_number %s" % number)
        fields = {}
        for key in HANDLER_FIELDS + METHOD_FIELDS + ("friendly_name",):
            if key in raw:
                fields[key] = raw[key] if raw[key] is not None else ""
        for key in METHOD_FIELDS:
            if key in fields:
                _require(fields[key] in ("GET", "POST"), where, "%s must be GET or POST" % key)
        app = fields.get("sms_application_sid")
        if app:
            _require(app in account.applications, where, "sms_application_sid %s is not in applications" % app)
        account.incoming_phone_numbers[sid] = new_incoming_number(
            sid, number, _capabilities(raw.get("capabilities"), where), self.when(),
            iso_country=raw.get("iso_country") or "US", number_type=raw.get("type") or "local", **fields)

    def available_number(self, account, raw, where):
        number = _phone_number(raw, where)
        number_type = raw.get("type") or "local"
        _require(number_type in NUMBER_TYPES, where, "type must be one of %s" % ", ".join(NUMBER_TYPES))
        d = digits(number)
        account.available_phone_numbers.append({
            "phone_number": number,
            "friendly_name": raw.get("friendly_name") or us_friendly_name(number),
            "iso_country": raw.get("iso_country") or "US",
            "type": number_type,
            "capabilities": _capabilities(raw.get("capabilities"), where),
            "locality": raw.get("locality"),
            "region": raw.get("region"),
            "postal_code": raw.get("postal_code"),
            "rate_center": raw.get("rate_center") or (raw.get("locality") or "").upper() or None,
            "lata": raw.get("lata"),
            "latitude": raw.get("latitude"),
            "longitude": raw.get("longitude"),
            "address_requirements": raw.get("address_requirements") or "none",
            "beta": bool(raw.get("beta", False)),
            "area_code": d[1:4] if number.startswith("+1") else None,
        })

    def _members(self, account, raw, where, holder, reservable):
        """Pool members of a service: {PN: {date_created, date_updated[, is_reserved]}}."""
        members = {}
        for i, member in enumerate(raw.get("phone_numbers") or []):
            m_where = "%s.phone_numbers[%d]" % (where, i)
            if isinstance(member, str):
                member = {"sid": member}
            pn = _sid(member, m_where, "PN")
            _require(pn in account.incoming_phone_numbers, m_where, "%s is not one of the account's incoming_phone_numbers" % pn)
            other = holder(pn)
            _require(other is None, m_where, "%s already belongs to %s" % (pn, other and other["sid"]))
            when = self.when()
            members[pn] = {"date_created": when, "date_updated": when}
            if reservable:
                members[pn]["is_reserved"] = bool(member.get("is_reserved", False))
        return members

    def messaging_service(self, account, raw, where):
        sid = _sid(raw, where, "MG")
        when = self.when()
        rec = {
            "sid": sid, "friendly_name": raw.get("friendly_name") or sid,
            "inbound_request_url": raw.get("inbound_request_url"), "inbound_method": "POST",
            "fallback_url": None, "fallback_method": "POST", "status_callback": None,
            "sticky_sender": True, "mms_converter": True, "smart_encoding": True,
            "scan_message_content": "inherit", "fallback_to_long_code": True, "area_code_geomatch": True,
            "synchronous_validation": False, "validity_period": 14400, "usecase": "undeclared",
            "us_app_to_person_registered": bool(raw.get("us_app_to_person_registered", False)),
            "use_inbound_webhook_on_number": bool(raw.get("use_inbound_webhook_on_number", False)),
            "date_created": when, "date_updated": when,
        }
        rec["phone_numbers"] = self._members(account, raw, where, account.messaging_service_of, reservable=False)
        account.messaging_services[sid] = rec

    def proxy_service(self, account, raw, where):
        sid = _sid(raw, where, "KS")
        _require(raw.get("unique_name"), where, "unique_name is required")
        when = self.when()
        rec = {
            "sid": sid, "unique_name": raw["unique_name"], "chat_instance_sid": raw.get("chat_instance_sid"),
            "callback_url": raw.get("callback_url"), "default_ttl": int(raw.get("default_ttl") or 0),
            "number_selection_behavior": raw.get("number_selection_behavior") or "prefer-sticky",
            "geo_match_level": raw.get("geo_match_level") or "country",
            "intercept_callback_url": raw.get("intercept_callback_url"),
            "out_of_session_callback_url": raw.get("out_of_session_callback_url"),
            "date_created": when, "date_updated": when,
        }
        rec["phone_numbers"] = self._members(account, raw, where, account.proxy_service_of, reservable=True)
        account.proxy_services[sid] = rec

    def studio_flow(self, account, raw, where):
        sid = _sid(raw, where, "FW")
        definition = raw.get("definition")
        _require(isinstance(definition, dict), where, "definition must be a mapping (the flow JSON)")
        status = raw.get("status") or "published"
        _require(status in ("draft", "published"), where, "status must be draft or published")
        when = self.when()
        account.studio_flows[sid] = {
            "sid": sid, "friendly_name": raw.get("friendly_name") or sid, "status": status,
            "definition": copy.deepcopy(definition), "revision": int(raw.get("revision") or 1),
            "commit_message": raw.get("commit_message"), "author_sid": raw.get("author_sid"),
            "valid": True, "errors": [], "warnings": [], "date_created": when, "date_updated": when,
        }

    def flex_flow(self, account, raw, where):
        sid = _sid(raw, where, "FO")
        _sid(raw, where, "IS", "chat_service_sid")
        _require(raw.get("friendly_name"), where, "friendly_name is required")
        _require(raw.get("channel_type") in CHANNEL_TYPES, where, "channel_type must be one of %s" % ", ".join(CHANNEL_TYPES))
        itype = raw.get("integration_type")
        _require(itype is None or itype in INTEGRATION_TYPES, where, "integration_type must be one of %s" % ", ".join(INTEGRATION_TYPES))
        integration = raw.get("integration") or {}
        _require(isinstance(integration, dict), where, "integration must be a mapping")
        when = self.when()
        account.flex_flows[sid] = {
            "sid": sid, "friendly_name": raw["friendly_name"], "chat_service_sid": raw["chat_service_sid"],
            "channel_type": raw["channel_type"], "contact_identity": raw.get("contact_identity"),
            "enabled": bool(raw.get("enabled", False)), "integration_type": itype,
            "integration": copy.deepcopy(integration), "long_lived": bool(raw.get("long_lived", False)),
            "janitor_enabled": bool(raw.get("janitor_enabled", False)), "date_created": when, "date_updated": when,
        }

    def conversations_address(self, account, raw, where):
        sid = _sid(raw, where, "IG")
        _require(sid not in account.conversations_addresses, where, "duplicate sid")
        address_type = raw.get("type") or "sms"
        _require(address_type in ADDRESS_TYPES, where, "type must be one of %s" % ", ".join(ADDRESS_TYPES))
        address = raw.get("address")
        _require(isinstance(address, str) and address, where, "address is required")
        if address_type == "sms":
            _require(E164_RE.match(address), where, "address of an sms address must be E.164, got %r" % (address,))
        _require(account.conversations_address_of(address, address_type) is None, where,
                 "a %s address for %s already exists" % (address_type, address))
        auto = raw.get("auto_creation") or {}
        _require(isinstance(auto, dict), where, "auto_creation must be a mapping")
        unknown = set(auto) - set(AUTO_CREATION_COMMON) - set(k for keys in AUTO_CREATION_KEYS.values() for k in keys)
        _require(not unknown, where, "unknown auto_creation fields %s" % sorted(unknown))
        auto_type = auto.get("type")
        _require(auto_type is None or auto_type in AUTO_CREATION_TYPES, where,
                 "auto_creation.type must be one of %s" % ", ".join(AUTO_CREATION_TYPES))
        if auto.get("conversation_service_sid") is not None:
            _sid(auto, where + ".auto_creation", "IS", "conversation_service_sid")
        if auto.get("studio_flow_sid") is not None:
            _sid(auto, where + ".auto_creation", "FW", "studio_flow_sid")
        _require(auto_type != "studio" or auto.get("studio_flow_sid"), where, "auto_creation type studio needs studio_flow_sid")
        if auto.get("webhook_filters") is not None:
            _require(isinstance(auto["webhook_filters"], list), where, "auto_creation.webhook_filters must be a list")
        if auto.get("webhook_method") is not None:
            _require(str(auto["webhook_method"]).upper() in ("GET", "POST"), where, "auto_creation.webhook_method must be GET or POST")
        auto_creation = {"enabled": bool(auto.get("enabled", False)), "type": auto_type,
                         "conversation_service_sid": auto.get("conversation_service_sid")}
        for key in AUTO_CREATION_KEYS[auto_type]:
            auto_creation[key] = copy.deepcopy(auto.get(key))
        if auto_type == "webhook":
            auto_creation["webhook_method"] = (auto_creation["webhook_method"] or "POST").upper()
            auto_creation["webhook_filters"] = list(auto_creation["webhook_filters"] or [])
        if auto_type == "studio" and auto_creation["studio_retry_count"] is None:
            auto_creation["studio_retry_count"] = 3
        when = self.when()
        account.conversations_addresses[sid] = {
            "sid": sid, "type": address_type, "address": address, "friendly_name": raw.get("friendly_name"),
            "address_country": raw.get("address_country"), "auto_creation": auto_creation,
            "date_created": when, "date_updated": when,
        }
