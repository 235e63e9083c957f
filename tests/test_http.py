"""HTTP on real sockets: the services refuse malformed requests, keep connections alive and stop
cleanly; the clients refuse a request that would split before sending a byte; the sender names
what went wrong on the wire.

waitress parses and requests/urllib3 compose: these tests pin the behaviour the course relies on,
so an upgrade or a change of server that loosens it fails here.
"""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time
from contextlib import contextmanager

import psutil
import pytest
import requests
from flask import Flask

import hooklab
from hooklab.services.serving import ServiceServer
from hooklab.wire import Sessions

SERVICES = ["receiver", "crm", "email", "notifier", "inspector"]
PIPELINED = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"

# Requests a lenient parser reads one way and a proxy in front of it another: the classic
# request-smuggling openings. Each must be refused (4xx, or 501 for an unknown coding).
MALFORMED = {
    "two Content-Lengths, then a pipelined request": (
        b"POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 3\r\nContent-Length: 40\r\n\r\nabc" + PIPELINED),
    "Content-Length: +3": b"POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc",
    "Content-Length: 0_3": b"POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: 0_3\r\n\r\nabc",
    "Transfer-Encoding: xchunked": (
        b"POST /webhooks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
    "Transfer-Encoding: gzip": b"POST /webhooks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc",
    "chunk size 0x3": (
        b"POST /webhooks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n"),
}


def send_raw(port: int, data: bytes, timeout: float = 2.0) -> bytes:
    """Send bytes as they are; read until the server closes or ``timeout`` passes."""
    chunks = []
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline and (chunk := sock.recv(65536)):
                chunks.append(chunk)
        except (socket.timeout, ConnectionResetError):
            pass
    return b"".join(chunks)


def refusal_problems(port: int) -> list[str]:
    """What is wrong with the answers to :data:`MALFORMED` on ``port`` (empty: all refused, once)."""
    problems = []
    for case, data in MALFORMED.items():
        answer = send_raw(port, data)
        status_lines = re.findall(rb"(?m)^HTTP/1\.\d (\d{3})", answer)
        status = int(status_lines[0]) if status_lines else None
        if status is None or not (400 <= status < 500 or status == 501):
            problems.append(f"{case}: answered {status} instead of a 4xx or 501")
        if len(status_lines) != 1:
            problems.append(f"{case}: {len(status_lines)} status lines, a second request got through: {answer[:300]!r}")
    return problems


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_refuses_malformed_framing_and_answers_once(vstack, service):
    # One stack per service, all six requests against it: a stack per case would cost 30 starts.
    problems = refusal_problems(vstack._servers[service].port)
    assert not problems, f"the {service} service:\n" + "\n".join(problems)


def test_one_connection_carries_many_requests(vstack):
    conn = http.client.HTTPConnection("127.0.0.1", vstack._servers["crm"].port, timeout=5)
    try:
        conn.request("GET", "/health")
        assert conn.getresponse().read() == b'{"ok":true,"service":"crm"}\n'
        sock = conn.sock
        for _ in range(19):
            conn.request("GET", "/health")
            r = conn.getresponse()
            assert r.status == 200 and r.read()
            assert conn.sock is sock, "the server closed a keep-alive connection"
    finally:
        conn.close()


def probe_app() -> Flask:
    app = Flask("probe")
    app.add_url_rule("/health", "health", lambda: {"ok": True})
    return app


def serving_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(("hooklab", "waitress"))]


def listening(port: int) -> bool:
    return any(c.laddr.port == int(port) and c.status == "LISTEN" for c in psutil.Process().net_connections("tcp"))


def test_the_port_is_read_back_from_the_bound_server():
    with ServiceServer("probe", probe_app()) as srv:
        assert listening(srv.port)  # also the control for the `not listening` checks below
        assert isinstance(srv.port, int) and srv.port == srv._server.socket.getsockname()[1] != 0
        assert srv.url == f"http://127.0.0.1:{srv.port}"
        assert requests.get(srv.url + "/health", timeout=5).json() == {"ok": True}


def test_stop_leaves_no_thread_and_no_listening_socket():
    before = serving_threads()
    srv = ServiceServer("probe", probe_app())
    assert len(serving_threads()) > len(before)
    srv.stop()
    assert serving_threads() == before and not srv.running
    assert not listening(srv.port)


