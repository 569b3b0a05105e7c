"""The live link from the map view to its page: every ``runJavaScript`` call goes through here.

- Calls made before the page is ready are not sent: the layers and markers keep the state,
  and once the page reports ready (:attr:`maps.bridge.MapBridge.sig_ready`) the whole of it
  is pushed in one go, then the evaluations queued meanwhile run. After a renderer crash the
  page reloads and the state is pushed again.
- Marker changes are flushed by a timer a few times a second, in one call carrying only what
  changed since the last flush. A timed flush waits until the page has drawn the previous one
  (software rendering can take longer to draw 26,000 markers than the flush period), so a slow
  page gets fewer, larger batches instead of a growing backlog.
- A state-changing call (:meth:`LiveLink.call`) or an evaluation first flushes the pending
  marker changes, so the page sees everything in the order it was asked for.
- A marker call's data over :data:`INLINE_DATA_MAX` characters (the first batch of a city's
  26,000 units is ~3 MB) is served to the page to fetch (``GL.data``) rather than written
  into the script: V8 keeps the source of the scripts it ran, and at city scale the first
  batch's text alone left ~9.5 MB in the page's heap. The data is forgotten once the call ran.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtWebEngineCore import QWebEnginePage

from maps.bridge import MapBridge
from maps.js import guarded, js
from maps.layers import MapLayers
from maps.markers import MarkerFeed

log = logging.getLogger(__name__)

# A timed flush waits for the page to draw the previous one, but never longer than this
# (a hidden page may not draw at all).
FLUSH_PAINT_WAIT_S = 2.0
_FLUSH_TOKEN = "gridline:flush"

JsCallback = Callable[[Any], None]
# Marker data longer than this (characters of JSON) is fetched by the page, not inlined.
INLINE_DATA_MAX = 64 * 1024


class LiveLink(QObject):
    """Sends the layers' calls and the markers' changes to ``page`` (see the module
    docstring); ``url`` is what a crashed page reloads."""

    sig_ready = Signal()
    """The page is up and the current state has been pushed to it."""
    sig_painted = Signal(str, float)
    """The page drew everything queued before ``GL.afterPaint(token)`` (token, milliseconds);
    not sent for the flushes' own token."""

    def __init__(self, page: QWebEnginePage, bridge: MapBridge, url: QUrl, markers: MarkerFeed,
                 layers: MapLayers, flush_interval_ms: int,
                 parent: QObject | None = None,
                 publish: Callable[[str, bytes], None] | None = None,
                 forget: Callable[[str], None] | None = None) -> None:
        super().__init__(parent)
        self._page = page
        # serves the layers' payloads to the page (the URL scheme's handler), and forgets
        # what was served for one call only (big marker batches)
        self._publish = publish
        self._forget = forget
        self._batch_ids = itertools.count(1)
        self._served: list[str] = []  # marker data served for calls not yet run
        self._url = QUrl(url)
        self.markers = markers
        self.layers = layers
        self._ready = False
        self._evaluations: list[tuple[str, JsCallback | None]] = []
        # When the last flush was sent and not yet drawn (monotonic seconds), else None.
        self._flush_in_flight: float | None = None
        self._last_flush_paint_ms: float | None = None
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(flush_interval_ms)
        self._flush_timer.timeout.connect(self._on_flush_timer)
        bridge.sig_ready.connect(self._on_page_ready)
        bridge.sig_painted.connect(self._on_painted)
        page.loadStarted.connect(self._on_load_started)
        page.loadFinished.connect(self._on_load_finished)
        page.renderProcessTerminated.connect(self._on_renderer_gone)

    @property
    def is_ready(self) -> bool:
        return self._ready

    @property
    def last_flush_paint_ms(self) -> float | None:
        """How long the page took to apply and draw the last flush (ms), once known."""
        return self._last_flush_paint_ms

    # ------------------------------------------------------------------------ calls

    def run(self, script: str, callback: JsCallback | None = None) -> None:
        """Run ``script`` on the page now, as it is (every call to the page comes here)."""
        if callback is None:
            self._page.runJavaScript(script, 0)
        else:
            self._page.runJavaScript(script, 0, callback)

    def call(self, script: str) -> None:
        """A state-changing call: sent now (after pending marker changes) if the page is
        ready; otherwise left to the replay when it is (the layers keep the state)."""
        if not self._ready:
            return
        self.flush()
        self._publish_payloads()
        self.run(guarded(script))

    def data_ref(self, text: str) -> str:
        """The expression that gives the page a marker call's data (JSON ``text``): the text
        itself when short, else a fetch of it served until the call has run."""
        if len(text) <= INLINE_DATA_MAX or self._publish is None or self._forget is None:
            return text
        path = f"{self.layers.data_key}/markers/{next(self._batch_ids)}"
        self._publish(path, text.encode("utf-8"))
        self._served.append(path)
        return f"GL.data({js(path)})"

    def _run_forgetting(self, script: str) -> None:
        """Run ``script``; the marker data served for it is forgotten once it ran."""
        served, self._served = self._served, []
        if not served or self._forget is None:
            self.run(script)
            return
        forget = self._forget

        def ran(_result: Any) -> None:
            for path in served:
                forget(path)

        self.run(script, ran)

    def _publish_payloads(self) -> None:
        """The data the layers' calls fetch, served before the calls run."""
        if self._publish is not None:
            for path, body in self.layers.payloads.items():
                self._publish(path, body)

    def evaluate(self, script: str, callback: JsCallback | None = None) -> None:
        """Run ``script`` on the page (after pending changes); queued until it is ready."""
        if not self._ready:
            self._evaluations.append((script, callback))
            return
        self.flush()
        self.run(script, callback)

    # ---------------------------------------------------------------------- flushing

    def schedule_flush(self) -> None:
        """Marker changes are waiting: flush them at the next timer tick."""
        if self._ready and not self._flush_timer.isActive():
            self._flush_timer.start()

    def flush(self, draw_now: bool = False) -> None:
        """Send the markers' changes now; ``draw_now``: the page draws a bulk change within
        the call rather than at its next frame."""
        self._flush_timer.stop()
        if not self._ready:
            return
        script = self.markers.take_changes(self.data_ref)
        if script is None:
            return
        body = guarded(script)
        if draw_now:
            body = f"GL.drawNow=true;try{{{body}}}finally{{GL.drawNow=false}}"
        self._run_forgetting(f"(function(){{var t0=performance.now();{body}"
                             f"GL.lastFlushMs=performance.now()-t0;"
                             f"GL.afterPaint({js(_FLUSH_TOKEN)},t0)}})()")
        self._flush_in_flight = time.monotonic()

    def _on_flush_timer(self) -> None:
        sent = self._flush_in_flight
        if sent is not None and time.monotonic() - sent < FLUSH_PAINT_WAIT_S:
            self._flush_timer.start()  # the previous flush is still being drawn: look again
            return
        self.flush()

    def _on_painted(self, token: str, elapsed_ms: float) -> None:
        if token != _FLUSH_TOKEN:
            self.sig_painted.emit(token, elapsed_ms)
            return
        self._flush_in_flight = None
        self._last_flush_paint_ms = elapsed_ms
        if self.markers.pending():
            self.schedule_flush()

    # --------------------------------------------------------------- the page's life

    def _replay_state(self, view: bool = True) -> None:
        """Push the whole current state to a freshly loaded page (``view=False``: to a page
        that keeps its view, see :meth:`resend`)."""
        before, after = self.layers.replay_calls(view)
        self._publish_payloads()
        for call in before:
            self.run(guarded(call))
        for call in self.markers.take_everything(self.data_ref):
            self._run_forgetting(guarded(call))
        for call in after:
            self.run(guarded(call))

    def resend(self) -> None:
        """Send every layer and marker again (the page's coordinate system changed): the
        data, not the view. Nothing is sent before the page is ready (it gets it all then)."""
        if not self._ready:
            return
        self._flush_timer.stop()
        self._replay_state(view=False)

    def load(self, url: QUrl, after: str | None = None) -> None:
        """Show the page at ``url`` instead (the same map built otherwise, e.g. in another
        theme): once it is ready the whole state is pushed to it, then ``after`` runs."""
        self._url = QUrl(url)
        if after is not None:
            self._evaluations.append((guarded(after), None))
        self._page.load(self._url)

    def _on_page_ready(self) -> None:
        self._ready = True
        self._replay_state()
        evaluations, self._evaluations = self._evaluations, []
        for script, callback in evaluations:
            self.run(script, callback)
        log.debug("map page ready: %s", self._url.toString())
        self.sig_ready.emit()

    def _on_load_started(self) -> None:
        # A (re)load drops the page's state: hold calls until it is ready, then replay.
        self._ready = False
        self._flush_in_flight = None
        self._flush_timer.stop()

    def _on_load_finished(self, ok: bool) -> None:
        if not ok:
            log.error("map page failed to load: %s", self._url.toString())

    def _on_renderer_gone(self, status: QWebEnginePage.RenderProcessTerminationStatus,
                          exit_code: int) -> None:
        self._on_load_started()
        if status == QWebEnginePage.RenderProcessTerminationStatus.NormalTerminationStatus:
            return  # the page is going away with us
        log.error("map renderer terminated (%s, exit code %d); reloading", status.name,
                  exit_code)
        QTimer.singleShot(500, self, self._reload_page)

    def _reload_page(self) -> None:
        self._page.load(self._url)
