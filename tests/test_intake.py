"""The intake of submissions: every layout read, every other file noted, no zip escapes its folder."""

import os
import tempfile
import zipfile

import pytest

from hooklab.course.intake import collect

LABS = {"08_lab_errors.ipynb", "01_lab_polling.ipynb", "lab_errors.ipynb"}
NB = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def put(path, text=NB, mtime=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def make_zip(path, members):
    """members: name -> (text, date_time)"""
    with zipfile.ZipFile(path, "w") as zf:
        for name, (text, when) in members.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=when), text)
    return path


def notes_for(intake, rel):
    return [n for n in intake.notes if n[1] == rel]


def test_per_student_folders(tmp_path):
    a = put(tmp_path / "ana" / "08_lab_errors.ipynb")
    b = put(tmp_path / "bruno" / "01_lab_polling.ipynb")
    (tmp_path / "zoe").mkdir()  # an empty folder is a student with nothing handed in
    with collect(tmp_path, LABS) as intake:
        assert intake.files == {"ana": {"08_lab_errors.ipynb": a}, "bruno": {"01_lab_polling.ipynb": b}, "zoe": {}}
        assert intake.notes == []


def test_flat_files_at_the_top(tmp_path):
    a = put(tmp_path / "ana_08_lab_errors.ipynb")
    b = put(tmp_path / "bruno-silva 01_lab_polling.ipynb")
    c = put(tmp_path / "carla_08_lab_errors (1).ipynb")
    put(tmp_path / "08_lab_errors.ipynb")  # no student
    with collect(tmp_path, LABS) as intake:
        # the longest lab name wins: "08_lab_errors", not "lab_errors"
        assert intake.files == {"ana": {"08_lab_errors.ipynb": a}, "bruno-silva": {"01_lab_polling.ipynb": b},
                                "carla": {"08_lab_errors.ipynb": c}}
        [(student, _, note)] = notes_for(intake, "08_lab_errors.ipynb")
        assert student == "" and "no student name" in note


def test_a_canvas_zip(tmp_path):
    make_zip(tmp_path / "submissions.zip", {
        "silvaana_late_12345_67890_08_lab_errors.ipynb": (NB, (2024, 3, 1, 10, 0, 0)),
        "costabruno_222_333_01_lab_polling-1.ipynb": (NB, (2024, 3, 1, 10, 0, 0)),
        "costabruno_222_333_notes.txt": ("hi", (2024, 3, 1, 10, 0, 0)),
    })
    with collect(tmp_path, LABS) as intake:
        assert set(intake.files) == {"silvaana", "costabruno"}
        ana = intake.files["silvaana"]["08_lab_errors.ipynb"]
        assert ana.name == "silvaana_late_12345_67890_08_lab_errors.ipynb" and ana.read_text() == NB
        assert list(intake.files["costabruno"]) == ["01_lab_polling.ipynb"]
        assert "not a notebook" in notes_for(intake, "submissions.zip/costabruno_222_333_notes.txt")[0][2]
        temp = ana.parents[0]
    assert not temp.exists()  # the extracted files are gone once the intake is closed


def test_a_moodle_zip(tmp_path):
    when = (2024, 3, 1, 10, 0, 0)
    make_zip(tmp_path / "moodle.zip", {
        "Ana Silva_101_assignsubmission_file_/08_lab_errors.ipynb": (NB, when),
        "Bruno Costa_102_assignsubmission_file_/Copy of 01_lab_polling.ipynb": (NB, when),
        "Bruno Costa_102_assignsubmission_onlinetext_/onlinetext.html": ("<p>hi</p>", when),
    })
    with collect(tmp_path, LABS) as intake:
        assert {s: list(f) for s, f in intake.files.items()} == {
            "Ana Silva": ["08_lab_errors.ipynb"], "Bruno Costa": ["01_lab_polling.ipynb"]}
        [(student, _, note)] = notes_for(
            intake, "moodle.zip/Bruno Costa_102_assignsubmission_onlinetext_/onlinetext.html")
        assert student == "Bruno Costa" and "not a notebook" in note


@pytest.mark.parametrize("name", ["08_lab_errors (1).ipynb", "08_lab_errors(2).ipynb", "08_lab_errors-1.ipynb",
                                  "Copy of 08_lab_errors.ipynb", "08_lab_errors copy.ipynb"])
def test_duplicates_keep_the_newest_and_note_the_other(tmp_path, name):
    put(tmp_path / "ana" / "08_lab_errors.ipynb", mtime=1_700_000_000)
    newer = put(tmp_path / "ana" / name, mtime=1_700_000_100)
    with collect(tmp_path, LABS) as intake:
        assert intake.files == {"ana": {"08_lab_errors.ipynb": newer}}
        assert intake.notes == [("ana", "ana/08_lab_errors.ipynb", f"older duplicate of ana/{name}, not graded")]


