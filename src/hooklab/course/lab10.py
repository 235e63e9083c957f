"""Checks of lab 10: find what an outage lost, a recovery window, recover exactly that.

Each check runs an incident of its own on the learner's stack (later in virtual time, with
other faults than the lab's), asks the learner's function about it, then puts back in the
CRM whatever the incident lost, so the lab's own incident is left as it was.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from typing import Any

import pandas as pd

from .checks import exercise, expect, fail, lab_stack, show
from .messages import _

SCHEDULE = (0.0, 5.0, 60.0, 300.0)  # the lab's sender: gives up after about 7 minutes
TYPES = ("newsletter.subscribed", "order.completed")
IDLE_S = 60.0  # real seconds a check waits for the stack to be idle


def _ready(stack: Any) -> Any:
    stack = lab_stack(stack, seed=10)
    expect(tuple(stack.dispatcher.schedule) == SCHEDULE,
           expected=_("the lab's retry schedule {schedule}", schedule=SCHEDULE),
           got=show(tuple(stack.dispatcher.schedule)), hint=_("run the first code cell of the lab again"))
    expect(stack.receiver.dedup, expected=_("a receiver that deduplicates"), got=_("stack.receiver.dedup = False"),
           hint=_("set stack.receiver.dedup = True (or run the first code cell of the lab again)"))
    stack.faults.clear()
    stack.receiver.reset_handlers()
    stack.wait(IDLE_S)
    stack.advance(60)  # the check's events are well apart from anything fired before
    return stack


def _timestamp(seconds: float) -> pd.Timestamp:
    return pd.Timestamp(seconds, unit="s", tz="UTC")


def _at(seconds: float) -> str:
    return f"{_timestamp(seconds):%H:%M:%S.%f}"[:-2]


def _incident(stack: Any, pattern: list[str], mid: Any = None, opening: Any = None) -> dict:
    """Run an incident; return the ids of what each event became, and the reported window.

    What each event becomes is known by design, so the checks need no answer of their own:
    ``"before"``, ``"lost"``, ``"refused"`` and ``"after"`` are lost (:func:`_lost_by_design`).

    Before the window: one event lost then replayed (delivered), one lost for good. In the
    window, one event a minute, each ``"lost"`` (the network is cut for all its attempts),
    ``"answered"`` (it arrives but the answer is lost, then the network is cut) or
    ``"refused"`` (a gateway answers 404 while the integration is redeployed: the sender
    gives up at once); then two ``"late"`` events, cut at first and delivered by a retry
    after the network heals. ``opening(incident)`` is called as the window opens, and
    ``mid(incident)`` just before the network heals, while the late ones are still retrying.
    After the window: one more event lost for good.
    """
    faults = stack.faults
    out: dict[str, Any] = {"lost": [], "answered": [], "refused": [], "late": []}
    n = iter(range(1000))

    def fire() -> str:
        i = next(n)
        # Tables round times to the ms: alternately down and up (x.0012 -> x.001, x.0016 -> x.002),
        # so a window without margins leaves out a first or a last event.
        stack.clock.advance_to(math.floor(stack.clock.now()) + 1 + (0.0002, 0.0006)[i % 2])
        return stack.fire(TYPES[i % 2])

    faults.set("receiver", drop_rate=1.0)
    out["replayed"] = fire()
    stack.advance(60)
    out["before"] = fire()
    stack.advance(600)  # both dead: the schedule is over after about 7 minutes
    faults.clear("receiver")
    stack.replay(out["replayed"])
    stack.wait(IDLE_S)
    stack.advance(120)
    since = int(stack.clock.now())
    faults.set("receiver", drop_rate=1.0)
    if opening is not None:
        opening(out)
    for kind in pattern:
        if kind == "answered":
            faults.set("receiver", drop_rate=0.0, hang_rate=1.0, hang_s=30)
        elif kind == "refused":
            faults.set("receiver", drop_rate=0.0, error_rate=1.0, error_status=404)
        out[kind].append(fire())
        stack.advance(0)  # its first attempt, alone under these faults
        faults.set("receiver", drop_rate=1.0, hang_rate=0.0, error_rate=0.0)
        stack.advance(60)
    stack.advance(480)  # every attempt of the lost and answered events has failed by now
    for _late in range(2):
        out["late"].append(fire())
        stack.advance(10)
    stack.advance(5)
    if mid is not None:
        mid(out)  # the late events are still retrying
    faults.clear("receiver")
    stack.wait(IDLE_S)
    stack.advance(60)
    until = int(stack.clock.now())
    faults.set("receiver", drop_rate=1.0)
    out["after"] = fire()
    stack.advance(600)
    faults.clear("receiver")
    stack.wait(IDLE_S)
    out["since"], out["until"] = since, until
    return out


def _lost_by_design(incident: dict) -> list[str]:
    """The incident's lost events so far: "after" only once it is fired; the late ones never are."""
    after = [incident["after"]] if "after" in incident else []
    return sorted([incident["before"], *incident["lost"], *incident["refused"], *after])


