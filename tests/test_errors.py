"""Every error a learner can meet is a HooklabError whose message says what to do."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import hooklab
from hooklab import ConfigError, HooklabError, StackError, errors, load
from hooklab.clock import VirtualClock


def test_a_misspelt_clock_names_the_choices():
    with pytest.raises(ConfigError) as e:
        hooklab.start(clock="virtul")
    assert "'real'" in str(e.value) and "'virtual'" in str(e.value) and "'virtul'" in str(e.value)


def test_a_clock_cannot_go_backwards():
    with pytest.raises(ConfigError, match="cannot go backwards"):
        VirtualClock().advance(-1)


def test_a_stack_cannot_advance_backwards(vstack):
    with pytest.raises(ConfigError, match="cannot go backwards"):
        vstack.advance(-5)


def test_a_load_test_refuses_the_virtual_clock(vstack):
    with pytest.raises(ConfigError, match='clock="real"'):
        load.run(vstack, rates=(10,), seconds=0.1, progress=False)


@pytest.fixture(scope="module")
def stopped():
    stack = hooklab.start(seed=7, clock="virtual")
    stack.fire("newsletter.subscribed", email="ana@example.com")
    stack.wait()
    stack.stop()
    return stack


ON_A_STOPPED_STACK = {
    "crm.contacts": lambda s: s.crm.contacts(),
    "email.subscribers": lambda s: s.email.subscribers(),
    "notifier.messages": lambda s: s.notifier.messages(),
    "deliveries": lambda s: s.deliveries(),
    "events": lambda s: s.events(),
    "reconcile": lambda s: s.reconcile(),
    "fire": lambda s: s.fire("newsletter.subscribed", email="bia@example.com"),
    "fire_many": lambda s: s.fire_many("newsletter.subscribed", 2),
    "receiver.inbox": lambda s: s.receiver.inbox(),
    "dispatcher.attempts": lambda s: s.dispatcher.attempts(),
    "sources.events": lambda s: s.sources.events(),
    "wait": lambda s: s.wait(),
    "advance": lambda s: s.advance(60),
    "subscribe": lambda s: s.subscribe("http://127.0.0.1:9/hook"),
    "replay": lambda s: s.replay("msg_x"),
    "recover": lambda s: s.recover(0),
    "dead_letters": lambda s: s.dead_letters(),
    "stats": lambda s: s.stats(),
    "warning_signs": lambda s: s.warning_signs(),
    "inspector_link": lambda s: s.inspector_link(),
    "panel": lambda s: s.panel(),
    "faults.set": lambda s: s.faults.set("crm", error_rate=0.5),
    "receiver.on": lambda s: s.receiver.on("order.completed")(print),
}


@pytest.mark.parametrize("call", ON_A_STOPPED_STACK.values(), ids=ON_A_STOPPED_STACK.keys())
def test_a_stopped_stack_says_so_and_what_to_do(stopped, call):
    with pytest.raises(StackError) as e:
        call(stopped)
    assert "stopped" in str(e.value)
    assert "hooklab.start()" in str(e.value)


def _exception_classes():
    for info in pkgutil.walk_packages(hooklab.__path__, "hooklab."):
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ == module.__name__ and issubclass(obj, BaseException):
                yield obj


def test_every_exception_class_in_hooklab_is_a_hooklab_error():
    found = list(_exception_classes())
    assert {"ServiceError", "ApiError", "LabError", "CheckFailed"} <= {c.__name__ for c in found}
    assert [c for c in found if not issubclass(c, HooklabError)] == []


def test_errors_moved_into_the_tree_keep_their_old_import_locations():
    from hooklab.course.labs import LabError
    from hooklab.services.base import ApiError, ServiceError

    assert (ServiceError, ApiError, LabError) == (errors.ServiceError, errors.ApiError, errors.LabError)
    assert hooklab.ServiceError is errors.ServiceError
    assert issubclass(LabError, ValueError)  # code that caught the built-in still does


def test_an_unknown_quiz_question_is_a_key_error_from_hooklab():
    from hooklab.quiz import Question, Quiz

    quiz = Quiz([Question("Q1", "2 + 2?", lesson="00", truth=lambda: 4)])
    with pytest.raises(errors.UnknownQuestion, match="the questions are Q1") as e:
        quiz.answer("Q9", 4)
    assert isinstance(e.value, KeyError)
