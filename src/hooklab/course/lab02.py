"""Checks of lab 02: the anatomy of a delivery.

Every check works out the right answer itself (from the Standard Webhooks test
vector, from hooklab's own signing, or from the stack's tables), for several
inputs, so no fixed value can pass.
"""

from __future__ import annotations

import math
import numbers
import random

import pandas as pd

from hooklab import catalog, signing

from .checks import exercise, expect, fail, lab_stack, show

SIGNED = ("webhook-id", "webhook-timestamp", "webhook-signature")
# The test vector published with the Standard Webhooks specification.
_SPEC = ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
         '{"test": 2432232314}', "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")


def _secret(n: int) -> str:
    return signing.generate_secret(random.Random(f"lab02:{n}"))


@exercise("02.1", points=2, title="The three webhook headers")
def _headers(signed_headers, stack):
    stack = lab_stack(stack, seed=12)
    details = []
    for kind in ("newsletter.subscribed", "order.completed"):
        event_id = stack.fire(kind)
        stack.wait()
        attempts = stack.deliveries()
        attempt_id = attempts.loc[attempts.event_id == event_id, "attempt_id"].iloc[-1]
        details.append(stack.dispatcher.attempt_detail(int(attempt_id)))
    # A request from another sender: more headers around the three.
    extra = signing.sign_headers(_secret(1), "msg_other", 1767600000, "{}")
    details.append({"request_headers": {"user-agent": "Svix-Webhooks/1.0", **extra, "x-request-id": "r42"},
                    "body": "{}"})
    for detail in details:
        sent = detail["request_headers"]
        want = {name: sent[name] for name in SIGNED}
        got = signed_headers(detail)
        expect(isinstance(got, dict), expected="a dict {header name: value}", got=show(got),
               hint="build a dict with the three webhook-* names")
        expect(got == want, expected=f"{want} from request_headers {sorted(sent)}", got=show(got, 400),
               hint="copy exactly webhook-id, webhook-timestamp and webhook-signature from "
                    "detail['request_headers'], and leave the other headers out")
    return "webhook-id names the event, webhook-timestamp says when it was signed, webhook-signature who signed it"


@exercise("02.2", points=3, title="A signature, by hand")
def _compute(compute_signature):
    secret, msg_id, ts, body, want = _SPEC
    got = compute_signature(secret, msg_id, ts, body)
    expect(got == want, expected=f"the specification's test vector {want!r}", got=show(got),
           hint="key = base64-decode the secret after 'whsec_'; HMAC-SHA256 of f'{id}.{timestamp}.{body}' "
                "encoded as UTF-8; answer 'v1,' + base64 of the digest (a str)")
    cases = [(_secret(2), "msg_1", 1767603600, '{"type":"newsletter.subscribed","data":{"name":"São João 🎉"}}'),
             (_secret(3), "msg_2", "1767690000", "{}")]  # a timestamp as the header carries it: a string
    for secret, msg_id, ts, body in cases:
        want = signing.sign(secret, msg_id, int(ts), body)
        got = compute_signature(secret, msg_id, ts, body)
        expect(got == want, expected=f"{want!r} for id={msg_id!r}, timestamp={ts!r}, body={body!r}",
               got=show(got), hint="encode the signed content with .encode('utf-8') (accents and emoji are "
                                   "several bytes) and use str(timestamp) as it is")
    return "your HMAC matches the Standard Webhooks test vector and the dispatcher's signatures"


