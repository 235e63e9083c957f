"""Polling against push, measured on a running stack (lesson 01).

A poller asks the source's event feed (``GET /api/events?since=...``, like
Stripe's ``GET /v1/events``) every ``interval`` seconds; the webhook
subscription is told at once. :func:`simulate` fires events at seeded random
times, runs pollers at several intervals against the same feed with real HTTP
requests at the right (virtual) moments, and reports, for each way:

- how stale the data was: seconds from an event to the moment it was known;
- how many requests it cost, and how many of them brought nothing (wasted).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pandas as pd
import requests

__all__ = ["simulate", "PollingResult", "plot"]


@dataclass
class PollingResult:
    summary: pd.DataFrame    # one row per way of learning ("webhook", "poll every 60 s"...)
    polls: pd.DataFrame      # every poll: interval_s, at_s, new_events
    staleness: pd.DataFrame  # every event, per way: way, method, interval_s, event_id, staleness_s


def simulate(stack, n_events: int = 20, window_s: float = 3600, intervals=(60, 300, 900),
             seed: int = 0) -> PollingResult:
    """Fire ``n_events`` at random times over ``window_s`` seconds and measure each way of learning.

    Needs a stack on the virtual clock (the run covers an hour in well under a second).
    """
    if not stack.clock.virtual:
        raise ValueError("simulate() plays an hour of events: start the stack with clock='virtual'")
    rng = random.Random(seed)
    start = stack.clock.now()
    times = sorted(round(rng.uniform(0, window_s), 3) for _ in range(n_events))
    # Each poller polls from the start until one interval after the window, so it sees every event.
    plan = [(t, 0, "fire", None) for t in times]
    plan += [(k * i, 1, "poll", i) for i in intervals for k in range(1, int(window_s // i) + 2)]
    cursors = {i: start for i in intervals}
    feed = stack.urls["inspector"] + "/api/events"
    polls, stale = [], []
    with requests.Session() as http:
        for at, _, action, interval in sorted(plan):
            stack.advance(start + at - stack.clock.now())
            if action == "fire":
                stack.fire("newsletter.subscribed")
                continue
            events = http.get(feed, params={"since": repr(cursors[interval])}, timeout=10).json()["events"]
            polls.append({"interval_s": interval, "at_s": at, "new_events": len(events)})
            for e in events:
                stale.append({"way": _way("polling", interval), "method": "polling", "interval_s": interval,
                              "event_id": e["id"],
                              "staleness_s": round(start + at - e["created_at"], 3)})
                cursors[interval] = max(cursors[interval], e["created_at"])
    stack.wait()
    pushed = stack.events()
    stale += [{"way": "webhook", "method": "webhook", "interval_s": None, "event_id": r.id, "staleness_s": r.lag_s}
              for r in pushed.itertuples()]
    polls_df = pd.DataFrame(polls, columns=["interval_s", "at_s", "new_events"])
    stale_df = pd.DataFrame(stale, columns=["way", "method", "interval_s", "event_id", "staleness_s"])
    rows = [_row("webhook", None, len(stack.deliveries()), 0, stale_df[stale_df.method == "webhook"])]
    for i in intervals:
        p = polls_df[polls_df.interval_s == i]
        rows.append(_row("polling", i, len(p), int((p.new_events == 0).sum()),
                         stale_df[(stale_df.method == "polling") & (stale_df.interval_s == i)]))
    return PollingResult(pd.DataFrame(rows), polls_df, stale_df)


def _row(method: str, interval: float | None, requests_made: int, wasted: int, stale: pd.DataFrame) -> dict:
    s = stale["staleness_s"].astype(float)
    return {"way": _way(method, interval), "method": method, "interval_s": interval, "requests": requests_made, "wasted": wasted,
            "wasted_share": round(wasted / requests_made, 3) if requests_made else 0.0,
            "mean_staleness_s": round(s.mean(), 1), "p95_staleness_s": round(s.quantile(0.95), 1),
            "max_staleness_s": round(s.max(), 1)}


def _way(method: str, interval: float | None) -> str:
    return "webhook" if method == "webhook" else f"poll every {interval:g} s"


def plot(summary: pd.DataFrame):
    """Two panels: how stale the data was, and what it cost in requests."""
    import matplotlib.pyplot as plt

    labels = list(summary.way)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
    left.bar(labels, summary.mean_staleness_s, color="tab:blue")
    left.set(title="Mean staleness (s): how late the CRM knew", ylabel="seconds")
    right.bar(labels, summary.requests - summary.wasted, label="brought news", color="tab:green")
    right.bar(labels, summary.wasted, bottom=summary.requests - summary.wasted, label="wasted", color="tab:gray")
    right.set(title="Requests made", ylabel="requests")
    right.legend()
    fig.tight_layout()
    return fig
