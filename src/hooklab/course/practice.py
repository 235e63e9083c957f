"""The lessons' "Your turn" exercises: a one-line check in the labs' feedback style, never graded.

A lesson's exercise cell ends with one call::

    hooklab.practice.same(wasted, 4, "wasted polls in the first hour", hint="count the empty polls")

which prints ``✅ wasted polls in the first hour: 4`` or ``❌ wasted polls in the first hour:
expected 4; got 3. Hint: ...``. It prints, returns nothing (so a cell's last line shows no
``True``/``False``) and never raises, so Run All goes on past a wrong answer: a lesson is for
trying things. The graded exercises are the labs' (``hooklab.checks``). The words around
``what`` follow the lesson's language (:mod:`hooklab.course.messages`); ``what`` and ``hint``
are the lesson's own, already in its language.
"""

from __future__ import annotations

from typing import Any

from .checks import differences, show
from .messages import _

__all__ = ["same", "close", "yes"]


def _say(ok: bool, what: str, shown: str, expected: str, hint: str | None) -> None:
    if ok:
        print(f"✅ {what}: {shown}")
    else:
        print(f"❌ {what}: " + _("{expected}; got {got}.", expected=_("expected {what}", what=expected), got=shown)
              + (" " + _("Hint: {hint}", hint=hint) if hint else ""))


def same(got: Any, want: Any, what: str, hint: str | None = None) -> None:
    """Say whether ``got`` equals ``want``; for a dict or list, name the keys or items that differ."""
    if got == want or not isinstance(want, (dict, list, tuple)):
        return _say(got == want, what, show(got), show(want), hint)
    diff = differences(want, got)
    return _say(False, what, _("a value that differs at {where}", where="; ".join(diff)), show(want), hint)


def close(got: Any, want: float, what: str, tolerance: float = 0.01, hint: str | None = None) -> None:
    """Say whether the number ``got`` is within ``tolerance`` (a fraction of ``want``) of ``want``."""
    try:
        ok = bool(abs(float(got) - float(want)) <= abs(float(want)) * tolerance)
    except (TypeError, ValueError):
        ok = False
    return _say(ok, what, show(got), _("about {value:g}", value=float(want)), hint)


def yes(condition: Any, what: str, expected: str, got: Any, hint: str | None = None) -> None:
    """Say whether ``condition`` holds; ``expected`` and ``got`` describe it either way."""
    return _say(bool(condition), what, got if isinstance(got, str) else show(got), expected, hint)
