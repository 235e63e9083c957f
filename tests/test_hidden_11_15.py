"""Hidden checks of labs 11-15: a right answer passes the grader's verdict; an answer that only fits
the visible cases passes the visible check but not the hidden one, and is told so.

Instructor-only, like ``hooklab/course/hidden/``: it holds right answers, so the student release
leaves it out too.
"""

from __future__ import annotations

import math
import queue
import shutil
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from flask import Flask, jsonify, request

import hooklab
from hooklab import ServiceError, signing
from hooklab.course import checks
from hooklab.course.answers import answer_lines, find_answers
from hooklab.services.handlers import default_handlers, event_time
from hooklab.testing import sample, signed
from test_warning_signs import alert_transitions, delays, error_shares  # lab 13's right answers

ROOT = Path(__file__).resolve().parents[1]
NOT_HIDDEN = "passed the visible check, but not the grader's own cases"

IDS = ["11.1", "11.2", "11.3", "12.1", "12.2", "12.3", "12.4", "13.1", "13.2", "13.3", "13.4",
       "14.1", "14.2", "14.3", "14.4", "15.1", "15.2", "15.3", "15.4", "15.5"]


def right(id: str, *answers) -> str:
    passed, message = checks.verdict(id, *answers)
    assert passed, message
    return message


def only_visible(id: str, *answers) -> str:
    """The verdict's message for an answer that passes the visible check and fails the hidden one."""
    passed, message = checks.verdict(id, *answers)
    assert not passed and NOT_HIDDEN in message, message  # NOT_HIDDEN: the visible check passed it
    return message


@pytest.mark.parametrize("id", IDS)
def test_every_exercise_of_labs_11_to_15_has_a_hidden_check(id):
    assert checks.points(id) > 0 and checks.hidden_check(id) is not None


def test_no_answer_of_any_solution_is_in_the_released_modules_of_labs_11_to_15(tmp_path):
    for name in ("lab11", "lab12", "lab13", "lab14", "lab15", "quiz15"):
        shutil.copy(ROOT / "src" / "hooklab" / "course" / f"{name}.py", tmp_path)
    assert [str(leak) for leak in find_answers(tmp_path, answer_lines(ROOT))] == []


# -- lab 11 ------------------------------------------------------------------------------------

def newer(current, incoming):
    if current is None:
        return True
    if "version" in incoming:
        return incoming["version"] > current["version"]
    return datetime.fromisoformat(incoming["updated_at"]) > datetime.fromisoformat(current["updated_at"])


def newer_with_a_fixed_format(current, incoming):  # right for "…:00.120Z", not for "…:00Z"
    if current is None:
        return True
    if "version" in incoming:
        return incoming["version"] > current["version"]
    form = "%Y-%m-%dT%H:%M:%S.%f%z"
    return datetime.strptime(incoming["updated_at"], form) > datetime.strptime(current["updated_at"], form)


def test_11_1_parses_every_iso_8601_form_not_only_the_visible_ones():
    right("11.1", newer)
    message = only_visible("11.1", newer_with_a_fixed_format)
    assert "ValueError" in message and "'2026-01-05T09:00:01Z'" in message


def parking(limit=None):
    def handle_with_parking(crm, parked, event):
        d = event["data"]
        if event["type"] == "newsletter.subscribed":
            crm["contacts"][d["email"]] = {"name": d["name"]}
            for waiting in parked.pop(d["email"], []):
                crm["orders"][waiting["data"]["order_id"]] = {"email": d["email"], "total": waiting["data"]["total"]}
        elif d["email"] in crm["contacts"]:
            crm["orders"][d["order_id"]] = {"email": d["email"], "total": d["total"]}
        elif limit is None or len(parked.get(d["email"], [])) < limit:  # the bug: a bounded waiting room
            parked.setdefault(d["email"], []).append(event)

    return handle_with_parking


def test_11_2_parks_every_order_however_many_wait():
    right("11.2", parking())
    message = only_visible("11.2", parking(limit=2))
    assert "['ord_2_0_0', 'ord_2_0_1', 'ord_2_0_2']" in message and "got parked holds ['ord_2_0_0', 'ord_2_0_1']" \
        in message


