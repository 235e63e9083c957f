"""The student release (``hooklab release OUT``): what ships, what never does, and that it still works."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from hooklab import cli
from hooklab.course import labs
from hooklab.course.answers import answer_lines, find_answers
from hooklab.course.release import ReleaseError, release, ships

ROOT = labs.ROOT
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """The release of this repository, made once for the module (without git: that is tested below)."""
    out = tmp_path_factory.mktemp("release") / "hooklab-class"
    return out, release(out, ROOT, git=False)


def released_files(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                  if p.is_file() and ".git" not in p.relative_to(out).parts)


def test_the_release_has_lessons_labs_binder_and_package_and_no_solutions_or_hidden_checks(released):
    out, summary = released
    files = released_files(out)
    assert files == summary.files and all(ships(f) for f in files)
    assert not (out / "solutions").exists()
    assert not (out / "src/hooklab/course/hidden").exists()
    assert not (out / "benchmarks").exists() and not (out / "docs/instructors.md").exists()
    assert [f for f in files if f.startswith("tests/")] == ["tests/nbval_sanitize.cfg"]  # no test reads solutions/
    for folder in ("notebooks", "labs"):
        assert {p.name for p in (out / folder).glob("*.ipynb")} == {p.name for p in (ROOT / folder).glob("*.ipynb")}
    assert {p.name for p in (out / "binder").iterdir()} == {p.name for p in (ROOT / "binder").iterdir()}
    assert os.access(out / "binder/postBuild", os.X_OK), "binder/postBuild lost its executable bit"
    for name in ("__init__.py", "stack.py", "course/checks.py", "course/lab01.py", "course/validate.py"):
        assert (out / "src/hooklab" / name).is_file(), name
    for name in ("pyproject.toml", "requirements.txt", "Makefile", "README.md"):
        assert (out / name).is_file(), name
    assert "solutions/" in " ".join(summary.left_out) and "tests/" in " ".join(summary.left_out)


def test_no_released_file_gives_an_answer_away(released):
    out, _ = released
    answers = answer_lines(ROOT)
    assert len(answers) > 100 and len({where.split(",")[0] for where in answers.values()}) >= 10, \
        "the answers of solutions/ were not found: is the search broken?"
    leaks = find_answers(out, answers)
    by_file: dict[str, list[str]] = {}
    for leak in leaks:
        by_file.setdefault(leak.file, []).append(f"  {leak.where}: {leak.line!r}  (answer in {leak.origin})")
    report = "\n".join(f"{name}:\n" + "\n".join(lines) for name, lines in sorted(by_file.items()))
    assert not leaks, f"{len(leaks)} answer line(s) of solutions/ are in the student release:\n{report}"


def test_the_answer_search_finds_a_line_in_code_and_in_a_notebook_and_says_where(tmp_path):
    answers = answer_lines(ROOT)
    line, origin = next((a, w) for a, w in answers.items() if '"' in a)  # quoted: escaped inside .ipynb JSON
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/module.py").write_text(f"x = 1\n\n    {line}\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# hi"), nbformat.v4.new_code_cell(line)])
    nbformat.write(nb, tmp_path / "lesson.ipynb")
    found = {(k.file, k.where, k.line, k.origin) for k in find_answers(tmp_path, {line: origin})}
    assert found == {("pkg/module.py", "line 3", line, origin), ("lesson.ipynb", "cell 2", line, origin)}


def test_the_released_package_imports_and_a_visible_check_loads_its_lab_module(released, tmp_path):
    out, _ = released
    code = """if True:
        import importlib.util, json, sys
        import hooklab
        from hooklab.course import checks
        try:
            checks.check("01.2", lambda polls: -1)
            verdict = "passed"
        except checks.CheckFailed as e:
            verdict = str(e)
        import hooklab.course.validate  # the students' own tool
        print(json.dumps({"hooklab": hooklab.__file__, "lab01": sys.modules["hooklab.course.lab01"].__file__,
                          "verdict": verdict, "exercises": len(checks.registry()),
                          "hidden": importlib.util.find_spec("hooklab.course.hidden") is not None}))
    """
    env = {**os.environ, "PYTHONPATH": str(out / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert Path(seen["hooklab"]).is_relative_to(out) and Path(seen["lab01"]).is_relative_to(out)
    assert seen["verdict"].startswith("❌ 01.2"), seen["verdict"]
    assert seen["exercises"] > 30 and seen["hidden"] is False


def test_the_readme_and_notebook_links_point_at_files_the_release_has(released):
    out, _ = released
    readme = (out / "README.md").read_text(encoding="utf-8")
    lines = [line.strip() for line in readme.splitlines()]
    assert "make lab" in lines and "make test" in lines
    assert "solutions/" not in readme and "benchmarks/" not in readme and "## For instructors" not in readme
    assert "hooklab validate labs/" in readme
    missing = []
    for doc in [out / "README.md", *out.glob("notebooks/**/*.ipynb"), *out.glob("labs/**/*.ipynb")]:
        text = doc.read_text(encoding="utf-8")
        if doc.suffix == ".ipynb":
            text = "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells if c.cell_type == "markdown")
        for target in re.findall(r"\]\(([^)\s#]+)(?:#[^)]*)?\)", text):
            if "://" not in target and not target.startswith("mailto:") and not (doc.parent / target).exists():
                missing.append(f"{doc.relative_to(out)} → {target}")
    assert not missing, "links to files the release does not have:\n" + "\n".join(missing)


@needs_make
def test_the_release_makefile_has_lab_and_test_and_no_target_for_what_is_left_out(released):
    out, _ = released
    for target in ("lab", "test", "binder-check", "clean"):
        done = subprocess.run(["make", "-n", "-C", str(out), target], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"make -n {target}: {done.stderr}"
    test = subprocess.run(["make", "-n", "-C", str(out), "test"], capture_output=True, text=True, timeout=60).stdout
    assert "python -m pytest" in test and "chromium" not in test.lower()
    for target in ("bench", "labs", "quick", "release"):  # nothing runs (labs/ is a folder, so "up to date")
        done = subprocess.run(["make", "-n", "-C", str(out), target], capture_output=True, text=True, timeout=60)
        assert ".venv/bin" not in done.stdout, target
        assert "No rule" in done.stderr or "Nothing to be done" in done.stdout, target


def test_a_folder_that_is_not_empty_or_is_inside_the_repository_is_refused(tmp_path, capsys):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    with pytest.raises(ReleaseError, match="not empty"):
        release(busy, ROOT)
    assert cli.main(["release", str(busy)]) == 2
    err = capsys.readouterr().err
    assert "hooklab release:" in err and "not empty" in err and "Traceback" not in err
    assert sorted(p.name for p in busy.iterdir()) == ["notes.txt"]
    inside = ROOT / "build" / "hooklab-class-test"
    with pytest.raises(ReleaseError, match="inside the repository"):
        release(inside, ROOT)
    assert cli.main(["release", str(ROOT)]) == 2 and "inside the repository" in capsys.readouterr().err
    assert not inside.exists()
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(ReleaseError, match="is a file"):
        release(tmp_path / "a-file", ROOT)


# -- a small repository of our own: walking the folder, git, and a release that gives an answer away ----

ANSWER = "return sum(1 for p in polls if not p)"


def small_repository(root: Path, leak: bool = False) -> Path:
    """A tiny hooklab-shaped repository: one lesson, one solution and its lab, hidden checks, junk."""
    cell = nbformat.v4.new_code_cell(f"def wasted(polls):\n    ### BEGIN SOLUTION\n    {ANSWER}\n    ### END SOLUTION")
    cell.metadata["hooklab"] = {"answer": "01.1"}
    files = {
        "README.md": (ROOT / "README.md").read_text(encoding="utf-8"),
        "Makefile": (ROOT / "Makefile").read_text(encoding="utf-8"),
        "pyproject.toml": "[project]\nname = 'hooklab'\n",
        "src/hooklab/__init__.py": "",
        "src/hooklab/course/lab01.py": f"def reference(polls):\n    {ANSWER}\n" if leak else "# checks\n",
        "src/hooklab/course/hidden/lab01.py": f"# the grader's cases\n{ANSWER}\n",
        "tests/test_solutions.py": "SOLUTIONS = 'solutions/'\n",
        ".venv/lib/site.py": "", "src/hooklab/__pycache__/stack.cpython-311.pyc": "",
        "notebooks/.ipynb_checkpoints/00_start-checkpoint.ipynb": "{}",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Lesson")]),
                   root / "notebooks/00_start.ipynb")
    (root / "solutions").mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), root / "solutions/01_lab_polling.ipynb")
    (root / "labs").mkdir()
    (root / "labs/01_lab_polling.ipynb").write_text(labs.text(labs.generate(root / "solutions/01_lab_polling.ipynb")))
    return root


SHIPPED = ["Makefile", "README.md", "labs/01_lab_polling.ipynb", "notebooks/00_start.ipynb", "pyproject.toml",
           "src/hooklab/__init__.py", "src/hooklab/course/lab01.py"]


def test_without_git_the_folder_is_walked_skipping_junk_and_what_is_withheld(tmp_path):
    source = small_repository(tmp_path / "full")
    summary = release(tmp_path / "class", source, git=False)
    assert summary.listed_by == "walking the folder" and summary.ok
    assert summary.files == SHIPPED == released_files(tmp_path / "class")
    assert {"src/hooklab/course/hidden/lab01.py", "solutions/01_lab_polling.ipynb"} <= set(summary.left_out)
    assert not any(".venv" in p or "__pycache__" in p or "checkpoint" in p for p in summary.left_out)


def git(where: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(where), "-c", "user.name=t", "-c", "user.email=t@example.com",
                           "-c", "commit.gpgsign=false", *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@needs_git
def test_from_a_git_checkout_only_tracked_files_ship_and_the_release_gets_one_commit(tmp_path):
    source = small_repository(tmp_path / "full")
    (source / ".gitignore").write_text(".venv/\n__pycache__/\n.ipynb_checkpoints/\n")
    git(source, "init", "-q")
    git(source, "add", ".")
    git(source, "commit", "-q", "-m", "course")
    (source / "notebooks/99_draft.ipynb").write_text("{}")  # untracked: never ships
    summary = release(tmp_path / "class", source)
    assert summary.listed_by == "git ls-files" and summary.ok
    assert summary.files == sorted([".gitignore", *SHIPPED]) == released_files(tmp_path / "class")
    assert summary.untracked == ["notebooks/99_draft.ipynb"]
    assert "one commit" in summary.git
    out = tmp_path / "class"
    assert git(out, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    assert len(git(out, "log", "--oneline").splitlines()) == 1
    assert sorted(git(out, "ls-files").split()) == summary.files


@needs_git
def test_a_release_that_gives_an_answer_away_says_where_and_gets_no_commit(tmp_path, capsys):
    source = small_repository(tmp_path / "full", leak=True)
    out = tmp_path / "class"
    assert cli.main(["release", str(out), "--source", str(source)]) == 1
    printed = capsys.readouterr().out
    assert f"src/hooklab/course/lab01.py, line 2: {ANSWER!r} (answer in solutions/01_lab_polling.ipynb, cell 1)" \
        in printed
    assert "no commit" in printed and not (out / ".git").exists()


def test_a_release_for_a_known_repository_gets_binder_badges_that_open_lesson_00_of_each_track():
    from hooklab.course.release import release_readme, release_readme_pt

    readme = release_readme((ROOT / "README.md").read_text(encoding="utf-8"), "ana/hooklab-class")
    pt = release_readme_pt((ROOT / "README.pt-BR.md").read_text(encoding="utf-8"), "ana/hooklab-class")
    assert readme.splitlines()[2] == ("[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/"
                                      "ana/hooklab-class/main?labpath=notebooks%2F00_start_here.ipynb)")
    assert pt.splitlines()[2].endswith("/v2/gh/ana/hooklab-class/main?labpath=notebooks%2Fpt-BR%2F00_start_here.ipynb)")
    unknown = release_readme((ROOT / "README.md").read_text(encoding="utf-8"))
    assert "mybinder.org/v2" not in unknown  # no repository given: no badge, rather than a broken one
