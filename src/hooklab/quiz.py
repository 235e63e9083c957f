"""A self-check quiz: each question computes its own right answer; feedback per answer; one score.

A :class:`Question` holds no answer key. Its ``truth`` function finds the right answer
when first asked (it runs a seeded stack, or works from the question's inputs), so
what the quiz accepts is what the stack really does. A :class:`Quiz` grades answers
given in plain Python or with ipywidgets controls, and both keep the same score. Every word a
learner reads goes through :meth:`Quiz.say`: English as written here; a course's quiz may say it in
its learner's language::

    >>> quiz = Quiz([Question("Q1", "2 + 2?", lesson="00", truth=lambda: 4, why={5: "one too many"})])
    >>> quiz.answer("Q1", 5)
    ❌ Q1 not quite: one too many. See lesson 00.
    Score: 0 of 1 right (1 answered).
    >>> quiz.ask("Q1")        # a text box and a Check button; without widgets, this text
    Q1 · 2 + 2?
    Answer with the widget, or in Python: answer("Q1", <a whole number>)
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .errors import ConfigError, StackError, UnknownQuestion

__all__ = ["Question", "Quiz", "QuestionPanel", "english"]


def english(text: str, /, context: str | None = None, **values: Any) -> str:
    """``text`` with its ``{placeholders}`` filled: the quiz's words as written. A translation may need
    more: ``context`` tells apart two uses of one word, and ``count`` (among ``values``) the number
    that chooses singular or plural."""
    return text.format(**values) if values else text


@dataclass(frozen=True)
class Question:
    """One question. No ``options``: the answer is a whole number.

    ``why`` maps a wrong answer to the reason it is wrong (or is a function returning
    that mapping, when the reasons depend on the question's inputs); ``hint`` answers
    any other wrong answer; ``right`` is shown with a right answer (``{truth}`` is
    replaced by it). ``scored=False`` makes a practice question.
    """

    id: str
    prompt: str
    lesson: str
    truth: Callable[[], Any]
    options: Mapping[str, str] = field(default_factory=dict)
    why: Mapping[Any, str] | Callable[[], Mapping[Any, str]] = field(default_factory=dict)
    right: str = ""
    hint: str = "look again at what you ran"
    scored: bool = True

    def parse(self, value: Any, say: Callable[..., str] = english) -> Any:
        """The answer in canonical form (an option letter, or an int); ConfigError says what to give."""
        if self.options:
            letter = str(value).strip().lower().rstrip(")").strip()
            if letter not in self.options:
                raise ConfigError(say("answer with one of {options}, not {value!r}",
                                      options=", ".join(map(repr, self.options)), value=value))
            return letter
        try:
            number = float(str(value).strip())
        except ValueError:
            raise ConfigError(say("answer with a whole number, not {value!r}", value=value)) from None
        if not number.is_integer():
            raise ConfigError(say("answer with a whole number, not {value!r}", value=value))
        return int(number)


class Quiz:
    """Questions, the learner's latest answer to each, and the score."""

    def __init__(self, questions: Iterable[Question]) -> None:
        self.questions = {q.id: q for q in questions}
        self._truth: dict[str, Any] = {}
        self._answers: dict[str, tuple[Any, bool]] = {}

    def say(self, text: str, /, context: str | None = None, **values: Any) -> str:
        """What the learner reads: ``text`` (a question's words, or the quiz's own) with ``values``.

        English, as written; a course's quiz overrides it to speak its learner's language.
        """
        return english(text, context, **values)

    def _get(self, qid: Any) -> Question:
        key = f"Q{qid}" if isinstance(qid, int) else str(qid).strip().upper()
        if key not in self.questions:
            raise UnknownQuestion(self.say("no question {qid!r}; the questions are {ids}", qid=qid,
                                           ids=", ".join(self.questions)))
        return self.questions[key]

    def truth(self, qid: Any) -> Any:
        """The right answer, computed on first use (this may run a stack for a second)."""
        q = self._get(qid)
        if q.id not in self._truth:
            try:
                self._truth[q.id] = q.parse(q.truth())
            except ValueError as e:  # the recipe's outcome is none of the options: the stack changed
                raise StackError(f"{q.id}'s recipe gave no valid answer ({e}): update the question") from None
        return self._truth[q.id]

    def grade(self, qid: Any, value: Any) -> tuple[bool | None, str]:
        """``(right, feedback)``, recording nothing; ``right`` is None for an answer of the wrong form."""
        q = self._get(qid)
        try:
            given = q.parse(value, self.say)
        except ValueError as e:
            return None, f"⚠️ {q.id}: {e}."
        truth = self.truth(q.id)
        many = "," in q.lesson  # "03, 05": lessons
        if given == truth:
            note = self.say(q.right, truth=truth)
            return True, (self.say("✅ {id} right: {given}.", id=q.id, given=given) + (f" {note}" if note else "")
                          + " " + self.say("(Lessons {lessons}.)" if many else "(Lesson {lessons}.)", lessons=q.lesson))
        why = q.why() if callable(q.why) else q.why
        return False, self.say("❌ {id} not quite: {why}. See lessons {lessons}." if many else
                               "❌ {id} not quite: {why}. See lesson {lessons}.",
                               id=q.id, why=self.say(why.get(given, q.hint)), lessons=q.lesson)

    def answer(self, qid: Any, value: Any) -> None:
        """Grade ``value`` (an option letter, or a number), keep it as the latest answer, print feedback."""
        print(self._record(qid, value)[1])
        if self._get(qid).scored:
            print(self.score_line())

    def _record(self, qid: Any, value: Any) -> tuple[bool | None, str]:
        q = self._get(qid)
        right, message = self.grade(q.id, value)
        if right is not None and q.scored:
            self._answers[q.id] = (q.parse(value, self.say), right)
        return right, message

    def score_line(self) -> str:
        scored = [q for q in self.questions.values() if q.scored]
        right = sum(1 for q in scored if self._answers.get(q.id, (None, False))[1])
        answered = sum(1 for q in scored if q.id in self._answers)
        return self.say("Score: {right} of {n} right ({answered} answered).", right=right, n=len(scored),
                        answered=answered, count=answered)

    def score(self) -> pd.DataFrame:
        """One row per scored question: your latest answer and whether it is right."""
        rows = []
        for q in self.questions.values():
            if q.scored:
                given, right = self._answers.get(q.id, (None, None))
                result = "not answered" if right is None else "right" if right else "try again"
                rows.append([q.id, self.say(q.prompt), q.lesson, "—" if given is None else given,
                             self.say(result, context="quiz result")])
        columns = ["question", "about", "lesson", "your answer", "result"]
        return ScoreTable(rows, columns=[self.say(c, context="quiz score") for c in columns])

    def ask(self, qid: Any, widgets: bool = True) -> "QuestionPanel":
        """The question as ipywidgets controls (and, for nbval and static views, as text).

        ``widgets=False``, or no ipywidgets installed: the text only; answer with :meth:`answer`.
        """
        return QuestionPanel(self, self._get(qid), widgets)


class ScoreTable(pd.DataFrame):
    """The quiz's score table: a DataFrame that a notebook shows whole, every column and every question's
    words (pandas would cut the "about" column at 50 characters and fold the table)."""

    _WHOLE = ("display.max_colwidth", None, "display.max_columns", None, "display.width", 250)

    def __repr__(self) -> str:
        with pd.option_context(*self._WHOLE):
            return super().__repr__()

    def _repr_html_(self) -> str | None:
        with pd.option_context(*self._WHOLE):
            return super()._repr_html_()


class QuestionPanel:
    """What :meth:`Quiz.ask` shows: controls and a Check button, with a stable text beside them.

    A notebook stores both. A live front end shows the widgets; nbval compares the text
    (it skips the widget view, whose model id changes on every run), and a reader without
    widgets reads it.
    """

    def __init__(self, quiz: Quiz, question: Question, widgets: bool = True) -> None:
        self.quiz, self.question, self.box = quiz, question, None
        try:
            import ipywidgets as w
        except ImportError:
            widgets = False
        if widgets:
            q, say = question, quiz.say
            if q.options:
                self.control = w.RadioButtons(options=[(f"{k}) {say(v)}", k) for k, v in q.options.items()],
                                              value=None, layout=w.Layout(width="auto"))
            else:
                self.control = w.Text(placeholder=say("a whole number"))
            self.button = w.Button(description=say("Check {id}", id=q.id), button_style="primary")
            self.feedback = w.HTML()
            self.button.on_click(self._check)
            self.box = w.VBox([self.control, self.button, self.feedback])

    def _check(self, _button: Any = None) -> None:
        value, say = self.control.value, self.quiz.say
        if value is None or str(value).strip() == "":
            self.feedback.value = say("Choose an option first." if self.question.options else "Type a number first.")
            return
        self.feedback.value = say("Checking…")
        right, message = self.quiz._record(self.question.id, value)
        color = {True: "green", False: "firebrick", None: "darkorange"}[right]
        score = f"<br>{html.escape(self.quiz.score_line())}" if self.question.scored else ""
        self.feedback.value = f'<span style="color:{color}">{html.escape(message)}</span>{score}'

    def text(self) -> str:
        """What a reader without widgets sees: the question, its options, how to answer in Python."""
        q, say = self.question, self.quiz.say
        form = say('"<letter>"') if q.options else say("<a whole number>")
        return "\n".join([f"{q.id} · {say(q.prompt)}", *(f"  {k}) {say(v)}" for k, v in q.options.items()),
                          say('Answer with the widget, or in Python: answer("{id}", {form})', id=q.id, form=form)])

    def __repr__(self) -> str:
        return self.text()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        if self.box is None:
            return {"text/plain": self.text()}
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.text()  # not the widgets' own repr, "VBox(children=...)"
        return bundle
