# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""examples/rollout.yml as an AWX job: ansible_runner.run() against the Twilio simulator.

AWX / Automation Controller runs a job template through ansible-runner in a
private data directory: the project under project/, the inventory under
inventory/, the job's environment (with what the attached credentials inject),
and the vault password answered at the --ask-vault-pass prompt. This test
builds the same: three accounts of the simulator seed
tests/integration/targets/role_multi_account/seed.yml (the accounts of
examples/inventory/multi_account.yml) as inventory hosts, plus localhost as in
AWX's Demo Inventory:

* acme_us has no credentials in the inventory: they come from a credential of
  the collection's AWX credential type (extensions/awx/twilio_credential_type.yml),
  rendered the way AWX renders its injectors (tests/unit/awx_credential.py);
* acme_au (region au1 through the Sydney edge) and globex carry vault-encrypted
  auth tokens as host variables, decrypted with the job's vault password:
  acme_au's in vault_flex_sms_setup_auth_token, which flex_sms_setup_auth_token
  references (as examples/inventory/multi_account.yml does), globex's inline in
  flex_sms_setup_auth_token itself on ansible-core 2.19 and later, referenced
  too before 2.19 (whose role argument validation fails on a vaulted value of a
  no_log option, ansible/ansible#79624: docs/troubleshooting.md).

`make compat` runs this module on ansible-core 2.16 to 2.19: the job's
ansible-playbook is the one next to the Python running the tests (first on
the job's PATH), so the job runs on the same ansible-core as the test.

It asserts the job's status and per-host results (from the runner's events and
stats) and the simulator's state, that a second job changes nothing (changed=0,
no write request), and that no secret of the seed (auth tokens, API key
secrets) nor the vault password is in what ansible-runner writes: the job
events, stdout, and every file under the private data directory except the
inputs this test wrote (env/, inventory/, project/, the collection link). A
canary job that prints a token proves the scan finds one. The scan is
tests/integration/reliability/play.py's, the one of the `secrets` target.

`make units PYTEST_ARGS="-m ansible_runner"` runs only this module (about 15 s).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import sys

import pytest
import yaml

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_CORE_VERSION
from ansible.parsing.vault import VaultLib, VaultSecret

from ansible_collections.flexops.twilio.tests.unit.awx_credential import ROOT, load_credential_type, render_like_awx

ansible_runner = pytest.importorskip("ansible_runner")

sys.path.insert(0, os.path.join(ROOT, "tests", "integration", "reliability"))
import play as secret_scan  # noqa: E402  pylint: disable=wrong-import-position

pytestmark = pytest.mark.ansible_runner

SEED = os.path.join(ROOT, "tests", "integration", "targets", "role_multi_account", "seed.yml")
DEFAULT_SEED = os.path.join(ROOT, "tests", "simulator", "seeds", "default.yml")  # the `simulator` fixture's
EXAMPLES = os.path.join(ROOT, "examples")
CANARY = os.path.join(ROOT, "tests", "integration", "targets", "secrets", "canary.yml")
with open(os.path.join(EXAMPLES, "inventory", "vault-password.example")) as _handle:
    VAULT_PASSWORD = _handle.read().strip()

ACCOUNTS = {
    "acme_us": dict(sid="ACc9d220164b9c09d7d4b90ccc04c9d245", proxy="KSbe78a28739b3c5baef931d8078b91b20",
                    numbers=["+14155550401", "+14155550402"]),
    "acme_au": dict(sid="AC6cc2040e5bc4929cfa4f4b780429b020", proxy="KS3aea5bd9d6a85679e54f37330afad4f0",
                    numbers=["+61255500401", "+61255500402"], region="au1", edge="sydney"),
    "globex": dict(sid="AC15d9c1058f37ce7da7b54d932c21c966", proxy="KSa306e1d6feade10b272438fb36c56da1",
                   numbers=["+12125550401", "+12125550402"]),
}
CREDENTIAL_ACCOUNT = "acme_us"  # the account of the job's Twilio credential
# The account whose token is vaulted inline in the role variable itself (ansible-core 2.19+; see above).
INLINE_VAULT_ACCOUNT = "globex" if tuple(int(p) for p in ANSIBLE_CORE_VERSION.split(".")[:2]) >= (2, 19) else None

