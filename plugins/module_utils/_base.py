# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: the base class of every module.

A module declares its options and implements ``run()``; TwilioModule owns the
auth options, the client, check mode, reconcile/remove/create_once and the
before/after diffs. See docs/architecture.md.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import threading

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.flexops.twilio.plugins.module_utils import _runner
from ansible_collections.flexops.twilio.plugins.module_utils._client import TWILIO_IMPORT_ERROR, ApiStats, build_client, to_dict
from ansible_collections.flexops.twilio.plugins.module_utils._errors import (
    ApiError,
    ValidationError,
    describe_error,
    is_not_found,
)
from ansible_collections.flexops.twilio.plugins.module_utils._validate import check_sid


def env_fallback_set(*names):
    """Like env_fallback, but an empty variable counts as unset.

    AWX / Automation Controller credential types inject every declared
    variable, "" for inputs left blank (for example TWILIO_AUTH_TOKEN="" when
    the credential uses an API key); that must not count as a value.
    """
    value = env_fallback(*names)
    if value == "":
        raise AnsibleFallbackNotFound
    return value


def twilio_argument_spec():
    """Options from the ``flexops.twilio.twilio`` doc fragment."""
    return dict(
        account_sid=dict(type="str", required=True, fallback=(env_fallback_set, ["TWILIO_ACCOUNT_SID"])),
        auth_token=dict(type="str", no_log=True, fallback=(env_fallback_set, ["TWILIO_AUTH_TOKEN"])),
        api_key=dict(type="str", no_log=False, fallback=(env_fallback_set, ["TWILIO_API_KEY"])),
        api_secret=dict(type="str", no_log=True, fallback=(env_fallback_set, ["TWILIO_API_SECRET"])),
        region=dict(type="str", fallback=(env_fallback_set, ["TWILIO_REGION"])),
        edge=dict(type="str", fallback=(env_fallback_set, ["TWILIO_EDGE"])),
        http_timeout=dict(type="float", default=30),
        retries=dict(type="int", default=5),
        retry_max_backoff=dict(type="float", default=30),
    )


_GONE = object()


