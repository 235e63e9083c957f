"""Wire the MarTech stack together: ``hooklab.start()`` and the :class:`Stack` it returns.

::

    sources (signup form, shop) ──fire──▶ dispatcher ──signed POST──▶ receiver /webhooks
                                                                        │ inbox, handlers
                                              CRM ◀──────────┬──────────┤
                                              email platform ◀┘          └──▶ notifier

Every service listens on its own free port on 127.0.0.1 and keeps its data in
its own SQLite file, in a private folder. Faults sit in front of each service.
"""

from __future__ import annotations

import atexit
import functools
import html
import itertools
import logging
import os
import random
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pandas as pd

from . import catalog, monitor, sources as sources_mod
from .clock import Clock, make_clock
from .delivery import dispatcher as dispatcher_mod
from .delivery.retry import DEFAULT_SCHEDULE
from .errors import ConfigError, StackError
from .faults import Faults
from .i18n import text
from .services import crm, email, inspector, notifier, receiver as receiver_mod
from .services.handlers import default_batch_handlers, default_handlers
from .services.serving import ServiceServer
from .signing import generate_secret
from .store import Store

if TYPE_CHECKING:
    from .widgets import Panel

__all__ = ["start", "Stack"]

log = logging.getLogger("hooklab")
log.addHandler(logging.NullHandler())

_current: "Stack | None" = None
_current_lock = threading.RLock()


@atexit.register
def _stop_at_exit() -> None:
    """A kernel that shuts down (or a script that ends) stops its stack: threads, servers, temporary files.

    So a lesson never needs a ``stack.stop()`` cell that Run All would reach.
    """
    with _current_lock:
        if _current is not None:
            _current.stop()


class Link(str):
    """An address that a notebook shows as a link to click (the string itself, for code)."""

    def __new__(cls, url: str, label: str) -> "Link":
        self = super().__new__(cls, url)
        self.label = label
        return self

    def _repr_html_(self) -> str:
        return (f'<a href="{html.escape(self, quote=True)}" target="_blank" rel="noopener">'
                f'{html.escape(self.label)}: {html.escape(self)}</a>')

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(f"{self.label}: {self}")


def start(seed: int | None = None, clock: str | Clock = "real", data_dir: str | Path | None = None, *,
          timeout: float = 5.0, retries: bool = True, schedule: tuple[float, ...] | None = None,
          workers: int = 4, language: str = "en") -> "Stack":
    """Start the whole stack in this process and return it.

    ``seed`` makes generated data, ids, secrets, jitter and faults repeatable;
    ``clock="virtual"`` makes waits between retries pass instantly (times then
    start at 2026-01-05 09:00 UTC); ``data_dir`` keeps the SQLite files there
    (default: a private temporary folder, removed by :meth:`Stack.stop`);
    ``timeout`` is the sender's per-attempt timeout in seconds; ``retries=False``
    makes one attempt only; ``schedule`` replaces the retry delays; ``language="pt-BR"``
    makes up Brazilian people (names, cities, phones, amounts in BRL), as the pt-BR lessons do.

    A second ``start()`` in the same process stops the first.

    >>> import hooklab
    >>> stack = hooklab.start(seed=7, clock="virtual")
    >>> ids = stack.fire_many("newsletter.subscribed", 3)
    >>> len(stack.wait().crm.contacts()), stack.reconcile().empty
    (3, True)
    >>> stack.stop()
    """
    global _current
    with _current_lock:
        if _current is not None:
            _current.stop()
        _current = Stack(seed=seed, clock=clock, data_dir=data_dir, timeout=timeout, retries=retries,
                         schedule=schedule, workers=workers, language=language)
        return _current


def _running(method):
    """Refuse to run ``method`` on a stopped stack: its servers, clients and databases are closed."""

    @functools.wraps(method)
    def guarded(self: "Stack", *args: Any, **kwargs: Any) -> Any:
        self._check_running()
        return method(self, *args, **kwargs)

    return guarded


