"""Lesson 13's measurements, and lab 13's checks: right answers pass, lazy or wrong ones fail."""

from __future__ import annotations

import pandas as pd
import pytest

import hooklab
from hooklab.course import checks, lab13


def test_lag_with_dedup_off_counts_the_first_copy_processed(vstack):
    vstack.receiver.dedup = False
    vstack.faults.set("receiver", duplicate_rate=1.0)
    ids = [vstack.fire("newsletter.subscribed") for _ in range(3)]
    vstack.wait()
    inbox = vstack.receiver.inbox()
    assert len(inbox) == 6 and inbox["id"].str.contains("#").all()  # two copies each, keyed "<id>#<n>"
    events = vstack.events()
    assert sorted(events["id"]) == sorted(ids) and events["lag_s"].notna().all()
    signs = vstack.warning_signs().set_index("metric")["value"]
    assert signs["events not yet processed"] == 0


# -- the right answers, as in solutions/13_lab_diagnosis.ipynb ---------------------------------------

def delays(events):
    lag = (events["processed_at"] - events["created_at"]).dt.total_seconds().dropna()
    return {"p95_lag_s": float(lag.quantile(0.95)) if len(lag) else 0.0,
            "unprocessed": int(events["processed_at"].isna().sum())}


def error_shares(attempts):
    failed = attempts[attempts["outcome"] != "delivered"]
    result = failed["status_code"].astype("string").fillna(failed["error"])
    return (result.value_counts() / len(attempts)).to_dict()


def alert_transitions(windows, thresholds, firing=None):
    firing, out = set() if firing is None else firing, []
    for row in windows.to_dict("records"):
        for metric, limit in thresholds.items():
            if row[metric] > limit and metric not in firing:
                firing.add(metric)
                out.append((row["window"], metric, "firing"))
            elif row[metric] <= limit and metric in firing:
                firing.discard(metric)
                out.append((row["window"], metric, "resolved"))
    return out


def test_right_answers_pass_13_1_to_13_3(capsys):
    checks.check("13.1", delays)
    checks.check("13.2", error_shares)
    checks.check("13.3", alert_transitions)
    assert capsys.readouterr().out.count("✅") == 3


def _lag(events):
    return (events["processed_at"] - events["created_at"]).dt.total_seconds()


@pytest.mark.parametrize("wrong, says", [
    (lambda e: {"p95_lag_s": float(_lag(e).mean()), "unprocessed": int(e["processed_at"].isna().sum())}, "p95_lag_s"),
    (lambda e: {"p95_lag_s": float(_lag(e).max()), "unprocessed": int(e["processed_at"].isna().sum())}, "p95_lag_s"),
    (lambda e: {"p95_lag_s": float(_lag(e).fillna(0).quantile(0.95)), "unprocessed": 0}, "unprocessed"),
    (lambda e: {"p95_lag_s": float(_lag(e).fillna(0).quantile(0.95)),
                "unprocessed": int(e["processed_at"].isna().sum())}, "p95_lag_s"),
    (lambda e: {"p95_lag_s": float(e["lag_s"].quantile(0.95)), "unprocessed": 0}, "KeyError"),
    (lambda e: {"p95_lag_s": 90.0, "unprocessed": 0}, "expected"),
    (lambda e: float(_lag(e).quantile(0.95)), "a dict"),
])
def test_13_1_rejects_the_mean_the_max_missing_as_zero_and_a_fixed_answer(wrong, says):
    with pytest.raises(checks.CheckFailed, match=says):
        checks.check("13.1", wrong)


def _result(a):
    return a["status_code"].astype("string").fillna(a["error"])


