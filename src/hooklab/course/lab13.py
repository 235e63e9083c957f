"""Lab 13 (a diagnosis): incidents with a hidden fault, and the checks that name them.

:func:`incident` plays one seeded incident on a fresh stack and rolls the faulty
configuration back afterwards, the way an incident is usually over (or patched)
by the time someone looks: what is left is the evidence, in the logs and the data::

    stack = incident("slow_crm", seed=1)
    stack.events(); stack.deliveries(); stack.reconcile()
"""

from __future__ import annotations

import math
import random

import pandas as pd

from .. import monitor
from ..signing import generate_secret
from ..stack import Stack, start
from .checks import exercise, expect, fail, show

__all__ = ["FAULTS", "incident", "windows"]

#: What can go wrong in an incident (the names :func:`incident` and the 13.4 check use).
FAULTS = {
    "healthy": "nothing went wrong",
    "slow_crm": "the CRM took seconds to answer each call, so the handlers fell behind",
    "flaky_receiver": "the integration endpoint answered a 5xx error to a share of the deliveries",
    "outage": "the integration endpoint could not be reached for several minutes",
    "duplicates": "the network delivered some webhooks twice, the receiver's dedup was off, "
                  "and the order handler creates a CRM row per call",
    "wrong_secret": "after a deploy the receiver verified signatures with a different secret than the sender's",
}

_MIX = (["newsletter.subscribed"] * 3 + ["order.completed"] * 3
        + ["contact.updated", "form.submitted", "newsletter.unsubscribed", "order.refunded", "cart.abandoned"])


def _traffic(stack: Stack, rng: random.Random, bursts: int = 3, size: int = 8, pause: float = 600) -> None:
    """Bursts of mixed events (a campaign goes out, a sale starts), ``pause`` seconds apart."""
    for b in range(bursts):
        for i in range(size):
            kind = "newsletter.subscribed" if b == i == 0 else rng.choice(_MIX)
            try:
                stack.fire(kind)
            except Exception:  # nothing to refund or unsubscribe yet
                stack.fire("order.completed")
        stack.advance(pause)
    stack.wait()


def _naive_orders(stack: Stack) -> None:
    @stack.receiver.on("order.completed")
    def create_order(event):  # POST: one new row per call, the classic duplicate maker
        d = event["data"]
        stack.crm.upsert_contact(d["email"], name=d["name"], lifecycle_stage="customer")
        stack.crm.create_order(d["order_id"], d["email"], d["total"], d["currency"], items=d["items"])


def _inject(stack: Stack, fault: str, rng: random.Random, pause: float) -> None:
    if fault == "slow_crm":
        low = rng.uniform(3000, 4500)
        stack.faults.set("crm", latency_ms=(low, low + rng.uniform(1000, 3000)))
    elif fault == "flaky_receiver":
        stack.faults.set("receiver", error_rate=rng.uniform(0.25, 0.4), error_status=rng.choice([500, 502, 503]))
    elif fault == "outage":
        stack.faults.set("receiver", outage=(pause - 5, pause + rng.uniform(300, 900)))
    elif fault == "duplicates":
        stack.faults.set("receiver", duplicate_rate=rng.uniform(0.35, 0.5))
        stack.receiver.dedup = False
        _naive_orders(stack)
    elif fault == "wrong_secret":
        stack.receiver.secrets = [generate_secret(rng)]
    elif fault != "healthy":
        raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")


def _roll_back(stack: Stack) -> None:
    """The incident is over: faults cleared, configuration restored. The evidence stays."""
    stack.faults.clear(counts=True)  # the injection counters would name the fault
    stack.receiver.dedup = True
    stack.receiver.secrets = [stack.secret]
    stack.receiver.reset_handlers()


def _play(stack: Stack, fault: str, seed: int) -> Stack:
    rng = random.Random(f"{seed}:{fault}:incident")
    try:
        _inject(stack, fault, rng, pause=600)
        _traffic(stack, rng, pause=600)
        _roll_back(stack)
    except BaseException:
        stack.stop()
        raise
    return stack


