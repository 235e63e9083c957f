"""Checks of lab 03: a lead becomes a subscriber in the email platform."""

from __future__ import annotations

import random
from typing import Any

import requests

from hooklab import catalog

from .checks import exercise, expect, lab_stack, show


def _member(data: dict) -> dict:
    first, _, last = data["name"].partition(" ")
    return {"email_address": data["email"].strip().lower(),
            "status": "subscribed" if data["consent"] else "transactional",
            "merge_fields": {"FNAME": first, "LNAME": last, "COMPANY": data.get("company") or ""},
            "tags": [data["form_id"]]}


def _leads(seed: int, n: int) -> list[dict]:
    factory = catalog.Factory(seed)
    leads = [factory.data("form.submitted") for _ in range(n)]
    leads[0] = {**leads[0], "name": "São João da Silva", "email": " Joao.Silva@Example.com "}
    leads[1] = {**leads[1], "consent": False}
    leads[2] = {k: v for k, v in leads[2].items() if k != "company"}
    return leads


@exercise("03.1", points=3, title="Map a lead to a member")
def _map(lead_to_member):
    for data in _leads(31, 6):
        want = _member(data)
        got = lead_to_member(dict(data))
        expect(got == want, expected=show(want), got=show(got),
               hint="email_address lowercased and stripped; status 'subscribed' only with consent, else "
                    "'transactional'; FNAME first word, LNAME the rest; COMPANY '' when absent; tags [form_id]")
    return "names with accents, missing companies and leads without consent all map cleanly"


@exercise("03.2", points=3, title="A handler that files leads")
def _handler(handle_lead, stack):
    stack = lab_stack(stack, seed=13)
    stack.receiver.on("form.submitted")(lambda event: handle_lead(event, stack.email))
    try:
        rng = random.Random(32)
        fired = []
        for i in range(4):
            consent = i % 2 == 0
            event_id = stack.fire("form.submitted", consent=consent,
                                  form_id=rng.choice(["demo-request", "ebook-download"]))
            fired.append(stack.sources.event(event_id)["data"])
        stack.wait()
    finally:
        stack.receiver.reset_handlers()
    inbox = stack.receiver.inbox()
    failed = inbox[inbox.status != "processed"]
    expect(failed.empty, expected="every lead handled without an error",
           got=f"{len(failed)} failed: {show(list(dict.fromkeys(failed.last_error)), 300)}",
           hint="call email_platform.upsert_member(...) with the fields of lead_to_member; look at the error")
    for data in fired:
        want = _member(data)
        member = stack.email.member(want["email_address"])
        if data["consent"]:
            expect(member is not None, expected=f"{want['email_address']} on the list", got="no such member",
                   hint="upsert the member when the lead gave consent")
            got = {k: member[k] for k in ("status", "merge_fields", "tags")}
            expect(got == {k: want[k] for k in ("status", "merge_fields", "tags")}, expected=show(want),
                   got=show(got), hint="pass status, merge_fields and tags to upsert_member")
        else:
            expect(member is None, expected=f"no member for {want['email_address']} (no consent)",
                   got=show(member), hint="without consent, a lead must not be put on a marketing list")
    return "consent decides who joins the list; tags and merge fields make them targetable"


@exercise("03.3", points=2, title="The same member, form-encoded")
def _form(to_form, stack):
    stack = lab_stack(stack, seed=13)
    for data in _leads(33, 3):
        want = _member(data)
        pairs = to_form(want)
        expect(isinstance(pairs, list) and all(isinstance(p, tuple) and len(p) == 2 for p in pairs),
               expected="a list of (name, value) pairs", got=show(pairs),
               hint="e.g. [('email_address', ...), ('merge_fields[FNAME]', ...), ('tags', ...)]")
        url = f"{stack.urls['email']}/api/lists/newsletter/members/{want['email_address']}"
        r = requests.put(url, data=pairs, headers={"Authorization": f"Bearer {stack.keys['email']}"}, timeout=10)
        expect(r.status_code in (200, 201), expected="the platform to accept the form", got=f"{r.status_code} {r.text}",
               hint="field names like merge_fields[FNAME]; one ('tags', name) pair per tag")
        member = stack.email.member(want["email_address"])
        got: dict[str, Any] = {k: member[k] for k in ("status", "merge_fields", "tags")}
        expect(got == {k: want[k] for k in ("status", "merge_fields", "tags")}, expected=show(want), got=show(got),
               hint="every merge field as merge_fields[NAME]; tags as repeated ('tags', value) pairs")
    return "the platform stored the same member from a form-encoded body as from JSON"
