"""Fuzzing: properties of signing and the catalog, and the CRM and email APIs fuzzed from their OpenAPI documents.

Hypothesis draws the inputs (seeded by the test's name, no example database: a run is the same every
time); Schemathesis generates requests from each service's own ``GET /openapi.json`` and sends them to
the Flask app in-process (WSGI, no network). The whole file runs in well under a minute.
"""

from __future__ import annotations

import base64
import json

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings, strategies as st
from hypothesis.errors import Unsatisfiable
from jsonschema import Draft202012Validator
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from hooklab import catalog, signing
from hooklab.clock import VirtualClock
from hooklab.errors import ConfigError, EventValidationError, SignatureError
from hooklab.services import crm, email
from hooklab.services.openapi import crm_document, email_document
from hooklab.store import Store

# derandomize: the same examples on every run (a fuzz failure must be reproducible, not flaky).
FAST = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

NOW = 1_767_603_600  # 2026-01-05 09:00 UTC, the virtual clock's epoch

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
keys = st.binary(min_size=1, max_size=64)
secrets_ = keys.map(lambda k: "whsec_" + base64.b64encode(k).decode())
# A message id as it can travel in a header: no surrounding whitespace (HTTP strips it).
msg_ids = st.text(min_size=1, max_size=40).filter(lambda s: s.strip() == s and s != "")
header_names = st.sampled_from(["webhook-id", "webhook-timestamp", "webhook-signature", "Webhook-Signature",
                                "content-type", "x-other"])
header_values = st.one_of(st.text(max_size=80), st.binary(max_size=40),
                          st.integers(min_value=0, max_value=2 * NOW).map(str),
                          st.lists(st.binary(min_size=1, max_size=40).map(lambda b: "v1," + base64.b64encode(b).decode()),
                                   max_size=3).map(" ".join))
bodies = st.one_of(st.binary(max_size=200), st.text(max_size=200), json_values.map(json.dumps))


# -- signing.verify() ---------------------------------------------------------------------------

@FAST
@given(secret=secrets_, headers=st.dictionaries(header_names, header_values, max_size=5), body=bodies,
       now=st.integers(min_value=0, max_value=2 * NOW))
def test_verify_raises_only_signature_or_validation_errors(secret, headers, body, now):
    try:
        signing.verify(secret, headers, body, now=now)
    except (SignatureError, EventValidationError) as e:
        assert str(e)  # and it says what failed
    # anything else (KeyError, UnicodeError, binascii.Error, ConfigError...) fails the test


@FAST
@given(secret=st.one_of(st.text(max_size=60), st.binary(max_size=40), secrets_,
                        st.lists(secrets_, min_size=1, max_size=3)),
       headers=st.dictionaries(header_names, header_values, max_size=5), body=bodies)
def test_a_bad_secret_is_a_config_error_and_nothing_else_escapes(secret, headers, body):
    try:
        signing.verify(secret, headers, body, now=NOW)
    except ConfigError as e:  # a learner's setting is wrong: only for a secret that does not parse
        with pytest.raises(ConfigError):
            for s in secret if isinstance(secret, list) else [secret]:
                signing.parse_secret(s)
        assert "secret" in str(e)
    except (SignatureError, EventValidationError):
        pass


@FAST
@given(key=keys, msg_id=msg_ids, timestamp=st.integers(min_value=0, max_value=4_000_000_000), data=json_values)
def test_sign_then_verify_round_trips(key, msg_id, timestamp, data):
    body = json.dumps(data, ensure_ascii=False)
    for secret in (key, "whsec_" + base64.b64encode(key).decode()):
        headers = signing.sign_headers(secret, msg_id, timestamp, body)
        assert signing.verify(secret, headers, body, now=timestamp) == json.loads(body)
        assert signing.verify(secret, headers, body.encode("utf-8", "surrogatepass"), now=timestamp) == data


def _flip(text: str, at: int, to: str) -> str:
    return text[:at] + to + text[at + 1:]


@FAST
@given(key=keys, msg_id=msg_ids, timestamp=st.integers(min_value=10, max_value=4_000_000_000), data=json_values,
       where=st.sampled_from(["body", "id", "timestamp"]), position=st.integers(min_value=0),
       byte=st.integers(min_value=1, max_value=255), char=st.characters())
