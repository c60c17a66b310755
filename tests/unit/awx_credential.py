# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's AWX credential type, and its injectors rendered the way AWX renders them.

Shared by tests/unit/test_awx_credential_type.py (what the modules make of the
injected environment) and tests/unit/test_awx_job.py (a job run through
ansible-runner with that environment).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import yaml
from jinja2 import sandbox

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CREDENTIAL_TYPE = os.path.join(ROOT, "extensions", "awx", "twilio_credential_type.yml")


def load_credential_type():
    with open(CREDENTIAL_TYPE) as handle:
        return yaml.safe_load(handle)


def render_like_awx(credential_type, inputs):
    """What AWX puts into the job's environment for a credential with ``inputs``.

    Mirrors CredentialType.inject_credential: only inputs with a non-empty value
    are in the template namespace; every env injector is rendered and set.
    """
    namespace = dict((k, v) for k, v in inputs.items() if v not in ("", None))
    env = sandbox.ImmutableSandboxedEnvironment()
    return dict(
        (name, env.from_string(template).render(**namespace))
        for name, template in credential_type["injectors"]["env"].items()
    )
