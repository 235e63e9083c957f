"""The email platform's audience webhooks: it calls *you* when a member changes, Mailchimp- or Brevo-style.

A list (audience) can have webhook URLs on this machine, each with a style:

- ``"mailchimp"``: nothing is signed and no credentials are sent; the secret goes in the URL
  (``.../mailchimp?key=...``). Registering sends a ``GET`` to the URL first and is refused
  unless it answers 2xx. Events are ``POST`` ed **form-encoded**: ``type``, ``fired_at``
  (``YYYY-MM-DD HH:MM:SS``, UTC, on the stack's clock) and ``data[...]`` fields:
  ``data[email]``, ``data[list_id]``, ``data[merges][FNAME]``...; an unsubscribe adds
  ``data[action]=unsub`` and ``data[reason]=manual``.
- ``"brevo"``: **JSON** ``POST`` s with ``Authorization: Basic ...`` (``basic=[user, password]``,
  or ``https://user:password@host/...`` in the URL) or ``Authorization: Bearer <token>``.

A member change makes one event: joining the list or coming back ``subscribe``, leaving it
``unsubscribe``, a bounce ``cleaned``, new merge fields ``profile`` (Brevo-style names:
``list_addition``, ``unsubscribe``, ``hard_bounce``, ``contact_updated``). Each goes to every
webhook of the list, once: a mock vendor's best effort, synchronous, with no retries. Every
request, the validation ``GET`` too, is a row of ``webhook_log`` with its status code, and the
URL with its secrets masked.

The rules (checks, payloads) are functions over the store, like :mod:`.domain`; only
:func:`send` speaks HTTP, through ``requests``.
"""

from __future__ import annotations

import ipaddress
import json
import re
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import requests

from ...store import Store
from ...wire import error_kind
from ..base import ApiError
from ..inputs import brief, check_encodable, check_fields, get_str

