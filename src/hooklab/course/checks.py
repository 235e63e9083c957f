"""Checks that teach: each exercise's check says what was expected, what came back, and a hint.

A lab's check cell calls ``hooklab.checks.check("01.2", answer)``. The check
functions live in ``hooklab/course/labNN.py`` and register with :func:`exercise`::

    @exercise("01.1", points=2, title="Wasted polls")
    def _(wasted):
        got = wasted([[], ["e1"], []])
        expect(got == 2, expected="2 empty polls", got=repr(got), hint="an empty poll returned no events")
        return "you counted the empty polls"
"""

from __future__ import annotations

import importlib
import traceback
from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["CheckFailed", "exercise", "check", "fail", "expect", "points", "registry"]


class CheckFailed(AssertionError):
    """An exercise is not right yet; the message says what to fix."""


class _Miss(Exception):
    """Raised by fail(); turned into CheckFailed with the exercise's name."""

    def __init__(self, expected: str, got: str, hint: str) -> None:
        super().__init__(expected)
        self.expected, self.got, self.hint = expected, got, hint


@dataclass(frozen=True)
class Exercise:
    id: str
    points: int
    title: str
    fn: Callable[..., str]


_REGISTRY: dict[str, Exercise] = {}


def exercise(id: str, points: int, title: str) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """Register ``fn(*answers) -> pass message`` as the check of exercise ``id``."""

    def register(fn: Callable[..., str]) -> Callable[..., str]:
        _REGISTRY[id] = Exercise(id, points, title, fn)
        return fn

    return register


def fail(expected: str, got: str, hint: str) -> None:
    """Stop the check: the answer is not right."""
    raise _Miss(expected, got, hint)


def expect(condition: bool, *, expected: str, got: str, hint: str) -> None:
    """:func:`fail` unless ``condition`` holds."""
    if not condition:
        fail(expected, got, hint)


def _load(id: str) -> Exercise:
    if id not in _REGISTRY:
        try:
            importlib.import_module(f"hooklab.course.lab{id.split('.')[0]}")
        except ImportError:
            pass
    if id not in _REGISTRY:
        known = ", ".join(sorted(_REGISTRY)) or "none loaded"
        raise KeyError(f"no exercise {id!r}; known exercises: {known}")
    return _REGISTRY[id]


def points(id: str) -> int:
    return _load(id).points


def registry() -> dict[str, Exercise]:
    return dict(_REGISTRY)


def _learner_line(exc: BaseException) -> str:
    """Where in the learner's code it went wrong (the last frame outside hooklab)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "hooklab" not in f.filename]
    return f" (line {frames[-1].lineno}: {frames[-1].line})" if frames and frames[-1].line else ""


def check(id: str, *answers: Any, **kw: Any) -> None:
    """Run the check of exercise ``id`` on the learner's answers; print a pass line or raise CheckFailed."""
    ex = _load(id)
    head = f"{ex.id} {ex.title}"
    try:
        message = ex.fn(*answers, **kw)
    except _Miss as m:
        raise CheckFailed(f"❌ {head}: expected {m.expected}; got {m.got}. Hint: {m.hint}") from None
    except NotImplementedError as e:
        hint = str(e).split(": ", 1)[-1] if str(e) else "replace the stub with your code"
        raise CheckFailed(f"❌ {head}: not answered yet. Hint: {hint}") from None
    except CheckFailed:
        raise
    except Exception as e:  # the learner's code raised: say what and where, without a wall of traceback
        raise CheckFailed(f"❌ {head}: your code raised {type(e).__name__}: {e}{_learner_line(e)}. "
                          "Hint: run the cell above on its own and read the error") from None
    print(f"✅ {head} — passed ({ex.points}/{ex.points} points): {message}")
