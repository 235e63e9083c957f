"""The email platform's domain: lists (audiences), their members, status and tags; no HTTP.

Each function takes the :class:`~hooklab.store.Store` first and, where it writes, the time
(Unix seconds) last. Values come as a JSON body carries them and are checked here; a
mistake raises :class:`~hooklab.services.base.ApiError` naming the field. A function that
writes runs in one transaction, or joins the caller's, so a batch stays all or none.

>>> store = Store(":memory:", SCHEMA)
>>> init_store(store, now=0.0)
>>> upsert_member(store, "newsletter", "ana@example.com", {"status_if_new": "subscribed", "tags": ["a"]}, now=1.0)
True
>>> tag_member(store, "newsletter", "ana@example.com", {"vip": True, "a": False}, now=2.0)
['vip']
>>> [(m["email"], m["status"], m["tags"]) for m in members(store)]
[('ana@example.com', 'subscribed', ['vip'])]
>>> store.close()
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from ...store import Store
from ..base import ApiError
from ..inputs import brief, check_encodable, check_fields, clean_email, ensure_schema, get_str

__all__ = ["SCHEMA", "STATUSES", "DEFAULT_LISTS", "MEMBER_FIELDS", "subscriber_hash", "init_store", "lists",
           "create_list", "check_list", "resolve", "find_member", "get_member", "members", "upsert_member",
           "update_member", "tag_member"]

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
#: What a member's PUT may set; a PATCH may set the same but ``status_if_new``.
MEMBER_FIELDS = ("status", "status_if_new", "merge_fields", "tags")
_MERGE_TAG = re.compile(r"[A-Z][A-Z0-9_]{0,9}")
_HASH = re.compile(r"[0-9a-f]{32}")
_LIST_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


def subscriber_hash(email: str) -> str:
    """Mailchimp's member id: the md5 hex digest of the lowercased email."""
    return hashlib.md5(email.strip().lower().encode("utf-8")).hexdigest()


def init_store(store: Store, now: float) -> None:
    """Create the tables a store opened without :data:`SCHEMA` lacks, and the default lists."""
    ensure_schema(store, SCHEMA)
    store.executemany("INSERT OR IGNORE INTO lists (id, name, created_at) VALUES (?, ?, ?)",
                      [(i, name, now) for i, name in DEFAULT_LISTS.items()])


# -- lists ------------------------------------------------------------------------------------

def lists(store: Store) -> list[dict]:
    """Every list with its ``member_count``, by id."""
    return store.all("SELECT l.id, l.name, COUNT(m.email) AS member_count, l.created_at FROM lists l"
                     " LEFT JOIN members m ON m.list_id = l.id GROUP BY l.id ORDER BY l.id")


def create_list(store: Store, list_id: Any, name: Any, now: float) -> dict:
    """A new, empty list; a 409 if the id is taken."""
    list_id, name = get_str({"id": list_id}, "id", max_len=40), get_str({"name": name}, "name", max_len=100)
    if not _LIST_ID.fullmatch(list_id):
        raise ApiError(400, f"list id {list_id!r} is not a valid id",
                       "use 1 to 40 lower-case letters, digits, '-' or '_', e.g. \"vip-customers\"")
    with store.transaction():
        if store.one("SELECT 1 FROM lists WHERE id = ?", (list_id,)):
            raise ApiError(409, f"list {list_id!r} already exists", "pick another id, or use the list")
        store.execute("INSERT INTO lists (id, name, created_at) VALUES (?, ?, ?)", (list_id, name, now))
    return {"id": list_id, "name": name, "member_count": 0, "created_at": now}


def check_list(store: Store, list_id: str) -> None:
    """A 404 naming the lists there are, unless ``list_id`` is one of them."""
    if store.one("SELECT 1 FROM lists WHERE id = ?", (list_id,)) is None:
        known = ", ".join(r["id"] for r in store.all("SELECT id FROM lists ORDER BY id"))
        raise ApiError(404, f"no list {list_id!r}", f"lists: {known} (create one with POST /api/lists)")


# -- members ----------------------------------------------------------------------------------

def resolve(store: Store, who: str, body_email: Any = None) -> str:
    """The member's email from an email or a ``subscriber_hash`` (checked against ``body_email``)."""
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


def _member_row(row: dict) -> dict:
    return {"id": subscriber_hash(row["email"]), **row,
            "merge_fields": json.loads(row["merge_fields"]), "tags": json.loads(row["tags"])}


