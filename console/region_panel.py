"""What a click on a grid (or street, community, district) shows: its worker, its open
incidents and its KPIs for today."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from dispatch.domain.kpi import GroupBy, compute_kpis
from dispatch.domain.timelimits import is_overdue
from widgets.console_model import ConsoleModel

DAY = 86400.0



translate = QCoreApplication.translate


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.0%}"


class RegionPanel(QWidget):
    def __init__(self, console: ConsoleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.code = ""
        self.title = QLabel(translate("RegionPanel", "Click a region on the map"))
        self.title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.incidents = QListWidget()
        self.incidents.itemActivated.connect(self._activated)
        self.incidents.itemClicked.connect(self._activated)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.title)
        lay.addWidget(self.details)
        lay.addWidget(QLabel(translate("RegionPanel", "Open incidents")))
        lay.addWidget(self.incidents, 1)
        console.sig_incidents_changed.connect(self._maybe_refresh)

    def show_region(self, code: str) -> None:
        self.code = code
        self.refresh()

    def _maybe_refresh(self, ids: set[str]) -> None:
        if self.code and any(self.console.state.incidents.get(i) is not None
                             and self.console.state.incidents[i].grid.startswith(self.code)
                             for i in ids):
            self.refresh()

    def refresh(self) -> None:
        c = self.console
        region = c.city.regions.get(self.code)
        if region is None:
            return
        self.title.setText(f"{region.name}  ({region.code})")
        worker = region.worker_name or "—"
        grids = len(c.city.grids_in(region.code)) if region.level < 4 else 1
        now = c.now()
        tz_day = now - ((now + c.tz.utcoffset(None).total_seconds()) % DAY)
        mine = [i for i in c.state.incidents.values() if i.grid.startswith(region.code)]
        group = {1: GroupBy.DISTRICT, 2: GroupBy.STREET, 3: GroupBy.COMMUNITY,
                 4: GroupBy.GRID}.get(int(region.level), GroupBy.CITY)
        kpi = compute_kpis(c.state, tz_day, tz_day + DAY, group, now=now).get(
            "" if group == GroupBy.CITY else region.code)
        rows = [(translate("RegionPanel", "Grid worker"), worker), (translate("RegionPanel", "Grids"), str(grids))]
        if kpi is not None:
            rows += [(translate("RegionPanel", "Reported today"), str(kpi.reported)), (translate("RegionPanel", "Open"), str(kpi.open)),
                     (translate("RegionPanel", "Overdue"), str(kpi.overdue)),
                     (translate("RegionPanel", "Closure rate"), _pct(kpi.closure_rate)),
                     (translate("RegionPanel", "On-time rate"), _pct(kpi.on_time_rate))]
        self.details.setText("<table>" + "".join(
            f"<tr><td style='padding-right:10px;color:gray'>{k}</td><td>{v}</td></tr>"
            for k, v in rows) + "</table>")
        self.incidents.clear()
        for inc in sorted((i for i in mine if i.is_open), key=lambda i: i.reported_at,
                          reverse=True)[:200]:
            flag = "⚠ " if is_overdue(inc, now) else ""
            item = QListWidgetItem(f"{flag}{inc.id}  {c.class_name(inc.class_code)}  "
                                   f"[{inc.status.value}]")
            item.setData(Qt.ItemDataRole.UserRole, inc.id)
            self.incidents.addItem(item)

    def _activated(self, item: QListWidgetItem) -> None:
        self.console.select_incident(item.data(Qt.ItemDataRole.UserRole), "region")
