# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: errors, problems and Twilio error translation.

Every failure a module reports is a ValidationError (bad input, found before
any write) or an ApiError (Twilio or the network failed). Both carry
``problems``: a list of Problem dicts with a stable ``code`` (documented in
docs/problems.md) that callers such as the role read instead of parsing text.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import traceback

TWILIO_IMPORT_ERROR = None
try:
    from twilio.base.exceptions import TwilioException, TwilioRestException

    try:
        from twilio.base.exceptions import TwilioServiceException
    except ImportError:  # older 9.x releases do not have it
        TwilioServiceException = TwilioRestException
    import requests
    from urllib3.exceptions import ReadTimeoutError
except ImportError:
    TWILIO_IMPORT_ERROR = traceback.format_exc()


class Problem(dict):
    """One thing wrong, as data: ``code`` (stable), ``entry``, ``option``, ``holder``, ``msg`` and ``fix``.

    ``entry`` names the list entry or number it is about (None for the whole
    task); ``option`` the option as the user wrote it (``addresses[2].webhook_url``);
    ``holder`` the service in the way (``{type, sid, name}``) where there is one;
    ``msg`` what is wrong and ``fix`` what to do (None when there is nothing to
    add to ``msg``), both in the module's option names. A caller words its own
    error as ``msg`` followed by its own fix for ``code``.

    A dict subclass for the code that reads it; TwilioModule.execute hands
    Ansible plain dicts (``plain_data``).
    """

    def __init__(self, code, msg, fix=None, entry=None, option=None, holder=None):
        super(Problem, self).__init__(code=code, entry=entry, option=option, holder=holder, msg=msg, fix=fix)


