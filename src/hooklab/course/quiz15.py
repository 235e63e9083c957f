"""Lesson 15's self-check quiz: the bank of questions, and the experiments that answer them.

No answer key: each question's ``truth`` plays the question's recipe on a stack of its own
(seeded, virtual clock; not ``start()``, so the learner's stack keeps running) or works
from the question's inputs. The lesson asks with widgets or ``answer()`` (:func:`quiz`);
the lab asks for functions and checks them on seeds the learner never saw.

Two questions are also lab 15's graded exercises (:data:`GRADED`): their recipes, reasons and
right-answer notes are the grader's, in ``hooklab.course.hidden.quiz15``, which the student
release leaves out. There the lesson notes an answer to them and says that lab 15 grades it.

Every word a learner reads is a :class:`~hooklab.course.messages.Message` (English as a ``str``), and
the lesson's quiz says it in the learner's language (:meth:`_LessonQuiz.say`); the answers and the
letters are the same in every language.
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Callable
from typing import Any

from .. import catalog, polling, signing
from ..errors import StackError
from ..quiz import Question, Quiz
from ..stack import Stack
from ..testing import sample, signed
from .messages import Message, _, translate

__all__ = ["quiz", "QUESTIONS", "GRADED", "KINDS", "TESTS", "own_stack", "played", "changes",
           "candidate_requests", "three_requests", "lost_without_retries", "break_receiver", "run_tests"]

SEED = 15
TWO = ("newsletter.subscribed", "order.completed")
LEAD = {"form_id": "demo-request", "consent": False, "email": "lia@example.com", "name": "Lia Souza"}


def own_stack(seed: int = SEED, **options: Any) -> Stack:
    """A seeded virtual stack for a check; not ``start()``: the learner's own stack keeps running."""
    return Stack(seed=seed, clock="virtual", data_dir=None,
                 **{"timeout": 5.0, "retries": True, "schedule": None, "workers": 4, **options})


def played(n: int, faults: dict | None = None, types: tuple = TWO, seed: int = SEED, **options: Any) -> Stack:
    """A stack with ``faults`` set that fired ``n`` events (cycling through ``types``) and waited."""
    stack = own_stack(seed, **options)
    for service, settings in (faults or {}).items():
        stack.faults.set(service, **settings)
    for i in range(n):
        stack.fire(types[i % len(types)])
    return stack.wait()


def _pick(options: dict, found: Any) -> str:
    return next((letter for letter, value in options.items() if value == found), f"none of the options ({found})")


# -- the recipes behind the questions ---------------------------------------------------

def _wasted_polls() -> int:
    with own_stack() as s:
        run = polling.measure(s, n_events=10, window_s=3600, intervals=(300,), seed=SEED)
    return int((run.polls["new_events"] == 0).sum())


def _lead_without_consent() -> str:
    with own_stack() as s:
        s.fire("form.submitted", **LEAD)
        s.wait()
        member = s.email.member(LEAD["email"])
        found = (s.crm.contact(LEAD["email"]) is not None, bool(member) and member["status"] == "subscribed",
                 any(LEAD["name"] in text for text in s.notifier.messages(channel="leads")["text"]))
    return _pick({"a": (True, False, True), "b": (True, True, True), "c": (False, False, False),
                  "d": (False, False, True)}, found)


def changes(order: dict) -> dict[int, dict]:
    """Question Q4's four changes, applied to one ``order.completed`` event."""
    d = order["data"]
    return {1: {**order, "data": {**d, "coupon_code": "SPRING10"}},
            2: {**order, "data": {("email_address" if k == "email" else k): v for k, v in d.items()}},
            3: {**order, "type": "order.shipped"}, 4: dict(reversed(order.items()))}


