"""The mock CRM, email platform and notifier: their HTTP APIs and their clients."""

from __future__ import annotations

import hashlib
import threading
from contextlib import contextmanager

import pandas as pd
import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from hooklab.clock import VIRTUAL_EPOCH, VirtualClock
from hooklab.services import crm, email, notifier
from hooklab.services.base import ServiceError
from hooklab.store import Store

KEY = "test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
FORM = "application/x-www-form-urlencoded"
TABLES = {crm: ("contacts", "orders", "timeline"), email: ("lists", "members"),
          notifier: ("channels", "messages")}


class Api:
    """A test client that sends the API key: ``api("PUT", path, json=...)``."""

    def __init__(self, app, store: Store) -> None:
        self.client, self.store = app.test_client(), store

    def __call__(self, method: str, path: str, **kwargs):
        kwargs.setdefault("headers", AUTH)
        return self.client.open(path, method=method, **kwargs)


@pytest.fixture
def clock():
    return VirtualClock()


@pytest.fixture
def make(tmp_path, clock):
    stores = []

    def make(module, name: str | None = None) -> Api:
        name = name or module.__name__.rsplit(".", 1)[-1]
        store = Store(tmp_path / f"{name}.db", module.SCHEMA)
        stores.append(store)
        return Api(module.create_app(store, KEY, clock), store)

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def crm_api(make):
    return make(crm)


@pytest.fixture
def email_api(make):
    return make(email)


@pytest.fixture
def chat_api(make):
    return make(notifier)


def snapshot(api: Api, module) -> dict:
    return {t: api.store.all(f"SELECT * FROM {t} ORDER BY rowid") for t in TABLES[module]}


# -- API keys --------------------------------------------------------------------------------

LISTING = {crm: "/api/contacts", email: "/api/lists", notifier: "/api/channels"}


@pytest.mark.parametrize("module", [crm, email, notifier], ids=["crm", "email", "notifier"])
def test_api_needs_the_right_key_but_health_is_public(make, module):
    api = make(module)
    missing = api("GET", LISTING[module], headers={})
    wrong = api("GET", LISTING[module], headers={"Authorization": "Bearer nope"})
    assert missing.status_code == wrong.status_code == 401 and missing.is_json and wrong.is_json
    assert "needs an API key" in missing.json["error"] and "wrong API key" in wrong.json["error"]
    assert api("GET", LISTING[module], headers={"X-API-Key": KEY}).status_code == 200
    name = module.__name__.rsplit(".", 1)[-1]
    assert api("GET", "/health", headers={}).json == {"ok": True, "service": name}


# -- CRM ---------------------------------------------------------------------------------------

def test_contact_upsert_creates_then_updates(crm_api, clock):
    first = crm_api("PUT", "/api/contacts/ Ana@Example.com ", json={"name": "Ana", "phone": "+351 912"})
    clock.advance(60)
    second = crm_api("PUT", "/api/contacts/ana@example.com", json={"city": "Porto", "subscribed": True})
    assert (first.status_code, first.json["created"]) == (201, True)
    assert (second.status_code, second.json["created"]) == (200, False)
    contact = crm_api("GET", "/api/contacts/ana@example.com").json
    assert contact["email"] == "ana@example.com"
    assert (contact["name"], contact["phone"], contact["city"]) == ("Ana", "+351 912", "Porto")
    assert contact["subscribed"] is True and contact["lifecycle_stage"] == "subscriber"
    assert contact["updated_at"] - contact["created_at"] == 60
    missing = crm_api("GET", "/api/contacts/bob@example.com")
    assert missing.status_code == 404 and "upsert the contact first" in missing.json["hint"]


def test_lifecycle_stage_only_moves_forward(crm_api):
    crm_api("PUT", "/api/contacts/ana@example.com", json={"lifecycle_stage": "lead"})
    up = crm_api("PUT", "/api/contacts/ana@example.com", json={"lifecycle_stage": "customer"})
    down = crm_api("PUT", "/api/contacts/ana@example.com", json={"lifecycle_stage": "lead", "name": "Ana"})
    assert up.json["contact"]["lifecycle_stage"] == "customer" and up.json["notes"] == []
    assert down.status_code == 200 and down.json["contact"]["lifecycle_stage"] == "customer"
    assert down.json["contact"]["name"] == "Ana"  # the rest of the update still applies
    assert "lifecycle_stage kept at customer" in down.json["notes"][0]


