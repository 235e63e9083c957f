"""hooklab benchmarks: ``make bench`` (or ``python benchmarks/run.py [--quick]``).

Every figure is measured beside a baseline in the same run, and reported as a
ratio, because a shared 2-core machine is noisy:

- receiver throughput (verify + dedup + persist + queue, with the handlers
  routing to CRM/email in the background) against a bare Flask endpoint on the
  same server class; requests come from another process, rounds alternate;
- stack start+stop, median of 30;
- 10,000 events from source to CRM, with the receiver's handlers batching their
  calls (lesson 12's ``batch_size``) and one event at a time (the default),
  against 40,000 bare HTTP round trips (the four hops an event makes one at a
  time, without the work), with the CPU each part spent; and the import again
  with the stack's threads spread over every core instead of sharing one;
- peak memory of a process running the stack, against one that only imports
  the same libraries;
- "Run All" of every lesson and solution: a fresh Python and kernel, every cell;
- grading a class of 30 submissions with ``--jobs``.

Results are printed as a Markdown table and written to benchmarks/results.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).parent


# -- load generator: runs in a child process, so it does not share the server's GIL

def _client(url: str, bodies: list[tuple[dict, bytes]], threads: int, out: "mp.Queue") -> None:
    from hooklab.connections import Connections

    chunks = [bodies[i::threads] for i in range(threads)]
    done = [0] * threads
    http = Connections(timeout=30)  # keep-alive, and cheap: the client must not be the bottleneck

    def work(i: int) -> None:
        for headers, body in chunks[i]:
            r = http.request("POST", url, body=body, headers=headers)
            assert r.status < 300, (r.status, r.text)
            done[i] += 1

    ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    t0 = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    http.close()
    out.put((sum(done), time.perf_counter() - t0))


def _load(url: str, bodies: list, threads: int = 4) -> float:
    """Requests per second that ``url`` sustained for ``bodies``."""
    q: mp.Queue = mp.get_context("fork").Queue()
    p = mp.get_context("fork").Process(target=_client, args=(url, bodies, threads, q))
    p.start()
    n, seconds = q.get(timeout=600)
    p.join()
    return n / seconds


def _signed_bodies(stack, n: int, tag: str) -> list[tuple[dict, bytes]]:
    from hooklab import catalog, signing

    out = []
    now = int(time.time())
    for i in range(n):
        data = stack.sources.factory.data("newsletter.subscribed", email=f"{tag}{i}@example.com")
        body = json.dumps(catalog.envelope("newsletter.subscribed", data, now)).encode()
        out.append((signing.sign_headers(stack.secret, f"msg_{tag}{i}", now, body), body))
    return out


def bench_receiver(n: int, rounds: int) -> dict:
    """Requests/s of the receiver against bare endpoints, rounds alternating.

    Two receiver figures: the acknowledge path alone (handlers paused during the
    burst, the backlog drained afterwards: what acknowledge-then-queue buys), and
    with the handlers routing to CRM and email at the same time, in the same
    process (each event then costs three more HTTP calls). Two baselines: a bare
    Flask endpoint (the target's), and a bare WSGI function, the server's floor
    (the receiver's acknowledge path skips Flask, so it can beat the first).
    """
    import hooklab
    from flask import Flask, jsonify

    from hooklab import affinity
    from hooklab.services.server import ServiceServer

    bare_app = Flask("bare")

    @bare_app.post("/webhooks")
    def bare():
        return jsonify(status="accepted"), 202

    def bare_wsgi(environ, start_response):
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        start_response("202 Accepted", [("Content-Type", "application/json"), ("Content-Length", "21")])
        return [b'{"status":"accepted"}']

    rates: dict[str, list[float]] = {"bare": [], "wsgi": [], "ack": [], "routed": []}
    stack = hooklab.start(seed=1)
    with affinity.on(stack._core):  # the baselines' server threads share the stack's core
        bare_server, wsgi_server = ServiceServer("bare", bare_app), ServiceServer("wsgi", bare_wsgi)
    with stack, bare_server, wsgi_server:
        url = stack.urls["receiver"] + "/webhooks"
        for r in range(rounds):
            rates["bare"].append(_load(bare_server.url + "/webhooks", _signed_bodies(stack, n, f"b{r}x")))
            rates["wsgi"].append(_load(wsgi_server.url + "/webhooks", _signed_bodies(stack, n, f"w{r}x")))
            stack.receiver.pause()
            rates["ack"].append(_load(url, _signed_bodies(stack, n, f"a{r}x")))
            stack.receiver.resume()
            stack.wait(timeout=300)
            rates["routed"].append(_load(url, _signed_bodies(stack, n, f"r{r}x")))
            stack.wait(timeout=300)
        assert len(stack.crm.contacts()) == 2 * n * rounds, "every accepted webhook must reach the CRM"

    def ratio(k: str, base: str) -> float:
        return round(statistics.median(a / b for a, b in zip(rates[k], rates[base])), 3)

    return {**{f"{k}_rps": round(statistics.median(v)) for k, v in rates.items()},
            "ack_ratio": ratio("ack", "bare"), "routed_ratio": ratio("routed", "bare"),
            "ack_ratio_to_wsgi": ratio("ack", "wsgi"), "rounds": rounds, "requests_per_round": n}


def bench_start_stop(runs: int = 30) -> dict:
    import hooklab

    times = []
    for i in range(runs):
        t0 = time.perf_counter()
        hooklab.start(seed=i).stop()
        times.append(time.perf_counter() - t0)
    return {"median_ms": round(statistics.median(times) * 1000, 1), "max_ms": round(max(times) * 1000, 1),
            "runs": runs}


#: HTTP round trips one event makes one at a time: sender -> receiver, then the handler's CRM contact,
#: email member and CRM timeline calls (batching shares the last three among up to 100 events).
HOPS_PER_EVENT = 4


def _thread_cpu() -> dict[int, float]:
    """CPU seconds (user + system) of each live thread of this process, by native id (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for t in threading.enumerate():
        try:
            fields = Path(f"/proc/self/task/{t.native_id}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[t.native_id] = (int(fields[11]) + int(fields[12])) / tick
    return out


def _cpu_by_part(stack, before: dict[int, float], n: int) -> dict[str, float]:
    """Milliseconds of CPU per event spent by each part of the stack (its threads)."""
    ports = {server.port: name for name, server in stack._servers.items()}
    after, parts = _thread_cpu(), {}
    for t in threading.enumerate():
        if t.native_id not in after:
            continue
        name = t.name
        if name.startswith("hooklab-conn-"):  # a server's connection thread: the service's own work
            name = f"{ports.get(int(name.rsplit('-', 1)[1]), 'other')} server"
        elif name.startswith("hooklab-"):  # queue workers: the dispatcher's attempts, the receiver's handlers
            name = {"dispatcher": "dispatcher (sending)", "receiver": "receiver handlers (calling CRM, email)"}.get(
                name.split("-")[1], name)
        elif name == "MainThread":
            name = "source (fake data, the truth, queueing)"
        parts[name] = parts.get(name, 0.0) + after[t.native_id] - before.get(t.native_id, 0.0)
    return {k: round(v / n * 1000, 2) for k, v in sorted(parts.items(), key=lambda kv: -kv[1]) if v > 0}


def _pipeline(n: int, batch_size: int, bulk: bool, one_core: bool = True) -> dict:
    """``n`` newsletter signups, as an import (``fire_many``) or a ``fire()`` loop, until each is in the CRM.

    ``one_core=False``: the stack's threads spread over every core (``HOOKLAB_ONE_CORE=0``).
    """
    from unittest import mock

    import hooklab

    with mock.patch.dict(os.environ, {"HOOKLAB_ONE_CORE": "1" if one_core else "0"}):
        stack = hooklab.start(seed=1)  # the stack picks its core, or none, as it starts
    with stack:
        stack.receiver.batch_size = batch_size
        before = _thread_cpu()
        t0 = time.perf_counter()
        if bulk:
            stack.fire_many("newsletter.subscribed", n)
        else:
            for _ in range(n):
                stack.fire("newsletter.subscribed")
        stack.wait(timeout=600)
        elapsed = time.perf_counter() - t0
        parts = _cpu_by_part(stack, before, n)
        contacts = len(stack.crm.contacts())
        assert contacts == n and stack.reconcile().empty, f"{contacts} of {n} reached the CRM"
    return {"seconds": round(elapsed, 2), "events_per_s": round(n / elapsed), "cpu_ms_per_event": parts}


def _bare_round_trips(count: int) -> float:
    """Seconds for ``count`` POSTs to a bare Flask endpoint on the same server, with the stack's client."""
    from flask import Flask

    from hooklab import affinity
    from hooklab.connections import Connections
    from hooklab.services.server import ServiceServer

    app = Flask("bare")
    app.add_url_rule("/x", "x", lambda: "ok", methods=["POST"])
    with affinity.on(affinity.choose()), ServiceServer("bare", app) as srv:  # on one core, as a stack runs
        http = Connections(timeout=30)
        t0 = time.perf_counter()
        for _ in range(count):
            http.request("POST", srv.url + "/x", body=b"{}")
        elapsed = time.perf_counter() - t0
        http.close()
    return elapsed


def bench_end_to_end(n: int, rounds: int = 3) -> dict:
    """The import ``rounds`` times, each beside its floor (as many bare round trips as the events make hops)
    and beside the same import with the stack's threads spread over every core; then a ``fire()`` loop and
    the defaults once."""
    runs = []
    for _ in range(rounds):
        bare = _bare_round_trips(n * HOPS_PER_EVENT)
        imported = _pipeline(n, batch_size=100, bulk=True)  # an import, handlers batching (lesson 12)
        spread = _pipeline(n, batch_size=100, bulk=True, one_core=False)
        runs.append((bare, imported, spread))
    runs.sort(key=lambda run: run[1]["seconds"])
    bare, imported, spread = runs[len(runs) // 2]  # the median round
    loop = _pipeline(n, batch_size=100, bulk=False)  # one fire() call per event
    one_by_one = _pipeline(n, batch_size=1, bulk=False)  # the defaults: fire() and three handler calls per event
    return {"events": n, "rounds": rounds, "seconds": imported["seconds"], "events_per_s": imported["events_per_s"],
            "all_seconds": [p["seconds"] for _, p, _ in runs],
            "all_ratios": [round(p["seconds"] / b, 2) for b, p, _ in runs],
            "all_spread_seconds": [s["seconds"] for _, _, s in runs],
            "one_core_speedups": [round(s["seconds"] / p["seconds"], 2) for _, p, s in runs],
            "batch_size": 100, "fire_loop_seconds": loop["seconds"], "one_by_one_seconds": one_by_one["seconds"],
            "bare_round_trips": n * HOPS_PER_EVENT, "bare_round_trips_s": round(bare, 2),
            "ratio_to_bare": round(imported["seconds"] / bare, 2),
            "cpu_ms_per_event": imported["cpu_ms_per_event"],
            "spread_cpu_ms_per_event": spread["cpu_ms_per_event"],
            "fire_loop_cpu_ms_per_event": loop["cpu_ms_per_event"],
            "one_by_one_cpu_ms_per_event": one_by_one["cpu_ms_per_event"]}


_MEMORY_CHILD = """
import sys
import pandas, flask, requests, faker, jsonschema, matplotlib
if sys.argv[1] == "stack":
    import hooklab
    stack = hooklab.start(seed=1)
    for _ in range(int(sys.argv[2])):
        stack.fire("newsletter.subscribed")
    stack.wait(timeout=300)
    stack.crm.contacts(); stack.deliveries(); stack.reconcile()
    stack.stop()
# VmHWM: this process's own peak. ru_maxrss is not: Linux carries the parent's peak into a child
# started with vfork+exec (as subprocess does), so a big benchmark process inflated both figures.
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""


def bench_memory(events: int) -> dict:
    def peak(mode: str) -> float:
        out = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, mode, str(events)], capture_output=True,
                             text=True, check=True)
        return int(out.stdout.strip()) / 1024  # kB -> MiB

    base, stack = peak("imports"), peak("stack")
    return {"imports_only_mb": round(base, 1), "stack_mb": round(stack, 1), "events": events,
            "ratio": round(stack / base, 2)}


def bench_run_all(folders: tuple[str, ...] = ("notebooks", "solutions")) -> dict:
    """Wall time of ``python -m hooklab.course.labs --execute`` on a copy of each notebook."""
    import shutil
    import tempfile

    root, times = HERE.parent, {}
    with tempfile.TemporaryDirectory() as tmp:
        for folder in folders:
            shutil.copytree(root / folder, Path(tmp) / folder)
        for path in sorted(p for folder in folders for p in (Path(tmp) / folder).glob("*.ipynb")):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "hooklab.course.labs", "--execute", str(path)], check=True,
                           capture_output=True)
            times[f"{path.parent.name}/{path.stem}"] = round(time.perf_counter() - t0, 1)
    return {"seconds": times, "slowest": max(times, key=times.get), "over_20_s": [k for k, v in times.items() if v > 20]}


def bench_grading(students: int = 30, jobs: int = 2) -> dict:
    """A class of ``students``, one submission each (lab 00 or lab 08): right, untouched or half done."""
    import shutil
    import tempfile

    import nbformat

    from hooklab.course import grading, labs

    root = HERE.parent
    picks = ("00_lab_warmup", "08_lab_errors")
    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp) / "submissions"
        for i in range(students):
            lab, folder = picks[i % 2], subs / f"s{i:02d}"
            folder.mkdir(parents=True)
            if i % 3 == 0:
                shutil.copy(root / "labs" / f"{lab}.ipynb", folder / f"{lab}.ipynb")
            else:
                nb = nbformat.read(root / "solutions" / f"{lab}.ipynb", as_version=4)
                if i % 3 == 2:  # half done: the second half of the answers are stubs again
                    stub = labs.generate(root / "solutions" / f"{lab}.ipynb")
                    answers = [k for k, c in enumerate(nb.cells) if labs.meta(c, "answer")]
                    for k in answers[len(answers) // 2:]:
                        nb.cells[k] = stub.cells[k]
                nbformat.write(nb, folder / f"{lab}.ipynb")
        t0 = time.perf_counter()
        df = grading.grade(subs, Path(tmp) / "grades.csv", timeout=120, jobs=jobs, progress=False)
        elapsed = time.perf_counter() - t0
    graded = df[df["status"] != "missing file"]  # each student hands in one of the two labs
    assert len(graded) == students and (graded["status"] == "ok").all(), df["status"].value_counts()
    return {"submissions": len(graded), "jobs": jobs, "seconds": round(elapsed, 1),
            "per_submission_s": round(elapsed * jobs / len(graded), 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller runs (a smoke test of the benchmarks)")
    parser.add_argument("--only", choices=("course", "receiver"),
                        help="course: only Run All and grading; receiver: only receiver throughput")
    args = parser.parse_args()
    q = args.quick
    results = {"machine": f"{platform.machine()}, {mp.cpu_count()} cores, Python {platform.python_version()}"}
    if args.only == "receiver":
        results["receiver"] = r = bench_receiver(n=300 if q else 2000, rounds=2 if q else 5)
        (HERE / "results-receiver.json").write_text(json.dumps(results, indent=2) + "\n")
        print(f"receiver: acknowledge path {r['ack_rps']} req/s, bare Flask {r['bare_rps']} req/s: "
              f"{r['ack_ratio']}x (median of {r['rounds']} alternating rounds); routing {r['routed_ratio']}x; "
              f"bare WSGI {r['wsgi_rps']} req/s: {r['ack_ratio_to_wsgi']}x")
        return 0
    if args.only != "course":
        _stack_benchmarks(results, q)
    print("run all...", file=sys.stderr)
    results["run_all"] = bench_run_all(("notebooks",) if q else ("notebooks", "solutions"))
    print("grading...", file=sys.stderr)
    results["grading"] = bench_grading(6 if q else 30)
    (HERE / ("results-course.json" if args.only == "course" else "results.json")).write_text(json.dumps(results, indent=2) + "\n")
    if args.only != "course":
        _print_stack_table(results)
    g = results["grading"]
    print(f"\ngrading {g['submissions']} submissions, --jobs {g['jobs']}: {g['seconds']} s (target < 120 s)\n")
    print("| notebook | Run All, s |\n|---|---|")
    for name, seconds in results["run_all"]["seconds"].items():
        print(f"| {name} | {seconds} |")
    return 0


def _stack_benchmarks(results: dict, q: bool) -> None:
    print("receiver throughput...", file=sys.stderr)
    results["receiver"] = bench_receiver(n=300 if q else 2000, rounds=2 if q else 5)
    print("start+stop...", file=sys.stderr)
    results["start_stop"] = bench_start_stop(10 if q else 30)
    print("end to end...", file=sys.stderr)
    results["end_to_end"] = bench_end_to_end(1000 if q else 10_000)
    print("memory...", file=sys.stderr)
    results["memory"] = bench_memory(1000 if q else 10_000)


def _print_stack_table(results: dict) -> None:
    r, s, e, m = results["receiver"], results["start_stop"], results["end_to_end"], results["memory"]
    print(f"""
| benchmark | hooklab | baseline (same run) | ratio | target |
|---|---|---|---|---|
| receiver, acknowledge path, req/s | {r['ack_rps']} | bare Flask {r['bare_rps']} | {r['ack_ratio']}x | >= 0.8x |
| receiver, routing at the same time, req/s | {r['routed_rps']} | bare Flask {r['bare_rps']} | {r['routed_ratio']}x | — |
| receiver, acknowledge path, against the server's floor | {r['ack_rps']} | bare WSGI {r['wsgi_rps']} | {r['ack_ratio_to_wsgi']}x | — |
| start+stop, median of {s['runs']} | {s['median_ms']} ms | — | — | < 50 ms |
| {e['events']:,} events source → CRM: an import (`fire_many`), handlers batching ({e['batch_size']}), median of {e['rounds']} | {e['seconds']} s ({e['events_per_s']}/s); all: {', '.join(map(str, e['all_seconds']))} s | {e['bare_round_trips']:,} bare round trips {e['bare_round_trips_s']} s | {e['ratio_to_bare']}x; all: {', '.join(map(str, e['all_ratios']))} | < 15 s |
| the same import, the stack's threads spread over every core | {', '.join(map(str, e['all_spread_seconds']))} s | the import on one core, same round | {', '.join(map(str, e['one_core_speedups']))}x slower | — |
| the same from a `fire()` loop | {e['fire_loop_seconds']} s | — | — | — |
| a `fire()` loop, handlers one event at a time (the defaults) | {e['one_by_one_seconds']} s | — | — | — |
| peak memory, {m['events']:,} events | {m['stack_mb']} MB | imports only {m['imports_only_mb']} MB | {m['ratio']}x | < 250 MB |

{results['machine']}

CPU per event, by part (ms), import: {', '.join(f'{k} {v}' for k, v in e['cpu_ms_per_event'].items())}
import, spread over every core: {', '.join(f'{k} {v}' for k, v in e['spread_cpu_ms_per_event'].items())}
fire() loop: {', '.join(f'{k} {v}' for k, v in e['fire_loop_cpu_ms_per_event'].items())}
defaults: {', '.join(f'{k} {v}' for k, v in e['one_by_one_cpu_ms_per_event'].items())}""")


if __name__ == "__main__":
    sys.exit(main())