def incident(fault: str, seed: int = 1) -> Stack:
    """Start a stack (this stops the previous one), play an incident of ``fault`` on it, return it.

    ``fault`` is one of :data:`FAULTS`; ``seed`` varies the traffic and how bad it gets.
    """
    if fault not in FAULTS:
        raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
    return _play(start(seed=seed, clock="virtual"), fault, seed)


def _hidden(fault: str, seed: int) -> Stack:
    # Not start(): the learner's own stack keeps running while the check works.
    stack = Stack(seed=seed, clock="virtual", data_dir=None, timeout=5.0, retries=True, schedule=None, workers=4)
    return _play(stack, fault, seed)


def windows(stack: Stack, every: float = 60, span: float = 300) -> pd.DataFrame:
    """The warning-sign numbers over sliding windows: one row every ``every`` s, over the last ``span`` s.

    ``error_rate``: share of the attempts sent in the window that failed; ``p95_lag_s``:
    p95 lag of the events created in the window (unprocessed ones excluded).
    """
    attempts, events = stack.deliveries(), stack.events()
    first = min(attempts["sent_at"].min(), events["created_at"].min()).floor("min")
    last = max(attempts["finished_at"].max(), events["created_at"].max()) + pd.Timedelta(seconds=span)
    rows = []
    for end in pd.date_range(first + pd.Timedelta(seconds=every), last, freq=pd.Timedelta(seconds=every)):
        start_ = end - pd.Timedelta(seconds=span)
        a = attempts[(attempts["sent_at"] >= start_) & (attempts["sent_at"] < end)]
        e = events[(events["created_at"] >= start_) & (events["created_at"] < end)]["lag_s"].dropna()
        rows.append({"window": end.strftime("%H:%M"),
                     "error_rate": round(float((a["outcome"] != "delivered").mean()), 3) if len(a) else 0.0,
                     "p95_lag_s": round(float(e.quantile(0.95)), 1) if len(e) else 0.0})
    return pd.DataFrame(rows, columns=["window", "error_rate", "p95_lag_s"])


# -- 13.1 delays ------------------------------------------------------------------------------------

def _events_frame(rng: random.Random, n: int, unprocessed: float, outlier: bool) -> pd.DataFrame:
    t0 = pd.Timestamp("2026-01-05 09:00", tz="UTC")
    created = [t0 + pd.Timedelta(seconds=i * rng.uniform(0.5, 3)) for i in range(n)]
    lags = [rng.expovariate(1 / rng.choice([2, 20, 90])) for _ in range(n)]
    if outlier:
        lags[rng.randrange(n)] = 5000.0
    processed = [c + pd.Timedelta(seconds=round(lag, 3)) if rng.random() >= unprocessed else pd.NaT
                 for c, lag in zip(created, lags)]
    return pd.DataFrame({"id": [f"msg_{i:03d}" for i in range(n)], "created_at": created,
                         "processed_at": pd.to_datetime(pd.Series(processed, dtype=object), utc=True)})


def _delays_truth(events: pd.DataFrame) -> dict:
    lag = (events["processed_at"] - events["created_at"]).dt.total_seconds().dropna()
    return {"p95_lag_s": float(lag.quantile(0.95)) if len(lag) else 0.0,
            "unprocessed": int(events["processed_at"].isna().sum())}


