"""The cheat sheet and the glossary keep up with the lessons and with the code, in each language
(``docs/`` in English, ``docs/pt-BR/`` in Brazilian Portuguese), by the same rules:

- every ``stack.<name>`` and ``stack.<obj>.<name>`` a lesson's code uses is in the cheat sheet
  (a twin's code is the English lesson's, so each cheat sheet answers for every lesson);
- every call the cheat sheet shows exists on a started stack (or in the module it imports)
  and accepts the arguments shown; its pandas examples run on stack data;
- every relative link in both docs leads to a file;
- the glossary's terms are in alphabetical order, each with an explanation and a lesson of its
  own language.

The last test feeds each check a broken document, so none of them passes vacuously.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

import hooklab

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
LESSONS = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("notebooks/pt-BR/*.ipynb")])


@dataclass(frozen=True)
class Track:
    """One language's cheat sheet and glossary."""
    language: str
    folder: Path
    pandas: str   # the heading of the cheat sheet's pandas section
    lessons: str  # where the glossary's links to lessons point, from the glossary's folder

    @property
    def cheatsheet(self) -> Path:
        return self.folder / "cheatsheet.md"

    @property
    def glossary(self) -> Path:
        return self.folder / "glossary.md"


ENGLISH = Track("en", DOCS, "pandas you will meet", "../notebooks/")
TRACKS = [ENGLISH, Track("pt-BR", DOCS / "pt-BR", "pandas que você vai encontrar", "../../notebooks/pt-BR/")]
DOCUMENTS = [doc for track in TRACKS for doc in (track.cheatsheet, track.glossary)]

_CHAIN = r"\.[A-Za-z_]\w*"
_SPAN = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_ENTRY = re.compile(r"^- \*\*(?P<term>[^*]+)\*\* — (?P<text>.+)$")


# -- reading the lessons and the docs ------------------------------------------------------------

