r"""Where the answers of ``solutions/`` are, and where else they turn up.

``hooklab release`` uses this to check that the student release gives no answer away:
:func:`answer_lines` lists the answers' lines, :func:`find_answers` says where they turn up::

    >>> import pathlib, tempfile
    >>> answers = {"return sum(1 for p in polls if not p)": "solutions/01_lab_polling.ipynb, cell 6"}
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (pathlib.Path(folder) / "lab01.py").write_text("def wasted(polls):\n    return sum(1 for p in polls if not p)\n")
    ...     print(*find_answers(folder, answers))
    lab01.py, line 2: 'return sum(1 for p in polls if not p)' (answer in solutions/01_lab_polling.ipynb, cell 6)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import labs
from .labs import ROOT

__all__ = ["answer_lines", "find_answers", "solved", "Leak"]

MIN_LENGTH = 12
# Lines an answer shares with any code: finding one of these elsewhere gives nothing away.
_IDIOM = re.compile(r"""
    except\ [\w.]+(\ as\ \w+)?:                       # except ValueError:
  | return\ [\w.]+                                    # return event_id
  | [\w.]+\(\w*\)                                     # stack.wait(), handler(event)
  | \w+\ =\ [\w.]+(\(\)|\["\w+"\])                    # d = event["data"], events = stack.events()
  | \w+=[\w.]+(\["\w+"\])?\)+,?                       # event_id=event["id"]),  (the end of a call)
  | "(\$schema|type|properties|additionalProperties)":\ ("[^"]*"|\{|True|False),?   # JSON Schema
""", re.X)
_MD_ANSWER = re.compile(f"{re.escape(labs.MD_BEGIN)}(.*?){re.escape(labs.MD_END)}", re.S)

Solved = tuple[str, nbformat.NotebookNode, nbformat.NotebookNode]


@dataclass(frozen=True)
class Leak:
    """An answer line found in a file."""

    file: str    # the file, relative to the folder searched
    where: str   # "line 12" or "cell 5"
    line: str    # the answer line
    origin: str  # "solutions/04_lab_purchases.ipynb, cell 7"

    def __str__(self) -> str:
        return f"{self.file}, {self.where}: {self.line!r} (answer in {self.origin})"


def solved(source: str | Path = ROOT) -> list[Solved]:
    """(path, solution, the lab generated from it) for every notebook of ``source/solutions``.

    Raises :class:`~hooklab.errors.LabError` when a solution's markers are malformed.
    """
    source = Path(source)
    return [(path.relative_to(source).as_posix(), nbformat.read(path, as_version=4), labs.generate(path))
            for path in sorted((source / "solutions").rglob("*.ipynb")) if ".ipynb_checkpoints" not in path.parts]


def answer_lines(source: str | Path = ROOT, notebooks: list[Solved] | None = None) -> dict[str, str]:
    """Every line of the solutions' answers that a student must not find, and where it is.

    The lines inside ``### BEGIN SOLUTION ... ### END SOLUTION`` in code cells and between
    ``<!-- BEGIN SOLUTION -->`` and ``<!-- END SOLUTION -->`` in markdown, stripped. Left out:
    comments, lines under 12 characters, idioms any code has (``except ValueError:``,
    ``stack.wait()``, ``"type": "object",``), and lines a lab shows anyway (its given code or a hint).
    """
    notebooks = solved(source) if notebooks is None else notebooks
    shown = "\n".join(cell.source for _, _, lab in notebooks for cell in lab.cells)
    found: dict[str, str] = {}
    for name, nb, _ in notebooks:
        for i, cell in enumerate(nb.cells, start=1):
            lines: list[str] = []
            if cell.cell_type == "code":
                inside = False
                for line in cell.source.split("\n"):
                    if line.strip().startswith((labs.BEGIN, labs.END)):
                        inside = line.strip().startswith(labs.BEGIN)
                    elif inside:
                        lines.append(line)
            elif cell.cell_type == "markdown":
                lines = [line for block in _MD_ANSWER.findall(cell.source) for line in block.split("\n")]
            for line in (line.strip() for line in lines):
                if (len(line) >= MIN_LENGTH and not line.startswith("#") and not _IDIOM.fullmatch(line)
                        and line not in shown):
                    found.setdefault(line, f"{name}, cell {i}")
    return found


def _strings(value: object) -> list[str]:
    """Every string in a notebook cell (source, outputs, metadata), images left out."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() if not str(k).startswith("image/") for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _pieces(path: Path) -> list[tuple[str, str]] | None:
    """(where, text) pieces of a file to search: its cells or its lines; None for a binary file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None
    if "\0" in text:
        return None
    if path.suffix == ".ipynb":  # decoded: a line with quotes is escaped in the JSON
        try:
            cells = json.loads(text).get("cells", [])
            return [(f"cell {i}", "\n".join(_strings(cell))) for i, cell in enumerate(cells, start=1)]
        except (ValueError, AttributeError):
            pass
    return [(f"line {n}", line) for n, line in enumerate(text.split("\n"), start=1)]


def find_answers(folder: str | Path, answers: dict[str, str]) -> list[Leak]:
    """Every place in the files under ``folder`` where one of ``answers`` (line → its origin) appears."""
    folder = Path(folder)
    leaks = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and ".git" not in p.relative_to(folder).parts):
        pieces = _pieces(path)
        if not pieces:
            continue
        whole = "\n".join(text for _, text in pieces)
        for line, origin in answers.items():
            if line in whole:
                leaks += [Leak(path.relative_to(folder).as_posix(), where, line, origin)
                          for where, text in pieces if line in text]
    return leaks
