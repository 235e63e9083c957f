"""Hidden checks of labs 00–05: a right answer passes the grader's verdict, and an answer that
only fits the visible check (a plausible slip, or a lookup of the visible cases) passes the
visible check but not the grader's own cases.

The right answers are written here (not read from solutions/), each next to its wrong twin.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import shutil

import pytest
import requests

import hooklab
from hooklab.course import checks
from hooklab.course.answers import answer_lines, find_answers
from hooklab.course.labs import ROOT
from hooklab.services.handlers import default_handlers

HIDDEN_MISS = "passed the visible check, but not the grader's own cases"


# -- lab 00 -----------------------------------------------------------------------------------

def start_stack():
    return hooklab.start(seed=7, clock="virtual")


def sign_up(stack, email):
    event_id = stack.fire("newsletter.subscribed", email=email)
    stack.wait()
    return event_id


def sign_up_with_a_fixed_pause(stack, email):  # fine while the receiver is up; not while it retries
    event_id = stack.fire("newsletter.subscribed", email=email)
    stack.advance(1)
    return event_id


def _headers_of(stack, event_id, row):
    log = stack.deliveries()
    attempt_id = log.loc[log["event_id"] == event_id, "attempt_id"].iloc[row]
    return stack.dispatcher.attempt_detail(int(attempt_id))["request_headers"]


def delivery_headers(stack, event_id):
    return _headers_of(stack, event_id, 0)


def delivery_headers_of_the_last_attempt(stack, event_id):
    return _headers_of(stack, event_id, -1)


def delivery_headers_of_the_newest_row(stack, event_id):
    return stack.dispatcher.attempt_detail(int(stack.deliveries()["attempt_id"].iloc[-1]))["request_headers"]


# -- lab 01 -----------------------------------------------------------------------------------

def _feed(stack, since):
    answer = requests.get(stack.urls["inspector"] + "/api/events", params={"since": since}, timeout=10)
    return answer.json()["events"]


def poll(stack, since):
    return [e["id"] for e in _feed(stack, since)]


def poll_signups_only(stack, since):
    return [e["id"] for e in _feed(stack, since) if e["type"] == "newsletter.subscribed"]


def wasted(polls):
    return sum(1 for p in polls if not p)


_VISIBLE_LOGS = {"[[], ['e1'], []]": 2, "[['e1', 'e2'], ['e3']]": 0, "[]": 0,
                 "[[], [], [], [], [], ['e9']]": 5, "[['e1'], [], [], ['e2', 'e3'], []]": 3}


def wasted_fitted_to_the_visible_cases(polls):
    return _VISIBLE_LOGS[str(polls)]


def staleness(event_times, poll_times):
    return [min(p for p in poll_times if p >= e) - e for e in event_times]


def staleness_for_evenly_spaced_polls(event_times, poll_times):
    step = poll_times[1] - poll_times[0] if len(poll_times) > 1 else poll_times[0]
    return [math.ceil(e / step) * step - e if step else 0 for e in event_times]


def cheapest_interval(summary, target_s):
    ok = summary[(summary.method == "polling") & (summary.p95_staleness_s <= target_s)]
    return None if ok.empty else int(ok.sort_values(["requests", "interval_s"]).interval_s.iloc[0])


def cheapest_interval_dropping_the_first_row(summary, target_s):  # "the webhook row is always first"
    rows = summary.iloc[1:]
    ok = rows[rows.p95_staleness_s <= target_s]
    return None if ok.empty else int(ok.sort_values("requests").interval_s.iloc[0])


# -- lab 02 -----------------------------------------------------------------------------------

SIGNED = ("webhook-id", "webhook-timestamp", "webhook-signature")


def signed_headers(detail):
    return {name: detail["request_headers"][name] for name in SIGNED}


def signed_headers_by_prefix(detail):
    return {k: v for k, v in detail["request_headers"].items() if k.startswith("webhook-")}


def compute_signature(secret, msg_id, timestamp, body):
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.{body}".encode("utf-8"), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def compute_signature_of_the_stripped_body(secret, msg_id, timestamp, body):
    return compute_signature(secret, msg_id, timestamp, body.strip())


def is_authentic(secret, headers, body):
    expected = compute_signature(secret, headers["webhook-id"], headers["webhook-timestamp"], body)
    return any(hmac.compare_digest(expected, received) for received in headers["webhook-signature"].split())


def is_authentic_by_the_last_signature(secret, headers, body):
    expected = compute_signature(secret, headers["webhook-id"], headers["webhook-timestamp"], body)
    return hmac.compare_digest(expected, headers["webhook-signature"].split()[-1])


def is_authentic_by_substring(secret, headers, body):
    return compute_signature(secret, headers["webhook-id"], headers["webhook-timestamp"], body) \
        in headers["webhook-signature"]


def _signup_member(data, first, last):
    return {"email_address": data["email"].strip().lower(), "status": "subscribed",
            "merge_fields": {"FNAME": first, "LNAME": last}, "tags": [data["signup_source"]]}


def to_member(event):
    first, _, last = event["data"]["name"].strip().partition(" ")
    return _signup_member(event["data"], first, last.strip())


def to_member_without_strip(event):
    first, _, last = event["data"]["name"].partition(" ")
    return _signup_member(event["data"], first, last)


def signup_lag(stack):
    table = stack.events()
    return round(float(table[table["type"] == "newsletter.subscribed"]["lag_s"].mean()), 3)


def signup_lag_of_every_newsletter_type(stack):
    table = stack.events()
    return round(float(table[table["type"].str.startswith("newsletter")]["lag_s"].mean()), 3)


# -- lab 03 -----------------------------------------------------------------------------------

def _lead_member(data, first, last):
    return {"email_address": data["email"].strip().lower(),
            "status": "subscribed" if data["consent"] else "transactional",
            "merge_fields": {"FNAME": first, "LNAME": last, "COMPANY": data.get("company") or ""},
            "tags": [data["form_id"]]}


def lead_to_member(data):
    first, _, last = data["name"].partition(" ")
    return _lead_member(data, first, last)


def lead_to_member_by_split(data):  # a one-word name has nothing to unpack
    first, last = data["name"].split(" ", 1)
    return _lead_member(data, first, last)


def _lead_handler(mapping):
    def handle_lead(event, email_platform):
        if not event["data"]["consent"]:
            return
        m = mapping(event["data"])
        email_platform.upsert_member(m["email_address"], status=m["status"], merge_fields=m["merge_fields"],
                                     tags=m["tags"])
    return handle_lead


def to_form(member):
    pairs = [("email_address", member["email_address"]), ("status", member["status"])]
    pairs += [(f"merge_fields[{k}]", v) for k, v in member["merge_fields"].items()]
    return pairs + [("tags", t) for t in member["tags"]]


def to_form_with_three_fields_and_one_tag(member):
    pairs = [("email_address", member["email_address"]), ("status", member["status"])]
    pairs += [(f"merge_fields[{k}]", member["merge_fields"][k]) for k in ("FNAME", "LNAME", "COMPANY")]
    return pairs + [("tags", member["tags"][0])]


# -- lab 04 -----------------------------------------------------------------------------------

def lifetime_value(orders):
    return round(sum(o["total"] for o in orders if o["status"] == "completed"), 2)


def lifetime_value_of_distinct_totals(orders):
    return round(sum({o["total"] for o in orders if o["status"] == "completed"}), 2)


def _order_handler(with_name):
    def handle_order(event, crm):
        d = event["data"]
        crm.upsert_contact(d["email"], lifecycle_stage="customer", **({"name": d["name"]} if with_name else {}))
        crm.put_order(d["order_id"], email=d["email"], total=d["total"], currency=d["currency"],
                      status="completed", items=d["items"])
        products = "; ".join(f"{i['quantity']} x {i['name']}" for i in d["items"])
        crm.add_timeline(d["email"], "order", f"{products} ({d['total']:.2f} {d['currency']}, {d['order_id']})",
                         event_id=event["id"])
    return handle_order


def _refund_handler(total_of):
    def handle_refund(event, crm):
        d = event["data"]
        total = total_of(d, crm)
        crm.put_order(d["order_id"], email=d["email"], status="refunded")
        crm.add_timeline(d["email"], "refund", f"{d['amount']:.2f} of {total:.2f} {d['currency']} refunded",
                         event_id=event["id"])
    return handle_refund


handle_refund = _refund_handler(lambda refund, crm: crm.order(refund["order_id"])["total"])
handle_refund_of_its_own_amount = _refund_handler(lambda refund, crm: refund["amount"])  # right for full refunds only


def handle_refund_setting_the_amount(event, crm):  # right only while every refund is a full one
    d = event["data"]
    crm.put_order(d["order_id"], email=d["email"], status="refunded", total=d["amount"])
    crm.add_timeline(d["email"], "order", f"Refunded {d['amount']:.2f} of {d['amount']:.2f} {d['currency']}",
                     event_id=event["id"])


# -- lab 05 -----------------------------------------------------------------------------------

def route(event):
    d, kind = event["data"], event["type"]
    if kind == "order.completed" and d["total"] >= 500:
        return ["sales"]
    if kind == "form.submitted":
        return ["sales"] if d["form_id"] in ("demo-request", "contact-sales") else ["leads"]
    if kind == "cart.abandoned" and d["total"] >= 200:
        return ["marketing"]
    return []


def route_big_totals_first(event):  # a cart of 2,400 is not a sale
    return ["sales"] if event["data"].get("total", 0) >= 500 else route(event)


def _notifier(routing):
    def notify(event, notifier):
        for channel in routing(event):
            notifier.post(channel, f"{event['type']} from {event['data']['email']}")
    return notify


def matches(pattern, event_type):
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return event_type.startswith(pattern[:-1])
    return pattern == event_type


def matches_every_filter_as_a_prefix(pattern, event_type):
    return event_type.startswith(pattern.rstrip("*"))


# -- the table ----------------------------------------------------------------------------------

CASES = {  # exercise: (right answer, wrong answers, takes the stack)
    "00.2": (sign_up, [sign_up_with_a_fixed_pause], True),
    "00.3": (delivery_headers, [delivery_headers_of_the_last_attempt, delivery_headers_of_the_newest_row], True),
    "01.1": (poll, [poll_signups_only], True),
    "01.2": (wasted, [wasted_fitted_to_the_visible_cases], False),
    "01.3": (staleness, [staleness_for_evenly_spaced_polls], False),
    "01.4": (cheapest_interval, [cheapest_interval_dropping_the_first_row], True),
    "02.1": (signed_headers, [signed_headers_by_prefix], True),
    "02.2": (compute_signature, [compute_signature_of_the_stripped_body], False),
    "02.3": (is_authentic, [is_authentic_by_the_last_signature, is_authentic_by_substring], False),
    "02.4": (to_member, [to_member_without_strip], False),
    "02.5": (signup_lag, [signup_lag_of_every_newsletter_type], True),
    "03.1": (lead_to_member, [lead_to_member_by_split], False),
    "03.2": (_lead_handler(lead_to_member), [_lead_handler(lead_to_member_by_split)], True),
    "03.3": (to_form, [to_form_with_three_fields_and_one_tag], True),
    "04.1": (lifetime_value, [lifetime_value_of_distinct_totals], False),
    "04.2": (_order_handler(with_name=True), [_order_handler(with_name=False)], True),
    "04.3": (handle_refund, [handle_refund_setting_the_amount, handle_refund_of_its_own_amount], True),
    "05.1": (route, [route_big_totals_first], False),
    "05.2": (_notifier(route), [_notifier(route_big_totals_first)], True),
    "05.3": (matches, [matches_every_filter_as_a_prefix], False),
}


def test_every_exercise_of_labs_00_to_05_has_hidden_cases_but_the_one_without_input():
    ours = {ex for ex in checks.registry() if ex.split(".")[0] in {"00", "01", "02", "03", "04", "05"}}
    assert set(CASES) == ours - {"00.1"}
    assert all(checks.hidden_check(ex) is not None for ex in CASES)
    assert checks.hidden_check("00.1") is None  # start_stack() has no input: the visible check is all there is


def test_starting_the_stack_passes_the_grader_too():
    assert checks.verdict("00.1", start_stack)[0]
    assert not checks.verdict("00.1", lambda: hooklab.start(seed=8, clock="virtual"))[0]


@pytest.mark.parametrize("ex", CASES)
def test_a_right_answer_passes_and_a_visible_only_one_does_not(ex, vstack):
    right, wrongs, needs_stack = CASES[ex]
    stack = (vstack,) if needs_stack else ()
    for wrong in wrongs:  # first, on a fresh stack; the message says it passed the visible check
        passed, message = checks.verdict(ex, wrong, *stack)
        assert not passed and HIDDEN_MISS in message, f"{wrong.__name__}: {message}"
        assert message.startswith(f"❌ {ex} ") and "Hint:" in message
    passed, message = checks.verdict(ex, right, *stack)  # also after the wrong answers left their traces
    assert passed, message
    assert message and HIDDEN_MISS not in message


class _Chat:
    """A notifier for the built-in handlers in a check that passes the CRM only."""

    def post(self, channel, text):
        return {}


@pytest.mark.parametrize("ex, kind", [("04.2", "order.completed"), ("04.3", "order.refunded")])
def test_the_stacks_own_handler_is_a_model_not_the_answer(ex, kind, vstack):
    def builtin(event, crm):
        return default_handlers(crm, vstack.email, _Chat())[kind](event)

    passed, message = checks.verdict(ex, builtin, vstack)
    assert not passed and HIDDEN_MISS not in message, message  # the visible check already says what is missing
    assert "expected a timeline entry for msg_" in message and " that says " in message


def test_the_visible_checks_hold_no_line_of_the_solutions(tmp_path):
    for n in range(6):
        shutil.copy(ROOT / f"src/hooklab/course/lab0{n}.py", tmp_path)
    assert find_answers(tmp_path, answer_lines(ROOT)) == []
