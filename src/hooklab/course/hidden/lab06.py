"""Hidden checks of lab 06: the grader's own cases (instructor-only, not in the student release)."""

from __future__ import annotations

import random

from ..checks import expect, hidden, show
from ..messages import _

#: The answer key of 06.2 (the visible check keeps only digests of it): breaking when a receiver
#: written for the old version can fail on the new one.
BREAKING_KEY = {
    "add an optional field 'coupon' to order.completed": False,
    "rename 'total' to 'amount' in order.completed": True,
    "remove the optional field 'reason' from order.refunded": True,
    "make 'company' required in form.submitted": True,
    "change 'total' from a number to a string": True,
    "allow longer messages (maxLength 2000 → 5000)": False,
    "add a new event type 'coupon.redeemed'": False,
    "remove 'checkout' from the allowed signup_source values": True,
}

#: Data the spec of coupon.redeemed allows, at the edges the visible check does not try.
VALID = {
    "a 4-character code and a whole-number discount": {"coupon_code": "AB12", "email": "x@y.io", "discount": 10},
    "a 12-character code and a tiny discount": {"coupon_code": "ABCDEFGH1234", "email": "caio@example.com.br",
                                                "discount": 0.01, "order_id": "ord_9"},
}
#: Data it refuses, each for a reason the visible check does not try.
INVALID = {
    "a 13-character code": {"coupon_code": "ABCDEFGH12345", "email": "ana@example.com", "discount": 5},
    "a code with a dash": {"coupon_code": "SPRING-25", "email": "ana@example.com", "discount": 5},
    "a code that is a number": {"coupon_code": 1234, "email": "ana@example.com", "discount": 5},
    "a negative discount": {"coupon_code": "SPRING25", "email": "ana@example.com", "discount": -5},
    "no discount": {"coupon_code": "SPRING25", "email": "ana@example.com"},
    "no email": {"coupon_code": "SPRING25", "discount": 5},
    "an email that is a number": {"coupon_code": "SPRING25", "email": 42, "discount": 5},
    "an order_id that is a number": {"coupon_code": "SPRING25", "email": "ana@example.com", "discount": 5,
                                     "order_id": 12},
    "a list instead of an object": [{"coupon_code": "SPRING25", "email": "ana@example.com", "discount": 5}],
}


@hidden("06.1")
def _schema(coupon_schema):
    from jsonschema import Draft202012Validator, FormatChecker

    schema = coupon_schema()
    checker = FormatChecker()
    checker.checks("email")(lambda v: not isinstance(v, str) or ("@" in v and v.count("@") == 1))
    validator = Draft202012Validator(schema, format_checker=checker)
    for name, data in VALID.items():
        errors = [e.message for e in validator.iter_errors(data)]
        expect(not errors, expected=_("the schema to accept {name}: {data}", name=_(name), data=show(data)),
               got=show(errors), hint=_("4 to 12 characters is {quantifier}; a discount may be any number above 0, "
                                        "whole or not", quantifier="{4,12}"))
    for name, data in INVALID.items():
        expect(not validator.is_valid(data), expected=_("the schema to refuse {name}", name=_(name)),
               got=_("accepted", context="schema"),
               hint=_("every field needs its type ('string', 'number'), the object itself 'type': 'object', "
                      "and all three of coupon_code, email and discount belong in 'required'"))


@hidden("06.2")
def _breaking(is_breaking):
    # The eight changes are the whole exercise (new ones would be unfair to a lookup table, the
    # model answer), so the visible check is exhaustive on inputs. What it cannot see is an answer
    # that follows the order of the calls instead of the change: ask again, shuffled, twice.
    asked = list(BREAKING_KEY) * 2
    random.Random(62).shuffle(asked)
    wrong = sorted({change for change in asked if is_breaking(change) is not BREAKING_KEY[change]})
    expect(not wrong, expected=_("the same answer for a change whatever the order it is asked in"),
           got=_("{n} wrong when asked in another order: {changes}", count=len(wrong), n=len(wrong),
                 changes=show(wrong)),
           hint=_("decide from the change itself (a dict from change to True/False), not from how many times "
                  "you were called"))


@hidden("06.3")
def _reader(refund_amount):
    cases = [({"order_id": "ord_2", "refunded_amount": 0.0}, 0.0),
             ({"order_id": "ord_2", "amount": 12.0, "refunded_amount": 0.0}, 0.0),
             ({"order_id": "ord_3", "amount": 20}, 20),
             ({"order_id": "ord_4", "amount": 9.9, "refunded_amount": 4.5, "currency": "BRL", "reason": "damaged"},
              4.5)]
    for data, want in cases:
        got = refund_amount(data)
        expect(got == want, expected=_("{want!r} for {data}", want=want, data=show(data)), got=show(got),
               hint=_("a refund of 0.0 is still a refund: test whether 'refunded_amount' is in data "
                      "(or use data.get with a default), not whether it is truthy"))