def _fired(incident: dict) -> set[str]:
    """Every event the incident has fired so far."""
    one = {incident[k] for k in ("replayed", "before", "after") if k in incident}
    return one.union(*(incident[k] for k in ("lost", "answered", "refused", "late")))


def _heal(stack: Any, incident: dict) -> None:
    """Replay whatever the incident lost and nobody recovered, so the CRM is whole again."""
    stack.faults.clear()
    stack.wait(IDLE_S)
    received = set(stack.receiver.inbox()["id"])
    for lost_id in sorted(set(_lost_by_design(incident)) - received):
        stack.replay(lost_id)
    stack.wait(IDLE_S)


def _created(stack: Any) -> dict[str, float]:
    """Each event's creation time, unrounded (Unix seconds), as recover() compares it."""
    return {r["id"]: r["created_at"] for r in stack.sources.store.all("SELECT id, created_at FROM events")}


def _ids(value: Any, what: str) -> list[str]:
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
        fail(expected=_("{what}: a list of event ids", what=what), got=value,
             hint=_("return a list, e.g. sorted(ids)"))
    ids = list(value)
    expect(all(isinstance(i, str) for i in ids), expected=_("{what}: event ids (strings like 'msg_...')", what=what),
           got=show(ids), hint=_("return the ids themselves, not rows or positions"))
    return ids


def _why(ids: set[str], incident: dict, *, extra: bool) -> str:
    """A hint naming what the wrong ids are."""
    if not extra and ids and ids <= set(incident["refused"]):
        return _("a delivery refused with a 4xx ends `failed`, not `dead`: the sender gave up on it too, "
                 "and the integration never saw it")
    if not extra:
        return _("a lost event is one whose last attempt ended dead (or failed) and that is not in the inbox: "
                 "every such event belongs in the list")
    if ids & set(incident["answered"]):
        return _("the integration received those (their answers were lost on the way back): "
                 "drop the ids that are in inbox['id']")
    if ids & set(incident["late"]):
        return _("those are still retrying, or were delivered by a retry: look at each event's last attempt only")
    if incident["replayed"] in ids:
        return _("that one died, but a replay delivered it: look at each event's last attempt only")
    return _("keep only the events whose last attempt ended dead or failed, and that are not in inbox['id']")


def _compare_lost(got: Any, want: list[str], moment: str, incident: dict, what: str) -> None:
    """Fail unless ``got`` (what lost_events returned ``moment``) is exactly ``want``, sorted."""
    if isinstance(got, Exception):
        raise got  # raised while the incident ran: reported now that it is over and healed
    got_ids = _ids(got, f"lost_events {moment}")
    extra, missing = set(got_ids) - set(want), set(want) - set(got_ids)
    expect(not extra and not missing, expected=_("{n} lost events {moment} ({what})", count=len(want),
                                                 n=len(want), moment=moment, what=what),
           got=_("{n} ids, {extra} wrongly in, {missing} missing", n=len(got_ids), extra=len(extra),
                 missing=len(missing)),
           hint=_why(extra, incident, extra=True) if extra else _why(missing, incident, extra=False))
    expect(got_ids == sorted(got_ids), expected=_("the ids sorted"), got=show(got_ids[:4]),
           hint=_("return sorted(ids)"))


