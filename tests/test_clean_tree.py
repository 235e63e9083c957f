"""Tests write nothing into the repository: the writers we know of are pointed elsewhere.

(`git status` cannot tell mid-run what a test wrote from what a person is editing, so this checks
the configuration of each writer instead.)
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import settings
from hypothesis.configuration import storage_directory

ROOT = Path(__file__).resolve().parents[1]


def inside_repository(path: Path) -> bool:
    return path.resolve().is_relative_to(ROOT)


def test_hypothesis_keeps_no_example_database_in_the_repository():
    database = settings.default.database
    assert database is None or not inside_repository(Path(database.path)), database


def test_hypothesis_keeps_its_caches_outside_the_repository(hypothesis_home):
    home = storage_directory(intent_to_write=False).path
    assert home == hypothesis_home
    if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        assert not inside_repository(home), home


def test_screenshots_go_outside_the_repository(artifacts):
    if os.environ.get("HOOKLAB_ARTIFACTS"):  # the caller chose where
        assert artifacts == Path(os.environ["HOOKLAB_ARTIFACTS"])
    else:
        assert not inside_repository(artifacts), artifacts
    source = (ROOT / "tests" / "test_browser.py").read_text(encoding="utf-8")
    assert '"artifacts"' not in source and "def shots(artifacts)" in source, \
        "test_browser.py must take its screenshot folder from the `artifacts` fixture"
