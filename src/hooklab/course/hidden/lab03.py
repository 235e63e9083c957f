"""The grader's own cases for lab 03 (instructor-only: not in the student release)."""

from __future__ import annotations

from typing import Any

from hooklab import catalog

from ..checks import expect, hidden, lab_stack, show
from ..lab03 import _MAPPING_HINT, _put_form, _unused
from ..messages import _


def _member(data: dict) -> dict:
    first, _, last = data["name"].partition(" ")
    return {"email_address": data["email"].strip().lower(),
            "status": "subscribed" if data["consent"] else "transactional",
            "merge_fields": {"FNAME": first, "LNAME": last, "COMPANY": data.get("company") or ""},
            "tags": [data["form_id"]]}


def _leads() -> list[dict]:
    """Generated leads, every form, with the edges the visible check does not try."""
    factory = catalog.Factory(303)
    leads = [factory.data("form.submitted", form_id=form) for form in catalog.FORM_IDS for _ in range(2)]
    leads[0] = {**leads[0], "name": "Xuxa"}                                 # one word: LNAME ''
    leads[1] = {**leads[1], "name": "Maria da Graça Meneghel", "consent": False}
    leads[2] = {k: v for k, v in leads[2].items() if k != "company"}       # absent, and consent False
    leads[2]["consent"] = False
    leads[3] = {**leads[3], "email": "\tRENATA.Alves@Example.ORG \n", "company": "Ação & Cia"}
    leads[4] = {**leads[4], "name": "Jürgen Müller-Lüdenscheidt", "company": ""}
    return leads


@hidden("03.1")
def _map(lead_to_member):
    for data in _leads():
        want = _member(data)
        got = lead_to_member(dict(data))
        expect(got == want, expected=_("{member} for the lead {lead}", member=show(want, 300), lead=show(data, 300)),
               got=show(got, 300), hint=_("{hint} (a one-word name has LNAME '')", hint=_(_MAPPING_HINT)))


# Leads the grader fires: (email's local part, fields): a one-word name, an empty company...
_FIRED = [
    ("xuxa", {"form_id": "ebook-download", "name": "Xuxa", "consent": True}),
    ("carla.dias", {"form_id": "demo-request", "name": "Carla Maria Dias", "company": "", "consent": True}),
    ("pedro.alvares", {"form_id": "contact-sales", "name": "Pedro Álvares Cabral", "company": "Caravelas S.A.",
                       "consent": False}),
    ("li.wei", {"form_id": "webinar-registration", "name": "Li Wei", "company": "Wei & Partners", "consent": True}),
]


@hidden("03.2")
def _handler(handle_lead, stack):
    stack = lab_stack(stack, seed=13)
    stack.receiver.on("form.submitted")(lambda event: handle_lead(event, stack.email))
    fired = []
    try:
        for local, fields in _FIRED:
            event_id = stack.fire("form.submitted", email=_unused(stack, local), **fields)
            fired.append(event_id)
        # Someone already on the list fills in a form without ticking consent: leave them as they are.
        member = stack.email.subscribers()
        member = member[member.status == "subscribed"]
        kept = None
        if not member.empty:
            kept = stack.email.member(member["email"].iloc[0])
            fired.append(stack.fire("form.submitted", email=kept["email"], consent=False,
                                    form_id="demo-request"))
        stack.wait(timeout=60)
    finally:
        stack.receiver.reset_handlers()
    inbox = stack.receiver.inbox().set_index("id")
    for event_id in fired:
        data = stack.sources.event(event_id)["data"]
        row = inbox.loc[event_id]
        who = _("{name!r} (company {company})", name=data["name"],
                company=show(data["company"]) if "company" in data else _("absent"))
        expect(row.status == "processed", expected=_("the lead of {who} handled without an error", who=who),
               got=f"{row.status}: {show(row.last_error, 300)}",
               hint=_("a lead may have a one-word name or no company: lead_to_member must cope with both"))
    for event_id in fired[:len(_FIRED)]:
        data = stack.sources.event(event_id)["data"]
        want = _member(data)
        member = stack.email.member(want["email_address"])
        if data["consent"]:
            got: Any = None if member is None else {k: member[k] for k in ("status", "merge_fields", "tags")}
            expect(got == {k: want[k] for k in ("status", "merge_fields", "tags")}, expected=show(want, 300),
                   got=show(got, 300), hint=_("upsert what lead_to_member returns for the lead, with its status, "
                                              "merge_fields and tags"))
        else:
            expect(member is None, expected=_("no member for {email} (no consent)", email=want["email_address"]),
                   got=show(member), hint=_("without consent, a lead must not be put on a marketing list"))
    if kept is not None:
        now = stack.email.member(kept["email"])
        same = {k: now[k] for k in ("status", "merge_fields", "tags")}
        expect(same == {k: kept[k] for k in ("status", "merge_fields", "tags")},
               expected=_("{email} (already subscribed) left as it was by a lead without consent", email=kept["email"]),
               got=show(same, 300), hint=_("without consent, do nothing at all: return before calling upsert_member"))


# Members the grader sends form-encoded: several tags, more merge fields, characters a form must escape.
_MEMBERS = [
    {"email_address": "bia.moraes1@example.com", "status": "subscribed",
     "merge_fields": {"FNAME": "Bia", "LNAME": "Moraes", "COMPANY": "Moraes & Moraes = M²", "CITY": "São Paulo"},
     "tags": ["demo-request", "vip", "q3 launch"]},
    {"email_address": "o.connor@example.ie", "status": "transactional",
     "merge_fields": {"FNAME": "Siobhán", "LNAME": "O'Connor", "COMPANY": "", "PHONE": "+353 1 555 0100"},
     "tags": ["ebook-download", "newsletter?lang=ga"]},
    {"email_address": "x@example.com", "status": "subscribed", "merge_fields": {"FNAME": "X", "LNAME": ""},
     "tags": ["contact-sales"]},
]


@hidden("03.3")
def _form(to_form, stack):
    stack = lab_stack(stack, seed=13)
    for want in _MEMBERS:
        pairs = to_form({**want, "merge_fields": dict(want["merge_fields"]), "tags": list(want["tags"])})
        expect(isinstance(pairs, list) and all(isinstance(p, (tuple, list)) and len(p) == 2 for p in pairs),
               expected=_("a list of (name, value) pairs"), got=show(pairs),
               hint=_("e.g. [('email_address', ...), ('merge_fields[FNAME]', ...), ('tags', ...)]"))
        r = _put_form(stack, want["email_address"], pairs)
        expect(r.status_code in (200, 201),
               expected=_("the platform to accept the form for {email}", email=want["email_address"]),
               got=f"{r.status_code} {r.text}",
               hint=_("field names like merge_fields[CITY]; one ('tags', name) pair per tag"))
        member = stack.email.member(want["email_address"])
        # the platform keeps tags as a set (sorted): their order is not part of the answer
        got = {"status": member["status"], "merge_fields": member["merge_fields"], "tags": sorted(member["tags"])}
        expect(got == {**{k: want[k] for k in ("status", "merge_fields")}, "tags": sorted(want["tags"])},
               expected=show(want, 300), got=show(got, 300),
               hint=_("one merge_fields[NAME] pair for every merge field the member has (not only FNAME, LNAME and "
                      "COMPANY), and one ('tags', tag) pair for every tag"))
