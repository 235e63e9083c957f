"""The event catalog: schemas, validation, seeded fake data and the OpenAPI export."""

from __future__ import annotations

import copy
import json
import random
import re

import pytest
from jsonschema import Draft202012Validator

from hooklab import catalog
from hooklab.catalog import EVENT_TYPES, Factory, envelope, validate, validate_data
from hooklab.errors import ConfigError, EventValidationError

T0 = 1767603600.0  # 2026-01-05T09:00:00Z
RESERVED_DOMAINS = ("example.com", "example.org", "example.net")


def good_order() -> dict:
    return {"type": "order.completed", "timestamp": "2026-01-05T09:00:00.000Z", "data": {
        "order_id": "ord_abc123", "email": "sam.lee@example.org", "name": "Sam Lee", "total": 38.0,
        "currency": "USD", "items": [{"sku": "TEE", "name": "T-shirt", "quantity": 2, "unit_price": 19.0}],
        "completed_at": "2026-01-05T09:00:00.000Z"}}


def properties_without_description(schema: dict, path: str = "data") -> list[str]:
    missing = []
    for name, prop in schema.get("properties", {}).items():
        if not prop.get("description"):
            missing.append(f"{path}.{name}")
        missing += properties_without_description(prop, f"{path}.{name}")
        missing += properties_without_description(prop.get("items", {}), f"{path}.{name}[]")
    return missing


# -- the catalog itself ----------------------------------------------------------------------
def test_catalog_lists_the_seven_types_in_order():
    assert list(EVENT_TYPES) == ["newsletter.subscribed", "newsletter.unsubscribed", "contact.updated",
                                 "form.submitted", "order.completed", "order.refunded", "cart.abandoned"]
    assert {t.source for t in EVENT_TYPES.values()} == {"signup", "shop"}
    assert all(t.version == 1 and t.summary.endswith(".") for t in EVENT_TYPES.values())


@pytest.mark.parametrize("name", list(EVENT_TYPES))
def test_schema_is_valid_closed_and_described(name):
    schema = EVENT_TYPES[name].schema
    Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) <= set(schema["properties"])
    assert properties_without_description(schema) == []


@pytest.mark.parametrize("name", list(EVENT_TYPES))
def test_schema_examples_validate(name):
    examples = EVENT_TYPES[name].schema["examples"]
    assert examples
    for example in examples:
        assert validate(envelope(name, example, T0))["data"] == example


def test_catalog_table_has_one_row_per_type_with_required_fields():
    rows = catalog.catalog_table()
    assert [row["type"] for row in rows] == list(EVENT_TYPES)
    order = next(row for row in rows if row["type"] == "order.completed")
    assert order["source"] == "shop" and order["version"] == 1
    assert order["required"].split(", ") == list(EVENT_TYPES["order.completed"].required)


def test_is_known_and_get():
    assert catalog.is_known("cart.abandoned")
    assert not catalog.is_known("cart.abandon") and not catalog.is_known(None)
    assert catalog.get("order.refunded").source == "shop"


@pytest.mark.parametrize("typo, suggestion", [("order.complete", "order.completed"),
                                              ("newsletter.subscribe", "newsletter.subscribed")])
def test_unknown_type_suggests_the_closest_name(typo, suggestion):
    with pytest.raises(EventValidationError, match=f"did you mean '{re.escape(suggestion)}'") as info:
        catalog.get(typo)
    assert f"unknown event type '{typo}'" in str(info.value)
    assert "known types: newsletter.subscribed" in str(info.value)


def test_unknown_type_without_a_close_name_lists_known_types_only():
    with pytest.raises(EventValidationError) as info:
        catalog.get("zzz")
    assert "did you mean" not in str(info.value)
    assert "cart.abandoned" in str(info.value)


# -- validation ------------------------------------------------------------------------------
def test_valid_event_is_returned_unchanged():
    event = good_order()
    assert validate(event) is event
    assert event == good_order()


