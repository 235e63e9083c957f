"""When to retry a webhook, and how long to wait.

The default schedule follows Standard Webhooks / Svix: try at once, then after
5 seconds, 5 minutes, 30 minutes, 2 hours, 5 hours, 10 hours and 10 hours
(about 28 hours in all), each delay spread by jitter so that endpoints that
failed together are not all retried in the same second.
"""

from __future__ import annotations

import random
from email.utils import parsedate_to_datetime

__all__ = ["DEFAULT_SCHEDULE", "RETRYABLE_STATUSES", "classify", "next_delay",
           "parse_retry_after", "backoff"]

#: Delay (seconds) before attempt 1, 2, 3, ...: attempt 1 goes out at once.
DEFAULT_SCHEDULE: tuple[float, ...] = (0, 5, 300, 1800, 7200, 18000, 36000, 36000)

#: 4xx statuses that mean "try again later", not "your request is wrong".
RETRYABLE_STATUSES = frozenset({408, 409, 429})


def classify(status: int | None) -> str:
    """What an attempt's outcome means for the delivery.

    ``"delivered"`` (2xx), ``"retry"`` (no answer: timeout or connection error;
    5xx; 408, 409, 429), ``"disable"`` (410 Gone: the endpoint asked us to stop),
    or ``"fail"`` (any other status: retrying the same request cannot help).

    >>> [classify(s) for s in (200, 503, 429, 410, 400, None)]
    ['delivered', 'retry', 'retry', 'disable', 'fail', 'retry']
    """
    if status is None or status >= 500 or status in RETRYABLE_STATUSES:
        return "retry"
    if 200 <= status < 300:
        return "delivered"
    if status == 410:
        return "disable"
    return "fail"


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def next_delay(schedule: tuple[float, ...], attempts_made: int, rng: random.Random,
               jitter: float = 0.2, retry_after: float | None = None) -> float | None:
    """Seconds until the next attempt, or ``None`` when the schedule is used up.

    The scheduled delay is spread by ``±jitter`` (a fraction), and never shorter
    than what the endpoint asked for in ``Retry-After`` (capped at a day).
    """
    if attempts_made >= len(schedule):
        return None
    delay = schedule[attempts_made] * (1 + rng.uniform(-jitter, jitter))
    if retry_after is not None:
        delay = max(delay, min(retry_after, 86400.0))
    return round(delay, 3)


def backoff(attempt: int, base: float = 1.0, factor: float = 2.0, cap: float = 3600.0,
            jitter: str = "full", rng: random.Random | None = None) -> float:
    """Exponential backoff for attempt ``attempt`` (1, 2, ...), as in AWS's classic note.

    ``jitter="none"``: ``min(cap, base * factor**(attempt-1))``; ``"full"``: a
    uniform draw between 0 and that; ``"equal"``: half of it plus a draw over
    the other half.

    >>> backoff(4, jitter="none")
    8.0
    """
    if attempt < 1:
        raise ValueError(f"attempt counts from 1, not {attempt}")
    ceiling = min(cap, base * factor ** (attempt - 1))
    rng = rng or random.Random()
    if jitter == "none":
        return float(ceiling)
    if jitter == "full":
        return rng.uniform(0, ceiling)
    if jitter == "equal":
        return ceiling / 2 + rng.uniform(0, ceiling / 2)
    raise ValueError(f"jitter must be 'none', 'full' or 'equal', not {jitter!r}")
