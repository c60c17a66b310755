# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Twilio-shaped API errors.

Every error the simulator answers has Twilio's JSON body:
``{"code", "message", "more_info", "status"}``.
"""


class ApiError(Exception):
    """An error answered to the client as Twilio's error JSON."""

    def __init__(self, status, code, message, headers=None):
        super(ApiError, self).__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def body(self):
        return {
            "code": self.code,
            "message": self.message,
            "more_info": "https://www.twilio.com/docs/errors/%s" % self.code,
            "status": self.status,
        }


def authenticate_error(detail=None):
    """401 / 20003, what Twilio answers for bad credentials or the wrong region."""
    return ApiError(401, 20003, "Authenticate" if not detail else "Authenticate: %s" % detail)


def permission_denied(detail):
    """403 / 20003: valid credentials used on another account's path."""
    return ApiError(403, 20003, "Permission Denied: %s" % detail)


def not_found(path):
    return ApiError(404, 20404, "The requested resource %s was not found" % path)


def missing_param(name, where="post body"):
    return ApiError(400, 20001, "Missing required parameter %s in the %s" % (name, where))


def invalid_param(name, value, why):
    return ApiError(400, 20001, "Invalid parameter %s=%r: %s" % (name, value, why))


def method_not_allowed(method, path):
    return ApiError(405, 20004, "Method %s not allowed on %s" % (method, path))
