"""The services' domain functions, called directly on a store: the rules, without HTTP."""

from __future__ import annotations

import pytest

from hooklab.services.base import ApiError
from hooklab.services.crm import domain as crm
from hooklab.services.email import domain as email
from hooklab.services.notifier import domain as chat
from hooklab.store import Store


@pytest.fixture
def open_store(tmp_path):
    stores = []

    def open_store(module, now: float = 0.0) -> Store:
        store = Store(tmp_path / f"{module.__name__.split('.')[-2]}.db", module.SCHEMA)
        stores.append(store)
        if module is not crm:  # the email platform's default list, the chat's default channels
            module.init_store(store, now)
        return store

    yield open_store
    for store in stores:
        store.close()


# -- CRM ---------------------------------------------------------------------------------------

def test_upserting_a_contact_twice_keeps_one_row_and_merges_the_fields(open_store):
    store = open_store(crm)
    assert crm.upsert_contact(store, " Ana@Example.com ", {"name": "Ana", "phone": "+55 81"}, now=10.0) == (True, [])
    assert crm.upsert_contact(store, "ana@example.com", {"city": "Recife", "subscribed": True}, now=70.0) == (False, [])
    [contact] = crm.contacts(store)
    assert (contact["email"], contact["name"], contact["phone"], contact["city"]) == \
        ("ana@example.com", "Ana", "+55 81", "Recife")
    assert contact["subscribed"] is True and (contact["created_at"], contact["updated_at"]) == (10.0, 70.0)


def test_a_late_subscription_change_and_a_backward_stage_are_kept_out(open_store):
    store = open_store(crm)
    crm.upsert_contact(store, "ana@example.com", {"subscribed": False, "subscribed_at": 200, "lifecycle_stage": "lead"},
                       now=1.0)
    _, notes = crm.upsert_contact(store, "ana@example.com",
                                  {"subscribed": True, "subscribed_at": 100, "lifecycle_stage": "subscriber"}, now=2.0)
    contact = crm.get_contact(store, "ana@example.com")
    assert contact["subscribed"] is False and contact["lifecycle_stage"] == "lead"
    assert len(notes) == 2 and "newer change" in notes[0] and "only move forward" in notes[1]


def test_an_order_makes_its_contact_a_customer_and_counts_in_its_lifetime_value(open_store):
    store = open_store(crm)
    order = crm.add_order(store, 1001, {"email": "Bob@example.com", "total": 49.9, "currency": "brl",
                                        "items": [{"sku": "mug"}]}, now=5.0)
    assert (order["order_id"], order["currency"], order["items"]) == ("1001", "BRL", [{"sku": "mug"}])
    contact = crm.get_contact(store, "bob@example.com")
    assert (contact["lifecycle_stage"], contact["lifetime_value"], contact["orders_count"]) == ("customer", 49.9, 1)


def test_add_order_twice_makes_two_rows_but_put_order_twice_makes_one(open_store):
    store = open_store(crm)
    fields = {"email": "ana@example.com", "total": 10, "currency": "EUR"}
    crm.add_order(store, "A-1", fields, now=1.0)
    crm.add_order(store, "A-1", fields, now=2.0)
    assert [crm.put_order(store, "B-2", fields, now=t)[0] for t in (3.0, 4.0)] == [True, False]
    assert [o["order_id"] for o in crm.orders(store)] == ["A-1", "A-1", "B-2"]
    created, rows = crm.put_order(store, "A-1", {"status": "refunded"}, now=5.0)
    assert not created and [r["status"] for r in rows] == ["refunded", "refunded"]


def test_an_entry_joins_its_contacts_timeline_once_per_event_id(open_store):
    store = open_store(crm)
    with pytest.raises(ApiError) as missing:
        crm.add_timeline(store, "ana@example.com", {"kind": "order", "text": "Order A-1"}, now=1.0)
    assert missing.value.status == 404 and "upsert the contact first" in missing.value.hint
    crm.upsert_contact(store, "ana@example.com", {}, now=1.0)
    crm.upsert_contact(store, "bob@example.com", {}, now=1.0)
    entry = {"kind": "order", "text": "Order A-1", "event_id": "msg_1"}
    first = crm.add_timeline(store, "ana@example.com", entry, now=2.0)
    again = crm.add_timeline(store, "ana@example.com", entry, now=3.0)
    crm.add_timeline(store, "bob@example.com", {"kind": "note", "text": "called"}, now=4.0)
    assert first[0] is True and again == (False, first[1]) and first[1]["at"] == 2.0
    assert [t["text"] for t in crm.timeline(store, "ana@example.com")] == ["Order A-1"]
    assert len(crm.timeline(store)) == 2


