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
from .messages import _

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
        (None, v(1), True, _("nothing stored yet: anything is newer")),
        (v(2), v(3), True, _("a higher version")),
        (v(3), v(2), False, _("an older version arriving late")),
        (v(3), v(3), False, _("the same version again (a duplicate is not newer)")),
        (v(9), v(10), True, _("version 10 after version 9")),
        (None, t("2026-01-05T09:00:00.000Z"), True, _("nothing stored yet")),
        (t("2026-01-05T09:00:00.120Z"), t("2026-01-05T09:00:00.121Z"), True, _("one millisecond later")),
        (t("2026-01-05T09:00:00.121Z"), t("2026-01-05T09:00:00.120Z"), False, _("one millisecond earlier")),
        (t("2026-01-05T09:00:00.000Z"), t("2026-01-05T09:00:00.000Z"), False, _("the same instant")),
        (t("2026-01-05T10:00:00.000+01:00"), t("2026-01-05T09:30:00.000Z"), True,
         _("09:30 UTC after 10:00+01:00 (which is 09:00 UTC)")),
        (t("2026-01-05T09:30:00.000Z"), t("2026-01-05T10:00:00.000+01:00"), False,
         _("10:00+01:00 (09:00 UTC) after 09:30 UTC")),
        (t("2026-01-05T09:00:00.000Z"), t("2026-01-05T06:00:00.000-03:00"), False,
         _("the same instant written in São Paulo time")),
    ]
    for current, incoming, want, why in cases:
        got = newer(copy.deepcopy(current), copy.deepcopy(incoming))
        if got is not want:
            key = "version" if "version" in incoming else "updated_at"
            hint = (_("compare versions with >: an equal version is a duplicate, not news") if key == "version" else
                    _("parse both with datetime.fromisoformat(...) and compare the datetimes: strings with different "
                      "offsets do not sort by time"))
            hint = _("when current is None, whatever arrives is newer") if not current else hint
            fail(expected=_("{want} for current={current}, incoming={incoming} ({why})", want=want,
                            current=show(current and current[key]), incoming=show(incoming[key]), why=why),
                 got=show(got), hint=hint)
    return _("an update older than what you hold can no longer overwrite it")


# -- 11.2 ----------------------------------------------------------------------------------------

def _parked_ids(parked: Any) -> set[str]:
    expect(isinstance(parked, dict) and all(isinstance(v, list) for v in parked.values()),
           expected=_("parked to stay a dict of email -> list of order events"),
           got=show(parked), hint=_("parked.setdefault(email, []).append(event)"))
    return {e["data"]["order_id"] for waiting in parked.values() for e in waiting}


def _signup(n: str, name: str) -> dict:
    return {"id": f"evt_{n}", "type": "newsletter.subscribed", "data": {"email": _email(name), "name": name}}


def _order(n: str, name: str, total: float) -> dict:
    return {"id": f"evt_{n}", "type": "order.completed",
            "data": {"order_id": f"ord_{n}", "email": _email(name), "total": total}}


def _parking() -> list[tuple[str, list[dict], dict[str, tuple[str, float]], set[str]]]:
    """11.2's arrivals, and what they must leave: each order recorded (email, total), and the ones still parked."""
    return [
        (_("orders before their signups, a customer who never signs up"),
         [_order("a1", "Ana Souza", 120.0), _order("b1", "Bruno Lima", 35.5), _signup("s1", "Ana Souza"),
          _order("a2", "Ana Souza", 80.0), _order("b2", "Bruno Lima", 12.0), _signup("s2", "Bruno Lima"),
          _order("c1", "Carla Mendes", 99.9), _signup("s3", "Dev Patel")],
         {"ord_a1": ("ana.souza@example.com", 120.0), "ord_a2": ("ana.souza@example.com", 80.0),
          "ord_b1": ("bruno.lima@example.com", 35.5), "ord_b2": ("bruno.lima@example.com", 12.0)},
         {"ord_c1"}),
        (_("a signup first, then orders of three customers"),
         [_signup("s4", "Emma Stone"), _order("e1", "Emma Stone", 250.0), _order("f1", "Felipe Rocha", 18.0),
          _order("f2", "Felipe Rocha", 42.25), _order("g1", "Grace Kim", 310.0), _signup("s5", "Grace Kim")],
         {"ord_e1": ("emma.stone@example.com", 250.0), "ord_g1": ("grace.kim@example.com", 310.0)},
         {"ord_f1", "ord_f2"}),
    ]


