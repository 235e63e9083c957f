"""hooklab: webhooks for MarTech, with a real stack in your notebook.

>>> import hooklab
>>> with hooklab.start(seed=7, clock="virtual") as stack:
...     event_id = stack.fire("newsletter.subscribed", email="ana@example.com", name="Ana")
...     ana = stack.wait().crm.contact("ana@example.com")
>>> ana["name"], ana["subscribed"], ana["lifecycle_stage"]
('Ana', True, 'subscriber')

The face is small: :func:`start`, :class:`Stack` and the errors. Everything else
(``hooklab.signing``, ``hooklab.catalog``, ``hooklab.monitor``...) is reachable
but not required.
"""

from .course import checks
from .errors import ConfigError, EventValidationError, HooklabError, SignatureError, StackError
from .services.base import ServiceError
from .stack import Stack, start

__all__ = ["start", "Stack", "checks", "HooklabError", "SignatureError", "EventValidationError", "ConfigError",
           "StackError", "ServiceError"]
__version__ = "0.1.0"
