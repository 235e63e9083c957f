"""The email platform's audience webhooks, end to end over real HTTP: a stack, a Flask receiver on
127.0.0.1 (served by the project's ServiceServer, through ``stack.serve``), Mailchimp-style and
Brevo-style registrations, and the requests the receiver really gets."""

from __future__ import annotations

import base64
import hmac

import pytest
import requests
from flask import Flask, request

import hooklab
from hooklab.services.serving import ServiceServer

KEY = "k3y-0f-the-receiver"


def receiver(get_status: int = 200, post_status: int = 200, key: str | None = None):
    """A Flask app that records every request to ``/hook`` and answers with the given statuses;
    with ``key``, a request whose ``?key=`` differs gets 401 (GET and POST alike)."""
    seen: list[dict] = []
    app = Flask("test-receiver")

    @app.route("/hook", methods=["GET", "POST"])
    def hook():
        body = request.get_data(cache=True, as_text=True)  # kept, so request.form still parses it
        seen.append({"method": request.method, "args": request.args.to_dict(), "body": body,
                     "form": request.form.to_dict(), "json": request.get_json(silent=True),
                     "content_type": request.mimetype, "authorization": request.headers.get("Authorization")})
        if key is not None and not hmac.compare_digest(request.args.get("key", "").encode(), key.encode()):
            return {"error": "wrong key"}, 401
        return ("", get_status) if request.method == "GET" else ("", post_status)

    return app, seen


@pytest.fixture
def stack():
    with hooklab.start(seed=1, clock="virtual") as stack:
        yield stack


def _serve(stack, app, name="receiver") -> str:
    return stack.serve(app, name=name) + "/hook"


# -- Mailchimp style ------------------------------------------------------------------------------

def test_mailchimp_style_validates_with_a_get_carrying_the_key_then_posts_form_encoded_events(stack):
    app, seen = receiver(key=KEY)
    hook = stack.email.add_webhook(_serve(stack, app) + f"?key={KEY}", style="mailchimp", list_id="newsletter")
    assert [(r["method"], r["args"], r["body"]) for r in seen] == [("GET", {"key": KEY}, "")]  # the GET came first
    assert (hook["style"], hook["auth"]) == ("mailchimp", "none") and hook["url"].endswith("/hook?key=***")

    stack.email.upsert_member("ana@example.com", status="subscribed", merge_fields={"FNAME": "Ana"})
    stack.advance(90)
    member = stack.email.unsubscribe("ana@example.com")
    assert member["status"] == "unsubscribed"

    assert [r["method"] for r in seen] == ["GET", "POST", "POST"]
    unsubscribe = seen[-1]
    assert unsubscribe["content_type"] == "application/x-www-form-urlencoded" and unsubscribe["json"] is None
    assert unsubscribe["args"] == {"key": KEY} and unsubscribe["authorization"] is None  # the secret is the URL's
    assert unsubscribe["form"] == {
        "type": "unsubscribe", "fired_at": "2026-01-05 09:01:30", "data[id]": member["id"],
        "data[email]": "ana@example.com", "data[list_id]": "newsletter", "data[merges][EMAIL]": "ana@example.com",
        "data[merges][FNAME]": "Ana", "data[action]": "unsub", "data[reason]": "manual"}
    assert "data%5Bemail%5D=ana%40example.com" in unsubscribe["body"]  # on the wire: percent-encoded
    assert (seen[1]["form"]["type"], seen[1]["form"]["fired_at"]) == ("subscribe", "2026-01-05 09:00:00")

    log = stack.email.webhook_log()
    assert list(zip(log["method"], log["type"], log["status_code"])) == [
        ("GET", "validation", 200), ("POST", "subscribe", 200), ("POST", "unsubscribe", 200)]
    assert KEY not in log.to_csv() and KEY not in stack.email.webhooks().to_csv()  # masked: key=***


def test_a_receiver_that_refuses_the_validation_get_is_not_registered_and_gets_no_events(stack):
    app, seen = receiver(get_status=405)
    with pytest.raises(hooklab.ServiceError) as refused:
        stack.email.add_webhook(_serve(stack, app) + f"?key={KEY}")
    assert refused.value.status == 400 and "validation GET with 405" in str(refused.value)
    assert stack.email.webhooks().empty
    stack.email.upsert_member("bia@example.com", status="subscribed")
    assert [r["method"] for r in seen] == ["GET"]  # nothing was sent after the refusal
    log = stack.email.webhook_log()
    assert list(zip(log["method"], log["status_code"])) == [("GET", 405)] and log["webhook_id"].isna().all()


def test_a_url_where_nothing_listens_is_refused_with_a_clear_error(stack):
    with ServiceServer("gone", Flask("gone")) as gone:
        url = gone.url + "/hook?key=x"
    with pytest.raises(hooklab.ServiceError, match="could not reach url for the validation GET") as refused:
        stack.email.add_webhook(url)
    assert refused.value.status == 400
    assert stack.email.webhook_log()["error"].tolist() == ["connection"]


