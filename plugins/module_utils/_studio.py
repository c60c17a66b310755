# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: is a Send to Flex widget reachable in a Studio flow?

``send_to_flex_reachability`` is a pure function over a Studio v2 flow definition
(``{initial_state, states: [{name, type, transitions: [{event, next}], properties}]}``),
from a given Trigger event (``incomingMessage`` for SMS, ``incomingConversationMessage``
for Conversations). ``flow_report`` is the one builder of the flow report modules
return; ``flow_reports`` reads the flows (cached) and builds their reports.
Used by studio_flow_info and by anything else that must refuse a flow that can
never hand a conversation to Flex.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from collections import deque

from ansible_collections.flexops.twilio.plugins.module_utils import _lookups
from ansible_collections.flexops.twilio.plugins.module_utils._errors import Problem, ValidationError

SEND_TO_FLEX = "send-to-flex"
DEFAULT_TRIGGER_EVENT = "incomingMessage"

# https://webhooks.twilio.com/v1/Accounts/AC.../Flows/FW... (also regional hosts such as webhooks.dublin.ie1.twilio.com)
_FLOW_WEBHOOK_RE = re.compile(
    r"^https://webhooks(?:\.[A-Za-z0-9-]+)*\.twilio\.com/v1/Accounts/AC[0-9a-fA-F]{32}/Flows/(FW[0-9a-fA-F]{32})/?$"
)


def flow_sid_from_webhook_url(url):
    """The FW SID when ``url`` is a Studio flow's webhook URL, else None."""
    if not url:
        return None
    match = _FLOW_WEBHOOK_RE.match(url)
    return match.group(1) if match else None


def _widget(state, path=None):
    props = state.get("properties") or {}
    out = dict(
        widget=state.get("name"),
        workflow_sid=props.get("workflow"),
        channel_sid=props.get("channel"),
        attributes=props.get("attributes"),
    )
    if path is not None:
        out["path"] = path
    return out


def send_to_flex_reachability(definition, event=DEFAULT_TRIGGER_EVENT):
    """Which Send to Flex widgets a message entering through ``event`` of the Trigger can reach.

    Breadth-first over every transition's ``next`` (whatever its event), from
    the Trigger's ``event`` transition. Cycles are visited once; a ``next``
    naming a state the flow does not define is reported in
    ``missing_states``. The Trigger's other events (for example
    ``incomingCall``) are never followed: they are other entry points.

    Returns a dict: ``reachable`` (bool); ``widget``, ``workflow_sid``,
    ``channel_sid``, ``attributes`` and ``path`` (state names from the
    Trigger) of the nearest reachable widget (None/[] when none);
    ``widgets`` (every reachable one, nearest first, each with its
    ``path``); ``present_but_unreachable`` (Send to Flex widgets no path
    reaches); ``missing_states``; ``trigger_event``; and ``problem`` (a short
    sentence when the flow cannot be analysed or nothing is reachable).
    """
    result = dict(
        reachable=False, widget=None, workflow_sid=None, channel_sid=None, attributes=None, path=[],
        widgets=[], present_but_unreachable=[], missing_states=[], trigger_event=event, problem=None,
    )
    definition = definition or {}
    states = [s for s in (definition.get("states") or []) if isinstance(s, dict) and s.get("name")]
    by_name = {}
    for state in states:
        by_name.setdefault(state["name"], state)
    flex_states = [s for s in states if s.get("type") == SEND_TO_FLEX]

    def finish(problem):
        result["present_but_unreachable"] = [_widget(s) for s in flex_states if s["name"] not in visited]
        if not result["reachable"] and problem is None:
            if flex_states:
                problem = "no Send to Flex widget is reachable from the Trigger's %s transition" % event
            else:
                problem = "the flow has no Send to Flex widget"
        result["problem"] = problem
        return result

    visited = set()
    if not states:
        return finish("the flow has no definition (no states)")
    trigger_name = definition.get("initial_state") or "Trigger"
    trigger = by_name.get(trigger_name)
    if trigger is None:
        result["missing_states"] = [trigger_name]
        return finish("the initial state %r is not defined" % trigger_name)
    visited.add(trigger_name)
    starts = [t.get("next") for t in (trigger.get("transitions") or [])
              if isinstance(t, dict) and t.get("event") == event and t.get("next")]
    if not starts:
        return finish("the Trigger's %s transition leads nowhere" % event)

    parent = {}
    queue = deque()
    missing = []
    for name in starts:
        if name not in visited:
            visited.add(name)
            parent[name] = trigger_name
            queue.append(name)
    while queue:
        name = queue.popleft()
        state = by_name.get(name)
        if state is None:
            if name not in missing:
                missing.append(name)
            continue
        if state.get("type") == SEND_TO_FLEX:
            path = [name]
            while path[-1] in parent:
                path.append(parent[path[-1]])
            result["widgets"].append(_widget(state, list(reversed(path))))
        for transition in state.get("transitions") or []:
            nxt = transition.get("next") if isinstance(transition, dict) else None
            if nxt and nxt not in visited:
                visited.add(nxt)
                parent[nxt] = name
                queue.append(nxt)
    result["missing_states"] = missing
    if result["widgets"]:
        result["reachable"] = True
        result.update(dict((k, v) for k, v in result["widgets"][0].items()))
    return finish(None)


