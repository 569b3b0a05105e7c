"""Fixtures for the widget tests: a realistic mirror built by the real engine on the demo city,
a console model over it, and a stand-in for the shell that runs requested commands on the
engine and reports back like the server would.

The console never shares a record object with the engine, as live: its state is a mirror
whose records are decoded from the wire bodies (:mod:`dispatch.adapters.protocol.records`), and
every :meth:`ConsoleModel.apply_changes` first decodes a new record object for each changed id,
as the live mirror does, so a view that keeps a record object instead of its id shows stale
data here as it would live.

Import with ``from tests.ui.widget_fixtures import *`` in a test module.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterable
from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from dispatch.adapters.protocol.records import (
    INCIDENT,
    UNIT,
    apply_body,
    encode_incident,
    encode_unit,
)
from dispatch.domain import commands as cmd
from dispatch.domain import events as ev
from dispatch.domain.catalogue.model import Priority
from dispatch.domain.contacts import contacts_of, same_caller
from dispatch.domain.errors import DispatchError
from dispatch.domain.roles import Actor
from dispatch.domain.state import DispatchState
from dispatch.domain.status import UnitStatus
from dispatch.services.engine import DispatchEngine
from tests.domain.helpers import DISPATCHER, FIELD, LEAD, grid_point
from widgets.console_model import ConsoleModel

__all__ = [
    "FakeShell",
    "MirroredConsole",
    "busy_engine",
    "console",
    "mirror_of",
    "populate",
    "shell",
    "shown",
]


def copy_records(source: DispatchState, mirror: DispatchState, incident_ids: set[str],
                 unit_ids: set[str]) -> None:
    """Bring the records of ``source`` with these ids into ``mirror`` the way the live mirror
    does: each one decoded from its wire body into a new object (an absent one is deleted)."""
    for iid in incident_ids:
        inc = source.incidents.get(iid)
        apply_body(mirror, INCIDENT, iid, b"" if inc is None else encode_incident(inc)[1])
    for uid in unit_ids:
        u = source.units.get(uid)
        apply_body(mirror, UNIT, uid, b"" if u is None else encode_unit(u)[1])
    mirror.seq, mirror.ts = source.seq, source.ts
    mirror.incident_counter, mirror.archived = source.incident_counter, source.archived
    mirror.take_changes()


def mirror_of(state: DispatchState) -> DispatchState:
    """A mirror of ``state`` as a snapshot would build it: equal records, none shared."""
    out = DispatchState()
    copy_records(state, out, set(state.incidents), set(state.units))
    return out


class MirroredConsole(ConsoleModel):
    """A console model over a mirror of a source state (the engine's), kept like the shell
    keeps it live.

    The source plays the server: tests and :class:`FakeShell` change it (commands on the
    engine, or records set by hand) and then call :meth:`apply_changes`, which first replaces
    the changed records of the mirror with newly decoded ones, as the shell's mirror update
    does before it calls the real method. :meth:`reset` with a state is a resync from a server
    whose state that is: the mirror is rebuilt from it and follows it from then on. Nothing the
    views see is an object the source goes on changing in place.
    """

    def __init__(self, engine: DispatchEngine, actor: Actor, **kw: Any) -> None:
        self.source = engine.state
        """The state the mirror follows (the server's)."""
        super().__init__(mirror_of(engine.state), engine.catalogue, engine.city, actor, **kw)
        self.set_run_cards(engine.state.run_cards.values())  # as the shell reads them at start
        self.set_hazards(engine.state.hazards.values())

    def apply_changes(self, incident_ids: Iterable[str], unit_ids: Iterable[str]) -> None:
        incidents, units = set(incident_ids), set(unit_ids)
        copy_records(self.source, self.state, incidents, units)
        super().apply_changes(incidents, units)

    def reset(self, state: DispatchState | None = None) -> None:
        if state is not None:
            self.source = state
        super().reset(mirror_of(self.source))


def _classes(engine: DispatchEngine) -> list[str]:
    """Minor classes whose lead department has units in the demo city, urgent ones included."""
    depts = {u.department for u in engine.state.units.values()}
    out = [m.code for m in engine.catalogue.minors.values() if m.lead_department in depts]
    urgent = [c for c in out if engine.catalogue.minors[c].priority == Priority.URGENT]
    return urgent[:3] + [c for c in out if c not in urgent[:3]]


def _free(engine: DispatchEngine, dept: str, n: int = 1) -> tuple[str, ...]:
    ids = sorted(u.id for u in engine.state.units.values()
                 if u.department == dept and u.status == UnitStatus.AVAILABLE)
    return tuple(ids[:n])


def report_at(engine: DispatchEngine, index: int, class_code: str, **kw: Any) -> str:
    lon, lat, _ = grid_point(engine, index)
    out = engine.execute(cmd.ReportIncident(
        source=kw.pop("source", "hotline"), class_code=class_code, lon=lon, lat=lat,
        description=kw.pop("description", "路面井盖缺失，请尽快处理"),
        reporter=kw.pop("reporter", "王先生 138****1234"), **kw), DISPATCHER)
    reported = out.events[0].payload
    assert isinstance(reported, ev.IncidentReported)
    return reported.incident_id


def populate(engine: DispatchEngine, clock: Any, n: int = 60) -> dict[str, list[str]]:
    """Report ``n`` incidents over two hours and move them through every status.

    Returns the ids by the status or side path they were left in.
    """
    classes = _classes(engine)
    sources = ["hotline", "grid_worker", "citizen_app", "sensor", "video", "higher_level"]
    out: dict[str, list[str]] = {}
    for i in range(n):
        clock.advance(120)
        code = classes[i % len(classes)]
        iid = report_at(engine, i * 7, code, source=sources[i % len(sources)])
        lead = engine.catalogue.lead_department_of(code)
        step = i % 12
        kind = "reported"
        try:
            if step >= 1:
                engine.execute(cmd.RegisterIncident(iid), DISPATCHER)
                kind = "registered"
            if step == 2:
                engine.execute(cmd.CancelIncident(iid, "重复来电，已核实"), DISPATCHER)
                kind = "cancelled"
            if step >= 3:
                engine.execute(cmd.AssignUnits(iid, _free(engine, lead)), DISPATCHER)
                kind = "dispatched"
            if step == 4:
                engine.execute(cmd.Supervise(iid, True, "市领导批示"), LEAD)
                kind = "supervised"
            if step >= 5:
                engine.execute(cmd.Acknowledge(iid), FIELD)
                kind = "acknowledged"
            if step == 6:
                engine.execute(cmd.RequestExtension(iid, 240, "等待配件"), FIELD)
                kind = "extension"
            if step == 7:
                engine.execute(cmd.StartHandling(iid), FIELD)
                engine.execute(cmd.Park(iid, "需要专项资金"), LEAD)
                kind = "parked"
            if step >= 8:
                engine.execute(cmd.StartHandling(iid), FIELD)
                kind = "handling"
            if step == 8:
                engine.execute(cmd.Escalate(iid, "community", "需要社区协调"), DISPATCHER)
                kind = "escalated"
            if step >= 9:
                engine.execute(cmd.Respond(iid, "已处理完毕"), FIELD)
                kind = "responded"
            if step >= 10:
                engine.execute(cmd.Verify(iid, True, "现场核实"), FIELD)
                kind = "verified"
            if step >= 11:
                engine.execute(cmd.CloseIncident(iid, "fixed"), DISPATCHER)
                kind = "closed"
        except DispatchError:
            pass  # e.g. no free unit left: leave it where it got to
        engine.execute(cmd.AddNote(iid, "已电话联系报告人"), DISPATCHER)
        out.setdefault(kind, []).append(iid)
    engine.state.take_changes()
    return out


class FakeShell:
    """Runs the console's requests on the engine at once and reports back, like the server."""

    def __init__(self, engine: DispatchEngine, console: Any) -> None:
        self.engine = engine
        self.console = console
        self.requests: list[tuple[Any, Any, str]] = []
        self.hold = False  # True: keep requests pending (answer later with finish())
        console.sig_command_requested.connect(self.on_request)
        console.sig_run_cards_wanted.connect(self.on_run_cards_wanted)
        self.run_card_reads = 0
        console.sig_hazards_wanted.connect(self.on_hazards_wanted)
        console.sig_phones_wanted.connect(self.on_phones_wanted)
        console.sig_caller_wanted.connect(self.on_caller_wanted)
        self.hazard_reads = 0
        self.phone_queries: list[list[str]] = []
        self.caller_queries: list[str] = []

    def on_hazards_wanted(self) -> None:
        """The hazards query, answered from the engine (in the operator's scope)."""
        self.hazard_reads += 1
        actor = self.console.actor
        self.console.set_hazards(h for h in self.engine.state.hazards.values()
                                 if actor.in_scope(h.grid))

    def on_phones_wanted(self, incident_ids: list[str]) -> None:
        """The contacts query (incident ids), answered from the engine."""
        self.phone_queries.append(list(incident_ids))
        self.console.set_phones(incident_ids, contacts_of(self.engine.state, self.console.actor,
                                                          incident_ids))

    def on_caller_wanted(self, phone: str) -> None:
        """The contacts query (a phone), answered from the engine."""
        self.caller_queries.append(phone)
        self.console.set_caller_incidents(phone, same_caller(self.engine.state,
                                                             self.console.actor, phone))

    def on_run_cards_wanted(self) -> None:
        """The run_cards query, answered from the engine."""
        self.run_card_reads += 1
        self.console.set_run_cards(self.engine.state.run_cards.values())

    def on_request(self, command: Any, expected: Any, context: str) -> None:
        self.requests.append((command, expected, context))
        if not self.hold:
            self.finish(context)

    def finish(self, context: str) -> None:
        command, expected, _ = next(r for r in self.requests if r[2] == context)
        try:
            out = self.engine.execute(command, self.console.actor, expected_version=expected)
        except DispatchError as exc:
            self.console.command_finished(context, False, exc.message)
            return
        self.console.apply_changes(*self.engine.state.take_changes())
        # like the server's reply: the incident (or unit) the first event is about
        result: dict[str, Any] = {}
        for e in getattr(out, "events", ()):
            if e.incident_id is not None:
                result["incident_id"] = e.incident_id
                break
        self.console.command_finished(context, True, "", result)


@pytest.fixture
def busy_engine(engine: DispatchEngine, clock: Any) -> DispatchEngine:
    """The demo city's engine with 60 incidents in every status."""
    engine.populated = populate(engine, clock)  # type: ignore[attr-defined]  # the tests read the ids through the fixture
    return engine


@pytest.fixture
def console(busy_engine: DispatchEngine, clock: Any, qapp: Any) -> MirroredConsole:
    return MirroredConsole(busy_engine, LEAD, now=clock)


@pytest.fixture
def shell(busy_engine: DispatchEngine, console: Any) -> FakeShell:
    return FakeShell(busy_engine, console)


def top_level_items(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    """The tree's top-level rows (every index below the count has one)."""
    items = []
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        assert item is not None
        items.append(item)
    return items


def shown(widget: Any, qtbot: Any, w: int = 900, h: int = 900) -> Any:
    """``widget`` shown at ``w``×``h``, exposed and active (its keys reach it)."""
    qtbot.addWidget(widget)
    widget.resize(w, h)
    with qtbot.waitExposed(widget):
        widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget
