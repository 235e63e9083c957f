"""Checks of lab 01: polling against push.

Every check works out the right answer itself, for inputs the learner's function
has not seen (several of them), so no fixed value can pass.
"""

from __future__ import annotations

import math
import numbers
import random

import pandas as pd

from hooklab import polling

from .checks import exercise, expect, fail, lab_stack, show


@exercise("01.1", points=2, title="Poll the event feed")
def _poll(poll, stack):
    stack = lab_stack(stack, seed=11)
    start = stack.clock.now()
    for gap in (40, 5, 75):  # three signups, some seconds apart
        stack.advance(gap)
        stack.fire("newsletter.subscribed")
    stack.wait()
    # created_at exactly as the feed compares it (a DataFrame's datetimes would round it)
    times = {r["id"]: r["created_at"] for r in stack.sources.store.all("SELECT id, created_at FROM events")}
    new = [i for i, t in sorted(times.items(), key=lambda kv: kv[1]) if t > start]
    for since in (start, times[new[0]] + 0.0005, times[new[1]] + 1, times[new[2]], stack.clock.now() + 60):
        want = [i for i in new if times[i] > since]
        got = poll(stack, since)
        expect(isinstance(got, list), expected=f"a list of event ids for since={since}", got=show(got),
               hint='return [e["id"] for e in response.json()["events"]]')
        expect(got == want, expected=f"{want} (the events created after since={since:.3f}, oldest first)",
               got=show(got), hint='GET stack.urls["inspector"] + "/api/events" with params={"since": since}; '
                                   "the answer is JSON: {'events': [{'id': ...}, ...]}")
    return "that GET is all a poller does, again and again; an empty list is a request that told you nothing"


@exercise("01.2", points=1, title="Wasted polls")
def _wasted(wasted):
    cases = [([[], ["e1"], []], 2), ([["e1", "e2"], ["e3"]], 0), ([], 0), ([[]] * 5 + [["e9"]], 5),
             ([["e1"], [], [], ["e2", "e3"], []], 3)]
    for polls, want in cases:
        got = wasted(polls)
        expect(got == want, expected=f"{want} wasted poll(s) for polls={polls}", got=show(got),
               hint="a poll is wasted when it brought no new events (its list is empty)")
    return "every empty poll is a request that cost something and told you nothing"


def _staleness(events: list[float], polls: list[float]) -> list[float]:
    return [min(p for p in polls if p >= e) - e for e in events]


@exercise("01.3", points=3, title="Staleness per event")
def _stale(staleness):
    rng = random.Random(11)
    cases = [([10, 60, 61], [60, 120]), ([0, 30], [0, 30, 60]), ([5.5], [300])]
    for interval in (30, 60, 300):
        events = sorted(round(rng.uniform(0, 900), 1) for _ in range(6))
        cases.append((events, list(range(interval, 900 + interval, interval))))
    for events, polls in cases:
        want = _staleness(events, polls)
        got = staleness(events, polls)
        shown = f"{polls[:5]}{'...' if len(polls) > 5 else ''}"
        expect(isinstance(got, (list, tuple)) and len(got) == len(want),
               expected=f"a list of {len(want)} numbers (one per event) for events {events}", got=show(got),
               hint="return one staleness per event, in the order of event_times")
        ok = all(isinstance(g, numbers.Real) and math.isclose(g, w, abs_tol=1e-6) for g, w in zip(got, want))
        expect(ok, expected=f"{[round(w, 3) for w in want]} for events {events} and polls {shown}",
               got=show(got), hint="for each event, find the first poll at or after it (p >= e), and subtract")
    return "staleness is the wait for the next poll: on average about half an interval"


def _summary(rows: list[tuple]) -> pd.DataFrame:
    """A table shaped like polling.simulate's: (interval or None for the webhook, requests, p95)."""
    out = []
    for interval, made, p95 in rows:
        out.append({"method": "webhook" if interval is None else "polling", "interval_s": interval,
                    "requests": made, "wasted": 0, "wasted_share": 0.0, "mean_staleness_s": p95 / 2,
                    "p95_staleness_s": p95, "max_staleness_s": p95 * 1.05})
    return pd.DataFrame(out, columns=polling.SUMMARY_COLUMNS).astype({"interval_s": "Int64"})


def _cheapest(summary: pd.DataFrame, target: float) -> int | None:
    best = None
    for row in summary.to_dict("records"):
        if row["method"] != "polling" or row["p95_staleness_s"] > target:
            continue
        if best is None or (row["requests"], row["interval_s"]) < (best["requests"], best["interval_s"]):
            best = row
    return None if best is None else int(best["interval_s"])


@exercise("01.4", points=3, title="The cheapest interval that meets a target")
def _cheapest_interval(cheapest_interval, stack):
    stack = lab_stack(stack, seed=11)
    made_up = _summary([(None, 20, 0.1), (900, 4, 850.0), (60, 60, 57.0), (300, 12, 290.0), (120, 30, 118.0)])
    cases = [(made_up, t) for t in (300, 290, 100, 1000, 30, 0.5)]  # 0.5 s: only the webhook is that fresh
    real = polling.simulate(stack, n_events=15, intervals=(30, 120, 300, 900), seed=5)
    cases += [(real, t) for t in (60, 200, 400, 1000, 10)]
    for summary, target in cases:
        want = _cheapest(summary, target)
        got = cheapest_interval(summary.copy(), target)
        if got is not None and not (isinstance(got, numbers.Real) and not isinstance(got, bool)):
            fail(expected="an interval in seconds (a number), or None", got=show(got),
                 hint="return the interval_s value of the row you chose, or None")
        same = (got is None) if want is None else (got is not None and float(got) == want)
        table = summary[["method", "interval_s", "requests", "p95_staleness_s"]].to_string(index=False)
        expect(same, expected=f"{want} for a p95 target of {target} s with this table:\n{table}\n",
               got=show(got), hint="keep the polling rows whose p95_staleness_s <= target (the webhook row is "
                                   "not a polling interval); of those, the fewest requests; None if no row is left")
    return "a freshness target turns 'how often should we poll?' into a number, and a bill"
