"""Polling against push, measured on a running stack (lesson 01).

A poller asks the source's event feed (``GET /api/events?since=...``, like
Stripe's ``GET /v1/events``) every ``interval`` seconds; a webhook subscription
is told at once. :func:`simulate` fires signups at seeded random moments on the
virtual clock, runs one poller per interval against the same feed with real HTTP
requests at the right moments, and reports for each way of learning:

- staleness: seconds from an event to the moment it was known (for the webhook:
  to the moment the CRM was updated);
- requests, and how many brought nothing (``wasted``).

For example::

    stack = hooklab.start(seed=1, clock="virtual")
    polling.simulate(stack, n_events=20, intervals=(60, 300, 900), seed=3)
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import pandas as pd
import requests

from .errors import ConfigError

__all__ = ["simulate", "measure", "Measurement", "plot", "label", "SUMMARY_COLUMNS"]

SUMMARY_COLUMNS = ["method", "interval_s", "requests", "wasted", "wasted_share", "mean_staleness_s",
                   "p95_staleness_s", "max_staleness_s"]


@dataclass
class Measurement:
    """What :func:`measure` saw, at three levels of detail (times in seconds from the start)."""

    summary: pd.DataFrame    # one row per way of learning: the table simulate() returns
    polls: pd.DataFrame      # every poll: interval_s, at_s, new_events
    staleness: pd.DataFrame  # every event, per way: way, event_id, event_s, known_s, staleness_s


def simulate(stack, n_events: int = 20, window_s: float = 3600, intervals=(60, 300, 900), seed: int = 0, *,
             at=None, event_type: str = "newsletter.subscribed") -> pd.DataFrame:
    """Fire ``n_events`` at random moments over ``window_s`` seconds; compare the webhook with pollers.

    One row per way of learning (``method`` "webhook" or "polling", ``interval_s``),
    with requests made, wasted requests and staleness (mean, p95, max). ``at``
    gives the event moments (seconds from now) instead of random ones. Needs a
    stack on the virtual clock; the same seed gives the same table.
    """
    return measure(stack, n_events, window_s, intervals, seed, at=at, event_type=event_type).summary


def measure(stack, n_events: int = 20, window_s: float = 3600, intervals=(60, 300, 900), seed: int = 0, *,
            at=None, event_type: str = "newsletter.subscribed") -> Measurement:
    """Like :func:`simulate`, and keep every poll and every event's staleness too."""
    if not stack.clock.virtual:
        raise ConfigError("polling.simulate plays an hour of events: start the stack with clock='virtual'")
    if at is None:
        rng = random.Random(seed)
        at = [round(rng.uniform(0, window_s), 3) for _ in range(n_events)]
    at = sorted(float(t) for t in at)
    if any(not 0 <= t < window_s for t in at) or not intervals or min(intervals) <= 0:
        raise ConfigError(f"event moments must be within [0, {window_s:g}) s and intervals > 0")
    start = stack.clock.now()
    # Pollers tick from one interval after the start until they have covered the window.
    plan = [(t, 1, None) for t in at]
    plan += [(k * i, 0, i) for i in intervals for k in range(1, math.ceil(window_s / i) + 1)]
    cursor = {i: start for i in intervals}  # each poller's "since": the newest event it has seen
    feed = stack.urls["inspector"] + "/api/events"
    fired, polls, stale = [], [], []
    with requests.Session() as http:
        for t, _, interval in sorted(plan):  # time order; a poll at the moment of an event misses it
            stack.advance(start + t - stack.clock.now())
            if interval is None:
                fired.append(stack.fire(event_type))
                continue
            answer = http.get(feed, params={"since": repr(cursor[interval])}, timeout=10)
            answer.raise_for_status()
            events = answer.json()["events"]
            polls.append({"interval_s": interval, "at_s": t, "new_events": len(events)})
            for e in events:
                cursor[interval] = max(cursor[interval], e["created_at"])
                stale.append({"way": label("polling", interval), "event_id": e["id"],
                              "event_s": e["created_at"] - start, "known_s": t})
    stack.wait()
    pushed = stack.events().set_index("id").loc[fired]
    for event_id, row in pushed.iterrows():  # lag_s: from the event to the CRM updated (NaN: not yet)
        event_s = row.created_at.timestamp() - start
        stale.append({"way": "webhook", "event_id": event_id, "event_s": event_s, "known_s": event_s + row.lag_s})
    attempts = stack.deliveries()
    attempts = attempts[attempts.event_id.isin(fired) & (attempts.subscription == "sub_integration")]

    polls = pd.DataFrame(polls, columns=["interval_s", "at_s", "new_events"])
    stale = pd.DataFrame(stale, columns=["way", "event_id", "event_s", "known_s"])
    stale["staleness_s"] = stale.known_s - stale.event_s
    stale = stale.round(3).sort_values(["way", "event_s"], ignore_index=True)
    rows = [_row("webhook", None, len(attempts), 0, stale[stale.way == "webhook"].staleness_s)]
    for i in intervals:
        p = polls[polls.interval_s == i]
        rows.append(_row("polling", i, len(p), int((p.new_events == 0).sum()),
                         stale[stale.way == label("polling", i)].staleness_s))
    summary = pd.DataFrame(rows, columns=SUMMARY_COLUMNS).astype({"interval_s": "Int64"})
    return Measurement(summary, polls, stale)


def _row(method: str, interval, made: int, wasted: int, staleness: pd.Series) -> dict:
    return {"method": method, "interval_s": interval, "requests": made, "wasted": wasted,
            "wasted_share": round(wasted / made, 3) if made else 0.0,
            "mean_staleness_s": round(float(staleness.mean()), 3),
            "p95_staleness_s": round(float(staleness.quantile(0.95)), 3),
            "max_staleness_s": round(float(staleness.max()), 3)}


def label(method: str, interval=None) -> str:
    """A short name for one way of learning: ``"webhook"`` or ``"poll every 60 s"``."""
    return "webhook" if method == "webhook" else f"poll every {interval:g} s"


def plot(summary: pd.DataFrame):
    """Two bar charts from :func:`simulate`'s table: how stale the data was, and what it cost."""
    import matplotlib.pyplot as plt

    names = [label(m, i) for m, i in zip(summary.method, summary.interval_s)]
    useful = summary.requests - summary.wasted
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    x = range(len(names))
    for shift, column, color, name in ((-0.2, "mean_staleness_s", "tab:blue", "mean"),
                                       (0.2, "max_staleness_s", "lightsteelblue", "worst")):
        bars = left.bar([i + shift for i in x], summary[column], width=0.4, color=color, label=name)
        left.bar_label(bars, fmt="%.1f", fontsize=7)
    left.set_xticks(list(x), names)
    left.set(title="Staleness: how late the data was known", ylabel="seconds")
    left.legend()
    right.bar(names, useful, color="tab:green", label="brought news")
    right.bar(names, summary.wasted, bottom=useful, color="tab:gray", label="wasted (empty)")
    right.set(title="Requests made", ylabel="requests")
    right.legend()
    for ax in (left, right):
        ax.tick_params(axis="x", labelrotation=15)
    fig.tight_layout()
    return fig
