"""Every console panel renders something real, the KPI strip agrees with the domain's KPIs,
and no key of the main window is bound twice (pytest-qt, a real engine behind a stand-in
shell)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from dispatch.domain.kpi import GroupBy, compute_kpis
from tests.ui.pictures import assert_shows_something
from tests.ui.widget_fixtures import *  # noqa: F403
from tests.ui.widget_fixtures import shown
from widgets.actions import ConsoleActions
from widgets.command_line import CommandLine
from widgets.detail_panel import IncidentDetail
from widgets.incident_model import IncidentTableModel
from widgets.intake_dialog import IntakeDialog
from widgets.kpi_strip import KpiStrip
from widgets.queue_panel import QueuePanel
from widgets.unit_board import UnitBoard

pytestmark = pytest.mark.ui


# -------------------------------------------------------------------------------- KPI


def test_kpi_strip_matches_compute_kpis(console: Any, busy_engine: Any, clock: Any,
                                        qtbot: Any) -> None:
    k = shown(KpiStrip(console), qtbot, 1200, 80)
    want = compute_kpis(busy_engine.state, k.day_start(), clock(), GroupBy.CITY)[""]
    want = compute_kpis(busy_engine.state, k.day_start(), clock() + 1, GroupBy.CITY)[""]
    assert k.tiles["reported"].value.text() == str(want.reported) == "60"
    assert k.tiles["open"].value.text() == str(want.open)
    assert k.tiles["overdue"].value.text() == str(want.overdue)
    assert k.tiles["response"].value.text() != ""
    assert k.scope_label.text() == console.city.name


# ----------------------------------------------------------------------------- intake


def test_every_panel_renders(console: Any, busy_engine: Any, qtbot: Any, clock: Any,
                             tmp_path: Any) -> None:
    """Each panel, rendered, shows its data: the picture is not blank where the data goes
    (the rows of the queue and the unit board, the detail's fields) and the widgets hold the
    figures, names and rows of the state."""
    actions = ConsoleActions(console)
    table = IncidentTableModel(console)
    panels: dict[str, tuple[Any, tuple[int, int]]] = {
        "queue": (QueuePanel(console, actions, table), (1400, 600)),
        "units": (UnitBoard(console, actions), (700, 700)),
        "detail": (IncidentDetail(console, actions), (560, 900)),
        "kpi": (KpiStrip(console), (1200, 70)),
        "intake": (IntakeDialog(console), (980, 560)),
        "cmdline": (CommandLine(console, actions), (900, 36)),
    }
    selected = busy_engine.populated["extension"][0]
    console.select_incident(selected, "test")
    images = {}
    for name, (widget, (w, h)) in panels.items():
        shown(widget, qtbot, w, h)
        QApplication.processEvents()
        image = images[name] = widget.grab().toImage()
        assert (image.width(), image.height()) == (w, h)
        assert image.save(str(tmp_path / f"{name}.png"))
    state = busy_engine.state
    # queue: a row per open incident, drawn (text in the rows area, not one flat colour)
    q = panels["queue"][0]
    open_n = sum(1 for i in state.incidents.values() if i.is_open)
    assert q.proxy.rowCount() == open_n > 0
    assert q.shown.text() == f"{open_n} of 60 shown"
    top, bottom = q.view.rowAt(0), q.view.rowAt(q.view.viewport().height() - 1)
    assert top >= 0
    assert (open_n - 1 if bottom < 0 else bottom) - top >= 5  # rows fill the view
    assert q.selected_id() == selected  # scrolled to the selection
    assert_shows_something(q.view.viewport().grab().toImage(), colours=500, dominant=0.7,
                           spread=20)
    assert_shows_something(images["queue"], colours=1000, dominant=0.6, spread=20)
    # unit board: every unit under its department, drawn
    b = panels["units"][0]
    assert f"{len(state.units)}" in b.summary.text()
    assert b.model.rowCount() == len({u.department for u in state.units.values()})
    assert b.view.indexAt(QPoint(20, 5)).isValid()
    assert_shows_something(b.view.viewport().grab().toImage(), colours=500, dominant=0.7,
                           spread=20)
    # detail: the selected incident's id, status, description and notes
    d = panels["detail"][0]
    inc = console.incident(selected)
    assert inc is not None
    assert d.id_label.text() == selected
    assert d.status_chip.text() == inc.status.value.capitalize()
    assert d.fields["description"].text() == inc.description
    assert d.notes.topLevelItemCount() == len(inc.notes) > 0
    assert_shows_something(images["detail"], colours=300, dominant=0.8, spread=20)
    # KPI strip: today's figures
    k = panels["kpi"][0]
    want = compute_kpis(state, k.day_start(), clock() + 1, GroupBy.CITY)[""]
    assert k.tiles["reported"].value.text() == str(want.reported) == "60"
    assert k.tiles["open"].value.text() == str(want.open)
    assert k.tiles["overdue"].value.text() == str(want.overdue)
    assert k.scope_label.text() == console.city.name
    assert_shows_something(images["kpi"], colours=100, dominant=0.97, spread=10)
    # intake and command line: their fields and captions
    dlg = panels["intake"][0]
    assert dlg.source.count() >= 6
    assert dlg.send.text() == "Report"
    assert_shows_something(images["intake"], colours=100, dominant=0.8, spread=10)
    cl = panels["cmdline"][0]
    assert cl.prompt.text() == "›"
    assert cl.edit.isVisible()
    assert_shows_something(images["cmdline"], colours=50, dominant=0.9, spread=10)


def test_the_render_check_fails_on_an_empty_panel(busy_engine: Any, qtbot: Any,
                                                  clock: Any) -> None:
    """The picture check above tells rows from none: a queue over an empty mirror fails it."""
    from dispatch.domain.state import DispatchState
    from tests.domain.helpers import LEAD
    from widgets.console_model import ConsoleModel

    empty = ConsoleModel(DispatchState(), busy_engine.catalogue, busy_engine.city, LEAD,
                         now=clock)
    q = shown(QueuePanel(empty, ConsoleActions(empty)), qtbot, 1400, 600)
    QApplication.processEvents()
    assert q.proxy.rowCount() == 0
    with pytest.raises(AssertionError):
        assert_shows_something(q.view.viewport().grab().toImage(), colours=500,
                               dominant=0.7, spread=20)


def test_every_key_of_the_main_window_is_given_once() -> None:
    """One table of keys: a shortcut given to two actions of one window fires neither."""
    from collections import Counter

    from widgets.actions import REPLAY_SHORTCUTS, shortcut_table

    table = shortcut_table()
    normal = Counter(QKeySequence(k).toString() for k in table.values())
    assert [k for k, n in normal.items() if n > 1] == []
    assert table["audit_trail"] != table["approve_extension"]
    replay = Counter(QKeySequence(k).toString() for k in REPLAY_SHORTCUTS.values())
    assert [k for k, n in replay.items() if n > 1] == []