#: How each candidate request of Q5 and check 15.4 is made, and why a receiver must refuse it.
KINDS = {
    "valid": Message("it verifies"),
    "tampered": Message("its body was changed after signing (look at the total), so the HMAC no longer matches"),
    "stale": Message("its signature is right but 10 minutes old, outside the 5-minute window, like a captured "
                     "request replayed later"),
    "future": Message("its timestamp is 10 minutes in the future, outside the window"),
    "wrong_secret": Message("it was signed with another secret, as anyone who does not hold yours would sign"),
    "reserialised": Message("its JSON was parsed and dumped again (spaces after ':' and ','): not the bytes that were "
                            "signed"),
    "unsigned": Message("it has no webhook-signature header"),
}
LESSON_KINDS = ("tampered", "stale", "valid")


def candidate_requests(secret: str, now: int, kinds: tuple[str, ...], seed: int,
                       shuffle: bool = True) -> tuple[dict[str, dict], dict[str, str]]:
    """Requests ``{"a": {"headers", "body"}, ...}`` made as ``kinds`` say, and the kind of each letter."""
    rng = random.Random(seed)
    kinds = list(kinds)
    if shuffle:
        rng.shuffle(kinds)
    requests, kind_of = {}, {}
    for letter, kind in zip("abcdefgh", kinds):
        body = json.dumps(sample("order.completed", seed=rng.randrange(10**6)), separators=(",", ":"))
        at = now - 600 if kind == "stale" else now + 600 if kind == "future" else now
        key = signing.generate_secret(rng) if kind == "wrong_secret" else secret
        headers = signing.sign_headers(key, catalog.make_id("msg", rng), at, body)
        if kind == "tampered":
            body = body.replace('"total":', '"total":1', 1)
        elif kind == "reserialised":
            body = json.dumps(json.loads(body))
        elif kind == "unsigned":
            del headers["webhook-signature"]
        requests[letter], kind_of[letter] = {"headers": headers, "body": body}, kind
    return requests, kind_of


def three_requests(stack: Stack) -> dict[str, dict]:
    """Question Q5's three requests, signed for ``stack`` (its secret, its clock's now)."""
    return candidate_requests(stack.secret, int(stack.clock.now()), LESSON_KINDS, SEED)[0]


def _lesson_kind_of() -> dict[str, str]:  # the shuffle does not depend on the secret
    return candidate_requests(signing.generate_secret(random.Random(0)), 1767603600, LESSON_KINDS, SEED)[1]


def _authentic() -> str:
    """Q5: the letter of the request made as the valid kind (it was signed so; nothing here verifies)."""
    valid = [letter for letter, kind in _lesson_kind_of().items() if kind == "valid"]
    return valid[0] if len(valid) == 1 else f"not one valid request ({valid})"


def _lesson_kinds() -> dict[str, str]:
    return {letter: KINDS[kind] for letter, kind in _lesson_kind_of().items()}


def lost_without_retries(seed: int = SEED, error_rate: float = 0.3, n: int = 20) -> int:
    """Q6: ``n`` events, the receiver fails ``error_rate`` of the requests, one attempt each: the dead letters."""
    with played(n, {"receiver": {"error_rate": error_rate}}, seed=seed, retries=False) as s:
        return len(s.dead_letters())  # one attempt each: an event whose attempt failed is dead at once


def _redelivery() -> str:
    with own_stack() as s:
        event_id = s.fire("order.completed")
        s.wait()
        s.replay(event_id)
        s.wait()
        log = s.deliveries()
        status = int(log[log["event_id"] == event_id]["status_code"].iloc[-1])
    return _pick({"a": 202, "b": 401, "c": 200, "d": 409}, status)


# Q8 and check 15.3: tests a teammate might write, and the bug (a redelivered order stored twice).
def _post(stack: Stack, client: Any, seed: int, msg_id: str | None = None, tamper: bool = False) -> int:
    post = signed(sample("order.completed", seed=seed), stack.secret, msg_id=msg_id, timestamp=stack.clock.now())
    if tamper:
        post["data"] = post["data"].replace(b'"total":', b'"total":1')
    return client.post("/webhooks", **post).status_code


def _twice_then_count(stack, client):
    for _delivery in ("first", "again"):
        _post(stack, client, 102, msg_id="msg_twice")
    stack.wait(timeout=30)
    order_id = sample("order.completed", seed=102)["data"]["order_id"]
    assert (stack.crm.orders()["order_id"] == order_id).sum() == 1


