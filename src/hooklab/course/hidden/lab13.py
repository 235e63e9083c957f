"""Lab 13's hidden checks: seeded frames the learner never saw, checked against the reference measurements,
and incidents with other seeds (so other intensities) for the diagnosis."""

from __future__ import annotations

import random

import pandas as pd

from ..checks import hidden
from ..lab13 import (_attempts_frame, _events_frame, _judge_delays, _judge_incidents, _judge_shares,
                     _judge_transitions)
from ..messages import _


# -- 13.1 ------------------------------------------------------------------------------------------

def _delays_truth(events: pd.DataFrame) -> tuple[float, int]:
    """The reference: p95 of the lags of processed events (0.0 if none), and the count of unprocessed ones."""
    lag = (events["processed_at"] - events["created_at"]).dt.total_seconds().dropna()
    return (float(lag.quantile(0.95)) if len(lag) else 0.0), int(events["processed_at"].isna().sum())


def _random_lags(rng: random.Random, n: int, unprocessed: float, outlier: bool) -> list[float | None]:
    lags: list[float | None] = [round(rng.expovariate(1 / rng.choice([2, 20, 90])), 3) for _i in range(n)]
    if outlier:
        lags[rng.randrange(n)] = 5000.0
    return [None if rng.random() < unprocessed else lag for lag in lags]


@hidden("13.1")
def _delays(delays):
    rng = random.Random(1301)
    frames = [_events_frame(_random_lags(rng, n, unprocessed, outlier), every=rng.uniform(0.5, 3))
              for n, unprocessed, outlier in ((40, 0.0, True), (60, 0.25, False), (25, 0.1, True), (12, 1.0, False),
                                              (200, 0.05, True), (3, 0.0, False), (2, 0.5, False))]
    shuffled = _events_frame(_random_lags(rng, 30, 0.2, True)).sample(frac=1, random_state=7)  # not in time order
    extra = _events_frame(_random_lags(rng, 15, 0.1, False))  # the other columns of stack.events()
    extra = extra.assign(type="order.completed", lag_s=(extra["processed_at"] - extra["created_at"]).dt.total_seconds())
    empty = _events_frame([])
    for frame in frames + [shuffled, extra, empty]:
        p95, unprocessed = _delays_truth(frame)
        _judge_delays(delays, frame, p95, unprocessed)


# -- 13.2 ------------------------------------------------------------------------------------------

_RESULTS = [(202, None, "delivered"), (200, None, "delivered"), (503, "HTTP 503", "retrying"),
            (500, "HTTP 500", "retrying"), (401, "HTTP 401", "failed"), (410, "HTTP 410", "disabled"),
            (None, "timeout", "retrying"), (None, "connection", "retrying"), (503, "HTTP 503", "dead"),
            (429, "HTTP 429", "retrying"), (504, "HTTP 504", "dead")]


def _shares_truth(attempts: pd.DataFrame) -> dict:
    """The reference: each failed attempt's result (status as text, else the error), as a share of all attempts."""
    failed = attempts[attempts["outcome"] != "delivered"]
    keys = [str(s) if not pd.isna(s) else e for s, e in zip(failed["status_code"], failed["error"])]
    return {k: keys.count(k) / len(attempts) for k in sorted(set(keys))}


@hidden("13.2")
def _errors(error_shares):
    rng = random.Random(1302)
    weights = ([60, 5, 20, 0, 0, 0, 5, 0, 1, 0, 0], [10, 0, 0, 0, 30, 0, 0, 0, 0, 0, 0],
               [40, 10, 5, 5, 3, 1, 4, 6, 1, 2, 2], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1])
    for n, w in zip((50, 40, 80, 20, 33), weights):
        frame = _attempts_frame(rng.choices(_RESULTS, weights=w, k=n))
        _judge_shares(error_shares, frame, _shares_truth(frame))
    one = _attempts_frame([(None, "timeout", "dead")])
    _judge_shares(error_shares, one, {"timeout": 1.0})


# -- 13.3 ------------------------------------------------------------------------------------------

def _transitions_truth(frame: pd.DataFrame, thresholds: dict) -> list[tuple]:
    """The reference: walk the windows in order, remembering which metrics are firing."""
    out, firing = [], set()
    for row in frame.to_dict("records"):
        for metric, limit in thresholds.items():
            bad = row[metric] > limit
            if bad and metric not in firing:
                out.append((row["window"], metric, "firing"))
                firing.add(metric)
            elif not bad and metric in firing:
                out.append((row["window"], metric, "resolved"))
                firing.discard(metric)
    return out


def _windows_frame(rng: random.Random, n: int, start_bad: bool | None = None) -> pd.DataFrame:
    rows = []
    err = rng.random() < 0.5 if start_bad is None else start_bad
    lag = rng.random() < 0.5 if start_bad is None else start_bad
    for i in range(n):
        if i:
            err = (not err) if rng.random() < 0.25 else err
            lag = (not lag) if rng.random() < 0.2 else lag
        rows.append({"window": f"10:{i:02d}",
                     "error_rate": round(rng.uniform(0.06, 0.5) if err else rng.choice([0.0, 0.02, 0.05]), 3),
                     "p95_lag_s": round(rng.uniform(61, 900) if lag else rng.choice([0.0, 12.5, 60.0]), 1),
                     "unprocessed": rng.choice([0, 0, 0, 1, 4])})
    return pd.DataFrame(rows, columns=["window", "error_rate", "p95_lag_s", "unprocessed"])


@hidden("13.3")
def _alerts(alert_transitions):
    rng = random.Random(1303)
    both = {"error_rate": 0.05, "p95_lag_s": 60.0}
    cases = [(_windows_frame(rng, 6, start_bad=True), both),  # breached from the very first window
             (_windows_frame(rng, 9, start_bad=True), {"p95_lag_s": 60.0, "error_rate": 0.05})]
    cases += [(_windows_frame(rng, rng.randint(8, 20)), both) for _i in range(6)]
    cases += [(_windows_frame(rng, 12), {"unprocessed": 0}), (_windows_frame(rng, 10), {"error_rate": 0.2}),
              (_windows_frame(rng, 0), both)]
    for frame, limits in cases:
        _judge_transitions(alert_transitions, frame, limits, _transitions_truth(frame, limits))


# -- 13.4 ------------------------------------------------------------------------------------------

#: Incidents of every kind on seeds the visible check does not use: other intensities, another 5xx status,
#: a longer outage, a flaky receiver whose retries pile up hours of lag.
_CASES = [(508, "flaky_receiver"), (502, "slow_crm"), (506, "healthy"), (504, "duplicates"), (501, "outage"),
          (505, "wrong_secret")]


@hidden("13.4")
def _diagnose(diagnose):
    _judge_incidents(diagnose, _CASES, _("all {n} other incidents named right", n=len(_CASES)),
                     _("decide from the kind of evidence, not from how much: which results failed (5xx, 4xx, "
                       "'connection'), then reconcile(), then the lag; retries after errors and outages cause long "
                       "delays too"))
