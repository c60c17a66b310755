# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Callback for tests/bench/bench.py --profile: prints how long each task took (all hosts together).

CPU is this controller process, its reaped children (``os.times()``) and its
live descendants (from /proc): the workers and the modules they run.
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


def _live_descendants_cpu(root):
    """CPU seconds of the processes below ``root`` that have not been reaped yet (Linux /proc; 0 elsewhere)."""
    tick = float(os.sysconf("SC_CLK_TCK")) if hasattr(os, "sysconf") else 100.0
    parents, cpu = {}, {}
    try:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return 0.0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[pid] = int(fields[1])
        cpu[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime of the process itself
    total, todo = 0.0, [root]
    children = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    while todo:
        for child in children.get(todo.pop(), ()):
            total += cpu.get(child, 0.0)
            todo.append(child)
    return total


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
        return t.user + t.system + t.children_user + t.children_system + _live_descendants_cpu(os.getpid())

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
