"""Grade a class's labs: ``hooklab grade SUBMISSIONS --out grades.csv [--feedback DIR]``.

``SUBMISSIONS`` holds, mixed as they come (see ``intake.collect``): per-student folders
``<student>/<lab>.ipynb``, where ``<lab>`` is the lab's file name (``01_lab_polling.ipynb``);
flat files ``<student>_<lab>.ipynb``; and LMS exports, a Canvas or Moodle ``.zip`` at the top.
Download suffixes (``(1)``, ``-1``, ``Copy of``, `` copy``) are removed and the newest of two
copies kept. Every file not graded as handed in is listed, with the reason, in
``<out stem>-intake.csv`` next to the grades. The student's code cells run in their order (answer
cells found by their ``hooklab.answer`` id, cell id or first line; a deleted answer becomes the
stub); the check cells are the grader's own (:func:`steps`), so an edited or deleted check cell
changes nothing.

A lab of a translated track (``labs/pt-BR/...``, same file name, ``"language": "pt-BR"`` in the
notebook's metadata) is graded against the same solution, with the same checks and points; its
check messages and its student's feedback file are in that language (:mod:`hooklab.course.messages`),
while the CSVs stay in English for the instructor. A class may mix languages.

Each one runs in a fresh kernel in its own sandbox, driven by a child process with a
wall-clock limit: a cell running longer than ``cell_timeout`` is interrupted (that exercise
scores 0, the rest are still graded); past ``timeout`` the child and everything the submission
started are killed, and the exercises checked by then keep their points. Invalid JSON, a dead kernel, a
flood of output or a missing file each cost that student's row, never the grader.

The points are decided outside the student's code: the runner (:mod:`hooklab.course.runner`)
runs the student's cells in a sandboxed kernel (:mod:`hooklab.course.sandbox`) and the checks,
visible and hidden, in its own process, calling the student's functions across
:mod:`hooklab.course.boundary` with JSON. docs/instructors.md says what is isolated and what is not.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from . import checks
from .intake import collect
from .labs import ROOT, LabError, generate, meta
from .messages import LANGUAGES, Message, _, say, speaking

__all__ = ["grade", "steps", "answers", "exercises", "Lab"]

MAX_FILE_MB = 100    # a submission bigger than this is not read
MAX_OUTPUT_MB = 20   # output a graded run may produce before it is stopped
ANSWERS_NOT_FOUND = Message("answers not found: was this notebook recreated? No cell carries the lab's answer metadata "
                            "or starts as the lab's answer cells do; paste the answers into a copy of the lab")


@dataclass
class Lab:
    """One lab as the grader sees it: the solution, its stubs, its exercises, their points and check calls.

    ``calls[ex]`` are the names the solution's check cell passes (``check("03.2", handle_lead,
    stack)`` → ``["handle_lead", "stack"]``); ``start`` the arguments of the lab's
    ``stack = hooklab.start(...)``, with which the grader starts its own stack.
    """

    name: str
    solution: nbformat.NotebookNode
    stubs: dict[str, str]
    points: dict[str, int]
    calls: dict[str, list[str]] = field(default_factory=dict)
    start: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Lab:
        solution = nbformat.read(path, as_version=4)
        lab = generate(path)  # raises on malformed markers: the instructor's to fix, before grading
        stubs = {meta(c, "answer"): c.source for c in lab.cells if meta(c, "answer") is not None}
        points, calls, start = {}, {}, None
        for c in solution.cells:
            if c.cell_type != "code":
                continue
            if meta(c, "check") is not None:
                ex = str(meta(c, "check"))
                points[ex] = int(meta(c, "points") if meta(c, "points") is not None else checks.points(ex))
                calls[ex] = _check_call(c.source, ex, path)
            if start is None and meta(c, "answer") is None:
                start = _start_options(c.source)
        return cls(path.stem, solution, stubs, points, calls, start or {})


def _check_call(source: str, ex: str, path: Path) -> list[str]:
    """The names a check cell passes to ``hooklab.checks.check(ex, ...)``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "check" and node.args \
                and isinstance(node.args[0], ast.Constant) and node.args[0].value == ex:
            if not all(isinstance(a, ast.Name) for a in node.args[1:]) or node.keywords:
                raise LabError(f"{path.name}: the check cell of {ex} must pass names only (check(\"{ex}\", fn, stack))")
            return [a.id for a in node.args[1:]]  # type: ignore[attr-defined]
    raise LabError(f"{path.name}: the check cell of {ex} does not call hooklab.checks.check(\"{ex}\", ...)")


