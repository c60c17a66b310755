# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: moving a number between the legacy SMS path and
Flex Conversations, both ways.

To Conversations (flex_conversations_address with replace_legacy, Twilio's
"migrate from legacy messaging"): the plan checks every number before any
write (owned; the integration is not ``task``; no Messaging Service takes the
inbound messages unless it is set up for Conversations; no other Proxy service
holds it; ``sms_url`` blank, Studio or Proxy unless blanking is allowed; at
most one Flex Flow) and carries the Flex Flow's Studio flow or webhook over to
the options the task leaves out; the writes delete the Flex Flow, leave the
Flex Proxy Service pool and blank ``sms_url``, before the module creates the
Conversations address.

Back to legacy (flex_sms_address with replace_conversations, Twilio's
downgrade guide): the plan carries the Conversations address's Studio flow or
webhook over; the write deletes the address before the module creates the
Flex Flow and joins the pool.

Every step reads the live state and does only what is missing, so a run that
was killed continues on the rerun. Every write goes through ``write_once``
(``remove`` / ``reconcile``): after an ambiguous failure it is read again and
repeated only when it was not applied.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.flexops.twilio.plugins.module_utils import _conversations as conv
from ansible_collections.flexops.twilio.plugins.module_utils import _flex_flow as ff
from ansible_collections.flexops.twilio.plugins.module_utils import _lookups as lookups
from ansible_collections.flexops.twilio.plugins.module_utils import _proxy_pool as pool
from ansible_collections.flexops.twilio.plugins.module_utils._client import to_dict
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ValidationError
from ansible_collections.flexops.twilio.plugins.module_utils._number_handler import sms_url_kind
from ansible_collections.flexops.twilio.plugins.module_utils._studio import flow_sid_from_webhook_url

# The integration settings that move with a number: legacy option -> Conversations option.
CARRIED = (("integration_type", "auto_creation_type"), ("studio_flow", "studio_flow"),
           ("webhook_url", "webhook_url"), ("retry_count", "retry_count"))


def route_of(number, flow=None, member=None, holders=(), address=None):
    """The route name of a number's state (the names of flex_sms_route_info, simplified: no certainty)."""
    if any(h["type"] == "messaging_service" for h in holders):
        return "messaging_service"
    if address is not None:
        return "flex_conversations"
    if any(h["type"] == "proxy_service" for h in holders):
        return "proxy_other"
    if member is not None:
        return "flex_legacy"
    if number.get("sms_application_sid"):
        return "twiml_app"
    kind = sms_url_kind(number.get("sms_url"))
    if kind == "studio":
        return "studio"
    return "webhook" if kind != "none" else "none"


def carry(entry, found, names):
    """Fill the entry's integration settings the task leaves out with ``found`` (the current path's).

    ``names`` maps the generic names of ``found`` to the entry's option names.
    A setting of another type than the entry's (when it sets one) is not carried.
    """
    if not found:
        return
    type_option = names["integration_type"]
    own_type = entry[type_option]
    if own_type is not None and own_type != found.get("integration_type"):
        return
    for name, option in names.items():
        if entry[option] is None and found.get(name) is not None:
            entry.values[option] = found[name]


def problem(entry, code, msg, fix, option=None, holder=None):
    return ValidationError("%s: %s" % (msg, fix[0].lower() + fix[1:]), code=code,
                           option=option or entry.name("phone_number"), entry=entry.phone_number, fix=fix, holder=holder)


# -- to Conversations (replace_legacy) -----------------------------------------------------------------


