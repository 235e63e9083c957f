"""The quiz machinery (hooklab.quiz), lesson 15's question bank and lab 15's checks.

Lab 15's grader-only side (the key of Q1 and Q4, the hidden checks) is tested with the other hidden
checks in tests/test_hidden_11_15.py; here, what a learner's copy does without it.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

import hooklab
from hooklab import signing
from hooklab.course import checks, lab15, quiz15
from hooklab.errors import StackError
from hooklab.quiz import Question, Quiz
from hooklab.testing import sample, signed

ROOT = Path(__file__).resolve().parents[1]


# -- the machinery, on toy questions ---------------------------------------------------

def toy() -> tuple[Quiz, list[int]]:
    calls: list[int] = []

    def four():
        calls.append(1)
        return 4

    return Quiz([
        Question("Q1", "2 + 2?", "00", four, why={5: "one too many"}, hint="add them again", right="It is {truth}."),
        Question("Q2", "Which is a vowel?", "01, 02", lambda: "b", {"a": "x", "b": "e", "c": "z"},
                 why={"a": "x is a consonant"}),
        Question("Q0", "Practice", "00", lambda: "a", {"a": "yes", "b": "no"}, scored=False),
    ]), calls


def test_a_right_answer_is_accepted_explained_and_scored(capsys):
    quiz, _ = toy()
    quiz.answer("Q1", 4)
    out = capsys.readouterr().out
    assert "✅ Q1 right: 4. It is 4. (Lesson 00.)" in out
    assert "Score: 1 of 2 right (1 answered)." in out


def test_a_wrong_answer_gets_its_own_reason_and_the_lessons_to_revisit():
    quiz, _ = toy()
    assert quiz.grade("Q1", 5) == (False, "❌ Q1 not quite: one too many. See lesson 00.")
    assert quiz.grade("Q1", 7) == (False, "❌ Q1 not quite: add them again. See lesson 00.")
    assert quiz.grade("Q2", "a") == (False, "❌ Q2 not quite: x is a consonant. See lessons 01, 02.")


def test_answers_are_read_forgivingly_and_ids_too():
    quiz, _ = toy()
    for value in ("b", " B ", "b)"):
        assert quiz.grade("q2", value)[0] is True
    for value in (4, "4", 4.0, " 4 "):
        assert quiz.grade(1, value)[0] is True


@pytest.mark.parametrize("qid, value", [("Q1", "four"), ("Q1", 4.5), ("Q1", True), ("Q2", "e"), ("Q2", "d")])
def test_an_answer_of_the_wrong_form_is_explained_and_not_counted(qid, value, capsys):
    quiz, _ = toy()
    right, message = quiz.grade(qid, value)
    assert right is None and message.startswith(f"⚠️ {qid}: answer with")
    quiz.answer(qid, value)
    assert "(0 answered)" in capsys.readouterr().out


def test_an_unknown_question_lists_the_known_ones():
    quiz, _ = toy()
    with pytest.raises(KeyError, match="the questions are Q1, Q2, Q0"):
        quiz.grade("Q9", "a")


def test_the_latest_answer_counts_and_practice_is_not_scored(capsys):
    quiz, calls = toy()
    quiz.answer("Q1", 5)
    quiz.answer("Q1", 4)
    quiz.answer("Q2", "c")
    quiz.answer("Q0", "a")
    assert calls == [1], "the truth is computed once, then remembered"
    assert quiz.score_line() == "Score: 1 of 2 right (2 answered)."
    table = quiz.score()
    assert table["question"].tolist() == ["Q1", "Q2"]
    assert table["your answer"].tolist() == [4, "c"]
    assert table["result"].tolist() == ["right", "try again"]
    assert "Score" not in capsys.readouterr().out.splitlines()[-1]  # practice: no score line after it


def test_without_widgets_a_question_is_stable_text_with_the_plain_python_way():
    quiz, _ = toy()
    first, second = quiz.ask("Q2", widgets=False), quiz.ask("Q2", widgets=False)
    assert first._repr_mimebundle_() == second._repr_mimebundle_() == {"text/plain": (
        'Q2 · Which is a vowel?\n  a) x\n  b) e\n  c) z\n'
        'Answer with the widget, or in Python: answer("Q2", "<letter>")')}
    assert 'answer("Q1", <a whole number>)' in repr(quiz.ask("Q1", widgets=False))


def test_the_widgets_check_answers_show_feedback_and_the_score():
    quiz, _ = toy()
    panel = quiz.ask("Q2")
    bundle, again = panel._repr_mimebundle_(), quiz.ask("Q2")._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "application/vnd.jupyter.widget-view+json"}
    assert bundle["text/plain"] == again["text/plain"] == panel.text()  # what nbval compares
    assert bundle["application/vnd.jupyter.widget-view+json"] != again["application/vnd.jupyter.widget-view+json"]
    panel.button.click()
    assert panel.feedback.value == "Choose an option first."
    panel.control.value = "a"
    panel.button.click()
    assert "❌ Q2 not quite: x is a consonant" in panel.feedback.value and "firebrick" in panel.feedback.value
    panel.control.value = "b"
    panel.button.click()
    assert "✅ Q2 right" in panel.feedback.value and "Score: 1 of 2 right (1 answered)." in panel.feedback.value
    number = quiz.ask("Q1")
    number.control.value = "five"
    number.button.click()
    assert "answer with a whole number" in number.feedback.value
    number.control.value = "4"
    number.button.click()
    assert quiz.score_line() == "Score: 2 of 2 right (2 answered)."


# -- lesson 15's bank: every right answer accepted, every wrong one rejected with a reason ------

BANK = lab15.quiz()
QUESTIONS_SCORED = [q for q in lab15.QUESTIONS if q.scored]
EXPECTED = {"Q0": "b", "Q1": "c", "Q2": 7, "Q3": "a", "Q4": "d", "Q5": "b", "Q6": 3, "Q7": "c", "Q8": "a",
            "Q9": "d", "Q10": 0, "Q11": "b"}


@pytest.mark.parametrize("qid", list(BANK.questions))
def test_each_question_accepts_its_computed_answer_and_rejects_the_others_with_a_reason(qid):
    q = BANK.questions[qid]
    truth = BANK.truth(qid)
    assert truth == EXPECTED[qid], f"{qid}'s recipe now gives {truth!r}: check its options and reasons"
    assert BANK.grade(qid, truth)[0] is True
    why = q.why() if callable(q.why) else q.why
    wrong = [o for o in q.options if o != truth] or sorted({*why, truth - 1, truth + 1} - {truth})
    for value in wrong:
        right, message = BANK.grade(qid, value)
        assert right is False, f"{qid}: {value!r} was accepted"
        reason = why.get(value, q.hint)
        assert reason in message and "See lesson" in message
        if q.options:
            assert value in why, f"{qid}: wrong option {value!r} has no reason of its own"


def test_right_answers_are_spread_over_the_letters():
    letters = [BANK.truth(q.id) for q in QUESTIONS_SCORED if q.options]
    assert all(letters.count(letter) <= 3 for letter in "abcd"), letters


def test_half_the_questions_at_least_are_answered_by_running_the_stack():
    lesson = nbformat.read(ROOT / "notebooks" / "15_quiz.ipynb", as_version=4)
    experiments = {c.metadata["hooklab"]["quiz"] for c in lesson.cells if "quiz" in c.metadata.get("hooklab", {})}
    assert len(experiments) * 2 >= len(QUESTIONS_SCORED) and len(QUESTIONS_SCORED) >= 10


def test_the_truth_comes_from_running_the_recipe_not_from_a_key():
    assert lab15.lost_without_retries(seed=15) == 3
    assert lab15.lost_without_retries(seed=16) == 6
    assert lab15.lost_without_retries(error_rate=0.0, n=6) == 0
    assert lab15.lost_without_retries(error_rate=1.0, n=6) == 6


def test_the_signed_requests_are_real_and_exactly_one_verifies(vstack):
    requests = lab15.three_requests(vstack)
    now, verdicts = int(vstack.clock.now()), {}
    for letter, r in requests.items():
        try:
            signing.verify(vstack.secret, r["headers"], r["body"], now=now)
            verdicts[letter] = "ok"
        except hooklab.SignatureError as e:
            verdicts[letter] = str(e)
    assert list(verdicts.values()).count("ok") == 1
    assert any("too old" in v for v in verdicts.values())
    assert any("no matching signature" in v for v in verdicts.values())


# What a learner looks at after running each experiment cell of the lesson, to answer.
LOOKUPS = {
    "Q2": "int((run.polls['new_events'] == 0).sum())",
    "Q3": "'a' if stack.crm.contact('lia@example.com') is not None and stack.email.member('lia@example.com') is None"
          " and len(stack.notifier.messages(channel='leads')) == 1 else '?'",
    "Q4": "{frozenset({1, 2}): 'd'}.get(frozenset(n for n, e in changed.items() if client.post('/webhooks', "
          "**signed(e, stack.secret, timestamp=stack.clock.now())).status_code >= 400), '?')",
    "Q5": "[l for l, r in candidates.items() if verifies(r)]",
    "Q6": "len(stack.dead_letters())",
    "Q7": "{200: 'c'}.get(int(stack.deliveries()['status_code'].iloc[-1]), '?')",
    "Q9": "{frozenset({'missing'}): 'd'}.get(frozenset(stack.reconcile()['problem']), '?')",
    "Q10": "int((stack.deliveries()['error'] == 'timeout').sum())",
    "Q11": "{frozenset({'frequent errors'}): 'b'}.get(frozenset(stack.warning_signs().query('alert')['sign']), '?')",
}


@pytest.mark.slow
def test_the_lesson_experiments_lead_to_the_answers_the_quiz_accepts(capsys):
    lesson = nbformat.read(ROOT / "notebooks" / "15_quiz.ipynb", as_version=4)
    setup = next(c for c in lesson.cells if c.cell_type == "code")
    ns: dict = {}
    exec(setup.source, ns)
    ns["verifies"] = lambda r: _verifies(r, ns["stack"].secret, ns["now"])
    try:
        for cell in lesson.cells:
            qid = cell.metadata.get("hooklab", {}).get("quiz")
            if qid:
                exec(cell.source, ns)
                seen = eval(LOOKUPS[qid], ns)
                seen = seen[0] if isinstance(seen, list) and len(seen) == 1 else seen
                assert BANK.grade(qid, seen)[0] is True, f"{qid}: the lesson's experiment shows {seen!r}"
        assert set(LOOKUPS) <= {c.metadata.get("hooklab", {}).get("quiz") for c in lesson.cells}
    finally:
        if "stack" in ns:
            ns["stack"].stop()


def _verifies(request, secret, now):
    try:
        signing.verify(secret, request["headers"], request["body"], now=now)
        return True
    except hooklab.SignatureError:
        return False


# -- lab 15's checks --------------------------------------------------------------------

def authentic(requests, secret, now):
    return next((letter for letter, r in requests.items() if _verifies(r, secret, now)), None)


def signature_only(requests, secret, now):  # forgets the timestamp window
    return next((letter for letter, r in requests.items()
                 if _verifies(r, secret, int(r["headers"].get("webhook-timestamp", now)))), None)


def twice_then_count(stack, client):
    order = sample("order.completed", seed=7)
    request = signed(order, stack.secret, msg_id="msg_twice", timestamp=stack.clock.now())
    for _ in range(2):
        client.post("/webhooks", **request)
    stack.wait()
    assert (stack.crm.orders()["order_id"] == order["data"]["order_id"]).sum() == 1


def fire_then_replay(stack, client):
    event_id = stack.fire("order.completed")
    stack.wait()
    stack.replay(event_id)
    stack.wait()
    assert len(stack.crm.orders()) == 1


def both_2xx(stack, client):
    request = signed(sample("order.completed", seed=7), stack.secret, msg_id="m", timestamp=stack.clock.now())
    assert all(client.post("/webhooks", **request).status_code < 300 for _ in range(2))


def always_fails(stack, client):
    assert False, "this test never passes"


@pytest.mark.slow
def test_lab15_checks_pass_right_answers(capsys):
    checks.check("15.1", lambda: "c")
    checks.check("15.2", lambda: "d")
    checks.check("15.3", twice_then_count)
    checks.check("15.3", fire_then_replay)
    checks.check("15.4", authentic)
    checks.check("15.5", lambda stack: int(stack.events()["processed_at"].isna().sum()))
    assert capsys.readouterr().out.count("✅") == 6


@pytest.mark.parametrize("ex, answer, words", [
    ("15.1", lambda: "a", "ordinary HTTP POST"),
    ("15.1", lambda: "b", "stream"),
    ("15.1", lambda: "d", "86,400 requests"),
    ("15.2", lambda: "a", "additionalProperties: false"),
    ("15.2", lambda: "b", "unknown event type is acknowledged"),
    ("15.2", lambda: "c", "key order means nothing"),
])
def test_a_wrong_choice_is_recorded_by_the_lab_and_marked_wrong_by_the_grader_with_its_reason(ex, answer, words,
                                                                                             capsys):
    checks.check(ex, answer)  # the lab's own check only reads the letter: trying each one tells nothing
    assert f"answer {answer()!r} recorded; the grader marks it" in capsys.readouterr().out
    passed, message = checks.verdict(ex, answer)
    assert not passed and "passed the visible check, but not the grader's own cases" in message and words in message


@pytest.mark.parametrize("ex, answer, words", [
    ("15.1", lambda: "e", "expected one option letter: a, b, c, d"),
    ("15.2", lambda: 4, "expected one option letter"),
    ("15.3", lambda stack, client: None, "expected your test to fail on the receiver"),
    ("15.3", both_2xx, "expected your test to fail on the receiver"),
    ("15.3", always_fails, "expected your test to pass on a correct receiver; got it failed: AssertionError"),
    ("15.4", lambda requests, secret, now: "b", "expected the one valid request"),
    ("15.4", signature_only, "10 minutes old"),
    ("15.4", lambda requests, secret, now: next(iter(requests)), "is not authentic"),
    ("15.5", lambda stack: len(stack.dead_letters()), "the sender delivered them all"),
    ("15.5", lambda stack: int((stack.deliveries()["outcome"] != "delivered").sum()), "not failed attempts"),
    ("15.5", lambda stack: 4, "expected"),
])
def test_lab15_checks_reject_wrong_answers_and_say_why(ex, answer, words):
    with pytest.raises(checks.CheckFailed, match=f"❌ {ex}") as e:
        checks.check(ex, answer)
    assert words in str(e.value)


# -- a learner's copy of the course: no grader's files --------------------------------------

@pytest.fixture
def release(monkeypatch):
    """The quiz as in the student release, where hooklab/course/hidden/ is left out."""
    monkeypatch.setattr(quiz15, "graded_key", lambda qid: None)


def test_without_the_graders_files_the_lesson_notes_a_graded_question_and_gives_nothing_away(release, capsys):
    quiz = lab15.quiz()
    for letter in "abcd":
        right, message = quiz.grade("Q1", letter)
        assert right is None and message.startswith(f"📝 Q1: '{letter}' noted. Lab 15 grades this question "
                                                    "(exercise 15.1)")
    assert quiz.grade("Q4", "z")[0] is None and "answer with one of" in quiz.grade("Q4", "z")[1]
    with pytest.raises(StackError, match="Q4 is graded in lab 15"):
        quiz.truth("Q4")
    quiz.answer("Q1", "c")
    quiz.answer("Q2", 7)
    out = capsys.readouterr().out
    assert "📝 Q1" in out and "✅ Q2 right" in out and "Score: 1 of 9 right (1 answered)." in out
    assert "Q1" not in quiz.score()["question"].tolist() and len(quiz.score()) == 9
    panel = quiz.ask("Q4")
    panel.control.value = "d"
    panel.button.click()
    assert "noted" in panel.feedback.value and "darkorange" in panel.feedback.value and "Score" not in \
        panel.feedback.value


def test_without_the_graders_files_the_labs_multiple_choice_checks_still_read_the_answer(release, capsys):
    checks.check("15.1", lambda: "B)")
    assert "answer 'b' recorded" in capsys.readouterr().out
    with pytest.raises(checks.CheckFailed, match="expected one option letter"):
        checks.check("15.2", lambda: "the rename")


def test_the_released_modules_hold_no_key_to_the_graded_questions():
    for module in (quiz15, lab15):
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert "Push against pull" not in source and "_refused_changes" not in source
    assert not hasattr(quiz15, "never_processed")  # 15.5's reference answer is the grader's too


def test_an_unanswered_test_is_reported_as_not_answered_yet():
    def stub(stack, client):
        raise NotImplementedError("exercise 15.3: post one signed order twice")

    with pytest.raises(checks.CheckFailed, match="not answered yet"):
        checks.check("15.3", stub)


def test_a_recipe_whose_outcome_is_no_option_says_the_question_needs_updating():
    quiz = Quiz([Question("Q1", "?", "00", lambda: "none of the options ({'x'})", {"a": "x", "b": "y"})])
    with pytest.raises(RuntimeError, match="Q1's recipe gave no valid answer"):
        quiz.grade("Q1", "a")


def test_the_score_table_shows_every_column_and_every_question_whole():
    from hooklab.course import lab15

    quiz = lab15.quiz()
    table = quiz.score()
    text, html = repr(table), table._repr_html_()
    longest = max(table["about"], key=len)
    assert len(longest) > 50 and longest in text and longest in html  # pandas alone cuts at 50 characters
    assert "\\" not in text and all(column in text.splitlines()[0] for column in table.columns)
