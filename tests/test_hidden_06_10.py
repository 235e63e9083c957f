"""Hidden checks of labs 06-10: a right answer passes the grader's verdict; an answer that only fits
the visible cases passes the visible check but not the hidden one, and is told so.

Instructor-only, like ``hooklab/course/hidden/``: it holds right answers, so the student release
leaves it out too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import re
import time
from pathlib import Path

import pandas as pd
import pytest

import hooklab
from hooklab.course import checks, lab06
from hooklab.course.hidden import lab06 as hidden06
from hooklab.testing import sample, signed

ROOT = Path(__file__).resolve().parents[1]
NOT_HIDDEN = "passed the visible check, but not the grader's own cases"


def right(id: str, *answers) -> None:
    passed, message = checks.verdict(id, *answers)
    assert passed, message


def only_visible(id: str, *answers) -> str:
    """The verdict's message for an answer that passes the visible check and fails the hidden one."""
    passed, message = checks.verdict(id, *answers)
    assert not passed and NOT_HIDDEN in message, message
    return message


IDS = ["06.1", "06.2", "06.3", "07.1", "07.2", "07.3", "08.1", "08.2", "08.3", "09.1", "09.2", "09.3", "09.4",
       "10.1", "10.2", "10.3"]


@pytest.mark.parametrize("id", IDS)
def test_every_exercise_of_labs_06_to_10_has_a_hidden_check(id):
    assert checks.points(id) > 0 and checks.hidden_check(id) is not None


def _solution_lines(nb: Path) -> set[str]:
    lines, inside = set(), False
    for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
        for line in "".join(cell["source"]).splitlines():
            text = line.strip()
            if text.startswith(("### BEGIN SOLUTION", "### END SOLUTION")):
                inside = text.startswith("### BEGIN")
            elif inside and len(text) >= 12 and not text.startswith("#"):
                lines.add(text)
    return lines


@pytest.mark.parametrize("lab", ["06", "07", "08", "09", "10"])
def test_no_line_of_a_solution_is_in_its_visible_checks(lab):
    text = (ROOT / "src" / "hooklab" / "course" / f"lab{lab}.py").read_text(encoding="utf-8")
    (nb,) = ROOT.glob(f"solutions/{lab}_*.ipynb")
    assert [line for line in _solution_lines(nb) if line in text] == []


# -- lab 06 ------------------------------------------------------------------------------------

SCHEMA = {"type": "object", "additionalProperties": False, "required": ["coupon_code", "email", "discount"],
          "properties": {"coupon_code": {"type": "string", "pattern": "^[A-Z0-9]{4,12}$"},
                         "email": {"type": "string", "format": "email"},
                         "discount": {"type": "number", "exclusiveMinimum": 0},
                         "order_id": {"type": "string"}}}


def test_06_1_a_schema_must_also_require_every_field_and_type_it():
    right("06.1", lambda: SCHEMA)
    loose = {**SCHEMA, "required": ["coupon_code"]}
    assert "refuse no discount" in only_visible("06.1", lambda: loose)
    untyped = {**SCHEMA, "properties": {**SCHEMA["properties"], "order_id": {}}}
    assert "order_id that is a number" in only_visible("06.1", lambda: untyped)


def test_06_2_the_digests_match_the_answer_key_and_an_answer_by_call_order_is_caught():
    assert all(lab06._digest(change, key) == lab06.BREAKING[change] for change, key in hidden06.BREAKING_KEY.items())
    right("06.2", hidden06.BREAKING_KEY.get)
    answers = iter([False, True, True, True, True, False, False, True] * 3)
    assert "whatever the order" in only_visible("06.2", lambda change: next(answers))


def test_06_3_a_refund_of_zero_is_a_refund():
    right("06.3", lambda data: data["refunded_amount"] if "refunded_amount" in data else data.get("amount"))
    assert "0.0 for" in only_visible("06.3", lambda data: data.get("refunded_amount") or data.get("amount"))


