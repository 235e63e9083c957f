"""Checks of lab 07: Standard Webhooks sign and verify, from scratch, interoperable."""

from __future__ import annotations

import json
import random
import time
from datetime import datetime, timezone

from standardwebhooks.webhooks import Webhook

from hooklab import signing

from .checks import exercise, expect, expect_same, fail, show
from .messages import _


def _secret(n: int) -> str:
    return signing.generate_secret(random.Random(f"lab07:{n}"))


BODIES = ['{"type":"newsletter.subscribed","data":{"email":"ana@example.com"}}',
          '{"type":"order.completed","data":{"name":"São João 🎉","total":10.5}}']


#: sign()'s answers for fixed inputs (secret, msg_id, timestamp, body), worked out once.
SIGNED = [
    ("whsec_J60qyRbhV31WEe2d5F+EjYSEDbgZoMRb", "msg_lab07_0", 1767603600, BODIES[0],
     "v1,HIoHZVR4fivqywDSqZgolZXsXrVY3JWVQLWcKE4Qcr4="),
    ("whsec_I9pHsRQuGxi2pktZMZt6hRxFnuNXcVkM", "msg_lab07_1", 1770195607, BODIES[1],
     "v1,SRN0sBhOXM5/qGfHMv5egZKl3l/Xrf3n9ZpT3KXLcUw="),
]


@exercise("07.1", points=3, title="sign(), checked by the official library")
def _sign(sign):
    for secret, msg_id, ts, body, want in SIGNED:
        got = sign(secret, msg_id, ts, body)
        expect(got == want, expected=want, got=show(got),  # no values: the braces below are printed as they are
               hint=_("'v1,' + base64(HMAC-SHA256(base64-decoded secret after 'whsec_', "
                      "f'{id}.{ts}.{body}'.encode()))"))
    now = int(time.time())  # the official library only accepts a signature of the last 5 minutes
    for secret, msg_id, _ts, body, _want in SIGNED:  # not `_`: that name is the message table
        got = sign(secret, msg_id, now, body)
        headers = {"webhook-id": msg_id, "webhook-timestamp": str(now), "webhook-signature": got}
        try:
            Webhook(secret).verify(body, headers)
        except Exception as e:  # noqa: BLE001 - the official library's own error types
            fail(expected=_("a signature the official standardwebhooks library accepts"), got=f"{show(got)} ({e})",
                 hint=_("sign f'{msg_id}.{timestamp}.{body}' with the timestamp you are given, as a whole number"))
    return _("the official standardwebhooks library accepts your signatures")


def _official(secret: str, msg_id: str, ts: int, body: str) -> dict:
    sig = Webhook(secret).sign(msg_id, datetime.fromtimestamp(ts, tz=timezone.utc), body)
    return {"webhook-id": msg_id, "webhook-timestamp": str(ts), "webhook-signature": sig}


def _refuses(verify, name: str, args: tuple, hint: str) -> None:
    """Fail unless ``verify(*args)`` raises ValueError, as the spec says for a request that is not genuine."""
    try:
        verify(*args)
    except Exception as e:  # noqa: BLE001 - the learner's code: any error may come back
        if isinstance(e, ValueError):
            return
        fail(expected=_("a ValueError for {name}", name=name), got=f"{type(e).__name__}: {e}",
             hint=_("catch what parsing raises (KeyError, binascii.Error...) and raise ValueError instead"))
    fail(expected=_("a ValueError for {name}", name=name), got=_("accepted", context="request"), hint=hint)


@exercise("07.2", points=4, title="verify(): accept the genuine, refuse the rest")
def _verify(verify):
    now = int(time.time())
    secret, body = _secret(7), BODIES[1]
    good = _official(secret, "msg_good", now, body)
    got = verify(secret, good, body, now)
    expect_same(got, json.loads(body), expected=_("the parsed JSON body for a genuine request"),
                hint=_("after every check passes, return the body parsed with json.loads"))
    rotated = {**good, "webhook-signature": "v1,bm90LXRoZS1yaWdodC1vbmU= " + good["webhook-signature"]}
    expect(verify(secret, rotated, body, now) == json.loads(body), expected=_("acceptance when one of several "
           "signatures matches (secret rotation)"), got=_("refused"),
           hint=_("split the header on spaces; any v1 match wins"))
    bad = {
        _("a tampered body"): (good, body.replace("10.5", "99.5"), now),
        _("a wrong secret"): (_official(_secret(8), "msg_good", now, body), body, now),
        _("a replay an hour later"): (good, body, now + 3600),
        _("a timestamp from the future"): (_official(secret, "msg_f", now + 3600, body), body, now),
        _("a missing signature header"): ({k: v for k, v in good.items() if k != "webhook-signature"}, body, now),
        _("a malformed signature header"): ({**good, "webhook-signature": "v1@@@"}, body, now),
        _("a changed webhook-id"): ({**good, "webhook-id": "msg_other"}, body, now),
    }
    for name, (headers, data, at) in bad.items():
        _refuses(verify, name, (secret, headers, data, at),
                 hint=_("check: all three headers present; |now - timestamp| <= 300; an exact signature match "
                        "with hmac.compare_digest"))
    return _("genuine requests pass; tampered, forged, replayed, future and malformed ones are refused")


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
            expect(False, expected=_("a header both the old and the new secret verify"), got=f"{show(header)} ({e})",
                   hint=_("one 'v1,...' signature per secret, joined by a single space"))
    return _("receivers still on the old secret and those already on the new one both accept")
