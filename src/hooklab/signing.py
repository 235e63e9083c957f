"""Sign and verify webhooks the Standard Webhooks way (https://www.standardwebhooks.com).

The wire format, all of it::

    webhook-id:        msg_p5jXN8AQM9LWM0D4loKWxJek
    webhook-timestamp: 1614265330                      (whole Unix seconds)
    webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=  (space-separated list)

    signed content = f"{webhook-id}.{webhook-timestamp}.{raw body bytes}"
    signature      = "v1," + base64(HMAC-SHA256(key, signed content))
    secret         = "whsec_" + base64(key)

Every way a request can fail verification raises :class:`SignatureError` with
a message naming the failed check. Other vendors' schemes (Stripe, GitHub,
HubSpot) live in :mod:`hooklab.signing_vendors` and are re-exported here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import numbers
import random
import re
import secrets as _secrets
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from hooklab.errors import ConfigError, EventValidationError, SignatureError

_VENDOR_NAMES = (
    "SCHEMES", "stripe_sign", "stripe_verify", "github_sign", "github_verify", "hubspot_sign", "hubspot_verify"
)
__all__ = ["generate_secret", "parse_secret", "sign", "sign_headers", "verify", *_VENDOR_NAMES]

SECRET_PREFIX = "whsec_"
_SECRET_FORM = "expected 'whsec_' followed by the base64 of the key bytes"


def generate_secret(rng: random.Random | None = None) -> str:
    """A new secret: ``"whsec_"`` + base64 of 24 random bytes.

    Pass a seeded ``rng`` for a deterministic secret (a seeded stack)::

        >>> generate_secret(random.Random(7)).startswith("whsec_")
        True
    """
    key = _secrets.token_bytes(24) if rng is None else rng.randbytes(24)
    return SECRET_PREFIX + base64.b64encode(key).decode("ascii")


def parse_secret(secret: str | bytes) -> bytes:
    """The key bytes of ``secret``: a ``whsec_`` string (prefix and padding optional) or raw bytes.

        >>> parse_secret("whsec_aGVsbG8")
        b'hello'
    """
    if isinstance(secret, (bytes, bytearray)):
        key = bytes(secret)
    elif isinstance(secret, str):
        text = secret.strip().removeprefix(SECRET_PREFIX).rstrip("=")
        key = _b64decode(text + "=" * (-len(text) % 4)) if text else b""
        if key is None:
            raise ConfigError(f"the webhook secret is not valid base64: {_SECRET_FORM}")
    else:
        raise ConfigError(f"the webhook secret must be str or bytes, not {type(secret).__name__}")
    if not key:
        raise ConfigError(f"the webhook secret is empty: {_SECRET_FORM}")
    return key


def sign(secret: str | bytes, msg_id: str, timestamp: int | float | datetime, body: str | bytes) -> str:
    """The ``v1,<base64>`` signature of one message.

    Float timestamps are floored to whole seconds; naive datetimes count as UTC::

        >>> sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
        ...      1614265330, '{"test": 2432232314}')
        'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
    """
    if not isinstance(msg_id, str) or not msg_id.strip():
        raise ConfigError(f"msg_id must be a non-empty string, got {_show(msg_id)}")
    signed = _signed_content(msg_id, str(math.floor(_unix_time(timestamp))), _body_bytes(body))
    return "v1," + base64.b64encode(_hmac(parse_secret(secret), signed)).decode("ascii")


def sign_headers(
    secret_or_secrets: str | bytes | list[str | bytes],
    msg_id: str,
    timestamp: int | float | datetime,
    body: str | bytes,
) -> dict[str, str]:
    """The headers of a signed request; a list of secrets (rotation) gives one signature each.

        >>> sign_headers("whsec_aGVsbG8", "msg_1", 1767603600, "{}")["webhook-timestamp"]
        '1767603600'
    """
    seconds = math.floor(_unix_time(timestamp))
    signatures = [sign(secret, msg_id, seconds, body) for secret in _secret_list(secret_or_secrets)]
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(seconds),
        "webhook-signature": " ".join(signatures),
        "content-type": "application/json",
    }


def verify(
    secret: str | bytes | list[str | bytes],
    headers: Mapping[str, str],
    body: str | bytes,
    tolerance: float = 300,
    now: float | None = None,
    parse: bool = True,
) -> Any:
    """Check a request's webhook-* headers against its raw body; return the parsed JSON body.

    ``secret`` may be a list (a receiver mid-rotation accepts old and new).
    ``now`` is Unix seconds, by default ``time.time()``; pass the stack's
    virtual clock here. Raises :class:`SignatureError` naming the failed
    check, then :class:`EventValidationError` if the body is not JSON::

        >>> h = sign_headers("whsec_aGVsbG8", "msg_1", 1767603600, '{"ok": true}')
        >>> verify("whsec_aGVsbG8", h, '{"ok": true}', now=1767603700)
        {'ok': True}
    """
    keys = [parse_secret(s) for s in _secret_list(secret)]
    payload, now = _body_bytes(body), _check_clock(tolerance, now)
    lowered = _lowered(headers)
    msg_id = _header(lowered, "webhook-id")
    timestamp = _header(lowered, "webhook-timestamp")
    signature = _header(lowered, "webhook-signature")
    _check_window(_whole_number(timestamp, "webhook-timestamp", "whole Unix seconds"), now, tolerance)

    received = []
    for entry in signature.split():
        version, comma, encoded = entry.partition(",")
        decoded = _b64decode(encoded) if version == "v1" else b""
        if not comma or not version or decoded is None:
            raise SignatureError(f"malformed webhook-signature: {_show(entry)} is not 'version,base64'")
        if version == "v1":  # other versions are skipped, as the spec and the official library do
            received.append(decoded)

    signed = _signed_content(msg_id, timestamp, payload)
    if not _any_match([_hmac(key, signed) for key in keys], received):
        raise SignatureError(
            f"no matching signature: checked {len(received)} v1 signature(s) against "
            f"{len(keys)} secret(s); check the secret and sign the raw body bytes"
        )
    return _parse_json(payload) if parse else None


def __getattr__(name: str) -> Any:
    # The vendor schemes import helpers from this module, so they load on first use.
    if name in _VENDOR_NAMES:
        from hooklab import signing_vendors

        return getattr(signing_vendors, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Helpers, shared with hooklab.signing_vendors.


def _hmac(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def _any_match(expected: list[bytes], received: list[bytes]) -> bool:
    return any(hmac.compare_digest(e, r) for e in expected for r in received)


def _utf8(text: str) -> bytes:
    # surrogatepass: a header with stray surrogates must fail to match, not crash the encoder.
    return text.encode("utf-8", "surrogatepass")


def _signed_content(msg_id: str, timestamp: str, payload: bytes) -> bytes:
    return _utf8(f"{msg_id}.{timestamp}.") + payload


def _b64decode(text: str) -> bytes | None:
    """Strict padded base64, or None when ``text`` is anything else (empty included)."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True) or None
    except (UnicodeEncodeError, binascii.Error):
        return None


