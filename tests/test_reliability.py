"""Evidence (issue 7): a soak under every fault at once, crash safety, and 20 stacks side by side.

Each test states a guarantee and checks it end to end against the sources' truth; the figures
they measure are in docs/reliability.md. ``HOOKLAB_SOAK_EVENTS=10000`` runs the full-size soak.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

import pytest

import hooklab
from hooklab.delivery.retry import DEFAULT_SCHEDULE
from hooklab.services.handlers import HIGH_VALUE_ORDER

#: Events in the soak: the issue's 10,000, which took 132 s here on waitress and requests, with
#: every fault on (docs/reliability.md). HOOKLAB_SOAK_EVENTS=3000 gives a run of about 35 s.
SOAK_EVENTS = int(os.environ.get("HOOKLAB_SOAK_EVENTS", "10000"))

#: Everything that goes wrong at once: 30% errors, hangs past the sender's timeout, cut
#: connections, the network delivering twice, and events held back up to 30 s (reordering).
RECEIVER_FAULTS = dict(error_rate=0.3, hang_rate=0.02, hang_s=30, drop_rate=0.02, duplicate_rate=0.05,
                       reorder_rate=0.2, reorder_s=30)
#: The CRM fails too, now and then: the receiver's handlers retry on their own schedule.
CRM_FAULTS = dict(error_rate=0.05)

#: About a third of attempts fail, independently: with the default 8 attempts one delivery in
#: 0.33**8 ~ 1/7,500 would run out of retries (a dead letter, which `recover()` redrives; see
#: test_stack.py). Four more 10-hour retries (12 attempts, ~68 h) make that ~1 in 600,000.
SOAK_SCHEDULE = DEFAULT_SCHEDULE + (36000,) * 4

MIXED = ["newsletter.subscribed"] * 4 + ["form.submitted", "order.completed", "contact.updated",
                                         "newsletter.unsubscribed", "order.refunded", "cart.abandoned"]
#: Every built-in handler writes one timeline entry per event, except contact.updated.
NO_TIMELINE = {"contact.updated"}


def fire_mixed(stack, n: int, rng: random.Random) -> list[str]:
    """Fire ``n`` events of every type (a refund needs an order, an unsubscribe a subscriber)."""
    ids = []
    if stack.sources.contacts().empty:
        ids += [stack.fire("newsletter.subscribed"), stack.fire("order.completed")]
    while len(ids) < n:
        try:
            ids.append(stack.fire(rng.choice(MIXED)))
        except hooklab.StackError:  # e.g. a refund with every order already refunded
            ids.append(stack.fire("order.completed"))
    return ids


def set_faults(stack) -> None:
    stack.faults.set("receiver", **RECEIVER_FAULTS)
    stack.faults.set("crm", **CRM_FAULTS)


def add_injected(total: Counter, stack) -> None:
    for service, kinds in stack.faults.injected().items():
        for kind, n in kinds.items():
            total[f"{service}.{kind}"] += n


def assert_applied_exactly_once(stack, ids: list[str]) -> None:
    """Nothing lost, nothing applied twice, every system agrees with the sources' truth."""
    events = stack.sources.events()
    assert sorted(events["id"]) == sorted(ids) and events["id"].is_unique
    types = dict(zip(events["id"], events["type"]))

    deliveries = stack.dispatcher.deliveries()
    assert len(deliveries) == len(ids) and deliveries["event_id"].is_unique
    assert (deliveries["status"] == "delivered").all(), deliveries["status"].value_counts().to_dict()
    assert stack.dead_letters().empty

    inbox = stack.receiver.inbox()  # one row per event, whatever arrived twice
    assert sorted(inbox["id"]) == sorted(ids), f"{len(inbox)} inbox rows for {len(ids)} events"
    assert (inbox["status"] == "processed").all(), inbox["status"].value_counts().to_dict()

    truth_contacts, truth_orders = stack.sources.contacts(), stack.sources.orders()
    contacts, orders = stack.crm.contacts(), stack.crm.orders()
    assert contacts["email"].is_unique and sorted(contacts["email"]) == sorted(truth_contacts["email"])
    assert orders["order_id"].is_unique and sorted(orders["order_id"]) == sorted(truth_orders["order_id"])
    timeline = stack.crm.timeline()
    assert timeline["event_id"].is_unique, "an event was applied twice to the CRM timeline"
    assert sorted(timeline["event_id"]) == sorted(i for i in ids if types[i] not in NO_TIMELINE)

    # Side effects that are not idempotent: one Slack message per lead and per big order.
    messages = stack.notifier.messages()
    leads = int((events["type"] == "form.submitted").sum())
    big = int((truth_orders["total"] >= HIGH_VALUE_ORDER).sum())
    assert (messages["channel"] == "leads").sum() == leads, "a lead was announced twice (or never)"
    assert (messages["channel"] == "sales").sum() == big, "a big order was announced twice (or never)"

    discrepancies = stack.reconcile()
    assert discrepancies.empty, discrepancies.head(20).to_string()


