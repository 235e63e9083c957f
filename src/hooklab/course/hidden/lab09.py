"""Hidden checks of lab 09: the same rules, broken in other ways the learner's tests must also catch.

Each mutant is the correct endpoint with one hook that breaks one rule of the spec differently
from the planted bug (the visible check): a test that asserts only half of what the rule says
passes on it. The learner's test already passed on the correct endpoint (the visible check).
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable

from flask import Flask, jsonify, request
from werkzeug.datastructures import EnvironHeaders

from hooklab import signing

from ..checks import fail, hidden
from ..lab09 import SECRET, _failure_on, create_app
from ..messages import _


def _record(app: Flask, event: dict) -> None:
    """What the endpoint does with an accepted order; the mutants do it where they should not."""
    data = event["data"]
    contact = app.config["CRM"].setdefault(data["email"], {"orders": [], "lifetime_value": 0.0})
    contact["orders"].append(data["order_id"])
    contact["lifetime_value"] = round(contact["lifetime_value"] + data["total"], 2)


def _unsigned(respond: Callable[[Flask], tuple]) -> Callable[[Flask], Flask]:
    def build(app: Flask) -> Flask:
        @app.before_request
        def mutant():
            if "webhook-signature" not in request.headers:
                return respond(app)
        return app
    return build


def _accepted(app: Flask) -> tuple:
    return jsonify(status="accepted"), 202


def _recorded_but_401(app: Flask) -> tuple:
    try:
        _record(app, request.get_json(silent=True) or {})
    except (KeyError, TypeError, AttributeError):
        pass  # not an order: nothing to record
    return jsonify(error="signature check failed: missing header webhook-signature"), 401


def _hour_window(app: Flask) -> Flask:
    """The timestamp is checked against an hour, not 5 minutes: a stale request is passed on as fresh."""
    inner = app.wsgi_app

    def wsgi(environ, start_response):
        body = environ["wsgi.input"].read()
        environ["wsgi.input"] = io.BytesIO(body)
        headers = EnvironHeaders(environ)
        try:
            signing.verify(SECRET, headers, body, tolerance=3600)
            msg_id = headers["webhook-id"]
        except Exception:  # noqa: BLE001 - not genuine even within the hour: the endpoint decides
            return inner(environ, start_response)
        now = int(time.time())
        environ["HTTP_WEBHOOK_TIMESTAMP"] = str(now)
        environ["HTTP_WEBHOOK_SIGNATURE"] = signing.sign(SECRET, msg_id, now, body)
        return inner(environ, start_response)

    app.wsgi_app = wsgi
    return app


def _redelivered(respond: Callable[[Flask, dict], tuple]) -> Callable[[Flask], Flask]:
    """A mutant that handles a redelivered webhook-id (one it answered 202 before) with ``respond``."""
    def build(app: Flask) -> Flask:
        accepted: set[str] = set()

        @app.before_request
        def mutant():
            if request.headers.get("webhook-id") in accepted:
                return respond(app, request.get_json(silent=True) or {})

        @app.after_request
        def remember(response):
            if response.status_code == 202:
                accepted.add(request.headers.get("webhook-id"))
            return response
        return app
    return build


def _recorded_again_200(app: Flask, event: dict) -> tuple:
    _record(app, event)
    return jsonify(status="duplicate"), 200


def _total_again_200(app: Flask, event: dict) -> tuple:
    data = event["data"]
    contact = app.config["CRM"][data["email"]]
    contact["lifetime_value"] = round(contact["lifetime_value"] + data["total"], 2)
    return jsonify(status="duplicate"), 200


def _unchanged_202(app: Flask, event: dict) -> tuple:
    return jsonify(status="accepted"), 202


def _on_422(change: Callable) -> Callable[[Flask], Flask]:
    def build(app: Flask) -> Flask:
        @app.after_request
        def mutant(response):
            if response.status_code == 422:
                change(response)
            return response
        return app
    return build


def _unnamed(response) -> None:
    response.set_data(json.dumps({"error": "the event does not match the catalog"}))


def _as_400(response) -> None:
    response.status_code = 400


def _hunt_more(test: Callable, mutants: list[tuple[Callable[[Flask], Flask], str, str]]) -> None:
    """``mutants``: (build, what the mutant does, hint), the last two already said through ``_``."""
    for build, what, hint in mutants:
        if _failure_on(test, build(create_app())) is None:
            fail(expected=_("your test to fail on an endpoint that {what}", what=what),
                 got=_("it passes there: that bug would reach production"), hint=hint)


@hidden("09.1")
def _hunt_unsigned(test):
    _hunt_more(test, [
        (_unsigned(_accepted), _("answers 202 to an unsigned request (and records nothing)"),
         _("assert the status code too: the spec says 401, and a 202 tells the sender all went well")),
        (_unsigned(_recorded_but_401), _("answers 401 to an unsigned request but records the order anyway"),
         _("assert the CRM too: crm == {} after the request, not only the status code")),
    ])


@hidden("09.2")
def _hunt_stale(test):
    _hunt_more(test, [
        (_hour_window, _("accepts a request up to an hour old (the spec says 5 minutes)"),
         _("sign with a timestamp just past the limit (ten minutes old), not hours or days old: a test far "
           "from the limit misses a window that is merely too wide")),
    ])


@hidden("09.3")
def _hunt_duplicate(test):
    _hunt_more(test, [
        (_redelivered(_recorded_again_200), _("answers 200 to a redelivery but records the order again"),
         _("assert the CRM too: the order listed once and lifetime_value equal to its total")),
        (_redelivered(_total_again_200), _("lists the order once but adds its total to lifetime_value again"),
         _("assert lifetime_value as well as the orders list: money counted twice is the costliest bug")),
        (_redelivered(_unchanged_202), _("answers 202 to a redelivery (the spec says 200)"),
         _("assert both status codes: [202, 200]")),
    ])


@hidden("09.4")
def _hunt_missing(test):
    _hunt_more(test, [
        (_on_422(_unnamed), _("answers 422 with an error that does not name the missing field"),
         _('assert that "email" is in response.get_json()["error"]')),
        (_on_422(_as_400), _("answers 400 instead of 422"), _("assert the status code is exactly 422")),
    ])
