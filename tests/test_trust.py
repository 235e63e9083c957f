"""Grades no submission can forge: each trick earns 0 points or a review flag, never points with status ok.

One class is graded once (module fixture): lab 03 handed in by an honest student, by students
who try the tricks of issue 17 and some of our own, and by untouched labs graded *after* the
tricks, which must still get 0. Lab 08 (pure functions, quick) covers the careless cases.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path

import nbformat
import psutil
import pytest

from hooklab.course import grading, labs
from hooklab.course.labs import meta

pytestmark = pytest.mark.slow

LEADS = labs.ROOT / "labs" / "03_lab_leads.ipynb"
LEADS_SOLUTION = labs.ROOT / "solutions" / "03_lab_leads.ipynb"
ERRORS_SOLUTION = labs.ROOT / "solutions" / "08_lab_errors.ipynb"
CHECKS = Path(grading.checks.__file__).resolve()
MARK = f"hooklab-escape-{uuid.uuid4().hex[:8]}"

TRICKS = {
    # issue 17's tricks
    "fake_pass": "import hooklab\n"
                 "def _pass(id, *a, **k):\n    print(f'✅ {id} passed (3/3 points)')\n"
                 "hooklab.checks.check = _pass\nhooklab.course.checks.check = _pass",
    "noop_helper": "import hooklab.course.checks as c\nc.expect = lambda *a, **k: None\nc.fail = lambda *a, **k: None",
    "result_file": "import json, os, signal\n"
                   "open('.result.json', 'w').write(json.dumps({'fatal': None, 'status': 'ok', 'checks': "
                   "{ex: {'passed': True, 'message': ''} for ex in ('03.1', '03.2', '03.3')}}))\n"
                   "for pid in range(2, 200):\n    try:\n        os.kill(pid, signal.SIGKILL)\n"
                   "    except Exception:\n        pass",
    "read_solutions": "import json\nfrom hooklab.course.labs import ROOT\n"
                      f"for path in (ROOT / 'solutions' / '03_lab_leads.ipynb', {str(LEADS_SOLUTION)!r}):\n"
                      "    try:\n        cells = json.load(open(path))['cells']\n"
                      "        exec(''.join(cells[5]['source']))\n    except OSError as e:\n        print(e)",
    "import_reference": "from hooklab.course.hidden.lab03 import *\nfrom hooklab.course.lab03 import _member as lead_to_member",
    "tamper_on_disk": "import pathlib, hooklab.course.checks as c\n"
                      f"for p in (pathlib.Path(c.__file__), pathlib.Path({str(CHECKS)!r})):\n"
                      "    try:\n        p.write_text(p.read_text().replace('def verdict(', "
                      "'def verdict(*a, **k):\\n    return True, \"\"\\ndef _verdict('))\n"
                      "    except OSError as e:\n        print(e)",
    "pgid": "import os\nopen('.kernel.pid', 'w').write(str(os.getpgid(0)))\n"
            "open('../.kernel.pid', 'w').write(str(os.getpgid(0))) if os.access('..', os.W_OK) else None",
    "escape": "import os, subprocess, time\n"
              f"subprocess.Popen(['sleep', '600', '{MARK}'], start_new_session=True)\n"
              "if os.fork() == 0:\n    os.setsid()\n"
              f"    os.execvp('sleep', ['sleep', '601', '{MARK}'])",
    # our own
    "always_equal": "class Yes(dict):\n    def __eq__(self, other):\n        return True\n"
                    "def lead_to_member(data):\n    return Yes()",
    "forged_reply": "import hooklab.course.boundary as b\nfrom IPython.display import publish_display_data\n"
                    "b.Agent.handle = lambda self, text: publish_display_data({b.MIME: {'ok': True}})",
    "fill_disk": "with open('big.bin', 'wb') as f:\n    for _ in range(400):\n        f.write(b'0' * 2**20)",
}


def _with_cell(path: Path, source: str) -> nbformat.NotebookNode:
    """The notebook with ``source`` as a new code cell after the first one (the stack's)."""
    nb = nbformat.read(path, as_version=4)
    first = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells.insert(first + 1, nbformat.v4.new_code_cell(source))
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("trust")
    subs = root / "subs"
    before = hashlib.sha256(CHECKS.read_bytes()).hexdigest()

    def hand_in(student: str, nb: nbformat.NotebookNode, name: str = LEADS.name) -> None:
        (subs / student).mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, subs / student / name)

    hand_in("a_honest", nbformat.read(LEADS_SOLUTION, as_version=4))
    for name, source in TRICKS.items():
        hand_in(f"b_{name}", _with_cell(LEADS, source))
    for n in (1, 2):  # graded after the tricks (students run in name order)
        hand_in(f"z_untouched{n}", nbformat.read(LEADS, as_version=4))
    df = grading.grade(subs, root / "grades.csv", jobs=2, timeout=90, progress=False)
    after = hashlib.sha256(CHECKS.read_bytes()).hexdigest()
    return df.set_index("student"), before, after, root


def test_no_trick_earns_points_with_status_ok(graded):
    df, *_ = graded
    for name in TRICKS:
        row = df.loc[f"b_{name}"]
        assert row["total"] == 0, f"{name} earned {row['total']} points: {row['status']}"