@exercise("10.1", points=3, title="What did the outage lose?")
def _lost(lost_events, stack):
    stack = _ready(stack)
    seen: dict[str, tuple] = {}

    def ask(moment: str, incident: dict) -> None:
        # Only the incident's own rows: what it lost is known by design, whatever else the stack holds.
        mine = _fired(incident)
        attempts, inbox = stack.deliveries(), stack.receiver.inbox()
        attempts, inbox = attempts[attempts["event_id"].isin(mine)], inbox[inbox["id"].isin(mine)]
        try:
            seen[moment] = (_lost_by_design(incident), lost_events(attempts.copy(), inbox.copy()))
        except Exception as e:  # raised after the incident is over and healed
            seen[moment] = (_lost_by_design(incident), e)

    incident = _incident(stack, ["lost", "answered", "refused", "lost", "answered", "lost"],
                         mid=lambda so_far: ask(_("while some events were still retrying"), so_far))
    try:
        ask(_("after the incident"), incident)
        for moment, (want, got) in seen.items():
            _compare_lost(got, want, moment, incident, _("the check's incident: another outage"))
    finally:
        _heal(stack, incident)
    return _("only what the sender gave up on and the integration never saw")


def _in(seconds: Any, what: str) -> float:
    try:
        return pd.Timestamp(seconds).timestamp() if not isinstance(seconds, (int, float)) else float(seconds)
    except (TypeError, ValueError):
        fail(expected=_("{what}: a pandas Timestamp (or a datetime, or Unix seconds)", what=what), got=seconds,
             hint=_("take it from events['created_at'], e.g. times.min() - pd.Timedelta(seconds=1)"))


def _judge_window(recover_window: Any, table: pd.DataFrame, lost: list[str], created: dict[str, float],
                  given: str = "") -> None:
    """Fail unless recover_window(table, lost) holds every lost event and no event before or after them.

    ``given`` says how the case differs from the usual one, for the messages.
    """
    order = sorted(created, key=lambda i: (created[i], i))
    answer = recover_window(table.copy(), list(lost))
    expect(isinstance(answer, (tuple, list)) and len(answer) == 2, expected=_("a pair (since, until)"),
           got=answer, hint=_("return since, until"))
    since, until = _in(answer[0], "since"), _in(answer[1], "until")
    earliest, latest = min(lost, key=created.get), max(lost, key=created.get)
    first, last = created[earliest], created[latest]
    i, j = order.index(earliest), order.index(latest)
    prev = created[order[i - 1]] if i > 0 else float("-inf")
    after = created[order[j + 1]] if j + 1 < len(order) else float("inf")
    shown = _("for {n} lost event(s) created {first} to {last}{given}", count=len(lost), n=len(lost),
              first=_at(first), last=_at(last), given=given)
    expect(since <= first, expected=_("since at or before the first lost event {shown}", shown=shown),
           got=_("since = {time}", time=_at(since)),
           hint=_("the first lost event must be inside: since = its created_at minus a second of margin"))
    expect(until > last, expected=_("until after the last lost event {shown} (until is excluded)", shown=shown),
           got=_("until = {time}", time=_at(until)),
           hint=_("until is excluded, and times are rounded: until = the last created_at plus a second"))
    expect(since > prev, expected=_("no event before the first lost one in the window {shown}", shown=shown),
           got=_("the window starts before the event just before it"),
           hint=_("start from the earliest lost event, not from the first event or the first failure"))
    expect(until <= after, expected=_("no event after the last lost one in the window {shown}", shown=shown),
           got=_("the window ends after the event just after it"),
           hint=_("end just after the latest lost event (its created_at, not a later attempt's time, not now)"))


