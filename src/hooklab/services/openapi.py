"""The CRM's and the email platform's HTTP APIs as OpenAPI 3.1 documents.

Each service serves its document at ``GET /openapi.json`` (public, no key), so a
learner can read the API, import it into Postman or Bruno, or fuzz it
(``tests/test_fuzz.py`` runs Schemathesis against it). The JSON Schemas say what
the code accepts, no more: ``additionalProperties: false`` where the service
refuses unknown fields, the lengths and choices of ``services/inputs.py``.

>>> doc = crm_document()
>>> doc["openapi"], sorted(doc["paths"])[:2]
('3.1.0', ['/api/contacts', '/api/contacts/batch'])
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["crm_document", "email_document"]

_INT64 = 2**63


def _str(description: str, max_len: int = 200, **keywords: Any) -> dict:
    # get_str(): a string of 1..max_len characters, not only whitespace.
    return {"type": "string", "minLength": 1, "maxLength": max_len, "pattern": r"\S",
            "description": description, **keywords}


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}], "description": schema.get("description", "")}


_ERROR = {"type": "object", "required": ["error"], "properties": {
    "error": {"type": "string", "description": "What was wrong, naming the field or header."},
    "hint": {"type": "string", "description": "How to fix it."}}}

_ERRORS = {
    "400": "The body or a path part is not valid; `error` names the field.",
    "401": "No API key, or a wrong one.",
    "404": "No such resource (or route).",
    "405": "This path does not take this method.",
    "409": "It exists already.",
    "413": "The body is over 1 MiB.",
    "415": "The body is not JSON (or, where allowed, form-encoded).",
}

_EMAIL = {"type": "string", "pattern": r"^[^@\s/]+@[^@\s/]+$", "description": "An email address: one '@' with text on both sides "
          "(compared lower-cased).", "examples": ["ana@example.com"]}


def _json(schema: dict, form: bool = False) -> dict:
    content = {"application/json": {"schema": schema}}
    if form:
        content["application/x-www-form-urlencoded"] = {"schema": schema}
    return {"required": True, "content": content}


def _answer(description: str, schema: dict | None = None) -> dict:
    out: dict[str, Any] = {"description": description}
    if schema is not None:
        out["content"] = {"application/json": {"schema": schema}}
    return out


def _op(summary: str, responses: dict[str, dict], errors: str, body: dict | None = None,
        parameters: list | None = None, operation_id: str = "") -> dict:
    op: dict[str, Any] = {"operationId": operation_id, "summary": summary, "responses": {
        **responses, **{code: {"$ref": f"#/components/responses/{code}"} for code in errors.split()}}}
    if body is not None:
        op["requestBody"] = body
    if parameters:
        op["parameters"] = parameters
    return op


def _path_param(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": schema or {"type": "string", "minLength": 1}}


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _document(title: str, description: str, paths: dict, schemas: dict) -> dict:
    return copy.deepcopy({
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1.0.0", "description": description},
        "servers": [{"url": "/", "description": "the service's own address (stack.urls)"}],
        "security": [{"bearer": []}, {"apiKey": []}],
        "paths": {"/health": {"get": {"operationId": "health", "summary": "Is the service up? (no key needed)",
                                      "security": [], "responses": {"200": _answer("Up.", {"type": "object"})}}},
                  **paths},
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "stack.keys[<service>]"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
            "schemas": {"Error": _ERROR, **schemas},
            "responses": {code: _answer(text, {"$ref": "#/components/schemas/Error"})
                          for code, text in _ERRORS.items()}},
    })


# -- the CRM ---------------------------------------------------------------------------------

def _contact_properties() -> dict:
    text = {key: _nullable(_str(f"The contact's {key.replace('_', ' ')}."))
            for key in ("name", "phone", "company", "city", "job_title", "locale")}
    return {
        **text,
        "lifecycle_stage": {"type": "string", "enum": ["subscriber", "lead", "customer"],
                            "description": "Only moves forward: subscriber < lead < customer."},
        "subscribed": {"type": ["boolean", "null"], "description": "Marketing consent."},
        "source_version": {"type": ["integer", "null"], "minimum": -_INT64, "maximum": _INT64 - 1,
                           "description": "Version of the source record (contact.updated)."},
        "subscribed_at": {"type": ["number", "null"],
                          "description": "Unix seconds of the subscription change (older changes are ignored)."},
    }


def crm_document() -> dict:
    """The mock CRM's API (``hooklab.services.crm``) as an OpenAPI 3.1 document."""
    contact_in = {"type": "object", "additionalProperties": False,
                  "properties": {"email": _EMAIL, **_contact_properties()},
                  "description": "Fields to set; `email`, if given, must match the path."}
    batch_item = {**contact_in, "required": ["email"]}
    order_fields = {
        "email": _EMAIL,
        "total": {"type": "number", "minimum": 0, "description": "Order total (a refund is status refunded)."},
        "currency": {"type": "string", "pattern": "^[A-Za-z]{3}$", "description": "ISO 4217 code, e.g. EUR."},
        "status": {"type": "string", "enum": ["completed", "refunded"]},
        "items": {"type": "array", "description": "The order lines, stored as given."},
    }
    order_id = {"anyOf": [_str("The shop's order id."), {"type": "integer"}]}
    new_order = {"type": "object", "additionalProperties": False,
                 "required": ["order_id", "email", "total", "currency"],
                 "properties": {"order_id": order_id, **order_fields}}
    order_update = {"type": "object", "additionalProperties": False,
                    "properties": {"order_id": order_id, **order_fields},
                    "description": "A new order_id needs email, total and currency."}
    timeline_in = {"type": "object", "additionalProperties": False, "required": ["kind", "text"], "properties": {
        "kind": _str("What happened, e.g. order.", 100), "text": _str("What to show.", 10_000),
        "event_id": _nullable(_str("Idempotency key: the same event_id is stored once.")),
        "at": {"type": ["number", "null"], "description": "Unix seconds (default: now)."}}}
    obj = {"type": "object"}
    email_param = _path_param("email", "The contact's email address.", _EMAIL)
    order_param = _path_param("order_id", "The shop's order id.")
    paths = {
        "/api/contacts": {"get": _op("Every contact, with lifetime value and order count.",
                                     {"200": _answer("The contacts.", obj)}, "401", operation_id="listContacts")},
        "/api/contacts/batch": {"post": _op(
            "Upsert 1 to 100 contacts, all or none.", {"200": _answer("One result per contact.", obj)},
            "400 401 413 415", _json({"type": "object", "additionalProperties": False, "required": ["contacts"],
                                      "properties": {"contacts": {"type": "array", "minItems": 1, "maxItems": 100,
                                                                  "items": batch_item}}}),
            operation_id="batchContacts")},
        "/api/contacts/{email}": {
            "parameters": [email_param],
            "get": _op("One contact.", {"200": _answer("The contact.", obj)}, "400 401 404",
                       operation_id="getContact"),
            "put": _op("Create or update a contact.", {"200": _answer("Updated.", obj),
                                                        "201": _answer("Created.", obj)},
                       "400 401 413 415", _json(contact_in), operation_id="putContact")},
        "/api/contacts/{email}/timeline": {
            "parameters": [email_param],
            "get": _op("A contact's timeline.", {"200": _answer("Entries, oldest first.", obj)}, "400 401 404",
                       operation_id="getTimeline"),
            "post": _op("Add a timeline entry (once per event_id).", {"200": _answer("Already there.", obj),
                                                                      "201": _answer("Added.", obj)},
                        "400 401 404 413 415", _json(timeline_in), operation_id="postTimeline")},
        "/api/timeline": {"get": _op("Every timeline entry.", {"200": _answer("Entries.", obj)}, "401",
                                     operation_id="allTimeline")},
        "/api/timeline/batch": {"post": _op(
            "Add 1 to 100 timeline entries, each to an existing contact, all or none.",
            {"200": _answer("One result per entry.", obj)}, "400 401 404 413 415",
            _json({"type": "object", "additionalProperties": False, "required": ["entries"], "properties": {
                "entries": {"type": "array", "minItems": 1, "maxItems": 100, "items": {
                    **timeline_in, "required": ["email", "kind", "text"],
                    "properties": {"email": _EMAIL, **timeline_in["properties"]}}}}}),
            operation_id="batchTimeline")},
        "/api/orders": {
            "get": _op("Every order row.", {"200": _answer("Orders.", obj)}, "401", operation_id="listOrders"),
            "post": _op("A NEW order row on every call (like a HubSpot deal).", {"201": _answer("Created.", obj)},
                        "400 401 413 415", _json(new_order), operation_id="postOrder")},
        "/api/orders/{order_id}": {
            "parameters": [order_param],
            "get": _op("The rows of one order id.", {"200": _answer("Rows.", obj)}, "401 404",
                       operation_id="getOrder"),
            "put": _op("Create or update the order(s) with this id; safe to repeat.",
                       {"200": _answer("Updated.", obj), "201": _answer("Created.", obj)},
                       "400 401 413 415", _json(order_update), operation_id="putOrder")},
    }
    return _document("hooklab mock CRM", "Contacts, orders and a timeline per contact, like HubSpot. "
                     "Every /api route needs `Authorization: Bearer <key>` or `X-API-Key: <key>`.", paths, {})


