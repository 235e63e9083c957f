"""One WSGI app on a free 127.0.0.1 port, served by threads, with HTTP/1.1 keep-alive.

Modelled on pytest-httpserver (bound to port 0, so the kernel picks a free port;
a daemon thread that serves; ``stop()`` that ends the loop, closes every open
connection and joins every thread, so nothing outlives the stack) and on
werkzeug's development server, which is built on the standard library's
``http.server`` as this one is.

The difference is keep-alive. werkzeug 3 answers every request with
``Connection: close``, because ``http.server`` cannot tell where a body the
application did not read ends. Here the body is framed by its
``Content-Length`` and whatever the application leaves unread is drained, so
one connection carries request after request. A sender that posts thousands of
webhooks saves a TCP handshake and a new thread on each (about 1 ms here).
"""

from __future__ import annotations

import json
import logging
import selectors
import socket
import socketserver
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

from werkzeug.serving import DechunkedInput

from ..connections import MAX_LINE, HeaderError, read_fields
from ..errors import StackError

__all__ = ["ServiceServer"]

log = logging.getLogger("hooklab.server")

#: Seconds an idle keep-alive connection is kept open (its thread waits that long).
IDLE_TIMEOUT = 60.0
#: A body the application left unread is drained up to this size; past it the connection closes.
MAX_DRAIN = 10 * 1024 * 1024
#: Statuses that never carry a body.
_NO_BODY = {204, 304}


class RequestHeaders:
    """A request's header fields in arrival order; ``get`` and ``[]`` take any case and give the first.

    What ``http.server`` builds with the ``email`` package, for the lookups this server makes.

    >>> h = RequestHeaders([("Content-Type", "application/json"), ("X-Tag", "a"), ("x-tag", "b")])
    >>> h.get("content-type"), h["X-TAG"], h["Accept"], len(h.items())
    ('application/json', 'a', None, 3)
    """

    __slots__ = ("_fields", "_first")

    def __init__(self, fields: list[tuple[str, str]]) -> None:
        self._fields = fields
        self._first: dict[str, str] = {}
        for name, value in fields:
            self._first.setdefault(name.lower(), value)

    def get(self, name: str, default: Any = None) -> Any:
        return self._first.get(name.lower(), default)

    def __getitem__(self, name: str) -> str | None:
        return self._first.get(name.lower())  # None when missing, as email.message.Message answers

    def items(self) -> list[tuple[str, str]]:
        return list(self._fields)


