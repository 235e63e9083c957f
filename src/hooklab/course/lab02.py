"""Checks of lab 02: the anatomy of a delivery."""

from __future__ import annotations

import hooklab
from hooklab import signing

from .checks import exercise, expect

_SPEC = ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')


@exercise("02.1", points=2, title="The three webhook headers")
def _(signed_headers):
    with hooklab.start(seed=21, clock="virtual") as stack:
        for kind in ("newsletter.subscribed", "order.completed"):
            event = stack.fire(kind)
            stack.wait()
            attempts = stack.deliveries()
            detail = stack.dispatcher.attempt_detail(int(attempts["attempt_id"].iloc[-1]))
            sent = detail["request_headers"]
            want = {k: sent[k] for k in ("webhook-id", "webhook-timestamp", "webhook-signature")}
            got = signed_headers(detail)
            expect(isinstance(got, dict), expected="a dict", got=type(got).__name__,
                   hint="return {name: value} for the three headers")
            expect(got == want, expected=f"{want}", got=f"{got}",
                   hint="copy exactly webhook-id, webhook-timestamp and webhook-signature from "
                        "detail['request_headers'], and nothing else")
            expect(got["webhook-id"] == event, expected=f"webhook-id {event}", got=got["webhook-id"],
                   hint="the webhook-id is the event id")
    return "webhook-id names the event, webhook-timestamp says when it was sent, webhook-signature proves who sent it"


@exercise("02.2", points=3, title="A signature, by hand")
def _(compute_signature):
    cases = [_SPEC, (signing.generate_secret(), "msg_1", 1767603600, '{"type":"newsletter.subscribed","name":"São João 🎉"}'),
             (signing.generate_secret(), "msg_2", 1767690000, "{}")]
    for secret, msg_id, ts, body in cases:
        want = signing.sign(secret, msg_id, ts, body)
        got = compute_signature(secret, msg_id, ts, body)
        expect(got == want, expected=f"{want} for id={msg_id}, timestamp={ts}", got=repr(got),
               hint="key = base64-decode the secret after 'whsec_'; sign f'{id}.{timestamp}.{body}' encoded "
                    "as UTF-8 with HMAC-SHA256; answer 'v1,' + base64 of the digest")
    return "your HMAC matches the Standard Webhooks test vector and hooklab's own signatures"


@exercise("02.3", points=2, title="From a signup to merge fields")
def _(to_merge_fields):
    cases = {"Ana Souza": ("Ana", "Souza"), "São João da Silva": ("São", "João da Silva"), "Zoë": ("Zoë", "")}
    for name, (first, last) in cases.items():
        event = {"type": "newsletter.subscribed", "timestamp": "2026-01-05T09:00:00.000Z",
                 "data": {"email": "X@Example.com", "name": name, "list": "newsletter",
                          "signup_source": "footer-form", "locale": "pt_BR"}}
        got = to_merge_fields(event)
        want = {"EMAIL": "x@example.com", "FNAME": first, "LNAME": last}
        expect(got == want, expected=f"{want} for {name!r}", got=repr(got),
               hint="FNAME is the first word of the name, LNAME the rest (maybe empty); EMAIL lowercased")
    return "your mapping keeps accents and copes with one-word names"


@exercise("02.4", points=2, title="How fast did the CRM know?")
def _(signup_lag):
    with hooklab.start(seed=4, clock="virtual") as stack:
        stack.faults.set("receiver", latency_ms=(20, 200))
        stack.faults.set("crm", latency_ms=(10, 80))
        for _ in range(8):
            stack.fire("newsletter.subscribed")
        stack.wait()
        want = round(float(stack.events()["lag_s"].mean()), 3)
        got = signup_lag(stack)
        expect(isinstance(got, float) and abs(got - want) < 1e-6, expected=f"{want} s", got=repr(got),
               hint="stack.events() has a lag_s column: its mean, rounded to 3 decimals, as a float")
    return "from signup to CRM in well under a second: that is 'real time' for marketing"
