"""The grader's own cases for lab 00b, the primer (instructor-only: not in the student release).

Each case is an input the exercise's text covers but its visible check does not try: an email
typed with spaces or left empty, a lead and a customer with no order in the CRM, sums that
floating point does not add up exactly, and tracebacks with two errors in them.
"""

from __future__ import annotations

from ..checks import hidden, lab_stack
from ..lab00b import (_customers_now, _email_list, _email_of, _event, _expect_emails, _key_of, _order, _order_data,
                      _orders_of, _revenue_of, _traceback_of, _unused)
from ..messages import _


@hidden("00b.1")
def _buyer_email(buyer_email):
    typed = _event("form.submitted", email=" Caio.Prado@Example.ORG ", name="Caio Prado", form_id="ebook-download",
                   consent=True)
    _email_of(buyer_email, typed, "caio.prado@example.org",
              _("for a form whose email was typed as ' Caio.Prado@Example.ORG ' (a space before and after)"),
              hint=_("a string's .strip() removes the spaces around it; then .lower()"))
    empty = _event("order.completed", **_order_data("ord_primer_3", 12.0, "EUR", email=None, name="Guest"))
    _email_of(buyer_email, empty, None, _('for an order whose data has "email": None (a field left empty)'),
              hint=_("an email that is None is missing too: return None before calling a string method on it"))


@hidden("00b.2")
def _customers(customers, stack):
    stack = lab_stack(stack, seed=7)
    before = _customers_now(customers, stack)
    lead = _unused(stack, "ulisses")
    stack.fire("form.submitted", email=lead, name="Ulisses Neto", form_id="demo-request", consent=True)
    offline = _unused(stack, "vera")  # bought in the shop, imported by the sales team: a customer, no online order
    stack.crm.upsert_contact(offline, name="Vera Dias", lifecycle_stage="customer")
    stack.wait()
    after = _email_list(customers(stack), "customers(stack)")
    _expect_emails(after, sorted(set(before) | {offline}),
                   expected=_("{offline} (made a customer in the CRM, with no order) added, and not {lead} (a lead "
                              "from a form)", offline=offline, lead=lead),
                   hint=_('the CRM\'s lifecycle_stage decides, and only "customer" counts: not "has an order", '
                          'not "anything but subscriber"'))


@hidden("00b.3")
def _revenue(revenue_by_currency, stack):
    stack = lab_stack(stack, seed=7)
    email = _unused(stack, "wagner")
    ids = [_order(stack, email, total, currency) for total, currency in ((10.1, "BRL"), (20.2, "BRL"), (35.0, "EUR"))]
    stack.fire("order.refunded", order_id=ids[-1])
    stack.wait()
    table = _orders_of(stack, email)
    _revenue_of(revenue_by_currency, table, {"BRL": 30.3},
                _("for 10.10 and 20.20 BRL, and 35.00 EUR refunded"),
                hint=_("10.1 + 20.2 is 30.299999999999997 in floating point: round each sum to 2 decimals "
                       "(.round(2)); a currency whose only order was refunded is left out"))
    refunded = table[table["currency"] == "EUR"].reset_index(drop=True)
    _revenue_of(revenue_by_currency, refunded, {}, _("for a table whose only order was refunded"),
                hint=_("no completed order: an empty dict"))


def _handled_then(second: str) -> str:
    """A traceback with two errors: a KeyError for 'email' was handled, and then ``second`` went wrong."""
    data = {"name": "Xavier Lopes"}

    def action():
        try:
            return data["email"]
        except KeyError:
            return data["nome"] if second == "KeyError" else data.lower()

    return _traceback_of(action)


@hidden("00b.4")
def _traceback(missing_key):
    text = _handled_then("KeyError")
    _key_of(missing_key, text, "nome",
            hint=_('a traceback can hold two errors ("During handling of the above exception..."): '
                   "only the last line says what stopped the code"))
    _key_of(missing_key, _handled_then("AttributeError"), None,
            hint=_("the last line is an AttributeError: return None, even when a KeyError shows higher up"))
    by_year = {2025: 1280}
    _key_of(missing_key, _traceback_of(lambda: by_year[2026]), "2026",
            hint=_("a key that is a number has no quotes around it (KeyError: 2026): return '2026'"))
