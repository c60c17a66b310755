# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The AWX credential type injects exactly the environment the modules read.

The credential type (extensions/awx/twilio_credential_type.yml) is checked
against twilio_argument_spec() in plugins/module_utils/_base.py, the spec every
module is built from, and rendered the way AWX renders injectors (a Jinja2
sandbox in which a blank input is undefined and renders as ""), then fed to a
real TwilioModule to see which connection options the module ends up with.
The rendering (tests/unit/awx_credential.py) is shared with test_awx_job.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os

import pytest
import yaml

from ansible.module_utils import basic
from ansible.module_utils.basic import env_fallback
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.flexops.twilio.plugins.module_utils import _base as api
from ansible_collections.flexops.twilio.tests.unit.awx_credential import (
    CREDENTIAL_TYPE,
    ROOT,
    load_credential_type,
    render_like_awx,
)

ACCOUNT = "AC" + "1" * 32
API_KEY = "SK" + "2" * 32


@pytest.fixture(scope="module")
def credential_type():
    return load_credential_type()


def env_fallbacks():
    """option name -> the environment variables the modules fall back to."""
    result = {}
    for name, spec in api.twilio_argument_spec().items():
        fallback = spec.get("fallback")
        if fallback and fallback[0] in (env_fallback, getattr(api, "env_fallback_set", None)):
            result[name] = list(fallback[1])
    return result


def digest(value):
    return None if value is None else hashlib.sha256(value.encode()).hexdigest()


SECRETS = ("auth_token", "api_secret")


class Probe(api.TwilioModule):
    """A module that only reports the connection options it resolved (secrets as digests: no_log masks them)."""

    def run(self):
        return dict(resolved=dict(
            (k, digest(self.params[k]) if k in SECRETS else self.params[k]) for k in env_fallbacks()))


def run_probe(monkeypatch, environ, capsys):
    for name in list(os.environ):
        if name.startswith("TWILIO_"):
            monkeypatch.delenv(name)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": {}})))
    monkeypatch.setattr(basic, "_ANSIBLE_PROFILE", "legacy", raising=False)
    with pytest.raises(SystemExit):
        Probe().execute()
    return json.loads(capsys.readouterr().out)


def test_env_fallbacks_are_found():
    # The check below is only meaningful if the spec really declares the fallbacks.
    assert set(env_fallbacks()) == {"account_sid", "auth_token", "api_key", "api_secret", "region", "edge", "account_limits"}


def test_every_injector_feeds_the_option_of_the_same_name(credential_type):
    injectors = credential_type["injectors"]["env"]
    fallbacks = env_fallbacks()
    expected = dict((names[0], "{{ %s }}" % option) for option, names in fallbacks.items())
    assert injectors == expected
    assert set(credential_type["injectors"]) == {"env"}


def test_inputs_cover_the_options_and_mark_the_secrets(credential_type):
    fields = dict((f["id"], f) for f in credential_type["inputs"]["fields"])
    spec = api.twilio_argument_spec()
    assert set(fields) == set(env_fallbacks())
    for option, field in fields.items():
        assert field["type"] == "string"
        assert bool(field.get("secret")) == bool(spec[option].get("no_log")), option
        assert field.get("label"), option
    assert credential_type["inputs"]["required"] == ["account_sid"]
    assert credential_type["kind"] == "cloud"


def test_auth_token_credential_reaches_the_module(credential_type, monkeypatch, capsys):
    environ = render_like_awx(credential_type, dict(account_sid=ACCOUNT, auth_token="secret-token"))
    assert environ["TWILIO_API_KEY"] == ""  # AWX injects blank inputs as empty strings
    result = run_probe(monkeypatch, environ, capsys)
    assert not result.get("failed"), result
    assert result["resolved"] == dict(
        account_sid=ACCOUNT, auth_token=digest("secret-token"), api_key=None, api_secret=None, region=None, edge=None,
        account_limits=None)


def test_api_key_credential_with_region_reaches_the_module(credential_type, monkeypatch, capsys):
    inputs = dict(account_sid=ACCOUNT, api_key=API_KEY, api_secret="key-secret", region="au1", edge="sydney")
    environ = render_like_awx(credential_type, inputs)
    assert environ["TWILIO_AUTH_TOKEN"] == ""
    result = run_probe(monkeypatch, environ, capsys)
    # A blank TWILIO_AUTH_TOKEN must not collide with the API key (mutually exclusive options).
    assert not result.get("failed"), result
    assert result["resolved"] == dict(
        account_sid=ACCOUNT, auth_token=None, api_key=API_KEY, api_secret=digest("key-secret"), region="au1", edge="sydney",
        account_limits=None)


def test_account_limits_credential_reaches_the_module(credential_type, monkeypatch, capsys):
    inputs = dict(account_sid=ACCOUNT, auth_token="secret-token", account_limits='{"flex_flow_update": 5, "flex_flows": 5000}')
    result = run_probe(monkeypatch, render_like_awx(credential_type, inputs), capsys)
    assert not result.get("failed"), result
    assert result["resolved"]["account_limits"] == {"flex_flow_update": 5, "flex_flows": 5000}


def test_bad_account_limits_credential_fails_before_any_request(credential_type, monkeypatch, capsys):
    inputs = dict(account_sid=ACCOUNT, auth_token="secret-token", account_limits='{"flex_flow_updates": 5}')
    result = run_probe(monkeypatch, render_like_awx(credential_type, inputs), capsys)
    assert result["failed"] is True
    assert result["problems"][0]["code"] == "invalid_value"
    assert result["problems"][0]["option"] == "account_limits.flex_flow_updates"
    assert result["api_stats"]["requests"] == 0


def test_credential_without_secret_fails_with_the_modules_message(credential_type, monkeypatch, capsys):
    environ = render_like_awx(credential_type, dict(account_sid=ACCOUNT))
    result = run_probe(monkeypatch, environ, capsys)
    assert result["failed"] is True
    assert "No credentials" in result["msg"]


def test_credential_type_ships_in_the_built_collection():
    import fnmatch

    with open(os.path.join(ROOT, "galaxy.yml")) as handle:
        ignored = yaml.safe_load(handle).get("build_ignore") or []
    path = os.path.relpath(CREDENTIAL_TYPE, ROOT)
    parents = [os.path.dirname(path)]
    while os.path.dirname(parents[-1]):
        parents.append(os.path.dirname(parents[-1]))
    assert not [p for p in ignored for candidate in [path] + parents if fnmatch.fnmatch(candidate, p)]
