"""Lab 14, the capstone: a whole integration under a chaos profile, measured against targets.

:func:`play` starts a stack whose sender gives up after about six minutes (:data:`SCHEDULE`),
fires a seeded stream of every catalog type for :data:`STREAM_MIN` minutes under :data:`CHAOS`
(errors, latency, duplicates and reordering, hiccups downstream, and an :data:`OUTAGE_MIN`-minute
outage of the receiver), calls ``watch(stack, now, state)`` once a minute like an on-call
monitor, and returns the stack. :func:`scoreboard` measures the :data:`TARGETS` from the stack's
own data::

    stack = lab14.play(seed=14)                      # the built-in handlers, nobody watching
    lab14.scoreboard(stack)                          # target, bound, measured, met
    stack = lab14.play(install, watch, seed=14)      # your integration

``install(stack)`` registers handlers with ``stack.receiver.on(type)``. Built-in handlers never
count: a type that ``install`` leaves out is acknowledged and ignored, so its events are lost.

The scoreboard holds an integration to the lesson's brief, which the built-in handlers meet. The
lab's brief asks more (:func:`measure` with ``lab=True``, and the checks): a form's campaign in its
timeline entry and ``#leads`` message, an order's items in its timeline entry, a refund's reason in
its timeline entry, and carts of :data:`CART_TO_CHASE` or more, only, tagged and announced in
``#marketing``.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from typing import Any, Callable

import pandas as pd

from .. import catalog
from ..errors import StackError
from ..services import handlers as builtin
from ..stack import Stack, start
from .checks import exercise, expect, fail, show
from .messages import Message, _, current_language, say

__all__ = ["SCHEDULE", "CHAOS", "OUTAGE_MIN", "STREAM_MIN", "TARGETS", "CART_TO_CHASE", "TYPES", "SIGNUP", "SHOP",
           "ChaosChanged", "play", "measure", "scoreboard", "chaos_table", "targets_table"]

#: The sender's retry schedule: four attempts over about six minutes, then a dead letter.
SCHEDULE = (0.0, 5.0, 60.0, 300.0)
#: Faults per service for the whole run; the receiver's outage comes on top (:data:`OUTAGE_MIN`).
CHAOS: dict[str, dict[str, Any]] = {
    "receiver": {"error_rate": 0.1, "error_status": 503, "latency_ms": (20, 800), "duplicate_rate": 0.1,
                 "reorder_rate": 0.2, "reorder_s": 30},
    "crm": {"error_rate": 0.1},
    "email": {"error_rate": 0.05},
}
OUTAGE_MIN = 10     # the receiver is unreachable this long, starting 6 to 16 minutes in
STREAM_MIN = 30     # events are fired over this many minutes...
EVENTS = 90         # ...this many, plus their follow-ups
TAIL_MIN = 10       # watch() keeps running this long after the stream
TICK_S = 60         # watch(stack, now, state) runs once a minute
#: At most this many lost, applied twice, disagreeing; p95 lag and time to alert in minutes.
TARGETS = {"lost": 0, "twice": 0, "disagree": 0, "p95_lag_min": 15.0, "alert_min": 5.0}
#: The lab's brief: an abandoned cart this large (in its own currency) or larger is tagged and announced.
CART_TO_CHASE = 200.0

TYPES = tuple(catalog.EVENT_TYPES)
SIGNUP = tuple(t for t in TYPES if catalog.get(t).source == "signup")
SHOP = tuple(t for t in TYPES if catalog.get(t).source == "shop")
_MIX = {"newsletter.subscribed": 5, "newsletter.unsubscribed": 1, "contact.updated": 2, "form.submitted": 2,
        "order.completed": 4, "order.refunded": 1, "cart.abandoned": 2}
#: Follow-ups, fired seconds after an event of the key's type, about the same person or order:
#: the pairs that reordering turns around. (type, chance)
_FOLLOW = {"newsletter.subscribed": ("newsletter.unsubscribed", 0.3),
           "newsletter.unsubscribed": ("newsletter.subscribed", 0.4),
           "contact.updated": ("contact.updated", 0.4), "order.completed": ("order.refunded", 0.4)}
_INSTEAD = {"newsletter.unsubscribed": "newsletter.subscribed", "contact.updated": "newsletter.subscribed",
            "order.refunded": "order.completed"}  # nobody to unsubscribe, update or refund yet
_CITIES = ("Lisboa", "Porto Alegre", "Recife", "Austin", "Toronto", "Berlin", "Nairobi", "Osaka")
_BIG_ITEM = {"sku": "TV-65", "name": "65-inch TV", "quantity": 1, "unit_price": 899.0}
_SENDER_ALERTS = ("message msg_", "subscription sub_")  # what the dispatcher itself posts to #alerts


class ChaosChanged(StackError):
    """The integration's code changed the faults or the sender's schedule during the run."""


def _unhandled(event: dict) -> None:
    """Stands in for a type install() left out: the event is acknowledged, and nothing happens."""


# -- the run ----------------------------------------------------------------------------------------

def _plan(seed: int, types: tuple[str, ...], n: int) -> tuple[list[tuple], float]:
    """The steps ``(offset_s, type, follows, fields, index)`` in time order, and the outage's offset."""
    rng = random.Random(f"lab14:{seed}")
    outage_at = 360.0 + round(rng.uniform(0, 600))
    steps: list[tuple] = []
    times = sorted(round(rng.uniform(1, STREAM_MIN * 60), 3) for _i in range(n))
    for at, kind in zip(times, rng.choices(types, [_MIX[t] for t in types], k=n)):
        follows = None
        while True:  # a follow-up may have one of its own: signup, unsubscribe, signup again
            fields = {"city": rng.choice(_CITIES)} if kind == "contact.updated" else \
                {"items": [dict(_BIG_ITEM)]} if kind == "order.completed" and rng.random() < 0.3 else {}
            steps.append((at, kind, follows, fields, len(steps)))
            follow, chance = _FOLLOW.get(kind, (None, 0))
            if follow not in types or rng.random() >= chance:
                break
            at, kind, follows = round(at + rng.uniform(0.5, 5), 3), follow, len(steps) - 1
    return sorted(steps, key=lambda s: s[0]), outage_at