def _play_parking(handle_with_parking: Callable, label: str, events: list[dict],
                  want_orders: dict[str, tuple[str, float]], want_parked: set[str]) -> None:
    """Deliver ``events`` one by one; fail at the first order recorded too early, or on a wrong end state."""
    hint_park = _("if the email is not in crm['contacts'] yet, park the order (parked.setdefault(email, [])"
                  ".append(event)) instead of recording it")
    crm: dict[str, dict] = {"contacts": {}, "orders": {}}
    parked: dict[str, list] = {}
    names = {e["data"]["email"]: e["data"]["name"] for e in events if e["type"] == "newsletter.subscribed"}
    seen: list[dict] = []
    for event in events:
        handle_with_parking(crm, parked, copy.deepcopy(event))
        seen.append(event)
        so_far = [e["type"].split(".")[0] + " " + (e["data"].get("order_id") or e["data"]["email"]) for e in seen]
        for order_id, order in crm["orders"].items():
            expect(order.get("email") in crm["contacts"],
                   expected=_("order {order_id} recorded only once {email} is a contact", order_id=order_id,
                              email=order.get("email")),
                   got=_("it is in crm['orders'] after {arrivals}", arrivals=show(so_far, 300)), hint=hint_park)
        for email, contact in crm["contacts"].items():
            expect(email in names and contact.get("name") == names[email] and
                   any(e["data"].get("email") == email and e["type"] == "newsletter.subscribed" for e in seen),
                   expected=_("contact {email} created by its signup, with name {name!r}", email=email,
                              name=names.get(email)),
                   got=_("{contact} after {arrivals}", contact=show(contact), arrivals=show(so_far, 300)),
                   hint=_("only newsletter.subscribed creates a contact; an order never does (that would be a "
                          "placeholder, the other remedy)"))
    missing = sorted(set(want_orders) - set(crm["orders"]))
    expect(not missing, expected=_("every order of a customer who signed up in crm['orders'] ({n}) after {label}",
                                   n=len(want_orders), label=label),
           got=_("missing {order_ids}", order_ids=show(missing)),
           hint=_("when a signup arrives, record the orders parked under its email, then remove them from parked"))
    for order_id, (email, total) in want_orders.items():
        got = crm["orders"][order_id]
        expect(got.get("email") == email and got.get("total") == total,
               expected=_("order {order_id} as {{'email': {email!r}, 'total': {total}}}", order_id=order_id,
                          email=email, total=total),
               got=show(got), hint=_("crm['orders'][order_id] = {'email': ..., 'total': ...}"))
    left = _parked_ids(parked)
    expect(left == want_parked,
           expected=(_("only the orders of customers who never signed up still parked: {order_ids} after {label}",
                       order_ids=show(sorted(want_parked)), label=label) if want_parked else
                     _("nothing left in parked once every customer has signed up after {label}", label=label)),
           got=_("parked holds {order_ids}", order_ids=show(sorted(left))),
           hint=_("remove a contact's orders from parked when you record them (parked.pop(email, [])); never "
                  "drop an order whose contact has not arrived"))


@exercise("11.2", points=3, title="Park an order until its contact exists")
def _park(handle_with_parking):
    for label, events, want_orders, want_parked in _parking():
        _play_parking(handle_with_parking, label, events, want_orders, want_parked)
    return _("no order without its customer, and no order lost while it waits")


# -- 11.3 ----------------------------------------------------------------------------------------

def _update(n: str, i: int, name: str, version: int, company: str) -> dict:
    return {"id": f"evt_{n}", "type": "contact.updated", "timestamp": _stamp(i),
            "data": {"email": _email(name), "version": version, "name": name, "company": company}}


def _completed(n: str, i: int, order_id: str, name: str, total: float) -> dict:
    return {"id": f"evt_{n}", "type": "order.completed", "timestamp": _stamp(i),
            "data": {"order_id": order_id, "email": _email(name), "total": total}}


def _refunded(n: str, i: int, order_id: str, name: str, amount: float) -> dict:
    return {"id": f"evt_{n}", "type": "order.refunded", "timestamp": _stamp(i),
            "data": {"order_id": order_id, "email": _email(name), "amount": amount}}