class _Input:
    """``wsgi.input``: the request body, framed by Content-Length, counting what is left."""

    def __init__(self, rfile: Any, length: int) -> None:
        self._rfile = rfile
        self.left = length
        self.broken = False  # the client closed before sending the whole body

    def _take(self, data: bytes, asked: int) -> bytes:
        self.left -= len(data)
        if asked and not data:
            self.broken = True
        return data

    def read(self, size: int | None = -1) -> bytes:
        size = self.left if size is None or size < 0 or size > self.left else size
        return self._take(self._rfile.read(size), size) if size else b""

    def readline(self, size: int | None = -1) -> bytes:
        size = self.left if size is None or size < 0 or size > self.left else size
        return self._take(self._rfile.readline(size), size) if size else b""

    def readlines(self, hint: int = -1) -> list[bytes]:
        return list(iter(self.readline, b""))

    def __iter__(self):
        return iter(self.readline, b"")

    def drain(self) -> bool:
        """Read and drop what the application left; False if the connection cannot go on."""
        if self.left > MAX_DRAIN:
            return False
        while self.left and not self.broken:
            self.read(min(self.left, 65536))
        return not self.broken


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hooklab"
    sys_version = ""
    timeout = IDLE_TIMEOUT  # applied to the socket by StreamRequestHandler.setup()
    server: "_Server"

    _date: tuple[int, str] = (0, "")  # (second, Date header) shared by all handlers: one format a second

    def date_time_string(self, timestamp: float | None = None) -> str:
        if timestamp is not None:
            return super().date_time_string(timestamp)
        second = int(time.time())
        if _Handler._date[0] != second:
            _Handler._date = (second, super().date_time_string(second))
        return _Handler._date[1]

    def log_message(self, format: str, *args: Any) -> None:
        # One line per request would flood a notebook; keep it for debugging.
        log.debug("%s %s", self.address_string(), format % args)

    def parse_request(self) -> bool:
        """The request line, checked as ``http.server`` checks it, then the headers, read by ``read_fields``.

        Returns False when it has already answered the error (400, 431 or 505).
        """
        self.command = None  # type: ignore[assignment]  # for send_error(), until the line parses
        self.request_version = self.default_request_version
        self.close_connection = True
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = self.requestline.split()
        if not words:
            return False
        if len(words) >= 3:
            version = words[-1]
            numbers = version[5:].split(".") if version.startswith("HTTP/") else []
            if len(numbers) != 2 or not all(n.isdigit() and len(n) <= 10 for n in numbers):
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request version ({version!r})")
                return False
            number = (int(numbers[0]), int(numbers[1]))
            if number >= (2, 0):
                self.send_error(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, f"Invalid HTTP version ({version[5:]})")
                return False
            self.close_connection = number < (1, 1)
            self.request_version = version
        if not 2 <= len(words) <= 3:
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request syntax ({self.requestline!r})")
            return False
        self.command, self.path = words[:2]
        if len(words) == 2:  # HTTP/0.9: handle_one_request() refuses it
            self.close_connection = True
            return True
        if self.path.startswith("//"):  # as http.server: never let //host/path pass as a URL (gh-87389)
            self.path = "/" + self.path.lstrip("/")
        try:
            self.headers = RequestHeaders(read_fields(self.rfile))  # type: ignore[assignment]
        except HeaderError as e:
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE if e.too_large else HTTPStatus.BAD_REQUEST,
                            str(e))
            return False
        connection = self.headers.get("Connection", "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive":
            self.close_connection = False
        if self.headers.get("Expect", "").lower() == "100-continue" and self.request_version >= "HTTP/1.1":
            return self.handle_expect_100()
        return True

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(MAX_LINE + 1)
        except OSError:  # an idle connection timed out, or the peer went away
            self.close_connection = True
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if len(self.raw_requestline) > MAX_LINE:
            self.requestline, self.request_version, self.command = "", "HTTP/1.1", ""
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG, f"request line over {MAX_LINE} bytes")
            return
        if not self.parse_request():  # it has answered 400/431/505 through send_error()
            return
        if self.request_version == "HTTP/0.9":
            self.send_error(HTTPStatus.BAD_REQUEST, "HTTP/0.9 is not supported: end the request line with HTTP/1.1")
            return
        self.run_wsgi()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors found before the application runs, as JSON like every other error, then close."""
        body = json.dumps({"error": message or HTTPStatus(code).phrase}).encode()
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # the request line did not parse: still answer with a status line
            self.request_version = "HTTP/1.1"
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:
            pass

    def make_environ(self, body: Any) -> dict[str, Any]:
        """The WSGI environ, built as werkzeug's ``make_environ`` builds it."""
        url = urlsplit(self.path)
        path = f"/{url.netloc}{url.path}" if not url.scheme and url.netloc else url.path
        environ: dict[str, Any] = {
            "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": body,
            "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "hooklab.socket": self.connection,  # fault injection cuts the connection through it
            "SERVER_SOFTWARE": self.server_version, "REQUEST_METHOD": self.command, "SCRIPT_NAME": "",
            "PATH_INFO": _latin1(unquote(path)), "QUERY_STRING": _latin1(url.query),
            "REQUEST_URI": _latin1(self.path), "REMOTE_ADDR": self.client_address[0],
            "REMOTE_PORT": self.client_address[1], "SERVER_NAME": self.server.server_address[0],
            "SERVER_PORT": str(self.server.server_address[1]), "SERVER_PROTOCOL": self.request_version,
        }
        for key, value in self.headers.items():
            if "_" in key:  # an underscore would alias a dash: a way to smuggle headers past proxies
                continue
            key = key.upper().replace("-", "_")
            value = value.replace("\r\n", "")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = f"HTTP_{key}"
                if key in environ:
                    value = f"{environ[key]},{value}"
            environ[key] = value
        if url.scheme and url.netloc:
            environ["HTTP_HOST"] = url.netloc
        return environ

    def run_wsgi(self) -> None:
        chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
        try:
            length = 0 if chunked else int(self.headers.get("Content-Length") or 0)
            if length < 0:
                raise ValueError
        except ValueError:
            self.send_error(HTTPStatus.BAD_REQUEST, f"invalid Content-Length {self.headers['Content-Length']!r}")
            return
        body = _Input(self.rfile, length)
        environ = self.make_environ(DechunkedInput(self.rfile) if chunked else body)
        if chunked:  # the end of a chunked body is not known up front: one request, then close
            environ["wsgi.input_terminated"] = True
            self.close_connection = True
        started: list = []
        chunks: list[bytes] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            if started and not exc_info:
                raise AssertionError("start_response() called twice")
            started[:] = [status, headers]
            return chunks.append  # the legacy write() callable

        try:
            result = self.server.app(environ, start_response)
            try:
                chunks.extend(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        except OSError:  # the connection was cut (an injected drop) or the client left
            self.close_connection = True
            return
        except Exception:
            log.exception("%s %s failed", self.command, self.path)
            self.send_error(HTTPStatus.INTERNAL_SERVER_ERROR, "the service failed; its log says why")
            return
        if not started:
            self.send_error(HTTPStatus.INTERNAL_SERVER_ERROR, "the application gave no status")
            return
        self._respond(*started, b"".join(chunks), body)

    def _respond(self, status: str, headers: list[tuple[str, str]], data: bytes, body: _Input) -> None:
        code = int(status.split(None, 1)[0])
        names = {name.lower(): value for name, value in headers}
        if names.get("connection", "").lower() == "close" or not body.drain():
            self.close_connection = True
        head = [f"{self.protocol_version} {status}", f"Server: {self.server_version}",
                f"Date: {self.date_time_string()}"]
        head += [f"{name}: {value}" for name, value in headers]
        if code in _NO_BODY or code < 200:
            data = b""
        elif "content-length" not in names:
            head.append(f"Content-Length: {len(data)}")
        if self.close_connection and "connection" not in names:
            head.append("Connection: close")
        self.log_request(code, len(data))
        try:
            self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
                             + (b"" if self.command == "HEAD" else data))
        except OSError:
            self.close_connection = True