def _install(stack: Stack, install: Callable[[Stack], Any]) -> list[str]:
    """Put the learner's handlers in place of the built-in ones; return the types left unhandled."""
    stack.receiver.reset_handlers()
    for t in TYPES:
        stack.receiver.on(t)(_unhandled)
    install(stack)
    missing = []
    for t in TYPES:
        fn = stack.receiver.handler_for(t)
        if fn is _unhandled or getattr(fn, "__module__", None) == builtin.__name__:
            stack.receiver.on(t)(_unhandled)  # built-in handlers never do the learner's work
            missing.append(t)
    return missing


def _fire(stack: Stack, kind: str, types: tuple[str, ...], fields: dict, follows: dict | None) -> dict:
    if follows:
        key = "order_id" if kind == "order.refunded" else "email"
        fields = {**fields, key: follows[key]}
    try:
        return stack.sources.event(stack.fire(kind, **fields))["data"]
    except StackError:  # nobody to unsubscribe, update or refund yet
        instead = _INSTEAD[kind] if _INSTEAD[kind] in types else types[0]
        return stack.sources.event(stack.fire(instead))["data"]


def _guard(stack: Stack, expected: dict) -> None:
    if {s: stack.faults.policy(s) for s in stack.faults_on} != expected or stack.dispatcher.schedule != SCHEDULE:
        raise ChaosChanged(_("the chaos profile or the sender's retry schedule changed during the run; an "
                             "integration lives with the faults it is given: leave stack.faults and "
                             "stack.dispatcher alone"))