def chaos_proof(as_text=False):
    def handle(crm, event):
        if event["id"] in crm["timeline"]:
            return
        crm["timeline"].append(event["id"])
        d = event["data"]
        if event["type"] == "contact.updated":
            held = crm["contacts"].get(d["email"])
            fresher = held is None or (str(d["version"]) > str(held["version"]) if as_text  # the bug: "10" < "9"
                                       else d["version"] > held["version"])
            if fresher:
                crm["contacts"][d["email"]] = {"version": d["version"], "name": d["name"], "company": d["company"]}
        elif event["type"] == "order.completed":
            crm["orders"].setdefault(d["order_id"], {"status": "completed"}).update(email=d["email"], total=d["total"])
        else:
            crm["orders"].setdefault(d["order_id"], {"email": d["email"], "total": d["amount"]})["status"] = "refunded"

    return handle


def test_11_3_versions_compare_as_numbers_past_nine():
    right("11.3", chaos_proof())
    message = only_visible("11.3", chaos_proof(as_text=True))
    assert "a contact updated 12 times" in message and "'version': 12" in message and "'version': 9" in message


# -- lab 12 ------------------------------------------------------------------------------------

def make_app(jobs):
    app = Flask("fast")

    @app.post("/webhooks")
    def webhooks():
        jobs.put(request.get_json())
        return jsonify(status="accepted"), 202

    return app


_ONE_APP = Flask("module_level")


def make_app_at_module_level(jobs):  # the bug: one app for every call
    @_ONE_APP.post("/webhooks")
    def webhooks():
        jobs.put(request.get_json())
        return jsonify(status="accepted"), 202

    return _ONE_APP


def test_12_1_builds_a_new_app_on_each_call():
    right("12.1", make_app)
    message = only_visible("12.1", make_app_at_module_level)
    assert "AssertionError" in message and "setup method 'post'" in message


def work(jobs, handle, batch_size):
    handled, stop = 0, False
    while not stop:
        batch, item = [], jobs.get()
        while item is not None:
            batch.append(item)
            if len(batch) == batch_size:
                break
            try:
                item = jobs.get_nowait()
            except queue.Empty:
                break
        stop = item is None
        if batch:
            handle(batch)
            handled += len(batch)
    return handled


def work_waiting_for_full_batches(jobs, handle, batch_size):  # the bug: blocks until a batch is full
    handled = 0
    while True:
        batch = []
        while len(batch) < batch_size:
            item = jobs.get()
            if item is None:
                if batch:
                    handle(batch)
                return handled + len(batch)
            batch.append(item)
        handle(batch)
        handled += len(batch)


def test_12_2_handles_what_is_waiting_without_waiting_for_a_full_batch():
    right("12.2", work)
    assert "handle was not called within 2 s" in only_visible("12.2", work_waiting_for_full_batches)


def bounded(fixed_limit=None):
    def make_bounded_app(jobs, limit):
        app = Flask("bounded")

        @app.post("/webhooks")
        def webhooks():
            if jobs.qsize() >= (fixed_limit or limit):
                return jsonify(error="busy, retry later"), 503, {"Retry-After": "10"}
            jobs.put(request.get_json())
            return jsonify(status="accepted"), 202

        return app

    return make_bounded_app


def test_12_3_uses_the_limit_it_is_given():
    right("12.3", bounded())
    assert "503 (limit 1); got [202, 202, 202]" in only_visible("12.3", bounded(fixed_limit=5))


def test_12_4_rounds_up_only_a_fraction():
    right("12.4", lambda rate, seconds, utilisation: math.ceil(rate * seconds / utilisation))
    message = only_visible("12.4", lambda rate, seconds, utilisation: round(rate * seconds / utilisation + 0.5))
    assert "expected 5 workers for 5/s at 1.0 s each, kept 100% busy; got 6" in message


# -- lab 13 ------------------------------------------------------------------------------------

def test_13_1_to_13_3_right_answers_pass_the_grader():
    for id, answer in (("13.1", delays), ("13.2", error_shares), ("13.3", alert_transitions)):
        right(id, answer)


def test_13_1_and_13_2_answers_that_know_the_visible_frames_by_their_length_fail():
    visible_delays = {20: (161.4, 0), 12: (48.6, 3), 5: (0.0, 5), 1: (42.5, 0)}
    message = only_visible("13.1", lambda events: dict(zip(("p95_lag_s", "unprocessed"),
                                                           visible_delays.get(len(events), (0.0, 0)))))
    assert "expected p95_lag_s ≈" in message
    visible_shares = {20: {"503": 0.2, "timeout": 0.1, "connection": 0.05, "401": 0.05}, 10: {"401": 0.6}, 8: {},
                      16: {"500": 0.125, "410": 0.0625, "502": 0.0625, "timeout": 0.0625}}
    assert "expected the keys" in only_visible("13.2", lambda attempts: visible_shares.get(len(attempts), {}))


