"""A mock email platform imitating Mailchimp's Marketing API (Brevo is similar).

Audiences ("lists") hold members with a status, merge fields (``FNAME``,
``LNAME``...) and tags. As in Mailchimp, a member in a path is its email or its
``subscriber_hash`` (md5 of the lowercased email), bodies may be JSON or
form-encoded (``merge_fields[FNAME]=Ana&tags=a&tags=b``), ``PUT`` adds or
updates (``status_if_new`` counts only when adding) and ``PATCH`` updates.

Example (``stack.email`` is an :class:`EmailPlatform`)::

    stack.email.upsert_member("ana@example.com", status_if_new="subscribed",
                              merge_fields={"FNAME": "Ana"}, tags=["newsletter"])
    stack.email.subscribers()
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import quote

import pandas as pd
from flask import Blueprint, Flask, jsonify, request

from ..clock import Clock
from ..store import Store
from .base import ApiError, ServiceClient, ServiceError, make_app
from .openapi import email_document
from .inputs import apply_batch, brief, check_encodable, check_fields, clean_email, ensure_schema, get_str, read_object

__all__ = ["SCHEMA", "create_app", "EmailPlatform", "STATUSES", "subscriber_hash"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS lists (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS members (
    list_id TEXT NOT NULL, email TEXT NOT NULL, status TEXT NOT NULL, merge_fields TEXT NOT NULL,
    tags TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL,
    PRIMARY KEY (list_id, email)
);
"""

STATUSES = ("subscribed", "unsubscribed", "cleaned", "pending", "transactional")
DEFAULT_LISTS = {"newsletter": "Newsletter"}
_MERGE_TAG = re.compile(r"[A-Z][A-Z0-9_]{0,9}")
_HASH = re.compile(r"[0-9a-f]{32}")
_LIST_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_MEMBER_COLUMNS = ["list_id", "email", "status", "merge_fields", "tags", "created_at", "updated_at"]


def subscriber_hash(email: str) -> str:
    """Mailchimp's member id: the md5 hex digest of the lowercased email."""
    return hashlib.md5(email.strip().lower().encode("utf-8")).hexdigest()


def _member_fields(body: dict, form: bool) -> dict:
    out: dict[str, Any] = {}
    for key in ("status", "status_if_new"):
        if body.get(key) is not None:
            out[key] = get_str(body, key, choices=STATUSES)
    if "merge_fields" in body:
        merge = body["merge_fields"]
        if not isinstance(merge, dict):
            raise ApiError(400, f"merge_fields must be an object, not {type(merge).__name__}",
                           "send e.g. {\"FNAME\": \"Ana\"} (or merge_fields[FNAME]=Ana in a form)")
        for tag, value in merge.items():
            if not _MERGE_TAG.fullmatch(tag):
                raise ApiError(400, f"merge field {tag!r} is not a merge tag",
                               "merge tags are upper-case like FNAME or LNAME: a letter, then up to 9 of A-Z, 0-9, _")
            if not isinstance(value, str) or len(value) > 1000:
                raise ApiError(400, f"merge field {tag} must be a string of up to 1000 characters, not {brief(value)}")
        check_encodable(merge, "merge_fields")
        out["merge_fields"] = merge
    if "tags" in body:
        tags = body["tags"]
        if form and isinstance(tags, str):
            tags = [tags]  # a form sends a single tag as a plain value
        if not isinstance(tags, list):
            raise ApiError(400, f"tags must be a list of names, not {type(tags).__name__}", "send e.g. [\"vip\"]")
        out["tags"] = sorted({get_str({"tag": t}, "tag", max_len=100).strip() for t in tags})
    return out


def _tag_changes(body: dict) -> list[tuple[str, bool]]:
    check_fields(body, ("tags",), required=("tags",))
    hint = 'send {"tags": [{"name": "vip", "status": "active"}]}; "inactive" removes a tag'
    if not isinstance(body["tags"], list):
        raise ApiError(400, "tags must be a list of {name, status} objects", hint)
    changes = []
    for item in body["tags"]:
        if not isinstance(item, dict) or set(item) - {"name", "status"}:
            raise ApiError(400, f"each tag must be an object with name and status, not {brief(item)}", hint)
        name = get_str(item, "name", max_len=100).strip()
        status = get_str({"status": item.get("status", "active")}, "status", choices=("active", "inactive"))
        changes.append((name, status == "active"))
    return changes