def _latin1(text: str) -> str:
    """WSGI carries bytes in str as latin-1 (PEP 3333)."""
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, port: int, app: Any) -> None:
        self.app = app
        self.connections: set[socket.socket] = set()
        self.threads: set[threading.Thread] = set()
        self.track = threading.Lock()
        super().__init__(("127.0.0.1", port), _Handler)

    def process_request(self, request: socket.socket, client_address: Any) -> None:
        t = threading.Thread(target=self._serve_one, args=(request, client_address),
                             name=f"hooklab-conn-{self.server_address[1]}", daemon=True)
        with self.track:
            self.connections.add(request)
            self.threads.add(t)
        t.start()

    def _serve_one(self, request: socket.socket, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self.track:
                self.connections.discard(request)
                self.threads.discard(threading.current_thread())

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection error from %s", client_address, exc_info=True)


class ServiceServer:
    """Serve ``app`` on ``127.0.0.1:<free port>`` until :meth:`stop`.

    >>> from flask import Flask
    >>> with ServiceServer("demo", Flask("demo")) as srv:
    ...     srv.url.startswith("http://127.0.0.1:")
    True
    """

    def __init__(self, name: str, app: Any, port: int = 0) -> None:
        self.name = name
        self.app = app
        try:
            self._server = _Server(port, app)
        except OSError as e:
            raise StackError(f"the {name} service could not listen on 127.0.0.1:{port}; "
                             "another program holds the port: stop it or start without a fixed port") from e
        self.port: int = self._server.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._wake_r, self._wake_w = socket.socketpair()
        self._thread = threading.Thread(target=self._loop, name=f"hooklab-{name}", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        # Our own loop instead of serve_forever(): a wake-up socket ends it at
        # once, where serve_forever polls every 0.5 s and makes stop() slow.
        with selectors.DefaultSelector() as sel:
            sel.register(self._server.socket, selectors.EVENT_READ)
            sel.register(self._wake_r, selectors.EVENT_READ)
            while True:
                for key, _ in sel.select():
                    if key.fileobj is self._wake_r:
                        return
                    self._server._handle_request_noblock()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, cut open connections, join every thread."""
        if self._wake_w is None:
            return
        self._wake_w.send(b"x")
        self._thread.join(timeout)
        self._server.server_close()
        with self._server.track:
            conns = list(self._server.connections)
            threads = list(self._server.threads)
        for conn in conns:  # idle keep-alive connections would block their threads
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for t in threads:
            t.join(timeout)
        self._wake_r.close()
        self._wake_w.close()
        self._wake_w = None

    def __enter__(self) -> "ServiceServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<ServiceServer {self.name} {self.url}{'' if self.running else ' stopped'}>"
