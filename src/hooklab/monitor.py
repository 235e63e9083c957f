"""Turn logs into answers: latency percentiles, error rates, lag, reconciliation, warning signs.

Pure functions over DataFrames (the stack passes its own tables in), so a
lesson can compute the same numbers by hand and compare.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["latency_stats", "error_rates", "lag", "reconcile", "Thresholds", "warning_signs",
           "plot_latency", "plot_attempts", "RECONCILE_COLUMNS", "COPY_MARK", "event_id"]

RECONCILE_COLUMNS = ["system", "entity", "key", "problem", "field", "expected", "actual"]

#: With ``dedup`` off the receiver gives every copy of a webhook its own inbox row, keyed
#: ``<webhook-id>#<n>``. The key format lives here, below the receiver, because the monitor
#: reads inbox tables without depending on the service that writes them.
COPY_MARK = "#"


def event_id(key: str) -> str:
    """The webhook-id an inbox key stands for (the key itself unless dedup was off).

    >>> event_id("msg_1#3"), event_id("msg_1")
    ('msg_1', 'msg_1')
    """
    return key.partition(COPY_MARK)[0]


def latency_stats(attempts: pd.DataFrame, by: str = "subscription") -> pd.DataFrame:
    """Attempts, successes, error rate and p50/p95/p99 latency (ms) per ``by``."""
    cols = [by, "attempts", "delivered", "error_rate", "p50_ms", "p95_ms", "p99_ms"]
    if attempts.empty:
        return pd.DataFrame(columns=cols)
    g = attempts.groupby(by, sort=True)
    out = pd.DataFrame({
        "attempts": g.size(),
        "delivered": g["outcome"].apply(lambda s: int((s == "delivered").sum())),
        "p50_ms": g["latency_ms"].quantile(0.50),
        "p95_ms": g["latency_ms"].quantile(0.95),
        "p99_ms": g["latency_ms"].quantile(0.99),
    })
    out["error_rate"] = 1 - out["delivered"] / out["attempts"]
    return out.reset_index()[cols].round(3)


def error_rates(attempts: pd.DataFrame) -> pd.DataFrame:
    """How often each result happened, per subscription: ``200``, ``503``, ``timeout``..."""
    cols = ["subscription", "result", "count", "share"]
    if attempts.empty:
        return pd.DataFrame(columns=cols)
    result = attempts["status_code"].astype("string").fillna(attempts["error"].astype("string"))
    df = attempts.assign(result=result).groupby(["subscription", "result"]).size().rename("count").reset_index()
    df["share"] = (df["count"] / df.groupby("subscription")["count"].transform("sum")).round(3)
    return df.sort_values(["subscription", "count", "result"], ascending=[True, False, True],
                          ignore_index=True)[cols]


def lag(events: pd.DataFrame, inbox: pd.DataFrame) -> pd.DataFrame:
    """Seconds from each event to the moment its handlers finished (NaN: not yet, or never)."""
    # With dedup off the inbox holds every copy of an event: the first one processed is when it
    # reached the CRM.
    inbox = (inbox[["id", "status", "processed_at"]].assign(id=inbox["id"].map(event_id))
             .sort_values("processed_at", kind="stable").drop_duplicates("id"))
    df = events[["id", "type", "created_at"]].merge(inbox, on="id", how="left")
    df["status"] = df["status"].fillna("not received")
    df["lag_s"] = (df["processed_at"] - df["created_at"]).dt.total_seconds().round(3)
    return df


def _norm(v):
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else v


def reconcile(truth_contacts: pd.DataFrame, truth_orders: pd.DataFrame, crm_contacts: pd.DataFrame,
              crm_orders: pd.DataFrame, subscribers: pd.DataFrame, list_id: str = "newsletter") -> pd.DataFrame:
    """Every place where the CRM or the email platform disagrees with the sources' truth.

    ``problem`` is ``missing`` (never arrived), ``duplicate`` (arrived twice),
    ``stale`` (an older version is shown) or ``mismatched`` (different data).
    An empty result means the systems agree.
    """
    rows: list[dict] = []

    def add(system, entity, key, problem, field=None, expected=None, actual=None):
        rows.append(dict(system=system, entity=entity, key=key, problem=problem, field=field,
                         expected=expected, actual=actual))

    crm = {r["email"]: r for r in crm_contacts.to_dict("records")}
    members = {r["email"]: r for r in subscribers.to_dict("records") if r["list_id"] == list_id}
    for t in truth_contacts.to_dict("records"):
        email, c = t["email"], crm.get(t["email"])
        if c is None:
            add("crm", "contact", email, "missing")
        else:
            for field in ("name", "company", "city", "job_title", "phone"):
                want, got = _norm(t.get(field)), _norm(c.get(field))
                if want is not None and want != got:
                    older = (_norm(c.get("source_version")) or 0) < t["version"]
                    add("crm", "contact", email, "stale" if older else "mismatched", field, want, got)
        want_sub = _norm(t.get("subscribed"))
        if want_sub is None:
            continue
        m = members.get(email)
        if m is None:
            if want_sub:
                add("email", "subscriber", email, "missing")
        elif (m["status"] == "subscribed") != bool(want_sub):
            add("email", "subscriber", email, "mismatched", "status",
                "subscribed" if want_sub else "unsubscribed", m["status"])

    counts = crm_orders.groupby("order_id").size() if not crm_orders.empty else pd.Series(dtype=int)
    by_id = {r["order_id"]: r for r in crm_orders.to_dict("records")}
    for t in truth_orders.to_dict("records"):
        n = int(counts.get(t["order_id"], 0))
        if n == 0:
            add("crm", "order", t["order_id"], "missing")
            continue
        if n > 1:
            add("crm", "order", t["order_id"], "duplicate", "rows", 1, n)
        o = by_id[t["order_id"]]
        if o["status"] != t["status"]:
            add("crm", "order", t["order_id"], "mismatched", "status", t["status"], o["status"])
        if round(float(o["total"]), 2) != round(float(t["total"]), 2):
            add("crm", "order", t["order_id"], "mismatched", "total", t["total"], o["total"])
    return pd.DataFrame(rows, columns=RECONCILE_COLUMNS).sort_values(
        ["system", "entity", "key", "problem"], ignore_index=True)


@dataclass(frozen=True)
class Thresholds:
    """When a number becomes a warning sign."""

    p95_lag_s: float = 60.0         # delays: 95% of events reach the CRM within a minute
    error_rate: float = 0.05        # frequent errors: over 5% of attempts fail
    dead_letters: int = 0           # any dead letter needs a person
    discrepancies: int = 0          # inconsistent data: any at all


def warning_signs(attempts: pd.DataFrame, lags: pd.DataFrame, discrepancies: pd.DataFrame,
                  dead_letters: int, thresholds: Thresholds = Thresholds()) -> pd.DataFrame:
    """The three warning signs (delays, frequent errors, inconsistent data) against thresholds."""
    done = lags["lag_s"].dropna()
    p95 = float(done.quantile(0.95)) if len(done) else 0.0
    unprocessed = int(lags["lag_s"].isna().sum())
    failed = (attempts["outcome"] != "delivered").mean() if len(attempts) else 0.0
    rows = [
        ("delays", "p95 lag to CRM (s)", round(p95, 3), thresholds.p95_lag_s, p95 > thresholds.p95_lag_s),
        ("delays", "events not yet processed", unprocessed, 0, unprocessed > 0),
        ("frequent errors", "failed attempt rate", round(float(failed), 3), thresholds.error_rate,
         failed > thresholds.error_rate),
        ("frequent errors", "dead letters", dead_letters, thresholds.dead_letters,
         dead_letters > thresholds.dead_letters),
        ("inconsistent data", "discrepancies", len(discrepancies), thresholds.discrepancies,
         len(discrepancies) > thresholds.discrepancies),
    ]
    return pd.DataFrame(rows, columns=["sign", "metric", "value", "threshold", "alert"])


def plot_latency(attempts: pd.DataFrame, ax=None):
    """Histogram of attempt latency per subscription."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(7, 3.5))[1]
    for sub, df in attempts.groupby("subscription"):
        ax.hist(df["latency_ms"], bins=30, alpha=0.6, label=sub)
    ax.set(xlabel="latency (ms)", ylabel="attempts", title="Delivery latency")
    ax.legend()
    return ax


def plot_attempts(attempts: pd.DataFrame, ax=None):
    """Each attempt over time, coloured by outcome: retries and outages become visible."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(7, 3.5))[1]
    colors = {"delivered": "tab:green", "retrying": "tab:orange", "dead": "tab:red",
              "failed": "tab:purple", "disabled": "tab:gray"}
    for outcome, df in attempts.groupby("outcome"):
        ax.scatter(df["sent_at"], df["attempt"], s=12, label=outcome, color=colors.get(outcome))
    ax.set(xlabel="sent at", ylabel="attempt number", title="Attempts over time")
    ax.legend()
    return ax
