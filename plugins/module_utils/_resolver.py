# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: the look-ups an address entry's defaults need.

``Resolver`` (through a running module ``m``, cached for the task): a Studio
flow by SID or name, a Flex Configuration default, that a resource a setting
names exists (``exists_fix``: the fix of its ``sid_not_found``), and whether
two task channel references are the same. Every address kind reaches it; it
imports no kind.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.module_utils import _lookups
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError, ValidationError
from ansible_collections.flexops.twilio.plugins.module_utils._validate import is_sid


def exists_fix(option, kind, workspace=None):
    """The fix of a ``sid_not_found`` error, in the option names (the role words its own, with its variables)."""
    if kind == "chat_service":
        return ("Give the SID of a Chat service of this account, or leave %s out (a new SMS address gets the Flex "
                "chat service, chat_service_instance_sid of the Flex Configuration)." % option)
    if kind == "conversation_service":
        return ("Give the SID of a Conversations service of this account, or leave %s out (a new address gets the "
                "Flex conversation service, flex_service_instance_sid of the Flex Configuration)." % option)
    if kind == "workspace":
        return ("Give the SID of a TaskRouter workspace of this account, or leave %s out (a new SMS address gets the "
                "Flex workspace, taskrouter_workspace_sid of the Flex Configuration)." % option)
    if kind == "workflow":
        return "Give the SID of a workflow of TaskRouter workspace %s, or leave %s out." % (workspace, option)
    return ("Give the SID or unique name of a task channel of TaskRouter workspace %s (for example sms), or leave "
            "%s out." % (workspace, option))


class Resolver(object):
    """The look-ups ``wanted_fields`` makes through module ``m`` (cached for the task), only when a value is needed."""

    def __init__(self, m):
        self.m = m

    def studio_flow_sid(self, value, defaulted=False, option="studio_flow"):
        """The SID of the Studio flow ``value`` (SID or name) names; a SID is fetched (one request, cached) to be
        sure it exists before it is written (issue 12: refused before any write, whatever check_send_to_flex says)."""
        if is_sid(value, "studio_flow"):
            try:
                return _lookups.studio_flow_by_sid(self.m, value, option)["sid"]
            except ValidationError as exc:
                # sid_not_found: a SID the task sets that names nothing (a name that names nothing stays not_found).
                fix = "Give the SID or name of an existing flow."
                raise ValidationError("%s: give the SID or name of an existing flow." % str(exc).rstrip("."),
                                      code="sid_not_found", option=option, fix=fix)
        try:
            return _lookups.studio_flow(self.m, value)["sid"]
        except ValidationError as exc:
            if defaulted:
                raise ValidationError(
                    "studio_flow was not set, and the default Studio flow %r was not found: %s "
                    "Create that flow, or set studio_flow to the SID or name of the flow to use." % (value, exc),
                    code="missing_default", option="studio_flow",
                    fix="Create that flow, or set studio_flow to the SID or name of the flow to use.")
            raise

    def check_exists(self, option, kind, value, workspace=None):
        """That the resource a setting names exists (one cached GET); ValidationError ``sid_not_found`` if not."""
        return _lookups.check_exists(self.m, option, kind, value, exists_fix(option, kind, workspace), workspace)

    def flex_default(self, key, option):
        try:
            config = _lookups.flex_configuration(self.m)
        except ValidationError as exc:
            raise ValidationError("%s was not set and its default comes from the Flex Configuration: %s "
                                  "Set %s explicitly." % (option, exc, option), code="no_flex", option=option,
                                  fix="Set %s explicitly." % option)
        value = config.get(key)
        if not value:
            raise ValidationError(
                "%s was not set, and the Flex Configuration of account %s has no %s to default to: set %s."
                % (option, self.m.account_sid, key, option), code="missing_default", option=option,
                fix="Set %s." % option)
        return value

    def same_task_channel(self, workspace_sid, first, second):
        """Whether two task channel references (SID or unique name) name the same channel."""
        if is_sid(first, "task_channel") == is_sid(second, "task_channel"):
            return first == second
        m = self.m
        try:
            channels = _lookups.cached(m, "task_channels:" + workspace_sid, lambda: m.list_all(
                "Listing the task channels of TaskRouter workspace %s" % workspace_sid,
                m.client.taskrouter.v1.workspaces(workspace_sid).task_channels))
        except (ApiError, ValidationError) as exc:
            m.warn("Could not compare task channels %s and %s (%s); treating them as different." % (first, second, exc))
            return False
        for channel in channels:
            refs = (channel.get("sid"), channel.get("unique_name"))
            if first in refs and second in refs:
                return True
        return False