__all__ = ["SCHEMA", "STYLES", "TIMEOUT", "parse", "check_new", "add", "hooks", "shown", "masked", "log",
           "change", "payload", "send", "validate", "notify"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT, list_id TEXT NOT NULL, url TEXT NOT NULL, style TEXT NOT NULL,
    auth TEXT NOT NULL, created_at REAL NOT NULL, UNIQUE (list_id, url)
);
CREATE TABLE IF NOT EXISTS webhook_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, sent_at REAL NOT NULL, webhook_id INTEGER, list_id TEXT NOT NULL,
    style TEXT NOT NULL, method TEXT NOT NULL, type TEXT NOT NULL, email TEXT, url TEXT NOT NULL,
    status_code INTEGER, error TEXT
);
"""

STYLES = ("mailchimp", "brevo")
#: Seconds the platform waits for an answer. Mailchimp's guide gives 10 s; ours is shorter, so that
#: the API call that caused the event (and waits for it) answers within its client's own 10 s.
TIMEOUT = 5.0
_LOCAL = ("localhost",)
_EVENTS = {"mailchimp": {"subscribe": "subscribe", "unsubscribe": "unsubscribe", "cleaned": "cleaned",
                         "profile": "profile"},
           "brevo": {"subscribe": "list_addition", "unsubscribe": "unsubscribe", "cleaned": "hard_bounce",
                     "profile": "contact_updated"}}
_TOKEN = re.compile(r"[\x21-\x7e]{1,500}")  # a header value: printable ASCII, no spaces


# -- registering a webhook ------------------------------------------------------------------------

def parse(body: dict, list_id: str) -> dict:
    """A registration (``{"url", "style", "basic"?, "bearer"?}``) checked; a 400 naming the problem."""
    check_fields(body, ("url", "style", "basic", "bearer"), required=("url", "style"))
    url, style = get_str(body, "url", max_len=2000), get_str(body, "style", choices=STYLES)
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise ApiError(400, f"url {brief(url)} contains a space or a control character",
                       "percent-encode it, e.g. %20 for a space")
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port  # .port raises ValueError for a port that is not 0-65535
    except ValueError as e:
        raise ApiError(400, f"url {brief(url)} is not a valid URL: {e}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ApiError(400, f"url {brief(url)} is not an http(s) URL", "e.g. http://127.0.0.1:8000/mailchimp?key=...")
    if not _local(host):
        raise ApiError(400, f"url {brief(url)} is not on this machine: the course's email platform only "
                            "calls 127.0.0.1 or localhost", "serve your receiver with stack.serve(app) and use its URL")
    basic, bearer = body.get("basic"), body.get("bearer")
    if parts.username is not None:  # Brevo's way of giving basic auth: https://user:password@host/...
        if basic is not None or style != "brevo":
            raise ApiError(400, "url has a user and password in it",
                           "a Mailchimp-style URL carries its secret in the query (?key=...); for Brevo-style, "
                           "give them either in the URL or as basic, not both")
        basic = [unquote(parts.username), unquote(parts.password or "")]
        netloc = parts.netloc.rpartition("@")[2]
        url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    auth = _auth(style, basic, bearer)
    return {"list_id": list_id, "url": url, "style": style, "auth": auth}


def _local(host: str) -> bool:
    if host.lower() in _LOCAL:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _auth(style: str, basic: Any, bearer: Any) -> dict:
    if style == "mailchimp":
        if basic is not None or bearer is not None:
            given = "basic" if basic is not None else "bearer"
            raise ApiError(400, f"a Mailchimp-style webhook sends no credentials, so {given} cannot be used",
                           "put a long random secret in the URL's query instead: ...?key=<secret>")
        return {"type": "none"}
    if basic is not None and bearer is not None:
        raise ApiError(400, "give basic or bearer, not both", "a Brevo-style webhook sends one Authorization header")
    if bearer is not None:
        if not isinstance(bearer, str) or not _TOKEN.fullmatch(bearer):
            raise ApiError(400, f"bearer must be a token of 1 to 500 printable ASCII characters without spaces, "
                                f"not {brief(bearer)}", "e.g. secrets.token_urlsafe(24)")
        return {"type": "bearer", "token": bearer}
    if basic is not None:
        if not (isinstance(basic, list) and len(basic) == 2 and all(isinstance(x, str) for x in basic)
                and basic[0] and ":" not in basic[0] and all(len(x) <= 200 for x in basic)):
            raise ApiError(400, f"basic must be [user, password]: two strings of up to 200 characters, the user "
                                f"non-empty and without ':', not {brief(basic)}", 'e.g. "basic": ["hooklab", "s3cret"]')
        check_encodable(basic, "basic")
        return {"type": "basic", "user": basic[0], "password": basic[1]}
    raise ApiError(400, "a Brevo-style webhook needs basic or bearer authentication",
                   'send "basic": [user, password] or "bearer": "<token>" (Brevo signs nothing)')


def check_new(store: Store, hook: dict) -> None:
    """A 409 if the list already sends to this URL."""
    if store.one("SELECT 1 FROM webhooks WHERE list_id = ? AND url = ?", (hook["list_id"], hook["url"])):
        raise ApiError(409, f"list {hook['list_id']!r} already has a webhook to this url",
                       f"see GET /api/lists/{hook['list_id']}/webhooks")


def add(store: Store, hook: dict, now: float) -> dict:
    """Save a parsed registration (a 409 if the list already sends to this URL); returns it, secrets masked."""
    with store.transaction():
        check_new(store, hook)
        cur = store.execute("INSERT INTO webhooks (list_id, url, style, auth, created_at) VALUES (?, ?, ?, ?, ?)",
                            (hook["list_id"], hook["url"], hook["style"], json.dumps(hook["auth"]), now))
    return _public({**hook, "id": cur.lastrowid, "created_at": now})


def hooks(store: Store, list_id: str) -> list[dict]:
    """The list's webhooks, oldest first, with their credentials (for sending, not for showing)."""
    rows = store.all("SELECT * FROM webhooks WHERE list_id = ? ORDER BY id", (list_id,))
    return [{**r, "auth": json.loads(r["auth"])} for r in rows]


def shown(store: Store, list_id: str) -> list[dict]:
    """The list's webhooks as the API shows them: the auth type, never a secret."""
    return [_public(h) for h in hooks(store, list_id)]


def _public(hook: dict) -> dict:
    return {"id": hook["id"], "list_id": hook["list_id"], "style": hook["style"], "auth": hook["auth"]["type"],
            "url": masked(hook["url"]), "created_at": hook["created_at"]}


def masked(url: str) -> str:
    """``url`` with every query value as ``***``: a secret in a URL must not land in a log.

    >>> masked("http://127.0.0.1:8000/mailchimp?key=s3cret")
    'http://127.0.0.1:8000/mailchimp?key=***'
    """
    parts = urlsplit(url)
    query = urlencode([(k, "***") for k, _ in parse_qsl(parts.query, keep_blank_values=True)], safe="*")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def log(store: Store) -> list[dict]:
    """Every request the platform made, oldest first."""
    return store.all("SELECT sent_at, webhook_id, list_id, style, method, type, email, url, status_code, error "
                     "FROM webhook_log ORDER BY id")


