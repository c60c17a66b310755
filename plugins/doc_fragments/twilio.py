# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Shared connection and authentication options of every flexops.twilio module.
    DOCUMENTATION = r"""
options:
  account_sid:
    description:
      - The SID (C(AC...)) of the Twilio account to manage.
      - If not set, the value of the E(TWILIO_ACCOUNT_SID) environment variable is used.
    type: str
    required: true
  auth_token:
    description:
      - The auth token of O(account_sid).
      - If not set, the value of the E(TWILIO_AUTH_TOKEN) environment variable is used.
      - Mutually exclusive with O(api_key) and O(api_secret).
    type: str
  api_key:
    description:
      - The SID (C(SK...)) of an API key of the account, used instead of O(auth_token).
      - If not set, the value of the E(TWILIO_API_KEY) environment variable is used.
      - Requires O(api_secret).
    type: str
  api_secret:
    description:
      - The secret of O(api_key).
      - If not set, the value of the E(TWILIO_API_SECRET) environment variable is used.
    type: str
  region:
    description:
      - The Twilio Region to send requests to, for example V(au1) or V(ie1).
      - Requests go to C(<product>.<edge>.<region>.twilio.com). A region
        usually needs an O(edge) as well; a region without an edge is a
        common cause of HTTP 401 with Twilio error 20003.
      - If not set, the value of the E(TWILIO_REGION) environment variable is used.
    type: str
  edge:
    description:
      - The Twilio Edge location to send requests through, for example V(sydney) or V(dublin).
      - If not set, the value of the E(TWILIO_EDGE) environment variable is used.
    type: str
  http_timeout:
    description:
      - Seconds to wait for Twilio to answer one HTTP request.
      - The Twilio SDK's own default waits forever.
    type: float
    default: 30
  retries:
    description:
      - How many times one request is retried after a fault before the module fails.
      - HTTP 5xx, connection and read errors are retried only for requests that
        are safe to repeat (C(GET), C(DELETE)); a C(POST) whose answer was lost
        is never re-sent blindly, the module reads the state again instead.
      - HTTP 429 (Twilio's rate limit; Twilio says such requests were not
        processed) is repeated for every method and does not count against
        O(retries). A request is repeated while Twilio keeps answering 429, for
        at most 120 seconds, then the module fails saying so. Requests to an
        endpoint with a documented rate (see O(account_limits)) are paced at
        that rate, shared by every worker of the task, and a 429 slows the pace
        down; other endpoints wait the backoff after a 429.
      - Backoff is exponential with jitter, honours C(Retry-After), and is capped by O(retry_max_backoff).
      - V(0) disables retries of faults (a 429 is still repeated, within the 120 seconds).
    type: int
    default: 5
  retry_max_backoff:
    description:
      - The longest wait in seconds between two tries of one request.
    type: float
    default: 30
  account_limits:
    description:
      - The account's own rate and capacity limits, where Twilio raised them
        for the account on request; a limit left out keeps Twilio's documented
        value.
      - The module paces its requests to each rate-limited endpoint at the
        rate (one task shares one pace across its workers, so C(concurrency)
        does not multiply it), so a long list takes at least its writes
        divided by the rate, for example 200 new SMS addresses about 100
        seconds at 2 creates per second. Set a higher rate only when Twilio
        raised it for the account; past it Twilio answers 429, which slows
        the module down (see O(retries)).
      - "Rates, in requests per second per account: V(flex_flow_list) (10),
        V(flex_flow_fetch) (2), V(flex_flow_create) (2), V(flex_flow_update) (1),
        V(flex_flow_delete) (2), from Twilio's Flex Messaging Limits."
      - "Capacities: V(flex_flows) (2500 per account), V(proxy_numbers) (500
        non-reserved numbers per Proxy service), V(proxy_reserved_numbers)
        (5000 reserved numbers per Proxy service), V(messaging_service_numbers)
        (400 numbers per Messaging Service)."
      - Each value must be a positive number (a whole number for capacities).
      - "If not set, the value of the E(TWILIO_ACCOUNT_LIMITS) environment
        variable is used, as JSON, for example C({\"flex_flow_update\": 5})."
    type: dict
notes:
  - "Requires the C(twilio) Python library (9.x) on the host that runs the module, usually the controller (C(connection: local))."
  - Proxies and CA bundles are taken from the standard E(HTTPS_PROXY), E(NO_PROXY) and E(REQUESTS_CA_BUNDLE) environment variables.
  - All modules of this collection are in the action group C(flexops.twilio.twilio),
    so credentials can be set once with C(module_defaults) for C(group/flexops.twilio.twilio).
requirements:
  - twilio >= 9.0.0, < 10
"""
