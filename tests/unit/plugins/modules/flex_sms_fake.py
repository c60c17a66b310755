# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""An in-memory stand-in for the parts of twilio.rest.Client the SMS address modules use.

It records every call (``calls``: list of (what, kwargs)) so tests can assert on
the exact requests, and behaves like the SDK where the modules depend on it:
list items and created/updated flows are objects whose public attributes are the
resource's fields, list calls go through ``stream(page_size=...)``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import itertools
import re
import types

from ansible.module_utils.testing import patch_module_args

ACCOUNT = "AC" + "a" * 32
TOKEN = "secret"
CHAT = "IS" + "1" * 32
CHAT2 = "IS" + "2" * 32
WS = "WS" + "1" * 32
WW = "WW" + "1" * 32
FW_MESSAGING = "FW" + "1" * 32
FW_OTHER = "FW" + "2" * 32

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

    def __init__(self, flows=(), studio_flows=None, configuration="default", numbers=OWNED_NUMBERS):
        self.calls = []
        self.flows = [copy.deepcopy(f) for f in flows]
        self.incoming_numbers = [incoming_number(n) for n in numbers]
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
        self.api = types.SimpleNamespace(v2010=types.SimpleNamespace(accounts=lambda account_sid: types.SimpleNamespace(
            incoming_phone_numbers=FakeIncomingNumbers(self, account_sid))))

    def record(self, what, **kwargs):
        self.calls.append((what, kwargs))

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
