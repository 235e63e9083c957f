"""Which notebook is whose: read a class folder as handed in, and say what was done with every file.

``collect(folder, labs)`` accepts, in one folder and mixed:

- per-student folders, ``<student>/<lab>.ipynb``;
- flat files at the top, ``<student>_<lab>.ipynb`` (``ana_08_lab_errors.ipynb``): the lab is the
  longest known lab name the file name ends with, the student what comes before it;
- LMS exports, a ``.zip`` at the top (or the folder argument itself), extracted into a temporary
  folder and read like the rest: Canvas names files
  ``<student>[_late]_<userid>_<submissionid>_<original name>``, Moodle puts them in folders
  ``<Full Name>_<id>_assignsubmission_file_/<original name>``.

Download suffixes are removed (``08_lab_errors (1).ipynb``, ``08_lab_errors(2)``, ``-1``,
``Copy of ...``, ``... copy``). Of two files for one student and lab the newest (by modification
time; in a zip, by the entry's date) is kept. Every file that is not graded as handed in gets a
note (student or "", its path relative to the folder, why); nothing is skipped silently.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

__all__ = ["collect", "Intake"]

MAX_ZIP_MB = 200  # uncompressed size a zip may extract to

_SUFFIXES = [re.compile(p, re.I) for p in (r"\s*\(\d+\)$", r"-\d+$", r"\s+copy$", r"\s*-\s*copy$", r"^copy of\s+")]
_CANVAS = re.compile(r"^([^_]+?)(?:_late)?_\d+_\d+_(.+)$", re.I)
_CANVAS_PREFIX = re.compile(r"^([^_]+?)(?:_late)?_\d+_\d+$", re.I)
_MOODLE = re.compile(r"^(.+?)_\d+_assign(?:submission|feedback)_[a-z]+_(.*)$", re.I)
_JUNK = {".DS_Store": "macOS folder metadata", "Thumbs.db": "Windows thumbnail cache",
         "desktop.ini": "Windows folder settings"}


@dataclass
class Intake:
    """What a class folder holds: ``files[student][lab file name]`` and a note for everything else.

    A notebook whose name matches no lab is in ``files`` under its cleaned name (so it can be
    reported as an unknown lab) and also noted. Call ``close()`` (or use ``with``) to remove the
    folders zips were extracted into.
    """

    files: dict[str, dict[str, Path]] = field(default_factory=dict)
    notes: list[tuple[str, str, str]] = field(default_factory=list)
    _temp: list[Path] = field(default_factory=list, repr=False)

    def close(self) -> None:
        for d in self._temp:
            shutil.rmtree(d, ignore_errors=True)
        self._temp.clear()

    def __enter__(self) -> Intake:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass
class _Candidate:
    student: str
    name: str       # the lab file name, or the cleaned name of an unknown notebook
    path: Path
    rel: str
    mtime: float
    clean: bool     # handed in under its own name (preferred on a tie)
    known: bool


def _strip(stem: str) -> str:
    """The stem without download suffixes, applied until none is left."""
    while True:
        before = stem
        for pattern in _SUFFIXES:
            stem = pattern.sub("", stem).strip()
        if stem == before:
            return stem


def _match(stem: str, stems: list[str]) -> tuple[str, str] | None:
    """(lab stem, what came before it) for the longest lab stem ``stem`` ends with, at a word boundary."""
    for candidate in (stem, _strip(stem)):
        for lab in stems:  # longest first
            if candidate == lab:
                return lab, ""
            if candidate.endswith(lab) and candidate[-len(lab) - 1] in "_- ":
                return lab, candidate[: -len(lab)]
    return None


def _student_from_prefix(prefix: str) -> str:
    prefix = re.sub(r"copy of\s*$", "", prefix, flags=re.I)
    if m := _MOODLE.match(prefix + "x"):  # flat Moodle: "<Full Name>_<id>_assignsubmission_file_<name>"
        return m.group(1).strip("_- ")
    if m := _CANVAS_PREFIX.match(prefix.rstrip("_- ")):
        return m.group(1).strip("_- ")
    return prefix.strip("_- ")


class _Reader:
    def __init__(self, root: Path, labs: set[str]):
        self.root = root
        self.stems = sorted((Path(n).stem for n in labs), key=len, reverse=True)
        self.intake = Intake()
        self.candidates: list[_Candidate] = []

    def note(self, student: str, rel: str, why: str) -> None:
        self.intake.notes.append((student, rel, why))

    def notebook(self, path: Path, rel: str, student: str | None) -> None:
        """One ``.ipynb``: in a student's folder (``student`` given) or flat at the top (``None``)."""
        stem, mtime = path.stem, path.stat().st_mtime
        found = _match(stem, self.stems)
        if found is None:
            owner = student
            if owner is None and (m := _MOODLE.match(stem) or _CANVAS.match(stem)):
                owner, stem = m.group(1).strip("_- "), m.group(2) or stem
            if not owner:
                self.note("", rel, "not graded: the name matches no lab and names no student")
                return
            name = _strip(stem) + ".ipynb"
            self.note(owner, rel, f"not graded: {name} matches no lab (reported as an unknown lab)")
            self.candidates.append(_Candidate(owner, name, path, rel, mtime, True, False))
            return
        lab, prefix = found
        owner = student if student is not None else _student_from_prefix(prefix)
        if not owner:
            self.note("", rel, f"not graded: {lab}.ipynb with no student name; "
                               "put it in a <student>/ folder or name it <student>_<lab>.ipynb")
            return
        clean = stem.endswith(lab) and not re.search(r"copy of\s*$", prefix, re.I)
        self.candidates.append(_Candidate(owner, lab + ".ipynb", path, rel, mtime, clean, True))

    def other(self, path: Path, rel: str, student: str) -> None:
        if path.name in _JUNK:
            self.note(student, rel, f"not graded: {_JUNK[path.name]}")
        elif path.name.startswith("."):
            self.note(student, rel, "not graded: a hidden file")
        else:
            kind = path.suffix or "no extension"
            self.note(student, rel, f"not graded: not a notebook ({kind})")

    def skip_folder(self, path: Path, rel: str, student: str) -> bool:
        """Checkpoint, macOS and hidden folders: one note for the whole folder."""
        count = sum(1 for p in path.rglob("*") if p.is_file())
        if path.name == ".ipynb_checkpoints":
            why = "Jupyter autosave copies"
        elif path.name == "__MACOSX":
            why = "macOS zip metadata"
        elif path.name.startswith("."):
            why = "a hidden folder"
        else:
            return False
        self.note(student, rel + "/", f"not graded: {why} ({count} file{'s' * (count != 1)})")
        return True

    def student_folder(self, folder: Path, rel: str) -> None:
        name = folder.name
        student = m.group(1).strip() if (m := re.match(r"^(.+?)_\d+_assign\w*?_[a-z]+_$", name, re.I)) else name
        self.intake.files.setdefault(student, {})
        for p in sorted(folder.iterdir()):
            prel = f"{rel}/{p.name}"
            if p.is_dir():
                if not self.skip_folder(p, prel, student):
                    count = sum(1 for q in p.rglob("*") if q.is_file())
                    self.note(student, prel + "/", f"not graded: a folder inside a student's folder ({count} "
                                                   f"file{'s' * (count != 1)}); only <student>/<lab>.ipynb is read")
            elif p.suffix.lower() == ".ipynb":
                self.notebook(p, prel, student)
            else:
                self.other(p, prel, student)

    def top(self, folder: Path, rel: str = "", zips: bool = True) -> None:
        for p in sorted(folder.iterdir()):
            prel = f"{rel}{p.name}"
            if p.is_dir():
                if not self.skip_folder(p, prel, ""):
                    self.student_folder(p, prel)
            elif p.suffix.lower() == ".ipynb":
                self.notebook(p, prel, None)
            elif p.suffix.lower() == ".zip" and zips:
                if (where := self.extract(p, prel)) is not None:
                    self.top(where, prel + "/", zips=False)
            elif p.suffix.lower() == ".zip":
                self.note("", prel, "not graded: a zip inside a zip is not opened")
            else:
                self.other(p, prel, "")

    def extract(self, archive: Path, rel: str) -> Path | None:
        """The zip's safe members in a new temporary folder (dates kept), or None with a note."""
        try:
            with zipfile.ZipFile(archive) as zf:
                infos = [i for i in zf.infolist() if not i.is_dir()]
                total = sum(i.file_size for i in infos)
                if total > MAX_ZIP_MB * 2**20:
                    self.note("", rel, f"refused: the zip would extract to {total / 2**20:.0f} MB "
                                       f"(the limit is {MAX_ZIP_MB} MB); nothing in it was graded")
                    return None
                dest = Path(tempfile.mkdtemp(prefix="hooklab-intake-"))
                self.intake._temp.append(dest)
                budget = MAX_ZIP_MB * 2**20
                for info in infos:
                    name = info.filename.replace("\\", "/")
                    parts = PurePosixPath(name).parts
                    if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts or not parts:
                        self.note("", f"{rel}/{info.filename}", "refused: unsafe path in the zip "
                                                                "(absolute or with ..); not extracted")
                        continue
                    target = dest.joinpath(*parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(info) as src, open(target, "wb") as out:
                        while chunk := src.read(1 << 20):
                            budget -= len(chunk)
                            if budget < 0:
                                raise ValueError("the zip extracts to more than its entries declare")
                            out.write(chunk)
                    stamp = time.mktime((*info.date_time, 0, 0, -1))
                    os.utime(target, (stamp, stamp))
                return dest
        except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, ValueError, OSError, EOFError) as e:
            self.note("", rel, f"refused: the zip could not be read ({type(e).__name__}: {e}); "
                               "nothing in it was graded")
            return None

    def choose(self) -> Intake:
        """Keep the newest file per student and lab; note the others."""
        groups: dict[tuple[str, str], list[_Candidate]] = {}
        for c in self.candidates:
            groups.setdefault((c.student, c.name), []).append(c)
        for (student, name), group in sorted(groups.items()):
            group.sort(key=lambda c: (c.mtime, c.clean, c.rel), reverse=True)
            kept = group[0]
            self.intake.files.setdefault(student, {})[name] = kept.path
            for other in group[1:]:
                self.note(student, other.rel, f"older duplicate of {kept.rel}, not graded")
                if not other.known:  # its own "matches no lab" note is superseded
                    self.intake.notes = [n for n in self.intake.notes
                                         if not (n[1] == other.rel and n[2].startswith("not graded: "))]
        self.intake.notes.sort(key=lambda n: (n[1], n[0]))
        self.intake.files = {s: dict(sorted(f.items())) for s, f in sorted(self.intake.files.items())}
        return self.intake


def collect(folder: str | Path, labs: set[str]) -> Intake:
    """The class folder (or an LMS zip) read into ``Intake``: who handed in which lab, and notes.

    ``labs`` are the known lab file names (``{"08_lab_errors.ipynb", ...}``)::

        with collect("submissions", {"08_lab_errors.ipynb"}) as intake:
            intake.files["ana"]["08_lab_errors.ipynb"]  # a Path
    """
    folder = Path(folder)
    reader = _Reader(folder, labs)
    try:
        if folder.is_file() and folder.suffix.lower() == ".zip":
            if (where := reader.extract(folder, folder.name)) is not None:
                reader.top(where, folder.name + "/", zips=False)
        else:
            reader.top(folder)
        return reader.choose()
    except BaseException:
        reader.intake.close()
        raise
