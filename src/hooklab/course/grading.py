"""Grade a class's labs: ``hooklab grade SUBMISSIONS --out grades.csv [--feedback DIR]``.

``SUBMISSIONS`` holds, mixed as they come (see ``intake.collect``): per-student folders
``<student>/<lab>.ipynb``, where ``<lab>`` is the lab's file name (``01_lab_polling.ipynb``);
flat files ``<student>_<lab>.ipynb``; and LMS exports, a Canvas or Moodle ``.zip`` at the top.
Download suffixes (``(1)``, ``-1``, ``Copy of``, `` copy``) are removed and the newest of two
copies kept. Every file not graded as handed in is listed, with the reason, in
``<out stem>-intake.csv`` next to the grades. Each submission is graded by the *original* solution
notebook with the student's answer cells put in (matched by their
``hooklab.answer`` id, else by cell id; a deleted answer becomes the stub), so an
edited or deleted check cell changes nothing.

Each one runs in a fresh kernel of this environment, in a temporary folder, in a
child process with a wall-clock limit: a cell running longer than ``cell_timeout``
is interrupted (that exercise scores 0, the rest are still graded); past
``timeout`` the child and its kernel are killed. Invalid JSON, a dead kernel, a
flood of output or a missing file each cost that student's row, never the grader.

Grading runs the students' code with your permissions. It is not a sandbox
against deliberate cheating (an answer cell can patch anything in its kernel):
run it in a container or a throwaway account, and read the code of top scores.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd

from . import checks
from .intake import collect
from .labs import ROOT, generate, meta

__all__ = ["grade", "build", "answers", "exercises", "Lab"]

MAX_FILE_MB = 100    # a submission bigger than this is not read
MAX_OUTPUT_MB = 20   # output a graded run may produce before it is stopped
ANSWERS_NOT_FOUND = ("answers not found: was this notebook recreated? No cell carries the lab's answer "
                     "metadata or starts as the lab's answer cells do; paste the answers into a copy of the lab")


@dataclass
class Lab:
    """One lab as the grader sees it: the solution, its stubs, its exercises and their points."""

    name: str
    solution: nbformat.NotebookNode
    stubs: dict[str, str]
    points: dict[str, int]

    @classmethod
    def load(cls, path: Path) -> Lab:
        solution = nbformat.read(path, as_version=4)
        lab = generate(path)  # raises on malformed markers: the instructor's to fix, before grading
        stubs = {meta(c, "answer"): c.source for c in lab.cells if meta(c, "answer") is not None}
        points = {}
        for c in solution.cells:
            if meta(c, "check") is not None:
                ex = str(meta(c, "check"))
                points[ex] = int(meta(c, "points") if meta(c, "points") is not None else checks.points(ex))
        return cls(path.stem, solution, stubs, points)


def exercises(solution: str | Path) -> dict[str, int]:
    """Exercise id → points, from a solution's check cells."""
    return Lab.load(Path(solution)).points


def _first_line(source: str) -> str:
    return next((line.strip() for line in source.splitlines() if line.strip()), "")


def answers(lab: Lab, submission: nbformat.NotebookNode) -> dict[str, str | None]:
    """Each exercise's answer in ``submission``, or None where the student has none.

    A cell is found by its ``hooklab.answer`` id, else by its cell id, else by the lab's own
    prompt: the stub's first line (``def lead_to_member(data):``), which a notebook recreated
    by copy and paste keeps though its cells lost their metadata.
    """
    by_answer, by_id, by_line = {}, {}, {}
    for c in submission.cells:
        if c.get("cell_type") != "code" or not isinstance(c.get("source"), str):
            continue
        if meta(c, "answer") is not None:
            by_answer.setdefault(str(meta(c, "answer")), c)
        if c.get("id"):
            by_id.setdefault(c["id"], c)
        if meta(c, "check") is None:
            by_line.setdefault(_first_line(c.source), c)
    found: dict[str, str | None] = {}
    for cell in lab.solution.cells:
        ex = meta(cell, "answer")
        if ex is None or cell.cell_type != "code":
            continue
        mine = by_answer.get(str(ex))
        if mine is None and (other := by_id.get(cell.get("id"))) is not None and meta(other, "answer") in (None, ex):
            mine = other
        if mine is None and (pasted := by_line.get(_first_line(lab.stubs[ex]))) is not None \
                and meta(pasted, "answer") is None:
            mine = pasted
        found[str(ex)] = None if mine is None else mine["source"]
    return found


