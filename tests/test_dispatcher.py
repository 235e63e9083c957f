"""The sender's rules: which answers are retried, when, and what ends a delivery."""

from __future__ import annotations

import pytest

import hooklab
from hooklab.delivery.retry import DEFAULT_SCHEDULE, backoff, classify, next_delay, parse_retry_after


def outcomes(stack):
    return stack.deliveries()[["attempt", "status_code", "error", "outcome"]]


@pytest.mark.parametrize("status,retried", [(500, True), (502, True), (503, True), (408, True), (409, True),
                                            (429, True), (400, False), (401, False), (404, False), (422, False)])
def test_which_statuses_are_retried(vstack, status, retried):
    vstack.faults.set("receiver", error_rate=1.0, error_status=status)
    vstack.fire("newsletter.subscribed")
    vstack.wait()
    attempts = outcomes(vstack)
    if retried:
        assert len(attempts) == len(DEFAULT_SCHEDULE) and attempts["outcome"].iloc[-1] == "dead"
    else:
        assert len(attempts) == 1 and attempts["outcome"].iloc[0] == "failed"
        assert vstack.dead_letters()["status"].tolist() == ["failed"]


def test_retry_after_is_honoured(vstack):
    vstack.faults.set("receiver", error_rate=1.0, error_status=429, retry_after=900)
    vstack.fire("newsletter.subscribed")
    vstack.advance(3600)
    sent = vstack.deliveries()["sent_at"]
    gaps = sent.diff().dropna().dt.total_seconds()
    assert len(gaps) >= 2 and (gaps >= 900).all()  # the schedule alone would retry after ~5 s


def test_410_gone_disables_the_subscription_and_alerts(vstack):
    vstack.faults.set("receiver", error_rate=1.0, error_status=410)
    vstack.fire("newsletter.subscribed")
    vstack.wait()
    subs = vstack.dispatcher.subscriptions()
    assert subs["enabled"].tolist() == [False] and "410" in subs["disabled_reason"].iloc[0]
    assert "disabled" in vstack.notifier.messages(channel="alerts")["text"].iloc[0]
    vstack.faults.clear()
    vstack.fire("newsletter.subscribed")  # nothing goes to a disabled endpoint
    vstack.wait()
    assert len(vstack.deliveries()) == 1


def test_a_hang_past_the_timeout_is_retried_and_deduplicated(vstack):
    vstack.faults.set("receiver", hang_rate=1.0, hang_s=30)
    vstack.fire("newsletter.subscribed")
    vstack.advance(2)  # first attempt times out after 5 s (virtual), but the receiver did the work
    vstack.faults.clear()
    vstack.wait()
    attempts = outcomes(vstack)
    assert attempts["error"].tolist()[0] == "timeout"
    assert attempts["outcome"].tolist()[-1] == "delivered"
    assert attempts["status_code"].tolist()[-1] == 200  # "duplicate": already in the inbox
    assert len(vstack.crm.contacts()) == 1


def test_a_hang_on_the_real_clock_times_out():
    with hooklab.start(seed=1, timeout=0.3, schedule=(0,)) as stack:
        stack.faults.set("receiver", hang_rate=1.0, hang_s=5)
        stack.fire("newsletter.subscribed")
        stack.wait(timeout=10)
        attempts = stack.deliveries()
        assert attempts["error"].tolist() == ["timeout"]
        assert 250 < attempts["latency_ms"].iloc[0] < 2000


def test_dropped_connections_are_retried(vstack):
    vstack.faults.set("receiver", drop_rate=0.5)
    for _ in range(20):
        vstack.fire("newsletter.subscribed")
    vstack.wait()
    attempts = vstack.deliveries()
    assert (attempts["error"] == "connection").any()
    assert len(vstack.crm.contacts()) == 20


def test_network_duplicates_are_absorbed_by_the_receiver(vstack):
    vstack.faults.set("receiver", duplicate_rate=1.0)
    for _ in range(10):
        vstack.fire("order.completed")
    vstack.wait()
    rejections = vstack.receiver.rejections()
    assert (rejections["outcome"] == "duplicate").sum() == 10
    orders = vstack.crm.orders()
    assert len(orders) == 10 and orders["order_id"].is_unique


def test_corrupted_payloads_fail_the_signature_and_are_not_retried(vstack):
    vstack.faults.set("receiver", corrupt_rate=1.0)
    vstack.fire("newsletter.subscribed")
    vstack.wait()
    attempts = outcomes(vstack)
    assert attempts["status_code"].tolist() == [401] and attempts["outcome"].tolist() == ["failed"]
    assert "signature" in vstack.receiver.rejections()["detail"].iloc[0]


def test_replay_sends_the_same_id_again(vstack):
    event = vstack.fire("newsletter.subscribed")
    vstack.wait()
    assert vstack.replay(event) == 1
    vstack.wait()
    attempts = vstack.deliveries()
    assert attempts["event_id"].tolist() == [event, event]
    assert attempts["trigger"].tolist() == ["event", "replay"]
    assert len(vstack.crm.contacts()) == 1
    with pytest.raises(hooklab.StackError, match="no message"):
        vstack.replay("msg_nope")


def test_fan_out_and_type_filters(vstack):
    sales = vstack.subscribe(vstack.urls["receiver"] + "/webhooks", types=["order.*"], secret=vstack.secret,
                             name="orders-only")
    vstack.fire("newsletter.subscribed")
    vstack.fire("order.completed")
    vstack.wait()
    d = vstack.deliveries()
    assert sorted(d[d["subscription"] == sales["id"]]["type"]) == ["order.completed"]
    assert len(d[d["subscription"] == "sub_integration"]) == 2


@pytest.mark.parametrize("url,words", [
    ("ftp://example.com/x", "http(s)"),
    ("http://10.0.0.5/hook", "private"),
    ("http://169.254.169.254/latest/meta-data", "link-local"),
    ("http://192.168.1.1/", "SSRF"),
])
def test_sender_refuses_internal_targets(vstack, url, words):
    with pytest.raises(hooklab.ConfigError, match=words.replace("(", r"\(").replace(")", r"\)")):
        vstack.subscribe(url)


def test_classify_and_retry_after_parsing():
    assert [classify(s) for s in (200, 204, 301, 400, 404, 408, 409, 410, 429, 500, None)] == [
        "delivered", "delivered", "fail", "fail", "fail", "retry", "retry", "disable", "retry", "retry", "retry"]
    assert parse_retry_after("120", 0) == 120
    assert parse_retry_after("Thu, 01 Jan 1970 00:01:40 GMT", 40) == 60
    assert parse_retry_after("soon", 0) is None


def test_jittered_delays_stay_within_bounds_and_differ():
    import random

    rng = random.Random(1)
    delays = [next_delay(DEFAULT_SCHEDULE, 2, rng) for _ in range(200)]
    assert all(240 <= d <= 360 for d in delays) and len(set(delays)) > 150
    assert next_delay(DEFAULT_SCHEDULE, len(DEFAULT_SCHEDULE), rng) is None
    assert next_delay(DEFAULT_SCHEDULE, 1, rng, retry_after=60) >= 60
    assert backoff(1, jitter="none") == 1 and backoff(5, jitter="none") == 16
    assert all(0 <= backoff(5, rng=rng) <= 16 for _ in range(100))
