# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's endpoints, driven through the real twilio SDK (HTTPS proxy + TLS)."""

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException


def rest_error(call):
    with pytest.raises(TwilioRestException) as caught:
        call()
    return caught.value


# -- auth and routing ----------------------------------------------------------


def test_account_fetch_with_auth_token_and_api_key(client, make_client, ids):
    assert client.api.v2010.accounts(ids.account).fetch().friendly_name == "Flexops Demo Flex"
    keyed = make_client(ids.api_key, ids.api_secret, account_sid=ids.account)
    assert [n.sid for n in keyed.incoming_phone_numbers.list(phone_number="+14155550101")] == [ids.flex_number]


def test_wrong_token_is_401_20003(make_client, ids, sim):
    err = rest_error(lambda: make_client(ids.account, "wrong").api.v2010.accounts(ids.account).fetch())
    assert (err.status, err.code) == (401, 20003)
    err = rest_error(lambda: make_client(ids.api_key, "wrong", account_sid=ids.account).flex_api.v1.flex_flow(ids.sms_flex_flow).fetch())
    assert (err.status, err.code) == (401, 20003)
    assert sim.log()[-1]["account_sid"] is None


def test_list_with_wrong_token_raises_plain_twilio_exception(make_client, ids):
    with pytest.raises(TwilioException) as caught:
        make_client(ids.account, "wrong").flex_api.v1.flex_flow.list()
    assert "401" in str(caught.value) and "20003" in str(caught.value)


def test_other_accounts_path_is_403_20003(sim, make_client, ids):
    sim.reset(ids.multi_seed)
    us = make_client(ids.us_account, ids.us_token)
    err = rest_error(lambda: us.api.v2010.accounts(ids.noflex_account).incoming_phone_numbers("PNdaf686c9a04a4ec667ecd03e2415bfad").fetch())
    assert (err.status, err.code) == (403, 20003)


def test_region_routing(sim, make_client, ids):
    sim.reset(ids.multi_seed)
    au = make_client(ids.au_account, ids.au_token, region="au1", edge="sydney")
    assert au.flex_api.v1.flex_flow.list()[0].contact_identity == "+61255501234"
    assert sim.log()[-1]["host"] == "flex-api.sydney.au1.twilio.com"
    # API key of the au1 account works the same way
    keyed = make_client(ids.au_key, ids.au_secret, account_sid=ids.au_account, region="au1", edge="sydney")
    assert keyed.api.v2010.accounts(ids.au_account).fetch().sid == ids.au_account
    for kwargs in ({}, {"region": "au1"}, {"region": "ie1", "edge": "dublin"}):
        err = rest_error(lambda: make_client(ids.au_account, ids.au_token, **kwargs).flex_api.v1.configuration().fetch())
        assert (err.status, err.code) == (401, 20003), kwargs
    # us1 accounts: the default host, or an edge in us1
    us = make_client(ids.us_account, ids.us_token, region="us1", edge="umatilla")
    assert us.flex_api.v1.configuration().fetch().account_sid == ids.us_account
    err = rest_error(lambda: make_client(ids.us_account, ids.us_token, region="au1", edge="sydney").flex_api.v1.configuration().fetch())
    assert (err.status, err.code) == (401, 20003)


def test_unknown_resource_is_404_20404(client):
    err = rest_error(lambda: client.incoming_phone_numbers("PN" + "0" * 32).fetch())
    assert (err.status, err.code) == (404, 20404)
    err = rest_error(lambda: client.flex_api.v1.flex_flow("not-a-sid").fetch())
    assert (err.status, err.code) == (404, 20404)


def test_configuration_404_without_flex(sim, make_client, ids):
    sim.reset(ids.multi_seed)
    err = rest_error(lambda: make_client(ids.noflex_account, ids.noflex_token).flex_api.v1.configuration().fetch())
    assert (err.status, err.code) == (404, 20404)


def test_configuration(client, ids):
    config = client.flex_api.v1.configuration().fetch()
    assert config.chat_service_instance_sid == ids.chat_service
    assert config.taskrouter_workspace_sid == ids.workspace
    assert config.taskrouter_target_workflow_sid == ids.workflow
    assert config.messaging_service_instance_sid == ids.flex_messaging_service


# -- IncomingPhoneNumbers ------------------------------------------------------


