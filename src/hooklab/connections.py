"""Keep-alive HTTP/1.1 connections for the stack's own calls: one per thread and origin.

The sender posts every webhook and the receiver's handlers call the CRM, the
email platform and the notifier thousands of times a run. ``requests`` costs
about 1 ms of CPU a call on this machine, and its connection pool, retries,
cookies and proxy lookups buy nothing on 127.0.0.1. ``http.client`` is lighter,
but it parses every answer's headers with the ``email`` package, which was a
fifth of the stack's CPU in a 10,000-event run. So this module speaks HTTP/1.1
itself, in the small subset a client needs (RFC 9112): it writes the request,
reads the status line and the headers, and frames the body by
``Content-Length``, by chunks, or by the end of the connection. What it adds is
what a pool does:

- each thread keeps one open connection per origin and reuses it;
- an idle connection the server has closed is noticed before reuse, the way
  urllib3 does it (its socket reads as ready), and a new one is opened, so a
  request is never sent twice;
- failures become :class:`TransportError` with ``kind`` ``"timeout"`` or
  ``"connection"``.
"""

from __future__ import annotations

import json as jsonlib
import re
import select
import socket
import ssl
import threading
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import urlencode, urlsplit

__all__ = ["Connections", "HeaderError", "Headers", "Response", "MAX_LINE", "TransportError", "read_fields"]

#: The longest line of a message's head (status or request line, a header) either half accepts.
MAX_LINE = 65536
_MAX_HEADERS = 100
#: What a header name may be made of (RFC 9110 ``token``).
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
#: Control characters and spaces cannot appear in a request target or a header (request splitting).
_UNSAFE = re.compile(r"[\x00-\x20\x7f]")


class TransportError(Exception):
    """No answer came back. ``kind``: ``"timeout"`` or ``"connection"``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class HeaderError(ValueError):
    """A header block that cannot be read; ``too_large``: too many or too long lines (HTTP 431)."""

    def __init__(self, message: str, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


class _BadAnswer(Exception):
    """The server answered something that is not HTTP/1.x, or cut its answer short."""


class Headers(dict):
    """An answer's headers by lower-case name; ``get``, ``[]`` and ``in`` take any case.

    >>> Headers({"retry-after": "5"}).get("Retry-After")
    '5'
    """

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(name.lower(), default)

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())


@dataclass(frozen=True)
class Response:
    status: int
    reason: str
    headers: Headers
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body as JSON (``ValueError`` if it is not)."""
        return jsonlib.loads(self.content)