def compared_with_the_window_before(windows, thresholds):  # the bug: the first window never fires
    rows, out = windows.to_dict("records"), []
    for before, row in zip(rows, rows[1:]):
        for metric, limit in thresholds.items():
            if row[metric] > limit >= before[metric]:
                out.append((row["window"], metric, "firing"))
            elif row[metric] <= limit < before[metric]:
                out.append((row["window"], metric, "resolved"))
    return out


def test_13_3_a_metric_breached_from_the_first_window_fires_there():
    assert "('10:00', 'error_rate', 'firing')" in only_visible("13.3", compared_with_the_window_before)


def diagnose(stack, long_lag_is_an_outage=False):
    errors = error_shares(stack.deliveries())
    if sum(share for result, share in errors.items() if result.startswith("4")) > 0.5:
        return "wrong_secret"
    if long_lag_is_an_outage and delays(stack.events())["p95_lag_s"] > 1000:  # the bug: how much, not which
        return "outage"
    if errors.get("connection", 0) > 0.05:
        return "outage"
    if sum(share for result, share in errors.items() if result.startswith("5")) > 0.05:
        return "flaky_receiver"
    if (stack.reconcile()["problem"] == "duplicate").any():
        return "duplicates"
    if delays(stack.events())["p95_lag_s"] > 30:
        return "slow_crm"
    return "healthy"


@pytest.mark.slow
def test_13_4_names_other_incidents_from_the_kind_of_evidence(vstack):
    assert "8 hidden incidents" in right("13.4", diagnose)
    message = only_visible("13.4", lambda stack: diagnose(stack, long_lag_is_an_outage=True))
    assert "incident 1: 'outage', it was 'flaky_receiver'" in message
    assert vstack.running and hooklab.stack._current is vstack  # the learner's own stack keeps running


# -- lab 14 ------------------------------------------------------------------------------------

def kept(answer):
    return any(note.startswith("subscription kept") for note in answer["notes"])


def on_newsletter_subscribed(event, crm, email, notifier):
    d = event["data"]
    answer = crm.upsert_contact(d["email"], name=d["name"], locale=d["locale"], subscribed=True,
                                subscribed_at=event_time(event))
    if not kept(answer):
        first, _, last = d["name"].partition(" ")
        email.upsert_member(d["email"], status="subscribed", list_id=d["list"],
                            merge_fields={"FNAME": first, "LNAME": last})
    crm.add_timeline(d["email"], "newsletter", f"Subscribed to {d['list']}", event_id=event["id"])


def on_newsletter_unsubscribed(event, crm, email, notifier):
    d = event["data"]
    if not kept(crm.upsert_contact(d["email"], subscribed=False, subscribed_at=event_time(event))):
        email.upsert_member(d["email"], status="unsubscribed", list_id=d["list"])
    crm.add_timeline(d["email"], "newsletter", f"Unsubscribed from {d['list']}", event_id=event["id"])


def on_contact_updated(event, crm, email, notifier):
    details = dict(event["data"])
    address, version = details.pop("email"), details.pop("version")
    held = crm.contact(address)
    if not (held and (held["source_version"] or 0) >= version):
        crm.upsert_contact(address, source_version=version, **details)


def form_handler(guarded=True, utm_always_has_a_campaign=False):
    def on_form_submitted(event, crm, email, notifier):
        d = event["data"]
        details = {k: d[k] for k in ("name", "company", "job_title", "phone") if k in d}
        if utm_always_has_a_campaign:  # the bug: a link tagged with utm_source alone has no campaign
            campaign = d["utm"]["campaign"] if "utm" in d else "-"
        else:
            campaign = (d.get("utm") or {}).get("campaign") or "-"
        if d["consent"]:
            answer = crm.upsert_contact(d["email"], lifecycle_stage="lead", subscribed=True,
                                        subscribed_at=event_time(event), **details)
            if not (guarded and kept(answer)):  # the bug when not guarded: an older form resubscribes
                email.upsert_member(d["email"], status="subscribed", list_id="newsletter")
            email.tag(d["email"], d["form_id"])
        else:
            crm.upsert_contact(d["email"], lifecycle_stage="lead", **details)
        crm.add_timeline(d["email"], "form", f"{d['form_id']}, campaign {campaign}", event_id=event["id"])
        notifier.post("leads", f"New lead: {d['name']} ({campaign})")

    return on_form_submitted


