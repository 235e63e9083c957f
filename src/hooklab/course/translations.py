"""The course in other languages, kept in step with English (docs/translating.md).

A translated notebook is the twin of an English one: ``notebooks/pt-BR/01_what_webhooks_are.ipynb``
is the twin of ``notebooks/01_what_webhooks_are.ipynb`` (the same for ``solutions/``; ``labs/`` are
generated from the solutions by ``make labs``). Twins have the same cells in the same order, and
each translated cell records which English cell it was translated from, and a hash of that
English cell's source at the time, in its metadata::

    "metadata": {"hooklab": {"of": {"id": "l01-03", "sha": "3f1c0a9b7d2e4c55"}}}

:func:`problems` compares a pair: a cell missing on either side, a cell whose English source
changed since it was translated, a cell still to translate, and code whose structure differs
(only strings and comments may be translated; a pt-BR stack adds ``language="pt-BR"``)::

    python -m hooklab.course.translations status                       # every twin, every problem
    python -m hooklab.course.translations new pt-BR notebooks/00_start_here.ipynb   # a twin to translate
    python -m hooklab.course.translations stamp notebooks/pt-BR/00_start_here.ipynb 3 7   # cells translated
"""

from __future__ import annotations

import argparse
import ast
import copy
import hashlib
import io
import sys
import tokenize
from pathlib import Path

import nbformat

from .labs import ROOT

__all__ = ["LANGUAGES", "FOLDERS", "source_hash", "english_of", "twins", "problems", "new_twin", "stamp"]

#: The languages the course is translated into, each a folder under notebooks/ and solutions/.
LANGUAGES = ("pt-BR",)
#: The folders whose notebooks are translated by hand (labs/ are generated from solutions/).
FOLDERS = ("notebooks", "solutions")


def source_hash(source: str) -> str:
    """A short hash of an English cell's source (line endings and trailing spaces do not count)."""
    text = "\n".join(line.rstrip() for line in source.replace("\r\n", "\n").strip().split("\n"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def english_of(twin: Path) -> Path:
    """``notebooks/pt-BR/01_x.ipynb`` → ``notebooks/01_x.ipynb``."""
    return twin.parent.parent / twin.name


def twins(root: Path = ROOT, language: str | None = None) -> list[Path]:
    """Every translated notebook under ``root``, of one language or all."""
    return sorted(p for lang in ([language] if language else LANGUAGES) for folder in FOLDERS
                  for p in (root / folder / lang).glob("*.ipynb"))


class _Shape(ast.NodeTransformer):
    """Code with its words taken out: strings become "", and a ``language=...`` keyword is dropped."""

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        return ast.copy_location(ast.Constant(""), node) if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:  # an f-string: its words and its layout
        return ast.copy_location(ast.Constant(""), node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node.keywords = [k for k in node.keywords if k.arg != "language"]
        return self.generic_visit(node)


def shape(source: str) -> str:
    """What must stay the same in a translated code cell: its names, calls and structure."""
    lines = [line for line in source.split("\n") if not line.lstrip().startswith(("%", "!"))]  # magics
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:  # not Python (a stub marker, a half-written cell): compare its tokens
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        try:
            return " ".join('""' if t.type == tokenize.STRING else t.string for t in tokens
                            if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE))
        except (tokenize.TokenError, IndentationError):
            return source
    return ast.dump(_Shape().visit(tree), annotate_fields=False, include_attributes=False)


def _of(cell: nbformat.NotebookNode) -> dict:
    of = cell.get("metadata", {}).get("hooklab", {}).get("of")
    return of if isinstance(of, dict) else {}


def problems(english: nbformat.NotebookNode, twin: nbformat.NotebookNode) -> list[str]:
    """What keeps ``twin`` from being in step with ``english``, cell by cell (an empty list: in step)."""
    found = []
    for i in range(max(len(english.cells), len(twin.cells))):
        n = i + 1
        if i >= len(twin.cells):
            found.append(f"cell {n}: English cell {english.cells[i].get('id')} has no translation")
            continue
        if i >= len(english.cells):
            found.append(f"cell {n}: a translated cell with no English cell (removed in English?)")
            continue
        en, tr, of = english.cells[i], twin.cells[i], _of(twin.cells[i])
        if of.get("id") != en.get("id"):
            found.append(f"cell {n}: translates English cell {of.get('id')!r}, but English cell {n} is "
                         f"{en.get('id')!r} (a cell added, removed or moved in English?)")
            continue
        if tr.cell_type != en.cell_type:
            found.append(f"cell {n}: a {tr.cell_type} cell translating a {en.cell_type} cell")
        if of.get("todo"):
            found.append(f"cell {n}: not translated yet (then: translations stamp ... {n})")
        elif of.get("sha") != source_hash(en.source):
            found.append(f"cell {n}: English cell {en.get('id')} changed since it was translated: "
                         "update the translation, then stamp it")
        if en.cell_type == "code" and shape(en.source) != shape(tr.source):
            found.append(f"cell {n}: its code differs from English beyond strings and comments")
    return found


def new_twin(english_path: Path, language: str) -> Path:
    """Write the twin of ``english_path`` to translate: English text, every cell marked to do."""
    if language not in LANGUAGES:
        raise SystemExit(f"translations: {language!r} is not one of {', '.join(LANGUAGES)}")
    english_path = Path(english_path)
    out = english_path.parent / language / english_path.name
    if out.exists():
        raise SystemExit(f"translations: {out} exists; edit it, or delete it first")
    nb = nbformat.read(english_path, as_version=4)
    twin = copy.deepcopy(nb)
    twin.metadata["language"] = language
    for cell in twin.cells:
        cell.setdefault("metadata", {}).setdefault("hooklab", {})["of"] = {
            "id": cell.get("id"), "sha": source_hash(cell.source), "todo": True}
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(twin, out)
    return out


def stamp(twin_path: Path, cells: list[int]) -> None:
    """Record that cells ``cells`` (1-based) of ``twin_path`` translate the English cells as they are now."""
    twin_path = Path(twin_path)
    english = nbformat.read(english_of(twin_path), as_version=4)
    twin = nbformat.read(twin_path, as_version=4)
    for n in cells:
        if not 1 <= n <= min(len(twin.cells), len(english.cells)):
            raise SystemExit(f"translations: no cell {n} in both {twin_path} and its English twin")
        en, tr = english.cells[n - 1], twin.cells[n - 1]
        tr.setdefault("metadata", {}).setdefault("hooklab", {})["of"] = {"id": en.get("id"),
                                                                         "sha": source_hash(en.source)}
    nbformat.write(twin, twin_path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hooklab.course.translations", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("status", help="every translated notebook and what keeps it from being in step")
    new = sub.add_parser("new", help="a twin of an English notebook, to translate")
    new.add_argument("language", choices=LANGUAGES)
    new.add_argument("notebook")
    st = sub.add_parser("stamp", help="record that cells are translated from the English as it is now")
    st.add_argument("notebook")
    st.add_argument("cells", nargs="+", type=int)
    args = parser.parse_args(argv)
    if args.command == "new":
        print(f"wrote {new_twin(Path(args.notebook), args.language)}: translate each cell, then stamp it")
        return 0
    if args.command == "stamp":
        stamp(Path(args.notebook), args.cells)
        return 0
    bad = 0
    for path in twins():
        found = problems(nbformat.read(english_of(path), as_version=4), nbformat.read(path, as_version=4))
        bad += bool(found)
        print(f"{path.relative_to(ROOT)}: " + ("in step" if not found else "\n  " + "\n  ".join(found)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