def test_zip_duplicates_are_ordered_by_the_entry_date(tmp_path):
    make_zip(tmp_path / "c.zip", {
        "ana_1_2_08_lab_errors (1).ipynb": ("old", (2024, 3, 1, 9, 0, 0)),
        "ana_1_3_08_lab_errors.ipynb": ("new", (2024, 3, 2, 9, 0, 0)),
    })
    with collect(tmp_path, LABS) as intake:
        assert intake.files["ana"]["08_lab_errors.ipynb"].read_text() == "new"
        assert intake.notes == [("ana", "c.zip/ana_1_2_08_lab_errors (1).ipynb",
                                 "older duplicate of c.zip/ana_1_3_08_lab_errors.ipynb, not graded")]


def test_stray_files_and_metadata_folders_are_noted_not_silent(tmp_path):
    put(tmp_path / "ana" / "08_lab_errors.ipynb")
    put(tmp_path / "readme.txt", "hello")
    put(tmp_path / ".DS_Store", "x")
    put(tmp_path / "__MACOSX" / "ana" / "._08_lab_errors.ipynb", "x")
    put(tmp_path / "__MACOSX" / "ana" / "._other", "x")
    put(tmp_path / "ana" / ".ipynb_checkpoints" / "08_lab_errors-checkpoint.ipynb")
    put(tmp_path / "ana" / "helper.py", "x = 1")
    with collect(tmp_path, LABS) as intake:
        assert list(intake.files) == ["ana"]
        noted = {rel: note for _, rel, note in intake.notes}
        assert set(noted) == {"readme.txt", ".DS_Store", "__MACOSX/", "ana/.ipynb_checkpoints/", "ana/helper.py"}
        assert all(note.startswith("not graded") for note in noted.values())
        assert "macOS zip metadata (2 files)" in noted["__MACOSX/"]
        assert "(.txt)" in noted["readme.txt"] and "(.py)" in noted["ana/helper.py"]


def test_a_zip_escaping_its_folder_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    class_dir = tmp_path / "class"
    when = (2024, 3, 1, 10, 0, 0)
    class_dir.mkdir()
    make_zip(class_dir / "evil.zip", {
        "../evil.ipynb": (NB, when), "/abs/evil2.ipynb": (NB, when), "a/../../evil3.ipynb": (NB, when),
        "ana_1_2_08_lab_errors.ipynb": (NB, when)})
    with collect(class_dir, LABS) as intake:
        assert list(intake.files) == ["ana"]  # the safe member is still read
        refused = [n for n in intake.notes if n[2].startswith("refused: unsafe path")]
        assert {n[1] for n in refused} == {"evil.zip/../evil.ipynb", "evil.zip//abs/evil2.ipynb",
                                           "evil.zip/a/../../evil3.ipynb"}
        written = {p.name for p in tmp_path.rglob("*evil*")}
        assert written == {"evil.zip"}  # nothing escaped, anywhere under tmp_path
    assert not list((tmp_path / "tmp").iterdir())


def test_a_zip_over_the_size_cap_is_refused(tmp_path, monkeypatch):
    from hooklab.course import intake as module
    monkeypatch.setattr(module, "MAX_ZIP_MB", 0.001)
    make_zip(tmp_path / "big.zip", {"ana_1_2_08_lab_errors.ipynb": ("x" * 5000, (2024, 3, 1, 10, 0, 0))})
    with collect(tmp_path, LABS) as intake:
        assert intake.files == {}
        [(_, rel, note)] = intake.notes
        assert rel == "big.zip" and note.startswith("refused:") and "limit" in note


def test_a_broken_zip_is_noted(tmp_path):
    put(tmp_path / "broken.zip", "not a zip")
    with collect(tmp_path, LABS) as intake:
        assert intake.files == {} and intake.notes[0][1] == "broken.zip" and "refused" in intake.notes[0][2]


def test_an_unknown_notebook_is_reported(tmp_path):
    put(tmp_path / "ana" / "my_homework.ipynb")
    put(tmp_path / "ana" / "08_lab_errors.ipynb")
    put(tmp_path / "scratch.ipynb")
    with collect(tmp_path, LABS) as intake:
        # kept under its own name so grade() writes an "unknown lab" row for it
        assert set(intake.files["ana"]) == {"08_lab_errors.ipynb", "my_homework.ipynb"}
        assert "matches no lab" in notes_for(intake, "ana/my_homework.ipynb")[0][2]
        assert notes_for(intake, "scratch.ipynb") == [
            ("", "scratch.ipynb", "not graded: the name matches no lab and names no student")]


def test_a_zip_given_as_the_folder(tmp_path):
    make_zip(tmp_path / "c.zip", {"ana_1_2_08_lab_errors.ipynb": (NB, (2024, 3, 1, 10, 0, 0))})
    with collect(tmp_path / "c.zip", LABS) as intake:
        assert list(intake.files["ana"]) == ["08_lab_errors.ipynb"] and intake.notes == []