def test_incoming_numbers_filters(client, ids):
    def numbers(**kwargs):
        return sorted(n.phone_number for n in client.incoming_phone_numbers.list(**kwargs))

    assert numbers(phone_number="+1 (415) 555-0101") == ["+14155550101"]
    assert numbers(phone_number="650555") == ["+16505550104", "+16505550105"]
    assert numbers(phone_number="41555501*1") == ["+14155550101"]
    assert numbers(phone_number="5550*0*") == sorted(["+14155550101", "+14155550102", "+14155550103", "+16505550104",
                                                      "+16505550105", "+12125550106", "+14155550107"])
    assert numbers(friendly_name="Voice Only") == ["+14155550103"]
    assert numbers(friendly_name="voice only") == []
    number = client.incoming_phone_numbers(ids.app_number).fetch()
    assert number.sms_application_sid == ids.app
    assert number.capabilities == {"voice": True, "sms": True, "mms": False, "fax": False}
    assert client.incoming_phone_numbers(ids.spare_number).fetch().sms_url == ""


def test_incoming_number_update(client, sim, ids):
    number = client.incoming_phone_numbers(ids.spare_number).update(sms_url="https://example.com/sms", sms_method="GET")
    assert (number.sms_url, number.sms_method) == ("https://example.com/sms", "GET")
    stored = [n for n in sim.state()[ids.account]["incoming_phone_numbers"] if n["sid"] == ids.spare_number][0]
    assert stored["sms_url"] == "https://example.com/sms"
    cleared = client.incoming_phone_numbers(ids.app_number).update(sms_application_sid="")
    assert cleared.sms_application_sid == ""
    err = rest_error(lambda: client.incoming_phone_numbers(ids.spare_number).update(sms_method="PUT"))
    assert (err.status, err.code) == (400, 20001)
    err = rest_error(lambda: client.incoming_phone_numbers(ids.spare_number).update(sms_application_sid="AP" + "1" * 32))
    assert (err.status, err.code) == (400, 21218)


def test_buy_and_release(client, sim, ids):
    err = rest_error(lambda: client.incoming_phone_numbers.create(phone_number="+14155559999"))
    assert (err.status, err.code) == (400, 21422)
    err = rest_error(lambda: client.incoming_phone_numbers.create(friendly_name="no number"))
    assert (err.status, err.code) == (400, 20001)
    bought = client.incoming_phone_numbers.create(phone_number="+14155550201", sms_url="https://example.com/in")
    assert bought.sid.startswith("PN") and len(bought.sid) == 34
    assert (bought.phone_number, bought.friendly_name, bought.sms_url) == ("+14155550201", "(415) 555-0201", "https://example.com/in")
    available = [n.phone_number for n in client.available_phone_numbers("US").local.list(area_code=415)]
    assert "+14155550201" not in available
    err = rest_error(lambda: client.incoming_phone_numbers.create(phone_number="+14155550201"))
    assert (err.status, err.code) == (400, 21422)
    # releasing drops the number from every pool and does not make it available again
    assert client.incoming_phone_numbers(ids.flex_number).delete() is True
    state = sim.state()[ids.account]
    flex_proxy = [s for s in state["proxy_services"] if s["sid"] == ids.flex_proxy][0]
    assert flex_proxy["phone_numbers"] == []
    assert all(n["phone_number"] != "+14155550101" for n in state["available_phone_numbers"])
    err = rest_error(lambda: client.incoming_phone_numbers(ids.flex_number).fetch())
    assert err.status == 404


def test_available_numbers(client):
    local = client.available_phone_numbers("US").local
    assert [n.phone_number for n in local.list(area_code=415, sms_enabled=True)] == ["+14155550201", "+14155550202", "+14155550204"]
    assert [n.phone_number for n in local.list(area_code=415, sms_enabled=False)] == ["+14155550203", "+14155550205"]
    assert [n.phone_number for n in local.list(contains="555022*")] == ["+12125550220", "+12125550221"]
    assert len(local.list(page_size=2)) == 2
    first = local.list(in_region="NY")[0]
    assert (first.locality, first.region, first.iso_country) == ("New York", "NY", "US")
    assert first.capabilities == {"voice": True, "sms": True, "mms": True}
    assert [n.phone_number for n in client.available_phone_numbers("US").toll_free.list()] == ["+18885550230"]
    assert [n.phone_number for n in client.available_phone_numbers("US").mobile.list()] == ["+14155550240"]
    assert client.available_phone_numbers("GB").local.list() == []


