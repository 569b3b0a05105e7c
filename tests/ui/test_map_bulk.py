"""The map under a replay's load: a jump moving and restyling hundreds of markers at once (one
redraw of their canvas), a few markers moving (only the rectangles around them redrawn), rows
already shown not sent again, and the map sync sending big batches at once."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QColor

from maps.view import MapView
from tests.ui.widget_fixtures import *  # noqa: F403

pytestmark = pytest.mark.ui

LAT0, LON0 = 31.30, 120.60
GREEN, PURPLE = QColor("#2ecc71"), QColor("#ab47bc")


def grid_units(n: int, status: str = "available", shift: float = 0.0
               ) -> list[tuple[str, float, float, str]]:
    """``n`` units on a grid 0.004° apart (far enough for a marker each)."""
    return [(f"U{i}", LAT0 + (i % 25) * 0.004 + shift, LON0 + (i // 25) * 0.004 + shift, status)
            for i in range(n)]


def painted(view: MapView, qtbot: Any, token: str) -> None:
    view.flush()
    with qtbot.waitSignal(view.sig_painted, timeout=10_000,
                          check_params_cb=lambda t, _ms: t == token):
        view.after_paint(token)


def near(c: QColor, want: QColor) -> bool:
    return abs(c.red() - want.red()) + abs(c.green() - want.green()) \
        + abs(c.blue() - want.blue()) < 60


def show(view: MapView, map_js: Any, qtbot: Any, rows: list[Any], token: str) -> None:
    view.update_units(rows)
    painted(view, qtbot, token)
    # the whole grid in view, each marker a few pixels apart
    assert map_js(view, f"GL.map.fitBounds([[{LAT0 - 0.01}, {LON0 - 0.01}], "
                        f"[{LAT0 + 0.11}, {LON0 + 0.11}]], {{animate: false}}) && true")
    painted(view, qtbot, token + "-fit")


def colour_at(view: MapView, map_js: Any, lat: float, lon: float) -> QColor:
    p = map_js(view, f"GL.map.latLngToContainerPoint([{lat}, {lon}])")
    return view.grab().toImage().pixelColor(round(p["x"]), round(p["y"]))


def test_a_jump_moves_and_restyles_many_markers_at_once(map_view: MapView, map_js: Any,
                                                        qtbot: Any) -> None:
    rows = grid_units(600)
    show(map_view, map_js, qtbot, rows, "load")
    moved = [(uid, lat + 0.002, lon + 0.002, "busy") for uid, lat, lon, _s in rows]
    map_view.update_units(moved)
    assert map_view.pending_changes() == 600
    painted(map_view, qtbot, "jump")
    assert map_js(map_view, "GL.renderers.units.lastDrawn") == 600  # one redraw, all of them
    got = map_js(map_view, "(function(){var o={};GL._units.forEach(function(m,id){"
                           "var l=m.getLatLng();o[id]=[l.lat,l.lng,m._glStatus];});return o})()")
    assert got == {uid: [lat, lon, "busy"] for uid, lat, lon, _s in moved}
    lat7, lon7 = moved[7][1:3]
    assert map_js(map_view, f"GL.hitTest({lat7}, {lon7})") == {"kind": "unit", "id": "U7"}

    def drawn() -> bool:
        return near(colour_at(map_view, map_js, *moved[7][1:3]), PURPLE) \
            and not near(colour_at(map_view, map_js, *rows[7][1:3]), GREEN)

    qtbot.waitUntil(drawn, timeout=5_000)


def test_a_few_moves_redraw_around_them(map_view: MapView, map_js: Any, qtbot: Any) -> None:
    rows = grid_units(300)
    show(map_view, map_js, qtbot, rows, "load")
    # three units far apart: Leaflet's one rectangle would hold the whole grid
    few = [rows[0], rows[150], rows[299]]
    assert map_js(map_view, "GL.renderers.units.lastDrawn") == 300
    map_view.update_units([(uid, lat + 0.002, lon + 0.002, "busy") for uid, lat, lon, _ in few])
    painted(map_view, qtbot, "few")
    # the three and their neighbours on the grid, not the whole grid
    assert 3 <= map_js(map_view, "GL.renderers.units.lastDrawn") <= 30
    still = rows[75]

    def drawn() -> bool:
        return all(near(colour_at(map_view, map_js, lat + 0.002, lon + 0.002), PURPLE)
                   and not near(colour_at(map_view, map_js, lat, lon), GREEN)
                   for _uid, lat, lon, _s in few) \
            and near(colour_at(map_view, map_js, still[1], still[2]), GREEN)

    qtbot.waitUntil(drawn, timeout=5_000)


def test_rows_already_on_the_map_are_not_sent_again(map_view: MapView) -> None:
    rows = grid_units(50)
    map_view.update_units(rows)
    map_view.flush()
    assert map_view.pending_changes() == 0
    map_view.update_units(rows)  # the same rows: nothing to send
    assert map_view.pending_changes() == 0
    map_view.update_units([list(rows[0])])  # a list row is checked and found the same
    assert map_view.pending_changes() == 0
    with pytest.raises(ValueError, match="unknown status"):
        map_view.update_units([rows[1], ("U1", LAT0, LON0, "asleep")])
    assert map_view.pending_changes() == 0  # nothing kept from a rejected batch
    map_view.update_units([(rows[1][0], rows[1][1] + 0.001, rows[1][2], "busy")])
    assert map_view.pending_changes() == 1


def test_the_same_choropleth_is_not_sent_again(map_view: MapView, monkeypatch: Any) -> None:
    sent: list[str] = []
    run = map_view.live.run

    def recording_run(js: str, cb: Any = None) -> None:
        sent.append(js)
        run(js, cb)

    monkeypatch.setattr(map_view.live, "run", recording_run)
    map_view.set_choropleth({"G0001": 3}, "open")
    map_view.set_choropleth({"G0001": 3.0}, "open")
    assert sum("setChoropleth" in js for js in sent) == 1
    map_view.set_choropleth({"G0001": 4}, "open")
    assert sum("setChoropleth" in js for js in sent) == 2


def test_map_sync_sends_big_batches_at_once(console: Any, busy_engine: Any,
                                            map_view_factory: Any) -> None:
    from console.map_sync import MapSync

    view = map_view_factory()
    sync = MapSync(console, view)
    view.flush()
    sync.send_at_once = 5
    state = busy_engine.state  # the server's: the mirror follows it record by record
    units = sorted(state.units)
    for uid in units[:3]:
        state.units[uid].lat += 0.001
    console.apply_changes(set(), set(units[:3]))
    assert view.pending_changes() == 3  # small: left for the flush timer
    for uid in units[3:20]:
        state.units[uid].lat += 0.001
    console.apply_changes(set(), set(units[3:20]))
    assert view.pending_changes() == 0  # big: sent with the batch


def test_map_sync_shading_and_halos_follow_records_and_time(console: Any, busy_engine: Any,
                                                            clock: Any, map_view_factory: Any,
                                                            map_js: Any) -> None:
    from console.map_sync import MapSync
    from dispatch.domain import commands as cmd
    from dispatch.domain.timelimits import is_overdue, overdue_from
    from tests.domain.helpers import DISPATCHER

    view = map_view_factory()
    sync = MapSync(console, view, level="grid")
    state = console.state

    def expected(mode: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for inc in state.incidents.values():
            if inc.is_open and (mode == "open" or is_overdue(inc, clock())):
                out[inc.grid] = out.get(inc.grid, 0.0) + 1.0
        return out

    def shading() -> dict[str, float]:
        view.flush()
        return map_js(view, "GL._choropleth.values")

    assert shading() == expected("open")
    sync.set_choropleth_mode("overdue")
    assert shading() == expected("overdue")
    # time passes: a clock runs out without its record changing
    soon = min((i for i in state.incidents.values() if i.is_open and not is_overdue(i, clock())),
               key=overdue_from)
    sync._tick()  # the tick remembers when it last looked
    clock.advance(overdue_from(soon) - clock() + 1)
    sync._tick()
    assert map_js(view, f"GL._incidents.get({soon.id!r}).overdue") is True
    assert shading() == expected("overdue")
    # a record changes: the incident leaves the map and the shading
    gone = next(i.id for i in state.incidents.values()
                if i.status.value in ("reported", "registered"))
    busy_engine.execute(cmd.CancelIncident(gone, "重复"), DISPATCHER)
    console.apply_changes(*busy_engine.state.take_changes())
    sync.update_choropleth()
    assert shading() == expected("overdue")
    sync.set_choropleth_mode("open")
    assert shading() == expected("open")
    assert map_js(view, f"GL._incidents.has({gone!r})") is False


def page_units(view: MapView, map_js: Any) -> dict[str, tuple[float, float, str]]:
    got = map_js(view, "Array.from(GL._units.values()).map(function (m) {"
                       " var p = m.getLatLng(); return [m._glId, p.lat, p.lng, m._glStatus]; })")
    return {r[0]: (r[1], r[2], r[3]) for r in got}


def test_units_as_columns_reach_the_page(map_view: MapView, map_js: Any, qtbot: Any) -> None:
    """A city's jump: every unit as columns, only the changed ones sent, removals and rows
    mixed in; the page ends with exactly the units the view holds, where they are."""
    rows = grid_units(3000)
    ids = tuple(r[0] for r in rows)
    lat, lon = [r[1] for r in rows], [r[2] for r in rows]
    statuses = ["available"] * len(ids)
    assert map_view.update_unit_columns(ids, lat, lon, statuses) == 3000
    painted(map_view, qtbot, "columns-1")
    assert len(page_units(map_view, map_js)) == 3000
    # ten move, five change status, three go; the rest as they were
    for k in range(10):
        lat[k] += 0.001
    for k in range(10, 15):
        statuses[k] = "on_scene"
    changed = map_view.update_unit_columns(ids, lat, lon, statuses, ["U20", "U21", "U22"])
    assert changed == 18
    assert map_view.pending_changes() == 18
    map_view.update_units([("U30", LAT0, LON0, "busy")])  # a row among the columns
    painted(map_view, qtbot, "columns-2")
    want = {uid: row[1:] for uid, row in map_view.unit_rows().items()}
    assert len(want) == 2997
    assert want["U30"] == (LAT0, LON0, "busy")
    assert want["U0"] == (lat[0], lon[0], "available")
    assert want["U10"][2] == "on_scene"
    assert page_units(map_view, map_js) == want
    # units coming back, and new ones, in a longer order
    more = grid_units(3100, shift=0.0005)
    ids2 = tuple(r[0] for r in more)
    map_view.update_unit_columns(ids2, [r[1] for r in more], [r[2] for r in more],
                                 ["busy"] * len(more))
    painted(map_view, qtbot, "columns-3")
    assert page_units(map_view, map_js) == {r[0]: (r[1], r[2], "busy") for r in more}


@pytest.mark.parametrize(("bad", "message"), [
    (lambda c: c["lat"].__setitem__(7, float("nan")), "unit 'U7'.*not a valid lat, lon"),
    (lambda c: c["lon"].__setitem__(8, 181.0), "unit 'U8'.*not a valid lat, lon"),
    (lambda c: c["statuses"].__setitem__(9, "asleep"), "unit 'U9': unknown status 'asleep'"),
    (lambda c: c["statuses"].__setitem__(9, None), "unit 'U9': unknown status None"),
    (lambda c: c["lat"].pop(), "as long as the ids"),
    (lambda c: c.__setitem__("ids", (*c["ids"][:-1], "U0")), "must not repeat"),
    (lambda c: c.__setitem__("ids", ("", *c["ids"][1:])), "non-empty string"),
    (lambda c: c["lat"].__setitem__(3, "north"), "must hold numbers"),
    (lambda c: c.__setitem__("ids", ("U\ud800", *c["ids"][1:])), "valid text"),
], ids=["nan", "lon range", "status", "status type", "length", "repeat", "empty id",
        "not a number", "surrogate"])
def test_bad_unit_columns_change_nothing(map_view: MapView, bad: Any, message: str) -> None:
    rows = grid_units(2500)
    cols: dict[str, Any] = {"ids": tuple(r[0] for r in rows), "lat": [r[1] for r in rows],
                            "lon": [r[2] for r in rows],
                            "statuses": ["available"] * len(rows)}
    map_view.update_unit_columns(cols["ids"], cols["lat"], cols["lon"], cols["statuses"])
    map_view.flush()
    before = map_view.unit_rows()
    moved = {**cols, "ids": tuple(cols["ids"]), "lat": [x + 0.001 for x in cols["lat"]],
             "statuses": list(cols["statuses"])}
    bad(moved)
    with pytest.raises(ValueError, match=message):
        map_view.update_unit_columns(moved["ids"], moved["lat"], moved["lon"],
                                     moved["statuses"], ["U1"])
    assert map_view.pending_changes() == 0
    assert map_view.unit_rows() == before


def test_a_jump_is_drawn_within_the_flush(map_view: MapView, map_js: Any, monkeypatch: Any
                                          ) -> None:
    """A replay jump's flush (``draw_now``) has the page draw a bulk change within the call,
    not at its next frame (which waits for the console's busy event loop); other flushes
    leave it to the next frame."""
    map_view.update_units(grid_units(600))
    map_view.flush()
    got = map_js(map_view, "(function () { var r = GL.renderers.units;"
                           " GL.drawNow = true; r.redrawAll(); var now = !!r._redrawRequest;"
                           " GL.drawNow = false; r.redrawAll(); var later = !!r._redrawRequest;"
                           " return [now, later]; })()")
    assert got == [False, True]
    sent: list[str] = []
    monkeypatch.setattr(map_view.live, "run", lambda js, callback=None: sent.append(js))
    for draw_now in (True, False):
        map_view.update_units(grid_units(600, shift=0.003 if draw_now else 0.006))
        map_view.flush(draw_now=draw_now)
        assert ("GL.drawNow=true;" in sent[-1]) is draw_now
        # set back whatever the flush's script throws
        assert ("finally{GL.drawNow=false}" in sent[-1]) is draw_now


def test_text_the_page_cannot_take_is_refused(map_view: MapView) -> None:
    """An id or label with an unpaired surrogate cannot be written as UTF-8 for the page:
    refused when it comes in (nothing of the batch kept), not at the next flush."""
    map_view.update_units([("U1", LAT0, LON0, "busy")])
    map_view.update_incidents([("I1", LAT0, LON0, "high", False, "井盖缺失")])
    map_view.flush()
    with pytest.raises(ValueError, match="valid text"):
        map_view.update_units([("U2", LAT0, LON0, "busy"), ("U\udc00", LAT0, LON0, "busy")])
    with pytest.raises(ValueError, match="not valid text"):
        map_view.update_incidents([("I2", LAT0, LON0, "high", False, "ok"),
                                   ("I3", LAT0, LON0, "high", False, "bad \ud800")])
    assert map_view.pending_changes() == 0
    assert set(map_view.unit_rows()) == {"U1"}


def test_a_flush_that_fails_sends_and_forgets_nothing(map_view: MapView, map_js: Any,
                                                      qtbot: Any, monkeypatch: Any) -> None:
    """If writing a flush out fails, nothing of it counts as sent: the next flush carries it
    (the page's unit order never runs ahead of what it was sent)."""
    import maps.markers as markers_module

    map_view.update_units(grid_units(5))
    map_view.update_incidents([("I1", LAT0, LON0, "high", False, "I1")])
    real = markers_module.js_rows

    def fail(_value: Any) -> str:
        raise TypeError("simulated")

    monkeypatch.setattr(markers_module, "js_rows", fail)
    with pytest.raises(TypeError):
        map_view.flush()
    assert map_view.pending_changes() == 6
    monkeypatch.setattr(markers_module, "js_rows", real)
    painted(map_view, qtbot, "after-failure")
    assert page_units(map_view, map_js) == {
        uid: row[1:] for uid, row in map_view.unit_rows().items()}
    assert map_js(map_view, "GL.counts().incidents") == 1


def test_a_big_batch_is_fetched_by_the_page_not_written_into_the_script(
        map_view: MapView, map_js: Any, qtbot: Any, monkeypatch: Any) -> None:
    """A batch whose data is longer than INLINE_DATA_MAX (a city's first 26,000 units) is
    served for the page to fetch (V8 keeps the source of every script it ran, so the data
    written as a literal stayed in the page's heap); it is forgotten once the call ran, and a
    small batch is still written into its script."""
    import maps.live as live_module
    from maps.scheme import scheme_handler

    handler = scheme_handler(map_view.page().profile())
    sent: list[str] = []
    real_run = map_view.live.run

    def run(script: str, callback: Any = None) -> None:
        sent.append(script)
        real_run(script, callback)

    monkeypatch.setattr(map_view.live, "run", run)
    rows = grid_units(3000)
    map_view.update_units(rows)
    painted(map_view, qtbot, "big")
    assert page_units(map_view, map_js) == {r[0]: r[1:] for r in rows}
    big = [s for s in sent if "GL.applyUnitColumns" in s]
    assert len(big) == 1
    assert "GL.data(" in big[0]
    assert "U2999" not in big[0]
    assert len(big[0]) < live_module.INLINE_DATA_MAX
    path = big[0].split('GL.data("', 1)[1].split('"', 1)[0]
    assert path.startswith(map_view.live.layers.data_key + "/markers/")
    qtbot.waitUntil(lambda: handler.resource(f"data/{path}") is None, timeout=5_000)
    sent.clear()
    map_view.update_units([("U7", LAT0, LON0, "busy")])
    painted(map_view, qtbot, "small")
    small = [s for s in sent if "GL.applyUnitColumns" in s]
    assert len(small) == 1
    assert "GL.data(" not in small[0]
    assert page_units(map_view, map_js)["U7"] == (LAT0, LON0, "busy")
