"""Checks of lab 11: which update is newer, orders parked until their contact exists, and a
handler that ends with the source's truth however the events arrive.

The lab also uses the helpers here to look at a chaos stream before answering::

    from hooklab.course import lab11
    events = lab11.stream(seed=1)          # what happened, in order
    arrived = lab11.chaos(events, seed=1)  # as delivered: reordered, some twice
    lab11.run(handle, arrived) == lab11.truth(events)
"""

from __future__ import annotations

import copy
import random
import unicodedata
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from .checks import exercise, expect, fail, show

__all__ = ["stream", "chaos", "truth", "run", "signups_and_orders"]

_START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
_NAMES = ("Ana Souza", "Bruno Lima", "Carla Mendes", "Dev Patel", "Emma Stone", "Felipe Rocha", "Grace Kim",
          "Hugo Alves", "Iris Chen", "João Pereira")
_COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Wonka", "Tyrell")


def _email(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", ".") + "@example.com"


def _stamp(i: int) -> str:
    return (_START + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def stream(seed: int, contacts: int = 4, orders: int = 4, refunds: int = 2) -> list[dict]:
    """What happened, in order: versioned ``contact.updated`` snapshots, orders and refunds.

    Each event is ``{"id", "type", "timestamp", "data"}``; ``contact.updated`` carries a full
    snapshot ``{email, version, name, company}``.
    """
    rng = random.Random(f"lab11:{seed}")
    people = rng.sample(_NAMES, contacts)
    todo: list[tuple] = []  # per contact: its next version; orders: pending completion, then refund
    for name in people:
        todo.append(("contact", name, rng.randint(2, 5)))
    refunded = set(rng.sample(range(orders), refunds))
    for n in range(orders):
        todo.append(("order", n, 2 if n in refunded else 1))
    versions = {name: 0 for name in people}
    company = {name: rng.choice(_COMPANIES) for name in people}
    buyers = {n: rng.choice(people) for n in range(orders)}
    totals = {n: round(rng.uniform(10, 900), 2) for n in range(orders)}
    steps = {n: 0 for n in range(orders)}
    events: list[dict] = []
    while todo:
        i = rng.randrange(len(todo))
        kind, who, left = todo[i]
        todo[i] = (kind, who, left - 1)
        if left == 1:
            todo.pop(i)
        eid = f"evt_{seed}_{len(events):03d}"
        ts = _stamp(len(events))
        if kind == "contact":
            versions[who] += 1
            if versions[who] > 1 and rng.random() < 0.8:
                company[who] = rng.choice([c for c in _COMPANIES if c != company[who]])
            data = {"email": _email(who), "version": versions[who], "name": who, "company": company[who]}
            events.append({"id": eid, "type": "contact.updated", "timestamp": ts, "data": data})
        else:
            order_id, email = f"ord_{seed}_{who}", _email(buyers[who])
            if steps[who] == 0:
                data = {"order_id": order_id, "email": email, "total": totals[who]}
                events.append({"id": eid, "type": "order.completed", "timestamp": ts, "data": data})
            else:
                data = {"order_id": order_id, "email": email, "amount": totals[who]}
                events.append({"id": eid, "type": "order.refunded", "timestamp": ts, "data": data})
            steps[who] += 1
    return events


def chaos(events: list[dict], seed: int, reorder_rate: float = 0.5, reorder_by: float = 8,
          duplicate_rate: float = 0.3) -> list[dict]:
    """``events`` as a receiver gets them: some held back (up to ``reorder_by`` places), some twice."""
    rng = random.Random(f"lab11-chaos:{seed}")
    arrivals = []
    for i, event in enumerate(events):
        late = rng.uniform(0, reorder_by) if rng.random() < reorder_rate else 0.0
        arrivals.append((i + late, rng.random(), event))
        if rng.random() < duplicate_rate:
            arrivals.append((i + rng.uniform(0.5, reorder_by * 1.5), rng.random(), event))
    return [copy.deepcopy(e) for _, _, e in sorted(arrivals, key=lambda a: a[:2])]


def truth(events: list[dict]) -> dict:
    """The CRM that applying ``events`` in order, once each, leaves: the source's truth."""
    crm: dict[str, Any] = {"contacts": {}, "orders": {}, "timeline": []}
    for e in events:
        d = e["data"]
        crm["timeline"].append(e["id"])
        if e["type"] == "contact.updated":
            crm["contacts"][d["email"]] = {k: d[k] for k in ("version", "name", "company")}
        elif e["type"] == "order.completed":
            crm["orders"][d["order_id"]] = {"email": d["email"], "total": d["total"], "status": "completed"}
        else:
            crm["orders"][d["order_id"]]["status"] = "refunded"
    crm["timeline"].sort()
    return crm


def run(handle: Callable[[dict, dict], Any], deliveries: list[dict]) -> dict:
    """Apply ``handle(crm, event)`` to each delivery, from an empty CRM; the CRM it leaves."""
    crm: dict[str, Any] = {"contacts": {}, "orders": {}, "timeline": []}
    for event in deliveries:
        handle(crm, copy.deepcopy(event))
    return crm


def signups_and_orders(seed: int, contacts: int = 3, lost: int = 0) -> list[dict]:
    """Signups and orders in the order they arrive: many orders before their customer's signup.

    ``lost`` customers never sign up (their signup event was lost).
    """
    rng = random.Random(f"lab11-park:{seed}")
    people = rng.sample(_NAMES, contacts)
    arrivals = []
    for n, name in enumerate(people):
        signup_at = rng.uniform(0, 10)
        if n >= lost:
            arrivals.append((signup_at, {"id": f"evt_s{seed}_{n}", "type": "newsletter.subscribed",
                                         "data": {"email": _email(name), "name": name}}))
        for k in range(rng.randint(1, 3)):
            arrivals.append((rng.uniform(0, 12), {
                "id": f"evt_o{seed}_{n}_{k}", "type": "order.completed",
                "data": {"order_id": f"ord_{seed}_{n}_{k}", "email": _email(name),
                         "total": round(rng.uniform(10, 500), 2)}}))
    return [e for _, e in sorted(arrivals, key=lambda a: a[0])]


# -- 11.1 ----------------------------------------------------------------------------------------

@exercise("11.1", points=2, title="Which update is newer?")
def _newer(newer):
    def v(n):
        return {"email": "ana.souza@example.com", "version": n, "company": f"Company {n}"}

    def t(stamp):
        return {"email": "ana.souza@example.com", "updated_at": stamp, "company": "Acme"}

    cases = [
        (None, v(1), True, "nothing stored yet: anything is newer"),
        (v(2), v(3), True, "a higher version"),
        (v(3), v(2), False, "an older version arriving late"),
        (v(3), v(3), False, "the same version again (a duplicate is not newer)"),
        (v(9), v(10), True, "version 10 after version 9"),
        (None, t("2026-01-05T09:00:00.000Z"), True, "nothing stored yet"),
        (t("2026-01-05T09:00:00.120Z"), t("2026-01-05T09:00:00.121Z"), True, "one millisecond later"),
        (t("2026-01-05T09:00:00.121Z"), t("2026-01-05T09:00:00.120Z"), False, "one millisecond earlier"),
        (t("2026-01-05T09:00:00.000Z"), t("2026-01-05T09:00:00.000Z"), False, "the same instant"),
        (t("2026-01-05T10:00:00.000+01:00"), t("2026-01-05T09:30:00.000Z"), True,
         "09:30 UTC after 10:00+01:00 (which is 09:00 UTC)"),
        (t("2026-01-05T09:30:00.000Z"), t("2026-01-05T10:00:00.000+01:00"), False,
         "10:00+01:00 (09:00 UTC) after 09:30 UTC"),
        (t("2026-01-05T09:00:00.000Z"), t("2026-01-05T06:00:00.000-03:00"), False,
         "the same instant written in São Paulo time"),
    ]
    for current, incoming, want, why in cases:
        got = newer(copy.deepcopy(current), copy.deepcopy(incoming))
        if got is not want:
            key = "version" if "version" in incoming else "updated_at"
            hint = ("compare versions with >: an equal version is a duplicate, not news" if key == "version" else
                    "parse both with datetime.fromisoformat(...) and compare the datetimes: strings with different "
                    "offsets do not sort by time")
            if current is None:
                hint = "when current is None, whatever arrives is newer"
            fail(expected=f"{want} for current={show(current and current[key])}, "
                          f"incoming={show(incoming[key])} ({why})",
                 got=show(got), hint=hint)
    return "an update older than what you hold can no longer overwrite it"


# -- 11.2 ----------------------------------------------------------------------------------------

def _parked_ids(parked: Any) -> set[str]:
    expect(isinstance(parked, dict) and all(isinstance(v, list) for v in parked.values()),
           expected="parked to stay a dict of email -> list of order events",
           got=show(parked), hint="parked.setdefault(email, []).append(event)")
    return {e["data"]["order_id"] for waiting in parked.values() for e in waiting}


@exercise("11.2", points=3, title="Park an order until its contact exists")
def _park(handle_with_parking):
    hint_park = ("if the email is not in crm['contacts'] yet, park the order (parked.setdefault(email, [])"
                 ".append(event)) instead of recording it")
    for seed, contacts, lost in ((1, 3, 0), (2, 4, 1), (3, 3, 0), (4, 5, 2)):
        events = signups_and_orders(seed, contacts, lost)
        crm: dict[str, dict] = {"contacts": {}, "orders": {}}
        parked: dict[str, list] = {}
        names = {e["data"]["email"]: e["data"]["name"] for e in events if e["type"] == "newsletter.subscribed"}
        seen = []
        for event in events:
            handle_with_parking(crm, parked, copy.deepcopy(event))
            seen.append(event)
            so_far = [e["type"].split(".")[0] + " " + (e["data"].get("order_id") or e["data"]["email"])
                      for e in seen]
            for order_id, order in crm["orders"].items():
                expect(order.get("email") in crm["contacts"],
                       expected=f"order {order_id} recorded only once {order.get('email')} is a contact",
                       got=f"it is in crm['orders'] after {show(so_far, 300)}", hint=hint_park)
            for email, contact in crm["contacts"].items():
                expect(email in names and contact.get("name") == names[email] and
                       any(e["data"].get("email") == email and e["type"] == "newsletter.subscribed" for e in seen),
                       expected=f"contact {email} created by its signup, with name {names.get(email)!r}",
                       got=f"{show(contact)} after {show(so_far, 300)}",
                       hint="only newsletter.subscribed creates a contact; an order never does (that would be a "
                            "placeholder, the other remedy)")
        orders = {e["data"]["order_id"]: e["data"] for e in events if e["type"] == "order.completed"}
        arrived = {o: d for o, d in orders.items() if d["email"] in names}
        waiting = {o for o, d in orders.items() if d["email"] not in names}
        missing = sorted(set(arrived) - set(crm["orders"]))
        expect(not missing, expected=f"every order of a customer who signed up in crm['orders'] ({len(arrived)})",
               got=f"missing {show(missing)}",
               hint="when a signup arrives, record the orders parked under its email, then remove them from parked")
        for order_id, d in arrived.items():
            got = crm["orders"][order_id]
            expect(got.get("email") == d["email"] and got.get("total") == d["total"],
                   expected=f"order {order_id} as {{'email': {d['email']!r}, 'total': {d['total']}}}",
                   got=show(got), hint="crm['orders'][order_id] = {'email': ..., 'total': ...}")
        left = _parked_ids(parked)
        expect(left == waiting,
               expected=(f"only the orders of customers who never signed up still parked: {show(sorted(waiting))}"
                         if waiting else "nothing left in parked once every customer has signed up"),
               got=f"parked holds {show(sorted(left))}",
               hint="remove a contact's orders from parked when you record them (parked.pop(email, [])); never "
                    "drop an order whose contact has not arrived")
    return "no order without its customer, and no order lost while it waits"


# -- 11.3 ----------------------------------------------------------------------------------------

def _adversarial() -> tuple[list[dict], list[dict]]:
    """A short stream with every trap, delivered in a known bad order."""
    a, b = "ana.souza@example.com", "bruno.lima@example.com"

    def upd(i, email, version, company):
        name = "Ana Souza" if email == a else "Bruno Lima"
        return {"id": f"evt_x{i}", "type": "contact.updated", "timestamp": _stamp(i),
                "data": {"email": email, "version": version, "name": name, "company": company}}

    events = [upd(0, a, 1, "Acme"), upd(1, a, 2, "Globex"), upd(2, b, 1, "Hooli"),
              {"id": "evt_x3", "type": "order.completed", "timestamp": _stamp(3),
               "data": {"order_id": "ord_x1", "email": a, "total": 120.0}},
              upd(4, a, 3, "Initech"),
              {"id": "evt_x5", "type": "order.refunded", "timestamp": _stamp(5),
               "data": {"order_id": "ord_x1", "email": a, "amount": 120.0}},
              {"id": "evt_x6", "type": "order.completed", "timestamp": _stamp(6),
               "data": {"order_id": "ord_x2", "email": b, "total": 35.5}}]
    e = events
    arrived = [e[4], e[0], e[5], e[2], e[3], e[4], e[1], e[6], e[3], e[0], e[6]]
    return events, arrived


def _first_difference(got: dict, want: dict) -> tuple[str, str, str] | None:
    """(what was expected, what came back, hint) for the first place the CRMs differ."""
    if not isinstance(got, dict) or not all(k in got for k in ("contacts", "orders", "timeline")):
        return ("crm to keep its 'contacts', 'orders' and 'timeline'", show(got),
                "change crm in place; do not replace or delete its keys")
    for email, c in want["contacts"].items():
        mine = got["contacts"].get(email)
        mine = {k: mine.get(k) for k in c} if isinstance(mine, dict) else mine
        if mine != c:
            return (f"contact {email} at version {c['version']}: {show(c)}", show(mine),
                    "apply a contact.updated only when it is newer than what crm holds (newer() from 11.1); "
                    "an older snapshot arriving late must change nothing")
    extra = sorted(set(got["contacts"]) - set(want["contacts"]))
    if extra:
        return ("no other contacts", f"also {show(extra)}", "store contacts by their email")
    for order_id, o in want["orders"].items():
        mine = got["orders"].get(order_id)
        mine = {k: mine.get(k) for k in o} if isinstance(mine, dict) else mine
        if mine != o:
            hint = ("a refund can arrive before its order: record the order from the refund (status 'refunded', "
                    "total = amount), and never set a refunded order back to 'completed'"
                    if o["status"] == "refunded" else "record each order.completed under its order_id")
            return (f"order {order_id}: {show(o)}", show(mine), hint)
    extra = sorted(set(got["orders"]) - set(want["orders"]))
    if extra:
        return ("no other orders", f"also {show(extra)}", "store orders by their order_id")
    timeline = got["timeline"]
    if not isinstance(timeline, list) or sorted(map(str, timeline)) != want["timeline"]:
        dupes = sorted({i for i in timeline if timeline.count(i) > 1}) if isinstance(timeline, list) else []
        return (f"each of the {len(want['timeline'])} event ids once on the timeline",
                f"{len(timeline) if isinstance(timeline, list) else show(timeline)} entries"
                + (f", repeated: {show(dupes)}" if dupes else ""),
                "a duplicate delivery has the same id: if event['id'] is already on the timeline, change nothing")
    return None


@exercise("11.3", points=4, title="A handler that survives chaos")
def _chaos(chaos_proof):
    events, arrived = _adversarial()
    cases = [("a short stream delivered in a bad order", events, arrived)]
    for seed, contacts in ((11, 4), (23, 5), (35, 3), (47, 6), (59, 4), (71, 5)):
        happened = stream(seed, contacts=contacts, orders=4, refunds=2)
        cases.append((f"chaos stream {seed}", happened, chaos(happened, seed)))
    for label, happened, delivered in cases:
        got = run(chaos_proof, delivered)
        diff = _first_difference(got, truth(happened))
        if diff:
            want, got_text, hint = diff
            order = " ".join(e["id"].split("_")[-1] for e in delivered)
            fail(expected=f"{want} after {label} (arrival order of ids: {order})", got=got_text, hint=hint)
    return "reordered, duplicated, refunds before orders: the CRM still ends with the source's truth"