def test_applications(client, ids):
    apps = client.applications.list(friendly_name="Legacy SMS TwiML App")
    assert [a.sid for a in apps] == [ids.app]
    assert client.applications.list(friendly_name="nope") == []


# -- Flex Flows ------------------------------------------------------------------


def _create_flow(client, ids, **kwargs):
    args = dict(friendly_name="Flex SMS +14155550102", chat_service_sid=ids.chat_service, channel_type="sms",
                contact_identity="+14155550102", integration_type="studio", integration_flow_sid=ids.messaging_flow)
    args.update(kwargs)
    return client.flex_api.v1.flex_flow.create(**args)


def test_flex_flow_create_defaults_and_integration(client, sim, ids):
    flow = _create_flow(client, ids)
    assert flow.sid.startswith("FO")
    assert (flow.enabled, flow.long_lived, flow.janitor_enabled) == (False, False, False)
    assert flow.integration == {"flow_sid": ids.messaging_flow, "retry_count": 3}
    assert flow.url == "https://flex-api.twilio.com/v1/FlexFlows/" + flow.sid
    entry = sim.log()[-1]
    assert entry["form"]["Integration.FlowSid"] == ids.messaging_flow and entry["write"] and entry["status"] == 201
    task = _create_flow(client, ids, friendly_name="task", contact_identity="+14155550103", integration_type="task",
                        integration_flow_sid=None, integration_workspace_sid=ids.workspace,
                        integration_workflow_sid=ids.workflow, integration_channel="sms", integration_priority=5)
    assert task.integration == {"workspace_sid": ids.workspace, "workflow_sid": ids.workflow, "channel": "sms",
                                "timeout": 86400, "priority": 5}


def test_flex_flow_validation(client, ids):
    err = rest_error(lambda: client.flex_api.v1.flex_flow.create(friendly_name="x", chat_service_sid=ids.chat_service, channel_type="pigeon"))
    assert (err.status, err.code) == (400, 20001)
    err = rest_error(lambda: client.flex_api.v1.flex_flow.create(friendly_name="x", chat_service_sid="IS123", channel_type="sms"))
    assert (err.status, err.code) == (400, 20001)
    err = rest_error(lambda: _create_flow(client, ids, integration_flow_sid=None))
    assert (err.status, err.code) == (400, 20001) and "Integration.FlowSid" in err.msg
    err = rest_error(lambda: _create_flow(client, ids, integration_retry_count=4))
    assert (err.status, err.code) == (400, 20001)
    with pytest.raises(TwilioException):
        client.flex_api.v1.flex_flow.list(page_size=1001)


def test_flex_flow_collision(client, ids):
    err = rest_error(lambda: _create_flow(client, ids, contact_identity="+14155550101", enabled=True))
    assert (err.status, err.code) == (400, 45210)
    assert ids.sms_flex_flow in err.msg and "collided with existing Flows" in err.msg
    disabled = _create_flow(client, ids, contact_identity="+14155550101", enabled=False)
    err = rest_error(lambda: client.flex_api.v1.flex_flow(disabled.sid).update(enabled=True))
    assert (err.status, err.code) == (400, 45212) and ids.sms_flex_flow in err.msg
    # another channel type with the same identity does not collide
    assert _create_flow(client, ids, channel_type="whatsapp", contact_identity="+14155550101", enabled=True).enabled
    # once the old flow is disabled, the new one can be enabled
    client.flex_api.v1.flex_flow(ids.sms_flex_flow).update(enabled=False)
    assert client.flex_api.v1.flex_flow(disabled.sid).update(enabled=True).enabled is True


