"""Every error hooklab raises, rooted in one base class.

    HooklabError
     ├── SignatureError        (ValueError)    a request is not authentic
     ├── EventValidationError  (ValueError)    an event does not match the catalog
     ├── ConfigError           (ValueError)    a value a learner passed is wrong
     ├── StackError            (RuntimeError)  the stack cannot do what was asked
     │    └── ChaosChanged                     lab 14's chaos plan changed mid-run (course.lab14)
     ├── ServiceError                          a service answered with an error, or was not reached
     ├── ApiError                              inside a service: a request it refuses (a 4xx JSON answer)
     ├── UnknownQuestion       (KeyError)      the quiz has no such question
     ├── LabError              (ValueError)    a solutions notebook's markers are malformed
     ├── CheckFailed           (AssertionError) a lab check's verdict (course.checks)
     └── UnknownExercise       (KeyError)      no such exercise (course.checks)

Catch ``HooklabError`` for "anything from hooklab", or one precise case. Each
subclass also inherits the built-in it resembles, so ``except ValueError``
keeps working in code that does not know hooklab. The classes of the course
tooling that are not here live with it, so ``import hooklab`` does not load it.
"""

from __future__ import annotations

__all__ = ["HooklabError", "SignatureError", "EventValidationError", "ConfigError", "StackError",
           "ServiceError", "ApiError", "UnknownQuestion", "LabError"]


class HooklabError(Exception):
    """Base class of every hooklab error."""


class SignatureError(HooklabError, ValueError):
    """A webhook request failed verification; the message names the failed check."""


class EventValidationError(HooklabError, ValueError):
    """An event's type or data does not match the event catalog.

    ``errors`` lists each problem as ``"path: message"``.
    """

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class ConfigError(HooklabError, ValueError):
    """A value a learner passed (a setting, an option, a fault, an answer's form) is invalid."""


class StackError(HooklabError, RuntimeError):
    """The stack cannot do what was asked (stopped, port taken, timed out...)."""


class ServiceError(HooklabError):
    """A service answered with an error (or could not be reached).

    ``status`` is the HTTP status, or ``None`` when no answer came back.
    """

    def __init__(self, service: str, status: int | None, message: str) -> None:
        super().__init__(f"{service}: {message}" + (f" (HTTP {status})" if status else ""))
        self.service = service
        self.status = status


class ApiError(HooklabError):
    """An error a client caused; becomes ``{"error": ..., "hint": ...}`` with ``status``.

    Raised inside a service's routes; the client sees the answer as a :class:`ServiceError`.
    """

    def __init__(self, status: int, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.hint = hint


class UnknownQuestion(HooklabError, KeyError):
    """The quiz has no question by that id; the message lists the ones it has."""


class LabError(HooklabError, ValueError):
    """A solution notebook's markers or metadata are malformed; the message names notebook and cell."""
