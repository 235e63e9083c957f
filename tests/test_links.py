"""``hooklab links``: Binder and nbgitpuller links for every lesson and lab, built from the repository's address."""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from hooklab import cli
from hooklab.course import links
from hooklab.course.labs import ROOT


def test_every_lesson_and_lab_gets_a_binder_and_a_hub_link_that_open_it():
    found = links.links("git@github.com:ana/hooklab-class.git", "main", "https://hub.example.edu/")
    paths = [link.path for link in found]
    assert paths == [p.relative_to(ROOT).as_posix() for p in links.notebooks()]
    assert {"notebooks/00_start_here.ipynb", "notebooks/pt-BR/00_start_here.ipynb", "labs/03_lab_leads.ipynb",
            "labs/pt-BR/01_lab_polling.ipynb"} <= set(paths)
    assert not [p for p in paths if p.startswith("solutions/")]  # answers are never linked
    for link in found:
        assert (ROOT / link.path).is_file()
        binder = urlsplit(link.binder)
        assert (binder.netloc, binder.path) == ("mybinder.org", "/v2/gh/ana/hooklab-class/main")
        assert parse_qs(binder.query) == {"labpath": [link.path]}
        hub = urlsplit(link.hub)
        assert (hub.scheme, hub.netloc, hub.path) == ("https", "hub.example.edu", "/hub/user-redirect/git-pull")
        assert parse_qs(hub.query) == {"repo": ["https://github.com/ana/hooklab-class"], "branch": ["main"],
                                       "urlpath": [f"lab/tree/hooklab-class/{link.path}"]}
    assert found[0].title.startswith("Lesson 00")


def test_any_git_host_or_a_local_path_works_too():
    assert links.binder("https://gitlab.com/ana/hooklab", "dev", "labs/x.ipynb") == \
        "https://mybinder.org/v2/git/https%3A%2F%2Fgitlab.com%2Fana%2Fhooklab/dev?labpath=labs%2Fx.ipynb"
    assert links.https("ssh://git@github.com/ana/hooklab.git") == "https://github.com/ana/hooklab"
    hub = links.nbgitpuller("http://127.0.0.1:8000", "/srv/git/class.git", "main", "notebooks/a b.ipynb")
    query = parse_qs(urlsplit(hub).query)
    assert query["repo"] == ["/srv/git/class.git"] and query["urlpath"] == ["lab/tree/class/notebooks/a b.ipynb"]


def _repo(tmp_path: Path, remote: str | None) -> Path:
    (tmp_path / "notebooks").mkdir(parents=True)
    (tmp_path / "labs").mkdir()
    (tmp_path / "notebooks" / "00_start_here.ipynb").write_text('{"cells": [{"source": ["# Lesson 00 | start"]}]}')
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    if remote:
        subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "origin", remote], check=True)
    return tmp_path


def test_the_repository_comes_from_the_git_remote_or_says_what_to_do(tmp_path):
    root = _repo(tmp_path / "a", "git@github.com:ana/hooklab.git")
    [link] = links.links(links.remote(root), root=root)
    assert link.binder == "https://mybinder.org/v2/gh/ana/hooklab/main?labpath=notebooks%2F00_start_here.ipynb"
    assert links.markdown([link]).splitlines()[-1] == (
        f"| Lesson 00 \\| start (`notebooks/00_start_here.ipynb`) | [open]({link.binder}) |")
    with pytest.raises(links.LinkError, match="no git remote 'origin'.*--repo URL"):
        links.remote(_repo(tmp_path / "b", None))
    with pytest.raises(links.LinkError, match="--hub takes the hub's address"):
        links.links("https://github.com/ana/hooklab", hub="hub.example.edu")


def test_the_command_prints_markdown_or_csv(capsys):
    assert cli.main(["links", "--repo", "https://github.com/ana/hooklab", "--hub", "https://hub.example.edu",
                     "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "path,title,binder,jupyterhub" and len(lines) == 1 + len(links.notebooks())
    assert cli.main(["links", "--repo", ""]) == 2
    assert "--repo is empty" in capsys.readouterr().err


def test_no_committed_link_holds_a_placeholder():
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True, check=True)
    found = [name for name in tracked.stdout.splitlines()
             if name.endswith((".md", ".ipynb", ".py", ".txt")) and name != "tests/test_links.py"
             and any(bad in (ROOT / name).read_text(encoding="utf-8", errors="replace")
                     for bad in ("OWNER/hooklab", "/v2/gh/OWNER", "github.com%2FOWNER", "https://HUB/"))]
    assert not found, f"links with a placeholder in: {found}"
