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
from collections.abc import Callable, Iterator, Mapping

import pandas as pd

from .. import monitor
from ..signing import generate_secret
from ..stack import Stack, start
from .checks import exercise, expect, fail, show
from .messages import Message, _, current_language, say

__all__ = ["FAULTS", "incident", "windows"]


class _Described(Mapping):
    """Names and what each one means, read in the learner's language (the lab prints them)."""

    def __init__(self, **described: Message) -> None:
        self._described = described

    def __getitem__(self, name: str) -> str:
        return say(self._described[name], current_language())

    def __iter__(self) -> Iterator[str]:
        return iter(self._described)

    def __len__(self) -> int:
        return len(self._described)

    def __repr__(self) -> str:
        return repr(dict(self))


#: What can go wrong in an incident (the names :func:`incident` and the 13.4 check use).
FAULTS = _Described(
    healthy=Message("nothing went wrong"),
    slow_crm=Message("the CRM took seconds to answer each call, so the handlers fell behind"),
    flaky_receiver=Message("the integration endpoint answered a 5xx error to a share of the deliveries"),
    outage=Message("the integration endpoint could not be reached for several minutes"),
    duplicates=Message("the network delivered some webhooks twice, the receiver's dedup was off, "
                       "and the order handler creates a CRM row per call"),
    wrong_secret=Message("after a deploy the receiver verified signatures with a different secret than the sender's"),
)

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
    stack.wait(timeout=None)  # every burst delivered and processed: the incident is over


def _naive_orders(stack: Stack) -> None:
    @stack.receiver.on("order.completed")
    def create_order(event):  # POST: one new row per call, the classic duplicate maker
        order = event["data"]
        stack.crm.upsert_contact(order["email"], name=order["name"], lifecycle_stage="customer")
        stack.crm.create_order(order["order_id"], order["email"], order["total"], order["currency"],
                               items=order["items"])


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


def _graded_incident(fault: str, seed: int) -> Stack:
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

def _events_frame(lags: list[float | None], every: float = 3.0) -> pd.DataFrame:
    """Events created ``every`` seconds apart from 09:00; each processed ``lag`` seconds later (None: never)."""
    t0 = pd.Timestamp("2026-01-05 09:00", tz="UTC")
    created = [t0 + pd.Timedelta(seconds=i * every) for i in range(len(lags))]
    processed = [c + pd.Timedelta(seconds=lag) if lag is not None else pd.NaT for c, lag in zip(created, lags)]
    return pd.DataFrame({"id": [f"msg_{i:03d}" for i in range(len(lags))],
                         "created_at": pd.to_datetime(pd.Series(created, dtype=object), utc=True),
                         "processed_at": pd.to_datetime(pd.Series(processed, dtype=object), utc=True)})


#: 13.1's events: (lags in seconds, None for never processed) -> (p95 lag, unprocessed).
DELAYS = [
    ([1.2, 0.8, 2.5, 1.9, 3.1, 0.6, 4.4, 2.2, 1.1, 0.9, 7.5, 2.8, 1.6, 3.3, 0.7, 12.0, 2.0, 1.4, 3000.0, 2.6],
     (161.4, 0)),
    ([4.0, None, 15.5, 2.25, 30.0, None, 8.0, 61.0, None, 3.5, 12.0, 9.75], (48.6, 3)),
    ([None, None, None, None, None], (0.0, 5)),
    ([42.5], (42.5, 0)),
]


def _judge_delays(delays: Callable, frame: pd.DataFrame, want_p95: float, want_unprocessed: int) -> None:
    got = delays(frame.copy())
    expect(isinstance(got, dict) and {"p95_lag_s", "unprocessed"} <= set(got),
           expected=_("a dict with 'p95_lag_s' and 'unprocessed'"), got=got,
           hint=_("return {code}", code='{"p95_lag_s": ..., "unprocessed": ...}'))
    expect(isinstance(got["unprocessed"], (int, float)) and got["unprocessed"] == want_unprocessed,
           expected=_("unprocessed = {n} (events with no processed_at)", n=want_unprocessed),
           got=got["unprocessed"], hint=_("count the rows where processed_at is missing (NaT): .isna().sum()"))
    p95 = got["p95_lag_s"]
    expect(isinstance(p95, (int, float)) and not math.isnan(p95)
           and math.isclose(p95, want_p95, rel_tol=0.01, abs_tol=0.01),
           expected=_("p95_lag_s ≈ {p95:.2f} s ({n} events, {unprocessed} unprocessed)", p95=want_p95, n=len(frame),
                      unprocessed=want_unprocessed),
           got=round(p95, 3) if isinstance(p95, (int, float)) else p95,
           hint=_("lag = (processed_at - created_at).dt.total_seconds(); drop the missing ones, then "
                  ".quantile(0.95); 0.0 when nothing was processed (not the mean, not the max)"))