# Variables of the test process that would send the job around the simulator, make it trust
# another CA, or give it other credentials or collections (ansible-runner starts from os.environ).
SCRUBBED_ENV = (
    "NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy",
    "CURL_CA_BUNDLE", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE",
    "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET", "TWILIO_REGION", "TWILIO_EDGE",
    "ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_COLLECTIONS_PATHS", "ANSIBLE_CONFIG", "ANSIBLE_INVENTORY",
)
# What this test writes into the private data directory itself (left out of the scan).
INPUTS = ("env", "inventory", "project", "requirements_collections")
# The environment ansible-runner was given, echoed into artifacts/<ident>/command: see scan_private_data_dir().
ECHOED_ENV_FILE = "command"


def seed_accounts():
    with open(SEED) as handle:
        return dict((a["sid"], a) for a in yaml.safe_load(handle)["accounts"])


class Vaulted(str):
    """A value written as an inline ``!vault`` string."""


def _represent_vaulted(dumper, value):
    return dumper.represent_scalar("!vault", str(value), style="|")


class InventoryDumper(yaml.SafeDumper):
    pass


InventoryDumper.add_representer(Vaulted, _represent_vaulted)


def inventory(seed):
    vault = VaultLib([("default", VaultSecret(VAULT_PASSWORD.encode()))])
    hosts = {}
    for name, account in ACCOUNTS.items():
        host = {"flex_sms_setup_numbers": [{"phone_number": n} for n in account["numbers"]]}
        if name != CREDENTIAL_ACCOUNT:
            host["flex_sms_setup_account_sid"] = account["sid"]
            vaulted = Vaulted(vault.encrypt(seed[account["sid"]]["auth_token"]).decode())
            if name == INLINE_VAULT_ACCOUNT:
                host["flex_sms_setup_auth_token"] = vaulted
            else:
                host["flex_sms_setup_auth_token"] = "{{ vault_flex_sms_setup_auth_token }}"
                host["vault_flex_sms_setup_auth_token"] = vaulted
        for option in ("region", "edge"):
            if option in account:
                host["flex_sms_setup_%s" % option] = account[option]
        hosts[name] = host
    return {"all": {
        # AWX's Demo Inventory: the controller itself, with the Python that runs ansible-playbook.
        "hosts": {"localhost": {"ansible_connection": "local",
                                "ansible_python_interpreter": "{{ ansible_playbook_python }}"}},
        "children": {"twilio_accounts": {
            "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"},
            "hosts": hosts,
        }},
    }}


def private_data_dir(root, seed):
    """project/ (the examples and the canary), inventory/, and the collection as AWX installs a project's."""
    project = os.path.join(root, "project")
    shutil.copytree(EXAMPLES, project)
    shutil.copy(CANARY, os.path.join(project, "canary.yml"))
    os.makedirs(os.path.join(root, "inventory"))
    with open(os.path.join(root, "inventory", "hosts.yml"), "w") as handle:
        yaml.dump(inventory(seed), handle, Dumper=InventoryDumper, default_flow_style=False, sort_keys=False)
    collections = os.path.join(root, "requirements_collections", "ansible_collections", "flexops")
    os.makedirs(collections)
    os.symlink(ROOT, os.path.join(collections, "twilio"))
    return root


def job_env(sim, root, credential_env):
    env = dict(credential_env)
    env.update(sim.client_env())  # HTTPS_PROXY and REQUESTS_CA_BUNDLE of the simulator
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": os.path.join(root, "requirements_collections"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_LOCAL_TEMP": os.path.join(root, "tmp", "local"),
        "ANSIBLE_REMOTE_TEMP": os.path.join(root, "tmp", "remote"),
        "PYTHONDONTWRITEBYTECODE": "1",
        # ansible-playbook of this Python first (the EE's, in AWX)
        "PATH": os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", os.defpath)]),
    })
    return env


def run_job(root, ident, env, playbook="rollout.yml"):
    """One job as AWX launches it (forks and the vault prompt as AWX passes them)."""
    return ansible_runner.run(
        private_data_dir=root, ident=ident, playbook=playbook, envvars=env, forks=3,
        cmdline="--ask-vault-pass", passwords={r"Vault password:\s*?$": VAULT_PASSWORD},
        extravars={"awx_job_id": ident, "awx_job_template_name": "Flex SMS rollout"},
        suppress_env_files=True,  # as AWX does: the env, passwords and extra vars stay in memory
        quiet=True, timeout=120,
    )


def forbidden(seed):
    secrets = secret_scan.secret_values([SEED], [])
    assert len(secrets) == 2 * len(seed)  # an auth token and an API key secret per account
    secrets["vault password"] = VAULT_PASSWORD
    return secrets


