"""Checks of lab 02: the anatomy of a delivery.

The checks compare with values written out here (the Standard Webhooks test vector, signatures
and member records worked out in advance) or with what must hold on the stack (headers whose
signature verifies; a mean that moves by what one more signup adds). The grader's own cases
are in ``hooklab/course/hidden/lab02.py``.
"""

from __future__ import annotations

import math
import numbers
import random

from hooklab import signing

from .checks import exercise, expect, expect_same, fail, lab_stack, show
from .messages import _

SIGNED = ("webhook-id", "webhook-timestamp", "webhook-signature")
# The test vector published with the Standard Webhooks specification.
_SPEC = ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
         '{"test": 2432232314}', "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")


def _secret(n: int) -> str:
    return signing.generate_secret(random.Random(f"lab02:{n}"))


_COPY_THREE = ("copy exactly webhook-id, webhook-timestamp and webhook-signature from detail['request_headers'], "
               "and leave the other headers out")
_AS_THEY_ARE = "take the values from detail['request_headers'] as they are"


def _a_dict_of_headers() -> str:
    """'a dict {header name: value}', said in the learner's language."""
    return _("a dict {shape}", shape="{" + _("header name: value") + "}")


# A request from another sender: more headers around the three, and the three it must keep.
_OTHER_SENDER = (
    {"user-agent": "Svix-Webhooks/1.0", "webhook-id": "msg_other", "webhook-timestamp": "1767600000",
     "webhook-signature": "v1,LbK03lrNz/I67maVdx721sqODH8EV9TOjhvjkgLDFgw=", "content-type": "application/json",
     "x-request-id": "r42"},
    {"webhook-id": "msg_other", "webhook-timestamp": "1767600000",
     "webhook-signature": "v1,LbK03lrNz/I67maVdx721sqODH8EV9TOjhvjkgLDFgw="},
)


@exercise("02.1", points=2, title="The three webhook headers")
def _headers(signed_headers, stack):
    stack = lab_stack(stack, seed=12)
    for kind in ("newsletter.subscribed", "order.completed"):
        event_id = stack.fire(kind)
        stack.wait(timeout=60)
        log = stack.deliveries()
        detail = stack.dispatcher.attempt_detail(int(log.loc[log.event_id == event_id, "attempt_id"].iloc[-1]))
        got = signed_headers(detail)
        expect(isinstance(got, dict), expected=_a_dict_of_headers(), got=show(got),
               hint=_("build a dict with the three webhook-* names"))
        expect(sorted(got) == sorted(SIGNED), expected=_("exactly the keys {keys}", keys=list(SIGNED)),
               got=_("the keys {keys}", keys=sorted(got)), hint=_(_COPY_THREE))
        expect(got["webhook-id"] == event_id, expected=_("webhook-id {id!r} (the event's id)", id=event_id),
               got=show(got["webhook-id"]), hint=_(_AS_THEY_ARE))
        try:  # the timestamp and signature are the ones sent with this very body
            signing.verify(stack.secret, got, detail["body"], now=stack.clock.now())
        except signing.SignatureError as e:
            fail(expected=_("the webhook-timestamp and webhook-signature this request was sent with"),
                 got=_("values that do not verify ({error})", error=e), hint=_(_AS_THEY_ARE))
    sent, want = _OTHER_SENDER
    got = signed_headers({"request_headers": dict(sent), "body": "{}"})
    expect_same(got, want, expected=_("the three signing headers from request_headers {names}", names=sorted(sent)),
                hint=_(_COPY_THREE))
    return _("webhook-id names the event, webhook-timestamp says when it was signed, webhook-signature who signed it")


