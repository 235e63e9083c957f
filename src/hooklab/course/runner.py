"""The child process of ``hooklab grade``: run one graded notebook, write what each check said.

``python -m hooklab.course.runner NOTEBOOK RESULT PID_FILE CELL_TIMEOUT OUTPUT_MB``. The
parent (:mod:`hooklab.course.grading`) watches the clock and kills this process and
the kernel (whose pid it finds in PID_FILE) when the submission's time is up.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import nbformat

from ..errors import HooklabError
from .labs import kernel_manager_class, meta

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _label(cell: Any, index: int) -> str:
    if meta(cell, "answer") is not None:
        return f"answer {meta(cell, 'answer')}"
    if meta(cell, "check") is not None:
        return f"check {meta(cell, 'check')}"
    return f"cell {index + 1}"


def _verdict(cell: Any, answer: Any, timed_out: set[int], cell_timeout: float) -> dict:
    """passed + message for one executed check cell (``answer`` is its executed answer cell, if any)."""
    ex = str(meta(cell, "check"))
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    stdout = "".join(o.get("text", "") for o in cell.get("outputs", [])
                     if o.get("output_type") == "stream" and o.get("name") == "stdout")
    answer_error = next((o for o in (answer or {}).get("outputs", []) if o.get("output_type") == "error"), None)
    if cell.get("execution_count") is None:
        return {"passed": False, "message": "the check did not run"}
    if id(cell) in timed_out:
        return {"passed": False, "message": f"stopped after {cell_timeout:g} s: your code ran too long "
                                            "(an endless loop, or waiting for something that never comes?)"}
    if not errors:
        line = next((text for text in stdout.splitlines() if text.startswith(f"✅ {ex} ")), None)
        if line is None:
            return {"passed": False, "message": "the check did not report a pass (was hooklab.checks.check changed?)"}
        return {"passed": True, "message": line.split("points)", 1)[-1].lstrip(": ").strip()}
    err = errors[0]
    ename, evalue = err.get("ename", "Error"), _ANSI.sub("", str(err.get("evalue", "")))
    if ename == "CheckFailed":
        message = evalue
    elif answer is not None and id(answer) in timed_out:
        message = f"your answer cell ran longer than {cell_timeout:g} s and was stopped (an endless loop?)"
    elif answer_error is not None and answer_error.get("ename") == "NotImplementedError":
        hint = str(answer_error.get("evalue", "")).split(": ", 1)[-1]
        message = f"not answered yet. Hint: {hint}"
    elif answer_error is not None:
        raised = _ANSI.sub("", str(answer_error.get("evalue")))
        message = f"your answer cell raised {answer_error.get('ename')}: {raised}"
    else:
        message = f"{ename}: {evalue}"
    return {"passed": False, "message": message[:1000]}


def run(notebook: Path, result: Path, pid_file: Path, cell_timeout: float, output_mb: float) -> None:
    """Execute one graded notebook; write {"fatal": reason or None, "status", "checks"} to ``result``."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    nb = nbformat.read(notebook, as_version=4)
    limit = output_mb * 2**20
    state: dict[str, Any] = {"index": None, "started": 0.0, "bytes": 0, "timed_out": set()}

    class TooMuchOutput(HooklabError):  # control flow of this run only, never seen outside it
        pass

    class Client(NotebookClient):
        def output(self, outs, msg, display_id, cell_index):  # type: ignore[no-untyped-def]
            state["bytes"] += len(json.dumps(msg.get("content", {}), default=str))
            if state["bytes"] > limit:
                return None  # dropped, so memory stays bounded; the run stops when the cell ends
            return super().output(outs, msg, display_id, cell_index)

    def on_start(**_: Any) -> None:  # the parent kills this process group if the time runs out
        pid_file.write_text(str(client.km.provisioner.pid))

    def on_execute(cell: Any, cell_index: int, **_: Any) -> None:
        state["index"], state["started"] = cell_index, time.monotonic()

    def on_executed(cell: Any, cell_index: int, **_: Any) -> None:
        if time.monotonic() - state["started"] >= cell_timeout:
            state["timed_out"].add(cell_index)  # nbclient interrupted it (interrupt_on_timeout)
        if state["bytes"] > limit:
            raise TooMuchOutput()

    def make_client() -> Client:
        return Client(nb, timeout=cell_timeout, allow_errors=True, interrupt_on_timeout=True, kernel_name="python3",
                      kernel_manager_class=kernel_manager_class(), shutdown_kernel="immediate", record_timing=False,
                      resources={"metadata": {"path": str(notebook.parent)}}, on_notebook_start=on_start,
                      on_cell_execute=on_execute, on_cell_executed=on_executed)

    fatal = None
    client = make_client()
    try:
        try:
            client.execute()
        except RuntimeError as e:
            # Kernels started side by side on a busy machine sometimes die before their first
            # reply (a port taken between choosing and binding it): that is ours, not the
            # student's, so try once more before any cell has run.
            if state["index"] is not None or "before replying" not in str(e):
                raise
            client = make_client()
            client.execute()
    except DeadKernelError:
        fatal = "kernel died"
    except TooMuchOutput:
        fatal = f"output too large (over {output_mb:g} MB)"
    except Exception as e:  # nbclient's own failures (a kernel that will not start...): the row says so
        fatal = f"could not run the notebook: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:200]
    if fatal and state["index"] is not None:
        fatal += f" (while running {_label(nb.cells[state['index']], state['index'])})"
    timed_out = {id(nb.cells[i]) for i in state["timed_out"]}
    answers = {str(meta(c, "answer")): c for c in nb.cells if meta(c, "answer") is not None}
    verdicts = {str(meta(c, "check")): _verdict(c, answers.get(str(meta(c, "check"))), timed_out, cell_timeout)
                for c in nb.cells if meta(c, "check") is not None}
    stopped = [_label(nb.cells[i], i) for i in sorted(state["timed_out"])]
    status = "ok" if not stopped else (", ".join(stopped) + f" ran longer than {cell_timeout:g} s and was stopped")
    result.write_text(json.dumps({"fatal": fatal, "status": status, "checks": verdicts}), encoding="utf-8")


if __name__ == "__main__":
    run(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]))