def test_any_single_byte_change_to_body_id_or_timestamp_is_rejected(key, msg_id, timestamp, data, where, position,
                                                                    byte, char):
    body = json.dumps(data).encode()
    headers = signing.sign_headers(key, msg_id, timestamp, body)
    if where == "body":
        i = position % len(body)
        body = body[:i] + bytes([body[i] ^ byte]) + body[i + 1:]  # XOR with 1..255: always a different byte
    else:
        name = f"webhook-{where}"
        i = position % len(headers[name])
        assume(char != headers[name][i])
        headers[name] = _flip(headers[name], i, char)
    # A huge tolerance: a changed timestamp must fail on the signature, not only on the clock.
    with pytest.raises(SignatureError):
        signing.verify(key, headers, body, tolerance=1e12, now=timestamp)


# -- the catalog ------------------------------------------------------------------------------

event_types = st.sampled_from(sorted(catalog.EVENT_TYPES))
envelopes = st.fixed_dictionaries(
    {}, optional={"type": event_types | json_values, "timestamp": st.sampled_from(["2026-01-05T09:00:00Z"]) | json_values,
                  "data": st.dictionaries(st.text(max_size=12), json_values, max_size=6) | json_values,
                  "extra": json_values})


def _check_names_the_field(error: EventValidationError) -> None:
    assert error.errors, "an EventValidationError lists its problems"
    for problem in error.errors:
        path, sep, message = problem.partition(": ")
        assert sep and message and path.split(".")[0].split("[")[0] in ("event", "type", "timestamp", "data"), problem
    first = error.errors[0].partition(": ")[0]
    assert first in str(error) or (first == "type" and "event type" in str(error)), (first, str(error))


@FAST
@given(event=st.one_of(json_values, envelopes))
def test_validate_raises_only_event_validation_errors_that_name_the_field(event):
    try:
        assert catalog.validate(event) is event
    except EventValidationError as e:
        _check_names_the_field(e)


@FAST
@given(name=st.one_of(event_types, st.text(max_size=20)), data=st.one_of(json_values,
       st.dictionaries(st.sampled_from(["email", "name", "total", "items", "order_id", "currency", "version"]),
                       json_values, max_size=5)))
def test_validate_data_raises_only_event_validation_errors_that_name_the_field(name, data):
    try:
        catalog.validate_data(name, data)
    except EventValidationError as e:
        _check_names_the_field(e)


WRONG = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30),
                  st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))


@settings(FAST, max_examples=80)
@given(name=event_types, seed=st.integers(0, 2**32 - 1), value=WRONG, pick=st.integers(min_value=0))
def test_a_wrong_field_is_named_in_the_error(name, seed, value, pick):
    data = catalog.Factory(seed=seed).data(name)
    field = sorted(data)[pick % len(data)]
    assume(not Draft202012Validator(catalog.get(name).schema["properties"][field]).is_valid(value))
    data[field] = value
    with pytest.raises(EventValidationError) as caught:
        catalog.validate(catalog.envelope(name, data, NOW))
    assert f"data.{field}" in caught.value.errors[0] and f"data.{field}" in str(caught.value), caught.value.errors


@settings(FAST, max_examples=40)
@given(seed=st.integers(0, 2**32 - 1), at=st.integers(min_value=0, max_value=4_000_000_000))
def test_every_factory_sample_validates(seed, at):
    factory = catalog.Factory(seed=seed, now=lambda: at)
    for name in catalog.EVENT_TYPES:
        data = factory.data(name)
        assert catalog.validate_data(name, data) is data
        event = catalog.envelope(name, data, at)
        assert catalog.validate(json.loads(json.dumps(event))) == event  # as the receiver sees it


# -- the CRM and email APIs, from their OpenAPI documents ------------------------------------------

KEY = "key_fuzz"
AUTH = {"Authorization": f"Bearer {KEY}"}
SERVICES = {"crm": (crm, crm_document), "email": (email, email_document)}


