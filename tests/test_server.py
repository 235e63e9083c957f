"""The service server's keep-alive and the stack's HTTP client, over real sockets on 127.0.0.1."""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time

import pytest
from flask import Flask, jsonify, request

from hooklab.connections import Connections, TransportError
from hooklab.services import server as server_mod
from hooklab.services.server import ServiceServer


def make_app() -> Flask:
    app = Flask("probe")

    @app.post("/read")
    def read():
        return jsonify(size=len(request.get_data()))

    @app.post("/ignore")  # answers without reading the body
    def ignore():
        return jsonify(ok=True), 401

    @app.get("/slow")
    def slow():
        time.sleep(float(request.args["s"]))
        return jsonify(ok=True)

    @app.get("/big")
    def big():
        return "x" * 100_000

    return app


@pytest.fixture
def srv():
    with ServiceServer("probe", make_app()) as s:
        yield s


def raw(srv, data: bytes) -> bytes:
    """Send bytes as they are, read until the server closes."""
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_one_connection_carries_many_requests(srv):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    ports = set()
    for i in range(20):
        conn.request("POST", "/read", body=b"x" * i, headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        assert r.status == 200 and r.read() == b'{"size":%d}\n' % i
        ports.add(conn.sock.getsockname()[1])
    assert len(ports) == 1 and len(srv._server.threads) == 1  # one socket, one server thread
    conn.close()


def test_a_body_the_app_did_not_read_is_drained_and_the_next_request_works(srv):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    conn.request("POST", "/ignore", body=b"y" * 50_000)
    first = conn.getresponse()
    assert first.status == 401 and first.getheader("Connection") is None
    first.read()
    conn.request("POST", "/read", body=b"abc")
    assert conn.getresponse().read() == b'{"size":3}\n'


def test_an_unread_body_too_big_to_drain_closes_the_connection(srv, monkeypatch):
    monkeypatch.setattr(server_mod, "MAX_DRAIN", 1000)
    head = b"POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n"
    answer = raw(srv, head + b"z" * 5000)  # raw() returns only once the server has closed
    assert answer.startswith(b"HTTP/1.1 401") and b"Connection: close" in answer


def test_a_chunked_body_is_read_then_the_connection_closes(srv):
    answer = raw(srv, b"POST /read HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b'{"size":5}\n')
    assert b"Connection: close" in answer


@pytest.mark.parametrize("request_bytes, status, word", [
    (b"NONSENSE\r\n\r\n", 400, "Bad request syntax"),
    (b"GET / HTTP/9.9\r\n\r\n", 505, "Invalid HTTP version"),
    (b"GET /\r\n\r\n", 400, "HTTP/0.9 is not supported"),
    (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414, "request line over 65536 bytes"),
    (b"POST /read HTTP/1.1\r\nContent-Length: -4\r\n\r\n", 400, "invalid Content-Length '-4'"),
    (b"POST /read HTTP/1.1\r\nContent-Length: lots\r\n\r\n", 400, "invalid Content-Length 'lots'"),
    (b"GET / HTTP/1.x\r\n\r\n", 400, "Bad request version ('HTTP/1.x')"),
    (b"GET / HTTP/1.1\r\nno colon here\r\n\r\n", 400, "not a header line (name: value): 'no colon here'"),
    (b"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400, "not a header line"),  # RFC 9112: no space before the colon
    (b"GET / HTTP/1.1\r\n folded\r\n\r\n", 400, "the first header line starts with a space"),
    (b"GET / HTTP/1.1\r\nX: " + b"a" * 70_000 + b"\r\n\r\n", 431, "a header line is over 65536 bytes"),
    (b"GET / HTTP/1.1\r\n" + b"X-N: 1\r\n" * 101 + b"\r\n", 431, "more than 100 header lines"),
])
def test_broken_requests_get_a_json_error_that_names_the_problem(srv, request_bytes, status, word):
    answer = raw(srv, request_bytes)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d" % status), answer[:200]
    assert b"Content-Type: application/json" in head and word.encode() in body


def test_headers_reach_the_app_as_werkzeug_would_pass_them():
    seen = {}

    def echo(environ, start_response):
        seen.update({k: v for k, v in environ.items() if k.startswith("HTTP_") or k.startswith("CONTENT_")})
        start_response("200 OK", [("Content-Length", "0")])
        return [b""]

    with ServiceServer("echo", echo) as s:
        answer = raw(s, b"POST / HTTP/1.1\r\ncontent-TYPE:  application/json \r\nX-Tag: a\r\nx-tag: b\r\n"
                        b"X-Long: one\r\n\t two\r\nX_Smuggled: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200")
    assert seen == {"CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "0", "HTTP_X_TAG": "a,b",
                    "HTTP_X_LONG": "one two", "HTTP_CONNECTION": "close"}


def test_an_app_that_raises_gets_a_json_500_not_a_traceback():
    def broken(environ, start_response):
        raise RuntimeError("a bug in a middleware")

    with ServiceServer("broken", broken) as s:
        answer = raw(s, b"GET / HTTP/1.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 500") and answer.endswith(b'{"error": "the service failed; its log says why"}')


def test_head_answers_headers_only_and_expect_100_continue_is_honoured(srv):
    answer = raw(srv, b"HEAD /big HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert b"Content-Length: 100000" in answer and answer.endswith(b"\r\n\r\n")
    answer = raw(srv, b"POST /read HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n"
                      b"Connection: close\r\n\r\nok")
    assert answer.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200") and answer.count(b"100 Continue") == 1


def test_stop_closes_idle_keep_alive_connections_and_joins_their_threads():
    s = ServiceServer("probe", make_app())
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=5)
    conn.request("POST", "/read", body=b"1")
    conn.getresponse().read()
    t0 = time.monotonic()
    s.stop()
    assert time.monotonic() - t0 < 1 and not s._server.threads and not s.running


# -- the client ----------------------------------------------------------------------------

def test_the_client_reuses_its_connection_and_sends_json_forms_and_params(srv):
    http = Connections(timeout=5, headers={"User-Agent": "probe"})
    sizes = [http.request("POST", srv.url + "/read", json={"n": i}).json()["size"] for i in range(5)]
    assert sizes == [8] * 5 and len(srv._server.threads) == 1
    assert http.request("POST", srv.url + "/read", data={"a": ["1", "2"]}).json() == {"size": 7}  # a=1&a=2
    assert http.request("GET", srv.url + "/slow", params={"s": "0"}).status == 200
    http.close()


def test_a_connection_the_server_closed_while_idle_is_replaced_not_replayed(srv, monkeypatch):
    http = Connections(timeout=5)
    assert http.request("POST", srv.url + "/read", body=b"1").status == 200
    with srv._server.track:
        for conn in srv._server.connections:  # the server drops the idle connection
            conn.shutdown(socket.SHUT_RDWR)
    time.sleep(0.1)
    sent = []
    app = srv._server.app
    monkeypatch.setattr(srv._server, "app", lambda env, sr: sent.append(env["PATH_INFO"]) or app(env, sr))
    assert http.request("POST", srv.url + "/read", body=b"22").json() == {"size": 2}
    assert sent == ["/read"]  # sent once, on a new connection
    http.close()


def test_failures_are_named_timeout_or_connection(srv):
    http = Connections(timeout=0.3)
    with pytest.raises(TransportError) as e:
        http.request("GET", srv.url + "/slow", params={"s": "1"})
    assert e.value.kind == "timeout" and "within 0.3 s" in str(e.value)
    assert http.request("GET", srv.url + "/slow", params={"s": "0"}).status == 200  # a fresh connection
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    with pytest.raises(TransportError) as e:
        http.request("GET", f"http://127.0.0.1:{port}/")
    assert e.value.kind == "connection" and "ConnectionRefusedError" in str(e.value)
    for bad in ("ftp://127.0.0.1/", "http:///path", "http://127.0.0.1:port/"):
        with pytest.raises(TransportError, match="not an http"):
            http.request("GET", bad)
    http.close()


def test_max_body_reads_only_that_much_and_drops_the_connection(srv):
    http = Connections(timeout=5)
    r = http.request("GET", srv.url + "/big", max_body=10)
    assert r.content == b"x" * 10
    assert http.request("GET", srv.url + "/big").content == b"x" * 100_000  # a new connection, whole answer
    http.close()


class Canned:
    """A raw socket server on 127.0.0.1 that answers each request with the next canned bytes."""

    def __init__(self, *answers: bytes) -> None:
        self.answers, self.requests, self.accepted = list(answers), [], 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.answers:
            conn, _ = self.sock.accept()
            self.accepted += 1
            with conn, conn.makefile("rb") as rfile:
                while self.answers:
                    head = b"".join(iter(lambda: rfile.readline(), b"\r\n"))
                    if not head:
                        break
                    length = re.search(rb"Content-Length: (\d+)", head)
                    self.requests.append(head + b"\r\n" + rfile.read(int(length[1]) if length else 0))
                    answer = self.answers.pop(0)
                    conn.sendall(answer)
                    if b"Connection: close" in answer or b"HTTP/1.0" in answer:
                        break

    def close(self) -> None:
        self.sock.close()


@pytest.mark.parametrize("answer, content, reused", [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", b"ok", True),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n",
     b"abcde", True),
    (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\n1", b"1", True),
    (b"HTTP/1.1 204 No Content\r\n\r\n", b"", True),
    (b"HTTP/1.0 200 OK\r\n\r\nto the end", b"to the end", False),
    (b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye", b"bye", False),
])
def test_the_client_frames_each_kind_of_answer(answer, content, reused):
    server = Canned(answer, b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext")
    http = Connections(timeout=5)
    r = http.request("POST", server.url + "/x", json={"a": 1}, headers={"X-Probe": "1"})
    assert (r.content, r.headers.get("content-length") == r.headers.get("Content-Length")) == (content, True)
    assert http.request("GET", server.url + "/y").content == b"next"
    assert server.accepted == (1 if reused else 2)
    sent = server.requests[0]
    assert sent.startswith(b"POST /x HTTP/1.1\r\n") and b"X-Probe: 1\r\n" in sent and sent.endswith(b'{"a": 1}')
    http.close()
    server.close()


@pytest.mark.parametrize("answer, why", [
    (b"", "closed the connection without answering"),
    (b"SSH-2.0-OpenSSH\r\n", "not an HTTP/1.x status line"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\nshort", "5 of 10 body bytes"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", "invalid Content-Length"),
    (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "not a header line"),
    (b"HTTP/1.1 200 OK\r\nRetry-After : 5\r\n\r\n", "not a header line (name: value): 'Retry-After : 5'"),
    (b"HTTP/1.1 200 OK\r\n" + b"X-N: 1\r\n" * 101 + b"\r\n", "more than 100 header lines"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "not a chunk size"),
])
def test_a_malformed_answer_is_a_connection_error_that_says_what_was_wrong(answer, why):
    server = Canned(answer)  # b"": the server reads the request and hangs up
    http = Connections(timeout=5)
    with pytest.raises(TransportError) as e:
        http.request("GET", server.url + "/")
    assert e.value.kind == "connection" and why in str(e.value)
    http.close()
    server.close()


def test_a_request_that_would_split_into_two_is_refused_before_sending(srv):
    http = Connections(timeout=5)
    with pytest.raises(ValueError, match="percent-encode"):
        http.request("GET", srv.url + "/a b HTTP/1.1\r\nX: y")
    with pytest.raises(ValueError, match="line breaks"):
        http.request("GET", srv.url + "/", headers={"X-Evil": "1\r\nInjected: yes"})
    assert not srv._server.threads  # nothing reached the server
    http.close()
