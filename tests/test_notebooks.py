"""Every lab is current with its solution, committed clean, and fails every check untouched.

(Lessons and solutions themselves are validated by nbval: see pyproject.toml.)
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from hooklab.course import labs

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def meta(cell, key):
    return cell.get("metadata", {}).get("hooklab", {}).get(key)


def test_there_are_labs():
    assert SOLUTIONS, "solutions/ holds the labs' single source"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_lab_is_in_sync_with_its_solution(solution):
    lab = ROOT / "labs" / solution.name
    assert lab.exists(), f"{lab.name} is missing: run `make labs`"
    assert lab.read_text(encoding="utf-8") == nbformat.writes(labs.generate(solution)) + "\n", \
        f"{lab.name} is out of date: run `make labs`"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_lab_has_no_outputs_and_no_answers(solution):
    nb = nbformat.read(ROOT / "labs" / solution.name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert not any("BEGIN SOLUTION" in c.source for c in nb.cells)


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_every_check_has_an_answer_and_points(solution):
    nb = nbformat.read(solution, as_version=4)
    checks = [meta(c, "check") for c in nb.cells if meta(c, "check")]
    answers = [meta(c, "answer") for c in nb.cells if meta(c, "answer")]
    assert checks and sorted(checks) == sorted(set(checks))
    assert set(checks) <= set(answers), "each check grades an answer cell"
    assert all(int(meta(c, "points")) > 0 for c in nb.cells if meta(c, "check"))


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_an_untouched_lab_fails_every_check(solution, tmp_path):
    nb = nbformat.read(ROOT / "labs" / solution.name, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell in nb.cells:
        if meta(cell, "check"):
            errors = [o for o in cell.outputs if o.output_type == "error"]
            assert errors, f"check {meta(cell, 'check')} passed on the untouched lab: it is vacuous"
            assert errors[0].ename == "CheckFailed", errors[0]
            assert "not answered yet" in errors[0].evalue


@pytest.mark.parametrize("notebook", LESSONS + SOLUTIONS, ids=lambda p: p.stem)
def test_notebooks_are_portable(notebook):
    text = notebook.read_text(encoding="utf-8")
    assert "/work/" not in text and "/home/" not in text and "/root/" not in text, "absolute path"
    assert not re.search(r"whsec_[A-Za-z0-9+/]{20,}|key_[0-9a-z]{20,}", text), "a secret or API key is shown"