def test_a_wrong_key_is_refused_by_the_receiver_and_shows_in_the_platforms_log(stack):
    strict, seen_strict = receiver(key=KEY)
    with pytest.raises(hooklab.ServiceError, match="validation GET with 401"):  # checked on the GET too
        stack.email.add_webhook(_serve(stack, strict, "strict") + "?key=an-old-key")
    assert [(r["method"], r["args"]) for r in seen_strict] == [("GET", {"key": "an-old-key"})]

    # A receiver that checks the key only on POSTs lets the wrong URL be saved: every event then fails.
    lax = Flask("lax")

    @lax.route("/hook", methods=["GET", "POST"])
    def hook():
        if request.method == "POST" and not hmac.compare_digest(request.args.get("key", "").encode(), KEY.encode()):
            return {"error": "wrong key"}, 401
        return "", 200

    stack.email.add_webhook(_serve(stack, lax, "lax") + "?key=an-old-key")
    stack.email.upsert_member("ana@example.com", status="subscribed")
    assert stack.email.member("ana@example.com")["status"] == "subscribed"  # the change stands; the call failed
    log = stack.email.webhook_log()
    assert list(zip(log["method"], log["type"], log["status_code"])) == [
        ("GET", "validation", 401), ("GET", "validation", 200), ("POST", "subscribe", 401)]


# -- Brevo style -------------------------------------------------------------------------------------

def test_brevo_style_with_a_bearer_token_posts_json_with_the_authorization_header(stack):
    app, seen = receiver()
    hook = stack.email.add_webhook(_serve(stack, app), style="brevo", bearer="tok_123")
    assert seen == [] and hook["auth"] == "bearer"  # no validation GET for this style
    stack.email.upsert_member("ana@example.com", status="subscribed", merge_fields={"FNAME": "Ana"})
    (event,) = seen
    assert event["method"] == "POST" and event["content_type"] == "application/json"
    assert event["authorization"] == "Bearer tok_123"
    assert event["json"] == {"event": "list_addition", "email": "ana@example.com", "id": hook["id"],
                             "list_id": "newsletter", "date_event": "2026-01-05 09:00:00",
                             "ts_event": int(stack.clock.now()), "attributes": {"FNAME": "Ana"}}
    assert "tok_123" not in stack.email.webhooks().to_csv()


@pytest.mark.parametrize("how", ["basic=", "in the URL"])
def test_brevo_style_with_basic_auth_sends_a_basic_authorization_header(stack, how):
    app, seen = receiver()
    url = _serve(stack, app)
    if how == "basic=":
        stack.email.add_webhook(url, style="brevo", basic=("hooklab", "s3cr:et"))
    else:  # Brevo's own way: https://user:password@host/...
        stack.email.add_webhook(url.replace("http://", "http://hooklab:s3cr%3Aet@"), style="brevo")
    stack.email.upsert_member("ana@example.com", status="subscribed")
    stack.email.unsubscribe("ana@example.com")
    expected = "Basic " + base64.b64encode(b"hooklab:s3cr:et").decode()
    assert [(r["json"]["event"], r["authorization"]) for r in seen] == [
        ("list_addition", expected), ("unsubscribe", expected)]
    hooks = stack.email.webhooks()
    assert hooks["auth"].tolist() == ["basic"] and "s3cr" not in hooks.to_csv()


# -- which changes send what --------------------------------------------------------------------------

def test_each_kind_of_member_change_sends_its_event_and_other_writes_send_none(stack):
    app, seen = receiver()
    stack.email.add_webhook(_serve(stack, app), style="brevo", bearer="tok")
    stack.email.upsert_member("pat@example.com", status="pending")            # not subscribed yet: nothing
    stack.email.upsert_member("ana@example.com", status="subscribed")          # subscribe
    stack.email.tag("ana@example.com", "vip")                                  # tags only: nothing
    stack.email.update_member("ana@example.com", merge_fields={"FNAME": "Ana"})  # profile
    stack.email.update_member("ana@example.com", status="cleaned")            # cleaned
    stack.email.upsert_members([{"email_address": "bia@example.com", "status": "subscribed"},
                                {"email_address": "caio@example.com", "status": "subscribed"}])
    assert [(r["json"]["event"], r["json"]["email"]) for r in seen] == [
        ("list_addition", "ana@example.com"), ("contact_updated", "ana@example.com"),
        ("hard_bounce", "ana@example.com"), ("list_addition", "bia@example.com"),
        ("list_addition", "caio@example.com")]


def test_the_stacks_own_handlers_trigger_the_webhooks_too(stack):
    app, seen = receiver(key=KEY)
    stack.email.add_webhook(_serve(stack, app) + f"?key={KEY}")
    stack.fire("newsletter.subscribed", email="lia@example.com", name="Lia Souza")
    stack.wait()
    posts = [r["form"] for r in seen if r["method"] == "POST"]
    assert [(f["type"], f["data[email]"]) for f in posts] == [("subscribe", "lia@example.com")]