def test_flex_flow_update_fetch_delete(client, sim, ids):
    flow = client.flex_api.v1.flex_flow(ids.sms_flex_flow)
    updated = flow.update(integration_retry_count=1, long_lived=True)
    assert updated.integration == {"flow_sid": ids.messaging_flow, "retry_count": 1}
    assert updated.long_lived is True and updated.friendly_name == "Flex SMS +14155550101"
    switched = flow.update(integration_type="external", integration_url="https://example.com/hook")
    assert switched.integration == {"url": "https://example.com/hook", "retry_count": 3}
    err = rest_error(lambda: flow.update(integration_type="task"))
    assert (err.status, err.code) == (400, 20001)
    assert flow.fetch().integration_type == "external"
    assert flow.delete() is True
    assert sim.log()[-1]["status"] == 204
    assert rest_error(flow.fetch).status == 404
    assert [f.sid for f in client.flex_api.v1.flex_flow.list()] == [ids.web_flex_flow]


def test_flex_flow_friendly_name_filter(client, ids):
    assert [f.sid for f in client.flex_api.v1.flex_flow.list(friendly_name="Flex Web Channel")] == [ids.web_flex_flow]


# -- Proxy ---------------------------------------------------------------------


def test_proxy_services_and_numbers(client, ids):
    services = {s.unique_name: s.sid for s in client.proxy.v1.services.list()}
    assert services == {"Flex Proxy Service": ids.flex_proxy, "Sales Proxy": ids.sales_proxy}
    pool = client.proxy.v1.services(ids.flex_proxy).phone_numbers
    assert [p.sid for p in pool.list()] == [ids.flex_number]
    member = pool(ids.flex_number).fetch()
    assert (member.phone_number, member.is_reserved, member.capabilities["sms"]) == ("+14155550101", False, True)
    added = pool.create(phone_number="+14155550102", is_reserved=True)
    assert (added.sid, added.is_reserved, added.service_sid) == (ids.spare_number, True, ids.flex_proxy)
    assert pool(ids.spare_number).update(is_reserved=False).is_reserved is False
    assert pool(ids.spare_number).delete() is True
    assert rest_error(pool(ids.spare_number).fetch).code == 20404


def test_proxy_conflicts(client, ids):
    pool = client.proxy.v1.services(ids.flex_proxy).phone_numbers
    err = rest_error(lambda: pool.create(sid=ids.sales_number))
    assert (err.status, err.code) == (400, 80601) and ids.sales_proxy in err.msg
    err = rest_error(lambda: pool.create(sid=ids.flex_number))
    assert (err.status, err.code) == (400, 80104)
    err = rest_error(lambda: pool.create(sid=ids.messaging_number))
    assert (err.status, err.code) == (400, 80601) and ids.messaging_service in err.msg and "Messaging Service" in err.msg
    err = rest_error(lambda: pool.create(sid="PN" + "f" * 32))
    assert (err.status, err.code) == (404, 20404)
    err = rest_error(lambda: pool.create(is_reserved=True))
    assert (err.status, err.code) == (400, 20001)
    err = rest_error(lambda: client.proxy.v1.services("KS" + "0" * 32).phone_numbers.create(sid=ids.spare_number))
    assert (err.status, err.code) == (404, 20404)


# -- Studio and Messaging --------------------------------------------------------


def test_studio_flows(client, ids):
    flows = client.studio.v2.flows.list()
    assert [f.friendly_name for f in flows] == ["Messaging Flow", "Webchat Flow", "Voice IVR", "Broken Flow",
                                                "Conversations Messaging Flow"]
    assert all(f.definition is None for f in flows)
    flow = client.studio.v2.flows(ids.messaging_flow).fetch()
    assert flow.webhook_url == "https://webhooks.twilio.com/v1/Accounts/%s/Flows/%s" % (ids.account, ids.messaging_flow)
    widget = [s for s in flow.definition["states"] if s["type"] == "send-to-flex"][0]
    assert widget["properties"]["workflow"] == ids.workflow
    trigger = [s for s in flow.definition["states"] if s["name"] == flow.definition["initial_state"]][0]
    assert {"event": "incomingMessage", "next": widget["name"]} in trigger["transitions"]
    # the Flex Conversations flow: only incomingConversationMessage leads to Send to Flex
    conversations = client.studio.v2.flows(ids.conversations_flow).fetch().definition
    trigger = [s for s in conversations["states"] if s["name"] == conversations["initial_state"]][0]
    nexts = dict((t["event"], t.get("next")) for t in trigger["transitions"])
    assert nexts["incomingMessage"] is None
    assert [s["type"] for s in conversations["states"] if s["name"] == nexts["incomingConversationMessage"]] == ["send-to-flex"]


