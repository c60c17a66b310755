# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The integration runner's side of the check-mode guard and the test-only plugins.

``env(tmp, sim_url)`` returns the environment that enables the
flexops_check_mode_guard callback and the flexops_sim lookup for a target's
ansible-playbook (and any ansible-playbook it starts itself);
``verdict(tmp, ok, output)`` reads what the callback reported and fails the
target when a write request reached the simulator during a check-mode task.
"""

import glob
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
PLUGINS = os.path.join(HERE, "plugins")
CALLBACK = "flexops_check_mode_guard"


def report_dir(tmp):
    return os.path.join(tmp, "check-mode-guard")


def env(tmp, sim_url, base_env=None):
    base_env = base_env if base_env is not None else os.environ
    enabled = [name for name in (base_env.get("ANSIBLE_CALLBACKS_ENABLED") or "").split(",") if name.strip()]
    return {
        "ANSIBLE_CALLBACK_PLUGINS": os.path.join(PLUGINS, "callback"),
        "ANSIBLE_CALLBACKS_ENABLED": ",".join(enabled + [CALLBACK]),
        "ANSIBLE_LOOKUP_PLUGINS": os.path.join(PLUGINS, "lookup"),
        "FLEXOPS_CHECK_MODE_GUARD_DIR": report_dir(tmp),
        "FLEXOPS_SIM_URL": sim_url,
    }


def verdict(tmp, ok, output):
    """(ok, output) after the guard's findings: any violation fails the target."""
    reports = []
    for path in sorted(glob.glob(os.path.join(report_dir(tmp), "*.json"))):
        with open(path) as handle:
            reports.append(json.load(handle))
    checked = sum(r["checked"] for r in reports)
    violations = [v for r in reports for v in r["violations"]]
    errors = [e for r in reports for e in r["errors"]]
    lines = ["check-mode guard: %d check-mode task(s) checked in %d playbook run(s), %d with writes"
             % (checked, len(reports), len(violations))]
    for violation in violations:
        lines.append("CHECK MODE WROTE: task %r (%s) in %s: %s" % (
            violation["task"], violation["path"], violation["playbook"], "; ".join(violation["writes"])))
    for error in errors:
        lines.append("check-mode guard error: %s" % error)
    return ok and not violations and not errors, output.rstrip() + "\n" + "\n".join(lines) + "\n"
