"""The live map of a dispatcher workstation against a real dispatch server on loopback
(SQLite): its layers match the state and selection follows, the light offline basemap of the
server's roads and places, unit colours and the board's filter, position reports in slices."""

from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import pytest

import maps

maps.prepare_environment()

from dispatch.adapters.client import CommandClient  # noqa: E402
from dispatch.adapters.security.operators import DEMO_PASSWORDS  # noqa: E402
from dispatch.domain import commands as cmd  # noqa: E402
from dispatch.domain.status import IncidentStatus  # noqa: E402
from tests.integration.conftest import server_factory  # noqa: E402, F401
from tests.ui.test_console_live import WAIT_MS, Workstation, workstation  # noqa: E402, F401

pytestmark = pytest.mark.ui
S = IncidentStatus


def test_map_layers_match_the_state_and_selection_follows(workstation: Workstation) -> None:  # noqa: F811
    ws = workstation
    c = ws.console
    ids = [ws.report(i) for i in range(5, 8)]
    ws.window.map.flush()

    def counts() -> dict[str, Any]:
        return ws.js("GL.counts()")

    open_n = sum(1 for i in c.state.incidents.values() if i.is_open)
    ws.qtbot.waitUntil(lambda: counts()["units"] == len(c.state.units)
                       and counts()["incidents"] == open_n, timeout=WAIT_MS)
    assert counts()["regions"] == sum(1 for _ in c.city.grids())

    c.select_incident(ids[0], "queue")
    ws.qtbot.waitUntil(lambda: counts()["selected"] == f"incident:{ids[0]}", timeout=WAIT_MS)
    assert ws.window.detail.incident_id == ids[0]
    ws.window.map.sig_incident_clicked.emit(ids[1])
    assert c.selected_incident == ids[1]
    assert ws.window.queue.selected_id() == ids[1]
    assert ws.window.detail.incident_id == ids[1]


def test_the_live_map_is_a_light_offline_basemap_of_the_city_names(
        workstation: Workstation) -> None:  # noqa: F811
    """No tiles configured: the page draws its own basemap, in the console's light theme,
    from the city's district, street and community names (until a gazetteer gives roads)."""
    ws = workstation
    city = ws.console.city
    from dispatch.domain.city.levels import Level

    named = sum(1 for r in city.regions.values()
                if r.name and r.level in (Level.DISTRICT, Level.STREET, Level.COMMUNITY))
    ws.qtbot.waitUntil(lambda: ws.js("GLBase.stats().places") >= named, timeout=WAIT_MS)
    got = ws.js("GLBase.stats()")
    assert (got["base"], got["bases"]) == ("basemap", ["basemap", "none"])
    assert ws.js("document.body.classList.contains('gl-theme-light')") is True
    assert ws.window.map.base_layer == "basemap"
    ws.js("GL.map.setZoom(13, {animate: false}) && 1")
    assert any(kind in ("district", "street") for _name, kind in ws.js("GLBase.stats().labels"))


def test_the_live_map_draws_the_servers_roads_and_places(workstation: Workstation) -> None:  # noqa: F811
    """Once the server has read its gazetteer, the console's offline basemap draws its roads
    and named places (the ``basemap`` query), not only the regions' names."""
    ws = workstation
    ws.qtbot.waitUntil(lambda: ws.window.map_sync.basemap_rows > 0, timeout=60_000)
    roads = ws.window.map_sync.basemap_rows
    ws.qtbot.waitUntil(lambda: ws.js("GLBase.stats().roads") > 0, timeout=WAIT_MS)
    got = ws.js("GLBase.stats()")
    assert 0 < got["roads"] <= roads
    assert got["places"] > sum(1 for r in ws.console.city.regions.values() if r.name) // 2


def test_unit_colours_switch_and_the_board_filter_reach_the_map(workstation: Workstation  # noqa: F811
                                                                ) -> None:
    from console.map_units import department_colours

    ws = workstation
    w, c = ws.window, ws.console
    uid = sorted(c.state.units)[0]
    unit = c.state.units[uid]

    def fill() -> str:
        return ws.js(f"GL._units.has({uid!r}) && GL._units.get({uid!r}).options.fillColor")

    assert w.unit_colour_box.currentData() == "department"  # the default
    ws.qtbot.waitUntil(lambda: fill() == department_colours(c.catalogue)[unit.department],
                       timeout=WAIT_MS)
    w.unit_colour_box.setCurrentIndex(w.unit_colour_box.findData("status"))
    assert w.settings.value("map/unit_colours") == "status"
    status_colour = ws.js("GL.palette().status")[c.state.units[uid].status.value]
    ws.qtbot.waitUntil(lambda: fill() == status_colour, timeout=WAIT_MS)

    w.units.department.setCurrentIndex(w.units.department.findData(unit.department))
    others = sum(1 for u in c.state.units.values() if u.department != unit.department)
    ws.qtbot.waitUntil(lambda: ws.js("GL.unitsShown().hidden") == others, timeout=WAIT_MS)
    assert ws.js(f"GL._units.get({uid!r})._glHidden") is False
    w.units.department.setCurrentIndex(0)
    ws.qtbot.waitUntil(lambda: ws.js("GL.unitsShown().hidden") == 0, timeout=WAIT_MS)


def test_position_reports_reach_the_state_at_once_and_the_map_in_slices(
        workstation: Workstation, monkeypatch: Any) -> None:  # noqa: F811
    import console.session as live_session

    ws, c = workstation, workstation.console
    monkeypatch.setattr(live_session, "SLICE_MIN", 50)
    monkeypatch.setattr(live_session, "SLICE_MAX", 50)
    ws.session.slice_size = 50
    told: list[int] = []
    c.sig_units_changed.connect(lambda ids: told.append(len(ids)))
    units = sorted(c.state.units.values(), key=lambda u: u.id)[:300]
    rows = tuple((u.id, round(u.lon + 0.001, 6), round(u.lat + 0.001, 6)) for u in units)
    with CommandClient(ws.srv.endpoints.command) as field:
        field.login("field", DEMO_PASSWORDS["field"], "ws-field")
        field.execute(cmd.ReportPositions(rows))

    ws.qtbot.waitUntil(lambda: all(c.state.units[uid].lon == lon for uid, lon, _ in rows),
                       timeout=WAIT_MS)
    ws.qtbot.waitUntil(lambda: ws.session.pending_unit_changes == 0, timeout=WAIT_MS)
    assert told
    assert max(told) <= 50
    assert sum(told) >= len(rows)

    ids = [r[0] for r in rows]
    ws.window.map.flush()

    def drawn() -> list[list[float]]:
        return ws.js(f"{json.dumps(ids)}.map(function (id) {{"
                     f"var p = GL._units.get(id).getLatLng(); return [p.lat, p.lng]; }})")

    want = [[lat, lon] for _, lon, lat in rows]
    ws.qtbot.waitUntil(lambda: all(abs(a - b) < 1e-9 for p, q in zip(drawn(), want, strict=True)
                                   for a, b in zip(p, q, strict=True)), timeout=WAIT_MS)