@pytest.fixture
def service_app(tmp_path):
    stores = []

    def make(name: str):
        module = SERVICES[name][0]
        store = Store(tmp_path / f"{name}.db", module.SCHEMA)
        stores.append(store)
        return module.create_app(store, KEY, VirtualClock())

    yield make
    for store in stores:
        store.close()


def _operations(document: dict) -> list[tuple[str, str]]:
    return [(path, method) for path, item in document["paths"].items()
            for method in item if method in ("get", "put", "post", "patch", "delete")]


OPERATIONS = [(name, path, method) for name, (_, doc) in SERVICES.items() for path, method in _operations(doc())]


def _assert_json_error(response, context) -> None:
    """Every 4xx is JSON with a non-empty ``error`` string (the check this file adds to Schemathesis's)."""
    assert response.status_code < 500, context
    if 400 <= response.status_code < 500:
        content_type = response.headers.get("content-type") or response.headers.get("Content-Type") or ""
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/json"), context
        body = json.loads(response.content)
        assert isinstance(body.get("error"), str) and body["error"].strip(), (context, body)


def test_each_service_serves_its_openapi_document_without_a_key(service_app):
    for name, (_, document) in SERVICES.items():
        client = service_app(name).test_client()
        r = client.get("/openapi.json")
        assert r.status_code == 200 and r.json == document() and r.json["openapi"] == "3.1.0"
        assert client.get("/api/contacts" if name == "crm" else "/api/lists").status_code == 401
        assert KEY not in r.get_data(as_text=True)


def test_the_documents_cover_every_route_of_the_apps(service_app):
    for name, (_, document) in SERVICES.items():
        app = service_app(name)
        routes = {(rule.rule.replace("<", "{").replace(">", "}"), method.lower()) for rule in app.url_map.iter_rules()
                  for method in rule.methods - {"HEAD", "OPTIONS"} if rule.endpoint not in ("static", "openapi")}
        assert routes == set(_operations(document())), name


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("service, path, method", OPERATIONS, ids=[f"{n}-{m.upper()}-{p}" for n, p, m in OPERATIONS])
def test_schemathesis_finds_no_server_error_and_only_json_4xx(service_app, service, path, method, mode):
    app = service_app(service)
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    operation = schema[path][method.upper()]
    seen: list[int] = []

    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case):
        response = case.call(headers=AUTH)
        seen.append(response.status_code)
        case.validate_response(response, checks=[not_a_server_error])
        _assert_json_error(response, (case.method, case.formatted_path, case.body, response.text[:300]))

    try:
        fuzz()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE and method == "get" and "{" not in path  # nothing to break
        pytest.skip("no parameter or body to make invalid")
    assert seen and all(code < 500 for code in seen)
    if mode is GenerationMode.NEGATIVE and any(p in path for p in ("{email}", "{who}")):
        assert any(400 <= code < 500 for code in seen)  # broken input was refused, not let through


# -- deliberately malformed bodies, built from the documents' request schemas ----------------------

