"""Course machinery: labs generated from solutions, checks that teach, a grader that never crashes."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import hooklab
from hooklab import cli
from hooklab.course import checks, grading, labs
from hooklab.course.labs import meta

ROOT = Path(__file__).resolve().parents[1]
WARMUP = ROOT / "solutions" / "00_lab_warmup.ipynb"


def write_nb(path: Path, cells: list) -> Path:
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    nbformat.write(nb, path)
    return path


def answer_cell(source: str, ex: str = "09.1", **kw):
    return new_code_cell(source, metadata={"hooklab": {"answer": ex}}, **kw)


def generate_one(tmp_path: Path, *cells) -> list:
    return labs.generate(write_nb(tmp_path / "09_lab_demo.ipynb", list(cells))).cells


# -- generating labs -------------------------------------------------------------


def test_a_stub_keeps_the_indentation_and_says_the_hint(tmp_path):
    src = ("class Poller:\n    def wasted(self, polls):\n        ### BEGIN SOLUTION\n"
           "        ### HINT: count the polls that returned no new events\n"
           "        return sum(1 for p in polls if not p)\n        ### END SOLUTION\n\nprint('after')")
    (cell,) = generate_one(tmp_path, answer_cell(src, "01.2"))
    stub = '        raise NotImplementedError("exercise 01.2: count the polls that returned no new events")'
    assert cell.source == ("class Poller:\n    def wasted(self, polls):\n        # YOUR CODE HERE\n"
                           f"{stub}\n\nprint('after')")


def test_a_stub_raises_not_implemented_with_its_hint(tmp_path):
    src = "def f(x):\n    ### BEGIN SOLUTION\n    ### HINT: double it\n    return 2 * x\n    ### END SOLUTION"
    (cell,) = generate_one(tmp_path, answer_cell(src))
    scope: dict = {}
    exec(cell.source, scope)
    with pytest.raises(NotImplementedError, match=r"^exercise 09\.1: double it$"):
        scope["f"](1)


def test_module_level_markers_and_a_default_hint(tmp_path):
    (cell,) = generate_one(tmp_path, answer_cell("x = 0\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION\nprint(x)"))
    assert cell.source == (f'x = 0\n# YOUR CODE HERE\nraise NotImplementedError("exercise 09.1: {labs.DEFAULT_HINT}")'
                           "\nprint(x)")


def test_two_blocks_in_one_cell_and_a_hint_with_quotes(tmp_path):
    src = ('def a():\n    ### BEGIN SOLUTION\n    ### HINT: use stack.fire("x")\n    return 1\n    ### END SOLUTION\n'
           "def b():\n    ### BEGIN SOLUTION\n    return 2\n    ### END SOLUTION")
    (cell,) = generate_one(tmp_path, answer_cell(src))
    assert cell.source.count("# YOUR CODE HERE") == 2 and "return" not in cell.source
    assert """raise NotImplementedError('exercise 09.1: use stack.fire("x")')""" in cell.source
    compile(cell.source, "lab", "exec")


def test_cells_keep_ids_and_metadata_and_lose_outputs(tmp_path):
    done = answer_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", id="cafe0001", execution_count=4,
                       outputs=[new_output("stream", text="hi\n")])
    done.metadata["execution"] = {"iopub.status.busy": "2026-01-05T09:00:00Z"}  # last run's timings
    check = new_code_cell('hooklab.checks.check("09.1", x)', id="cafe0002", execution_count=5,
                          metadata={"hooklab": {"check": "09.1", "points": 2}, "tags": ["t"]},
                          outputs=[new_output("stream", text="✅\n")])
    cells = generate_one(tmp_path, new_markdown_cell("# Lab", id="cafe0000"), done, check)
    assert [c.id for c in cells] == ["cafe0000", "cafe0001", "cafe0002"]
    assert cells[1].metadata == {"hooklab": {"answer": "09.1"}}
    assert cells[2].metadata == {"hooklab": {"check": "09.1", "points": 2}, "tags": ["t"]}
    assert cells[2].source == 'hooklab.checks.check("09.1", x)'
    assert all(c.outputs == [] and c.execution_count is None for c in cells[1:])


def test_markdown_answers_become_a_prompt(tmp_path):
    md = ("Why?\n\n<!-- BEGIN SOLUTION -->\nBecause retries reuse the id.\n<!-- END SOLUTION -->\n\n"
          "Then: <!-- BEGIN SOLUTION -->b<!-- END SOLUTION -->")
    (cell,) = generate_one(tmp_path, new_markdown_cell(md))
    assert cell.source == "Why?\n\n_Write your answer here._\n\nThen: _Write your answer here._"


@pytest.mark.parametrize("cells,words", [
    ([answer_cell("### BEGIN SOLUTION\nx = 1")], "### BEGIN SOLUTION without ### END SOLUTION"),
    ([answer_cell("x = 1\n### END SOLUTION")], "### END SOLUTION without ### BEGIN SOLUTION"),
    ([answer_cell("### BEGIN SOLUTION\n  ### BEGIN SOLUTION\n### END SOLUTION")], "nested"),
    ([new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")], "without metadata"),
    ([answer_cell("x = 1")], "has no ### BEGIN SOLUTION"),
    ([answer_cell("### BEGIN SOLUTION\n### END SOLUTION"), answer_cell("### BEGIN SOLUTION\n### END SOLUTION")],
     "also cell 2"),
    ([new_markdown_cell("<!-- BEGIN SOLUTION --> yes")], "without <!-- END SOLUTION -->"),
    ([new_markdown_cell("<!-- BEGIN SOLUTION --><!-- BEGIN SOLUTION --><!-- END SOLUTION -->")], "nested"),
])
def test_malformed_markers_name_the_notebook_and_the_cell(tmp_path, cells, words):
    path = write_nb(tmp_path / "07_lab_bad.ipynb", [new_markdown_cell("intro"), *cells])
    with pytest.raises(labs.LabError) as e:
        labs.generate(path)
    assert str(e.value).startswith(f"07_lab_bad.ipynb, cell {len(cells) + 1}") and words in str(e.value)


def test_main_writes_labs_then_check_finds_them_current(tmp_path, capsys):
    (tmp_path / "solutions").mkdir()
    write_nb(tmp_path / "solutions" / "09_lab_demo.ipynb",
             [answer_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION")])
    assert labs.main(check=True, root=tmp_path) == 1
    assert "labs/09_lab_demo.ipynb (missing)" in capsys.readouterr().out
    assert labs.main(root=tmp_path) == 0
    assert labs.main(check=True, root=tmp_path) == 0
    lab = tmp_path / "labs" / "09_lab_demo.ipynb"
    lab.write_text(lab.read_text().replace("YOUR CODE HERE", "edited by hand"))
    (tmp_path / "labs" / "08_lab_orphan.ipynb").write_text("{}")
    capsys.readouterr()
    assert labs.main(check=True, root=tmp_path) == 1
    out = capsys.readouterr().out
    assert "labs/09_lab_demo.ipynb" in out and "labs/08_lab_orphan.ipynb (no solutions/" in out


def test_make_labs_check_from_the_command_line():
    out = subprocess.run([sys.executable, "-m", "hooklab.course.labs", "--check", str(WARMUP)],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


# -- checks that teach -------------------------------------------------------------


@checks.exercise("99.1", points=3, title="Double")
def _double(fn):
    for x in (2, 5):
        got = fn(x)
        checks.expect(got == 2 * x, expected=f"{2 * x} for {x}", got=got, hint="multiply by two")
    return "doubles"


def test_a_right_answer_prints_one_pass_line(capsys):
    assert checks.check("99.1", lambda x: x * 2) is None
    assert capsys.readouterr().out == "✅ 99.1 Double — passed (3/3 points): doubles\n"


def test_a_wrong_answer_says_what_was_expected_what_came_back_and_a_hint():
    with pytest.raises(checks.CheckFailed) as e:
        checks.check("99.1", lambda x: x + 2)
    assert str(e.value) == "❌ 99.1 Double: expected 10 for 5; got 7. Hint: multiply by two"
    assert isinstance(e.value, AssertionError) and isinstance(e.value, hooklab.HooklabError)
    assert (e.value.expected, e.value.got, e.value.hint) == ("expected 10 for 5", "7", "multiply by two")


def test_a_mapping_that_differs_in_one_field_is_named_with_both_values():
    def lead_to_member(data):  # right, except that the tag keeps the form id's case
        first, _, last = data["name"].partition(" ")
        return {"email_address": data["email"].strip().lower(),
                "status": "subscribed" if data["consent"] else "transactional",
                "merge_fields": {"FNAME": first, "LNAME": last, "COMPANY": data.get("company") or ""},
                "tags": [data["form_id"].upper()]}

    with pytest.raises(checks.CheckFailed) as e:
        checks.check("03.1", lead_to_member)
    message = str(e.value)
    assert "a value that differs at tags[0]: expected '" in message and "', got '" in message
    assert "merge_fields" not in message.split("Hint:")[0]  # only what differs is named
    assert checks.differences({"a": 1, "b": [1, 2]}, {"a": 1, "b": [1, 3], "c": 0}) == [
        "b[1]: expected 2, got 3", "c: not expected (got 0)"]


def test_a_stub_is_not_answered_yet_and_repeats_its_hint():
    def stub(x):
        raise NotImplementedError("exercise 99.1: multiply by two")

    with pytest.raises(checks.CheckFailed) as e:
        checks.check("99.1", stub)
    assert str(e.value).startswith("❌ 99.1 Double: not answered yet")
    assert str(e.value).endswith("Hint: multiply by two")


@checks.exercise("99.2", points=1, title="Handled elsewhere")
def _handled_elsewhere(errors):
    checks.expect(not errors, expected="no handler error", got=f"{len(errors)} failed: {checks.show(errors)}")


def test_a_stub_that_raised_out_of_reach_of_check_is_not_answered_yet():
    # A handler or a thread ran the stub: only its text comes back, in what the check got.
    with pytest.raises(checks.CheckFailed) as e:
        checks.check("99.2", ["NotImplementedError: exercise 99.2: post what route(event) says"] * 3)
    assert str(e.value).startswith("❌ 99.2 Handled elsewhere: not answered yet")
    assert e.value.hint == "post what route(event) says"
    with pytest.raises(checks.CheckFailed) as e:  # a real error is still the check's own failure
        checks.check("99.2", ["KeyError: 'exercise'"])
    assert str(e.value) == "❌ 99.2 Handled elsewhere: expected no handler error; got 1 failed: [\"KeyError: 'exercise'\"]."


def test_a_crash_in_learner_code_names_the_exception_and_the_line_without_a_chain():
    def broken(x):
        return x["a"]

    with pytest.raises(checks.CheckFailed) as e:
        checks.check("99.1", broken)
    assert 'your code raised TypeError: \'int\' object is not subscriptable at line' in str(e.value)
    assert 'of broken: `return x["a"]`' in str(e.value)
    assert e.value.__suppress_context__ and e.value.__cause__ is None


def test_an_unknown_exercise_lists_the_known_ones():
    with pytest.raises(checks.UnknownExercise) as e:
        checks.check("99.9", None)
    assert isinstance(e.value, KeyError)
    assert str(e.value).startswith("no exercise '99.9'; known exercises: 00.1, 00.2, 00.3")
    assert "99.1" in str(e.value)


def test_points_and_registry():
    assert checks.points("00.2") == 2
    assert {"00.1", "00.2", "00.3", "99.1"} <= set(checks.registry())
    assert hooklab.checks is checks


def test_lab00_checks_are_not_fooled_by_a_fixed_or_lazy_answer(vstack):
    first = vstack.fire("newsletter.subscribed", email="ana@example.com")
    with pytest.raises(checks.CheckFailed, match=r"expected the webhook delivered.*Hint: call stack.wait\(\)"):
        checks.check("00.2", lambda stack, email: stack.fire("newsletter.subscribed", email=email), vstack)
    with pytest.raises(checks.CheckFailed, match="expected one new event"):
        checks.check("00.2", lambda stack, email: first, vstack)
    vstack.wait()
    headers = vstack.dispatcher.attempt_detail(1)["request_headers"]
    with pytest.raises(checks.CheckFailed, match=r"expected the headers sent for event msg_\w+; got webhook-id"):
        checks.check("00.3", lambda stack, event_id: headers, vstack)
    forged = lambda stack, event_id: {**headers, "webhook-id": event_id}  # noqa: E731
    with pytest.raises(checks.CheckFailed, match="signature verifies"):
        checks.check("00.3", forged, vstack)


def test_lab00_checks_pass_right_answers(vstack, capsys):
    def sign_up(stack, email):
        event_id = stack.fire("newsletter.subscribed", email=email)
        stack.wait()
        return event_id

    def headers(stack, event_id):
        d = stack.deliveries()
        return stack.dispatcher.attempt_detail(int(d.loc[d["event_id"] == event_id, "attempt_id"].iloc[0]))[
            "request_headers"]

    checks.check("00.2", sign_up, vstack)
    checks.check("00.3", headers, vstack)
    assert capsys.readouterr().out.count("✅") == 2


# -- grading -----------------------------------------------------------------------

TIMEOUT, CELL_TIMEOUT = 40, 5  # generous: a class is graded 4 at a time on 2 cores


def hand_in(folder: Path, student: str, nb, name: str = WARMUP.name) -> None:
    (folder / student).mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / student / name)


def cell_of(nb, ex: str):
    return next(c for c in nb.cells if meta(c, "answer") == ex)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A class of ten: right, untouched, broken, looping, tampered, crashing, flooding, stubborn, partial, odd."""
    tmp = tmp_path_factory.mktemp("class")
    subs = tmp / "submissions"
    solution = nbformat.read(WARMUP, as_version=4)
    hand_in(subs, "ana", solution)
    hand_in(subs, "bruno", nbformat.read(ROOT / "labs" / WARMUP.name, as_version=4))
    (subs / "carla").mkdir()
    (subs / "carla" / WARMUP.name).write_text('{"cells": [')
    loop = labs.generate(WARMUP)
    cell_of(loop, "00.1").source = "while True:\n    pass"
    hand_in(subs, "davi", loop)
    tampered = labs.generate(WARMUP)  # checks edited to do nothing, or to print a pass; one deleted
    for c in tampered.cells:
        if meta(c, "check"):
            c.source = "pass" if meta(c, "check") == "00.1" else 'print("✅ 00.2 A signup reaches the CRM — passed")'
    tampered.cells = [c for c in tampered.cells if meta(c, "check") != "00.3"]
    hand_in(subs, "eva", tampered)
    crash = labs.generate(WARMUP)
    cell_of(crash, "00.1").source = "import os\nos._exit(1)"
    hand_in(subs, "fabio", crash)
    flood = labs.generate(WARMUP)
    cell_of(flood, "00.1").source = "print('x' * 50_000_000)"
    hand_in(subs, "gil", flood)
    stubborn = labs.generate(WARMUP)
    cell_of(stubborn, "00.1").source = ("import time\nwhile True:\n    try:\n        time.sleep(0.2)\n"
                                        "    except KeyboardInterrupt:\n        pass")
    hand_in(subs, "hana", stubborn)
    partial = labs.generate(WARMUP)  # 00.2 right but its metadata lost, 00.3 deleted
    cell_of(partial, "00.2").source = cell_of(solution, "00.2").source
    cell_of(partial, "00.2").metadata = {}
    partial.cells = [c for c in partial.cells if meta(c, "answer") != "00.3"]
    hand_in(subs, "ines", partial)
    hand_in(subs, "joao", solution, name="00_lab_warmup (1).ipynb")  # a second download: still lab 00
    started = time.monotonic()
    df = grading.grade(subs, tmp / "grades.csv", feedback_dir=tmp / "feedback", timeout=TIMEOUT, jobs=4,
                       cell_timeout=CELL_TIMEOUT, progress=False)
    return tmp, df, time.monotonic() - started