def code_of(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def stack_names(code: str) -> set[str]:
    """``stack.x`` and ``stack.x.y`` as the code reaches them, also through a stack bound to
    another name (``with hooklab.start(...) as demo:``)."""
    aliases = {"stack", *re.findall(r"(\w+)\s*=\s*hooklab\.start\(", code),
               *re.findall(r"hooklab\.start\(.*\)\s+as\s+(\w+)\s*:", code)}
    names = set()
    for alias in aliases:
        for chain in re.findall(rf"(?<![\w.]){alias}((?:{_CHAIN}){{1,2}})", code):
            names.add("stack" + chain)
    return names


def mentions(doc: str, name: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", doc) is not None


def spans(markdown: str) -> list[str]:
    """The inline code of a document, in order."""
    return _SPAN.findall(markdown)


def section(markdown: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"no section '## {heading}'"
    return match.group(1)


def relative_links(markdown: str) -> list[str]:
    return [target for target in _LINK.findall(markdown)
            if not re.match(r"[a-z][a-z0-9+.-]*:", target) and not target.startswith("#")]


def missing_targets(doc: Path) -> list[str]:
    return sorted({t for t in relative_links(doc.read_text(encoding="utf-8"))
                   if not (doc.parent / t.split("#")[0]).exists()})


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def missing_anchors(markdown: str) -> list[str]:
    """``[text](#anchor)`` links to a heading of the same document that is not there."""
    anchors = {slug(h) for h in re.findall(r"^#+ (.+)$", markdown, re.M)}
    return sorted({t for t in _LINK.findall(markdown) if t.startswith("#") and t[1:] not in anchors})


# -- checking a call against the code ------------------------------------------------------------

class _Unknown:
    """Stands for an argument whose value the cheat sheet leaves to the learner (``url``, ``body``)."""


def _parse(code: str) -> ast.AST | None:
    code = code.strip().removeprefix("@")
    for candidate in (code, code + "\n    pass", "try:\n    pass\n" + code + "\n    pass"):
        try:
            return ast.parse(candidate)
        except SyntaxError:
            continue
    return None


def _chain(node: ast.AST) -> list[str] | None:
    """``stack.crm.contacts`` as ``["stack", "crm", "contacts"]``; None if anything else is in it."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *reversed(parts)]
    return None


def _value(node: ast.AST):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        return _Unknown()


def problems_in(code: str, namespace: dict) -> list[str]:
    """What in one code span does not exist, or does not accept the arguments shown."""
    tree = _parse(code)
    if tree is None:  # not Python on its own: at least every stack.x.y in it must exist
        chains = [name.split(".") for name in stack_names(code)]
        calls: list[ast.Call] = []
    else:
        nodes = list(ast.walk(tree))
        chains = [c for c in map(_chain, nodes) if c]
        calls = [n for n in nodes if isinstance(n, ast.Call)]
    found = []
    for chain in chains:
        if chain[0] not in namespace:
            continue
        obj = namespace[chain[0]]
        for depth, attr in enumerate(chain[1:], start=2):
            if not hasattr(obj, attr):
                found.append(f"{'.'.join(chain[:depth])} does not exist (in `{code}`)")
                break
            obj = getattr(obj, attr)
    for call in calls:
        chain = _chain(call.func)
        elided = any(isinstance(a, ast.Starred) or (isinstance(a, ast.Constant) and a.value is Ellipsis)
                     for a in call.args)  # f(*args), f(...): arguments not shown
        if not chain or chain[0] not in namespace or elided or any(k.arg is None for k in call.keywords):
            continue
        try:
            target = namespace[chain[0]]
            for attr in chain[1:]:
                target = getattr(target, attr)
            signature = inspect.signature(target)
        except (AttributeError, TypeError, ValueError):
            continue  # missing: reported above; no signature (a C function): nothing to check
        try:
            signature.bind(*map(_value, call.args), **{k.arg: _value(k.value) for k in call.keywords})
        except TypeError as e:
            found.append(f"{'.'.join(chain)}{signature} does not take the arguments of `{code}`: {e}")
    return found


def namespace_of(markdown: str, stack) -> dict:
    """The names the cheat sheet's calls start from: its own imports, the stack and a test client."""
    namespace: dict = {"stack": stack, "demo": stack, "hooklab": hooklab}
    for code in spans(markdown):
        if re.fullmatch(r"(from hooklab[\w.]* import [\w, ]+|import hooklab|import pandas as pd)", code):
            exec(code, namespace)
    namespace["client"] = stack.receiver.app.test_client()
    if "lab15" in namespace:
        namespace["quiz"] = namespace["lab15"].quiz()
    return namespace


# -- the glossary's format -----------------------------------------------------------------------

def sort_key(term: str) -> str:
    """Case- and accent-insensitive, punctuation as spaces: ``Dead letter`` < ``Dead-letter queue``,
    and ``Área`` sorts as ``area``, as a Portuguese dictionary sorts it."""
    letters = unicodedata.normalize("NFKD", term.casefold())
    letters = "".join(c for c in letters if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", " ", letters).strip()


def entries(markdown: str) -> list[tuple[str, str, str]]:
    """``(letter heading, term, text)`` for every ``- **term** — text`` line."""
    found, heading = [], ""
    for line in markdown.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
        elif match := _ENTRY.match(line):
            found.append((heading, match["term"].strip(), match["text"].strip()))
    return found


def glossary_problems(markdown: str, lessons: str = ENGLISH.lessons) -> list[str]:
    """What breaks the glossary's format; ``lessons`` is where its links to lessons point."""
    lesson_link = re.compile(rf"\]\({re.escape(lessons)}\d\d\w*_[\w-]+\.ipynb\)")
    found = []
    items = entries(markdown)
    if len(items) < 60:
        found.append(f"only {len(items)} entries of the form '- **term** — explanation'")
    terms = [term for _, term, _ in items]
    for before, after in zip(terms, terms[1:]):
        if sort_key(before) >= sort_key(after):
            found.append(f"'{after}' comes after '{before}': not in alphabetical order (or a repeat)")
    for heading, term, text in items:
        first = sort_key(term)[:1]
        if heading != ("0–9" if first.isdigit() else first.upper()):
            found.append(f"'{term}' is under the heading '{heading}'")
        prose = _LINK.sub("", text)
        if len(re.findall(r"[^\W\d_]{2,}", prose)) < 8 or not re.search(r"[.!?]", prose):  # words, accents too
            found.append(f"'{term}' has no explanation of a sentence or more")
        if not lesson_link.search(text):
            found.append(f"'{term}' names no lesson (a link to {lessons}NN_....ipynb)")
    return found


# -- the tests -----------------------------------------------------------------------------------

@pytest.fixture
def track() -> Track:
    return ENGLISH  # a test parametrized over TRACKS replaces it


@pytest.fixture
def stack(track):
    stack = hooklab.start(seed=1, clock="virtual", language=track.language)
    yield stack
    stack.stop()


def exists(stack, name: str) -> bool:
    obj = stack
    for attr in name.split(".")[1:]:
        if not hasattr(obj, attr):
            return False
        obj = getattr(obj, attr)
    return True


by_language = pytest.mark.parametrize("track", TRACKS, ids=[t.language for t in TRACKS])


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT))


@by_language
def test_every_stack_name_a_lesson_uses_is_in_the_cheat_sheet(track, stack):
    assert LESSONS, "no lessons found in notebooks/"
    doc = track.cheatsheet.read_text(encoding="utf-8")
    # A name the stack does not have is a lesson's deliberate mistake (the primer reads the
    # AttributeError it raises); nbval would fail on any other.
    missing = {name: lesson.name for lesson in reversed(LESSONS) for name in stack_names(code_of(lesson))
               if exists(stack, name) and not mentions(doc, name)}
    assert not missing, \
        f"used in a lesson, missing from {shown(track.cheatsheet)} (name: a lesson using it): {missing}"


@by_language
def test_every_call_in_the_cheat_sheet_exists_with_the_arguments_shown(track, stack):
    doc = track.cheatsheet.read_text(encoding="utf-8")
    namespace = namespace_of(doc, stack)
    calls = [code for code in spans(doc) if "stack." in code]
    assert len(calls) > 100, f"{shown(track.cheatsheet)} shows fewer than 100 stack calls: is it complete?"
    found = [p for code in spans(doc) for p in problems_in(code, namespace)]
    assert not found, f"{shown(track.cheatsheet)} shows what the code does not have:\n" + "\n".join(found)


@by_language
def test_the_pandas_examples_run_on_stack_data(track, stack):
    stack.faults.set("receiver", error_rate=0.5)
    stack.fire("newsletter.subscribed", email="ana@example.com", name="Ana Souza")
    for _ in range(3):
        stack.fire("order.completed")
    stack.wait()
    namespace = {"stack": stack, "pd": __import__("pandas")}
    examples = spans(section(track.cheatsheet.read_text(encoding="utf-8"), track.pandas))
    run = [code for code in examples if "stack." in code or "=" in code or code.startswith("for ")]
    assert len(run) >= 12, f"only {len(run)} pandas examples"
    for code in run:
        try:
            exec(compile(code, "<cheatsheet>", "exec"), namespace)
        except Exception as e:  # noqa: BLE001 - any error means the example is wrong
            pytest.fail(f"{shown(track.cheatsheet)}'s pandas example `{code}` fails: {type(e).__name__}: {e}")


@pytest.mark.parametrize("doc", DOCUMENTS, ids=[str(d.relative_to(DOCS).with_suffix("")) for d in DOCUMENTS])
def test_every_relative_link_leads_to_a_file(doc):
    text = doc.read_text(encoding="utf-8")
    assert relative_links(text), f"{shown(doc)} links to no lesson at all"
    broken = [f"a file that does not exist: {t}" for t in missing_targets(doc)] + \
             [f"a heading it does not have: {a}" for a in missing_anchors(text)]
    assert not broken, f"{shown(doc)} links to\n" + "\n".join(broken)


@by_language
def test_the_glossary_is_alphabetical_and_explains_every_term(track):
    found = glossary_problems(track.glossary.read_text(encoding="utf-8"), track.lessons)
    assert not found, f"{shown(track.glossary)}:\n" + "\n".join(found)


def test_each_check_catches_a_broken_document(stack, tmp_path):
    # (a) a name the lessons use and the cheat sheet lacks
    assert "stack.crm.contacts" in stack_names("with hooklab.start(seed=1) as demo:\n    demo.crm.contacts()")
    assert not mentions("`stack.crm.contacts()`", "stack.crm.contact")
    assert exists(stack, "stack.crm.contact") and not exists(stack, "stack.crm.contact_list")
    # (b) a name that does not exist, and arguments a method does not take
    namespace = {"stack": stack}
    assert problems_in("stack.crm.contacs()", namespace)
    assert problems_in("stack.faults.set()", namespace)
    assert problems_in('stack.fire("order.completed", 2)', namespace)
    assert problems_in("stack.receiver.no_such_switch = True", namespace)
    assert not problems_in('stack.faults.set("receiver", error_rate=0.3)', namespace)
    # (c) a link to a lesson that is not there
    doc = tmp_path / "doc.md"
    doc.write_text("See [lesson 99](../notebooks/99_nowhere.ipynb) and [web](https://example.com).")
    assert missing_targets(doc) == ["../notebooks/99_nowhere.ipynb"]
    assert missing_anchors("## Fire events\n[ok](#fire-events) [gone](#fire)") == ["#fire"]
    assert missing_anchors("## Replay e recuperação\n[ok](#replay-e-recuperação) [gone](#replay-e-recuperacao)") \
        == ["#replay-e-recuperacao"]
    # (d) terms out of order, under the wrong letter, without an explanation
    lesson = "Lesson [01](../notebooks/01_what_webhooks_are.ipynb)."
    good = f"the way one system tells another, at once, that something happened to a contact. {lesson}"
    bad = f"## W\n\n- **Webhook** — {good}\n- **Polling** — {good}\n- **Worker** — See. {lesson}\n"
    problems = "\n".join(glossary_problems(bad))
    assert "not in alphabetical order" in problems and "under the heading" in problems
    assert "'Worker' has no explanation" in problems and "only 3 entries" in problems
    # (e) in Portuguese: accents sort as their letter, and a lesson is the pt-BR twin
    assert sort_key("Área de espera") == "area de espera" and sort_key("Idempotência") == "idempotencia"
    twin = "Aula [01](../../notebooks/pt-BR/01_what_webhooks_are.ipynb)."
    bom = f"o jeito de um sistema avisar outro, na hora, que algo aconteceu com um contato. {twin}"
    ok = f"## A\n\n- **Área de espera** — {bom}\n- **Assinatura** — {bom}\n"
    assert not [p for p in glossary_problems(ok, "../../notebooks/pt-BR/") if "entries" not in p]
    problems = "\n".join(glossary_problems(f"## A\n\n- **Alerta** — {good}\n", "../../notebooks/pt-BR/"))
    assert "'Alerta' names no lesson (a link to ../../notebooks/pt-BR/NN_....ipynb)" in problems
    assert "names no lesson" in "\n".join(glossary_problems(f"## A\n\n- **Alerta** — {bom}\n"))