def order_handler(currency=None):
    def on_order_completed(event, crm, email, notifier):
        d = event["data"]
        crm.upsert_contact(d["email"], name=d["name"], lifecycle_stage="customer")
        known = crm.order(d["order_id"])
        status = "refunded" if known and known["status"] == "refunded" else "completed"
        crm.put_order(d["order_id"], email=d["email"], total=d["total"], currency=currency or d["currency"],
                      status=status, items=d["items"])  # the bug with currency="USD": every order in dollars
        products = " + ".join(f"{i['quantity']} x {i['name']}" for i in d["items"])
        crm.add_timeline(d["email"], "order", f"Order {d['order_id']}: {products}", event_id=event["id"])
        if d["total"] >= 500:
            notifier.post("sales", f"High-value order {d['order_id']}: {d['total']:,.2f} {d['currency']}")

    return on_order_completed


def on_order_refunded(event, crm, email, notifier):
    d = event["data"]
    first = {"email": d["email"], "total": d["amount"], "currency": d["currency"]} if crm.order(d["order_id"]) is None \
        else {}
    crm.put_order(d["order_id"], status="refunded", **first)
    crm.add_timeline(d["email"], "order", f"Order {d['order_id']} refunded ({d.get('reason')})", event_id=event["id"])


def cart_handler(worth_it=lambda total: total >= 200):
    def on_cart_abandoned(event, crm, email, notifier):
        d = event["data"]
        crm.upsert_contact(d["email"])
        crm.add_timeline(d["email"], "cart", f"Abandoned cart {d['cart_id']}", event_id=event["id"])
        if not worth_it(d["total"]):
            return
        try:
            email.tag(d["email"], "abandoned-cart")
        except ServiceError as e:
            if e.status != 404:
                raise
        notifier.post("marketing", f"Bring them back: {d['recover_url']}")

    return on_cart_abandoned


SIGNUP = (on_newsletter_subscribed, on_newsletter_unsubscribed, on_contact_updated, form_handler())
SHOP = (order_handler(), on_order_refunded, cart_handler())


def watch(stack, now, state):
    attempts = stack.deliveries()
    recent = attempts[attempts["sent_at"] > now - pd.Timedelta(minutes=2)]
    failing = len(recent) >= 3 and (recent["outcome"] != "delivered").mean() > 0.5
    if failing != bool(state.get("firing")):
        stack.notifier.post("alerts", "Webhook deliveries failing" if failing else "Resolved: deliveries succeed")
        state["firing"] = failing
    if not failing and len(stack.dead_letters()):
        stack.recover(since=0)


def watch_by_the_clock(outages_min):
    """The bug: alerts and recovers at the minutes the visible runs' outages began (by seed), whatever the evidence."""
    def watch(stack, now, state):
        state.setdefault("t0", now - pd.Timedelta(minutes=1))
        minute = (now - state["t0"]).total_seconds() / 60
        start = outages_min.get(stack.seed, math.inf)
        if minute >= start + 1 and not state.get("alerted"):
            stack.notifier.post("alerts", "Webhook deliveries failing")
            state["alerted"] = True
        if minute >= start + 11 and len(stack.dead_letters()):
            stack.recover(since=0)

    return watch


def install_with(handlers):
    types = ("newsletter.subscribed", "newsletter.unsubscribed", "contact.updated", "form.submitted",
             "order.completed", "order.refunded", "cart.abandoned")

    def install(stack):
        for kind, fn in zip(types, handlers):
            stack.receiver.on(kind)(lambda event, fn=fn: fn(event, stack.crm, stack.email, stack.notifier))

    return install


@pytest.mark.slow
def test_14_1_an_older_form_must_not_resubscribe_after_a_newer_unsubscribe():
    right("14.1", *SIGNUP)
    message = only_visible("14.1", *SIGNUP[:3], form_handler(guarded=False))
    assert "the member still unsubscribed" in message and "'status': 'subscribed'" in message
    message = only_visible("14.1", *SIGNUP[:3], form_handler(utm_always_has_a_campaign=True))
    assert "your code raised KeyError: 'campaign'" in message


