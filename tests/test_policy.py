"""``Dispatcher.use_policy``: a learner's classifier and backoff drive the sender (lab 08)."""

from __future__ import annotations

import math

import pytest

import hooklab
from hooklab.delivery.retry import DEFAULT_SCHEDULE


def failing(stack, status, **more):
    """Every answer of the receiver is ``status``; one event is fired and played out."""
    stack.faults.set("receiver", error_rate=1.0, error_status=status, **more)
    stack.fire("newsletter.subscribed")
    stack.wait()
    return stack.dispatcher.attempt_rows()


def waits(rows):
    """Seconds from the end of each attempt to when the next one was scheduled."""
    return [round(b["scheduled_at"] - a["finished_at"], 3) for a, b in zip(rows, rows[1:])]


def test_a_classifier_of_your_own_decides_what_is_retried(vstack):
    vstack.dispatcher.use_policy(should_retry=lambda status: status != 503)  # upside down
    rows = failing(vstack, 400)
    assert len(rows) == len(DEFAULT_SCHEDULE) and rows[-1]["outcome"] == "dead"  # built-in: 1 attempt, failed
    assert rows[0]["error"] == "HTTP 400"
    vstack.faults.set("receiver", error_status=503)
    vstack.fire("newsletter.subscribed")
    vstack.wait()
    assert [r["outcome"] for r in vstack.dispatcher.attempt_rows()[len(rows):]] == ["failed"]


def test_410_still_turns_the_subscription_off(vstack):
    vstack.dispatcher.use_policy(should_retry=lambda status: True)
    rows = failing(vstack, 410)
    assert [r["outcome"] for r in rows] == ["disabled"]


def test_your_delays_are_the_waits_between_attempts(vstack):
    vstack.dispatcher.use_policy(delay=lambda attempt, rng: 100.0 * attempt)
    rows = failing(vstack, 503)
    assert waits(rows) == [100.0 * n for n in range(1, len(DEFAULT_SCHEDULE))]
    assert rows[-1]["outcome"] == "dead"


def test_the_delay_draws_from_the_senders_seeded_rng():
    def run():
        with hooklab.start(seed=7, clock="virtual") as stack:
            stack.dispatcher.use_policy(delay=lambda attempt, rng: rng.uniform(0, 60 * attempt))
            return waits(failing(stack, 503))

    first, second = run(), run()
    assert first == second and len(set(first)) == len(first)  # repeatable, and drawn (not constant)


def test_max_attempts_bounds_the_retries(vstack):
    vstack.dispatcher.use_policy(delay=lambda attempt, rng: 1.0, max_attempts=3)
    rows = failing(vstack, 503)
    assert [r["outcome"] for r in rows] == ["retrying", "retrying", "dead"]


def test_max_attempts_can_outrun_the_schedule():
    with hooklab.start(seed=7, clock="virtual", schedule=(0, 5)) as stack:
        stack.dispatcher.use_policy(should_retry=lambda status: True, max_attempts=4)
        rows = failing(stack, 503)
        assert len(rows) == 4 and 4 <= waits(rows)[-1] <= 6  # the schedule's last wait, jittered


def test_retry_after_still_wins_over_a_shorter_delay(vstack):
    vstack.dispatcher.use_policy(delay=lambda attempt, rng: 1.0, max_attempts=3)
    rows = failing(vstack, 429, retry_after=900)
    assert waits(rows) == [900.0, 900.0]


def test_a_classifier_that_raises_falls_back_and_says_so(vstack):
    def should_retry(status):
        if status == 400:
            raise ValueError("no rule for 400 yet")
        return True

    vstack.dispatcher.use_policy(should_retry=should_retry)
    rows = failing(vstack, 400)
    assert [r["outcome"] for r in rows] == ["failed"]  # the built-in rule: a 400 is not retried
    assert rows[0]["error"] == ("HTTP 400; your should_retry() raised ValueError: no rule for 400 yet "
                                "(the built-in rule decided)")
    vstack.faults.clear()  # the sender's worker is still alive
    vstack.fire("newsletter.subscribed")
    vstack.wait()
    assert vstack.dispatcher.attempt_rows()[-1]["outcome"] == "delivered"


@pytest.mark.parametrize("nonsense", [-1, math.nan, math.inf, "soon", None, True])
def test_a_nonsense_delay_falls_back_to_the_schedule(vstack, nonsense):
    vstack.dispatcher.use_policy(delay=lambda attempt, rng: 1000.0 if attempt == 1 else nonsense, max_attempts=3)
    rows = failing(vstack, 503)
    gap = waits(rows)
    assert gap[0] == 1000.0 and DEFAULT_SCHEDULE[2] * 0.8 <= gap[1] <= DEFAULT_SCHEDULE[2] * 1.2
    assert rows[1]["error"] == (f"HTTP 503; your delay() returned {nonsense!r}, not a number of seconds, "
                                "0 or more (the schedule's wait was used)")
    assert rows[0]["error"] == "HTTP 503"


def test_a_delay_that_raises_falls_back_and_says_so(vstack):
    vstack.dispatcher.use_policy(delay=lambda attempt, rng: 1.0 / (attempt - 2) + 10, max_attempts=3)
    rows = failing(vstack, 503)
    assert "your delay() raised ZeroDivisionError" in rows[1]["error"] and rows[-1]["outcome"] == "dead"


def test_use_policy_tries_your_functions_at_once(vstack):
    def stub(*args):
        raise NotImplementedError("exercise 08.2")

    with pytest.raises(NotImplementedError):
        vstack.dispatcher.use_policy(should_retry=stub)
    with pytest.raises(NotImplementedError):
        vstack.dispatcher.use_policy(delay=stub)
    with pytest.raises(hooklab.ConfigError, match=r"should_retry\(503\) returned None"):
        vstack.dispatcher.use_policy(should_retry=lambda status: None)
    with pytest.raises(hooklab.ConfigError, match=r"delay\(1, rng\) returned -5"):
        vstack.dispatcher.use_policy(delay=lambda attempt, rng: -5)
    with pytest.raises(hooklab.ConfigError, match="must be a function"):
        vstack.dispatcher.use_policy(should_retry=True)
    with pytest.raises(hooklab.ConfigError, match="max_attempts"):
        vstack.dispatcher.use_policy(max_attempts=0)
    assert failing(vstack, 400)[0]["outcome"] == "failed"  # a refused policy changed nothing


def test_use_policy_with_no_arguments_restores_the_built_in_rules(vstack):
    vstack.dispatcher.use_policy(should_retry=lambda status: True, delay=lambda attempt, rng: 1.0)
    vstack.dispatcher.use_policy()
    rows = failing(vstack, 400)
    assert [r["outcome"] for r in rows] == ["failed"]
    vstack.faults.set("receiver", error_status=503)
    vstack.fire("newsletter.subscribed")
    vstack.wait()
    later = vstack.dispatcher.attempt_rows()[1:]
    assert len(later) == len(DEFAULT_SCHEDULE) and 4 <= waits(later)[0] <= 6  # the schedule's 5 s, not 1 s
