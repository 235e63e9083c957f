"""Lab 15's checks: the quiz's questions asked as functions, checked on seeds the learner never saw.

The bank and its experiments are in :mod:`hooklab.course.quiz15`, re-exported here, so a notebook
uses ``lab15.quiz()``, ``lab15.TESTS``... in one place.

15.1 and 15.2 are multiple choice: a check that said right or wrong would let a learner try each
letter in turn, so these checks only read the answer (one of the options) and the grader marks it
with the key it alone holds (``hooklab.course.hidden``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from .. import signing
from .checks import exercise, expect, fail, show
from .messages import Message, _
from .quiz15 import *  # noqa: F403
from .quiz15 import KINDS, QUESTIONS, candidate_requests, played, run_tests

_QUESTION = {q.id: q for q in QUESTIONS}


def _letter(qid: str, choice: Callable[[], Any]) -> str:
    """The option letter ``choice()`` returns, read as the quiz reads it, or a failure that says what to return."""
    q, value = _QUESTION[qid], choice()
    try:
        return q.parse(value)
    except ValueError:
        fail(expected=_("one option letter: {letters}", letters=", ".join(q.options)), got=show(value),
             hint=_('return the letter as a string, e.g. return "a"'))


def _recorded(letter: str) -> str:
    return _("answer {letter!r} recorded; the grader marks it right or wrong (the key is not in the lab)",
             letter=letter)


@exercise("15.1", points=1, title="Webhook or polling?")
def _push(choice):
    return _recorded(_letter("Q1", choice))


@exercise("15.2", points=1, title="Additive or breaking?")
def _changes(choice):
    return _recorded(_letter("Q4", choice))


def _judge_test(test: Callable, good_seed: int, bad_seed: int) -> None:
    good = run_tests({"yours": test}, buggy=False, seed=good_seed)["yours"]
    expect(good is None, expected=_("your test to pass on a correct receiver"), got=_("it failed: {why}", why=good),
           hint=_("post a signed order twice with the same webhook-id, stack.wait(), then count that order"))
    bad = run_tests({"yours": test}, buggy=True, seed=bad_seed)["yours"]
    expect(bad is not None, expected=_("your test to fail on the receiver that stores a redelivered order twice"),
           got=_("it passed"), hint=_("assert what the CRM holds after the second delivery, not only status codes"))


@exercise("15.3", points=3, title="A test that can fail")
def _a_test(test):
    _judge_test(test, 151, 152)
    return _("it passes on a correct receiver and catches the duplicate")


#: The request sets of check 15.4, kinds in the order the learner's function sees them.
SETS = (("stale", "valid", "tampered"), ("wrong_secret", "future", "reserialised", "valid"),
        ("valid", "unsigned", "stale"), ("tampered", "reserialised", "stale", "valid", "future"))


def _judge_authentic(authentic: Callable, requests: dict, kind_of: dict, secret: str, now: int, what: str) -> None:
    picked = authentic(json.loads(json.dumps(requests)), secret, now)
    valid = next(letter for letter, kind in kind_of.items() if kind == "valid")
    expect(picked == valid, expected=_("the one valid request among {n}{what}", n=len(requests), what=_(what)),
           got=show(picked),
           hint=_("request {picked} is not authentic: {why}", picked=picked, why=_(KINDS[kind_of[picked]]))
           if picked in kind_of else
           _("return the letter of the request that signing.verify(secret, headers, body, now=now) accepts"))


@exercise("15.4", points=3, title="Which request is authentic?")
def _authentic_check(authentic):
    for n, kinds in enumerate(SETS):
        secret, now = signing.generate_secret(random.Random(n)), 1767603600 + 3600 * n
        requests, kind_of = candidate_requests(secret, now, kinds, seed=150 + n, shuffle=False)
        _judge_authentic(authentic, requests, kind_of, secret, now, "")
    return _("you check the signature over the raw bytes and the timestamp window")


#: Check 15.5's incidents: (what happened, events, faults, stack options, how many never reached the CRM).
INCIDENTS = ((Message("retries off, 30% receiver errors"), 14, {"receiver": {"error_rate": 0.3}}, {"retries": False},
              4),
             (Message("two attempts each, 60% receiver errors"), 12, {"receiver": {"error_rate": 0.6}},
              {"schedule": (0, 5)}, 6),
             (Message("the CRM down for 3 hours"), 6, {"crm": {"outage": (0, 3 * 3600)}}, {}, 6),
             (Message("a quiet day"), 5, {}, {}, 0))


def _judge_never(never_reached: Callable, stack: Any, want: int, what: str) -> None:
    got = never_reached(stack)
    failed = int((stack.deliveries()["outcome"] != "delivered").sum())
    hint = (_("the sender delivered them all; count the events whose handlers never finished "
              "(stack.events()['processed_at'] is empty)") if want and got == len(stack.dead_letters())
            else _("count events, not failed attempts") if got == failed
            else _("compare every event in stack.events() with what was processed"))
    expect(got == want, expected=_("{n} events that never reached the CRM ({what})", n=want, what=_(what)),
           got=show(got), hint=hint)


@exercise("15.5", points=3, title="How many never reached the CRM?")
def _never(never_reached):
    for n, (what, events, faults, options, want) in enumerate(INCIDENTS):
        with played(events, faults, seed=151 + n, **options) as s:
            _judge_never(never_reached, s, want, what)
    return _("delivered is not processed: you counted at the CRM's end")
