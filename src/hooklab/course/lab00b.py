"""Checks of lab 00b (the primer): read an event, filter and sum the CRM's tables, read a traceback.

Each check tries the learner's function on inputs the notebook has not used: events made here,
orders and contacts the check adds to the stack itself (so it knows what the answer must be),
and tracebacks of errors it raises on purpose. The grader's own cases are in
``hooklab/course/hidden/lab00b.py``.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

import pandas as pd

from .. import catalog
from .checks import exercise, expect, expect_same, fail, lab_stack, show
from .messages import _

_T0 = 1767603600.0  # 2026-01-05 09:00 UTC, the virtual clock's start


def _event(kind: str, **data: Any) -> dict:
    """An event shaped as the stack sends it: ``{"type", "timestamp", "data"}``."""
    return catalog.envelope(kind, data, _T0)


def _order_data(order_id: str, total: float, currency: str, **more: Any) -> dict:
    item = {"sku": "MUG-01", "name": "Coffee mug", "quantity": 1, "unit_price": total}
    return {"order_id": order_id, **more, "total": total, "currency": currency, "items": [item],
            "completed_at": "2026-01-05T09:00:00.000Z"}


def _ask(fn: Callable[[Any], Any], value: Any, case: str, hint: str) -> Any:
    """``fn(value)``; an error becomes a failure that names the case (the stub's error stays itself)."""
    try:
        return fn(value)
    except NotImplementedError:
        raise
    except Exception as e:
        fail(expected=_("an answer {case}", case=case), got=f"{type(e).__name__}: {e}", hint=hint)


def _unused(stack: Any, name: str) -> str:
    """An address neither the CRM nor the sources have seen, the same on every run of the notebook."""
    known = set(stack.crm.contacts()["email"]) | set(stack.sources.contacts()["email"])
    return next(f"{name}{n}@example.com" for n in range(1, 10_000) if f"{name}{n}@example.com" not in known)


def _order(stack: Any, email: str, total: float, currency: str) -> str:
    """Fire an order of one product at ``total``; its order id."""
    item = {"sku": "MUG-01", "name": "Coffee mug", "quantity": 1, "unit_price": total}
    event_id = stack.fire("order.completed", email=email, total=total, currency=currency, items=[item])
    return stack.sources.event(event_id)["data"]["order_id"]


def _orders_of(stack: Any, email: str) -> pd.DataFrame:
    """The CRM's orders table, cut down to one buyer's rows (the check knows all of them)."""
    table = stack.crm.orders()
    return table[table["email"] == email].reset_index(drop=True)


# -- 00b.1 ---------------------------------------------------------------------------------------

_NONE_HINT = 'event["data"].get("email") gives None, not a KeyError, when there is no email'


def _email_of(buyer_email: Callable, event: dict, want: str | None, case: str, hint: str) -> None:
    got = _ask(buyer_email, event, case, _(_NONE_HINT) if want is None else hint)
    expect(got == want, expected=f"{want!r} {case}", got=show(got), hint=hint)


@exercise("00b.1", points=1, title="The buyer's email")
def _buyer_email(buyer_email):
    bia = _event("order.completed", **_order_data("ord_primer_1", 79.9, "BRL", email="Bia.Lima@Example.COM",
                                                  name="Bia Lima"))
    _email_of(buyer_email, bia, "bia.lima@example.com", _("for an order whose email is 'Bia.Lima@Example.COM'"),
              hint=_("return the email in lower case: a string's .lower() method"))
    guest = _event("order.completed", **_order_data("ord_primer_2", 35.0, "USD", name="Guest"))
    _email_of(buyer_email, guest, None, _("for an order whose data has no email (a guest checkout)"),
              hint=_("return None when the data has no email"))
    return _("lower case, and None when there is no email")


# -- 00b.2 ---------------------------------------------------------------------------------------

def _email_list(got: Any, call: str) -> list:
    expect(isinstance(got, list) and all(isinstance(e, str) for e in got),
           expected=_("a list of emails from {call}", call=call), got=show(got),
           hint=_("sorted(...) of a column gives a list; a column itself (a Series) is not one"))
    return got


def _expect_emails(got: list, want: list, expected: str, hint: str) -> None:
    """``got == want``, else a failure that names the emails missing and the ones not expected."""
    missing, extra = [e for e in want if e not in got], [e for e in got if e not in want]
    if missing or extra:
        fail(expected=expected, got="; ".join([_("{emails} missing", emails=", ".join(missing))] * bool(missing)
                                              + [_("{emails} not expected", emails=", ".join(extra))] * bool(extra)),
             hint=hint)
    expect_same(got, want, expected=expected, hint=hint)


def _customers_now(customers: Callable, stack: Any) -> list:
    """customers(stack), checked against the CRM: customers only, each once, A→Z, and all of them."""
    got = _email_list(customers(stack), "customers(stack)")
    expect(got == sorted(got), expected=_("the emails sorted A→Z"), got=show(got, 200),
           hint=_("sorted(...) sorts a list or a column A→Z"))
    expect(len(got) == len(set(got)), expected=_("each email once"), got=show(got, 200),
           hint=_("one row per contact: do not add emails from other tables"))
    contacts = stack.crm.contacts()
    stage = dict(zip(contacts["email"], contacts["lifecycle_stage"]))
    wrong = [f"{e} ({stage.get(e, _('not in the CRM'))})" for e in got if stage.get(e) != "customer"]
    expect(not wrong, expected=_("only contacts whose lifecycle_stage is 'customer'"), got=", ".join(wrong[:3]),
           hint=_('keep the rows where contacts["lifecycle_stage"] == "customer"'))
    count = int(contacts["lifecycle_stage"].value_counts().get("customer", 0))
    expect(len(got) == count, expected=_("all {count} customers of the CRM", count=count), got=f"{len(got)}",
           hint=_("read stack.crm.contacts() inside the function, each time it is called"))
    return got


@exercise("00b.2", points=2, title="Customers in the CRM")
def _customers(customers, stack):
    stack = lab_stack(stack, seed=7)
    before = _customers_now(customers, stack)
    buyers = [_unused(stack, "olga"), _unused(stack, "pedro")]
    readers = [_unused(stack, "quim"), _unused(stack, "rosa")]
    for email, total in zip(buyers, (42.0, 18.5)):
        _order(stack, email, total, "USD")
    for email in readers:
        stack.fire("newsletter.subscribed", email=email)
    stack.wait()
    after = _customers_now(customers, stack)
    _expect_emails(after, sorted(set(before) | set(buyers)),
                   expected=_("the two new buyers ({buyers}) added, and not the two new newsletter readers",
                              buyers=", ".join(buyers)),
                   hint=_("call stack.crm.contacts() inside your function, so it sees the CRM as it is now"))
    return _("every customer in the CRM, A→Z, and nobody else")


# -- 00b.3 ---------------------------------------------------------------------------------------

def _revenue_of(revenue_by_currency: Callable, table: pd.DataFrame, want: dict, case: str, hint: str) -> None:
    got = _ask(revenue_by_currency, table.copy(), case,
               hint=_("the table has the columns of stack.crm.orders(): order_id, email, total, currency, status..."))
    expect(isinstance(got, dict), expected=_("a dict {{currency: revenue}} {case}", case=case), got=show(got),
           hint=_("a column's .to_dict() turns it into a dict, its index as the keys"))
    expect_same(got, want, expected=f"{show(want)} {case}", hint=hint)


@exercise("00b.3", points=2, title="Revenue per currency")
def _revenue(revenue_by_currency, stack):
    stack = lab_stack(stack, seed=7)
    email = _unused(stack, "sara")
    ids = [_order(stack, email, total, currency)
           for total, currency in ((40.5, "USD"), (59.25, "USD"), (120.0, "EUR"), (100.0, "BRL"), (89.9, "BRL"))]
    stack.fire("order.refunded", order_id=ids[-1])
    stack.wait()
    table = _orders_of(stack, email)
    _revenue_of(revenue_by_currency, table, {"BRL": 100.0, "EUR": 120.0, "USD": 99.75},
                _("for 5 orders: 40.50 and 59.25 USD, 120.00 EUR, 100.00 BRL and 89.90 BRL refunded"),
                hint=_('count only the rows whose status is "completed", then add up total per currency'))
    return _("completed orders summed per currency; the refunded one left out")


# -- 00b.4 ---------------------------------------------------------------------------------------

def _traceback_of(action: Callable[[], Any]) -> str:
    """The traceback text of the error ``action()`` raises, as Python prints it."""
    try:
        action()
    except Exception as e:  # noqa: BLE001 - any error: its text is the input
        return "".join(traceback.format_exception(e))
    raise AssertionError("the action raised nothing")


def _key_of(missing_key: Callable, text: str, want: str | None, hint: str) -> None:
    last = text.strip().splitlines()[-1]
    case = _("for a traceback whose last line is {last!r}", last=last)
    got = _ask(missing_key, text, case, hint)
    expect(got == want, expected=f"{want!r} {case}", got=show(got), hint=hint)


@exercise("00b.4", points=1, title="Read a traceback")
def _traceback(missing_key):
    event = _event("newsletter.subscribed", email="tiago@example.org", name="Tiago Reis", list="newsletter")
    contacts = pd.DataFrame({"email": ["tiago@example.org"], "lifecycle_stage": ["subscriber"]})
    _key_of(missing_key, _traceback_of(lambda: event["data"]["e_mail"]), "e_mail",
            hint=_("the last line is KeyError: 'e_mail'; return what follows 'KeyError: ', without the quotes"))
    _key_of(missing_key, _traceback_of(lambda: contacts["stage"]), "stage",
            hint=_("only the last line counts; return the key without its quotes"))
    _key_of(missing_key, _traceback_of(lambda: contacts.emial), None,
            hint=_("an AttributeError is not a missing key: return None unless the last line starts with "
                   "'KeyError: '"))
    return _("the last line says it: KeyError and the key, or another error")
