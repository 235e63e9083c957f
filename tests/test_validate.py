"""``hooklab validate``: a student checks a lab before handing it in, as the grader will read it."""

from __future__ import annotations

import nbformat
import pytest

from hooklab import cli
from hooklab.course.labs import ROOT, meta
from hooklab.course.validate import validate

LAB = "00_lab_warmup.ipynb"


def copy(tmp_path, folder: str, name: str = LAB, edit=None):
    nb = nbformat.read(ROOT / folder / LAB, as_version=4)
    if edit:
        edit(nb)
    nbformat.write(nb, tmp_path / name)
    return tmp_path / name


@pytest.mark.notebooks
def test_a_solved_lab_is_ready_and_an_untouched_one_is_not(tmp_path):
    solved = validate(copy(tmp_path, "solutions", "solved.ipynb"))
    assert solved.ok and solved.lab == LAB
    assert solved.checks == {ex: f"✅ {ex} passed" for ex in ("00.1", "00.2", "00.3")}
    untouched = validate(copy(tmp_path, "labs"))
    assert not untouched.ok
    assert all("not answered yet" in line and line.startswith("❌") for line in untouched.checks.values())
    assert "00.1: not answered yet (the cell still holds the stub)" in untouched.problems


@pytest.mark.notebooks
def test_a_recreated_notebook_is_told_its_answers_cannot_be_found(tmp_path):
    def lose_metadata(nb):
        for c in nb.cells:
            c.metadata = {}

    report = validate(copy(tmp_path, "solutions", "00_lab_warmup (1).ipynb", lose_metadata), timeout=30)
    assert report.lab == LAB  # found by the number its name starts with
    assert report.problems[0].startswith("answers not found: was this notebook recreated?")


@pytest.mark.notebooks
def test_an_edited_check_cell_and_a_deleted_answer_are_named(tmp_path):
    def tamper(nb):
        check = next(c for c in nb.cells if meta(c, "check") == "00.2")
        check.source = "print('✅ 00.2 passed')"
        nb.cells = [c for c in nb.cells if meta(c, "answer") != "00.3"]

    report = validate(copy(tmp_path, "solutions", edit=tamper), timeout=30)
    assert "00.2: the check cell was edited; the grader runs the original one" in report.problems
    assert "00.3: the answer cell is missing, so the grader will use the empty stub" in report.problems
    assert not report.ok


def test_a_file_that_is_not_a_lab_says_what_to_do(tmp_path):
    (tmp_path / "notes.ipynb").write_text("{not json")
    report = validate(tmp_path / "notes.ipynb")
    assert report.lab is None and "invalid notebook JSON" in report.problems[0]
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]), tmp_path / "mine.ipynb")
    report = validate(tmp_path / "mine.ipynb")
    assert "matches no lab" in report.problems[0] and "recreated" in report.problems[0]


def test_the_command_exits_1_when_a_lab_is_not_ready(tmp_path, capsys):
    assert cli.main(["validate", str(tmp_path / "missing.ipynb")]) == 1
    assert "missing file" in capsys.readouterr().out


@pytest.mark.notebooks
def test_a_pt_br_lab_is_compared_with_its_own_track_and_told_in_portuguese(tmp_path):
    nb = nbformat.read(ROOT / "labs" / "pt-BR" / LAB, as_version=4)
    nbformat.write(nb, tmp_path / LAB)
    untouched = validate(tmp_path / LAB)
    assert untouched.language == "pt-BR" and untouched.lab == LAB and not untouched.ok
    assert "00.1: ainda sem resposta (a célula ainda tem o esqueleto)" in untouched.problems
    assert all(line.startswith("❌") and "ainda sem resposta" in line for line in untouched.checks.values())
    assert str(untouched).endswith("ainda não está pronto: veja as linhas acima")
    solved = validate(ROOT / "solutions" / "pt-BR" / LAB)
    assert solved.ok and solved.checks == {ex: f"✅ {ex} passou" for ex in ("00.1", "00.2", "00.3")}, solved.checks
    assert str(solved).endswith("pronto para entregar")
