"""What the learner reads, in the language of their track: one message table per language.

Code writes English and asks for it by its English text (gettext's msgid style), with
``{placeholders}``::

    _("a dict of headers for {what}", what=case)       # "um dict de headers para ..." in pt-BR

``MESSAGES[language][english]`` is the translation; text with no entry stays English. An entry may
be a pair ``(one, many)``, chosen by ``count`` (``_("{n} lab(s)", count=n, n=n)``). Which language:

1. :func:`set_language` (``hooklab.checks.set_language("pt-BR")``), if called;
2. else the notebook the kernel runs: Jupyter Server sets ``JPY_SESSION_NAME`` to its path, and a
   notebook in a ``pt-BR`` folder is the pt-BR track (``python -m hooklab.course.labs --execute``
   and the tests' nbval kernels set it too); without it, a kernel working in a ``pt-BR`` folder
   (Jupyter, nbval and the executor start a kernel in its notebook's folder);
3. else the language of the running stack (``hooklab.start(language="pt-BR")``);
4. else English.

A check runs :func:`speaking` one language from start to end; the grader passes each
submission's language. A :class:`Message` is text said later (a status in the grader's CSV,
English, and in a student's feedback file, in their language).
"""

from __future__ import annotations

import os
import string
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import PurePath, PureWindowsPath
from typing import Any

__all__ = ["MESSAGES", "LANGUAGES", "translate", "_", "set_language", "current_language", "speaking", "Message", "say",
           "placeholders"]

