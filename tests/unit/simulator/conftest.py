# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the simulator tests, on top of ``simulator``/``sim`` from tests/conftest.py.

``client`` is a twilio Client for the default seed's account, ``make_client``
builds others, ``raw`` makes plain requests through the simulator, ``ids``
names the default seed's SIDs.
"""

import os
import types

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SIMULATOR_DIR = os.path.join(REPO, "tests", "simulator")
DEFAULT_SEED = os.path.join(SIMULATOR_DIR, "seeds", "default.yml")
MULTI_SEED = os.path.join(SIMULATOR_DIR, "seeds", "multi_account.yml")
SPEC_DIR = os.path.join(REPO, "tests", "data", "twilio-oai")

# The default seed's account (tests/simulator/seeds/default.yml).
ACCOUNT_SID = "ACc5eaed71948a8c235d2cc71d851bb311"
AUTH_TOKEN = "sim-auth-token-c5eaed71948a8c235d2cc71d"
API_KEY = "SK0a6e4b4d80d51ff04c1c0357592b750b"
API_SECRET = "sim-api-secret-0a6e4b4d80d51ff04c1c03"


def _make_client(username=ACCOUNT_SID, password=AUTH_TOKEN, **kwargs):
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    return Client(username, password, http_client=TwilioHttpClient(timeout=10), **kwargs)


@pytest.fixture
def make_client(sim):
    """``make_client(username, password, **Client kwargs)``; defaults to the default seed's account."""
    return _make_client


@pytest.fixture
def client(sim):
    return _make_client()


@pytest.fixture
def ids():
    """SIDs and secrets of the default seed used by the tests."""
    return types.SimpleNamespace(
        default_seed=DEFAULT_SEED, multi_seed=MULTI_SEED, spec_dir=SPEC_DIR,
        account=ACCOUNT_SID, token=AUTH_TOKEN, api_key=API_KEY, api_secret=API_SECRET,
        chat_service="IS679ff2a91e5c5b744e7a1e8244e3115d",
        workspace="WSebae285b6a8b7ce0300acd18f4c39679",
        workflow="WWf9781315836fcf2fb01cf117139a9217",
        flex_proxy="KS9821e8485ae99902ad0ab1ae1bd003c0",
        sales_proxy="KSe6bb675e1f5c5e5b3768927bd750f726",
        messaging_service="MG6d4a29fa859c0d538210f7083758f93e",
        flex_messaging_service="MG5d46e31bcdaeec31db0a07c0acc54712",
        messaging_flow="FWcdb84ad218aa5457502e801ddf58568b",
        webchat_flow="FW57918a40b881f6f9adfe53310d7f0909",
        app="AP41deafba753e0e3f2e89b02e31abb5c7",
        web_flex_flow="FO1e9276bfa0d52da680310b4c93c7563d",
        sms_flex_flow="FO6d006fd9ac219623099bf407e4ad1bfe",
        flex_number="PN6082558ae494cf357968a0d2e9abe353",        # +14155550101, in the Flex Proxy Service
        spare_number="PNe61004cd2af33ac22bd87eb5b6716274",       # +14155550102
        voice_only_number="PNcb75ed1eaed5e9738299d401544d3643",  # +14155550103
        messaging_number="PNe9c8648a451fb9327893b72a85b8216d",   # +16505550104, in the Messaging Service
        app_number="PN3e2019f91b74d173c624a98837372c50",         # +16505550105
        sales_number="PN11a2b633fcb45fe3b7a485790d6b6177",       # +14155550107, in "Sales Proxy"
        conversations_flow="FWade1e6bb66794551a8bf756ff5bbcb5d",  # "Conversations Messaging Flow"
        # default.yml, second account: Flex Conversations + A2P
        conv_account="AC6dff814a746940d4b40bcf1273d0f6f6", conv_token="sim-auth-token-6dff814a746940d4b40bcf12",
        conv_service="IS5d5354d0c1004d609564d146fed4f0f9",       # its flex_service_instance_sid
        conv_flow="FW92c0301a6a474c9a9e14df236aa39858",
        conv_address="IG123ba2cce02d4378807895f9b0ef105e",       # sms +14155550301, studio
        conv_number="PN4c7d6ec3430f42728b7e9fcae6c6fe27",        # +14155550301
        a2p_number="PN4fbb4dc56aaf415da3d931928f489ca9",         # +14155550302, in the A2P service
        a2p_service="MG08d76d96d5e741b6aec02a305460670f",
        # multi_account.yml
        us_account="ACd174c9079b2cc562a8ec26a46c1b1f4f", us_token="sim-auth-token-d174c9079b2cc562a8ec26a4",
        au_account="AC1d70cf2e8c0a1758fa4c9145c32cea53", au_token="sim-auth-token-1d70cf2e8c0a1758fa4c9145",
        au_key="SKa3bb137eec684a6ebb76c6d392ccade2", au_secret="sim-api-secret-a3bb137eec684a6ebb76c6",
        noflex_account="AC43f37242a1fccc113e58fb0377c30bce", noflex_token="sim-auth-token-43f37242a1fccc113e58fb03",
    )


@pytest.fixture
def raw(sim):
    """``raw(method, url, **kw)``: a plain requests call through the simulator with the default account's auth."""
    import requests

    session = requests.Session()

    def call(method, url, auth=(ACCOUNT_SID, AUTH_TOKEN), **kwargs):
        kwargs.setdefault("timeout", 10)
        return session.request(method, url, auth=auth, **kwargs)

    yield call
    session.close()