# -- 1. soak --------------------------------------------------------------------------------


@pytest.mark.slow
def test_soak_every_fault_and_a_restart_lose_nothing_and_duplicate_nothing(tmp_path):
    """SOAK_EVENTS mixed events through errors, hangs, drops, duplicates, reordering and a restart."""
    started = time.monotonic()
    rng = random.Random(2026)
    injected: Counter = Counter()
    first_half = SOAK_EVENTS // 2
    kwargs = dict(seed=77, clock="virtual", data_dir=tmp_path, schedule=SOAK_SCHEDULE)
    wait_s = max(120.0, SOAK_EVENTS * 0.1)  # real seconds; ~0.025 s an event here, so a wide margin

    with hooklab.start(**kwargs) as stack:
        set_faults(stack)
        ids = fire_mixed(stack, first_half, rng)
        stack.advance(60)  # first attempts and 5 s retries done; the rest are minutes to hours away
        at_stop = stack.dispatcher.status_counts()
        last_attempt = int(stack.deliveries()["attempt_id"].max())
        add_injected(injected, stack)
        stopped_at = stack.clock.now()
    assert at_stop["delivered"] > 0 and at_stop["retrying"] > 0, at_stop  # a restart mid-run, for real
    retrying_before = at_stop["retrying"]

    with hooklab.start(**kwargs) as stack:  # the same data folder: the same durable queues
        assert stack.clock.now() >= stopped_at  # the virtual timeline carries on
        assert stack.dispatcher.status_counts()["retrying"] == retrying_before
        set_faults(stack)  # faults are settings of a running stack, not data
        ids += fire_mixed(stack, SOAK_EVENTS - first_half, rng)
        stack.wait(timeout=wait_s)
        add_injected(injected, stack)
        elapsed = time.monotonic() - started

        attempts = stack.deliveries()
        assert len(ids) == SOAK_EVENTS
        assert_applied_exactly_once(stack, ids)

        # Every fault really happened, and the receiver really dropped repeated deliveries.
        for kind in ("error", "hang", "drop", "duplicate", "reorder"):
            assert injected[f"receiver.{kind}"] > 0, dict(injected)
        assert injected["crm.error"] > 0
        assert (attempts["error"] == "timeout").sum() > 0 and (attempts["error"] == "connection").sum() > 0
        duplicates = int((stack.receiver.rejections()["outcome"] == "duplicate").sum())
        assert duplicates > 0  # hangs and wire duplicates: the event arrived again, and nothing changed
        assert attempts["attempt"].max() > 2 and len(attempts) > SOAK_EVENTS * 1.3
        # Deliveries pending at the restart resumed after it, with their attempt count carried on.
        resumed = attempts[attempts["event_id"].isin(ids[:first_half]) & (attempts["attempt_id"] > last_attempt)]
        assert len(resumed) >= retrying_before and resumed["attempt"].min() >= 2

        figures = {"events": SOAK_EVENTS, "attempts": len(attempts), "max_attempt": int(attempts["attempt"].max()),
                   "duplicates_dropped": duplicates, "injected": dict(sorted(injected.items())),
                   "virtual_hours": round((stack.clock.now() - hooklab.clock.VIRTUAL_EPOCH) / 3600, 1),
                   "wall_s": round(elapsed, 1), "events_per_s": round(SOAK_EVENTS / elapsed, 1)}
        print(f"\nsoak figures: {figures}")