def test_post_order_twice_makes_two_rows_but_put_twice_makes_one(crm_api):
    order = {"order_id": "A-1", "email": "ana@example.com", "total": 49.9, "currency": "eur"}
    assert [crm_api("POST", "/api/orders", json=order).status_code for _ in range(2)] == [201, 201]
    put = {"email": "bob@example.com", "total": 10, "currency": "USD", "items": [{"sku": "mug", "qty": 1}]}
    assert [crm_api("PUT", "/api/orders/B-2", json=put).status_code for _ in range(2)] == [201, 200]
    rows = crm_api("GET", "/api/orders").json["orders"]
    assert [r["order_id"] for r in rows] == ["A-1", "A-1", "B-2"]
    assert rows[0]["currency"] == "EUR" and rows[2]["items"] == [{"sku": "mug", "qty": 1}]
    assert len(crm_api("GET", "/api/orders/A-1").json["orders"]) == 2
    # a PUT updates every row with that external id, and orders make customers
    crm_api("PUT", "/api/orders/A-1", json={"status": "refunded"})
    assert {r["status"] for r in crm_api("GET", "/api/orders/A-1").json["orders"]} == {"refunded"}
    assert crm_api("GET", "/api/contacts/bob@example.com").json["lifecycle_stage"] == "customer"


def test_lifetime_value_sums_completed_orders_only(crm_api):
    for order_id, total, status in [("1", 19.99, "completed"), ("2", 5.01, "completed"), ("3", 100, "refunded")]:
        crm_api("POST", "/api/orders", json={"order_id": order_id, "email": "ana@example.com", "total": total,
                                             "currency": "EUR", "status": status})
    crm_api("PUT", "/api/contacts/bob@example.com", json={})
    contacts = crm_api("GET", "/api/contacts").json["contacts"]
    assert [(c["email"], c["lifetime_value"], c["orders_count"]) for c in contacts] == [
        ("ana@example.com", 25.0, 3), ("bob@example.com", 0.0, 0)]


def test_timeline_is_idempotent_by_event_id(crm_api, clock):
    path = "/api/contacts/ana@example.com/timeline"
    refused = crm_api("POST", path, json={"kind": "order", "text": "Order A-1"})
    assert refused.status_code == 404 and "upsert the contact first" in refused.json["hint"]
    crm_api("PUT", "/api/contacts/ana@example.com", json={})
    entry = {"kind": "order", "text": "Order A-1", "event_id": "evt_1"}
    first, again = crm_api("POST", path, json=entry), crm_api("POST", path, json=entry)
    assert (first.status_code, first.json["created"]) == (201, True)
    assert (again.status_code, again.json["created"]) == (200, False)
    assert again.json["entry"]["id"] == first.json["entry"]["id"]
    crm_api("POST", path, json={"kind": "note", "text": "called"})
    crm_api("POST", path, json={"kind": "note", "text": "called"})  # no event_id: no dedup
    timeline = crm_api("GET", path).json["timeline"]
    assert [t["kind"] for t in timeline] == ["order", "note", "note"]
    assert timeline[0]["at"] == clock.now() and len(crm_api("GET", "/api/timeline").json["timeline"]) == 3


def test_restart_on_the_same_file_keeps_data(make):
    make(crm, "same")("PUT", "/api/contacts/ana@example.com", json={"name": "Ana"})
    make(email, "same_email")("PUT", "/api/lists/newsletter/members/ana@example.com", json={"status": "subscribed"})
    assert make(crm, "same")("GET", "/api/contacts/ana@example.com").json["name"] == "Ana"
    lists = make(email, "same_email")("GET", "/api/lists").json["lists"]
    assert [(l["id"], l["member_count"]) for l in lists] == [("newsletter", 1)]


# -- email platform ----------------------------------------------------------------------------

MEMBER = "/api/lists/newsletter/members/"