@exercise("02.3", points=2, title="Is it authentic?")
def _authentic(is_authentic):
    secret, other = _secret(4), _secret(5)
    body = '{"type":"newsletter.subscribed","timestamp":"2026-01-05T09:00:00.000Z","data":{"email":"ana@example.com"}}'
    good = signing.sign_headers(secret, "msg_a", 1767603600, body)
    rotated = signing.sign_headers([other, secret], "msg_a", 1767603600, body)  # old and new secret
    cases = [
        ("a genuine request", good, body, True),
        ("a body changed by one character", good, body.replace("ana@", "anna@"), False),
        ("a request signed with another secret", signing.sign_headers(other, "msg_a", 1767603600, body), body, False),
        ("a webhook-id changed after signing", {**good, "webhook-id": "msg_b"}, body, False),
        ("a webhook-timestamp changed after signing", {**good, "webhook-timestamp": "1767607200"}, body, False),
        ("two signatures (a sender mid-rotation), the second one ours", rotated, body, True),
    ]
    for what, headers, text, want in cases:
        got = is_authentic(secret, dict(headers), text)
        expect(isinstance(got, bool), expected=f"True or False for {what}", got=show(got),
               hint="return the result of a comparison (a bool)")
        expect(got == want, expected=f"{want} for {what}", got=show(got),
               hint="recompute the signature with compute_signature(secret, id, timestamp, body) and compare it "
                    "with hmac.compare_digest to each space-separated entry of webhook-signature")
    return "you recompute, then compare in constant time: that is all a receiver's signature check is"


def _member(event: dict) -> dict:
    data = event["data"]
    first, _, last = data["name"].strip().partition(" ")
    return {"email_address": data["email"].strip().lower(), "status": "subscribed",
            "merge_fields": {"FNAME": first, "LNAME": last.strip()}, "tags": [data["signup_source"]]}


@exercise("02.4", points=2, title="From a signup to an email-platform member")
def _to_member(to_member):
    factory = catalog.Factory(24)
    events = [catalog.envelope("newsletter.subscribed", {
        "email": "  Maria.Gonzalez@Example.COM ", "name": "María José González", "list": "newsletter",
        "signup_source": "landing-page", "locale": "pt_BR"}, 1767603600)]
    events += [catalog.envelope("newsletter.subscribed", {**factory.data("newsletter.subscribed"), "name": name},
                                1767603600 + n) for n, name in enumerate(["Zoë", "São João da Silva"])]
    for event in events:
        want = _member(event)
        got = to_member(event)
        expect(isinstance(got, dict), expected="a dict", got=show(got), hint="return a dict with four keys")
        expect(got == want, expected=f"{want} for data {event['data']}", got=show(got, 400),
               hint="email_address: the email stripped and lowercased; status 'subscribed'; merge_fields: FNAME "
                    "the first word of the name, LNAME the rest ('' for one word); tags: [signup_source]")
    return "your mapping keeps accents and copes with one-word names: 'Olá *|FNAME|*' will read right"


@exercise("02.5", points=2, title="How fast did the CRM know?")
def _lag(signup_lag, stack):
    stack = lab_stack(stack, seed=12)
    for backlog_s in (90, 20):  # handlers paused for a while: the lag grows by that much
        we_pause = not stack.receiver.queue.paused
        if we_pause:
            stack.receiver.pause()
        try:
            stack.fire("newsletter.subscribed")
            stack.advance(backlog_s)
            stack.fire("order.completed")  # not a signup: must not count
            stack.advance(backlog_s)
        finally:
            if we_pause:
                stack.receiver.resume()
        stack.wait()
        created = {r["id"]: r["created_at"] for r in stack.sources.store.all(
            "SELECT id, created_at FROM events WHERE type='newsletter.subscribed'")}
        inbox = stack.receiver.inbox()
        done = {r.id: r.processed_at.timestamp() for r in inbox.itertuples()
                if r.id in created and pd.notna(r.processed_at)}
        want = round(sum(done[i] - created[i] for i in done) / len(done), 3)
        got = signup_lag(stack)
        ok = isinstance(got, numbers.Real) and not isinstance(got, bool) and math.isclose(got, want, abs_tol=0.002)
        if not ok and isinstance(got, numbers.Real):
            fail(expected=f"{want} s (mean over {len(done)} newsletter.subscribed events)", got=show(got),
                 hint="filter stack.events() on type == 'newsletter.subscribed' first, then take the mean "
                      "of lag_s, rounded to 3 decimals")
        expect(ok, expected=f"a number of seconds, {want}", got=show(got), hint="return a float")
    return "you can now put a number on 'real time': here, the mean seconds from signup to CRM"