def _start_options(source: str) -> dict | None:
    """The keyword arguments of a ``stack = hooklab.start(...)`` in ``source``, if they are all constants."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and getattr(node.value.func, "attr", None) == "start" and not node.value.args:
            try:
                return {kw.arg: ast.literal_eval(kw.value) for kw in node.value.keywords if kw.arg}
            except ValueError:
                return None
    return None


def exercises(solution: str | Path) -> dict[str, int]:
    """Exercise id → points, from a solution's check cells."""
    return Lab.load(Path(solution)).points


def _first_line(source: str) -> str:
    return next((line.strip() for line in source.splitlines() if line.strip()), "")


def _answer_cells(lab: Lab, submission: nbformat.NotebookNode) -> dict[str, Any]:
    """Each exercise's answer cell in ``submission`` (those it has).

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
    found: dict[str, Any] = {}
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
        if mine is not None:
            found[str(ex)] = mine
    return found


def answers(lab: Lab, submission: nbformat.NotebookNode) -> dict[str, str | None]:
    """Each exercise's answer source in ``submission``, or None where the student has none."""
    cells = _answer_cells(lab, submission)
    return {str(ex): (cells[str(ex)]["source"] if str(ex) in cells else None)
            for ex in (meta(c, "answer") for c in lab.solution.cells if c.cell_type == "code")
            if ex is not None}


def _is_check_cell(cell: Any) -> bool:
    return meta(cell, "check") is not None or cell.source.lstrip().startswith("hooklab.checks.check(")


def steps(lab: Lab, submission: nbformat.NotebookNode) -> list[dict]:
    """What the runner does, in order: the student's code cells, and where each exercise is checked.

    Every code cell of the student's runs, in the student's order (helpers in extra cells
    included), except check cells: the checks are the grader's, run outside the kernel. Exercise
    X is checked where the student's check cell for X is, else after its answer and the cells
    that follow it up to the next answer or check cell; an answer the student deleted is the
    lab's stub, run just before its check.
    """
    found = answers(lab, submission)
    owner = {id(c): ex for ex, c in _answer_cells(lab, submission).items()}
    cells = [c for c in submission.cells if c.get("cell_type") == "code" and isinstance(c.get("source"), str)]
    plan: list[dict] = []
    checked: set[str] = set()
    pending: list[str] = []  # answered exercises waiting for their check

    def flush() -> None:
        for ex in pending:
            if ex not in checked:
                plan.append({"check": ex, "label": Message("check {ex}", ex=ex)})
                checked.add(ex)
        pending.clear()

    for index, cell in enumerate(cells):
        ex = owner.get(id(cell))
        if _is_check_cell(cell):
            mine = str(meta(cell, "check")) if meta(cell, "check") is not None else None
            flush()
            if mine in lab.points and mine not in checked and found.get(mine) is not None:
                plan.append({"check": mine, "label": Message("check {ex}", ex=mine)})
                checked.add(mine)
            continue
        if ex is not None:
            flush()
            plan.append({"source": cell.source, "label": Message("answer {ex}", ex=ex), "answer": ex})
            pending.append(ex)
        else:
            plan.append({"source": cell.source, "label": Message("cell {n}", n=index + 1)})
    flush()
    for ex in sorted(set(lab.points) - checked, key=checks.id_key):
        if ex in lab.stubs and found.get(ex) is None:
            plan.append({"source": lab.stubs[ex], "label": Message("answer {ex} (the lab's stub: none found)", ex=ex),
                         "answer": ex})
        plan.append({"check": ex, "label": Message("check {ex}", ex=ex)})
    return plan


