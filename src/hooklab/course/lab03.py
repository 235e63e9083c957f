"""Checks of lab 03: a lead becomes a subscriber in the email platform.

The expected members are written out here, for leads chosen to cover the rules (accents,
no company, no consent); the grader's own cases are in ``hooklab/course/hidden/lab03.py``.
"""

from __future__ import annotations

from typing import Any

import requests

from hooklab.monitor import event_id as webhook_id

from .checks import exercise, expect, expect_same, lab_stack, show
from .messages import _

# The data of a form.submitted event -> the member it becomes, worked out by hand.
_LEADS = [
    ({"form_id": "demo-request", "email": " Joao.Silva@Example.com ", "name": "São João da Silva",
      "company": "Padaria Pão Quente Ltda", "job_title": "Sócio", "consent": True,
      "utm": {"source": "linkedin", "medium": "social", "campaign": "spring-launch"}},
     {"email_address": "joao.silva@example.com", "status": "subscribed",
      "merge_fields": {"FNAME": "São", "LNAME": "João da Silva", "COMPANY": "Padaria Pão Quente Ltda"},
      "tags": ["demo-request"]}),
    ({"form_id": "ebook-download", "email": "amy.golden@example.net", "name": "Amy Golden",
      "company": "Garrett Group", "job_title": "Buyer", "phone": "001-879-495-8487", "consent": False},
     {"email_address": "amy.golden@example.net", "status": "transactional",
      "merge_fields": {"FNAME": "Amy", "LNAME": "Golden", "COMPANY": "Garrett Group"}, "tags": ["ebook-download"]}),
    ({"form_id": "webinar-registration", "email": "louis.evans@example.com", "name": "Louis Evans",
      "job_title": "Scientist", "consent": True},
     {"email_address": "louis.evans@example.com", "status": "subscribed",
      "merge_fields": {"FNAME": "Louis", "LNAME": "Evans", "COMPANY": ""}, "tags": ["webinar-registration"]}),
    ({"form_id": "contact-sales", "email": "DEVIN.HUFFMAN@EXAMPLE.COM", "name": "Devin Huffman",
      "company": "Scott PLC", "consent": True, "message": "We need a quote for 40 seats."},
     {"email_address": "devin.huffman@example.com", "status": "subscribed",
      "merge_fields": {"FNAME": "Devin", "LNAME": "Huffman", "COMPANY": "Scott PLC"}, "tags": ["contact-sales"]}),
    ({"form_id": "demo-request", "email": "beatriz.costa@example.org", "name": "Beatriz Costa", "company": "",
      "consent": False},
     {"email_address": "beatriz.costa@example.org", "status": "transactional",
      "merge_fields": {"FNAME": "Beatriz", "LNAME": "Costa", "COMPANY": ""}, "tags": ["demo-request"]}),
    ({"form_id": "ebook-download", "email": "kenji.sato@example.net", "name": "Kenji Sato",
      "company": "Sato & Filhos", "consent": True},
     {"email_address": "kenji.sato@example.net", "status": "subscribed",
      "merge_fields": {"FNAME": "Kenji", "LNAME": "Sato", "COMPANY": "Sato & Filhos"}, "tags": ["ebook-download"]}),
]

_MAPPING_HINT = ("email_address lowercased and stripped; status 'subscribed' only with consent, else "
                 "'transactional'; FNAME first word, LNAME the rest; COMPANY '' when absent; tags [form_id]")


@exercise("03.1", points=3, title="Map a lead to a member")
def _map(lead_to_member):
    for data, want in _LEADS:
        got = lead_to_member(dict(data))
        expect_same(got, want, expected=_("the member for the lead {email!r}", email=data["email"]),
                    hint=_(_MAPPING_HINT))
    return _("names with accents, missing companies and leads without consent all map cleanly")


def _unused(stack, local: str) -> str:
    """``local@example.com``, numbered so that no earlier run of the check has used it."""
    known = set(stack.sources.contacts()["email"]) | set(stack.email.subscribers()["email"])
    return next(f"{local}{n}@example.com" for n in range(1, 10_000) if f"{local}{n}@example.com" not in known)


