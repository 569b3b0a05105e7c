"""The QObject the map page talks to over QWebChannel (registered as ``bridge``).

The page calls these slots from ``assets/gridline.js``; each one re-emits a Qt signal.
Ids arrive as strings; anything malformed is dropped with a log line, never raised into Qt.
"""

from __future__ import annotations

import logging
import math

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

BRIDGE_NAME = "bridge"


class MapBridge(QObject):
    """Receives the page's calls; lives in the GUI thread."""

    sig_ready = Signal()
    """The page is loaded and the web channel is connected."""
    sig_incident_clicked = Signal(str)
    """An incident marker was clicked (incident id)."""
    sig_unit_clicked = Signal(str)
    """A unit marker was clicked (unit id)."""
    sig_part_clicked = Signal(str)
    """A part marker was clicked (part id; only while the parts layer is shown)."""
    sig_region_clicked = Signal(str)
    """A click fell inside a region polygon of the current level (region code)."""
    sig_map_clicked = Signal(float, float)
    """A click hit no unit, incident or part (lat, lon); also sent after
    ``sig_region_clicked``."""
    sig_map_context = Signal(float, float)
    """A right click on the map (lat, lon), wherever it fell."""
    sig_new_incident = Signal(float, float)
    """A Ctrl+click on the map (lat, lon), wherever it fell: a new incident there."""
    sig_painted = Signal(str, float)
    """Frames queued before ``GL.afterPaint(token)`` are drawn (token, milliseconds)."""
    sig_base_changed = Signal(str)
    """The page shows another base layer (its name), by the switcher or when told to."""
    sig_base_opacity = Signal(float)
    """The base layer's opacity was set with the page's slider (0..1)."""
    sig_overlay_toggled = Signal(str, bool)
    """An overlay (an annotation source or a data layer) was shown or hidden on the page."""

    @Slot()
    def ready(self) -> None:
        self.sig_ready.emit()

    @Slot(str)
    def incident_clicked(self, incident_id: str) -> None:
        if incident_id:
            self.sig_incident_clicked.emit(incident_id)

    @Slot(str)
    def unit_clicked(self, unit_id: str) -> None:
        if unit_id:
            self.sig_unit_clicked.emit(unit_id)

    @Slot(str)
    def part_clicked(self, part_id: str) -> None:
        if part_id:
            self.sig_part_clicked.emit(part_id)

    @Slot(str)
    def region_clicked(self, code: str) -> None:
        if code:
            self.sig_region_clicked.emit(code)

    @Slot(float, float)
    def map_clicked(self, lat: float, lon: float) -> None:
        if not (math.isfinite(lat) and math.isfinite(lon)):
            log.warning("map click with bad coordinates: %r, %r", lat, lon)
            return
        self.sig_map_clicked.emit(lat, lon)

    @Slot(float, float)
    def map_context(self, lat: float, lon: float) -> None:
        if not (math.isfinite(lat) and math.isfinite(lon)):
            log.warning("map context click with bad coordinates: %r, %r", lat, lon)
            return
        self.sig_map_context.emit(lat, lon)

    @Slot(float, float)
    def map_new_incident(self, lat: float, lon: float) -> None:
        if not (math.isfinite(lat) and math.isfinite(lon)):
            log.warning("map Ctrl+click with bad coordinates: %r, %r", lat, lon)
            return
        self.sig_new_incident.emit(lat, lon)

    @Slot(str, float)
    def painted(self, token: str, elapsed_ms: float) -> None:
        self.sig_painted.emit(token, elapsed_ms)

    @Slot(str)
    def base_changed(self, name: str) -> None:
        if name:
            self.sig_base_changed.emit(name)

    @Slot(float)
    def base_opacity(self, value: float) -> None:
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            log.warning("map base opacity out of range: %r", value)
            return
        self.sig_base_opacity.emit(value)

    @Slot(str, bool)
    def overlay_toggled(self, name: str, on: bool) -> None:
        if name:
            self.sig_overlay_toggled.emit(name, bool(on))