def read_submission(path: Path) -> nbformat.NotebookNode | str:
    """The student's notebook, or a one-line reason it cannot be graded (a :class:`Message`)."""
    if not path.exists():
        return Message("missing file")
    size = path.stat().st_size
    if size > MAX_FILE_MB * 2**20:
        return Message("file too large ({size:.0f} MB; the limit is {limit} MB)", size=size / 2**20, limit=MAX_FILE_MB)
    try:
        text = path.read_bytes().decode("utf-8")
        data = json.loads(text)
    except UnicodeDecodeError:
        return Message("invalid notebook JSON: the file is not UTF-8 text")
    except json.JSONDecodeError as e:
        return Message("invalid notebook JSON: {error} at line {line}, column {column}", error=e.msg, line=e.lineno,
                       column=e.colno)
    if not isinstance(data, dict) or not isinstance(data.get("cells", data.get("worksheets")), list):
        return Message("not a notebook: the JSON has no cells")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
        for c in nb.cells:
            if not isinstance(c.get("source"), str) or "cell_type" not in c:
                raise ValueError("a cell has no source or type")
    except Exception as e:  # nbformat raises many kinds on odd notebooks
        return Message("not a notebook: {error}",
                       error=f"{type(e).__name__}: {str(e).splitlines()[0][:120] if str(e) else ''}")
    return nb


def language_of(nb: nbformat.NotebookNode) -> str:
    """The track a submission belongs to: ``"language"`` in its metadata (``translations.new`` sets it), else English."""
    found = nb.get("metadata", {}).get("language")
    return found if found in LANGUAGES else "en"


