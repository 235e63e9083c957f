"""Checks of lab 01: polling against push."""

from __future__ import annotations

import random

import hooklab
from hooklab import polling

from .checks import exercise, expect


@exercise("01.1", points=2, title="Wasted polls")
def _(wasted):
    cases = [([[], ["e1"], []], 2), ([["e1", "e2"], ["e3"]], 0), ([], 0), ([[]] * 5 + [["e9"]], 5)]
    for polls, want in cases:
        got = wasted(polls)
        expect(got == want, expected=f"{want} wasted poll(s) for {polls}", got=repr(got),
               hint="a poll is wasted when it returned no new events (an empty list)")
    return "every empty poll is a request that cost something and told you nothing"


def _staleness(events, polls):
    return [min(p for p in polls if p >= e) - e for e in events]


@exercise("01.2", points=3, title="Staleness per event")
def _(staleness):
    rng = random.Random(11)
    cases = [([10, 60, 61], [60, 120]), ([0, 30], [0, 30, 60])]
    for _ in range(3):
        interval = rng.choice([30, 60, 300])
        events = sorted(round(rng.uniform(0, 900), 1) for _ in range(6))
        cases.append((events, list(range(interval, 900 + interval + 1, interval))))
    for events, polls in cases:
        want = _staleness(events, polls)
        got = staleness(events, polls)
        expect(got is not None and [round(x, 6) for x in got] == [round(x, 6) for x in want],
               expected=f"{want} for events {events} and polls {polls[:6]}{'...' if len(polls) > 6 else ''}",
               got=repr(got), hint="for each event, find the first poll at or after it (>=), and subtract")
    return "staleness is the wait until the next poll: on average half an interval"


@exercise("01.3", points=3, title="The cheapest interval that meets a target")
def _(cheapest_interval):
    with hooklab.start(seed=8, clock="virtual") as stack:
        summary = polling.simulate(stack, n_events=15, intervals=(30, 120, 300, 900), seed=5).summary
    polled = summary[summary.method == "polling"]
    for target in (60, 200, 400, 1000, 10):
        ok = polled[polled.p95_staleness_s <= target].sort_values(["requests", "interval_s"])
        want = None if ok.empty else int(ok.interval_s.iloc[0])
        got = cheapest_interval(summary, target)
        got = int(got) if got is not None else None
        expect(got == want, expected=f"{want} for a p95 staleness target of {target} s", got=repr(got),
               hint="keep polling rows whose p95_staleness_s <= target; of those, the one with the fewest "
                    "requests; None when no interval is fast enough")
    return "a freshness target turns 'how often should we poll?' into a number, and a bill"
