"""What the stack itself shows a person (the control panel, the inspector page), in the stack's language.

Code writes English and asks for it by its English text, with ``{placeholders}``::

    text("deliveries: {counts}", stack.language, counts=...)   # "entregas: ..." in pt-BR

``TEXTS[language][english]`` is the translation; text with no entry stays English, so English
output is exactly what the code says. A word that reads differently in two places takes a
``context`` (gettext's msgctxt): its entry is ``"context|english"``.

The ``hooklab`` command speaks the terminal's language (:func:`locale_language`) from the same table.
The course's own messages (checks, hints, the grader) are in ``hooklab.course.messages``; this
table is the core's, so ``import hooklab`` never loads the course.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

__all__ = ["TEXTS", "text", "locale_language"]

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
    "this stack is stopped — run the first cell again": "esta stack está parada — rode a primeira célula de novo",
    "inspector": "inspetor",
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
    " sent again: {status} · {outcome}": " reenviado: {status} · {outcome}",
    " queued to {queued} subscription(s); it appears above once sent":
        " na fila para {queued} assinatura(s); aparece acima assim que for enviado",
    "Timing": "Tempos",
    "Request headers": "Headers da requisição",
    "Request body": "Corpo da requisição",
    "Response: {status} · {outcome}": "Resposta: {status} · {outcome}",
    # -- the hooklab command (cli.py), by the terminal's LANG -------------------------------------------
    "the stack from a terminal, grading and the student release for instructors, and a check before hand-in for "
    "students.": "a stack num terminal, a correção e a versão dos alunos para quem ensina, e uma conferência antes "
                 "da entrega para quem estuda.",
    "hooklab stack running (Ctrl-C stops it)": "stack do hooklab rodando (Ctrl-C para)",
    "webhook endpoint": "endpoint do webhook",
    "signing secret": "segredo de assinatura",
    "{name} key": "chave {name}",
    "try: {command}": "experimente: {command}",
    "stopped": "parada",
    "--field takes key=value, not {text!r}": "--field recebe chave=valor, não {text!r}",
    "no running stack found; start one with `hooklab serve` in another terminal":
        "nenhuma stack rodando; inicie uma com `hooklab serve` em outro terminal",
    "the stack in serve.json is not answering; is `hooklab serve` still running?":
        "a stack de serve.json não responde; o `hooklab serve` ainda está rodando?",
    "Python 3.11 or newer": "Python 3.11 ou mais novo",
    "expected 1 CRM contact, found {n}": "esperado 1 contato no CRM, encontrados {n}",
    "signed webhook reached the CRM ({ms} ms)": "webhook assinado chegou ao CRM ({ms} ms)",
    "stack round trip": "ida e volta pela stack",
    "all good": "tudo certo",
    "something is wrong: see FAIL lines above": "algo está errado: veja as linhas FAIL acima",
    "{path} is not a folder of <student>/<lab>.ipynb": "{path} não é uma pasta de <aluno>/<lab>.ipynb",
    "a solution notebook is malformed: {error}": "um notebook de solução está malformado: {error}",
    "graded {n} notebooks of {m} students → {out}": "{n} notebooks de {m} alunos corrigidos → {out}",
    "; feedback in {folder}/": "; feedback em {folder}/",
    "intake: {n} file noted (not graded as handed in) → {csv}":
        "recebimento: {n} arquivo anotado (não corrigido como entregue) → {csv}",
    "intake: {n} files noted (not graded as handed in) → {csv}":
        "recebimento: {n} arquivos anotados (não corrigidos como entregues) → {csv}",
    # the command's help
    "run the stack in the foreground, print its URLs and secret":
        "roda a stack em primeiro plano e mostra as URLs e o segredo",
    "keep the SQLite files here": "guarda os arquivos SQLite aqui",
    "fire an event into a running `hooklab serve`": "dispara um evento num `hooklab serve` rodando",
    "event type, e.g. newsletter.subscribed": "tipo do evento, por exemplo newsletter.subscribed",
    "an import: N events at once (stack.fire_many); prints their ids":
        "uma importação: N eventos de uma vez (stack.fire_many); mostra os ids",
    "grade a folder of <student>/<lab>.ipynb submissions (or an LMS .zip)":
        "corrige uma pasta de entregas <aluno>/<lab>.ipynb (ou um .zip do AVA)",
    "the CSV to write (default grades.csv)": "o CSV a escrever (padrão grades.csv)",
    "write <student>.md feedback files here": "escreve aqui os arquivos de feedback <aluno>.md",
    "wall-clock seconds per submission (default 120)": "segundos de relógio por entrega (padrão 120)",
    "interrupt one cell after S seconds and grade the rest (default: half of --timeout)":
        "interrompe uma célula depois de S segundos e corrige o resto (padrão: metade de --timeout)",
    "submissions graded in parallel (default: one per core)": "entregas corrigidas em paralelo (padrão: uma por núcleo)",
    "the solution notebooks (default: solutions/)": "os notebooks de solução (padrão: solutions/)",
    "write the student repository: no solutions/, no hidden checks":
        "escreve o repositório dos alunos: sem solutions/, sem verificações ocultas",
    "a new folder outside this repository, e.g. ../hooklab-class":
        "uma pasta nova fora deste repositório, por exemplo ../hooklab-turma",
    "the full repository (default: this one)": "o repositório completo (padrão: este)",
    "do not make OUT a git repository with one commit": "não transforma OUT num repositório git com um commit",
    "the repository you will push the release to: the README's Binder badge opens it":
        "o repositório para onde você vai enviar a versão: o selo do Binder no README abre ele",
    "check a lab before you hand it in (runs its checks, finds lost answers)":
        "confere um lab antes da entrega (roda as verificações, acha respostas perdidas)",
    "seconds a cell may run (default 120)": "segundos que uma célula pode rodar (padrão 120)",
    "check that this install works": "confere se esta instalação funciona",
    "print the Binder and JupyterHub links of every lesson and lab":
        "mostra os links do Binder e do JupyterHub de cada aula e lab",
    "the repository students open (default: this one's git remote, origin)":
        "o repositório que os alunos abrem (padrão: o remote git deste, origin)",
    "the branch (default main)": "o branch (padrão main)",
    "your JupyterHub's address, for nbgitpuller links": "o endereço do seu JupyterHub, para links do nbgitpuller",
    "Markdown (default) or CSV for an LMS": "Markdown (padrão) ou CSV para um AVA",
    "(add --hub https://your-hub for the JupyterHub links, by nbgitpuller)":
        "(acrescente --hub https://seu-hub para os links do JupyterHub, pelo nbgitpuller)",
}

#: ``TEXTS[language][english]``: the translation of ``english``; English has no table.
TEXTS: dict[str, dict[str, str]] = {"pt-BR": _PT}


def text(english: str, language: str | None, /, context: str | None = None, **values: Any) -> str:
    """``english`` in ``language`` (itself where there is no entry), its ``{placeholders}`` filled with ``values``."""
    table = TEXTS.get(language or "en", {})
    template = table.get(f"{context}|{english}" if context else english, english)
    return template.format(**values) if values else template


def locale_language(environ: Mapping[str, str] = os.environ) -> str:
    """The language of a terminal, as gettext reads it: the first of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG``
    that is set (``pt_BR.UTF-8`` → ``"pt-BR"``); English when it names a language with no table."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := environ.get(name):
            code = value.split(".")[0].split("@")[0].replace("_", "-")
            return code if code in TEXTS else "en"
    return "en"
