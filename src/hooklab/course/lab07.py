"""Checks of lab 07: Standard Webhooks sign and verify, from scratch, interoperable."""

from __future__ import annotations

import json
import random
import time
from datetime import datetime, timezone

from standardwebhooks.webhooks import Webhook

from hooklab import signing

from .checks import expect, exercise, show


def _secret(n: int) -> str:
    return signing.generate_secret(random.Random(f"lab07:{n}"))


BODIES = ['{"type":"newsletter.subscribed","data":{"email":"ana@example.com"}}',
          '{"type":"order.completed","data":{"name":"São João 🎉","total":10.5}}']


@exercise("07.1", points=3, title="sign(), checked by the official library")
def _sign(sign):
    now = int(time.time())
    for i, body in enumerate(BODIES):
        secret, msg_id = _secret(i), f"msg_lab07_{i}"
        got = sign(secret, msg_id, now, body)
        want = signing.sign(secret, msg_id, now, body)
        expect(got == want, expected=want, got=show(got),
               hint="'v1,' + base64(HMAC-SHA256(base64-decoded secret after 'whsec_', f'{id}.{ts}.{body}'.encode()))")
        headers = {"webhook-id": msg_id, "webhook-timestamp": str(now), "webhook-signature": got}
        Webhook(secret).verify(body, headers)  # raises if the official library disagrees
    return "the official standardwebhooks library accepts your signatures"


def _official(secret: str, msg_id: str, ts: int, body: str) -> dict:
    sig = Webhook(secret).sign(msg_id, datetime.fromtimestamp(ts, tz=timezone.utc), body)
    return {"webhook-id": msg_id, "webhook-timestamp": str(ts), "webhook-signature": sig}


@exercise("07.2", points=4, title="verify(): accept the genuine, refuse the rest")
def _verify(verify):
    now = int(time.time())
    secret, body = _secret(7), BODIES[1]
    good = _official(secret, "msg_good", now, body)
    got = verify(secret, good, body, now)
    expect(got == json.loads(body), expected="the parsed JSON body for a genuine request", got=show(got),
           hint="after every check passes, return json.loads(body)")
    rotated = {**good, "webhook-signature": "v1,bm90LXRoZS1yaWdodC1vbmU= " + good["webhook-signature"]}
    expect(verify(secret, rotated, body, now) == json.loads(body), expected="acceptance when one of several "
           "signatures matches (secret rotation)", got="refused", hint="split the header on spaces; any v1 match wins")
    bad = {
        "a tampered body": (good, body.replace("10.5", "99.5"), now),
        "a wrong secret": (_official(_secret(8), "msg_good", now, body), body, now),
        "a replay an hour later": (good, body, now + 3600),
        "a timestamp from the future": (_official(secret, "msg_f", now + 3600, body), body, now),
        "a missing signature header": ({k: v for k, v in good.items() if k != "webhook-signature"}, body, now),
        "a malformed signature header": ({**good, "webhook-signature": "v1@@@"}, body, now),
        "a changed webhook-id": ({**good, "webhook-id": "msg_other"}, body, now),
    }
    for name, (headers, data, at) in bad.items():
        try:
            verify(secret, headers, data, at)
        except ValueError:
            continue
        except Exception as e:  # noqa: BLE001 - the learner's code: any other error is the wrong kind
            expect(False, expected=f"a ValueError for {name}", got=f"{type(e).__name__}: {e}",
                   hint="catch what parsing raises (KeyError, binascii.Error...) and raise ValueError instead")
        expect(False, expected=f"a ValueError for {name}", got="accepted",
               hint="check: all three headers present; |now - timestamp| <= 300; an exact signature match "
                    "with hmac.compare_digest")
    return "genuine requests pass; tampered, forged, replayed, future and malformed ones are refused"


@exercise("07.3", points=2, title="Two signatures for a rotation")
def _rotation(signature_header):
    now, body = int(time.time()), BODIES[0]
    old, new = _secret(10), _secret(11)
    header = signature_header([old, new], "msg_rot", now, body)
    for secret in (old, new):
        headers = {"webhook-id": "msg_rot", "webhook-timestamp": str(now), "webhook-signature": header}
        try:
            Webhook(secret).verify(body, headers)
        except Exception as e:  # noqa: BLE001
            expect(False, expected="a header both the old and the new secret verify", got=f"{show(header)} ({e})",
                   hint="one 'v1,...' signature per secret, joined by a single space")
    return "receivers still on the old secret and those already on the new one both accept"
