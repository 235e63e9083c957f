"""Checks that teach: each exercise's check says what was expected, what came back, and a hint.

A lab's check cell calls :func:`check` with the exercise id and the learner's answers::

    hooklab.checks.check("00.2", count_contacts, stack)

which prints ``✅ 00.2 Count CRM contacts — passed (1/1 points): ...`` or raises
:class:`CheckFailed` with ``❌ 00.2 Count CRM contacts: expected ...; got .... Hint: ...``,
in the language of the lab's track (:mod:`hooklab.course.messages`: a pt-BR lab says
``✅ 00.2 ... — passou (1/1 ponto)``; ``set_language("pt-BR")`` chooses by hand).

Check functions live in ``hooklab/course/labNN.py``, one module per lab, loaded on
first use from the id's prefix ("01.2" → ``hooklab.course.lab01``)::

    @exercise("01.2", points=2, title="Wasted polls")
    def _(wasted):
        polls = [[], ["evt_1"], []]
        expect(wasted(polls) == 2, expected=_("{n} wasted polls", n=2), got=wasted(polls), hint=_("..."))
        return _("empty polls counted")

Words a check writes go through :func:`~hooklab.course.messages._` (English text, looked up in
the learner's language), so its messages can be translated without touching the check.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import reprlib
import sys
import sysconfig
import textwrap
import traceback
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable
from typing import Any, NoReturn

from ..errors import HooklabError
from .messages import _, set_language, speaking

__all__ = ["check", "exercise", "hidden", "verdict", "fail", "expect", "expect_same", "differences", "points",
           "registry", "show", "lab_stack", "id_key", "set_language", "CheckFailed", "UnknownExercise", "Exercise"]

#: The width a failed check's message is wrapped to in a notebook (JupyterLab's output area, at 13 px).
WIDTH = 100

#: A lab: two digits, and a letter for a lab between two numbers ("00b" sits between 00 and 01).
_LAB = r"\d\d[a-z]?"
_ID = re.compile(rf"^({_LAB})\.\d+$")
_HOOKLAB_DIR = str(Path(__file__).resolve().parents[1])
_LIBRARY_DIRS = tuple({sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")})


class CheckFailed(HooklabError, AssertionError):
    """An answer did not pass its check; the message says what was expected, what came back, and a hint."""

    def __init__(self, message: str, expected: str | None = None, got: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message)
        self.expected, self.got, self.hint = expected, got, hint

    def _render_traceback_(self) -> list[str]:
        """What a notebook shows for a failed check: the message alone, wrapped to fit the output area.

        IPython calls this instead of printing the traceback: the frames of the check's own code help
        no learner, and one line of several hundred characters runs off the page.
        """
        return wrap(str(self))


def wrap(message: str, width: int = WIDTH) -> list[str]:
    """``message`` in lines of at most ``width`` characters, each line after the first indented by two."""
    return [line for paragraph in message.split("\n") for line in
            textwrap.wrap(paragraph, width, subsequent_indent="  ", break_on_hyphens=False) or [""]]


class UnknownExercise(HooklabError, KeyError):
    """No check is registered under this exercise id; the message lists the known ones."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Exercise:
    id: str
    points: int
    title: str
    fn: Callable[..., Any]


_registry: dict[str, Exercise] = {}
_hidden: dict[str, Callable[..., Any]] = {}


