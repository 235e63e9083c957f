"""What the learner reads, in the language of their track: one message table per language.

Code writes English and asks for it by its English text (gettext's msgid style), with
``{placeholders}``::

    _("a dict of headers for {what}", what=case)       # "um dict de headers para ..." in pt-BR

``MESSAGES[language][english]`` is the translation; text with no entry stays English. An entry may
be a pair ``(one, many)``, chosen by ``count`` (``_("{n} lab(s)", count=n, n=n)``). Which language:

1. :func:`set_language` (``hooklab.checks.set_language("pt-BR")``), if called;
2. else the notebook the kernel runs: Jupyter Server sets ``JPY_SESSION_NAME`` to its path, and a
   notebook in a ``pt-BR`` folder is the pt-BR track (``python -m hooklab.course.labs --execute``
   and the tests' nbval kernels set it too); without it, a kernel working in a ``pt-BR`` folder
   (Jupyter, nbval and the executor start a kernel in its notebook's folder);
3. else the language of the running stack (``hooklab.start(language="pt-BR")``);
4. else English.

A check runs :func:`speaking` one language from start to end; the grader passes each
submission's language. A :class:`Message` is text said later (a status in the grader's CSV,
English, and in a student's feedback file, in their language).
"""

from __future__ import annotations

import os
import string
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import PurePath, PureWindowsPath
from typing import Any

from .locale import tables

__all__ = ["MESSAGES", "LANGUAGES", "translate", "_", "set_language", "current_language", "speaking", "Message", "say",
           "placeholders"]

#: Every language's table: English text (with ``{placeholders}``) → its translation, gathered from
#: ``locale/<language>/*.py`` (one module per area: ``core``, ``lab00``, ``lab01``, ...).
MESSAGES: dict[str, dict[str, str | tuple[str, str]]] = tables()
#: The languages a learner can get their feedback in.
LANGUAGES = ("en", *MESSAGES)

_chosen: str | None = None
_speaking: ContextVar[str | None] = ContextVar("hooklab_language", default=None)


def _known(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    return language


def set_language(language: str | None) -> None:
    """Give feedback in ``language`` ("en", "pt-BR") from now on; None goes back to choosing by itself."""
    global _chosen
    _chosen = None if language is None else _known(language)


def _of_folder(path: str) -> str | None:
    parts = set(PurePath(path).parts) | set(PureWindowsPath(path).parts)
    return next((lang for lang in MESSAGES if lang in parts), None)


def _of_notebook(path: str | None) -> str | None:
    """The track of the notebook at ``path``: its language folder (``labs/pt-BR/...``), else English."""
    if not path or not path.endswith(".ipynb"):  # a console's session, or none
        return None
    return _of_folder(path) or "en"


def _of_cwd() -> str | None:
    try:
        return _of_folder(os.getcwd())
    except OSError:  # the folder was removed
        return None


def current_language() -> str:
    """The language feedback is given in now (see the module's docstring for the order)."""
    for found in (_speaking.get(), _chosen, _of_notebook(os.environ.get("JPY_SESSION_NAME")), _of_cwd()):
        if found is not None:
            return found
    stacks = sys.modules.get("hooklab.stack")  # only a stack already started can say; never import it here
    current = getattr(stacks, "_current", None)
    return getattr(current, "language", "en") if getattr(current, "language", "en") in LANGUAGES else "en"


@contextmanager
def speaking(language: str | None = None) -> Iterator[str]:
    """Everything :func:`_` says inside the block is in ``language`` (default: the one chosen now)."""
    token = _speaking.set(_known(language) if language else current_language())
    try:
        yield _speaking.get()  # type: ignore[misc]
    finally:
        _speaking.reset(token)


def translate(text: str, language: str | None = None, count: int | None = None, context: str | None = None) -> str:
    """``text`` in ``language`` (default: the current one), or ``text`` itself where it has no translation.

    A word that reads differently in two places takes a ``context`` (gettext's msgctxt): its entry is
    ``"context|text"`` ("request|accepted": "a requisição aceita", where a schema's "accepted" is "aceito").
    """
    entry = MESSAGES.get(language or current_language(), {}).get(f"{context}|{text}" if context else text, text)
    if isinstance(entry, tuple):
        entry = entry[0 if count == 1 else 1]
    return entry


def _render(text: str, language: str | None, count: int | None, values: dict, context: str | None = None) -> str:
    template = translate(text, language, count, context)
    if not values:
        return template
    language = language or current_language()  # a Message among the values says itself in the same language
    return template.format(**{k: v.to(language) if isinstance(v, Message) else v for k, v in values.items()})


def _(text: str, /, count: int | None = None, context: str | None = None, **values: Any) -> str:
    """``text`` in the current language, its ``{placeholders}`` filled with ``values``."""
    return _render(text, None, count, values, context)


class Message(str):
    """Text to say later, in any language: as a ``str`` it is English; ``.to("pt-BR")`` says it in pt-BR.

    It crosses a JSON pipe as :meth:`dump` and comes back with :meth:`load`.
    """

    def __new__(cls, text: str, /, count: int | None = None, **values: Any) -> Message:
        self = super().__new__(cls, _render(text, "en", count, values))
        self.text, self.count, self.values = text, count, values
        return self

    def to(self, language: str | None) -> str:
        return _render(self.text, language or "en", self.count, self.values)

    @classmethod
    def join(cls, separator: str, parts: list) -> Message:
        """``separator.join(parts)``, each part said in the language the whole is said in."""
        return cls(separator.join(f"{{p{i}}}" for i in range(len(parts))), **{f"p{i}": p for i, p in enumerate(parts)})

    def dump(self) -> dict:
        return {"text": self.text, "count": self.count,
                "values": {k: v.dump() if isinstance(v, Message) else v for k, v in self.values.items()}}

    @classmethod
    def load(cls, data: Any) -> Any:
        """A :meth:`dump` back as a Message; anything else as it is."""
        if isinstance(data, dict) and set(data) == {"text", "count", "values"}:
            return cls(data["text"], count=data["count"], **{k: cls.load(v) for k, v in data["values"].items()})
        return data

    def __reduce__(self) -> tuple:
        return (_rebuild, (self.dump(),))


def _rebuild(data: dict) -> Message:
    return Message.load(data)


def say(text: Any, language: str | None) -> str:
    """``text`` in ``language`` if it is a :class:`Message`, else as it is."""
    return text.to(language) if isinstance(text, Message) else str(text)


def placeholders(text: str) -> set[str]:
    """The ``{names}`` in ``text`` (without conversions or formats)."""
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}