def test_form_encoded_member_upsert_mailchimp_style(email_api):
    body = "email_address=Ana%40Example.com&status=subscribed&merge_fields%5BFNAME%5D=Ana&tags=b&tags=a"
    r = email_api("PUT", MEMBER + "ana@example.com", data=body, content_type=FORM)
    assert r.status_code == 201
    member = r.json["member"]
    assert (member["email"], member["status"]) == ("ana@example.com", "subscribed")
    assert member["merge_fields"] == {"FNAME": "Ana"} and member["tags"] == ["a", "b"]
    one_tag = email_api("PUT", MEMBER + "ana@example.com", data="tags=vip", content_type=FORM)
    assert one_tag.json["member"]["tags"] == ["vip"]


def test_member_can_be_addressed_by_subscriber_hash(email_api):
    digest = hashlib.md5(b"ana@example.com").hexdigest()
    created = email_api("PUT", MEMBER + digest, json={"email_address": "ANA@example.com", "status": "pending"})
    assert created.status_code == 201 and created.json["member"]["id"] == digest
    email_api("PATCH", MEMBER + digest.upper(), json={"status": "subscribed"})
    assert email_api("GET", MEMBER + digest).json["status"] == "subscribed"
    assert email_api("GET", MEMBER + "ana@example.com").json["email"] == "ana@example.com"
    unknown = email_api("GET", MEMBER + hashlib.md5(b"bob@example.com").hexdigest())
    assert unknown.status_code == 404 and "email" in unknown.json["hint"]
    neither = email_api("GET", MEMBER + "not-a-hash")
    assert neither.status_code == 400 and "subscriber_hash" in neither.json["error"]


def test_status_if_new_counts_only_when_creating(email_api):
    no_status = email_api("PUT", MEMBER + "ana@example.com", json={"merge_fields": {"FNAME": "Ana"}})
    assert no_status.status_code == 400 and "status_if_new" in no_status.json["hint"]
    email_api("PUT", MEMBER + "ana@example.com", json={"status_if_new": "pending"})
    again = email_api("PUT", MEMBER + "ana@example.com", json={"status_if_new": "subscribed"})
    assert again.status_code == 200 and again.json["member"]["status"] == "pending"
    status = email_api("PUT", MEMBER + "ana@example.com", json={"status": "unsubscribed", "status_if_new": "subscribed"})
    assert status.json["member"]["status"] == "unsubscribed"


def test_patch_merges_merge_fields_and_put_replaces_them(email_api):
    email_api("PUT", MEMBER + "ana@example.com", json={"status": "subscribed", "merge_fields": {"FNAME": "Ana"}})
    patched = email_api("PATCH", MEMBER + "ana@example.com", json={"merge_fields": {"LNAME": "Souza"}})
    assert patched.json["member"]["merge_fields"] == {"FNAME": "Ana", "LNAME": "Souza"}
    put = email_api("PUT", MEMBER + "ana@example.com", json={"merge_fields": {"FNAME": "Ana Maria"}})
    assert put.json["member"]["merge_fields"] == {"FNAME": "Ana Maria"}
    missing = email_api("PATCH", MEMBER + "bob@example.com", json={"status": "subscribed"})
    assert missing.status_code == 404 and "PUT" in missing.json["hint"]


def test_tags_endpoint_adds_and_removes_tags(email_api):
    email_api("PUT", MEMBER + "ana@example.com", json={"status": "subscribed", "tags": ["newsletter"]})
    added = email_api("POST", MEMBER + "ana@example.com/tags",
                      json={"tags": [{"name": "vip", "status": "active"}, {"name": "newsletter", "status": "inactive"}]})
    assert added.status_code == 204 and added.data == b""
    assert email_api("GET", MEMBER + "ana@example.com").json["tags"] == ["vip"]
    unknown = email_api("POST", MEMBER + "bob@example.com/tags", json={"tags": [{"name": "vip", "status": "active"}]})
    assert unknown.status_code == 404


