"""Course machinery: labs generated from solutions, checks that teach, the grader."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from hooklab.course import checks, grading, labs

ROOT = Path(__file__).resolve().parents[1]
WARMUP = ROOT / "solutions" / "00_lab_warmup.ipynb"


def write_nb(path: Path, cells) -> Path:
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "P",
                                                                      "language": "python"}}), path)
    return path


# -- generating labs -------------------------------------------------------------

def test_generator_replaces_the_answer_keeping_indentation_and_hint(tmp_path):
    src = ("def f(x):\n    ### BEGIN SOLUTION\n    ### HINT: double it\n    return 2 * x\n"
           "    ### END SOLUTION\n\nprint(f)")
    cell = new_code_cell(src, metadata={"hooklab": {"answer": "09.1"}})
    cell.outputs = [nbformat.v4.new_output("stream", text="x")]
    cell.execution_count = 3
    nb = labs.generate(write_nb(tmp_path / "s.ipynb", [cell, new_markdown_cell("Why? <!-- BEGIN SOLUTION -->"
                                                                                  "Because.<!-- END SOLUTION -->")]))
    code, text = nb.cells
    assert code.source == ("def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError("
                           "'exercise 09.1: double it')\n\nprint(f)")
    assert code.outputs == [] and code.execution_count is None and code.metadata["hooklab"]["answer"] == "09.1"
    assert text.source == "Why? _Write your answer here._"


def test_generator_uses_a_default_hint_at_module_level(tmp_path):
    nb = labs.generate(write_nb(tmp_path / "s.ipynb", [new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")]))
    assert nb.cells[0].source == f"# YOUR CODE HERE\nraise NotImplementedError({labs.DEFAULT_HINT!r})"


@pytest.mark.parametrize("src,words", [
    ("### BEGIN SOLUTION\nx = 1", "without ### END"),
    ("x = 1\n### END SOLUTION", "without ### BEGIN"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "nested"),
])
def test_malformed_markers_name_the_notebook_and_cell(tmp_path, src, words):
    path = write_nb(tmp_path / "bad.ipynb", [new_markdown_cell("intro"), new_code_cell(src)])
    with pytest.raises(labs.LabError, match=f"bad.ipynb, cell 2: .*{words}"):
        labs.generate(path)


def test_labs_are_current():
    assert labs.main(["--check"]) == 0


# -- checks ----------------------------------------------------------------------

@checks.exercise("99.1", points=3, title="Double")
def _double_check(fn):
    for x in (2, 5):
        checks.expect(fn(x) == 2 * x, expected=f"{2 * x} for {x}", got=repr(fn(x)), hint="multiply by two")
    return "doubles"


def test_a_right_answer_prints_a_pass_line(capsys):
    checks.check("99.1", lambda x: x * 2)
    assert capsys.readouterr().out.strip() == "✅ 99.1 Double — passed (3/3 points): doubles"


def test_a_wrong_answer_says_expected_got_and_hint():
    with pytest.raises(checks.CheckFailed) as e:
        checks.check("99.1", lambda x: x + 2)
    assert str(e.value) == "❌ 99.1 Double: expected 10 for 5; got 7. Hint: multiply by two"


def test_a_stub_is_not_answered_yet_and_repeats_its_hint():
    def stub(x):
        raise NotImplementedError("exercise 99.1: multiply by two")

    with pytest.raises(checks.CheckFailed, match="not answered yet. Hint: multiply by two"):
        checks.check("99.1", stub)


def test_a_crash_in_learner_code_names_the_exception_and_line():
    def broken(x):
        return x["a"]

    with pytest.raises(checks.CheckFailed, match=r"raised TypeError.*line \d+: return x\[\"a\"\]"):
        checks.check("99.1", broken)


def test_an_unknown_exercise_lists_the_known_ones():
    with pytest.raises(KeyError, match="known exercises: .*99.1"):
        checks.check("99.9", None)


# -- grading ---------------------------------------------------------------------

def submission(tmp: Path, student: str, nb) -> Path:
    (tmp / student).mkdir(parents=True, exist_ok=True)
    path = tmp / student / WARMUP.name
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    solution = nbformat.read(WARMUP, as_version=4)
    submission(tmp, "ana", solution)                                       # everything right
    submission(tmp, "bruno", nbformat.read(ROOT / "labs" / WARMUP.name, as_version=4))  # untouched
    (tmp / "carla").mkdir()
    (tmp / "carla" / WARMUP.name).write_text("{not json")                  # broken file
    loop = labs.generate(WARMUP)
    next(c for c in loop.cells if c.get("metadata", {}).get("hooklab", {}).get("answer") == "00.1").source = \
        "while True:\n    pass"
    submission(tmp, "davi", loop)                                          # infinite loop
    cheat = labs.generate(WARMUP)
    for c in cheat.cells:
        if c.get("metadata", {}).get("hooklab", {}).get("check"):
            c.source = "print('✅ passed')"                                # edited checks
    cheat.cells = [c for c in cheat.cells if c.get("metadata", {}).get("hooklab", {}).get("check") != "00.3"]
    submission(tmp, "eva", cheat)
    (tmp / "fabio").mkdir()                                                # handed in nothing
    started = time.monotonic()
    df = grading.grade(tmp, tmp / "grades.csv", feedback_dir=tmp / "feedback", timeout=25, jobs=2)
    return tmp, df, time.monotonic() - started


def row(df, student):
    return df[df["student"] == student].iloc[0]


def test_grading_gives_full_marks_to_the_solution(graded):
    _, df, _ = graded
    r = row(df, "ana")
    assert (r["00.1"], r["00.2"], r["00.3"], r["total"], r["max"], r["status"]) == (1, 2, 2, 5, 5, "ok")


def test_grading_gives_zero_to_untouched_and_edited_checks(graded):
    _, df, _ = graded
    for student in ("bruno", "eva"):
        r = row(df, student)
        assert (r["total"], r["status"]) == (0, "ok")


def test_broken_looping_and_missing_submissions_are_reported_zeros(graded):
    _, df, elapsed = graded
    assert row(df, "carla")["status"].startswith("invalid notebook") and row(df, "carla")["total"] == 0
    assert row(df, "davi")["status"] == "timed out after 25 s" and row(df, "davi")["total"] == 0
    assert row(df, "fabio")["status"] == "missing file"
    assert elapsed < 25 * 3 + 30  # the loop is cut at its limit; two jobs in parallel


def test_csv_and_feedback_files(graded):
    tmp, _, _ = graded
    with open(tmp / "grades.csv") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["student", "lab", "00.1", "00.2", "00.3", "total", "max", "status"]
    assert [r["student"] for r in rows] == ["ana", "bruno", "carla", "davi", "eva", "fabio"]
    bruno = (tmp / "feedback" / "bruno.md").read_text()
    assert "❌ **00.1**" in bruno and "not answered yet" in bruno
    assert "✅ **00.2**" in (tmp / "feedback" / "ana.md").read_text()


def test_grade_command_line(graded, tmp_path):
    tmp, _, _ = graded
    one = tmp_path / "subs"
    shutil.copytree(tmp / "ana", one / "ana")
    out = subprocess.run([sys.executable, "-m", "hooklab.cli", "grade", str(one), "--out", str(tmp_path / "g.csv"),
                          "--timeout", "60"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "ana" in out.stdout and (tmp_path / "g.csv").read_text().splitlines()[1].startswith("ana,")
