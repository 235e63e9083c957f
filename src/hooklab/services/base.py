"""What every service app shares: JSON errors, an API key, a body size limit.

Each service module exposes ``create_app(store, ...)`` returning a fresh Flask
app bound to its own :class:`~hooklab.store.Store` (the Flask tutorial's
factory pattern), built on :func:`make_app` here.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

import pandas as pd
import requests
from flask import Flask, current_app, jsonify, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from ..errors import ApiError, ConfigError, ServiceError, StackError
from ..faults import OBSERVER_HEADER, Faults
from ..clock import Clock
from ..store import Store, to_frame
from ..wire import Sessions, error_kind

__all__ = ["ApiError", "error_body", "make_app", "get_store", "now", "read_body", "form_to_dict", "MAX_BODY", "BATCH_LIMIT",
           "ServiceClient", "ServiceError"]

log = logging.getLogger("hooklab.services")

#: Bodies above this size are refused with 413 before they are read.
MAX_BODY = 1024 * 1024
#: Items per call of a batch endpoint (HubSpot's batch upsert takes 100 too).
BATCH_LIMIT = 100


def error_body(message: str, hint: str | None = None) -> dict[str, str]:
    """The JSON every service answers an error with: ``{"error": ..., "hint": ...}`` (no empty hint)."""
    return {"error": message, "hint": hint} if hint else {"error": message}


def _error(status: int, message: str, hint: str | None = None):
    return jsonify(error_body(message, hint)), status


def make_app(name: str, api_key: str | None = None, public: tuple[str, ...] = (), *,
             store: Store | None = None, clock: Clock | None = None) -> Flask:
    """A Flask app with the house rules: JSON errors, 1 MB bodies, optional API key.

    With ``api_key`` every path except those starting with a prefix in
    ``public`` needs ``Authorization: Bearer <key>`` (or ``X-API-Key: <key>``).
    ``store`` and ``clock`` bind the app to its data: routes reach them through
    :func:`get_store` and :func:`now`, as the Flask tutorial's reach ``get_db()``.
    """
    app = Flask(f"hooklab.{name}")
    app.extensions["hooklab"] = {"store": store, "clock": clock}
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, JSON_SORT_KEYS=False)
    app.json.ensure_ascii = False  # "São João" stays readable on the wire and in logs
    app.json.sort_keys = False

    if api_key:

        @app.before_request
        def require_key():
            if request.path.startswith(public):
                return None
            given = request.headers.get("X-API-Key") or ""
            auth = request.headers.get("Authorization", "")
            if auth.startswith("Bearer "):
                given = auth[len("Bearer ") :]
            if not given:
                return _error(401, f"the {name} API needs an API key",
                              "send it as 'Authorization: Bearer <key>' (stack.keys has it)")
            if not hmac.compare_digest(given.encode(), api_key.encode()):
                return _error(401, f"wrong API key for the {name} API",
                              "check the key you pass against stack.keys")
            return None

    @app.errorhandler(ApiError)
    def api_error(e: ApiError):
        return _error(e.status, e.message, e.hint)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        hints = {
            404: f"see the {name} API's routes in the docs",
            405: "check the HTTP method",
            413: f"bodies are limited to {MAX_BODY // 1024} KiB",
        }
        return _error(e.code or 500, f"{e.name}: {e.description}", hints.get(e.code or 0))

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        # A bug in a service (or a learner's handler) must not print a traceback
        # into the notebook: log it quietly and answer with JSON.
        log.debug("unhandled error in %s", name, exc_info=e)
        return _error(500, f"{name} failed: {type(e).__name__}: {e}")

    return app


def get_store() -> Store:
    """The store of the app handling the current request."""
    return current_app.extensions["hooklab"]["store"]


def now() -> float:
    """The current request's time, on its app's clock (real or virtual)."""
    return current_app.extensions["hooklab"]["clock"].now()


def read_body(allow_form: bool = False) -> dict:
    """The request body as a dict, from JSON (or form-encoded when allowed).

    Raises :class:`ApiError` 415 for another content type and 400 for a body
    that does not parse or is not an object.
    """
    ctype = request.mimetype
    if ctype == "application/json":
        data = request.get_json(silent=True)
        if data is None:
            raise ApiError(400, "the body is not valid JSON", "send a JSON object, e.g. {\"email\": \"ana@example.com\"}")
        if not isinstance(data, dict):
            raise ApiError(400, f"the body must be a JSON object, not {type(data).__name__}")
        return data
    if allow_form and ctype == "application/x-www-form-urlencoded":
        return form_to_dict(request.form)
    accepted = "application/json" + (" or application/x-www-form-urlencoded" if allow_form else "")
    raise ApiError(415, f"unsupported content type {ctype or '(none)'!r}", f"send {accepted}")


def form_to_dict(form: MultiDict) -> dict:
    """Mailchimp-style form fields to nested data.

    ``merge_fields[FNAME]=Ana`` becomes ``{"merge_fields": {"FNAME": "Ana"}}``;
    a key sent several times (``tags=a&tags=b``) or ending in ``[]`` becomes a list.
    """
    out: dict[str, Any] = {}
    for key in form.keys():
        values = form.getlist(key)
        as_list = key.endswith("[]") or len(values) > 1
        key = key.removesuffix("[]")
        value: Any = values if as_list else values[0]
        if "[" in key and key.endswith("]"):
            outer, inner = key[:-1].split("[", 1)
            out.setdefault(outer, {})
            if not isinstance(out[outer], dict):
                raise ApiError(400, f"form field {outer!r} is given both as a value and as a group")
            out[outer][inner] = value
        else:
            out[key] = value
    return out


class ServiceClient:
    """A small HTTP client for one service's API: base URL, API key, JSON in and out.

    One ``requests.Session`` per thread (:class:`~hooklab.wire.Sessions`), all closed by
    :meth:`close`; with ``faults``, the injected faults of this service apply on the wire.
    Non-2xx answers raise :class:`ServiceError` with the service's message.
    """

    service = "service"
    closed = False

    def __init__(self, base_url: str, api_key: str | None = None, timeout: float = 10.0,
                 faults: Faults | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._http = Sessions(headers={"Authorization": f"Bearer {api_key}"} if api_key else None,
                              faults=faults, service_of=lambda url: self.service)

    def __repr__(self) -> str:  # never show the key
        return f"<{type(self).__name__} {self.base_url}>"

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call the API; returns the decoded JSON answer (or None for an empty one).

        ``kwargs``: ``json``, ``data`` (a form), ``params``, ``headers``, ``timeout``.
        """
        if self.closed:
            raise StackError(f"the {self.service} client is closed: its stack is stopped; "
                             "start a new one with hooklab.start()")
        if method == "GET":  # reads are the observer's: they see through injected faults
            kwargs["headers"] = {OBSERVER_HEADER: "1", **kwargs.get("headers", {})}
        kwargs.setdefault("timeout", self.timeout)
        try:
            r = self._http.get().request(method, self.base_url + path, allow_redirects=False, **kwargs)
        except (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL, ValueError) as e:
            # requests refuses these before anything is sent: a method or header that would
            # split the request, or a header value that is not Latin-1.
            raise ConfigError(f"{self.service}: cannot send {method} {path}: {e}") from None
        except requests.RequestException as e:
            raise ServiceError(self.service, None, f"could not reach {self.base_url}: {error_kind(e)}") from e
        if r.status_code >= 400:
            try:
                message = r.json().get("error") or r.text
            except (ValueError, AttributeError):
                message = r.text[:200] or r.reason
            raise ServiceError(self.service, r.status_code, message)
        return r.json() if r.content else None

    def frame(self, path: str, key: str, columns: list[str], time_columns: tuple[str, ...] = (),
              params: dict | None = None) -> pd.DataFrame:
        """GET ``path`` and turn ``answer[key]`` (a list of objects) into a DataFrame."""
        return to_frame(self.request("GET", path, params=params)[key], columns, time_columns)

    def close(self) -> None:
        self.closed = True  # before closing: a Session used after close() would quietly reopen
        self._http.close()