def _set(path: str, value):
    def mutate(event):
        *parents, last = path.split(".")
        target = event
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        if value is _DELETE:
            del target[last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return mutate


_DELETE = object()

INVALID = [
    ("missing required field", _set("data.email", _DELETE), "data: 'email' is a required property"),
    ("wrong type", _set("data.total", "38.00"), "data.total: '38.00' is not of type 'number'"),
    ("negative total", _set("data.total", -5), "data.total: -5 is less than the minimum of 0"),
    ("bad email", _set("data.email", "sam.example.org"), "data.email: 'sam.example.org' is not a 'email'"),
    ("extra property", _set("data.coupon", "X"), "data: Additional properties are not allowed ('coupon'"),
    ("bad item quantity", _set("data.items.0.quantity", 0), "data.items[0].quantity: 0 is less than"),
    ("bad order id", _set("data.order_id", "123"), "data.order_id: '123' does not match"),
    ("bad currency", _set("data.currency", "usd"), "data.currency: 'usd' is not one of"),
    ("bad envelope timestamp", _set("timestamp", "yesterday"), "timestamp: 'yesterday' is not a 'date-time'"),
    ("impossible timestamp", _set("timestamp", "2026-13-05T09:00:00.000Z"), "timestamp: '2026-13-05T09"),
    ("data not an object", _set("data", [1, 2]), "data: [1, 2] is not of type 'object'"),
    ("missing envelope key", _set("timestamp", _DELETE), "event: 'timestamp' is a required property"),
    ("extra envelope key", _set("id", "msg_1"), "event: Additional properties are not allowed ('id'"),
]


@pytest.mark.parametrize("mutate, expected", [case[1:] for case in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_event_is_rejected_naming_the_problem(mutate, expected):
    event = good_order()
    mutate(event)
    with pytest.raises(EventValidationError) as info:
        validate(event)
    assert str(info.value).startswith("order.completed: ")
    assert expected in str(info.value)
    assert any(expected in problem for problem in info.value.errors)


def test_unknown_type_in_event_is_rejected_with_suggestion():
    event = good_order()
    event["type"] = "order.complete"
    with pytest.raises(EventValidationError, match="did you mean 'order.completed'"):
        validate(event)


@pytest.mark.parametrize("event", [None, [], "order.completed", {"type": 5, "timestamp": "x", "data": {}}])
def test_malformed_event_is_rejected(event):
    with pytest.raises(EventValidationError, match="^event: "):
        validate(event)


def test_every_problem_is_listed_sorted_and_the_message_names_the_first():
    event = good_order()
    event["data"].update(total=-1, email="nope", currency="GBP")
    with pytest.raises(EventValidationError) as info:
        validate(event)
    errors = info.value.errors
    assert len(errors) == 3 and errors == sorted(errors)
    assert [e.split(":")[0] for e in errors] == ["data.currency", "data.email", "data.total"]
    assert str(info.value) == f"order.completed: {errors[0]} (+2 more in .errors)"


def test_contact_update_needs_at_least_one_changed_field():
    validate_data("contact.updated", {"email": "a@example.com", "version": 1, "city": "Recife"})
    with pytest.raises(EventValidationError, match="add one of: city, company, job_title, name, phone"):
        validate_data("contact.updated", {"email": "a@example.com", "version": 1})
    with pytest.raises(EventValidationError, match="data.version: 0 is less than the minimum of 1"):
        validate_data("contact.updated", {"email": "a@example.com", "version": 0, "city": "Recife"})


def test_refund_amount_must_be_positive_and_cart_url_a_uri():
    base = {"order_id": "ord_1", "email": "a@example.com", "currency": "BRL"}
    with pytest.raises(EventValidationError, match="data.amount: 0"):
        validate_data("order.refunded", {**base, "amount": 0})
    cart = copy.deepcopy(EVENT_TYPES["cart.abandoned"].schema["examples"][0])
    cart["recover_url"] = "not a url"
    with pytest.raises(EventValidationError, match="data.recover_url"):
        validate_data("cart.abandoned", cart)


def test_long_values_are_shortened_in_messages():
    data = {"form_id": "demo-request", "email": "a@example.com", "name": "A", "consent": True,
            "message": "x" * 2001}
    with pytest.raises(EventValidationError) as info:
        validate_data("form.submitted", data)
    assert "data.message" in str(info.value) and len(str(info.value)) < 250


# -- timestamps, ids, envelope ---------------------------------------------------------------
def test_format_timestamp_is_utc_with_milliseconds():
    assert catalog.format_timestamp(T0) == "2026-01-05T09:00:00.000Z"
    assert catalog.format_timestamp(T0 + 1.2345) == "2026-01-05T09:00:01.234Z"
    assert catalog.format_timestamp(T0 + 0.9999) == "2026-01-05T09:00:01.000Z"


def test_envelope_wraps_data_and_rejects_unknown_types():
    data = {"email": "a@example.com", "list": "newsletter"}
    assert envelope("newsletter.unsubscribed", data, T0) == {
        "type": "newsletter.unsubscribed", "timestamp": "2026-01-05T09:00:00.000Z", "data": data}
    with pytest.raises(EventValidationError, match="unknown event type"):
        envelope("newsletter.unsub", data, T0)


def test_make_id_is_deterministic_for_a_seeded_rng():
    first = catalog.make_id("msg", random.Random(5))
    assert first == catalog.make_id("msg", random.Random(5))
    assert re.fullmatch(r"msg_[0-9a-z]{22}", first)
    assert first != catalog.make_id("msg", random.Random(6))


# -- fake data -------------------------------------------------------------------------------
def test_factory_data_validates_for_every_type_over_200_seeds():
    for seed in range(200):
        factory = Factory(seed=seed)
        for name in EVENT_TYPES:
            event = envelope(name, factory.data(name), T0)
            assert validate(event) is event


def test_same_seed_gives_the_same_sequence():
    def run(factory: Factory) -> list:
        out = [factory.person() for _ in range(5)]
        out += [factory.data(name) for name in EVENT_TYPES for _ in range(3)]
        return out

    assert run(Factory(seed=42)) == run(Factory(seed=42))
    assert run(Factory(seed=42)) != run(Factory(seed=43))


def test_unseeded_factory_records_a_seed_that_replays_it():
    factory = Factory()
    assert isinstance(factory.seed, int)
    assert factory.data("order.completed") == Factory(seed=factory.seed).data("order.completed")


def test_pt_br_people_have_accented_names():
    factory = Factory(seed=3)
    people = [factory.person() for _ in range(200)]
    accented = [p["name"] for p in people if not p["name"].isascii()]
    assert accented, "expected names like 'João' among 200 people"
    assert {p["locale"] for p in people} == {"en_US", "pt_BR"}
    share_pt = sum(p["locale"] == "pt_BR" for p in people) / len(people)
    assert 0.15 < share_pt < 0.45


def test_emails_are_unique_ascii_and_on_reserved_domains():
    factory = Factory(seed=11)
    emails = [factory.person()["email"] for _ in range(1000)]
    assert len(set(emails)) == 1000
    for email in emails:
        local, domain = email.split("@")
        assert email.isascii() and email == email.lower()
        assert re.fullmatch(r"[a-z0-9.]+", local) and domain in RESERVED_DOMAINS


def test_email_is_derived_from_the_name_without_accents():
    factory = Factory(seed=3, locales=("pt_BR",))
    person = next(p for p in (factory.person() for _ in range(100)) if not p["name"].isascii())
    first = person["name"].split()[0]
    plain = first.lower().translate(str.maketrans("áàâãéêíóôõúüç", "aaaaeeiooouuc"))
    assert person["email"].startswith(plain + ".")


def test_single_locale_factory_uses_only_that_locale():
    factory = Factory(seed=1, locales=("en_US",))
    assert {factory.person()["locale"] for _ in range(30)} == {"en_US"}


def test_unsupported_locale_is_a_config_error():
    with pytest.raises(ConfigError, match="fr_FR"):
        Factory(locales=("fr_FR",))


def test_data_is_consistent_with_the_given_person():
    factory = Factory(seed=8)
    person = factory.person()
    for name in EVENT_TYPES:
        data = factory.data(name, person)
        assert data["email"] == person["email"]
        if "name" in EVENT_TYPES[name].required:
            assert data["name"] == person["name"]
    signup = factory.data("newsletter.subscribed", person)
    assert signup["locale"] == person["locale"] and signup["list"] == "newsletter"


def test_partial_person_is_completed():
    data = Factory(seed=2).data("form.submitted", {"email": "ana@example.com", "name": "Ana"})
    assert data["email"] == "ana@example.com" and data["name"] == "Ana"
    assert validate_data("form.submitted", data) is data


def test_order_total_is_the_sum_of_its_items():
    factory = Factory(seed=4)
    for name in ("order.completed", "cart.abandoned"):
        for _ in range(50):
            data = factory.data(name)
            expected = round(sum(i["quantity"] * i["unit_price"] for i in data["items"]), 2)
            assert data["total"] == expected
    assert re.fullmatch(r"ord_[0-9a-z]{22}", factory.data("order.completed")["order_id"])


def test_currency_follows_the_person_locale():
    factory = Factory(seed=9)
    people = [factory.person() for _ in range(40)]
    for person in people:
        expected = "BRL" if person["locale"] == "pt_BR" else "USD"
        assert factory.data("order.completed", person)["currency"] == expected


def test_contact_versions_increase_per_contact():
    factory = Factory(seed=5)
    ana, bob = factory.person(), factory.person()
    versions = [factory.data("contact.updated", p)["version"] for p in (ana, ana, bob, ana)]
    assert versions == [1, 2, 1, 3]


def test_order_completed_at_comes_from_the_clock():
    factory = Factory(seed=1, now=lambda: T0 + 90)
    assert factory.data("order.completed")["completed_at"] == "2026-01-05T09:01:30.000Z"


def test_overrides_replace_generated_fields_without_being_validated():
    factory = Factory(seed=6)
    data = factory.data("order.completed", total=-5, currency="GBP")
    assert data["total"] == -5 and data["currency"] == "GBP"
    with pytest.raises(EventValidationError) as info:
        validate_data("order.completed", data)
    assert [e.split(":")[0] for e in info.value.errors] == ["data.currency", "data.total"]


def test_overriding_items_recomputes_the_total():
    items = [{"sku": "A", "name": "A", "quantity": 3, "unit_price": 0.1}]
    assert Factory(seed=1).data("order.completed", items=items)["total"] == 0.3
    assert Factory(seed=1).data("order.completed", items=items, total=1.0)["total"] == 1.0


def test_unknown_override_names_the_field_and_lists_allowed_ones():
    with pytest.raises(EventValidationError) as info:
        Factory(seed=1).data("newsletter.subscribed", emial="a@example.com")
    assert "'emial'" in str(info.value)
    assert "allowed fields: email, name, list, signup_source, locale" in str(info.value)


def test_factory_builds_faker_only_when_data_is_first_needed(monkeypatch):
    import faker

    def refuse(*args, **kwargs):
        raise AssertionError("Faker built too early")

    monkeypatch.setattr(faker, "Faker", refuse)
    factory = Factory(seed=1)  # must not touch Faker
    with pytest.raises(AssertionError, match="too early"):
        factory.person()


# -- OpenAPI ---------------------------------------------------------------------------------
def resolve(document: dict, ref: str) -> dict:
    assert ref.startswith("#/")
    node = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def test_openapi_document_covers_every_type():
    doc = catalog.openapi()
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] == "hooklab webhooks" and "HMAC-SHA256" in doc["info"]["description"]
    assert list(doc["webhooks"]) == list(EVENT_TYPES)
    for name, item in doc["webhooks"].items():
        post = item["post"]
        body = post["requestBody"]["content"]["application/json"]["schema"]
        assert body["properties"]["type"]["const"] == name
        assert resolve(doc, body["properties"]["data"]["$ref"]) == EVENT_TYPES[name].schema
        headers = [resolve(doc, p["$ref"]) for p in post["parameters"]]
        assert [h["name"] for h in headers] == ["webhook-id", "webhook-timestamp", "webhook-signature"]
        assert all(h["in"] == "header" and h["required"] and h["description"] for h in headers)
        assert set(post["responses"]) == {"2XX", "401", "422"}
        assert all(resolve(doc, r["$ref"])["description"] for r in post["responses"].values())


def test_openapi_round_trips_through_json_and_is_a_copy():
    doc = catalog.openapi(title="Shop hooks", version="2.0.0")
    assert json.loads(json.dumps(doc)) == doc
    assert doc["info"]["version"] == "2.0.0"
    doc["components"]["schemas"]["order.completed"]["required"].clear()
    assert EVENT_TYPES["order.completed"].required  # the catalog is untouched


def test_warm_up_builds_every_validator_ahead_of_the_first_event():
    catalog.warm_up()
    assert catalog._validator.cache_info().currsize == len(EVENT_TYPES) + 1
    assert validate(good_order())["type"] == "order.completed"


# -- the compiled fast path agrees with jsonschema ----------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_JSON = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False)
                     | st.text(max_size=30), lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)


@settings(max_examples=300, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(catalog.EVENT_TYPES)), seed=st.integers(0, 50),
       change=st.sampled_from(["none", "drop", "replace", "add"]), value=_JSON, pick=st.integers(0, 100))
def test_the_fast_check_says_valid_exactly_when_jsonschema_does(name, seed, change, value, pick):
    data = catalog.Factory(seed=seed).data(name)
    keys = sorted(data)
    key = keys[pick % len(keys)]
    if change == "drop":
        del data[key]
    elif change == "replace":
        data[key] = value
    elif change == "add":
        data[f"extra_{pick}"] = value
    fast_ok = True
    try:
        catalog._fast_check(name)(data)
    except Exception:
        fast_ok = False
    assert fast_ok == catalog._validator(name).is_valid(data), (name, change, key, value)
