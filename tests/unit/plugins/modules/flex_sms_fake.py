# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""An in-memory stand-in for the parts of twilio.rest.Client the SMS address modules use.

It records every call (``calls``: list of (what, kwargs)) so tests can assert on
the exact requests, and behaves like the SDK where the modules depend on it:
list items and created/updated flows are objects whose public attributes are the
resource's fields, list calls go through ``stream(page_size=...)``.

For ``proxy_service`` and ``check_send_to_flex`` it also has Proxy services
and Messaging Services with their phone-number pools (``proxy_services``,
``messaging_services``: the pools hold PN SIDs) and Studio flows fetched by SID
with their definition (``studio_flows`` entries may carry ``definition``;
without one a flow's Trigger leads straight to a Send to Flex widget).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import itertools
import re
import types

from ansible_collections.flexops.twilio.tests.unit.core_compat import patch_module_args

ACCOUNT = "AC" + "a" * 32
TOKEN = "secret"
CHAT = "IS" + "1" * 32
CHAT2 = "IS" + "2" * 32
WS = "WS" + "1" * 32
WW = "WW" + "1" * 32
FW_MESSAGING = "FW" + "1" * 32
FW_OTHER = "FW" + "2" * 32
KS_FLEX = "KS" + "1" * 32
KS_OTHER = "KS" + "2" * 32
MG_OTHER = "MG" + "1" * 32

ALREADY_IN_SERVICE = 80104
NOT_AVAILABLE = 80601
ALREADY_IN_MESSAGING_SERVICE = 21710
IN_OTHER_MESSAGING_SERVICE = 21712


def studio_definition(send_to_flex=True):
    """A Studio flow definition whose Trigger's incomingMessage reaches Send to Flex, or (False) an auto-reply
    with the Send to Flex widget left unconnected."""
    states = [
        dict(name="Trigger", type="trigger", transitions=[
            dict(event="incomingMessage", next="SendMessageToAgent" if send_to_flex else "auto_reply"),
            dict(event="incomingCall")]),
        dict(name="SendMessageToAgent", type="send-to-flex", transitions=[dict(event="callComplete")],
             properties=dict(workflow="WW" + "1" * 32, channel="TC" + "1" * 32)),
    ]
    if not send_to_flex:
        states.append(dict(name="auto_reply", type="send-message", transitions=[dict(event="sent")]))
    return dict(initial_state="Trigger", states=states)


# The account's incoming numbers unless a test passes its own: every number the tests address.
OWNED_NUMBERS = ("+15551230001", "+15551230002", "+15559990000") + tuple("+1555200%04d" % i for i in range(50))

_sid_counter = itertools.count(1)


def sid(prefix):
    return "%s%032x" % (prefix, next(_sid_counter))


def flow(number, sid_=None, integration_type="studio", integration=None, enabled=True, channel_type="sms",
         friendly_name=None, chat_service_sid=CHAT, **extra):
    result = dict(
        sid=sid_ or sid("FO"), account_sid=ACCOUNT, friendly_name=friendly_name or "SMS %s" % number,
        chat_service_sid=chat_service_sid, channel_type=channel_type, contact_identity=number, enabled=enabled,
        integration_type=integration_type,
        integration=integration if integration is not None else {"flow_sid": FW_MESSAGING, "retry_count": 3},
        long_lived=False, janitor_enabled=False, url="https://flex-api.twilio.com/v1/FlexFlows/x",
        date_created=None, date_updated=None,
    )
    result.update(extra)
    return result


def _obj(data):
    return types.SimpleNamespace(**copy.deepcopy(data))


class FakeFlexFlows(object):
    def __init__(self, fake):
        self.fake = fake

    def stream(self, page_size=None, **filters):
        self.fake.record("list flex_flows", page_size=page_size)
        return [_obj(f) for f in self.fake.flows]

    def create(self, **kwargs):
        self.fake.record("create flex_flow", **kwargs)
        if self.fake.create_error is not None:
            error, applied = self.fake.create_error
            if applied:
                self.fake.flows.append(self.fake.apply(dict(sid=sid("FO"), account_sid=ACCOUNT), kwargs))
            raise error
        new = self.fake.apply(dict(sid=sid("FO"), account_sid=ACCOUNT, long_lived=False, janitor_enabled=False), kwargs)
        self.fake.flows.append(new)
        return _obj(new)

    def __call__(self, flow_sid):
        return FakeFlexFlowContext(self.fake, flow_sid)


class FakeFlexFlowContext(object):
    def __init__(self, fake, flow_sid):
        self.fake = fake
        self.sid = flow_sid

    def _find(self):
        for item in self.fake.flows:
            if item["sid"] == self.sid:
                return item
        raise AssertionError("no flow %s" % self.sid)

    def fetch(self):
        self.fake.record("fetch flex_flow", sid=self.sid)
        for item in self.fake.flows:
            if item["sid"] == self.sid:
                return _obj(item)
        raise _not_found("https://flex-api.twilio.com/v1/FlexFlows/%s" % self.sid)

    def update(self, **kwargs):
        self.fake.record("update flex_flow", sid=self.sid, **kwargs)
        if self.fake.update_error is not None:
            raise self.fake.update_error
        item = self._find()
        self.fake.apply(item, kwargs)
        return _obj(item)

    def delete(self):
        self.fake.record("delete flex_flow", sid=self.sid)
        self.fake.flows.remove(self._find())
        return True


class FakeConfiguration(object):
    def __init__(self, fake):
        self.fake = fake

    def fetch(self):
        self.fake.record("fetch configuration")
        if self.fake.configuration is None:
            from twilio.base.exceptions import TwilioRestException
            raise TwilioRestException(404, "https://flex-api.twilio.com/v1/Configuration", "Not found", method="GET")
        return _obj(self.fake.configuration)


class FakeStudioFlows(object):
    def __init__(self, fake):
        self.fake = fake

    def stream(self, page_size=None, **filters):
        self.fake.record("list studio_flows", page_size=page_size)
        return [_obj(f) for f in self.fake.studio_flows]

    def __call__(self, flow_sid):
        return FakeStudioFlowContext(self.fake, flow_sid)


class FakeStudioFlowContext(object):
    def __init__(self, fake, flow_sid):
        self.fake = fake
        self.sid = flow_sid

    def fetch(self):
        self.fake.record("fetch studio_flow", sid=self.sid)
        for item in self.fake.studio_flows:
            if item["sid"] == self.sid:
                found = dict(item)
                found.setdefault("definition", studio_definition())
                return _obj(found)
        raise _not_found("https://studio.twilio.com/v2/Flows/%s" % self.sid)


def _not_found(uri, method="GET"):
    from twilio.base.exceptions import TwilioRestException
    return TwilioRestException(404, uri, "The requested resource was not found", 20404, method)


class FakeFetch(object):
    """A resource fetched by SID only (Chat and Conversations services, TaskRouter resources)."""

    def __init__(self, fake, what, key, uri):
        self.fake, self.what, self.key, self.uri = fake, what, key, uri

    def fetch(self):
        self.fake.record("fetch " + self.what, sid=self.key[-1])
        if self.key not in self.fake.existing:
            raise _not_found(self.uri)
        return _obj(dict(sid=self.key[-1]))


class FakeWorkspace(FakeFetch):
    def workflows(self, workflow_sid):
        return FakeFetch(self.fake, "workflow", (self.key[-1], workflow_sid), self.uri + "/Workflows/" + workflow_sid)

    def task_channels(self, value):
        return FakeFetch(self.fake, "task_channel", (self.key[-1], value), self.uri + "/TaskChannels/" + value)


class FakeServices(object):
    """``client.proxy.v1.services`` (``kind="proxy"``) or ``client.messaging.v1.services`` (``"messaging"``)."""

    def __init__(self, fake, kind):
        self.fake = fake
        self.kind = kind

    def _all(self):
        return self.fake.proxy_services if self.kind == "proxy" else self.fake.messaging_services

    def stream(self, page_size=None, **filters):
        self.fake.record("list %s_services" % self.kind, page_size=page_size)
        return [_obj(dict((k, v) for k, v in service.items() if k != "numbers")) for service in self._all()]

    def __call__(self, service_sid):
        for service in self._all():
            if service["sid"] == service_sid:
                return types.SimpleNamespace(phone_numbers=FakePool(self.fake, self.kind, service),
                                             update=lambda **kwargs: self._update(service, kwargs),
                                             fetch=lambda: self._fetch(service))
        raise AssertionError("no %s service %s" % (self.kind, service_sid))

    def _fetch(self, service):
        self.fake.record("fetch %s_service" % self.kind, service_sid=service["sid"])
        return _obj(dict((k, v) for k, v in service.items() if k != "numbers"))

    def _update(self, service, kwargs):
        """Messaging v1 UpdateService (only ``use_inbound_webhook_on_number`` is used by the modules)."""
        assert self.kind == "messaging" and set(kwargs) == {"use_inbound_webhook_on_number"}, kwargs
        self.fake.record("update messaging_service", service_sid=service["sid"], **kwargs)
        service["use_inbound_webhook_on_number"] = kwargs["use_inbound_webhook_on_number"]
        self.fake.after("update messaging_service")
        return _obj(dict((k, v) for k, v in service.items() if k != "numbers"))


class FakePool(object):
    """A service's phone-number pool: list, add (Proxy only), and one member by PN SID."""

    def __init__(self, fake, kind, service):
        self.fake = fake
        self.kind = kind
        self.service = service

    def _member(self, number_sid):
        number = self.fake.number_by_sid(number_sid)
        return dict(sid=number_sid, service_sid=self.service["sid"], phone_number=number and number["phone_number"],
                    is_reserved=self.service["numbers"][number_sid] if self.kind == "proxy" else None)

    def stream(self, page_size=None, **filters):
        self.fake.record("list %s_numbers" % self.kind, service_sid=self.service["sid"], page_size=page_size)
        return [_obj(self._member(pn)) for pn in self.service["numbers"]]

    def create(self, sid=None, is_reserved=None, phone_number_sid=None, **kwargs):
        if self.kind == "messaging":
            return self._join_messaging(phone_number_sid)
        call = dict(service_sid=self.service["sid"], sid=sid)
        if is_reserved is not None:
            call["is_reserved"] = is_reserved
        self.fake.record("create proxy_number", **call)
        from twilio.base.exceptions import TwilioRestException
        uri = "https://proxy.twilio.com/v1/Services/%s/PhoneNumbers" % self.service["sid"]
        if self.fake.number_by_sid(sid) is None:
            raise _not_found(uri, "POST")
        if sid in self.service["numbers"]:
            raise TwilioRestException(400, uri, "PhoneNumber has already been added to Service", ALREADY_IN_SERVICE, "POST")
        holder = self.fake.holder_of(sid, exclude=self.service["sid"])
        if holder is not None:
            raise TwilioRestException(400, uri, "Phone Number Not Available: held by %s" % holder, NOT_AVAILABLE, "POST")
        self.service["numbers"][sid] = bool(is_reserved)
        return _obj(self._member(sid))

    def _join_messaging(self, number_sid):
        """A number joins a Messaging Service (a pooled number may; one of another Messaging Service may not)."""
        from twilio.base.exceptions import TwilioRestException
        self.fake.record("create messaging_number", service_sid=self.service["sid"], phone_number_sid=number_sid)
        uri = "https://messaging.twilio.com/v1/Services/%s/PhoneNumbers" % self.service["sid"]
        if number_sid in self.service["numbers"]:
            raise TwilioRestException(409, uri, "Phone Number is already in the Messaging Service",
                                      ALREADY_IN_MESSAGING_SERVICE, "POST")
        if any(number_sid in other["numbers"] for other in self.fake.messaging_services):
            raise TwilioRestException(409, uri, "Phone Number is already associated with another Messaging Service",
                                      IN_OTHER_MESSAGING_SERVICE, "POST")
        self.service["numbers"][number_sid] = None
        self.fake.after("create messaging_number")
        return _obj(self._member(number_sid))

    def __call__(self, number_sid):
        return FakePoolMember(self, number_sid)


class FakePoolMember(object):
    def __init__(self, pool, number_sid):
        self.pool = pool
        self.sid = number_sid

    def _check(self, method):
        if self.sid not in self.pool.service["numbers"]:
            raise _not_found("https://%s.twilio.com/v1/Services/%s/PhoneNumbers/%s" % (
                self.pool.kind, self.pool.service["sid"], self.sid), method)

    def fetch(self):
        self.pool.fake.record("fetch %s_number" % self.pool.kind, service_sid=self.pool.service["sid"], sid=self.sid)
        self._check("GET")
        return _obj(self.pool._member(self.sid))

    def update(self, is_reserved=None):
        self.pool.fake.record("update %s_number" % self.pool.kind, service_sid=self.pool.service["sid"], sid=self.sid,
                              is_reserved=is_reserved)
        self._check("POST")
        self.pool.service["numbers"][self.sid] = bool(is_reserved)
        return _obj(self.pool._member(self.sid))

    def delete(self):
        self.pool.fake.record("delete %s_number" % self.pool.kind, service_sid=self.pool.service["sid"], sid=self.sid)
        self._check("DELETE")
        del self.pool.service["numbers"][self.sid]
        self.pool.fake.after("delete %s_number" % self.pool.kind)
        return True


class FakeIncomingNumbers(object):
    """``client.api.v2010.accounts(sid).incoming_phone_numbers``: list, optionally filtered by PhoneNumber.

    Like Twilio, the PhoneNumber filter is a partial match on the digits
    (``*`` is any one digit), so callers must compare exactly afterwards.
    """

    def __init__(self, fake, account_sid):
        self.fake = fake
        self.account_sid = account_sid

    def stream(self, page_size=None, phone_number=None, **filters):
        self.fake.record("list incoming_numbers", account_sid=self.account_sid, page_size=page_size, phone_number=phone_number)
        items = self.fake.incoming_numbers
        if phone_number is not None:
            pattern = re.compile("".join("[0-9]" if c == "*" else c for c in phone_number if c.isdigit() or c == "*"))
            items = [n for n in items if pattern.search(re.sub(r"[^0-9]", "", n["phone_number"]))]
        return [_obj(n) for n in items]


def proxy_service(sid_, unique_name, numbers=None):
    """A Proxy service for FakeClient(proxy_services=...); ``numbers``: {E.164 or PN SID: is_reserved}."""
    return dict(sid=sid_, unique_name=unique_name, numbers=dict(numbers or {}))


def messaging_service(sid_, friendly_name, numbers=(), use_inbound_webhook_on_number=False, a2p=False):
    """A Messaging Service for FakeClient(messaging_services=...); ``numbers``: E.164s or PN SIDs;
    ``a2p``: its ``us_app_to_person_registered``."""
    return dict(sid=sid_, friendly_name=friendly_name, use_inbound_webhook_on_number=use_inbound_webhook_on_number,
                us_app_to_person_registered=a2p, numbers=list(numbers))


def incoming_number(number, sid_=None):
    return dict(sid=sid_ or sid("PN"), account_sid=ACCOUNT, phone_number=number, friendly_name=number,
                capabilities={"sms": True, "mms": False, "voice": True})


class FakeClient(object):
    """Enough of twilio.rest.Client for the SMS address modules."""

    INTEGRATION_KEYS = dict(
        integration_flow_sid="flow_sid", integration_url="url", integration_workspace_sid="workspace_sid",
        integration_workflow_sid="workflow_sid", integration_channel="channel", integration_priority="priority",
        integration_timeout="timeout", integration_retry_count="retry_count",
    )

    def __init__(self, flows=(), studio_flows=None, configuration="default", numbers=OWNED_NUMBERS,
                 proxy_services=(), messaging_services=(), existing=None):
        self.calls = []
        # What fetch-only resources exist: (chat_service SID,), (workspace SID,), (WS, workflow SID), (WS, task channel).
        self.existing = set(existing if existing is not None else [
            (CHAT,), (CHAT2,), (WS,), (WS, WW), (WS, "sms"), ("conversation", "IS" + "2" * 32)])
        self.faults = {}
        self.flows = [copy.deepcopy(f) for f in flows]
        self.incoming_numbers = [incoming_number(n) for n in numbers]
        # Pools are given by E.164 or PN SID and stored by PN SID.
        self.proxy_services = [self._service(s, dict) for s in proxy_services]
        self.messaging_services = [self._service(s, list) for s in messaging_services]
        self.studio_flows = studio_flows if studio_flows is not None else [
            dict(sid=FW_MESSAGING, friendly_name="Messaging Flow"),
            dict(sid=FW_OTHER, friendly_name="Support Intake"),
        ]
        self.configuration = dict(
            chat_service_instance_sid=CHAT, taskrouter_workspace_sid=WS, taskrouter_target_workflow_sid=WW,
        ) if configuration == "default" else configuration
        self.create_error = None
        self.update_error = None
        self.flex_api = types.SimpleNamespace(v1=types.SimpleNamespace(
            flex_flow=FakeFlexFlows(self), configuration=lambda: FakeConfiguration(self)))
        self.studio = types.SimpleNamespace(v2=types.SimpleNamespace(flows=FakeStudioFlows(self)))
        self.proxy = types.SimpleNamespace(v1=types.SimpleNamespace(services=FakeServices(self, "proxy")))
        self.messaging = types.SimpleNamespace(v1=types.SimpleNamespace(services=FakeServices(self, "messaging")))
        self.api = types.SimpleNamespace(v2010=types.SimpleNamespace(accounts=lambda account_sid: types.SimpleNamespace(
            incoming_phone_numbers=FakeIncomingNumbers(self, account_sid))))
        self.chat = types.SimpleNamespace(v2=types.SimpleNamespace(services=lambda s: FakeFetch(
            self, "chat_service", (s,), "https://chat.twilio.com/v2/Services/" + s)))
        self.taskrouter = types.SimpleNamespace(v1=types.SimpleNamespace(workspaces=lambda s: FakeWorkspace(
            self, "workspace", (s,), "https://taskrouter.twilio.com/v1/Workspaces/" + s)))

    def record(self, what, **kwargs):
        """Log a call; a fault queued for it (``fail(what, ...)``) is raised before it takes effect."""
        self.calls.append((what, kwargs))
        queued = self.faults.get(what)
        if queued and queued[0][0] == "before":
            raise queued.pop(0)[1]

    def after(self, what):
        """Raise a fault queued with ``applied=True`` for ``what``: the call took effect, its answer is lost."""
        queued = self.faults.get(what)
        if queued and queued[0][0] == "after":
            raise queued.pop(0)[1]

    def fail(self, what, error, times=1, applied=False):
        """Make the next ``times`` calls named ``what`` (as recorded) raise ``error``; ``applied``: after taking effect."""
        self.faults.setdefault(what, []).extend([("after" if applied else "before", error)] * times)

    def _service(self, service, kind):
        service = copy.deepcopy(service)
        members = service.get("numbers") or ({} if kind is dict else [])
        if kind is dict:
            service["numbers"] = dict((self.number_sid(n), bool(r)) for n, r in dict(members).items())
        else:
            service["numbers"] = dict((self.number_sid(n), None) for n in members)
        return service

    def number_sid(self, number):
        """The PN SID of one of the account's numbers given by E.164 (a PN SID is returned as it is)."""
        if number.startswith("PN"):
            return number
        for item in self.incoming_numbers:
            if item["phone_number"] == number:
                return item["sid"]
        raise AssertionError("%s is not a number of the fake account" % number)

    def number_by_sid(self, number_sid):
        return next((n for n in self.incoming_numbers if n["sid"] == number_sid), None)

    def holder_of(self, number_sid, exclude=None):
        """The first Proxy or Messaging Service (other than ``exclude``) whose pool holds the number."""
        for service in self.proxy_services + self.messaging_services:
            if service["sid"] != exclude and number_sid in service["numbers"]:
                return service["sid"]
        return None

    def pool(self, service_sid):
        """The PN SIDs in a service's pool (Proxy: with is_reserved)."""
        for service in self.proxy_services + self.messaging_services:
            if service["sid"] == service_sid:
                return service["numbers"]
        raise AssertionError("no service %s" % service_sid)

    def apply(self, item, kwargs):
        """Apply SDK keyword arguments to a stored flow the way the API would."""
        integration = dict(item.get("integration") or {})
        if "integration_type" in kwargs and kwargs["integration_type"] != item.get("integration_type"):
            integration = {}
        for key, value in kwargs.items():
            if key in self.INTEGRATION_KEYS:
                integration[self.INTEGRATION_KEYS[key]] = value
            elif key == "integration_creation_on_message":
                integration["creation_on_message"] = value
            else:
                item[key] = value
        item["integration"] = integration
        return item

    @property
    def writes(self):
        return [c for c in self.calls if c[0].split()[0] in ("create", "update", "delete")]

    def names(self):
        return [c[0] for c in self.calls]


def make_module(module_class, args, client, check_mode=False, diff=False):
    """An instance of ``module_class`` built from ``args``, talking to ``client``."""
    full = dict(account_sid=ACCOUNT, auth_token=TOKEN)
    full.update(args)
    if check_mode:
        full["_ansible_check_mode"] = True
    if diff:
        full["_ansible_diff"] = True
    with patch_module_args(full):
        module = module_class()
    module._client = client
    return module


def run(module_class, args, client, check_mode=False, diff=False):
    """validate() then run(), as execute() does, returning (module, result)."""
    module = make_module(module_class, args, client, check_mode=check_mode, diff=diff)
    module.validate_auth()
    module.validate()
    return module, module.run()