# A valid request for each operation with a body; the fuzz below breaks one thing at a time.
VALID = {
    ("crm", "/api/contacts/{email}", "put"): ("/api/contacts/ana@example.com", {
        "email": "ana@example.com", "name": "Ana", "phone": "+351 912", "company": "Acme", "city": "Porto",
        "job_title": "CMO", "locale": "pt_BR", "lifecycle_stage": "lead", "subscribed": True,
        "source_version": 2, "subscribed_at": 1.5}),
    ("crm", "/api/contacts/batch", "post"): ("/api/contacts/batch", {"contacts": [{"email": "ana@example.com"}]}),
    ("crm", "/api/orders", "post"): ("/api/orders", {"order_id": "A-1", "email": "ana@example.com", "total": 5,
                                                     "currency": "EUR", "status": "completed", "items": []}),
    ("crm", "/api/orders/{order_id}", "put"): ("/api/orders/A-1", {
        "order_id": "A-1", "email": "ana@example.com", "total": 5, "currency": "EUR", "status": "completed",
        "items": []}),
    ("crm", "/api/contacts/{email}/timeline", "post"): ("/api/contacts/ana@example.com/timeline", {
        "kind": "note", "text": "hello", "event_id": "evt_1", "at": 2.0}),
    ("crm", "/api/timeline/batch", "post"): ("/api/timeline/batch", {"entries": [
        {"email": "ana@example.com", "kind": "note", "text": "hello", "event_id": "evt_2", "at": 3.0}]}),
    ("email", "/api/lists", "post"): ("/api/lists", {"id": "vip", "name": "VIP"}),
    ("email", "/api/lists/{list_id}/members/batch", "post"): ("/api/lists/newsletter/members/batch", {"members": [
        {"email_address": "bia@example.com", "status": "subscribed", "status_if_new": "subscribed",
         "merge_fields": {"FNAME": "Bia"}, "tags": ["vip"]}]}),
    ("email", "/api/lists/{list_id}/members/{who}", "put"): ("/api/lists/newsletter/members/ana@example.com", {
        "email_address": "ana@example.com", "status": "subscribed", "status_if_new": "subscribed",
        "merge_fields": {"FNAME": "Ana"}, "tags": ["vip"]}),
    ("email", "/api/lists/{list_id}/members/{who}", "patch"): ("/api/lists/newsletter/members/ana@example.com", {
        "email_address": "ana@example.com", "status": "subscribed", "merge_fields": {"FNAME": "Ana"},
        "tags": ["vip"]}),
    ("email", "/api/lists/{list_id}/members/{who}/tags", "post"): (
        "/api/lists/newsletter/members/ana@example.com/tags", {"tags": [{"name": "vip", "status": "active"}]}),
    # Brevo-style: saved without a validation GET, so no receiver needs to run
    ("email", "/api/lists/{list_id}/webhooks", "post"): ("/api/lists/newsletter/webhooks", {
        "url": "http://127.0.0.1:9/brevo", "style": "brevo", "bearer": "tok_1"}),
}
SETUP = {"crm": [("PUT", "/api/contacts/ana@example.com", {"name": "Ana"})],
         "email": [("PUT", "/api/lists/newsletter/members/ana@example.com", {"status": "subscribed"})]}