@exercise("13.1", points=2, title="Delays: p95 lag and events still waiting")
def _delays(delays):
    for lags, (p95, unprocessed) in DELAYS:
        _judge_delays(delays, _events_frame(lags), p95, unprocessed)
    return _("an event that never arrives has no lag, so you count it apart")


# -- 13.2 frequent errors ---------------------------------------------------------------------------

_OK, _503, _DEAD = (202, None, "delivered"), (503, "HTTP 503", "retrying"), (503, "HTTP 503", "dead")
_TIMEOUT, _CONNECTION, _401 = (None, "timeout", "retrying"), (None, "connection", "retrying"), (401, "HTTP 401", "failed")


def _attempts_frame(rows: list[tuple]) -> pd.DataFrame:
    """Attempts like stack.deliveries(): one per ``(status_code, error, outcome)``."""
    return pd.DataFrame({"attempt_id": range(1, len(rows) + 1), "subscription": "sub_integration",
                         "status_code": pd.array([r[0] for r in rows], dtype="Int64"),
                         "error": [r[1] for r in rows], "outcome": [r[2] for r in rows]})


#: 13.2's attempts -> the share of all attempts that each failed result takes.
SHARES = [
    ([_OK, _OK, _503, _OK, _TIMEOUT, _OK, _OK, _503, _401, _OK, _OK, _CONNECTION, _OK, _503, _OK, _TIMEOUT, _OK,
      _DEAD, _OK, _OK], {"503": 0.2, "timeout": 0.1, "connection": 0.05, "401": 0.05}),
    ([_401, _401, (200, None, "delivered"), _401, _401, (200, None, "delivered"), _401, (200, None, "delivered"),
      _401, (200, None, "delivered")], {"401": 0.6}),
    ([_OK] * 8, {}),
    ([_OK, (500, "HTTP 500", "retrying"), _OK, _OK, (410, "HTTP 410", "disabled"), _OK, (502, "HTTP 502", "retrying"),
      _OK, _OK, (None, "timeout", "dead"), _OK, (500, "HTTP 500", "retrying"), _OK, _OK, _OK, _OK],
     {"500": 0.125, "410": 0.0625, "502": 0.0625, "timeout": 0.0625}),
]


def _judge_shares(error_shares: Callable, frame: pd.DataFrame, want: dict) -> None:
    got = error_shares(frame.copy())
    expect(isinstance(got, dict), expected=_("a dict like {example}", example="{'503': 0.2, 'timeout': 0.05}"),
           got=got, hint=_("build a dict: result -> share"))
    expect(sorted(map(str, got)) == sorted(want) and all(isinstance(k, str) for k in got),
           expected=_("the keys {keys} (failed attempts only)", keys=sorted(want)), got=sorted(got, key=str),
           hint=_("the key is str(status_code) when there is one, else the error ('timeout', 'connection'); "
                  "leave out attempts whose outcome is 'delivered'"))
    off = {k: round(float(got[k]), 3) for k in want if not math.isclose(got[k], want[k], abs_tol=0.001)}
    expect(not off, expected=_("shares of ALL {n} attempts: {shares}", n=len(frame),
                               shares=show({k: round(v, 3) for k, v in want.items()})),
           got=show(off), hint=_("divide each count by the number of attempts, delivered ones included"))


@exercise("13.2", points=2, title="Frequent errors: failure share by status")
def _errors(error_shares):
    for rows, want in SHARES:
        _judge_shares(error_shares, _attempts_frame(rows), want)
    return _("a 5xx says the receiver struggles, a 401 says the configuration is wrong")


# -- 13.3 alert transitions -------------------------------------------------------------------------

_THRESHOLDS = {"error_rate": 0.05, "p95_lag_s": 60.0}

