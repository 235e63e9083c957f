"""hooklab benchmarks: ``make bench`` (or ``python benchmarks/run.py [--quick]``).

The targets of the design (section 5, "Targets"), each measured beside its baseline in the
same run, because a shared 2-core machine is noisy:

- the receiver route (verify, dedup, persist, 202) against a bare Flask endpoint served
  by the same ``ServiceServer``, and the same again with the handlers routing to CRM and
  email in the background as in the stack; the load comes from another process with the
  same keep-alive client for all three, and their order rotates from round to round;
- stack start+stop, median of 30, and the threads and open files of the process
  before and after the 30 cycles (psutil);
- "Run All" of every lesson (``notebooks/*.ipynb``): a fresh Python and kernel each;
- peak memory of a process that starts the stack and imports 10,000 events, beside
  one that only imports the same libraries;
- a 10,000-event import on the real clock (reported, no target);
- grading a class of 30 submissions with ``--jobs 2``.

A full run prints a Markdown table and writes benchmarks/results.json (committed: the
record of the last full run). ``--quick`` runs everything smaller and writes nothing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent


# -- load generator: a child process, so it does not share the server's GIL

def _client(url: str, bodies: list[tuple[dict, bytes]], threads: int, out: "mp.Queue") -> None:
    """POST ``bodies`` to ``url`` from ``threads`` threads, one keep-alive connection each."""
    from urllib.parse import urlsplit

    where = urlsplit(url)
    chunks = [bodies[i::threads] for i in range(threads)]
    done, errors = [0] * threads, []
    go = threading.Barrier(threads + 1)

    def work(i: int) -> None:
        conn = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
        go.wait()
        try:
            for headers, body in chunks[i]:
                conn.request("POST", where.path, body=body, headers=headers)  # sign_headers gives the content-type
                answer = conn.getresponse()
                text = answer.read()
                if answer.status != 202:
                    errors.append((answer.status, text[:200]))
                    return
                done[i] += 1
        finally:
            conn.close()

    ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    go.wait()
    t0 = time.perf_counter()
    for t in ts:
        t.join()
    out.put((sum(done), time.perf_counter() - t0, errors[:3]))


def _load(url: str, bodies: list, threads: int = 4) -> float:
    """Requests per second that ``url`` sustained for ``bodies``."""
    ctx = mp.get_context("spawn")  # a clean interpreter: no copy of the stack's threads and locks
    q = ctx.Queue()
    p = ctx.Process(target=_client, args=(url, bodies, threads, q))
    p.start()
    n, seconds, errors = q.get(timeout=600)
    p.join()
    assert not errors and n == len(bodies), f"{url}: {n} of {len(bodies)} accepted; {errors}"
    return n / seconds


def _signed_bodies(stack, n: int, tag: str) -> list[tuple[dict, bytes]]:
    from hooklab import catalog, signing

    out, now = [], int(time.time())
    for i in range(n):
        data = stack.sources.factory.data("newsletter.subscribed", email=f"{tag}{i}@example.com")
        body = json.dumps(catalog.envelope("newsletter.subscribed", data, now)).encode()
        out.append((signing.sign_headers(stack.secret, f"msg_{tag}{i}", now, body), body))
    return out


def bench_receiver(n: int, rounds: int) -> dict:
    """Requests/s of a bare Flask endpoint and of the stack's receiver, in rotating order each round.

    All run in this process on ``ServiceServer`` (waitress), loaded by the same client.
    ``route``: the receiver's route alone (verify, dedup, persist, 202), its handlers paused
    during the burst, as the target is stated. ``receiver``: the same with the handlers
    running, as in the stack: during each burst they call the CRM and the email platform
    (three requests per event, same process). Every backlog drains before the next burst.
    """
    from flask import Flask

    import hooklab
    from hooklab.services.serving import ServiceServer

    bare_app = Flask("bare")

    @bare_app.post("/webhooks")
    def bare():
        return {"status": "accepted"}, 202

    kinds = ["bare", "route", "receiver"]
    rates: dict[str, list[float]] = {k: [] for k in kinds}
    with hooklab.start(seed=1) as stack, ServiceServer("bare", bare_app) as bare_server:
        for r in range(rounds):
            for kind in kinds[r % 3:] + kinds[:r % 3]:  # rotating: a drifting host favours none
                url = (bare_server.url if kind == "bare" else stack.urls["receiver"]) + "/webhooks"
                if kind == "route":
                    stack.receiver.pause()
                rates[kind].append(_load(url, _signed_bodies(stack, n, f"{kind[:2]}{r}x")))
                stack.receiver.resume()
                stack.wait(timeout=600)
        contacts = len(stack.crm.contacts())
        assert contacts == 2 * n * rounds, f"{contacts} of {2 * n * rounds} accepted webhooks reached the CRM"

    def ratios(kind: str) -> list[float]:
        return [a / b for a, b in zip(rates[kind], rates["bare"])]

    return {**{f"{k}_rps": round(statistics.median(v)) for k, v in rates.items()},
            "route_ratio": round(statistics.median(ratios("route")), 3),
            "route_ratios": [round(x, 2) for x in ratios("route")],
            "receiver_ratio": round(statistics.median(ratios("receiver")), 3),
            "receiver_ratios": [round(x, 2) for x in ratios("receiver")],
            "rounds": rounds, "requests_per_round": n, "client": "4 threads, http.client keep-alive, another process"}


def bench_start_stop(runs: int = 30) -> dict:
    """``hooklab.start(seed=i).stop()`` ``runs`` times; the process's threads and open fds before and after."""
    import psutil

    import hooklab

    me = psutil.Process()
    threads0, fds0 = me.num_threads(), me.num_fds()
    times = []
    for i in range(runs):
        t0 = time.perf_counter()
        hooklab.start(seed=i).stop()
        times.append(time.perf_counter() - t0)
    threads1, fds1 = me.num_threads(), me.num_fds()
    return {"median_ms": round(statistics.median(times) * 1000, 1), "max_ms": round(max(times) * 1000, 1),
            "runs": runs, "threads_before": threads0, "threads_after": threads1, "fds_before": fds0,
            "fds_after": fds1, "threads_leaked": threads1 - threads0, "fds_leaked": fds1 - fds0}