class Stack:
    """A running MarTech stack. Use :func:`start` to make one."""

    SERVICES = ("receiver", "crm", "email", "notifier", "inspector")

    def __init__(self, *, seed: int | None, clock: str | Clock, data_dir: str | Path | None,
                 timeout: float, retries: bool, schedule: tuple[float, ...] | None, workers: int,
                 language: str = "en") -> None:
        if language not in catalog.LANGUAGES:
            raise ConfigError(f"language {language!r} is not one of the course's: {', '.join(catalog.LANGUAGES)}")
        self.language = language
        if schedule is None:
            schedule = DEFAULT_SCHEDULE if retries else (0,)
        elif not retries:
            raise ConfigError("pass either retries=False or a schedule, not both")
        self.seed = seed
        self.clock = make_clock(clock)
        self._own_dir = data_dir is None
        self.data_dir = Path(tempfile.mkdtemp(prefix="hooklab-") if data_dir is None else data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._stores: list[Store] = []
        self._servers: dict[str, ServiceServer] = {}
        self._stopped = False
        self._panels: list = []
        self._virtual_lock = threading.RLock()  # one thread at a time runs the virtual clock's queues
        try:
            self._build(seed, timeout, tuple(schedule), workers)
        except BaseException:
            self.stop()
            raise

    def _store(self, name: str, schema: str) -> Store:
        store = Store(self.data_dir / f"{name}.db", schema)
        self._stores.append(store)
        return store

    def _serve(self, name: str, app: Any) -> str:
        self._servers[name] = ServiceServer(name, self.faults.wrap(name, app) if name in self.faults_on else app)
        return self._servers[name].url

    def _build(self, seed: int | None, timeout: float, schedule: tuple[float, ...], workers: int) -> None:
        rng = random.Random(f"{seed}:keys") if seed is not None else random.Random()
        self.keys = {name: catalog.make_id("key", rng) for name in ("crm", "email", "notifier", "inspector")}
        sequence = itertools.count()
        self.faults_on = ("receiver", "crm", "email", "notifier")
        self.faults = Faults(list(self.faults_on), self.clock, seed)

        urls = {}
        for name, module in (("crm", crm), ("email", email), ("notifier", notifier)):
            app = module.create_app(self._store(name, module.SCHEMA), self.keys[name], self.clock)
            urls[name] = self._serve(name, app)
        self.crm = crm.CRM(urls["crm"], self.keys["crm"], faults=self.faults)
        self.email = email.EmailPlatform(urls["email"], self.keys["email"], faults=self.faults)
        self.notifier = notifier.Notifier(urls["notifier"], self.keys["notifier"], faults=self.faults)

        dispatcher_store = self._store("dispatcher", dispatcher_mod.SCHEMA)
        existing = dispatcher_mod.secret_of(dispatcher_store, "sub_integration")
        self.secret = existing or generate_secret(rng)
        ids_seed = seed
        if existing and seed is not None:
            # Same data folder as a previous run: a seeded restart would draw the event, order and
            # subscription ids that run drew (UNIQUE constraint failed); count what it made into the seed.
            messages, subscriptions = dispatcher_mod.made(dispatcher_store)
            ids_seed = f"{seed}:{messages}:{subscriptions}"  # type: ignore[assignment]

        self.receiver = receiver_mod.Receiver(
            self._store("receiver", receiver_mod.SCHEMA), self.clock, [self.secret],
            default_handlers(self.crm, self.email, self.notifier),
            batch_handlers=default_batch_handlers(self.crm, self.email), seed=seed, sequence=sequence)
        urls["receiver"] = self._serve("receiver", self.receiver.app)
        ports = {urlsplit(u).port: name for name, u in urls.items()}

        self.dispatcher = dispatcher_mod.Dispatcher(
            dispatcher_store, self.clock, self.faults, seed=ids_seed, sequence=sequence, timeout=timeout,
            schedule=schedule, workers=workers, service_of=lambda url: ports.get(urlsplit(url).port),
            on_alert=lambda channel, text: self.notifier.post(channel, text))
        endpoint = urls["receiver"] + "/webhooks"
        if existing:  # same data folder as before: the receiver has a new port
            self.dispatcher.move_subscription("sub_integration", endpoint)
        else:
            self.dispatcher.subscribe(endpoint, secret=self.secret, name="integration", sub_id="sub_integration")

        self.sources = sources_mod.Sources(self._store("sources", sources_mod.SCHEMA), self.clock,
                                           self.dispatcher.send_many, seed=ids_seed,
                                           locales=catalog.LANGUAGES[self.language])
        if existing and self.clock.virtual:
            # A new virtual timeline starts at VIRTUAL_EPOCH: carry on from the last moment the previous
            # run recorded, or new events would be older than old ones and order-safe handlers skip them.
            self.clock.advance_to(max(filter(None, (  # type: ignore[attr-defined]
                self.sources.last_time(), self.dispatcher.last_time(), self.receiver.last_time(),
                self.clock.now()))))
        if existing:
            self._send_unsent()
        urls["inspector"] = self._serve("inspector", inspector.create_app(
            self.dispatcher, self.sources, self.keys["inspector"], language=self.language,
            settle=self._settle if self.clock.virtual else None))
        self.urls = {name: urls[name] for name in self.SERVICES}

    def _send_unsent(self) -> None:
        """Hand the dispatcher what the sources recorded but never handed over (the outbox).

        ``fire()`` commits the event to the sources' database, then gives it to the dispatcher,
        whose database is another file: a process that dies between the two leaves an event
        that happened but was never sent. The sources' ``events`` table is the outbox, so a
        restart on the same data folder sends what is missing, oldest first.
        """
        unsent = self.sources.unsent(self.dispatcher.sent_ids())
        for msg_id, event_type, _ in unsent:
            log.info("sending %s (%s), recorded before a stop but never sent", msg_id, event_type)
        if unsent:
            self.dispatcher.send_many(unsent)

    # -- the face -------------------------------------------------------------

    @_running
    def fire(self, event_type: str, **fields: Any) -> str:
        """Make something happen at a source (a signup, an order...); returns the event id.

        Fields you do not give are generated (seeded). The event goes out as a
        signed webhook to every matching subscription.
        """
        return self.sources.fire(event_type, **fields)

    @_running
    def fire_many(self, event_type: str, count: int, **fields: Any) -> list[str]:
        """A bulk import: ``count`` events of one type at once (a CSV of signups, a shop's order sync).

        Each event is what :meth:`fire` would make, but the sources record them and the
        dispatcher queues them a hundred at a time: about half the cost of a ``fire()`` loop.
        The webhooks still go out one event per request, so the receiver meets the burst a
        real import makes. ``fields`` apply to every event. Returns the ids, in order.
        """
        return self.sources.fire_many(event_type, count, **fields)

    @_running
    def subscribe(self, url: str, *, types: str | list[str] = "*", secret: str | None = None,
                  name: str | None = None) -> dict:
        """Send events (all, or only ``types``) to another endpoint too; returns the subscription."""
        return self.dispatcher.subscribe(url, types=types, secret=secret, name=name)

    @property
    def _queues(self):
        """The queues that run (a paused one is left alone: its backlog waits for resume())."""
        return [q for q in (self.dispatcher.queue, self.receiver.queue) if not q.paused]

    @_running
    def wait(self, timeout: float | None = None) -> "Stack":
        """Block until every event is delivered and processed downstream (all queues idle).

        On the virtual clock this runs the queued work in time order, jumping the
        clock to each due time, so retries hours apart complete at once.
        ``timeout`` is in real seconds (default 60).
        """
        self._wait(60.0 if timeout is None else timeout)
        return self

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not all(q.idle for q in self._queues):
            if time.monotonic() > deadline:
                raise StackError(f"still busy after {timeout:g} s: {self._backlog()}; "
                                 "retries may be hours away: use clock='virtual' to jump ahead")
            if self.clock.virtual:
                with self._virtual_lock:
                    ran = any(q.peek() is not None for q in self._queues)
                    if ran:
                        self._run_next()
                if not ran:  # another thread (the inspector's replay) is running the last of it
                    time.sleep(0.002)
            else:
                time.sleep(0.002)

    @_running
    def advance(self, seconds: float) -> "Stack":
        """Virtual clock only: run everything due in the next ``seconds``, then stop there."""
        if not self.clock.virtual:
            raise StackError("advance() moves a virtual clock; start with clock='virtual'")
        if seconds < 0:
            raise ConfigError(f"a clock cannot go backwards (advance by {seconds} s): pass 0 or more seconds")
        with self._virtual_lock:
            until = self.clock.now() + seconds
            while True:
                due = [d for d in (q.next_due() for q in self._queues) if d is not None and d <= until]
                if not due:
                    break
                self._run_next()
            self.clock.advance_to(until)
        return self

    def _settle(self) -> None:
        """Virtual clock: run what is due now (a replay from the inspector page), without jumping ahead.

        Its attempt goes out and its handlers run; a retry it schedules waits for the notebook.
        """
        if self.running:
            self.advance(0)

    def _run_next(self) -> None:
        heads = [(q.peek(), q) for q in self._queues if q.peek() is not None]
        min(heads, key=lambda h: h[0])[1].run_next()

    def _backlog(self) -> str:
        d, r = self.dispatcher.queue, self.receiver.queue
        return f"{len(d) + d.in_flight} deliveries and {len(r) + r.in_flight} handler runs pending"

    # -- what happened ---------------------------------------------------------

    @_running
    def deliveries(self) -> pd.DataFrame:
        """One row per delivery attempt: times, status, error, latency, outcome."""
        return self.dispatcher.attempts()

    @_running
    def events(self) -> pd.DataFrame:
        """One row per fired event, with where its delivery stands and when handlers finished."""
        ev = self.sources.events()
        status = self.dispatcher.deliveries()
        status = status[status["subscription"] == "sub_integration"][["event_id", "status", "attempts"]]
        df = ev.merge(status.rename(columns={"event_id": "id", "status": "delivery"}), on="id", how="left")
        return df.merge(monitor.lag(ev, self.receiver.inbox())[["id", "processed_at", "lag_s"]], on="id",
                        how="left")

    @_running
    def dead_letters(self) -> pd.DataFrame:
        """Deliveries that will not be retried any more: retries ran out, refused or disabled."""
        df = self.dispatcher.deliveries()
        return df[df["status"].isin(["dead", "failed", "disabled"])].reset_index(drop=True)

    @_running
    def replay(self, event_id: str, subscription: str | None = None) -> int:
        """Send one event again, with the same id (a deduplicating receiver ignores a repeat)."""
        return self.dispatcher.replay(event_id, subscription)

    @_running
    def recover(self, since: Any, until: Any = None) -> list[str]:
        """Send again every failed or dead delivery of events created in ``[since, until)``.

        ``since``/``until`` are datetimes, pandas Timestamps or Unix seconds.
        """
        return self.dispatcher.recover(_seconds(since), None if until is None else _seconds(until))

    @_running
    def stats(self) -> pd.DataFrame:
        """Latency percentiles and error rate per subscription."""
        return monitor.latency_stats(self.deliveries())

    @_running
    def reconcile(self) -> pd.DataFrame:
        """Discrepancies between the sources' truth and the CRM / email platform (empty: all agree)."""
        return monitor.reconcile(self.sources.contacts(), self.sources.orders(), self.crm.contacts(),
                                 self.crm.orders(), self.email.subscribers())

    @_running
    def warning_signs(self, thresholds: monitor.Thresholds = monitor.Thresholds()) -> pd.DataFrame:
        """Delays, frequent errors and inconsistent data, measured against thresholds."""
        lags = monitor.lag(self.sources.events(), self.receiver.inbox())
        return monitor.warning_signs(self.deliveries(), lags, self.reconcile(), len(self.dead_letters()),
                                     thresholds)

    # -- the interactive layer ---------------------------------------------------

    @_running
    def panel(self, refresh: float = 1.0) -> "Panel":
        """A control panel (ipywidgets): fire buttons, fault controls, live counters and log.

        Where widgets cannot show, it displays as a text summary. ``refresh`` is in seconds.
        """
        from .widgets import Panel  # ipywidgets is only needed here

        panel = Panel(self, refresh=refresh)
        self._panels.append(panel)
        return panel

    @_running
    def serve(self, app: Any, name: str = "my-app") -> str:
        """Serve your own Flask app on 127.0.0.1, next to the stack; returns its address.

        So a service of the stack (the email platform's webhooks, a subscription) can call
        your receiver over real HTTP. It stops with the stack; serving another app under the
        same ``name`` stops the first.

        >>> import hooklab
        >>> from flask import Flask
        >>> with hooklab.start(seed=1, clock="virtual") as stack:
        ...     stack.serve(Flask("mine")).startswith("http://127.0.0.1:")
        True
        """
        key = f"yours:{name}"
        if key in self._servers:
            self._servers.pop(key).stop()
        self._servers[key] = ServiceServer(name, app)
        return self._servers[key].url

    @_running
    def inspector_link(self) -> Link:
        """The inspector page's address, as the browser showing this notebook can reach it.

        Under JupyterHub or Binder (``JUPYTERHUB_SERVICE_PREFIX`` is set) the browser is on another
        machine, so the link goes through jupyter-server-proxy, ``/user/<name>/proxy/<port>/``
        (the whole address when the hub knows its public URL: ``JUPYTERHUB_PUBLIC_URL``);
        otherwise it is the direct ``http://127.0.0.1:<port>/``. A notebook shows it as a link to
        click; code gets the address as a string.
        """
        label = text("inspector", self.language)
        prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX")
        if prefix:
            # the server's own public address (https://hub.example.edu/user/ana/) when the hub knows it
            server = os.environ.get("JUPYTERHUB_PUBLIC_URL") or prefix
            return Link(f"{server.rstrip('/')}/proxy/{urlsplit(self.urls['inspector']).port}/", label)
        return Link(self.urls["inspector"] + "/", label)

    # -- lifecycle -------------------------------------------------------------

    def _check_running(self) -> None:
        if self._stopped:
            raise StackError("this stack is stopped; start a new one with hooklab.start()")

    @property
    def running(self) -> bool:
        return not self._stopped

    def stop(self) -> None:
        """Stop every thread and server, close every database; idempotent."""
        global _current
        if self._stopped:
            return
        self._stopped = True
        for panel in self._panels:
            panel.show_stopped()
        self.clock.stopping.set()  # cut short any injected hang or latency
        for part in ("dispatcher", "receiver"):
            if hasattr(self, part):
                getattr(self, part).stop()
        for client in ("crm", "email", "notifier"):
            if hasattr(self, client):
                getattr(self, client).close()
        for server in self._servers.values():
            server.stop()
        for store in self._stores:
            store.close()
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
        with _current_lock:
            if _current is self:
                _current = None

    def __enter__(self) -> "Stack":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        kind = "virtual" if self.clock.virtual else "real"
        return f"<hooklab.Stack {state}, {kind} clock, seed={self.seed}, receiver={self.urls.get('receiver') if hasattr(self, 'urls') else None}>"


def _seconds(value: Any) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return pd.Timestamp(value).timestamp()
    except (TypeError, ValueError):
        raise ConfigError(f"expected a datetime, a pandas Timestamp or Unix seconds, not {value!r}") from None
