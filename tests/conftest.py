"""Fixtures, and a guard that fails any test leaving a stack, a thread, a socket or a file
behind, or a thread pinned to fewer cores than the process has.

Tests write nothing into the repository: Hypothesis keeps its caches and the screenshots go
to a temporary folder (tests/test_clean_tree.py checks both). Notebook items get the
``notebooks`` marker here; see [tool.pytest.ini_options] for all markers and ``make quick``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil
import pytest
from hypothesis import configuration as hypothesis_configuration
from hypothesis import settings

import hooklab
from hooklab import stack as stack_module

# No example database: the fuzz tests are derandomized (the same examples every run), and a
# database would be a folder in the repository. Load another profile with --hypothesis-profile.
settings.register_profile("hooklab", database=None)
settings.load_profile("hooklab")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.suffix == ".ipynb":  # nbval's cells of notebooks/ and solutions/
            item.add_marker(pytest.mark.notebooks)


class _NotebookPath:
    """nbval starts a notebook's kernel in the setup of its first cell (``IPyNbFile.setup``): start
    it with ``JPY_SESSION_NAME`` set to the notebook's path, as Jupyter Server and ``python -m
    hooklab.course.labs --execute`` do, so a notebook under ``pt-BR/`` gives pt-BR feedback here too
    and its committed outputs compare equal. A plugin, not a conftest hook: a conftest's
    ``pytest_runtest_setup`` only sees the items under its own folder, and notebooks are not in tests/."""

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item):
        if item.path.suffix != ".ipynb":
            yield
            return
        before = os.environ.get("JPY_SESSION_NAME")
        os.environ["JPY_SESSION_NAME"] = str(item.path.resolve())
        try:
            yield
        finally:
            if before is None:
                os.environ.pop("JPY_SESSION_NAME", None)
            else:
                os.environ["JPY_SESSION_NAME"] = before


_HYPOTHESIS_HOME = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    # Hypothesis writes caches to ./.hypothesis/, already while collecting: send them to a
    # temporary folder instead, unless HYPOTHESIS_STORAGE_DIRECTORY says where.
    if where := os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        home = Path(where)
    else:
        home = Path(tempfile.mkdtemp(prefix="hooklab-hypothesis-"))
        config.add_cleanup(lambda: shutil.rmtree(home, ignore_errors=True))
    hypothesis_configuration.set_hypothesis_home_dir(home)
    config.stash[_HYPOTHESIS_HOME] = home
    config.pluginmanager.register(_NotebookPath(), "hooklab-notebook-path")


@pytest.fixture(scope="session")
def hypothesis_home(pytestconfig: pytest.Config) -> Path:
    """Where Hypothesis keeps its caches during this run."""
    return pytestconfig.stash[_HYPOTHESIS_HOME]


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Files a person may want to see after the run (screenshots): in $HOOKLAB_ARTIFACTS if set
    (CI can keep them), else in a temporary folder; never in the repository by default."""
    where = os.environ.get("HOOKLAB_ARTIFACTS")
    path = Path(where) if where else tmp_path_factory.mktemp("artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _leftovers() -> dict:
    proc = psutil.Process()
    return {
        "threads": sorted(t.name for t in threading.enumerate() if t.name.startswith(("hooklab", "waitress"))),
        "listening": sorted(c.laddr.port for c in proc.net_connections("tcp") if c.status == "LISTEN"),
        "databases": sorted(f.path for f in proc.open_files() if ".db" in f.path),
        # nothing in hooklab may move the calling thread onto fewer cores
        "cores": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [],
    }


@pytest.fixture(autouse=True)
def no_leaks():
    before = _leftovers()
    yield
    if stack_module._current is not None:
        stack_module._current.stop()
        pytest.fail("the test left a stack running (use `with hooklab.start() as stack:`)")
    deadline = time.monotonic() + 2
    while (after := _leftovers()) != before and time.monotonic() < deadline:
        time.sleep(0.02)  # connection threads take a moment to notice a closed socket
    assert after == before, f"left behind: {after} (before the test: {before})"


@pytest.fixture
def vstack():
    """A seeded stack on the virtual clock."""
    with hooklab.start(seed=7, clock="virtual") as stack:
        yield stack


@pytest.fixture
def rstack():
    """A seeded stack on the real clock."""
    with hooklab.start(seed=7) as stack:
        yield stack