def test_tricks_reaching_for_the_grader_are_listed_for_review(graded):
    df, *_ = graded
    for name in ("fake_pass", "noop_helper", "import_reference", "tamper_on_disk", "forged_reply", "read_solutions"):
        assert df.loc[f"b_{name}", "review"], f"{name} is not flagged for review"
    assert not df.loc["a_honest", "review"] and not df.loc["z_untouched1", "review"]


def test_the_honest_student_is_graded_and_the_untouched_labs_after_the_tricks_get_zero(graded):
    df, *_ = graded
    assert df.loc["a_honest", "total"] == df.loc["a_honest", "max"] == 8
    assert df.loc["a_honest", "status"] == "ok"
    for n in (1, 2):
        assert df.loc[f"z_untouched{n}", "total"] == 0 and df.loc[f"z_untouched{n}", "status"] == "ok"


def test_the_instructors_files_are_untouched(graded):
    _, before, after, _ = graded
    assert before == after


def test_killing_and_filling_say_so_in_the_status(graded):
    df, *_ = graded
    assert "kernel died" in df.loc["b_result_file", "status"]
    assert "file size limit" in df.loc["b_fill_disk", "status"]


def test_nothing_a_submission_started_is_alive_after_grading(graded):
    alive = [p.info for p in psutil.process_iter(["pid", "cmdline"]) if MARK in " ".join(p.info["cmdline"] or [])]
    assert not alive


def test_the_isolation_used_is_in_the_csv(graded):
    df, *_ = graded
    assert set(df["isolation"]) <= {"bwrap+user", "user", "bwrap", "limits"} and df["isolation"].nunique() == 1


# -- careless but honest ------------------------------------------------------------------------------

def _answer_cell(nb: nbformat.NotebookNode, ex: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if meta(c, "answer") == ex)


@pytest.fixture(scope="module")
def careless(tmp_path_factory):
    root = tmp_path_factory.mktemp("careless")
    subs = root / "subs"
    # a helper in the student's own extra cell, used by the answer
    helper = nbformat.read(ERRORS_SOLUTION, as_version=4)
    cell = _answer_cell(helper, "08.2")
    cell.source = "def should_retry(status):\n    return _retryable(status)"
    helper.cells.insert(helper.cells.index(cell), nbformat.v4.new_code_cell(
        "def _retryable(status):\n    return status is None or status >= 500 or status in (408, 409, 429)"))
    # the kernel dies after two exercises were checked
    crash = nbformat.read(ERRORS_SOLUTION, as_version=4)
    last = _answer_cell(crash, "08.3")
    crash.cells.insert(crash.cells.index(last), nbformat.v4.new_code_cell("import os\nos.kill(os.getpid(), 9)"))
    for student, nb in (("helper", helper), ("crash", crash)):
        (subs / student).mkdir(parents=True)
        nbformat.write(nb, subs / student / ERRORS_SOLUTION.name)
    return grading.grade(subs, root / "grades.csv", jobs=2, timeout=60, progress=False).set_index("student")


def test_a_helper_in_an_extra_cell_is_kept(careless):
    assert careless.loc["helper", "08.2"] == 2 and careless.loc["helper", "total"] == 8


def test_exercises_checked_before_the_kernel_died_keep_their_points(careless):
    row = careless.loc["crash"]
    assert (row["08.1"], row["08.2"], row["08.3"]) == (3, 2, 0)
    assert "kernel died" in row["status"] and "keep their points" in row["status"]


def test_the_gradebook_has_a_row_per_student_and_a_column_per_lab(careless, tmp_path_factory):
    book = Path(careless.attrs["gradebook"])
    lines = book.read_text().splitlines()
    assert lines[0].startswith("Student,ID,SIS Login ID,Section,08_lab_errors (8 points),Total")
    assert len(lines) == 3


# -- a timed check across the boundary -------------------------------------------------------------

def test_lab_12_times_the_learners_endpoint_not_the_graders_round_trip(tmp_path):
    """12.1's 20 ms target passes the solution graded from another process, and fails a handler in the request."""
    solution = labs.ROOT / "solutions" / "12_lab_scaling.ipynb"
    slow = nbformat.read(solution, as_version=4)
    cell = _answer_cell(slow, "12.1")
    assert "        jobs.put(request.get_json())\n" in cell.source
    cell.source = cell.source.replace("        jobs.put(request.get_json())\n",
                                      "        jobs.put(request.get_json())\n        lab12.slow_handle(None)\n")
    for student, nb in (("fast", nbformat.read(solution, as_version=4)), ("slow", slow)):
        (tmp_path / "subs" / student).mkdir(parents=True)
        nbformat.write(nb, tmp_path / "subs" / student / solution.name)
    df = grading.grade(tmp_path / "subs", tmp_path / "grades.csv", jobs=2, timeout=90, progress=False)
    df = df.set_index("student")
    assert df.loc["fast", "12.1"] == 3 and df.loc["fast", "total"] == df.loc["fast", "max"]
    assert df.loc["slow", "12.1"] == 0 and df.loc["slow", "total"] == df.loc["fast", "total"] - 3