_PT: dict[str, str | tuple[str, str]] = {
    # -- checks: the pass line, the failure line, hints --------------------------------------------------
    "passed ({n}/{m} points)": ("passou ({n}/{m} ponto)", "passou ({n}/{m} pontos)"),
    "expected {what}": "esperado {what}",
    "{expected}; got {got}.": "{expected}; veio {got}.",
    "Hint: {hint}": "Dica: {hint}",
    "a value that differs at {where}": "um valor que difere em {where}",
    "the value": "o valor",
    "{path}: missing (expected {want})": "{path}: faltando (esperado {want})",
    "{path}: not expected (got {got})": "{path}: não esperado (veio {got})",
    "missing {items}": "faltando {items}",
    "not expected {items}": "não esperado(s) {items}",
    "{path}: expected {n} item(s), got {m}": "{path}: esperado(s) {n} item(ns), vieram {m}",
    "{path}: expected {want}, got {got}": "{path}: esperado {want}, veio {got}",
    "replace the `raise NotImplementedError(...)` line with your code":
        "troque a linha `raise NotImplementedError(...)` pelo seu código",
    " (your code calls exercise {other}, which is not answered either)":
        " (seu código chama o exercício {other}, que também está sem resposta)",
    "not answered yet — replace the `raise NotImplementedError(...)` line with your code.":
        "ainda sem resposta — troque a linha `raise NotImplementedError(...)` pelo seu código.",
    "line {line}": "linha {line}",
    "line {line} of {name}": "linha {line} de {name}",
    "the check could not use your answer ({what}).": "a verificação não conseguiu usar sua resposta ({what}).",
    "your code raised {what} at {where}.": "seu código levantou {what} em {where}.",
    "fix that error, run your answer cell again, then this check.":
        "corrija esse erro, rode de novo a célula da sua resposta e depois esta verificação.",
    "passed the visible check, but not the grader's own cases: {text}":
        "passou na verificação visível, mas não nos casos do próprio corretor: {text}",
    "no exercise {id!r}; known exercises: {known}": "não existe o exercício {id!r}; os exercícios que existem: {known}",
    "none": "nenhum",
    "the lab's hooklab stack": "a stack do hooklab deste lab",
    "run the first code cell of the lab (stack = hooklab.start(...)) again":
        "rode de novo a primeira célula de código do lab (stack = hooklab.start(...))",
    "a running stack": "uma stack rodando",
    "a stopped one": "uma stack parada",
    "run the first code cell of the lab again": "rode de novo a primeira célula de código do lab",
    "a stack on the virtual clock": "uma stack no relógio virtual",
    "the real clock": "o relógio real",
    'start it with hooklab.start(seed={seed}, clock="virtual")': 'inicie com hooklab.start(seed={seed}, clock="virtual")',
    # -- practice: the lessons' "Your turn" ------------------------------------------------------------------
    "about {value:g}": "cerca de {value:g}",
    # -- the grader: feedback files, statuses, the runner's messages -----------------------------------------
    "# Feedback for {student}": "# Feedback para {student}",
    "**{total} / {most} points** in {n} lab(s).": ("**{total} / {most} pontos** em {n} lab.",
                                                   "**{total} / {most} pontos** em {n} labs."),
    "## {lab}: {total}/{most} points": "## {lab}: {total}/{most} pontos",
    "answers not found: was this notebook recreated? No cell carries the lab's answer metadata or starts as the "
    "lab's answer cells do; paste the answers into a copy of the lab":
        "respostas não encontradas: este notebook foi recriado? Nenhuma célula tem os metadados de resposta do lab "
        "nem começa como as células de resposta do lab; cole suas respostas numa cópia do lab",
    "missing file": "arquivo não entregue",
    "file too large ({size:.0f} MB; the limit is {limit} MB)": "arquivo grande demais ({size:.0f} MB; o limite é {limit} MB)",
    "invalid notebook JSON: the file is not UTF-8 text": "JSON de notebook inválido: o arquivo não é texto UTF-8",
    "invalid notebook JSON: {error} at line {line}, column {column}":
        "JSON de notebook inválido: {error} na linha {line}, coluna {column}",
    "not a notebook: the JSON has no cells": "não é um notebook: o JSON não tem células",
    "not a notebook: {error}": "não é um notebook: {error}",
    "unknown lab: {name} is not in {folder}/ (rename it to the lab's file name)":
        "lab desconhecido: {name} não está em {folder}/ (renomeie com o nome de arquivo do lab)",
    "grader could not start it: {error}": "o corretor não conseguiu iniciá-lo: {error}",
    "grader process failed: {why}": "o processo do corretor falhou: {why}",
    "killed by signal {signal}": "encerrado pelo sinal {signal}",
    "exit status {code}": "código de saída {code}",
    "timed out after {seconds:g} s": "tempo esgotado depois de {seconds:g} s",
    "{status} (the {n} exercise(s) checked before keep their points)":
        ("{status} ({n} exercício já verificado mantém seus pontos)",
         "{status} (os {n} exercícios já verificados mantêm seus pontos)"),
    "kernel died": "o kernel morreu",
    "output too large (over {mb:g} MB)": "saída grande demais (mais de {mb:g} MB)",
    "{why} (while running {label})": "{why} (ao rodar {label})",
    "could not run the notebook: {error}": "não foi possível rodar o notebook: {error}",
    "answer {ex}": "a resposta {ex}",
    "answer {ex} (the lab's stub: none found)": "a resposta {ex} (o esqueleto do lab: nenhuma encontrada)",
    "cell {n}": "a célula {n}",
    "check {ex}": "a verificação {ex}",
    "{label} ran longer than {seconds:g} s and": "{label} rodou mais de {seconds:g} s e",
    "{label} hit the sandbox's file size limit ({mb} MB) or filled the disk and":
        "{label} bateu no limite de tamanho de arquivo da sandbox ({mb} MB) ou encheu o disco e",
    "{what} was stopped": "{what} foi interrompida",
    "your code ran longer than {seconds:g} s and was stopped (an endless loop, or waiting for something that never "
    "comes?)": "seu código rodou mais de {seconds:g} s e foi interrompido (um laço sem fim, ou esperando algo que nunca "
               "chega?)",
    "your answer cell ran longer than {seconds:g} s and was stopped (an endless loop?)":
        "a célula da sua resposta rodou mais de {seconds:g} s e foi interrompida (um laço sem fim?)",
    "your answer cell raised {ename}: {evalue}": "a célula da sua resposta levantou {ename}: {evalue}",
    "the check could not use your answer ({what})": "a verificação não conseguiu usar sua resposta ({what})",
    # -- exercise titles ---------------------------------------------------------------------------------------
    "Start a seeded virtual stack": "Inicie uma stack com seed e relógio virtual",
    "A signup reaches the CRM": "Um cadastro chega ao CRM",
    "What a delivery carried": "O que uma entrega levou",
    "The buyer's email": "O email de quem comprou",
    "Customers in the CRM": "Clientes no CRM",
    "Revenue per currency": "Receita por moeda",
    "Read a traceback": "Leia um traceback",
    "Poll the event feed": "Consulte o feed de eventos (polling)",
    "Wasted polls": "Consultas desperdiçadas",
    "Staleness per event": "Atraso de cada evento",
    "The cheapest interval that meets a target": "O intervalo mais barato que cumpre a meta",
    "The three webhook headers": "Os três headers do webhook",
    "A signature, by hand": "Uma assinatura, à mão",
    "Is it authentic?": "É autêntico?",
    "From a signup to an email-platform member": "De um cadastro a um membro da plataforma de email",
    "How fast did the CRM know?": "Em quanto tempo o CRM ficou sabendo?",
    "Map a lead to a member": "Converta um lead em membro",
    "A handler that files leads": "Um handler que registra leads",
    "The same member, form-encoded": "O mesmo membro, em form-encoded",
    "Lifetime value": "Lifetime value (LTV)",
    "An order handler that survives duplicates": "Um handler de pedidos que resiste a duplicatas",
    "A refund handler that survives duplicates": "Um handler de reembolsos que resiste a duplicatas",
    "Routing rules": "Regras de roteamento",
    "Post what the rules say": "Publique o que as regras mandam",
    "Subscription filters": "Filtros de assinatura",
    "A schema for coupon.redeemed": "Um schema para coupon.redeemed",
    "Breaking or not?": "Quebra ou não quebra?",
    "A tolerant reader across v1 and v2": "Um leitor tolerante entre v1 e v2",
    "sign(), checked by the official library": "sign(), conferida pela biblioteca oficial",
    "verify(): accept the genuine, refuse the rest": "verify(): aceite o autêntico, recuse o resto",
    "Two signatures for a rotation": "Duas assinaturas para uma rotação",
    "Exponential backoff with full jitter": "Backoff exponencial com full jitter",
    "Which answers are worth a retry?": "Quais respostas merecem um retry?",
    "An idempotent handler": "Um handler idempotente",
    "Catch an unsigned request": "Pegue uma requisição sem assinatura",
    "Catch a replayed request": "Pegue uma requisição repetida (replay)",
    "Catch a double-counted redelivery": "Pegue uma reentrega contada duas vezes",
    "Catch a crash on a bad payload": "Pegue uma quebra com um payload ruim",
    "What did the outage lose?": "O que a queda perdeu?",
    "A recovery window": "Uma janela de recuperação",
    "Recover exactly what was lost": "Recupere exatamente o que se perdeu",
    "Which update is newer?": "Qual atualização é a mais nova?",
    "Park an order until its contact exists": "Segure um pedido até o contato existir",
    "A handler that survives chaos": "Um handler que sobrevive ao caos",
    "Acknowledge at once, queue the work": "Confirme na hora, enfileire o trabalho",
    "A worker that handles events in batches": "Um worker que trata eventos em lotes",
    "Back-pressure: say 503 when the queue is full": "Back-pressure: responda 503 quando a fila estiver cheia",
    "How many workers?": "Quantos workers?",
    "Delays: p95 lag and events still waiting": "Atrasos: lag p95 e eventos ainda esperando",
    "Frequent errors: failure share by status": "Erros frequentes: parcela de falhas por status",
    "Alert on a change, not on every window": "Alerte na mudança, não a cada janela",
    "Name the fault from the metrics alone": "Diga qual é a falha só pelas métricas",
    "Signup handlers that survive chaos": "Handlers de cadastro que sobrevivem ao caos",
    "Shop handlers that survive chaos": "Handlers da loja que sobrevivem ao caos",
    "On call: alert, then recover": "De plantão: alerte e depois recupere",
    "The whole integration under chaos": "A integração inteira sob caos",
    "Webhook or polling?": "Webhook ou polling?",
    "Additive or breaking?": "Aditiva ou que quebra?",
    "A test that can fail": "Um teste que pode falhar",
    "Which request is authentic?": "Qual requisição é autêntica?",
    "How many never reached the CRM?": "Quantos nunca chegaram ao CRM?",
    # -- lab 00 (lab00.py, hidden/lab00.py) ------------------------------------------------------------------
    "a hooklab stack": "uma stack do hooklab",
    "run the cell that starts `stack` first": "rode antes a célula que inicia a `stack`",
    "run the cell with `stack = hooklab.start(...)` again": "rode de novo a célula com `stack = hooklab.start(...)`",
    "a hooklab.Stack": "um hooklab.Stack",
    "return what hooklab.start(...) returns": "devolva o que hooklab.start(...) devolve",
    "do not stop it": "não pare a stack",
    "the virtual clock": "o relógio virtual",
    'pass clock="virtual"': 'passe clock="virtual"',
    "pass seed=7": "passe seed=7",
    "seed 7, virtual clock: every run of this notebook sees the same names, ids and times":
        "seed 7, relógio virtual: toda execução deste notebook vê os mesmos nomes, ids e horários",
    "one new event for sign_up(stack, {email!r})": "um evento novo para sign_up(stack, {email!r})",
    "{n} new events": "{n} eventos novos",
    'call stack.fire("newsletter.subscribed", email=email) once':
        'chame stack.fire("newsletter.subscribed", email=email) uma vez',
    "a newsletter.subscribed event": "um evento newsletter.subscribed",
    "a {type} event": "um evento {type}",
    "the first argument of stack.fire is the event type": "o primeiro argumento de stack.fire é o tipo do evento",
    "the id stack.fire returned ({id!r})": "o id que stack.fire devolveu ({id!r})",
    "return what stack.fire(...) returns": "devolva o que stack.fire(...) devolve",
    "the webhook delivered before sign_up returns": "o webhook entregue antes de sign_up retornar",
    "delivery {state!r}": "entrega {state!r}",
    "call stack.wait() after stack.fire(...)": "chame stack.wait() depois de stack.fire(...)",
    "{email} in stack.crm.contacts()": "{email} em stack.crm.contacts()",
    "{n} contacts without it": "{n} contatos, sem ele",
    "pass email=email to stack.fire": "passe email=email para stack.fire",
    "fired, delivered, and in the CRM before you looked": "disparado, entregue e já no CRM antes de você olhar",
    "a dict of headers": "um dict de headers",
    'stack.dispatcher.attempt_detail(attempt_id)["request_headers"] is one':
        'stack.dispatcher.attempt_detail(attempt_id)["request_headers"] é um',
    "the webhook-id, webhook-timestamp and webhook-signature headers":
        "os headers webhook-id, webhook-timestamp e webhook-signature",
    "a dict without {missing}": "um dict sem {missing}",
    "return the whole request_headers dict": "devolva o dict request_headers inteiro",
    "the headers sent for event {id}": "os headers enviados para o evento {id}",
    "pick the row of stack.deliveries() whose event_id is the one given":
        "escolha a linha de stack.deliveries() cujo event_id é o que a função recebeu",
    "headers whose signature verifies with the stack's secret": "headers cuja assinatura confere com o secret da stack",
    "return the headers exactly as they were sent": "devolva os headers exatamente como foram enviados",
    "webhook-id is the event's id, and the signature proves who sent it":
        "o webhook-id é o id do evento, e a assinatura prova quem o enviou",
    "sign_up(stack, {email!r}) to return once the webhook is delivered, even when the receiver is down at first and "
    "only a retry gets through": "que sign_up(stack, {email!r}) só retorne com o webhook entregue, mesmo quando o "
                                 "receiver está fora do ar no início e só um retry consegue passar",
    "delivery {state!r} when sign_up returned": "entrega {state!r} quando sign_up retornou",
    "stack.wait() waits for every retry; a fixed stack.advance(...) or time.sleep(...) does not":
        "stack.wait() espera todos os retries; um stack.advance(...) ou time.sleep(...) de tempo fixo, não",
    "{email} in the CRM after a retried delivery": "{email} no CRM depois de uma entrega com retry",
    "no such contact": "nenhum contato com esse email",
    "one new event, and its id returned, when {email} signs up a second time":
        "um evento novo, com o id dele devolvido, quando {email} se cadastra pela segunda vez",
    "{n} new event(s) {ids}; sign_up returned {got}": "{n} evento(s) novo(s) {ids}; sign_up devolveu {got}",
    "fire exactly one event per call and return the id stack.fire gives you":
        "dispare exatamente um evento por chamada e devolva o id que stack.fire lhe dá",
    "an event fired before another one": "um evento disparado antes de outro",
    "an event whose first attempt failed and was retried": "um evento cuja primeira tentativa falhou e teve retry",
    "a dict of headers for {what}": "um dict de headers para {what}",
    "the headers of event {id} ({what})": "os headers do evento {id} ({what})",
    "keep the rows of stack.deliveries() whose event_id is the one given, not the last row":
        "fique com as linhas de stack.deliveries() cujo event_id é o que a função recebeu, não com a última linha",
    "the first attempt's headers (webhook-timestamp {timestamp}) for {what}":
        "os headers da primeira tentativa (webhook-timestamp {timestamp}) para {what}",
    "each retry is signed again at its own moment; take the first of the event's rows (.iloc[0])":
        "cada retry é assinado de novo no seu próprio momento; pegue a primeira das linhas do evento (.iloc[0])",
    "the headers exactly as the first attempt sent them, for {what}":
        "os headers exatamente como a primeira tentativa os enviou, para {what}",
    "return attempt_detail(...)['request_headers'] as it is": "devolva attempt_detail(...)['request_headers'] como está",
    # -- lab 00b (lab00b.py, hidden/lab00b.py) ---------------------------------------------------------------
    "an answer {case}": "uma resposta {case}",
    'event["data"].get("email") gives None, not a KeyError, when there is no email':
        'event["data"].get("email") dá None, e não um KeyError, quando não há email',
    "for an order whose email is 'Bia.Lima@Example.COM'": "para um pedido cujo email é 'Bia.Lima@Example.COM'",
    "return the email in lower case: a string's .lower() method":
        "devolva o email em minúsculas: o método .lower() de uma string",
    "for an order whose data has no email (a guest checkout)":
        "para um pedido cujo data não tem email (uma compra sem cadastro)",
    "return None when the data has no email": "devolva None quando o data não tiver email",
    "lower case, and None when there is no email": "em minúsculas, e None quando não há email",
    "a list of emails from {call}": "uma lista de emails vinda de {call}",
    "sorted(...) of a column gives a list; a column itself (a Series) is not one":
        "sorted(...) de uma coluna dá uma lista; a coluna em si (uma Series) não é uma lista",
    "{emails} missing": "{emails} faltando",
    "{emails} not expected": "{emails} não esperado(s)",
    "the emails sorted A→Z": "os emails em ordem de A→Z",
    "sorted(...) sorts a list or a column A→Z": "sorted(...) ordena uma lista ou uma coluna de A→Z",
    "each email once": "cada email uma vez só",
    "one row per contact: do not add emails from other tables":
        "uma linha por contato: não junte emails de outras tabelas",
    "not in the CRM": "fora do CRM",
    "only contacts whose lifecycle_stage is 'customer'": "só contatos cujo lifecycle_stage é 'customer'",
    'keep the rows where contacts["lifecycle_stage"] == "customer"':
        'fique com as linhas em que contacts["lifecycle_stage"] == "customer"',
    "all {count} customers of the CRM": "todos os {count} clientes do CRM",
    "read stack.crm.contacts() inside the function, each time it is called":
        "leia stack.crm.contacts() dentro da função, a cada vez que ela for chamada",
    "the two new buyers ({buyers}) added, and not the two new newsletter readers":
        "os dois novos compradores ({buyers}) incluídos, e não os dois novos leitores da newsletter",
    "call stack.crm.contacts() inside your function, so it sees the CRM as it is now":
        "chame stack.crm.contacts() dentro da sua função, para ela ver o CRM como ele está agora",
    "every customer in the CRM, A→Z, and nobody else": "todos os clientes do CRM, de A→Z, e mais ninguém",
    "the table has the columns of stack.crm.orders(): order_id, email, total, currency, status...":
        "a tabela tem as colunas de stack.crm.orders(): order_id, email, total, currency, status...",
    "a dict {{currency: revenue}} {case}": "um dict {{moeda: receita}} {case}",
    "a column's .to_dict() turns it into a dict, its index as the keys":
        "o .to_dict() de uma coluna a transforma num dict, com o índice como chaves",
    "for 5 orders: 40.50 and 59.25 USD, 120.00 EUR, 100.00 BRL and 89.90 BRL refunded":
        "para 5 pedidos: 40.50 e 59.25 USD, 120.00 EUR, 100.00 BRL e 89.90 BRL reembolsado",
    'count only the rows whose status is "completed", then add up total per currency':
        'conte só as linhas cujo status é "completed" e some o total por moeda',
    "completed orders summed per currency; the refunded one left out":
        "pedidos concluídos somados por moeda; o reembolsado ficou de fora",
    "for a traceback whose last line is {last!r}": "para um traceback cuja última linha é {last!r}",
    "the last line is KeyError: 'e_mail'; return what follows 'KeyError: ', without the quotes":
        "a última linha é KeyError: 'e_mail'; devolva o que vem depois de 'KeyError: ', sem as aspas",
    "only the last line counts; return the key without its quotes": "só a última linha conta; devolva a chave sem as aspas",
    "an AttributeError is not a missing key: return None unless the last line starts with 'KeyError: '":
        "um AttributeError não é uma chave que falta: devolva None, a menos que a última linha comece com 'KeyError: '",
    "the last line says it: KeyError and the key, or another error":
        "a última linha diz tudo: KeyError e a chave, ou então outro erro",
    "for a form whose email was typed as ' Caio.Prado@Example.ORG ' (a space before and after)":
        "para um formulário cujo email foi digitado como ' Caio.Prado@Example.ORG ' (um espaço antes e outro depois)",
    "a string's .strip() removes the spaces around it; then .lower()":
        "o .strip() de uma string tira os espaços em volta; depois, .lower()",
    'for an order whose data has "email": None (a field left empty)':
        'para um pedido cujo data tem "email": None (um campo deixado em branco)',
    "an email that is None is missing too: return None before calling a string method on it":
        "um email None também está faltando: devolva None antes de chamar um método de string nele",
    "{offline} (made a customer in the CRM, with no order) added, and not {lead} (a lead from a form)":
        "{offline} (virou cliente no CRM, sem pedido) incluído, e não {lead} (um lead de formulário)",
    'the CRM\'s lifecycle_stage decides, and only "customer" counts: not "has an order", not "anything but subscriber"':
        'quem decide é o lifecycle_stage do CRM, e só "customer" conta: não "tem um pedido", nem "qualquer coisa '
        'menos subscriber"',
    "for 10.10 and 20.20 BRL, and 35.00 EUR refunded": "para 10.10 e 20.20 BRL, e 35.00 EUR reembolsado",
    "10.1 + 20.2 is 30.299999999999997 in floating point: round each sum to 2 decimals (.round(2)); a currency whose "
    "only order was refunded is left out": "10.1 + 20.2 dá 30.299999999999997 em ponto flutuante: arredonde cada soma "
                                           "para 2 casas decimais (.round(2)); uma moeda cujo único pedido foi "
                                           "reembolsado fica de fora",
    "for a table whose only order was refunded": "para uma tabela cujo único pedido foi reembolsado",
    "no completed order: an empty dict": "nenhum pedido concluído: um dict vazio",
    'a traceback can hold two errors ("During handling of the above exception..."): only the last line says what '
    "stopped the code": 'um traceback pode ter dois erros ("During handling of the above exception..."): só a '
                        "última linha diz o que parou o código",
    "the last line is an AttributeError: return None, even when a KeyError shows higher up":
        "a última linha é um AttributeError: devolva None, mesmo que apareça um KeyError mais acima",
    "a key that is a number has no quotes around it (KeyError: 2026): return '2026'":
        "uma chave que é número não tem aspas em volta (KeyError: 2026): devolva '2026'",
}