def _member_row(row: dict) -> dict:
    return {"id": subscriber_hash(row["email"]), **row,
            "merge_fields": json.loads(row["merge_fields"]), "tags": json.loads(row["tags"])}


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def create_app(store: Store, api_key: str, clock: Clock) -> Flask:
    """The email platform's Flask app, bound to ``store``; ``/api`` routes need ``api_key``."""
    ensure_schema(store, SCHEMA)
    store.executemany("INSERT OR IGNORE INTO lists (id, name, created_at) VALUES (?, ?, ?)",
                      [(i, name, clock.now()) for i, name in DEFAULT_LISTS.items()])
    app = make_app("email", api_key=api_key, public=("/health", "/openapi.json"))
    api = Blueprint("email", __name__, url_prefix="/api")

    def need_list(list_id: str) -> None:
        if store.one("SELECT 1 FROM lists WHERE id = ?", (list_id,)) is None:
            known = ", ".join(r["id"] for r in store.all("SELECT id FROM lists ORDER BY id"))
            raise ApiError(404, f"no list {list_id!r}", f"lists: {known} (create one with POST /api/lists)")

    def resolve(who: str, body_email: Any = None) -> str:
        """The member's email from a path part that is an email or a subscriber_hash."""
        if "@" in who:
            email = clean_email(who, "the member in the path")
        elif _HASH.fullmatch(who.lower()):
            wanted = who.lower()
            emails = [r["email"] for r in store.all("SELECT DISTINCT email FROM members")]
            if body_email is not None:
                emails.append(clean_email(body_email, "email_address"))
            email = next((e for e in emails if subscriber_hash(e) == wanted), None)
            if email is None:
                raise ApiError(404, f"no member with subscriber_hash {wanted}",
                               "use the email in the path, or send email_address in the body")
        else:
            raise ApiError(400, f"{who!r} is neither an email address nor a subscriber_hash",
                           "a subscriber_hash is the md5 hex digest of the lowercased email")
        if body_email is not None and clean_email(body_email, "email_address") != email:
            raise ApiError(400, f"email_address {brief(body_email)} does not match the member in the path ({email})")
        return email

    def find(list_id: str, email: str) -> dict | None:
        row = store.one("SELECT * FROM members WHERE list_id = ? AND email = ?", (list_id, email))
        return _member_row(row) if row else None

    def need_member(list_id: str, email: str) -> dict:
        member = find(list_id, email)
        if member is None:
            raise ApiError(404, f"no member {email} in list {list_id!r}",
                           f"add it with PUT /api/lists/{list_id}/members/{email}")
        return member

    def update(list_id: str, email: str, fields: dict) -> None:
        if fields:
            sets = ", ".join(f"{k} = ?" for k in fields)
            store.execute(f"UPDATE members SET {sets}, updated_at = ? WHERE list_id = ? AND email = ?",
                          (*fields.values(), clock.now(), list_id, email))

    def members(where: str = "", params: tuple = ()) -> dict:
        status = request.args.get("status")
        if status is not None:
            get_str({"status": status}, "status", choices=STATUSES)
            where, params = where + (" AND" if where else "") + " status = ?", (*params, status)
        rows = store.all(f"SELECT * FROM members {'WHERE' if where else ''} {where} ORDER BY list_id, email", params)
        return {"members": [_member_row(r) for r in rows]}

    @api.get("/lists")
    def list_lists():
        return {"lists": store.all("SELECT l.id, l.name, COUNT(m.email) AS member_count, l.created_at FROM lists l"
                                   " LEFT JOIN members m ON m.list_id = l.id GROUP BY l.id ORDER BY l.id")}

    @api.post("/lists")
    def create_list():
        body = read_object(allow_form=True)
        check_fields(body, ("id", "name"), required=("id", "name"))
        list_id, name = get_str(body, "id", max_len=40), get_str(body, "name", max_len=100)
        if not _LIST_ID.fullmatch(list_id):
            raise ApiError(400, f"list id {list_id!r} is not a valid id",
                           "use 1 to 40 lower-case letters, digits, '-' or '_', e.g. \"vip-customers\"")
        with store.transaction():
            if store.one("SELECT 1 FROM lists WHERE id = ?", (list_id,)):
                raise ApiError(409, f"list {list_id!r} already exists", "pick another id, or use the list")
            store.execute("INSERT INTO lists (id, name, created_at) VALUES (?, ?, ?)", (list_id, name, clock.now()))
        return jsonify({"list": {"id": list_id, "name": name, "member_count": 0,
                                 "created_at": store.scalar("SELECT created_at FROM lists WHERE id = ?", (list_id,))}}), 201

    @api.get("/members")
    def all_members():
        list_id = request.args.get("list_id")
        return members("list_id = ?", (list_id,)) if list_id else members()

    @api.get("/lists/<list_id>/members")
    def list_members(list_id: str):
        need_list(list_id)
        return members("list_id = ?", (list_id,))

    @api.get("/lists/<list_id>/members/<who>")
    def get_member(list_id: str, who: str):
        need_list(list_id)
        return need_member(list_id, resolve(who))

    @api.put("/lists/<list_id>/members/<who>")
    def put_member(list_id: str, who: str):
        need_list(list_id)
        body = read_object(allow_form=True)
        check_fields(body, ("email_address", "status", "status_if_new", "merge_fields", "tags"))
        email = resolve(who, body.get("email_address"))
        fields = _member_fields(body, form=request.mimetype != "application/json")
        with store.transaction():
            created = upsert(list_id, email, fields)
        return jsonify({"created": created, "member": find(list_id, email)}), 201 if created else 200

    def upsert(list_id: str, email: str, fields: dict) -> bool:
        """Add or update one member inside the caller's transaction; True if it is new to the list."""
        created = store.scalar("SELECT 1 FROM members WHERE list_id = ? AND email = ?", (list_id, email)) is None
        if created:
            status = fields.get("status_if_new") or fields.get("status")
            if status is None:
                raise ApiError(400, f"{email} is new to list {list_id!r}, so it needs a status",
                               "send status_if_new (or status), e.g. \"status_if_new\": \"subscribed\"")
            now = clock.now()
            store.execute("INSERT INTO members VALUES (?, ?, ?, ?, ?, ?, ?)",
                          (list_id, email, status, _dump(fields.get("merge_fields", {})),
                           _dump(fields.get("tags", [])), now, now))
        else:
            fields.pop("status_if_new", None)  # Mailchimp: only for a new member
            update(list_id, email, {k: v if k == "status" else _dump(v) for k, v in fields.items()})
        return created

    @api.post("/lists/<list_id>/members/batch")
    def batch_members(list_id: str):
        """Add or update up to BATCH_LIMIT members in one call, all or none (Mailchimp batches list members too)."""
        need_list(list_id)

        def apply(item: dict) -> dict:
            check_fields(item, ("email_address", "status", "status_if_new", "merge_fields", "tags"))
            email = clean_email(item["email_address"], "email_address")
            return {"email_address": email, "created": upsert(list_id, email, _member_fields(item, form=False))}

        return jsonify(results=apply_batch(store, "members", "member", "email_address", apply))

    @api.patch("/lists/<list_id>/members/<who>")
    def patch_member(list_id: str, who: str):
        need_list(list_id)
        body = read_object(allow_form=True)
        check_fields(body, ("email_address", "status", "merge_fields", "tags"))
        email = resolve(who, body.get("email_address"))
        fields = _member_fields(body, form=request.mimetype != "application/json")
        with store.transaction():
            member = need_member(list_id, email)
            if "merge_fields" in fields:
                fields["merge_fields"] = {**member["merge_fields"], **fields["merge_fields"]}
            update(list_id, email, {k: v if k == "status" else _dump(v) for k, v in fields.items()})
        return {"created": False, "member": find(list_id, email)}

    @api.post("/lists/<list_id>/members/<who>/tags")
    def post_tags(list_id: str, who: str):
        need_list(list_id)
        changes = _tag_changes(read_object(allow_form=True))
        email = resolve(who)
        with store.transaction():
            tags = set(need_member(list_id, email)["tags"])
            for name, active in changes:
                (tags.add if active else tags.discard)(name)
            update(list_id, email, {"tags": _dump(sorted(tags))})
        return "", 204

    app.register_blueprint(api)
    app.add_url_rule("/health", "health", lambda: {"ok": True, "service": "email"})
    app.add_url_rule("/openapi.json", "openapi", lambda: jsonify(email_document()))  # public: the API's own docs
    return app


