# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""TwilioModule.write_once(): an ambiguous failure of a write is resolved by re-reading, then repeating (issue 12)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.flexops.twilio.plugins.module_utils._base import TwilioModule
from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError

LOST = dict(lost_response=True)


class Writer(TwilioModule):
    argument_spec = dict(friendly_name=dict(type="str"))

    def run(self):
        return dict(changed=False)


class Twilio(object):
    """A write whose tries fail as scripted (an ApiError's details, or None: answered), and a live state to re-read."""

    def __init__(self, *outcomes, applied_by=()):
        self.outcomes = list(outcomes)
        self.applied_by = set(applied_by)  # tries (1-based) that Twilio applied although they failed
        self.sent = 0
        self.reads = 0
        self.live = None

    def do(self):
        self.sent += 1
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is None or self.sent in self.applied_by:
            self.live = dict(sid="FO1", try_=self.sent)
        if outcome is not None:
            raise ApiError("Creating SMS address +15551234567 failed: %s" % outcome, **outcome)
        return self.live

    def verify(self):
        self.reads += 1
        return self.live


@pytest.fixture
def writer(make_module, monkeypatch):
    slept = []
    monkeypatch.setattr("urllib3.util.retry.time.sleep", slept.append)

    def make(**params):
        module = make_module(Writer, **params)
        module.slept = slept
        return module
    return make


def test_lost_answer_of_an_applied_write_is_not_sent_again(writer):
    m, twilio = writer(), Twilio(LOST, applied_by=[1])
    assert m.write_once("Creating SMS address +15551234567", twilio.do, twilio.verify) == dict(sid="FO1", try_=1)
    assert (twilio.sent, twilio.reads, m.stats.retries) == (1, 1, 0)
    assert m.warnings == ["Creating SMS address +15551234567: the answer was lost in transit; found it applied on re-reading."]


@pytest.mark.parametrize("failure, why", [(LOST, "the answer was lost in transit"),
                                          (dict(status=503, code=20503), "Twilio answered HTTP 503")])
def test_write_not_applied_is_sent_again_after_the_re_read(writer, failure, why):
    m, twilio = writer(), Twilio(failure)
    assert m.write_once("Creating SMS address +15551234567", twilio.do, twilio.verify) == dict(sid="FO1", try_=2)
    assert (twilio.sent, twilio.reads, m.stats.retries) == (2, 1, 1)
    assert m.warnings == ["Creating SMS address +15551234567: %s; not applied on re-reading, sent again (retry 1 of 5)." % why]


def test_repeats_are_bounded_by_retries_with_the_backoff_of_the_retry_policy(writer):
    m, twilio = writer(retries=3, retry_max_backoff=1.2), Twilio(LOST, LOST, LOST, LOST, LOST)
    with pytest.raises(ApiError) as err:
        m.write_once("Creating SMS address +15551234567", twilio.do, twilio.verify)
    assert (twilio.sent, twilio.reads, m.stats.retries) == (4, 4, 3)
    assert "Sent 4 time(s), each time not applied on re-reading; retries=3 are used up." in err.value.msg
    assert err.value.details["lost_response"] is True
    # urllib3's backoff with TwilioRetry's jitter: 0-0.5 s, then 1-1.5 s, 2-2.5 s, capped by retry_max_backoff
    assert len(m.slept) == 3 and 0 <= m.slept[0] <= 0.5 and 1 <= m.slept[1] <= 1.2 and m.slept[2] == 1.2


def test_retries_0_allows_no_repeat(writer):
    m, twilio = writer(retries=0), Twilio(LOST)
    with pytest.raises(ApiError, match=r"Sent 1 time\(s\), each time not applied on re-reading; retries=0"):
        m.write_once("Creating SMS address +15551234567", twilio.do, twilio.verify)
    assert (twilio.sent, twilio.reads) == (1, 1)


def test_a_refusal_is_neither_re_read_nor_repeated(writer):
    m, twilio = writer(), Twilio(dict(status=400, code=21422))
    with pytest.raises(ApiError, match="21422"):
        m.write_once("Creating phone number +15551234567", twilio.do, twilio.verify)
    assert (twilio.sent, twilio.reads) == (1, 0)