def _import(n: int, batch_size: int = 1) -> float:
    """Seconds for ``stack.fire_many(...)`` of ``n`` signups and ``stack.wait()``; every one reaches the CRM."""
    import hooklab

    with hooklab.start(seed=1) as stack:
        stack.receiver.batch_size = batch_size
        t0 = time.perf_counter()
        stack.fire_many("newsletter.subscribed", n)
        stack.wait(timeout=600)
        elapsed = time.perf_counter() - t0
        contacts = len(stack.crm.contacts())
        assert contacts == n and stack.reconcile().empty, f"{contacts} of {n} reached the CRM"
    return elapsed


def bench_import(n: int) -> dict:
    """The import with the defaults (the figure), then with lesson 12's batching, as the old target ran it."""
    seconds, batched = _import(n), _import(n, batch_size=100)
    return {"events": n, "seconds": round(seconds, 1), "events_per_s": round(n / seconds),
            "batched_seconds": round(batched, 1), "batch_size": 100}


_MEMORY_CHILD = """
import sys
import flask, waitress, requests, faker, jsonschema, fastjsonschema, pandas, matplotlib
if sys.argv[1] == "stack":
    import hooklab
    stack = hooklab.start(seed=1)
    stack.fire_many("newsletter.subscribed", int(sys.argv[2]))
    stack.wait(timeout=600)
    stack.stop()
# VmHWM: this process's own peak. ru_maxrss is not: Linux carries the parent's peak into a child
# started with vfork+exec (as subprocess does).
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""


def bench_memory(events: int) -> dict:
    def peak(mode: str) -> float:
        out = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, mode, str(events)], capture_output=True,
                             text=True, check=True)
        return int(out.stdout.strip()) / 1024  # kB -> MiB

    base, stack = peak("imports"), peak("stack")
    return {"imports_only_mb": round(base, 1), "stack_mb": round(stack, 1), "events": events}


def bench_run_all(limit: int | None = None) -> dict:
    """Wall time of ``python -m hooklab.course.labs --execute`` on a copy of each lesson."""
    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "notebooks", Path(tmp) / "notebooks")
        for path in sorted((Path(tmp) / "notebooks").glob("*.ipynb"))[:limit]:
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "hooklab.course.labs", "--execute", str(path)], check=True,
                           capture_output=True)
            times[path.stem] = round(time.perf_counter() - t0, 1)
    return {"seconds": times, "slowest": max(times, key=times.get), "over_20_s": [k for k, v in times.items() if v >= 20]}


def bench_grading(students: int = 30, jobs: int = 2) -> dict:
    """A class of ``students``, one submission each (lab 00 or lab 08): right, untouched or half done."""
    import nbformat

    from hooklab.course import grading, labs

    picks = ("00_lab_warmup", "08_lab_errors")
    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp) / "submissions"
        for i in range(students):
            lab, folder = picks[i % 2], subs / f"s{i:02d}"
            folder.mkdir(parents=True)
            if i % 3 == 0:
                shutil.copy(ROOT / "labs" / f"{lab}.ipynb", folder / f"{lab}.ipynb")
            else:
                nb = nbformat.read(ROOT / "solutions" / f"{lab}.ipynb", as_version=4)
                if i % 3 == 2:  # half done: the second half of the answers are stubs again
                    stub = labs.generate(ROOT / "solutions" / f"{lab}.ipynb")
                    answers = [k for k, c in enumerate(nb.cells) if labs.meta(c, "answer")]
                    for k in answers[len(answers) // 2:]:
                        nb.cells[k] = stub.cells[k]
                nbformat.write(nb, folder / f"{lab}.ipynb")
        t0 = time.perf_counter()
        df = grading.grade(subs, Path(tmp) / "grades.csv", timeout=120, jobs=jobs, progress=False)
        elapsed = time.perf_counter() - t0
    graded = df[df["status"] != "missing file"]  # each student hands in one of the two labs
    assert len(graded) == students and (graded["status"] == "ok").all(), df["status"].value_counts()
    return {"submissions": len(graded), "jobs": jobs, "seconds": round(elapsed, 1)}


def _uptime() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def table(results: dict) -> str:
    r, s, a, m, i, g = (results[k] for k in ("receiver", "start_stop", "run_all", "memory", "import", "grading"))
    ok = lambda met: "yes" if met else "**no**"  # noqa: E731
    slowest = a["seconds"][a["slowest"]]
    leaks = s["threads_leaked"] == 0 and s["fds_leaked"] == 0
    return f"""
