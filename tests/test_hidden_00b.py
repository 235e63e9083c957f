"""Lab 00b, the primer: a right answer passes the grader's verdict, and an answer that only fits the
visible check (a plausible slip) passes the visible check but not the grader's own cases. Also: the
course's exercise ids take a letter after the lab's two digits ("00b.1"), and everything that reads
them keeps the labs in order.

The right answers are written here (not read from solutions/), each next to its wrong twin.
"""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest

from hooklab.course import checks, grading, runner, validate
from hooklab.course.answers import answer_lines, find_answers
from hooklab.course.labs import ROOT, generate, meta
from hooklab.course.lab00b import _traceback_of

HIDDEN_MISS = "passed the visible check, but not the grader's own cases"


def buyer_email(event):
    email = event["data"].get("email")
    return None if email is None else email.strip().lower()


def buyer_email_without_strip(event):  # right while nobody types a space around their address
    return event["data"]["email"].lower() if "email" in event["data"] else None


def customers(stack):
    contacts = stack.crm.contacts()
    return sorted(contacts.loc[contacts["lifecycle_stage"] == "customer", "email"])


def customers_who_ordered(stack):  # right while every customer came from an online order
    return sorted(set(stack.crm.orders()["email"]))


def customers_who_are_not_subscribers(stack):  # right while the CRM holds no lead
    contacts = stack.crm.contacts()
    return sorted(contacts.query("lifecycle_stage != 'subscriber'")["email"])


def revenue_by_currency(orders):
    done = orders.query("status == 'completed'")
    return {currency: round(total, 2) for currency, total in done.groupby("currency")["total"].sum().items()}


def revenue_by_currency_unrounded(orders):  # right while the sums happen to be exact in floating point
    return orders.query("status == 'completed'").groupby("currency")["total"].sum().to_dict()


def missing_key(text):
    last = text.strip().splitlines()[-1]
    return last.split(": ", 1)[1].strip("'\"") if last.startswith("KeyError: ") else None


def missing_key_first_in_the_text(text):  # right while a traceback holds one error
    found = re.search(r"^KeyError: '(.*)'$", text, re.M)
    return found.group(1) if found else None


def missing_key_between_quotes(text):  # right while every key is a string
    last = text.strip().splitlines()[-1]
    return last.split("'")[1] if last.startswith("KeyError") else None


CASES = {  # exercise: (right answer, wrong answers, takes the stack)
    "00b.1": (buyer_email, [buyer_email_without_strip], False),
    "00b.2": (customers, [customers_who_ordered, customers_who_are_not_subscribers], True),
    "00b.3": (revenue_by_currency, [revenue_by_currency_unrounded], True),
    "00b.4": (missing_key, [missing_key_first_in_the_text, missing_key_between_quotes], False),
}


def test_every_exercise_of_lab_00b_has_hidden_cases():
    ours = {ex for ex in checks.registry() if ex.split(".")[0] == "00b"}
    assert set(CASES) == ours == {"00b.1", "00b.2", "00b.3", "00b.4"}
    assert all(checks.hidden_check(ex) is not None for ex in CASES)


@pytest.mark.parametrize("ex, wrong", [(ex, w) for ex, (_, wrongs, _) in CASES.items() for w in wrongs],
                         ids=lambda v: v if isinstance(v, str) else v.__name__)
def test_a_right_answer_passes_and_a_visible_only_one_does_not(ex, wrong, vstack):
    right, _, needs_stack = CASES[ex]
    stack = (vstack,) if needs_stack else ()
    vstack.fire_many("order.completed", 3)  # a shop with some history, as in the lab
    vstack.fire("newsletter.subscribed")
    vstack.wait()
    passed, message = checks.verdict(ex, wrong, *stack)  # first: the message says it passed the visible check
    assert not passed and HIDDEN_MISS in message, f"{wrong.__name__}: {message}"
    assert message.startswith(f"❌ {ex} ") and "Hint:" in message
    passed, message = checks.verdict(ex, right, *stack)  # also after the wrong answer left its traces
    assert passed, message
    assert message and HIDDEN_MISS not in message