def test_without_a_verifier_an_ambiguous_failure_is_raised_as_it_is(writer):
    m, twilio = writer(), Twilio(LOST)
    with pytest.raises(ApiError):
        m.write_once("Updating x", twilio.do)
    assert twilio.sent == 1


@pytest.mark.parametrize("there", [True, False])
def test_a_conflict_counts_as_done_only_when_the_re_read_confirms_it(writer, there):
    m, twilio = writer(), Twilio(dict(status=400, code=80104))
    if there:
        twilio.live = dict(sid="PN1")

    def conflict(exc):
        return exc.details.get("code") == 80104

    if there:
        assert m.write_once("Adding +1555 to Proxy service KS1", twilio.do, twilio.verify, conflict=conflict) == dict(sid="PN1")
        assert m.warnings == ["Adding +1555 to Proxy service KS1: Twilio refused it with error 80104; found it applied on re-reading."]
    else:
        with pytest.raises(ApiError, match="80104"):
            m.write_once("Adding +1555 to Proxy service KS1", twilio.do, twilio.verify, conflict=conflict)
    assert (twilio.sent, twilio.reads) == (1, 1)


def test_a_failed_re_read_is_named_with_the_write_error(writer):
    m, twilio = writer(), Twilio(LOST)

    def verify():
        raise ApiError("Reading SMS address +15551234567 failed, HTTP 503: down", status=503)

    with pytest.raises(ApiError) as err:
        m.write_once("Creating SMS address +15551234567", twilio.do, verify)
    assert err.value.msg.startswith("Creating SMS address +15551234567 failed")
    assert "Re-reading to see whether it was applied failed too: Reading SMS address +15551234567 failed, HTTP 503" in err.value.msg
    assert twilio.sent == 1


def test_repeat_false_verifies_but_does_not_send_again(writer):
    m, twilio = writer(), Twilio(dict(status=503))
    with pytest.raises(ApiError, match="HTTP|503"):
        m.write_once("Deleting x", twilio.do, twilio.verify, repeat=False)
    assert (twilio.sent, twilio.reads) == (1, 1)


# -- reconcile and remove use it -------------------------------------------------------------

def test_reconcile_update_re_reads_and_sends_again_only_what_is_not_applied(writer):
    m = writer()
    live = dict(friendly_name="old", enabled=True)
    sent = []

    def update(changes):
        sent.append(changes)
        if len(sent) == 1:
            raise ApiError("Updating x failed: could not reach Twilio", lost_response=True)
        live.update(changes)
        return dict(live, sid="FO1")

    changed, result = m.reconcile("x", dict(live), dict(friendly_name="new"), None, update,
                                  reread=lambda: (dict(live), dict(live, sid="FO1")))
    assert changed and result == dict(friendly_name="new", enabled=True, sid="FO1")
    assert sent == [dict(friendly_name="new")] * 2


def test_reconcile_update_found_applied_is_not_sent_again(writer):
    m = writer()
    live = dict(friendly_name="old")
    sent = []

    def update(changes):
        sent.append(changes)
        live.update(changes)  # applied, but the answer is lost
        raise ApiError("Updating x failed: could not reach Twilio", lost_response=True)

    changed, result = m.reconcile("x", dict(live), dict(friendly_name="new"), None, update,
                                  reread=lambda: (dict(live), dict(live, sid="FO1")))
    assert changed and result == dict(friendly_name="new", sid="FO1") and len(sent) == 1


@pytest.mark.parametrize("gone", [True, False])
def test_remove_after_the_transport_retries_re_reads_and_never_repeats(writer, gone):
    m = writer()
    deletes = []

    def delete():
        deletes.append(1)
        raise ApiError("Deleting x failed, HTTP 503: down", status=503)

    if gone:
        assert m.remove("x", dict(sid="FO1"), delete, reread=lambda: None) is True
        assert m.warnings == ["Deleting x: Twilio answered HTTP 503; found it deleted on re-reading."]
    else:
        with pytest.raises(ApiError, match="HTTP 503"):
            m.remove("x", dict(sid="FO1"), delete, reread=lambda: dict(sid="FO1"))
    assert deletes == [1]