def build(lab: Lab, submission: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook to run: the solution, outputs cleared, each answer cell's source the student's.

    Answers are found by :func:`answers`; one the student deleted (or turned into markdown)
    becomes the stub.
    """
    found = answers(lab, submission)
    graded = copy.deepcopy(lab.solution)
    for cell in graded.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        ex = meta(cell, "answer")
        if ex is not None:
            cell.source = found.get(str(ex)) or lab.stubs[ex]
    return graded


def read_submission(path: Path) -> nbformat.NotebookNode | str:
    """The student's notebook, or a one-line reason it cannot be graded."""
    if not path.exists():
        return "missing file"
    size = path.stat().st_size
    if size > MAX_FILE_MB * 2**20:
        return f"file too large ({size / 2**20:.0f} MB; the limit is {MAX_FILE_MB} MB)"
    try:
        text = path.read_bytes().decode("utf-8")
        data = json.loads(text)
    except UnicodeDecodeError:
        return "invalid notebook JSON: the file is not UTF-8 text"
    except json.JSONDecodeError as e:
        return f"invalid notebook JSON: {e.msg} at line {e.lineno}, column {e.colno}"
    if not isinstance(data, dict) or not isinstance(data.get("cells", data.get("worksheets")), list):
        return "not a notebook: the JSON has no cells"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
        for c in nb.cells:
            if not isinstance(c.get("source"), str) or "cell_type" not in c:
                raise ValueError("a cell has no source or type")
    except Exception as e:  # nbformat raises many kinds on odd notebooks
        return f"not a notebook: {type(e).__name__}: {str(e).splitlines()[0][:120] if str(e) else ''}"
    return nb


@dataclass
class _Job:
    student: str
    lab: Lab
    notebook: nbformat.NotebookNode
    workdir: Path = field(default_factory=Path)  # a fresh temporary folder, made by start()
    proc: subprocess.Popen | None = None
    deadline: float = 0.0

    @property
    def files(self) -> tuple[Path, Path, Path, Path]:
        return (self.workdir / f"{self.lab.name}.ipynb", self.workdir / ".result.json",
                self.workdir / ".kernel.pid", self.workdir / ".runner.log")

    def start(self, timeout: float, cell_timeout: float) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="hooklab-grade-"))
        notebook, result, pid_file, log = self.files
        nbformat.write(self.notebook, notebook)
        cmd = [sys.executable, "-m", "hooklab.course.runner", str(notebook), str(result), str(pid_file),
               str(cell_timeout), str(MAX_OUTPUT_MB)]
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(cmd, cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=(os.name == "posix"))
        self.deadline = time.monotonic() + timeout

    def kill(self) -> None:
        """The kernel's process group first (its pid cannot be reused while the runner lives), then the runner."""
        _, _, pid_file, _ = self.files
        assert self.proc is not None
        try:
            kernel = int(pid_file.read_text())
        except (OSError, ValueError):
            kernel = None
        for pid in ([kernel] if kernel else []) + [self.proc.pid]:
            try:
                if os.name == "posix":
                    os.killpg(pid, signal.SIGKILL)  # the kernel and the runner each lead their own session
                else:
                    os.kill(pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError, OSError):
                pass
        self.proc.wait()

    def cleanup(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill()
        if self.workdir != Path():
            shutil.rmtree(self.workdir, ignore_errors=True)

    def outcome(self) -> dict:
        _, result, _, log = self.files
        try:
            return json.loads(result.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            code = self.proc.returncode if self.proc else None
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
            why = f"killed by signal {-code}" if code is not None and code < 0 else (tail[0][:150] if tail else
                                                                                     f"exit status {code}")
            return {"fatal": f"grader process failed: {why}"}


def _row(student: str, lab: Lab | None, lab_name: str, status: str, verdicts: dict | None = None) -> dict:
    verdicts = verdicts or {}
    points = lab.points if lab else {}
    earned = {ex: (p if verdicts.get(ex, {}).get("passed") else 0) for ex, p in points.items()}
    return {"student": student, "lab": lab_name, **earned, "total": sum(earned.values()),
            "max": sum(points.values()), "status": status, "_verdicts": verdicts, "_points": points}


def _finish(job: _Job, timeout: float) -> dict:
    if job.proc is not None and job.proc.poll() is None:
        job.kill()
        data = {"fatal": f"timed out after {timeout:g} s"}
    else:
        data = job.outcome()
    job.cleanup()
    if data.get("fatal"):
        return _row(job.student, job.lab, job.lab.name, data["fatal"])
    return _row(job.student, job.lab, job.lab.name, data.get("status", "ok"), data.get("checks", {}))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _feedback(rows: list[dict], folder: Path, titles: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for student in sorted({r["student"] for r in rows}):
        mine = [r for r in rows if r["student"] == student]
        total, most = sum(r["total"] for r in mine), sum(r["max"] for r in mine)
        lines = [f"# Feedback for {student}", "", f"**{total} / {most} points** in {len(mine)} lab(s).", ""]
        for r in mine:
            lines += [f"## {r['lab']}: {r['total']}/{r['max']} points", ""]
            if r["status"] != "ok":
                lines += [f"⚠️ {r['status']}.", ""]
            for ex, verdict in r["_verdicts"].items():
                title = titles.get(ex, "")
                head = f"❌ {ex} {title}:".replace("  ", " ")
                message = _one_line(verdict.get("message", ""))
                message = message[len(head):].strip() if message.startswith(head) else message
                mark = "✅" if verdict.get("passed") else "❌"
                lines.append(f"- {mark} **{ex} {title}** ({r.get(ex, 0)}/{r['_points'].get(ex, 0)})"
                             + (f": {message}" if message else ""))
            lines.append("")
        (folder / f"{student}.md").write_text("\n".join(lines), encoding="utf-8")


def _id_key(ex: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in ex.split("."))


def _run_all(pending: deque[_Job], timeout: float, cell_timeout: float, jobs: int, done: int,
             progress: bool) -> list[dict]:
    """Run the jobs, ``jobs`` at a time, each killed at its deadline; a progress bar on stderr."""
    from tqdm import tqdm

    rows: list[dict] = []
    running: list[_Job] = []
    try:
        with tqdm(total=done + len(pending), initial=done, desc="grading", unit="notebook", file=sys.stderr,
                  disable=not progress) as bar:
            while pending or running:
                while pending and len(running) < max(1, jobs):
                    job = pending.popleft()
                    try:
                        job.start(timeout, cell_timeout)
                        running.append(job)
                    except OSError as e:  # no process, no disk space: that row says so, the class goes on
                        job.cleanup()
                        rows.append(_row(job.student, job.lab, job.lab.name, f"grader could not start it: {e}"))
                        bar.update(1)
                time.sleep(0.05)
                for job in list(running):
                    assert job.proc is not None
                    if job.proc.poll() is not None or time.monotonic() > job.deadline:
                        rows.append(_finish(job, timeout))
                        running.remove(job)
                        bar.update(1)
    finally:  # Ctrl-C: leave no kernel running and no folder behind
        for job in running:
            job.cleanup()
    return rows


def grade(submissions_dir: str | Path, out_csv: str | Path, feedback_dir: str | Path | None = None,
          timeout: float = 120, jobs: int = 1, *, solutions_dir: str | Path | None = None,
          cell_timeout: float | None = None, progress: bool = True) -> pd.DataFrame:
    """Grade every submission in ``submissions_dir``; write the CSV, the intake CSV (and feedback); return it.

    One row per student and lab (a student missing a lab that others handed in gets a
    "missing file" row); every file not graded as handed in is a row of ``<out stem>-intake.csv``
    (also in ``df.attrs["intake"]``). ``timeout`` is the wall-clock limit per submission in seconds;
    ``cell_timeout`` (default: half of it) interrupts one long cell and grades the rest;
    ``jobs`` submissions run in parallel::

        grade("submissions", "grades.csv", feedback_dir="feedback", jobs=4)
    """
    submissions = Path(submissions_dir)
    solutions = Path(solutions_dir) if solutions_dir else ROOT / "solutions"
    cell_timeout = min(cell_timeout or timeout / 2, timeout)
    if not submissions.is_dir():
        raise FileNotFoundError(f"{submissions} is not a folder of <student>/<lab>.ipynb")
    known = {p.name: p for p in sorted(solutions.glob("*.ipynb"))}
    with collect(submissions, set(known)) as intake:  # the notebooks are read here, before the temp folders go
        handed_in = intake.files
        names = sorted({n for files in handed_in.values() for n in files if n in known})
        labs = {n: Lab.load(known[n]) for n in names}

        rows: list[dict] = []
        pending: deque[_Job] = deque()
        for student, files in handed_in.items():
            for name in names:
                nb = read_submission(files[name]) if name in files else "missing file"
                if isinstance(nb, str):
                    rows.append(_row(student, labs[name], labs[name].name, nb))
                elif labs[name].stubs and not any(answers(labs[name], nb).values()):
                    rows.append(_row(student, labs[name], labs[name].name, ANSWERS_NOT_FOUND))
                else:
                    pending.append(_Job(student, labs[name], build(labs[name], nb)))
            for name in sorted(set(files) - set(known)):
                rows.append(_row(student, None, Path(name).stem,
                                 f"unknown lab: {name} is not in {solutions.name}/ (rename it to the lab's file name)"))
    intake_csv = Path(out_csv).with_name(f"{Path(out_csv).stem}-intake.csv")
    pd.DataFrame(intake.notes, columns=["student", "file", "note"]).to_csv(intake_csv, index=False)

    rows += _run_all(pending, timeout, cell_timeout, jobs, len(rows), progress)

    ids = sorted({ex for lab in labs.values() for ex in lab.points}, key=_id_key)
    rows.sort(key=lambda r: (r["student"], r["lab"]))
    df = pd.DataFrame([{k: v for k, v in r.items() if not k.startswith("_")} for r in rows],
                      columns=["student", "lab", *ids, "total", "max", "status"])
    for ex in ids:
        df[ex] = df[ex].astype("Int64")
    df[["total", "max"]] = df[["total", "max"]].astype(int)
    df["status"] = df["status"].map(_one_line)
    df.to_csv(out_csv, index=False)
    df.attrs["intake"] = {"csv": str(intake_csv), "notes": len(intake.notes)}
    if feedback_dir is not None:
        _feedback(rows, Path(feedback_dir), _titles(ids))
    return df


def _titles(ids: list[str]) -> dict[str, str]:
    titles = {}
    for ex in ids:
        try:
            titles[ex] = checks._load(ex).title
        except Exception:  # a lab whose check module is broken still gets its feedback, untitled
            pass
    return titles
