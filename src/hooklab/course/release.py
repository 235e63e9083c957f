"""The student release: ``hooklab release OUT`` writes the repository a graded class gets.

It holds what a student needs: the lessons, the labs, ``binder/``, the package with its visible
checks, the README's two commands. It holds nothing that grades them: no ``solutions/``, no
``src/hooklab/course/hidden/`` (the grader's own cases), no tests or benchmarks (they read the
solutions), no instructors' guide. The full repository stays with the instructor, who grades
with it (docs/instructors.md, "Two repositories").

Files are listed by ``git ls-files`` when the source is a git checkout, so untracked files never
ship; otherwise by walking the folder, skipping virtualenvs, builds and caches. After writing,
every released file is searched for the lines of the solutions' answers (``course.answers``).
A release that gives an answer away (or ships stale labs) is reported and gets no git commit.

What ships is decided by path::

    >>> ships("labs/03_lab_leads.ipynb"), ships("solutions/03_lab_leads.ipynb")
    (True, False)
    >>> ships("src/hooklab/course/lab03.py"), ships("src/hooklab/course/hidden/lab03.py")
    (True, False)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import HooklabError
from . import labs, links
from .answers import Leak, Solved, answer_lines, find_answers, solved
from .labs import ROOT

__all__ = ["release", "report", "main", "ships", "ReleaseError", "Release", "SHIPS", "WITHHELD"]

#: What ships: these files, and everything under these folders (paths relative to the repository)...
SHIPS = ("notebooks/", "labs/", "binder/", "src/hooklab/", "docs/img/", "docs/architecture.md", "docs/cheatsheet.md",
         "docs/glossary.md", "docs/pt-BR/cheatsheet.md", "docs/pt-BR/glossary.md",
         "tests/nbval_sanitize.cfg", "README.md", "README.pt-BR.md", "Makefile", "pyproject.toml", "requirements.txt",
         ".gitignore", "LICENSE")
#: ...except these, inside a shipped folder: the grader's own cases and reference answers.
WITHHELD = ("src/hooklab/course/hidden/",)
_SKIP_DIRS = {".git", ".venv", "venv", "build", "dist", "node_modules", "__pycache__", ".ipynb_checkpoints",
              ".pytest_cache", ".hypothesis", ".hooklab"}
_SKIP_SUFFIXES = (".pyc", ".pyo", ".db", ".db-wal", ".db-shm")


class ReleaseError(HooklabError, ValueError):
    """The release cannot be made as asked (OUT not empty or inside the repository...); the message says why."""


@dataclass
class Release:
    """What ``release`` wrote, what it left out, and what is wrong with it."""

    out: Path
    listed_by: str
    files: list[str]
    left_out: list[str]
    untracked: list[str] = field(default_factory=list)
    stale_labs: list[str] = field(default_factory=list)
    leaks: list[Leak] = field(default_factory=list)
    git: str = "git: not asked for (--no-git)"

    @property
    def ok(self) -> bool:
        return not self.leaks and not self.stale_labs

    def __str__(self) -> str:
        lines = [f"wrote the student release to {self.out}: {len(self.files)} files (listed by {self.listed_by})",
                 f"  ships: {_tally(self.files)}",
                 f"  left out: {_tally(self.left_out) or 'nothing'}"]
        if self.untracked:
            lines.append(f"  not shipped, not tracked by git (commit them to ship them): {', '.join(self.untracked)}")
        if self.stale_labs:
            lines.append(f"  PROBLEM: labs out of date with solutions/ (run `make labs`): {', '.join(self.stale_labs)}")
        if self.leaks:
            lines.append(f"  PROBLEM: {len(self.leaks)} answer line(s) of solutions/ found in "
                         f"{len({k.file for k in self.leaks})} released file(s):")
            lines += [f"    {leak}" for leak in self.leaks]
        if not self.ok:
            lines.append(f"  fix the problems, delete {self.out}, and release again")
        lines.append(f"  {self.git}")
        return "\n".join(lines)


def _area(path: str) -> str:
    hidden = next((w for w in WITHHELD if path.startswith(w)), None)
    return hidden or (path.split("/", 1)[0] + "/" if "/" in path else path)


def _tally(paths: list[str]) -> str:
    """``binder/ (3), Makefile, notebooks/ (16)``: how many files in each folder."""
    counts = Counter(_area(p) for p in paths)
    return ", ".join(area if area in paths else f"{area} ({n})" for area, n in sorted(counts.items()))


def ships(path: str) -> bool:
    """Whether the repository file ``path`` (relative, with ``/``) belongs in the student release."""
    return (any(path == s or (s.endswith("/") and path.startswith(s)) for s in SHIPS)
            and not path.startswith(WITHHELD))


def _git(where: Path, *args: str) -> subprocess.CompletedProcess | None:
    if shutil.which("git") is None:
        return None
    try:
        return subprocess.run(["git", "-C", str(where), *args], capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None


def _git_files(source: Path, *args: str) -> list[str] | None:
    done = _git(source, "ls-files", "-z", *args)
    if done is None or done.returncode:
        return None
    return [p for p in done.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def _walk(source: Path) -> list[str]:
    """The files under ``source``, without virtualenvs, builds, caches and databases."""
    found = []
    for folder, dirs, names in os.walk(source):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.endswith(".egg-info"))
        rel = Path(folder).relative_to(source)
        found += [(rel / n).as_posix() for n in sorted(names) if not n.endswith(_SKIP_SUFFIXES) and n != ".DS_Store"]
    return found


def _refuse(out: Path, source: Path) -> None:
    if out == source or out.is_relative_to(source):
        raise ReleaseError(f"{out} is inside the repository {source}; write the release outside it, "
                           f"e.g. {source.parent / (source.name + '-class')}")
    if out.exists() and not out.is_dir():
        raise ReleaseError(f"{out} exists and is a file; give the name of a new folder")
    if out.exists() and any(out.iterdir()):
        raise ReleaseError(f"{out} exists and is not empty; give the name of a new folder (or empty this one)")
    if not (source / "src" / "hooklab").is_dir() or not (source / "solutions").is_dir():
        raise ReleaseError(f"{source} is not the full hooklab repository (it needs src/hooklab/ and solutions/); "
                           "make the release from the full repository")


def _stale(source: Path, notebooks: list[Solved]) -> list[str]:
    """The labs that differ from what their solution generates (or are missing)."""
    stale = []
    for name, _, lab in notebooks:
        path = source / "labs" / Path(name).relative_to("solutions")
        if not path.is_file() or path.read_text(encoding="utf-8") != labs.text(lab):
            stale.append(path.relative_to(source).as_posix())
    return stale


# -- the README and the Makefile, as a student's copy needs them -------------------------------------------

_TEST_INTRO = ("Check that everything works: every lesson runs, and must show what it shows here\n"
               "(a few minutes):")
_LAYOUT = """## Layout

