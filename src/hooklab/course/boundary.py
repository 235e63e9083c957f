"""The line between a learner's kernel and the grader: calls cross it as JSON, never as live objects.

The grader decides the points in its own process, which never runs a learner's code; the
learner's functions run in their kernel. A check written as usual::

    got = lead_to_member(data)          # lead_to_member: a Remote, the learner's function
    expect(got == want, ...)

sends ``{"op": "call", "name": "lead_to_member", "args": [...]}`` to the kernel, which runs the
function there and answers with its value, encoded below. What comes back is rebuilt from JSON
as plain data (dict, list, tuple, str, numbers, bytes, a pandas frame), so a learner's object
whose ``__eq__`` always says yes, or a patched helper in the kernel, changes nothing here: the
comparison runs on the grader's own values. Anything that is not data (a function the learner
returns, a Flask app) stays in the kernel and is seen here as a :class:`Remote` handle, whose
methods are called across the line the same way.

The other direction works alike: a check may hand the learner's function a callback, a queue
or the grader's own stack; the kernel gets a proxy, and each use of it is an HTTP call back to
the grader (:class:`Boundary` serves them on 127.0.0.1, behind a per-run token). Only public
methods of a few kinds of objects can be reached that way (``_shareable``): hooklab's own (not
its stores, not the course's checks), queues, random generators, Flask test clients and their
responses. A dict or list argument the learner's function changes in place is copied back; a
read-only view (``types.MappingProxyType``) of the grader's is read live instead.

Two transports, both kept libraries: the grader calls the kernel by executing one line in it
over the Jupyter protocol (``jupyter_client``), so a call can be interrupted like a cell; the
kernel calls back with ``requests`` to a Flask app served by waitress.
"""

from __future__ import annotations

import base64
import builtins
import datetime as dt
import importlib
import json
import math
import secrets
import threading
import time
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

from ..errors import HooklabError

__all__ = ["encode", "decode", "Boundary", "Remote", "RemoteError", "is_remote", "crossing_seconds", "MIME"]

MIME = "application/vnd.hooklab.reply+json"
MAX_REPLY = 16 * 2**20   # bytes of one answer the grader reads
_BUILTIN_ERRORS = {name: cls for name, cls in vars(builtins).items()
                   if isinstance(cls, type) and issubclass(cls, Exception) and not issubclass(cls, Warning)}


#: Modules whose exceptions a learner's code catches by class (``except queue.Empty``), rebuilt as themselves.
_LIBRARY_ERRORS = ("_queue", "queue", "requests.exceptions", "jsonschema.exceptions")


def _library_error(module: str, name: str) -> type | None:
    if module == "builtins":
        return _BUILTIN_ERRORS.get(name)
    if module not in _LIBRARY_ERRORS:
        return None
    cls = getattr(importlib.import_module(module), name, None)
    try:  # only classes made from one message; others arrive as RemoteError
        return cls if isinstance(cls, type) and issubclass(cls, Exception) and cls("probe") is not None else None
    except TypeError:
        return None


class RemoteError(HooklabError, RuntimeError):
    """A call across the line failed, and the failure is not one of Python's own exception types."""


def _type_name(obj: Any) -> str:
    t = type(obj)
    return t.__qualname__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


# -- values ------------------------------------------------------------------------------------

