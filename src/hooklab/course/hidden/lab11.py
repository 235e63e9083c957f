"""Lab 11's hidden checks: other timestamps and versions, other arrival orders, other chaos streams."""

from __future__ import annotations

import copy
import random
from datetime import datetime
from typing import Any

from ..checks import fail, hidden, show
from ..lab11 import (_completed, _judge_chaos, _play_parking, _refunded, _update, chaos, signups_and_orders, stream,
                     truth)
from ..messages import _


# -- 11.1 ----------------------------------------------------------------------------------------

def _newer(current: dict | None, incoming: dict) -> bool:
    """The reference: None -> True; versions compared as numbers; otherwise instants."""
    if current is None:
        return True
    if "version" in incoming:
        return incoming["version"] > current["version"]
    return datetime.fromisoformat(incoming["updated_at"]) > datetime.fromisoformat(current["updated_at"])


def _stamps(rng: random.Random) -> list[tuple[str, str, str]]:
    """Pairs of instants written in other ways: no fraction, microseconds, +00:00, offsets across midnight."""
    fixed = [
        ("2026-01-05T09:00:00Z", "2026-01-05T09:00:01Z", _("whole seconds, no fraction")),
        ("2026-01-05T09:00:01Z", "2026-01-05T09:00:00.999Z", _("one millisecond before, written without a fraction")),
        ("2026-01-05T09:00:00.000001Z", "2026-01-05T09:00:00.000002Z", _("one microsecond later")),
        ("2026-01-05T09:00:00.000Z", "2026-01-05T09:00:00+00:00", _("the same instant, Z and +00:00")),
        ("2026-01-05T23:30:00.000-03:00", "2026-01-06T02:00:00.000Z", _("02:00 UTC the next day after 23:30-03:00")),
        ("2026-01-06T02:45:00.000Z", "2026-01-05T23:30:00.000-03:00", _("23:30-03:00 (02:30 UTC) after 02:45 UTC")),
        ("2026-01-05T14:00:00.000+05:30", "2026-01-05T08:31:00.000Z", _("08:31 UTC after 14:00+05:30 (08:30 UTC)")),
        ("2025-12-31T23:59:59.999Z", "2026-01-01T00:00:00.000Z", _("one millisecond later, across the new year")),
    ]
    for _pair in range(12):
        base = datetime(2026, 1, 5, rng.randrange(24), rng.randrange(60), rng.randrange(60), rng.randrange(1000) * 1000)
        offsets = ("Z", "+00:00", "-03:00", "+01:00", "+09:00")
        a = base.isoformat(timespec="milliseconds") + rng.choice(offsets)
        b = base.replace(second=(base.second + rng.choice([-1, 1])) % 60).isoformat(timespec="milliseconds") \
            + rng.choice(offsets)
        fixed.append((a, b, _("random instants with offsets")))
    return fixed


@hidden("11.1")
def _hidden_newer(newer):
    rng = random.Random(1101)

    def v(n: Any) -> dict:
        return {"email": "iris.chen@example.com", "version": n, "company": f"Company {n}"}

    def t(stamp: str) -> dict:
        return {"email": "iris.chen@example.com", "updated_at": stamp, "company": "Acme"}

    cases = [(v(99), v(100), _("version 100 after 99")), (v(100), v(99), _("version 99 arriving after 100")),
             (v(1), v(12), _("version 12 after 1")), (v(12), v(12), _("version 12 twice")),
             (None, v(7), _("nothing stored")), (None, t("2026-01-05T09:00:00Z"), _("nothing stored"))]
    cases += [(t(a), t(b), why) for a, b, why in _stamps(rng)]
    cases += [(t(b), t(a), _("the same pair the other way round")) for a, b, _why in _stamps(rng)[:8]]
    for current, incoming, why in cases:
        want = _newer(current, incoming)
        got = newer(copy.deepcopy(current), copy.deepcopy(incoming))
        if got is not want:
            key = "version" if "version" in incoming else "updated_at"
            fail(expected=_("{want} for current={current}, incoming={incoming} ({why})", want=want,
                            current=show(current and current[key]), incoming=show(incoming[key]), why=why),
                 got=show(got),
                 hint=_("compare versions as numbers; parse both updated_at with datetime.fromisoformat(...), which "
                        "reads every ISO 8601 form (with or without a fraction, Z or an offset), and compare instants"))


# -- 11.2 ----------------------------------------------------------------------------------------

def _expected_parking(events: list[dict]) -> tuple[dict[str, tuple[str, float]], set[str]]:
    """The reference: every order of a customer who signed up is recorded; the others wait."""
    signed_up = {e["data"]["email"] for e in events if e["type"] == "newsletter.subscribed"}
    orders = [e["data"] for e in events if e["type"] == "order.completed"]
    return ({d["order_id"]: (d["email"], d["total"]) for d in orders if d["email"] in signed_up},
            {d["order_id"] for d in orders if d["email"] not in signed_up})


@hidden("11.2")
def _hidden_park(handle_with_parking):
    cases = [(seed, contacts, lost) for seed, contacts, lost in
             ((1, 3, 0), (2, 4, 1), (3, 3, 0), (4, 5, 2), (12, 6, 2), (29, 8, 3), (31, 2, 2), (47, 10, 0))]
    for seed, contacts, lost in cases:
        events = signups_and_orders(seed, contacts, lost)
        want_orders, want_parked = _expected_parking(events)
        label = _("arrivals {seed} ({contacts} customers, {lost} never signing up)", seed=seed, contacts=contacts,
                  lost=lost)
        _play_parking(handle_with_parking, label, events, want_orders, want_parked)


# -- 11.3 ----------------------------------------------------------------------------------------

def _many_versions(rng: random.Random) -> tuple[list[dict], list[dict]]:
    """A contact updated 12 times (versions past 9), an order refunded, all shuffled and some repeated."""
    companies = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay"]
    events = [_update(f"v{i:02d}", i, "Hugo Alves", i + 1, companies[i % len(companies)]) for i in range(12)]
    events += [_completed("v12", 12, "ord_v1", "Hugo Alves", 77.7), _refunded("v13", 13, "ord_v1", "Hugo Alves", 77.7)]
    arrived = events + rng.sample(events, 5)
    rng.shuffle(arrived)
    return events, arrived


@hidden("11.3")
def _hidden_chaos(chaos_proof):
    rng = random.Random(1103)
    happened, arrived = _many_versions(rng)
    cases = [(_("a contact updated 12 times, shuffled"), happened, arrived)]
    for seed, contacts, orders, refunds in ((11, 4, 4, 2), (23, 5, 4, 2), (35, 3, 4, 2), (47, 6, 4, 2),
                                            (59, 4, 4, 2), (71, 5, 4, 2), (83, 8, 8, 5), (97, 2, 6, 6)):
        events = stream(seed, contacts=contacts, orders=orders, refunds=refunds)
        cases.append((_("chaos stream {seed}", seed=seed), events, chaos(events, seed)))
    events = stream(101, contacts=6, orders=6, refunds=3)
    cases.append((_("a stream with most events delivered twice and far out of order"), events,
                  chaos(events, 101, reorder_rate=0.9, reorder_by=20, duplicate_rate=0.8)))
    for label, events, delivered in cases:
        _judge_chaos(chaos_proof, label, delivered, truth(events))

