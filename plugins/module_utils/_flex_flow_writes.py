# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: the writes of a Flex Flow used as an SMS address.

What the writes of one flex_sms_address entry's flow need: ``Writes`` (the
re-reads that resolve an ambiguous failure, for ``write_once`` /
``reconcile``), and Twilio's refusal of a flow that collides with another one
of the same number (``is_collision``, ``collision_error``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.module_utils import _lookups
from ansible_collections.flexops.twilio.plugins.module_utils._base import applied
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError
from ansible_collections.flexops.twilio.plugins.module_utils._flex_flow import flow_sids_in, flows_for_number, live_view, summary


def is_collision(exc):
    """True when Twilio refused a flow because it collides with another flow of the same number (45210, 45212)."""
    message = exc.details.get("twilio_message") or exc.msg
    return "collid" in (message or "").lower() or exc.details.get("code") in (45210, 45212)


def collision_error(exc, entry, flow, flows, what):
    """A clear error for Twilio refusing a flow that collides with another one; None if ``exc`` is something else."""
    message = exc.details.get("twilio_message") or exc.msg
    mentions = "collid" in (message or "").lower()
    if not is_collision(exc) and exc.details.get("status") not in (400, 409):
        return None
    own = flow.get("sid") if flow else None
    number = entry.phone_number or (flow or {}).get("contact_identity")
    others = [f for f in flows_for_number(flows, number) if f.get("sid") != own and f.get("enabled")] if number else []
    named = [s for s in flow_sids_in(message) if s != own]
    by_sid = dict((f.get("sid"), f) for f in flows)
    sids = sorted(set(named) | set(f.get("sid") for f in others))
    if not sids and not mentions:
        return None
    if sids:
        listed = "; ".join(summary(by_sid[s]) if s in by_sid else s for s in sids)
        hint = ("It collides with %s, which serves the same number. Disable or delete that flow "
                "(flexops.twilio.flex_sms_address with sid=%s and enabled=false or state=absent), "
                "or pass sid=%s to manage that flow instead of another one." % (listed, sids[0], sids[0]))
    else:
        hint = ("Another enabled Flex Flow serves the same number: find it with "
                "flexops.twilio.flex_sms_address_info, then disable or delete it, or pass its sid to manage it.")
    details = dict(exc.details)
    details["colliding_flows"] = sids
    return ApiError("Twilio refused to %s %s: %s. %s" % (what, entry.label, message, hint), problem_code="collision",
                    fix=hint, **details)


class Writes(object):
    """What ``write_once`` needs to resolve an ambiguous failure of the writes of one entry's flow (re-reads only).

    ``flow`` is the live flow (None when the entry creates one); ``plan`` has
    the listing the create was planned on (``flows``) and the ``wanted`` fields.
    """

    def __init__(self, m, entry, plan):
        self.m, self.entry, self.plan = m, entry, plan

    def created(self):
        """The flow the create made: an SMS flow of this number, not in the listing before, with the settings sent."""
        known = set(f.get("sid") for f in self.plan["flows"])
        _lookups.forget(self.m, "flex_flows")
        new = [f for f in flows_for_number(_lookups.flex_flows(self.m), self.entry.phone_number)
               if f.get("sid") not in known and applied(live_view(f), self.plan["wanted"])]
        return new[0] if new else None

    def live(self):
        """The flow fetched by SID (None when it is gone)."""
        flow = self.plan["flow"]
        return self.m.fetch("Reading %s" % self.entry.label, self.m.client.flex_api.v1.flex_flow(flow["sid"]).fetch)

    def updated(self):
        """(managed fields, flow) as they are now, for reconcile's ``reread``."""
        flow = self.live()
        return live_view(flow), flow
