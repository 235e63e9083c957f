"""The pt-BR course stays in step with the English one (hooklab.course.translations, docs/translating.md)."""

from __future__ import annotations

import copy

import nbformat
import pytest

from hooklab.course import translations
from hooklab.course.labs import ROOT
from hooklab.course.translations import english_of, problems, shape, source_hash

#: English notebooks with no pt-BR twin yet: the list may only shrink (issue 19 is open). A new
#: English notebook must get its twin, or be listed here for the translators.
UNTRANSLATED: set[str] = set()  # every English notebook has its pt-BR twin now
TWINS = translations.twins()


def english_notebooks() -> set[str]:
    return {p.relative_to(ROOT).as_posix() for folder in translations.FOLDERS
            for p in (ROOT / folder).glob("*.ipynb")}


def test_every_english_notebook_has_a_twin_or_is_listed_as_untranslated():
    translated = {english_of(p).relative_to(ROOT).as_posix() for p in TWINS}
    assert not UNTRANSLATED & translated, f"translated now, take them off UNTRANSLATED: {UNTRANSLATED & translated}"
    assert english_notebooks() - translated == UNTRANSLATED, \
        f"no twin and not listed: {english_notebooks() - translated - UNTRANSLATED}"


@pytest.mark.parametrize("twin", TWINS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_each_twin_is_in_step_with_its_english_notebook(twin):
    english = nbformat.read(english_of(twin), as_version=4)
    found = problems(english, nbformat.read(twin, as_version=4))
    assert not found, f"{twin.relative_to(ROOT)}:\n  " + "\n  ".join(found)


@pytest.mark.parametrize("twin", [p for p in TWINS if p.parent.parent.name == "notebooks"],
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_a_pt_br_lesson_starts_its_stack_in_portuguese(twin):
    code = "\n".join(c.source for c in nbformat.read(twin, as_version=4).cells if c.cell_type == "code")
    assert "hooklab.start(" not in code or 'language="pt-BR"' in code


# -- the machinery can fail ---------------------------------------------------------------------------

def pair() -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    english = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Hello", id="c1"),
        nbformat.v4.new_code_cell('stack = hooklab.start(seed=7)\nprint(f"{len(x)} contacts")  # count', id="c2")])
    twin = copy.deepcopy(english)
    twin.cells[0].source = "# Olá"
    twin.cells[1].source = 'stack = hooklab.start(seed=7, language="pt-BR")\nprint(f"{len(x)} contatos")  # conta'
    for cell in twin.cells:
        cell.metadata["hooklab"] = {"of": {"id": cell.id, "sha": source_hash(english.cells[twin.cells.index(cell)]
                                                                            .source)}}
    return english, twin


def test_a_faithful_translation_is_in_step():
    assert problems(*pair()) == []


def test_an_english_cell_changed_after_translation_is_reported():
    english, twin = pair()
    english.cells[0].source = "# Hello, webhooks"
    assert problems(english, twin) == ["cell 1: English cell c1 changed since it was translated: "
                                       "update the translation, then stamp it"]


def test_code_that_differs_beyond_strings_is_reported_and_a_missing_cell_too():
    english, twin = pair()
    twin.cells[1].source = 'stack = hooklab.start(seed=8, language="pt-BR")\nprint(f"{len(x)} contatos")'
    english.cells.append(nbformat.v4.new_markdown_cell("## More", id="c3"))
    assert problems(english, twin) == ["cell 2: its code differs from English beyond strings and comments",
                                       "cell 3: English cell c3 has no translation"]
    assert shape('print("a")  # x') == shape("print('b')") != shape("print(b)")
