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
A lab of a translated track (``"language": "pt-BR"`` in its metadata) is compared with its own
track's lab (``labs/pt-BR/``), and everything the report says is in that language.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .grading import language_of, read_submission
from .labs import ROOT, meta
from .messages import _, current_language, say, speaking

__all__ = ["validate", "Report"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Report:
    """What ``validate`` found: ``problems`` (how it would grade badly) and ``checks`` (id → line)."""

    lab: str | None
    problems: list[str] = field(default_factory=list)
    checks: dict[str, str] = field(default_factory=dict)
    language: str = "en"

    @property
    def ok(self) -> bool:
        return not self.problems and all(line.startswith("✅") for line in self.checks.values())

    def __str__(self) -> str:
        with speaking(self.language):
            lines = [_("lab: {lab}", lab=self.lab or _("not recognised"))]
            lines += [f"⚠ {p}" for p in self.problems]
            lines += list(self.checks.values())
            lines.append(_("ready to hand in") if self.ok else _("not ready: see the lines above"))
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
        problems.append(_("answers not found: was this notebook recreated? Its cells lost the metadata the "
                          "grader finds answers by; paste your answers into a fresh copy of the lab"))
        return problems
    for ex, stub in expected:
        mine = answers.get(ex)
        if mine is None:
            problems.append(_("{ex}: the answer cell is missing, so the grader will use the empty stub", ex=ex))
        elif mine.source.strip() == stub.source.strip():
            problems.append(_("{ex}: not answered yet (the cell still holds the stub)", ex=ex))
    for c in original.cells:
        ex = meta(c, "check")
        if ex is not None and (mine := checks.get(str(ex))) is not None and mine.source.strip() != c.source.strip():
            problems.append(_("{ex}: the check cell was edited; the grader runs the original one", ex=ex))
    return problems


def _run_checks(nb: nbformat.NotebookNode, timeout: float, language: str = "en") -> dict[str, str]:
    """Run the notebook under nbval; each check cell's outcome as a ✅/❌ line.

    The copy sits in a folder named after its track (``pt-BR/lab.ipynb``), and the kernel is told its
    path as Jupyter tells it, so the checks speak the lab's language.
    """
    code = [c for c in nb.cells if c.cell_type == "code"]
    with tempfile.TemporaryDirectory(prefix="hooklab-validate-") as tmp:
        work = Path(tmp) / language if language != "en" else Path(tmp)
        work.mkdir(exist_ok=True)
        nbformat.write(nb, work / "lab.ipynb")
        (work / "pytest.ini").write_text("[pytest]\n")  # not the repository's settings
        try:
            subprocess.run([sys.executable, "-m", "pytest", "-c", "pytest.ini", "--rootdir", ".",
                            "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env",
                            "--nbval-cell-timeout", str(timeout), "-q", "--junitxml=result.xml", "lab.ipynb"],
                           cwd=work, capture_output=True, timeout=timeout * len(code) + 60,
                           env={**os.environ, "JPY_SESSION_NAME": str(work / "lab.ipynb")})
        except subprocess.TimeoutExpired:
            return {"run": "❌ " + _("the notebook did not finish in time: look for a loop that never ends")}
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
            lines[ex] = "✅ " + _("{ex} passed", ex=ex)
            continue
        text = _ANSI.sub("", failure.text or "")
        # a failed check's message, wrapped by CheckFailed._render_traceback_ (continued lines are indented)
        said = re.search(r"(❌ .*(?:\n  \S.*)*)", text) or re.search(r"(\w+(?:Error|Exception): .*)", text)
        lines[ex] = said.group(1).strip() if said else "❌ " + _("{ex} failed: run the lab to see why", ex=ex)
    return lines


def validate(path: str | Path, timeout: float = 120, labs_dir: str | Path | None = None) -> Report:
    """Check ``path`` as the grader will read it, then run its visible checks, in the lab's language."""
    path = Path(path)
    nb = read_submission(path)
    if isinstance(nb, str):  # unreadable: its language is unknown, so the one chosen now
        return Report(None, [f"{path.name}: {say(nb, current_language())}"], language=current_language())
    language = language_of(nb)
    with speaking(language):
        track = ROOT / "labs" / language if language != "en" else ROOT / "labs"
        lab = _original(nb, path, Path(labs_dir) if labs_dir else track)
        if lab is None:
            lost = all(c.metadata.get("hooklab") is None for c in nb.cells)
            return Report(None, [_("{name} matches no lab: keep the lab's file name (e.g. 03_lab_leads.ipynb)",
                                   name=path.name)
                                 + (_("; its cells carry no lab metadata either: was this notebook recreated?")
                                    if lost else "")], language=language)
        report = Report(lab.name, _structure(nb, nbformat.read(lab, as_version=4)), language=language)
        report.checks = _run_checks(nb, timeout, language)
    return report
