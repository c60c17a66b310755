# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Paging: API 2010 ``next_page_uri`` and v1 ``meta.next_page_url``, through the SDK."""

import pytest
import yaml
from twilio.base.exceptions import TwilioException

COUNT = 1205


@pytest.fixture
def big_sim(sim, ids):
    """The default account with COUNT incoming numbers and COUNT sms Flex Flows."""
    with open(ids.default_seed) as handle:
        seed = yaml.safe_load(handle)
    account = seed["accounts"][0]
    account["incoming_phone_numbers"] = [
        {"sid": "PN%032x" % i, "phone_number": "+1415%07d" % i, "friendly_name": "n%d" % i} for i in range(COUNT)
    ]
    account["messaging_services"] = []
    account["proxy_services"] = []
    account["flex_flows"] = [
        {"sid": "FO%032x" % i, "friendly_name": "flow %d" % i, "chat_service_sid": ids.chat_service,
         "channel_type": "sms", "contact_identity": "+1415%07d" % i, "enabled": True}
        for i in range(COUNT)
    ]
    sim.reset(seed)
    return sim


def test_incoming_numbers_default_page_size(big_sim, client):
    numbers = client.incoming_phone_numbers.list()
    assert [n.sid for n in numbers] == ["PN%032x" % i for i in range(COUNT)]
    gets = [e for e in big_sim.log() if e["path"].endswith("/IncomingPhoneNumbers.json")]
    assert len(gets) == 25  # 24 full pages of 50 and one of 5
    assert gets[1]["query"]["Page"] == "1" and gets[1]["query"]["PageToken"] == "PT50"


def test_incoming_numbers_pages_of_1000(big_sim, client):
    numbers = client.incoming_phone_numbers.list(page_size=1000)
    assert len({n.sid for n in numbers}) == COUNT
    assert len([e for e in big_sim.log() if e["path"].endswith("/IncomingPhoneNumbers.json")]) == 2


def test_incoming_numbers_page_body(big_sim, raw, ids):
    url = "https://api.twilio.com/2010-04-01/Accounts/%s/IncomingPhoneNumbers.json" % ids.account
    body = raw("GET", url, params={"PageSize": 1000, "FriendlyName": "n7"}).json()
    assert [n["friendly_name"] for n in body["incoming_phone_numbers"]] == ["n7"]
    assert body["next_page_uri"] is None
    body = raw("GET", url, params={"PageSize": 1000}).json()
    assert (body["page"], body["page_size"], body["start"], body["end"]) == (0, 1000, 0, 999)
    assert body["next_page_uri"] == "/2010-04-01/Accounts/%s/IncomingPhoneNumbers.json?PageSize=1000&Page=1&PageToken=PT1000" % ids.account
    last = raw("GET", "https://api.twilio.com" + body["next_page_uri"]).json()
    assert (last["page"], last["start"], last["end"], len(last["incoming_phone_numbers"])) == (1, 1000, 1204, 205)
    assert last["next_page_uri"] is None and last["previous_page_uri"].endswith("Page=0")


def test_flex_flows_paging(big_sim, client, raw):
    assert len({f.sid for f in client.flex_api.v1.flex_flow.list()}) == COUNT
    assert len({f.sid for f in client.flex_api.v1.flex_flow.list(page_size=1000)}) == COUNT
    meta = raw("GET", "https://flex-api.twilio.com/v1/FlexFlows", params={"PageSize": 50}).json()["meta"]
    assert meta["key"] == "flex_flows"
    assert meta["next_page_url"] == "https://flex-api.twilio.com/v1/FlexFlows?PageSize=50&Page=1&PageToken=PT50"
    assert meta["previous_page_url"] is None
    assert meta["first_page_url"] == "https://flex-api.twilio.com/v1/FlexFlows?PageSize=50&Page=0"
    filtered = raw("GET", "https://flex-api.twilio.com/v1/FlexFlows", params={"FriendlyName": "flow 3"}).json()
    assert [f["sid"] for f in filtered["flex_flows"]] == ["FO%032x" % 3]


def test_page_size_limits(big_sim, client, raw):
    with pytest.raises(TwilioException):
        client.flex_api.v1.flex_flow.list(page_size=1001)
    for size in (0, 1001, "x"):
        response = raw("GET", "https://flex-api.twilio.com/v1/FlexFlows", params={"PageSize": size})
        assert response.status_code == 400 and response.json()["code"] == 20001
    assert len(client.flex_api.v1.flex_flow.list(limit=3)) == 3
