"""Lab 15's hidden checks: the key of the two multiple-choice questions, and other seeds, receivers,
request sets and incidents for the three functions."""

from __future__ import annotations

import random
from typing import Any

from ... import signing
from ..checks import expect, fail, hidden, show
from ..lab15 import _judge_authentic, _judge_never, _judge_test, _letter
from ..messages import Message, _
from ..quiz15 import candidate_requests, own_stack, played, run_tests
from .quiz15 import KEYS


def _marked(qid: str, letter: str, expected: str) -> None:
    key = KEYS[qid]
    right = key.truth()
    if letter != right:
        fail(expected=expected, got=show(letter),
             hint=_(key.why[letter]) if letter in key.why else _("look again at the lesson"))


@hidden("15.1")
def _push(choice):
    _marked("Q1", _letter("Q1", choice), _("the statement that tells push from pull"))


@hidden("15.2")
def _changes(choice):
    _marked("Q4", _letter("Q4", choice), _("the changes this stack's receiver refuses (post them and see)"))


# -- 15.3 ----------------------------------------------------------------------------------------

def _on_tolerant_receiver(test: Any, seed: int) -> str | None:
    """Run ``test`` on a receiver with no dedup at the door whose handlers upsert: still a correct receiver."""
    with own_stack(seed) as s:
        s.receiver.dedup = False
        try:
            test(s, s.receiver.app.test_client())
        except NotImplementedError:
            raise
        except Exception as e:  # a failed assert or a crash: the test did not pass
            return f"{type(e).__name__}: {e}".rstrip(": ")
    return None


@hidden("15.3")
def _a_test(test):
    _judge_test(test, 1531, 1532)
    failed = _on_tolerant_receiver(test, 1533)
    expect(failed is None, expected=_("your test to pass on a correct receiver that has no dedup at the door, "
                                      "whose order handler upserts (the CRM still holds the order once)"),
           got=_("it failed: {why}", why=failed),
           hint=_("assert the outcome that matters, the CRM's orders, not the status code or how the receiver "
                  "got there"))
    again = run_tests({"yours": test}, buggy=True, seed=1534)["yours"]
    expect(again is not None, expected=_("your test to fail on the broken receiver again, on another seed"),
           got=_("it passed"), hint=_("make the redelivery happen in the test itself, and count in the CRM"))


# -- 15.4 ----------------------------------------------------------------------------------------

def _resign(request: dict, secrets: list[str], at: int) -> dict:
    headers = signing.sign_headers(secrets, request["headers"]["webhook-id"], at, request["body"])
    return {"headers": headers, "body": request["body"]}


@hidden("15.4")
def _authentic(authentic):
    sets = [("future", "stale", "valid"), ("valid", "tampered", "wrong_secret", "unsigned", "reserialised", "stale"),
            ("reserialised", "valid"), ("unsigned", "wrong_secret", "tampered", "future", "stale", "reserialised",
                                        "valid")]
    for n, kinds in enumerate(sets):
        secret, now = signing.generate_secret(random.Random(1540 + n)), 1767700000 + 7200 * n
        requests, kind_of = candidate_requests(secret, now, kinds, seed=1540 + n, shuffle=True)
        _judge_authentic(authentic, requests, kind_of, secret, now, "")
    # Key rotation: the valid request carries two signatures, the old secret's first.
    secret, old, now = signing.generate_secret(random.Random(1550)), signing.generate_secret(random.Random(1551)), \
        1767800000
    requests, kind_of = candidate_requests(secret, now, ("stale", "valid", "tampered"), seed=1550, shuffle=False)
    requests["b"] = _resign(requests["b"], [old, secret], now)
    _judge_authentic(authentic, requests, kind_of, secret, now,
                     Message(" (the valid one signed twice during a key rotation: 'v1,<old> v1,<new>')"))
    # Inside the window: 4 minutes old is still authentic (the tolerance is 5 minutes).
    requests, kind_of = candidate_requests(secret, now, ("stale", "valid", "wrong_secret"), seed=1552, shuffle=False)
    requests["b"] = _resign(requests["b"], [secret], now - 240)
    _judge_authentic(authentic, requests, kind_of, secret, now,
                     Message(" (the valid one signed 4 minutes ago, inside the 5-minute window)"))


# -- 15.5 ----------------------------------------------------------------------------------------

def never_processed(stack: Any) -> int:
    """The reference: events whose handlers never finished, whatever the sender's log says."""
    done = set(stack.receiver.inbox().query("status == 'processed'")["id"])
    return sum(1 for event_id in stack.sources.events()["id"] if event_id not in done)


_INCIDENTS = ((Message("retries off, half the requests fail"), 10, {"receiver": {"error_rate": 0.5}},
               {"retries": False}),
              (Message("the CRM down for half an hour, then the handlers' retries reach it"), 8,
               {"crm": {"outage": (0, 1800)}}, {}),
              (Message("the receiver unreachable for 20 minutes, the sender retrying"), 7,
               {"receiver": {"outage": (0, 1200)}}, {}),
              (Message("the CRM down for 3 hours, orders only"), 9, {"crm": {"outage": (0, 3 * 3600)}}, {}))


@hidden("15.5")
def _never(never_reached):
    for n, (what, events, faults, options) in enumerate(_INCIDENTS):
        types = ("order.completed",) if "orders only" in what else ("newsletter.subscribed", "order.completed")
        with played(events, faults, types=types, seed=1551 + n, **options) as s:
            _judge_never(never_reached, s, never_processed(s), what)

