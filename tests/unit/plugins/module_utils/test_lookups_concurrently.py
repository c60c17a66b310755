# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_runner.concurrently: independent look-ups at the same time, results in order, errors after all finished."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError
from ansible_collections.flexops.twilio.plugins.module_utils._runner import concurrently


class M(object):
    pass


def test_results_in_argument_order_and_none_skipped():
    assert concurrently(M(), lambda m: "a", None, lambda m: "c") == ["a", None, "c"]
    assert concurrently(M(), None, lambda m: 1) == [None, 1]
    assert concurrently(M()) == []


def test_look_ups_overlap():
    # Each load waits for the other: this only finishes if they run at the same time.
    barrier = threading.Barrier(2, timeout=5)

    def load(m):
        barrier.wait()
        return threading.current_thread().name

    first, second = concurrently(M(), load, load)
    assert first != second


def test_errors_after_all_finished_first_in_argument_order():
    finished = []

    def slow_ok(m):
        finished.append("ok")
        return 1

    def fails(name):
        def load(m):
            finished.append(name)
            raise ApiError("%s failed" % name)
        return load

    with pytest.raises(ApiError) as error:
        concurrently(M(), fails("first"), slow_ok, fails("second"))
    assert error.value.msg == "first failed"
    assert sorted(finished) == ["first", "ok", "second"]
