# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: no write request may reach the Twilio simulator while a task runs in check mode.

For every task result it reads the simulator's request log since the task
started (the log position is taken when the task starts on the host). When
the task ran in check mode (its post-templated ``check_mode``, which covers
``--check``, ``check_mode: true`` on the task, block, role or play) and the
log shows a write (POST/PUT/PATCH/DELETE), that is a violation.

It writes its findings to ``$FLEXOPS_CHECK_MODE_GUARD_DIR/<pid>.json``
(``{"checked": N, "violations": [...]}``, rewritten after every check-mode
task, so even a killed run leaves what it saw); tests/integration/run.py
fails the target on any violation. The simulator URL is ``$FLEXOPS_SIM_URL``. Tasks run one host at a time here
(targets use localhost only); with several hosts in parallel a write of
another host's normal-mode task could be blamed on a check-mode task, never
the other way round.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: flexops_check_mode_guard
type: aggregate
short_description: Test-only guard - no Twilio write during a check-mode task
description: See the module docstring.
requirements:
  - FLEXOPS_CHECK_MODE_GUARD_DIR set (tests/integration/run.py sets it)
"""

import json
import os
import urllib.request

from ansible import context
from ansible.plugins.callback import CallbackBase


def _log_since(base, since):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(base.rstrip("/") + "/_sim/log?since=%d" % since, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "flexops_check_mode_guard"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.report_dir = os.environ.get("FLEXOPS_CHECK_MODE_GUARD_DIR")
        self.base = os.environ.get("FLEXOPS_SIM_URL")
        self.playbook = None
        self.marks = {}
        self.checked = 0
        self.violations = []
        self.errors = []

    def v2_playbook_on_start(self, playbook):
        self.playbook = playbook._file_name

    # -- per task ---------------------------------------------------------------
    def v2_runner_on_start(self, host, task):
        if not (self.base and self.report_dir):
            return
        try:
            self.marks[(host.get_name(), task._uuid)] = _log_since(self.base, 999999999999)["next"]
        except Exception as exc:  # pylint: disable=broad-except
            self.errors.append("reading the simulator log before %r: %s" % (task.get_name(), exc))

    def _finished(self, result, **_kwargs):  # v2_runner_on_failed also passes ignore_errors
        key = (result._host.get_name(), result._task._uuid)
        mark = self.marks.pop(key, None)
        if mark is None:
            return
        fields = getattr(result, "task_fields", None) or getattr(result, "_task_fields", {}) or {}
        check_mode = fields.get("check_mode")
        if check_mode is None:
            check_mode = result._task.check_mode
        if check_mode is None:
            check_mode = context.CLIARGS.get("check", False)
        if check_mode is not True:
            return
        self.checked += 1
        try:
            writes = [e for e in _log_since(self.base, mark)["entries"] if e["write"]]
        except Exception as exc:  # pylint: disable=broad-except
            self.errors.append("reading the simulator log after %r: %s" % (result._task.get_name(), exc))
            writes = []
        if writes:
            self.violations.append({
                "playbook": self.playbook,
                "task": result._task.get_name(),
                "path": result._task.get_path(),
                "writes": ["%s %s%s (%s)" % (e["method"], e["host"], e["path"], e["status"]) for e in writes],
            })
        self._write()

    v2_runner_on_ok = v2_runner_on_failed = v2_runner_on_skipped = v2_runner_on_unreachable = _finished

    def v2_playbook_on_stats(self, stats):
        self._write()

    def _write(self):
        if not self.report_dir:
            return
        os.makedirs(self.report_dir, exist_ok=True)
        path = os.path.join(self.report_dir, "%d.json" % os.getpid())
        with open(path + ".tmp", "w") as handle:
            json.dump({"playbook": self.playbook, "checked": self.checked,
                       "violations": self.violations, "errors": self.errors}, handle, indent=1)
        os.replace(path + ".tmp", path)