def test_messaging_services(client, ids):
    assert {s.sid for s in client.messaging.v1.services.list()} == {ids.messaging_service, ids.flex_messaging_service}
    assert client.messaging.v1.services(ids.messaging_service).fetch().friendly_name == "Messaging Service"
    numbers = client.messaging.v1.services(ids.messaging_service).phone_numbers.list()
    assert [(n.sid, n.phone_number, n.capabilities) for n in numbers] == [(ids.messaging_number, "+16505550104", ["SMS", "MMS"])]
    assert client.messaging.v1.services(ids.flex_messaging_service).phone_numbers.list() == []
    member = client.messaging.v1.services(ids.messaging_service).phone_numbers(ids.messaging_number)
    assert member.fetch().phone_number == "+16505550104"
    assert member.delete() is True
    assert rest_error(member.fetch).code == 20404
    # out of the Messaging Service, the number can join the Flex Proxy Service
    assert client.proxy.v1.services(ids.flex_proxy).phone_numbers.create(sid=ids.messaging_number).sid == ids.messaging_number


# -- formats ---------------------------------------------------------------------


def test_date_formats(raw, ids):
    account = raw("GET", "https://api.twilio.com/2010-04-01/Accounts/%s.json" % ids.account).json()
    assert account["date_created"] == "Tue, 02 Jan 2024 03:04:06 +0000"
    flow = raw("GET", "https://flex-api.twilio.com/v1/FlexFlows/%s" % ids.sms_flex_flow).json()
    assert flow["date_created"].endswith("Z") and flow["date_created"].startswith("2024-01-02T03:04:")


def test_error_body_shape(raw):
    body = raw("GET", "https://flex-api.twilio.com/v1/FlexFlows/FO" + "0" * 32).json()
    assert set(body) == {"code", "message", "more_info", "status"}
    assert (body["code"], body["status"], body["more_info"]) == (20404, 404, "https://www.twilio.com/docs/errors/20404")


def test_messaging_service_fields_and_update(client, make_client, sim, ids):
    service = client.messaging.v1.services(ids.messaging_service)
    before = service.fetch()
    assert (before.use_inbound_webhook_on_number, before.us_app_to_person_registered) == (False, False)
    updated = service.update(use_inbound_webhook_on_number=True, inbound_request_url="https://example.com/new",
                             friendly_name="Renamed Service")
    assert (updated.use_inbound_webhook_on_number, updated.inbound_request_url, updated.friendly_name) == (
        True, "https://example.com/new", "Renamed Service")
    assert updated.sticky_sender is True  # left out: keeps its value
    stored = [m for m in sim.state()[ids.account]["messaging_services"] if m["sid"] == ids.messaging_service][0]
    assert stored["use_inbound_webhook_on_number"] is True and stored["inbound_request_url"] == "https://example.com/new"
    assert sim.log()[-1]["form"] == {"UseInboundWebhookOnNumber": "true", "InboundRequestUrl": "https://example.com/new",
                                     "FriendlyName": "Renamed Service"}
    err = rest_error(lambda: service.update(inbound_method="PUT"))
    assert (err.status, err.code) == (400, 20001)
    err = rest_error(lambda: client.messaging.v1.services("MG" + "0" * 32).update(friendly_name="x"))
    assert (err.status, err.code) == (404, 20404)
    # the A2P service of the second account
    a2p = make_client(ids.conv_account, ids.conv_token).messaging.v1.services(ids.a2p_service).fetch()
    assert (a2p.us_app_to_person_registered, a2p.use_inbound_webhook_on_number) == (True, False)


