"""Labs are generated from solutions: ``python -m hooklab.course.labs [--check]`` (``make labs``).

In ``solutions/NN_lab_slug.ipynb`` an answer sits between ``### BEGIN SOLUTION`` and
``### END SOLUTION``, with an optional ``### HINT: ...`` line inside. The lab keeps
every cell (same ids and metadata) but replaces each answer by a stub that raises
``NotImplementedError`` with the hint, and has no outputs. Markdown answers between
``<!-- BEGIN SOLUTION -->`` and ``<!-- END SOLUTION -->`` become a prompt.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

__all__ = ["generate", "main", "execute", "LabError", "ROOT"]

ROOT = Path(__file__).resolve().parents[3]
BEGIN, END, HINT = "### BEGIN SOLUTION", "### END SOLUTION", "### HINT:"
_MD = re.compile(r"<!-- BEGIN SOLUTION -->.*?<!-- END SOLUTION -->", re.S)
DEFAULT_HINT = "replace this line with your code"


class LabError(ValueError):
    """A solution notebook's markers are malformed."""


def _stub_code(source: str, where: str, exercise: str) -> str:
    out: list[str] = []
    block: list[str] | None = None
    indent = ""
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            if block is not None:
                raise LabError(f"{where}: nested {BEGIN}")
            block, indent = [], line[: len(line) - len(line.lstrip())]
        elif stripped.startswith(END):
            if block is None:
                raise LabError(f"{where}: {END} without {BEGIN}")
            hints = [b.strip()[len(HINT):].strip() for b in block if b.strip().startswith(HINT)]
            label = f"exercise {exercise}: " if exercise else ""
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(f"{indent}raise NotImplementedError({(label + (hints[0] if hints else DEFAULT_HINT))!r})")
            block = None
        elif block is not None:
            block.append(line)
        else:
            out.append(line)
    if block is not None:
        raise LabError(f"{where}: {BEGIN} without {END}")
    return "\n".join(out)


def generate(solution: str | Path) -> nbformat.NotebookNode:
    """The lab notebook for one solution notebook."""
    solution = Path(solution)
    nb = copy.deepcopy(nbformat.read(solution, as_version=4))
    for i, cell in enumerate(nb.cells):
        where = f"{solution.name}, cell {i + 1}"
        if cell.cell_type == "code":
            exercise = cell.get("metadata", {}).get("hooklab", {}).get("answer", "")
            if BEGIN in cell.source or END in cell.source:
                cell.source = _stub_code(cell.source, where, exercise)
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown" and "BEGIN SOLUTION" in cell.source:
            cell.source = _MD.sub("_Write your answer here._", cell.source)
            if "BEGIN SOLUTION" in cell.source:
                raise LabError(f"{where}: <!-- BEGIN SOLUTION --> without <!-- END SOLUTION -->")
    return nb


def _pairs(root: Path = ROOT) -> list[tuple[Path, Path]]:
    return [(s, root / "labs" / s.name) for s in sorted((root / "solutions").glob("*.ipynb"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hooklab.course.labs", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report labs that are out of date")
    args = parser.parse_args(argv)
    stale = []
    for solution, lab in _pairs():
        text = nbformat.writes(generate(solution)) + "\n"
        if lab.exists() and lab.read_text(encoding="utf-8") == text:
            continue
        stale.append(lab)
        if not args.check:
            lab.parent.mkdir(exist_ok=True)
            lab.write_text(text, encoding="utf-8")
            print(f"wrote {lab.relative_to(ROOT)}")
    if args.check and stale:
        print("out of date (run `make labs`): " + ", ".join(str(p.relative_to(ROOT)) for p in stale))
        return 1
    return 0


def execute(path: str | Path, timeout: int = 120) -> None:
    """Run a notebook in place (cwd = its folder), as lessons and solutions are committed."""
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
