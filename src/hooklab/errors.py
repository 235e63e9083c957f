"""Every error hooklab raises, rooted in one base class.

    HooklabError
     ├── SignatureError        (ValueError)    a request is not authentic
     ├── EventValidationError  (ValueError)    an event does not match the catalog
     ├── ConfigError           (ValueError)    a setting a learner passed is wrong
     └── StackError            (RuntimeError)  the stack cannot do what was asked

Catch ``HooklabError`` for "anything from hooklab", or one precise case. Each
subclass also inherits the built-in it resembles, so ``except ValueError``
keeps working in code that does not know hooklab.
"""

from __future__ import annotations

__all__ = ["HooklabError", "SignatureError", "EventValidationError", "ConfigError", "StackError"]


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
    """A setting (fault, subscription, option) is invalid."""


class StackError(HooklabError, RuntimeError):
    """The stack cannot do what was asked (stopped, port taken, timed out...)."""