def test_pooled_number_joins_and_leaves_a_messaging_service(client, sim, ids):
    numbers = client.messaging.v1.services(ids.messaging_service).phone_numbers
    joined = numbers.create(phone_number_sid=ids.flex_number)  # in the Flex Proxy Service pool
    assert (joined.sid, joined.service_sid, joined.phone_number) == (ids.flex_number, ids.messaging_service, "+14155550101")
    assert sim.log()[-1]["status"] == 201
    assert sorted(n.sid for n in numbers.list()) == sorted([ids.messaging_number, ids.flex_number])
    state = sim.state()[ids.account]
    assert ids.flex_number in [m["sid"] for s in state["proxy_services"] if s["sid"] == ids.flex_proxy for m in s["phone_numbers"]]
    # in both now: the Proxy pool still refuses it again (80104), as before
    assert rest_error(lambda: client.proxy.v1.services(ids.flex_proxy).phone_numbers.create(sid=ids.flex_number)).code == 80104
    err = rest_error(lambda: numbers.create(phone_number_sid=ids.flex_number))
    assert (err.status, err.code) == (409, 21710)
    err = rest_error(lambda: client.messaging.v1.services(ids.flex_messaging_service).phone_numbers.create(phone_number_sid=ids.flex_number))
    assert (err.status, err.code) == (409, 21712) and ids.messaging_service in err.msg
    err = rest_error(lambda: numbers.create(phone_number_sid="PN" + "f" * 32))
    assert (err.status, err.code) == (404, 20404)
    err = rest_error(lambda: numbers.create(phone_number_sid="nope"))
    assert (err.status, err.code) == (400, 20001)
    assert numbers(ids.flex_number).delete() is True
    assert [n.sid for n in numbers.list()] == [ids.messaging_number]
    # leaving the Messaging Service leaves the Proxy pool alone
    assert client.proxy.v1.services(ids.flex_proxy).phone_numbers(ids.flex_number).fetch().sid == ids.flex_number
    # a number a Messaging Service holds still cannot join a Proxy service
    numbers.create(phone_number_sid=ids.spare_number)
    err = rest_error(lambda: client.proxy.v1.services(ids.flex_proxy).phone_numbers.create(sid=ids.spare_number))
    assert (err.status, err.code) == (400, 80601)


# -- Conversations Configuration Addresses --------------------------------------


@pytest.fixture
def conv(make_client, ids):
    """The Conversations address configurations of the default seed's second account."""
    return make_client(ids.conv_account, ids.conv_token).conversations.v1.address_configurations


def test_conversations_address_list_fetch(conv, sim, ids):
    [seeded] = conv.list()
    assert (seeded.sid, seeded.type, seeded.address, seeded.friendly_name) == (
        ids.conv_address, "sms", "+14155550301", "Conversations SMS +14155550301")
    assert seeded.auto_creation == {"enabled": True, "type": "studio", "conversation_service_sid": ids.conv_service,
                                    "studio_flow_sid": ids.conv_flow, "studio_retry_count": 3}
    assert seeded.url == "https://conversations.twilio.com/v1/Configuration/Addresses/" + ids.conv_address
    assert conv.list(type="whatsapp") == []
    assert [a.sid for a in conv.list(type="sms", page_size=50)] == [ids.conv_address]
    # by IG sid or by the address itself (the SDK puts the + in the path; encoded works too)
    assert conv(ids.conv_address).fetch().address == "+14155550301"
    assert conv("+14155550301").fetch().sid == ids.conv_address
    assert conv("%2B14155550301").fetch().sid == ids.conv_address
    assert rest_error(conv("+14155550302").fetch).status == 404
    assert rest_error(conv("IG" + "0" * 32).fetch).code == 20404


def test_conversations_address_page_size_at_most_50(conv, raw, ids):
    with pytest.raises(TwilioException):
        conv.list(page_size=51)
    body = raw("GET", "https://conversations.twilio.com/v1/Configuration/Addresses", params={"PageSize": 51},
               auth=(ids.conv_account, ids.conv_token))
    assert (body.status_code, body.json()["code"]) == (400, 20001)
    for i in range(60):
        conv.create(type="sms", address="+1415555%04d" % (6000 + i), auto_creation_enabled=False)
    default = raw("GET", "https://conversations.twilio.com/v1/Configuration/Addresses",
                  auth=(ids.conv_account, ids.conv_token)).json()
    assert default["meta"]["page_size"] == 50 and len(default["address_configurations"]) == 50
    assert default["meta"]["key"] == "address_configurations" and default["meta"]["next_page_url"]
    assert len(conv.list(page_size=50)) == 61


