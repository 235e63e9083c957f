"""The integration endpoint: verify, deduplicate, validate, persist, answer; route later.

``POST /webhooks`` is the lean acknowledge path: it checks the signature and the
timestamp window, drops a repeated ``webhook-id``, validates the event against
the catalog, stores it in the inbox and answers ``202``. Handlers that update
the CRM, the email platform and the notifier run afterwards, from the inbox,
with their own retries, so a slow CRM never makes the sender time out.

Answers: 202 accepted (or ignored: unknown event type, stored but not routed),
200 duplicate, 400 not JSON, 401 signature or timestamp check failed,
413 body over 1 MB, 415 not JSON content, 422 event does not match the catalog.
"""

from __future__ import annotations

import itertools
import json
import logging
import random
import threading
from typing import Any, Callable

import pandas as pd
from flask import Flask, jsonify, request

from .. import catalog
from ..clock import Clock
from ..errors import ConfigError, EventValidationError, SignatureError, StackError
from ..signing import verify
from ..store import Store
from ..delivery.queue import JobQueue
from ..delivery.retry import next_delay
from ..monitor import COPY_MARK, event_id
from .base import BATCH_LIMIT, ApiError, make_app

__all__ = ["Receiver", "SCHEMA", "HANDLER_SCHEDULE"]

log = logging.getLogger("hooklab.receiver")

SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox (
    id TEXT PRIMARY KEY, type TEXT NOT NULL, body TEXT NOT NULL, received_at REAL NOT NULL,
    status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_try_at REAL,
    processed_at REAL, last_error TEXT);
CREATE INDEX IF NOT EXISTS inbox_status ON inbox (status);
CREATE TABLE IF NOT EXISTS rejections (
    id INTEGER PRIMARY KEY, received_at REAL NOT NULL, webhook_id TEXT, status INTEGER NOT NULL,
    outcome TEXT NOT NULL, detail TEXT);