def encode(value: Any, export: Callable[[Any], dict]) -> Any:
    """``value`` as JSON-able data; what is not data becomes ``export(value)``, a reference."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else {"$": "float", "v": repr(float(value))}
    if isinstance(value, list):
        return [encode(v, export) for v in value]
    if isinstance(value, tuple):
        return {"$": "tuple", "v": [encode(v, export) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {"$": "set", "v": [encode(v, export) for v in value]}
    if isinstance(value, dict):
        return {"$": "dict", "v": [[encode(k, export), encode(v, export)] for k, v in value.items()]}
    if isinstance(value, (bytes, bytearray)):
        return {"$": "bytes", "v": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dt.datetime):
        kind = "timestamp" if type(value).__module__.startswith("pandas") else "datetime"
        return {"$": kind, "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$": "date", "v": value.isoformat()}
    module = type(value).__module__
    if module.startswith("numpy") and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return encode(value.item(), export)
    if module.startswith("pandas"):
        import pandas as pd

        if isinstance(value, pd.DataFrame):
            return {"$": "frame", "v": value.to_json(orient="split", date_format="iso"),
                    "dtypes": {str(c): str(t) for c, t in value.dtypes.items()}}
        if isinstance(value, pd.Series):
            return {"$": "series", "v": value.to_json(orient="split", date_format="iso"), "dtype": str(value.dtype)}
    return export(value)


def _frame(data: dict) -> Any:
    import io

    import pandas as pd

    df = pd.read_json(io.StringIO(data["v"]), orient="split", convert_dates=False, dtype=False)
    for column, dtype in data.get("dtypes", {}).items():
        if column in df.columns and str(df[column].dtype) != dtype:
            try:
                df[column] = df[column].astype(dtype)
            except (TypeError, ValueError):
                pass  # the closest pandas can rebuild from JSON
    return df


def decode(data: Any, resolve: Callable[[dict], Any]) -> Any:
    """Plain Python data from :func:`encode`'s output; ``resolve`` turns a reference into an object."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v, resolve) for v in data]
    if not isinstance(data, dict):
        raise ValueError(f"not an encoded value: {type(data).__name__}")
    kind, v = data.get("$"), data.get("v")
    if kind == "tuple":
        return tuple(decode(x, resolve) for x in v)
    if kind == "set":
        return {decode(x, resolve) for x in v}
    if kind == "dict":
        return {decode(k, resolve): decode(x, resolve) for k, x in v}
    if kind == "float":
        return float(v)
    if kind == "bytes":
        return base64.b64decode(v)
    if kind == "datetime":
        return dt.datetime.fromisoformat(v)
    if kind == "date":
        return dt.date.fromisoformat(v)
    if kind == "timestamp":
        import pandas as pd

        return pd.Timestamp(v)
    if kind == "frame":
        return _frame(data)
    if kind == "series":
        import io

        import pandas as pd

        return pd.read_json(io.StringIO(v), orient="split", typ="series", convert_dates=False, dtype=False)
    if kind in ("ref", "tref"):
        return resolve(data)
    raise ValueError(f"unknown encoded kind {kind!r}")


def describe(e: BaseException) -> dict:
    """An exception as data: its type, message and where in the learner's code it was raised."""
    from .checks import _learner_frame

    frame = _learner_frame(e.__traceback__)
    where = None
    if frame is not None:
        where = f"line {frame.lineno}" + (f" of {frame.name}" if frame.name != "<module>" else "")
        where += f": `{frame.line}`" if frame.line else ""
    plain = (str, int, float, bool, type(None))
    fields = {k: v for k, v in vars(e).items() if isinstance(v, plain)}
    args = [a[:4000] if isinstance(a, str) else a for a in e.args] if all(isinstance(a, plain) for a in e.args) \
        else None
    return {"type": type(e).__name__, "module": type(e).__module__, "message": str(e)[:4000], "where": where,
            "fields": fields, "args": args}


def rebuild(error: dict) -> Exception:
    """The exception :func:`describe` described: Python's own type when it is one, else :class:`RemoteError`."""
    from .. import errors

    name, message = str(error.get("type", "Error")), str(error.get("message", ""))
    ours = getattr(errors, name, None) if str(error.get("module", "")).startswith("hooklab.") else None
    if isinstance(ours, type) and issubclass(ours, errors.HooklabError):
        e: Exception = ours.__new__(ours)  # hooklab's own error, with its fields (status, service...)
        Exception.__init__(e, message)
        e.__dict__.update({k: v for k, v in (error.get("fields") or {}).items() if not str(k).startswith("__")})
    elif (cls := _library_error(str(error.get("module", "")), name)) is not None:
        args = error.get("args")
        try:  # KeyError('email') again, not KeyError("'email'")
            e = cls(*args) if isinstance(args, list) and len(args) <= 3 else cls(message)
        except TypeError:
            e = cls(message)
    else:
        e = RemoteError(f"{name}: {message}")
    e.hooklab_where = error.get("where")  # type: ignore[attr-defined]
    return e


# -- the learner's side: the kernel ---------------------------------------------------------------