def test_feedback_names_the_differing_email_or_currency(vstack):
    passed, message = checks.verdict("00b.2", customers_who_ordered, vstack)
    assert re.search(r"got vera\d+@example\.com missing\.", message), message
    passed, message = checks.verdict("00b.3", revenue_by_currency_unrounded, vstack)
    assert "got a value that differs at BRL: expected 30.3, got 30.299999999999997." in message


def test_an_answer_that_raises_is_told_which_case_broke_it():
    passed, message = checks.verdict("00b.1", lambda event: event["data"]["email"].lower())
    assert not passed and "for an order whose data has no email" in message and "got KeyError: 'email'" in message
    assert 'Hint: event["data"].get("email") gives None' in message


def test_the_hidden_tracebacks_are_what_the_cases_say():
    data = {"name": "Xavier"}

    def chained():
        try:
            return data["email"]
        except KeyError:
            return data["nome"]

    text = _traceback_of(chained)
    assert "During handling of the above exception" in text
    assert text.strip().splitlines()[-1] == "KeyError: 'nome'"


def test_the_visible_checks_hold_no_line_of_the_solutions(tmp_path):
    shutil.copy(ROOT / "src/hooklab/course/lab00b.py", tmp_path)
    shutil.copy(ROOT / "notebooks/00b_python_and_pandas.ipynb", tmp_path)
    assert find_answers(tmp_path, answer_lines(ROOT)) == []


# -- exercise ids with a letter ----------------------------------------------------------------

def test_an_id_may_have_a_letter_after_the_labs_two_digits():
    for good in ("00.1", "15.12", "00b.1", "03a.2"):
        assert checks._ID.match(good), good
    for bad in ("0.1", "000.1", "00B.1", "00bb.1", "00b", "00b.", "b0.1", "00-b.1", "00b.1a"):
        assert not checks._ID.match(bad), bad
        with pytest.raises(ValueError, match=r"should look like '01.2' or '00b.1'"):
            checks.exercise(bad, points=1, title="bad")


def test_ids_sort_lab_by_lab_with_the_lettered_lab_after_its_number():
    ids = ["01.10", "00b.2", "01.2", "00.3", "10.1", "00b.1", "00.1", "01.1"]
    want = ["00.1", "00.3", "00b.1", "00b.2", "01.1", "01.2", "01.10", "10.1"]
    assert sorted(ids, key=checks.id_key) == want
    registered = list(checks.registry())
    assert registered == sorted(registered, key=checks.id_key)
    assert registered.index("00.3") < registered.index("00b.1") < registered.index("00b.4") < registered.index("01.1")


def test_two_digit_ids_sort_as_before():
    ids = ["10.2", "02.1", "01.10", "01.2", "15.1", "00.3"]
    before = sorted(ids, key=lambda ex: tuple(int(p) for p in ex.split(".")))
    assert sorted(ids, key=checks.id_key) == before


def test_a_lettered_labs_stub_is_said_to_be_not_answered():
    def stub(event):
        raise NotImplementedError("exercise 00b.1: take event['data'].get('email')")

    passed, message = checks.verdict("00b.1", stub)
    assert not passed and "not answered yet" in message and message.endswith("Hint: take event['data'].get('email')")
    hint = checks._stub_in("00b.4", "last_error: 'NotImplementedError: exercise 00b.4: read the last line'")
    assert isinstance(hint, NotImplementedError) and str(hint) == "exercise 00b.4: read the last line"


def test_the_grader_and_validate_find_the_lettered_lab(tmp_path):
    lab = grading.Lab.load(ROOT / "solutions/00b_lab_primer.ipynb")
    assert lab.points == {"00b.1": 1, "00b.2": 2, "00b.3": 2, "00b.4": 1}
    assert lab.start == {"seed": 7, "clock": "virtual"}
    generated = generate(ROOT / "solutions/00b_lab_primer.ipynb")
    lost = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c.source) for c in generated.cells
                                           if c.cell_type == "code" and meta(c, "answer") is None])
    nbformat.write(lost, tmp_path / "ana_00b_lab_primer (1).ipynb")  # no metadata: found by its name alone
    assert validate._original(lost, tmp_path / "ana_00b_lab_primer (1).ipynb", ROOT / "labs").name \
        == "00b_lab_primer.ipynb"
    assert runner.SUSPICIOUS.search("from hooklab.course.lab00b import _customers_now")
