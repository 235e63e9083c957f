"""A class on a real JupyterHub, driven end to end by a real browser (issue 20).

JupyterHub from PyPI and configurable-http-proxy from npm (``make test`` installs both), with
``DummyAuthenticator`` and ``SimpleLocalProcessSpawner`` on 127.0.0.1. The course is the student
release (``hooklab release``), a git repository on a local path that nbgitpuller pulls from.

Two students, each in their own browser context, log in and open lesson 00 from an nbgitpuller
link, both servers running at once. Each runs all of it, as a student does with *Run All*, then:
fires an event from the control panel and sees its log grow (widget websockets through the hub's
proxy); clicks the link ``stack.inspector_link()`` displayed, which opens the inspector through
``/user/<name>/proxy/<port>/`` (jupyter-server-proxy); opens a request and replays it, and the
page shows the answer (the lesson's stack is on the virtual clock). Their stacks share no port, no
file and no data. Then one student opens lesson 12 from its link and runs it, and the memory of
her server with its kernel is measured (``hub-memory.json`` beside the screenshots).

Screenshots go to ``$HOOKLAB_ARTIFACTS/jupyterhub/`` (a temporary folder by default). The hub and
every process it started are stopped, and the test checks that none is left.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests

from hooklab.course import links
from hooklab.course.release import release

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PROXY = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
CHROMIUM = Path(os.environ.get("HOOKLAB_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
STUDENTS = ("ana", "bia")
#: The notebook in front (a second lesson opens in a new tab of JupyterLab).
VISIBLE = ".jp-NotebookPanel:not(.lm-mod-hidden)"

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import expect, sync_playwright  # noqa: E402


def require_the_tools() -> None:
    """`make test` installs them; a hub test that quietly skipped would prove nothing, so a missing one fails."""
    for tool, how in ((PROXY, "run `make test` (it runs npm ci: package.json)"),
                      (CHROMIUM, "apt-get install chromium, or set HOOKLAB_CHROMIUM"),
                      (BIN / "jupyterhub", "pip install -r requirements.txt")):
        if not tool.exists():
            pytest.fail(f"tests/test_jupyterhub.py needs {tool}: {how}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def shots(artifacts: Path) -> Path:
    path = artifacts / "jupyterhub"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """The student release, committed: what nbgitpuller pulls into each student's home."""
    require_the_tools()
    out = tmp_path_factory.mktemp("course") / "hooklab-class"
    made = release(out, ROOT, git=True)
    assert made.ok and made.git.startswith("git: one commit"), f"the release failed:\n{made}"
    return out