# -- 2. crash safety ---------------------------------------------------------------------------


def test_stop_mid_delivery_then_restart_resumes_pending_and_retrying_applies_once(tmp_path):
    """Pending, retrying and received-but-unhandled work survives a stop, and runs exactly once."""
    kwargs = dict(seed=31, clock="virtual", data_dir=tmp_path)
    rng = random.Random(31)
    with hooklab.start(**kwargs) as stack:
        stack.faults.set("receiver", error_rate=0.4, hang_rate=0.1, hang_s=30, reorder_rate=0.5,
                         reorder_s=600)
        ids = fire_mixed(stack, 120, rng)
        stack.receiver.pause()  # handlers wait: accepted events sit in the inbox, not yet in the CRM
        stack.advance(10)
        counts = stack.dispatcher.status_counts()
        inbox = stack.receiver.inbox()
        before = stack.deliveries()
        waiting = int((inbox["status"] == "received").sum())
    # Stopped with all three kinds of unfinished work: never sent (held back), failed and
    # retrying, and acknowledged but not yet handled.
    assert counts["pending"] > 0 and counts["retrying"] > 0 and counts["delivered"] > 0, counts
    assert waiting > 0
    attempts_before = before.groupby("event_id")["attempt"].max().to_dict()

    with hooklab.start(**kwargs) as stack:
        assert len(stack.receiver.queue) == waiting  # the inbox backlog is queued again
        stack.wait()
        after = stack.deliveries()
        # Attempt numbers carry on where they stopped: no delivery started over, none was skipped.
        for event_id, group in after.groupby("event_id"):
            assert list(group["attempt"]) == list(range(1, len(group) + 1)), event_id
            assert len(group) >= attempts_before.get(event_id, 0)
        assert len(after) > len(before)
        assert_applied_exactly_once(stack, ids)
        print(f"\nstopped with {counts} and {waiting} events not yet handled; attempts {len(before)} before, "
              f"{len(after)} in all")


def test_an_event_recorded_but_never_handed_to_the_dispatcher_is_sent_on_restart(tmp_path):
    """fire() commits to the sources' database, then hands over to the dispatcher's (another file).
    A process that dies in between leaves the event in the sources' outbox: a restart sends it."""
    kwargs = dict(seed=8, clock="virtual", data_dir=tmp_path)
    with hooklab.start(**kwargs) as stack:
        sent = stack.fire("newsletter.subscribed", email="sent@example.com")
        stack.wait()
        stack.sources._emit = lambda *event: None  # the handover never happens: the process died here
        lost = [stack.fire("newsletter.subscribed", email=f"lost{i}@example.com") for i in range(3)]
        lost += stack.fire_many("order.completed", 120)  # an import: whole chunks of the outbox
        stack.wait()
        assert set(stack.dispatcher.deliveries()["event_id"]) == {sent}
        assert {f"lost{i}@example.com" for i in range(3)} <= set(stack.reconcile()["key"])
    with hooklab.start(**kwargs) as stack:
        stack.wait()
        assert list(stack.dispatcher.deliveries()["event_id"]) == [sent, *lost]  # each sent once, in order
        assert stack.reconcile().empty, stack.reconcile().to_string()
        assert {"sent@example.com", *(f"lost{i}@example.com" for i in range(3))} <= set(stack.crm.contacts()["email"])
        assert len(stack.crm.orders()) == 120