class LegacyRemoval(object):
    """The legacy path of the numbers of one flex_conversations_address task, and its removal."""

    def __init__(self, m, service, blank_sms_url, conversations_services):
        self.m = m
        self.service = service  # the Flex Proxy Service (dict), or None when the account has none
        self.blank_sms_url = blank_sms_url
        self.allowed = set(conversations_services or ())

    def plan(self, entry):
        """Reads and checks one number's legacy path; carries its settings over into the entry. Before conv.plan."""
        m = self.m
        number = lookups.owned_number(m, entry, required=True)
        flows = ff.flows_for_number(lookups.flex_flows(m), entry.phone_number)
        if len(flows) > 1:
            raise problem(entry, "duplicate_addresses", "%s has %d legacy SMS addresses (Flex Flows): %s" % (
                entry.phone_number, len(flows), "; ".join(ff.summary(f) for f in flows)),
                "Delete the extra ones with flexops.twilio.flex_sms_address, their sid and state=absent.")
        flow = flows[0] if flows else None
        member = pool.pool_entry(m, self.service, number["sid"], listed=True) if self.service else None
        own = self.service["sid"] if self.service else None
        holders = pool.holders(m, number["sid"], own, for_proxy=False)
        for holder in holders:
            if holder["type"] == "proxy_service":
                raise problem(entry, "held_by_other_service", "%s is in Proxy service %s (%s)" % (
                    entry.phone_number, holder["sid"], holder.get("name")), "Take it out of that Proxy service.",
                    holder=holder)
            if holder["sid"] not in self.allowed and holder.get("name") not in self.allowed:
                raise problem(
                    entry, "messaging_service_takes_inbound",
                    "%s is in Messaging Service %s (%s), which takes its incoming messages (it does not defer to "
                    "the number's webhook), so they would never reach the Conversations address" % (
                        entry.phone_number, holder["sid"], holder.get("name")),
                    "Set that service up for Conversations (its default conversation service the Flex one, 'Handle "
                    "inbound messages with Conversations') and list it in conversations_messaging_services, or take "
                    "the number out of it.", holder=holder)
        blank = {}
        kind, app = sms_url_kind(number.get("sms_url")), number.get("sms_application_sid")
        if (kind == "other" or app) and not self.blank_sms_url:
            what = "sms_url=%s" % number["sms_url"] if kind == "other" else "sms_application_sid=%s" % app
            raise problem(entry, "foreign_sms_url", "%s has %s, which Twilio would run in parallel to the "
                          "Conversations address" % (entry.phone_number, what),
                          "Blank it, or set blank_sms_url to true to let the migration blank it.")
        if kind != "none":
            blank["sms_url"] = ""
        if app:
            blank["sms_application_sid"] = ""
        found = legacy_settings(flow) if flow else studio_of_url(number.get("sms_url"))
        if found and found.get("integration_type") != "studio":
            found.pop("retry_count", None)  # a Conversations address retries only Studio flows
        carry(entry, found, dict(CARRIED))
        if entry["auto_creation_type"] == "task":
            raise conv.task_refused(entry, carried=True)
        return dict(number=number, flow=flow, member=member, blank=blank, holders=holders)

    @staticmethod
    def route_before(legacy, address):
        return route_of(legacy["number"], legacy["flow"], legacy["member"], legacy["holders"], address)

    def write(self, entry, legacy):
        """Steps 1 to 3 of the migration (each only when needed); True when something changed."""
        m, number, flow = self.m, legacy["number"], legacy["flow"]
        changed = False
        if flow is not None:
            view = ff.live_view(flow)
            handle = m.client.flex_api.v1.flex_flow(flow["sid"])
            flow_label = "SMS address %s (%s)" % (entry.phone_number, flow["sid"])
            changed |= m.remove(flow_label, view, handle.delete,
                                reread=lambda: m.fetch("Reading %s" % flow_label, handle.fetch))
            entry.done.append("its legacy SMS address %s was deleted" % flow["sid"])
        if legacy["member"] is not None:
            changed |= pool.leave_pool(m, number, self.service, legacy["member"])
            entry.done.append("it left Proxy service %s" % self.service["sid"])
        if legacy["blank"]:
            fields = sorted(legacy["blank"])
            before = dict((k, number.get(k)) for k in fields)
            handle = m.client.api.v2010.accounts(m.account_sid).incoming_phone_numbers(number["sid"])

            def reread():
                live = lookups.number_now(m, number)
                return (None if live is None else dict((k, live.get(k)) for k in fields)), live

            blanked, _written = m.reconcile("%s (%s) incoming SMS handler" % (number["phone_number"], number["sid"]),
                                            before, dict(legacy["blank"]), None,
                                            lambda changes: to_dict(handle.update(**changes)), reread=reread)
            changed |= blanked
            entry.done.append("its %s was blanked" % " and ".join(sorted(legacy["blank"])))
        return changed