def exercise(id: str, points: int, title: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn(*answers) -> pass message`` as the check of exercise ``id`` ("NN.M")."""
    if not _ID.match(id):
        raise ValueError(f"exercise id {id!r} should look like '01.2' or '00b.1' (lab, dot, exercise number)")

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        _registry[id] = Exercise(id, int(points), title, fn)
        return fn

    return register


def hidden(id: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn(*answers)`` as exercise ``id``'s hidden check: cases the learner never sees.

    Hidden checks live in ``hooklab/course/hidden/labNN.py``, which the student release does not
    contain (``hooklab release``); they take the same answers as the visible check and fail the
    same way (:func:`expect`, :func:`fail`). Only the grader runs them (:func:`verdict`).
    """
    if not _ID.match(id):
        raise ValueError(f"exercise id {id!r} should look like '01.2' or '00b.1' (lab, dot, exercise number)")

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        _hidden[id] = fn
        return fn

    return register


def show(value: Any, limit: int = 120) -> str:
    """A short, readable repr of what came back (long values are cut)."""
    if isinstance(value, str):
        text = repr(value)
    else:
        r = reprlib.Repr()
        r.maxstring, r.maxother, r.maxlist, r.maxdict = limit, limit, 8, 8
        text = r.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def fail(expected: str, got: Any, hint: str | None = None) -> NoReturn:
    """Stop the check: ``expected`` and ``got`` are shown to the learner, then the hint.

    ``got`` may be any value (it is shown with :func:`show`) or a sentence (a str
    is shown as is).
    """
    __tracebackhide__ = True
    expected = str(expected)
    got_text = got if isinstance(got, str) else show(got)
    if not expected.lower().startswith(("expected", _("expected {what}", what="").strip().lower())):
        expected = _("expected {what}", what=expected)
    message = _("{expected}; got {got}.", expected=expected, got=got_text) + (
        " " + _("Hint: {hint}", hint=hint) if hint else "")
    raise CheckFailed(message, expected, got_text, hint)


def expect(condition: Any, expected: str, got: Any, hint: str | None = None) -> None:
    """:func:`fail` unless ``condition`` holds."""
    __tracebackhide__ = True
    if not condition:
        fail(expected=expected, got=got, hint=hint)


def differences(want: Any, got: Any, limit: int = 3) -> list[str]:
    """Where ``got`` differs from ``want``, as ``path: expected ..., got ...`` lines (at most ``limit``).

    Dicts are compared key by key and lists item by item, down to the values that differ, so
    ``{"tags": ["footer-form"], ...}`` against ``{"tags": ["FOOTER-FORM"], ...}`` gives
    ``tags[0]: expected 'footer-form', got 'FOOTER-FORM'``, not two long reprs that look alike.
    """
    found: list[str] = []

    def walk(w: Any, g: Any, path: str) -> None:
        if len(found) >= limit or w == g:
            return
        here = path or _("the value")
        if isinstance(w, dict) and isinstance(g, dict):
            for key in list(w) + [k for k in g if k not in w]:
                sub = f"{path}.{key}" if path else str(key)
                if key not in g:
                    found.append(_("{path}: missing (expected {want})", path=sub, want=show(w[key], 60)))
                elif key not in w:
                    found.append(_("{path}: not expected (got {got})", path=sub, got=show(g[key], 60)))
                else:
                    walk(w[key], g[key], sub)
                if len(found) >= limit:
                    return
        elif isinstance(w, (list, tuple)) and isinstance(g, (list, tuple)) and len(w) == len(g):
            for i, (a, b) in enumerate(zip(w, g)):
                walk(a, b, f"{path}[{i}]")
        elif isinstance(w, (list, tuple)) and isinstance(g, (list, tuple)):
            missing, extra = [x for x in w if x not in g], [x for x in g if x not in w]
            parts = ([_("missing {items}", items=show(missing, 60))] if missing else []) + \
                    ([_("not expected {items}", items=show(extra, 60))] if extra else [])
            found.append(_("{path}: expected {n} item(s), got {m}", path=here, n=len(w), m=len(g))
                         + (f" ({'; '.join(parts)})" if parts else f" {show(g, 80)}"))
        else:
            found.append(_("{path}: expected {want}, got {got}", path=here, want=show(w, 80), got=show(g, 80)))

    walk(want, got, "")
    return found


def expect_same(got: Any, want: Any, expected: str, hint: str | None = None) -> None:
    """:func:`fail` unless ``got == want``, naming the keys or items that differ with both values."""
    __tracebackhide__ = True
    if got == want:
        return
    diff = differences(want, got) if isinstance(want, (dict, list, tuple)) else []
    fail(expected=expected, got=_("a value that differs at {where}", where="; ".join(diff)) if diff else show(got),
         hint=hint)


def _lab_module(lab: str) -> str:
    return f"{__package__}.lab{lab}"


def _import_if_present(name: str) -> None:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name not in (name, name.rpartition(".")[0]):  # a module it imports is missing: that is a bug
            raise


def _load(id: str) -> Exercise:
    if id not in _registry and (m := _ID.match(str(id))):
        _import_if_present(_lab_module(m.group(1)))
    if id not in _registry:
        try:
            known = ", ".join(registry()) or _("none")
        except Exception:  # a lab module that does not import yet: list what did
            known = ", ".join(sorted(_registry)) or _("none")
        raise UnknownExercise(_("no exercise {id!r}; known exercises: {known}", id=id, known=known))
    return _registry[id]


def registry() -> dict[str, Exercise]:
    """Every exercise of every lab, by id (the lab modules are imported)."""
    import hooklab.course as course

    for info in pkgutil.iter_modules(course.__path__):
        if re.fullmatch(rf"lab{_LAB}", info.name):
            importlib.import_module(f"{course.__name__}.{info.name}")
    return dict(sorted(_registry.items(), key=lambda kv: id_key(kv[0])))


def id_key(id: str) -> tuple[int, ...]:
    """Sort key of an exercise id, lab by lab: ``"00.3" < "00b.1" < "01.1" < "01.10"``.

    Each dotted part gives two numbers, its digits and its letter (none: 0, "a": 1...); a part
    that is not digits with an optional letter gives (0, 0).
    """
    key: list[int] = []
    for part in str(id).split("."):
        m = re.fullmatch(r"(\d+)([a-z]?)", part)
        key += [int(m.group(1)), ord(m.group(2)) - 96 if m.group(2) else 0] if m else [0, 0]
    return tuple(key)


def points(id: str) -> int:
    """How many points exercise ``id`` is worth."""
    return _load(id).points


def _stub_hint(e: NotImplementedError, id: str) -> str:
    text = str(e)
    m = re.match(rf"exercise ({_LAB}\.\d+): (.*)", text, re.S)
    if not m:
        return text or _("replace the `raise NotImplementedError(...)` line with your code")
    other = "" if m.group(1) == id else _(" (your code calls exercise {other}, which is not answered either)",
                                          other=m.group(1))
    return m.group(2) + other


_STUB_MARK = re.compile(rf"NotImplementedError: exercise ({_LAB}\.\d+): ")


def _stub_in(id: str, *texts: str | None) -> NotImplementedError | None:
    """The stub's NotImplementedError as quoted in a failure's text, or None.

    A stub that runs in a receiver's handler or a thread does not reach :func:`check`;
    its ``NotImplementedError: exercise NN.M: ...`` comes back as text (an inbox's
    ``last_error``, shown with :func:`show`). This exercise's stub wins over another's.
    """
    hits = [(m, text) for text in texts if text for m in _STUB_MARK.finditer(text)]
    if not hits:
        return None
    m, text = next((h for h in hits if h[0].group(1) == id), hits[0])
    rest = text[m.end():]
    quote = text[m.start() - 1] if m.start() and text[m.start() - 1] in "'\"" else None
    if quote:  # inside a repr: the message ends at the closing quote (or where show() cut it)
        end = 0
        while end < len(rest) and rest[end] != quote:
            end += 2 if rest[end] == "\\" else 1
        try:
            message = ast.literal_eval(quote + rest[:end] + quote)
        except (SyntaxError, ValueError):
            message = rest[:end]
    else:  # in a sentence: up to the end of the line, before the failure's own hint
        message = rest.splitlines()[0].split(". Hint: ")[0] if rest else ""
    return NotImplementedError(f"exercise {m.group(1)}: {message}")


def _not_answered(head: str, e: NotImplementedError, id: str) -> CheckFailed:
    """The failure of a check whose answer is still the lab's stub."""
    hint = _stub_hint(e, id)
    return CheckFailed(f"{head} " + _("not answered yet — replace the `raise NotImplementedError(...)` line with "
                                      "your code.") + " " + _("Hint: {hint}", hint=hint), hint=hint)


def _learner_frame(tb: Any) -> traceback.FrameSummary | None:
    """The innermost frame of code the learner wrote (not hooklab, not a library)."""
    frames = [f for f in traceback.extract_tb(tb)
              if not f.filename.startswith(_HOOKLAB_DIR) and not f.filename.startswith(_LIBRARY_DIRS)]
    return frames[-1] if frames else None


def _short_failure(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> list[str]:
    stb = [f"\x1b[0;31m{etype.__name__}\x1b[0m: {value}"]
    shell._showtraceback(etype, value, stb)  # IPython leaves the display to a custom handler
    return stb


def _quiet_in_jupyter() -> None:
    """In a notebook, a failed check shows its message, not a traceback into hooklab's code."""
    shell = sys.modules["IPython"].get_ipython() if "IPython" in sys.modules else None
    if shell is not None and hasattr(shell, "_showtraceback") and shell.custom_exceptions in ((), (CheckFailed,)):
        shell.set_custom_exc((CheckFailed,), _short_failure)  # only if no one else set a custom handler


def _head(ex: Exercise) -> str:
    return f"❌ {ex.id} {_(ex.title)}:"


def _judge(ex: Exercise, fn: Callable[..., Any], answers: tuple, kw: dict) -> str:
    """Run one check function on the answers: its pass message, or :class:`CheckFailed` that teaches."""
    __tracebackhide__ = True
    head = _head(ex)
    try:
        return fn(*answers, **kw) or ""
    except CheckFailed as e:
        if (stub := _stub_in(ex.id, e.got, str(e))) is not None:  # the stub ran where check cannot catch it
            raise _not_answered(head, stub, ex.id) from None
        raise CheckFailed(f"{head} {e}", e.expected, e.got, e.hint) from None
    except NotImplementedError as e:
        raise _not_answered(head, e, ex.id) from None
    except Exception as e:
        frame = _learner_frame(e.__traceback__)
        what = f"{type(e).__name__}: {show(str(e), 300)[1:-1] if len(str(e)) > 300 else e}"
        where = getattr(e, "hooklab_where", None)  # raised in the learner's kernel (boundary.rebuild)
        if frame is not None:
            where = _("line {line} of {name}", line=frame.lineno, name=frame.name) if frame.name != "<module>" \
                else _("line {line}", line=frame.lineno)
            where += f": `{frame.line}`" if frame.line else ""
        if where is None:
            text = f"{head} " + _("the check could not use your answer ({what}).", what=what)
        else:
            text = f"{head} " + _("your code raised {what} at {where}.", what=what, where=where)
        raise CheckFailed(text + " " + _("Hint: {hint}", hint=_("fix that error, run your answer cell again, "
                                                               "then this check.")), got=what) from None


def check(id: str, *answers: Any, **kw: Any) -> None:
    """Check exercise ``id`` with the learner's answers: print a pass line or raise :class:`CheckFailed`."""
    __tracebackhide__ = True
    _quiet_in_jupyter()
    with speaking():  # one language from start to end, though the check starts or stops stacks
        ex = _load(id)
        message = _judge(ex, ex.fn, answers, kw)
        note = f": {message}" if message else ""
        print(f"✅ {ex.id} {_(ex.title)} — " + _("passed ({n}/{m} points)", count=ex.points, n=ex.points,
                                                m=ex.points) + note)


def hidden_check(id: str) -> Callable[..., Any] | None:
    """Exercise ``id``'s hidden check, or None (none written, or this is the student release)."""
    if (m := _ID.match(str(id))) and id not in _hidden:
        _import_if_present(f"{__package__}.hidden.lab{m.group(1)}")
    return _hidden.get(id)


def verdict(id: str, *answers: Any, language: str | None = None, **kw: Any) -> tuple[bool, str]:
    """What the grader records for exercise ``id``: (passed, message), from the visible check then the hidden one.

    An answer that passes the visible check but not the hidden cases gets "passed the visible
    check, but not the grader's own cases: ..." with the hidden check's expected, got and hint.
    The message is in ``language`` (the submission's track; default: as :func:`check` chooses).
    """
    with speaking(language):
        ex = _load(id)
        try:
            message = _judge(ex, ex.fn, answers, kw)
        except CheckFailed as e:
            return False, str(e)
        if (extra := hidden_check(id)) is not None:
            try:
                _judge(ex, extra, answers, kw)
            except CheckFailed as e:
                text = str(e).removeprefix(_head(ex)).strip()
                return False, _head(ex) + " " + _("passed the visible check, but not the grader's own cases: {text}",
                                                  text=text)
        return True, message


def lab_stack(stack: Any, seed: int) -> Any:
    """The learner's running virtual stack, or a failure that says how to get it back."""
    from ..stack import Stack  # here: hooklab imports this module while it initialises

    expect(isinstance(stack, Stack), expected=_("the lab's hooklab stack"), got=show(stack),
           hint=_("run the first code cell of the lab (stack = hooklab.start(...)) again"))
    expect(stack.running, expected=_("a running stack"), got=_("a stopped one"),
           hint=_("run the first code cell of the lab again"))
    expect(stack.clock.virtual, expected=_("a stack on the virtual clock"), got=_("the real clock"),
           hint=_('start it with hooklab.start(seed={seed}, clock="virtual")', seed=seed))
    return stack