def _body_schema(service: str, path: str, method: str) -> dict:
    return SERVICES[service][1]()["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]


def test_every_operation_with_a_body_has_a_valid_example_that_is_accepted(service_app):
    with_body = {(s, p, m) for s, p, m in OPERATIONS if "requestBody" in SERVICES[s][1]()["paths"][p][m]}
    assert with_body == set(VALID)
    for (service, path, method), (url, body) in VALID.items():
        Draft202012Validator(_body_schema(service, path, method)).validate(body)  # the document agrees
        client = service_app(service).test_client()
        for m, u, b in SETUP[service]:
            assert client.open(u, method=m, json=b, headers=AUTH).status_code in (200, 201)
        r = client.open(url, method=method.upper(), json=body, headers=AUTH)
        assert r.status_code in (200, 201, 204), (path, method, r.json)


BODY_OPERATIONS = sorted(VALID)
huge = st.sampled_from([201, 1_001, 10_001, 1024 * 1024 + 1]).map(lambda n: "x" * n)  # past each limit, and 1 MiB
surrogates = st.text(max_size=5).map(lambda s: s + "\ud800")


@pytest.mark.slow
@pytest.mark.parametrize("service, path, method", BODY_OPERATIONS, ids=[f"{s}-{m.upper()}-{p}" for s, p, m in BODY_OPERATIONS])
@settings(FAST, max_examples=60)
@given(data=st.data())
def test_malformed_bodies_get_a_4xx_that_names_the_problem(service_app, service, path, method, data):
    client = service_app(service).test_client()
    for m, u, b in SETUP[service]:
        client.open(u, method=m, json=b, headers=AUTH)
    url, valid = VALID[(service, path, method)]
    schema = _body_schema(service, path, method)
    kind = data.draw(st.sampled_from(["not json", "not an object", "wrong type", "huge", "surrogate", "null",
                                      "extra field", "no key", "wrong key"]))
    headers, body, raw = AUTH, dict(valid), None
    field = data.draw(st.sampled_from(sorted(valid)))
    if kind == "not json":
        raw = data.draw(st.binary(max_size=100).filter(lambda b: _not_json(b)))
        words = ["json"]
    elif kind == "not an object":
        raw = json.dumps(data.draw(st.one_of(st.lists(json_values, max_size=3), st.integers(), st.text(),
                                             st.booleans()))).encode()
        words = ["json object"]
    elif kind in ("wrong type", "huge", "surrogate", "null"):
        value = {"wrong type": WRONG, "huge": huge, "surrogate": surrogates, "null": st.none()}[kind]
        body[field] = data.draw(value)
        prop = schema["properties"][field]
        assume(not Draft202012Validator(prop).is_valid(body[field]) or kind == "surrogate")
        words = [field, field.rstrip("s").replace("_", " ")]  # "merge field 'x' is not a merge tag" names it too
    elif kind == "extra field":
        extra = data.draw(st.text(min_size=1, max_size=20).filter(lambda k: k not in schema["properties"]))
        body[extra] = data.draw(json_values)
        words = [repr(extra)[1:-1][:20]]
    else:
        headers = {} if kind == "no key" else {"Authorization": "Bearer key_wrong"}
        words = ["api key"]
    if raw is None:
        raw = json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass")
    r = client.open(url, method=method.upper(), data=raw, content_type="application/json", headers=headers)
    context = (kind, field, raw[:200], r.status_code, r.get_data(as_text=True)[:300])
    assert 400 <= r.status_code < 500 and r.is_json, context
    error = r.json["error"]
    assert isinstance(error, str) and error.strip(), context
    said = (error + " " + r.json.get("hint", "")).lower()
    if r.status_code == 413:
        assert "kib" in said, context  # over 1 MiB: refused before the field is looked at
    else:
        assert any(w.lower() in said for w in words), context
    assert (r.status_code == 401) == kind.endswith("key"), context


def _not_json(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except ValueError:
        return True
    return False


# -- the HTTP server itself, over a real socket ----------------------------------------------------

tokens = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=12)
request_heads = st.builds(
    lambda method, path, version, headers, length, body: (
        f"{method} {path} {version}\r\n".encode("utf-8", "surrogateescape")
        + b"".join(f"{k}: {v}\r\n".encode("utf-8", "surrogateescape") for k, v in headers)
        + (f"Content-Length: {length}\r\n".encode() if length is not None else b"") + b"\r\n" + body),
    method=st.sampled_from(["GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "BREW"]) | tokens,
    path=st.sampled_from(["/", "/webhooks", "/health", "/api/contacts/a%40b.c", "/%zz", "//x", "http://h/p"])
    | st.text(max_size=30).map(lambda t: "/" + t.replace(" ", "")),
    version=st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1", "http/1.1", ""]),
    headers=st.lists(st.tuples(st.sampled_from(["Host", "Content-Type", "Transfer-Encoding", "Connection",
                                                 "Expect", "X_Under", "webhook-id"]) | tokens,
                               st.text(max_size=30).map(lambda v: v.replace("\r", "").replace("\n", ""))),
                     max_size=6),
    length=st.none() | st.integers(min_value=-2, max_value=40) | st.just("12abc"),
    body=st.binary(max_size=40))


@FAST
@given(head=request_heads)
def test_any_request_gets_a_status_line_and_never_a_5xx_or_a_dead_server(vstack, head):
    """Whatever arrives on the socket, the server answers with an HTTP status line (or closes), never
    a 5xx other than 501 (a transfer coding it does not speak) or 505, and keeps serving."""
    import socket

    port = vstack._servers["receiver"].port
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        try:
            sock.sendall(head)
            sock.shutdown(socket.SHUT_WR)  # no more bytes: a short body must not leave it waiting
            answer = b"".join(iter(lambda: sock.recv(65536), b""))
        except ConnectionResetError:  # it closed while bytes were still coming: an answer too
            answer = b""
    if answer:  # nothing at all only for a blank request line
        assert answer[:9] in (b"HTTP/1.1 ", b"HTTP/1.0 "), answer[:100]  # a 1.0 request gets a 1.0 answer
        status = int(answer[9:12])
        assert status < 500 or status in (501, 505), answer[:300]
    assert _health(port) == 200


def _health(port: int) -> int:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/health")
    status = conn.getresponse().status
    conn.close()
    return status