TESTS: dict[str, Callable[[Stack, Any], None]] = {
    "a": _twice_then_count,
    "b": lambda stack, client: _assert(_post(stack, client, 101) == 202),
    "c": lambda stack, client: _assert(all(200 <= _post(stack, client, 103, "msg_again") < 300 for _ in range(2))),
    "d": lambda stack, client: _assert(_post(stack, client, 104, tamper=True) == 401),
}


def _assert(condition: bool) -> None:
    assert condition


def break_receiver(stack: Stack) -> None:
    """The teammate's bug: no dedup at the door, and a handler that POSTs a new CRM order per call."""
    stack.receiver.dedup = False

    @stack.receiver.on("order.completed")
    def create_order(event):
        order = event["data"]
        stack.crm.upsert_contact(order["email"], name=order["name"], lifecycle_stage="customer")
        stack.crm.create_order(order["order_id"], order["email"], order["total"], order["currency"],
                               items=order["items"])


def run_tests(tests: dict[str, Callable], buggy: bool, seed: int = SEED) -> dict[str, str | None]:
    """Run ``tests(stack, client)`` in turn on one fresh stack: None where a test passed, else why it failed."""
    out: dict[str, str | None] = {}
    with own_stack(seed) as s:
        if buggy:
            break_receiver(s)
        for name, test in tests.items():
            try:
                test(s, s.receiver.app.test_client())
                out[name] = None
            except NotImplementedError:
                raise  # an unanswered lab exercise: the check says so
            except Exception as e:  # a failed assert or a crash: either way the test did not pass
                out[name] = f"{type(e).__name__}: {e}".rstrip(": ")
    return out


def _catching_test() -> str:
    good, bad = run_tests(TESTS, buggy=False), run_tests(TESTS, buggy=True)
    catching = [k for k in TESTS if good[k] is None and bad[k] is not None]
    return catching[0] if len(catching) == 1 else f"not one test ({catching})"


def _crm_outage() -> str:
    with played(5, {"crm": {"outage": (0, 3 * 3600)}}, types=TWO[:1]) as s:
        problems = set(s.reconcile()["problem"])
    return _pick({"a": set(), "b": {"duplicate"}, "c": {"stale"}, "d": {"missing"}}, problems)


def _timeouts_with_a_slow_crm() -> int:
    with played(10, {"crm": {"latency_ms": 8000}}, types=TWO[1:]) as s:
        return int((s.deliveries()["error"] == "timeout").sum())


def _signs() -> str:
    with played(20, {"receiver": {"error_rate": 0.3}}) as s:
        firing = set(s.warning_signs().query("alert")["sign"])
    return _pick({"a": set(), "b": {"frequent errors"}, "c": {"frequent errors", "inconsistent data"},
                  "d": {"delays", "frequent errors", "inconsistent data"}}, firing)


# -- the bank ---------------------------------------------------------------------------

