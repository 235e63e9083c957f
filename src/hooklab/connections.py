"""Keep-alive HTTP/1.1 connections for the stack's own calls: one per thread and origin.

The sender posts every webhook and the receiver's handlers call the CRM, the
email platform and the notifier thousands of times a run. ``requests`` costs
about 1 ms of CPU a call on this machine, and its connection pool, retries,
cookies and proxy lookups buy nothing on 127.0.0.1. ``http.client`` does the
same round trip in a third of the time. What this module adds to it is what a
pool does:

- each thread keeps one open connection per origin and reuses it;
- an idle connection the server has closed is noticed before reuse, the way
  urllib3 does it (its socket reads as ready), and a new one is opened, so a
  request is never sent twice;
- failures become :class:`TransportError` with ``kind`` ``"timeout"`` or
  ``"connection"``.
"""

from __future__ import annotations

import http.client
import json as jsonlib
import select
import ssl
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

__all__ = ["Connections", "Response", "TransportError"]


class TransportError(Exception):
    """No answer came back. ``kind``: ``"timeout"`` or ``"connection"``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Response:
    status: int
    reason: str
    headers: http.client.HTTPMessage
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body as JSON (``ValueError`` if it is not)."""
        return jsonlib.loads(self.content)


def _dropped(conn: http.client.HTTPConnection) -> bool:
    """An idle connection whose socket reads as ready has been closed by the server (or is out of step)."""
    try:
        return bool(select.select([conn.sock], [], [], 0)[0])
    except (OSError, ValueError):
        return True


class Connections:
    """Open connections, reused per thread; :meth:`close` closes those of every thread.

    ``headers`` go with every request (a ``User-Agent``, an ``Authorization``).
    """

    def __init__(self, *, timeout: float, headers: dict[str, str] | None = None) -> None:
        self.timeout = timeout
        self.headers = dict(headers or {})
        self._local = threading.local()
        self._all: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def _connection(self, scheme: str, netloc: str, timeout: float) -> http.client.HTTPConnection:
        pool = getattr(self._local, "pool", None)
        if pool is None:
            pool = self._local.pool = {}
        conn = pool.get((scheme, netloc))
        if conn is None:
            if scheme == "https":
                conn = http.client.HTTPSConnection(netloc, timeout=timeout, context=ssl.create_default_context())
            else:
                conn = http.client.HTTPConnection(netloc, timeout=timeout)
            pool[(scheme, netloc)] = conn
            with self._lock:
                self._all.append(conn)
        elif conn.sock is not None and _dropped(conn):
            conn.close()  # the next request opens a new socket (http.client's auto_open)
        if conn.timeout != timeout:
            conn.timeout = timeout
            if conn.sock is not None:
                conn.sock.settimeout(timeout)
        return conn

    def request(self, method: str, url: str, *, body: bytes | None = None, json: Any = None,
                data: Any = None, params: Any = None, headers: dict[str, str] | None = None,
                timeout: float | None = None, max_body: int | None = None) -> Response:
        """Send one request and read the answer; ``json``, ``data`` (a form) and ``params`` as in requests.

        ``max_body``: read at most that many bytes of the answer (the rest is dropped with the connection).
        """
        parts = urlsplit(url)
        try:
            valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
        except ValueError:  # a port that is not a number
            valid = False
        if not valid:
            raise TransportError("connection", f"not an http(s) URL: {url!r}")
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if params:
            target += ("&" if parts.query else "?") + urlencode(params, doseq=True)
        sent = {**self.headers, **(headers or {})}
        if json is not None:
            body = jsonlib.dumps(json).encode()
            sent.setdefault("Content-Type", "application/json")
        elif data is not None:
            body = urlencode(data, doseq=True).encode()
            sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if body is None and method in ("POST", "PUT", "PATCH"):
            body = b""
        conn = self._connection(parts.scheme, parts.netloc, self.timeout if timeout is None else timeout)
        try:
            conn.request(method, target, body=body, headers=sent)
            r = conn.getresponse()
            content = r.read() if max_body is None else r.read(max_body)
        except TimeoutError:
            conn.close()
            raise TransportError("timeout", f"no answer from {parts.netloc} within {conn.timeout} s") from None
        except (OSError, http.client.HTTPException) as e:
            conn.close()
            raise TransportError("connection", f"no answer from {parts.scheme}://{parts.netloc}: "
                                               f"{type(e).__name__}") from None
        if r.will_close or not r.isclosed():  # the server said close, or the body was cut at max_body
            conn.close()
        return Response(r.status, r.reason, r.headers, content)

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            conn.close()
        self._local = threading.local()