@exercise("10.2", points=2, title="A recovery window")
def _window(recover_window, stack):
    stack = _ready(stack)
    incident = _incident(stack, ["lost", "refused", "answered", "lost"])
    try:
        created = _created(stack)
        window = sorted({*incident["lost"], *incident["answered"], *incident["refused"]}, key=created.get)
        mine = [incident["replayed"], incident["before"], *window, *incident["late"], incident["after"]]
        rng = random.Random(10)
        cases = [incident["lost"] + incident["refused"], [incident["before"]], [*incident["lost"], incident["after"]],
                 [incident["after"]], incident["late"]]
        cases += [rng.sample(mine, rng.randint(1, 4)) for _case in range(4)]
        table = stack.events()
        for lost in cases:
            _judge_window(recover_window, table, sorted(lost, key=created.get), created)
    finally:
        _heal(stack, incident)
    return _("every lost event inside, nothing fired before or after them")


def _judge_recovery(recover_exactly: Any, stack: Any, incident: dict, since: pd.Timestamp, until: pd.Timestamp,
                    want: set[str], inside: set[str], missing_hint: str | None = None) -> None:
    """Fail unless recover_exactly(stack, since, until) replays exactly ``want``, once, and waits for them.

    ``inside`` holds the events created in [since, until), for the message about the others; ``missing_hint``
    is the hint when some of ``want`` were not replayed (by default: replay each of them).
    """
    marks = len(stack.deliveries()), len(stack.receiver.rejections())
    got = recover_exactly(stack, since, until)
    status = stack.dispatcher.deliveries().set_index("event_id")["status"]
    pending = [i for i in want if status.get(i) in ("pending", "retrying")]
    stack.wait(IDLE_S)
    sent = set(stack.deliveries().iloc[marks[0]:]["event_id"])
    extra, missing = sent - want, want - sent
    outside = extra - inside
    resent = len(extra & set(incident["answered"]))
    expect(not resent, expected=_("no event the integration had received sent again"),
           got=_("{n} sent twice", count=resent, n=resent),
           hint=_("their answers were lost, but they arrived: leave out the ids in stack.receiver.inbox()['id']"))
    expect(not outside, expected=_("nothing outside [{since:%H:%M:%S}, {until:%H:%M:%S}) replayed", since=since,
                                   until=until),
           got=_("{n} event(s) from outside the window replayed", count=len(outside), n=len(outside)),
           hint=_("keep only the lost events with since <= created_at < until (see stack.events())"))
    expect(not extra, expected=_("only lost events replayed"),
           got=_("{n} other event(s) sent again", count=len(extra), n=len(extra)),
           hint=_("replay only the events that lost_events(...) returns"))
    expect(not missing, expected=_("all {n} lost events of the window replayed", n=len(want)),
           got=_("{n} not sent again", count=len(missing), n=len(missing)),
           hint=missing_hint or _("replay each of them with stack.replay"))
    expect(not pending, expected=_("the replays delivered when recover_exactly returns"),
           got=_("{n} still pending", count=len(pending), n=len(pending)),
           hint=_("after the replays, wait until the stack is idle (stack.wait)"))
    ids = _ids(got, _("the return value"))
    expect(ids == sorted(want), expected=_("the sorted list of the ids you replayed"), got=show(ids),
           hint=_("return sorted(ids)"))
    inbox = stack.receiver.inbox().set_index("id")["status"]
    expect(all(inbox.get(i) == "processed" for i in want), expected=_("every replayed event processed"),
           got=show({i: inbox.get(i) for i in want}),
           hint=_("after the replays, wait until the stack is idle (stack.wait)"))
    twice = stack.receiver.rejections().iloc[marks[1]:].query("outcome == 'duplicate'")
    expect(twice.empty, expected=_("nothing arriving twice at the integration"),
           got=_("{n} duplicate(s)", count=len(twice), n=len(twice)), hint=_("replay each lost event once"))


@exercise("10.3", points=3, title="Recover exactly what was lost")
def _recover(recover_exactly, stack):
    stack = _ready(stack)
    incident = _incident(stack, ["answered", "lost", "answered", "refused", "lost", "answered", "lost"])
    try:
        created = _created(stack)
        inside = {i for i in _fired(incident) if incident["since"] <= created[i] < incident["until"]}
        _judge_recovery(recover_exactly, stack, incident, _timestamp(incident["since"]), _timestamp(incident["until"]),
                        set(incident["lost"]) | set(incident["refused"]), inside)
    finally:
        _heal(stack, incident)
    return _("the CRM has every lost event, and nothing was sent twice")
