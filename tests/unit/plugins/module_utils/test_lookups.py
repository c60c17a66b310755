# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The per-task look-up cache: one load per key, failures remembered, forget() reloads."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError
from ansible_collections.flexops.twilio.plugins.module_utils._lookups import cached, forget


class Holder(object):
    """Stands in for the module object the cache lives on."""


def test_loads_once_across_threads():
    m = Holder()
    calls = []

    def load():
        calls.append(1)
        return ["flow"]

    results = []
    threads = [threading.Thread(target=lambda: results.append(cached(m, "k", load))) for dummy in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1]
    assert results == [["flow"]] * 16


def test_failure_is_remembered_not_resent():
    m = Holder()
    calls = []

    def load():
        calls.append(1)
        raise ApiError("Listing Flex Flows failed: HTTP 401", status=401)

    for dummy in range(5):
        with pytest.raises(ApiError) as info:
            cached(m, "flows", load)
        assert info.value.details["status"] == 401
    assert len(calls) == 1


def test_forget_reloads():
    m = Holder()
    values = iter([1, 2])
    assert cached(m, "k", lambda: next(values)) == 1
    assert cached(m, "k", lambda: next(values)) == 1
    forget(m, "k")
    assert cached(m, "k", lambda: next(values)) == 2
