"""Labs are generated from solutions: ``python -m hooklab.course.labs [--check]`` (``make labs``).

``solutions/NN_lab_slug.ipynb`` is the single source. An *answer cell* is a code cell
with metadata ``{"hooklab": {"answer": "01.2"}}`` whose answer sits between markers::

    def wasted(polls):
        ### BEGIN SOLUTION
        ### HINT: count the polls that returned no new events
        return sum(1 for p in polls if not p)
        ### END SOLUTION

The lab ``labs/NN_lab_slug.ipynb`` keeps every cell (same ids and metadata), clears
outputs, and replaces each block, at the BEGIN line's indentation, by::

        # YOUR CODE HERE
        raise NotImplementedError("exercise 01.2: count the polls that returned no new events")

In markdown, ``<!-- BEGIN SOLUTION -->...<!-- END SOLUTION -->`` becomes "_Write your answer here._".

``python -m hooklab.course.labs --execute PATH...`` runs notebooks in place, as lessons
and solutions are committed (see :func:`execute`).
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import sys
from pathlib import Path
from typing import Any

import nbformat

from ..errors import LabError

__all__ = ["generate", "main", "execute", "run", "LabError", "ROOT", "DEFAULT_HINT"]

BEGIN, END, HINT = "### BEGIN SOLUTION", "### END SOLUTION", "### HINT:"
MD_BEGIN, MD_END = "<!-- BEGIN SOLUTION -->", "<!-- END SOLUTION -->"
MD_PROMPT = "_Write your answer here._"
DEFAULT_HINT = "replace this line with your code"


def _find_root() -> Path:
    """The repository: the folder holding solutions/ (the package is installed editable from src/).

    A student release has no solutions/: there, the folder holding labs/.
    """
    here = Path(__file__).resolve().parents[3]
    candidates = (here, Path.cwd(), *Path.cwd().parents)
    for folder in ("solutions", "labs"):
        for candidate in candidates:
            if (candidate / folder).is_dir():
                return candidate
    return here


ROOT = _find_root()


def meta(cell: Any, key: str) -> Any:
    """``cell.metadata.hooklab[key]``, or None."""
    return (cell.get("metadata", {}).get("hooklab") or {}).get(key)


def _quote(text: str) -> str:
    """A Python string literal, in double quotes when that needs no escaping (as a person would write it)."""
    if '"' not in text and "\\" not in text and text.isprintable():
        return f'"{text}"'
    return repr(text)


def stub_source(source: str, exercise: str, where: str = "cell") -> str:
    """``source`` with each BEGIN..END SOLUTION block replaced by a stub that raises NotImplementedError."""
    out: list[str] = []
    block: list[str] | None = None
    indent = ""
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            if block is not None:
                raise LabError(f"{where}: nested {BEGIN} (close the first block with {END})")
            block, indent = [], line[: len(line) - len(line.lstrip())]
        elif stripped.startswith(END):
            if block is None:
                raise LabError(f"{where}: {END} without {BEGIN}")
            hints = [b.strip()[len(HINT):].strip() for b in block if b.strip().startswith(HINT)]
            message = f"exercise {exercise}: {hints[0] if hints and hints[0] else DEFAULT_HINT}"
            out += [f"{indent}# YOUR CODE HERE", f"{indent}raise NotImplementedError({_quote(message)})"]
            block = None
        elif block is not None:
            block.append(line)
        else:
            out.append(line)
    if block is not None:
        raise LabError(f"{where}: {BEGIN} without {END}")
    return "\n".join(out)


def _prompt_markdown(source: str, where: str) -> str:
    parts = re.split(f"({re.escape(MD_BEGIN)}|{re.escape(MD_END)})", source)
    out, inside = [], False
    for part in parts:
        if part == MD_BEGIN:
            if inside:
                raise LabError(f"{where}: nested {MD_BEGIN}")
            inside = True
        elif part == MD_END:
            if not inside:
                raise LabError(f"{where}: {MD_END} without {MD_BEGIN}")
            inside = False
            out.append(MD_PROMPT)
        elif not inside:
            out.append(part)
    if inside:
        raise LabError(f"{where}: {MD_BEGIN} without {MD_END}")
    return "".join(out)


def generate(solution_path: str | Path) -> nbformat.NotebookNode:
    """The lab notebook for one solution notebook: answers stubbed, outputs cleared, all else kept.

    Raises :class:`LabError` naming the notebook and cell when markers are malformed
    (BEGIN without END, nested, END alone), when a cell has markers but no
    ``hooklab.answer`` metadata (the grader would run the solution), when an answer
    cell has no markers, or when two answer cells share an id.
    """
    path = Path(solution_path)
    nb = copy.deepcopy(nbformat.read(path, as_version=4))
    seen: dict[str, int] = {}
    for i, cell in enumerate(nb.cells, start=1):
        where = f"{path.name}, cell {i}" + (f" (id {cell['id']})" if cell.get("id") else "")
        cell.get("metadata", {}).pop("execution", None)  # timings of the last run, like outputs
        if cell.cell_type == "code":
            answer = meta(cell, "answer")
            has_markers = BEGIN in cell.source or END in cell.source
            if answer is not None:
                if answer in seen:
                    raise LabError(f"{where}: answer {answer!r} is also cell {seen[answer]}; ids must be unique")
                seen[answer] = i
                if not has_markers:
                    raise LabError(f"{where}: answer cell {answer!r} has no {BEGIN} ... {END} block")
            elif has_markers:
                raise LabError(f'{where}: {BEGIN} in a cell without metadata {{"hooklab": {{"answer": "NN.M"}}}}')
            if has_markers:
                cell.source = stub_source(cell.source, answer, where)
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown" and (MD_BEGIN in cell.source or MD_END in cell.source):
            cell.source = _prompt_markdown(cell.source, where)
    return nb


def text(nb: nbformat.NotebookNode) -> str:
    """How notebooks are written in this repository (what ``nbformat.write`` writes, newline-terminated)."""
    return nbformat.writes(nb) + "\n"


def _notebooks(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def main(check: bool = False, root: str | Path | None = None, only: list[str | Path] | None = None) -> int:
    """Write ``labs/`` from ``solutions/``; with ``check=True`` only list the labs that are out of date.

    ``only`` limits the work to some solution notebooks. Returns the exit status:
    1 when ``check`` finds a stale, missing or orphan lab.
    """
    root = Path(root) if root else ROOT
    # solutions/ and its language folders (solutions/pt-BR/...): each lab sits at the same place under labs/
    solutions = sorted(Path(p).resolve() for p in only) if only else _notebooks(root / "solutions")
    stale: list[str] = []
    for solution in solutions:
        name = solution.relative_to((root / "solutions").resolve()).as_posix() if only else \
            solution.relative_to(root / "solutions").as_posix()
        lab = root / "labs" / name
        wanted = text(generate(solution))
        if lab.exists() and lab.read_text(encoding="utf-8") == wanted:
            continue
        stale.append(f"labs/{name}" + ("" if lab.exists() else " (missing)"))
        if not check:
            lab.parent.mkdir(parents=True, exist_ok=True)
            lab.write_text(wanted, encoding="utf-8")
            print(f"wrote labs/{name}")
    orphans = [] if only else [p.relative_to(root / "labs").as_posix() for p in _notebooks(root / "labs")
                               if not (root / "solutions" / p.relative_to(root / "labs")).exists()]
    if check:
        stale += [f"labs/{name} (no solutions/{name}: delete it)" for name in orphans]
        if stale:
            print("out of date (run `make labs`):\n  " + "\n  ".join(stale))
            return 1
    elif orphans:
        print("labs without a solution (delete them): " + ", ".join(orphans))
    return 0


def kernel_manager_class() -> type:
    """An AsyncKernelManager whose "python3" kernel is this Python (as ``pytest --nbval-current-env``)."""
    import ipykernel.kernelspec
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from traitlets import default

    class CurrentEnvSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> Any:
            return self.kernel_spec_class(resource_dir=ipykernel.kernelspec.RESOURCES,
                                          **ipykernel.kernelspec.get_kernel_dict())

    class CurrentEnvKernelManager(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _current_env_specs(self) -> KernelSpecManager:
            return CurrentEnvSpecs(data_dir=self.data_dir)

    return CurrentEnvKernelManager


def run(nb: nbformat.NotebookNode, cwd: str | Path, *, timeout: float | None = 120, allow_errors: bool = False,
        client_class: type | None = None, env: dict[str, str] | None = None, **options: Any) -> nbformat.NotebookNode:
    """Execute ``nb`` (in place) in a fresh kernel of this environment, in folder ``cwd`` (its environment: ``env``)."""
    from nbclient import NotebookClient

    client = (client_class or NotebookClient)(
        nb, timeout=timeout, allow_errors=allow_errors, kernel_name="python3", record_timing=False,
        kernel_manager_class=kernel_manager_class(), resources={"metadata": {"path": str(cwd)}}, **options)
    client.execute(**({"env": env} if env is not None else {}))
    return nb


def execute(path: str | Path, timeout: float = 120) -> None:
    """Run a notebook in place, cwd = its folder, as lessons and solutions are committed.

    Deterministic notebooks (seeded, virtual clock) come out the same on every run,
    so nbval can compare them. A cell that raises stops the run (tag it
    ``raises-exception`` when the error is the lesson).

    The kernel gets ``JPY_SESSION_NAME`` set to the notebook's path, as Jupyter Server does, so
    feedback speaks the notebook's language (``labs/pt-BR/...``: pt-BR) as it will for a learner.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)  # widget state changes on every run; the text fallbacks stay
    run(nb, path.resolve().parent, timeout=timeout, store_widget_state=False,
        env={**os.environ, "JPY_SESSION_NAME": str(path.resolve())})
    path.write_text(text(nb), encoding="utf-8")


def _cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hooklab.course.labs",
                                     description="Generate labs/ from solutions/ (make labs).")
    parser.add_argument("solutions", nargs="*", help="only these solution notebooks (default: all of solutions/)")
    parser.add_argument("--check", action="store_true", help="only list labs that are out of date (exit 1)")
    parser.add_argument("--execute", nargs="+", metavar="PATH",
                        help="run these notebooks in place instead (lessons, solutions), then stop")
    args = parser.parse_args(argv)
    if args.execute:
        for p in args.execute:
            execute(p)
            print(f"executed {p}")
        return 0
    try:
        return main(check=args.check, only=args.solutions or None)
    except LabError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(_cli())
