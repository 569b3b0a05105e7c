"""The dispatcher workstation against a real dispatch server on loopback (SQLite): every
workflow action end to end through the console's request path, the map's layers matching the
state, selection in sync everywhere, and reconnection after the server restarts."""

from __future__ import annotations

import gc
import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import maps

maps.prepare_environment()

from dispatch.adapters.client import CommandClient  # noqa: E402
from dispatch.adapters.client.mirror import MirrorStatus  # noqa: E402
from dispatch.adapters.security.operators import DEMO_PASSWORDS  # noqa: E402
from dispatch.domain import commands as cmd  # noqa: E402
from dispatch.domain.status import IncidentStatus, UnitStatus  # noqa: E402
from tests.integration.conftest import RunningServer, server_factory  # noqa: E402, F401

pytestmark = pytest.mark.ui
S = IncidentStatus
WAIT_MS = 15_000


class Workstation:
    def __init__(self, srv: RunningServer, window: Any, session: Any, qtbot: Any) -> None:
        self.srv, self.window, self.session, self.qtbot = srv, window, session, qtbot
        self.console = window.console
        self.results: dict[str, tuple[bool, str]] = {}
        self.frozen_before = 0  # gc.get_freeze_count() before the console started
        self.console.sig_command_finished.connect(
            lambda ctx, ok, msg: self.results.__setitem__(ctx, (ok, msg)))

    def do(self, command: Any, expected_version: int | None = None) -> tuple[bool, str]:
        """Send through the console (as the panels do) and wait for the server's answer."""
        ctx = self.console.request(command, expected_version)
        self.qtbot.waitUntil(lambda: ctx in self.results, timeout=WAIT_MS)
        return self.results[ctx]

    def ok(self, command: Any) -> None:
        ok, msg = self.do(command)
        assert ok, f"{type(command).__name__} refused: {msg}"

    def status_of(self, iid: str) -> IncidentStatus | None:
        inc = self.console.state.incidents.get(iid)
        return None if inc is None else inc.status

    def wait_status(self, iid: str, status: IncidentStatus) -> None:
        self.qtbot.waitUntil(lambda: self.status_of(iid) == status, timeout=WAIT_MS)

    def report(self, index: int = 0, text: str = "市民反映路灯不亮") -> str:
        before = set(self.console.state.incidents)
        grids = sorted(r.code for r in self.console.city.grids())
        p = self.console.city.regions[grids[index]].geometry.representative_point()
        klass = next(m.code for m in self.console.catalogue.minors.values()
                     if m.priority == "normal")
        self.ok(cmd.ReportIncident("hotline", klass, p.x, p.y, text, reporter="12345"))
        self.qtbot.waitUntil(lambda: bool(set(self.console.state.incidents) - before),
                             timeout=WAIT_MS)
        (iid,) = set(self.console.state.incidents) - before
        return iid

    def act(self, iid: str, key: str, fill: Callable[[Any], None] | None = None) -> None:
        """Do what a dispatcher does: pick the incident in the queue, press the action's
        button on the detail panel, fill its form (``fill(form)``) and send it; wait for the
        server's answer, which must be yes."""
        from PySide6.QtCore import Qt

        queue, detail = self.window.queue, self.window.detail
        self.qtbot.waitUntil(lambda: queue.table.row_of(iid) is not None, timeout=WAIT_MS)
        self.console.select_incident(iid, "queue")
        assert detail.incident_id == iid
        self.qtbot.waitUntil(lambda: key in detail.visible_actions(), timeout=WAIT_MS)
        answered = len(self.results)
        self.qtbot.mouseClick(detail.buttons[key], Qt.MouseButton.LeftButton)
        if detail.form is not None:
            if fill is not None:
                fill(detail.form)
            self.qtbot.mouseClick(detail.submit, Qt.MouseButton.LeftButton)
        self.qtbot.waitUntil(lambda: len(self.results) > answered, timeout=WAIT_MS)
        ok, msg = list(self.results.values())[-1]
        assert ok, f"{key} on {iid} refused: {msg}"

    def incident(self, iid: str) -> Any:
        return self.console.state.incidents[iid]

    def wait_for(self, iid: str, check: Callable[[Any], bool]) -> Any:
        """Wait until the mirror's record of ``iid`` passes ``check``; return it."""
        self.qtbot.waitUntil(lambda: iid in self.console.state.incidents
                             and check(self.incident(iid)), timeout=WAIT_MS)
        return self.incident(iid)

    def js(self, expr: str) -> Any:
        box: list[Any] = []
        self.window.map.evaluate(f"JSON.stringify({expr})", box.append)
        self.qtbot.waitUntil(lambda: bool(box), timeout=WAIT_MS)
        return json.loads(box[0])