class TwilioModule(object):
    """Base class: subclasses set ``argument_spec`` (and the other AnsibleModule rules) and implement ``run()``."""

    argument_spec = {}
    mutually_exclusive = []
    required_together = []
    required_one_of = []
    required_if = []
    required_by = {}

    def __init__(self):
        spec = twilio_argument_spec()
        spec.update(self.argument_spec)
        self.module = AnsibleModule(
            argument_spec=spec,
            supports_check_mode=True,
            mutually_exclusive=[["auth_token", "api_key"], ["auth_token", "api_secret"]] + list(self.mutually_exclusive),
            required_together=[["api_key", "api_secret"]] + list(self.required_together),
            required_one_of=list(self.required_one_of),
            required_if=list(self.required_if),
            required_by=dict(self.required_by),
        )
        if TWILIO_IMPORT_ERROR:
            self.module.fail_json(msg=missing_required_lib("twilio"), exception=TWILIO_IMPORT_ERROR)
        self.params = self.module.params
        self.check_mode = self.module.check_mode
        self.stats = ApiStats()
        self.diffs = []
        self.warnings = []
        self._client = None
        self._client_lock = threading.Lock()
        self._item = threading.local()  # per-item state of for_each's workers

    # -- connection ---------------------------------------------------------

    def validate_auth(self):
        p = self.params
        check_sid("account_sid", p["account_sid"], "account")
        if p.get("api_key"):
            check_sid("api_key", p["api_key"], "api_key")
        elif not p.get("auth_token"):
            raise ValidationError(
                "No credentials: set auth_token (or TWILIO_AUTH_TOKEN), or api_key and api_secret "
                "(or TWILIO_API_KEY and TWILIO_API_SECRET).", code="no_credentials", option="auth_token",
                fix="Set auth_token (or TWILIO_AUTH_TOKEN), or api_key and api_secret.")
        if p["http_timeout"] <= 0:
            raise ValidationError("http_timeout must be more than 0 seconds.", code="out_of_range", option="http_timeout",
                                  fix="Set http_timeout to more than 0 seconds.")
        if p["retries"] < 0:
            raise ValidationError("retries must be 0 or more.", code="out_of_range", option="retries",
                                  fix="Set retries to 0 or more.")

    @property
    def client(self):
        with self._client_lock:
            if self._client is None:
                pool_size = max(10, self.concurrency + 2)
                self._client = build_client(self.params, self.stats, pool_size=pool_size)
            return self._client

    @property
    def concurrency(self):
        """The task's ``concurrency`` option (1 for modules that do not declare it)."""
        return self.params.get("concurrency") or 1

    @property
    def account_sid(self):
        return self.params["account_sid"]

    @contextlib.contextmanager
    def api(self, what):
        """Run SDK calls; any failure becomes one ApiError saying what was being done."""
        try:
            yield
        except ApiError:
            raise
        except Exception as exc:  # pylint: disable=broad-except
            error = describe_error(what, exc)
            if error is None:
                raise
            raise error

    def fetch(self, what, call, missing=None):
        """``call()`` as plain data; Twilio's 404 (no such resource) returns ``missing``, or raises it when it is an error.

        The one place a 404 is translated: look-ups pass the ValidationError
        naming the option, or None when "not there" is an answer.
        """
        try:
            with self.api(what):
                value = call()
        except ApiError as exc:
            if not is_not_found(exc):
                raise
            if isinstance(missing, Exception):
                raise missing
            return missing
        return value if isinstance(value, (bool, dict, list, type(None))) else to_dict(value)

    def list_all(self, what, lister, **filters):
        """Every item of a list endpoint, paging with the largest page size the API allows."""
        with self.api(what):
            return [to_dict(item) for item in lister.stream(page_size=filters.pop("page_size", 1000), **filters)]

    # -- state and diff -----------------------------------------------------

    def reconcile(self, label, before, wanted, create, update, recover=None):
        """Make a resource have ``wanted`` (the managed fields the task sets).

        ``before`` is the live resource's managed fields (None when it does not
        exist). ``create(fields)`` / ``update(changes)`` perform the write and
        return the new resource (as a dict); they are never called in check
        mode. Returns ``(changed, result)`` where result is the write's return
        value, or None when nothing was written.

        ``recover()``, when given, is called if a create's answer was lost in
        transit (connection reset or timeout after sending): it reads the live
        state again and returns the resource the create made, or None. A POST
        is never re-sent blindly, so a lost answer cannot make a duplicate.
        """
        if before is None:
            self.add_diff(label, None, wanted)
            if self.check_mode:
                return True, None
            return True, self.create_once("Creating %s" % label, lambda: create(dict(wanted)), recover)
        changes = self.changes(before, wanted)
        if not changes:
            return False, None
        after = dict(before)
        after.update(changes)
        self.add_diff(label, before, after)
        if self.check_mode:
            return True, None
        with self.api("Updating %s" % label):
            return True, update(changes)

    def create_once(self, what, create, recover=None):
        """Run a non-idempotent write; if its answer is lost, ask ``recover()`` before giving up."""
        try:
            with self.api(what):
                return create()
        except ApiError as exc:
            if recover is None or not exc.details.get("lost_response"):
                raise
            found = recover()
            if found is None:
                raise
            self.warn("%s: the answer was lost in transit; found the resource it created on re-reading." % what)
            return found

    def remove(self, label, before, delete):
        """Delete a resource that exists (``before`` not None)."""
        if before is None:
            return False
        self.add_diff(label, before, None)
        if not self.check_mode:
            # Gone already (404): a DELETE retried after its answer was lost, or someone else deleted it.
            gone = self.fetch("Deleting %s" % label, delete, missing=_GONE) is _GONE
            if gone:
                self.warn("Deleting %s: Twilio answered 404, the resource is gone already." % label)
        return True

    @staticmethod
    def changes(before, wanted):
        return dict((k, v) for k, v in wanted.items() if v is not None and before.get(k) != v)

    def add_diff(self, label, before, after):
        entry = dict(
            before_header=label, after_header=label,
            before=dict(before) if before is not None else {},
            after=dict(after) if after is not None else {},
        )
        item_diffs = getattr(self._item, "diffs", None)
        (self.diffs if item_diffs is None else item_diffs).append(entry)

    def warn(self, msg):
        self.warnings.append(msg)

    # -- many items ---------------------------------------------------------

    def for_each(self, items, work, concurrency=1, label=str, key="item", item_diffs=False):
        """``work(item)`` for every item, at most ``concurrency`` at a time: see ``_runner.for_each``."""
        return _runner.for_each(self, items, work, concurrency=concurrency, label=label, key=key, item_diffs=item_diffs)

    # -- entry point --------------------------------------------------------

    def run(self):
        """Do the work and return the result dict (``changed`` included)."""
        raise NotImplementedError

    def execute(self):
        try:
            self.validate_auth()
            self.validate()
            result = self.run()
        except ValidationError as exc:
            self._emit_warnings()
            self.module.fail_json(msg=str(exc), problems=exc.problems, api_stats=self.stats.as_dict())
        except ApiError as exc:
            self._add_retry_warnings()
            self._emit_warnings()
            self.module.fail_json(msg=exc.msg, problems=exc.problems, api_stats=self.stats.as_dict(), **exc.details)
        self._add_retry_warnings()
        result.setdefault("changed", False)
        result["api_stats"] = self.stats.as_dict()
        if self.module._diff and self.diffs:
            result["diff"] = self.diffs if len(self.diffs) > 1 else self.diffs[0]
        self._emit_warnings()
        self.module.exit_json(**result)

    def _emit_warnings(self):
        for warning in self.warnings:
            self.module.warn(warning)

    def validate(self):
        """Module-specific input checks; raise ValidationError. Runs before any request."""

    def _add_retry_warnings(self):
        for event in self.stats.retry_events:
            self.module.warn("Twilio request %s" % event)
