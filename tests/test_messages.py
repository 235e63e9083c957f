"""Feedback in the learner's language: one message table per language, chosen by the notebook's track."""

from __future__ import annotations

import ast
import json
import re
import string
from pathlib import Path

import nbformat
import pytest

import hooklab
from hooklab.course import checks, grading, labs, messages, practice
from hooklab.course.messages import MESSAGES, Message

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "src" / "hooklab" / "course"
LABS = sorted(p.stem for p in COURSE.glob("lab[0-9]*.py"))  # lab00, lab00b, lab01, ... lab15
#: Labs whose checks still speak English to a pt-BR learner. It may only shrink: translating a lab's
#: checks adds ``locale/pt_BR/<lab>.py`` and takes the lab off this list.
CHECKS_IN_ENGLISH: set[str] = set()  # every lab's checks speak pt-BR now


def check_files(lab: str) -> list[Path]:
    """A lab's visible and hidden checks (lab 15 also asks the quiz's questions from quiz15.py)."""
    extra = ["quiz15.py", "hidden/quiz15.py"] if lab == "lab15" else []
    return [COURSE / f for f in (f"{lab}.py", f"hidden/{lab}.py", *extra) if (COURSE / f).exists()]


#: The files whose every word a learner reads goes through the table (issue 19, item 3).
LAB_CHECKS = [f for lab in LABS if lab not in CHECKS_IN_ENGLISH for f in check_files(lab)]
SPEAKING = [COURSE / f for f in ("checks.py", "practice.py", "grading.py", "runner.py",
                                                   "validate.py")] + LAB_CHECKS


@pytest.fixture(autouse=True)
def no_language_chosen(monkeypatch):
    """Each test starts with no language chosen and no notebook path (English), and leaves it so."""
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    messages.set_language(None)
    yield
    messages.set_language(None)


def _constants(tree: ast.Module) -> dict[str, str]:
    return {t.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            for t in node.targets if isinstance(t, ast.Name)}


