"""Polling against push: staleness grows with the interval, empty polls are waste, and it all repeats."""

from __future__ import annotations

import pandas as pd
import pytest

import hooklab
from hooklab import polling
from hooklab.errors import ConfigError


def measure(seed=3, latency=True, **kw):
    with hooklab.start(seed=1, clock="virtual") as stack:
        if latency:
            stack.faults.set("receiver", latency_ms=(50, 150))
        return polling.measure(stack, seed=seed, **kw)


def row(summary, interval=None):
    rows = summary[summary.method == "webhook"] if interval is None else summary[summary.interval_s == interval]
    assert len(rows) == 1
    return rows.iloc[0]


def test_push_is_near_real_time_while_polling_staleness_grows_with_the_interval():
    s = measure(n_events=15, intervals=(60, 600)).summary
    assert list(s.columns) == polling.SUMMARY_COLUMNS and list(s.method) == ["webhook", "polling", "polling"]
    push, every_minute, every_10_minutes = row(s), row(s, 60), row(s, 600)
    assert 0 < push.max_staleness_s < 1 and push.requests == 15 and push.wasted == 0
    assert push.mean_staleness_s < every_minute.mean_staleness_s < every_10_minutes.mean_staleness_s
    assert 10 < every_minute.mean_staleness_s and every_minute.max_staleness_s <= 60
    assert 100 < every_10_minutes.mean_staleness_s and every_10_minutes.max_staleness_s <= 600
    assert every_minute.requests == 60 and every_10_minutes.requests == 6  # one per tick over the hour
    assert every_minute.wasted > every_10_minutes.wasted


def test_a_hand_made_case_counts_polls_waste_and_staleness():
    # Events at 30 s and 250 s (each fired 1 ms later, as the sources space events); a poll every
    # 100 s over 300 s: polls at 100 (sees the first), 200 (empty: wasted), 300 (sees the second).
    m = measure(latency=False, at=[250, 30], window_s=300, intervals=(100,))
    assert list(m.polls.at_s) == [100, 200, 300] and list(m.polls.new_events) == [1, 0, 1]
    poll = row(m.summary, 100)
    assert (poll.requests, poll.wasted, poll.wasted_share) == (3, 1, 0.333)
    seen = m.staleness[m.staleness.way == "poll every 100 s"]
    assert list(seen.staleness_s) == pytest.approx([69.999, 49.999])
    assert poll.mean_staleness_s == pytest.approx(59.999) and poll.max_staleness_s == pytest.approx(69.999)
    push = row(m.summary)
    assert (push.requests, push.wasted, push.max_staleness_s) == (2, 0, 0.0)  # no latency injected


def test_an_event_at_the_moment_of_a_poll_waits_for_the_next_one():
    m = measure(latency=False, at=[100], window_s=200, intervals=(100,))
    assert list(m.polls.new_events) == [0, 1]
    assert row(m.summary, 100).max_staleness_s == pytest.approx(99.999)


def test_every_poller_sees_every_event_once_and_only_the_simulations_events_count():
    with hooklab.start(seed=1, clock="virtual") as stack:
        stack.fire("newsletter.subscribed")  # before the simulation: not part of it
        stack.wait()
        m = polling.measure(stack, n_events=12, intervals=(120, 900), seed=5)
    assert row(m.summary).requests == 12
    for interval in (120, 900):
        seen = m.staleness[m.staleness.way == f"poll every {interval} s"]
        assert seen.event_id.is_unique and len(seen) == 12
        polls = m.polls[m.polls.interval_s == interval]
        assert polls.new_events.sum() == 12
        assert row(m.summary, interval).wasted == (polls.new_events == 0).sum()


@pytest.mark.slow
def test_the_same_seed_gives_the_same_tables_and_another_seed_does_not():
    a, b, c = measure(seed=3), measure(seed=3), measure(seed=4)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    pd.testing.assert_frame_equal(a.staleness, b.staleness)
    assert not a.summary.equals(c.summary)
    with hooklab.start(seed=1, clock="virtual") as stack:
        pd.testing.assert_frame_equal(polling.simulate(stack, seed=3), measure(seed=3, latency=False).summary)


def test_the_real_clock_and_impossible_plans_are_refused_with_a_reason():
    with hooklab.start(seed=1) as stack, pytest.raises(ConfigError, match="virtual"):
        polling.simulate(stack)
    with hooklab.start(seed=1, clock="virtual") as stack:
        with pytest.raises(ConfigError, match="within"):
            polling.simulate(stack, at=[400], window_s=300)
        with pytest.raises(ConfigError, match="intervals"):
            polling.simulate(stack, intervals=(0,))


def test_plot_draws_staleness_and_requests():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = polling.plot(measure(n_events=5, intervals=(60, 300)).summary)
    try:
        left, right = fig.axes[:2]
        assert [t.get_text() for t in left.get_xticklabels()] == ["webhook", "poll every 60 s", "poll every 300 s"]
        assert "Requests" in right.get_title()
    finally:
        plt.close(fig)
