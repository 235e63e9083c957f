"""The grader's own cases for lab 02 (instructor-only: not in the student release)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import numbers
import random

import pandas as pd

from hooklab import catalog, signing

from ..checks import expect, fail, hidden, lab_stack, show
from ..lab02 import SIGNED, _a_dict_of_headers, _judge_authentic, _secret
from ..messages import _


@hidden("02.1")
def _headers(signed_headers, stack):
    stack = lab_stack(stack, seed=12)
    # A delivery that needed a retry: the second attempt carries its own timestamp and signature.
    stack.faults.set("receiver", outage=(0, 3))
    try:
        event_id = stack.fire("cart.abandoned")
        stack.wait(timeout=60)
    finally:
        stack.faults.set("receiver", outage=None)
    log = stack.deliveries()
    attempts = log[log.event_id == event_id].sort_values("attempt_id")
    details = [stack.dispatcher.attempt_detail(int(a)) for a in attempts.attempt_id]
    # Another sender: a header that also starts with webhook- but is not one of the three, and
    # two signatures (a sender mid-rotation) in one webhook-signature.
    body = '{"type":"contact.updated","data":{}}'
    rotated = signing.sign_headers([_secret(6), _secret(7)], "msg_rot", 1767700000, body)
    details.append({"request_headers": {"accept": "*/*", "webhook-attempt": "2", **rotated,
                                        "x-forwarded-for": "203.0.113.9"}, "body": body})
    for detail in details:
        sent = detail["request_headers"]
        want = {name: sent[name] for name in SIGNED}
        got = signed_headers(detail)
        expect(isinstance(got, dict), expected=_a_dict_of_headers(), got=show(got),
               hint=_("build a dict with the three webhook-* names"))
        expect(got == want, expected=_("{want} from request_headers {names}", want=want, names=sorted(sent)),
               got=show(got, 400),
               hint=_("pick the three names webhook-id, webhook-timestamp and webhook-signature one by one: other "
                      "headers, even ones that start with webhook-, stay out"))


def _sign(secret: str, msg_id: str, timestamp, body: str) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.{body}".encode("utf-8"), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


@hidden("02.2")
def _compute(compute_signature):
    rng = random.Random(202)
    big = '{"items":[' + ",".join(f'{{"sku":"SKU-{n}","qty":{n % 4 + 1}}}' for n in range(400)) + "]}"
    cases = [
        (_secret(8), "msg_2f1", 1767603600, '{"data":{"email":"ana@example.com"}}\n'),  # a trailing newline counts
        (_secret(9), "msg_3a", "1767603601", ' {"spaced": true} '),                     # so do surrounding spaces
        (_secret(10), "msg.with.dots", 1767603602, '{"name":"Ñandú 北京 ☕"}'),
        (_secret(11), "msg_big", 1767603603, big),
        (signing.generate_secret(rng), "evt_" + "x" * 40, 2000000000, ""),             # an empty body
    ]
    for secret, msg_id, ts, body in cases:
        want = _sign(secret, msg_id, ts, body)
        got = compute_signature(secret, msg_id, ts, body)
        expect(got == want, expected=_("{want!r} for id={id!r}, timestamp={timestamp!r}, body={body}", want=want,
                                       id=msg_id, timestamp=ts, body=show(body, 80)),
               got=show(got), hint=_("sign the body exactly as it is given: no .strip(), no json.loads/dumps, every "
                                     "byte counts (UTF-8)"))


@hidden("02.3")
def _authentic(is_authentic):
    secret = _secret(12)
    body = '{"type":"order.completed","timestamp":"2026-01-06T10:00:00.000Z","data":{"order_id":"ord_9x"}}'
    ours = signing.sign(secret, "msg_h", 1767693600, body)
    theirs, third = (signing.sign(other, "msg_h", 1767693600, body) for other in (_secret(13), _secret(14)))
    base = {"webhook-id": "msg_h", "webhook-timestamp": "1767693600"}

    def headers(signature: str) -> dict:
        return {**base, "webhook-signature": signature}

    cases = [
        (_("two signatures, the first one ours"), headers(f"{ours} {theirs}"), body, True),
        (_("three signatures, ours in the middle"), headers(f"{theirs} {ours} {third}"), body, True),
        (_("ours next to a signature of another scheme (v1a)"), headers(f"v1a,c2lnbmVk {ours}"), body, True),
        (_("our signature cut short by one character"), headers(ours[:-1]), body, False),
        (_("our signature with characters added at the end"), headers(ours + "AAAA"), body, False),
        (_("an empty webhook-signature"), headers(""), body, False),
        (_("a body with a newline added after signing"), headers(ours), body + "\n", False),
        (_("only signatures made with other secrets"), headers(f"{theirs} {third}"), body, False),
    ]
    _judge_authentic(is_authentic, secret, cases,
                     _("split webhook-signature on spaces and compare your signature with every entry, each one "
                       "whole (hmac.compare_digest), not a part of the header"))


def _member(event: dict) -> dict:
    data = event["data"]
    first, _space, last = data["name"].strip().partition(" ")
    return {"email_address": data["email"].strip().lower(), "status": "subscribed",
            "merge_fields": {"FNAME": first, "LNAME": last.strip()}, "tags": [data["signup_source"]]}


@hidden("02.4")
def _to_member(to_member):
    factory = catalog.Factory(204)
    names = [" Ana Souza ", "Madonna ", "Jean-Luc Picard", "Maria da Graça Meneghel", "\tLi Wei", "Ólafur Arnalds"]
    events = []
    for n, name in enumerate(names):
        data = {**factory.data("newsletter.subscribed"), "name": name}
        if n % 2:
            data["email"] = f" {data['email'].upper()}\t"
        events.append(catalog.envelope("newsletter.subscribed", data, 1767603600 + n))
    for event in events:
        want = _member(event)
        got = to_member(event)
        expect(isinstance(got, dict), expected=_("a dict"), got=show(got), hint=_("return a dict with four keys"))
        expect(got == want, expected=_("{want} for data {data}", want=want, data=event["data"]), got=show(got, 400),
               hint=_("strip the name before you split it (a form may send ' Ana Souza '), and the email too; "
                      "LNAME is the rest of the name after the first word, '' when there is none"))


def _mean_signup_lag(stack) -> tuple[float, int]:
    """The mean seconds from a newsletter.subscribed event to its handlers done, from the source and the inbox."""
    created = {r["id"]: r["created_at"] for r in stack.sources.store.all(
        "SELECT id, created_at FROM events WHERE type='newsletter.subscribed'")}
    done = {r.id: r.processed_at.timestamp() for r in stack.receiver.inbox().itertuples()
            if r.id in created and pd.notna(r.processed_at)}
    return round(sum(done[i] - created[i] for i in done) / len(done), 3), len(done)


@hidden("02.5")
def _lag(signup_lag, stack):
    stack = lab_stack(stack, seed=12)
    # Other newsletter.* and contact events wait far longer than signups: they must not count.
    if stack.sources.store.scalar("SELECT count(*) FROM contacts WHERE subscribed=1") == 0:
        stack.fire("newsletter.subscribed")
        stack.wait(timeout=60)
    we_pause = not stack.receiver.queue.paused
    if we_pause:
        stack.receiver.pause()
    try:
        stack.fire("newsletter.unsubscribed")
        stack.advance(600)
        stack.fire("newsletter.subscribed")
        stack.advance(7.25)
        stack.fire("contact.updated")
        stack.advance(400)
    finally:
        if we_pause:
            stack.receiver.resume()
    stack.wait(timeout=60)
    want, n = _mean_signup_lag(stack)
    got = signup_lag(stack)
    ok = isinstance(got, numbers.Real) and not isinstance(got, bool) and math.isclose(got, want, abs_tol=0.002)
    if not ok:
        fail(expected=_("{want} s, the mean over the {n} newsletter.subscribed events only (the stack also has "
                        "newsletter.unsubscribed and contact.updated events that waited minutes)", want=want, n=n),
             got=show(got),
             hint=_("keep the rows whose type is exactly 'newsletter.subscribed' (== , not startswith or contains), "
                    "then the mean of lag_s, rounded to 3 decimals"))