#: Every language's table: English text (with ``{placeholders}``) → its translation.
MESSAGES: dict[str, dict[str, str | tuple[str, str]]] = {"pt-BR": _PT}
#: The languages a learner can get their feedback in.
LANGUAGES = ("en", *MESSAGES)

_chosen: str | None = None
_speaking: ContextVar[str | None] = ContextVar("hooklab_language", default=None)


def _known(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    return language


def set_language(language: str | None) -> None:
    """Give feedback in ``language`` ("en", "pt-BR") from now on; None goes back to choosing by itself."""
    global _chosen
    _chosen = None if language is None else _known(language)


def _of_folder(path: str) -> str | None:
    parts = set(PurePath(path).parts) | set(PureWindowsPath(path).parts)
    return next((lang for lang in MESSAGES if lang in parts), None)


def _of_notebook(path: str | None) -> str | None:
    """The track of the notebook at ``path``: its language folder (``labs/pt-BR/...``), else English."""
    if not path or not path.endswith(".ipynb"):  # a console's session, or none
        return None
    return _of_folder(path) or "en"


def _of_cwd() -> str | None:
    try:
        return _of_folder(os.getcwd())
    except OSError:  # the folder was removed
        return None


def current_language() -> str:
    """The language feedback is given in now (see the module's docstring for the order)."""
    for found in (_speaking.get(), _chosen, _of_notebook(os.environ.get("JPY_SESSION_NAME")), _of_cwd()):
        if found is not None:
            return found
    stacks = sys.modules.get("hooklab.stack")  # only a stack already started can say; never import it here
    current = getattr(stacks, "_current", None)
    return getattr(current, "language", "en") if getattr(current, "language", "en") in LANGUAGES else "en"


@contextmanager
def speaking(language: str | None = None) -> Iterator[str]:
    """Everything :func:`_` says inside the block is in ``language`` (default: the one chosen now)."""
    token = _speaking.set(_known(language) if language else current_language())
    try:
        yield _speaking.get()  # type: ignore[misc]
    finally:
        _speaking.reset(token)


def translate(text: str, language: str | None = None, count: int | None = None) -> str:
    """``text`` in ``language`` (default: the current one), or ``text`` itself where it has no translation."""
    entry = MESSAGES.get(language or current_language(), {}).get(text, text)
    if isinstance(entry, tuple):
        entry = entry[0 if count == 1 else 1]
    return entry


def _render(text: str, language: str | None, count: int | None, values: dict) -> str:
    template = translate(text, language, count)
    if not values:
        return template
    return template.format(**{k: v.to(language) if isinstance(v, Message) else v for k, v in values.items()})


def _(text: str, /, count: int | None = None, **values: Any) -> str:
    """``text`` in the current language, its ``{placeholders}`` filled with ``values``."""
    return _render(text, None, count, values)


class Message(str):
    """Text to say later, in any language: as a ``str`` it is English; ``.to("pt-BR")`` says it in pt-BR.

    It crosses a JSON pipe as :meth:`dump` and comes back with :meth:`load`.
    """

    def __new__(cls, text: str, /, count: int | None = None, **values: Any) -> Message:
        self = super().__new__(cls, _render(text, "en", count, values))
        self.text, self.count, self.values = text, count, values
        return self

    def to(self, language: str | None) -> str:
        return _render(self.text, language or "en", self.count, self.values)

    @classmethod
    def join(cls, separator: str, parts: list) -> Message:
        """``separator.join(parts)``, each part said in the language the whole is said in."""
        return cls(separator.join(f"{{p{i}}}" for i in range(len(parts))), **{f"p{i}": p for i, p in enumerate(parts)})

    def dump(self) -> dict:
        return {"text": self.text, "count": self.count,
                "values": {k: v.dump() if isinstance(v, Message) else v for k, v in self.values.items()}}

    @classmethod
    def load(cls, data: Any) -> Any:
        """A :meth:`dump` back as a Message; anything else as it is."""
        if isinstance(data, dict) and set(data) == {"text", "count", "values"}:
            return cls(data["text"], count=data["count"], **{k: cls.load(v) for k, v in data["values"].items()})
        return data

    def __reduce__(self) -> tuple:
        return (_rebuild, (self.dump(),))


def _rebuild(data: dict) -> Message:
    return Message.load(data)


def say(text: Any, language: str | None) -> str:
    """``text`` in ``language`` if it is a :class:`Message`, else as it is."""
    return text.to(language) if isinstance(text, Message) else str(text)


def placeholders(text: str) -> set[str]:
    """The ``{names}`` in ``text`` (without conversions or formats)."""
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}