def test_lists_can_be_created_once_and_filtered_by_status(email_api):
    assert email_api("POST", "/api/lists", json={"id": "vip", "name": "VIP"}).status_code == 201
    assert email_api("POST", "/api/lists", json={"id": "vip", "name": "VIP"}).status_code == 409
    email_api("PUT", "/api/lists/vip/members/ana@example.com", json={"status": "subscribed"})
    email_api("PUT", "/api/lists/vip/members/bob@example.com", json={"status": "cleaned"})
    subscribed = email_api("GET", "/api/lists/vip/members?status=subscribed").json["members"]
    assert [m["email"] for m in subscribed] == ["ana@example.com"]
    unknown = email_api("GET", "/api/lists/nope/members")
    assert unknown.status_code == 404 and "newsletter, vip" in unknown.json["hint"]


# -- notifier ----------------------------------------------------------------------------------

def test_post_message_answers_like_slack(chat_api, clock):
    r = chat_api("POST", "/api/chat.postMessage", json={"channel": "#sales", "text": "New order A-1"})
    assert r.status_code == 200 and r.json["ok"] is True and r.json["channel"] == "sales"
    assert r.json["ts"] == f"{int(clock.now())}.000001"
    assert chat_api("GET", "/api/messages?channel=sales").json["messages"][0]["username"] == "hooklab"


def test_unknown_channel_is_404_channel_not_found(chat_api):
    r = chat_api("POST", "/api/chat.postMessage", json={"channel": "#random", "text": "hi"})
    assert r.status_code == 404 and r.json["error"].startswith("channel_not_found")
    assert "alerts, leads, marketing, sales" in r.json["hint"]
    assert chat_api("GET", "/api/messages").json["messages"] == []
    assert chat_api("POST", "/api/channels", json={"name": "random"}).status_code == 201
    assert chat_api("POST", "/api/channels", json={"name": "random"}).status_code == 409
    assert chat_api("POST", "/api/chat.postMessage", json={"channel": "random", "text": "hi"}).status_code == 200


# -- bad input, across the three services -------------------------------------------------------