def row(df, student: str, lab: str = "00_lab_warmup"):
    return df[(df["student"] == student) & (df["lab"] == lab)].iloc[0]


def marks(df, student: str) -> tuple:
    r = row(df, student)
    return tuple(int(r[c]) for c in ("00.1", "00.2", "00.3", "total", "max"))


@pytest.mark.slow
def test_the_solution_gets_full_marks(graded):
    _, df, _ = graded
    assert marks(df, "ana") == (1, 2, 2, 5, 5) and row(df, "ana")["status"] == "ok"


@pytest.mark.slow
def test_an_untouched_lab_and_edited_checks_get_zero(graded):
    _, df, _ = graded
    for student in ("bruno", "eva"):
        assert marks(df, student) == (0, 0, 0, 0, 5) and row(df, student)["status"] == "ok"


@pytest.mark.slow
def test_answers_are_found_by_cell_id_and_a_deleted_answer_is_the_stub(graded):
    _, df, _ = graded
    assert marks(df, "ines") == (0, 2, 0, 2, 5)


@pytest.mark.slow
def test_broken_submissions_are_reported_zeros(graded):
    _, df, _ = graded
    expected = {
        "carla": "invalid notebook JSON: ",
        "davi": f"answer 00.1 ran longer than {CELL_TIMEOUT} s and was stopped",
        "fabio": "kernel died (while running answer 00.1)",
        "gil": "output too large (over 20 MB)",
        "hana": f"timed out after {TIMEOUT} s",
    }
    for student, status in expected.items():
        assert row(df, student)["status"].startswith(status), row(df, student)["status"]  # str or tuple
        assert marks(df, student) == (0, 0, 0, 0, 5)
    assert marks(df, "joao") == (1, 2, 2, 5, 5) and row(df, "joao")["status"] == "ok"  # "(1)" is a download suffix