def _chaos_cases() -> list[tuple[str, list[dict], dict]]:
    """11.3's short streams with every trap, each delivered in a known bad order, and the CRM it must leave."""
    x = [_update("x0", 0, "Ana Souza", 1, "Acme"), _update("x1", 1, "Ana Souza", 2, "Globex"),
         _update("x2", 2, "Bruno Lima", 1, "Hooli"), _completed("x3", 3, "ord_x1", "Ana Souza", 120.0),
         _update("x4", 4, "Ana Souza", 3, "Initech"), _refunded("x5", 5, "ord_x1", "Ana Souza", 120.0),
         _completed("x6", 6, "ord_x2", "Bruno Lima", 35.5)]
    y = [_update("y0", 0, "Carla Mendes", 1, "Acme"), _completed("y1", 1, "ord_y1", "Carla Mendes", 59.9),
         _update("y2", 2, "Carla Mendes", 2, "Globex"), _refunded("y3", 3, "ord_y1", "Carla Mendes", 59.9),
         _update("y4", 4, "Carla Mendes", 3, "Stark"), _completed("y5", 5, "ord_y2", "Carla Mendes", 410.0)]
    return [
        (_("a short stream delivered in a bad order"),
         [x[4], x[0], x[5], x[2], x[3], x[4], x[1], x[6], x[3], x[0], x[6]],
         {"contacts": {"ana.souza@example.com": {"version": 3, "name": "Ana Souza", "company": "Initech"},
                       "bruno.lima@example.com": {"version": 1, "name": "Bruno Lima", "company": "Hooli"}},
          "orders": {"ord_x1": {"email": "ana.souza@example.com", "total": 120.0, "status": "refunded"},
                     "ord_x2": {"email": "bruno.lima@example.com", "total": 35.5, "status": "completed"}},
          "timeline": ["evt_x0", "evt_x1", "evt_x2", "evt_x3", "evt_x4", "evt_x5", "evt_x6"]}),
        (_("the newest update first, a refund twice before its order"),
         [y[4], y[3], y[3], y[2], y[5], y[0], y[1], y[4], y[1], y[2]],
         {"contacts": {"carla.mendes@example.com": {"version": 3, "name": "Carla Mendes", "company": "Stark"}},
          "orders": {"ord_y1": {"email": "carla.mendes@example.com", "total": 59.9, "status": "refunded"},
                     "ord_y2": {"email": "carla.mendes@example.com", "total": 410.0, "status": "completed"}},
          "timeline": ["evt_y0", "evt_y1", "evt_y2", "evt_y3", "evt_y4", "evt_y5"]}),
    ]


def _first_difference(got: dict, want: dict) -> tuple[str, str, str] | None:
    """(what was expected, what came back, hint) for the first place the CRMs differ."""
    if not isinstance(got, dict) or not all(k in got for k in ("contacts", "orders", "timeline")):
        return (_("crm to keep its 'contacts', 'orders' and 'timeline'"), show(got),
                _("change crm in place; do not replace or delete its keys"))
    for email, c in want["contacts"].items():
        mine = got["contacts"].get(email)
        mine = {k: mine.get(k) for k in c} if isinstance(mine, dict) else mine
        if mine != c:
            return (_("contact {email} at version {version}: {snapshot}", email=email, version=c["version"],
                      snapshot=show(c)), show(mine),
                    _("apply a contact.updated only when it is newer than what crm holds (newer() from 11.1); "
                      "an older snapshot arriving late must change nothing"))
    extra = sorted(set(got["contacts"]) - set(want["contacts"]))
    if extra:
        return (_("no other contacts"), _("also {keys}", keys=show(extra)), _("store contacts by their email"))
    for order_id, o in want["orders"].items():
        mine = got["orders"].get(order_id)
        mine = {k: mine.get(k) for k in o} if isinstance(mine, dict) else mine
        if mine != o:
            hint = (_("a refund can arrive before its order: record the order from the refund (status 'refunded', "
                      "total = amount), and never set a refunded order back to 'completed'")
                    if o["status"] == "refunded" else _("record each order.completed under its order_id"))
            return (_("order {order_id}: {order}", order_id=order_id, order=show(o)), show(mine), hint)
    extra = sorted(set(got["orders"]) - set(want["orders"]))
    if extra:
        return (_("no other orders"), _("also {keys}", keys=show(extra)), _("store orders by their order_id"))
    timeline = got["timeline"]
    if not isinstance(timeline, list) or sorted(map(str, timeline)) != want["timeline"]:
        dupes = sorted({i for i in timeline if timeline.count(i) > 1}) if isinstance(timeline, list) else []
        count = len(timeline) if isinstance(timeline, list) else None
        return (_("each of the {n} event ids once on the timeline", n=len(want["timeline"])),
                _("{n} entries", count=count, n=show(timeline) if count is None else count)
                + (_(", repeated: {ids}", ids=show(dupes)) if dupes else ""),
                _("a duplicate delivery has the same id: if event['id'] is already on the timeline, change nothing"))
    return None


def _judge_chaos(chaos_proof: Callable, label: str, delivered: list[dict], want: dict) -> None:
    diff = _first_difference(run(chaos_proof, delivered), want)
    if diff:
        expected, got_text, hint = diff
        order = " ".join(e["id"].split("_")[-1] for e in delivered)
        fail(expected=_("{expected} after {label} (arrival order of ids: {order})", expected=expected, label=label,
                        order=order),
             got=got_text, hint=hint)


@exercise("11.3", points=4, title="A handler that survives chaos")
def _chaos(chaos_proof):
    for label, delivered, want in _chaos_cases():
        _judge_chaos(chaos_proof, label, delivered, want)
    return _("reordered, duplicated, refunds before orders: the CRM still ends with the source's truth")