def scan_private_data_dir(root, secrets, credential_env):
    """{path: {label: line numbers}} of every secret in the files ansible-runner wrote.

    Every file under the private data directory is read except this test's inputs.
    ansible-runner 2.4 echoes the job's whole environment into
    artifacts/<ident>/command (mode 0600, also with suppress_env_files), so the
    credential's injected variables are there by design: they are left out after
    checking they hold exactly what the credential injected; every other variable,
    the command line and the working directory are scanned like the rest.
    """
    hits = {}
    for directory, dirs, files in os.walk(root):
        rel_dir = os.path.relpath(directory, root)
        if rel_dir == ".":
            dirs[:] = [d for d in dirs if d not in INPUTS]
        for name in files:
            path = os.path.join(directory, name)
            with open(path, "rb") as handle:
                text = handle.read().decode("utf-8", "replace")
            if name == ECHOED_ENV_FILE and os.path.basename(os.path.dirname(directory)) == "artifacts":
                echoed = json.loads(text)
                for key, value in credential_env.items():
                    assert echoed["env"].pop(key) == value, key
                text = json.dumps(echoed)
            found = secret_scan.scan(text, secrets)
            if found:
                hits[os.path.relpath(path, root)] = found
    return hits


def scan_runner(runner, secrets):
    """Secrets in the job events (as the runner hands them to AWX) and in its stdout."""
    hits = {}
    events = "\n".join(json.dumps(event, sort_keys=True) for event in runner.events)
    for where, text in (("events", events), ("stdout", runner.stdout.read())):
        found = secret_scan.scan(text, secrets)
        if found:
            hits[where] = found
    return hits


def host_results(runner):
    """{host: {ok, changed, failed}} from the job's playbook_on_stats event, checked against its task events."""
    stats = runner.stats
    results = dict((host, {"ok": stats["ok"].get(host, 0), "changed": stats["changed"].get(host, 0),
                           "failed": stats["failures"].get(host, 0) + stats["dark"].get(host, 0)})
                   for host in stats["processed"])
    counted = dict((host, {"ok": 0, "changed": 0, "failed": 0}) for host in results)
    for event in runner.events:
        data = event.get("event_data", {})
        if event["event"] == "runner_on_ok":
            counted[data["host"]]["ok"] += 1
            counted[data["host"]]["changed"] += bool(data["res"].get("changed"))
        elif event["event"] in ("runner_on_failed", "runner_on_unreachable") and not data.get("ignore_errors"):
            counted[data["host"]]["failed"] += 1
    assert counted == results
    return results


@pytest.fixture(scope="module")
def awx(simulator, tmp_path_factory):
    """The first job, the rerun and the canary, with what each left behind."""
    seed = seed_accounts()
    account = seed[ACCOUNTS[CREDENTIAL_ACCOUNT]["sid"]]
    credential_env = render_like_awx(load_credential_type(), dict(
        account_sid=account["sid"], auth_token=account["auth_token"], api_key="", api_secret="", region="", edge=""))
    root = private_data_dir(str(tmp_path_factory.mktemp("awx")), seed)
    env = job_env(simulator, root, credential_env)
    secrets = forbidden(seed)
    jobs = {}
    with pytest.MonkeyPatch.context() as patch:
        for name in SCRUBBED_ENV:
            patch.delenv(name, raising=False)
        simulator.reset(SEED)
        try:
            for ident in ("1", "2"):
                mark = simulator.app.log.next_seq
                runner = run_job(root, ident, env)
                jobs[ident] = dict(runner=runner, requests=simulator.log(mark), state=simulator.state())
            canary_root = private_data_dir(str(tmp_path_factory.mktemp("awx-canary")), seed)
            jobs["canary"] = dict(runner=run_job(canary_root, "3", job_env(simulator, canary_root, credential_env),
                                                 playbook="canary.yml"), root=canary_root)
        finally:
            simulator.reset(DEFAULT_SEED)
    yield dict(root=root, env=env, credential_env=credential_env, secrets=secrets, jobs=jobs, seed=seed)