@pytest.fixture
def workstation(qtbot: Any, server_factory: Any, tmp_path: Any) -> Iterator[Workstation]:  # noqa: F811
    from PySide6.QtCore import QCoreApplication, QEvent, QSettings

    from console.startup import build_console
    from dispatch.adapters.server.process import Endpoints

    srv = server_factory()
    ep = srv.endpoints
    thresholds = gc.get_threshold()
    frozen_before = gc.get_freeze_count()
    with CommandClient(ep.command) as c:
        login = c.login("lead", DEMO_PASSWORDS["lead"], "ws-ui")
    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    window, session = build_console(Endpoints(ep.command, ep.snapshot, ep.update), login,
                                    srv.server.engine.city, "lead", DEMO_PASSWORDS["lead"],
                                    None, settings=settings)
    window.resize(1600, 900)
    window.show()
    qtbot.waitUntil(lambda: session.got_first and window.map.is_ready, timeout=30_000)
    ws = Workstation(srv, window, session, qtbot)
    ws.frozen_before = frozen_before
    yield ws
    session.stop()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    # The console froze the heap and tuned the collector once live: undo for the next tests.
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def _text(text: str) -> Callable[[Any], None]:
    def fill(form: Any) -> None:
        form.text.setText(text)
    return fill


def test_every_action_end_to_end(workstation: Workstation) -> None:
    """Each workflow action through the panel a dispatcher uses (the queue to pick, the
    detail panel's buttons and forms to act), and the incident in the console's mirror as
    the server left it after it answered."""
    from PySide6.QtCore import Qt

    ws = workstation
    c = ws.console
    a = ws.report(0)
    ws.act(a, "register")
    inc = ws.wait_for(a, lambda i: i.status == S.REGISTERED)
    assert inc.registered_at
    recs = c.recommend(a)
    assert recs, "no recommended units"
    unit = recs[0].unit_id

    def pick_first_unit(form: Any) -> None:
        rows = [form.units.topLevelItem(i) for i in range(form.units.topLevelItemCount())]
        row = next(r for r in rows if r.data(0, Qt.ItemDataRole.UserRole) == unit)
        row.setCheckState(0, Qt.CheckState.Checked)

    ws.act(a, "assign", pick_first_unit)
    inc = ws.wait_for(a, lambda i: i.status == S.DISPATCHED)
    assert inc.units == (unit,)
    assert inc.lead_department == c.state.units[unit].department
    ws.qtbot.waitUntil(lambda: c.state.units[unit].status == UnitStatus.DISPATCHED
                       and c.state.units[unit].incident_id == a, timeout=WAIT_MS)
    # The queue shows the new state in its row.
    model = ws.window.queue.table
    row = model.row_of(a)
    assert row is not None
    assert a in str(model.index(row, 0).data())

    joint = len(ws.incident(a).departments) > 1  # the class's assisting departments

    def everyone(form: Any) -> None:  # a joint incident's form: all departments at once
        form.choose("")

    ws.act(a, "acknowledge", everyone)
    ws.wait_for(a, lambda i: i.status == S.ACKNOWLEDGED and bool(i.acknowledged_at))
    ws.act(a, "handle")  # the form's first choice: the lead department
    ws.wait_for(a, lambda i: i.status == S.HANDLING)
    ws.act(a, "respond", _text("已更换灯泡"))
    if joint:  # the lead has responded; the assisting departments have not
        ws.wait_for(a, lambda i: i.tasks[0].state == "responded" and i.status == S.HANDLING)

        def the_others(form: Any) -> None:
            form.choose("")  # all that are left (kept on the one left, if only one)
            form.text.setText("协办部门已配合完成")

        ws.act(a, "respond", the_others)
    assert ws.wait_for(a, lambda i: i.status == S.RESPONDED).responded_at

    def passed(form: Any) -> None:
        form.passed.setChecked(True)
        form.note.setText("现场核实")

    ws.act(a, "verify", passed)
    ws.wait_for(a, lambda i: i.status == S.VERIFIED and bool(i.verified_at))

    def fixed(form: Any) -> None:
        form.buttons["fixed"].setChecked(True)

    ws.act(a, "close", fixed)
    inc = ws.wait_for(a, lambda i: i.status == S.CLOSED)
    assert inc.close_reason == "fixed"
    assert inc.closed_at
    assert inc.units == ()  # released
    ws.qtbot.waitUntil(lambda: c.state.units[unit].incident_id == "", timeout=WAIT_MS)

    def five(form: Any) -> None:
        form.scores.button(5).setChecked(True)
        form.comment.setText("满意")

    ws.act(a, "evaluate", five)
    assert ws.wait_for(a, lambda i: i.evaluation == 5).status == S.CLOSED

    b = ws.report(1, "井盖缺失")
    unit = c.recommend(b)[0].unit_id
    ws.act(b, "assign", pick_first_unit)
    assert ws.wait_for(b, lambda i: i.status == S.DISPATCHED).units == (unit,)
    ws.act(b, "return", _text("派错部门"))
    inc = ws.wait_for(b, lambda i: i.status == S.REGISTERED)
    assert inc.returns == 1
    assert inc.units == ()
    ws.act(b, "assign", pick_first_unit)
    ws.wait_for(b, lambda i: i.status == S.DISPATCHED)
    ws.act(b, "acknowledge")
    ws.wait_for(b, lambda i: i.status == S.ACKNOWLEDGED)
    ws.act(b, "supervise", _text("督办"))
    assert ws.wait_for(b, lambda i: i.supervised).status == S.ACKNOWLEDGED
    level = c.state.incidents[b].level

    def reason(form: Any) -> None:
        form.reason.setText("网格无法处置")

    ws.act(b, "escalate", reason)
    inc = ws.wait_for(b, lambda i: i.escalations == 1)
    assert inc.level == level.next_up
    notes = len(inc.notes)
    ws.act(b, "note", _text("已联系社区"))
    inc = ws.wait_for(b, lambda i: len(i.notes) > notes)
    assert inc.notes[-1].text == "已联系社区"

    def sixty(form: Any) -> None:
        form.minutes.setValue(60)
        form.reason.setText("等待配件")

    ws.act(b, "request_extension", sixty)
    assert ws.wait_for(b, lambda i: i.extension_minutes == 60).extensions_granted == 0
    ws.act(b, "approve_extension")
    inc = ws.wait_for(b, lambda i: i.extensions_granted == 1)
    ws.act(b, "park", _text("挂账"))
    inc = ws.wait_for(b, lambda i: i.status == S.PARKED)
    assert inc.parked_from == S.ACKNOWLEDGED
    ws.act(b, "unpark")
    inc = ws.wait_for(b, lambda i: i.status == S.ACKNOWLEDGED)
    assert (inc.escalations, inc.supervised, inc.extensions_granted) == (1, True, 1)
    assert inc.units == (unit,)

    d, e = ws.report(2), ws.report(2)

    def duplicate_of_d(form: Any) -> None:
        form.original.setText(d)

    ws.act(e, "duplicate", duplicate_of_d)
    inc = ws.wait_for(e, lambda i: i.status == S.CLOSED)
    assert (inc.close_reason, inc.duplicate_of) == ("duplicate", d)
    assert ws.wait_for(d, lambda i: bool(i.duplicates)).duplicates == (e,)
    ws.act(d, "cancel", _text("误报"))
    inc = ws.wait_for(d, lambda i: i.status == S.CANCELLED)
    assert inc.close_reason == "cancelled"