BIG = "x" * (1024 * 1024 + 1)
CONTACT, ORDERS, CHAT = "/api/contacts/ana@example.com", "/api/orders", "/api/chat.postMessage"
SEED = {
    crm: [("PUT", CONTACT, {"name": "Ana"}),
          ("POST", ORDERS, {"order_id": "A-1", "email": "ana@example.com", "total": 5, "currency": "EUR"})],
    email: [("PUT", MEMBER + "ana@example.com", {"status": "subscribed", "merge_fields": {"FNAME": "Ana"}})],
    notifier: [("POST", CHAT, {"channel": "sales", "text": "hello"})],
}
BAD = [
    # module, method, path, request kwargs, status, a word the error (or hint) must contain
    (crm, "PUT", CONTACT, dict(data="{oops", content_type="application/json"), 400, "not valid json"),
    (crm, "PUT", CONTACT, dict(data="name=Ana", content_type=FORM), 415, "content type"),
    (crm, "PUT", CONTACT, dict(json={"nickname": "Ana"}), 400, "nickname"),
    (crm, "PUT", "/api/contacts/ana.example.com", dict(json={"name": "Ana"}), 400, "not a valid email"),
    (crm, "PUT", CONTACT, dict(json={"subscribed": "yes"}), 400, "subscribed"),
    (crm, "PUT", CONTACT, dict(json={"source_version": "2"}), 400, "source_version"),
    (crm, "PUT", CONTACT, dict(json={"lifecycle_stage": "vip"}), 400, "lifecycle_stage"),
    (crm, "PUT", CONTACT, dict(json={"name": 7}), 400, "name must be a string"),
    (crm, "PUT", CONTACT, dict(data='{"name": "\\ud800"}', content_type="application/json"), 400, "unicode"),
    (crm, "PUT", CONTACT, dict(data="[" * 100_000, content_type="application/json"), 400, "nested"),
    (crm, "PUT", CONTACT, dict(data=BIG, content_type="application/json"), 413, "kib"),
    (crm, "PUT", CONTACT, dict(json=[{"name": "Ana"}]), 400, "json object"),
    (crm, "POST", ORDERS, dict(json={"order_id": "A-2", "email": "ana@example.com", "total": 1}), 400, "currency"),
    (crm, "POST", ORDERS, dict(json={"order_id": "A-2", "email": "ana@", "total": 1, "currency": "EUR"}), 400,
     "not a valid email"),
    (crm, "POST", ORDERS, dict(json={"order_id": "A-2", "email": "ana@example.com", "total": "1",
                                     "currency": "EUR"}), 400, "total"),
    (crm, "POST", ORDERS, dict(data="order_id=A-2", content_type="text/plain"), 415, "content type"),
    (crm, "PUT", "/api/orders/A-1", dict(json={"total": -5}), 400, "total"),
    (crm, "PUT", "/api/orders/NEW", dict(json={"email": "ana@example.com"}), 400, "total"),
    (crm, "POST", CONTACT + "/timeline", dict(json={"kind": "note"}), 400, "text"),
    (email, "PUT", MEMBER + "ana@example.com", dict(data="{oops", content_type="application/json"), 400, "json"),
    (email, "PUT", MEMBER + "ana@example.com", dict(data="status", content_type="text/plain"), 415, "content type"),
    (email, "PUT", MEMBER + "ana@example.com", dict(json={"nickname": "A"}), 400, "nickname"),
    (email, "PUT", MEMBER + "ana@", dict(json={"status": "subscribed"}), 400, "not a valid email"),
    (email, "PUT", MEMBER + "ana@example.com", dict(json={"email_address": "bob@example.com"}), 400,
     "does not match"),
    (email, "PUT", MEMBER + "ana@example.com", dict(json={"status": "active"}), 400, "status"),
    (email, "PUT", MEMBER + "ana@example.com", dict(json={"merge_fields": {"first name": "A"}}), 400, "merge tag"),
    (email, "PUT", MEMBER + "ana@example.com", dict(json={"merge_fields": {"FNAME": 3}}), 400, "fname"),
    (email, "PUT", MEMBER + "ana@example.com", dict(json={"tags": "vip"}), 400, "tags"),
    (email, "PUT", MEMBER + "ana@example.com", dict(data=BIG, content_type=FORM), 413, "kib"),
    (email, "PUT", MEMBER + "ana@example.com", dict(json=["subscribed"]), 400, "json object"),
    (email, "PUT", "/api/lists/nope/members/ana@example.com", dict(json={"status": "subscribed"}), 404, "newsletter"),
    (email, "POST", MEMBER + "ana@example.com/tags", dict(json={"tags": ["vip"]}), 400, "name and status"),
    (email, "POST", "/api/lists", dict(json={"id": "Big List", "name": "B"}), 400, "not a valid id"),
    (notifier, "POST", CHAT, dict(data="{oops", content_type="application/json"), 400, "json"),
    (notifier, "POST", CHAT, dict(data="channel=sales&text=hi", content_type=FORM), 415, "content type"),
    (notifier, "POST", CHAT, dict(json={"channel": "sales", "text": "hi", "icon": ":)"}), 400, "icon"),
    (notifier, "POST", CHAT, dict(json={"channel": 5, "text": "hi"}), 400, "channel must be a string"),
    (notifier, "POST", CHAT, dict(json={"channel": "sales", "text": ""}), 400, "text"),
    (notifier, "POST", CHAT, dict(json={"channel": "sales", "text": "x" * 4001}), 400, "4000"),
    (notifier, "POST", CHAT, dict(data=BIG, content_type="application/json"), 413, "kib"),
    (notifier, "POST", CHAT, dict(json=[{"channel": "sales"}]), 400, "json object"),
    (notifier, "POST", "/api/channels", dict(json={"name": "Big Deals!"}), 400, "not valid"),
]


@pytest.mark.parametrize("module, method, path, kwargs, status, word", BAD,
                         ids=[f"{m.__name__.rsplit('.', 1)[-1]}-{i}" for i, (m, *_) in enumerate(BAD)])
def test_bad_input_is_a_4xx_json_error_and_changes_nothing(make, module, method, path, kwargs, status, word):
    api = make(module)
    for seed_method, seed_path, seed_body in SEED[module]:  # data that a bad request could damage
        assert api(seed_method, seed_path, json=seed_body).status_code in (200, 201)
    before = snapshot(api, module)
    r = api(method, path, **kwargs)
    assert r.status_code == status and r.is_json, r.data[:200]
    assert word in (r.json["error"] + " " + r.json.get("hint", "")).lower()
    assert snapshot(api, module) == before