def _body_bytes(body: str | bytes) -> bytes:
    if isinstance(body, str):
        return _utf8(body)
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    raise ConfigError(f"the body must be str or bytes (the raw request body), not {type(body).__name__}")


def _secret_list(secret_or_secrets: Any) -> list[Any]:
    if isinstance(secret_or_secrets, (list, tuple)):
        if not secret_or_secrets:
            raise ConfigError(f"the list of secrets is empty: {_SECRET_FORM}")
        return list(secret_or_secrets)
    return [secret_or_secrets]


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _unix_time(timestamp: int | float | datetime) -> float:
    if isinstance(timestamp, datetime):
        if timestamp.tzinfo is None:
            timestamp = timestamp.replace(tzinfo=timezone.utc)
        timestamp = timestamp.timestamp()
    if not _is_number(timestamp) or not 0 <= timestamp < 1e15:
        raise ConfigError(f"timestamp must be Unix seconds (a number >= 0) or a datetime, got {_show(timestamp)}")
    return float(timestamp)


def _check_clock(tolerance: float, now: float | None) -> float:
    """Validate ``tolerance`` and ``now``; return ``now`` (default: the real clock)."""
    if not _is_number(tolerance) or not tolerance > 0:
        raise ConfigError(f"tolerance must be a number of seconds > 0, got {_show(tolerance)}")
    if now is None:
        return time.time()
    if not _is_number(now) or not math.isfinite(now):
        raise ConfigError(f"now must be Unix seconds (a number), got {_show(now)}; pass clock.now()")
    return float(now)


def _lowered(headers: Mapping[str, str] | None) -> dict[str, str]:
    if headers is None:
        return {}
    if not hasattr(headers, "items"):
        raise ConfigError(f"headers must be a mapping such as request.headers, not {type(headers).__name__}")
    lowered = {}
    for name, value in headers.items():
        if isinstance(value, (bytes, bytearray)):
            value = value.decode("latin-1")  # the WSGI convention for raw header bytes
        lowered[str(name).strip().lower()] = str(value).strip()
    return lowered


def _header(lowered: dict[str, str], name: str) -> str:
    value = lowered.get(name.lower(), "")
    if not value:
        raise SignatureError(f"missing required header: {name}")
    return value


def _whole_number(value: str, header: str, unit: str) -> int:
    # ASCII digits only: int() would also take ' 12', '+12', '1_2' and non-ASCII digits.
    if not re.fullmatch(r"[0-9]{1,20}", value):
        raise SignatureError(f"malformed {header} {_show(value)}: expected {unit}")
    return int(value)


def _check_window(timestamp: float, now: float, tolerance: float) -> None:
    if timestamp < now - tolerance:
        raise SignatureError(
            f"message timestamp too old: {now - timestamp:.0f} s before now, tolerance is {tolerance:g} s"
        )
    if timestamp > now + tolerance:
        raise SignatureError(
            f"message timestamp too new: {timestamp - now:.0f} s after now, tolerance is {tolerance:g} s"
        )


def _parse_json(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise EventValidationError(f"the body is not valid JSON: {exc}") from None


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