@exercise("02.2", points=3, title="A signature, by hand")
def _compute(compute_signature):
    secret, msg_id, ts, body, want = _SPEC
    got = compute_signature(secret, msg_id, ts, body)
    expect(got == want, expected=_("the specification's test vector {want!r}", want=want), got=show(got),
           hint=_("key = base64-decode the secret after 'whsec_'; HMAC-SHA256 of {content} encoded as UTF-8; "
                  "answer 'v1,' + base64 of the digest (a str)", content="f'{id}.{timestamp}.{body}'"))
    # Worked out in advance: a body with accents and an emoji (several UTF-8 bytes each), and a
    # timestamp as the header carries it (a string).
    cases = [("whsec_ecZrHthCcqI5GB7rNkwZWuX36V+mQMzF", "msg_1", 1767603600,
              '{"type":"newsletter.subscribed","data":{"name":"São João 🎉"}}',
              "v1,NclFn8nxmeukFDXeIcbM71xXevyjyHfcQIDtxix2iVI="),
             ("whsec_T7zDI7YDnR9gKggFdi/hts94q2Bb7jsV", "msg_2", "1767690000", "{}",
              "v1,RvZpNxfgUfy12kKB9hjN8XZO4NhPS2WP+HYk3Wy1ttg=")]
    for secret, msg_id, ts, body, want in cases:
        got = compute_signature(secret, msg_id, ts, body)
        expect(got == want, expected=_("{want!r} for id={id!r}, timestamp={timestamp!r}, body={body!r}", want=want,
                                       id=msg_id, timestamp=ts, body=body),
               got=show(got), hint=_("encode the signed content with .encode('utf-8') (accents and emoji are "
                                     "several bytes) and use str(timestamp) as it is"))
    return _("your HMAC matches the Standard Webhooks test vector and the dispatcher's signatures")


def _judge_authentic(is_authentic, secret: str, cases: list, hint: str) -> None:
    """``is_authentic(secret, headers, body)`` gives ``want`` for each (what, headers, body, want) of ``cases``."""
    for what, headers, text, want in cases:
        got = is_authentic(secret, dict(headers), text)
        expect(isinstance(got, bool), expected=_("True or False for {what}", what=what), got=show(got),
               hint=_("return the result of a comparison (a bool)"))
        expect(got == want, expected=_("{want} for {what}", want=want, what=what), got=show(got), hint=hint)


@exercise("02.3", points=2, title="Is it authentic?")
def _authentic(is_authentic):
    secret, other = _secret(4), _secret(5)
    body = '{"type":"newsletter.subscribed","timestamp":"2026-01-05T09:00:00.000Z","data":{"email":"ana@example.com"}}'
    good = signing.sign_headers(secret, "msg_a", 1767603600, body)
    rotated = signing.sign_headers([other, secret], "msg_a", 1767603600, body)  # old and new secret
    cases = [
        (_("a genuine request"), good, body, True),
        (_("a body changed by one character"), good, body.replace("ana@", "anna@"), False),
        (_("a request signed with another secret"), signing.sign_headers(other, "msg_a", 1767603600, body), body,
         False),
        (_("a webhook-id changed after signing"), {**good, "webhook-id": "msg_b"}, body, False),
        (_("a webhook-timestamp changed after signing"), {**good, "webhook-timestamp": "1767607200"}, body, False),
        (_("two signatures (a sender mid-rotation), the second one ours"), rotated, body, True),
    ]
    _judge_authentic(is_authentic, secret, cases,
                     _("recompute the signature with compute_signature(secret, id, timestamp, body) and compare it "
                       "with hmac.compare_digest to each space-separated entry of webhook-signature"))
    return _("you recompute, then compare in constant time: that is all a receiver's signature check is")