def test_text_in_any_language_round_trips(crm_api, email_api, chat_api):
    names = ["São João", "Zoë Ødegård", "Łukasz 🎉", "李小龙"]
    for i, name in enumerate(names):
        crm_api("PUT", f"/api/contacts/p{i}@example.com", json={"name": name, "city": "São Paulo"})
        email_api("PUT", MEMBER + f"p{i}@example.com", json={"status": "subscribed", "merge_fields": {"FNAME": name},
                                                             "tags": [f"região-{i}"]})
        chat_api("POST", CHAT, json={"channel": "leads", "text": f"New lead: {name} 🚀"})
    r = crm_api("GET", "/api/contacts")
    assert [c["name"] for c in r.json["contacts"]] == names and "São João".encode() in r.data
    assert [m["merge_fields"]["FNAME"] for m in email_api("GET", MEMBER[:-1]).json["members"]] == names
    assert email_api("GET", MEMBER + "p0@example.com").json["tags"] == ["região-0"]
    assert [m["text"] for m in chat_api("GET", "/api/messages").json["messages"]] == [
        f"New lead: {n} 🚀" for n in names]


# -- the clients, against a real server ----------------------------------------------------------

class _Quiet(WSGIRequestHandler):
    def log(self, *args) -> None:  # one line per request would flood the test output
        pass


@contextmanager
def served(api: Api, client_class):
    server = make_server("127.0.0.1", 0, api.client.application, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="test-server",
                              daemon=True)
    thread.start()
    client = client_class(f"http://127.0.0.1:{server.port}", KEY)
    try:
        yield client
    finally:
        client.close()
        server.shutdown()
        server.server_close()
        thread.join()


def test_crm_client_end_to_end(crm_api, clock):
    with served(crm_api, crm.CRM) as client:
        assert client.upsert_contact("Ana@Example.com", name="São João", locale="pt-BR",
                                     subscribed=True, subscribed_at=VIRTUAL_EPOCH - 60)["created"] is True
        assert client.contact("nobody@example.com") is None
        clock.advance(1)
        client.create_order("A-1", "ana@example.com", 49.9, "EUR", items=[{"sku": "mug"}])
        client.create_order("A-1", "ana@example.com", 49.9, "EUR")
        client.put_order("B-2", email="ana@example.com", total=10, currency="EUR")
        client.put_order("B-2", status="refunded")
        assert client.add_timeline("ana@example.com", "order", "Order A-1", event_id="evt_1")["created"]
        assert not client.add_timeline("ana@example.com", "order", "Order A-1", event_id="evt_1")["created"]
        with pytest.raises(ServiceError) as bad:
            client.upsert_contact("ana@example.com", lifecycle_stage="vip")
        first_a1, no_order = client.order("A-1"), client.order("nope")
        contacts, orders, timeline = client.contacts(), client.orders(), client.timeline("ana@example.com")
    assert bad.value.status == 400 and "lifecycle_stage" in str(bad.value)
    assert list(contacts.columns) == ["email", "name", "phone", "company", "city", "job_title", "locale",
                                      "lifecycle_stage", "subscribed", "source_version", "subscribed_at",
                                      "lifetime_value", "orders_count", "created_at", "updated_at"]
    ana = contacts.iloc[0]
    assert (ana["name"], ana["lifecycle_stage"], ana["lifetime_value"], ana["orders_count"]) == (
        "São João", "customer", 99.8, 3)
    assert ana["created_at"] == pd.Timestamp(VIRTUAL_EPOCH, unit="s", tz="UTC")
    assert ana["updated_at"] == pd.Timestamp(VIRTUAL_EPOCH + 1, unit="s", tz="UTC")
    assert bool(ana["subscribed"]) and ana["subscribed_at"] == pd.Timestamp(VIRTUAL_EPOCH - 60, unit="s", tz="UTC")
    assert first_a1["id"] == 1 and first_a1["items"] == [{"sku": "mug"}] and no_order is None
    assert list(orders.columns) == ["id", "order_id", "email", "total", "currency", "status", "created_at",
                                    "updated_at"]
    assert orders[["order_id", "status"]].values.tolist() == [["A-1", "completed"], ["A-1", "completed"],
                                                              ["B-2", "refunded"]]
    assert timeline[["kind", "event_id"]].values.tolist() == [["order", "evt_1"]]
    assert timeline["at"].tolist() == [pd.Timestamp(VIRTUAL_EPOCH + 1, unit="s", tz="UTC")]