@pytest.mark.slow
def test_the_class_is_graded_within_the_time_limit(graded):
    _, _, elapsed = graded
    # The stubborn loop is killed at its limit and the rest ran alongside: not TIMEOUT plus the nine
    # others one after another (about 9 × 4 s more). The margin allows for a loaded machine.
    assert elapsed < TIMEOUT + 45


@pytest.mark.slow
def test_the_csv_has_a_row_per_student_and_lab(graded):
    tmp, _, _ = graded
    with open(tmp / "grades.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["student", "lab", "00.1", "00.2", "00.3", "total", "max", "status", "review",
                             "isolation"]
    assert [(r["student"], r["lab"]) for r in rows] == sorted((r["student"], r["lab"]) for r in rows)
    assert len(rows) == 10 and rows[0] == {"student": "ana", "lab": "00_lab_warmup", "00.1": "1", "00.2": "2",
                                           "00.3": "2", "total": "5", "max": "5", "status": "ok", "review": "",
                                           "isolation": rows[0]["isolation"]}
    assert rows[0]["isolation"] in {"bwrap+user", "bwrap", "user", "limits"}  # what this machine allows


@pytest.mark.slow
def test_feedback_says_per_exercise_what_passed_and_what_to_fix(graded):
    tmp, _, _ = graded
    ana = (tmp / "feedback" / "ana.md").read_text(encoding="utf-8")
    assert "✅ **00.2 A signup reaches the CRM** (2/2)" in ana
    bruno = (tmp / "feedback" / "bruno.md").read_text(encoding="utf-8")
    assert "❌ **00.1 Start a seeded virtual stack** (0/1): not answered yet" in bruno
    assert "Hint: return hooklab.start(seed=..., clock=...)" in bruno
    davi = (tmp / "feedback" / "davi.md").read_text(encoding="utf-8")
    assert "your answer cell ran longer than 5 s" in davi
    assert any(w in (tmp / "feedback" / "hana.md").read_text(encoding="utf-8") for w in ("timed out after", "kernel died"))
    assert sorted(p.stem for p in (tmp / "feedback").glob("*.md")) == [
        "ana", "bruno", "carla", "davi", "eva", "fabio", "gil", "hana", "ines", "joao"]


