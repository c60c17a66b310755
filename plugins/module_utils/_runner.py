# -*- coding: utf-8 -*-
# Copyright: flexops.twilio contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the flexops.twilio collection, not a public API: many items in one task.

* ``run_all`` is the one place that runs work in parallel, at most
  ``concurrency`` (1 to MAX_CONCURRENCY) at a time; ``for_each`` (items with
  per-item results and diffs) and ``concurrently`` (independent look-ups) use it.
* ``Entry`` is one entry of a list-form module (or the single form's one entry).
* ``ListRunner`` runs a list-form module: validate every entry, plan every
  entry (reads only), let the module's preflight decide which problems are
  fatal, then write with bounded concurrency; per-item results and diffs,
  failed items included with what was already written.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.flexops.twilio.plugins.module_utils._errors import ApiError, ValidationError, problems_of

DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 50
# Plan errors that fail a whole list before its first write, also without ``strict``: an entry naming a
# resource that does not exist (issue 12).
FATAL_CODES = ("sid_not_found",)


def concurrency_option():
    """The ``concurrency`` option every list-form module declares."""
    return dict(type="int", default=DEFAULT_CONCURRENCY)


def check_concurrency(value, option="concurrency"):
    """The one concurrency limit: 1 to MAX_CONCURRENCY."""
    if value is not None and not 1 <= value <= MAX_CONCURRENCY:
        raise ValidationError("%s=%d is out of range: %s must be 1 or more and at most %d."
                              % (option, value, option, MAX_CONCURRENCY), code="out_of_range", option=option,
                              fix="Set %s from 1 to %d." % (option, MAX_CONCURRENCY))
    return value


def run_all(count, work, concurrency):
    """``work(i)`` for every i in ``range(count)``, at most ``concurrency`` at a time; returns when all are done."""
    workers = max(1, min(concurrency or 1, count, MAX_CONCURRENCY))
    if workers == 1:
        for index in range(count):
            work(index)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(work, range(count)))


def concurrently(m, *loads):
    """``[load(m) for load in loads]``, but the look-ups run at the same time instead of one after another.

    For independent look-ups a task needs anyway (each saves a round trip to
    Twilio); ``None`` entries are skipped (their result is None). Errors are
    raised after all have finished, the first in argument order first.
    """
    results = [None] * len(loads)
    errors = [None] * len(loads)
    todo = [i for i, load in enumerate(loads) if load is not None]

    def one(position):
        index = todo[position]
        try:
            results[index] = loads[index](m)
        except Exception as exc:  # pylint: disable=broad-except
            errors[index] = exc

    run_all(len(todo), one, len(todo))
    for error in errors:
        if error is not None:
            raise error
    return results


def for_each(m, items, work, concurrency=1, label=str, key="item", item_diffs=False):
    """``work(item)`` for every item, at most ``concurrency`` at a time; results in input order.

    One failing item does not stop the others (they share nothing but the
    cached look-ups); afterwards all failures are raised together as one
    ApiError whose ``results`` keep what the other items did and whose
    ``problems`` are those of every failed item. A failed item's result is
    ``{key: label(item), failed: true, msg: ...}``, plus ``changed: true``
    when the item wrote something before it failed (its ApiError says so in
    ``details``). Diffs are kept per item and added to the module's in the
    order of the items; with ``item_diffs`` a result also carries its own
    (``diff``: a list).
    """
    results = [None] * len(items)
    diffs = [()] * len(items)
    errors = []
    outer = getattr(m._item, "diffs", None)  # an item of an enclosing for_each on this thread

    def one(index):
        previous = getattr(m._item, "diffs", None)
        m._item.diffs = []
        try:
            results[index] = work(items[index])
        except (ApiError, ValidationError) as exc:
            errors.append((index, exc.about(label(items[index]))))
            results[index] = {key: label(items[index]), "failed": True, "msg": str(getattr(exc, "msg", exc))}
            if getattr(exc, "details", {}).get("changed"):
                results[index]["changed"] = True  # it wrote something before it failed
        finally:
            diffs[index] = m._item.diffs
            m._item.diffs = previous
        if item_diffs and not results[index].get("failed"):
            results[index]["diff"] = diffs[index]

    run_all(len(items), one, concurrency)
    for item_diff in diffs:
        (m.diffs if outer is None else outer).extend(item_diff)
    if errors:
        errors.sort(key=lambda e: e[0])
        raise ApiError(
            "%d of %d items failed: %s" % (
                len(errors), len(items),
                "; ".join("%s: %s" % (label(items[i]), getattr(e, "msg", e)) for i, e in errors)),
            problems=problems_of(e for _i, e in errors),
            results=results,
            changed=any(isinstance(r, dict) and r.get("changed") for r in results),
        )
    return results


class Entry(object):
    """One entry of a list-form module, knowing where each option came from (for messages).

    ``values``: the entry's settings, module-level defaults filled in;
    ``index``: its position in the list option (None in the single form);
    ``own``: the options the entry itself sets. ``plan`` is what the plan
    step read for it, ``error`` the problem found then, ``done`` the writes
    made for it (named when a later write fails).
    """

    list_option = "entries"
    key = "item"

    def __init__(self, values, index=None, own=(), **attrs):
        self.values = values
        self.index = index
        self.own = frozenset(own)
        self.plan = None
        self.error = None
        self.done = []
        for name, value in attrs.items():
            setattr(self, name, value)

    def __getitem__(self, key):
        return self.values.get(key)

    def name(self, option):
        """The option as the user wrote it: ``addresses[2].webhook_url`` or ``webhook_url``."""
        if self.index is not None and (option in self.own or option == self.key):
            return "%s[%d].%s" % (self.list_option, self.index, option)
        return option

    @property
    def ref(self):
        """What names the entry in results and problems (its key value, for example the phone number)."""
        return getattr(self, self.key, None)


