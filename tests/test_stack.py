"""The stack end to end: events in at the sources, data out in the CRM and email platform."""

from __future__ import annotations

import random
import threading
import time

import pandas as pd
import psutil
import pytest

import hooklab
from hooklab import stack as stack_module
from hooklab.clock import VIRTUAL_EPOCH, VirtualClock

MIXED = ["newsletter.subscribed"] * 4 + ["form.submitted", "order.completed", "contact.updated",
                                         "newsletter.unsubscribed", "order.refunded", "cart.abandoned"]


def fire_mixed(stack, n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    ids = [stack.fire("newsletter.subscribed"), stack.fire("order.completed")]
    while len(ids) < n:
        kind = rng.choice(MIXED)
        try:
            ids.append(stack.fire(kind))
        except hooklab.StackError:  # e.g. a refund with every order already refunded
            ids.append(stack.fire("order.completed"))
    return ids


def test_fifty_signups_reach_crm_and_email_platform(rstack):
    ids = [rstack.fire("newsletter.subscribed") for _ in range(50)]
    rstack.wait(timeout=30)
    contacts = rstack.crm.contacts()
    assert len(contacts) == 50 and contacts["email"].is_unique
    assert (contacts["subscribed"] == True).all()  # noqa: E712
    subs = rstack.email.subscribers()
    assert len(subs) == 50 and (subs["status"] == "subscribed").all()
    attempts = rstack.deliveries()
    assert sorted(attempts["event_id"]) == sorted(ids)
    assert (attempts["status_code"] == 202).all()
    assert rstack.reconcile().empty


@pytest.mark.slow
def test_a_bulk_import_is_the_same_as_a_loop_of_fire_and_goes_out_in_chunks():
    def truth(import_: bool):
        with hooklab.start(seed=3, clock="virtual") as stack:
            handovers = []
            send_many = stack.sources._emit
            stack.sources._emit = lambda events: handovers.append(len(events)) or send_many(events)
            if import_:
                ids = stack.fire_many("newsletter.subscribed", 250)
            else:
                ids = [stack.fire("newsletter.subscribed") for _ in range(250)]
            stack.wait()
            assert stack.reconcile().empty and len(stack.crm.contacts()) == 250
            bodies = [stack.sources.event(i) for i in ids]
            return ids, bodies, handovers, stack.deliveries()["status_code"].tolist()

    loop, bulk = truth(import_=False), truth(import_=True)
    assert bulk[:2] == loop[:2]  # same seed: the same ids and the same events, in the same order
    assert (loop[2], bulk[2]) == ([1] * 250, [100, 100, 50])  # one handover per chunk of 100
    assert bulk[3] == loop[3] == [202] * 250


@pytest.mark.parametrize("count", [0, -5, 100_001, 2.5, "10", True, None])
def test_a_bulk_import_refuses_a_count_that_is_not_a_sensible_whole_number(vstack, count):
    with pytest.raises(hooklab.StackError, match=r"count must be a whole number from 1 to 100,000, not "):
        vstack.fire_many("newsletter.subscribed", count)
    assert vstack.events().empty


def test_a_bulk_import_with_a_bad_field_records_nothing(vstack):
    with pytest.raises(hooklab.EventValidationError, match="email"):
        vstack.fire_many("newsletter.subscribed", 3, email="not-an-email")
    with pytest.raises(hooklab.EventValidationError, match="unknown field"):
        vstack.fire_many("newsletter.subscribed", 3, colour="red")
    assert vstack.events().empty and vstack.dispatcher.deliveries().empty


@pytest.mark.slow
def test_thirty_percent_errors_with_retries_lose_nothing_and_duplicate_nothing():
    with hooklab.start(seed=7, clock="virtual") as stack:
        stack.faults.set("receiver", error_rate=0.3)
        for _ in range(300):
            stack.fire("newsletter.subscribed")
        started = time.monotonic()
        stack.wait()
        contacts = stack.crm.contacts()
        assert len(contacts) == 300 and contacts["email"].is_unique
        attempts = stack.deliveries()
        assert (attempts["attempt"] > 1).any(), "with 30% errors some deliveries must need a retry"
        assert stack.faults.injected()["receiver"]["error"] == (attempts["status_code"] == 503).sum()
        assert stack.dead_letters().empty
        assert stack.reconcile().empty
        assert time.monotonic() - started < 30


@pytest.mark.slow
def test_mixed_events_under_errors_and_reordering_end_consistent():
    with hooklab.start(seed=11, clock="virtual") as stack:
        stack.faults.set("receiver", error_rate=0.3, reorder_rate=0.3)
        stack.faults.set("crm", error_rate=0.1)
        fire_mixed(stack, 200)
        stack.wait()
        assert stack.reconcile().empty, stack.reconcile().to_string()
        assert (stack.receiver.inbox()["status"] == "processed").all()


def test_without_retries_events_are_lost_and_reconcile_names_them():
    with hooklab.start(seed=7, clock="virtual", retries=False) as stack:
        stack.faults.set("receiver", error_rate=0.3)
        ids = [stack.fire("newsletter.subscribed") for _ in range(100)]
        stack.wait()
        dead = stack.dead_letters()
        assert len(dead) > 0 and set(dead["status"]) == {"dead"}
        missing = stack.reconcile()
        lost = {stack.sources.event(i)["data"]["email"] for i in dead["event_id"]}
        crm_missing = set(missing[(missing.system == "crm") & (missing.problem == "missing")]["key"])
        assert crm_missing == lost
        assert len(stack.crm.contacts()) == len(ids) - len(lost)


def test_recover_after_an_outage_longer_than_the_schedule():
    with hooklab.start(seed=3, clock="virtual", schedule=(0, 60, 600)) as stack:
        stack.faults.set("receiver", outage=3600)
        start = stack.clock.now()
        for _ in range(10):
            stack.fire("newsletter.subscribed")
        stack.wait()
        assert len(stack.dead_letters()) == 10 and stack.crm.contacts().empty
        stack.advance(3600)
        recovered = stack.recover(since=start)
        stack.wait()
        assert len(recovered) == 10
        assert len(stack.crm.contacts()) == 10 and stack.reconcile().empty
        assert stack.dead_letters().empty


def test_virtual_clock_plays_the_full_schedule_in_well_under_a_second():
    with hooklab.start(seed=1, clock="virtual") as stack:
        stack.faults.set("receiver", error_rate=1.0)
        stack.fire("newsletter.subscribed")
        started = time.perf_counter()
        stack.wait()
        elapsed = time.perf_counter() - started
        attempts = stack.deliveries()
        assert list(attempts["attempt"]) == list(range(1, 9))
        assert attempts["outcome"].iloc[-1] == "dead"
        span = (attempts["sent_at"].iloc[-1] - attempts["sent_at"].iloc[0]).total_seconds()
        assert span > 20 * 3600  # the schedule sums to about 27.6 hours, give or take jitter
        assert elapsed < 1.0
        assert "dead after 8 attempts" in stack.notifier.messages(channel="alerts")["text"].iloc[0]


def test_same_seed_same_virtual_run():
    def run():
        with hooklab.start(seed=5, clock="virtual") as stack:
            stack.faults.set("receiver", error_rate=0.3, latency_ms=(10, 200))
            fire_mixed(stack, 40)
            stack.wait()
            return stack.deliveries(), stack.crm.contacts(), stack.email.subscribers()

    for first, second in zip(run(), run()):
        pd.testing.assert_frame_equal(first, second)


def test_unicode_survives_every_hop(vstack):
    vstack.fire("newsletter.subscribed", email="joao@example.com", name="São João Zoë 🎉")
    vstack.wait()
    assert vstack.crm.contact("joao@example.com")["name"] == "São João Zoë 🎉"
    member = vstack.email.member("joao@example.com")
    assert member["merge_fields"] == {"FNAME": "São", "LNAME": "João Zoë 🎉"}


def test_a_learners_handler_replaces_the_builtin_one(vstack):
    seen = []

    @vstack.receiver.on("order.completed")
    def record(event):
        seen.append(event["data"]["order_id"])

    order = vstack.fire("order.completed")
    vstack.wait()
    assert seen == [vstack.sources.event(order)["data"]["order_id"]]
    assert vstack.crm.orders().empty  # the built-in handler did not run


def test_a_failing_handler_is_retried_then_recorded(vstack):
    @vstack.receiver.on("newsletter.subscribed")
    def broken(event):
        raise KeyError("FNAME")

    vstack.fire("newsletter.subscribed")
    vstack.wait()
    inbox = vstack.receiver.inbox()
    assert inbox["status"].tolist() == ["dead"] and inbox["attempts"].iloc[0] == 8
    assert "KeyError" in inbox["last_error"].iloc[0]
    vstack.receiver.reset_handlers()
    assert vstack.receiver.retry_dead() == 1
    vstack.wait()
    assert len(vstack.crm.contacts()) == 1


def test_second_start_stops_the_first():
    first = hooklab.start(seed=1, clock="virtual")
    url = first.urls["crm"]
    second = hooklab.start(seed=1, clock="virtual")
    try:
        assert not first.running and second.running
        with pytest.raises(hooklab.StackError, match="stopped"):
            first.fire("newsletter.subscribed")
        with pytest.raises(Exception):
            import requests
            requests.get(url + "/health", timeout=1)
    finally:
        second.stop()


@pytest.mark.slow
def test_start_stop_cycles_leak_no_thread_port_or_file():
    proc = psutil.Process()
    threads, fds = threading.active_count(), proc.num_fds()
    for i in range(30):
        with hooklab.start(seed=i, clock="virtual") as stack:
            stack.fire("newsletter.subscribed")
            stack.wait()
    assert stack_module._current is None
    assert threading.active_count() == threads
    assert proc.num_fds() == fds


def test_restart_on_the_same_data_dir_resumes_pending_deliveries(tmp_path):
    with hooklab.start(seed=2, clock="virtual", data_dir=tmp_path) as stack:
        stack.faults.set("receiver", outage=True)
        for _ in range(5):
            stack.fire("newsletter.subscribed")
        stack.advance(1)  # first attempts fail; retries are pending
        assert set(stack.dispatcher.deliveries()["status"]) == {"retrying"}
    assert (tmp_path / "dispatcher.db").exists()
    with hooklab.start(seed=2, clock="virtual", data_dir=tmp_path) as stack:
        stack.wait()
        assert len(stack.crm.contacts()) == 5 and stack.reconcile().empty


def test_secrets_are_not_in_reprs(vstack):
    text = repr(vstack) + repr(vstack.crm) + repr(vstack.dispatcher.subscriptions())
    assert vstack.secret not in text and vstack.keys["crm"] not in text


def test_a_paused_receiver_acknowledges_and_builds_a_backlog_that_drains(vstack):
    vstack.receiver.pause()
    for _ in range(5):
        vstack.fire("newsletter.subscribed")
    vstack.wait()
    assert (vstack.deliveries()["outcome"] == "delivered").all()
    assert vstack.crm.contacts().empty and len(vstack.receiver.queue) == 5
    vstack.receiver.resume()
    vstack.wait()
    assert len(vstack.crm.contacts()) == 5


def test_the_stack_prints_nothing_even_when_things_break(capfd):
    with hooklab.start(seed=4) as stack:  # real clock: real werkzeug request threads
        stack.faults.set("receiver", error_rate=0.3, drop_rate=0.2, corrupt_rate=0.1)
        stack.faults.set("crm", error_rate=0.2)
        for _ in range(20):
            stack.fire("newsletter.subscribed")
        time.sleep(1.0)  # retries are minutes away: one second of traffic is enough
        import requests
        requests.get(stack.urls["crm"] + "/nowhere", timeout=5)  # a 404 and a 401
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_recover_reads_times_as_the_tables_show_them_to_the_millisecond():
    # Events land 0.6 ms past a millisecond, so the tables (rounded to the ms) show them 0.4 ms late.
    with hooklab.start(seed=3, clock=VirtualClock(start=VIRTUAL_EPOCH + 0.0006), retries=False) as stack:
        stack.faults.set("receiver", outage=60)
        first, second = stack.fire("newsletter.subscribed"), stack.fire("newsletter.subscribed")
        stack.wait()
        shown = stack.events().set_index("id")["created_at"]
        created = stack.sources.store.scalar("SELECT created_at FROM events WHERE id=?", (first,))
        assert shown[first].timestamp() > created  # rounded up
        stack.advance(60)
        assert stack.recover(since=shown[first], until=shown[second]) == [first]
        assert stack.recover(since=shown[second]) == [second]
        stack.wait()
        assert stack.dead_letters().empty and len(stack.crm.contacts()) == 2


def test_a_pt_br_stack_makes_up_brazilian_people_and_amounts_in_brl():
    with hooklab.start(seed=7, clock="virtual", language="pt-BR") as stack:
        for _ in range(3):
            stack.fire("newsletter.subscribed")
        stack.fire("order.completed")
        stack.wait()
        assert set(stack.crm.contacts()["locale"]) == {"pt_BR"} and stack.language == "pt-BR"
        assert set(stack.crm.orders()["currency"]) == {"BRL"}
    with pytest.raises(hooklab.ConfigError, match="'fr' is not one of the course's: en, pt-BR"):
        hooklab.start(language="fr")
