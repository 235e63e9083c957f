"""The control panel: fire events, set faults, watch the deliveries, in one ipywidgets widget.

``stack.panel()`` returns a :class:`Panel`. In JupyterLab it shows as buttons, sliders, live
counters and a delivery log that refreshes itself from a background thread; anywhere the
widgets cannot show (a console, a static render, nbval) it shows as a text summary instead.
"""

from __future__ import annotations

import html
import logging
import threading
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from . import catalog
from .i18n import text

if TYPE_CHECKING:
    from .stack import Stack

__all__ = ["Panel"]

log = logging.getLogger("hooklab.widgets")

#: Services whose faults the panel controls.
FAULT_SERVICES = ("receiver", "crm", "email", "notifier")
COUNTERS = ("sent", "delivered", "failed", "retrying", "dead")
LOG_ROWS = 8


class Panel:
    """A live control panel for one stack; :meth:`close` stops its refresh thread."""

    def __init__(self, stack: "Stack", refresh: float = 1.0) -> None:
        self.stack = stack
        self.refresh_s = refresh
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        try:
            import ipywidgets  # noqa: F401
        except ImportError:  # the text summary still works
            self.widget = None
        else:
            self.widget = self._build()
            self.refresh()
            self._thread = threading.Thread(target=self._loop, name="hooklab-panel", daemon=True)
            self._thread.start()

    # -- what it shows ----------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """What the log shows, counted: every attempt sent, how many were delivered and how many failed
        (each refused or unanswered attempt, retries included, so sent = delivered + failed once all
        have answered); then the deliveries waiting for a retry and those given up (dead)."""
        attempts = self.stack.dispatcher.outcome_counts()
        c = self.stack.dispatcher.status_counts()
        return {"sent": sum(attempts.values()), "delivered": attempts.get("delivered", 0),
                "failed": sum(n for outcome, n in attempts.items() if outcome != "delivered"),
                "retrying": c["retrying"] + c["pending"], "dead": c["dead"]}

    def log_rows(self) -> list[dict]:
        """The most recent attempts, newest first, ready to show."""
        rows = []
        for a in reversed(self.stack.dispatcher.attempt_rows(last=LOG_ROWS)):
            sent = datetime.fromtimestamp(a["sent_at"], tz=timezone.utc).strftime("%H:%M:%S.%f")[:-3]
            rows.append({"#": a["attempt_id"], "sent": sent, "type": a["type"], "try": a["attempt"],
                         "status": a["status_code"] if a["status_code"] is not None else (a["error"] or "—"),
                         "ms": round(a["latency_ms"]), "outcome": a["outcome"]})
        return rows

    def _(self, english: str, /, context: str | None = None, **values: Any) -> str:
        """``english`` in the stack's language (:mod:`hooklab.i18n`)."""
        return text(english, self.stack.language, context=context, **values)

    def summary(self) -> str:
        """The panel as text: counters, faults in force, the latest deliveries."""
        _ = self._
        if not self.stack.running:
            return _("this stack is stopped — run the first cell again")
        counts = " · ".join(f"{_(name, context='counter')} {n}" for name, n in self.counts().items())
        # fault settings are faults.set()'s own parameters (error_rate=1.0): code, left as written
        faults = [f"{svc} " + ", ".join(f"{k}={'on' if k == 'outage' else v}" for k, v in desc.items())
                  for svc, desc in self.stack.faults.summary().items()]
        lines = [_("hooklab control panel (run this cell in JupyterLab for buttons and sliders)"),
                 _("deliveries: {counts}", counts=counts),
                 _("faults: {faults}", faults="; ".join(faults) if faults else _("none"))]
        rows = self.log_rows()
        lines.append(_("latest deliveries:") if rows else _("no deliveries yet: stack.fire(...) sends one"))
        lines += [_("  #{n} {sent} {type} try {attempt}: {status} in {ms} ms, {outcome}", n=r["#"], sent=r["sent"],
                    type=r["type"], attempt=r["try"], status=r["status"], ms=r["ms"], outcome=r["outcome"])
                  for r in rows]
        return "\n".join(lines)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        bundle = {"text/plain": self.summary()}
        if self.widget is not None:
            bundle.update(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
            bundle["text/plain"] = self.summary()  # the widget's own text is "VBox(...)"
        return bundle

    # -- the widget -------------------------------------------------------------------

    def _build(self):
        import ipywidgets as w

        _ = self._
        buttons = []
        for name in catalog.EVENT_TYPES:
            b = w.Button(description=name, tooltip=_("fire a sample {name} event", name=name),
                         layout=w.Layout(width="auto"))
            b.on_click(lambda _, name=name: self.fire(name))
            buttons.append(b)
        self._counters = w.HTML()
        self._log = w.HTML()
        self._message = w.HTML()
        faults = [self._fault_row(w, service) for service in FAULT_SERVICES]
        bold = lambda heading: w.HTML(f"<b>{html.escape(heading)}</b>")  # noqa: E731
        return w.VBox([
            bold(_("Fire an event")), w.HBox(buttons, layout=w.Layout(flex_flow="row wrap")),
            bold(_("Faults")), *faults,
            self._counters, self._message, bold(_("Latest deliveries")), self._log,
        ])

    def _fault_row(self, w, service: str):
        _ = self._
        latency = w.IntSlider(0, min=0, max=3000, step=50, description=_("latency ms"), continuous_update=False)
        errors = w.FloatSlider(0, min=0, max=1, step=0.05, description=_("error rate"), continuous_update=False)
        outage = w.ToggleButton(False, description=_("outage"),
                                tooltip=_("take the {service} down", service=service))

        def apply(_=None):
            try:
                self.stack.faults.set(service, latency_ms=latency.value, error_rate=errors.value,
                                      outage=True if outage.value else None)
            except Exception as e:  # a stopped stack: say so in the panel, never raise into the front end
                self._say(self._("could not set faults on {service}: {error}", service=service, error=e))

        for control in (latency, errors, outage):
            control.observe(apply, names="value")
        return w.HBox([w.Label(service, layout=w.Layout(width="6em")), latency, errors, outage])

    def fire(self, event_type: str) -> str | None:
        """What a fire button does: one sample event; on the virtual clock, run it through at once."""
        try:
            event_id = self.stack.fire(event_type)
            if self.stack.clock.virtual:
                self.stack.wait()
        except Exception as e:
            self._say(self._("could not fire {type}: {error}", type=event_type, error=e))
            return None
        self._say(self._("fired {type} ({id})", type=event_type, id=event_id))
        self.refresh()
        return event_id

    def _say(self, text: str) -> None:
        if self.widget is not None:
            self._message.value = f"<span style='color:#555'>{html.escape(text)}</span>"

    def refresh(self) -> None:
        """Redraw the counters and the log from the stack's database."""
        if self.widget is None or not self.stack.running:
            return
        with self._lock:
            counts = self.counts()
            self._counters.value = " ".join(
                f"<span style='display:inline-block;padding:2px 10px;margin:2px;border-radius:10px;"
                f"background:#eef'><b>{n}</b> {html.escape(self._(name, context='counter'))}</span>"
                for name, n in counts.items())
            rows = self.log_rows()
            head = "".join(f"<th style='text-align:left;padding:0 8px'>{html.escape(self._(k))}</th>"
                           for k in ("#", "sent", "type", "try", "status", "ms", "outcome"))
            body = "".join("<tr class='hooklab-log-row'>" + "".join(
                f"<td style='padding:0 8px'>{html.escape(str(v))}</td>" for v in r.values()) + "</tr>" for r in rows)
            self._log.value = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def _loop(self) -> None:
        while not self._stop.wait(self.refresh_s):
            if not self.stack.running:
                return
            try:
                self.refresh()
            except Exception:  # the stack stopped between the check and the query
                log.debug("panel refresh failed", exc_info=True)

    def close(self) -> None:
        """Stop refreshing and close the widget."""
        self._stop_refreshing()
        if self.widget is not None:
            self.widget.close()

    def show_stopped(self) -> None:
        """The stack stopped: stop refreshing, and say so where the buttons were (instead of going blank)."""
        self._stop_refreshing()
        if self.widget is not None:
            import ipywidgets as w

            said = html.escape(self._("this stack is stopped — run the first cell again"))
            self.widget.children = [w.HTML(f"<b class='hooklab-stopped'>{said}</b>")]

    def _stop_refreshing(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(2)

    def __repr__(self) -> str:
        return self.summary()