def find_member(store: Store, list_id: str, email: str) -> dict | None:
    """The member (with its ``id``, the subscriber_hash), or None."""
    row = store.one("SELECT * FROM members WHERE list_id = ? AND email = ?", (list_id, email))
    return _member_row(row) if row else None


def get_member(store: Store, list_id: str, email: str) -> dict:
    """:func:`find_member`, or a 404 that says how to add the member."""
    member = find_member(store, list_id, email)
    if member is None:
        raise ApiError(404, f"no member {email} in list {list_id!r}",
                       f"add it with PUT /api/lists/{list_id}/members/{email}")
    return member


def members(store: Store, list_id: str | None = None, status: str | None = None) -> list[dict]:
    """Members by list and email: all, or those of one list, or with one status."""
    where, params = [], []
    if list_id is not None:
        where, params = ["list_id = ?"], [list_id]
    if status is not None:
        get_str({"status": status}, "status", choices=STATUSES)
        where, params = [*where, "status = ?"], [*params, status]
    rows = store.all(f"SELECT * FROM members {'WHERE ' + ' AND '.join(where) if where else ''} "
                     "ORDER BY list_id, email", params)
    return [_member_row(r) for r in rows]


def _member_fields(fields: dict, allowed: tuple[str, ...] = MEMBER_FIELDS) -> dict:
    check_fields(fields, allowed)
    out: dict[str, Any] = {}
    for key in ("status", "status_if_new"):
        if fields.get(key) is not None:
            out[key] = get_str(fields, key, choices=STATUSES)
    if "merge_fields" in fields:
        merge = fields["merge_fields"]
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
    if "tags" in fields:
        tags = fields["tags"]
        if not isinstance(tags, list):
            raise ApiError(400, f"tags must be a list of names, not {type(tags).__name__}", "send e.g. [\"vip\"]")
        out["tags"] = sorted({get_str({"tag": t}, "tag", max_len=100).strip() for t in tags})
    return out


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _update(store: Store, list_id: str, email: str, fields: dict, now: float) -> None:
    if fields:
        values = {k: v if k == "status" else _dump(v) for k, v in fields.items()}
        sets = ", ".join(f"{k} = ?" for k in values)
        store.execute(f"UPDATE members SET {sets}, updated_at = ? WHERE list_id = ? AND email = ?",
                      (*values.values(), now, list_id, email))


def upsert_member(store: Store, list_id: str, email: str, fields: dict, now: float) -> bool:
    """Add the member to the list or update it (Mailchimp's PUT); True if it is new to the list.

    ``status_if_new`` counts only when adding; a new member needs it (or ``status``).
    """
    email, fields = clean_email(email), _member_fields(fields)
    with store.transaction():
        check_list(store, list_id)
        created = store.scalar("SELECT 1 FROM members WHERE list_id = ? AND email = ?", (list_id, email)) is None
        if created:
            status = fields.get("status_if_new") or fields.get("status")
            if status is None:
                raise ApiError(400, f"{email} is new to list {list_id!r}, so it needs a status",
                               "send status_if_new (or status), e.g. \"status_if_new\": \"subscribed\"")
            store.execute("INSERT INTO members VALUES (?, ?, ?, ?, ?, ?, ?)",
                          (list_id, email, status, _dump(fields.get("merge_fields", {})),
                           _dump(fields.get("tags", [])), now, now))
        else:
            fields.pop("status_if_new", None)  # Mailchimp: only for a new member
            _update(store, list_id, email, fields, now)
    return created


def update_member(store: Store, list_id: str, email: str, fields: dict, now: float) -> dict:
    """Change a member that exists (Mailchimp's PATCH): merge_fields merge into its own; returns it."""
    fields = _member_fields(fields, ("status", "merge_fields", "tags"))
    with store.transaction():
        member = get_member(store, list_id, email)
        if "merge_fields" in fields:
            fields["merge_fields"] = {**member["merge_fields"], **fields["merge_fields"]}
        _update(store, list_id, email, fields, now)
        return find_member(store, list_id, email)


def tag_member(store: Store, list_id: str, email: str, tags: dict[str, bool], now: float) -> list[str]:
    """Add the tags mapped to True and remove those mapped to False; returns the member's tags."""
    with store.transaction():
        current = set(get_member(store, list_id, email)["tags"])
        for name, active in tags.items():
            (current.add if active else current.discard)(name)
        _update(store, list_id, email, {"tags": sorted(current)}, now)
    return sorted(current)