@exercise("13.1", points=2, title="Delays: p95 lag and events still waiting")
def _delays(delays):
    rng = random.Random(131)
    frames = [_events_frame(rng, 40, 0.0, True), _events_frame(rng, 60, 0.25, False),
              _events_frame(rng, 25, 0.1, True), _events_frame(rng, 12, 1.0, False)]
    for frame in frames:
        want, got = _delays_truth(frame), delays(frame.copy())
        expect(isinstance(got, dict) and {"p95_lag_s", "unprocessed"} <= set(got),
               expected="a dict with 'p95_lag_s' and 'unprocessed'", got=got,
               hint='return {"p95_lag_s": ..., "unprocessed": ...}')
        expect(isinstance(got["unprocessed"], (int, float)) and got["unprocessed"] == want["unprocessed"],
               expected=f"unprocessed = {want['unprocessed']} (events with no processed_at)",
               got=got["unprocessed"], hint="count the rows where processed_at is missing (NaT): .isna().sum()")
        p95 = got["p95_lag_s"]
        expect(isinstance(p95, (int, float)) and not math.isnan(p95)
               and math.isclose(p95, want["p95_lag_s"], rel_tol=0.01, abs_tol=0.01),
               expected=f"p95_lag_s ≈ {want['p95_lag_s']:.2f} s ({len(frame)} events, "
                        f"{want['unprocessed']} unprocessed)",
               got=round(p95, 3) if isinstance(p95, (int, float)) else p95,
               hint="lag = (processed_at - created_at).dt.total_seconds(); drop the missing ones, then "
                    ".quantile(0.95); 0.0 when nothing was processed (not the mean, not the max)")
    return "an event that never arrives has no lag, so you count it apart"


# -- 13.2 frequent errors ---------------------------------------------------------------------------

_RESULTS = [(202, None, "delivered"), (200, None, "delivered"), (503, "HTTP 503", "retrying"),
            (500, "HTTP 500", "retrying"), (401, "HTTP 401", "failed"), (410, "HTTP 410", "disabled"),
            (None, "timeout", "retrying"), (None, "connection", "retrying"), (503, "HTTP 503", "dead")]


def _attempts_frame(rng: random.Random, n: int, weights: list[float]) -> pd.DataFrame:
    picks = rng.choices(_RESULTS, weights=weights, k=n)
    return pd.DataFrame({"attempt_id": range(1, n + 1), "subscription": "sub_integration",
                         "status_code": pd.array([p[0] for p in picks], dtype="Int64"),
                         "error": [p[1] for p in picks], "outcome": [p[2] for p in picks]})


def _shares_truth(attempts: pd.DataFrame) -> dict:
    failed = attempts[attempts["outcome"] != "delivered"]
    keys = [str(s) if not pd.isna(s) else e for s, e in zip(failed["status_code"], failed["error"])]
    return {k: keys.count(k) / len(attempts) for k in sorted(set(keys))}


@exercise("13.2", points=2, title="Frequent errors: failure share by status")
def _errors(error_shares):
    rng = random.Random(132)
    frames = [_attempts_frame(rng, 50, [60, 5, 20, 0, 0, 0, 5, 0, 1]),
              _attempts_frame(rng, 40, [10, 0, 0, 0, 30, 0, 0, 0, 0]),
              _attempts_frame(rng, 80, [40, 10, 5, 5, 3, 1, 4, 6, 1]),
              _attempts_frame(rng, 20, [1, 0, 0, 0, 0, 0, 0, 0, 0])]
    for frame in frames:
        want, got = _shares_truth(frame), error_shares(frame.copy())
        expect(isinstance(got, dict), expected="a dict like {'503': 0.2, 'timeout': 0.05}", got=got,
               hint="build a dict: result -> share")
        expect(sorted(map(str, got)) == sorted(want) and all(isinstance(k, str) for k in got),
               expected=f"the keys {sorted(want)} (failed attempts only)", got=sorted(got, key=str),
               hint="the key is str(status_code) when there is one, else the error ('timeout', 'connection'); "
                    "leave out attempts whose outcome is 'delivered'")
        off = {k: round(float(got[k]), 3) for k in want if not math.isclose(got[k], want[k], abs_tol=0.001)}
        expect(not off, expected=f"shares of ALL {len(frame)} attempts: "
                                 f"{ {k: round(v, 3) for k, v in want.items()} }",
               got=show(off), hint="divide each count by the number of attempts, delivered ones included")
    return "a 5xx says the receiver struggles, a 401 says the configuration is wrong"


# -- 13.3 alert transitions -------------------------------------------------------------------------

def _transitions_truth(frame: pd.DataFrame, thresholds: dict) -> list[tuple]:
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


