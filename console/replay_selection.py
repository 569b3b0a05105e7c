"""The replay window's selection: the selected incident's timeline chart, its event ticks on
the scrubber and its units' paths on the map, the selected unit's path; opening on one incident
(``--replay --incident ID``) and the screenshot's showcase. A mixin of
:class:`console.replay_window.ReplayWindow`, whose widgets it uses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication

from dispatch.services.replay import IncidentTimeline, Replayer, ReplayError

if TYPE_CHECKING:
    from dispatch.domain.state import DispatchState


class ReplaySelection:
    """What follows the selection in the replay window."""

    replayer: Replayer
    console: Any
    scrubber: Any
    chart: Any
    chart_dock: Any
    detail_dock: Any
    queue: Any
    map: Any
    timeline: IncidentTimeline | None
    selected_unit: str
    show_tracks: bool
    instant: float
    _fit_timer: Any

    if TYPE_CHECKING:
        @property
        def state(self) -> DispatchState: ...

    def _on_incident_selected(self, incident_id: str, _origin: str) -> None:
        if not incident_id:
            self.scrubber.set_incident_positions([])
            self.chart.show_timeline(None)
            self.timeline = None
            self._draw_tracks()
            return
        try:
            self.timeline = self.replayer.incident_timeline(incident_id)
        except ReplayError:
            self.timeline = None
        self.chart.show_timeline(self.timeline)
        self.chart.set_instant(self.instant)
        self.chart_dock.show()
        self.scrubber.set_incident_positions(self.replayer.incident_positions(incident_id))
        self.selected_unit = ""
        self._draw_tracks()

    def _on_unit_selected(self, unit_id: str) -> None:
        self.selected_unit = unit_id
        self.map.select("unit", unit_id)
        self._draw_tracks()

    def set_tracks_visible(self, visible: bool) -> None:
        self.show_tracks = visible
        self._draw_tracks()

    def track_units(self) -> list[str]:
        """Units whose paths are drawn: the selected unit, else the selected incident's."""
        if self.selected_unit:
            return [self.selected_unit]
        return list(self.timeline.units) if self.timeline is not None else []

    def _draw_tracks(self) -> None:
        ids = self.track_units() if self.show_tracks else []
        if not ids:
            self.map.set_tracks({})
            return
        tracks = self.replayer.unit_tracks(ids)
        self.map.set_tracks({uid: [(lat, lon) for _t, lat, lon in pts]
                             for uid, pts in tracks.items() if pts})

    def focus_incident(self, incident_id: str) -> bool:
        """Open on one incident: the instant it was reported (its first event in the window),
        selected, shown in the queue whatever its status ("Open only" off), its timeline drawn. False (and the
        window as it was) if the window holds no event of it."""
        positions = self.replayer.incident_positions(incident_id)
        if not positions:
            return False
        self.scrubber.set_position(positions[0], emit=True)
        if incident_id not in self.state.incidents:
            return False
        # its whole life is the point: the queue keeps its row once it is closed too
        self.queue.open_only.setChecked(False)
        self.console.select_incident(incident_id, "replay")
        self.queue.select(incident_id)
        self.detail_dock.raise_()
        self._fit_timer.stop()
        self.map.fit_tracks()
        return True

    def showcase(self) -> None:
        """Go to a busy instant and select an escalated incident there (screenshots)."""
        r = self.replayer
        if not len(r):
            return
        pos = int(len(r) * 0.6)
        self.scrubber.set_position(pos, emit=True)
        best = ""
        for inc in self.state.incidents.values():
            if inc.is_open and inc.escalations and inc.units:
                best = inc.id
                break
        if not best:
            best = next((i.id for i in self.state.incidents.values() if i.is_open and i.units),
                        "")
        if best:
            self.console.select_incident(best, "replay")
            self.scrubber.add_bookmark(
                QCoreApplication.translate("ReplayWindow", "Handover: check this incident"))
            self._fit_timer.stop()
            self.map.fit_tracks()

