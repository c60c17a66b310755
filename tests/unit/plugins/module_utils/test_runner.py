# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_runner: the one concurrency limit, validate every entry, and ListRunner's plan -> preflight -> write."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

from ansible_collections.flexops.twilio.plugins.module_utils import _runner
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError, ValidationError


class M(object):
    """Enough of a TwilioModule for the runner."""

    def __init__(self):
        self.diffs = []
        self._item = threading.local()

    def add_diff(self, label):
        getattr(self._item, "diffs", self.diffs).append(label)


class Item(_runner.Entry):
    list_option = "things"
    key = "label"


def entries(*names):
    return [Item({}, index=i, label=n) for i, n in enumerate(names)]


@pytest.mark.parametrize("value", [0, 51, -1])
def test_one_concurrency_limit(value):
    with pytest.raises(ValidationError) as err:
        _runner.check_concurrency(value)
    assert err.value.code == "out_of_range" and err.value.problems[0]["option"] == "concurrency"
    assert "concurrency=%d is out of range" % value in err.value.msg and "concurrency must be 1 or more" in err.value.msg


def test_limit_edges_pass():
    assert _runner.check_concurrency(1) == 1 and _runner.check_concurrency(_runner.MAX_CONCURRENCY) == 50


def test_run_all_never_exceeds_the_limit():
    active, peak, lock = [0], [0], threading.Lock()
    barrier_free = threading.Event()

    def work(_index):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        barrier_free.wait(0.01)
        with lock:
            active[0] -= 1

    _runner.run_all(20, work, 3)
    assert 1 <= peak[0] <= 3


def test_validate_all_raises_the_first_error_with_every_entrys_problems():
    def check(entry):
        if entry.label != "ok":
            raise ValidationError("%s is bad: fix it." % entry.label, option=entry.name("label"), fix="Fix it.")

    with pytest.raises(ValidationError) as err:
        _runner.validate_all(entries("a", "ok", "b"), check)
    assert err.value.msg == "a is bad: fix it."
    assert [(p["entry"], p["option"], p["msg"], p["fix"]) for p in err.value.problems] == [
        ("a", "things[0].label", "a is bad", "Fix it."), ("b", "things[2].label", "b is bad", "Fix it.")]


def write_recorder(m, written):
    def write(entry):
        m.add_diff("diff " + entry.label)
        written.append(entry.label)
        return dict(label=entry.label, changed=True)
    return write


def plan(entry):
    if entry.label == "bad":
        raise ValidationError("bad cannot be planned.", code="not_found")
    return {}


def test_strict_plan_problems_stop_every_write():
    m, written = M(), []
    runner = _runner.ListRunner(m, entries("a", "bad", "c"), "label", "things", concurrency=2)
    with pytest.raises(ApiError) as err:
        runner.run(plan, write_recorder(m, written), lambda planned: [], strict=True)
    assert err.value.msg == "Nothing was changed: bad cannot be planned."
    assert [(p["code"], p["entry"]) for p in err.value.problems] == [("not_found", "bad")]
    assert written == [] and m.diffs == []


def test_strict_preflight_problems_are_fatal_and_merge_list_details():
    m, written = M(), []
    runner = _runner.ListRunner(m, entries("a", "c"), "label", "things")

    def preflight(planned):
        assert [e.label for e in planned] == ["a", "c"]
        return [ApiError("c is held", conflicts=[dict(sid="X")])]
    with pytest.raises(ApiError) as err:
        runner.run(lambda e: {}, write_recorder(m, written), preflight, strict=True)
    assert err.value.msg == "Nothing was changed: c is held." and err.value.details["conflicts"] == [dict(sid="X")]
    assert written == []


def test_not_strict_a_plan_problem_fails_only_its_item_and_diffs_stay_in_item_order():
    m, written = M(), []
    runner = _runner.ListRunner(m, entries("a", "bad", "c"), "label", "things", concurrency=3, item_diffs=True)
    with pytest.raises(ApiError) as err:
        runner.run(plan, write_recorder(m, written), strict=False)
    assert err.value.msg == "1 of 3 items failed: bad: bad cannot be planned."
    results = err.value.details["results"]
    assert results[1] == dict(label="bad", failed=True, msg="bad cannot be planned.")
    assert results[0] == dict(label="a", changed=True, diff=["diff a"])
    assert sorted(written) == ["a", "c"] and m.diffs == ["diff a", "diff c"]


def test_a_failure_after_a_write_says_what_was_done():
    m = M()

    def write(entry):
        entry.done.append("it was created")
        raise ApiError("Updating it failed, HTTP 500: boom", status=500)
    runner = _runner.ListRunner(m, entries("a"), "label", "things")
    with pytest.raises(ApiError) as err:
        runner.run(lambda e: {}, write)
    assert "Already done for a before that: it was created; run the task again to finish." in err.value.msg
    assert err.value.details["results"][0]["changed"] is True


def test_single_form_returns_the_result_without_its_key():
    m = M()
    runner = _runner.ListRunner(m, [Item({}, label="one")], "label", "things")
    assert runner.run(lambda e: {}, lambda e: dict(label=e.label, changed=False)) == dict(changed=False)


# -- _runner.concurrently: independent look-ups at the same time, results in order, errors after all finished
# (was test_lookups_concurrently.py)

class Looker(object):
    pass


def test_results_in_argument_order_and_none_skipped():
    assert _runner.concurrently(Looker(), lambda m: "a", None, lambda m: "c") == ["a", None, "c"]
    assert _runner.concurrently(Looker(), None, lambda m: 1) == [None, 1]
    assert _runner.concurrently(Looker()) == []


def test_look_ups_overlap():
    # Each load waits for the other: this only finishes if they run at the same time.
    barrier = threading.Barrier(2, timeout=5)

    def load(m):
        barrier.wait()
        return threading.current_thread().name

    first, second = _runner.concurrently(Looker(), load, load)
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
        _runner.concurrently(Looker(), fails("first"), slow_ok, fails("second"))
    assert error.value.msg == "first failed"
    assert sorted(finished) == ["first", "ok", "second"]
