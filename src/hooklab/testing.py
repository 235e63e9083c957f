"""Test a webhook endpoint before production: sample events, signed test requests, and pytest in a notebook.

A handler test posts a signed request through Flask's test client, with no server and no network::

    >>> from hooklab.testing import sample, signed
    >>> event = sample("order.completed", seed=1)
    >>> response = app.test_client().post("/webhooks", **signed(event, secret))  # doctest: +SKIP

In a notebook, :func:`run` runs the ``test_*`` functions (and fixtures) defined there with
pytest and returns one row per test.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import time
from typing import Any

import pandas as pd

from . import catalog
from .signing import sign_headers

__all__ = ["sample", "signed", "run"]

#: Where sample events are dated: the virtual clock's epoch, 2026-01-05 09:00 UTC.
SAMPLE_TIME = 1767603600.0


def sample(event_type: str, seed: int = 0, **fields: Any) -> dict:
    """A valid event of ``event_type`` (the envelope), from seeded fake data; ``fields`` override data fields.

    >>> sample("newsletter.subscribed", email="ana@example.com")["data"]["email"]
    'ana@example.com'
    """
    data = catalog.Factory(seed=seed).data(event_type, **fields)
    return catalog.envelope(event_type, data, SAMPLE_TIME)


def signed(event: dict | str | bytes, secret: str, *, msg_id: str | None = None,
           timestamp: float | None = None) -> dict:
    """Keyword arguments for a test client's ``post()``: the body and the Standard Webhooks headers.

    ``event`` is a dict (sent as compact JSON) or the raw body. ``msg_id`` defaults to an id
    derived from the body (so the same event gets the same id, as a redelivery would);
    ``timestamp`` to now.
    """
    body = event if isinstance(event, (str, bytes)) else json.dumps(event, separators=(",", ":"))
    body = body.encode() if isinstance(body, str) else body
    if msg_id is None:
        msg_id = catalog.make_id("msg", random.Random(body))
    headers = sign_headers(secret, msg_id, time.time() if timestamp is None else timestamp, body)
    return {"data": body, "headers": headers}


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _why(report) -> str:
    """The first line pytest marks ``E`` (the assertion with its values, a missing fixture...)."""
    lines = _ANSI.sub("", str(report.longrepr)).splitlines()
    marked = [line[1:].strip() for line in lines if line.startswith("E ")]
    return (marked or [line.strip() for line in lines if line.strip()] or [""])[0]


class _Recorder:
    """A pytest plugin that keeps one row per test: its name, outcome and the first line of why."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def pytest_runtest_logreport(self, report) -> None:
        if report.when == "call" or report.outcome != "passed":
            why = _why(report) if report.failed else ""
            self.rows.append({"test": report.nodeid.split("::")[-1],
                              "outcome": "error" if report.when != "call" and report.failed else report.outcome,
                              "why": why})


def run(*args: str) -> pd.DataFrame:
    """Run the tests defined in the notebook with pytest (through ipytest); one row per test.

    Extra ``args`` go to pytest, e.g. ``run("-k", "duplicate")``. The repository's own pytest
    options are not applied, so a lesson's tests run the same everywhere.
    """
    import ipytest

    recorder = _Recorder()
    with contextlib.redirect_stdout(io.StringIO()):  # the table says it all
        ipytest.run("-q", "--no-header", "--color=no", "--tb=no", "-p", "no:cacheprovider", "-p", "no:nbval",
                    "-o", "addopts=", *args, plugins=[recorder], addopts=[], coverage=False)
    return pd.DataFrame(recorder.rows, columns=["test", "outcome", "why"])


def _rewrite_asserts_in_notebook() -> None:
    """In IPython, let pytest rewrite ``assert`` in the cells that follow, so failures show their values."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    if get_ipython() is not None:
        import ipytest

        ipytest.config(rewrite_asserts=True, coverage=False)  # coverage: ipytest 0.14 keeps a sentinel otherwise


_rewrite_asserts_in_notebook()