# -- the email platform ----------------------------------------------------------------------

def email_document() -> dict:
    """The mock email platform's API (``hooklab.services.email``) as an OpenAPI 3.1 document."""
    status = {"type": "string", "enum": ["subscribed", "unsubscribed", "cleaned", "pending", "transactional"]}
    nullable_status = {"anyOf": [status, {"type": "null"}]}
    merge = {"type": "object", "description": "Merge fields, e.g. {\"FNAME\": \"Ana\"}.",
             "propertyNames": {"pattern": "^[A-Z][A-Z0-9_]{0,9}$"},
             "additionalProperties": {"type": "string", "maxLength": 1000}}
    tags = {"type": "array", "items": _str("A tag name.", 100), "description": "The member's whole tag set."}
    member_fields = {"email_address": _nullable(_EMAIL), "status": nullable_status, "merge_fields": merge, "tags": tags}
    put_member = {"type": "object", "additionalProperties": False,
                  "properties": {**member_fields, "status_if_new": nullable_status},
                  "description": "A new member needs status_if_new (or status)."}
    patch_member = {"type": "object", "additionalProperties": False, "properties": member_fields}
    tag_changes = {"type": "object", "additionalProperties": False, "required": ["tags"], "properties": {
        "tags": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["name"], "properties": {
                "name": _str("The tag.", 100),
                "status": {"type": "string", "enum": ["active", "inactive"], "default": "active"}}}}}}
    new_list = {"type": "object", "additionalProperties": False, "required": ["id", "name"], "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,39}$"}, "name": _str("Shown name.", 100)}}
    new_webhook = {"type": "object", "additionalProperties": False, "required": ["url", "style"], "properties": {
        "url": _str("Where to send: http(s) on 127.0.0.1 or localhost; a Mailchimp-style secret goes in the "
                    "query (?key=...).", 2000),
        "style": {"type": "string", "enum": ["mailchimp", "brevo"]},
        "basic": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string", "maxLength": 200},
                  "description": "Brevo-style: [user, password] for an Authorization: Basic header."},
        "bearer": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,500}$",
                   "description": "Brevo-style: a token for an Authorization: Bearer header."}}}
    obj = {"type": "object"}
    list_param = _path_param("list_id", "The list (audience) id, e.g. newsletter.")
    who_param = _path_param("who", "The member's email address, or its subscriber_hash "
                                   "(md5 hex of the lower-cased email).")
    status_query = _query("status", "Only members with this status.", status)
    paths = {
        "/api/lists": {
            "get": _op("Every list, with its member count.", {"200": _answer("Lists.", obj)}, "401",
                       operation_id="listLists"),
            "post": _op("Create a list.", {"201": _answer("Created.", obj)}, "400 401 409 413 415",
                        _json(new_list, form=True), operation_id="createList")},
        "/api/members": {"get": _op(
            "Members of every list.", {"200": _answer("Members.", obj)}, "400 401",
            parameters=[_query("list_id", "Only this list.", {"type": "string"}), status_query],
            operation_id="allMembers")},
        "/api/lists/{list_id}/members": {
            "parameters": [list_param],
            "get": _op("Members of one list.", {"200": _answer("Members.", obj)}, "400 401 404",
                       parameters=[status_query], operation_id="listMembers")},
        "/api/lists/{list_id}/members/batch": {
            "parameters": [list_param],
            "post": _op("Add or update 1 to 100 members, all or none.", {"200": _answer("One result per member.", obj)},
                        "400 401 404 413 415", _json({
                            "type": "object", "additionalProperties": False, "required": ["members"], "properties": {
                                "members": {"type": "array", "minItems": 1, "maxItems": 100, "items": {
                                    **put_member, "required": ["email_address"],
                                    "properties": {**put_member["properties"], "email_address": _EMAIL}}}}}),
                        operation_id="batchMembers")},
        "/api/lists/{list_id}/members/{who}": {
            "parameters": [list_param, who_param],
            "get": _op("One member.", {"200": _answer("The member.", obj)}, "400 401 404",
                       operation_id="getMember"),
            "put": _op("Add or update a member (status_if_new counts only when adding).",
                       {"200": _answer("Updated.", obj), "201": _answer("Added.", obj)},
                       "400 401 404 413 415", _json(put_member), operation_id="putMember"),
            "patch": _op("Update a member; merge_fields are merged.", {"200": _answer("Updated.", obj)},
                         "400 401 404 413 415", _json(patch_member), operation_id="patchMember")},
        "/api/lists/{list_id}/members/{who}/tags": {
            "parameters": [list_param, who_param],
            "post": _op("Add (active) or remove (inactive) tags.", {"204": {"description": "Done."}},
                        "400 401 404 413 415", _json(tag_changes), operation_id="postTags")},
        "/api/lists/{list_id}/webhooks": {
            "parameters": [list_param],
            "get": _op("The list's audience webhooks (auth type only, query values masked).",
                       {"200": _answer("Webhooks.", obj)}, "400 401 404", operation_id="listWebhooks"),
            "post": _op("Call a URL on this machine whenever a member of the list changes. Mailchimp-style: "
                        "form-encoded, unsigned, a secret in the URL; the URL must answer a GET with 2xx first. "
                        "Brevo-style: JSON, with basic or bearer authentication.",
                        {"201": _answer("Registered.", obj)}, "400 401 404 409 413 415", _json(new_webhook),
                        operation_id="addWebhook")},
        "/api/webhook-log": {"get": _op(
            "Every request the platform made to a webhook, oldest first, with its status code.",
            {"200": _answer("The log.", obj)}, "401", operation_id="webhookLog")},
    }
    return _document("hooklab mock email platform", "Lists, members, merge fields and tags, like Mailchimp's "
                     "Marketing API. Every /api route needs `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                     paths, {})