def test_the_job_succeeds_and_sets_up_every_account(awx):
    first = awx["jobs"]["1"]
    runner = first["runner"]
    assert (runner.status, runner.rc) == ("successful", 0), runner.stdout.read()[-4000:]
    results = host_results(runner)
    assert set(results) == set(ACCOUNTS) | {"localhost"}
    for host in ACCOUNTS:
        assert results[host]["failed"] == 0, (host, results)
        assert results[host]["changed"] >= 1, (host, results)  # the one flex_sms_address task of the role
    assert results["localhost"] == {"ok": 1, "changed": 0, "failed": 0}
    report = [e for e in runner.events if e["event"] == "runner_on_ok"
              and e["event_data"]["task"] == "Show each account's result"][0]["event_data"]["res"]["msg"]
    assert sorted(report) == sorted("%s: 2 number(s), 2 changed, 0 with problems" % host for host in ACCOUNTS)
    state, requests = first["state"], first["requests"]
    for host, account in ACCOUNTS.items():
        flows = [f for f in state[account["sid"]]["flex_flows"] if f["channel_type"] == "sms"]
        assert sorted(f["contact_identity"] for f in flows) == sorted(account["numbers"]), host
        pool = [s for s in state[account["sid"]]["proxy_services"] if s["sid"] == account["proxy"]][0]
        assert len(pool["phone_numbers"]) == len(account["numbers"]), host
        mine = [r for r in requests if r["account_sid"] == account["sid"]]
        assert mine and sum(1 for r in mine if r["write"]) == 2 * len(account["numbers"]), host
        if "edge" in account:
            assert set(r["host"].split(".", 1)[1] for r in mine) == {"sydney.au1.twilio.com"}
    # every request authenticated; acme_us with the credential's token, the only one in the job's environment
    assert all(r["account_sid"] for r in requests)
    assert awx["env"]["TWILIO_ACCOUNT_SID"] == ACCOUNTS[CREDENTIAL_ACCOUNT]["sid"]
    assert awx["env"]["TWILIO_API_KEY"] == "" and awx["env"]["TWILIO_REGION"] == ""  # blank inputs, as AWX injects them


def test_a_second_job_changes_nothing(awx):
    second = awx["jobs"]["2"]
    runner = second["runner"]
    assert (runner.status, runner.rc) == ("successful", 0), runner.stdout.read()[-4000:]
    results = host_results(runner)
    assert set(results) == set(ACCOUNTS) | {"localhost"}
    assert dict((h, r["changed"]) for h, r in results.items()) == dict((h, 0) for h in results)
    assert dict((h, r["failed"]) for h, r in results.items()) == dict((h, 0) for h in results)
    assert second["requests"], "the rerun read nothing"
    assert [r for r in second["requests"] if r["write"]] == []
    assert second["state"] == awx["jobs"]["1"]["state"]


def test_no_secret_in_what_ansible_runner_wrote(awx):
    secrets = awx["secrets"]
    assert len(secrets) == 7
    for ident in ("1", "2"):
        runner = awx["jobs"][ident]["runner"]
        artifacts = os.path.join(awx["root"], "artifacts", ident)
        assert os.path.isfile(os.path.join(artifacts, "stdout"))
        assert len(os.listdir(os.path.join(artifacts, "job_events"))) > 20
        assert scan_runner(runner, secrets) == {}
    assert scan_private_data_dir(awx["root"], secrets, awx["credential_env"]) == {}
    # The inputs were left out of the scan, not missing: the inventory does hold the vaulted tokens.
    with open(os.path.join(awx["root"], "inventory", "hosts.yml")) as handle:
        assert handle.read().count("$ANSIBLE_VAULT;1.1;AES256") == 2


def test_the_scan_finds_a_printed_token(awx):
    # canary.yml prints TWILIO_AUTH_TOKEN plainly and inside a Basic auth header (base64).
    canary = awx["jobs"]["canary"]
    runner = canary["runner"]
    assert runner.status == "successful"
    label = "auth_token of %s" % ACCOUNTS[CREDENTIAL_ACCOUNT]["sid"]
    hits = scan_runner(runner, awx["secrets"])
    assert set(hits) == {"events", "stdout"}
    assert [list(found) for found in hits.values()] == [[label], [label]]
    stdout = runner.stdout.read()
    token = awx["seed"][ACCOUNTS[CREDENTIAL_ACCOUNT]["sid"]]["auth_token"]
    assert token in stdout and "Authorization: Basic " in stdout
    assert len(hits["stdout"][label]) == 2, hits  # two lines: the plain token, the header
    files = scan_private_data_dir(canary["root"], awx["secrets"], awx["credential_env"])
    assert os.path.join("artifacts", "3", "stdout") in files
    assert any(path.startswith(os.path.join("artifacts", "3", "job_events")) for path in files)
    assert set(label for found in files.values() for label in found) == {label}