| path | what |
|---|---|
| `notebooks/` | the lessons: run them in order, starting with `00_start_here.ipynb` |
| `labs/` | the labs: your exercises, each answer followed by a check cell that says how you did |
| `src/hooklab/` | the package behind every notebook: the stack and the labs' checks ([how the stack is built](docs/architecture.md)) |
| `binder/` | the environment Binder builds |
| `tests/` | `nbval_sanitize.cfg`: what may differ when `make test` compares the lessons with their saved outputs |

"""
_HANDING_IN = """## Handing in a lab

Each check cell tells you at once whether your answer passes. Before you hand a lab in, check
how it will be graded (on Binder or a JupyterHub, open a terminal and leave out `.venv/bin/`):

    .venv/bin/hooklab validate labs/03_lab_leads.ipynb

It finds what would grade badly (a lost answer cell, an edited check cell) and runs the lab's
checks. Then hand in the lab file itself, under its own name (*File → Download*). Your
instructor grades it with cases of their own too: make your answers work for any input.
"""


def release_readme(text: str, github: str | None = None) -> str:
    """The README of the release: the test command explained for it, its own layout, handing in."""
    sections = re.split(r"(?m)^(?=## )", text)
    kept = []
    for section in sections:
        title = section.split("\n", 1)[0].removeprefix("## ").strip() if section.startswith("## ") else ""
        if title == "For instructors":
            continue
        if title == "Layout":
            section = _LAYOUT
        lines = section.split("\n")
        if "    make test" in lines:  # replace the paragraph that introduces it
            end = lines.index("    make test") - 1
            while end >= 0 and not lines[end].strip():
                end -= 1
            start = end
            while start > 0 and lines[start - 1].strip():
                start -= 1
            lines[start:end + 1] = _TEST_INTRO.split("\n")
        kept.append("\n".join(lines))
    text = "".join(kept).rstrip("\n") + "\n\n" + _HANDING_IN
    return _with_badge(text, github, "notebooks/00_start_here.ipynb")


def release_readme_pt(text: str, github: str | None = None) -> str:
    """The Portuguese README of the release: without the instructors' section (their guide stays behind)."""
    text = re.sub(r"(?ms)^## Para professores\n.*?(?=^## |\Z)", "", text).rstrip("\n") + "\n"
    return _with_badge(text, github, "notebooks/pt-BR/00_start_here.ipynb")


