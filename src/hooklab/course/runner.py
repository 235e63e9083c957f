"""The child process of ``hooklab grade``: run one submission in a sandboxed kernel, decide its points here.

``python -m hooklab.course.runner PLAN`` reads the plan the grader wrote (the cells to run, in
order, and where each exercise is checked) and writes one JSON line per event to the file
descriptor the plan names, a pipe only the grader reads::

    {"check": "03.1", "passed": true, "message": "..."}     as soon as a check is decided
    {"status": "ok", "fatal": null, "isolation": "bwrap+user", "review": [...]}   at the end

The learner's cells run in a kernel inside a :class:`~hooklab.course.sandbox.Sandbox`. The
checks run *here*, in this process, which never executes learner code: each answer is a
:class:`~hooklab.course.boundary.Remote` that calls into the kernel, a stack the check needs
is this process's own, and the verdict is :func:`hooklab.course.checks.verdict` (visible and
hidden cases). A verdict is written the moment it is known, so a kernel that dies later keeps
the points already earned. Messages are in the plan's ``language`` (the submission's track); the
end's status and fatal error cross as :class:`~hooklab.course.messages.Message` dumps, so the
grader can write them in English in its CSV and in the student's language in their feedback.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import nbformat

from ..errors import HooklabError
from .boundary import MIME, Boundary, RemoteError
from .messages import Message, _, set_language
from .sandbox import Limits, Sandbox, become_subreaper

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

#: Marks of code that reaches for the grader's internals; a cell with one is listed for review.
SUSPICIOUS = re.compile(r"hooklab\.course\.(?:checks|grading|runner|boundary|sandbox|hidden|lab\d\d[a-z]?)|"
                        r"checks\.(?:check|_load|_registry|_judge|expect|fail)\s*=|set_custom_exc|"
                        r"input_transformers|sys\.modules\[|\.kernel\.pid|\.result\.json|solutions/|"
                        r"os\.(?:kill|killpg|setsid|fork)|start_new_session|ctypes|__import__\(|"
                        r"builtins\.|__builtins__|ptrace|/proc/")


class _Stop(HooklabError):
    """The run cannot go on: the kernel died, or the output or time ran out."""


class Run:
    """One submission: its kernel (driven from one thread), its boundary, its checks."""

    def __init__(self, plan: dict, emit: Any) -> None:
        self.plan, self.emit = plan, emit
        self.cell_timeout = float(plan["cell_timeout"])
        self.limit = float(plan["output_mb"]) * 2**20
        self.bytes = 0
        self.sandbox = Sandbox(slot=int(plan.get("slot", 0)), limits=Limits(cpu_s=int(plan.get("cpu_s", 600))))
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kernel")  # every kernel call, one thread
        self.client: Any = None
        self.stack: Any = None
        self.boundary: Boundary | None = None
        self.language = str(plan.get("language") or "en")
        self.errors: dict[str, str] = {}   # answer id -> what its cell raised
        self.stopped: list[Message] = []   # cells interrupted after cell_timeout, or at the file size limit

    # -- the kernel, from its own thread -----------------------------------------------------------
    def _client(self) -> Any:
        from nbclient import NotebookClient
        from jupyter_client import AsyncKernelManager
        from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
        from traitlets import default

        run, argv = self, self.sandbox.kernel_argv()
        connection_file = str(self.sandbox.runtime / "kernel.json")  # in the sandbox, handed to its user

        class Specs(KernelSpecManager):
            def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
                return KernelSpec(argv=argv, display_name="graded", language="python",
                                  interrupt_mode="message", env={})

        class Manager(AsyncKernelManager):
            @default("kernel_spec_manager")
            def _specs(self) -> KernelSpecManager:
                return Specs()

            @default("connection_file")
            def _connection_file(self) -> str:
                return connection_file

        class Client(NotebookClient):
            def output(self, outs, msg, display_id, cell_index):  # type: ignore[no-untyped-def]
                run.bytes += len(json.dumps(msg.get("content", {}), default=str))
                if run.bytes > run.limit:
                    return None  # dropped, so memory stays bounded; the run stops when the cell ends
                return super().output(outs, msg, display_id, cell_index)

        nb = nbformat.v4.new_notebook()
        return Client(nb, timeout=self.cell_timeout, allow_errors=True, interrupt_on_timeout=True,
                      kernel_name="python3", kernel_manager_class=Manager, shutdown_kernel="immediate",
                      record_timing=False, resources={"metadata": {"path": str(self.sandbox.work)}})

    def _start(self) -> None:
        self.client = self._client()
        self._context = self.client.setup_kernel(env=self.sandbox.env())
        try:
            self._context.__enter__()
        except RuntimeError as e:  # a port taken between choosing and binding it: ours, try once more
            if "before replying" not in str(e):
                raise
            self.client = self._client()
            self._context = self.client.setup_kernel(env=self.sandbox.env())
            self._context.__enter__()

    def _execute(self, source: str) -> tuple[Any, float]:
        cell = nbformat.v4.new_code_cell(source)
        self.client.nb.cells = [cell]  # nbclient files outputs by index: a notebook of this one cell
        started = time.monotonic()
        self.client.execute_cell(cell, 0)
        return cell, time.monotonic() - started

    def execute(self, source: str) -> tuple[Any, bool]:
        """Run ``source`` in the kernel: the executed cell, and whether it was stopped for time."""
        from nbclient.exceptions import DeadKernelError

        try:
            cell, took = self.pool.submit(self._execute, source).result()
        except DeadKernelError:
            raise _Stop(Message("kernel died")) from None
        if self.bytes > self.limit:
            raise _Stop(Message("output too large (over {mb:g} MB)", mb=self.plan["output_mb"]))
        return cell, took >= self.cell_timeout

    def call(self, code: str, timeout: float) -> list[dict]:
        """The boundary's way into the kernel: the replies published by one line of code."""
        cell, stopped = self.execute(code)
        if stopped:
            raise RemoteError(_("your code ran longer than {seconds:g} s and was stopped (an endless loop, or waiting "
                                "for something that never comes?)", seconds=self.cell_timeout))
        return [o["data"][MIME] for o in cell.outputs
                if o.get("output_type") == "display_data" and MIME in o.get("data", {})]

    # -- the submission --------------------------------------------------------------------------------
    def _stack(self) -> Any:
        if self.stack is None:
            import hooklab

            options = {"clock": "virtual", **self.plan.get("start", {})}
            if isinstance(options.get("schedule"), list):
                options["schedule"] = tuple(options["schedule"])  # JSON has no tuples
            self.stack = hooklab.start(**options)
        return self.stack

    def check(self, ex: str) -> None:
        from . import checks

        spec = self.plan["checks"][ex]
        assert self.boundary is not None
        answers = [self._stack() if name == "stack" else self.boundary.name(name) for name in spec["args"]]
        try:
            passed, message = checks.verdict(ex, *answers, language=self.language)
        except _Stop:
            raise
        except Exception as e:  # a check that breaks on an odd answer costs that exercise, not the run
            passed, message = False, _("the check could not use your answer ({what})", what=f"{type(e).__name__}: {e}")
        if not passed and spec.get("answer") in self.errors:
            message = self.errors[spec["answer"]]
        self.emit({"check": ex, "passed": passed, "message": _ANSI.sub("", message)[:1000]})

    def run(self) -> None:
        fatal, review = None, []
        label: Any = ""
        try:
            self.pool.submit(self._start).result()
            self.boundary = Boundary(self.call, self.cell_timeout)
            for step in self.plan["steps"]:
                label = Message.load(step["label"])
                if "check" in step:
                    self.check(step["check"])
                    continue
                if SUSPICIOUS.search(step["source"]):
                    review.append(label)
                cell, stopped = self.execute(step["source"])
                if stopped:
                    self.stopped.append(Message("{label} ran longer than {seconds:g} s and", label=label,
                                                seconds=self.cell_timeout))
                error = next((o for o in cell.outputs if o.get("output_type") == "error"), None)
                if error and any(m in str(error.get("evalue")) for m in ("File too large", "No space left")):
                    self.stopped.append(Message("{label} hit the sandbox's file size limit ({mb} MB) or filled the "
                                                "disk and", label=label, mb=self.sandbox.limits.file_mb))
                if step.get("answer") and (stopped or error):
                    self.errors[step["answer"]] = (
                        _("your answer cell ran longer than {seconds:g} s and was stopped (an endless loop?)",
                          seconds=self.cell_timeout)
                        if stopped else _("your answer cell raised {ename}: {evalue}", ename=error.get("ename"),
                                          evalue=_ANSI.sub("", str(error.get("evalue")))[:600]))
        except _Stop as e:
            why = e.args[0] if e.args else ""
            fatal = Message("{why} (while running {label})", why=why, label=label) if label else why
        except Exception as e:  # nbclient's own failures (a kernel that will not start...): the row says so
            fatal = Message("could not run the notebook: {error}",
                            error=f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:170])
        status = "ok" if not self.stopped else Message("{what} was stopped", what=Message.join(", ", self.stopped))
        self.emit({"status": _dump(status), "fatal": _dump(fatal), "isolation": self.sandbox.isolation,
                   "review": [str(r) for r in review]})

    def close(self) -> None:
        if self.boundary is not None:
            self.boundary.close()
        if self.stack is not None and self.stack.running:
            self.stack.stop()
        if self.client is not None:
            try:
                self.pool.submit(self._context.__exit__, None, None, None).result(timeout=30)
            except Exception:  # the kernel is swept below in any case
                pass
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.sandbox.close(os.getpid())


def _dump(text: Any) -> Any:
    return text.dump() if isinstance(text, Message) else text


def main(plan_path: str) -> None:
    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    set_language(plan.get("language") or "en")  # this process speaks the submission's language, in every thread
    out = os.fdopen(int(plan["result_fd"]), "w", encoding="utf-8", buffering=1)
    os.set_inheritable(out.fileno(), False)  # the kernel never gets the pipe to the grader
    become_subreaper()

    def emit(event: dict) -> None:
        out.write(json.dumps(event) + "\n")

    def stop(signum: int, frame: Any) -> None:  # the grader's timeout: clean up on the way out
        raise SystemExit(128 + signum)

    run = Run(plan, emit)
    signal.signal(signal.SIGTERM, stop)
    try:
        run.run()
    finally:
        run.close()
        out.close()


if __name__ == "__main__":
    main(sys.argv[1])