# -- lab 07 ------------------------------------------------------------------------------------

def my_sign(secret, msg_id, timestamp, body):
    key = base64.b64decode(secret[len("whsec_"):])
    mac = hmac.new(key, f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


def my_verify(secret, headers, body, now, tolerance=300, window=None):
    window = tolerance if window is None else window
    if not {"webhook-id", "webhook-timestamp", "webhook-signature"} <= set(headers):
        raise ValueError("a header is missing")
    if not re.fullmatch(r"\d+", headers["webhook-timestamp"]):
        raise ValueError("the timestamp is not a number")
    stamp = int(headers["webhook-timestamp"])
    if abs(now - stamp) > window:
        raise ValueError("too old or too new")
    want = my_sign(secret, headers["webhook-id"], stamp, body)
    if any(hmac.compare_digest(part, want) for part in headers["webhook-signature"].split(" ")):
        return json.loads(body)
    raise ValueError("no signature matches")


def test_07_1_the_raw_body_is_signed_not_a_re_serialised_one():
    right("07.1", my_sign)

    def reserialised(secret, msg_id, timestamp, body):
        return my_sign(secret, msg_id, timestamp, json.dumps(json.loads(body), separators=(",", ":"),
                                                             ensure_ascii=False))

    assert "raw body" in only_visible("07.1", reserialised)


def test_07_2_the_tolerance_is_the_one_given_and_its_edge_is_inclusive():
    right("07.2", my_verify)
    message = only_visible("07.2", lambda secret, headers, body, now, tolerance=300:
                           my_verify(secret, headers, body, now, window=300))
    assert "tolerance=60" in message


def test_07_3_one_signature_per_secret_however_many():
    right("07.3", lambda secrets, msg_id, ts, body: " ".join(my_sign(s, msg_id, ts, body) for s in secrets))
    def two(secrets, msg_id, ts, body):
        return f"{my_sign(secrets[0], msg_id, ts, body)} {my_sign(secrets[-1], msg_id, ts, body)}"

    assert "for 1 secret(s)" in only_visible("07.3", two)


# -- lab 08 ------------------------------------------------------------------------------------

def test_08_1_the_delay_comes_from_the_rng_it_is_given():
    right("08.1", lambda attempt, base, cap, rng: rng.uniform(0, min(cap, base * 2 ** (attempt - 1))))
    own = random.Random(0)
    message = only_visible("08.1", lambda attempt, base, cap, rng: own.uniform(0, min(cap, base * 2 ** (attempt - 1))))
    assert "seeded alike" in message


def test_08_2_every_5xx_is_retried_not_only_the_ones_in_the_list():
    right("08.2", lambda status: status is None or status >= 500 or status in {408, 409, 429})
    listed = {None, 500, 502, 503, 504, 408, 409, 429}
    assert "501" in only_visible("08.2", lambda status: status in listed)


class _Once:
    """A right answer: the ids are remembered per wrapped handler, after it succeeds."""

    def __init__(self, handler):
        self.handler, self.done = handler, set()

    def __call__(self, event):
        if event["id"] not in self.done:
            self.handler(event)
            self.done.add(event["id"])


def test_08_3_each_wrapped_handler_has_its_own_memory():
    right("08.3", _Once)
    shared: set = set()

    def once_shared(handler):
        def run(event):
            if event["id"] not in shared:
                handler(event)
                shared.add(event["id"])
        return run

    assert "each its own memory" in only_visible("08.3", once_shared)


# -- lab 09 ------------------------------------------------------------------------------------

ORDER = sample("order.completed", seed=9)
NO_EMAIL = {**ORDER, "data": {k: v for k, v in ORDER["data"].items() if k != "email"}}


def test_09_1_status_and_crm_both_asserted():
    def test_right(client, crm):
        assert client.post("/webhooks", json=ORDER).status_code == 401 and not crm

    def test_status_only(client):
        assert client.post("/webhooks", json=ORDER).status_code == 401

    right("09.1", test_right)
    assert "records the order anyway" in only_visible("09.1", test_status_only)


def test_09_2_a_timestamp_just_past_the_limit():
    def test_right(client, secret):
        assert client.post("/webhooks", **signed(ORDER, secret, timestamp=time.time() - 601)).status_code == 401

    def test_a_day_old(client, secret):
        assert client.post("/webhooks", **signed(ORDER, secret, timestamp=time.time() - 86400)).status_code == 401

    right("09.2", test_right)
    assert "up to an hour old" in only_visible("09.2", test_a_day_old)


def test_09_3_statuses_orders_and_lifetime_value():
    def test_right(client, crm, secret):
        twice = [client.post("/webhooks", **signed(ORDER, secret)).status_code for _ in "ab"]
        assert twice == [202, 200]
        assert crm[ORDER["data"]["email"]] == {"orders": [ORDER["data"]["order_id"]],
                                               "lifetime_value": ORDER["data"]["total"]}

    def test_statuses_only(client, secret):
        assert [client.post("/webhooks", **signed(ORDER, secret)).status_code for _ in "ab"] == [202, 200]

    right("09.3", test_right)
    assert "records the order again" in only_visible("09.3", test_statuses_only)


def test_09_4_the_error_names_the_field():
    def test_right(client, secret):
        response = client.post("/webhooks", **signed(NO_EMAIL, secret))
        assert (response.status_code, "email" in response.get_json()["error"]) == (422, True)

    def test_status_only(client, secret):
        assert client.post("/webhooks", **signed(NO_EMAIL, secret)).status_code == 422

    right("09.4", test_right)
    assert "does not name the missing field" in only_visible("09.4", test_status_only)


# -- lab 10 ------------------------------------------------------------------------------------

@pytest.fixture
def lab10():
    """The stack of lab 10: a sender that gives up after about 7 minutes."""
    with hooklab.start(seed=10, clock="virtual", schedule=(0, 5, 60, 300)) as stack:
        yield stack


def gone(attempts, inbox):
    final = attempts.groupby("event_id")["outcome"].last()
    return sorted(i for i, outcome in final.items() if outcome in ("dead", "failed") and i not in set(inbox["id"]))


def test_10_1_received_is_not_processed(lab10):
    right("10.1", gone, lab10)

    def processed_only(attempts, inbox):
        final = attempts.groupby("event_id")["outcome"].last()
        done = set(inbox.loc[inbox["status"] == "processed", "id"])
        return sorted(i for i, outcome in final.items() if outcome in ("dead", "failed") and i not in done)

    assert "received is not the same as processed" in only_visible("10.1", processed_only, lab10)


def test_10_2_the_lost_ids_in_any_order(lab10):
    def window(events, lost):
        times = events.set_index("id").loc[list(lost), "created_at"]
        return times.min() - pd.Timedelta(seconds=1), times.max() + pd.Timedelta(seconds=1)

    def by_position(events, lost):
        times = events.set_index("id")["created_at"]
        return times[lost[0]] - pd.Timedelta(seconds=1), times[lost[-1]] + pd.Timedelta(seconds=1)

    right("10.2", window, lab10)
    assert "newest first" in only_visible("10.2", by_position, lab10)


def test_10_3_until_is_excluded(lab10):
    def recover(stack, since, until, closed=False):
        table = stack.events().set_index("id")["created_at"]
        lost = [i for i in gone(stack.deliveries(), stack.receiver.inbox())
                if since <= table[i] and (table[i] <= until if closed else table[i] < until)]
        for i in lost:
            stack.replay(i)
        stack.wait()
        return sorted(lost)

    right("10.3", recover, lab10)
    assert "outside the window" in only_visible("10.3", lambda stack, since, until: recover(stack, since, until,
                                                                                           closed=True), lab10)