Q = Question
QUESTIONS = [
    Q("Q0", Message("Practice: which HTTP method carries a webhook?"), "02", lambda: "b",
      {"a": "GET", "b": "POST", "c": "PUT"},
      why={"a": Message("a GET asks for something; a webhook delivers an event, in a request body"),
           "c": Message("PUT replaces a resource at a URL the caller names; nothing is replaced here")},
      right=Message("Every attempt in stack.deliveries() is a POST with a JSON body."), scored=False),
    Q("Q1", Message("Webhook or polling: what is the real difference?"), "01", lambda: _no_key("Q1"), {
        "a": Message("a webhook uses a protocol of its own; polling uses HTTP"),
        "b": Message("a webhook keeps a connection open and streams events over it"),
        "c": Message("the source calls your URL when something happens; a poller calls the source's API on a "
                     "schedule"),
        "d": Message("polling every second is as fresh as a webhook, for about the same cost")}),
    Q("Q2", Message("Polling every 5 minutes for an hour: how many of the 12 polls bring nothing new?"), "01",
      _wasted_polls,
      why={0: Message("a poll brings news only if someone signed up since the previous poll"),
           2: Message("12 − 10 assumes one signup per 5-minute slot; random signups bunch up and leave more slots "
                      "empty")},
      hint=Message("count the rows of run.polls whose new_events is 0"),
      right=Message("The webhook sent 10 requests, one per signup, none of them empty.")),
    Q("Q3", Message("A demo request without marketing consent: where does the lead end up?"), "03, 05",
      _lead_without_consent, {
          "a": Message("in the CRM as a lead and announced in #leads, but not on the newsletter list"),
          "b": Message("in the CRM as a lead, subscribed to the newsletter, and announced in #leads"),
          "c": Message("nowhere: without consent the integration drops the event"),
          "d": Message("only in #leads: the CRM waits until the person consents")},
      why={"b": Message("consent decides list membership: subscribing someone who did not agree breaks GDPR/LGPD "
                        "rules"),
           "c": Message("consent is about marketing email; sales may still follow up a demo request"),
           "d": Message("the CRM does record the lead: look at stack.crm.contact(...)")},
      right=Message("Consent decides the email list, not whether sales hears about the lead.")),
    Q("Q4", Message("Four changes to order.completed: which does this receiver refuse?"), "06", lambda: _no_key("Q4"), {
        "a": Message("only (2), the rename"), "b": Message("(2) and (3): the rename and the new event type"),
        "c": Message("all four: any change needs a new version"),
        "d": Message("(1) and (2): the new optional field and the rename")}),
    Q("Q5", Message("Three signed requests: which one is authentic?"), "07", _authentic,
      {"a": Message("request a"), "b": Message("request b"), "c": Message("request c")}, why=_lesson_kinds,
      right=Message("Check the HMAC over the raw bytes, and the timestamp window, for every request.")),
    Q("Q6", Message("A 30% error rate, retries off, 20 events: how many never reach the CRM?"), "08, 10",
      lost_without_retries,
      why={0: Message("that is what retries buy; with retries=False a 503 is final for that event"),
           6: Message("30% of 20 is the average to expect; each request is a random draw, so count what this run "
                      "did"),
           20: Message("most requests got through: 30% is a rate, not an outage")},
      hint=Message("count the dead letters, or the events whose delivery is not 'delivered'"),
      right=Message("Each one is a dead letter: lost unless someone replays it.")),
    Q("Q7", Message("The same webhook-id arrives again: what does the receiver answer?"), "04, 08, 11", _redelivery, {
        "a": Message("202: accepted again, and the CRM now has the order twice"),
        "b": Message("401: refused as a replay attack"),
        "c": Message("200: a duplicate, nothing changes"),
        "d": Message("409: a conflict, so the sender tries again later")},
      why={"a": Message("the receiver remembers the webhook-ids it stored and does not do the work twice"),
           "b": Message("the sender signs every attempt afresh, so a redelivery is authentic; the window stops old "
                        "captured requests, dedup stops repeats"),
           "d": Message("a 409 would make the sender retry what is already done; a success status makes it stop")},
      right=Message("Deduplicating by webhook-id makes at-least-once delivery safe.")),
    Q("Q8", Message("Which test fails on a receiver that stores a redelivered order twice?"), "09", _catching_test, {
        "a": Message("post the same signed order twice (same webhook-id), wait; assert the CRM holds it once"),
        "b": Message("post one signed order; assert the answer is 202"),
        "c": Message("post the same signed order twice; assert both answers are 2xx"),
        "d": Message("post an order with a tampered body; assert the answer is 401")},
      why={"b": Message("it passes on both receivers: the bug shows only on the second delivery"),
           "c": Message("the broken receiver answers 202 twice, so the test passes on it: a test that cannot fail "
                        "protects nothing"),
           "d": Message("a good test, of signatures; the bug is about duplicates")},
      right=Message("Name the behaviour, make it happen twice, assert the outcome in the CRM.")),
    Q("Q9", Message("The CRM was down for 3 hours; every delivery got a 202. What does reconcile() find?"), "10, 13",
      _crm_outage, {"a": Message("nothing: every delivery succeeded, so the systems agree"),
                    "b": Message("duplicate records"), "c": Message("stale records"),
                    "d": Message("missing records")},
      why={"a": Message("a 202 means the receiver stored the event, not that the CRM got it; the handlers retried "
                        "for about 1.7 hours, then gave up while the CRM was still down"),
           "b": Message("nothing arrived twice: look at the problem column"),
           "c": Message("stale needs an older version overwriting a newer one; here nothing arrived at all")},
      right=Message("Delivered is not processed: only a reconciliation against the source shows it.")),
    Q("Q10", Message("The CRM takes 8 s per call, the sender waits 5 s: how many attempts time out?"), "12",
      _timeouts_with_a_slow_crm,
      why={10: Message("that is what a receiver that calls the CRM before answering would suffer; this one answers "
                       "as soon as the event is stored, and calls the CRM afterwards"),
           20: Message("a timed-out attempt is retried, but only if it timed out in the first place")},
      hint=Message("count the rows of stack.deliveries() whose error is 'timeout'"),
      right=Message("Acknowledge, then queue: a slow CRM delays the CRM (see the lag), never the sender.")),
    Q("Q11", Message("30% errors with retries on: which warning signs fire?"), "13", _signs, {
        "a": Message("none: the retries fixed everything"), "b": Message("frequent errors only"),
        "c": Message("frequent errors and inconsistent data"),
        "d": Message("delays, frequent errors and inconsistent data")},
      why={"a": Message("retries hid the failures from the CRM, not from the log: look at the failed attempt rate"),
           "c": Message("reconcile() is empty: every event got through in the end"),
           "d": Message("the p95 lag stayed at a few seconds: read the value column")},
      right=Message("The sender's log shows trouble the CRM never saw: fix the cause before retries run out.")),
]