def test_conversations_address_create_and_rules(conv, sim, ids):
    created = conv.create(type="sms", address="+14155550302", friendly_name="A2P on Conversations",
                          auto_creation_enabled=True, auto_creation_type="webhook",
                          auto_creation_conversation_service_sid=ids.conv_service,
                          auto_creation_webhook_url="https://example.com/conv", auto_creation_webhook_method="post",
                          auto_creation_webhook_filters=["onMessageAdded", "onParticipantAdded"], address_country="US")
    assert created.sid.startswith("IG") and len(created.sid) == 34
    assert created.auto_creation == {"enabled": True, "type": "webhook", "conversation_service_sid": ids.conv_service,
                                     "webhook_url": "https://example.com/conv", "webhook_method": "POST",
                                     "webhook_filters": ["onMessageAdded", "onParticipantAdded"]}
    assert created.address_country == "US"
    entry = sim.log()[-1]
    assert entry["status"] == 201 and entry["form"]["AutoCreation.WebhookFilters"] == ["onMessageAdded", "onParticipantAdded"]
    # one address per (type, address): assumed 409/50416, naming the existing one
    err = rest_error(lambda: conv.create(type="sms", address="+14155550302", auto_creation_enabled=False))
    assert (err.status, err.code) == (409, 50416) and created.sid in err.msg
    # the same address on another type is another address configuration
    assert conv.create(type="whatsapp", address="+14155550302", auto_creation_enabled=False).type == "whatsapp"
    # documented validation errors
    err = rest_error(lambda: conv.create(type="sms", address="+14155550303"))
    assert (err.status, err.code) == (400, 45761)
    err = rest_error(lambda: conv.create(type="sms", address="+14155550303", auto_creation_enabled=True))
    assert (err.status, err.code) == (400, 45762)
    err = rest_error(lambda: conv.create(type="sms", address="+14155550303", auto_creation_enabled=True, auto_creation_type="flex"))
    assert (err.status, err.code) == (400, 45762)
    err = rest_error(lambda: conv.create(type="sms", address="+14155550303", auto_creation_enabled=True, auto_creation_type="studio"))
    assert (err.status, err.code) == (400, 45763)
    err = rest_error(lambda: conv.create(type="sms", address="+14155550303", auto_creation_enabled=True, auto_creation_type="webhook"))
    assert (err.status, err.code) == (400, 45764)
    for kwargs in ({"type": "pigeon", "address": "+14155550303"}, {"type": "sms", "address": "4155550303"},
                   {"type": "sms", "address": "+14155550303", "auto_creation_studio_flow_sid": "FW1"}):
        err = rest_error(lambda: conv.create(auto_creation_enabled=False, **kwargs))
        assert (err.status, err.code) == (400, 20001), kwargs
    default = conv.create(type="sms", address="+14155550303", auto_creation_enabled=True, auto_creation_type="default")
    assert default.auto_creation == {"enabled": True, "type": "default"}
    assert len(sim.state()[ids.conv_account]["conversations_addresses"]) == 4


def test_conversations_address_update_delete(conv, sim, ids):
    address = conv("+14155550301")
    renamed = address.update(friendly_name="renamed", auto_creation_studio_retry_count=1)
    assert renamed.friendly_name == "renamed"
    assert renamed.auto_creation == {"enabled": True, "type": "studio", "conversation_service_sid": ids.conv_service,
                                     "studio_flow_sid": ids.conv_flow, "studio_retry_count": 1}
    # another auto-creation type: the old type's keys go, enabled and the service stay
    switched = address.update(auto_creation_type="webhook", auto_creation_webhook_url="https://example.com/w")
    assert switched.auto_creation == {"enabled": True, "type": "webhook", "conversation_service_sid": ids.conv_service,
                                      "webhook_url": "https://example.com/w", "webhook_method": "POST", "webhook_filters": []}
    err = rest_error(lambda: address.update(auto_creation_type="studio"))
    assert (err.status, err.code) == (400, 45763)
    assert address.update(auto_creation_enabled=False).auto_creation["enabled"] is False
    # Type, Address and AddressCountry are not update parameters: the SDK has no such arguments
    with pytest.raises(TypeError):
        address.update(address="+14155550399")
    assert address.fetch().address == "+14155550301"
    stored = sim.state()[ids.conv_account]["conversations_addresses"][0]
    assert stored["friendly_name"] == "renamed" and stored["auto_creation"]["type"] == "webhook"
    assert conv(ids.conv_address).delete() is True
    assert sim.log()[-1]["status"] == 204
    assert conv.list() == []
    assert rest_error(address.fetch).status == 404
    assert rest_error(address.delete).status == 404