def _package_snapshot() -> Path:
    """A private copy of the ``hooklab`` package the runners import: checks a submission edits on disk
    (the instructor's checkout, if it could reach it) never change how later submissions are graded."""
    folder = Path(tempfile.mkdtemp(prefix="hooklab-grader-"))
    shutil.copytree(Path(checks.__file__).resolve().parents[1], folder / "hooklab",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return folder


@dataclass
class _Job:
    student: str
    lab: Lab
    steps: list[dict]
    language: str = "en"
    folder: Path = field(default_factory=Path)  # private to the grader (0700): the plan, the runner's log
    proc: subprocess.Popen | None = None
    deadline: float = 0.0
    slot: int = 0
    events: list[dict] = field(default_factory=list)
    _pipe: int | None = None
    _buffer: bytes = b""

    def start(self, timeout: float, cell_timeout: float, snapshot: Path, slot: int) -> None:
        self.slot = slot
        self.folder = Path(tempfile.mkdtemp(prefix="hooklab-grade-"))
        read, write = os.pipe()
        os.set_blocking(read, False)
        self._pipe = read
        steps = [{**s, "label": s["label"].dump() if isinstance(s.get("label"), Message) else s.get("label")}
                 for s in self.steps]  # a label crosses as text to say in the student's language
        plan = {"steps": steps, "checks": {ex: {"args": self.lab.calls.get(ex, []), "answer": ex}
                                           for ex in self.lab.points},
                "start": self.lab.start, "language": self.language, "cell_timeout": cell_timeout, "output_mb": MAX_OUTPUT_MB,
                "slot": slot, "cpu_s": int(timeout * 2) + 30, "result_fd": write}
        (self.folder / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(snapshot)}
        try:
            with open(self.folder / "runner.log", "wb") as log:
                self.proc = subprocess.Popen([sys.executable, "-m", "hooklab.course.runner", str(self.folder / "plan.json")],
                                             cwd=self.folder, stdin=subprocess.DEVNULL, stdout=log,
                                             stderr=subprocess.STDOUT, env=env, pass_fds=(write,),
                                             start_new_session=(os.name == "posix"))
        finally:
            os.close(write)
        self.deadline = time.monotonic() + timeout

    def read(self) -> None:
        """Take what the runner has written so far (a line per decided check, then the end)."""
        if self._pipe is None:
            return
        while True:
            try:
                chunk = os.read(self._pipe, 65536)
            except BlockingIOError:
                break
            if not chunk:
                os.close(self._pipe)
                self._pipe = None
                break
            self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            try:
                self.events.append(json.loads(line))
            except ValueError:
                pass

    def kill(self) -> None:
        """The runner only (its pid is its own, a submission cannot swap it), then whatever ran as the run's user."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.terminate()  # the runner sweeps its sandbox on the way out
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if os.name == "posix" and os.geteuid() == 0:
            from .sandbox import FIRST_UID, Sandbox

            Sandbox.sweep_user(FIRST_UID + self.slot)

    def cleanup(self) -> None:
        if self.proc is not None:
            self.kill()
        self.read()
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
        if self.folder != Path():
            shutil.rmtree(self.folder, ignore_errors=True)

    def outcome(self) -> dict:
        """The runner's verdicts and end; a runner that ended without one says why, and keeps the verdicts."""
        verdicts = {e["check"]: {"passed": bool(e.get("passed")), "message": str(e.get("message", ""))}
                    for e in self.events if isinstance(e, dict) and "check" in e}
        end = next((e for e in self.events if isinstance(e, dict) and "status" in e), None)
        if end is None:
            code = self.proc.returncode if self.proc else None
            log = self.folder / "runner.log"
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
            why = Message("killed by signal {signal}", signal=-code) if code is not None and code < 0 else \
                (tail[0][:150] if tail else Message("exit status {code}", code=code))
            end = {"fatal": Message("grader process failed: {why}", why=why)}
        else:
            end = {**end, "status": Message.load(end.get("status", "ok")), "fatal": Message.load(end.get("fatal"))}
        return {**end, "checks": verdicts}


def _row(student: str, lab: Lab | None, lab_name: str, status: str, verdicts: dict | None = None,
         isolation: str = "", review: list[str] | None = None, language: str | None = None) -> dict:
    verdicts = verdicts or {}
    points = lab.points if lab else {}
    earned = {ex: (p if verdicts.get(ex, {}).get("passed") else 0) for ex, p in points.items()}
    return {"student": student, "lab": lab_name, **earned, "total": sum(earned.values()),
            "max": sum(points.values()), "status": status, "review": "; ".join(review or []),
            "isolation": isolation, "_verdicts": verdicts, "_points": points, "_language": language}


def _finish(job: _Job, timeout: float) -> dict:
    timed_out = job.proc is not None and job.proc.poll() is None
    job.cleanup()
    data = job.outcome()
    if timed_out:
        data["fatal"] = Message("timed out after {seconds:g} s", seconds=timeout)
    status = data.get("fatal") or data.get("status", "ok")
    if data.get("fatal") and data["checks"]:
        n = len(data["checks"])
        status = Message("{status} (the {n} exercise(s) checked before keep their points)", count=n, status=status, n=n)
    return _row(job.student, job.lab, job.lab.name, status, data["checks"], data.get("isolation", ""),
                data.get("review"), job.language)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _feedback(rows: list[dict], folder: Path, titles: dict[str, str]) -> None:
    """A file per student, in the language of their labs' track (a lab not read: the student's other labs')."""
    folder.mkdir(parents=True, exist_ok=True)
    for student in sorted({r["student"] for r in rows}):
        mine = [r for r in rows if r["student"] == student]
        theirs = next((r["_language"] for r in mine if r.get("_language") not in (None, "en")), "en")
        total, most = sum(r["total"] for r in mine), sum(r["max"] for r in mine)
        with speaking(theirs):
            lines = [_("# Feedback for {student}", student=student), "",
                     _("**{total} / {most} points** in {n} lab(s).", count=len(mine), total=total, most=most,
                       n=len(mine)), ""]
        for r in mine:
            with speaking(r.get("_language") or theirs) as language:
                lines += [_("## {lab}: {total}/{most} points", lab=r["lab"], total=r["total"], most=r["max"]), ""]
                if r["status"] != "ok":
                    lines += [f"⚠️ {say(r['status'], language)}.", ""]
                for ex, verdict in r["_verdicts"].items():
                    title = _(titles[ex]) if titles.get(ex) else ""
                    head = f"❌ {ex} {title}:".replace("  ", " ")
                    message = _one_line(verdict.get("message", ""))
                    message = message[len(head):].strip() if message.startswith(head) else message
                    mark = "✅" if verdict.get("passed") else "❌"
                    lines.append(f"- {mark} **{ex} {title}** ({r.get(ex, 0)}/{r['_points'].get(ex, 0)})"
                                 + (f": {message}" if message else ""))
            lines.append("")
        (folder / f"{student}.md").write_text("\n".join(lines), encoding="utf-8")


def _run_all(pending: deque[_Job], timeout: float, cell_timeout: float, jobs: int, done: int,
             progress: bool) -> list[dict]:
    """Run the jobs, ``jobs`` at a time, each killed at its deadline; a progress bar on stderr."""
    from .sandbox import reserved_slots

    with reserved_slots(max(1, jobs)) as slots:  # each running job has its own sandbox user, this run's alone
        return _run_jobs(pending, timeout, cell_timeout, done, progress, slots)


def _run_jobs(pending: deque[_Job], timeout: float, cell_timeout: float, done: int, progress: bool,
              slots: list[int]) -> list[dict]:
    from tqdm import tqdm

    rows: list[dict] = []
    running: list[_Job] = []
    snapshot = _package_snapshot()
    try:
        with tqdm(total=done + len(pending), initial=done, desc="grading", unit="notebook", file=sys.stderr,
                  disable=not progress) as bar:
            while pending or running:
                while pending and slots:
                    job = pending.popleft()
                    try:
                        job.start(timeout, cell_timeout, snapshot, slots.pop(0))
                        running.append(job)
                    except OSError as e:  # no process, no disk space: that row says so, the class goes on
                        slots.append(job.slot)
                        job.cleanup()
                        rows.append(_row(job.student, job.lab, job.lab.name,
                                         Message("grader could not start it: {error}", error=str(e)),
                                         language=job.language))
                        bar.update(1)
                time.sleep(0.05)
                for job in list(running):
                    assert job.proc is not None
                    job.read()
                    if job.proc.poll() is not None or time.monotonic() > job.deadline:
                        rows.append(_finish(job, timeout))
                        running.remove(job)
                        slots.append(job.slot)
                        bar.update(1)
    finally:  # Ctrl-C: leave no kernel running and no folder behind
        for job in running:
            job.cleanup()
        shutil.rmtree(snapshot, ignore_errors=True)
    return rows


def grade(submissions_dir: str | Path, out_csv: str | Path, feedback_dir: str | Path | None = None,
          timeout: float = 120, jobs: int | None = None, *, solutions_dir: str | Path | None = None,
          cell_timeout: float | None = None, progress: bool = True) -> pd.DataFrame:
    """Grade every submission in ``submissions_dir``; write the CSV, the intake CSV (and feedback); return it.

    One row per student and lab (a student missing a lab that others handed in gets a
    "missing file" row); every file not graded as handed in is a row of ``<out stem>-intake.csv``
    (also in ``df.attrs["intake"]``). ``timeout`` is the wall-clock limit per submission in seconds;
    ``cell_timeout`` (default: half of it) interrupts one long cell and grades the rest;
    ``jobs`` submissions run in parallel (default: one per core). ``submissions_dir`` may also be
    the ``.zip`` an LMS exports. Also written: ``<out stem>-gradebook.csv``, a student per row
    and a lab per column, for Canvas's and Moodle's grade import::

        grade("submissions", "grades.csv", feedback_dir="feedback", jobs=4)
    """
    submissions = Path(submissions_dir)
    solutions = Path(solutions_dir) if solutions_dir else ROOT / "solutions"
    cell_timeout = min(cell_timeout or timeout / 2, timeout)
    jobs = jobs or os.cpu_count() or 1
    if not submissions.is_dir() and not (submissions.is_file() and submissions.suffix.lower() == ".zip"):
        raise FileNotFoundError(f"{submissions} is not a folder of <student>/<lab>.ipynb (or an LMS .zip)")
    known = {p.name: p for p in sorted(solutions.glob("*.ipynb"))}
    with collect(submissions, set(known)) as intake:  # the notebooks are read here, before the temp folders go
        handed_in = intake.files
        names = sorted({n for files in handed_in.values() for n in files if n in known})
        labs = {n: Lab.load(known[n]) for n in names}

        rows: list[dict] = []
        pending: deque[_Job] = deque()
        for student, files in handed_in.items():
            for name in names:
                nb = read_submission(files[name]) if name in files else Message("missing file")
                if isinstance(nb, str):
                    rows.append(_row(student, labs[name], labs[name].name, nb))
                elif labs[name].stubs and not any(answers(labs[name], nb).values()):
                    rows.append(_row(student, labs[name], labs[name].name, ANSWERS_NOT_FOUND, language=language_of(nb)))
                else:
                    pending.append(_Job(student, labs[name], steps(labs[name], nb), language_of(nb)))
            for name in sorted(set(files) - set(known)):
                rows.append(_row(student, None, Path(name).stem,
                                 Message("unknown lab: {name} is not in {folder}/ (rename it to the lab's file name)",
                                         name=name, folder=solutions.name)))
    intake_csv = Path(out_csv).with_name(f"{Path(out_csv).stem}-intake.csv")
    pd.DataFrame(intake.notes, columns=["student", "file", "note"]).to_csv(intake_csv, index=False)

    rows += _run_all(pending, timeout, cell_timeout, jobs, len(rows), progress)

    ids = sorted({ex for lab in labs.values() for ex in lab.points}, key=checks.id_key)
    rows.sort(key=lambda r: (r["student"], r["lab"]))
    df = pd.DataFrame([{k: v for k, v in r.items() if not k.startswith("_")} for r in rows],
                      columns=["student", "lab", *ids, "total", "max", "status", "review", "isolation"])
    for ex in ids:
        df[ex] = df[ex].astype("Int64")
    df[["total", "max"]] = df[["total", "max"]].astype(int)
    df["status"] = df["status"].map(_one_line)
    df.to_csv(out_csv, index=False)
    df.attrs["intake"] = {"csv": str(intake_csv), "notes": len(intake.notes)}
    df.attrs["gradebook"] = str(_gradebook(df, Path(out_csv)))
    if feedback_dir is not None:
        _feedback(rows, Path(feedback_dir), _titles(ids))
    return df


def _gradebook(df: pd.DataFrame, out_csv: Path) -> Path:
    """A student per row, each lab's points in a column named with its maximum, for an LMS import.

    Canvas's gradebook import matches rows on its first columns (``Student``, ``ID``, ``SIS Login
    ID``, ``Section``; left empty here, Canvas then matches by name) and takes each further column
    as an assignment; Moodle's CSV import lets the instructor map the ``Student`` column and each lab.
    """
    path = out_csv.with_name(f"{out_csv.stem}-gradebook.csv")
    book = df.pivot_table(index="student", columns="lab", values="total", aggfunc="sum").astype("Int64")
    most = df.groupby("lab")["max"].max()
    book.columns = [f"{lab} ({most[lab]} points)" for lab in book.columns]
    book.insert(0, "Section", "")
    book.insert(0, "SIS Login ID", "")
    book.insert(0, "ID", "")
    book.index.name = "Student"
    book["Total"] = df.groupby("student")["total"].sum()
    book.reset_index().to_csv(path, index=False)
    return path


def _titles(ids: list[str]) -> dict[str, str]:
    titles = {}
    for ex in ids:
        try:
            titles[ex] = checks._load(ex).title
        except Exception:  # a lab whose check module is broken still gets its feedback, untitled
            pass
    return titles
