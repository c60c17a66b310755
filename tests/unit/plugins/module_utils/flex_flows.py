# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A small stub for the Flex Flow kind's unit tests (test_flex_flow, test_sms_address): Flex Flows as the API returns
them, as plain data (no client), and the SIDs they name."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools

NUMBER = "+15551230001"
ACCOUNT = "AC" + "a" * 32
CHAT = "IS" + "1" * 32
CHAT2 = "IS" + "2" * 32
WS = "WS" + "1" * 32
WW = "WW" + "1" * 32
FW_MESSAGING = "FW" + "1" * 32
FW_OTHER = "FW" + "2" * 32
_SIDS = itertools.count(1)


def sid(prefix):
    return "%s%032x" % (prefix, next(_SIDS))


def flow(number, sid_=None, integration_type="studio", integration=None, enabled=True, channel_type="sms",
         friendly_name=None, chat_service_sid=CHAT):
    """A Flex Flow as the API returns it (a local stub: plain data, no client)."""
    return dict(
        sid=sid_ or sid("FO"), account_sid=ACCOUNT, friendly_name=friendly_name or "SMS %s" % number,
        chat_service_sid=chat_service_sid, channel_type=channel_type, contact_identity=number, enabled=enabled,
        integration_type=integration_type,
        integration=integration if integration is not None else {"flow_sid": FW_MESSAGING, "retry_count": 3},
        long_lived=False, janitor_enabled=False, url="https://flex-api.twilio.com/v1/FlexFlows/x",
        date_created=None, date_updated=None,
    )