def test_email_client_end_to_end(email_api):
    with served(email_api, email.EmailPlatform) as client:
        created = client.upsert_member("Zoe@Example.com", status_if_new="subscribed",
                                       merge_fields={"FNAME": "Zoë"}, tags=["b", "a"], form=True)
        client.upsert_member("bob@example.com", status="unsubscribed")
        client.update_member("zoe@example.com", merge_fields={"LNAME": "Ødegård"})
        client.tag("zoe@example.com", "vip")
        client.tag("zoe@example.com", "a", active=False)
        zoe, nobody = client.member("zoe@example.com"), client.member("nobody@example.com")
        with pytest.raises(ServiceError) as unknown_list:
            client.member("zoe@example.com", list_id="nope")
        subscribers, lists = client.subscribers(), client.lists()
        newsletter_only = client.subscribers("newsletter")
    assert created["created"] is True and nobody is None and unknown_list.value.status == 404
    assert zoe["merge_fields"] == {"FNAME": "Zoë", "LNAME": "Ødegård"} and zoe["tags"] == ["b", "vip"]
    assert list(subscribers.columns) == ["list_id", "email", "status", "merge_fields", "tags", "created_at",
                                         "updated_at"]
    assert subscribers[["email", "status"]].values.tolist() == [["bob@example.com", "unsubscribed"],
                                                                ["zoe@example.com", "subscribed"]]
    assert subscribers.equals(newsletter_only)
    assert lists[["id", "name", "member_count"]].values.tolist() == [["newsletter", "Newsletter", 2]]


def test_notifier_client_end_to_end(chat_api):
    with served(chat_api, notifier.Notifier) as client:
        answer = client.post("#sales", "High-value order A-1: 1,250.00 EUR 💶")
        client.post("leads", "New lead: Zoë", username="forms")
        with pytest.raises(ServiceError) as unknown:
            client.post("#random", "hi")
        sales, everything, channels = client.messages("sales"), client.messages(), client.channels()
    assert answer["ok"] is True and answer["channel"] == "sales" and answer["ts"].endswith(".000001")
    assert unknown.value.status == 404 and "channel_not_found" in str(unknown.value)
    assert channels == ["alerts", "leads", "marketing", "sales"]
    assert sales["text"].tolist() == ["High-value order A-1: 1,250.00 EUR 💶"]
    assert everything[["channel", "username"]].values.tolist() == [["sales", "hooklab"], ["leads", "forms"]]
    assert list(everything.columns) == ["id", "channel", "text", "username", "created_at"]


# -- batch upsert (lesson 12) --------------------------------------------------------------


def test_a_batch_upserts_many_contacts_in_one_call(crm_api):
    batch = [{"email": f"c{i}@example.com", "name": f"C {i}"} for i in range(3)]
    r = crm_api("POST", "/api/contacts/batch", json={"contacts": batch})
    assert r.status_code == 200
    assert [x["created"] for x in r.get_json()["results"]] == [True, True, True]
    again = crm_api("POST", "/api/contacts/batch", json={"contacts": batch[:1]})
    assert again.get_json()["results"][0]["created"] is False
    assert len(crm_api("GET", "/api/contacts").get_json()["contacts"]) == 3


@pytest.mark.parametrize("contacts, words", [
    ([], "1 to 100"), ([{"email": f"c{i}@example.com"} for i in range(101)], "1 to 100"),
    ("nope", "1 to 100"), ([{"email": "ok@example.com"}, {"name": "no email"}], "contacts[1]"),
    ([{"email": "ok@example.com"}, {"email": "x@example.com", "shoe_size": 42}], "contacts[1]: unknown field"),
])
def test_a_bad_batch_names_the_problem_and_saves_nothing(crm_api, contacts, words):
    r = crm_api("POST", "/api/contacts/batch", json={"contacts": contacts})
    assert r.status_code == 400 and words in r.get_json()["error"]
    assert crm_api.store.all("SELECT * FROM contacts") == []


