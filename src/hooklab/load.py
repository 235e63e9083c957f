"""Load a receiver at rising rates and measure what its senders see (lesson 12).

The load is *open*: request ``i`` of a step is due at ``i / rate`` seconds, whether or not
earlier requests have been answered, as real traffic is. Latency is measured from the due
time, not from when a client thread got round to sending, so a saturated receiver cannot hide
its queueing (the "coordinated omission" mistake of closed-loop benchmarks). On a stack
started on the real clock::

    results = load.run(stack, rates=(25, 50, 100))
    load.summary(results)
"""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import requests

from . import catalog
from .errors import ConfigError
from .signing import sign_headers
from .wire import Sessions

__all__ = ["run", "summary", "plot"]


def _requests(stack, event_type: str, n: int) -> list[tuple[str, bytes]]:
    bodies = []
    for _ in range(n):
        data = stack.sources.factory.data(event_type)
        body = json.dumps(catalog.envelope(event_type, data, stack.clock.now()), separators=(",", ":"))
        bodies.append((f"msg_load_{uuid.uuid4().hex[:16]}", body.encode()))
    return bodies


def run(stack, rates: tuple[float, ...] = (20, 40, 80, 160), seconds: float = 0.5,
        event_type: str = "newsletter.subscribed", concurrency: int = 32, progress: bool = True) -> pd.DataFrame:
    """Post signed events straight to the receiver at each rate for ``seconds``; one row per request.

    Columns: ``rate`` (offered, per second), ``id``, ``status`` (``None`` if no answer),
    ``latency_ms`` (from the due time to the answer) and ``lag_s`` (from the answer to the end
    of the handler run; the handlers are waited for after each step). Needs the real clock.
    """
    if stack.clock.virtual:
        raise ConfigError("a load test measures real time: start the stack with clock=\"real\"")
    url = stack.urls["receiver"] + "/webhooks"
    # A Session per client thread, keeping its connection alive as senders do; the receiver's
    # injected faults apply, as they do to the stack's own sender.
    http = Sessions(faults=stack.faults, service_of=lambda u: "receiver")
    plan = [(rate, _requests(stack, event_type, max(1, round(rate * seconds)))) for rate in rates]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=sum(len(reqs) for _, reqs in plan), desc="requests", unit="req", mininterval=1)

    def send(due: float, msg_id: str, body: bytes) -> tuple[int | None, float]:
        headers = sign_headers(stack.secret, msg_id, time.time(), body)
        try:
            status = http.get().post(url, data=body, headers=headers, timeout=stack.dispatcher.timeout,
                                     allow_redirects=False).status_code
        except requests.RequestException:
            status = None
        return status, (time.perf_counter() - due) * 1000

    rows = []
    try:
        with ThreadPoolExecutor(concurrency, thread_name_prefix="hooklab-load") as pool:
            # Warm up (connections, threads, caches) so the first step is not measured cold.
            list(pool.map(lambda req: send(time.perf_counter(), *req), _requests(stack, event_type, concurrency)))
            stack.wait(timeout=120)
            for rate, reqs in plan:
                start = time.perf_counter()
                futures = []
                for i, (msg_id, body) in enumerate(reqs):
                    due = start + i / rate
                    time.sleep(max(0.0, due - time.perf_counter()))
                    futures.append((msg_id, pool.submit(send, due, msg_id, body)))
                for msg_id, future in futures:
                    status, latency = future.result()
                    rows.append({"rate": rate, "id": msg_id, "status": status, "latency_ms": round(latency, 2)})
                    if bar is not None:
                        bar.update()
                stack.wait(timeout=120)
    finally:
        http.close()
    if bar is not None:
        bar.close()
    inbox = stack.receiver.inbox()[["id", "received_at", "processed_at"]]
    df = pd.DataFrame(rows).merge(inbox, on="id", how="left")
    df["lag_s"] = (df["processed_at"] - df["received_at"]).dt.total_seconds().round(3)
    return df.drop(columns=["received_at", "processed_at"])


def summary(results: pd.DataFrame) -> pd.DataFrame:
    """Per offered rate: requests, answered 2xx, throughput, latency percentiles, p95 handler lag."""
    rows = []
    for rate, g in results.groupby("rate"):
        ok = int(g["status"].between(200, 299).sum())
        span = len(g) / rate + g["latency_ms"].max() / 1000  # from the first due time to the last answer
        q = g["latency_ms"].quantile([0.5, 0.95, 0.99]).round(1)
        rows.append({"rate": rate, "requests": len(g), "ok": ok, "throughput": round(ok / span, 1),
                     "p50_ms": q[0.5], "p95_ms": q[0.95], "p99_ms": q[0.99],
                     "lag_p95_s": round(g["lag_s"].quantile(0.95), 3)})
    return pd.DataFrame(rows)


def plot(summaries: dict[str, pd.DataFrame]):
    """Throughput and latency percentiles against offered load, one line style per design."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4))
    for (label, s), color in zip(summaries.items(), ("tab:red", "tab:green", "tab:blue")):
        left.plot(s["rate"], s["throughput"], "o-", color=color, label=label)
        for col, style in (("p50_ms", ":"), ("p95_ms", "--"), ("p99_ms", "-")):
            right.plot(s["rate"], s[col], style, color=color, marker="o", label=f"{label} {col[:3]}")
    top = max(s["rate"].max() for s in summaries.values())
    left.plot([0, top], [0, top], color="grey", lw=0.8, label="offered")
    left.set(title="throughput", xlabel="offered load (events/s)", ylabel="answered 2xx per second")
    right.set(title="what the sender waits for", xlabel="offered load (events/s)", ylabel="latency (ms)",
              yscale="log")
    left.legend(fontsize=8)
    right.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig
