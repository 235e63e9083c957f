"""How the stack's clients speak HTTP: ``requests`` sessions, and the faults that live on the wire.

The sender, the service clients (``stack.crm``, ``stack.email``, ``stack.notifier``) and
the load generator all call through :class:`Sessions`: one ``requests.Session`` per
thread (a Session is not thread-safe), each keeping its connections alive, all closed by
:meth:`Sessions.close`.

A Session takes a *transport adapter* per URL prefix; :class:`StackAdapter` is requests'
own ``HTTPAdapter`` with two additions:

- the network faults in front of it: before a request leaves it asks
  :meth:`~hooklab.faults.Faults.connect` whether the connection is refused (an outage),
  cut (a drop) or whether the answer will come too late (a hang), and plays that out as
  the client would meet it: ``requests.ConnectionError`` or ``requests.ReadTimeout``;
- a request to this machine never goes through a proxy. The environment's proxy settings
  (``HTTPS_PROXY``) apply to every other endpoint, but a hub's proxy must not carry off
  the stack's own calls to 127.0.0.1.
"""

from __future__ import annotations

import threading
from typing import Callable
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from .faults import OBSERVER_HEADER, Faults

__all__ = ["StackAdapter", "Sessions", "error_kind"]

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def error_kind(e: requests.RequestException) -> str:
    """The attempt log's name for a request that got no answer."""
    if isinstance(e, requests.Timeout):
        return "timeout"
    if isinstance(e, requests.exceptions.SSLError):
        return "tls"
    if isinstance(e, requests.ConnectionError):
        return "connection"
    if isinstance(e, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
        return "bad answer"
    return "request"


class StackAdapter(HTTPAdapter):
    """requests' HTTP transport, with the injected faults of the service a URL belongs to."""

    def __init__(self, faults: Faults | None, service_of: Callable[[str], str | None]) -> None:
        super().__init__()
        self.faults = faults
        self.service_of = service_of

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # noqa: D102
        if urlsplit(request.url).hostname in _LOOPBACK:
            proxies = {}
        service = self.service_of(request.url) if self.faults is not None else None
        observer = request.method == "GET" and OBSERVER_HEADER in request.headers
        fault = self.faults.connect(service) if service and not observer else None
        if fault in ("outage", "drop"):
            what = "refused: the service is down" if fault == "outage" else "cut before the answer"
            raise requests.ConnectionError(f"injected fault at {service}: connection {what}", request=request)
        response = super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert,
                                proxies=proxies)
        if fault == "hang":
            # The service did the work and answered, but its answer is held back past the
            # client's timeout: the classic source of duplicate deliveries.
            hang = self.faults.policy(service).hang_s
            limit = timeout[1] if isinstance(timeout, tuple) else timeout
            self.faults.clock.sleep(hang if limit is None else min(hang, limit))
            if limit is not None and hang >= limit:
                response.close()
                raise requests.ReadTimeout(f"injected fault at {service}: no answer within {limit:g} s",
                                           request=request)
        return response


class Sessions:
    """One ``requests.Session`` per thread, with ``headers`` on every request; :meth:`close` ends them all.

    With ``faults`` and ``service_of`` (URL to service name), the faults of that service apply.
    """

    def __init__(self, *, headers: dict[str, str] | None = None, faults: Faults | None = None,
                 service_of: Callable[[str], str | None] = lambda url: None) -> None:
        self.headers = dict(headers or {})
        self.faults, self.service_of = faults, service_of
        self._local = threading.local()
        self._all: list[requests.Session] = []
        self._lock = threading.Lock()

    def get(self) -> requests.Session:
        """The calling thread's Session."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers.update(self.headers)
            for prefix in ("http://", "https://"):
                session.mount(prefix, StackAdapter(self.faults, self.service_of))
            with self._lock:
                self._all.append(session)
            self._local.session = session
        return session

    def close(self) -> None:
        with self._lock:
            sessions, self._all = self._all, []
        for session in sessions:
            session.close()
        self._local = threading.local()
