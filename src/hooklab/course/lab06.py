"""Checks of lab 06: documenting events (a schema, breaking changes, a tolerant reader)."""

from __future__ import annotations

import hashlib

from .checks import exercise, expect, show
from .messages import _

VALID = [{"coupon_code": "SPRING25", "email": "ana@example.com", "discount": 25.0},
         {"coupon_code": "VIP2026", "email": "bo@example.org", "discount": 0.5, "order_id": "ord_12ab"}]
INVALID = {
    "missing coupon_code": {"email": "ana@example.com", "discount": 5},
    "lower-case code": {"coupon_code": "spring25", "email": "ana@example.com", "discount": 5},
    "code too short": {"coupon_code": "AB", "email": "ana@example.com", "discount": 5},
    "zero discount": {"coupon_code": "SPRING25", "email": "ana@example.com", "discount": 0},
    "discount as text": {"coupon_code": "SPRING25", "email": "ana@example.com", "discount": "5"},
    "email without @": {"coupon_code": "SPRING25", "email": "ana.example.com", "discount": 5},
    "unknown field": {"coupon_code": "SPRING25", "email": "ana@example.com", "discount": 5, "x": 1},
}

#: The changes of 06.2, with a digest of each right answer (see :func:`_digest`): the eight changes
#: are the whole exercise, so a plain table here would be its answer key in the student release.
BREAKING = {
    "add an optional field 'coupon' to order.completed": "87b79e3f42b36c95",
    "rename 'total' to 'amount' in order.completed": "80b7d350b84e94e0",
    "remove the optional field 'reason' from order.refunded": "b1c9937f71d042aa",
    "make 'company' required in form.submitted": "21dac40db7d29555",
    "change 'total' from a number to a string": "c4fc755330f4218e",
    "allow longer messages (maxLength 2000 → 5000)": "dee9e4d030125355",
    "add a new event type 'coupon.redeemed'": "2e95d2c3343ea4f3",
    "remove 'checkout' from the allowed signup_source values": "bee6f53a755ced97",
}


def _digest(change: str, breaking: object) -> str:
    """What :data:`BREAKING` holds for a right answer: the check can name a wrong one without the key."""
    return hashlib.sha256(f"06.2|{change}|{breaking!r}".encode()).hexdigest()[:16]


@exercise("06.1", points=3, title="A schema for coupon.redeemed")
def _schema(coupon_schema):
    schema = coupon_schema()
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import SchemaError

    expect(isinstance(schema, dict), expected=_("a JSON Schema (a dict)"), got=show(schema),
           hint=_("start from {schema}", schema="{'type': 'object', 'properties': {...}, 'required': [...]}"))
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as e:
        expect(False, expected=_("a valid JSON Schema"), got=e.message,
               hint=_("check the keywords' spelling and types"))
    checker = FormatChecker()
    checker.checks("email")(lambda v: not isinstance(v, str) or ("@" in v and v.count("@") == 1))
    validator = Draft202012Validator(schema, format_checker=checker)
    for data in VALID:
        errors = [e.message for e in validator.iter_errors(data)]
        expect(not errors, expected=_("{data} to be valid", data=show(data)), got=show(errors),
               hint=_("order_id is optional; discount may be any number above 0"))
    for name, data in INVALID.items():
        expect(not validator.is_valid(data), expected=_("the schema to refuse: {name}", name=_(name)),
               got=_("accepted", context="schema"),
               hint=_("required fields, pattern {pattern}, exclusiveMinimum 0, format email, "
                      "additionalProperties false", pattern="^[A-Z0-9]{4,12}$"))
    return _("your schema accepts what is right and refuses seven kinds of wrong")


@exercise("06.2", points=3, title="Breaking or not?")
def _breaking(is_breaking):
    answers = {change: is_breaking(change) for change in BREAKING}
    wrong = [change for change, digest in BREAKING.items()
             if not isinstance(answers[change], bool) or _digest(change, answers[change]) != digest]
    expect(not wrong, expected=_("every change classified"),
           got=_("{n} wrong: {changes}", count=len(wrong), n=len(wrong), changes=show(wrong)),
           hint=_("a change is breaking when a receiver written for the old version can fail on the new one: "
                  "something it reads disappears, moves or changes type, or something new becomes mandatory"))
    return _("additive changes are safe; renames, removals, type changes and new requirements are not")


@exercise("06.3", points=2, title="A tolerant reader across v1 and v2")
def _reader(refund_amount):
    cases = [({"order_id": "ord_1", "amount": 19.9}, 19.9), ({"order_id": "ord_1", "refunded_amount": 5.0}, 5.0),
             ({"order_id": "ord_1", "amount": 7.0, "refunded_amount": 7.0}, 7.0),
             ({"order_id": "ord_1", "refunded_amount": 3.5, "note": "new field"}, 3.5)]
    for data, want in cases:
        got = refund_amount(data)
        expect(got == want, expected=_("{want} for {data}", want=want, data=show(data)), got=show(got),
               hint=_("read 'refunded_amount' (v2) when it is there, else 'amount' (v1); ignore fields you do not "
                      "know"))
    return _("your handler keeps working while the sender moves from v1 to v2")
