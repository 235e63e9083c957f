"""Fault injection: make a service slow, flaky, unreachable, or the network unreliable.

Faults are set per service (``stack.faults.set("receiver", error_rate=0.3)``) and
applied for real, on the side where they happen:

- in the service, a WSGI middleware (:meth:`Faults.wrap`) sleeps (latency) or answers an
  error status instead of the service;
- on the wire, every client of the service (the sender, the service clients, the load
  generator) asks :meth:`Faults.connect` before it sends: the connection is refused (an
  outage), cut (a drop), or the answer comes after the client has given up (a hang).
  ``hooklab.wire`` plays that out with ``requests``' own exceptions. The sender also asks
  :meth:`Faults.delay` and :meth:`Faults.wire` for duplicates, reordering and corruption.

Every decision is drawn from a random generator seeded per service, so a
seeded virtual run injects exactly the same faults every time.
"""

from __future__ import annotations

import json
import random
import threading
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable

from .clock import Clock
from .errors import ConfigError, StackError

__all__ = ["Faults", "FaultPolicy", "NetworkFault", "OBSERVER_HEADER"]

#: GET requests carrying this header (the stack's own dashboards) bypass faults:
#: looking at the CRM during an outage should not be part of the outage.
OBSERVER_HEADER = "X-Hooklab-Observer"
_OBSERVER_ENV = "HTTP_" + OBSERVER_HEADER.upper().replace("-", "_")


@dataclass(frozen=True)
class FaultPolicy:
    """What goes wrong at one service. Rates are probabilities per request."""

    latency_ms: float | tuple[float, float] = 0
    error_rate: float = 0.0
    error_status: int = 503
    retry_after: float | None = None
    hang_rate: float = 0.0
    hang_s: float = 30.0
    drop_rate: float = 0.0
    outage: tuple[float, float] | None = None  # absolute clock times [start, end)
    duplicate_rate: float = 0.0
    reorder_rate: float = 0.0
    reorder_s: float = 30.0
    corrupt_rate: float = 0.0

    def __post_init__(self) -> None:
        # Asked on every request that reaches a service: compute it once.
        object.__setattr__(self, "active", any(getattr(self, f.name) != f.default for f in fields(self)))

    def __repr__(self) -> str:  # only what is set: a notebook shows FaultPolicy(latency_ms=25.0), not 12 fields
        return f"FaultPolicy({', '.join(f'{k}={v!r}' for k, v in self.describe().items())})"

    def describe(self) -> dict:
        """The settings that differ from no fault at all."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if getattr(self, f.name) != f.default}


_RATES = {"error_rate", "hang_rate", "drop_rate", "duplicate_rate", "reorder_rate", "corrupt_rate"}
_NAMES = [f.name for f in fields(FaultPolicy)]


@dataclass
class NetworkFault:
    """The dispatcher's draw for one request: how many copies arrive, corrupted or not."""

    copies: int = 1
    corrupt: bool = False


@dataclass
class _Service:
    policy: FaultPolicy = field(default_factory=FaultPolicy)
    rng: random.Random = field(default_factory=random.Random)
    injected: dict[str, int] = field(default_factory=dict)


