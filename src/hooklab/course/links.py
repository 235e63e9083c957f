"""``hooklab links``: the Binder and JupyterHub (nbgitpuller) link of every lesson and lab, for a syllabus or an LMS.

A link opens a notebook of one repository on GitHub (or any public git host) in a fresh Binder, or
pulls that repository into each student's home on a JupyterHub and opens the notebook there::

    hooklab links                                   # the repository of `git remote get-url origin`
    hooklab links --repo https://github.com/you/hooklab-class --hub https://hub.example.edu --format csv

The links are built from the repository's address, so nothing committed needs a placeholder.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from ..errors import HooklabError
from .labs import ROOT

__all__ = ["LinkError", "Link", "remote", "binder", "nbgitpuller", "links", "markdown", "as_csv"]

#: The notebooks a class opens, in course order: the lessons, then the labs, English first.
FOLDERS = ("notebooks", "labs")


class LinkError(HooklabError, ValueError):
    """The repository's address cannot be found or read."""


@dataclass(frozen=True)
class Link:
    path: str  # the notebook, relative to the repository: notebooks/00_start_here.ipynb
    title: str
    binder: str
    hub: str | None


def remote(root: Path = ROOT, name: str = "origin") -> str:
    """The address of the repository's git remote, as https (``git@github.com:o/n.git`` → ``https://github.com/o/n``)."""
    try:
        done = subprocess.run(["git", "-C", str(root), "remote", "get-url", name], capture_output=True, text=True,
                              timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise LinkError(f"could not ask git for the remote {name!r}: {e}; pass --repo URL") from None
    if done.returncode:
        raise LinkError(f"this repository has no git remote {name!r}: push it to GitHub first "
                        "(git remote add origin URL), or pass --repo URL")
    return https(done.stdout.strip())


def https(url: str) -> str:
    """A git address as the https address Binder and nbgitpuller take; a local path stays a path."""
    url = url.strip().removesuffix("/")
    if match := re.fullmatch(r"(?:ssh://)?git@([^:/]+)[:/](.+)", url):
        url = f"https://{match[1]}/{match[2]}"
    return url.removesuffix(".git")


def _github(url: str) -> str | None:
    match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+)", url)
    return f"{match[1]}/{match[2]}" if match else None


def binder(repo: str, branch: str, path: str) -> str:
    """The mybinder.org link that builds ``repo`` at ``branch`` and opens ``path`` in JupyterLab."""
    where = f"gh/{_github(repo)}" if _github(repo) else f"git/{quote(repo, safe='')}"
    return f"https://mybinder.org/v2/{where}/{quote(branch, safe='')}?labpath={quote(path, safe='')}"


def folder_of(repo: str) -> str:
    """The folder nbgitpuller clones ``repo`` into, in the student's home: the repository's name."""
    return re.split(r"[/:]", repo.rstrip("/"))[-1].removesuffix(".git")


def nbgitpuller(hub: str, repo: str, branch: str, path: str) -> str:
    """The hub link that pulls ``repo`` (``branch``) into the student's home and opens ``path`` in JupyterLab.

    nbgitpuller's format (https://nbgitpuller.readthedocs.io/en/latest/link.html): ``/hub/user-redirect/git-pull``
    with ``repo``, ``branch`` and ``urlpath``; a second click pulls new commits and keeps the student's changes.
    """
    query = urlencode({"repo": repo, "branch": branch, "urlpath": f"lab/tree/{folder_of(repo)}/{path}"},
                      quote_via=quote, safe="")
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def _title(notebook: Path) -> str:
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        first = "".join(cells[0]["source"]).strip().splitlines()[0]
    except (OSError, ValueError, KeyError, IndexError):
        return notebook.stem
    return first.lstrip("#").strip() or notebook.stem


def notebooks(root: Path = ROOT) -> list[Path]:
    """Every lesson and lab, English then each translation, in file-name (course) order."""
    found = []
    for folder in FOLDERS:
        found += sorted((root / folder).glob("*.ipynb"))
        for language in sorted(p for p in (root / folder).iterdir() if p.is_dir() and not p.name.startswith(".")):
            found += sorted(language.glob("*.ipynb"))
    return found


def links(repo: str, branch: str = "main", hub: str | None = None, root: Path = ROOT) -> list[Link]:
    """The links of every lesson and lab of ``root``, for the copy of it at ``repo``."""
    if not repo.strip():
        raise LinkError("--repo is empty: give the repository's address, e.g. https://github.com/you/hooklab")
    if hub is not None and not re.match(r"https?://[^/\s]+", hub):
        raise LinkError(f"--hub takes the hub's address, e.g. https://hub.example.edu, not {hub!r}")
    repo = https(repo)
    return [Link(p.relative_to(root).as_posix(), _title(p), binder(repo, branch, p.relative_to(root).as_posix()),
                 nbgitpuller(hub, repo, branch, p.relative_to(root).as_posix()) if hub else None)
            for p in notebooks(root)]


def markdown(found: list[Link]) -> str:
    """A Markdown table: each notebook with its Binder (and hub) link."""
    hub = any(link.hub for link in found)
    lines = ["| notebook | Binder |" + (" JupyterHub |" if hub else ""), "|---|---|" + ("---|" if hub else "")]
    for link in found:
        title = link.title.replace("|", "\\|")
        lines.append(f"| {title} (`{link.path}`) | [open]({link.binder}) |" + (f" [open]({link.hub}) |" if hub else ""))
    return "\n".join(lines) + "\n"


def as_csv(found: list[Link]) -> str:
    """CSV for an LMS import: path, title, binder, jupyterhub."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["path", "title", "binder", "jupyterhub"])
    writer.writerows([link.path, link.title, link.binder, link.hub or ""] for link in found)
    return out.getvalue()