BRIEF_KEYS = ("reachable", "widget", "path", "problem")


def flow_report(flow, event=DEFAULT_TRIGGER_EVENT, brief=False, include_definition=False):
    """A Studio flow (with its definition) as modules return it, with ``send_to_flex`` from ``event``.

    ``brief``: only ``sid``, ``friendly_name`` and the ``send_to_flex`` keys
    ``reachable``, ``widget``, ``path``, ``problem`` (what flex_sms_address returns
    per address); else also ``status``, ``revision``, ``valid``, ``webhook_url``
    and the whole reachability (studio_flow_info), and the definition with ``include_definition``.
    """
    reach = send_to_flex_reachability(flow.get("definition"), event)
    if brief:
        return dict(sid=flow.get("sid"), friendly_name=flow.get("friendly_name"),
                    send_to_flex=dict((k, reach[k]) for k in BRIEF_KEYS))
    out = dict(
        sid=flow.get("sid"), friendly_name=flow.get("friendly_name"), status=flow.get("status"),
        revision=flow.get("revision"), valid=flow.get("valid"), webhook_url=flow.get("webhook_url"),
        send_to_flex=reach,
    )
    if include_definition:
        out["definition"] = flow.get("definition")
    return out


def flow_reports(m, sids, event=DEFAULT_TRIGGER_EVENT, brief=True, option="studio_flow"):
    """``{sid: report}`` for Studio flows by SID, read at most ``m.concurrency`` at a time (one request each, cached).

    A flow that does not exist is its ValidationError instead of a report.
    """
    def one(sid):
        try:
            return flow_report(_lookups.studio_flow_by_sid(m, sid, option=option), event, brief=brief)
        except ValidationError as exc:
            return exc

    sids = list(sids)
    return dict(zip(sids, m.for_each(sids, one, concurrency=m.concurrency)))


def flow_problems(m, users, fail, fix, consequence, event=DEFAULT_TRIGGER_EVENT):
    """The problems of the Studio flows list entries use: ``users`` is ``{flow sid: [entries]}``.

    Reads each flow once (``flow_reports``) and records its brief report on
    every entry that uses it (``entry.studio_flow``). Returns the errors: a flow
    that does not exist (bad input, always), and with ``fail`` a flow from which
    no message reaches Send to Flex (``fix`` says what to do); without ``fail``
    such a flow is a warning ending in ``consequence``.
    """
    missing, unreachable = [], []
    for sid, flow in flow_reports(m, users, event).items():
        refs = ", ".join(e.ref for e in users[sid])
        if isinstance(flow, ValidationError):
            missing.append(ValidationError("%s (used by %s): give the SID or name of an existing flow" % (
                str(flow).rstrip("."), refs), problems=[Problem(
                    "not_found", str(flow), fix="Give the SID or name of an existing flow.", entry=e.ref,
                    option=e.name("studio_flow")) for e in users[sid]]))
            continue
        for entry in users[sid]:
            entry.studio_flow = flow
        if flow["send_to_flex"]["reachable"]:
            continue
        what = "Studio flow %r (%s), used by %s: %s" % (flow["friendly_name"], sid, refs, flow["send_to_flex"]["problem"])
        if fail:
            unreachable.append(ValidationError(what + ". " + fix, problems=[Problem(
                "send_to_flex_unreachable", what, fix=fix + ".", entry=e.ref, option=e.name("studio_flow"))
                for e in users[sid]]))
        else:
            m.warn("%s. %s" % (what, consequence))
    return missing + unreachable