#: 13.3's windows, thresholds, and the transitions to post.
TRANSITIONS = [
    (pd.DataFrame({"window": ["09:00", "09:01", "09:02", "09:03", "09:04", "09:05", "09:06"],
                   "error_rate": [0.0, 0.3, 0.42, 0.35, 0.05, 0.0, 0.0],
                   "p95_lag_s": [1.0, 4.0, 75.0, 320.0, 310.0, 90.0, 12.0]}), _THRESHOLDS,
     [("09:01", "error_rate", "firing"), ("09:02", "p95_lag_s", "firing"), ("09:04", "error_rate", "resolved"),
      ("09:06", "p95_lag_s", "resolved")]),
    (pd.DataFrame({"window": [f"10:{i:02d}" for i in range(10)],
                   "error_rate": [0.0, 0.08, 0.02, 0.09, 0.05, 0.06, 0.06, 0.01, 0.0, 0.12],
                   "p95_lag_s": [5.0, 12.0, 60.0, 61.0, 75.0, 40.0, 60.0, 60.5, 300.0, 280.0]}), _THRESHOLDS,
     [("10:01", "error_rate", "firing"), ("10:02", "error_rate", "resolved"), ("10:03", "error_rate", "firing"),
      ("10:03", "p95_lag_s", "firing"), ("10:04", "error_rate", "resolved"), ("10:05", "error_rate", "firing"),
      ("10:05", "p95_lag_s", "resolved"), ("10:07", "error_rate", "resolved"), ("10:07", "p95_lag_s", "firing"),
      ("10:09", "error_rate", "firing")]),
    (pd.DataFrame({"window": [f"11:{i:02d}" for i in range(8)],
                   "error_rate": [0.5, 0.5, 0.0, 0.3, 0.2, 0.9, 0.0, 0.4],
                   "p95_lag_s": [0.0, 90.0, 95.0, 30.0, 60.0, 61.0, 59.0, 0.0]}), {"p95_lag_s": 60.0},
     [("11:01", "p95_lag_s", "firing"), ("11:03", "p95_lag_s", "resolved"), ("11:05", "p95_lag_s", "firing"),
      ("11:06", "p95_lag_s", "resolved")]),
]


def _judge_transitions(alert_transitions: Callable, frame: pd.DataFrame, limits: dict, want: list[tuple]) -> None:
    got = alert_transitions(frame.copy(), dict(limits))
    again = alert_transitions(frame.copy(), dict(limits))
    expect(isinstance(got, list), expected=_("a list of (window, metric, state) tuples"), got=got,
           hint=_("collect the tuples in a list and return it"))
    got_t = [tuple(t) for t in got]
    firings = [t for t in got_t if len(t) == 3 and t[2] == "firing"]
    wanted = len([t for t in want if t[2] == "firing"])
    expect(len(firings) <= wanted,
           expected=_("{n} 'firing' message(s) for {windows} windows", count=wanted, n=wanted, windows=len(frame)),
           got=f"{len(firings)}: {show(firings)}",
           hint=_("post when a metric starts breaching, not on every window it stays above the threshold "
                  "(remember which metrics are firing already)"))
    expect(sorted(got_t) == sorted(want), expected=_("the transitions {want}", want=show(want, 300)),
           got=show(got_t, 300),
           hint=_("breached means value > threshold; 'firing' when a metric becomes breached, 'resolved' "
                  "when it goes back under; every metric starts quiet; the tuple is (window, metric, state)"))
    expect([tuple(t) for t in again] == got_t, expected=_("the same answer when called twice"),
           got=show([tuple(t) for t in again], 200),
           hint=_("start from an empty set of firing metrics inside the function, not in a global"))


@exercise("13.3", points=3, title="Alert on a change, not on every window")
def _alerts(alert_transitions):
    for frame, limits, want in TRANSITIONS:
        _judge_transitions(alert_transitions, frame, limits, want)
    return _("one message when things break, one when they recover: a channel people keep reading")


# -- 13.4 the diagnosis ------------------------------------------------------------------------------

#: (seed, fault) of the hidden incidents: every fault at least once, in an order a guess cannot follow.
_CASES = [(401, "outage"), (402, "healthy"), (403, "duplicates"), (404, "flaky_receiver"),
          (405, "wrong_secret"), (406, "slow_crm"), (407, "flaky_receiver"), (408, "slow_crm")]


def _judge_incidents(diagnose, cases: list[tuple[int, str]], expected: str, hint: str) -> None:
    """``diagnose`` names the fault of each seeded incident in ``cases`` ((seed, fault) pairs)."""
    wrong = []
    for n, (seed, fault) in enumerate(cases, 1):
        stack = _graded_incident(fault, seed)
        try:
            got = diagnose(stack)
        finally:
            stack.stop()
        expect(got in FAULTS, expected=_("one of {names}", names=list(FAULTS)), got=got,
               hint=_("return the name of the fault as a string, e.g. 'slow_crm'"))
        if got != fault:
            wrong.append(_("incident {n}: {got!r}, it was {fault!r}", n=n, got=got, fault=fault))
    if wrong:
        fail(expected=expected, got=_("{n} wrong ({cases})", count=len(wrong), n=len(wrong), cases="; ".join(wrong)),
             hint=hint)


@exercise("13.4", points=4, title="Name the fault from the metrics alone")
def _diagnose(diagnose):
    _judge_incidents(diagnose, _CASES, _("all {n} hidden incidents named right", n=len(_CASES)),
                     _("look at errors first (which status or error?), then reconcile() (which problem?), "
                       "then the lag: errors and outages cause delays too"))
    return _("{n} hidden incidents, every one named from its evidence", n=len(_CASES))