def _unique(texts):
    """``texts`` without repeats, in order (a module-level setting shared by many entries is one message)."""
    seen = []
    for text in texts:
        if text not in seen:
            seen.append(text)
    return seen


def validate_all(entries, check):
    """``check(entry)`` for every entry; raises the first problem's error with every entry's problems."""
    errors = []
    for entry in entries:
        try:
            check(entry)
        except ValidationError as exc:
            errors.append(exc.about(entry.ref if entry.index is not None else None))
    if errors:
        first = errors[0]
        first.problems = problems_of(errors)
        raise first


def _list_details(errors):
    """The list-valued details of several errors (``conflicts``, ``capacity``), joined."""
    details = {}
    for error in errors:
        for name, value in getattr(error, "details", {}).items():
            if isinstance(value, list):
                details.setdefault(name, []).extend(value)
    return details


class ListRunner(object):
    """Runs the entries of one task: plan every entry, preflight, then write with bounded concurrency.

    ``plan(entry)`` only reads (cached look-ups) and returns what the write
    needs; ``write(entry)`` returns the entry's result dict and records what
    it wrote in ``entry.done``. ``preflight(entries)`` (the planned ones)
    returns the problems (errors) it finds; with ``strict`` they, and every
    plan error, fail the task before the first write, all in one error.
    Without ``strict``, an entry whose plan failed is a failed item and the
    others go on.
    """

    def __init__(self, m, entries, key, results_key, concurrency=DEFAULT_CONCURRENCY, item_diffs=False):
        self.m = m
        self.entries = entries
        self.key = key
        self.results_key = results_key
        self.concurrency = concurrency
        self.item_diffs = item_diffs

    @property
    def many(self):
        return self.entries[0].index is not None

    def plan_all(self, plan, concurrency):
        def one(index):
            entry = self.entries[index]
            try:
                entry.plan = plan(entry)
            except (ValidationError, ApiError) as exc:
                entry.error = exc
        run_all(len(self.entries), one, concurrency)

    def check(self, preflight=None, strict=False, guard=None):
        """With ``strict``: the plan errors and preflight's problems fail the task before the first write, all in one error.

        A Twilio failure while planning is raised as it is (it is not a problem of the entry).
        Without ``strict``, plan errors with a code of FATAL_CODES (a setting naming a resource that does not
        exist) still fail the whole list before its first write; the single form raises its error as it is.
        ``guard(planned entries)`` returns the errors of the task as a whole (a capacity it would pass): they
        fail it before its first write in every mode.
        """
        if not strict:
            fatal = [e.error.about(e.ref) for e in self.entries if isinstance(e.error, ValidationError)
                     and e.error.code in FATAL_CODES]
            guarded = list(guard([e for e in self.entries if e.error is None])) if guard is not None else []
            fatal = (fatal if self.many else []) + guarded
            if fatal:
                raise ApiError("Nothing was changed: %s." % "; ".join(_unique(str(e.msg).rstrip(".") for e in fatal)),
                               problems=problems_of(fatal), **_list_details(fatal))
            return
        for entry in self.entries:
            if isinstance(entry.error, ApiError):
                raise entry.error
        planned = [e for e in self.entries if e.error is None]
        found = list(preflight(planned)) if preflight is not None else []
        found += list(guard(planned)) if guard is not None else []
        errors = [e.error.about(e.ref) for e in self.entries if e.error is not None] + found
        if errors:
            raise ApiError("Nothing was changed: %s." % "; ".join(_unique(str(e.msg).rstrip(".") for e in errors)),
                           problems=problems_of(errors), **_list_details(errors))

    def one(self, entry, write):
        """One entry's writes; when a later write fails, the error says what was written before it."""
        if entry.error is not None:
            raise entry.error
        entry.done = []
        try:
            return write(entry)
        except ApiError as exc:
            if not entry.done:
                raise
            raise ApiError("%s. Already done for %s before that: %s; run the task again to finish." % (
                exc.msg.rstrip("."), entry.ref, ", ".join(entry.done)),
                problems=exc.problems, **dict(exc.details, changed=True))

    def run(self, plan, write, preflight=None, strict=False, keep_key=False, guard=None):
        """The module result: the single form's result, or ``{changed, <results_key>: [...]}``."""
        # Strict: one entry after the other, so a Twilio failure stops the planning where it happens.
        self.plan_all(plan, 1 if strict else self.concurrency)
        self.check(preflight, strict, guard)
        if not self.many:
            result = self.one(self.entries[0], write)
            return result if keep_key else dict((k, v) for k, v in result.items() if k != self.key)
        results = for_each(self.m, self.entries, lambda e: self.one(e, write), concurrency=self.concurrency,
                           label=lambda e: e.ref, key=self.key, item_diffs=self.item_diffs)
        return {"changed": any(r["changed"] for r in results), self.results_key: results}
