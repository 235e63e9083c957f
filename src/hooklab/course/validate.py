"""``hooklab validate LAB.ipynb``: check a lab before handing it in, as ``nbgrader validate`` does.

Two passes over the student's own file, which is never changed:

1. **How it will be graded.** The grader puts the student's answer cells into the original
   lab, found by their ``hooklab`` metadata, and runs the original check cells. So a lost
   answer cell (a notebook recreated by copy and paste loses that metadata), an edited check
   cell or an answer still holding its stub is said here, before it costs points.
2. **The visible checks.** The notebook runs under nbval (``pytest --nbval-lax``), the way the
   course tests its own notebooks, in a fresh kernel and a temporary folder; each check cell's
   outcome is reported with its message.

The grade itself is decided by the instructor's grader, with checks this one may not show.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .grading import read_submission
from .labs import ROOT, meta

__all__ = ["validate", "Report"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Report:
    """What ``validate`` found: ``problems`` (how it would grade badly) and ``checks`` (id → line)."""

    lab: str | None
    problems: list[str] = field(default_factory=list)
    checks: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and all(line.startswith("✅") for line in self.checks.values())

    def __str__(self) -> str:
        lines = [f"lab: {self.lab or 'not recognised'}"]
        lines += [f"⚠ {p}" for p in self.problems]
        lines += list(self.checks.values())
        lines.append("ready to hand in" if self.ok else "not ready: see the lines above")
        return "\n".join(lines)


def _original(nb: nbformat.NotebookNode, path: Path, labs_dir: Path) -> Path | None:
    """The lab this notebook is a copy of: by its exercise ids, else by the number its name starts with."""
    ids = {str(meta(c, "answer") or meta(c, "check")) for c in nb.cells} - {"None"}
    labs = sorted(labs_dir.glob("*.ipynb"))
    for lab in labs:
        if ids and ids & {str(meta(c, "answer") or meta(c, "check"))
                          for c in nbformat.read(lab, as_version=4).cells} - {"None"}:
            return lab
    number = re.match(r"\D*(\d\d[a-z]?)_", path.name)  # 03_lab_leads, 00b_lab_primer
    return next((lab for lab in labs if number and lab.name.startswith(number.group(1) + "_")), None)


def _structure(nb: nbformat.NotebookNode, original: nbformat.NotebookNode) -> list[str]:
    problems = []
    answers = {str(meta(c, "answer")): c for c in nb.cells if meta(c, "answer") is not None}
    checks = {str(meta(c, "check")): c for c in nb.cells if meta(c, "check") is not None}
    expected = [(str(meta(c, "answer")), c) for c in original.cells if meta(c, "answer") is not None]
    if expected and not answers:
        problems.append("answers not found: was this notebook recreated? Its cells lost the metadata the "
                        "grader finds answers by; paste your answers into a fresh copy of the lab")
        return problems
    for ex, stub in expected:
        mine = answers.get(ex)
        if mine is None:
            problems.append(f"{ex}: the answer cell is missing, so the grader will use the empty stub")
        elif mine.source.strip() == stub.source.strip():
            problems.append(f"{ex}: not answered yet (the cell still holds the stub)")
    for c in original.cells:
        ex = meta(c, "check")
        if ex is not None and (mine := checks.get(str(ex))) is not None and mine.source.strip() != c.source.strip():
            problems.append(f"{ex}: the check cell was edited; the grader runs the original one")
    return problems


def _run_checks(nb: nbformat.NotebookNode, timeout: float) -> dict[str, str]:
    """Run the notebook under nbval; each check cell's outcome as a ✅/❌ line."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    with tempfile.TemporaryDirectory(prefix="hooklab-validate-") as tmp:
        work = Path(tmp)
        nbformat.write(nb, work / "lab.ipynb")
        (work / "pytest.ini").write_text("[pytest]\n")  # not the repository's settings
        try:
            subprocess.run([sys.executable, "-m", "pytest", "-c", "pytest.ini", "--rootdir", ".",
                            "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env",
                            "--nbval-cell-timeout", str(timeout), "-q", "--junitxml=result.xml", "lab.ipynb"],
                           cwd=work, capture_output=True, timeout=timeout * len(code) + 60)
        except subprocess.TimeoutExpired:
            return {"run": "❌ the notebook did not finish in time: look for a loop that never ends"}
        result = work / "result.xml"
        cases = list(ET.parse(result).iter("testcase")) if result.exists() else []
    lines = {}
    for case in cases:
        number = int(case.get("name", "Cell -1").split()[-1])
        if not 0 <= number < len(code) or meta(code[number], "check") is None:
            continue
        ex = str(meta(code[number], "check"))
        failure = case.find("failure")
        if failure is None:
            lines[ex] = f"✅ {ex} passed"
            continue
        text = _ANSI.sub("", failure.text or "")
        said = re.search(r"(❌ .*)", text) or re.search(r"(\w+(?:Error|Exception): .*)", text)
        lines[ex] = said.group(1).strip() if said else f"❌ {ex} failed: run the lab to see why"
    return lines


def validate(path: str | Path, timeout: float = 120, labs_dir: str | Path | None = None) -> Report:
    """Check ``path`` as the grader will read it, then run its visible checks."""
    path = Path(path)
    nb = read_submission(path)
    if isinstance(nb, str):
        return Report(None, [f"{path.name}: {nb}"])
    lab = _original(nb, path, Path(labs_dir) if labs_dir else ROOT / "labs")
    if lab is None:
        lost = all(c.metadata.get("hooklab") is None for c in nb.cells)
        return Report(None, [f"{path.name} matches no lab: keep the lab's file name (e.g. 03_lab_leads.ipynb)"
                             + ("; its cells carry no lab metadata either: was this notebook recreated?"
                                if lost else "")])
    report = Report(lab.name, _structure(nb, nbformat.read(lab, as_version=4)))
    report.checks = _run_checks(nb, timeout)
    return report