# The data of a newsletter.subscribed event -> the member it becomes, worked out by hand.
_MEMBERS = [
    ({"email": "  Maria.Gonzalez@Example.COM ", "name": "María José González", "list": "newsletter",
      "signup_source": "landing-page", "locale": "pt_BR"},
     {"email_address": "maria.gonzalez@example.com", "status": "subscribed",
      "merge_fields": {"FNAME": "María", "LNAME": "José González"}, "tags": ["landing-page"]}),
    ({"email": "natalia.cirino@example.net", "name": "Zoë", "list": "newsletter", "signup_source": "checkout",
      "locale": "pt_BR"},
     {"email_address": "natalia.cirino@example.net", "status": "subscribed",
      "merge_fields": {"FNAME": "Zoë", "LNAME": ""}, "tags": ["checkout"]}),
    ({"email": "jordan.owen@example.com", "name": "São João da Silva", "list": "newsletter",
      "signup_source": "checkout", "locale": "en_US"},
     {"email_address": "jordan.owen@example.com", "status": "subscribed",
      "merge_fields": {"FNAME": "São", "LNAME": "João da Silva"}, "tags": ["checkout"]}),
]


@exercise("02.4", points=2, title="From a signup to an email-platform member")
def _to_member(to_member):
    for n, (data, want) in enumerate(_MEMBERS):
        event = {"type": "newsletter.subscribed", "timestamp": f"2026-01-05T09:00:0{n}.000Z", "data": dict(data)}
        got = to_member(event)
        expect(isinstance(got, dict), expected=_("a dict"), got=show(got), hint=_("return a dict with four keys"))
        expect_same(got, want, expected=_("the member for data {data}", data=data),
                    hint=_("email_address: the email stripped and lowercased; status 'subscribed'; merge_fields: "
                           "FNAME the first word of the name, LNAME the rest ('' for one word); tags: [signup_source]"))
    return _("your mapping keeps accents and copes with one-word names: 'Olá *|FNAME|*' will read right")


def _signups_with_lag(stack) -> int:
    """How many newsletter.subscribed events have reached the CRM (have a lag)."""
    table = stack.events()
    return int(((table["type"] == "newsletter.subscribed") & table["lag_s"].notna()).sum())


def _lag_answer(signup_lag, stack) -> float:
    got = signup_lag(stack)
    expect(isinstance(got, numbers.Real) and not isinstance(got, bool), expected=_("a number of seconds (a float)"),
           got=show(got), hint=_("return a float, rounded to 3 decimals"))
    return float(got)


@exercise("02.5", points=2, title="How fast did the CRM know?")
def _lag(signup_lag, stack):
    stack = lab_stack(stack, seed=12)
    for backlog_s in (90, 20):  # handlers paused for a while: the new signup waits twice that
        before, n_before = _lag_answer(signup_lag, stack), _signups_with_lag(stack)
        we_pause = not stack.receiver.queue.paused
        if we_pause:
            stack.receiver.pause()
        try:
            stack.fire("newsletter.subscribed")
            stack.advance(backlog_s)
            stack.fire("order.completed")  # not a signup: must not count
            stack.advance(backlog_s)
        finally:
            if we_pause:
                stack.receiver.resume()
        stack.wait(timeout=60)
        after, n_after = _lag_answer(signup_lag, stack), _signups_with_lag(stack)
        # A mean over n signups moves, with one more, by exactly what that one adds: the new signup
        # waited 2 * backlog_s, plus a few milliseconds of network.
        waited = 2 * backlog_s
        added = after * n_after - (before * n_before if n_before else 0.0)
        slack = 0.0005 * (n_after + n_before) + 0.001  # both answers are rounded to 3 decimals
        if not (n_after == n_before + 1 and waited - slack <= added <= waited + 1 + slack):
            mean = (before * n_before + waited) / n_after if n_after else float(waited)
            fail(expected=_("about {mean:.3f} s: your answer was {before} for {n} signup(s), then one more "
                            "signup waited {waited} s (an order that waited as well does not count)", mean=mean,
                            before=before, n=n_before, waited=waited), got=show(after),
                 hint=_("filter stack.events() on type == 'newsletter.subscribed' first, then take the mean of "
                        "lag_s, rounded to 3 decimals"))
    return _("you can now put a number on 'real time': here, the mean seconds from signup to CRM")