class _Connection:
    """One socket to one origin and its buffered reader."""

    def __init__(self, scheme: str, host: str, port: int, timeout: float) -> None:
        sock = socket.create_connection((host, port), timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # a request is one write: send it now
            if scheme == "https":
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
        except BaseException:
            sock.close()
            raise
        self.sock, self.timeout = sock, timeout
        self.rfile: BinaryIO = sock.makefile("rb")

    def dropped(self) -> bool:
        """An idle connection whose socket reads as ready has been closed by the server (or is out of step)."""
        try:
            return bool(select.select([self.sock], [], [], 0)[0])
        except (OSError, ValueError):
            return True

    def close(self) -> None:
        self.rfile.close()
        self.sock.close()


def _line(rfile: BinaryIO) -> bytes:
    line = rfile.readline(MAX_LINE + 1)
    if len(line) > MAX_LINE:
        raise _BadAnswer(f"a line over {MAX_LINE} bytes")
    return line


def read_fields(rfile: BinaryIO) -> list[tuple[str, str]]:
    """The header fields of an HTTP/1.1 message, up to the blank line, in order (RFC 9112 section 5).

    Both halves read them here: this client its answers, ``ServiceServer`` its requests (the
    standard library hands both to the ``email`` package, the costliest step of a webhook).
    An obsolete folded line continues the previous value, joined by a space. A name must be a
    token, so a space before the colon is refused, as RFC 9112 tells servers to.
    """
    fields: list[tuple[str, str]] = []
    for _ in range(_MAX_HEADERS + 1):
        line = rfile.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise HeaderError(f"a header line is over {MAX_LINE} bytes", too_large=True)
        if line in (b"\r\n", b"\n"):
            return fields
        if not line:
            raise HeaderError("the connection closed inside the headers")
        text = line.decode("latin-1").rstrip("\r\n")
        if text[:1] in (" ", "\t"):
            if not fields:
                raise HeaderError("the first header line starts with a space")
            name, value = fields[-1]
            fields[-1] = (name, f"{value} {text.strip()}")
            continue
        name, colon, value = text.partition(":")
        if not colon or not name or not _TOKEN.issuperset(name):
            raise HeaderError(f"not a header line (name: value): {text[:60]!r}")
        fields.append((name, value.strip(" \t")))
    raise HeaderError(f"more than {_MAX_HEADERS} header lines", too_large=True)


def _read_headers(rfile: BinaryIO) -> Headers:
    try:
        fields = read_fields(rfile)
    except HeaderError as e:
        raise _BadAnswer(str(e)) from None
    headers = Headers()
    for name, value in fields:
        name = name.lower()
        headers[name] = f"{dict.get(headers, name)}, {value}" if name in headers else value
    return headers


def _read_exactly(rfile: BinaryIO, size: int) -> bytes:
    data = rfile.read(size)
    if len(data) < size:
        raise _BadAnswer(f"the connection closed after {len(data)} of {size} body bytes")
    return data


def _read_chunked(rfile: BinaryIO, limit: int | None) -> tuple[bytes, bool]:
    """The body of a chunked answer, and whether it was read to its end (not cut at ``limit``)."""
    parts, total = [], 0
    while True:
        size_text = _line(rfile).split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise _BadAnswer(f"not a chunk size: {size_text[:20]!r}") from None
        if size == 0:
            while _line(rfile) not in (b"\r\n", b"\n", b""):  # trailer fields: dropped
                pass
            return b"".join(parts), True
        parts.append(_read_exactly(rfile, size))
        _line(rfile)  # the CRLF after the chunk
        total += size
        if limit is not None and total >= limit:
            return b"".join(parts)[:limit], False


def _read_response(rfile: BinaryIO, method: str, limit: int | None) -> tuple[Response, bool]:
    """Read one answer; returns it and whether the connection can carry another request."""
    while True:
        line = _line(rfile)
        if not line:
            raise _BadAnswer("the server closed the connection without answering")
        version, _, rest = line.decode("latin-1").rstrip("\r\n").partition(" ")
        code, _, reason = rest.partition(" ")
        if not version.startswith("HTTP/1.") or len(code) != 3 or not code.isdigit():
            raise _BadAnswer(f"not an HTTP/1.x status line: {line[:40]!r}")
        status = int(code)
        headers = _read_headers(rfile)
        if not 100 <= status < 200 or status == 101:  # skip interim answers (100 Continue, 103 Early Hints)
            break
    connection = headers.get("connection", "").lower()
    reusable = "close" not in connection and (version != "HTTP/1.0" or "keep-alive" in connection)
    if method == "HEAD" or status in (204, 304) or status < 200:
        content = b""
    elif "chunked" in headers.get("transfer-encoding", "").lower():
        content, whole = _read_chunked(rfile, limit)
        reusable = reusable and whole
    elif "content-length" in headers:
        try:
            length = int(headers["content-length"])
        except ValueError:
            raise _BadAnswer(f"invalid Content-Length {headers['content-length']!r}") from None
        if limit is not None and limit < length:
            content, reusable = _read_exactly(rfile, limit), False
        else:
            content = _read_exactly(rfile, length)
    else:  # the body ends where the connection does
        content, reusable = (rfile.read() if limit is None else rfile.read(limit)), False
    return Response(status, reason.strip(), headers, content), reusable


class Connections:
    """Open connections, reused per thread; :meth:`close` closes those of every thread.

    ``headers`` go with every request (a ``User-Agent``, an ``Authorization``).
    """

    def __init__(self, *, timeout: float, headers: dict[str, str] | None = None) -> None:
        self.timeout = timeout
        self.headers = dict(headers or {})
        self._local = threading.local()
        self._all: set[_Connection] = set()
        self._lock = threading.Lock()

    def _pool(self) -> dict[tuple[str, str, int], _Connection]:
        pool = getattr(self._local, "pool", None)
        if pool is None:
            pool = self._local.pool = {}
        return pool

    def _connection(self, origin: tuple[str, str, int], timeout: float) -> _Connection:
        pool = self._pool()
        conn = pool.get(origin)
        if conn is not None and conn.dropped():
            self._drop(origin, conn)
            conn = None
        if conn is None:
            conn = pool[origin] = _Connection(*origin, timeout)
            with self._lock:
                self._all.add(conn)
        if conn.timeout != timeout:
            conn.sock.settimeout(timeout)
            conn.timeout = timeout
        return conn

    def _drop(self, origin: tuple[str, str, int], conn: _Connection) -> None:
        self._pool().pop(origin, None)
        with self._lock:
            self._all.discard(conn)
        conn.close()

    def request(self, method: str, url: str, *, body: bytes | None = None, json: Any = None,
                data: Any = None, params: Any = None, headers: dict[str, str] | None = None,
                timeout: float | None = None, max_body: int | None = None) -> Response:
        """Send one request and read the answer; ``json``, ``data`` (a form) and ``params`` as in requests.

        ``max_body``: read at most that many bytes of the answer (the rest is dropped with the connection).
        """
        parts = urlsplit(url)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
        except ValueError:  # a port that is not a number
            valid = False
        if not valid:
            raise TransportError("connection", f"not an http(s) URL: {url!r}")
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if params:
            target += ("&" if parts.query else "?") + urlencode(params, doseq=True)
        if _UNSAFE.search(target) or not target.isascii():
            raise ValueError(f"the URL path {target!r} has spaces, control or non-ASCII characters: "
                             "percent-encode them (urllib.parse.quote)")
        sent = {"Host": parts.netloc.rpartition("@")[2], **self.headers, **(headers or {})}
        if json is not None:
            body = jsonlib.dumps(json).encode()
            sent.setdefault("Content-Type", "application/json")
        elif data is not None:
            body = urlencode(data, doseq=True).encode()
            sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if body is None and method in ("POST", "PUT", "PATCH"):
            body = b""
        if body is not None:
            sent["Content-Length"] = str(len(body))
        lines = [f"{method} {target} HTTP/1.1"]
        for name, value in sent.items():
            value = str(value)
            if _UNSAFE.search(name) or "\r" in value or "\n" in value:
                raise ValueError(f"header {name!r}: names cannot hold spaces or control characters, "
                                 "values cannot hold line breaks")
            lines.append(f"{name}: {value}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        origin = (parts.scheme, parts.hostname, port)
        seconds = self.timeout if timeout is None else timeout
        conn = None
        try:
            conn = self._connection(origin, seconds)
            conn.sock.sendall(head + body if body else head)
            answer, reusable = _read_response(conn.rfile, method, max_body)
        except (TimeoutError, OSError, _BadAnswer) as e:
            if conn is not None:
                self._drop(origin, conn)
            if isinstance(e, TimeoutError):
                raise TransportError("timeout", f"no answer from {parts.netloc} within {seconds} s") from None
            why = str(e) if isinstance(e, _BadAnswer) else type(e).__name__
            raise TransportError("connection", f"no answer from {parts.scheme}://{parts.netloc}: {why}") from None
        if not reusable:  # the server said close, or the body ends with the connection or was cut at max_body
            self._drop(origin, conn)
        return answer

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, set()
        for conn in conns:
            conn.close()
        self._local = threading.local()
