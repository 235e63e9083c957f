"""The webhook sender: subscriptions, fan-out, signed attempts, retries, dead letters.

Every event becomes one *message*; each subscription whose filter matches gets a
*delivery* of it, and each try of a delivery is an *attempt*, logged with its
times, status and latency. The deliveries table is the durable queue: a stack
started again on the same data folder resumes what was pending.
"""

from __future__ import annotations

import ipaddress
import itertools
import json
import logging
import math
import numbers
import random
import socket
import threading
import time
from typing import Callable
from urllib.parse import urlsplit

import pandas as pd
import requests

from ..clock import Clock
from ..errors import ConfigError, StackError
from ..faults import Faults
from ..signing import generate_secret, sign_headers
from ..store import Store, to_frame
from ..wire import Sessions, error_kind
from .queue import JobQueue
from .retry import DEFAULT_SCHEDULE, classify, next_delay, parse_retry_after

__all__ = ["Dispatcher", "SCHEMA", "secret_of", "made"]

log = logging.getLogger("hooklab.dispatcher")

SCHEMA = """
CREATE TABLE IF NOT EXISTS subscriptions (
    id TEXT PRIMARY KEY, name TEXT, url TEXT NOT NULL, secret TEXT NOT NULL,
    types TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1, disabled_reason TEXT,
    created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY, type TEXT NOT NULL, body TEXT NOT NULL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (
    message_id TEXT NOT NULL, subscription_id TEXT NOT NULL,
    status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL,
    trigger TEXT NOT NULL DEFAULT 'event', updated_at REAL NOT NULL,
    PRIMARY KEY (message_id, subscription_id));
CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries (status);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY, message_id TEXT NOT NULL, subscription_id TEXT NOT NULL,
    attempt INTEGER NOT NULL, trigger TEXT NOT NULL, scheduled_at REAL, sent_at REAL NOT NULL,
    finished_at REAL NOT NULL, status_code INTEGER, error TEXT, latency_ms REAL NOT NULL,
    outcome TEXT NOT NULL, request_headers TEXT NOT NULL, response_body TEXT);
CREATE INDEX IF NOT EXISTS attempts_message ON attempts (message_id);
"""

#: Bytes of an endpoint's answer that are read (and the first 2,000 of them logged).
_MAX_ANSWER = 64 * 1024

#: Tables round times to the millisecond (``store.to_frame``); ``recover()`` reads them that way.
_HALF_MS = 0.0005

#: Delivery states. ``failed``: refused for good (4xx); ``dead``: retries ran out.
FINAL = ("delivered", "failed", "dead", "disabled")


# A stack restarted on the same data folder reads these before its Dispatcher exists: the
# secret goes to the receiver, and the counts into the seed the new Dispatcher draws ids from.

def secret_of(store: Store, sub_id: str) -> str | None:
    """The signing secret of subscription ``sub_id`` in ``store``, or None if there is none."""
    return store.scalar("SELECT secret FROM subscriptions WHERE id=?", (sub_id,))


def made(store: Store) -> tuple[int, int]:
    """How many messages and subscriptions ``store`` holds: what earlier runs made."""
    row = store.one("SELECT (SELECT count(*) FROM messages) AS m, (SELECT count(*) FROM subscriptions) AS s")
    return row["m"], row["s"]


#: What :meth:`Dispatcher.use_policy` stores: (should_retry, delay, max_attempts), None for built-in.
_Policy = tuple[Callable[[int | None], bool] | None, Callable[[int, random.Random], float] | None, int | None]


def _is_bool(value: object) -> bool:
    return isinstance(value, bool) or type(value).__name__ == "bool_"  # numpy's bool too


def _is_seconds(value: object) -> bool:
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and math.isfinite(value) and value >= 0)


def _ask(role: str, fn: Callable, args: tuple, valid: Callable[[object], bool], want: str,
         instead: str) -> tuple[object, str | None]:
    """Call a learner's policy function; its answer, or None and what went wrong."""
    name = f"your {role}()"
    try:
        answer = fn(*args)
    except Exception as e:  # noqa: BLE001 - a learner's bug must not stop the sender's worker
        log.info("%s raised %r", name, e)
        return None, f"{name} raised {type(e).__name__}: {e} ({instead})"
    if not valid(answer):
        return None, f"{name} returned {answer!r}, not {want} ({instead})"
    return answer, None


