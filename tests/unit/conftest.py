# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared fixtures of the flexops.twilio unit tests.

The collection is imported as ``ansible_collections.flexops.twilio``: `make units`
points ANSIBLE_COLLECTIONS_PATH at collections/ (a symlink to this checkout) and
runs pytest with --ansible-unit-inject-only; plain `pytest` (without that flag)
lets pytest-ansible build the same tree itself.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json

import pytest

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "unit-test-token"

TWILIO_ENV = (
    "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET",
    "TWILIO_REGION", "TWILIO_EDGE",
)


@pytest.fixture(autouse=True)
def _no_twilio_env(monkeypatch):
    """Credentials of the person running the tests must never reach a test."""
    for name in TWILIO_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def make_module():
    """Instantiate a TwilioModule subclass as Ansible would run it.

    ``make_module(cls, check_mode=False, diff=False, **params)``; account_sid and
    auth_token default to test values. The module arguments stay in place until
    the test ends, as exit_json/fail_json read them too.
    """
    # Imported here: pytest loads this file before pytest-ansible makes ansible_collections importable.
    from ansible_collections.flexops.twilio.tests.unit.core_compat import patch_module_args

    with contextlib.ExitStack() as stack:
        def make(cls, check_mode=False, diff=False, **params):
            args = dict(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN)
            args.update(params)
            args["_ansible_check_mode"] = check_mode
            args["_ansible_diff"] = diff
            stack.enter_context(patch_module_args(args))
            return cls()
        yield make


@pytest.fixture
def run_module(capsys):
    """Run ``module.execute()`` and return the result JSON it printed (exit_json or fail_json)."""
    def run(module):
        with pytest.raises(SystemExit) as exited:
            module.execute()
        result = json.loads(capsys.readouterr().out)
        result["_rc"] = exited.value.code
        return result
    return run