def test_a_refused_value_names_its_field_and_writes_nothing(open_store):
    store = open_store(crm)
    with pytest.raises(ApiError, match="total must be >= 0") as refused:
        crm.add_order(store, "A-1", {"email": "ana@example.com", "total": -1, "currency": "EUR"}, now=1.0)
    with pytest.raises(ApiError, match="unknown field 'nmae'"):
        crm.upsert_contact(store, "ana@example.com", {"nmae": "Ana"}, now=1.0)
    assert refused.value.status == 400 and crm.orders(store) == [] and crm.contacts(store) == []


# -- email platform ----------------------------------------------------------------------------

def test_subscribing_the_same_email_twice_keeps_one_member(open_store):
    store = open_store(email)
    new = {"status_if_new": "subscribed", "merge_fields": {"FNAME": "Ana"}}
    assert email.upsert_member(store, "newsletter", "ana@example.com", new, now=1.0) is True
    assert email.upsert_member(store, "newsletter", "ANA@example.com", {**new, "status_if_new": "pending"},
                               now=2.0) is False
    [member] = email.members(store, "newsletter")
    assert (member["email"], member["status"]) == ("ana@example.com", "subscribed")  # status_if_new: new only
    assert member["id"] == email.subscriber_hash("Ana@Example.com")
    assert email.lists(store)[0]["member_count"] == 1


def test_a_new_member_needs_a_status_and_a_list_that_exists(open_store):
    store = open_store(email)
    with pytest.raises(ApiError, match="needs a status"):
        email.upsert_member(store, "newsletter", "ana@example.com", {"tags": ["vip"]}, now=1.0)
    with pytest.raises(ApiError, match="no list 'vip'") as no_list:
        email.upsert_member(store, "vip", "ana@example.com", {"status": "subscribed"}, now=1.0)
    assert no_list.value.status == 404 and email.members(store) == []
    email.create_list(store, "vip", "VIP customers", now=2.0)
    with pytest.raises(ApiError) as taken:
        email.create_list(store, "vip", "Again", now=3.0)
    assert taken.value.status == 409


def test_an_update_merges_merge_fields_and_tags_change_one_by_one(open_store):
    store = open_store(email)
    email.upsert_member(store, "newsletter", "ana@example.com",
                        {"status": "subscribed", "merge_fields": {"FNAME": "Ana"}, "tags": ["lead"]}, now=1.0)
    member = email.update_member(store, "newsletter", "ana@example.com", {"merge_fields": {"LNAME": "Lima"}}, now=2.0)
    assert member["merge_fields"] == {"FNAME": "Ana", "LNAME": "Lima"}
    assert email.tag_member(store, "newsletter", "ana@example.com", {"vip": True, "lead": False}, now=3.0) == ["vip"]
    assert email.find_member(store, "newsletter", "bob@example.com") is None


# -- notifier ----------------------------------------------------------------------------------

def test_a_message_is_stored_in_its_channel(open_store):
    store = open_store(chat, now=100.0)
    posted = chat.post_message(store, "#Sales", "New order A-1", now=1503435956.5)
    chat.post_message(store, "leads", "New lead: Ana", "forms", now=1503435957.0)
    assert (posted["channel"], posted["username"], chat.ts(posted)) == ("sales", "hooklab", "1503435956.000001")
    assert [m["text"] for m in chat.messages(store, "sales")] == ["New order A-1"]
    assert {c["name"]: c["messages"] for c in chat.channels(store)} == {
        "alerts": 0, "leads": 1, "marketing": 0, "sales": 1}


def test_an_unknown_channel_is_refused_until_it_is_created(open_store):
    store = open_store(chat)
    with pytest.raises(ApiError, match="channel_not_found") as missing:
        chat.post_message(store, "#vip-orders", "hello", now=1.0)
    assert missing.value.status == 404 and "create one" in missing.value.hint
    assert chat.create_channel(store, "#VIP-orders", now=2.0) == {"name": "vip-orders", "created_at": 2.0}
    chat.post_message(store, "vip-orders", "hello", now=3.0)
    assert [m["channel"] for m in chat.messages(store)] == ["vip-orders"]
