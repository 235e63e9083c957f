"""The command line: serve in one process, fire from another, doctor."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from hooklab import cli

HOOKLAB = [sys.executable, "-m", "hooklab.cli"]


#: An English terminal, whatever the machine's locale (the command speaks LANG's language).
ENGLISH = {"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


@pytest.fixture
def served(tmp_path):
    env = {**os.environ, **ENGLISH, "TMPDIR": str(tmp_path)}  # a private serve.json for this test
    # As from a terminal: Ctrl-C reaches it even when these tests run in the background, where the shell
    # starts every command with SIGINT ignored (and a child inherits that).
    proc = subprocess.Popen([*HOOKLAB, "serve", "--seed", "3"], stdout=subprocess.PIPE, text=True, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line)
            if "try:" in line:
                break
        yield proc, env, "".join(lines)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
        proc.stdout.close()


def crm_contacts(tmp_path, banner: str, expected: int, tries: int = 200) -> list[dict]:
    """The served CRM's contacts, once ``expected`` are there (or after ``tries`` polls)."""
    state = json.loads(next(tmp_path.glob("hooklab-*/serve.json")).read_text())
    key = banner.split("crm key")[1].split()[0]
    for _ in range(tries):
        r = requests.get(state["urls"]["crm"] + "/api/contacts", headers={"Authorization": f"Bearer {key}"},
                         timeout=5)
        if len(r.json()["contacts"]) >= expected:
            break
        time.sleep(0.05)
    return r.json()["contacts"]


def test_serve_prints_urls_and_fire_reaches_the_crm(served, tmp_path):
    proc, env, banner = served
    assert "POST http://127.0.0.1:" in banner and "whsec_" in banner
    out = subprocess.run([*HOOKLAB, "fire", "newsletter.subscribed", "--field", "email=cli@example.com",
                          "--field", "name=Zoë São"], capture_output=True, text=True, env=env, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("msg_")
    contacts = crm_contacts(tmp_path, banner, 1)
    assert [(c["email"], c["name"]) for c in contacts] == [("cli@example.com", "Zoë São")]


def test_fire_with_a_bad_field_says_why(served):
    proc, env, _ = served
    out = subprocess.run([*HOOKLAB, "fire", "newsletter.subscribed", "--field", "email=nope"],
                         capture_output=True, text=True, env=env, timeout=30)
    assert out.returncode == 1 and "email" in out.stderr and "Traceback" not in out.stderr
    out = subprocess.run([*HOOKLAB, "fire", "order.complete"], capture_output=True, text=True, env=env, timeout=30)
    assert out.returncode == 1 and "did you mean 'order.completed'" in out.stderr


def test_fire_count_imports_that_many_and_a_bad_count_says_why(served, tmp_path):
    proc, env, banner = served
    out = subprocess.run([*HOOKLAB, "fire", "newsletter.subscribed", "--count", "120"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    ids = out.stdout.split()
    assert len(ids) == len(set(ids)) == 120 and all(i.startswith("msg_") for i in ids)
    assert len(crm_contacts(tmp_path, banner, 120)) == 120
    for count in ("0", "100001"):
        out = subprocess.run([*HOOKLAB, "fire", "newsletter.subscribed", "--count", count],
                             capture_output=True, text=True, env=env, timeout=30)
        assert out.returncode == 1 and "count must be a whole number from 1 to 100,000" in out.stderr


def test_fire_without_a_running_serve_explains(tmp_path):
    env = {**os.environ, **ENGLISH, "TMPDIR": str(tmp_path)}
    out = subprocess.run([*HOOKLAB, "fire", "newsletter.subscribed"], capture_output=True, text=True, env=env,
                         timeout=30)
    assert out.returncode == 2 and "hooklab serve" in out.stderr


def test_fire_rejects_a_malformed_field():
    with pytest.raises(SystemExit, match="key=value"):
        cli._parse_field("novalue")
    assert cli._parse_field("total=12.5") == ("total", 12.5)
    assert cli._parse_field("name=Ana") == ("name", "Ana")


def test_doctor_passes_on_this_install(capsys):
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out and "signed webhook reached the CRM" in out


def test_the_command_speaks_the_terminals_language(tmp_path):
    def run(*args, **lang):
        env = {**os.environ, **ENGLISH, **lang, "TMPDIR": str(tmp_path)}
        return subprocess.run([*HOOKLAB, *args], capture_output=True, text=True, env=env, timeout=30)

    out = run("fire", "newsletter.subscribed", LANG="pt_BR.UTF-8")
    assert out.returncode == 2
    assert out.stderr.strip() == ("hooklab fire: nenhuma stack rodando; inicie uma com `hooklab serve` em outro "
                                  "terminal")
    assert "dispara um evento num `hooklab serve` rodando" in run("--help", LANG="pt_BR.UTF-8").stdout
    english = run("--help", LANG="en_US.UTF-8").stdout
    assert "fire an event into a running `hooklab serve`" in english and "dispara" not in english


def test_the_terminals_language_is_read_as_gettext_reads_it():
    assert cli.locale_language({"LANG": "pt_BR.UTF-8"}) == "pt-BR"
    assert cli.locale_language({"LC_ALL": "pt_BR.utf8", "LANG": "en_US.UTF-8"}) == "pt-BR"  # LC_ALL first
    assert cli.locale_language({"LC_ALL": "C.UTF-8", "LANG": "pt_BR.UTF-8"}) == "en"
    assert cli.locale_language({"LC_MESSAGES": "pt_BR", "LANG": "C"}) == "pt-BR"
    assert cli.locale_language({"LANG": "pt_PT.UTF-8"}) == "en"  # a language with no table
    assert cli.locale_language({}) == "en"
