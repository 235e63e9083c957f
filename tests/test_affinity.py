"""The stack's threads share one core; the caller joins it only while the stack works."""

from __future__ import annotations

import os
import threading

import pytest

import hooklab
from hooklab import affinity

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="pinning needs Linux and two cores or more")


def _cores(thread: threading.Thread | None = None) -> set[int]:
    return os.sched_getaffinity(thread.native_id if thread else 0)


def test_on_pins_the_caller_and_the_threads_it_starts_then_frees_the_caller():
    before = _cores()
    core = max(before)
    seen = {}

    def child():
        seen["child"] = _cores()
        done.wait(5)
        seen["child later"] = _cores()

    done = threading.Event()
    with affinity.on(core):
        seen["inside"] = _cores()
        t = threading.Thread(target=child)
        t.start()
    done.set()
    t.join(5)
    assert seen == {"inside": {core}, "child": {core}, "child later": {core}}
    assert _cores() == before


def test_on_none_and_a_core_that_is_not_there_change_nothing():
    before = _cores()
    for core in (None, 4095):  # 4095: no such CPU, sched_setaffinity refuses it
        with affinity.on(core):
            assert _cores() == before
    assert _cores() == before


def test_choose_picks_an_allowed_core_and_can_be_turned_off(monkeypatch):
    assert affinity.choose() in _cores()
    monkeypatch.setenv("HOOKLAB_ONE_CORE", "0")
    assert affinity.choose() is None


def test_a_stack_runs_its_threads_on_one_core_and_borrows_the_caller_only_while_it_works():
    before = _cores()
    with hooklab.start(seed=3) as stack:
        core = stack._core
        assert core in before
        threads = [t for t in threading.enumerate() if t.name.startswith("hooklab-")]
        assert len(threads) >= 10  # five servers' loops, the dispatcher's and the receiver's workers
        assert {t.name: _cores(t) for t in threads} == {t.name: {core} for t in threads}
        assert _cores() == before  # the notebook's own code keeps every core

        during = []
        for obj, name in ((stack.sources, "_emit"), (stack, "_wait")):  # what fire, fire_many and wait run
            def spy(*a, _run=getattr(obj, name), **k):
                during.append(_cores())
                return _run(*a, **k)
            setattr(obj, name, spy)
        stack.fire("newsletter.subscribed")
        stack.fire_many("newsletter.subscribed", 3)
        stack.wait()
        assert during == [{core}] * 3 and _cores() == before
        assert len(stack.crm.contacts()) == 4
        # a server's connection thread, started after start() returned, inherits the core
        conns = [t for t in threading.enumerate() if t.name.startswith("hooklab-conn-")]
        assert conns and all(_cores(t) == {core} for t in conns)


def test_turned_off_the_stack_pins_nothing(monkeypatch):
    monkeypatch.setenv("HOOKLAB_ONE_CORE", "0")
    before = _cores()
    with hooklab.start(seed=3) as stack:
        assert stack._core is None
        assert all(_cores(t) == before for t in threading.enumerate() if t.name.startswith("hooklab-"))
