"""What the stack itself shows a person (the control panel, the inspector page), in the stack's language.

Code writes English and asks for it by its English text, with ``{placeholders}``::

    text("deliveries: {counts}", stack.language, counts=...)   # "entregas: ..." in pt-BR

``TEXTS[language][english]`` is the translation; text with no entry stays English, so English
output is exactly what the code says. A word that reads differently in two places takes a
``context`` (gettext's msgctxt): its entry is ``"context|english"``.

The course's own messages (checks, hints, the grader) are in ``hooklab.course.messages``; this
table is the core's, so ``import hooklab`` never loads the course.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TEXTS", "text"]

_PT: dict[str, str] = {
    # -- the control panel: text summary ---------------------------------------------------------------
    "hooklab control panel (run this cell in JupyterLab for buttons and sliders)":
        "painel de controle do hooklab (rode esta célula no JupyterLab para ter botões e controles deslizantes)",
    "deliveries: {counts}": "entregas: {counts}",
    "faults: {faults}": "falhas: {faults}",
    "none": "nenhuma",
    "latest deliveries:": "últimas entregas:",
    "no deliveries yet: stack.fire(...) sends one": "nenhuma entrega ainda: stack.fire(...) envia uma",
    "  #{n} {sent} {type} try {attempt}: {status} in {ms} ms, {outcome}":
        "  #{n} {sent} {type} tentativa {attempt}: {status} em {ms} ms, {outcome}",
    # the counters
    "counter|sent": "enviadas",
    "counter|delivered": "entregues",
    "counter|failed": "falharam",
    "counter|retrying": "em nova tentativa",
    "counter|dead": "mortas",
    # -- the control panel: the widget -----------------------------------------------------------------
    "Fire an event": "Disparar um evento",
    "fire a sample {name} event": "dispara um evento {name} de exemplo",
    "Faults": "Falhas",
    "Latest deliveries": "Últimas entregas",
    "latency ms": "latência ms",
    "error rate": "taxa de erro",
    "outage": "fora do ar",
    "take the {service} down": "tira o {service} do ar",
    "could not set faults on {service}: {error}": "não deu para ajustar as falhas de {service}: {error}",
    "could not fire {type}: {error}": "não deu para disparar {type}: {error}",
    "fired {type} ({id})": "{type} disparado ({id})",
    # -- column names and detail labels (panel log and inspector) ---------------------------------------
    "sent": "enviada",
    "type": "tipo",
    "try": "tentativa",
    "status": "status",
    "outcome": "resultado",
    "subscription": "assinatura",
    "sent (UTC)": "enviada (UTC)",
    "event": "evento",
    "trigger": "gatilho",
    "scheduled": "agendada",
    "answered": "respondida",
    "latency": "latência",
    # -- the inspector page -----------------------------------------------------------------------------
    "hooklab inspector": "inspetor do hooklab",
    "hooklab · recent deliveries": "hooklab · entregas recentes",
    "all": "todos",
    "no answer": "sem resposta",
    "live": "ao vivo",
    "Select a request to see its headers, body, response and timing.":
        "Selecione uma requisição para ver os headers, o corpo, a resposta e os tempos.",
    "{shown} of {total} requests": "{shown} de {total} requisições",
    "{type} · attempt {attempt}": "{type} · tentativa {attempt}",
    "Replay this event": "Reenviar este evento",
    " queued to {queued} subscription(s); it appears above once sent":
        " na fila para {queued} assinatura(s); aparece acima assim que for enviado",
    "Timing": "Tempos",
    "Request headers": "Headers da requisição",
    "Request body": "Corpo da requisição",
    "Response: {status} · {outcome}": "Resposta: {status} · {outcome}",
}

#: ``TEXTS[language][english]``: the translation of ``english``; English has no table.
TEXTS: dict[str, dict[str, str]] = {"pt-BR": _PT}


def text(english: str, language: str | None, /, context: str | None = None, **values: Any) -> str:
    """``english`` in ``language`` (itself where there is no entry), its ``{placeholders}`` filled with ``values``."""
    table = TEXTS.get(language or "en", {})
    template = table.get(f"{context}|{english}" if context else english, english)
    return template.format(**values) if values else template
