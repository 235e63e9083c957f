"""hooklab.load: an open-loop load test against the real receiver, and its summary."""

from __future__ import annotations

import pandas as pd
import pytest

from hooklab import load


def test_a_small_load_is_answered_summarised_and_plotted(rstack):
    results = load.run(rstack, rates=(10, 20), seconds=0.3, progress=False)
    assert results.groupby("rate").size().to_dict() == {10: 3, 20: 6}
    assert (results["status"] == 202).all() and results["id"].is_unique
    assert results["lag_s"].notna().all()  # every event was handled, and its lag measured
    s = load.summary(results)
    assert s["requests"].tolist() == [3, 6] and s["ok"].tolist() == [3, 6]
    assert (s["p50_ms"] <= s["p95_ms"]).all() and (s["p95_ms"] <= s["p99_ms"]).all()
    assert len(load.plot({"queued": s}).axes) == 2


def test_summary_counts_only_2xx_as_throughput():
    results = pd.DataFrame({"rate": [10] * 4, "id": list("abcd"), "status": [202, 503, None, 202],
                            "latency_ms": [5.0, 5.0, 5000.0, 5.0], "lag_s": [0.1, None, None, 0.1]})
    row = load.summary(results).iloc[0]
    assert (row["requests"], row["ok"]) == (4, 2)
    assert row["throughput"] == round(2 / (0.4 + 5.0), 1)


def test_a_virtual_clock_is_refused_with_the_reason(vstack):
    with pytest.raises(ValueError, match="real"):
        load.run(vstack, progress=False)
