"""Checks of request fields, shared by every service: one wording for one mistake.

Each raises :class:`~hooklab.services.base.ApiError` (a 400) naming the field
and the problem, never a 500.
"""

from __future__ import annotations

import json
import math
import reprlib
from typing import Any, Callable

from ..store import Store
from .base import BATCH_LIMIT, ApiError, read_body

__all__ = ["clean_email", "read_object", "check_fields", "get_str", "get_number", "check_encodable", "brief",
           "ensure_schema", "apply_batch"]

def clean_email(value: Any, where: str = "email") -> str:
    """Strip and lowercase an email; 400 unless it has one '@' with text on both sides."""
    if not isinstance(value, str):
        raise ApiError(400, f"{where} must be a string, not {type(value).__name__}",
                       "send an email address like \"ana@example.com\"")
    email = value.strip().lower()
    local, _, domain = email.partition("@")
    if email.count("@") != 1 or not local or not domain:
        raise ApiError(400, f"{where} {brief(value)} is not a valid email address",
                       "an email address has one '@' with text on both sides, like ana@example.com")
    check_encodable(email, where)
    return email


def read_object(allow_form: bool = False) -> dict:
    """:func:`read_body`, and a 400 (not a 500) for JSON nested too deeply to parse."""
    try:
        return read_body(allow_form)
    except RecursionError:
        raise ApiError(400, "the body is nested too deeply to parse", "send a flat JSON object") from None


def apply_batch(store: Store, field: str, noun: str, key: str, apply: Callable[[dict], dict]) -> list[dict]:
    """A batch endpoint's work: ``{field: [item, ...]}``, 1 to BATCH_LIMIT objects that each have ``key``.

    ``apply(item)`` runs for each in one transaction and gives its result; one refused
    item refuses the whole batch (all or none), with an error that names the item by index.
    """
    body = read_object()
    check_fields(body, (field,))  # an unknown field (a typo, an option we lack) is an error, not ignored
    items = body.get(field)
    if not isinstance(items, list) or not 1 <= len(items) <= BATCH_LIMIT:
        raise ApiError(400, f"send {{\"{field}\": [...]}} with 1 to {BATCH_LIMIT} {field}, not {brief(items)}",
                       "split a longer list into several calls")
    results = []
    with store.transaction():
        for i, item in enumerate(items):
            try:
                if not isinstance(item, dict) or key not in item:
                    raise ApiError(400, f"expected an object with an {key}, not {brief(item)}")
                results.append(apply(item))
            except ApiError as e:
                raise ApiError(e.status, f"{field}[{i}]: {e.message} (no {noun} of this batch was saved)",
                               e.hint) from None
    return results


def check_fields(body: dict, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> None:
    """400 for the first unknown or missing field, naming it and the allowed ones."""
    for key in body:
        if key not in allowed:
            raise ApiError(400, f"unknown field {key!r}", f"allowed fields: {', '.join(allowed)}")
    for key in required:
        if body.get(key) is None:
            raise ApiError(400, f"missing required field {key!r}", f"required fields: {', '.join(required)}")


def get_str(body: dict, key: str, max_len: int = 200, nullable: bool = False,
            choices: tuple[str, ...] = ()) -> str | None:
    """``body[key]`` checked as a non-empty string of at most ``max_len`` characters."""
    value = body.get(key)
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise ApiError(400, f"{key} must be a string, not {type(value).__name__}")
    if choices and value not in choices:
        raise ApiError(400, f"{key} {brief(value)} is not one of {', '.join(choices)}")
    if not value.strip() or len(value) > max_len:
        raise ApiError(400, f"{key} must have 1 to {max_len} characters (it has {len(value)})")
    check_encodable(value, key)
    return value


def get_number(body: dict, key: str) -> float:
    """``body[key]`` checked as a finite number (not a bool)."""
    value = body.get(key)
    try:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        ok = False
    if not ok:
        raise ApiError(400, f"{key} must be a finite number, not {brief(value)}")
    return float(value)


def check_encodable(value: Any, key: str) -> None:
    # A lone surrogate ("\ud800") parses as JSON but cannot be stored or sent as UTF-8.
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(400, f"{key} contains text that is not valid Unicode (a lone surrogate)",
                       "send UTF-8 text") from None


def brief(value: Any) -> str:
    return reprlib.repr(value)  # a 1 MB value must not become a 1 MB error message


def ensure_schema(store: Store, schema: str) -> None:
    """Run ``CREATE ... IF NOT EXISTS`` statements, so a store opened without them works."""
    with store.transaction():
        for statement in schema.split(";"):
            if statement.strip():
                store.execute(statement)