def _windows_frame(rng: random.Random, n: int) -> pd.DataFrame:
    rows, err, lag = [], rng.random() < 0.5, rng.random() < 0.5
    for i in range(n):
        err = (not err) if rng.random() < 0.25 else err
        lag = (not lag) if rng.random() < 0.2 else lag
        rows.append({"window": f"10:{i:02d}",
                     "error_rate": round(rng.uniform(0.06, 0.5) if err else rng.choice([0.0, 0.02, 0.05]), 3),
                     "p95_lag_s": round(rng.uniform(61, 900) if lag else rng.choice([0.0, 12.5, 60.0]), 1)})
    return pd.DataFrame(rows)


@exercise("13.3", points=3, title="Alert on a change, not on every window")
def _alerts(alert_transitions):
    thresholds = {"error_rate": 0.05, "p95_lag_s": 60.0}
    incident_ = pd.DataFrame({"window": ["09:00", "09:01", "09:02", "09:03", "09:04", "09:05", "09:06"],
                              "error_rate": [0.0, 0.3, 0.42, 0.35, 0.05, 0.0, 0.0],
                              "p95_lag_s": [1.0, 4.0, 75.0, 320.0, 310.0, 90.0, 12.0]})
    rng = random.Random(133)
    cases = [(incident_, thresholds)] + [(_windows_frame(rng, rng.randint(8, 20)), thresholds) for _ in range(6)]
    cases.append((_windows_frame(rng, 12), {"p95_lag_s": 60.0}))
    for frame, limits in cases:
        want = _transitions_truth(frame, limits)
        got = alert_transitions(frame.copy(), dict(limits))
        again = alert_transitions(frame.copy(), dict(limits))
        expect(isinstance(got, list), expected="a list of (window, metric, state) tuples", got=got,
               hint="collect the tuples in a list and return it")
        got_t = [tuple(t) for t in got]
        firings = [t for t in got_t if len(t) == 3 and t[2] == "firing"]
        expect(len(firings) <= len([t for t in want if t[2] == "firing"]),
               expected=f"{len([t for t in want if t[2] == 'firing'])} 'firing' message(s) for "
                        f"{len(frame)} windows", got=f"{len(firings)}: {show(firings)}",
               hint="post when a metric starts breaching, not on every window it stays above the threshold "
                    "(remember which metrics are firing already)")
        expect(sorted(got_t) == sorted(want), expected=f"the transitions {show(want, 300)}", got=show(got_t, 300),
               hint="breached means value > threshold; 'firing' when a metric becomes breached, 'resolved' "
                    "when it goes back under; every metric starts quiet; the tuple is (window, metric, state)")
        expect([tuple(t) for t in again] == got_t, expected="the same answer when called twice",
               got=show([tuple(t) for t in again], 200),
               hint="start from an empty set of firing metrics inside the function, not in a global")
    return "one message when things break, one when they recover: a channel people keep reading"


# -- 13.4 the diagnosis ------------------------------------------------------------------------------

#: (seed, fault) of the hidden incidents: every fault at least once, in an order a guess cannot follow.
_CASES = [(401, "outage"), (402, "healthy"), (403, "duplicates"), (404, "flaky_receiver"),
          (405, "wrong_secret"), (406, "slow_crm"), (407, "flaky_receiver"), (408, "slow_crm")]


@exercise("13.4", points=4, title="Name the fault from the metrics alone")
def _diagnose(diagnose):
    wrong = []
    for n, (seed, fault) in enumerate(_CASES, 1):
        stack = _hidden(fault, seed)
        try:
            got = diagnose(stack)
        finally:
            stack.stop()
        expect(got in FAULTS, expected=f"one of {list(FAULTS)}", got=got,
               hint="return the name of the fault as a string, e.g. 'slow_crm'")
        if got != fault:
            wrong.append(f"incident {n}: {got!r}, it was {fault!r}")
    if wrong:
        fail(expected=f"all {len(_CASES)} hidden incidents named right",
             got=f"{len(wrong)} wrong ({'; '.join(wrong)})",
             hint="look at errors first (which status or error?), then reconcile() (which problem?), "
                  "then the lag: errors and outages cause delays too")
    return f"{len(_CASES)} hidden incidents, every one named from its evidence"
