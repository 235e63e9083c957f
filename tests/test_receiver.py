"""The receiver over real HTTP: what it accepts, what it refuses and why, and that refusals change nothing."""

from __future__ import annotations

import json
import time

import pytest
import requests
from standardwebhooks.webhooks import Webhook

import hooklab
from hooklab import catalog, signing
from hooklab.errors import ConfigError
from hooklab.services.base import ServiceClient


def envelope(stack, **data):
    d = stack.sources.factory.data("newsletter.subscribed", **data)
    return catalog.envelope("newsletter.subscribed", d, stack.clock.now())


def post(stack, body, headers):
    return requests.post(stack.urls["receiver"] + "/webhooks", data=body, headers=headers, timeout=10)


def signed(stack, body: bytes | str, msg_id="msg_test1", ts=None, secret=None):
    ts = int(stack.clock.now()) if ts is None else ts
    return signing.sign_headers(secret or stack.secret, msg_id, ts, body)


def test_request_signed_by_the_official_library_is_accepted(rstack):
    body = json.dumps(envelope(rstack, email="official@example.com"))
    now = time.time()
    from datetime import datetime, timezone

    sig = Webhook(rstack.secret).sign("msg_official", datetime.fromtimestamp(now, tz=timezone.utc), body)
    headers = {"webhook-id": "msg_official", "webhook-timestamp": str(int(now)), "webhook-signature": sig,
               "content-type": "application/json"}
    r = post(rstack, body, headers)
    assert r.status_code == 202, r.text
    tampered = body.replace("official@", "offician@")
    r = post(rstack, tampered, {**headers, "webhook-id": "msg_official2"})
    assert r.status_code == 401 and "no matching signature" in r.json()["error"]
    rstack.wait()
    assert rstack.crm.contacts()["email"].tolist() == ["official@example.com"]


def test_a_hooklab_signature_verifies_with_the_official_library(rstack):
    body = json.dumps(envelope(rstack))
    headers = signing.sign_headers(rstack.secret, "msg_x", int(time.time()), body)
    assert Webhook(rstack.secret).verify(body, headers) == json.loads(body)


def test_a_repeated_webhook_id_gets_200_and_changes_nothing(vstack):
    body = json.dumps(envelope(vstack, email="twice@example.com"))
    first = post(vstack, body, signed(vstack, body))
    second = post(vstack, body, signed(vstack, body))
    assert (first.status_code, second.status_code) == (202, 200)
    assert second.json()["status"] == "duplicate"
    vstack.wait()
    assert len(vstack.receiver.inbox()) == 1 and len(vstack.crm.contacts()) == 1


def test_unknown_event_types_are_acknowledged_and_ignored(vstack):
    body = json.dumps({"type": "invoice.paid", "timestamp": "2026-01-05T09:00:00.000Z", "data": {"x": 1}})
    r = post(vstack, body, signed(vstack, body))
    assert r.status_code == 202 and r.json()["status"] == "ignored"
    vstack.wait()
    assert vstack.receiver.inbox()["status"].tolist() == ["ignored"]
    assert vstack.crm.contacts().empty


def _cases(stack):
    good = json.dumps(envelope(stack))
    now = int(stack.clock.now())
    sig = signed(stack, good)
    bad_data = json.dumps({**json.loads(good), "data": {**json.loads(good)["data"], "email": "not-an-email"}})
    return [
        ("no headers", good, {"content-type": "application/json"}, 401, "missing required header"),
        ("no signature", good, {k: v for k, v in sig.items() if k != "webhook-signature"}, 401, "webhook-signature"),
        ("malformed signature", good, {**sig, "webhook-signature": "v1@@@"}, 401, "malformed"),
        ("bad base64", good, {**sig, "webhook-signature": "v1,abc"}, 401, "signature"),
        ("wrong secret", good, signed(stack, good, secret=signing.generate_secret()), 401, "no matching signature"),
        ("too old", good, signed(stack, good, ts=now - 3600), 401, "too old"),
        ("too new", good, signed(stack, good, ts=now + 3600), 401, "too new"),
        ("bad timestamp", good, {**sig, "webhook-timestamp": "yesterday"}, 401, "malformed webhook-timestamp"),
        ("not json", "{oops", signed(stack, "{oops"), 400, "not valid JSON"),
        ("wrong content type", good, {**sig, "content-type": "text/plain"}, 415, "content type"),
        ("schema invalid", bad_data, signed(stack, bad_data), 422, "data.email"),
        ("json array", "[1, 2]", signed(stack, "[1, 2]"), 422, ""),
        ("deeply nested", "[" * 100_000 + "]" * 100_000, signed(stack, "[" * 100_000 + "]" * 100_000), 400,
         "not valid JSON"),
        ("too large", "x" * (1024 * 1024 + 10), signed(stack, "x" * (1024 * 1024 + 10)), 413, "Too Large"),
    ]


