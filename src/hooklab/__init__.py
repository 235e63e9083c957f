"""hooklab: webhooks for MarTech, with a real stack in your notebook.

>>> import hooklab
>>> with hooklab.start(seed=7, clock="virtual") as stack:
...     event_id = stack.fire("newsletter.subscribed", email="ana@example.com", name="Ana")
...     ana = stack.wait().crm.contact("ana@example.com")
>>> ana["name"], ana["subscribed"], ana["lifecycle_stage"]
('Ana', True, 'subscriber')

The face is small: :func:`start`, :class:`Stack` and the errors; labs also use
``hooklab.checks`` and lessons' "Your turn" cells ``hooklab.practice``, loaded on first use. Everything else
(``hooklab.signing``, ``hooklab.catalog``, ``hooklab.monitor``...) is reachable
but not required.
"""

from .errors import ConfigError, EventValidationError, HooklabError, ServiceError, SignatureError, StackError
from .stack import Stack, start

__all__ = ["start", "Stack", "HooklabError", "SignatureError", "EventValidationError", "ConfigError",
           "StackError", "ServiceError"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # Labs call hooklab.checks.check(...); the course tooling stands apart from the stack,
    # so it is imported on first use, not by `import hooklab` (PEP 562).
    if name in ("checks", "practice"):
        import importlib

        module = importlib.import_module(f".course.{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'hooklab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), "checks", "practice"])