class Faults:
    """The fault settings of every service of one stack."""

    def __init__(self, services: list[str], clock: Clock, seed: int | None = None) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._services = {
            name: _Service(rng=random.Random(f"{seed}:{name}") if seed is not None else random.Random())
            for name in services
        }

    def _get(self, service: str) -> _Service:
        try:
            return self._services[service]
        except KeyError:
            raise ConfigError(f"unknown service {service!r}; faults can be set on: "
                              f"{', '.join(self._services)}") from None

    def set(self, service: str, **settings: Any) -> FaultPolicy:
        """Add or change faults on ``service``; returns the new policy.

        ``latency_ms``: a number or a ``(low, high)`` range; ``error_rate`` with
        ``error_status`` (and ``retry_after`` seconds for 429/503);
        ``hang_rate``/``hang_s`` (the service does the work, then holds its answer);
        ``drop_rate`` (the connection is cut before an answer); ``outage``: ``True`` (until cleared),
        seconds from now, or ``(start, end)`` seconds from now; and on the wire:
        ``duplicate_rate``, ``reorder_rate``/``reorder_s``, ``corrupt_rate``::

            stack.faults.set("receiver", error_rate=0.3, latency_ms=(50, 400))
        """
        if self.clock.stopping.is_set():
            raise StackError("faults: this stack is stopped; start a new one with hooklab.start()")
        svc = self._get(service)
        unknown = sorted(set(settings) - set(_NAMES))
        if unknown:
            raise ConfigError(f"unknown fault setting(s) {', '.join(map(repr, unknown))}; "
                              f"known: {', '.join(_NAMES)}")
        clean = {k: self._check(k, v) for k, v in settings.items()}
        with self._lock:
            svc.policy = replace(svc.policy, **clean)
            return svc.policy

    def _check(self, name: str, value: Any) -> Any:
        def number(v: Any) -> float:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                raise ConfigError(f"{name} must be a number >= 0, not {v!r}")
            return float(v)

        if name in _RATES:
            v = number(value)
            if v > 1:
                raise ConfigError(f"{name} is a probability between 0 and 1, not {value!r} "
                                  f"(for 30% write 0.3)")
            return v
        if name == "latency_ms":
            if isinstance(value, (tuple, list)):
                if len(value) != 2 or number(value[0]) > number(value[1]):
                    raise ConfigError(f"latency_ms range must be (low, high) with low <= high, not {value!r}")
                return (float(value[0]), float(value[1]))
            return number(value)
        if name == "error_status":
            if not isinstance(value, int) or not 400 <= value <= 599:
                raise ConfigError(f"error_status must be an HTTP error status (400-599), not {value!r}")
            return value
        if name == "retry_after":
            return None if value is None else number(value)
        if name == "outage":
            now = self.clock.now()
            if value is None or value is False:
                return None
            if value is True:
                return (now, float("inf"))
            if isinstance(value, (tuple, list)) and len(value) == 2:
                start, end = number(value[0]), number(value[1])
                if end <= start:
                    raise ConfigError(f"outage window must end after it starts, not {value!r}")
                return (now + start, now + end)
            return (now, now + number(value))
        return number(value)  # hang_s, reorder_s

    def clear(self, service: str | None = None, *, counts: bool = False) -> None:
        """Remove the faults of one service, or of all; ``counts=True`` also forgets :meth:`injected`."""
        with self._lock:
            for name in [service] if service else list(self._services):
                svc = self._get(name)
                svc.policy = FaultPolicy()
                if counts:
                    svc.injected.clear()

    def policy(self, service: str) -> FaultPolicy:
        return self._get(service).policy

    def injected(self) -> dict[str, dict[str, int]]:
        """How many faults of each kind were injected, per service."""
        with self._lock:
            return {name: dict(s.injected) for name, s in self._services.items() if s.injected}

    def summary(self) -> dict[str, dict]:
        """The active settings per service (for a readable display)."""
        return {n: s.policy.describe() for n, s in self._services.items() if s.policy.active}

    def _count(self, svc: _Service, kind: str) -> None:
        svc.injected[kind] = svc.injected.get(kind, 0) + 1

    def _in_outage(self, p: FaultPolicy) -> bool:
        return p.outage is not None and p.outage[0] <= self.clock.now() < p.outage[1]

    # -- the wire: asked by the dispatcher -----------------------------------

    def delay(self, service: str) -> float:
        """Extra seconds before a message first goes out (reordering), drawn at enqueue."""
        svc = self._get(service)
        with self._lock:
            p = svc.policy
            if p.reorder_rate and svc.rng.random() < p.reorder_rate:
                self._count(svc, "reorder")
                return round(svc.rng.uniform(0, p.reorder_s), 3)
        return 0.0

    def wire(self, service: str) -> NetworkFault:
        """What the network does to one request on its way: duplicate it, corrupt it."""
        svc = self._get(service)
        out = NetworkFault()
        with self._lock:
            p, rng = svc.policy, svc.rng
            if p.duplicate_rate and rng.random() < p.duplicate_rate:
                out.copies = 2
                self._count(svc, "duplicate")
            if p.corrupt_rate and rng.random() < p.corrupt_rate:
                out.corrupt = True
                self._count(svc, "corrupt")
        return out

    def connect(self, service: str) -> str | None:
        """What happens to one request's connection: ``"outage"``, ``"drop"``, ``"hang"`` or None.

        Drawn by the client before it sends (``hooklab.wire``), in the order requests leave.
        """
        svc = self._get(service)
        with self._lock:
            p, rng = svc.policy, svc.rng
            if not p.active:
                return None
            kind = ("outage" if self._in_outage(p) else
                    "drop" if p.drop_rate and rng.random() < p.drop_rate else
                    "hang" if p.hang_rate and rng.random() < p.hang_rate else None)
            if kind:
                self._count(svc, kind)
            return kind

    # -- the service side: a WSGI middleware ---------------------------------

    def wrap(self, service: str, app: Callable) -> Callable:
        svc = self._get(service)
        clock = self.clock

        def faulty(environ: dict, start_response: Callable):
            p = svc.policy
            if not p.active or (environ["REQUEST_METHOD"] == "GET" and environ.get(_OBSERVER_ENV)):
                return app(environ, start_response)
            with self._lock:  # one draw per request, in arrival order
                latency = p.latency_ms
                if isinstance(latency, tuple):
                    latency = svc.rng.uniform(*latency)
                error = bool(p.error_rate) and svc.rng.random() < p.error_rate
                if error:
                    self._count(svc, "error")
                if latency:
                    self._count(svc, "latency")
            if latency:
                clock.sleep(round(latency / 1000, 4))
            if error:
                return _error(p, start_response)
            return app(environ, start_response)

        return faulty


def _error(p: FaultPolicy, start_response: Callable):
    body = json.dumps({"error": f"injected fault: HTTP {p.error_status}"}).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    if p.retry_after is not None:
        headers.append(("Retry-After", str(int(p.retry_after))))
    start_response(f"{p.error_status} Injected Fault", headers)
    return [body]