def test_server_errors_are_shown_in_words_and_change_nothing(workstation: Workstation) -> None:
    ws = workstation
    a, b = ws.report(3), ws.report(4)
    unit = ws.console.recommend(a)[0].unit_id
    ws.ok(cmd.AssignUnits(a, (unit,)))
    ws.wait_status(a, S.DISPATCHED)
    ok, msg = ws.do(cmd.AssignUnits(b, (unit,)))
    assert not ok
    assert unit in msg
    assert "not available" in msg
    assert ws.status_of(b) == S.REPORTED
    stale = ws.console.state.incidents[b].version - 1
    ok, msg = ws.do(cmd.RegisterIncident(b), expected_version=stale)
    assert not ok
    assert "changed since you looked" in msg
    ok, msg = ws.do(cmd.Respond(b, "x"))
    assert not ok
    assert "cannot respond" in msg


def test_once_live_the_long_lived_heap_is_frozen_and_the_collector_tuned(
        workstation: Workstation) -> None:
    """What the tuning is for: once the first snapshot is shown, what is alive (the city, the
    mirror, Qt's wrappers) is out of the collector's passes, so a full collection walks a
    fraction of the heap; and the collector runs with the live thresholds."""
    from dispatch.entrypoints.tuning import GC_THRESHOLDS_LIVE

    ws = workstation
    assert ws.session.got_first
    frozen = gc.get_freeze_count()
    records = len(ws.console.state.incidents) + len(ws.console.state.units)
    assert frozen - ws.frozen_before > records  # at least the mirror's records went in
    # A full collection walks the three generations, not the permanent one.
    walked = len(gc.get_objects())
    assert walked * 4 < walked + frozen, (walked, frozen)
    # the records of the first snapshot are among the frozen objects, not walked
    walked_ids = {id(o) for o in gc.get_objects()}
    units = list(ws.console.state.units.values())
    assert sum(id(u) in walked_ids for u in units) < len(units) // 10
    # the collector's middle and full passes run with the live thresholds
    assert gc.get_threshold()[1:] == GC_THRESHOLDS_LIVE
    full_before = gc.get_stats()[2]["collections"]
    gc.collect()
    assert gc.get_stats()[2]["collections"] == full_before + 1
    # a collection leaves the frozen heap frozen (only frozen objects that died leave it)
    assert frozen * 0.9 < gc.get_freeze_count() <= frozen


