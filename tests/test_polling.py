"""Polling against push: staleness grows with the interval; empty polls are counted as waste."""

from __future__ import annotations

import pandas as pd
import pytest

import hooklab
from hooklab import polling


def run(seed=3, **kw):
    with hooklab.start(seed=1, clock="virtual") as stack:
        stack.faults.set("receiver", latency_ms=(50, 150))
        return polling.simulate(stack, seed=seed, **kw)


def test_push_is_fresher_than_any_poller_and_staleness_grows_with_the_interval():
    s = run(n_events=15, intervals=(60, 600)).summary.set_index(["method", "interval_s"], drop=False)
    push = s[s.method == "webhook"].iloc[0]
    assert 0 < push.max_staleness_s < 1 and push.wasted == 0 and push.requests == 15
    poll60, poll600 = s[s.interval_s == 60].iloc[0], s[s.interval_s == 600].iloc[0]
    assert push.mean_staleness_s < poll60.mean_staleness_s < poll600.mean_staleness_s
    assert poll60.max_staleness_s <= 60 and poll600.max_staleness_s <= 600
    assert poll60.requests > poll600.requests  # fresher polling costs more requests


def test_every_event_is_seen_once_by_every_poller():
    r = run(n_events=12, intervals=(120, 900))
    for interval in (120, 900):
        seen = r.staleness[(r.staleness.method == "polling") & (r.staleness.interval_s == interval)]
        assert seen.event_id.is_unique and len(seen) == 12
        polls = r.polls[r.polls.interval_s == interval]
        assert polls.new_events.sum() == 12
        row = r.summary[r.summary.interval_s == interval].iloc[0]
        assert row.wasted == (polls.new_events == 0).sum() and row.requests == len(polls)


def test_a_tiny_case_by_hand():
    r = run(n_events=1, window_s=100, intervals=(100,))
    polls = r.polls
    # polls at 100 s and 200 s: the single event (somewhere in 0..100 s) is seen by the first one
    assert list(polls.at_s) == [100, 200] and list(polls.new_events) == [1, 0]
    assert r.summary[r.summary.method == "polling"].iloc[0].wasted == 1


def test_same_seed_same_result_and_real_clock_refused():
    pd.testing.assert_frame_equal(run().summary, run().summary)
    with hooklab.start(seed=1) as stack, pytest.raises(ValueError, match="virtual"):
        polling.simulate(stack)