def test_timeline_entries_go_in_one_batch_once_per_event_id(crm_api):
    crm_api("POST", "/api/contacts/batch", json={"contacts": [{"email": "a@example.com"}, {"email": "b@example.com"}]})
    entries = [{"email": "a@example.com", "kind": "newsletter", "text": "Subscribed", "event_id": "msg_1"},
               {"email": "B@example.com", "kind": "form", "text": "Submitted", "event_id": "msg_2"}]
    first = crm_api("POST", "/api/timeline/batch", json={"entries": entries})
    again = crm_api("POST", "/api/timeline/batch", json={"entries": entries})
    assert [r["created"] for r in first.get_json()["results"]] == [True, True]
    assert [r["created"] for r in again.get_json()["results"]] == [False, False]  # a retried batch adds nothing
    rows = crm_api.store.all("SELECT email, kind, event_id FROM timeline ORDER BY id")
    assert rows == [{"email": "a@example.com", "kind": "newsletter", "event_id": "msg_1"},
                    {"email": "b@example.com", "kind": "form", "event_id": "msg_2"}]


@pytest.mark.parametrize("entries, status, words", [
    ([], 400, "1 to 100"),
    ([{"email": "a@example.com", "kind": "k", "text": "t"}, {"kind": "k", "text": "t"}], 400, "entries[1]"),
    ([{"email": "a@example.com", "kind": "k", "text": "t"}, {"email": "nobody@example.com", "kind": "k", "text": "t"}],
     404, "entries[1]: no contact nobody@example.com"),
    ([{"email": "a@example.com", "kind": "k"}], 400, "entries[0]"),
])
def test_a_bad_timeline_batch_names_the_entry_and_saves_nothing(crm_api, entries, status, words):
    crm_api("PUT", "/api/contacts/a@example.com", json={})
    r = crm_api("POST", "/api/timeline/batch", json={"entries": entries})
    assert r.status_code == status and words in r.get_json()["error"], r.get_json()
    assert crm_api.store.all("SELECT * FROM timeline") == []


def test_members_go_in_one_batch_as_single_puts_would(email_api):
    members = [{"email_address": "a@example.com", "status": "subscribed", "merge_fields": {"FNAME": "Ana"}},
               {"email_address": "b@example.com", "status_if_new": "subscribed"}]
    first = email_api("POST", "/api/lists/newsletter/members/batch", json={"members": members})
    assert [r["created"] for r in first.get_json()["results"]] == [True, True]
    later = email_api("POST", "/api/lists/newsletter/members/batch",
                      json={"members": [{"email_address": "A@example.com", "status": "unsubscribed"}]})
    assert later.get_json()["results"] == [{"email_address": "a@example.com", "created": False}]
    rows = email_api.store.all("SELECT email, status, merge_fields FROM members ORDER BY email")
    assert rows == [{"email": "a@example.com", "status": "unsubscribed", "merge_fields": '{"FNAME": "Ana"}'},
                    {"email": "b@example.com", "status": "subscribed", "merge_fields": "{}"}]


@pytest.mark.parametrize("path, members, status, words", [
    ("/api/lists/newsletter/members/batch", [{"email_address": "a@example.com"}], 400, "members[0]: a@example.com is new"),
    ("/api/lists/newsletter/members/batch", [{"email_address": "a@example.com", "status": "subscribed"},
                                              {"email_address": "b@example.com", "status": "maybe"}], 400, "members[1]"),
    ("/api/lists/newsletter/members/batch", [{"status": "subscribed"}], 400, "members[0]: expected an object"),
    ("/api/lists/newsletter/members/batch", [{"email_address": "a@example.com", "status": "subscribed"}] * 101,
     400, "1 to 100"),
    ("/api/lists/nope/members/batch", [{"email_address": "a@example.com", "status": "subscribed"}], 404, "no list"),
])
def test_a_bad_member_batch_names_the_problem_and_saves_nothing(email_api, path, members, status, words):
    r = email_api("POST", path, json={"members": members})
    assert r.status_code == status and words in r.get_json()["error"], r.get_json()
    assert email_api.store.all("SELECT * FROM members") == []