# Leads the handler check fires: (email's local part, fields, member it must become or None).
_FIRED = [
    ("fernanda.lima",
     {"form_id": "demo-request", "name": "Fernanda Lima", "company": "Lima Cosméticos", "consent": True},
     {"status": "subscribed", "merge_fields": {"FNAME": "Fernanda", "LNAME": "Lima", "COMPANY": "Lima Cosméticos"},
      "tags": ["demo-request"]}),
    ("rafael.souza",
     {"form_id": "ebook-download", "name": "Rafael Souza", "company": "Souza Tech", "consent": False},
     None),
    ("ana.nogueira",
     {"form_id": "webinar-registration", "name": "Ana Beatriz Nogueira", "company": "Nogueira & Filhos",
      "consent": True},
     {"status": "subscribed",
      "merge_fields": {"FNAME": "Ana", "LNAME": "Beatriz Nogueira", "COMPANY": "Nogueira & Filhos"},
      "tags": ["webinar-registration"]}),
    ("tomas.pereira",
     {"form_id": "contact-sales", "name": "Tomás Pereira", "company": "Pereira Ltda", "consent": False},
     None),
]


@exercise("03.2", points=3, title="A handler that files leads")
def _handler(handle_lead, stack):
    stack = lab_stack(stack, seed=13)
    stack.receiver.on("form.submitted")(lambda event: handle_lead(event, stack.email))
    fired = []
    try:
        for local, fields, want in _FIRED:
            email = _unused(stack, local)
            fired.append((stack.fire("form.submitted", email=email, **fields), email, want))
        stack.wait(timeout=60)
    finally:
        stack.receiver.reset_handlers()
    inbox = stack.receiver.inbox()
    # (no `_` as a throwaway name here: it is the message function)
    failed = inbox[inbox.id.map(webhook_id).isin([i for i, *_rest in fired]) & (inbox.status != "processed")]
    expect(failed.empty, expected=_("every lead handled without an error"),
           got=_("{n} failed: {errors}", count=len(failed), n=len(failed),
                 errors=show(list(dict.fromkeys(failed.last_error)), 300)),
           hint=_("call email_platform.upsert_member(...) with the fields of lead_to_member; look at the error"))
    for _event_id, email, want in fired:
        member = stack.email.member(email)
        if want is not None:
            expect(member is not None, expected=_("{email} on the list", email=email), got=_("no such member"),
                   hint=_("upsert the member when the lead gave consent"))
            got = {k: member[k] for k in ("status", "merge_fields", "tags")}
            expect_same(got, want, expected=_("the member {email} with the fields of lead_to_member", email=email),
                        hint=_("pass status, merge_fields and tags to upsert_member"))
        else:
            expect(member is None, expected=_("no member for {email} (no consent)", email=email),
                   got=show(member), hint=_("without consent, a lead must not be put on a marketing list"))
    return _("consent decides who joins the list; tags and merge fields make them targetable")


def _put_form(stack, email: str, pairs: list) -> requests.Response:
    url = f"{stack.urls['email']}/api/lists/newsletter/members/{email}"
    return requests.put(url, data=[tuple(p) for p in pairs],
                        headers={"Authorization": f"Bearer {stack.keys['email']}"}, timeout=10)


@exercise("03.3", points=2, title="The same member, form-encoded")
def _form(to_form, stack):
    stack = lab_stack(stack, seed=13)
    for _lead, want in _LEADS[:3]:
        pairs = to_form(want)
        # A pair may come back as a list: what crosses from a notebook is plain data.
        expect(isinstance(pairs, list) and all(isinstance(p, (tuple, list)) and len(p) == 2 for p in pairs),
               expected=_("a list of (name, value) pairs"), got=show(pairs),
               hint=_("e.g. [('email_address', ...), ('merge_fields[FNAME]', ...), ('tags', ...)]"))
        r = _put_form(stack, want["email_address"], pairs)
        expect(r.status_code in (200, 201), expected=_("the platform to accept the form"),
               got=f"{r.status_code} {r.text}",
               hint=_("field names like merge_fields[FNAME]; one ('tags', name) pair per tag"))
        member = stack.email.member(want["email_address"])
        got: dict[str, Any] = {k: member[k] for k in ("status", "merge_fields", "tags")}
        expect_same(got, {k: want[k] for k in ("status", "merge_fields", "tags")},
                    expected=_("the member {email} stored from your form as from JSON", email=want["email_address"]),
                    hint=_("every merge field as merge_fields[NAME]; tags as repeated ('tags', value) pairs"))
    return _("the platform stored the same member from a form-encoded body as from JSON")
