"""Lab 09, a bug hunt: a teammate's order endpoint with planted bugs, and checks of the learner's tests.

:func:`create_app` builds the endpoint under review. With no ``bugs`` it meets the spec; each
name in :data:`BUGS` plants one bug. A learner's test must pass on the correct endpoint and
fail on the one with the bug it hunts.
"""

from __future__ import annotations

import inspect
from types import MappingProxyType
from collections.abc import Callable, Iterable

from flask import Flask, jsonify, request

from .. import catalog
from ..errors import EventValidationError, SignatureError
from ..signing import verify
from .checks import CheckFailed, _learner_frame, exercise, expect, fail, show
from .messages import _

#: The planted bugs, by name: what each one breaks in the spec (said through ``_(BUGS[bug])``).
BUGS = {
    "unsigned": "a request without a webhook-signature header is accepted",
    "stale": "the timestamp is not checked, so an old request can be replayed",
    "duplicate": "a redelivered webhook-id is applied again",
    "missing-field": "an order without an email crashes the endpoint (500) instead of a 422",
}

#: The teammate's version: every bug at once.
REVIEW = frozenset(BUGS)

FIXTURES = ("app", "client", "crm", "secret")

#: The secret of the lab's endpoint (a test value, not a real one).
SECRET = "whsec_" + "bGFiMDktdGVzdC1zZWNyZXQtMDAwMDAw"


def create_app(secret: str = SECRET, bugs: Iterable[str] = ()) -> Flask:
    """The order endpoint: ``POST /webhooks`` takes ``order.completed`` and updates a small CRM.

    The CRM is ``app.config["CRM"]``: ``{email: {"orders": [order ids], "lifetime_value": total}}``.
    Spec: 401 for a missing or wrong signature and for a timestamp more than 5 minutes off; 422
    naming the field for an order that does not match the catalog; 200 for a redelivered
    webhook-id (applied once); 202 when accepted.
    """
    bugs = frozenset(bugs)
    unknown = bugs - set(BUGS)
    if unknown:
        raise ValueError(f"unknown bug(s) {sorted(unknown)}; known: {sorted(BUGS)}")
    app = Flask("orders")
    crm: dict[str, dict] = {}
    seen: set[str] = set()
    app.config["CRM"] = crm

    @app.errorhandler(Exception)
    def crashed(e):  # what a crash looks like from outside, without a traceback in the notebook
        return jsonify(error="internal server error"), 500

    @app.post("/webhooks")
    def webhooks():
        body = request.get_data()
        tolerance = float("inf") if "stale" in bugs else 300
        if "unsigned" in bugs and "webhook-signature" not in request.headers:
            event = request.get_json(silent=True) or {}
        else:
            try:
                event = verify(secret, request.headers, body, tolerance=tolerance)
            except SignatureError as e:
                return jsonify(error=f"signature check failed: {e}"), 401
            except EventValidationError as e:
                return jsonify(error=str(e)), 400
        msg_id = request.headers.get("webhook-id", "")
        if msg_id in seen and "duplicate" not in bugs:
            return jsonify(status="duplicate"), 200
        if "missing-field" not in bugs:
            try:
                catalog.validate(event)
            except EventValidationError as e:
                return jsonify(error=str(e)), 422
        data = event["data"]
        contact = crm.setdefault(data["email"], {"orders": [], "lifetime_value": 0.0})
        contact["orders"].append(data["order_id"])
        contact["lifetime_value"] = round(contact["lifetime_value"] + data["total"], 2)
        seen.add(msg_id)
        return jsonify(status="accepted"), 202

    return app


def _run(test: Callable, app: Flask) -> None:
    """Call the learner's test with the fixtures it names, as pytest would."""
    names = list(inspect.signature(test).parameters)
    unknown = [n for n in names if n not in FIXTURES]
    if unknown:
        fail(expected=_("a test that takes some of the fixtures {fixtures}", fixtures=", ".join(FIXTURES)),
             got=_("a test that also asks for {names}", names=", ".join(unknown)),
             hint=_("use client to post, crm to look at the result, secret to sign"))
    # crm is a live, read-only view: graded in another process, the test still sees what the app wrote
    given = {"app": app, "client": app.test_client(), "crm": MappingProxyType(app.config["CRM"]), "secret": SECRET}
    test(**{n: given[n] for n in names})


def _passes_on_the_correct_endpoint(test: Callable) -> None:
    expect(callable(test), expected=_("a test function"), got=show(test),
           hint=_("define def test_...(client, ...):"))
    try:
        _run(test, create_app())
    except CheckFailed:
        raise
    except AssertionError as e:
        frame = _learner_frame(e.__traceback__)
        fail(expected=_("your test to pass on the correct endpoint"),
             got=_("it fails there too, at `{line}`", line=(frame and frame.line) or "assert")
             + (f": {e}" if str(e) else ""),
             hint=_("a test that fails on correct code tests the wrong thing; compare with the spec"))


def _failure_on(test: Callable, app: Flask) -> Exception | None:
    """How ``test`` fails on ``app`` (any failure: pytest reports it as failed), or None if it passes."""
    try:
        _run(test, app)
    except CheckFailed:
        raise
    except Exception as e:  # noqa: BLE001 - the learner's test: any exception is a failed test
        return e
    return None


def _hunt(test: Callable, bug: str) -> str:
    _passes_on_the_correct_endpoint(test)
    caught = _failure_on(test, create_app(bugs={bug}))
    if caught is not None:
        return _("it fails on the buggy endpoint ({bug}): {error}, bug caught", bug=_(BUGS[bug]),
                 error=type(caught).__name__)
    fail(expected=_("your test to fail on the endpoint where {bug}", bug=_(BUGS[bug])),
         got=_("it passes there too: the bug would reach production"),
         hint=_("post the request the bug mishandles, then assert what the spec says must happen"))


@exercise("09.1", points=2, title="Catch an unsigned request")
def _unsigned(test):
    return _hunt(test, "unsigned")


@exercise("09.2", points=2, title="Catch a replayed request")
def _stale(test):
    return _hunt(test, "stale")


@exercise("09.3", points=3, title="Catch a double-counted redelivery")
def _duplicate(test):
    return _hunt(test, "duplicate")


@exercise("09.4", points=2, title="Catch a crash on a bad payload")
def _missing(test):
    return _hunt(test, "missing-field")
