"""One WSGI app on a free 127.0.0.1 port, served by waitress from a daemon thread.

Started and stopped the way pytest-httpserver does it: bind port 0 so the kernel
picks a free port, read the port back from the bound server, serve from a daemon
thread; :meth:`ServiceServer.stop` shuts the server down and joins its threads, so
nothing outlives the stack.

waitress parses HTTP strictly (it refuses a doubled or signed ``Content-Length`` and
an unknown ``Transfer-Encoding`` with 400 or 501), keeps connections alive, and runs
the application on a fixed pool of threads. Nothing that holds a thread for long is
injected here: a hang is played on the client's side (``hooklab.wire``).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from waitress import wasyncore
from waitress.server import create_server

from ..errors import StackError

__all__ = ["ServiceServer", "THREADS"]

#: Application threads per service. Latency faults hold one each while they sleep.
THREADS = 8

# waitress logs a line per queued burst ("Task queue depth is 3") and per odd client:
# in a notebook that is noise. Errors still show.
logging.getLogger("waitress").setLevel(logging.ERROR)
logging.getLogger("waitress.queue").setLevel(logging.ERROR)


class ServiceServer:
    """Serve ``app`` on ``127.0.0.1:<free port>`` until :meth:`stop`.

    >>> from flask import Flask
    >>> with ServiceServer("demo", Flask("demo")) as srv:
    ...     srv.url.startswith("http://127.0.0.1:")
    True
    """

    def __init__(self, name: str, app: Any, port: int = 0, threads: int = THREADS) -> None:
        self.name = name
        try:
            self._server = create_server(app, host="127.0.0.1", port=port, threads=threads,
                                         ident="hooklab", clear_untrusted_proxy_headers=True)
        except OSError as e:
            raise StackError(f"the {name} service could not listen on 127.0.0.1:{port}; "
                             "another program holds the port: stop it or start without a fixed port") from e
        self.port: int = int(self._server.effective_port)  # waitress reports it as text (getnameinfo)
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.run, name=f"hooklab-{name}", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 5.0) -> None:
        """Close the listening socket and every connection, then join the serving threads."""
        if not self._thread.is_alive():
            return
        # Closing the sockets from the loop's own thread (the trigger runs the function there
        # and wakes the loop at once) ends run(); from here it would race the loop's poll().
        self._server.trigger.pull_trigger(lambda: wasyncore.close_all(self._server._map))
        self._thread.join(timeout)
        self._server.task_dispatcher.shutdown(timeout=timeout)

    def __enter__(self) -> "ServiceServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<ServiceServer {self.name} {self.url}{'' if self.running else ' stopped'}>"
