"""The grader's key to the quiz questions that lab 15 grades (Q1 is exercise 15.1, Q4 is 15.2).

Instructor-only, like the rest of this folder. Each key is what the lesson's quiz needs to grade its
question (:func:`hooklab.course.quiz15.quiz` takes it from here): the recipe that finds the right
answer, the reason each wrong option is wrong (which would name the right one by leaving it out), and
the note shown with a right answer (which says it in words).

Those words in Portuguese live here too (:data:`PT_BR`), not in ``locale/pt_BR/``: that folder ships
to students, and the reasons would give the key away there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...testing import sample, signed
from ..messages import MESSAGES
from ..quiz15 import SEED, _pick, changes, own_stack


@dataclass(frozen=True)
class Key:
    truth: Callable[[], Any]
    why: dict[str, str]
    right: str


def _refused_changes() -> str:
    """Q4's recipe: post the four changes, signed, to a receiver of its own; which ones does it refuse?"""
    with own_stack() as s:
        client = s.receiver.app.test_client()
        refused = {n for n, event in changes(sample("order.completed", seed=SEED)).items()
                   if client.post("/webhooks", **signed(event, s.secret, timestamp=s.clock.now())).status_code >= 400}
    return _pick({"a": {2}, "b": {2, 3}, "c": {1, 2, 3, 4}, "d": {1, 2}}, refused)


KEYS = {
    "Q1": Key(lambda: "c",
              why={"a": "a webhook is an ordinary HTTP POST with a JSON body (you took one apart in lesson 02)",
                   "b": "that is a stream (WebSocket, server-sent events); a webhook is one short request per event",
                   "d": "polling every second is 86,400 requests a day, nearly all empty, and still up to a second "
                        "late"},
              right="Push against pull: the source tells you, instead of you asking again and again."),
    "Q4": Key(_refused_changes,
              why={"a": "post change (1) too: this catalog validates with additionalProperties: false, so a strict "
                        "receiver turns an additive change into a breaking one",
                   "b": "an unknown event type is acknowledged (202) and ignored, so senders can add types",
                   "c": "key order means nothing to a JSON reader, and the signature covers the bytes actually sent"},
              right="The rename breaks everyone; the new field breaks strict readers like this one. Read tolerantly."),
}

#: The key's words in pt-BR, added to the course's pt-BR messages when the key is loaded.
PT_BR: dict[str, str] = {
    "a webhook is an ordinary HTTP POST with a JSON body (you took one apart in lesson 02)":
        "um webhook é um POST HTTP comum, com um corpo JSON (você desmontou um na aula 02)",
    "that is a stream (WebSocket, server-sent events); a webhook is one short request per event":
        "isso é um stream (WebSocket, server-sent events); um webhook é uma requisição curta por evento",
    "polling every second is 86,400 requests a day, nearly all empty, and still up to a second late":
        "polling a cada segundo são 86.400 requisições por dia, quase todas vazias, e ainda com até um segundo "
        "de atraso",
    "Push against pull: the source tells you, instead of you asking again and again.":
        "Push contra pull: a origem avisa você, em vez de você perguntar de novo e de novo.",
    "post change (1) too: this catalog validates with additionalProperties: false, so a strict receiver turns an "
    "additive change into a breaking one":
        "poste a mudança (1) também: este catálogo valida com additionalProperties: false, e um receiver estrito "
        "transforma uma mudança aditiva numa que quebra",
    "an unknown event type is acknowledged (202) and ignored, so senders can add types":
        "um tipo de evento desconhecido é confirmado (202) e ignorado, para que o emissor possa criar tipos novos",
    "key order means nothing to a JSON reader, and the signature covers the bytes actually sent":
        "a ordem das chaves não quer dizer nada para quem lê o JSON, e a assinatura cobre os bytes realmente enviados",
    "The rename breaks everyone; the new field breaks strict readers like this one. Read tolerantly.":
        "A renomeação quebra todo mundo; o campo novo quebra leitores estritos como este. Leia com tolerância.",
}


def _learn(language: str, table: dict[str, str]) -> None:
    """Add ``table`` to ``language``'s messages; one English text keeps one translation, as in locale/."""
    known = MESSAGES[language]
    for english, translated in table.items():
        if known.setdefault(english, translated) != translated:
            raise ValueError(f"hidden.quiz15 translates {english!r} as {translated!r}, locale/ as {known[english]!r}")


_learn("pt-BR", PT_BR)