class Dispatcher:
    """Sends signed webhooks to subscriptions and retries them on a schedule."""

    def __init__(self, store: Store, clock: Clock, faults: Faults, *, seed: int | None = None,
                 sequence: "itertools.count[int] | None" = None, timeout: float = 5.0,
                 schedule: tuple[float, ...] = DEFAULT_SCHEDULE, jitter: float = 0.2,
                 workers: int = 4, service_of: Callable[[str], str | None] = lambda url: None,
                 on_alert: Callable[[str, str], None] | None = None,
                 allow_private: bool = False) -> None:
        if timeout <= 0:
            raise ConfigError(f"timeout must be a positive number of seconds, not {timeout!r}")
        self.store, self.clock, self.faults = store, clock, faults
        self.timeout, self.schedule, self.jitter = timeout, tuple(schedule), jitter
        self.allow_private = allow_private
        self._service_of = service_of
        self._on_alert = on_alert
        self._rng = random.Random(f"{seed}:dispatcher") if seed is not None else random.Random()
        self._rng_lock = threading.Lock()
        self._policy: _Policy = (None, None, None)  # use_policy(): (should_retry, delay, max_attempts)
        # One requests.Session per worker thread; the faults of the service a URL belongs to apply.
        self._http = Sessions(headers={"User-Agent": "hooklab-dispatcher/0.1"}, faults=faults,
                              service_of=service_of)
        store.execute("SELECT 1")  # fail early if the store is closed
        self.queue = JobQueue("dispatcher", clock, self._attempt, sequence or itertools.count(),
                              workers=workers)
        for row in store.all("SELECT message_id, subscription_id, next_attempt_at FROM deliveries "
                             "WHERE status IN ('pending', 'retrying') ORDER BY next_attempt_at"):
            self.queue.push(row["next_attempt_at"], (row["message_id"], row["subscription_id"]))

    # -- subscriptions --------------------------------------------------------

    def subscribe(self, url: str, *, secret: str | None = None, types: str | list[str] = "*",
                  name: str | None = None, sub_id: str | None = None) -> dict:
        """Add an endpoint; ``types`` is ``"*"`` or a list of event types (``"order.*"`` ok)."""
        self.check_url(url)
        if isinstance(types, str):
            types = [types]
        if not types or not all(isinstance(t, str) and t for t in types):
            raise ConfigError(f"types must be '*' or a list of event types, not {types!r}")
        with self._rng_lock:
            sub_id = sub_id or "sub_" + "".join(self._rng.choices("0123456789abcdefghjkmnpqrstvwxyz", k=16))
            secret = secret or generate_secret(self._rng)
        self.store.execute(
            "INSERT INTO subscriptions (id, name, url, secret, types, created_at) VALUES (?,?,?,?,?,?)",
            (sub_id, name or sub_id, url, secret, json.dumps(types), self.clock.now()))
        return {"id": sub_id, "name": name or sub_id, "url": url, "types": types, "secret": secret}

    def check_url(self, url: str) -> None:
        """Refuse what a webhook sender must not call: non-HTTP, private and link-local hosts.

        A sender that posts wherever a customer points it can be used to reach its own
        internal network (SSRF). Loopback is allowed: the whole course runs on it.
        """
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"a webhook URL must be http(s)://host/..., not {url!r}")
        try:
            infos = socket.getaddrinfo(parts.hostname, None)
        except socket.gaierror:
            raise ConfigError(f"cannot resolve the host of {url!r}") from None
        for info in infos:
            ip = ipaddress.ip_address(info[4][0])
            if ip.is_loopback:
                continue
            if (not ip.is_global or ip.is_multicast or ip.is_reserved) and not self.allow_private:  # also CGNAT
                raise ConfigError(
                    f"refusing {url!r}: {ip} is a private or link-local address; a sender that "
                    "calls internal addresses can be abused to reach its own network (SSRF)")

    def set_enabled(self, sub_id: str, enabled: bool, reason: str | None = None) -> None:
        cur = self.store.execute("UPDATE subscriptions SET enabled=?, disabled_reason=? WHERE id=?",
                                 (int(enabled), None if enabled else reason, sub_id))
        if cur.rowcount == 0:
            raise ConfigError(f"no subscription {sub_id!r}")

    def move_subscription(self, sub_id: str, url: str) -> None:
        """Point a subscription at a new URL (its endpoint moved); pending deliveries go there."""
        self.check_url(url)
        if self.store.execute("UPDATE subscriptions SET url=? WHERE id=?", (url, sub_id)).rowcount == 0:
            raise ConfigError(f"no subscription {sub_id!r}")

    def subscription(self, sub_id: str) -> dict | None:
        row = self.store.one("SELECT * FROM subscriptions WHERE id=?", (sub_id,))
        if row:
            row["types"] = json.loads(row["types"])
        return row

    # -- sending --------------------------------------------------------------

    @staticmethod
    def _matches(types: list[str], event_type: str) -> bool:
        return any(t == "*" or t == event_type or (t.endswith(".*") and event_type.startswith(t[:-1]))
                   for t in types)

    def send_many(self, events: list[tuple[str, str, str]]) -> int:
        """Queue ``(id, type, body)`` events, in one transaction, for every matching subscription.

        ``body`` is the exact JSON text to sign. Returns the number of deliveries queued.
        """
        now = self.clock.now()
        subs = [{**s, "types": json.loads(s["types"]), "service": self._service_of(s["url"])}
                for s in self.store.all("SELECT id, url, types FROM subscriptions WHERE enabled=1")]
        jobs = []
        with self.store.transaction():
            for msg_id, event_type, body in events:
                self.store.execute("INSERT INTO messages (id, type, body, created_at) VALUES (?,?,?,?)",
                                   (msg_id, event_type, body, now))
                for s in subs:
                    if not self._matches(s["types"], event_type):
                        continue
                    due = now + (self.faults.delay(s["service"]) if s["service"] else 0.0)
                    self.store.execute(
                        "INSERT INTO deliveries (message_id, subscription_id, status, next_attempt_at, "
                        "updated_at) VALUES (?,?,'pending',?,?)", (msg_id, s["id"], due, now))
                    jobs.append((due, (msg_id, s["id"])))
        for due, key in jobs:
            self.queue.push(due, key)
        return len(jobs)

    def replay(self, msg_id: str, subscription: str | None = None, trigger: str = "replay") -> int:
        """Send a message again (same id: a receiver that deduplicates ignores it)."""
        rows = self.store.all("SELECT subscription_id FROM deliveries WHERE message_id=?"
                              + (" AND subscription_id=?" if subscription else ""),
                              (msg_id, subscription) if subscription else (msg_id,))
        if not rows:
            raise StackError(f"no message {msg_id!r} was sent" + (f" to {subscription}" if subscription else "")
                             + "; see stack.events() for the ids")
        now = self.clock.now()
        for r in rows:
            self.store.execute("UPDATE deliveries SET status='pending', next_attempt_at=?, trigger=?, "
                               "updated_at=? WHERE message_id=? AND subscription_id=?",
                               (now, trigger, now, msg_id, r["subscription_id"]))
            self.queue.push(now, (msg_id, r["subscription_id"]), sooner=True)
        return len(rows)

    def recover(self, since: float, until: float | None = None, subscription: str | None = None) -> list[str]:
        """Send again every message that failed or died, created in ``[since, until)``.

        Times count to the millisecond, as the DataFrames show them: a time copied from a
        table selects the event shown there, though it was made up to half a millisecond
        earlier.
        """
        until = self.clock.now() + 1 if until is None else until
        since, until = since - _HALF_MS, until - _HALF_MS
        rows = self.store.all(
            "SELECT d.message_id, d.subscription_id FROM deliveries d JOIN messages m ON m.id=d.message_id "
            "WHERE d.status IN ('failed', 'dead') AND m.created_at >= ? AND m.created_at < ?"
            + (" AND d.subscription_id=?" if subscription else "") + " ORDER BY m.created_at, m.id",
            (since, until, subscription) if subscription else (since, until))
        for r in rows:
            self.replay(r["message_id"], r["subscription_id"], trigger="recover")
        return [r["message_id"] for r in rows]

    # -- one attempt ----------------------------------------------------------

    def _attempt(self, key: tuple[str, str]) -> None:
        msg_id, sub_id = key
        d = self.store.one("SELECT d.*, m.type, m.body, s.url, s.secret, s.enabled FROM deliveries d "
                           "JOIN messages m ON m.id=d.message_id JOIN subscriptions s ON s.id=d.subscription_id "
                           "WHERE d.message_id=? AND d.subscription_id=?", (msg_id, sub_id))
        if d is None or d["status"] in FINAL:
            return
        if not d["enabled"]:
            self._finish(d, "disabled", None)
            return
        number = d["attempts"] + 1
        service = self._service_of(d["url"])
        wire = self.faults.wire(service) if service else None
        sent = self.clock.now()
        headers = sign_headers(d["secret"], msg_id, int(sent), d["body"])
        body = d["body"].encode()
        if wire and wire.corrupt:  # after signing, as a faulty network would
            body = body.replace(b'"', b"'", 1)
        status, error, text, retry_after = None, None, None, None

        def post() -> tuple[int, str, str | None]:
            # Never follow a redirect (a 3xx is the endpoint's mistake), and read at most
            # _MAX_ANSWER bytes of the answer: an endpoint cannot make the sender buffer a gigabyte.
            with self._http.get().post(d["url"], data=body, headers=headers, timeout=self.timeout,
                                       allow_redirects=False, stream=True) as r:
                answer = next(r.iter_content(_MAX_ANSWER), b"")  # the first _MAX_ANSWER bytes, or all
                return r.status_code, answer.decode("utf-8", "replace")[:2000], r.headers.get("Retry-After")

        t0 = time.perf_counter()
        try:
            status, text, retry_header = post()
            retry_after = parse_retry_after(retry_header, self.clock.now())
        except requests.RequestException as e:
            error = error_kind(e)
        if wire and wire.copies > 1:  # the network delivers it twice; the sender never knows
            try:
                post()
            except requests.RequestException:
                pass
        elapsed = (self.clock.now() - sent) if self.clock.virtual else (time.perf_counter() - t0)
        if self.clock.virtual and elapsed >= self.timeout:
            # On a virtual clock a hang is simulated: the answer came, but too late.
            status, error, text, elapsed = None, "timeout", None, self.timeout
        finished = sent + elapsed
        verdict, delay, note = self._decide(status, number, retry_after)
        if status is not None and 300 <= status < 400:
            error = "redirect (not followed)"
        elif status is not None and not 200 <= status < 300:
            error = f"HTTP {status}"
        if note:  # a function of use_policy() failed: the attempt says so
            error = f"{error}; {note}" if error else note
        outcome = verdict
        if verdict == "retry":
            outcome = "dead" if delay is None else "retrying"
        elif verdict == "fail":
            outcome = "failed"
        elif verdict == "disable":
            outcome = "disabled"
        d["attempts"] = number
        with self.store.transaction():  # the attempt and the delivery's new state: one commit
            self.store.execute(
                "INSERT INTO attempts (message_id, subscription_id, attempt, trigger, scheduled_at, sent_at, "
                "finished_at, status_code, error, latency_ms, outcome, request_headers, response_body) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (msg_id, sub_id, number, d["trigger"], d["next_attempt_at"], sent, finished, status, error,
                 round(elapsed * 1000, 1), outcome, json.dumps(headers), text))
            if outcome == "retrying":
                due = finished + delay
                self.store.execute("UPDATE deliveries SET status='retrying', attempts=?, next_attempt_at=?, "
                                   "updated_at=? WHERE message_id=? AND subscription_id=?",
                                   (number, due, finished, msg_id, sub_id))
            else:
                self._finish(d, outcome, finished)
        if outcome == "retrying":
            self.queue.push(due, key)
        elif outcome == "disabled":
            self.set_enabled(sub_id, False, f"endpoint answered 410 Gone at attempt {number}")
            self._alert(f"subscription {sub_id} disabled: {d['url']} answered 410 Gone")
        elif outcome == "dead":
            self._alert(f"message {msg_id} ({d['type']}) to {sub_id} is dead after {number} attempts "
                        f"(last error: {error})")

    # -- the retry policy -----------------------------------------------------

    def use_policy(self, should_retry: Callable[[int | None], bool] | None = None,
                   delay: Callable[[int, random.Random], float] | None = None, *,
                   max_attempts: int | None = None) -> None:
        """Let your own functions decide which failed attempts are retried, and when.

        ``should_retry(status)`` decides after every answer that is not a 2xx: ``status`` is
        the HTTP status code, or ``None`` when no answer came (timeout, dropped connection).
        ``True`` retries; ``False`` fails the delivery for good. A 410 Gone still turns the
        subscription off, whatever it says: the endpoint is asking the sender to stop.

        ``delay(attempt, rng)`` returns the seconds to wait after attempt number ``attempt``
        failed (1: the first try). Draw any randomness from ``rng``: it is the sender's own
        seeded generator, so a seeded stack waits the same on every run. A longer
        ``Retry-After`` from the endpoint still wins, and a delivery is dead after
        ``max_attempts`` attempts (default: as many as the schedule has). Lab 08's
        four-argument ``delay`` fits through a lambda::

            stack.dispatcher.use_policy(should_retry, lambda n, rng: delay(n, 60, 3600, rng))

        Each function is called once here (``should_retry(503)``, ``delay(1, rng)``), so one
        that is not written yet raises now, not later in the background. If one raises or
        answers nonsense during a delivery (not ``True``/``False``; a delay that is not a
        number of seconds, 0 or more), that attempt uses the built-in rule instead and its
        ``error`` column says why. ``use_policy()`` with no arguments brings back the
        built-in rules (``classify`` and the schedule). The policy lives in memory only.
        """
        for name, fn in (("should_retry", should_retry), ("delay", delay)):
            if fn is not None and not callable(fn):
                raise ConfigError(f"{name} must be a function (or None for the built-in rule), not {fn!r}")
        if max_attempts is not None and (isinstance(max_attempts, bool) or not isinstance(max_attempts, int)
                                         or max_attempts < 1):
            raise ConfigError(f"max_attempts must be a whole number, 1 or more, not {max_attempts!r}")
        if should_retry is not None and not _is_bool(answer := should_retry(503)):
            raise ConfigError(f"your should_retry(503) returned {answer!r}: return True or False")
        if delay is not None and not _is_seconds(answer := delay(1, random.Random(0))):
            raise ConfigError(f"your delay(1, rng) returned {answer!r}: return a number of seconds, 0 or more")
        self._policy = (should_retry, delay, max_attempts)

    def _decide(self, status: int | None, attempts_made: int,
                retry_after: float | None) -> tuple[str, float | None, str | None]:
        """After an attempt: the verdict (as :func:`classify`), the wait before the next attempt
        (``None``: retries are used up) and a note if a function of the policy failed."""
        should_retry, delay_fn, max_attempts = self._policy
        verdict, note = classify(status), None
        if should_retry is not None and verdict in ("retry", "fail"):
            answer, note = _ask("should_retry", should_retry, (status,), _is_bool, "True or False",
                                "the built-in rule decided")
            if note is None:
                verdict = "retry" if answer else "fail"
        if verdict != "retry":
            return verdict, None, note
        if attempts_made >= (len(self.schedule) if max_attempts is None else max_attempts):
            return verdict, None, note
        with self._rng_lock:
            if delay_fn is not None:
                wait, problem = _ask("delay", delay_fn, (attempts_made, self._rng), _is_seconds,
                                     "a number of seconds, 0 or more", "the schedule's wait was used")
                if problem is None:
                    if retry_after is not None:
                        wait = max(wait, min(retry_after, 86400.0))
                    return verdict, round(float(wait), 3), note
                note = f"{note}; {problem}" if note else problem
            step = min(attempts_made, len(self.schedule) - 1)  # max_attempts may outrun the schedule
            return verdict, next_delay(self.schedule, step, self._rng, self.jitter, retry_after), note

    def _finish(self, d: dict, status: str, when: float | None) -> None:
        self.store.execute("UPDATE deliveries SET status=?, attempts=?, next_attempt_at=NULL, updated_at=? "
                           "WHERE message_id=? AND subscription_id=?",
                           (status, d["attempts"], when or self.clock.now(), d["message_id"],
                            d["subscription_id"]))

    def _alert(self, text: str) -> None:
        log.info("alert: %s", text)
        if self._on_alert:
            try:
                self._on_alert("alerts", text)
            except Exception as e:  # an alert that cannot be posted must not stop deliveries
                log.debug("could not post alert: %s", e)

    def stop(self) -> None:
        self.queue.stop()
        self._http.close()

    # -- looking inside -------------------------------------------------------

    _ATTEMPT_COLUMNS = ["attempt_id", "event_id", "type", "subscription", "attempt", "trigger", "scheduled_at",
                        "sent_at", "finished_at", "status_code", "error", "latency_ms", "outcome"]

    def attempt_rows(self, last: int | None = None, after: int = 0) -> list[dict]:
        """Attempts as plain rows (Unix times), oldest first; ``last``: only the most recent ones;
        ``after``: only those made after attempt ``after`` (its id)."""
        sql = ("SELECT a.id AS attempt_id, a.message_id AS event_id, m.type, a.subscription_id AS subscription, "
               "a.attempt, a.trigger, a.scheduled_at, a.sent_at, a.finished_at, a.status_code, a.error, "
               "a.latency_ms, a.outcome FROM attempts a JOIN messages m ON m.id=a.message_id WHERE a.id > ? "
               "ORDER BY a.id")
        if last is None:
            return self.store.all(sql, (after,))
        return self.store.all(f"SELECT * FROM ({sql} DESC LIMIT ?) ORDER BY attempt_id", (after, last))

    def attempts(self) -> pd.DataFrame:
        """One row per attempt, oldest first; ``attempt_id`` opens it in :meth:`attempt_detail`."""
        df = to_frame(self.attempt_rows(), self._ATTEMPT_COLUMNS, ("scheduled_at", "sent_at", "finished_at"))
        df["status_code"] = df["status_code"].astype("Int64")
        return df

    def sent_ids(self) -> set[str]:
        """The id of every message handed to this dispatcher."""
        return {r["id"] for r in self.store.all("SELECT id FROM messages")}

    def last_time(self) -> float | None:
        """The latest moment an attempt finished or a delivery changed, or None if nothing was sent."""
        return self.store.scalar("SELECT max(t) FROM (SELECT max(finished_at) AS t FROM attempts "
                                 "UNION ALL SELECT max(updated_at) FROM deliveries)")

    def outcome_counts(self) -> dict[str, int]:
        """How many attempts ended each way (delivered, retrying, failed, dead, disabled): one per row of the log."""
        rows = self.store.all("SELECT outcome, count(*) AS n FROM attempts GROUP BY outcome")
        return {r["outcome"]: r["n"] for r in rows}

    def status_counts(self) -> dict[str, int]:
        """How many deliveries stand in each state (pending, retrying, delivered, failed, dead, disabled)."""
        counts = dict.fromkeys(("pending", "retrying", *FINAL), 0)
        for row in self.store.all("SELECT status, count(*) AS n FROM deliveries GROUP BY status"):
            counts[row["status"]] = row["n"]
        return counts

    def deliveries(self, status: str | None = None) -> pd.DataFrame:
        """One row per (message, subscription): where each delivery stands now."""
        cols = ["event_id", "type", "subscription", "status", "attempts", "next_attempt_at", "created_at"]
        return self.store.frame(
            "SELECT d.message_id AS event_id, m.type, d.subscription_id AS subscription, d.status, d.attempts, "
            "d.next_attempt_at, m.created_at FROM deliveries d JOIN messages m ON m.id=d.message_id"
            + (" WHERE d.status=?" if status else "") + " ORDER BY m.created_at, m.rowid",
            (status,) if status else (), columns=cols, times=("next_attempt_at", "created_at"))

    def subscriptions(self) -> pd.DataFrame:
        """Subscriptions, with the secret redacted (``stack.secret`` has the default one)."""
        rows = self.store.all("SELECT id, name, url, types, enabled, disabled_reason FROM subscriptions "
                              "ORDER BY created_at, id")
        return pd.DataFrame([{**r, "types": json.loads(r["types"]), "enabled": bool(r["enabled"])} for r in rows],
                            columns=["id", "name", "url", "types", "enabled", "disabled_reason"])

    def attempt_detail(self, attempt_id: int) -> dict | None:
        """Everything about one attempt: request headers (signature included), body, response."""
        row = self.store.one("SELECT a.*, m.type, m.body FROM attempts a JOIN messages m ON m.id=a.message_id "
                             "WHERE a.id=?", (attempt_id,))
        if row:
            row["request_headers"] = json.loads(row["request_headers"])
        return row
