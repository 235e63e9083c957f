"""The message tables, one folder per language (``pt_BR`` for "pt-BR"), one module per area.

Each module (``core.py``, ``lab00.py``, ``lab01.py``, ...) holds ``MESSAGES``: English text → its
translation, as :mod:`hooklab.course.messages` documents. Splitting by area keeps a lab's sentences
beside each other and lets two people translate two labs without touching the same file. The same
English text may appear in two modules only with the same translation.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

__all__ = ["tables"]

Table = dict[str, "str | tuple[str, str]"]


def _table(folder: str) -> Table:
    merged: Table = {}
    package = f"{__name__}.{folder}"
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent / folder)]), key=lambda m: m.name):
        for english, translated in importlib.import_module(f"{package}.{info.name}").MESSAGES.items():
            if merged.setdefault(english, translated) != translated:
                raise ValueError(f"{package}.{info.name} translates {english!r} as {translated!r}, "
                                 f"another module as {merged[english]!r}: keep one")
    return merged


def tables() -> dict[str, Table]:
    """Every language's table, keyed by its code ("pt-BR")."""
    return {folder.name.replace("_", "-"): _table(folder.name)
            for folder in sorted(Path(__file__).parent.iterdir()) if folder.is_dir() and (folder / "__init__.py").exists()}
