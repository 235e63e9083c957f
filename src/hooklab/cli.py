"""``hooklab serve | fire | grade | release | validate | links | doctor``: the stack from a terminal, grading and
the student release for instructors, and a check before hand-in for students.

It speaks the terminal's language (``LANG=pt_BR.UTF-8``: Portuguese; see :func:`hooklab.i18n.locale_language`),
from the core's table in :mod:`hooklab.i18n`. The release's summary, like the grader's CSV, stays English.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import signal
import sys
import tempfile
import threading
from importlib import metadata
from pathlib import Path

import requests

from .i18n import locale_language, text

__all__ = ["main"]

#: The terminal's language, read once per run by :func:`main`.
_language = "en"


def _t(english: str, **values: object) -> str:
    return text(english, _language, **values)


def _state_file() -> Path:
    """Where a running ``hooklab serve`` tells ``hooklab fire`` how to reach it."""
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"hooklab-{uid}" / "serve.json"


def cmd_serve(args: argparse.Namespace) -> int:
    import hooklab

    stack = hooklab.start(seed=args.seed, clock="real", data_dir=args.data_dir)
    state = _state_file()
    state.parent.mkdir(mode=0o700, exist_ok=True)
    state.write_text(json.dumps({"urls": stack.urls, "token": stack.keys["inspector"], "pid": os.getpid()}))
    state.chmod(0o600)
    print(_t("hooklab stack running (Ctrl-C stops it)") + "\n")
    for name, url in stack.urls.items():
        print(f"  {name:<10} {url}")
    print(f"\n  {_t('webhook endpoint'):<17} POST {stack.urls['receiver']}/webhooks")
    print(f"  {_t('signing secret'):<17} {stack.secret}")
    for name, key in stack.keys.items():
        print(f"  {_t('{name} key', name=name):<17} {key}")
    print("\n  " + _t("try: {command}", command="hooklab fire newsletter.subscribed --field email=ana@example.com"),
          flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
        state.unlink(missing_ok=True)
        print("\n" + _t("stopped"), flush=True)
    return 0


def _parse_field(text: str) -> tuple[str, object]:
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise SystemExit("hooklab fire: " + _t("--field takes key=value, not {text!r}", text=text))
    try:
        return key, json.loads(raw)  # numbers, booleans, lists
    except json.JSONDecodeError:
        return key, raw


def cmd_fire(args: argparse.Namespace) -> int:
    state = _state_file()
    if not state.exists():
        print("hooklab fire: " + _t("no running stack found; start one with `hooklab serve` in another terminal"),
              file=sys.stderr)
        return 2
    info = json.loads(state.read_text())
    payload = {"type": args.type, "fields": dict(_parse_field(f) for f in args.field)}
    if args.count is not None:
        payload["count"] = args.count
    try:
        r = requests.post(info["urls"]["inspector"] + "/api/events", json=payload,
                          headers={"X-Hooklab-Token": info["token"]}, timeout=120)
    except requests.ConnectionError:
        print("hooklab fire: " + _t("the stack in serve.json is not answering; is `hooklab serve` still running?"),
              file=sys.stderr)
        return 2
    body = r.json()
    if r.status_code >= 400:
        print(f"hooklab fire: {body.get('error')}", file=sys.stderr)
        return 1
    print("\n".join(body["ids"]) if "ids" in body else body["id"])
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """Check the install end to end: imports, a stack, one signed webhook to the CRM."""
    ok = True

    def check(label: str, fn) -> None:
        nonlocal ok
        try:
            detail = fn()
            print(f"  ok    {label}" + (f": {detail}" if detail else ""))
        except Exception as e:  # doctor reports, it does not crash
            ok = False
            print(f"  FAIL  {label}: {type(e).__name__}: {e}")

    print(f"hooklab doctor (Python {platform.python_version()})")
    check(_t("Python 3.11 or newer"), lambda: None if sys.version_info >= (3, 11) else 1 / 0)
    for mod in ("flask", "requests", "faker", "jsonschema", "pandas", "matplotlib"):
        check(f"import {mod}", lambda m=mod: (importlib.import_module(m), metadata.version(m))[1])

    def roundtrip() -> str:
        import hooklab

        with hooklab.start(seed=1) as stack:
            stack.fire("newsletter.subscribed", email="doctor@example.com")
            stack.wait(timeout=30)
            n = len(stack.crm.contacts())
            if n != 1:
                raise RuntimeError(_t("expected 1 CRM contact, found {n}", n=n))
            return _t("signed webhook reached the CRM ({ms} ms)", ms=stack.deliveries()['latency_ms'].iloc[0])

    check(_t("stack round trip"), roundtrip)
    print(_t("all good") if ok else _t("something is wrong: see FAIL lines above"))
    return 0 if ok else 1


def cmd_grade(args: argparse.Namespace) -> int:
    """Grade a class: one CSV row per student and lab, feedback files, never a crash on a bad notebook."""
    from .course.grading import grade
    from .course.labs import LabError

    given = Path(args.submissions)
    if not given.is_dir() and not (given.is_file() and given.suffix.lower() == ".zip"):
        print("hooklab grade: " + _t("{path} is not a folder of <student>/<lab>.ipynb", path=args.submissions),
              file=sys.stderr)
        return 2
    try:
        df = grade(args.submissions, args.out, feedback_dir=args.feedback, timeout=args.timeout, jobs=args.jobs,
                   solutions_dir=args.solutions, cell_timeout=args.cell_timeout)
    except LabError as e:  # the instructor's solution, not a student's notebook
        print("hooklab grade: " + _t("a solution notebook is malformed: {error}", error=e), file=sys.stderr)
        return 2
    problems = df[df["status"] != "ok"]
    print(_t("graded {n} notebooks of {m} students → {out}", n=len(df), m=df['student'].nunique(), out=args.out)
          + (_t("; feedback in {folder}/", folder=args.feedback) if args.feedback else ""))
    for _, row in problems.iterrows():
        print(f"  {row['student']} / {row['lab']}: {row['status']}")
    intake = df.attrs.get("intake", {})
    if intake:
        n = intake["notes"]
        said = "intake: {n} file noted (not graded as handed in) → {csv}" if n == 1 else \
            "intake: {n} files noted (not graded as handed in) → {csv}"
        print(_t(said, n=n, csv=intake["csv"]))
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    """Write the student release: the repository without solutions/ and hidden checks (docs/instructors.md)."""
    from .course.release import report

    return report(args.out, args.source, git=not args.no_git, github=args.github)


def cmd_links(args: argparse.Namespace) -> int:
    """Print the Binder and nbgitpuller links of every lesson and lab (Markdown or CSV)."""
    from .course import links

    try:
        found = links.links(args.repo if args.repo is not None else links.remote(), args.branch, args.hub)
    except links.LinkError as e:
        print(f"hooklab links: {e}", file=sys.stderr)
        return 2
    print(links.as_csv(found) if args.format == "csv" else links.markdown(found), end="")
    if not args.hub:
        print(_t("(add --hub https://your-hub for the JupyterHub links, by nbgitpuller)"), file=sys.stderr)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a lab before handing it in: how the grader will read it, and its visible checks."""
    from .course.messages import speaking
    from .course.validate import validate

    ok = True
    for path in args.labs:
        with speaking(_language):  # a lab of a track speaks that track's language; an unreadable file, the terminal's
            report = validate(path, timeout=args.timeout)
        print(f"hooklab validate {path}\n{report}")
        ok = ok and report.ok
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    global _language
    _language = locale_language()
    parser = argparse.ArgumentParser(prog="hooklab", description="hooklab serve | fire | grade | release | validate | "
                                     "links | doctor: " + _t("the stack from a terminal, grading and the student release for "
                                                     "instructors, and a check before hand-in for students."))
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help=_t("run the stack in the foreground, print its URLs and secret"))
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--data-dir", default=None, help=_t("keep the SQLite files here"))
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("fire", help=_t("fire an event into a running `hooklab serve`"))
    p.add_argument("type", help=_t("event type, e.g. newsletter.subscribed"))
    p.add_argument("--field", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--count", type=int, default=None, metavar="N",
                   help=_t("an import: N events at once (stack.fire_many); prints their ids"))
    p.set_defaults(func=cmd_fire)
    p = sub.add_parser("grade", help=_t("grade a folder of <student>/<lab>.ipynb submissions (or an LMS .zip)"))
    p.add_argument("submissions")
    p.add_argument("--out", default="grades.csv", help=_t("the CSV to write (default grades.csv)"))
    p.add_argument("--feedback", default=None, metavar="DIR", help=_t("write <student>.md feedback files here"))
    p.add_argument("--timeout", type=float, default=120, help=_t("wall-clock seconds per submission (default 120)"))
    p.add_argument("--cell-timeout", type=float, default=None, metavar="S",
                   help=_t("interrupt one cell after S seconds and grade the rest (default: half of --timeout)"))
    p.add_argument("--jobs", type=int, default=None, help=_t("submissions graded in parallel (default: one per core)"))
    p.add_argument("--solutions", default=None, metavar="DIR", help=_t("the solution notebooks (default: solutions/)"))
    p.set_defaults(func=cmd_grade)
    p = sub.add_parser("release", help=_t("write the student repository: no solutions/, no hidden checks"))
    p.add_argument("out", metavar="OUT", help=_t("a new folder outside this repository, e.g. ../hooklab-class"))
    p.add_argument("--source", default=None, metavar="DIR", help=_t("the full repository (default: this one)"))
    p.add_argument("--no-git", action="store_true", help=_t("do not make OUT a git repository with one commit"))
    p.add_argument("--github", default=None, metavar="OWNER/NAME",
                   help=_t("the repository you will push the release to: the README's Binder badge opens it"))
    p.set_defaults(func=cmd_release)
    p = sub.add_parser("validate", help=_t("check a lab before you hand it in (runs its checks, finds lost answers)"))
    p.add_argument("labs", nargs="+", metavar="LAB.ipynb")
    p.add_argument("--timeout", type=float, default=120, help=_t("seconds a cell may run (default 120)"))
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("links", help=_t("print the Binder and JupyterHub links of every lesson and lab"))
    p.add_argument("--repo", default=None, metavar="URL",
                   help=_t("the repository students open (default: this one's git remote, origin)"))
    p.add_argument("--branch", default="main", help=_t("the branch (default main)"))
    p.add_argument("--hub", default=None, metavar="URL", help=_t("your JupyterHub's address, for nbgitpuller links"))
    p.add_argument("--format", choices=("md", "csv"), default="md", help=_t("Markdown (default) or CSV for an LMS"))
    p.set_defaults(func=cmd_links)
    p = sub.add_parser("doctor", help=_t("check that this install works"))
    p.set_defaults(func=cmd_doctor)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
