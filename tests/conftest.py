# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Twilio simulator for any pytest test under tests/ (see tests/simulator/README.md).

``simulator``: one simulator for the session, on the default seed.
``sim``: that simulator reset to the default seed (no faults, no latency) with
the process environment pointed at it, so the unmodified twilio SDK reaches it.
"""

import os
import sys

import pytest

SIMULATOR_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "simulator")
if SIMULATOR_DIR not in sys.path:
    sys.path.insert(0, SIMULATOR_DIR)

DEFAULT_SEED = os.path.join(SIMULATOR_DIR, "seeds", "default.yml")
# Variables that would route a client around the simulator or make it trust another CA.
BYPASS_ENV = ("NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "CURL_CA_BUNDLE")


@pytest.fixture(scope="session")
def simulator(tmp_path_factory):
    from twiliosim import Simulator

    with Simulator(seed=DEFAULT_SEED, state_dir=str(tmp_path_factory.mktemp("sim"))) as started:
        yield started


@pytest.fixture
def sim(simulator, monkeypatch):
    simulator.reset(DEFAULT_SEED)
    for name in BYPASS_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in simulator.client_env().items():
        monkeypatch.setenv(name, value)
    yield simulator
    simulator.reset(DEFAULT_SEED)
