# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: the base class of every module.

A module declares its options and implements ``run()``; TwilioModule owns the
auth options, the client, check mode, reconcile/remove/write_once and the
before/after diffs. See docs/architecture.md.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import contextlib
import threading

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.flexops.twilio.plugins.module_utils import _runner
from ansible_collections.flexops.twilio.plugins.module_utils._client import (
    TWILIO_IMPORT_ERROR,
    ApiStats,
    MaxRetryError,
    blank_to_none,
    build_client,
    retry_policy,
    to_dict,
)
from ansible_collections.flexops.twilio.plugins.module_utils._errors import (
    ApiError,
    ValidationError,
    describe_error,
    is_not_found,
    plain_data,
)
from ansible_collections.flexops.twilio.plugins.module_utils._limits import limits_from, write_kind, write_plan
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
        account_limits=dict(type="dict", fallback=(env_fallback_set, ["TWILIO_ACCOUNT_LIMITS"])),
    )


_GONE = object()


def ambiguous(error):
    """True for a failed write that may or may not have been applied: its answer was lost, or Twilio answered 5xx."""
    return bool(error.details.get("lost_response")) or 500 <= (error.details.get("status") or 0) < 600


def applied(live, changes):
    """True when the live managed fields (None: the resource is gone) have every changed value ("" and None alike)."""
    return live is not None and all(blank_to_none(live.get(k)) == blank_to_none(v) for k, v in changes.items())


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
        self.planned = collections.Counter()  # (action, kind, rate name): the writes reconcile/remove decided on
        self._plan_lock = threading.Lock()
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
        self.limits = limits_from(p)

    @property
    def client(self):
        with self._client_lock:
            if self._client is None:
                pool_size = max(10, self.concurrency + 2)
                self._client = build_client(self.params, self.stats, pool_size=pool_size, limits=getattr(self, "limits", None))
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

    def reconcile(self, label, before, wanted, create, update, recover=None, reread=None, conflict=None):
        """Make a resource have ``wanted`` (the managed fields the task sets).

        ``before`` is the live resource's managed fields (None when it does not
        exist). ``create(fields)`` / ``update(changes)`` perform the write and
        return the new resource (as a dict); they are never called in check
        mode. Returns ``(changed, result)`` where result is the write's return
        value, or None when nothing was written.

        Both writes go through ``write_once()``, which resolves an ambiguous
        failure (lost answer, timeout, 5xx) by re-reading:

        * ``recover()`` (create) reads the live state again and returns the
          resource the create made, or None: then the create is sent again.
          ``conflict(exc)``: Twilio's refusal that means the resource is there
          already, accepted once ``recover()`` finds it.
        * ``reread()`` (update) returns ``(managed fields, resource)`` of the
          live resource (``(None, None)`` when it is gone); the update was
          applied when the fields have every change, else it is sent again
          (an update sets absolute values).

        Without them, an ambiguous failure fails the task.
        """
        if before is None:
            self.add_diff(label, None, wanted)
            self.plan_write("create", label)
            if self.check_mode:
                return True, None
            return True, self.write_once("Creating %s" % label, lambda: create(dict(wanted)), verify=recover,
                                         conflict=conflict, found="the resource it created")
        changes = self.changes(before, wanted)
        if not changes:
            return False, None
        after = dict(before)
        after.update(changes)
        self.add_diff(label, before, after)
        self.plan_write("update", label)
        if self.check_mode:
            return True, None

        def updated():
            fields, resource = reread()
            return resource if applied(fields, changes) else None

        return True, self.write_once("Updating %s" % label, lambda: update(changes), verify=updated if reread else None)

    def write_once(self, what, do, verify=None, conflict=None, repeat=True, found="it applied"):
        """Send one write so that it takes effect once, also when its answer is lost: every write goes through here.

        ``what`` says what the write does, for messages ("Creating SMS address
        +15551234567"). ``do()`` sends it through the SDK and returns its result
        as plain data. ``verify()`` only reads: it returns what ``do()`` would
        have returned when the write has taken effect, or None when it has not
        (for a delete: anything but None when the resource is gone).

        An ambiguous failure is one that does not say whether Twilio applied
        the write: the answer was lost (connection dropped after sending, read
        timeout; ``lost_response``) or Twilio answered 5xx. After one, and only
        when ``verify`` is given:

        * ``verify()`` says it was applied: its result is returned, with a
          warning ("...; found <found> on re-reading");
        * it was not: ``do()`` is sent again, at most ``retries`` times for
          this write, waiting between tries the backoff of the task's retry
          policy (``retry_policy``: the same TwilioRetry, ``retries`` and
          ``retry_max_backoff`` as every request); each repeat is a warning and
          counts in ``api_stats.retries``. ``repeat=False`` is for requests the
          transport already retries (DELETE): their budget is spent, so a write
          still not applied fails.

        ``conflict(exc)``, when given, says that Twilio refused the write
        because what it asks for is there already (a pool join answered with
        80104; a create colliding with the flow the lost first try made). Such
        a refusal is verified like an ambiguous failure and counts as done when
        ``verify()`` confirms it; it is never repeated.

        Anything else (4xx, a refusal ``verify()`` does not confirm, a re-read
        that fails, the repeats used up) raises the write's own ApiError, with
        what re-reading found. Never call it in check mode.
        """
        retry = None
        while True:
            error = None
            try:
                with self.api(what):
                    return do()
            except ApiError as exc:
                error = exc
            refused = conflict is not None and conflict(error)
            if verify is None or not (refused or ambiguous(error)):
                raise error
            if refused:
                why = "Twilio refused it with error %s" % error.details.get("code")
            elif error.details.get("lost_response"):
                why = "the answer was lost in transit"
            else:
                why = "Twilio answered HTTP %s" % error.details.get("status")
            try:
                result = verify()
            except (ApiError, ValidationError) as exc:
                raise ApiError("%s. Re-reading to see whether it was applied failed too: %s" % (
                    error.msg.rstrip("."), getattr(exc, "msg", exc)), problems=error.problems, **error.details)
            if result is not None:
                self.warn("%s: %s; found %s on re-reading." % (what, why, found))
                return result
            if refused or not repeat:
                raise error
            try:
                retry = (retry or retry_policy(self.params)).increment(method="POST", url=what)
            except MaxRetryError:
                raise ApiError("%s. Sent %d time(s), each time not applied on re-reading; retries=%d are used up." % (
                    error.msg.rstrip("."), 1 + (len(retry.history) if retry else 0), self.params["retries"]),
                    problems=error.problems, **error.details)
            self.stats.on_repeat()
            self.warn("%s: %s; not applied on re-reading, sent again (retry %d of %d)." % (
                what, why, len(retry.history), len(retry.history) + retry.total))
            retry.sleep()

    def remove(self, label, before, delete, reread=None):
        """Delete a resource that exists (``before`` not None).

        Twilio's 404 counts as deleted (a DELETE retried after its answer was
        lost, or someone else deleted it), with a warning. ``reread()``, when
        given, returns the live resource or None when it is gone: after an
        ambiguous failure that outlasted the transport's retries of the DELETE,
        it says whether the delete was applied (``write_once()`` with
        ``repeat=False``).
        """
        if before is None:
            return False
        self.add_diff(label, before, None)
        self.plan_write("delete", label)
        if not self.check_mode and self.delete_once(label, delete, reread):
            self.warn("Deleting %s: Twilio answered 404, the resource is gone already." % label)
        return True

    def delete_once(self, label, delete, reread=None):
        """Send ``delete()`` through ``write_once`` (no diff: ``remove`` adds it, a replacement has its own).

        Returns True when Twilio answered 404: gone already (a DELETE retried
        after its answer was lost, or someone else deleted it). ``reread()`` as
        for ``remove``. Never call it in check mode.
        """
        verify = (lambda: None if reread() is not None else True) if reread else None
        return self.write_once("Deleting %s" % label, lambda: self.fetch("Deleting %s" % label, delete, missing=_GONE),
                               verify=verify, repeat=False, found="it deleted") is _GONE

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

    def plan_write(self, action, label):
        """Count a write reconcile/remove decided on (also in check mode): the task's ``planned_writes``."""
        kind, rate = write_kind(label, action)
        with self._plan_lock:
            self.planned[(action, kind, rate)] += 1

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
            self.module.fail_json(**plain_data(dict(msg=str(exc), problems=exc.problems, api_stats=self.stats.as_dict())))
        except ApiError as exc:
            self._add_retry_warnings()
            self._emit_warnings()
            self.module.fail_json(**plain_data(dict(exc.details, msg=exc.msg, problems=exc.problems,
                                                    api_stats=self.stats.as_dict())))
        self._add_retry_warnings()
        result.setdefault("changed", False)
        result["api_stats"] = self.stats.as_dict()
        if self.planned:
            result["planned_writes"] = write_plan(self.planned, self.limits)
        if self.module._diff and self.diffs:
            result["diff"] = self.diffs if len(self.diffs) > 1 else self.diffs[0]
        self._emit_warnings()
        # Plain data only (a Problem is a dict subclass): see _errors.plain_data.
        self.module.exit_json(**plain_data(result))

    def _emit_warnings(self):
        for warning in self.warnings:
            self.module.warn(warning)

    def validate(self):
        """Module-specific input checks; raise ValidationError. Runs before any request."""

    def _add_retry_warnings(self):
        for event in self.stats.retry_events:
            self.module.warn("Twilio request %s" % event)
