"""hooklab.testing (signed test requests, samples) and lab 09's endpoint: each planted bug breaks its rule only."""

from __future__ import annotations

import time

import pytest

from hooklab import catalog
from hooklab.course import lab09
from hooklab.errors import SignatureError
from hooklab.signing import verify
from hooklab.testing import sample, signed

ORDER = sample("order.completed", seed=3)


def test_a_sample_is_a_valid_event_and_takes_overrides():
    event = sample("form.submitted", seed=1, email="ana@example.com")
    assert catalog.validate(event)["data"]["email"] == "ana@example.com"
    assert sample("form.submitted", seed=1) == sample("form.submitted", seed=1)


def test_a_signed_request_verifies_and_a_redelivery_keeps_its_id():
    request = signed(ORDER, lab09.SECRET)
    assert verify(lab09.SECRET, request["headers"], request["data"]) == ORDER
    assert signed(ORDER, lab09.SECRET)["headers"]["webhook-id"] == request["headers"]["webhook-id"]
    with pytest.raises(SignatureError):
        verify(lab09.SECRET, request["headers"], request["data"].replace(b"{", b"{ ", 1))


def answers(bugs=()):
    """What the lab's endpoint answers to one request per rule of its spec."""
    client = lab09.create_app(bugs=bugs).test_client()
    crm = client.application.config["CRM"]
    no_email = {**ORDER, "data": {k: v for k, v in ORDER["data"].items() if k != "email"}}
    again = signed(ORDER, lab09.SECRET)
    return {
        "unsigned": client.post("/webhooks", json=ORDER).status_code,
        "stale": client.post("/webhooks", **signed(ORDER, lab09.SECRET, msg_id="msg_old", timestamp=time.time() - 600)).status_code,
        "missing-field": client.post("/webhooks", **signed(no_email, lab09.SECRET)).status_code,
        "duplicate": [client.post("/webhooks", **again).status_code for _ in range(2)],
        "counted": len(crm.get(ORDER["data"]["email"], {}).get("orders", [])),
    }


CORRECT = {"unsigned": 401, "stale": 401, "missing-field": 422, "duplicate": [202, 200], "counted": 1}


def test_the_correct_endpoint_meets_its_spec():
    assert answers() == CORRECT


@pytest.mark.parametrize("bug", sorted(lab09.BUGS))
def test_each_planted_bug_breaks_its_own_rule_only(bug):
    got = answers({bug})
    broken = {rule for rule in CORRECT if got[rule] != CORRECT[rule]}
    # a request let through by mistake is recorded too, so the order also counts twice
    assert broken == ({bug, "counted"} if bug != "missing-field" else {bug})


def test_an_unknown_bug_is_named():
    with pytest.raises(ValueError, match="known"):
        lab09.create_app(bugs={"typo"})