class EmailPlatform(ServiceClient):
    """Client for the mock email platform (Mailchimp-like); errors raise :class:`ServiceError`.

    Example::

        email.upsert_member("ana@example.com", status_if_new="subscribed", merge_fields={"FNAME": "Ana"})
        email.tag("ana@example.com", "vip")
        email.subscribers()
    """

    service = "email"

    def _path(self, list_id: str, email: str) -> str:
        return f"/api/lists/{quote(list_id, safe='')}/members/{quote(email, safe='@')}"

    def upsert_member(self, email: str, status: str | None = None, status_if_new: str | None = None,
                      merge_fields: dict | None = None, tags: list[str] | None = None,
                      list_id: str = "newsletter", form: bool = False) -> dict:
        """Add or update a member; ``form=True`` sends the body form-encoded, the Mailchimp way.

        (A form cannot say "no tags": use JSON to clear the tag set with ``tags=[]``.)
        """
        fields = {"email_address": email, "status": status, "status_if_new": status_if_new,
                  "merge_fields": merge_fields, "tags": tags}
        fields = {k: v for k, v in fields.items() if v is not None}
        if not form:
            return self.request("PUT", self._path(list_id, email), json=fields)
        data = [(k, fields[k]) for k in ("email_address", "status", "status_if_new") if k in fields]
        data += [(f"merge_fields[{k}]", v) for k, v in (merge_fields or {}).items()]
        data += [("tags", t) for t in tags or []]
        return self.request("PUT", self._path(list_id, email), data=data)

    def upsert_members(self, members: list[dict], list_id: str = "newsletter") -> list[dict]:
        """Add or update up to 100 members (dicts with ``email_address``) in one call, all or none."""
        return self.request("POST", f"/api/lists/{quote(list_id, safe='')}/members/batch",
                            json={"members": members})["results"]

    def update_member(self, email: str, list_id: str = "newsletter", **fields: Any) -> dict:
        """Change an existing member; merge_fields are merged into the ones it has."""
        return self.request("PATCH", self._path(list_id, email), json=fields)

    def tag(self, email: str, *tags: str, list_id: str = "newsletter", active: bool = True) -> None:
        """Add tags to a member (or remove them with ``active=False``)."""
        status = "active" if active else "inactive"
        self.request("POST", self._path(list_id, email) + "/tags",
                     json={"tags": [{"name": t, "status": status} for t in tags]})

    def member(self, email: str, list_id: str = "newsletter") -> dict | None:
        try:
            return self.request("GET", self._path(list_id, email))
        except ServiceError as e:
            if e.status == 404 and "no member" in str(e):
                return None
            raise  # an unknown list is a mistake, not "no such member"

    def subscribers(self, list_id: str | None = None) -> pd.DataFrame:
        path = f"/api/lists/{quote(list_id, safe='')}/members" if list_id else "/api/members"
        return self.frame(path, "members", _MEMBER_COLUMNS, ("created_at", "updated_at"))

    def lists(self) -> pd.DataFrame:
        return self.frame("/api/lists", "lists", ["id", "name", "member_count", "created_at"], ("created_at",))
