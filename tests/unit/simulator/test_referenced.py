# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fetch-only resources: Chat v2 and Conversations v1 services, TaskRouter workspaces, workflows and
task channels; and that every one a seed or an integration target names exists in the seed it runs with
(modules fetch them before they write them, issue 12)."""

import glob
import os
import re

import pytest
import yaml
from twilio.base.exceptions import TwilioRestException

from twiliosim.store import DEFAULT_TASK_CHANNELS, SeedLoader

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
TARGETS = os.path.join(REPO, "tests", "integration", "targets")
DEFAULT_SEED = os.path.join(REPO, "tests", "simulator", "seeds", "default.yml")
SID_RE = re.compile(r"\b(IS|WS|WW)[0-9a-f]{32}\b")

# SIDs a target names on purpose although its seed does not have them (it tests their refusal, or fails
# before they are looked at).
MEANT_MISSING = {
    "flex_sms_address_precheck": None,  # every SID there that is not in the seed is meant to be missing
    "flex_sms_address_no_defaults": {"WW0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e01"},  # refused for its missing workspace
    # Workflows in the Send to Flex widgets of Studio flow definitions: never fetched.
    "studio_flow_info": {"WW00000000000000000000000000000003", "WW00000000000000000000000000000004",
                         "WW00000000000000000000000000000005", "WWf9781315836fcf2fb01cf117139a9217"},
}


def load(path):
    with open(path) as handle:
        return SeedLoader(yaml.safe_load(handle)).accounts()


def known(accounts):
    out = set()
    for account in accounts.values():
        out |= set(account.chat_services) | set(account.conversation_services) | set(account.workspaces)
        for workspace in account.workspaces.values():
            out |= set(workspace["workflows"])
    return out


def rest_error(call):
    with pytest.raises(TwilioRestException) as caught:
        call()
    return caught.value


def test_fetch_services_workspace_workflow_and_task_channel(client, ids):
    assert client.chat.v2.services(ids.chat_service).fetch().sid == ids.chat_service
    workspace = client.taskrouter.v1.workspaces(ids.workspace)
    assert workspace.fetch().friendly_name == "Flex Task Assignment"
    assert workspace.workflows(ids.workflow).fetch().workspace_sid == ids.workspace
    by_name = workspace.task_channels("sms").fetch()
    assert by_name.unique_name == "sms" and by_name.sid.startswith("TC")
    assert workspace.task_channels(by_name.sid).fetch().unique_name == "sms"


def test_conversation_service_of_the_second_account(make_client):
    other = make_client("AC6dff814a746940d4b40bcf1273d0f6f6", "sim-auth-token-6dff814a746940d4b40bcf12")
    assert other.conversations.v1.services("IS5d5354d0c1004d609564d146fed4f0f9").fetch().friendly_name == \
        "Flex Conversation Service"


@pytest.mark.parametrize("call", [
    lambda c, i: c.chat.v2.services("IS" + "0" * 32).fetch(),
    lambda c, i: c.conversations.v1.services("IS" + "0" * 32).fetch(),
    lambda c, i: c.taskrouter.v1.workspaces("WS" + "0" * 32).fetch(),
    lambda c, i: c.taskrouter.v1.workspaces(i.workspace).workflows("WW" + "0" * 32).fetch(),
    lambda c, i: c.taskrouter.v1.workspaces("WS" + "0" * 32).workflows(i.workflow).fetch(),
    lambda c, i: c.taskrouter.v1.workspaces(i.workspace).task_channels("pigeon").fetch(),
    lambda c, i: c.taskrouter.v1.workspaces(i.workspace).task_channels("TC" + "0" * 32).fetch(),
], ids=["chat", "conversations", "workspace", "workflow", "workflow of a missing workspace", "channel name",
        "channel sid"])
def test_missing_is_404_20404(client, ids, call):
    err = rest_error(lambda: call(client, ids))
    assert (err.status, err.code) == (404, 20404)


def test_seeded_lists_and_default_channels():
    seed = {"accounts": [{
        "sid": "AC" + "1" * 32, "auth_token": "t",
        "chat_services": [{"sid": "IS" + "1" * 32, "friendly_name": "Chat"}],
        "conversation_services": [{"sid": "IS" + "2" * 32}],
        "taskrouter_workspaces": [{"sid": "WS" + "1" * 32, "workflows": [{"sid": "WW" + "1" * 32}],
                                   "task_channels": [{"unique_name": "fax"}]}],
    }]}
    account = list(SeedLoader(seed).accounts().values())[0]
    assert list(account.chat_services) == ["IS" + "1" * 32]
    assert list(account.conversation_services) == ["IS" + "2" * 32]
    workspace = account.workspaces["WS" + "1" * 32]
    assert list(workspace["workflows"]) == ["WW" + "1" * 32]
    names = [c["unique_name"] for c in workspace["task_channels"].values()]
    assert names == list(DEFAULT_TASK_CHANNELS) + ["fax"]


@pytest.mark.parametrize("target", sorted(t for t in os.listdir(TARGETS) if os.path.isdir(os.path.join(TARGETS, t))))
def test_every_sid_a_target_names_is_in_its_seed(target):
    """Chat and Conversations services, workspaces and workflows named in a target's playbooks exist in the
    seed(s) it runs with (its seed.yml, or the default seed; seed_*.yml files it loads itself count too)."""
    directory = os.path.join(TARGETS, target)
    seeds = sorted(glob.glob(os.path.join(directory, "seed*.yml"))) or [DEFAULT_SEED]
    named = set()
    for path in glob.glob(os.path.join(directory, "**", "*.yml"), recursive=True):
        if os.path.basename(path).startswith("seed"):
            continue
        with open(path) as handle:
            named |= set(m.group(0) for m in SID_RE.finditer(handle.read()))
    available = set()
    for seed in seeds:
        available |= known(load(seed))
    allowed = MEANT_MISSING.get(target, set())
    missing = named - available - (named if allowed is None else allowed)
    assert not missing, "%s names %s, which its seed does not have" % (target, sorted(missing))


def _is_seed(path):
    with open(path) as handle:
        data = yaml.safe_load(handle)
    return isinstance(data, dict) and "accounts" in data


SEEDS = sorted(p for p in glob.glob(os.path.join(REPO, "tests", "simulator", "seeds", "*.yml"))
               + glob.glob(os.path.join(TARGETS, "*", "seed*.yml"))
               + glob.glob(os.path.join(REPO, "tests", "integration", "*", "*.yml")) if _is_seed(p))


def test_the_seeds_are_found():
    assert os.path.join(REPO, "tests", "simulator", "seeds", "default.yml") in SEEDS and len(SEEDS) > 10


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: os.path.relpath(p, REPO))
def test_what_a_seed_names_exists(seed):
    """A seed's Flex Configuration, Flex Flows and Conversations addresses name services and TaskRouter
    resources that exist (made from the references when the seed does not list them)."""
    with open(seed) as handle:
        data = yaml.safe_load(handle)
    accounts = SeedLoader(data).accounts()
    for account in accounts.values():
        config = account.flex_configuration or {}
        for key, coll in (("chat_service_instance_sid", account.chat_services),
                          ("flex_service_instance_sid", account.conversation_services),
                          ("taskrouter_workspace_sid", account.workspaces)):
            assert config.get(key) is None or config[key] in coll
        for flow in account.flex_flows.values():
            assert flow["chat_service_sid"] in account.chat_services
            workspace = flow["integration"].get("workspace_sid")
            if workspace:
                assert workspace in account.workspaces