"""

#: Seconds a busy receiver asks the sender to wait (``max_backlog``).
BUSY_RETRY_AFTER = 10

#: Seconds a handler worker waits for a batch to fill (``batch_size`` above 1) before it runs what it has.
BATCH_LINGER = 0.05

#: Delays before each handler run: a failing downstream call is retried in-house.
HANDLER_SCHEDULE: tuple[float, ...] = (0, 1, 5, 30, 120, 600, 1800, 3600)

Handler = Callable[[dict], Any]
BatchHandler = Callable[[list[dict]], Any]

_SIGNED = ("webhook-id", "webhook-timestamp", "webhook-signature")


class Receiver:
    """The receiving side of the integration; ``app`` is its Flask app."""

    def __init__(self, store: Store, clock: Clock, secrets: list[str], handlers: dict[str, Handler], *,
                 batch_handlers: dict[str, BatchHandler] | None = None,
                 seed: int | None = None, sequence: "itertools.count[int] | None" = None,
                 workers: int = 2, tolerance: float = 300, dedup: bool = True,
                 priority: Callable[[dict], int] | None = None) -> None:
        self.store, self.clock = store, clock
        self.secrets = list(secrets)  # several during a secret rotation
        self.tolerance = tolerance
        self.dedup = dedup
        #: Lesson 12's switches. ``inline``: run the handler inside the request, before answering
        #: (the naive design). ``max_backlog``: with more handler runs than this waiting, answer
        #: 503 with ``Retry-After`` (back-pressure) instead of queueing without bound.
        self.inline = False
        self.max_backlog: int | None = None
        #: Lanes: ``priority(event) -> int``; among waiting handler runs, the lowest number goes
        #: first (``None``: first come, first served). ``receiver.priority = lambda e: ...``
        self.priority = priority
        self._defaults = dict(handlers)
        self._batch_defaults = dict(batch_handlers or {})
        self._custom: dict[str, Handler] = {}
        self._rng = random.Random(f"{seed}:receiver") if seed is not None else random.Random()
        self._lock = threading.Lock()
        self.queue = JobQueue("receiver", clock, self._process, sequence or itertools.count(), workers=workers,
                              run_many=self._process_many, linger=BATCH_LINGER)
        for row in store.all("SELECT id, next_try_at FROM inbox WHERE status IN ('received', 'retrying') "
                             "ORDER BY next_try_at"):
            self.queue.push(row["next_try_at"], row["id"])
        self.app = self._create_app()

    @property
    def batch_size(self) -> int:
        """Lesson 12's batching: a handler worker takes up to this many waiting events at once (1: off).

        It waits up to :data:`BATCH_LINGER` for a batch to fill. Events of a type
        with a batched built-in handler (the newsletter ones) then go to the CRM
        and the email platform in one batch call per service; the others, and
        every type a learner's handler replaced, still run one by one.
        """
        return self.queue.batch_size

    @batch_size.setter
    def batch_size(self, size: int) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= BATCH_LIMIT:
            raise ConfigError(f"batch_size must be a whole number from 1 (no batching) to {BATCH_LIMIT} "
                              f"(the services' batch limit), not {size!r}")
        self.queue.batch_size = size

    # -- handlers -------------------------------------------------------------

    def on(self, event_type: str) -> Callable[[Handler], Handler]:
        """Register ``fn(event)`` for ``event_type``, replacing the built-in handler.

        ``event`` is the envelope with its ``id`` added: ``{"id", "type", "timestamp", "data"}``::

            @stack.receiver.on("order.completed")
            def record_order(event):
                stack.crm.put_order(event["data"]["order_id"], ...)
        """
        if self.clock.stopping.is_set():
            raise StackError("the receiver is stopped with its stack; start a new one with hooklab.start()")
        catalog.get(event_type)  # a typo in the type fails here, with a suggestion

        def register(fn: Handler) -> Handler:
            if not callable(fn):
                raise ConfigError(f"a handler must be a function taking the event, not {fn!r}")
            self._custom[event_type] = fn
            return fn

        return register

    def reset_handlers(self) -> None:
        """Forget learners' handlers; the built-in ones apply again."""
        self._custom.clear()

    def handler_for(self, event_type: str) -> Handler | None:
        return self._custom.get(event_type) or self._defaults.get(event_type)

    # -- the acknowledge path -------------------------------------------------

    def _create_app(self) -> Flask:
        app = make_app("receiver", public=("/",))

        @app.get("/health")
        def health():
            return jsonify(ok=True, service="receiver")

        @app.post("/webhooks")
        def webhooks():
            if request.mimetype == "application/json":
                body = request.get_data(cache=False)  # over MAX_BODY: 413, as for every service
            else:
                body = b""  # refused with 415 before the body matters
            status, answer, headers = self.acknowledge(request.mimetype, request.headers.get, body)
            return jsonify(answer), status, headers

        return app

    def acknowledge(self, mimetype: str, header: Callable[[str], str | None],
                    body: bytes) -> tuple[int, dict, dict[str, str]]:
        """Verify, deduplicate, validate, persist, queue; returns ``(status, answer, headers)``.

        Raises :class:`ApiError` for a request that is refused (logged in :meth:`rejections`).
        """
        if mimetype != "application/json":
            raise ApiError(415, f"unsupported content type {mimetype or '(none)'!r}",
                           "webhooks carry JSON: send Content-Type: application/json")
        # Only the three headers verify() reads: a plain dict is cheaper to search.
        headers = {name: value for name in _SIGNED if (value := header(name)) is not None}
        try:
            event = verify(self.secrets, headers, body, tolerance=self.tolerance, now=self.clock.now())
        except SignatureError as e:
            self._log_request(None, 401, "rejected", str(e))
            raise ApiError(401, f"signature check failed: {e}",
                           "sign id.timestamp.body with the subscription's secret") from None
        except EventValidationError as e:
            self._log_request(headers.get("webhook-id"), 400, "rejected", str(e))
            raise ApiError(400, str(e)) from None
        msg_id = headers["webhook-id"]
        known = isinstance(event, dict) and catalog.is_known(event.get("type"))
        if known or not isinstance(event, dict) or "type" not in event:
            try:
                catalog.validate(event)
            except EventValidationError as e:
                self._log_request(msg_id, 422, "rejected", str(e))
                raise ApiError(422, str(e), "check the event against the catalog "
                               "(hooklab.catalog.EVENT_TYPES)") from None
        if known and self.max_backlog is not None and len(self.queue) >= self.max_backlog:
            self._log_request(msg_id, 503, "rejected", f"backlog of {len(self.queue)} handler runs")
            return 503, {"error": f"busy: {len(self.queue)} events waiting; retry later"}, \
                {"Retry-After": str(BUSY_RETRY_AFTER)}
        status = "received" if known else "ignored"
        now = self.clock.now()
        text = body.decode()
        if self.dedup:
            cur = self.store.execute(
                "INSERT OR IGNORE INTO inbox (id, type, body, received_at, status, next_try_at) "
                "VALUES (?,?,?,?,?,?)", (msg_id, event["type"], text, now, status, now))
            if cur.rowcount == 0:
                self._log_request(msg_id, 200, "duplicate", None)
                return 200, {"status": "duplicate", "id": msg_id}, {}
            key = msg_id
        else:  # learners switch dedup off to watch duplicates reach the CRM
            key = f"{msg_id}{COPY_MARK}{self.store.scalar('SELECT count(*) FROM inbox')}"
            self.store.execute(
                "INSERT INTO inbox (id, type, body, received_at, status, next_try_at) VALUES (?,?,?,?,?,?)",
                (key, event["type"], text, now, status, now))
        if known and self.inline:
            self._process(key)
        elif known:
            self.queue.push(now, key, self._rank(event, msg_id))
        return 202, {"status": "accepted" if known else "ignored", "id": msg_id}, {}

    def _rank(self, event: dict, msg_id: str) -> int:
        """The event's lane (0 unless ``priority`` is set); a failing ``priority`` means lane 0."""
        if self.priority is None:
            return 0
        try:
            return int(self.priority({**event, "id": msg_id}))
        except Exception:  # a learner's lane function must not break the acknowledge path
            log.exception("priority(event) failed for %s; using lane 0", event.get("type"))
            return 0

    def _log_request(self, msg_id: str | None, status: int, outcome: str, detail: str | None) -> None:
        self.store.execute("INSERT INTO rejections (received_at, webhook_id, status, outcome, detail) "
                           "VALUES (?,?,?,?,?)", (self.clock.now(), msg_id, status, outcome, detail))

    # -- routing, off the request path ----------------------------------------

    def _load(self, key: str) -> tuple[dict, int] | None:
        """The event behind an inbox key and the number of this handler run, or None if it is done."""
        row = self.store.one("SELECT * FROM inbox WHERE id=?", (key,))
        if row is None or row["status"] not in ("received", "retrying"):
            return None
        event = json.loads(row["body"])
        event["id"] = event_id(key)
        return event, row["attempts"] + 1

    def _process(self, key: str) -> None:
        loaded = self._load(key)
        if loaded is not None:
            self._run(key, *loaded)

    def _run(self, key: str, event: dict, attempts: int) -> None:
        """One event through its handler: processed, or retried on the handler schedule."""
        handler = self.handler_for(event["type"])
        try:
            if handler is not None:
                handler(event)
        except Exception as e:  # the learner's bug or a downstream failure: retry later
            self._failed(key, event, attempts, e)
            return
        self._done([(key, attempts)])

    def _process_many(self, keys: list[str]) -> None:
        """Several waiting events: the newsletter ones in batches (one per type), the rest one by one."""
        batches: dict[str, list[tuple[str, dict, int]]] = {}
        for key in keys:
            loaded = self._load(key)
            if loaded is None:
                continue
            event, attempts = loaded
            if event["type"] in self._batch_defaults and event["type"] not in self._custom:
                batches.setdefault(event["type"], []).append((key, event, attempts))
            else:
                self._run(key, event, attempts)
        for event_type, jobs in batches.items():
            if len(jobs) == 1:
                self._run(*jobs[0])
                continue
            try:
                self._batch_defaults[event_type]([event for _, event, _ in jobs])
            except Exception as e:  # all or none: every event of the batch is retried on its own schedule
                for key, event, attempts in jobs:
                    self._failed(key, event, attempts, e)
                continue
            self._done([(key, attempts) for key, _, attempts in jobs])

    def _failed(self, key: str, event: dict, attempts: int, e: Exception) -> None:
        error = f"{type(e).__name__}: {e}"[:500]
        with self._lock:
            delay = next_delay(HANDLER_SCHEDULE, attempts, self._rng)
        now = self.clock.now()
        if delay is None:
            self.store.execute("UPDATE inbox SET status='dead', attempts=?, next_try_at=NULL, "
                               "last_error=? WHERE id=?", (attempts, error, key))
            return
        self.store.execute("UPDATE inbox SET status='retrying', attempts=?, next_try_at=?, last_error=? "
                           "WHERE id=?", (attempts, now + delay, error, key))
        self.queue.push(now + delay, key, self._rank(event, event["id"]))

    def _done(self, runs: list[tuple[str, int]]) -> None:
        now = self.clock.now()
        self.store.executemany("UPDATE inbox SET status='processed', attempts=?, next_try_at=NULL, "
                               "processed_at=? WHERE id=?", [(attempts, now, key) for key, attempts in runs])

    def pause(self) -> None:
        """Keep acknowledging webhooks but stop running handlers: the inbox backlog grows."""
        self.queue.pause()

    def resume(self) -> None:
        """Run handlers again; the backlog drains."""
        self.queue.resume()

    def retry_dead(self) -> int:
        """Run the handlers again for every inbox entry that ran out of retries."""
        now = self.clock.now()
        keys = [r["id"] for r in self.store.all("SELECT id FROM inbox WHERE status='dead'")]
        for key in keys:
            self.store.execute("UPDATE inbox SET status='retrying', next_try_at=? WHERE id=?", (now, key))
            self.queue.push(now, key)
        return len(keys)

    # -- looking inside -------------------------------------------------------

    def inbox(self) -> pd.DataFrame:
        """One row per event received: status, handler attempts, last error, times."""
        return self.store.frame(
            "SELECT id, type, status, attempts, received_at, processed_at, last_error FROM inbox "
            "ORDER BY received_at, rowid",
            columns=["id", "type", "status", "attempts", "received_at", "processed_at", "last_error"],
            times=("received_at", "processed_at"))

    def last_time(self) -> float | None:
        """The latest moment the inbox recorded (a receipt or a finished handler run), or None if empty."""
        return self.store.scalar("SELECT max(coalesce(processed_at, received_at)) FROM inbox")

    def rejections(self) -> pd.DataFrame:
        """Every request to ``/webhooks`` that was refused or was a duplicate, and why.

        (Accepted requests are in :meth:`inbox`; logging them twice would slow the hot path.)
        """
        return self.store.frame("SELECT * FROM rejections ORDER BY id", times=("received_at",),
                                columns=["id", "received_at", "webhook_id", "status", "outcome", "detail"])

    def stop(self) -> None:
        self.queue.stop()