def said(path: Path) -> set[str]:
    """The English texts a file passes to ``_(...)`` or ``Message(...)`` (a module constant counts too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    consts, found = _constants(tree), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "Message") and node.args:
            arg = node.args[0]
            context = next((k.value.value for k in node.keywords if k.arg == "context"
                            and isinstance(k.value, ast.Constant)), None)
            text = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else \
                consts.get(arg.id) if isinstance(arg, ast.Name) else None
            if text is not None:
                found.add(f"{context}|{text}" if context else text)
    return found


def fields(text: str) -> list[tuple]:
    return sorted((name, conv or "", spec or "") for _lit, name, spec, conv in string.Formatter().parse(text)
                  if name is not None)


def test_every_message_the_framework_says_has_a_pt_br_entry():
    wanted = set().union(*(said(p) for p in SPEAKING)) | {ex.title for ex in checks.registry().values()
                                                          if not ex.id.startswith("99.")}  # 99.x: test_course's own
    assert len(wanted) > 150  # the collection found the calls: not vacuous
    assert {"Hint: {hint}", "kernel died", "Start a seeded virtual stack", "How many never reached the CRM?",
            'event["data"].get("email") gives None, not a KeyError, when there is no email'} <= wanted
    missing = sorted(wanted - set(MESSAGES["pt-BR"]))
    assert not missing, f"no pt-BR translation for: {missing}"


def test_placeholders_are_the_same_in_english_and_in_portuguese():
    for language, table in MESSAGES.items():
        for english, translated in table.items():
            for form in translated if isinstance(translated, tuple) else (translated,):
                assert fields(form) == fields(english), (language, english, form)


def test_a_lab_is_off_the_english_list_exactly_when_its_checks_have_a_table():
    tabled = {p.stem for p in (COURSE / "locale" / "pt_BR").glob("lab*.py")}
    assert {"lab00", "lab00b"} <= tabled
    assert set(LABS) - tabled == CHECKS_IN_ENGLISH, \
        f"take these off CHECKS_IN_ENGLISH: {sorted(CHECKS_IN_ENGLISH & tabled)}; " \
        f"these need a table or the list: {sorted(set(LABS) - tabled - CHECKS_IN_ENGLISH)}"


def test_the_translated_labs_checks_put_every_sentence_through_the_table():
    # A literal with words passed straight as expected=, got= or hint= would reach a pt-BR learner in English.
    # Allowed: punctuation and one code-like token with no space inside ("seed=", "webhook-id ", "; ").
    code = re.compile(r"^\s*[^\s]*\s*$")
    bare = []
    for path in LAB_CHECKS:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for kw in node.keywords if isinstance(node, ast.Call) else []:
                if kw.arg not in ("expected", "got", "hint"):
                    continue
                parts = [kw.value] if isinstance(kw.value, ast.Constant) else \
                    kw.value.values if isinstance(kw.value, ast.JoinedStr) else []
                bare += [f"{path.name}:{node.lineno}: {p.value!r}" for p in parts if isinstance(p, ast.Constant)
                         and isinstance(p.value, str) and not code.match(p.value)]
    assert not bare, "wrap these in _(...): " + "; ".join(bare)


# -- a check in pt-BR ---------------------------------------------------------------------------------------

def start_right():
    return hooklab.start(seed=7, clock="virtual")


def start_wrong():
    return hooklab.start(seed=8, clock="virtual")


def start_stub():
    raise NotImplementedError("exercise 00.1: return hooklab.start(seed=..., clock=...)")


def said_by_check_00_1(capsys) -> list[str]:
    """What check 00.1 says to a right answer, a wrong one and the untouched stub, in the language chosen now."""
    checks.check("00.1", start_right)
    said = [capsys.readouterr().out]
    for answer in (start_wrong, start_stub):
        with pytest.raises(checks.CheckFailed) as e:
            checks.check("00.1", answer)
        said.append(str(e.value))
    return said


def test_a_lab00_check_speaks_portuguese_in_a_pt_br_lab(capsys):
    hooklab.checks.set_language("pt-BR")
    assert said_by_check_00_1(capsys) == [
        "✅ 00.1 Inicie uma stack com seed e relógio virtual — passou (1/1 ponto): seed 7, relógio virtual: toda "
        "execução deste notebook vê os mesmos nomes, ids e horários\n",
        "❌ 00.1 Inicie uma stack com seed e relógio virtual: esperado seed=7; veio seed=8. Dica: passe seed=7",
        "❌ 00.1 Inicie uma stack com seed e relógio virtual: ainda sem resposta — troque a linha "
        "`raise NotImplementedError(...)` pelo seu código. Dica: return hooklab.start(seed=..., clock=...)"]


def test_a_pass_worth_two_points_says_pontos(vstack, capsys):
    messages.set_language("pt-BR")

    def sign_up(stack, email):
        event_id = stack.fire("newsletter.subscribed", email=email)
        stack.wait()
        return event_id

    checks.check("00.2", sign_up, vstack)
    assert capsys.readouterr().out == ("✅ 00.2 Um cadastro chega ao CRM — passou (2/2 pontos): disparado, entregue e "
                                       "já no CRM antes de você olhar\n")
    with pytest.raises(checks.CheckFailed, match=r"^❌ 00.2 Um cadastro chega ao CRM: esperado o webhook entregue antes "
                                                 r"de sign_up retornar; veio entrega 'pending'\. Dica: chame stack.wait"):
        checks.check("00.2", lambda stack, email: stack.fire("newsletter.subscribed", email=email), vstack)


def test_english_is_unchanged(capsys):
    assert said_by_check_00_1(capsys) == [
        "✅ 00.1 Start a seeded virtual stack — passed (1/1 points): seed 7, virtual clock: every run of this "
        "notebook sees the same names, ids and times\n",
        "❌ 00.1 Start a seeded virtual stack: expected seed=7; got seed=8. Hint: pass seed=7",
        "❌ 00.1 Start a seeded virtual stack: not answered yet — replace the `raise NotImplementedError(...)` line "
        "with your code. Hint: return hooklab.start(seed=..., clock=...)"]


def test_the_grader_hears_hidden_cases_in_the_submissions_language():
    def lower_only(event):  # passes the visible cases, not an email typed with spaces
        email = event["data"].get("email")
        return email.lower() if email else None

    passed, message = checks.verdict("00b.1", lower_only, language="pt-BR")
    assert not passed and message.startswith("❌ 00b.1 O email de quem comprou: passou na verificação visível, mas não "
                                             "nos casos do próprio corretor: esperado 'caio.prado@example.org' para um "
                                             "formulário cujo email foi digitado como")
    assert "Dica: o .strip() de uma string tira os espaços em volta" in message
    assert messages.current_language() == "en"  # the grader's choice was for that verdict only
    passed, message = checks.verdict("00b.1", lower_only)
    assert "passed the visible check, but not the grader's own cases" in message


def test_practice_and_differences_speak_portuguese(capsys):
    messages.set_language("pt-BR")
    practice.same(3, 4, "consultas desperdiçadas", hint="conte as vazias")
    practice.same({"a": 1}, {"a": 1, "b": 2}, "o contato")
    practice.close(7, 10, "latência")
    assert capsys.readouterr().out.splitlines() == [
        "❌ consultas desperdiçadas: esperado 4; veio 3. Dica: conte as vazias",
        "❌ o contato: esperado {'a': 1, 'b': 2}; veio um valor que difere em b: faltando (esperado 2).",
        "❌ latência: esperado cerca de 10; veio 7."]


# -- how the language is chosen -------------------------------------------------------------------------------

def test_the_notebooks_path_chooses_the_language(monkeypatch, capsys):
    monkeypatch.setenv("JPY_SESSION_NAME", "/x/labs/pt-BR/00_lab_warmup.ipynb")
    assert messages.current_language() == "pt-BR"
    checks.check("00.1", start_right)
    assert "— passou (1/1 ponto)" in capsys.readouterr().out
    monkeypatch.setenv("JPY_SESSION_NAME", "/x/labs/00_lab_warmup.ipynb")
    assert messages.current_language() == "en"
    hooklab.checks.set_language("pt-BR")  # said by hand: it wins over the path
    assert messages.current_language() == "pt-BR"


def test_without_a_notebook_path_a_kernel_in_a_pt_br_folder_speaks_pt_br(tmp_path, monkeypatch):
    (tmp_path / "pt-BR").mkdir()
    monkeypatch.chdir(tmp_path / "pt-BR")  # where Jupyter, nbval and the executor start a pt-BR notebook's kernel
    assert messages.current_language() == "pt-BR"
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "00_lab_warmup.ipynb"))  # the path, when known, decides
    assert messages.current_language() == "en"


def test_the_executor_gives_the_kernel_the_notebooks_path(tmp_path):
    nb = nbformat.read(ROOT / "solutions" / "00_lab_warmup.ipynb", as_version=4)
    nb.metadata["language"] = "pt-BR"
    nb.cells.insert(0, nbformat.v4.new_code_cell('import os\nprint(os.environ.get("JPY_SESSION_NAME"))'))
    path = tmp_path / "solutions" / "pt-BR" / "00_lab_warmup.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    labs.execute(path)
    done = nbformat.read(path, as_version=4)
    printed = ["".join(o.get("text", "") for o in c.outputs) for c in done.cells if c.cell_type == "code"]
    assert printed[0] == f"{path.resolve()}\n"
    assert any(p.startswith("✅ 00.1 Inicie uma stack com seed e relógio virtual — passou (1/1 ponto)") for p in printed)


def test_without_a_notebook_path_the_running_stack_chooses():
    assert messages.current_language() == "en"
    with hooklab.start(seed=7, clock="virtual", language="pt-BR"):
        assert messages.current_language() == "pt-BR"
    assert messages.current_language() == "en"


def test_a_message_is_english_text_that_can_be_said_again_in_portuguese():
    status = Message("{status} (the {n} exercise(s) checked before keep their points)", count=2, n=2,
                     status=Message("{why} (while running {label})", why=Message("kernel died"),
                                    label=Message("answer {ex}", ex="00.3")))
    assert status == "kernel died (while running answer 00.3) (the 2 exercise(s) checked before keep their points)"
    again = Message.load(json.loads(json.dumps(status.dump())))  # as it crosses from the runner to the grader
    assert again == status and again.to("pt-BR") == ("o kernel morreu (ao rodar a resposta 00.3) (os 2 exercícios já "
                                                     "verificados mantêm seus pontos)")
    assert Message("timed out after {seconds:g} s", seconds=40.0).to("pt-BR") == "tempo esgotado depois de 40 s"


# -- the grader's feedback file -------------------------------------------------------------------------------

def test_the_grader_writes_portuguese_feedback_for_an_untouched_pt_br_lab(tmp_path):
    subs = tmp_path / "subs"
    lab = nbformat.read(ROOT / "labs" / "00_lab_warmup.ipynb", as_version=4)
    lab.metadata["language"] = "pt-BR"  # what translations.new gives a pt-BR twin
    for student, nb in (("bia", lab), ("carl", nbformat.read(ROOT / "labs" / "00_lab_warmup.ipynb", as_version=4))):
        (subs / student).mkdir(parents=True)
        nbformat.write(nb, subs / student / "00_lab_warmup.ipynb")
    recreated = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('olá')")],
                                         metadata={"language": "pt-BR"})
    (subs / "dani").mkdir()
    nbformat.write(recreated, subs / "dani" / "00_lab_warmup.ipynb")
    df = grading.grade(subs, tmp_path / "grades.csv", feedback_dir=tmp_path / "feedback", timeout=90, jobs=2,
                       progress=False)
    assert df.set_index("student")["total"].to_dict() == {"bia": 0, "carl": 0, "dani": 0}
    bia = (tmp_path / "feedback" / "bia.md").read_text(encoding="utf-8")
    assert bia.startswith("# Feedback para bia\n\n**0 / 5 pontos** em 1 lab.\n\n## 00_lab_warmup: 0/5 pontos\n")
    assert ("- ❌ **00.1 Inicie uma stack com seed e relógio virtual** (0/1): ainda sem resposta — troque a linha "
            "`raise NotImplementedError(...)` pelo seu código. Dica: return hooklab.start(seed=..., clock=...)") in bia
    assert "❌ **00.2 Um cadastro chega ao CRM** (0/2): ainda sem resposta" in bia
    assert not re.search(r"not answered|Hint:|points", bia)
    carl = (tmp_path / "feedback" / "carl.md").read_text(encoding="utf-8")  # the same class, in English
    assert carl.startswith("# Feedback for carl\n\n**0 / 5 points** in 1 lab(s).\n")
    assert "❌ **00.1 Start a seeded virtual stack** (0/1): not answered yet" in carl
    dani = (tmp_path / "feedback" / "dani.md").read_text(encoding="utf-8")
    assert "⚠️ respostas não encontradas: este notebook foi recriado?" in dani
    status = df.set_index("student")["status"]
    assert status["bia"] == "ok" and status["dani"].startswith("answers not found")  # the instructor's CSV: English


def test_a_word_that_reads_differently_in_two_places_takes_a_context(monkeypatch):
    monkeypatch.setitem(MESSAGES["pt-BR"], "accepted", "aceito")  # a payload a schema accepted (lab 06)
    assert MESSAGES["pt-BR"]["request|accepted"] == "a requisição aceita"  # a forged request (lab 07)
    messages.set_language("pt-BR")
    assert messages._("accepted") == "aceito"
    assert messages._("accepted", context="request") == "a requisição aceita"
    messages.set_language("en")
    assert messages._("accepted", context="request") == "accepted"


def test_a_message_among_the_values_speaks_the_language_of_the_sentence():
    messages.set_language("pt-BR")
    said = messages._("{why} (while running {label})", why=Message("kernel died"), label="x")
    assert said == "o kernel morreu (ao rodar x)"