@pytest.fixture(scope="module")
def hub(tmp_path_factory, course):
    """A running JupyterHub on 127.0.0.1; stops it and every process it started, and checks none is left."""
    home = tmp_path_factory.mktemp("hub")
    port, api, hub_port = free_port(), free_port(), free_port()
    config = home / "jupyterhub_config.py"
    config.write_text(f"""
c = get_config()  # noqa
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api}"
c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(home / "users" / "{username}")!r}
c.Spawner.cmd = [{str(BIN / "jupyterhub-singleuser")!r}]
c.Spawner.args = {["--allow-root"] if os.getuid() == 0 else []!r}
c.Spawner.default_url = "/lab"
c.Spawner.environment = {{"PATH": {f"{BIN}:{os.environ.get('PATH', '')}"!r}}}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.JupyterHub.db_url = "sqlite:///{home / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(home / "cookie_secret")!r}
c.JupyterHub.pid_file = {str(home / "hub.pid")!r}
""")
    log = (home / "hub.log").open("w")
    env = {**os.environ, "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}
    proc = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(config)], cwd=home, stdout=log,
                            stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    started: set[int] = set()
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, f"JupyterHub exited:\n{(home / 'hub.log').read_text()[-3000:]}"
            try:
                if requests.get(f"{url}/hub/api", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, f"JupyterHub did not answer:\n{(home / 'hub.log').read_text()[-3000:]}"
            time.sleep(0.5)
        yield {"url": url, "home": home, "proc": proc, "started": started}
    finally:
        try:
            started |= {p.pid for p in psutil.Process(proc.pid).children(recursive=True)}
        except psutil.NoSuchProcess:
            pass
        proc.send_signal(signal.SIGTERM)  # the hub stops the single-user servers and the proxy
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        log.close()
        _, alive = psutil.wait_procs([p for p in map(_process, started) if p], timeout=15)
        for p in alive:
            p.kill()
        assert not alive, f"left running after the hub stopped: {[p.pid for p in alive]}"


def _process(pid: int) -> psutil.Process | None:
    try:
        return psutil.Process(pid)
    except psutil.NoSuchProcess:
        return None


def servers(hub) -> dict[str, psutil.Process]:
    """Each student's single-user server process, by name (its environment says whose it is)."""
    found = {}
    for p in psutil.Process(hub["proc"].pid).children(recursive=True):
        hub["started"].add(p.pid)
        try:
            if "jupyterhub-singleuser" in " ".join(p.cmdline()):
                found[p.environ().get("JUPYTERHUB_USER")] = p
        except psutil.NoSuchProcess:
            continue
    return found


def kernels(server: psutil.Process) -> list[psutil.Process]:
    return [p for p in server.children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]


# -- what a student does, in JupyterLab ---------------------------------------------------------------

def log_in(context, hub_url: str, name: str):
    page = context.new_page()
    page.goto(f"{hub_url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", "any password: DummyAuthenticator")
    page.click("#login_submit")
    page.wait_for_url(re.compile(r"/(hub/spawn-pending|user)/"), timeout=120_000)
    return page


def open_lesson(page, hub_url: str, course: Path, notebook: str) -> None:
    """Follow the nbgitpuller link for ``notebook``, as a student clicks it in the LMS."""
    [link] = [ln.hub for ln in links.links(str(course), "main", hub_url, root=course) if ln.path == notebook]
    page.goto(link, timeout=180_000)
    page.wait_for_selector(f"{VISIBLE} .jp-Cell", timeout=180_000)
    page.wait_for_selector(f"{VISIBLE} .jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)


def run_all(page) -> None:
    """Run → Run All Cells, then wait until every code cell has run (an execution count in its prompt).

    The committed lesson shows its outputs and counts already: clear them first (Edit → Clear Outputs of
    All Cells), so a count in a prompt means this run reached the cell.
    """
    page.click(".lm-MenuBar-itemLabel:text-is('Edit')")
    page.click(".lm-Menu-item[data-command='editmenu:clear-all']")
    page.click(".lm-MenuBar-itemLabel:text-is('Run')")
    page.click(".lm-Menu-item[data-command='runmenu:run-all']")
    # done when every code cell has run, or when one raised (Run All stops there)
    page.wait_for_function(
        "() => { const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');"
        " if (nb.querySelector(\"[data-mime-type='application/vnd.jupyter.error']\")) return true;"
        " const p = [...nb.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];"
        " return p.length > 0 && p.every(x => /\\[\\d+\\]/.test(x.textContent)); }",
        timeout=300_000)
    page.wait_for_selector(f"{VISIBLE} .jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
    errors = page.locator(f"{VISIBLE} [data-mime-type='application/vnd.jupyter.error']")
    assert errors.count() == 0, errors.first.inner_text()[-2000:]


def fire_from_the_panel(page) -> int:
    """Click the panel's newsletter.subscribed button; the log (over the widget websocket) gets the new row."""
    rows = page.locator(".hooklab-log-row")
    before = rows.count()
    assert before > 0  # lesson 00 sent webhooks, and the panel lists them
    page.locator(".jupyter-widgets button", has_text="newsletter.subscribed").first.click()
    expect(rows).to_have_count(before + 1, timeout=30_000)
    expect(rows.first).to_contain_text("newsletter.subscribed")
    return before + 1


def open_inspector(page, context, name: str):
    """Click the link stack.inspector_link() displayed: the inspector opens through the hub, in a new tab."""
    link = page.locator(f"a[href*='/user/{name}/proxy/']", has_text="inspector")
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    assert re.fullmatch(rf"/user/{name}/proxy/\d+/", href), href
    with context.expect_page() as opened:
        link.click()
    inspector = opened.value
    inspector.wait_for_load_state()
    return inspector, int(href.rstrip("/").rsplit("/", 1)[1])


def test_two_students_run_lesson_00_and_keep_a_live_stack_on_a_real_hub(hub, course, shots):
    url = hub["url"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            contexts = {name: browser.new_context(viewport={"width": 1280, "height": 900}) for name in STUDENTS}
            pages = {name: log_in(contexts[name], url, name) for name in STUDENTS}
            for name in STUDENTS:  # both log in first: two servers starting and running at once
                open_lesson(pages[name], url, course, "notebooks/00_start_here.ipynb")
                assert (hub["home"] / "users" / name / "hooklab-class" / "notebooks" / "00_start_here.ipynb").exists()
            assert set(servers(hub)) == set(STUDENTS)

            inspectors, ports, rows = {}, {}, {}
            for name in STUDENTS:
                page = pages[name]
                run_all(page)
                page.screenshot(path=str(shots / f"{name}-lesson00-run-all.png"), full_page=False)
                rows[name] = fire_from_the_panel(page)
                page.locator(".hooklab-log-row").first.scroll_into_view_if_needed()
                page.screenshot(path=str(shots / f"{name}-panel-fired.png"))
                inspectors[name], ports[name] = open_inspector(page, contexts[name], name)

            bia_extra = fire_from_the_panel(pages["bia"])  # one more for bia only: data is per student
            for name, inspector in inspectors.items():
                inspector.reload()
                table = inspector.locator("#rows tr")
                expect(table).to_have_count(bia_extra if name == "bia" else rows[name], timeout=30_000)
                table.first.click()
                expect(inspector.locator("#detail")).to_contain_text("Response: 20")
                inspector.click("#replay")
                # the virtual clock: the page's replay is sent at once, and its answer shows here
                expect(inspector.locator("#replay-result")).to_contain_text(
                    re.compile(r"sent again: 20\d · delivered"), timeout=30_000)
                expect(table).to_have_count((bia_extra if name == "bia" else rows[name]) + 1, timeout=30_000)
                inspector.screenshot(path=str(shots / f"{name}-inspector-replayed.png"), full_page=True)

            # Two stacks, nothing shared: ports, files, data.
            assert ports["ana"] != ports["bia"]
            mine = {}
            for name, server in servers(hub).items():
                [kernel] = kernels(server)
                files = {f.path for f in kernel.open_files() if f.path.endswith(".db")}
                listening = {c.laddr.port for c in kernel.net_connections() if c.status == psutil.CONN_LISTEN}
                assert files and ports[name] in listening, (name, files, listening)
                mine[name] = (files, listening)
            assert not mine["ana"][0] & mine["bia"][0] and not mine["ana"][1] & mine["bia"][1]
            # the stack is still alive after Run All: a second look at the panel still works
            fire_from_the_panel(pages["ana"])

            # Memory per student, with a stack running lesson 12 (docs/instructors.md quotes it).
            open_lesson(pages["bia"], url, course, "notebooks/12_scalability.ipynb")
            run_all(pages["bia"])
            pages["bia"].screenshot(path=str(shots / "bia-lesson12-run-all.png"))
            server = servers(hub)["bia"]
            tree = [server, *server.children(recursive=True)]
            each = {("server" if p is server else f"kernel (pid {p.pid})"): round(p.memory_full_info().pss / 2**20)
                    for p in tree}
            pss = sum(p.memory_full_info().pss for p in tree) / 2**20
            rss = sum(p.memory_info().rss for p in tree) / 2**20
            (shots / "hub-memory.json").write_text(json.dumps(
                {"lessons_open": ["00", "12"], "processes": len(tree), "pss_mib": round(pss), "rss_mib": round(rss),
                 "pss_mib_each": each}, indent=2))
            assert 50 < pss < 2048, f"{pss:.0f} MiB for one student's server and kernels"
        finally:
            browser.close()
