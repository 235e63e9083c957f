"""One WSGI app on a free 127.0.0.1 port, served by a thread.

Modelled on pytest-httpserver: werkzeug's threaded server bound to port 0 (the
kernel picks a free port, read back from the bound socket), a daemon thread
that serves it, and ``stop()`` that ends the loop, closes every open
connection and joins every thread, so nothing outlives the stack.
"""

from __future__ import annotations

import logging
import selectors
import socket
import threading
from typing import Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from ..errors import StackError

__all__ = ["ServiceServer"]

log = logging.getLogger("hooklab.server")


class _QuietHandler(WSGIRequestHandler):
    # Keep-alive lets the dispatcher reuse connections; set explicitly because
    # werkzeug otherwise mutates the shared handler class to enable it.
    protocol_version = "HTTP/1.1"

    def log(self, type: str, message: str, *args: Any) -> None:
        # One line per request would flood a notebook; keep it for debugging.
        log.debug("%s %s", self.address_string(), message % args)


class _Server(ThreadedWSGIServer):
    daemon_threads = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.connections: set[socket.socket] = set()
        self.threads: set[threading.Thread] = set()
        self.track = threading.Lock()
        super().__init__(*args, **kwargs)

    def log(self, type: str, message: str, *args: Any) -> None:
        log.debug(message, *args)

    def process_request(self, request: socket.socket, client_address: Any) -> None:
        t = threading.Thread(target=self._serve_one, args=(request, client_address),
                             name=f"hooklab-conn-{self.port}", daemon=True)
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
            self._server = _Server("127.0.0.1", port, app, handler=_QuietHandler)
        except (SystemExit, OSError) as e:
            # werkzeug prints and calls sys.exit(1) when it cannot bind.
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