| what | measured | baseline (same run) | target | met |
|---|---|---|---|---|
| receiver route alone (handlers paused), req/s, median of {r['rounds']} rotating rounds of {r['requests_per_round']:,} | {r['route_rps']:,} | bare Flask endpoint {r['bare_rps']:,} | >= 0.7x: **{r['route_ratio']}x** (rounds {', '.join(map(str, r['route_ratios']))}) | {ok(r['route_ratio'] >= 0.7)} |
| the same with the handlers running in the same process | {r['receiver_rps']:,} | same | report: {r['receiver_ratio']}x (rounds {', '.join(map(str, r['receiver_ratios']))}) | — |
| start+stop, median of {s['runs']} (max) | {s['median_ms']} ms ({s['max_ms']} ms) | — | < 100 ms | {ok(s['median_ms'] < 100)} |
| threads / open fds leaked by {s['runs']} start+stop | {s['threads_leaked']} / {s['fds_leaked']} (threads {s['threads_before']} → {s['threads_after']}, fds {s['fds_before']} → {s['fds_after']}) | — | 0 / 0 | {ok(leaks)} |
| "Run All", slowest of {len(a['seconds'])} lessons | {a['slowest']}: {slowest} s | — | < 20 s each | {ok(not a['over_20_s'])} |
| peak memory (VmHWM), stack + {m['events']:,} events | {m['stack_mb']} MB | imports only {m['imports_only_mb']} MB | < 250 MB | {ok(m['stack_mb'] < 250)} |
| {i['events']:,}-event import (`fire_many`, `wait`), real clock, defaults | {i['seconds']} s ({i['events_per_s']:,}/s) | — | report | — |
| the same with `receiver.batch_size = {i['batch_size']}` | {i['batched_seconds']} s | — | report | — |
| grading {g['submissions']} submissions, `--jobs {g['jobs']}` | {g['seconds']} s | — | < 120 s | {ok(g['seconds'] < 120)} |

{results['machine']}; load average (1, 5, 15 min) before {results['load_before']}, after {results['load_after']}

| lesson | Run All, s |
|---|---|
""" + "\n".join(f"| {name} | {sec} |" for name, sec in a["seconds"].items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller runs, two lessons, no results.json")
    q = parser.parse_args().quick
    results: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                     "load_before": _uptime()}
    steps = [("start_stop", lambda: bench_start_stop(10 if q else 30)),
             ("receiver", lambda: bench_receiver(n=300 if q else 2000, rounds=2 if q else 5)),
             ("import", lambda: bench_import(1000 if q else 10_000)),
             ("memory", lambda: bench_memory(1000 if q else 10_000)),
             ("run_all", lambda: bench_run_all(2 if q else None)),
             ("grading", lambda: bench_grading(6 if q else 30))]
    for name, step in steps:
        print(f"{name}...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        results[name] = step()
        print(f"  {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    results["load_after"] = _uptime()
    if not q:
        (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
