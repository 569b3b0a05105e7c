"""The wall screen's open whistles (吹哨报到): one line per open incident a street or
community blew the whistle on, with its departments on site out of summoned, the late ones
named in red, and the next arrival's clock. Late incidents first."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QWidget

from dispatch.domain.state import DispatchState, Incident
from dispatch.domain.whistle import ArrivalState, arrival_state, next_arrival_due, open_whistle
from widgets import labels
from widgets.console_model import ConsoleModel
from widgets.wall_lists import Cell, Column, WallTable
from widgets.wall_tiles import WALL

translate = QCoreApplication.translate


def open_whistles(state: DispatchState, now: float, scope: str = "",
                  limit: int = 10) -> list[tuple[Incident, int]]:
    """Open incidents in ``scope`` with a whistle, and how many of their summoned departments
    are late at ``now``: the most late first, then by the next arrival due, then by id."""
    found: list[tuple[Incident, int]] = []
    for inc in state.incidents.values():
        if not open_whistle(inc) or not inc.grid.startswith(scope):
            continue
        late = sum(1 for s in inc.summoned if arrival_state(s, now).is_late)
        found.append((inc, late))
    found.sort(key=lambda p: (-p[1], next_arrival_due(p[0]) or float("inf"), p[0].id))
    return found[:limit]


class WhistleList(WallTable):
    """Open whistles: incident, the street or community that blew it, on site / summoned, the
    late departments, the next arrival's time left."""

    def __init__(self, console: ConsoleModel, parent: QWidget | None = None, *,
                 font_px: int = 22) -> None:
        right = Qt.AlignmentFlag.AlignRight
        super().__init__(
            [Column(translate("WallLists", "Incident"), 0, fit="E0000000"),
             Column(translate("WallLists", "Blown by"), 1.0),
             Column(translate("WallLists", "On site"), 0, right, fit="00/00"),
             Column(translate("WallLists", "Late"), 1.2),
             Column(translate("WallLists", "Next due"), 0, right, fit="-00:00")],
            translate("WallLists", "No open whistles"), parent, font_px=font_px)
        self.console = console
        self.items: list[tuple[Incident, int]] = []

    def show_whistles(self, items: Sequence[tuple[Incident, int]]) -> None:
        c = self.console
        now = c.now()
        self.items = list(items)
        rows = []
        for inc, late in self.items:
            on_site = sum(1 for s in inc.summoned if s.arrived_at is not None)
            late_names = ", ".join(
                c.department_name(s.department) for s in inc.summoned
                if arrival_state(s, now) in (ArrivalState.LATE, ArrivalState.ARRIVED_LATE))
            due = next_arrival_due(inc)
            region = c.city.regions.get(inc.whistle_region)
            rows.append((
                Cell(inc.id, WALL.alert if late else WALL.text, bold=True),
                Cell(region.name if region is not None else inc.whistle_region,
                     WALL.muted_text),
                Cell(f"{on_site}/{len(inc.summoned)}",
                     WALL.good if on_site == len(inc.summoned) else WALL.warn, bold=True),
                Cell(late_names, WALL.alert, bold=True),
                Cell(labels.countdown(due - now) if due is not None else "",
                     WALL.alert if due is not None and due <= now else WALL.warn)))
        self.set_rows(rows)