#: The questions that lab 15 also grades, and the exercise that grades each.
GRADED = {"Q1": "15.1", "Q4": "15.2"}


def _no_key(qid: str) -> Any:
    raise StackError(_("{qid} is graded in lab 15 (exercise {ex}): its answer is the grader's, and not in this copy "
                       "of the course", qid=qid, ex=GRADED[qid]))


def graded_key(qid: str) -> Any:
    """The grader's key of a question in :data:`GRADED` (truth, why, right), or None in the student release."""
    try:
        from .hidden.quiz15 import KEYS
    except ModuleNotFoundError as e:
        if e.name not in (f"{__package__}.hidden", f"{__package__}.hidden.quiz15"):
            raise  # a module the key needs is missing: that is a bug, not the release
        return None
    return KEYS[qid]


class _LessonQuiz(Quiz):
    """The quiz in the learner's language, noting (not grading) an answer to a question whose key is the
    grader's alone."""

    def say(self, text: str, /, context: str | None = None, **values: Any) -> str:
        """``text`` in the learner's language (hooklab.course.messages chooses it, as for the checks)."""
        keyed = f"{context}|{text}" if context else text  # "quiz score|result": a column, not any "result"
        return _(keyed if translate(keyed) != keyed else str(text), **values)

    def grade(self, qid: Any, value: Any) -> tuple[bool | None, str]:
        q = self._get(qid)
        if q.id not in GRADED or graded_key(q.id) is not None:
            return super().grade(qid, value)
        try:
            given = q.parse(value, self.say)
        except ValueError as e:
            return None, f"⚠️ {q.id}: {e}."
        return None, _("📝 {id}: {given!r} noted. Lab 15 grades this question (exercise {ex}), so the quiz does not "
                       "say here whether it is right: your instructor's grader will.", id=q.id, given=given,
                       ex=GRADED[q.id])


def quiz() -> Quiz:
    """Lesson 15's quiz, with a fresh score.

    The questions that lab 15 grades take their key from the grader's files when they are there;
    without them (the student release) they are practice: noted, not scored.
    """
    questions = []
    for q in QUESTIONS:
        key = graded_key(q.id) if q.id in GRADED else None
        if key is not None:
            q = dataclasses.replace(q, truth=key.truth, why=key.why, right=key.right)
        elif q.id in GRADED:
            q = dataclasses.replace(q, scored=False)
        questions.append(q)
    return _LessonQuiz(questions)
