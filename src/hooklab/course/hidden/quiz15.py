"""The grader's key to the quiz questions that lab 15 grades (Q1 is exercise 15.1, Q4 is 15.2).

Instructor-only, like the rest of this folder. Each key is what the lesson's quiz needs to grade its
question (:func:`hooklab.course.quiz15.quiz` takes it from here): the recipe that finds the right
answer, the reason each wrong option is wrong (which would name the right one by leaving it out), and
the note shown with a right answer (which says it in words).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...testing import sample, signed
from ..quiz15 import SEED, _pick, changes, own_stack


@dataclass(frozen=True)
class Key:
    truth: Callable[[], Any]
    why: dict[str, str]
    right: str


def _refused_changes() -> str:
    """Q4's recipe: post the four changes, signed, to a receiver of its own; which ones does it refuse?"""
    with own_stack() as s:
        client = s.receiver.app.test_client()
        refused = {n for n, event in changes(sample("order.completed", seed=SEED)).items()
                   if client.post("/webhooks", **signed(event, s.secret, timestamp=s.clock.now())).status_code >= 400}
    return _pick({"a": {2}, "b": {2, 3}, "c": {1, 2, 3, 4}, "d": {1, 2}}, refused)


KEYS = {
    "Q1": Key(lambda: "c",
              why={"a": "a webhook is an ordinary HTTP POST with a JSON body (you took one apart in lesson 02)",
                   "b": "that is a stream (WebSocket, server-sent events); a webhook is one short request per event",
                   "d": "polling every second is 86,400 requests a day, nearly all empty, and still up to a second "
                        "late"},
              right="Push against pull: the source tells you, instead of you asking again and again."),
    "Q4": Key(_refused_changes,
              why={"a": "post change (1) too: this catalog validates with additionalProperties: false, so a strict "
                        "receiver turns an additive change into a breaking one",
                   "b": "an unknown event type is acknowledged (202) and ignored, so senders can add types",
                   "c": "key order means nothing to a JSON reader, and the signature covers the bytes actually sent"},
              right="The rename breaks everyone; the new field breaks strict readers like this one. Read tolerantly."),
}
