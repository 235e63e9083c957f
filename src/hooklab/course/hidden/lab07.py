"""Hidden checks of lab 07: the grader's own cases (instructor-only, not in the student release)."""

from __future__ import annotations

import base64
import json
import random

from hooklab import signing

from ..checks import expect, fail, hidden, show
from ..lab07 import _official, _refuses
from ..messages import _

NOW = 1767603600  # verify() takes `now`, so the grader's cases need no real clock

#: Bodies the visible check does not sign: pretty-printed JSON, a newline, an empty one, a long one.
BODIES = ['{\n  "type": "form.submitted",\n  "data": {"email": "joao@example.com.br", "company": "Açaí & Cia"}\n}',
          '{"type":"order.completed","data":{"total":199.9}}\n',
          "",
          '{"type":"contact.updated","data":{"notes":"' + "ação " * 400 + '"}}']


def _secret(n: int) -> str:
    return signing.generate_secret(random.Random(f"hidden07:{n}"))


@hidden("07.1")
def _sign(sign):
    for i, body in enumerate(BODIES):
        secret, msg_id, ts = _secret(i), f"msg_grader_{i}", NOW + 7919 * i
        want = signing.sign(secret, msg_id, ts, body)
        got = sign(secret, msg_id, ts, body)
        expect(got == want, expected=_("{want} for the body {body}", want=want, body=show(body, 60)), got=show(got),
               hint=_("sign the raw body exactly as it came, spaces and newlines included: parsing and "
                      "re-serialising it changes the bytes, and so the signature"))


def _genuine(verify, name: str, args: tuple, kwargs: dict, body: str, hint: str) -> None:
    try:
        got = verify(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - the learner's code: any error may come back
        fail(expected=_("acceptance of {name}", name=name), got=f"{type(e).__name__}: {e}", hint=hint)
    expect(got == json.loads(body), expected=_("the parsed body for {name}", name=name), got=show(got), hint=hint)


@hidden("07.2")
def _verify(verify):
    secret, body = _secret(20), BODIES[0]
    good = _official(secret, "msg_edge", NOW, body)
    edge = _("the window is inclusive: |now - timestamp| <= tolerance is still fine, one second more is not")
    _genuine(verify, _("a request exactly 300 s old"), (secret, good, body, NOW + 300), {}, body, edge)
    _genuine(verify, _("a request stamped exactly 300 s ahead"), (secret, good, body, NOW - 300), {}, body, edge)
    _refuses(verify, _("a request 301 s old"), (secret, good, body, NOW + 301), hint=edge)
    _refuses(verify, _("a request stamped 301 s ahead"), (secret, good, body, NOW - 301), hint=edge)
    use = _("use the tolerance you are given (verify(..., tolerance=60)), not a fixed 300")
    _refuses(verify, _("a request 120 s old with tolerance=60"), (secret, good, body, NOW + 120, 60), hint=use)
    _genuine(verify, _("a request 30 minutes old with tolerance=3600"), (secret, good, body, NOW + 1800),
             {"tolerance": 3600}, body, use)
    third = _official(_secret(21), "msg_edge", NOW, body)["webhook-signature"]
    rotated = {**good, "webhook-signature": f"{third} {third} {good['webhook-signature']}"}
    _genuine(verify, _("three signatures, the last one matching"), (secret, rotated, body, NOW), {}, body,
             _("try every signature in the header, not just the first two"))
    raw = base64.b64decode(good["webhook-signature"].removeprefix("v1,"))
    refused = {
        _("a timestamp that is not a number"): {**good, "webhook-timestamp": "yesterday"},
        _("no headers at all"): {},
        _("a v2 signature with the right digest"): {**good,
                                                    "webhook-signature": "v2," + base64.b64encode(raw).decode()},
        _("an empty v1 signature"): {**good, "webhook-signature": "v1,"},
        _("a truncated signature"): {**good, "webhook-signature": good["webhook-signature"][:-8]},
    }
    for name, headers in refused.items():
        _refuses(verify, name, (secret, headers, body, NOW),
                 hint=_("only a 'v1,' signature that is exactly the expected one counts; anything unreadable is "
                        "a ValueError too"))
    _refuses(verify, _("a body with a trailing space"), (secret, good, body + " ", NOW),
             hint=_("compare the signature of the body as received: one byte more is another body"))


@hidden("07.3")
def _rotation(signature_header):
    body = BODIES[1]
    for secrets in ([_secret(30)], [_secret(31), _secret(32), _secret(33)]):
        header = signature_header(list(secrets), "msg_rot_grader", NOW, body)
        parts = header.split(" ") if isinstance(header, str) else []
        expect(len(parts) == len(secrets) and all(p.startswith("v1,") for p in parts),
               expected=_("{n} 'v1,...' signature(s) separated by single spaces for {n} secret(s)", count=len(secrets),
                          n=len(secrets)),
               got=show(header), hint=_("one signature per secret in the list, however many there are: "
                                        "' '.join(... for secret in secrets)"))
        for secret in secrets:
            want = signing.sign(secret, "msg_rot_grader", NOW, body)
            expect(want in parts,
                   expected=_("a signature for each of the {n} secrets", count=len(secrets), n=len(secrets)),
                   got=_("{header}, with none for one of them", header=show(header)),
                   hint=_("sign with each secret in turn, with the same id, timestamp and body"))