def legacy_settings(flow):
    """The integration settings of a Flex Flow, under the legacy option names (``task`` included)."""
    view = ff.managed_view(flow)
    return dict((name, view.get(name)) for name, _option in CARRIED)


def studio_of_url(url):
    """A number whose sms_url is a Studio flow's webhook uses that flow."""
    sid = flow_sid_from_webhook_url(url)
    return dict(integration_type="studio", studio_flow=sid) if sid else None


# -- back to legacy (replace_conversations) ----------------------------------------------------------


def conversations_settings(address):
    """The integration settings of a Conversations address, under the legacy option names (none for ``default``)."""
    view = conv.managed_view(address) or {}
    auto_type = view.get("auto_creation_type")
    if auto_type not in ("studio", "webhook"):
        return None
    return dict(integration_type=auto_type, studio_flow=view.get("studio_flow"), webhook_url=view.get("webhook_url"),
                retry_count=view.get("retry_count"))


def conversations_plan(m, entry, listed, carry_over):
    """The number's Conversations address (or None), for flex_sms_address with replace_conversations.

    With ``carry_over`` (the Flex Flow is to be created) the address's Studio flow or webhook fills the
    integration settings the task leaves out.
    """
    address = conv.address_of(m, entry.phone_number, listed)
    if address is not None and carry_over:
        carry(entry, conversations_settings(address), dict((name, name) for name, _option in CARRIED))
    return address


def remove_conversations(m, entry, address):
    """Delete the number's Conversations address (Twilio's downgrade, before the Flex Flow is created)."""
    if address is None:
        return False
    changed = m.remove(conv.label(entry.phone_number), conv.managed_view(address),
                       m.client.conversations.v1.address_configurations(address["sid"]).delete,
                       reread=lambda: conv.address_by_sid(m, address["sid"]))
    entry.done.append("its Conversations address %s was deleted" % address["sid"])
    return changed


def conversations_options(address):
    """A flex_sms_address entry (legacy option names) as a flex_conversations_address entry, for the role.

    The integration type becomes ``auto_creation_type`` (``task`` stays, to be refused by name); the Studio flow,
    webhook, retry count (Studio only), name and ``enabled`` keep their names; the rest has no Conversations
    equivalent (the chat service, TaskRouter settings, janitor, long-lived) and is left out.
    """
    out = dict(phone_number=address.get("phone_number"))
    itype = address.get("integration_type")
    if itype is not None:
        out["auto_creation_type"] = itype
    for option in ("studio_flow", "webhook_url", "friendly_name", "enabled"):
        if address.get(option) is not None:
            out[option] = address[option]
    if address.get("retry_count") is not None and itype in (None, "studio"):
        out["retry_count"] = address["retry_count"]
    return out


def downgrade(m, entry, plan, result, routing):
    """flex_sms_address with replace_conversations, before its SMS address is written: delete the number's
    Conversations address; the result gets that address and the number's route before and after."""
    address = plan.get("conversations_address")
    number = plan.get("number") or {}
    result.update(conversations_address=conv.describe(address),
                  route_before=route_of(number, plan["flow"], plan.get("pool_entry"), (), address),
                  route_after="flex_legacy" if routing else route_of(number))
    return remove_conversations(m, entry, address)
