# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Callback for tests/bench/bench.py --profile: prints how long each task took (all hosts together)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: bench_task_timer
type: aggregate
short_description: Print the wall time of every task (for the flexops.twilio bench)
description: Prints one C(TASK-TIME) line per task at the end of the playbook.
requirements: [enable in ANSIBLE_CALLBACKS_ENABLED]
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_task_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.started = time.monotonic()
        self.current = None
        self.times = []

    def _next(self, name):
        now = time.monotonic()
        if self.current is not None:
            self.times.append((self.current[0], now - self.current[1]))
        self.current = (name, now)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._next(task.get_name())

    def v2_playbook_on_handler_task_start(self, task):
        self._next(task.get_name())

    def v2_playbook_on_stats(self, stats):
        self._next(None)
        for name, seconds in self.times:
            self._display.display("TASK-TIME %7.2fs %s" % (seconds, name))
        self._display.display("TASK-TIME %7.2fs (playbook)" % (time.monotonic() - self.started))