#: Real-clock retries a fraction of a second apart, so the killed run has retries in flight.
KILL_SCHEDULE = (0, 0.3, 0.5, 1, 1, 1, 1, 1, 1, 1)
_KILLED = """
import os, sys, time, hooklab
stack = hooklab.start(seed=5, clock="real", data_dir=sys.argv[1], timeout=0.5, schedule=SCHEDULE)
stack.faults.set("receiver", error_rate=0.3, hang_rate=0.05, hang_s=1, duplicate_rate=0.1, reorder_rate=0.2, reorder_s=3)
for i in range(int(sys.argv[2])):
    stack.fire("order.completed" if i % 3 else "newsletter.subscribed")
time.sleep(0.3)  # deliveries, retries and handlers are in flight
print("killing", stack.dispatcher.status_counts(), flush=True)
os._exit(9)  # no stop(), no cleanup: a killed kernel
"""


@pytest.mark.slow
def test_a_killed_process_loses_nothing_and_applies_nothing_twice_on_restart(tmp_path):
    """A process killed mid-delivery (os._exit) leaves a data folder that a new stack finishes."""
    import subprocess

    n = 60
    out = subprocess.run([sys.executable, "-c", _KILLED.replace("SCHEDULE", repr(KILL_SCHEDULE)), str(tmp_path), str(n)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 9 and "killing" in out.stdout, out.stdout + out.stderr
    with hooklab.start(seed=5, clock="real", data_dir=tmp_path, timeout=0.5, schedule=KILL_SCHEDULE) as stack:
        unfinished = stack.dispatcher.status_counts()
        assert unfinished["pending"] + unfinished["retrying"] > 0, unfinished  # it really died mid-run
        stack.wait(timeout=60)
        ids = list(stack.sources.events()["id"])
        assert len(ids) == n
        deliveries = stack.dispatcher.deliveries()
        assert (deliveries["status"] == "delivered").all()
        contacts, orders = stack.crm.contacts(), stack.crm.orders()
        assert contacts["email"].is_unique and orders["order_id"].is_unique
        assert len(orders) == len(stack.sources.orders()) == n - len(range(0, n, 3))
        timeline = stack.crm.timeline()
        assert timeline["event_id"].is_unique and sorted(timeline["event_id"]) == sorted(ids)
        assert stack.reconcile().empty, stack.reconcile().to_string()
        print(f"\nkilled with {unfinished}; attempts in all {len(stack.deliveries())}")


def test_a_seeded_restart_on_the_same_data_dir_fires_new_events_after_the_old_ones(tmp_path):
    """Regression: a seeded restart drew the same event ids again (UNIQUE constraint failed) and its
    virtual clock went back to 09:00, so newer events looked older and were skipped."""
    with hooklab.start(seed=3, clock="virtual", data_dir=tmp_path) as stack:
        stack.subscribe(stack.urls["receiver"] + "/webhooks", types=["cart.abandoned"], name="second")
        first = stack.fire("newsletter.subscribed", email="ana@example.com", name="Ana Lima")
        stack.advance(3600)
        stack.fire("newsletter.unsubscribed", email="ana@example.com")
        stack.wait()
        last = stack.clock.now()
    with hooklab.start(seed=3, clock="virtual", data_dir=tmp_path) as stack:
        assert stack.clock.now() >= last
        again = stack.fire("newsletter.subscribed", email="ana@example.com", name="Ana Lima")
        other = stack.fire("order.completed")
        stack.subscribe(stack.urls["receiver"] + "/webhooks", types=["cart.abandoned"], name="third")
        stack.wait()
        assert again != first and stack.sources.events()["id"].is_unique
        assert stack.crm.contact("ana@example.com")["subscribed"] is True
        assert stack.email.member("ana@example.com")["status"] == "subscribed"
        assert stack.sources.event(other)["data"]["order_id"] in set(stack.crm.orders()["order_id"])
        assert stack.reconcile().empty, stack.reconcile().to_string()


def test_new_people_after_a_restart_do_not_get_the_emails_of_people_already_there(tmp_path):
    """Regression: after a restart the data generator forgot the emails it had handed out, so a
    "new" signup could take an existing contact's email with another name; under reordering the CRM
    then kept the older name (the 10,000-event soak found 3 such contacts)."""
    n = 600  # per run; seed 3 gave 3 collisions among these 1,200 people without the fix
    with hooklab.start(seed=3, clock="virtual", data_dir=tmp_path) as stack:
        for _ in range(n):
            stack.fire("newsletter.subscribed")
    with hooklab.start(seed=3, clock="virtual", data_dir=tmp_path) as stack:
        for _ in range(n):
            stack.fire("newsletter.subscribed")
        assert len(stack.sources.contacts()) == 2 * n  # every signup was a new person


# -- 3. isolation ------------------------------------------------------------------------------

KERNELS = 20
EVENTS_PER_KERNEL = 5


def _kernel(index: int, started, finished, results) -> None:
    """One learner's kernel: start a stack, fire, wait, check its own CRM; report what it used."""
    try:
        with hooklab.start(seed=100 + index, clock="real") as stack:
            started.wait(timeout=180)  # every stack is up at the same time
            ids = [stack.fire("newsletter.subscribed" if i % 2 else "order.completed")
                   for i in range(EVENTS_PER_KERNEL)]
            stack.wait(timeout=60)
            truth = sorted(stack.sources.contacts()["email"])
            report = {
                "index": index, "pid": os.getpid(), "ports": sorted(int(u.rsplit(":", 1)[1]) for u in stack.urls.values()),
                "data_dir": str(stack.data_dir), "files": sorted(p.name for p in stack.data_dir.glob("*.db")),
                "ids": ids, "crm": sorted(stack.crm.contacts()["email"]), "truth": truth,
                "inbox": sorted(stack.receiver.inbox()["id"]), "orders": len(stack.crm.orders()),
                "reconcile": len(stack.reconcile()), "error": None,
            }
            finished.wait(timeout=180)  # still running while the others check: ports stay taken
        results.put(report)
    except BaseException:
        started.abort()  # the others stop waiting for this one
        finished.abort()
        results.put({"index": index, "error": traceback.format_exc()})


@pytest.mark.slow
def test_twenty_stacks_in_twenty_processes_share_nothing():
    """20 kernels on one JupyterHub node: each stack has its own ports, files and data."""
    ctx = multiprocessing.get_context("spawn")
    started, finished, results = ctx.Barrier(KERNELS), ctx.Barrier(KERNELS), ctx.Queue()
    procs = [ctx.Process(target=_kernel, args=(i, started, finished, results), daemon=True)
             for i in range(KERNELS)]
    t0 = time.monotonic()
    for p in procs:
        p.start()
    try:
        reports = [results.get(timeout=240) for _ in range(KERNELS)]
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
                p.join()
    elapsed = time.monotonic() - t0
    errors = [r["error"] for r in reports if r["error"]]
    assert not errors, errors[0]
    assert [p.exitcode for p in procs] == [0] * KERNELS
    assert sorted(r["index"] for r in reports) == list(range(KERNELS))
    assert len({r["pid"] for r in reports}) == KERNELS

    ports = [port for r in reports for port in r["ports"]]
    assert len(ports) == KERNELS * len(hooklab.Stack.SERVICES) and len(set(ports)) == len(ports)
    dirs = [r["data_dir"] for r in reports]
    assert len(set(dirs)) == KERNELS
    for r in reports:
        assert r["files"] == ["crm.db", "dispatcher.db", "email.db", "notifier.db", "receiver.db", "sources.db"]
        assert not Path(r["data_dir"]).exists()  # each stack removed its own folder, and only its own
        # Its CRM holds exactly its own contacts, its inbox exactly its own events.
        assert r["crm"] == r["truth"] and len(r["crm"]) >= EVENTS_PER_KERNEL // 2
        assert r["inbox"] == sorted(r["ids"]) and r["orders"] == EVENTS_PER_KERNEL - EVENTS_PER_KERNEL // 2
        assert r["reconcile"] == 0
    emails = [e for r in reports for e in r["crm"]]
    events = [i for r in reports for i in r["ids"]]
    assert len(set(events)) == len(events)  # different seeds, different events: no cross-talk possible
    assert len(emails) == sum(len(r["truth"]) for r in reports)
    print(f"\n{KERNELS} stacks in {KERNELS} processes: {elapsed:.1f} s, {len(set(ports))} distinct ports")
