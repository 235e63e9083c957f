"""The course tooling: checks that teach (``checks``), labs generated from solutions (``labs``),
grading for instructors (``grading``). Stands apart from the stack; imports nothing heavy."""

from . import checks

__all__ = ["checks"]
