"""The email platform's HTTP API (Mailchimp-like): a Blueprint over :mod:`.domain`.

A route reads the request (JSON, or form-encoded the Mailchimp way), calls one domain
function and shapes the answer. As in the Flask tutorial, the app factory binds the app
to its store and registers the blueprint. A route that changes a member then sends the
list's audience webhooks (:mod:`.webhooks`), once the change is committed.
"""

from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, Flask, jsonify, request

from ...clock import Clock
from ...store import Store
from ..base import ApiError, get_store, make_app, now
from ..inputs import apply_batch, brief, check_fields, clean_email, ensure_schema, get_str, read_object
from ..openapi import email_document
from . import domain, webhooks

__all__ = ["create_app", "bp"]

bp = Blueprint("email", __name__, url_prefix="/api")


def create_app(store: Store, api_key: str, clock: Clock) -> Flask:
    """The email platform's Flask app, bound to ``store``; ``/api`` routes need ``api_key``."""
    domain.init_store(store, clock.now())
    ensure_schema(store, webhooks.SCHEMA)
    app = make_app("email", api_key=api_key, public=("/health", "/openapi.json"), store=store, clock=clock)
    app.register_blueprint(bp)
    app.add_url_rule("/health", "health", lambda: {"ok": True, "service": "email"})
    app.add_url_rule("/openapi.json", "openapi", lambda: jsonify(email_document()))  # public: the API's own docs
    return app


def _member_body(allowed: tuple[str, ...]) -> tuple[dict, dict]:
    """The body (JSON or form) checked against ``allowed``: ``(body, the member's fields)``."""
    body = read_object(allow_form=True)
    check_fields(body, allowed)
    fields = {k: v for k, v in body.items() if k != "email_address"}
    if request.mimetype != "application/json" and isinstance(fields.get("tags"), str):
        fields["tags"] = [fields["tags"]]  # a form sends a single tag as a plain value
    return body, fields


def _changing(list_id: str, email: str, write: Callable[[], Any]) -> tuple[Any, tuple]:
    """Run a domain ``write`` of one member; returns its result and the member ``(before, after)``."""
    store = get_store()
    with store.transaction():  # the domain write joins it: before and after belong to the same change
        before = domain.find_member(store, list_id, email)
        result = write()
        return result, (before, domain.find_member(store, list_id, email))


def _tag_changes(body: dict) -> dict[str, bool]:
    check_fields(body, ("tags",), required=("tags",))
    hint = 'send {"tags": [{"name": "vip", "status": "active"}]}; "inactive" removes a tag'
    if not isinstance(body["tags"], list):
        raise ApiError(400, "tags must be a list of {name, status} objects", hint)
    changes = {}
    for item in body["tags"]:
        if not isinstance(item, dict) or set(item) - {"name", "status"}:
            raise ApiError(400, f"each tag must be an object with name and status, not {brief(item)}", hint)
        name = get_str(item, "name", max_len=100).strip()
        status = get_str({"status": item.get("status", "active")}, "status", choices=("active", "inactive"))
        changes[name] = status == "active"  # a name given twice: the last change counts
    return changes


# -- lists ------------------------------------------------------------------------------------

@bp.get("/lists")
def list_lists():
    return {"lists": domain.lists(get_store())}


@bp.post("/lists")
def create_list():
    body = read_object(allow_form=True)
    check_fields(body, ("id", "name"), required=("id", "name"))
    return jsonify({"list": domain.create_list(get_store(), body["id"], body["name"], now())}), 201


# -- members ----------------------------------------------------------------------------------

@bp.get("/members")
def all_members():
    return {"members": domain.members(get_store(), request.args.get("list_id") or None, request.args.get("status"))}


@bp.get("/lists/<list_id>/members")
def list_members(list_id: str):
    domain.check_list(get_store(), list_id)
    return {"members": domain.members(get_store(), list_id, request.args.get("status"))}


@bp.get("/lists/<list_id>/members/<who>")
def get_member(list_id: str, who: str):
    domain.check_list(get_store(), list_id)
    return domain.get_member(get_store(), list_id, domain.resolve(get_store(), who))


@bp.put("/lists/<list_id>/members/<who>")
def put_member(list_id: str, who: str):
    domain.check_list(get_store(), list_id)
    body, fields = _member_body(("email_address", *domain.MEMBER_FIELDS))
    email, at = domain.resolve(get_store(), who, body.get("email_address")), now()
    created, change = _changing(list_id, email, lambda: domain.upsert_member(get_store(), list_id, email, fields, at))
    webhooks.notify(get_store(), list_id, [change], at)
    return jsonify({"created": created, "member": change[1]}), 201 if created else 200


@bp.post("/lists/<list_id>/members/batch")
def batch_members(list_id: str):
    """Add or update up to BATCH_LIMIT members in one call, all or none (Mailchimp batches list members too)."""
    domain.check_list(get_store(), list_id)
    at, changes = now(), []

    def apply(item: dict) -> dict:
        check_fields(item, ("email_address", *domain.MEMBER_FIELDS))
        email = clean_email(item["email_address"], "email_address")
        fields = {k: v for k, v in item.items() if k != "email_address"}
        created, change = _changing(list_id, email,
                                    lambda: domain.upsert_member(get_store(), list_id, email, fields, at))
        changes.append(change)
        return {"email_address": email, "created": created}

    results = apply_batch(get_store(), "members", "member", "email_address", apply)
    webhooks.notify(get_store(), list_id, changes, at)  # all or none: only once the whole batch is saved
    return jsonify(results=results)


@bp.patch("/lists/<list_id>/members/<who>")
def patch_member(list_id: str, who: str):
    domain.check_list(get_store(), list_id)
    body, fields = _member_body(("email_address", "status", "merge_fields", "tags"))
    email, at = domain.resolve(get_store(), who, body.get("email_address")), now()
    member, change = _changing(list_id, email, lambda: domain.update_member(get_store(), list_id, email, fields, at))
    webhooks.notify(get_store(), list_id, [change], at)
    return {"created": False, "member": member}


@bp.post("/lists/<list_id>/members/<who>/tags")
def post_tags(list_id: str, who: str):
    domain.check_list(get_store(), list_id)
    changes = _tag_changes(read_object(allow_form=True))
    domain.tag_member(get_store(), list_id, domain.resolve(get_store(), who), changes, now())
    return "", 204


# -- audience webhooks --------------------------------------------------------------------------

@bp.get("/lists/<list_id>/webhooks")
def list_webhooks(list_id: str):
    domain.check_list(get_store(), list_id)
    return {"webhooks": webhooks.shown(get_store(), list_id)}


@bp.post("/lists/<list_id>/webhooks")
def add_webhook(list_id: str):
    """Register a URL for the list's member events; a Mailchimp-style URL must answer a GET first."""
    domain.check_list(get_store(), list_id)
    hook = webhooks.parse(read_object(), list_id)
    webhooks.check_new(get_store(), hook)  # before the GET: a repeat is refused without calling anyone
    if hook["style"] == "mailchimp":
        webhooks.validate(get_store(), hook, now())
    return jsonify(webhook=webhooks.add(get_store(), hook, now())), 201


@bp.get("/webhook-log")
def webhook_log():
    return {"log": webhooks.log(get_store())}
