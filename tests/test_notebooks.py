"""Every lab is current with its solution, committed clean, and fails every check untouched.

Lessons (notebooks/) and solutions (solutions/) themselves are validated by nbval, strictly:
see [tool.pytest.ini_options] in pyproject.toml and tests/nbval_sanitize.cfg.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest

from hooklab.course import checks, labs
from hooklab.course.labs import meta

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted(p for p in (ROOT / "solutions").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
LESSONS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
by_name = pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.relative_to(ROOT / "solutions").as_posix())


def lab_of(solution: Path) -> Path:
    """labs/NN_x.ipynb for solutions/NN_x.ipynb; labs/pt-BR/NN_x.ipynb for solutions/pt-BR/NN_x.ipynb."""
    return ROOT / "labs" / solution.relative_to(ROOT / "solutions")


def test_there_are_labs_and_every_lab_has_a_solution():
    assert SOLUTIONS, "solutions/ holds the labs' single source"
    orphans = [p.relative_to(ROOT / "labs").as_posix() for p in (ROOT / "labs").rglob("*.ipynb")
               if not (ROOT / "solutions" / p.relative_to(ROOT / "labs")).exists()]
    assert not orphans, f"labs without a solution (delete them): {orphans}"


@by_name
def test_lab_is_in_sync_with_its_solution(solution):
    lab = lab_of(solution)
    assert lab.exists(), f"labs/{lab.name} is missing: run `make labs`"
    assert lab.read_text(encoding="utf-8") == labs.text(labs.generate(solution)), \
        f"labs/{lab.name} is out of date: run `make labs` (never edit labs/ by hand)"


@by_name
def test_lab_has_no_outputs_and_no_answers(solution):
    nb = nbformat.read(lab_of(solution), as_version=4)
    assert all(not c.outputs and c.execution_count is None for c in nb.cells if c.cell_type == "code")
    assert not any("BEGIN SOLUTION" in c.source or "END SOLUTION" in c.source for c in nb.cells)


@by_name
def test_every_check_is_registered_with_its_points_and_grades_an_answer(solution):
    nb = nbformat.read(solution, as_version=4)
    found = [(str(meta(c, "check")), meta(c, "points"), c.source) for c in nb.cells if meta(c, "check") is not None]
    answers = {str(meta(c, "answer")) for c in nb.cells if meta(c, "answer") is not None}
    ids = [ex for ex, _, _ in found]
    assert ids and len(ids) == len(set(ids)), f"check ids must be unique: {ids}"
    lab_number = solution.name.split("_")[0]  # "03", or "00b" for the primer between 00 and 01
    for ex, points, source in found:
        assert ex.startswith(lab_number + "."), f"check {ex} is in lab {lab_number}"
        assert points == checks.points(ex), f"check {ex}: the cell says {points} points, the check {checks.points(ex)}"
        calls = re.search(rf"checks\.check\(\s*['\"]{re.escape(ex)}['\"]", source)
        assert calls, f"check cell {ex} calls hooklab.checks.check({ex!r}, ...)"
        assert ex in answers, f"check {ex} has no answer cell with the same id"


@pytest.mark.notebooks
@by_name
def test_an_untouched_lab_fails_every_check(solution, tmp_path):
    env = {**os.environ, "JPY_SESSION_NAME": str(lab_of(solution))}  # as Jupyter Server says which notebook
    nb = labs.run(nbformat.read(lab_of(solution), as_version=4), tmp_path, timeout=120, env=env,
                  allow_errors=True)
    for cell in nb.cells:
        if (ex := meta(cell, "check")) is None:
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert errors, f"check {ex} passes on the untouched lab: it checks nothing"
        # The lab's own failure, not any error: the stub's NotImplementedError, reported by
        # hooklab.checks.check as "not answered yet" (a NameError or a crash would also fail).
        error = errors[0]
        shown = "\n".join([error.ename, error.evalue, *error.traceback])
        stub = "ainda sem resposta" if solution.parent.name == "pt-BR" else "not answered yet"
        assert error.ename == "CheckFailed" and f"❌ {ex} " in error.evalue and stub in error.evalue, \
            f"check {ex} fails the untouched lab for another reason than the stub:\n{shown[-1500:]}"


@pytest.mark.parametrize("notebook", LESSONS + SOLUTIONS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebooks_are_portable_and_mostly_validated(notebook):
    text = notebook.read_text(encoding="utf-8")
    assert not re.search(r"/work/|/home/|/root/|/Users/|[A-Z]:\\\\Users", text), "an absolute path is shown"
    assert not re.search(r"whsec_[A-Za-z0-9+/]{20,}|key_[0-9a-z]{20,}", text), "a secret or an API key is shown"
    nb = nbformat.read(notebook, as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), \
        "not committed executed top to bottom: run it with python -m hooklab.course.labs --execute"
    with_output = [c for c in nb.cells if c.cell_type == "code" and c.outputs]
    ignored = [c for c in with_output if "NBVAL_IGNORE_OUTPUT" in c.source
               or "nbval-ignore-output" in c.metadata.get("tags", [])]
    assert len(ignored) * 5 <= len(with_output), \
        f"{len(ignored)} of {len(with_output)} output cells skip validation: at most a fifth may"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
