"""Checks of lab 01: polling against push.

Each check compares with answers written out here, for fixed inputs (the feed's check with
the signups it fires itself); the grader's own cases are in ``hooklab/course/hidden/lab01.py``.
"""

from __future__ import annotations

import math
import numbers

import pandas as pd

from hooklab import polling

from .checks import exercise, expect, expect_same, fail, lab_stack, show
from .messages import _


@exercise("01.1", points=2, title="Poll the event feed")
def _poll(poll, stack):
    stack = lab_stack(stack, seed=11)
    start = stack.clock.now()
    fired = []
    for gap in (40, 5, 75):  # three signups, some seconds apart
        stack.advance(gap)
        fired.append(stack.fire("newsletter.subscribed"))
    stack.wait(timeout=60)
    # created_at exactly as the feed compares it (a DataFrame's datetimes would round it)
    at = [stack.sources.store.one("SELECT created_at FROM events WHERE id=?", (i,))["created_at"] for i in fired]
    # since -> which of the three signups the feed answers with (by their order above)
    cases = [(start, [0, 1, 2]), (at[0] + 0.0005, [1, 2]), (at[1] + 1, [2]), (at[2], []),
             (stack.clock.now() + 60, [])]
    for since, which in cases:
        want = [fired[k] for k in which]
        got = poll(stack, since)
        expect(isinstance(got, list), expected=_("a list of event ids for since={since}", since=since),
               got=show(got), hint=_('return [e["id"] for e in response.json()["events"]]'))
        expect_same(got, want, expected=_("{want} (the events created after since={since:.3f}, oldest first)",
                                          want=want, since=since),
                    hint=_("GET {url} with params={params}; the answer is JSON: {shape}",
                           url='stack.urls["inspector"] + "/api/events"', params='{"since": since}',
                           shape="{'events': [{'id': ...}, ...]}"))
    return _("that GET is all a poller does, again and again; an empty list is a request that told you nothing")


@exercise("01.2", points=1, title="Wasted polls")
def _wasted(wasted):
    cases = [([[], ["e1"], []], 2), ([["e1", "e2"], ["e3"]], 0), ([], 0), ([[]] * 5 + [["e9"]], 5),
             ([["e1"], [], [], ["e2", "e3"], []], 3)]
    for polls, want in cases:
        got = wasted(polls)
        expect(got == want, expected=_("{want} wasted poll(s) for polls={polls}", want=want, polls=polls),
               got=show(got), hint=_("a poll is wasted when it brought no new events (its list is empty)"))
    return _("every empty poll is a request that cost something and told you nothing")


# (event_times, poll_times) -> staleness of each event, worked out by hand.
_STALENESS = [
    (([10, 60, 61], [60, 120]), [50, 0, 59]),                # 61 s just missed the poll at 60
    (([0, 30], [0, 30, 60]), [0, 0]),                        # a poll at the very moment sees the event
    (([5.5], [300]), [294.5]),
    (([12.5, 12.5, 899.9], list(range(30, 930, 30))), [17.5, 17.5, 0.1]),
    (([47.3, 212.0, 300.0, 301.5, 640.8, 851.2], [300, 600, 900]), [252.7, 88.0, 0.0, 298.5, 259.2, 48.8]),
    (([0.4, 59.9, 60.1, 425.0], list(range(60, 960, 60))), [59.6, 0.1, 59.9, 55.0]),
]


@exercise("01.3", points=3, title="Staleness per event")
def _stale(staleness):
    for (events, polls), want in _STALENESS:
        got = staleness(list(events), list(polls))
        shown = f"{polls[:5]}{'...' if len(polls) > 5 else ''}"
        expect(isinstance(got, (list, tuple)) and len(got) == len(want),
               expected=_("a list of {n} numbers (one per event) for events {events}", n=len(want), events=events),
               got=show(got), hint=_("return one staleness per event, in the order of event_times"))
        ok = all(isinstance(g, numbers.Real) and math.isclose(g, w, abs_tol=1e-6) for g, w in zip(got, want))
        expect(ok, expected=_("{want} for events {events} and polls {polls}", want=want, events=events, polls=shown),
               got=show(got), hint=_("for each event, find the first poll at or after it (p >= e), and subtract"))
    return _("staleness is the wait for the next poll: on average about half an interval")


def _summary(rows: list[tuple]) -> pd.DataFrame:
    """A table shaped like polling.simulate's: (interval or None for the webhook, requests, p95)."""
    out = []
    for interval, made, p95 in rows:
        out.append({"method": "webhook" if interval is None else "polling", "interval_s": interval,
                    "requests": made, "wasted": 0, "wasted_share": 0.0, "mean_staleness_s": p95 / 2,
                    "p95_staleness_s": p95, "max_staleness_s": p95 * 1.05})
    return pd.DataFrame(out, columns=polling.SUMMARY_COLUMNS).astype({"interval_s": "Int64"})


def _judge_cheapest(cheapest_interval, cases: list, hint: str) -> None:
    """``cheapest_interval(summary, target)`` gives ``want`` for each (summary, target, want) of ``cases``."""
    for summary, target, want in cases:
        got = cheapest_interval(summary.copy(), target)
        if got is not None and not (isinstance(got, numbers.Real) and not isinstance(got, bool)):
            fail(expected=_("an interval in seconds (a number), or None"), got=show(got),
                 hint=_("return the interval_s value of the row you chose, or None"))
        same = (got is None) if want is None else (got is not None and float(got) == want)
        table = summary[["method", "interval_s", "requests", "p95_staleness_s"]].to_string(index=False)
        expect(same, expected=_("{want} for a p95 target of {target} s with this table:\n{table}\n", want=want,
                                target=target, table=table), got=show(got), hint=hint)


@exercise("01.4", points=3, title="The cheapest interval that meets a target")
def _cheapest_interval(cheapest_interval, stack):
    stack = lab_stack(stack, seed=11)
    made_up = _summary([(None, 20, 0.1), (900, 4, 850.0), (60, 60, 57.0), (300, 12, 290.0), (120, 30, 118.0)])
    # target -> interval: 290 is met by the 300 s poller exactly; 0.5 s only by the webhook
    cases = [(made_up, t, want) for t, want in ((300, 300), (290, 300), (100, 60), (1000, 900), (30, None),
                                                 (0.5, None))]
    # A simulated hour at fixed moments (seed=5): the pollers' rows come out the same on every run.
    real = polling.simulate(stack, n_events=15, intervals=(30, 120, 300, 900), seed=5)
    cases += [(real, t, want) for t, want in ((60, 30), (200, 120), (400, 300), (1000, 900), (10, None))]
    _judge_cheapest(cheapest_interval, cases, _("keep the polling rows whose p95_staleness_s <= target (the webhook "
                                                "row is not a polling interval); of those, the fewest requests; None "
                                                "if no row is left"))
    return _("a freshness target turns 'how often should we poll?' into a number, and a bill")