def _with_badge(readme: str, github: str | None, lesson: str) -> str:
    """``readme`` with a Binder badge under its title that opens ``lesson`` of ``github`` (OWNER/NAME), if given."""
    if not github:
        return readme
    link = links.binder(f"https://github.com/{github}", "main", lesson)
    title, _, rest = readme.partition("\n")
    return f"{title}\n\n[![Binder](https://mybinder.org/badge_logo.svg)]({link})\n{rest}"


_KEEP_TARGETS = {"$(STAMP)", "lab", "test", "binder-check", "clean"}
_RULE = re.compile(r"^([^\s#.=:][^=:]*):(?!=)(.*)$")
_SETTING = re.compile(r"^(\w+)\s*[?:+]?=")
_TEST_COMMENT = ("# In the student release, `make test` runs every lesson under nbval: each must show what it\n"
                 "# shows in the repository (tests/nbval_sanitize.cfg lists what may differ). That proves the\n"
                 "# install works; the library's own tests stay in the full repository.")


def release_makefile(text: str) -> str:
    """The Makefile of the release: lab, test, binder-check and clean; no target that needs what is left out."""
    kept = []
    for paragraph in text.split("\n\n"):
        targets = {m.group(1).strip() for line in paragraph.split("\n") if (m := _RULE.match(line))}
        if targets - _KEEP_TARGETS:
            continue
        lines = []
        for line in paragraph.split("\n"):
            if line.startswith(".PHONY:"):
                line = ".PHONY: " + " ".join(t for t in line.split(":", 1)[1].split() if t in _KEEP_TARGETS)
            elif m := _RULE.match(line):
                # the browser and the hub's proxy serve the tests the release leaves out
                line = f"{m.group(1)}: " + " ".join(p for p in m.group(2).split() if p not in ("browser", "$(PROXY)"))
                if m.group(1) == "test":
                    lines.append(_TEST_COMMENT)
            lines.append(line.rstrip())
        kept.append("\n".join(lines).strip("\n"))
    # a paragraph of settings that only the dropped targets used (CHROMIUM ?= ...) goes too
    used = [p for p in kept if not all(_SETTING.match(line) for line in p.split("\n") if line)]
    kept = [p for p in kept if p in used or any(f"$({m.group(1)})" in "\n".join(used)
                                                for m in map(_SETTING.match, p.split("\n")) if m)]
    return "\n\n".join(kept) + "\n"


def _copy(src: Path, dst: Path, rel: str, github: str | None) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if rel in ("README.md", "README.pt-BR.md", "Makefile"):
        text = src.read_text(encoding="utf-8")
        made = {"README.md": release_readme, "README.pt-BR.md": release_readme_pt}
        dst.write_text(made[rel](text, github) if rel in made else release_makefile(text), encoding="utf-8")
        shutil.copymode(src, dst)
    else:
        shutil.copy2(src, dst)


