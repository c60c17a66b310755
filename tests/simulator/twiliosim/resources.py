# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Renderers: stored records -> the JSON Twilio answers.

Each renderer lists the fields it emits explicitly; the conformance test
checks every emitted field against the response schema in
tests/data/twilio-oai/. Records may carry internal fields (``type``,
``iso_country`` of a number, ``phone_numbers`` of a service) that are not
part of a resource's representation.
"""

from .store import AUTO_CREATION_COMMON, AUTO_CREATION_KEYS
from .util import iso8601, rfc2822

API = "/2010-04-01"
HOSTS = {
    "api": "https://api.twilio.com",
    "flex-api": "https://flex-api.twilio.com",
    "proxy": "https://proxy.twilio.com",
    "studio": "https://studio.twilio.com",
    "messaging": "https://messaging.twilio.com",
    "conversations": "https://conversations.twilio.com",
    "chat": "https://chat.twilio.com",
    "taskrouter": "https://taskrouter.twilio.com",
}


def _resource(acct, rec, fields, date_format, **extra):
    """``fields`` of the record, its account and dates in ``date_format``, plus ``extra``."""
    out = dict((key, rec.get(key)) for key in fields)
    out.update(account_sid=acct.sid, date_created=date_format(rec["date_created"]),
               date_updated=date_format(rec["date_updated"]), **extra)
    return out


# -- API 2010 ---------------------------------------------------------------

ACCOUNT_SUBRESOURCES = {
    "available_phone_numbers": "AvailablePhoneNumbers", "incoming_phone_numbers": "IncomingPhoneNumbers",
    "applications": "Applications", "keys": "Keys", "messages": "Messages", "calls": "Calls",
}


def account(acct):
    base = "%s/Accounts/%s" % (API, acct.sid)
    return {
        "sid": acct.sid,
        "owner_account_sid": acct.sid,
        "friendly_name": acct.friendly_name,
        "status": "active",
        "type": "Full",
        "auth_token": acct.auth_token,
        "date_created": rfc2822(acct.date_created),
        "date_updated": rfc2822(acct.date_updated),
        "uri": base + ".json",
        "subresource_uris": dict((key, "%s/%s.json" % (base, name)) for key, name in ACCOUNT_SUBRESOURCES.items()),
    }


INCOMING_NUMBER_FIELDS = (
    "sid", "phone_number", "friendly_name", "capabilities", "origin", "status", "type", "beta", "api_version",
    "address_requirements", "address_sid", "identity_sid", "bundle_sid", "trunk_sid", "emergency_status",
    "emergency_address_sid", "emergency_address_status", "voice_receive_mode", "voice_caller_id_lookup",
    "sms_url", "sms_method", "sms_fallback_url", "sms_fallback_method", "sms_application_sid",
    "voice_url", "voice_method", "voice_fallback_url", "voice_fallback_method", "voice_application_sid",
    "status_callback", "status_callback_method",
)


def incoming_phone_number(acct, rec):
    return _resource(acct, rec, INCOMING_NUMBER_FIELDS, rfc2822, capabilities=dict(rec["capabilities"]),
                     uri="%s/Accounts/%s/IncomingPhoneNumbers/%s.json" % (API, acct.sid, rec["sid"]))


AVAILABLE_NUMBER_FIELDS = (
    "friendly_name", "phone_number", "lata", "locality", "rate_center", "latitude", "longitude", "region",
    "postal_code", "iso_country", "address_requirements", "beta",
)


def available_phone_number(rec):
    out = dict((key, rec.get(key)) for key in AVAILABLE_NUMBER_FIELDS)
    caps = rec["capabilities"]
    out["capabilities"] = {"voice": caps["voice"], "sms": caps["sms"], "mms": caps["mms"]}
    return out


APPLICATION_FIELDS = (
    "sid", "friendly_name", "api_version", "message_status_callback", "sms_status_callback",
    "sms_url", "sms_method", "sms_fallback_url", "sms_fallback_method",
    "voice_url", "voice_method", "voice_fallback_url", "voice_fallback_method", "voice_caller_id_lookup",
    "status_callback", "status_callback_method", "public_application_connect_enabled",
)


def application(acct, rec):
    return _resource(acct, rec, APPLICATION_FIELDS, rfc2822,
                     uri="%s/Accounts/%s/Applications/%s.json" % (API, acct.sid, rec["sid"]))


# -- Flex v1 ----------------------------------------------------------------

FLEX_FLOW_FIELDS = (
    "sid", "friendly_name", "chat_service_sid", "channel_type", "contact_identity", "enabled",
    "integration_type", "long_lived", "janitor_enabled",
)


def flex_flow(acct, rec):
    return _resource(acct, rec, FLEX_FLOW_FIELDS, iso8601, integration=dict(rec["integration"]),
                     url="%s/v1/FlexFlows/%s" % (HOSTS["flex-api"], rec["sid"]))


def flex_configuration(acct, rec):
    out = {
        "status": "ok",
        "service_version": "1.0.0",
        "ui_version": "2.0.0",
        "ui_language": "en",
        "runtime_domain": None,
        "attributes": {},
    }
    out.update(_resource(acct, rec, [key for key in rec if key not in ("date_created", "date_updated")], iso8601,
                         url="%s/v1/Configuration" % HOSTS["flex-api"]))
    return out


# -- Proxy v1 ---------------------------------------------------------------

PROXY_SERVICE_FIELDS = (
    "sid", "unique_name", "chat_instance_sid", "callback_url", "default_ttl", "number_selection_behavior",
    "geo_match_level", "intercept_callback_url", "out_of_session_callback_url",
)


def proxy_service(acct, rec):
    url = "%s/v1/Services/%s" % (HOSTS["proxy"], rec["sid"])
    return _resource(acct, rec, PROXY_SERVICE_FIELDS, iso8601, url=url,
                     links={"sessions": url + "/Sessions", "phone_numbers": url + "/PhoneNumbers"})


def proxy_phone_number(acct, service, pn_sid):
    """A pool member: dates and is_reserved of the membership, the rest from the IncomingPhoneNumber."""
    number = acct.incoming_phone_numbers[pn_sid]
    return _resource(
        acct, service["phone_numbers"][pn_sid], ("is_reserved",), iso8601,
        sid=pn_sid,
        service_sid=service["sid"],
        phone_number=number["phone_number"],
        friendly_name=number["friendly_name"],
        iso_country=number["iso_country"],
        # The spec's schema declares fax/mms/sms/voice (its example shows sms_outbound/voice_inbound).
        capabilities=dict(number["capabilities"]),
        in_use=0,
        url="%s/v1/Services/%s/PhoneNumbers/%s" % (HOSTS["proxy"], service["sid"], pn_sid),
    )


# -- Studio v2 --------------------------------------------------------------

STUDIO_FLOW_FIELDS = (
    "sid", "friendly_name", "status", "revision", "commit_message", "author_sid", "valid", "errors", "warnings",
)


def studio_flow(acct, rec, with_definition):
    url = "%s/v2/Flows/%s" % (HOSTS["studio"], rec["sid"])
    return _resource(
        acct, rec, STUDIO_FLOW_FIELDS, iso8601,
        definition=rec["definition"] if with_definition else None,
        webhook_url="https://webhooks.twilio.com/v1/Accounts/%s/Flows/%s" % (acct.sid, rec["sid"]),
        url=url,
        links={"test_users": url + "/TestUsers", "revisions": url + "/Revisions", "executions": url + "/Executions"},
    )


# -- Messaging v1 -----------------------------------------------------------

MESSAGING_SERVICE_FIELDS = (
    "sid", "friendly_name", "inbound_request_url", "inbound_method", "fallback_url", "fallback_method",
    "status_callback", "sticky_sender", "mms_converter", "smart_encoding", "scan_message_content",
    "fallback_to_long_code", "area_code_geomatch", "synchronous_validation", "validity_period", "usecase",
    "us_app_to_person_registered", "use_inbound_webhook_on_number",
)


def messaging_service(acct, rec):
    url = "%s/v1/Services/%s" % (HOSTS["messaging"], rec["sid"])
    return _resource(acct, rec, MESSAGING_SERVICE_FIELDS, iso8601, url=url,
                     links={"phone_numbers": url + "/PhoneNumbers", "short_codes": url + "/ShortCodes",
                            "alpha_senders": url + "/AlphaSenders", "messages": url + "/Messages"})


def messaging_phone_number(acct, service, pn_sid):
    """A pool member: dates of the membership, the rest from the IncomingPhoneNumber."""
    number = acct.incoming_phone_numbers[pn_sid]
    caps = number["capabilities"]
    return _resource(
        acct, service["phone_numbers"][pn_sid], (), iso8601,
        sid=pn_sid,
        service_sid=service["sid"],
        phone_number=number["phone_number"],
        country_code=number["iso_country"],
        capabilities=[name for name, key in (("Voice", "voice"), ("SMS", "sms"), ("MMS", "mms")) if caps[key]],
        url="%s/v1/Services/%s/PhoneNumbers/%s" % (HOSTS["messaging"], service["sid"], pn_sid),
    )


# -- Conversations v1 -------------------------------------------------------

CONVERSATIONS_ADDRESS_FIELDS = ("sid", "type", "address", "friendly_name", "address_country")


def auto_creation(rec):
    """The ``auto_creation`` object as the spec's examples show it: ``enabled`` and ``type`` always,
    ``conversation_service_sid`` when set, then the keys of the auto-creation type only."""
    auto = rec["auto_creation"]
    out = {"enabled": auto["enabled"], "type": auto["type"]}
    if auto.get("conversation_service_sid") is not None:
        out["conversation_service_sid"] = auto["conversation_service_sid"]
    for key in AUTO_CREATION_KEYS[auto["type"]]:
        value = auto.get(key)
        out[key] = list(value) if isinstance(value, list) else value
    assert set(out) <= set(AUTO_CREATION_COMMON) | set(AUTO_CREATION_KEYS[auto["type"]])
    return out


def conversations_address(acct, rec):
    return _resource(acct, rec, CONVERSATIONS_ADDRESS_FIELDS, iso8601, auto_creation=auto_creation(rec),
                     url="%s/v1/Configuration/Addresses/%s" % (HOSTS["conversations"], rec["sid"]))


def conversation_service(acct, rec):
    url = "%s/v1/Services/%s" % (HOSTS["conversations"], rec["sid"])
    return _resource(acct, rec, ("sid", "friendly_name"), iso8601, url=url, links=dict(
        (key, "%s/%s" % (url, name)) for key, name in (
            ("conversations", "Conversations"), ("users", "Users"), ("roles", "Roles"), ("bindings", "Bindings"),
            ("configuration", "Configuration"), ("participant_conversations", "ParticipantConversations"))))


# -- Chat v2 (no OAI file in tests/data/twilio-oai: fields as Twilio's API reference lists them) --------


def chat_service(acct, rec):
    url = "%s/v2/Services/%s" % (HOSTS["chat"], rec["sid"])
    return _resource(acct, rec, ("sid", "friendly_name"), iso8601, url=url,
                     links={"channels": url + "/Channels", "users": url + "/Users", "roles": url + "/Roles",
                            "bindings": url + "/Bindings"})


# -- TaskRouter v1 (no OAI file in tests/data/twilio-oai either) ---------------------------------------


def workspace(acct, rec):
    url = "%s/v1/Workspaces/%s" % (HOSTS["taskrouter"], rec["sid"])
    return _resource(acct, rec, ("sid", "friendly_name"), iso8601, url=url, event_callback_url=None,
                     events_filter=None, multi_task_enabled=True, prioritize_queue_order="FIFO",
                     links={"workflows": url + "/Workflows", "task_channels": url + "/TaskChannels",
                            "task_queues": url + "/TaskQueues", "workers": url + "/Workers"})


def workflow(acct, rec):
    url = "%s/v1/Workspaces/%s/Workflows/%s" % (HOSTS["taskrouter"], rec["workspace_sid"], rec["sid"])
    return _resource(acct, rec, ("sid", "workspace_sid", "friendly_name"), iso8601, url=url,
                     assignment_callback_url=None, fallback_assignment_callback_url=None,
                     task_reservation_timeout=120, links={"statistics": url + "/Statistics"})


def task_channel(acct, rec):
    url = "%s/v1/Workspaces/%s/TaskChannels/%s" % (HOSTS["taskrouter"], rec["workspace_sid"], rec["sid"])
    return _resource(acct, rec, ("sid", "workspace_sid", "unique_name", "friendly_name", "channel_optimized_routing"),
                     iso8601, url=url, links={"workspace": "%s/v1/Workspaces/%s" % (HOSTS["taskrouter"], rec["workspace_sid"])})
