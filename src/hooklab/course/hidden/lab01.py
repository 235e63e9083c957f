"""The grader's own cases for lab 01 (instructor-only: not in the student release)."""

from __future__ import annotations

import math
import numbers
import random

import pandas as pd

from hooklab import polling

from ..checks import expect, fail, hidden, lab_stack, show
from ..lab01 import _judge_cheapest, _summary
from ..messages import _


def _feed(stack, since: float) -> list[str]:
    """What the feed answers: the ids of the events created after ``since``, oldest first."""
    rows = stack.sources.store.all("SELECT id FROM events WHERE created_at > ? ORDER BY created_at, rowid", (since,))
    return [r["id"] for r in rows]


@hidden("01.1")
def _poll(poll, stack):
    stack = lab_stack(stack, seed=11)
    start = stack.clock.now()
    # Not only signups: the feed carries every type, and the poller must pass them all on.
    fired = []
    for gap, kind in ((3, "order.completed"), (0.25, "form.submitted"), (30, "newsletter.subscribed"),
                      (600, "cart.abandoned")):
        stack.advance(gap)
        fired.append(stack.fire(kind))
    stack.advance(2)
    fired += stack.fire_many("newsletter.subscribed", 4)  # an import: four events a millisecond apart
    stack.wait(timeout=60)
    at = [stack.sources.store.one("SELECT created_at FROM events WHERE id=?", (i,))["created_at"] for i in fired]
    cases = [(0, _("0, the whole feed")), (start, _("just before these events")),
             (at[1] - 0.0002, _("a fraction of a millisecond before an event")),
             (float(math.floor(at[3])), _("a whole second")), (at[5], _("in the middle of an import")),
             (at[-1], _("the newest event's time"))]
    for since, what in cases:
        want = _feed(stack, since)
        got = poll(stack, since)
        expect(isinstance(got, list), expected=_("a list of event ids for since={since:.4f} ({what})", since=since,
                                                 what=what), got=show(got),
               hint=_('return [e["id"] for e in response.json()["events"]]'))
        if got != want:
            kinds = sorted({stack.sources.event(i)["type"] for i in want}) if want else []
            fail(expected=_("the {n} event(s) created after since={since:.4f} ({what}), oldest first, "
                            "of the types {kinds}", n=len(want), since=since, what=what, kinds=kinds),
                 got=_("{n} id(s) {ids}", n=len(got), ids=show(got)),
                 hint=_("return every event the feed gives, whatever its type, in the feed's order; pass since "
                        "as it is (not rounded) in params"))


@hidden("01.2")
def _wasted(wasted):
    rng = random.Random(102)
    cases = [[[]], [["msg_only"]], [[]] * 40, [["a", "b", "c"]] * 3 + [[]]]
    for _case in range(4):
        cases.append([rng.sample(["m1", "m2", "m3", "m4"], rng.choice([0, 0, 0, 1, 2]))
                      for _n in range(rng.randint(20, 60))])
    for polls in cases:
        want = sum(1 for p in polls if len(p) == 0)
        got = wasted([list(p) for p in polls])
        expect(got == want, expected=_("{want} wasted poll(s) out of {n} for polls={polls}", want=want, n=len(polls),
                                       polls=show(polls, 200)),
               got=show(got), hint=_("count every poll whose list is empty, wherever it is in the log"))


def _staleness(events: list[float], polls: list[float]) -> list[float]:
    return [min(p for p in polls if p >= e) - e for e in events]


def _jittered(rng: random.Random, interval: float, until: float) -> list[float]:
    """Poll times of a real poller: about every ``interval`` s, a little early or late each time."""
    times, t = [], 0.0
    while not times or times[-1] < until:
        t += interval * rng.uniform(0.7, 1.3)
        times.append(round(t, 2))
    return times


@hidden("01.3")
def _stale(staleness):
    rng = random.Random(103)
    cases = [([100.0, 100.0, 100.5], [99.9, 100.0, 250.0]),  # two at the poll's very moment
             ([0.001], [0.001, 0.002]), ([1, 2, 3, 4, 5], [7])]
    for interval in (45, 120, 600):
        events = sorted(round(rng.uniform(0, 3600), 3) for _ in range(12))
        cases.append((events, _jittered(rng, interval, 3600)))  # irregular polls: no fixed interval
    for events, polls in cases:
        want = _staleness(events, polls)
        got = staleness(list(events), list(polls))
        expect(isinstance(got, (list, tuple)) and len(got) == len(want),
               expected=_("a list of {n} numbers (one per event) for events {events}", n=len(want),
                          events=show(events)), got=show(got),
               hint=_("return one staleness per event, in the order of event_times"))
        ok = all(isinstance(g, numbers.Real) and math.isclose(g, w, abs_tol=1e-6) for g, w in zip(got, want))
        expect(ok, expected=_("{want} for events {events} and polls {polls}", want=[round(w, 3) for w in want],
                              events=show(events), polls=show(polls)),
               got=show(got), hint=_("polls need not be evenly spaced (a real poller drifts): for each event, look "
                                     "for the first poll time p >= e in poll_times itself"))


def _cheapest(summary: pd.DataFrame, target: float) -> int | None:
    best = None
    for row in summary.to_dict("records"):
        if row["method"] != "polling" or row["p95_staleness_s"] > target:
            continue
        if best is None or (row["requests"], row["interval_s"]) < (best["requests"], best["interval_s"]):
            best = row
    return None if best is None else int(best["interval_s"])


@hidden("01.4")
def _cheapest_interval(cheapest_interval, stack):
    stack = lab_stack(stack, seed=11)
    # Rows in another order (the webhook row last), and targets right at a row's p95.
    shuffled = _summary([(600, 6, 540.5), (30, 120, 28.0), (1800, 2, 1700.0), (180, 20, 171.25), (None, 50, 0.2)])
    cases = [(shuffled, t) for t in (171.25, 540.5, 540.4, 27.9, 0.3, 5000)]
    # One polling row only, and a table without any poller fresh enough.
    cases += [(_summary([(None, 8, 0.1), (300, 12, 280.0)]), t) for t in (280.0, 279.99)]
    real = polling.simulate(stack, n_events=12, window_s=1800, intervals=(45, 90, 600), seed=8)
    cases += [(real, t) for t in (50, 100, 700, 20)]
    _judge_cheapest(cheapest_interval, [(summary, target, _cheapest(summary, target)) for summary, target in cases],
                    _("choose among the rows whose method is 'polling' (wherever the webhook row is), with "
                      "p95_staleness_s <= target (equal counts), the one with the fewest requests"))