def test_every_webhook_of_the_list_gets_the_event_each_in_its_style(stack):
    mc, seen_mc = receiver(key=KEY)
    br, seen_br = receiver()
    stack.email.add_webhook(_serve(stack, mc, "mc") + f"?key={KEY}")
    stack.email.add_webhook(_serve(stack, br, "br"), style="brevo", bearer="tok")
    stack.email.upsert_member("ana@example.com", status="subscribed")
    assert seen_mc[-1]["form"]["type"] == "subscribe" and seen_br[-1]["json"]["event"] == "list_addition"


# -- mistakes get a 4xx that names them -----------------------------------------------------------------

@pytest.mark.parametrize("url, style, auth, status, words", [
    ("http://example.com/hook?key=x", "mailchimp", {}, 400, "not on this machine"),
    ("http://10.0.0.5/hook", "brevo", {"bearer": "t"}, 400, "not on this machine"),
    ("ftp://127.0.0.1/hook", "mailchimp", {}, 400, "not an http(s) URL"),
    ("http://127.0.0.1:99999/hook", "brevo", {"bearer": "t"}, 400, "not a valid URL"),
    ("http://127.0.0.1:9/hook", "zapier", {}, 400, "style 'zapier' is not one of mailchimp, brevo"),
    ("http://127.0.0.1:9/hook", "brevo", {}, 400, "needs basic or bearer"),
    ("http://127.0.0.1:9/hook", "brevo", {"bearer": "t", "basic": ("u", "p")}, 400, "not both"),
    ("http://127.0.0.1:9/hook", "brevo", {"bearer": "two words"}, 400, "bearer must be a token"),
    ("http://127.0.0.1:9/hook", "brevo", {"basic": ("", "p")}, 400, "basic must be [user, password]"),
    ("http://127.0.0.1:9/hook", "mailchimp", {"bearer": "t"}, 400, "sends no credentials"),
    ("http://u:p@127.0.0.1:9/hook", "mailchimp", {}, 400, "has a user and password"),
])
def test_a_bad_registration_is_a_4xx_that_names_the_problem(stack, url, style, auth, status, words):
    with pytest.raises(hooklab.ServiceError) as refused:
        stack.email.add_webhook(url, style=style, **auth)
    assert refused.value.status == status and words in str(refused.value)
    assert stack.email.webhooks().empty and stack.email.webhook_log().empty  # nothing was called


def test_repeats_unknown_lists_and_malformed_calls_are_refused_too(stack):
    stack.email.add_webhook("http://127.0.0.1:9/hook", style="brevo", bearer="t")
    with pytest.raises(hooklab.ServiceError, match="already has a webhook to this url") as repeat:
        stack.email.add_webhook("http://127.0.0.1:9/hook", style="brevo", bearer="t")
    assert repeat.value.status == 409
    with pytest.raises(hooklab.ServiceError, match="no list 'vip'") as unknown:
        stack.email.add_webhook("http://127.0.0.1:9/hook", style="brevo", bearer="t", list_id="vip")
    assert unknown.value.status == 404
    with pytest.raises(hooklab.ConfigError, match=r"basic must be a pair \(user, password\)"):
        stack.email.add_webhook("http://127.0.0.1:9/hook", style="brevo", basic="user:password")
    raw = requests.post(stack.urls["email"] + "/api/lists/newsletter/webhooks", timeout=5,
                        headers={"Authorization": f"Bearer {stack.keys['email']}"},
                        json={"url": "http://127.0.0.1:9/x", "style": "brevo", "bearer": "t", "secret": "x"})
    assert raw.status_code == 400 and raw.json()["error"] == "unknown field 'secret'"


def test_a_delivery_that_gets_no_answer_is_logged_and_does_not_fail_the_change(stack):
    with ServiceServer("gone", Flask("gone")) as gone:
        url = gone.url + "/hook"
    stack.email.add_webhook(url, style="brevo", bearer="t")  # saved: Brevo-style sends no GET first
    stack.email.upsert_member("ana@example.com", status="subscribed")
    log = stack.email.webhook_log()
    assert list(zip(log["type"], log["status_code"].isna(), log["error"])) == [("list_addition", True, "connection")]
    assert stack.email.member("ana@example.com")["status"] == "subscribed"


# -- stack.serve ----------------------------------------------------------------------------------------

def test_serve_runs_an_app_on_loopback_until_the_stack_stops_and_a_second_one_replaces_the_first():
    first, second = Flask("first"), Flask("second")
    first.add_url_rule("/who", "who", lambda: "first")
    second.add_url_rule("/who", "who", lambda: "second")
    with hooklab.start(seed=1, clock="virtual") as stack:
        url1 = stack.serve(first, name="mine")
        assert url1.startswith("http://127.0.0.1:") and requests.get(url1 + "/who", timeout=5).text == "first"
        url2 = stack.serve(second, name="mine")
        assert requests.get(url2 + "/who", timeout=5).text == "second"
        with pytest.raises(requests.ConnectionError):
            requests.get(url1 + "/who", timeout=5)  # the first one stopped
    with pytest.raises(requests.ConnectionError):
        requests.get(url2 + "/who", timeout=5)  # and the stack's stop() stopped the second
    with pytest.raises(hooklab.StackError, match="stopped"):
        stack.serve(first)