CASE_IDS = ["no headers", "no signature", "malformed signature", "bad base64", "wrong secret", "too old",
            "too new", "bad timestamp", "not json", "wrong content type", "schema invalid", "json array",
            "deeply nested", "too large"]


@pytest.mark.parametrize("case", CASE_IDS)
def test_bad_requests_get_a_clear_4xx_and_change_nothing(vstack, case):
    name, body, headers, status, words = next(c for c in _cases(vstack) if c[0] == case)
    r = post(vstack, body, headers)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert words.lower() in r.json()["error"].lower()
    vstack.wait()
    assert vstack.receiver.inbox().empty and vstack.crm.contacts().empty


def test_wrong_method_and_path_are_json_errors(vstack):
    r = requests.get(vstack.urls["receiver"] + "/webhooks", timeout=5)
    assert r.status_code == 405 and "error" in r.json()
    r = requests.post(vstack.urls["receiver"] + "/nowhere", timeout=5)
    assert r.status_code == 404 and "error" in r.json()


def test_secret_rotation_accepts_old_and_new(vstack):
    new = signing.generate_secret()
    vstack.receiver.secrets.append(new)
    body = json.dumps(envelope(vstack))
    assert post(vstack, body, signed(vstack, body, msg_id="msg_old")).status_code == 202
    assert post(vstack, body, signed(vstack, body, msg_id="msg_new", secret=new)).status_code == 202


def test_inline_handling_is_done_before_the_answer(vstack):
    vstack.receiver.inline = True
    body = json.dumps(envelope(vstack, email="inline@example.com"))
    assert post(vstack, body, signed(vstack, body)).status_code == 202
    assert vstack.crm.contact("inline@example.com") is not None  # no wait(): already handled


def test_a_full_backlog_answers_503_with_retry_after_and_loses_nothing(vstack):
    vstack.receiver.max_backlog = 2
    vstack.receiver.queue.pause()
    answers = []
    for i in range(3):
        body = json.dumps(envelope(vstack, email=f"b{i}@example.com"))
        answers.append(post(vstack, body, signed(vstack, body, msg_id=f"msg_b{i}")))
    assert [r.status_code for r in answers] == [202, 202, 503]
    assert answers[2].headers["Retry-After"] == "10" and "busy" in answers[2].json()["error"]
    assert len(vstack.receiver.inbox()) == 2  # the refused one was not stored: the sender keeps it
    vstack.receiver.queue.resume()


def test_the_served_acknowledge_path_answers_as_the_flask_app_does(vstack):
    """The server skips Flask for POST /webhooks; test_client() goes through Flask. Same bytes both ways."""
    client = vstack.receiver.app.test_client()
    body = json.dumps(envelope(vstack, email="both@example.com"))
    unknown = json.dumps({**json.loads(body), "type": "lead.scored"})
    invalid = json.dumps({**json.loads(body), "data": {"email": "not an email"}})
    cases = [  # (name, body, headers); each goes over HTTP first, then through Flask with a fresh id
        ("accepted", body, lambda i: signed(vstack, body, f"msg_a{i}")),
        ("duplicate", body, lambda i: signed(vstack, body, "msg_dup")),
        ("ignored", unknown, lambda i: signed(vstack, unknown, f"msg_u{i}")),
        ("bad signature", body, lambda i: signed(vstack, body, f"msg_s{i}", secret=signing.generate_secret())),
        ("not json", "{oops", lambda i: signed(vstack, "{oops", f"msg_j{i}")),
        ("invalid", invalid, lambda i: signed(vstack, invalid, f"msg_v{i}")),
        ("text body", body, lambda i: {**signed(vstack, body, f"msg_t{i}"), "content-type": "text/plain"}),
        ("no headers", body, lambda i: {"content-type": "application/json"}),
    ]
    post(vstack, body, signed(vstack, body, "msg_dup"))  # so that both ways see a duplicate
    for name, data, headers in cases:
        served = post(vstack, data, headers(1))
        direct = client.post("/webhooks", data=data, headers=headers(2))
        assert served.status_code == direct.status_code, name
        assert served.headers["Content-Type"] == direct.headers["Content-Type"], name
        assert served.content == direct.data.replace(b"msg_a2", b"msg_a1").replace(b"msg_u2", b"msg_u1"), name
    vstack.receiver.max_backlog = 0
    busy = [post(vstack, body, signed(vstack, body, "msg_b1")), client.post("/webhooks", data=body,
                                                                             headers=signed(vstack, body, "msg_b2"))]
    assert [r.status_code for r in busy] == [503, 503]
    assert busy[0].headers["Retry-After"] == busy[1].headers["Retry-After"] == "10"
    assert busy[0].content == busy[1].data