@pytest.mark.slow
def test_the_grade_command(graded, tmp_path):
    tmp, _, _ = graded
    subs = tmp_path / "subs"
    shutil.copytree(tmp / "submissions" / "ana", subs / "ana")
    (subs / "zoe").mkdir()
    out = subprocess.run([sys.executable, "-m", "hooklab.cli", "grade", str(subs), "--out", str(tmp_path / "g.csv"),
                          "--feedback", str(tmp_path / "fb"), "--timeout", "60", "--jobs", "2"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)  # where an instructor runs it
    assert out.returncode == 0, out.stderr
    assert "graded 2 notebooks of 2 students" in out.stdout and "zoe / 00_lab_warmup: missing file" in out.stdout
    assert "grading" in out.stderr  # the progress bar
    lines = (tmp_path / "g.csv").read_text().splitlines()
    assert lines[0] == "student,lab,00.1,00.2,00.3,total,max,status,review,isolation"
    assert lines[1].startswith("ana,00_lab_warmup,1,2,2,5,5,ok,,") and lines[2] == "zoe,00_lab_warmup,0,0,0,0,5,missing file,,"
    assert (tmp_path / "fb" / "zoe.md").exists()


def test_grade_refuses_a_folder_that_is_not_there(tmp_path, capsys):
    assert cli.main(["grade", str(tmp_path / "nope")]) == 2
    assert "is not a folder of <student>/<lab>.ipynb" in capsys.readouterr().err


# -- answers found when the metadata is lost ------------------------------------------------------

def _fresh_copy(solution: Path, keep=lambda cell: True) -> nbformat.NotebookNode:
    """The student's cells pasted into a new notebook: same sources, no metadata, new cell ids."""
    old = nbformat.read(solution, as_version=4)
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c.source) for c in old.cells
                                           if c.cell_type == "code" and keep(c)])


