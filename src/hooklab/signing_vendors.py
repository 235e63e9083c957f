"""Other vendors' signing schemes, for the lesson comparing them with Standard Webhooks.

Each vendor has a ``*_sign`` returning request headers and a ``*_verify`` that
returns None or raises :class:`SignatureError` naming the failed check, like
:func:`hooklab.signing.verify`. Unlike Standard Webhooks, these vendors use the
secret string's UTF-8 bytes as the HMAC key (no base64 decoding).
:data:`SCHEMES` holds one row per scheme for a comparison table.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Mapping
from datetime import datetime

from hooklab.errors import ConfigError, SignatureError
from hooklab.signing import (
    _any_match,
    _b64decode,
    _body_bytes,
    _check_clock,
    _check_window,
    _header,
    _hmac,
    _lowered,
    _show,
    _unix_time,
    _utf8,
    _whole_number,
)

__all__ = [
    "SCHEMES", "stripe_sign", "stripe_verify", "github_sign", "github_verify", "hubspot_sign", "hubspot_verify"
]

#: One row per scheme: what a comparison table of webhook signatures needs.
SCHEMES: list[dict[str, str]] = [
    {
        "name": "Standard Webhooks",
        "headers": "webhook-id, webhook-timestamp, webhook-signature",
        "signed": "{webhook-id}.{webhook-timestamp}.{body}",
        "encoding": "base64 HMAC-SHA256 after 'v1,'; space-separated list (rotation)",
        "key": "base64-decoded 'whsec_' secret",
        "replay_protection": "timestamp window (300 s) over a signed timestamp; webhook-id to deduplicate",
    },
    {
        "name": "Stripe",
        "headers": "Stripe-Signature",
        "signed": "{t}.{body}",
        "encoding": "hex HMAC-SHA256 in 't=<ts>,v1=<hex>'; v1= may repeat (rotation)",
        "key": "secret string as UTF-8",
        "replay_protection": "timestamp window (300 s) over the signed t=",
    },
    {
        "name": "GitHub",
        "headers": "X-Hub-Signature-256",
        "signed": "{body}",
        "encoding": "hex HMAC-SHA256 after 'sha256='",
        "key": "secret string as UTF-8",
        "replay_protection": "none: no timestamp is signed, so a captured request can be replayed",
    },
    {
        "name": "HubSpot v3",
        "headers": "X-HubSpot-Signature-v3, X-HubSpot-Request-Timestamp",
        "signed": "{method}{uri}{body}{timestamp in ms}",
        "encoding": "base64 HMAC-SHA256",
        "key": "secret string as UTF-8",
        "replay_protection": "timestamp window: rejected when older than 5 minutes",
    },
]

_JSON = {"content-type": "application/json"}


def stripe_sign(secret: str, timestamp: int | float | datetime, body: str | bytes) -> dict[str, str]:
    """Headers of a Stripe-signed request: ``Stripe-Signature: t=<ts>,v1=<hex>``.

        >>> stripe_sign("whsec_test", 1767603600, "{}")["Stripe-Signature"][:15]
        't=1767603600,v1'
    """
    seconds = math.floor(_unix_time(timestamp))
    digest = _hmac(_vendor_key(secret), f"{seconds}.".encode() + _body_bytes(body)).hex()
    return {"Stripe-Signature": f"t={seconds},v1={digest}", **_JSON}


def stripe_verify(
    secret: str, headers: Mapping[str, str], body: str | bytes, tolerance: float = 300, now: float | None = None
) -> None:
    """Check a Stripe-signed request; any one ``v1=`` signature may match.

        >>> stripe_verify("whsec_test", stripe_sign("whsec_test", 1767603600, "{}"), "{}", now=1767603600)
    """
    key, payload, now = _vendor_key(secret), _body_bytes(body), _check_clock(tolerance, now)
    header = _header(_lowered(headers), "Stripe-Signature")
    timestamps, received = [], []
    for item in header.split(","):
        name, equals, value = item.strip().partition("=")
        digest = _hexdecode(value) if name == "v1" else b""
        if not equals or digest is None:
            raise SignatureError(f"malformed Stripe-Signature: {_show(item)} is not 't=<seconds>' or 'v1=<hex>'")
        if name == "t":
            timestamps.append(value)
        elif name == "v1":  # other schemes (v0) are skipped, as Stripe's libraries do
            received.append(digest)
    if len(timestamps) != 1:
        raise SignatureError("malformed Stripe-Signature: expected exactly one 't=<Unix seconds>'")
    seconds = _whole_number(timestamps[0], "Stripe-Signature t=", "whole Unix seconds")
    _check_window(seconds, now, tolerance)
    if not _any_match([_hmac(key, f"{timestamps[0]}.".encode() + payload)], received):
        raise SignatureError(f"no matching signature: checked {len(received)} v1 signature(s); check the secret")


def github_sign(secret: str, body: str | bytes) -> dict[str, str]:
    """Headers of a GitHub-signed request: ``X-Hub-Signature-256: sha256=<hex>``.

        >>> github_sign("It's a Secret to Everybody", "Hello, World!")["X-Hub-Signature-256"][:19]
        'sha256=757107ea0eb2'
    """
    return {"X-Hub-Signature-256": "sha256=" + _hmac(_vendor_key(secret), _body_bytes(body)).hex(), **_JSON}


def github_verify(secret: str, headers: Mapping[str, str], body: str | bytes) -> None:
    """Check a GitHub-signed request. Nothing time-bound is signed: replays pass.

        >>> github_verify("s3cret", github_sign("s3cret", "{}"), "{}")
    """
    key, payload = _vendor_key(secret), _body_bytes(body)
    header = _header(_lowered(headers), "X-Hub-Signature-256")
    algorithm, equals, value = header.partition("=")
    received = _hexdecode(value)
    if algorithm != "sha256" or not equals or received is None:
        raise SignatureError(f"malformed X-Hub-Signature-256: {_show(header)} is not 'sha256=<64 hex digits>'")
    if not _any_match([_hmac(key, payload)], [received]):
        raise SignatureError("no matching signature: X-Hub-Signature-256 does not match the body; check the secret")


def hubspot_sign(
    secret: str, method: str, uri: str, timestamp: int | float | datetime, body: str | bytes
) -> dict[str, str]:
    """Headers of a HubSpot v3 request; ``timestamp`` is in seconds, sent in milliseconds.

        >>> hubspot_sign("s3cret", "POST", "https://example.com/hook", 1767603600, "{}")[
        ...     "X-HubSpot-Request-Timestamp"]
        '1767603600000'
    """
    millis = str(round(_unix_time(timestamp) * 1000))
    digest = _hmac(_vendor_key(secret), _hubspot_content(method, uri, _body_bytes(body), millis))
    return {
        "X-HubSpot-Signature-v3": base64.b64encode(digest).decode("ascii"),
        "X-HubSpot-Request-Timestamp": millis,
        **_JSON,
    }


def hubspot_verify(
    secret: str,
    headers: Mapping[str, str],
    body: str | bytes,
    method: str,
    uri: str,
    tolerance: float = 300,
    now: float | None = None,
) -> None:
    """Check a HubSpot v3 request; ``method`` and ``uri`` are the request's, ``now`` in seconds.

        >>> h = hubspot_sign("s3cret", "POST", "https://example.com/hook", 1767603600, "{}")
        >>> hubspot_verify("s3cret", h, "{}", "POST", "https://example.com/hook", now=1767603660)
    """
    key, payload, now = _vendor_key(secret), _body_bytes(body), _check_clock(tolerance, now)
    lowered = _lowered(headers)
    signature = _header(lowered, "X-HubSpot-Signature-v3")
    millis = _header(lowered, "X-HubSpot-Request-Timestamp")
    _check_window(_whole_number(millis, "X-HubSpot-Request-Timestamp", "Unix milliseconds") / 1000, now, tolerance)
    received = _b64decode(signature)
    if received is None:
        raise SignatureError(f"malformed X-HubSpot-Signature-v3: {_show(signature)} is not base64")
    if not _any_match([_hmac(key, _hubspot_content(method, uri, payload, millis))], [received]):
        raise SignatureError(
            "no matching signature: X-HubSpot-Signature-v3 does not match; check the secret, method and full URI"
        )


def _vendor_key(secret: str | bytes) -> bytes:
    key = _utf8(secret) if isinstance(secret, str) else secret
    if not isinstance(key, (bytes, bytearray)) or not key:
        raise ConfigError(f"the secret must be a non-empty string, got {_show(secret)}")
    return bytes(key)


def _hexdecode(text: str) -> bytes | None:
    """The 32 bytes of a hex SHA-256 digest, or None when ``text`` is anything else."""
    return bytes.fromhex(text) if re.fullmatch(r"[0-9a-fA-F]{64}", text) else None


def _hubspot_content(method: str, uri: str, payload: bytes, millis: str) -> bytes:
    return _utf8(str(method).upper() + str(uri)) + payload + millis.encode("ascii")
