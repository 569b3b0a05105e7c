"""The map's units as a dispatcher reads them: coloured by department or by status, filtered
like the unit board (the board's filter is the one source: the map hides what it hides), with
the details their tooltip shows, and the words of the map's legend and tooltips in the
console's language."""

from __future__ import annotations

import operator
import zlib
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, SignalInstance

from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.state import UnitState
from dispatch.domain.status import UnitStatus
from maps.view import MapView
from widgets import labels
from widgets.console_model import ConsoleModel

UNIT_COLOURINGS = ("department", "status")

# Departments the catalogue gives no colour get one of these (the same one each time).
SPARE_COLOURS = ("#4db6ac", "#ba68c8", "#ffb74d", "#9ccc65", "#4fc3f7", "#f48fb1", "#dce775",
                 "#bcaaa4", "#7986cb", "#e57373")

_DETAILS = operator.attrgetter("id", "name", "department", "unit_type", "status_since",
                               "incident_id")

_PRIORITIES = ("urgent", "high", "normal", "low")

_LEGEND = {
    "title": QT_TRANSLATE_NOOP("MapText", "Legend"),
    "units_department": QT_TRANSLATE_NOOP("MapText", "Units by department"),
    "units_status": QT_TRANSLATE_NOOP("MapText", "Units by status"),
    "clusters_title": QT_TRANSLATE_NOOP("MapText", "Clusters"),
    "clusters": QT_TRANSLATE_NOOP("MapText", "number of units there; click to zoom in"),
    "incidents": QT_TRANSLATE_NOOP("MapText", "Incidents by priority"),
    "overdue": QT_TRANSLATE_NOOP("MapText", "overdue"),
    "parts": QT_TRANSLATE_NOOP("MapText", "Parts"),
    "broken": QT_TRANSLATE_NOOP("MapText", "damaged or missing"),
    "min": QT_TRANSLATE_NOOP("MapText", "min"),
    "max": QT_TRANSLATE_NOOP("MapText", "max"),
}
_CHOROPLETH = {
    "open": QT_TRANSLATE_NOOP("MapText", "Open incidents per region"),
    "overdue": QT_TRANSLATE_NOOP("MapText", "Overdue incidents per region"),
}
_TOOLTIP = {
    "department": QT_TRANSLATE_NOOP("MapText", "Department:"),
    "type": QT_TRANSLATE_NOOP("MapText", "Type:"),
    "status": QT_TRANSLATE_NOOP("MapText", "Status:"),
    "since": QT_TRANSLATE_NOOP("MapText", "In status:"),
    "incident": QT_TRANSLATE_NOOP("MapText", "Incident:"),
    "cluster": QT_TRANSLATE_NOOP("MapText", "%1 units: click to zoom in"),
}
# The unit board's time formats (see widgets.labels.duration), for the page to fill in.
_DURATIONS = {"s": "%1s", "m": "%1m", "hm": "%1h %2m", "dh": "%1d %2h"}


def _tr(table: dict[str, Any], context: str = "MapText") -> dict[str, str]:
    return {key: QCoreApplication.translate(context, str(text)) for key, text in table.items()}


def department_colours(catalogue: Catalogue) -> dict[str, str]:
    """Each department's colour on the map: the catalogue's, or else a spare one chosen by its
    code (stable: the same code always gets the same colour while the catalogue stays)."""
    out = {code: d.colour for code, d in catalogue.departments.items() if d.colour}
    used = set(out.values())
    for code in sorted(set(catalogue.departments) - out.keys()):
        start = zlib.crc32(code.encode())
        free = [c for c in SPARE_COLOURS if c not in used] or list(SPARE_COLOURS)
        out[code] = free[start % len(free)]
        used.add(out[code])
    return out


def map_texts(console: ConsoleModel) -> dict[str, Any]:
    """What the map page's legend and tooltips say, in the console's language."""
    cat = console.catalogue
    zh = console.language == "zh"
    return {
        "departments": {code: console.department_name(code) for code in cat.departments},
        "unit_types": {code: console.unit_type_name(code) for code in cat.unit_types},
        "statuses": {s.value: labels.unit_status(s) for s in UnitStatus},
        "priorities": {p: labels.priority(p) for p in _PRIORITIES},
        "part_types": {code: (t.name_zh if zh else t.name_en)
                       for code, t in cat.part_types.items()},
        "choropleth": _tr(_CHOROPLETH),
        "legend": _tr(_LEGEND),
        "tooltip": _tr(_TOOLTIP),
        "durations": _tr(_DURATIONS, "Labels"),
    }


class UnitFilter(Protocol):
    """What the map needs of the unit board's filter (:class:`widgets.unit_filter.UnitFilterProxy`)."""

    @property
    def active(self) -> bool: ...

    def accepts_unit(self, u: UnitState) -> bool: ...

    @property
    def sig_filter_changed(self) -> SignalInstance: ...


class MapUnits:
    """Sends the map what it needs of the units besides their place and status (their details
    and whether the filter hides them) as they change; the filter followed is the board's."""

    def __init__(self, console: ConsoleModel, view: MapView) -> None:
        self.console, self.view = console, view
        self._filter: UnitFilter | None = None
        self._accepts: Callable[[UnitState], bool] | None = None
        view.set_texts(map_texts(console))
        view.set_department_colours(department_colours(console.catalogue))

    def set_colouring(self, mode: str) -> None:
        """``department`` or ``status``."""
        self.view.set_unit_colouring(mode)

    # ------------------------------------------------------------------------ filter

    def follow(self, unit_filter: UnitFilter) -> None:
        """Hide on the map the units ``unit_filter`` hides, now and whenever it changes."""
        self._filter = unit_filter
        unit_filter.sig_filter_changed.connect(self.refilter)
        self.refilter()

    def refilter(self) -> None:
        """The filter changed: every unit of the state looked at again."""
        f = self._filter
        self._accepts = f.accepts_unit if f is not None and f.active else None
        accepts = self._accepts
        units = self.console.state.units
        self.view.filter_units(() if accepts is None else
                               [uid for uid, u in units.items() if not accepts(u)])

    # ------------------------------------------------------------------------- units

    def changed(self, found: Iterable[UnitState]) -> None:
        """Units that changed (and are still in the state): their details, and whether the
        filter hides them now."""
        found = found if isinstance(found, list) else list(found)
        self.view.update_unit_details(map(_DETAILS, found))
        accepts = self._accepts
        if accepts is not None:
            hide: list[str] = []
            show: list[str] = []
            for u in found:
                (show if accepts(u) else hide).append(u.id)
            self.view.set_units_hidden(hide, show)