def test_stop_with_an_idle_keep_alive_connection_returns_quickly():
    srv = ServiceServer("probe", probe_app())
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    try:
        conn.request("GET", "/health")
        assert conn.getresponse().read()  # the connection stays open, idle, on the server's side
        started = time.monotonic()
        srv.stop()
        assert time.monotonic() - started < 2
        assert not srv.running and not listening(srv.port)
    finally:
        conn.close()
        srv.stop()


@contextmanager
def recorder():
    """A listening socket that never answers; ``received()`` gives the bytes of every connection made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.setblocking(False)

    def received() -> list[bytes]:
        got = []
        while True:
            try:
                conn, _ = server.accept()
            except BlockingIOError:
                return got
            with conn:
                conn.settimeout(0.3)
                data = b""
                try:
                    while chunk := conn.recv(65536):
                        data += chunk
                except socket.timeout:
                    pass
                got.append(data)

    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}", received
    finally:
        server.close()


# (method, headers) that would split the request or cannot be encoded
UNSENDABLE = {
    "CR LF in the method": ("GET\r\nX-Injected: 1", {}),
    "a space in the method": ("GET /admin", {}),
    "a colon in a header name": ("GET", {"X:Injected": "1"}),
    "CR LF in a header value": ("GET", {"X-Note": "a\r\nX-Injected: 1"}),
    "LF in a header value": ("GET", {"X-Note": "a\nX-Injected: 1"}),
    "a header value that is not Latin-1": ("GET", {"X-Note": "São €"}),
}
unsendable = pytest.mark.parametrize("method,headers", UNSENDABLE.values(), ids=UNSENDABLE.keys())


def test_the_recorder_sees_a_request_that_is_sent():
    # the control for the two tests below: a request that goes out is seen
    with recorder() as (url, received):
        with pytest.raises(requests.ReadTimeout):
            requests.get(url + "/x", headers={"X-Note": "São"}, timeout=0.3)
        [request] = received()
        assert request.startswith(b"GET /x HTTP/1.1\r\n") and b"X-Note: S\xe3o\r\n" in request


@unsendable
def test_a_session_refuses_an_unsendable_request_before_sending(method, headers):
    sessions = Sessions()
    try:
        with recorder() as (url, received):
            with pytest.raises((requests.exceptions.InvalidHeader, ValueError)):
                sessions.get().request(method, url + "/x", headers=headers, timeout=1)
            assert received() == []
    finally:
        sessions.close()


@unsendable
def test_a_service_client_refuses_an_unsendable_request_with_a_config_error(vstack, monkeypatch, method, headers):
    with recorder() as (url, received):
        monkeypatch.setattr(vstack.crm, "base_url", url)
        with pytest.raises(hooklab.ConfigError, match="crm: cannot send"):
            vstack.crm.request(method, "/api/contacts", headers=headers, timeout=1)
        assert received() == []


def attempts_to(stack, sub: dict) -> list:
    d = stack.deliveries()
    return d[d["subscription"] == sub["id"]]["error"].tolist()


def test_a_subscription_to_a_closed_port_fails_with_connection(vstack):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed: nothing listens there now
    sub = vstack.subscribe(f"http://127.0.0.1:{port}/webhooks", name="gone")
    vstack.fire("newsletter.subscribed")
    vstack.advance(60)
    errors = attempts_to(vstack, sub)
    assert errors and set(errors) == {"connection"}


# The injected faults (hang: timeout, drop: connection) are tested in test_dispatcher.py;
# these two meet the same failures from a real peer.
def test_an_endpoint_that_never_answers_times_out():
    with recorder() as (url, received), hooklab.start(seed=7, timeout=0.3, schedule=(0,)) as stack:
        sub = stack.subscribe(url + "/webhooks", name="silent")
        stack.fire("newsletter.subscribed")
        stack.wait(timeout=10)
        assert attempts_to(stack, sub) == ["timeout"]
        [request] = received()
        assert request.startswith(b"POST /webhooks HTTP/1.1\r\n")


def test_an_endpoint_that_hangs_up_fails_with_connection():
    with recorder() as (url, received), hooklab.start(seed=7, timeout=5, schedule=(0,)) as stack:
        sub = stack.subscribe(url + "/webhooks", name="rude")
        stack.fire("newsletter.subscribed")
        deadline = time.monotonic() + 5
        while not (got := received()) and time.monotonic() < deadline:
            time.sleep(0.02)  # received() reads the request, then closes without an answer
        assert got and got[0].startswith(b"POST /webhooks HTTP/1.1\r\n")
        stack.wait(timeout=10)
        assert attempts_to(stack, sub) == ["connection"]
