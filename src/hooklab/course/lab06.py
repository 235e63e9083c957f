"""Checks of lab 06: documenting events (a schema, breaking changes, a tolerant reader)."""

from __future__ import annotations

from .checks import exercise, expect, show

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

BREAKING = {
    "add an optional field 'coupon' to order.completed": False,
    "rename 'total' to 'amount' in order.completed": True,
    "remove the optional field 'reason' from order.refunded": True,
    "make 'company' required in form.submitted": True,
    "change 'total' from a number to a string": True,
    "allow longer messages (maxLength 2000 → 5000)": False,
    "add a new event type 'coupon.redeemed'": False,
    "remove 'checkout' from the allowed signup_source values": True,
}


@exercise("06.1", points=3, title="A schema for coupon.redeemed")
def _schema(coupon_schema):
    schema = coupon_schema()
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import SchemaError

    expect(isinstance(schema, dict), expected="a JSON Schema (a dict)", got=show(schema),
           hint="start from {'type': 'object', 'properties': {...}, 'required': [...]}")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as e:
        expect(False, expected="a valid JSON Schema", got=e.message, hint="check the keywords' spelling and types")
    checker = FormatChecker()
    checker.checks("email")(lambda v: not isinstance(v, str) or ("@" in v and v.count("@") == 1))
    validator = Draft202012Validator(schema, format_checker=checker)
    for data in VALID:
        errors = [e.message for e in validator.iter_errors(data)]
        expect(not errors, expected=f"{show(data)} to be valid", got=show(errors),
               hint="order_id is optional; discount may be any number above 0")
    for name, data in INVALID.items():
        expect(not validator.is_valid(data), expected=f"the schema to refuse: {name}", got="accepted",
               hint="required fields, pattern ^[A-Z0-9]{4,12}$, exclusiveMinimum 0, format email, "
                    "additionalProperties false")
    return "your schema accepts what is right and refuses seven kinds of wrong"


@exercise("06.2", points=3, title="Breaking or not?")
def _breaking(is_breaking):
    answers = {change: is_breaking(change) for change in BREAKING}
    wrong = [change for change, breaking in BREAKING.items() if answers[change] is not breaking]
    expect(not wrong, expected="every change classified", got=f"{len(wrong)} wrong: {show(wrong)}",
           hint="a change is breaking when a receiver written for the old version can fail on the new one: "
                "something it reads disappears, moves or changes type, or something new becomes mandatory")
    return "additive changes are safe; renames, removals, type changes and new requirements are not"


@exercise("06.3", points=2, title="A tolerant reader across v1 and v2")
def _reader(refund_amount):
    cases = [({"order_id": "ord_1", "amount": 19.9}, 19.9), ({"order_id": "ord_1", "refunded_amount": 5.0}, 5.0),
             ({"order_id": "ord_1", "amount": 7.0, "refunded_amount": 7.0}, 7.0),
             ({"order_id": "ord_1", "refunded_amount": 3.5, "note": "new field"}, 3.5)]
    for data, want in cases:
        got = refund_amount(data)
        expect(got == want, expected=f"{want} for {show(data)}", got=show(got),
               hint="read 'refunded_amount' (v2) when it is there, else 'amount' (v1); ignore fields you do not know")
    return "your handler keeps working while the sender moves from v1 to v2"