def _commit(out: Path, source: Path) -> str:
    if shutil.which("git") is None:
        return "git: not found, so the release is a plain folder; `git init` it yourself to push it"
    head = _git(source, "rev-parse", "--short", "HEAD")
    made_from = ""
    if head is not None and not head.returncode:
        made_from = f" from commit {head.stdout.decode().strip()} of the full repository"
    config = ["-c", "commit.gpgsign=false"]
    message = f"Student release\n\nMade by `hooklab release`{made_from}."
    steps = [["init", "-q"], ["symbolic-ref", "HEAD", "refs/heads/main"], ["add", "--all", "--force", "."],
             ["commit", "-q", "--no-verify", "-m", message], ["rev-parse", "--short", "HEAD"]]
    for step in steps:
        if step[0] == "commit":  # a machine with no git identity still gets its commit
            who = _git(out, "config", "user.email")
            if who is None or who.returncode or not who.stdout.strip():
                config += ["-c", "user.name=hooklab release", "-c", "user.email=hooklab-release@localhost"]
            step = [*config, *step]
        done = _git(out, *step)
        if done is None or done.returncode:
            why = done.stderr.decode(errors="replace").strip().splitlines()[-1:] if done else ["git did not run"]
            return f"git: no commit ({' '.join(why)}); the files are written"
    sha = done.stdout.decode().strip()
    return (f"git: one commit ({sha}) on branch main. Push it: git -C {out} remote add origin URL && "
            f"git -C {out} push -u origin main")


def release(out: str | Path, source: str | Path = ROOT, *, git: bool = True, github: str | None = None) -> Release:
    """Write the student release of the repository ``source`` into ``out`` (a new or empty folder outside it).

    ``github="OWNER/NAME"`` points the README's Binder badge at the repository the release will be
    pushed to. With ``git``, the release becomes a git repository with one commit on ``main``
    (when git is installed and nothing is wrong with the release). Raises :class:`ReleaseError`.
    """
    source, out = Path(source).resolve(), Path(out).expanduser().resolve()
    _refuse(out, source)
    if github is not None and not re.fullmatch(r"[\w.-]+/[\w.-]+", github):
        raise ReleaseError(f"--github takes OWNER/NAME (the repository you will push the release to), not {github!r}")
    tracked = _git_files(source)
    listed_by = "git ls-files" if tracked else "walking the folder"
    candidates = tracked or _walk(source)
    candidates = [p for p in candidates if (source / p).is_file()]
    untracked = sorted(p for p in (_git_files(source, "--others", "--exclude-standard") or []) if ships(p)) \
        if tracked else []
    try:
        notebooks = solved(source)
    except labs.LabError as e:
        raise ReleaseError(f"a solution notebook is malformed, so its answers cannot be checked: {e}") from None
    answers, stale = answer_lines(source, notebooks), _stale(source, notebooks)
    files = sorted(p for p in candidates if ships(p))
    out.mkdir(parents=True, exist_ok=True)
    for rel in files:
        _copy(source / rel, out / rel, rel, github)
    summary = Release(out, listed_by, files, sorted(p for p in candidates if not ships(p)), untracked, stale,
                      find_answers(out, answers))
    if git:
        summary.git = _commit(out, source) if summary.ok else "git: no commit, because of the problems above"
    return summary


def report(out: str, source: str | None = None, git: bool = True, github: str | None = None) -> int:
    """``hooklab release``: make the release, print what happened; the exit status (0 ok, 1 problems, 2 refused)."""
    try:
        summary = release(out, source or ROOT, git=git, github=github)
    except ReleaseError as e:
        print(f"hooklab release: {e}", file=sys.stderr)
        return 2
    print(summary)
    return 0 if summary.ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hooklab.course.release", description=__doc__.split("\n")[0])
    parser.add_argument("out", metavar="OUT", help="a new folder outside the repository")
    parser.add_argument("--source", default=None, help="the full repository (default: this one)")
    parser.add_argument("--no-git", action="store_true", help="do not make OUT a git repository")
    parser.add_argument("--github", default=None, metavar="OWNER/NAME", help="point the README's Binder badge here")
    args = parser.parse_args(argv)
    return report(args.out, args.source, not args.no_git, args.github)


if __name__ == "__main__":
    sys.exit(main())
