"""Hidden checks of lab 10: the grader's own incidents (instructor-only, not in the student release).

Like the visible checks, each runs an incident of its own on the learner's stack (other faults,
other edges), then puts back whatever it lost (``_heal``).
"""

from __future__ import annotations

import pandas as pd

from ..checks import expect, hidden
from ..lab10 import (_compare_lost, _created, _fired, _heal, _ids, _incident, _judge_recovery, _judge_window,
                     _ready)
from ..messages import _


def _reference(attempts: pd.DataFrame, inbox: pd.DataFrame) -> list[str]:
    """The lost events: the last attempt ended dead or failed, and the integration never received them."""
    last = attempts.groupby("event_id")["outcome"].last()
    return sorted(set(last[last.isin(["dead", "failed"])].index) - set(inbox["id"]))


@hidden("10.1")
def _lost(lost_events, stack):
    stack = _ready(stack)
    seen: dict[str, tuple] = {}
    backlog = _("while the integration's handlers were paused (events received, not yet processed)")

    def ask(moment: str) -> None:
        attempts, inbox = stack.deliveries(), stack.receiver.inbox()  # all of them: the lab's incident too
        want = _reference(attempts, inbox)
        try:
            seen[moment] = (want, lost_events(attempts.copy(), inbox.copy()))
        except Exception as e:  # raised after the incident is over and healed
            seen[moment] = (want, e)

    def mid(incident: dict) -> None:
        ask(backlog)
        stack.receiver.resume()

    try:
        incident = _incident(stack, ["answered", "refused", "answered", "lost", "refused"], mid=mid,
                             opening=lambda _: stack.receiver.pause())
    finally:
        stack.receiver.resume()  # already, unless the incident broke off
    try:
        ask(_("after another incident"))
        for moment, (want, got) in seen.items():
            if moment == backlog and not isinstance(got, Exception):
                waiting = set(_ids(got, f"lost_events {moment}")) & set(incident["answered"])
                expect(not waiting,
                       expected=_("no event the integration has received among the lost ones, {moment}", moment=moment),
                       got=_("{n} received event(s) listed as lost", count=len(waiting), n=len(waiting)),
                       hint=_("received is not the same as processed: an event is in the inbox (whatever its status) "
                              "as soon as the integration has it; drop every id in inbox['id']"))
            _compare_lost(got, want, moment, incident, _("every delivery of the stack, the lab's own included"))
    finally:
        _heal(stack, incident)


@hidden("10.2")
def _window(recover_window, stack):
    stack = _ready(stack)
    incident = _incident(stack, ["refused", "lost", "lost", "answered", "refused"])
    try:
        created = _created(stack)
        table = stack.events().sample(frac=1, random_state=102)  # rows in no particular order
        window = [*incident["lost"], *incident["refused"]]
        newest_first = sorted(window, key=created.get, reverse=True)
        cases = [(newest_first, _("newest first")), (sorted(window), _("sorted by id, as lost_events returns them")),
                 ([incident["after"], incident["before"]], _("the last one first"))]
        for lost, given in cases:
            _judge_window(recover_window, table, lost, created,
                          given=_(", the ids given {given} and the rows of events shuffled", given=given))
    finally:
        _heal(stack, incident)


@hidden("10.3")
def _recover(recover_exactly, stack):
    stack = _ready(stack)
    incident = _incident(stack, ["lost", "answered", "lost", "refused", "lost", "lost"])
    try:
        # The window's edges fall exactly on two lost events, as the learner sees their times (to the ms):
        # the first is inside (since is included), the last is not (until is excluded).
        created = stack.events().set_index("id")["created_at"]
        lost = sorted([*incident["lost"], *incident["refused"]], key=created.get)
        since, until = created[lost[1]], created[lost[-1]]
        inside = {i for i in _fired(incident) if since <= created[i] < until}
        _judge_recovery(recover_exactly, stack, incident, since, until, set(lost) & inside, inside,
                        missing_hint=_("since is included: an event created exactly at since is in the window "
                                       "(created_at >= since)"))
    finally:
        _heal(stack, incident)
