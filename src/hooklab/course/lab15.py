"""Lab 15's checks: the quiz's questions asked as functions, checked on seeds the learner never saw.

The bank and its experiments are in :mod:`hooklab.course.quiz15`, re-exported here, so a notebook
uses ``lab15.quiz()``, ``lab15.TESTS``... in one place.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from .. import signing
from .checks import exercise, expect, show
from .quiz15 import *  # noqa: F403
from .quiz15 import KINDS, candidate_requests, never_processed, played, quiz, run_tests

_bank = quiz()


def _choice(qid: str, fn: Callable[[], Any], expected: str) -> str:
    value = fn()
    right, message = _bank.grade(qid, value)
    expect(right, expected=expected if right is False else "one option letter", got=show(value),
           hint=message.split(": ", 1)[-1])
    return _bank.questions[qid].right


@exercise("15.1", points=1, title="Webhook or polling?")
def _push(choice):
    return _choice("Q1", choice, "the statement that tells push from pull")


@exercise("15.2", points=1, title="Additive or breaking?")
def _changes(choice):
    return _choice("Q4", choice, "the changes this stack's receiver refuses (post them and see)")


@exercise("15.3", points=3, title="A test that can fail")
def _a_test(test):
    good = run_tests({"yours": test}, buggy=False, seed=151)["yours"]
    expect(good is None, expected="your test to pass on a correct receiver", got=f"it failed: {good}",
           hint="post a signed order twice with the same webhook-id, stack.wait(), then count that order")
    bad = run_tests({"yours": test}, buggy=True, seed=152)["yours"]
    expect(bad is not None, expected="your test to fail on the receiver that stores a redelivered order twice",
           got="it passed", hint="assert what the CRM holds after the second delivery, not only status codes")
    return "it passes on a correct receiver and catches the duplicate"


#: The request sets of check 15.4, kinds in the order the learner's function sees them.
SETS = (("stale", "valid", "tampered"), ("wrong_secret", "future", "reserialised", "valid"),
        ("valid", "unsigned", "stale"), ("tampered", "reserialised", "stale", "valid", "future"))


@exercise("15.4", points=3, title="Which request is authentic?")
def _authentic_check(authentic):
    for n, kinds in enumerate(SETS):
        secret, now = signing.generate_secret(random.Random(n)), 1767603600 + 3600 * n
        requests, kind_of = candidate_requests(secret, now, kinds, seed=150 + n, shuffle=False)
        picked = authentic(json.loads(json.dumps(requests)), secret, now)
        valid = kinds.index("valid")
        expect(picked == "abcdefgh"[valid], expected=f"the one valid request among {len(kinds)}", got=show(picked),
               hint=f"request {picked} is not authentic: {KINDS[kind_of[picked]]}" if picked in kind_of else
               "return the letter of the request that signing.verify(secret, headers, body, now=now) accepts")
    return "you check the signature over the raw bytes and the timestamp window"


#: Check 15.5's incidents: (what happened, events, faults, stack options).
INCIDENTS = (("retries off, 30% receiver errors", 14, {"receiver": {"error_rate": 0.3}}, {"retries": False}),
             ("two attempts each, 60% receiver errors", 12, {"receiver": {"error_rate": 0.6}}, {"schedule": (0, 5)}),
             ("the CRM down for 3 hours", 6, {"crm": {"outage": (0, 3 * 3600)}}, {}),
             ("a quiet day", 5, {}, {}))


@exercise("15.5", points=3, title="How many never reached the CRM?")
def _never(never_reached):
    for n, (what, events, faults, options) in enumerate(INCIDENTS):
        with played(events, faults, seed=151 + n, **options) as s:
            truth, got = never_processed(s), never_reached(s)
            failed = int((s.deliveries()["outcome"] != "delivered").sum())
            hint = ("the sender delivered them all; count the events whose handlers never finished "
                    "(stack.events()['processed_at'] is empty)" if truth and got == len(s.dead_letters())
                    else "count events, not failed attempts" if got == failed
                    else "compare every event in stack.events() with what was processed")
            expect(got == truth, expected=f"{truth} events that never reached the CRM ({what})", got=show(got),
                   hint=hint)
    return "delivered is not processed: you counted at the CRM's end"