@pytest.mark.parametrize("wrong, says", [
    (lambda a: (_result(a)[a["outcome"] != "delivered"].value_counts(normalize=True)).to_dict(), "shares of ALL"),
    (lambda a: (_result(a).value_counts() / len(a)).to_dict(), "keys"),
    (lambda a: (a["status_code"][a["outcome"] != "delivered"].dropna().value_counts() / len(a)).to_dict(), "keys"),
    (lambda a: {"503": 0.2}, "keys"),
    (lambda a: round(float((a["outcome"] != "delivered").mean()), 3), "a dict"),
])
def test_13_2_rejects_shares_of_failures_only_delivered_keys_and_int_keys(wrong, says):
    with pytest.raises(checks.CheckFailed, match=says):
        checks.check("13.2", wrong)


def _every_window(windows, thresholds):
    return [(r["window"], m, "firing") for r in windows.to_dict("records") for m, v in thresholds.items() if r[m] > v]


def _no_resolved(windows, thresholds):
    return [t for t in alert_transitions(windows, thresholds) if t[2] == "firing"]


def _at_or_above(windows, thresholds):
    return alert_transitions(windows, {m: v - 1e-9 for m, v in thresholds.items()})


_remembered: set = set()


def _global_state(windows, thresholds):
    return alert_transitions(windows, thresholds, _remembered)  # the bug: what fires is kept between calls


@pytest.mark.parametrize("wrong, says", [
    (_every_window, "'firing' message"),
    (_no_resolved, "transitions"),
    (_at_or_above, "transitions"),
    (_global_state, "expected"),
    (lambda w, t: [], "transitions"),
])
def test_13_3_rejects_an_alert_per_window_no_resolve_the_wrong_comparison_and_global_state(wrong, says):
    with pytest.raises(checks.CheckFailed, match=says):
        checks.check("13.3", wrong)


def test_an_incident_keeps_its_evidence_and_hides_its_fault():
    with lab13.incident("wrong_secret", seed=3) as stack:
        assert stack.faults.summary() == {} and stack.faults.injected() == {}
        assert stack.receiver.secrets == [stack.secret] and stack.receiver.dedup
        assert (stack.deliveries()["status_code"] == 401).all()
        assert (stack.reconcile()["problem"] == "missing").all()
    with pytest.raises(ValueError, match="unknown fault"):
        lab13.incident("gremlins")


def diagnose(stack):
    errors = error_shares(stack.deliveries())
    if sum(share for result, share in errors.items() if result.startswith("4")) > 0.5:
        return "wrong_secret"
    if errors.get("connection", 0) > 0.05:
        return "outage"
    if sum(share for result, share in errors.items() if result.startswith("5")) > 0.05:
        return "flaky_receiver"
    if (stack.reconcile()["problem"] == "duplicate").any():
        return "duplicates"
    if delays(stack.events())["p95_lag_s"] > 30:
        return "slow_crm"
    return "healthy"


def _any_error_is_flaky(stack):
    if error_shares(stack.deliveries()):
        return "flaky_receiver"
    return diagnose(stack)


@pytest.mark.parametrize("wrong, says", [
    (lambda stack: "healthy", "wrong"),
    (_any_error_is_flaky, "it was 'outage'"),
    (lambda stack: "slow crm", "one of"),
])
@pytest.mark.slow
def test_13_4_rejects_a_guess_and_a_diagnosis_that_ignores_the_status(wrong, says):
    with pytest.raises(checks.CheckFailed, match=says):
        checks.check("13.4", wrong)


@pytest.mark.slow
def test_13_4_passes_the_right_diagnosis_and_leaves_the_learners_stack_running(vstack, capsys):
    checks.check("13.4", diagnose)
    assert "8 hidden incidents" in capsys.readouterr().out
    assert vstack.running and hooklab.stack._current is vstack


def test_windows_show_an_outage_as_a_breach_that_ends():
    with lab13.incident("outage", seed=2) as stack:
        w = lab13.windows(stack)
    assert list(w.columns) == ["window", "error_rate", "p95_lag_s"]
    assert w["window"].is_unique and (w["error_rate"] > 0.05).any() and w["error_rate"].iloc[-1] == 0
    assert alert_transitions(w, {"error_rate": 0.05})[0][2] == "firing"
