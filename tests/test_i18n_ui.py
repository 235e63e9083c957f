"""The control panel and the inspector page in the stack's language (issue 19, item 3)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
import requests

import hooklab
from hooklab.i18n import TEXTS, text


@pytest.fixture
def pt_stack():
    """A seeded pt-BR stack on the virtual clock."""
    with hooklab.start(seed=7, clock="virtual", language="pt-BR") as stack:
        yield stack


def _text_panel(stack, monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # as if ipywidgets were not installed: the text fallback
    panel = stack.panel()
    assert panel.widget is None
    return panel._repr_mimebundle_()["text/plain"].splitlines()


def test_the_table_looks_up_english_and_keeps_what_it_does_not_know():
    assert text("deliveries: {counts}", "pt-BR", counts="x") == "entregas: x"
    assert text("deliveries: {counts}", "en", counts="x") == "deliveries: x"
    assert text("sent", "pt-BR") == "enviada" and text("sent", "pt-BR", context="counter") == "enviadas"
    assert text("order.completed", "pt-BR") == "order.completed"
    placeholders = lambda s: sorted(re.findall(r"\{(\w*)\}", s))  # noqa: E731
    for english, said in TEXTS["pt-BR"].items():  # a translation fills the same blanks as its English
        assert placeholders(english.split("|", 1)[-1]) == placeholders(said), english


def test_a_pt_br_panel_as_text_is_portuguese(pt_stack, monkeypatch):
    assert _text_panel(pt_stack, monkeypatch)[1:] == [
        "entregas: enviadas 0 · entregues 0 · falharam 0 · em nova tentativa 0 · mortas 0",
        "falhas: nenhuma", "nenhuma entrega ainda: stack.fire(...) envia uma"]
    pt_stack.fire("order.completed")
    pt_stack.wait()
    pt_stack.faults.set("crm", error_rate=0.5)
    lines = _text_panel(pt_stack, monkeypatch)
    assert lines[0].startswith("painel de controle do hooklab (rode esta célula no JupyterLab")
    assert lines[1:4] == ["entregas: enviadas 1 · entregues 1 · falharam 0 · em nova tentativa 0 · mortas 0",
                          "falhas: crm error_rate=0.5", "últimas entregas:"]
    assert re.fullmatch(r"  #1 \d\d:\d\d:\d\d\.\d{3} order\.completed tentativa 1: 202 em \d+ ms, delivered",
                        lines[4]), lines[4]


def test_an_english_panel_as_text_is_unchanged(vstack, monkeypatch):
    assert _text_panel(vstack, monkeypatch) == [
        "hooklab control panel (run this cell in JupyterLab for buttons and sliders)",
        "deliveries: sent 0 · delivered 0 · failed 0 · retrying 0 · dead 0",
        "faults: none", "no deliveries yet: stack.fire(...) sends one"]
    vstack.fire("order.completed")
    vstack.wait()
    lines = _text_panel(vstack, monkeypatch)
    assert lines[1:4] == ["deliveries: sent 1 · delivered 1 · failed 0 · retrying 0 · dead 0", "faults: none",
                          "latest deliveries:"]
    assert re.fullmatch(r"  #1 \d\d:\d\d:\d\d\.\d{3} order\.completed try 1: 202 in \d+ ms, delivered", lines[4])


def test_a_pt_br_panel_widget_is_portuguese(pt_stack):
    pytest.importorskip("ipywidgets")
    panel = pt_stack.panel(refresh=60)
    try:
        heads = [c.value for c in panel.widget.children if getattr(c, "value", "").startswith("<b>")]
        assert heads == ["<b>Disparar um evento</b>", "<b>Falhas</b>", "<b>Últimas entregas</b>"]
        button = panel.widget.children[1].children[0]
        assert button.description in hooklab.catalog.EVENT_TYPES  # event types stay as they are
        assert button.tooltip == f"dispara um evento {button.description} de exemplo"
        label, latency, errors, outage = panel.widget.children[3].children
        assert (label.value, latency.description, errors.description, outage.description, outage.tooltip) == (
            "receiver", "latência ms", "taxa de erro", "fora do ar", "tira o receiver do ar")
        panel.fire("order.completed")
        assert "order.completed disparado (" in panel._message.value
        assert "<b>1</b> entregues" in panel._counters.value and "em nova tentativa" in panel._counters.value
        assert re.findall(r"<th[^>]*>([^<]*)</th>", panel._log.value) == [
            "#", "enviada", "tipo", "tentativa", "status", "ms", "resultado"]
        pt_stack.stop()
        errors.value = 0.5  # a fault set on a stopped stack: the panel says so, in Portuguese
        assert "não deu para ajustar as falhas de receiver:" in panel._message.value
    finally:
        panel.close()


# -- the inspector page, over HTTP -------------------------------------------------------------------------------

def _page(stack, accept_language: str | None) -> requests.Response:
    headers = {} if accept_language is None else {"Accept-Language": accept_language}
    r = requests.get(stack.inspector_link(), headers=headers, timeout=10)
    assert r.status_code == 200 and r.headers["Vary"] == "Accept-Language"
    return r


def _is_portuguese(page: str) -> bool:
    portuguese = ('<html lang="pt-BR">' in page and "<h1>hooklab · entregas recentes</h1>" in page
                  and "<th>assinatura</th><th>tentativa</th>" in page and '"Replay this event": "Reenviar este evento"'
                  in page and '<option value="none">sem resposta</option>' in page)
    english = ('<html lang="en">' in page and "<h1>hooklab · recent deliveries</h1>" in page
               and "<th>subscription</th><th>try</th>" in page and "const TEXTS = {};" in page)
    assert portuguese != english, "the page is in one language, all of it"
    return portuguese


@pytest.mark.parametrize("accept_language", ["pt-BR", "pt-BR,pt;q=0.9,en;q=0.8", "pt", "pt-PT"])
def test_the_inspector_page_is_portuguese_when_the_browser_prefers_it(vstack, accept_language):
    assert vstack.language == "en"
    assert _is_portuguese(_page(vstack, accept_language).text)


@pytest.mark.parametrize("accept_language", ["en", "en-US,en;q=0.9,pt-BR;q=0.5"])
def test_the_inspector_page_is_english_when_the_browser_prefers_it(pt_stack, accept_language):
    assert not _is_portuguese(_page(pt_stack, accept_language).text)


@pytest.mark.parametrize("accept_language", [None, "fr-FR", "de;q=0.8"])
def test_the_inspector_page_speaks_a_pt_br_stacks_language_when_the_header_does_not_say(pt_stack, accept_language):
    assert _is_portuguese(_page(pt_stack, accept_language).text)


@pytest.mark.parametrize("accept_language", [None, "fr-FR"])
def test_the_inspector_page_speaks_an_english_stacks_language_when_the_header_does_not_say(vstack, accept_language):
    assert not _is_portuguese(_page(vstack, accept_language).text)


def test_the_inspector_api_stays_english(pt_stack):
    r = requests.get(pt_stack.urls["inspector"] + "/api/attempts/99", headers={"Accept-Language": "pt-BR"}, timeout=10)
    assert r.status_code == 404 and r.json()["error"] == "no attempt 99"


CHROMIUM = Path(os.environ.get("HOOKLAB_CHROMIUM", "/usr/bin/chromium"))


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (see tests/test_browser.py)")
def test_the_inspector_pages_script_speaks_portuguese_in_a_pt_br_browser():
    from playwright.sync_api import expect, sync_playwright

    with hooklab.start(seed=3, retries=False) as stack, sync_playwright() as p:
        stack.fire("order.completed")
        stack.wait()
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_context(locale="pt-BR").new_page()
            page.goto(stack.inspector_link())
            expect(page.locator("#count")).to_have_text("1 de 1 requisições")
            page.locator("#rows tr").first.click()
            detail = page.locator("#detail")
            expect(detail).to_contain_text("order.completed · tentativa 1")
            expect(detail).to_contain_text("Resposta: 202 · delivered")
            expect(detail).to_contain_text("Headers da requisição")
            expect(page.locator("#replay")).to_have_text("Reenviar este evento")
            page.click("#replay")
            expect(page.locator("#replay-result")).to_contain_text("na fila para 1 assinatura(s)")
        finally:
            browser.close()
