"""Grade a class's labs: ``hooklab grade SUBMISSIONS --out grades.csv [--feedback DIR]``.

``SUBMISSIONS/<student>/<lab>.ipynb``. Each submission is graded by the original
solution notebook with the student's answer cells put in: check cells come from
the solution, so an edited or deleted check changes nothing. It runs in a fresh
kernel, in its own process group with a time limit, so a loop, a crash or a
huge output costs that student's row, never the grader.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pandas as pd

from .labs import ROOT, generate

__all__ = ["grade", "build", "exercises"]


def _meta(cell, key: str):
    return cell.get("metadata", {}).get("hooklab", {}).get(key)


def exercises(solution: Path) -> dict[str, int]:
    """Exercise id → points, from the solution's check cells."""
    nb = nbformat.read(solution, as_version=4)
    return {_meta(c, "check"): int(_meta(c, "points") or 1) for c in nb.cells if _meta(c, "check")}


def build(solution: Path, submission: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook to run: the solution, with each answer cell replaced by the student's.

    An answer cell the student deleted becomes the lab's stub (it raises).
    """
    graded = generate(solution)  # stubs everywhere, the original checks
    answers = {_meta(c, "answer"): c.source for c in submission.cells if c.cell_type == "code" and _meta(c, "answer")}
    for cell in graded.cells:
        ex = _meta(cell, "answer")
        if ex and ex in answers:
            cell.source = answers[ex]
    return graded


def _run_one(solution: Path, submission: Path, result: Path, cell_timeout: int) -> None:
    """In a child process: execute and write per-exercise results as JSON."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    nb = build(solution, nbformat.read(submission, as_version=4))
    status = "ok"
    with tempfile.TemporaryDirectory(prefix="hooklab-grade-") as cwd:
        client = NotebookClient(nb, timeout=cell_timeout, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": cwd}})
        try:
            client.execute()
        except DeadKernelError:
            status = "kernel died"
        except Exception as e:  # nbclient's own failures: the row says so
            status = f"could not run: {type(e).__name__}: {e}"[:200]
    out = {}
    for cell in nb.cells:
        ex = _meta(cell, "check")
        if not ex:
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        ran = cell.get("execution_count") is not None
        if ran and not errors and status == "ok":
            out[ex] = {"passed": True, "message": "".join(o.get("text", "") for o in cell.outputs
                                                          if o.get("output_type") == "stream")[:500].strip()}
        else:
            msg = f"{errors[0]['ename']}: {errors[0]['evalue']}" if errors else status if status != "ok" else "not run"
            out[ex] = {"passed": False, "message": msg[:1000]}
    result.write_text(json.dumps({"status": status, "exercises": out}))


def _grade_one(student: str, lab: str, path: Path, solution: Path, timeout: float) -> dict:
    points = exercises(solution)
    row = {"student": student, "lab": lab, **{ex: 0 for ex in points}, "total": 0, "max": sum(points.values()),
           "status": "ok", "feedback": {}}
    if not path.exists():
        return {**row, "status": "missing file"}
    try:
        nbformat.validate(nbformat.read(path, as_version=4))
    except Exception as e:
        return {**row, "status": f"invalid notebook: {type(e).__name__}: {str(e).splitlines()[0][:120]}"}
    with tempfile.TemporaryDirectory(prefix="hooklab-result-") as tmp:
        result = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "hooklab.course.grading", str(solution), str(path), str(result),
               str(int(timeout))]
        proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the kernel is in the same process group
            proc.communicate()
            return {**row, "status": f"timed out after {timeout:g} s"}
        if not result.exists():
            last = (err or b"").decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            return {**row, "status": f"grader could not run it: {last[0][:150]}"}
        data = json.loads(result.read_text())
    for ex, r in data["exercises"].items():
        row[ex] = points[ex] if r["passed"] else 0
        row["feedback"][ex] = r
    row["total"] = sum(row[ex] for ex in points)
    row["status"] = data["status"]
    return row


def _feedback(rows: list[dict], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for student in sorted({r["student"] for r in rows}):
        lines = [f"# Feedback for {student}", ""]
        for r in (r for r in rows if r["student"] == student):
            lines += [f"## {r['lab']}: {r['total']}/{r['max']} points", ""]
            if r["status"] != "ok":
                lines += [f"Not graded: {r['status']}.", ""]
            for ex, fb in sorted(r["feedback"].items()):
                mark = "✅" if fb["passed"] else "❌"
                lines.append(f"- {mark} **{ex}**: {fb['message'] or 'passed'}")
            lines.append("")
        (folder / f"{student}.md").write_text("\n".join(lines), encoding="utf-8")


def grade(submissions: str | Path, out_csv: str | Path, feedback_dir: str | Path | None = None,
          timeout: float = 120, jobs: int = 1, solutions: str | Path | None = None) -> pd.DataFrame:
    """Grade every ``<student>/<lab>.ipynb`` under ``submissions``; write the CSV; return it."""
    from tqdm.auto import tqdm

    submissions = Path(submissions)
    solutions = Path(solutions) if solutions else ROOT / "solutions"
    students = sorted(p for p in submissions.iterdir() if p.is_dir())
    labs = sorted({f.name for s in students for f in s.glob("*.ipynb")})
    tasks = [(s.name, lab, s / lab) for s in students for lab in labs]
    known = {p.name: p for p in solutions.glob("*.ipynb")}

    def one(task: tuple[str, str, Path]) -> dict:
        student, lab, path = task
        if lab not in known:
            return {"student": student, "lab": lab, "total": 0, "max": 0, "status": "unknown lab", "feedback": {}}
        try:
            return _grade_one(student, lab, path, known[lab], timeout)
        except Exception as e:  # the grader reports, it never stops the class
            return {"student": student, "lab": lab, "total": 0, "max": 0, "feedback": {},
                    "status": f"grader error: {type(e).__name__}: {e}"[:200]}

    started = time.monotonic()
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        rows = list(tqdm(pool.map(one, tasks), total=len(tasks), desc="grading", unit="notebook"))
    ids = sorted({ex for lab in labs if lab in known for ex in exercises(known[lab])})
    df = pd.DataFrame(rows).reindex(columns=["student", "lab", *ids, "total", "max", "status"])
    df[ids] = df[ids].fillna(0).astype(int)
    df = df.sort_values(["student", "lab"], ignore_index=True)
    df.to_csv(out_csv, index=False)
    if feedback_dir:
        _feedback(rows, Path(feedback_dir))
    print(f"graded {len(tasks)} notebooks in {time.monotonic() - started:.1f} s → {out_csv}", file=sys.stderr)
    return df


if __name__ == "__main__":  # the child process of _grade_one
    _run_one(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
