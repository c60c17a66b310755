# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Callback for tests/bench/bench.py --profile: prints how long each task took (all hosts together).

CPU is this controller process and its finished children (the workers and the
modules they ran), from ``os.times()``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: bench_task_timer
type: aggregate
short_description: Print the wall time of every task (for the flexops.twilio bench)
description: Prints one C(TASK-TIME) line per task (wall and CPU seconds) at the end of the playbook.
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

    @staticmethod
    def _cpu():
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    def _next(self, name):
        now, cpu = time.monotonic(), self._cpu()
        if self.current is not None:
            self.times.append((self.current[0], now - self.current[1], cpu - self.current[2]))
        self.current = (name, now, cpu)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._next(task.get_name())

    def v2_playbook_on_handler_task_start(self, task):
        self._next(task.get_name())

    def v2_playbook_on_stats(self, stats):
        self._next(None)
        for name, seconds, cpu in self.times:
            self._display.display("TASK-TIME %7.2fs cpu %6.2fs %s" % (seconds, cpu, name))
        self._display.display("TASK-TIME %7.2fs cpu %6.2fs (playbook)" % (time.monotonic() - self.started, self._cpu()))