class _Grader:
    """In the kernel: an object of the grader's, used through HTTP calls back to it."""

    __slots__ = ("_agent", "_ref")

    def __init__(self, agent: Agent, ref: dict) -> None:
        object.__setattr__(self, "_agent", agent)
        object.__setattr__(self, "_ref", ref)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._agent.back("getattr", self._ref["id"], name=name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._agent.back("call", self._ref["id"], args=list(args), kwargs=kwargs)

    def __getitem__(self, key: Any) -> Any:
        return self._agent.back("getitem", self._ref["id"], key=key)

    def __len__(self) -> int:
        return int(self._agent.back("len", self._ref["id"]))

    def __repr__(self) -> str:
        return f"<the grader's {self._ref.get('type', 'object')}>"


class _GraderMapping(_Grader):
    """In the kernel: a read-only mapping of the grader's (lab 09's ``crm``), read live at each use."""

    __slots__ = ()

    def _now(self) -> dict:
        return self._agent.back("snapshot", self._ref["id"])

    def __eq__(self, other: object) -> bool:
        return self._now() == other

    __hash__ = None  # type: ignore[assignment]

    def __iter__(self) -> Any:
        return iter(self._now())

    def __contains__(self, key: object) -> bool:
        return key in self._now()

    def get(self, key: Any, default: Any = None) -> Any:
        return self._now().get(key, default)

    def keys(self) -> Any:
        return self._now().keys()

    def items(self) -> Any:
        return self._now().items()

    def values(self) -> Any:
        return self._now().values()


class Agent:
    """In the kernel: runs the grader's calls on the learner's objects, and calls the grader back."""

    def __init__(self, url: str, token: str) -> None:
        import requests

        self.url, self.token = url, token
        self.objects: dict[str, Any] = {}
        self.http = requests.Session()
        self.http.trust_env = False  # 127.0.0.1 only, never through a proxy

    def export(self, obj: Any) -> dict:
        if isinstance(obj, _Grader):
            return {"$": "tref", **obj._ref}
        token = secrets.token_hex(8)
        self.objects[token] = obj
        return {"$": "ref", "id": token, "type": _type_name(obj), "callable": callable(obj)}

    def resolve(self, ref: dict) -> Any:
        if ref.get("$") == "ref":
            return self.objects[ref["id"]]
        return (_GraderMapping if ref.get("mapping") else _Grader)(self, ref)

    def back(self, op: str, ref: str, **fields: Any) -> Any:
        """Call the grader: ``op`` on its object ``ref``."""
        body = {"op": op, "id": ref, **{k: encode(v, self.export) for k, v in fields.items()}}
        r = self.http.post(f"{self.url}/call", json=body, headers={"Authorization": f"Bearer {self.token}"},
                           timeout=600)
        reply = r.json()
        if "error" in reply:
            raise rebuild(reply["error"])
        return decode(reply["ok"], self.resolve)

    def target(self, request: dict) -> Any:
        if request["op"] == "ping":
            return None
        if "ref" in request:
            return self.objects[request["ref"]]
        from IPython import get_ipython

        namespace = get_ipython().user_ns
        if request["name"] not in namespace:
            raise NameError(f"name {request['name']!r} is not defined: run the cell that defines it")
        return namespace[request["name"]]

    def handle(self, text: str) -> None:
        """Run one request of the grader's; publish the answer as display data."""
        from IPython.display import publish_display_data

        try:
            request = json.loads(text)
            target = self.target(request)
            changed = {}
            if request["op"] == "ping":  # the grader timing one round trip each way (lab 12)
                value = self.back("ping", "")
            elif request["op"] == "getattr":
                value = getattr(target, request["attr"])
            elif request["op"] == "signature":
                import inspect

                value = [[p.name, p.kind.name, p.default is p.empty] for p in inspect.signature(target).parameters.values()]
            else:
                args = decode(request.get("args", []), self.resolve)
                kwargs = decode(request.get("kwargs", {"$": "dict", "v": []}), self.resolve)
                value = target(*args, **kwargs)
                # copy-restore: a dict or list the function changed in place goes back with the answer
                changed = {str(i): encode(a, self.export) for i, a in enumerate(args) if isinstance(a, (dict, list))}
            reply = {"ok": encode(value, self.export), "args": changed}
        except BaseException as e:  # noqa: BLE001 — the learner's error, whatever it is, goes back as data
            reply = {"error": describe(e)}
        publish_display_data({MIME: reply})


agent: Agent | None = None


def install(url: str, token: str) -> None:
    """In the kernel: make the agent the grader talks to."""
    global agent
    agent = Agent(url, token)


# -- the grader's side ------------------------------------------------------------------------------

def _shareable(obj: Any) -> bool:
    """May the kernel reach this object of the grader's (by attribute, item or return value)?"""
    import queue
    import random

    t = type(obj)
    module = t.__module__ or ""
    if isinstance(obj, (queue.Queue, random.Random, MappingProxyType)):
        return True
    if module.startswith("hooklab.") and not module.startswith(("hooklab.store", "hooklab.course")):
        return True
    if callable(obj) and str(getattr(obj, "__module__", "") or "").startswith("hooklab.") \
            and not str(obj.__module__).startswith(("hooklab.store", "hooklab.course")):
        return True  # a function hooklab hands out, such as receiver.on(kind)'s decorator
    from flask.testing import FlaskClient
    from werkzeug.datastructures import Headers, MultiDict
    from werkzeug.wrappers import Response

    return isinstance(obj, (FlaskClient, Response, Headers, MultiDict))


def crossing_seconds(obj: Any) -> float:
    """How long one empty crossing into the kernel of the learner's object ``obj`` and back takes (0 if local)."""
    return obj._boundary.ping() if isinstance(obj, Remote) else 0.0


def is_remote(obj: Any, type_name: str | None = None) -> bool:
    """Is ``obj`` a learner's object seen from the grader (of class ``type_name``, if given)?"""
    return isinstance(obj, Remote) and (type_name is None or obj._ref.get("type") == type_name)


class Remote:
    """On the grader's side: a learner's object, used only by calls across the line."""

    __slots__ = ("_boundary", "_ref")

    def __init__(self, boundary: Boundary, ref: dict) -> None:
        object.__setattr__(self, "_boundary", boundary)
        object.__setattr__(self, "_ref", ref)

    def _target(self) -> dict:
        return {"ref": self._ref["id"]} if "id" in self._ref else {"name": self._ref["name"]}

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._boundary.call({"op": "call", **self._target(), "args": list(args), "kwargs": kwargs})

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._boundary.call({"op": "getattr", **self._target(), "attr": name})

    @property
    def __signature__(self) -> Any:
        """The learner's function's parameters (``inspect.signature`` works on a Remote)."""
        import inspect

        params = self._boundary.call({"op": "signature", **self._target()})
        return inspect.Signature([inspect.Parameter(name, getattr(inspect.Parameter, kind),
                                                    **({} if required else {"default": None}))
                                  for name, kind, required in params])

    def __repr__(self) -> str:
        what = self._ref.get("type") or self._ref.get("name", "object")
        return f"<{what} in the learner's kernel>"


def _restore(mine: Any, theirs: Any) -> None:
    """Put what the learner's function left in a dict or list argument back into the grader's own."""
    if isinstance(mine, dict) and isinstance(theirs, dict):
        mine.clear()
        mine.update(theirs)
    elif isinstance(mine, list) and isinstance(theirs, list):
        mine[:] = theirs


class Boundary:
    """The grader's end of the line to one kernel.

    ``execute(code, timeout)`` runs code in the kernel and returns the display data published
    with :data:`MIME` (the caller owns the kernel and its timeouts). The grader's callbacks are
    served on 127.0.0.1 while the boundary is open.
    """

    def __init__(self, execute: Callable[[str, float], list[dict]], timeout: float) -> None:
        from ..services.serving import ServiceServer

        self._execute, self.timeout = execute, timeout
        self.token = secrets.token_urlsafe(24)
        self._exports: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._server = ServiceServer("grader", self._app())
        self.installed = False

    # the kernel calls the grader
    def _app(self) -> Any:
        from flask import Flask, jsonify, request

        app = Flask("hooklab-grader")

        @app.post("/call")
        def call() -> Any:
            if request.headers.get("Authorization") != f"Bearer {self.token}":
                return jsonify(error={"type": "PermissionError", "message": "not this run's token"}), 403
            try:
                body = request.get_json(force=True)
                op = body["op"]
                if op == "ping":
                    return jsonify(ok=None)
                obj = self._exports[body["id"]]
                if op == "getattr":
                    name = str(body["name"])
                    if name.startswith("_") or not _shareable(obj):
                        raise AttributeError(f"the grader's {_type_name(obj)} has no attribute {name!r} you may use")
                    value = getattr(obj, name)
                elif op == "call":
                    args = decode(body.get("args", []), self._resolve)
                    kwargs = decode(body.get("kwargs", {"$": "dict", "v": []}), self._resolve)
                    value = obj(*args, **kwargs)
                elif op in ("getitem", "len") and _shareable(obj):
                    value = obj[decode(body.get("key"), self._resolve)] if op == "getitem" else len(obj)
                elif op == "snapshot" and isinstance(obj, MappingProxyType):
                    value = dict(obj)
                else:
                    raise TypeError(f"the grader's {_type_name(obj)} does not support {op}")
                return jsonify(ok=encode(value, self._export_shareable))
            except Exception as e:  # noqa: BLE001 — the error goes back to the learner's code as data
                return jsonify(error={**describe(e), "where": None})

        return app

    def _export(self, obj: Any) -> dict:
        if isinstance(obj, Remote):
            return {"$": "ref", **obj._ref}
        token = secrets.token_hex(8)
        self._exports[token] = obj
        return {"$": "tref", "id": token, "type": _type_name(obj), "callable": callable(obj),
                "mapping": isinstance(obj, MappingProxyType)}

    def _export_shareable(self, obj: Any) -> dict:
        """What the grader's object hands out: a method of a shareable object, or a shareable object."""
        owner = getattr(obj, "__self__", None)
        if isinstance(obj, Remote) or _shareable(obj) or (callable(obj) and owner is not None and _shareable(owner)):
            return self._export(obj)
        raise TypeError(f"the grader does not hand out {_type_name(obj)} objects")

    def _resolve(self, ref: dict) -> Any:
        if ref.get("$") == "tref":
            return self._exports[ref["id"]]
        return Remote(self, ref)

    # the grader calls the kernel
    def name(self, name: str) -> Remote:
        """The learner's global ``name``, as a :class:`Remote` (looked up at each call)."""
        return Remote(self, {"name": name, "type": None})

    def install(self) -> None:
        if not self.installed:
            self.installed = True
            code = (f"__import__('hooklab.course.boundary', fromlist=['install'])"
                    f".install({self._server.url!r}, {self.token!r})")
            self._execute(code, self.timeout)

    def call(self, request: dict) -> Any:
        """Run one request in the kernel; its value, or the learner's exception raised here."""
        self.install()
        original = list(request.get("args", []))
        for key in ("args", "kwargs"):
            if key in request:
                request[key] = encode(request[key], self._export)
        code = (f"__import__('hooklab.course.boundary', fromlist=['agent']).agent.handle("
                f"{json.dumps(json.dumps(request))})")
        if not self._lock.acquire(timeout=self.timeout):
            raise RemoteError("the learner's kernel stayed busy with another call")
        try:
            replies = self._execute(code, self.timeout)
        finally:
            self._lock.release()
        if not replies:
            raise RemoteError("the learner's kernel gave no answer (was hooklab.course.boundary changed?)")
        reply = replies[-1]
        try:
            if not isinstance(reply, dict):
                raise ValueError("not a reply")
            if "error" in reply:
                error = rebuild(reply["error"])
            else:
                value = decode(reply["ok"], self._resolve)
                for index, new in (reply.get("args") or {}).items():
                    _restore(original[int(index)], decode(new, self._resolve))
                return value
        except (ValueError, KeyError, TypeError, RecursionError) as e:
            raise RemoteError(f"the grader could not read what your code returned ({type(e).__name__})") from None
        raise error

    def ping(self) -> float:
        """Seconds one round trip takes: a call into the kernel that calls the grader back once."""
        start = time.perf_counter()
        self.call({"op": "ping"})
        return time.perf_counter() - start

    def close(self) -> None:
        self._server.stop()
        self._exports.clear()
