"""Fault settings: checked, applied for real, seeded, and invisible to the observer."""

from __future__ import annotations

import pytest
import requests

import hooklab
from hooklab.wire import Sessions


@pytest.mark.parametrize("service,settings,words", [
    ("recever", {"error_rate": 0.1}, "unknown service 'recever'"),
    ("receiver", {"eror_rate": 0.1}, "unknown fault setting"),
    ("receiver", {"error_rate": 30}, "for 30% write 0.3"),
    ("receiver", {"error_rate": -0.1}, ">= 0"),
    ("receiver", {"latency_ms": (400, 50)}, "low <= high"),
    ("receiver", {"error_status": 200}, "400-599"),
    ("crm", {"outage": (60, 10)}, "end after it starts"),
])
def test_bad_fault_settings_say_what_is_wrong(vstack, service, settings, words):
    with pytest.raises(hooklab.ConfigError, match=words.replace("(", r"\(")):
        vstack.faults.set(service, **settings)


def test_latency_is_real_on_the_real_clock(rstack):
    rstack.faults.set("receiver", latency_ms=150)
    rstack.fire("newsletter.subscribed")
    rstack.wait(timeout=10)
    assert rstack.deliveries()["latency_ms"].iloc[0] >= 150


def test_latency_moves_the_virtual_clock_exactly(vstack):
    vstack.faults.set("receiver", latency_ms=250)
    vstack.fire("newsletter.subscribed")
    vstack.wait()
    assert vstack.deliveries()["latency_ms"].tolist() == [250.0]


def test_outage_window_ends_on_time(vstack):
    vstack.faults.set("receiver", outage=(0, 60))
    vstack.fire("newsletter.subscribed")
    vstack.wait()
    attempts = vstack.deliveries()
    assert attempts["error"].tolist()[:2] == ["connection", "connection"]  # at 0 s and ~5 s
    assert attempts["outcome"].tolist()[-1] == "delivered"
    assert (attempts["sent_at"].iloc[-1] - attempts["sent_at"].iloc[0]).total_seconds() >= 60


def test_a_crm_outage_is_retried_by_the_receiver_not_the_sender(vstack):
    vstack.faults.set("crm", outage=3600)
    vstack.fire("newsletter.subscribed")
    vstack.advance(60)
    assert vstack.deliveries()["outcome"].tolist() == ["delivered"]  # the receiver acknowledged
    inbox = vstack.receiver.inbox()
    assert inbox["status"].tolist() == ["retrying"] and "could not reach" in inbox["last_error"].iloc[0]
    vstack.wait()
    assert vstack.receiver.inbox()["status"].tolist() == ["processed"]
    assert len(vstack.crm.contacts()) == 1


def test_observer_reads_see_through_faults_but_writes_do_not(vstack):
    vstack.faults.set("crm", outage=True)
    assert vstack.crm.contacts().empty  # the dashboard still works
    with pytest.raises(hooklab.ServiceError, match="could not reach .*: connection"):
        vstack.crm.upsert_contact("x@example.com", name="X")  # a write meets the outage
    wire = Sessions(faults=vstack.faults, service_of=lambda url: "crm")
    try:
        with pytest.raises(requests.ConnectionError, match="injected fault at crm"):  # so does any other read
            wire.get().get(vstack.urls["crm"] + "/api/contacts", timeout=5)
    finally:
        wire.close()


def test_same_seed_injects_the_same_faults():
    def run():
        with hooklab.start(seed=9, clock="virtual") as stack:
            stack.faults.set("receiver", error_rate=0.4)
            for _ in range(30):
                stack.fire("newsletter.subscribed")
            stack.wait()
            return stack.deliveries()["status_code"].tolist()

    assert run() == run()


def test_clear_removes_faults(vstack):
    vstack.faults.set("receiver", error_rate=1.0)
    vstack.faults.clear()
    assert vstack.faults.summary() == {}
    vstack.fire("newsletter.subscribed")
    vstack.wait()
    assert vstack.deliveries()["attempt"].tolist() == [1]


def test_clear_with_counts_forgets_what_was_injected(vstack):
    vstack.faults.set("receiver", error_rate=1.0)
    vstack.fire("newsletter.subscribed")
    vstack.advance(1)
    assert vstack.faults.injected()["receiver"]
    vstack.faults.clear()
    assert vstack.faults.injected()["receiver"]  # plain clear keeps the record
    vstack.faults.clear(counts=True)
    assert vstack.faults.injected() == {} and not vstack.faults.policy("receiver").active