@pytest.mark.slow
def test_14_2_an_order_keeps_its_own_currency_and_a_cart_of_exactly_200_is_chased():
    right("14.2", *SHOP)
    message = only_visible("14.2", order_handler(currency="USD"), *SHOP[1:])
    assert "currency 'BRL'" in message and "'currency': 'USD'" in message
    message = only_visible("14.2", *SHOP[:2], cart_handler(worth_it=lambda total: total > 200))
    assert "tagged 'abandoned-cart' for a cart of 200.00 BRL" in message


def builtin(kind):
    """The stack's own handler for ``kind``, as a lab 14 handler ``fn(event, crm, email, notifier)``."""
    return lambda event, crm, email, notifier: default_handlers(crm, email, notifier)[kind](event)


@pytest.mark.slow
@pytest.mark.parametrize("ex, kinds, reasons", [
    ("14.1", ("newsletter.subscribed", "newsletter.unsubscribed", "contact.updated", "form.submitted"),
     ["does not name the campaign"]),
    ("14.2", ("order.completed", "order.refunded", "cart.abandoned"),
     ["does not list what was bought", "does not give the refund's reason"])])
def test_the_stacks_own_handlers_are_a_model_not_the_capstones_answer(ex, kinds, reasons):
    passed, message = checks.verdict(ex, *map(builtin, kinds))
    assert not passed and NOT_HIDDEN not in message and any(r in message for r in reasons), message


@pytest.mark.slow
def test_14_3_and_14_4_alerts_come_from_the_evidence_not_from_the_clock():
    right("14.3", watch)
    assert "your alert (min after outage start)" in only_visible("14.3", watch_by_the_clock({143: 7.9, 1433: 15.17}))
    install = install_with(SIGNUP + SHOP)
    right("14.4", install, watch)
    assert "all 5 targets met on another run" in only_visible("14.4", install, watch_by_the_clock({144: 14.6}))


# -- lab 15 ------------------------------------------------------------------------------------

def redelivery_once(stack, client):
    order = sample("order.completed", seed=7)
    kwargs = signed(order, stack.secret, msg_id="msg_again", timestamp=stack.clock.now())
    client.post("/webhooks", **kwargs)
    client.post("/webhooks", **kwargs)
    stack.wait()
    assert (stack.crm.orders()["order_id"] == order["data"]["order_id"]).sum() == 1


def second_answer_is_200(stack, client):  # the bug: asserts how, not what
    kwargs = signed(sample("order.completed", seed=7), stack.secret, msg_id="msg_again", timestamp=stack.clock.now())
    client.post("/webhooks", **kwargs)
    assert client.post("/webhooks", **kwargs).status_code == 200


def authentic(requests, secret, now):
    for letter, r in requests.items():
        try:
            signing.verify(secret, r["headers"], r["body"], now=now)
            return letter
        except hooklab.SignatureError:
            pass


def authentic_by_hand(requests, secret, now):  # the bug: reads one signature only
    import base64
    import hashlib
    import hmac

    key = base64.b64decode(secret.removeprefix("whsec_"))
    for letter, r in requests.items():
        h = r["headers"]
        if "webhook-signature" not in h or abs(now - int(h["webhook-timestamp"])) > 300:
            continue
        signed_text = f"{h['webhook-id']}.{h['webhook-timestamp']}.{r['body']}".encode()
        mine = base64.b64encode(hmac.new(key, signed_text, hashlib.sha256).digest()).decode()
        if hmac.compare_digest(h["webhook-signature"].split(",", 1)[1], mine):
            return letter


def test_15_1_and_15_2_the_grader_marks_the_letter_the_lab_only_recorded():
    right("15.1", lambda: "c")
    right("15.2", lambda: "D)")
    assert "ordinary HTTP POST" in only_visible("15.1", lambda: "a")
    assert "additionalProperties: false" in only_visible("15.2", lambda: "a")


def test_15_3_a_test_asserts_the_crm_not_the_status_code():
    right("15.3", redelivery_once)
    message = only_visible("15.3", second_answer_is_200)
    assert "no dedup at the door" in message and "AssertionError" in message


def test_15_4_a_rotated_secret_signs_twice():
    right("15.4", authentic)
    assert "key rotation" in only_visible("15.4", authentic_by_hand)


def test_15_5_counts_on_incidents_it_has_not_seen():
    right("15.5", lambda stack: int(stack.events()["processed_at"].isna().sum()))
    visible = {14: 4, 12: 6, 6: 6, 5: 0}
    message = only_visible("15.5", lambda stack: visible.get(len(stack.events()), 0))
    assert "expected 3 events that never reached the CRM (retries off, half the requests fail)" in message