def _record(store: Store, hook: dict, method: str, kind: str, email: str | None, at: float,
            result: tuple[int | None, str | None]) -> None:
    store.execute("INSERT INTO webhook_log (sent_at, webhook_id, list_id, style, method, type, email, url, "
                  "status_code, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  (at, hook.get("id"), hook["list_id"], hook["style"], method, kind, email, masked(hook["url"]),
                   *result))


# -- what a member change sends --------------------------------------------------------------------

def change(before: dict | None, after: dict | None) -> str | None:
    """The event a member change makes (``subscribe``, ``unsubscribe``, ``cleaned``, ``profile``), or None.

    >>> ana = {"status": "subscribed", "merge_fields": {"FNAME": "Ana"}}
    >>> change(None, ana), change(ana, {**ana, "status": "unsubscribed"}), change(ana, ana)
    ('subscribe', 'unsubscribe', None)
    """
    if after is None:
        return None
    status = after["status"]
    if before is None:
        return "subscribe" if status == "subscribed" else None
    if before["status"] != status:
        return {"subscribed": "subscribe", "unsubscribed": "unsubscribe", "cleaned": "cleaned"}.get(status)
    return "profile" if before["merge_fields"] != after["merge_fields"] else None


def payload(hook: dict, kind: str, member: dict, at: float) -> dict[str, Any]:
    """The request's body: ``{"data": [(field, value), ...]}`` (a form) or ``{"json": {...}}``."""
    moment = datetime.fromtimestamp(at, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    name, email = _EVENTS[hook["style"]][kind], member["email"]
    if hook["style"] == "brevo":
        body = {"event": name, "email": email, "id": hook["id"], "list_id": hook["list_id"],
                "date_event": moment, "ts_event": int(at)}
        if kind in ("subscribe", "profile"):
            body["attributes"] = member["merge_fields"]
        return {"json": body}
    form = [("type", name), ("fired_at", moment), ("data[id]", member["id"]), ("data[email]", email),
            ("data[list_id]", hook["list_id"]), ("data[merges][EMAIL]", email)]
    form += [(f"data[merges][{tag}]", value) for tag, value in sorted(member["merge_fields"].items())]
    if kind == "unsubscribe":
        form += [("data[action]", "unsub"), ("data[reason]", "manual")]
    return {"data": form}


# -- the requests ----------------------------------------------------------------------------------

def send(method: str, hook: dict, **body: Any) -> tuple[int | None, str | None]:
    """One request to the hook's URL with its credentials: ``(status code, None)`` or ``(None, error)``."""
    auth, headers = hook["auth"], {}
    if auth["type"] == "bearer":
        headers["Authorization"] = f"Bearer {auth['token']}"
    basic = (auth["user"].encode(), auth["password"].encode()) if auth["type"] == "basic" else None
    with requests.Session() as session:
        # Straight to the registered URL: no proxy from the environment, no ~/.netrc
        # credentials in place of the ones registered.
        session.trust_env = False
        try:
            with session.request(method, hook["url"], headers=headers, auth=basic, timeout=TIMEOUT,
                                 allow_redirects=False, **body) as r:
                return r.status_code, None
        except requests.RequestException as e:
            return None, error_kind(e)  # "connection", "timeout"...
        except ValueError:  # a URL that requests cannot send to
            return None, "invalid url"


def validate(store: Store, hook: dict, now: float) -> None:
    """Mailchimp-style registration: ``GET`` the URL first; a 400 unless it answers 2xx (logged either way)."""
    status, error = send("GET", hook)
    _record(store, hook, "GET", "validation", None, now, (status, error))
    if status is None:
        raise ApiError(400, f"could not reach url for the validation GET ({error})",
                       "start your receiver first (stack.serve(app)), then register its URL")
    if not 200 <= status < 300:
        raise ApiError(400, f"url answered the validation GET with {status}, not 2xx, so it was not saved",
                       "a Mailchimp-style endpoint must answer a plain GET to its URL (key included) with 200")


def notify(store: Store, list_id: str, changes: list[tuple[dict | None, dict | None]], at: float) -> int:
    """Send each member change's event to every webhook of the list; returns how many requests were made.

    Call it after the change is committed: the receiver may read the member back.
    """
    targets, sent = hooks(store, list_id), 0
    for before, after in changes:
        kind = change(before, after)
        if kind is None:
            continue
        for hook in targets:
            result = send("POST", hook, **payload(hook, kind, after, at))
            _record(store, hook, "POST", _EVENTS[hook["style"]][kind], after["email"], at, result)
            sent += 1
    return sent