def _run(stack: Stack, *, seed: int, install: Callable | None = None, watch: Callable | None = None,
         types: tuple[str, ...] = TYPES, events: int = EVENTS, recover: bool = False) -> list[str]:
    """Play the scenario on ``stack``; return the types ``install`` left unhandled."""
    plan, outage_at = _plan(seed, types, events)
    missing = [] if install is None else _install(stack, install)
    t0 = stack.clock.now()
    for service, settings in CHAOS.items():
        stack.faults.set(service, **settings)
    stack.faults.set("receiver", outage=(outage_at, outage_at + OUTAGE_MIN * 60))
    expected = {s: stack.faults.policy(s) for s in stack.faults_on}
    ticks = range(1, (STREAM_MIN + TAIL_MIN) * 60 // TICK_S + 1) if watch else ()
    steps = [(at, 0, step) for at, *step in plan] + [(k * TICK_S, 1, None) for k in ticks]
    state: dict = {}
    fired: dict[int, dict] = {}
    for at, is_tick, step in sorted(steps, key=lambda s: s[:2]):
        stack.advance(max(0.0, t0 + at - stack.clock.now()))
        if is_tick:
            watch(stack, pd.Timestamp(stack.clock.now(), unit="s", tz="UTC"), state)
            _guard(stack, expected)
        else:
            kind, follows, fields, index = step
            fired[index] = _fire(stack, kind, types, fields, None if follows is None else fired[follows])
    stack.wait(timeout=None)  # the stream's last deliveries, retries and handlers
    for _round in range(6 if recover else 0):  # the check replays what died, so only the handlers are judged
        if not stack.recover(since=t0):
            break
        stack.wait(timeout=None)
    _guard(stack, expected)
    return missing


def play(install: Callable[[Stack], Any] | None = None, watch: Callable | None = None, seed: int = 14) -> Stack:
    """Start a stack (this stops the previous one), play the capstone's scenario on it, return it.

    ``install(stack)`` registers your handlers (``None``: the built-in ones stay); ``watch(stack,
    now, state)`` runs once a minute (``now``: a UTC pandas Timestamp; ``state``: a dict kept
    between calls). Then :func:`scoreboard` shows how the integration did.
    """
    stack = start(seed=seed, clock="virtual", schedule=SCHEDULE)
    try:
        _run(stack, seed=seed, install=install, watch=watch)
    except BaseException:
        stack.stop()
        raise
    return stack


# -- the measurement ----------------------------------------------------------------------------------

def measure(stack: Stack, effects: bool = True, lab: bool = False) -> dict:
    """Every target's measurement, with its evidence: which events were lost or applied twice, and why.

    An event is *applied* when its handler finished and all the brief asks of it is there
    (``effects=False``: when its handler finished; ``lab=True``: the lab's brief, not the lesson's).
    Its lag runs from the event to the end of its handler; a lost event's lag is infinite.
    """
    events = stack.sources.events()
    inbox = stack.receiver.inbox().set_index("id")
    sent = stack.dispatcher.deliveries().query("subscription == 'sub_integration'")
    delivery = dict(zip(sent["event_id"], sent["status"]))
    data = {eid: stack.sources.event(eid)["data"] for eid in events["id"]}
    look = _Evidence(stack, events, data, lab) if effects else None
    lost, twice, lags = {}, {}, []
    for eid, kind, created in zip(events["id"], events["type"], events["created_at"]):
        row = inbox.loc[eid] if eid in inbox.index else None
        if row is None:
            why = Message("never reached the receiver (its delivery is {status})", status=delivery.get(eid, "unknown"))
        elif row["status"] != "processed":
            why = Message("its handler never finished (last error: {error})", error=row["last_error"])
        else:
            why = look.missing(eid, kind, data[eid]) if look else None
        if why is None:
            lags.append((row["processed_at"] - created).total_seconds())
            if look and (again := look.twice(kind, data[eid])):
                twice[eid] = Message("{kind}: {why}", kind=kind, why=again)
        else:
            lost[eid] = Message("{kind}: {why}", kind=kind, why=why)
            lags.append(math.inf)
    lags.sort()
    wrong = stack.reconcile() if effects else pd.DataFrame(columns=["problem"])
    outage = stack.faults.policy("receiver").outage or (math.inf, math.inf)
    alerts = stack.notifier.messages("alerts")
    sender = alerts["text"].str.startswith(_SENDER_ALERTS)  # the dispatcher's own dead-letter notices
    yours = [t.timestamp() for t in alerts[~sender]["created_at"]]
    notices = [t.timestamp() for t in alerts[sender]["created_at"] if t.timestamp() >= outage[0]]
    after = [t for t in yours if t >= outage[0]]
    return {"events": len(events), "applied": len(events) - len(lost), "lost": lost, "twice": twice,
            "disagree": wrong[wrong["problem"] != "duplicate"].reset_index(drop=True),  # doubles: in twice
            "p95_lag_min": lags[max(0, math.ceil(0.95 * len(lags)) - 1)] / 60 if lags else math.inf,
            "outage": outage, "alert_min": (min(after) - outage[0]) / 60 if after else None,
            "false_alarms": [t for t in yours if t < outage[0]], "alert_texts": alerts[~sender]["text"].tolist(),
            "sender_notice_min": (min(notices) - outage[0]) / 60 if notices else None}


class _Evidence:
    """What the brief asks each event to leave behind, looked up in the CRM, the email platform, the chat."""

    def __init__(self, stack: Stack, events: pd.DataFrame, data: dict, lab: bool = False) -> None:
        entries = stack.crm.timeline().dropna(subset=["event_id"])
        self.timeline = dict(zip(entries["event_id"], entries["text"]))
        contacts, members = stack.crm.contacts(), stack.email.subscribers("newsletter")
        self.versions = dict(zip(contacts["email"], contacts["source_version"]))
        self.tags = dict(zip(members["email"], members["tags"]))
        self.chat = {c: stack.notifier.messages(c)["text"].tolist() for c in ("leads", "sales", "marketing")}
        self.lab = lab
        self.rows = Counter(stack.crm.orders()["order_id"])
        self.forms = Counter(data[e]["name"] for e, t in zip(events["id"], events["type"]) if t == "form.submitted")

    def _posts(self, channel: str, text: str) -> int:
        return sum(text in message for message in self.chat[channel])

    def missing(self, eid: str, kind: str, d: dict) -> Message | None:
        """Why this event is not applied (None: it is)."""
        if kind == "contact.updated":
            have = self.versions.get(d["email"])
            have = None if have is None or pd.isna(have) else int(have)
            return None if have is not None and have >= d["version"] else \
                Message("version {version} of {email} is not in the CRM (its source_version: {have})",
                        version=d["version"], email=d["email"], have=have)
        if eid not in self.timeline:
            return Message("no CRM timeline entry carries its event id")
        if kind == "form.submitted" and self._posts("leads", d["name"]) < self.forms[d["name"]]:
            return Message("no #leads message names {name}", name=d["name"])
        if kind == "form.submitted" and d["consent"] and d["form_id"] not in (self.tags.get(d["email"]) or []):
            return Message("{email} gave consent but is not tagged {form_id!r} on the newsletter list",
                           email=d["email"], form_id=d["form_id"])
        if kind == "order.completed" and d["total"] >= builtin.HIGH_VALUE_ORDER \
                and not self._posts("sales", d["order_id"]):
            return Message("no #sales message for {order_id} ({total:.2f} {currency})", order_id=d["order_id"],
                           total=d["total"], currency=d["currency"])
        return self._lab_missing(eid, kind, d) if self.lab else None

    def _lab_missing(self, eid: str, kind: str, d: dict) -> Message | None:
        """What the lab's brief asks on top of the lesson's, and this event lacks (None: nothing)."""
        campaign = (d.get("utm") or {}).get("campaign") if kind == "form.submitted" else None
        if campaign and campaign not in self.timeline[eid]:
            return Message("its timeline entry does not name the campaign {campaign!r}", campaign=campaign)
        if campaign and not any(d["name"] in text and campaign in text for text in self.chat["leads"]):
            return Message("no #leads message names {name} and the campaign {campaign!r}", name=d["name"],
                           campaign=campaign)
        if kind == "order.completed" and not all(f"{i['quantity']} x {i['name']}" in self.timeline[eid]
                                                 for i in d["items"]):
            return Message("its timeline entry does not list what was bought, each item as 'quantity x name'")
        if kind == "order.refunded" and d.get("reason") and d["reason"] not in self.timeline[eid]:
            return Message("its timeline entry does not give the refund's reason {reason!r}", reason=d["reason"])
        if kind == "cart.abandoned" and d["total"] >= CART_TO_CHASE and not self._posts("marketing", d["recover_url"]):
            return Message("no #marketing message with the recover_url of {cart_id} ({total:.2f} {currency})",
                           cart_id=d["cart_id"], total=d["total"], currency=d["currency"])
        if kind == "cart.abandoned" and d["total"] < CART_TO_CHASE and self._posts("marketing", d["cart_id"]):
            return Message("a #marketing message for {cart_id}, a cart of {total:.2f} {currency}: under {least:g}",
                           cart_id=d["cart_id"], total=d["total"], currency=d["currency"], least=CART_TO_CHASE)
        return None

    def twice(self, kind: str, d: dict) -> Message | None:
        """How this event was applied more than once (None: it was not)."""
        if kind == "form.submitted" and (n := self._posts("leads", d["name"])) > self.forms[d["name"]]:
            return Message("{n} #leads messages name {name}", n=n, name=d["name"])
        if kind == "order.completed" and (n := self.rows[d["order_id"]]) > 1:
            return Message("{n} CRM order rows for {order_id}", n=n, order_id=d["order_id"])
        if kind == "order.completed" and (n := self._posts("sales", d["order_id"])) > 1:
            return Message("{n} #sales messages for {order_id}", n=n, order_id=d["order_id"])
        if self.lab and kind == "cart.abandoned" and (n := self._posts("marketing", d["cart_id"])) > 1:
            return Message("{n} #marketing messages for {cart_id}", n=n, cart_id=d["cart_id"])
        return None


def _alert_text(m: dict) -> str:
    text = (f"{m['alert_min']:.1f}" if m["alert_min"] is not None else
            _("none (sender's first dead letter: {minutes:.1f})", minutes=m["sender_notice_min"])
            if m["sender_notice_min"] else _("none"))
    return text + (_(", {n} before it", n=len(m["false_alarms"])) if m["false_alarms"] else "")


_ALERT_BOUND = f"≤ {TARGETS['alert_min']:g}, none before"
_BOARD = [  # target, bound, measured, met (target and bound in English, as keys: _said says them)
    ("events lost", "0", lambda m: _("{n} of {events}", n=len(m["lost"]), events=m["events"]),
     lambda m: not m["lost"]),
    ("events applied twice", "0", lambda m: str(len(m["twice"])) if m["applied"] else _("nothing applied"),
     lambda m: m["applied"] > 0 and not m["twice"]),  # applying nothing is not applying once
    ("records that disagree", "0", lambda m: str(len(m["disagree"])), lambda m: len(m["disagree"]) == 0),
    ("p95 lag (min)", f"≤ {TARGETS['p95_lag_min']:g}",
     lambda m: _("∞ (over 5% never applied)") if math.isinf(m["p95_lag_min"]) else f"{m['p95_lag_min']:.1f}",
     lambda m: m["p95_lag_min"] <= TARGETS["p95_lag_min"]),
    ("your alert (min after outage start)", _ALERT_BOUND, _alert_text,
     lambda m: m["alert_min"] is not None and m["alert_min"] <= TARGETS["alert_min"] and not m["false_alarms"]),
]


def _said(text: str) -> str:
    """A target's name or bound from :data:`_BOARD` in the learner's language (a bound with no words as it is)."""
    return {"events lost": _("events lost"), "events applied twice": _("events applied twice"),
            "records that disagree": _("records that disagree"), "p95 lag (min)": _("p95 lag (min)"),
            "your alert (min after outage start)": _("your alert (min after outage start)"),
            _ALERT_BOUND: _("≤ {n:g}, none before", n=TARGETS["alert_min"])}.get(text, text)


def scoreboard(stack: Stack) -> pd.DataFrame:
    """One row per target: its bound, what this run measured, and whether it was met."""
    m = measure(stack)
    return pd.DataFrame([(_said(t), _said(b), measured(m), bool(met(m))) for t, b, measured, met in _BOARD],
                        columns=["target", "bound", "measured", "met"])


def targets_table() -> pd.DataFrame:
    """The targets and their bounds."""
    return pd.DataFrame([(_said(t), _said(b)) for t, b, _measured, _met in _BOARD], columns=["target", "bound"])


def chaos_table() -> pd.DataFrame:
    """The chaos profile: service, fault, setting."""
    rows = [(s, k, str(v)) for s, settings in CHAOS.items() for k, v in settings.items()]
    rows.append(("receiver", "outage", _("{minutes} min, starting 6 to 16 min into the run", minutes=OUTAGE_MIN)))
    return pd.DataFrame(rows, columns=["service", "fault", "setting"])


# -- the checks ---------------------------------------------------------------------------------------

def _graded(seed: int, effects: bool = True, **options: Any) -> tuple[list[str], dict]:
    """Play the scenario on a stack of the check's own (the learner's keeps running), and measure it."""
    stack = Stack(seed=seed, clock="virtual", data_dir=None, timeout=5.0, retries=True, schedule=SCHEDULE,
                  workers=4)
    try:
        missing = _run(stack, seed=seed, **options)
        for error in stack.receiver.inbox()["last_error"].dropna():  # a stub raised in the receiver
            if error.startswith("NotImplementedError: exercise 14."):
                raise NotImplementedError(error.removeprefix("NotImplementedError: "))
        return missing, measure(stack, effects, lab=True)
    except ChaosChanged:
        fail(expected=_("the chaos profile and the sender's retry schedule left as they are"),
             got=_("your code changed stack.faults or stack.dispatcher during the run"),
             hint=_("an integration lives with the faults and the sender it is given: alert and recover instead"))
    finally:
        stack.stop()


def _handlers(functions: dict[str, Any]) -> Callable[[Stack], None]:
    """An install() that registers each ``fn(event, crm, email, notifier)`` for its type."""
    for kind, fn in functions.items():
        expect(callable(fn), expected=_("a function for {kind}", kind=kind), got=show(fn),
               hint=_("run the answer cell that defines the handlers, then this check"))

    def install(stack: Stack) -> None:
        for kind, fn in functions.items():
            stack.receiver.on(kind)(_with_clients(fn, stack))

    return install


def _with_clients(fn: Callable, stack: Stack) -> Callable[[dict], Any]:
    """A receiver handler ``handler(event)`` that calls ``fn(event, crm, email, notifier)`` with ``stack``'s clients."""
    def handler(event: dict) -> Any:
        return fn(event, stack.crm, stack.email, stack.notifier)

    return handler


# -- a few deliveries in a chosen order, on a quiet stack ---------------------------------------------

_T0 = 1767603600.0  # 2026-01-05 09:00 UTC: the events' own times, minutes apart


def _event(event_id: str, kind: str, minute: float, **data: Any) -> dict:
    return {"id": event_id, "type": kind, "timestamp": catalog.format_timestamp(_T0 + 60 * minute), "data": data}


def _cart(event_id: str, email: str, total: float, minute: float = 1) -> dict:
    """A cart.abandoned event of one product at ``total`` BRL, its cart id made from the event id."""
    cart_id = "cart_" + event_id.removeprefix("evt_").replace("_", "")
    return _event(event_id, "cart.abandoned", minute, cart_id=cart_id, email=email, total=total, currency="BRL",
                  items=[{"sku": "CHAIR-01", "name": "Office chair", "quantity": 1, "unit_price": total}],
                  recover_url=f"https://shop.example.com/cart/{cart_id}/recover")


def _quiet(seed: int) -> Stack:
    """A stack of the check's own, no chaos: the handlers are called directly, in the order the case says."""
    return Stack(seed=seed, clock="virtual", data_dir=None, timeout=5.0, retries=True, schedule=None, workers=4)


def _case(seed: int, handlers: dict[str, Callable], events: list[dict], what: str,
          checks: Callable[[Stack], list[tuple[bool, str, Any, str]]], members: tuple[str, ...] = ()) -> None:
    """Put ``members`` on the list, deliver ``events`` in order to ``handlers`` on a quiet stack, then fail on
    the first (ok, expected, got, hint) of ``checks`` that is not ok."""
    stack = _quiet(seed)
    try:
        for address in members:
            stack.email.upsert_member(address, status="subscribed")
        for event in events:
            handlers[event["type"]](dict(event), stack.crm, stack.email, stack.notifier)
        for ok, expected, got, hint in checks(stack):
            expect(ok, expected=f"{expected} ({what})", got=got, hint=hint)
    finally:
        stack.stop()


def _member(stack: Stack, address: str) -> str:
    member = stack.email.member(address)
    return _("no member") if member is None else show({k: member.get(k) for k in ("email", "status", "tags")})


def _chased(stack: Stack, event: dict, chased: bool) -> list[tuple[bool, str, Any, str]]:
    """The lab's cart rule for a list member's cart: tagged and announced once if ``chased``, else neither."""
    d, tags = event["data"], (stack.email.member(event["data"]["email"]) or {}).get("tags") or []
    posts = [text for text in stack.notifier.messages("marketing")["text"] if d["cart_id"] in text]
    size, least = f"{d['total']:.2f} {d['currency']}", f"{CART_TO_CHASE:g}"
    if chased:
        return [("abandoned-cart" in tags, _("{email} tagged 'abandoned-cart' for a cart of {size}", email=d["email"],
                                             size=size),
                 _member(stack, d["email"]), _("tag carts of {least} or more: email.tag(address, 'abandoned-cart')",
                                               least=least)),
                (len(posts) == 1 and d["recover_url"] in posts[0],
                 _("one #marketing message with {url}", url=d["recover_url"]), show(posts, 300),
                 _("post the cart's recover_url to #marketing, last, for carts of {least} or more (>=, not >)",
                   least=least))]
    return [("abandoned-cart" not in tags, _("{email} not tagged for a cart of {size}, under {least}",
                                             email=d["email"], size=size, least=least),
             _member(stack, d["email"]), _("tag and post only when the cart's total is {least} or more", least=least)),
            (not posts, _("no #marketing message for {cart_id}, a cart of {size}", cart_id=d["cart_id"], size=size),
             show(posts, 300), _("a small cart is not worth chasing: leave #marketing alone"))]


def _lost_hints() -> dict[str, str]:
    """What to do about a lost event, by a word of its reason (the reasons are English: see measure)."""
    return {
        "never reached": _("once deliveries succeed again, recover the dead letters (stack.recover(since=...)); a "
                           "replay can fail too, so look again the next minute while any are dead"),
        "never finished": _("your handler raised that error on every try: run it by hand on that event and fix it; "
                            "a 404 from email.tag means 'not on the list'"),
        "campaign": _("a form with utm names its campaign, event['data']['utm']['campaign'], in its timeline entry "
                      "and in its #leads message; a form may have no utm, or utm without a campaign"),
        "what was bought": _("list the order's items in its timeline entry, as in lab 04: 'quantity x name' for each "
                             "item of event['data']['items'], joined with ', '"),
        "refund's reason": _("put the refund's reason in its timeline entry (some refunds have none: use .get)"),
        "#marketing": _("a cart of {least:g} or more: one #marketing message with its recover_url, posted last; a "
                        "smaller cart: no message and no tag", least=CART_TO_CHASE),
        "timeline": _("add a CRM timeline entry with event_id=event['id'] (it also makes a second run harmless)"),
        "#leads": _("post one message to #leads per form, with the person's name in it"),
        "tagged": _("after subscribing a lead who gave consent, tag them with the form id: "
                    "email.tag(address, form_id)"),
        "source_version": _("store the version as source_version, and skip an update whose version is not newer "
                            "than the one the CRM has"),
        "#sales": _("post to #sales for every order of 500 or more, with the order id in the message"),
    }


def _hint(m: dict, target: str) -> str:
    if target == "events lost":
        reason = min(m["lost"].values(), key=lambda r: "injected fault" in r)
        return next((hint for key, hint in _lost_hints().items() if key in reason), _("compare with the brief"))
    if target == "events applied twice":
        return _("a handler runs again when one of its calls failed: upsert (crm.put_order, not create_order), "
                 "and post to the chat last, after every call that can fail")
    if target == "records that disagree":
        row = m["disagree"].iloc[0]
        return (_("the newest subscription change must win: pass subscribed_at=event_time(event), and leave the "
                  "email platform alone when newer_change_kept(answer)") if row["system"] == "email" else
                _("a refund may come before its order: record it from the refund, and keep 'refunded' when the "
                  "order arrives") if row["entity"] == "order" else
                _("every event about a person must leave a CRM contact: upsert it") if row["problem"] == "missing"
                else _("an older contact.updated must not overwrite a newer one: compare versions first"))
    if target.startswith("p95"):
        return _("recover the dead letters as soon as deliveries succeed again, not hours later")
    return _("about 1 delivery in 10 fails on a normal day: alert when most attempts of the last couple of "
             "minutes fail, once, with stack.notifier.post('alerts', text)")


def _evidence(m: dict, target: str) -> str:
    """What went wrong for ``target``, with the first example."""
    language = current_language()
    if target == "events lost":
        kinds = Counter(reason.split(":")[0] for reason in m["lost"].values())
        # The example: one that did not die of an injected fault on its last try, if there is one.
        eid, reason = min(m["lost"].items(), key=lambda item: "injected fault" in item[1])
        return _("{n} of {events} lost ({kinds}); e.g. {id}, {reason}", n=len(m["lost"]), events=m["events"],
                 kinds=", ".join(f"{k} ×{n}" for k, n in sorted(kinds.items())), id=eid,
                 reason=say(reason, language))
    if target == "events applied twice" and m["twice"]:
        eid, reason = next(iter(m["twice"].items()))
        return _("{n} applied twice; e.g. {id}, {reason}", n=len(m["twice"]), id=eid, reason=say(reason, language))
    if target == "records that disagree":
        row = m["disagree"].iloc[0]
        field = _(" {field} (source: {expected}, found: {actual})", field=row["field"], expected=show(row["expected"]),
                  actual=show(row["actual"])) if isinstance(row["field"], str) else ""
        return _("{n} disagree with the source; e.g. {system} {entity} {key}: {problem}{field}", n=len(m["disagree"]),
                 system=row["system"], entity=row["entity"], key=row["key"], problem=row["problem"], field=field)
    return next(measured(m) for t, _bound, measured, _met in _BOARD if t == target)


def _require(m: dict, targets: list[str], what: str) -> None:
    """Fail on the first of ``targets`` that ``m`` misses, with its evidence and hint."""
    for target, bound, _measured, met in _BOARD:
        if target in targets and not met(m):
            fail(expected=f"{_said(target)}: {_said(bound)} ({what})", got=_evidence(m, target),
                 hint=_hint(m, target))


@exercise("14.1", points=3, title="Signup handlers that survive chaos")
def _signup(on_newsletter_subscribed, on_newsletter_unsubscribed, on_contact_updated, on_form_submitted):
    install = _handlers(dict(zip(SIGNUP, (on_newsletter_subscribed, on_newsletter_unsubscribed,
                                          on_contact_updated, on_form_submitted))))
    _missing, m = _graded(141, install=install, types=SIGNUP, events=50, recover=True)
    _require(m, ["events lost", "events applied twice", "records that disagree"],
             _("{n} signup events", n=m["events"]))
    return _("{n} signup events, reordered, doubled and replayed: none lost, none twice, none wrong", n=m["events"])


@exercise("14.2", points=3, title="Shop handlers that survive chaos")
def _shop(on_order_completed, on_order_refunded, on_cart_abandoned):
    install = _handlers(dict(zip(SHOP, (on_order_completed, on_order_refunded, on_cart_abandoned))))
    _missing, m = _graded(142, install=install, types=SHOP, events=45, recover=True)
    _require(m, ["events lost", "events applied twice", "records that disagree"], _("{n} shop events", n=m["events"]))
    big, small = _cart("evt_lab_1", "bia.santos@example.com", 250.0), _cart("evt_lab_2", "davi.rocha@example.com", 35.0)
    _case(142, dict(zip(SHOP, (on_order_completed, on_order_refunded, on_cart_abandoned))), [big, small],
          _("two members of the list leave carts of 250.00 and 35.00 BRL"),
          lambda stack: _chased(stack, big, True) + _chased(stack, small, False),
          members=("bia.santos@example.com", "davi.rocha@example.com"))
    return _("{n} shop events, reordered, doubled and replayed: every order right, none twice; only the big cart "
             "chased", n=m["events"])


@exercise("14.3", points=3, title="On call: alert, then recover")
def _on_call(watch):
    expect(callable(watch), expected=_("a function watch(stack, now, state)"), got=show(watch),
           hint=_("run the answer cell that defines watch, then this check"))
    notes = []
    for seed in (143, 1433):  # outages that begin 6 minutes apart
        _missing, m = _graded(seed, effects=False, install=lambda stack: None, watch=watch, events=70)
        start_ = f"{pd.Timestamp(m['outage'][0], unit='s', tz='UTC'):%H:%M:%S}"
        expect(not m["false_alarms"], expected=_("no #alerts message before the outage began at {start}", start=start_),
               got=_("{n}, the first at {at}", n=len(m["false_alarms"]),
                     at=f"{pd.Timestamp(m['false_alarms'][0], unit='s', tz='UTC'):%H:%M:%S}") if m["false_alarms"]
               else "",
               hint=_("about 1 delivery in 10 fails on a normal day: alert on the share of failed attempts over a "
                      "window (say over half of the last 2 minutes), not on one failure"))
        _require(m, ["your alert (min after outage start)"], _("the outage began at {start}", start=start_))
        expect(len(m["alert_texts"]) <= 3, expected=_("one message when the trouble starts, one when it ends"),
               got=_("{n} messages of yours in #alerts", n=len(m["alert_texts"])),
               hint=_("remember in state that the alert is firing, and post again only when that changes"))
        _require(m, ["events lost", "p95 lag (min)"], _("{n} events", n=m["events"]))
        notes.append(_("alert {alert:.1f} min into the outage, p95 lag {lag:.1f} min", alert=m["alert_min"],
                       lag=m["p95_lag_min"]))
    return "; ".join(notes) + _("; nothing lost")


@exercise("14.4", points=3, title="The whole integration under chaos")
def _capstone(install, watch):
    expect(callable(install) and callable(watch), expected=_("install(stack) and watch(stack, now, state)"),
           got=_("{install} and {watch}", install=show(install), watch=show(watch)),
           hint=_("run the answer cells above, then this check"))
    missing, m = _graded(144, install=install, watch=watch)
    expect(not missing, expected=_("a handler of yours for every event type"),
           got=_("none for {types}", types=", ".join(missing)),
           hint=_("in install, call stack.receiver.on(type)(handler) for all seven types; built-in ones do not count"))
    errors: dict[str, set] = {}  # error -> the types whose handlers died of it
    for reason in m["lost"].values():
        if "never finished" in reason:
            errors.setdefault(reason.split("last error: ")[-1][:-1], set()).add(reason.split(":")[0])
    error, kinds = max(errors.items(), key=lambda e: len(e[1]), default=("", set()))
    expect(len(kinds) < 3, expected=_("each type's handler doing that type's work"),
           got=_("{n} types whose handlers fail with the same error, {error}", n=len(kinds), error=error),
           hint=_("look for code they share: a helper they all call, or a lambda made in a loop, which sees the "
                  "loop's last fn unless you bind it (`lambda event, fn=fn: fn(...)`)"))
    missed = [(target, bound) for target, bound, _measured, met in _BOARD if not met(m)]
    if missed:
        fail(expected=_("all 5 targets met"),
             got=_("{n} of 5 met; missed: {missed}", n=5 - len(missed), missed="; ".join(
                 f"{_said(target)} ({_said(bound)}): {_evidence(m, target)}" for target, bound in missed)),
             hint=_hint(m, missed[0][0]))
    return _("all 5 targets met: {n} events, none lost or twice, p95 lag {lag:.1f} min, alert {alert:.1f} min into "
             "the outage", n=m["events"], lag=m["p95_lag_min"], alert=m["alert_min"])