def test_once_live_the_c_heap_is_trimmed_periodically(workstation: Workstation) -> None:
    """The live feed frees as much as it makes and glibc keeps it: once the first snapshot
    is shown, a timer of the window hands the free pages back every HEAP_TRIM_MS."""
    from PySide6.QtCore import QTimer

    from console.building import HEAP_TRIM_MS

    timer = workstation.window.findChild(QTimer, "heap-trim")
    assert timer is not None
    assert timer.interval() == HEAP_TRIM_MS
    assert timer.isActive()
    assert not timer.isSingleShot()


def test_reconnects_after_the_server_restarts(workstation: Workstation, server_factory: Any  # noqa: F811
                                              ) -> None:
    ws = workstation
    a = ws.report(9)
    old = ws.srv
    ports = [int(x.rsplit(":", 1)[1]) for x in (old.endpoints.command, old.endpoints.snapshot,
                                                 old.endpoints.update)]
    url = old.settings.db_url
    old.stop()
    ws.qtbot.waitUntil(lambda: ws.window.status.last_info is not None
                       and ws.window.status.last_info.status != MirrorStatus.LIVE,
                       timeout=WAIT_MS)
    assert ws.window.status.stale.isVisible()
    new = server_factory(url, command_port=ports[0], snapshot_port=ports[1],
                         update_port=ports[2])
    ws.srv = new
    ws.qtbot.waitUntil(lambda: ws.window.status.last_info.status == MirrorStatus.LIVE,
                       timeout=30_000)
    assert a in ws.console.state.incidents
    ws.ok(cmd.RegisterIncident(a))
    ws.wait_status(a, S.REGISTERED)
    assert not ws.window.status.stale.isVisible()


def test_no_key_is_bound_twice_across_the_window(workstation: Workstation) -> None:
    """Two window-wide bindings of one key are ambiguous to Qt, which then runs neither and
    swallows the key everywhere (an Escape bound by two panels stopped Escape in the map's
    search box). Panel-local keys are bound to their panel (WidgetWithChildrenShortcut)."""
    from collections import Counter

    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction, QShortcut

    window = workstation.window
    wide = (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)
    keys: Counter[str] = Counter()
    for sc in window.findChildren(QShortcut):
        if sc.context() in wide and not sc.key().isEmpty():
            keys[sc.key().toString()] += 1
    for action in window.findChildren(QAction):
        if action.shortcutContext() in wide:
            for k in {k.toString() for k in action.shortcuts() if not k.isEmpty()}:
                keys[k] += 1
    assert keys, "no window-wide keys found at all"
    assert not [k for k, n in keys.items() if n > 1], keys
    assert "Esc" not in keys  # Escape belongs to the widget with the focus


def test_the_embedded_gateway_address_shows_in_the_status_bar_and_about(
        workstation: Workstation, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QLabel, QMessageBox

    window = workstation.window
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, _title, text: shown.append(text))
    about = next(a for a in window.findChildren(QAction) if a.text() == "About Gridline")
    about.trigger()
    assert shown
    assert "gateway" not in shown[-1]  # not known yet
    window.show_gateway("http://127.0.0.1:18080")
    label = window.statusBar().findChild(QLabel, "gatewayUrl")
    assert label is not None
    assert label.text() == "Field gateway: http://127.0.0.1:18080"
    assert label.isVisible()
    about.trigger()
    assert "http://127.0.0.1:18080" in shown[-1]
    assert "open311-demo" in shown[-1]