def plain_data(value):
    """``value`` with every dict (of any subclass) a plain dict and every list or tuple a list, recursively.

    What a module hands to exit_json/fail_json: before ansible-core 2.19 both pass
    the result through remove_values(), which rebuilds each mutable mapping as
    ``type(value)()``; a Problem cannot be built without arguments, so a result
    carrying one ended as "MODULE FAILURE" instead of its message.
    """
    if isinstance(value, dict):
        return dict((key, plain_data(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [plain_data(item) for item in value]
    return value


def without_fix(msg, fix):
    """``msg`` without its advice ``fix`` (the module's messages end in it): what is wrong, for callers to word their own fix."""
    if not fix:
        return msg
    at = msg.lower().find(fix.rstrip(".").lower())
    if at <= 0:
        return msg
    return msg[:at].rstrip(" :;,.(") or msg


class _Failure(Exception):
    """Common part of ValidationError and ApiError: a message and its problems."""

    default_code = "error"

    def __init__(self, msg, code=None, fix=None, entry=None, option=None, holder=None, problems=None):
        super(_Failure, self).__init__(msg)
        self.msg = msg
        if problems is None:
            problems = [Problem(code or self.default_code, without_fix(msg, fix), fix=fix, entry=entry, option=option,
                                holder=holder)]
        self.problems = list(problems)

    @property
    def code(self):
        return self.problems[0]["code"] if self.problems else self.default_code

    def about(self, entry):
        """This error with its problems marked as belonging to ``entry`` (where not marked yet).

        A copy when something changes: look-up errors are cached and shared by many entries.
        """
        if entry is None or all(p.get("entry") is not None for p in self.problems):
            return self
        clone = copy.copy(self)
        clone.problems = [Problem(**dict(p, entry=entry if p.get("entry") is None else p["entry"])) for p in self.problems]
        return clone


class ValidationError(_Failure):
    """Bad module input, found before any request is sent (or before any write)."""

    default_code = "invalid_value"


class ApiError(_Failure):
    """A failed Twilio request, already turned into one readable message.

    ``details`` are returned with the failure (``status``, ``code``, ``more_info``, ...).
    """

    default_code = "twilio_error"

    def __init__(self, msg, problems=None, problem_code=None, fix=None, entry=None, option=None, holder=None, **details):
        super(ApiError, self).__init__(msg, code=problem_code or _code_for(details), fix=fix, entry=entry,
                                       option=option, holder=holder, problems=problems)
        self.details = dict((k, v) for k, v in details.items() if v is not None)


def _code_for(details):
    if details.get("lost_response"):
        return "no_answer"
    if details.get("status") == 401 or details.get("code") == 20003:
        return "auth_failed"
    return "twilio_error"


def problems_of(errors):
    """Every problem of several errors, in order."""
    return [problem for error in errors for problem in getattr(error, "problems", ())]


def is_not_found(exc):
    """True for an ApiError that is Twilio's 404 (the resource does not exist)."""
    return isinstance(exc, ApiError) and exc.details.get("status") == 404


def describe_error(what, exc):
    """Turn any exception the SDK or requests can raise into an ApiError (None for others)."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, TwilioRestException):
        more_info = "https://www.twilio.com/docs/errors/%s" % exc.code if exc.code and exc.code != exc.status else None
        code = exc.code if exc.code != exc.status else None
        return _api_error(what, exc.status, code, more_info, exc.msg, exc.method)
    if TwilioServiceException is not TwilioRestException and isinstance(exc, TwilioServiceException):
        return _api_error(what, getattr(exc, "status", None), getattr(exc, "code", None),
                          getattr(exc, "type", None), getattr(exc, "detail", None) or getattr(exc, "title", None), None)
    if isinstance(exc, TwilioException):
        response = exc.args[1] if len(exc.args) > 1 else None
        status = getattr(response, "status_code", None)
        code = message = more_info = None
        try:
            body = json.loads(getattr(response, "text", "") or "{}")
            code, message, more_info = body.get("code"), body.get("message"), body.get("more_info")
        except (ValueError, AttributeError):
            message = exc.args[0] if exc.args else str(exc)
        return _api_error(what, status, code, more_info, message or str(exc.args[0] if exc.args else exc), "GET")
    # Transport errors: the request may or may not have been applied (``lost_response``).
    if isinstance(exc, requests.exceptions.SSLError):
        return ApiError("%s failed: TLS error talking to Twilio (%s). Check REQUESTS_CA_BUNDLE and HTTPS_PROXY."
                        % (what, _short(exc)), problem_code="tls_error", fix="Check REQUESTS_CA_BUNDLE and HTTPS_PROXY.")
    if isinstance(exc, requests.exceptions.Timeout) or _last_try_timed_out(exc):
        return ApiError("%s failed: Twilio did not answer in time (%s). Raise http_timeout or try again." % (what, _short(exc)),
                        fix="Raise http_timeout or try again.", lost_response=True)
    if isinstance(exc, requests.exceptions.RequestException):
        return ApiError("%s failed: could not reach Twilio (%s). Check the network, HTTPS_PROXY and NO_PROXY." % (what, _short(exc)),
                        fix="Check the network, HTTPS_PROXY and NO_PROXY.", lost_response=True)
    return None


def _last_try_timed_out(exc):
    """requests reports a read timeout that used up the retries as a ConnectionError(MaxRetryError)."""
    reason = getattr(exc.args[0] if exc.args else None, "reason", None)
    return isinstance(reason, ReadTimeoutError)


def _short(exc):
    text = str(exc)
    return text if len(text) < 300 else text[:297] + "..."


# A 429 that reaches the SDK: TwilioRetry repeated it for _limits.RATE_LIMITED_FOR seconds already.
RATE_LIMIT_FIX = ("Twilio's rate limit: the request was repeated at a slower pace for 120 s without being accepted "
                  "(429 does not use up retries; nothing was applied). Run again when the account is less busy; if "
                  "Twilio raised the account's limits, or lowered them, set account_limits to the account's rates")

AUTH_FIX = "check account_sid and auth_token or api_key/api_secret; with region set, also set a matching edge"


def _api_error(what, status, code, more_info, message, method):
    parts = ["%s failed" % what]
    if status:
        parts.append("HTTP %s" % status)
    if code:
        parts.append("Twilio error %s" % code)
    msg = "%s: %s" % (", ".join(parts), message or "no message")
    fix = None
    if status == 401 or code == 20003:
        msg += " (%s)" % AUTH_FIX
        fix = AUTH_FIX
    if status == 429:
        fix = RATE_LIMIT_FIX
        msg += " (%s)" % RATE_LIMIT_FIX
    if more_info:
        msg += " (%s)" % more_info
    return ApiError(msg, fix=fix, status=status, code=code, more_info=more_info, twilio_message=message, method=method)