# -- batching (lesson 12) --------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 101, "10", True, 2.5])
def test_batch_size_outside_1_to_100_is_refused_with_the_range(rstack, size):
    with pytest.raises(ConfigError, match=r"batch_size must be a whole number from 1 \(no batching\) to 100"):
        rstack.receiver.batch_size = size
    assert rstack.receiver.batch_size == 1


def _newsletter_run(size: int, monkeypatch) -> tuple[dict, int]:
    """Subscribes and unsubscribes handled with ``batch_size``: the services' end state, and the calls made."""
    calls = []
    real = ServiceClient.request
    monkeypatch.setattr(ServiceClient, "request", lambda self, *a, **k: calls.append(a[1]) or real(self, *a, **k))
    with hooklab.start(seed=3) as stack:
        stack.receiver.batch_size = size
        stack.receiver.pause()  # a backlog builds, as in a burst
        for _ in range(40):
            stack.fire("newsletter.subscribed")
        for _ in range(10):
            stack.fire("newsletter.unsubscribed")
        stack.wait()
        before = len(calls)
        stack.receiver.resume()
        stack.wait()
        handled = len(calls) - before
        state = {"contacts": stack.crm.contacts()[["email", "name", "subscribed", "lifecycle_stage"]].values.tolist(),
                 "members": stack.email.subscribers()[["email", "status", "merge_fields"]].values.tolist(),
                 "timeline": sorted(stack.crm.timeline()[["email", "text", "event_id"]].values.tolist()),
                 "inbox": stack.receiver.inbox()["status"].value_counts().to_dict(),
                 "reconcile": len(stack.reconcile())}
    return state, handled


def test_batched_handlers_leave_what_one_by_one_handlers_leave_with_far_fewer_calls(monkeypatch):
    one_by_one, calls_one = _newsletter_run(1, monkeypatch)
    batched, calls_batched = _newsletter_run(100, monkeypatch)
    assert batched == one_by_one
    assert one_by_one["inbox"] == {"processed": 50} and one_by_one["reconcile"] == 0
    assert len(one_by_one["timeline"]) == 50 and calls_one >= 150
    assert calls_batched <= 6, f"{calls_batched} calls for 50 events in batches"


def test_a_failed_batch_retries_every_event_and_loses_none(rstack):
    rstack.receiver.batch_size = 20
    rstack.faults.set("crm", error_rate=1.0)
    rstack.receiver.pause()
    for _ in range(10):
        rstack.fire("newsletter.subscribed")
    rstack.wait()
    rstack.receiver.resume()
    deadline = time.monotonic() + 10
    while (rstack.receiver.inbox()["attempts"] < 1).any() and time.monotonic() < deadline:
        time.sleep(0.02)
    inbox = rstack.receiver.inbox()
    assert set(inbox["status"]) == {"retrying"} and set(inbox["attempts"]) == {1}
    assert inbox["last_error"].str.contains("crm: injected fault").all()
    rstack.faults.clear("crm")
    rstack.wait(timeout=30)
    assert set(rstack.receiver.inbox()["status"]) == {"processed"} and rstack.reconcile().empty
    assert len(rstack.crm.contacts()) == 10 and len(rstack.crm.timeline()) == 10


def test_a_learners_handler_still_gets_every_event_one_at_a_time(rstack):
    seen = []
    rstack.receiver.on("newsletter.subscribed")(lambda event: seen.append(event["id"]))
    rstack.receiver.batch_size = 50
    rstack.receiver.pause()
    ids = [rstack.fire("newsletter.subscribed") for _ in range(8)]
    rstack.wait()
    rstack.receiver.resume()
    rstack.wait()
    assert sorted(seen) == sorted(ids) and rstack.crm.contacts().empty