def test_answers_pasted_into_a_fresh_notebook_are_found_by_the_labs_own_first_line():
    solution = labs.ROOT / "solutions" / "03_lab_leads.ipynb"
    lab = grading.Lab.load(solution)
    found = grading.answers(lab, _fresh_copy(solution))
    assert set(found) == {"03.1", "03.2", "03.3"} and all(found.values())
    assert found["03.1"].startswith("def lead_to_member(data):") and "NotImplementedError" not in found["03.1"]
    plan = grading.steps(lab, _fresh_copy(solution))
    answer = next(step for step in plan if step.get("answer") == "03.1")
    assert answer["source"] == found["03.1"]
    checks_run = [step["check"] for step in plan if "check" in step]  # the pasted check cells are the grader's
    assert checks_run == ["03.1", "03.2", "03.3"] and not any("checks.check(" in s.get("source", "") for s in plan)


def test_a_notebook_with_none_of_the_labs_answers_is_reported_not_a_silent_zero(tmp_path):
    student = tmp_path / "subs" / "lia"
    student.mkdir(parents=True)
    unrelated = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('my own notes')")])
    nbformat.write(unrelated, student / "03_lab_leads.ipynb")
    df = grading.grade(tmp_path / "subs", tmp_path / "grades.csv", progress=False)
    status = df.loc[df["student"] == "lia", "status"].iloc[0]
    assert status.startswith("answers not found: was this notebook recreated?") and df["total"].iloc[0] == 0


def test_a_failed_checks_message_wraps_to_fit_the_notebook_and_loses_no_word():
    message = ("❌ 03.2 A handler that registers leads: expected every lead handled without an error; got 4 "
               "failed: ['KeyError: company']. Hint: call email_platform.upsert_member(...) with the fields of "
               "lead_to_member, then read the error the check shows you")
    lines = checks.CheckFailed(message)._render_traceback_()
    assert len(lines) == 3 and all(len(line) <= checks.WIDTH for line in lines)
    assert lines[0].startswith("❌ 03.2") and all(line.startswith("  ") for line in lines[1:])
    assert " ".join(line.strip() for line in lines) == message
