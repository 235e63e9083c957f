"""Real-browser tests: headless Chromium, driven by Playwright, against the inspector and JupyterLab.

Chromium comes from Debian (`make test` installs it where it can). Where it cannot be had the
tests are skipped with the reason, unless HOOKLAB_REQUIRE_BROWSER is set (CI sets it), in which
case they fail. Screenshots land in $HOOKLAB_ARTIFACTS/screenshots/ (a temporary folder by default).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import requests

import hooklab

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("HOOKLAB_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    reason = f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; or set HOOKLAB_CHROMIUM)"
    if os.environ.get("HOOKLAB_REQUIRE_BROWSER"):
        raise RuntimeError(reason + "; HOOKLAB_REQUIRE_BROWSER is set, so the browser tests cannot be skipped")
    pytest.skip(reason, allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def shots(artifacts):
    path = artifacts / "screenshots"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


def test_the_inspector_lists_filters_opens_and_replays(browser, shots):
    with hooklab.start(seed=3, retries=False) as stack:  # the real clock: a replay is sent by itself
        order = stack.fire("order.completed")
        stack.fire("form.submitted")
        stack.wait()
        stack.faults.set("receiver", error_rate=1.0, error_status=503)
        stack.fire("newsletter.subscribed")
        stack.wait()
        stack.faults.clear()
        page = browser.new_page()
        page.goto(stack.inspector_link())
        rows = page.locator("#rows tr")
        expect(rows).to_have_count(3)
        page.select_option("#status", "5")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("newsletter.subscribed")
        page.select_option("#status", "")
        page.select_option("#type", "order.completed")
        expect(rows).to_have_count(1)
        rows.first.click()
        detail = page.locator("#detail")
        expect(detail).to_contain_text("webhook-signature")
        expect(detail).to_contain_text(order)
        expect(detail).to_contain_text(stack.sources.event(order)["data"]["order_id"])  # the pretty JSON body
        expect(detail).to_contain_text("Response: 202")
        page.screenshot(path=str(shots / "inspector-detail.png"), full_page=True)
        page.click("#replay")
        expect(page.locator("#replay-result")).to_contain_text("queued to 1 subscription")
        expect(rows).to_have_count(2, timeout=10_000)  # the new attempt, listed by the page's own refresh
        assert stack.deliveries().query("event_id == @order")["trigger"].tolist() == ["event", "replay"]
        page.screenshot(path=str(shots / "inspector-replayed.png"), full_page=True)
        page.close()


def test_a_replay_on_the_virtual_clock_shows_its_answer_on_the_page(browser, shots):
    # Nothing moves a virtual clock but the notebook: the page's replay runs what is due at once.
    with hooklab.start(seed=3, clock="virtual") as stack:
        stack.faults.set("receiver", error_rate=1.0, error_status=503)
        stack.fire("order.completed")
        stack.advance(0)
        stack.faults.clear()
        page = browser.new_page()
        page.goto(stack.inspector_link())
        rows = page.locator("#rows tr")
        expect(rows).to_have_count(1)
        rows.first.click()
        expect(page.locator("#detail")).to_contain_text("Response: 503")
        page.click("#replay")
        expect(page.locator("#replay-result")).to_contain_text("sent again: 202 · delivered")
        expect(rows).to_have_count(2, timeout=10_000)
        assert stack.dispatcher.status_counts()["delivered"] == 1 and len(stack.crm.orders()) == 1
        page.screenshot(path=str(shots / "inspector-replayed-virtual.png"), full_page=True)
        page.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def jupyterlab(tmp_path):
    """JupyterLab on 127.0.0.1 over a copy of the lessons (the committed ones are never touched)."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copytree(ROOT / "docs" / "img", tmp_path / "docs" / "img")
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}", "--allow-root",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.expose_app_in_browser=True"],  # window.jupyterapp: run cells by command, not keystrokes
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "lab.log", "w"))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{base}/api/status", params={"token": token}, timeout=2).ok:
                break
        except requests.RequestException:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text()[-2000:])
        time.sleep(0.3)
    yield base, token
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_jupyterlab_runs_lesson_00_and_its_panel_fires_events(browser, jupyterlab, shots):
    base, token = jupyterlab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/lab/tree/notebooks/00_start_here.ipynb?token={token}")
    cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")
    expect(cells.first).to_be_visible(timeout=60_000)
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(1, timeout=60_000)
    lesson = nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", as_version=4)
    panel_at = next(i for i, c in enumerate(lesson.cells) if c.source.strip() == "stack.panel()")
    page.wait_for_function("(n) => window.jupyterapp?.shell.currentWidget?.content?.widgets.length === n",
                           arg=len(lesson.cells), timeout=60_000)  # the whole notebook is loaded
    # ...and its kernel is up: running cells before that makes JupyterLab ask which kernel to start.
    page.wait_for_function("() => window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status"
                           " === 'idle'", timeout=90_000)
    # Run every cell down to the panel's, as "Run All Above" from the cell after it; not awaited
    # (a command can wait on a dialog): the expectations below have the timeouts.
    page.evaluate("""(next) => {
        window.jupyterapp.shell.currentWidget.content.activeCellIndex = next;
        window.jupyterapp.commands.execute("notebook:run-all-above");
    }""", panel_at + 1)
    fire = page.get_by_role("button", name="order.completed", exact=True)
    expect(fire).to_be_visible(timeout=60_000)
    log_rows = page.locator(".hooklab-log-row")
    expect(log_rows).to_have_count(5)  # the four signups and Ana's order the lesson made
    fire.click()
    expect(log_rows).to_have_count(6, timeout=15_000)
    expect(log_rows.first).to_contain_text("order.completed")
    page.screenshot(path=str(shots / "jupyterlab-panel.png"), full_page=True)
    page.close()
