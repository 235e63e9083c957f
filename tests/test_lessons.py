"""What every lesson keeps to (issue 18): short cells, a "Your turn" every 10–15 minutes with a folded
solution and a cell to edit, links that lead somewhere, and vendor facts with their sources."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest

from hooklab.course.labs import ROOT

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*.ipynb"))
#: The pt-BR twins keep to the same rules, in their words (issue 19).
TWINS = sorted((ROOT / "notebooks" / "pt-BR").glob("[0-9][0-9]*.ipynb"))
YOUR_TURN = {"en": re.compile(r"^#{2,4} Your turn\b", re.M), "pt-BR": re.compile(r"^#{2,4} Sua vez\b", re.M)}
LINK = re.compile(r"\]\(([^)\s]+)\)")
#: The vendors whose own documentation a lesson may cite for a vendor fact.
VENDOR_DOCS = re.compile(r"https://(?:docs\.stripe\.com|stripe\.com/docs|docs\.github\.com|docs\.svix\.com|"
                         r"www\.svix\.com|mailchimp\.com|developers\.brevo\.com|help\.brevo\.com|"
                         r"developers\.hubspot\.com|shopify\.dev|www\.twilio\.com|resend\.com|"
                         r"developers\.rdstation\.com|www\.standardwebhooks\.com|github\.com/standard-webhooks)"
                         r"[^\s)>\]]*")


def language(path: Path) -> str:
    return "pt-BR" if path.parent.name == "pt-BR" else "en"


def words(markdown: str) -> int:
    """Words a reader reads, counted both ways a reviewer might: split on spaces, and as runs of letters
    and digits ("e-mail" is two) outside link targets (a URL is not read); the larger count."""
    return max(len(markdown.split()), len(re.findall(r"\w+", re.sub(r"\]\([^)]*\)", "]", markdown))))


def cells(path: Path) -> list[nbformat.NotebookNode]:
    return nbformat.read(path, as_version=4).cells


def test_there_are_lessons():
    assert len(LESSONS) >= 16


@pytest.mark.parametrize("lesson", LESSONS + TWINS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_cells_are_short(lesson):
    for i, cell in enumerate(cells(lesson), start=1):
        if cell.cell_type == "code":
            assert len(cell.source.splitlines()) <= 20, f"{lesson.name} cell {i}: a code cell over 20 lines"
        elif cell.cell_type == "markdown":
            assert words(cell.source) <= 300, f"{lesson.name} cell {i}: a markdown cell over 300 words"


@pytest.mark.parametrize("lesson", [p for p in LESSONS + TWINS if re.match(r"(0[1-9]|1[0-4])_", p.name)],
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_each_lesson_has_two_turns_each_with_a_folded_solution_and_a_cell_to_edit(lesson):
    nb = cells(lesson)
    turns = [i for i, c in enumerate(nb) if c.cell_type == "markdown" and YOUR_TURN[language(lesson)].search(c.source)]
    assert len(turns) >= 2, f"{lesson.name}: {len(turns)} 'Your turn' exercise(s), want 2 or more"
    for i in turns:
        assert re.search(r"<details>\s*<summary>", nb[i].source) and "</details>" in nb[i].source, \
            f"{lesson.name} cell {i + 1}: no folded solution (<details><summary>...</summary>...</details>)"
        assert i + 1 < len(nb) and nb[i + 1].cell_type == "code" and nb[i + 1].source.strip(), \
            f"{lesson.name} cell {i + 1}: no code cell to edit right after the exercise"


@pytest.mark.parametrize("notebook", LESSONS + TWINS + sorted((ROOT / "labs").rglob("*.ipynb")),
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_lead_to_files_that_exist(notebook):
    for i, cell in enumerate(cells(notebook), start=1):
        if cell.cell_type != "markdown":
            continue
        for target in LINK.findall(cell.source):
            url = urlparse(target)
            if url.scheme or target.startswith("#"):
                continue
            path = (notebook.parent / unquote(url.path)).resolve()
            assert path.exists(), f"{notebook.relative_to(ROOT)} cell {i}: the link {target!r} leads nowhere"


def test_vendor_facts_cite_the_vendors_own_pages():
    found = {m.group(0).rstrip(".,") for lesson in LESSONS for c in cells(lesson) if c.cell_type == "markdown"
             for m in VENDOR_DOCS.finditer(c.source)}
    assert len(found) >= 10, f"{len(found)} distinct vendor documentation links in the lessons: {sorted(found)}"


@pytest.mark.parametrize("lesson", LESSONS + TWINS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_lesson_links_the_cheat_sheet_and_the_glossary(lesson):
    text = "\n".join(c.source for c in cells(lesson) if c.cell_type == "markdown")
    docs = "../docs" if language(lesson) == "en" else "../../docs/pt-BR"  # a twin links its language's pages
    assert f"]({docs}/cheatsheet.md)" in text and f"]({docs}/glossary.md)" in text, \
        f"{lesson.name}: no link to the cheat sheet and the glossary"


def test_each_lessons_time_is_the_one_the_instructors_guide_gives():
    table = (ROOT / "docs" / "instructors.md").read_text(encoding="utf-8")
    guide = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\| (\d\d[a-z]?) \| [^|]*?: (\d+) min \|", table, re.M)}
    for lesson in LESSONS:
        number = lesson.name.split("_")[0]
        header = re.search(r"^\*(\d+) minutes\*", cells(lesson)[0].source, re.M)
        assert header and number in guide, f"{lesson.name}: no time in its header or no row in docs/instructors.md"
        assert int(header.group(1)) == guide[number], \
            f"{lesson.name} says {header.group(1)} minutes, docs/instructors.md says {guide[number]}"


@pytest.mark.parametrize("lesson", LESSONS + TWINS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_lesson_prints_internal_reprs(lesson):
    # A cell ending in stack.faults.set(...) shows FaultPolicy(...); end it with a value the learner reads.
    noise = re.compile(r"^(?:FaultPolicy|Thresholds|Policy)\(|<hooklab\.[\w.]+ object at |<function ", re.M)
    for i, cell in enumerate(cells(lesson), start=1):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            shown = out.get("text") or out.get("data", {}).get("text/plain", "")
            shown = "".join(shown) if isinstance(shown, list) else shown
            assert not noise.search(shown), f"{lesson.name} cell {i} prints an internal repr: {shown[:120]!r}"
