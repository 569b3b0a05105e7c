"""The role table (docs/SECURITY.md "Roles and what each may do") as the handlers enforce it:
every role × every command, region scope on incidents and units, mutual aid, the field
gateway's limits, and the test levers kept off the wire."""

from __future__ import annotations

import dataclasses
import pickle
import typing
from pathlib import Path
from typing import Any

import pytest

from dispatch.adapters.protocol.messages import (
    QUERY_TYPES,
    BadRequest,
    build_command,
    parse_request,
)
from dispatch.domain import commands as cmd
from dispatch.domain.commands import COMMAND_TYPES
from dispatch.domain.errors import DispatchError, Forbidden, InvalidCommand, NotFound, Stale
from dispatch.domain.roles import (
    COMMAND_PERMISSIONS,
    FIELD_GATEWAY_STAGES,
    QUERY_PERMISSIONS,
    ROLE_PERMISSIONS,
    WIRE_TEST_LEVERS,
    Actor,
    Role,
    rights_table,
)
from dispatch.domain.status import IncidentStatus
from tests.domain.helpers import DISPATCHER, FIELD, LEAD, free_units, grid_point, report

ROOT = Path(__file__).resolve().parents[2]
S = IncidentStatus


def _probe(cls: type[Any]) -> Any:
    """An instance of command ``cls`` naming objects that do not exist."""
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        tp = hints[f.name]
        values[f.name] = ("X-nope" if tp is str else 0.0 if tp is float else 1 if tp is int
                          else True if tp is bool else ())
    return cls(**values)


def _outcome(engine: Any, command: Any, actor: Actor) -> type[DispatchError] | None:
    try:
        engine.execute(command, actor)
    except DispatchError as err:
        return type(err)
    return None


def unchanged(engine: Any, fn: Any) -> DispatchError:
    before = pickle.dumps(engine.state)
    with pytest.raises(DispatchError) as info:
        fn()
    assert pickle.dumps(engine.state) == before
    assert not engine.pending
    return info.value


def two_districts(engine: Any) -> tuple[str, str]:
    codes = sorted({r.code[:6] for r in engine.city.grids()})
    return codes[0], codes[1]


def index_in(engine: Any, prefix: str) -> int:
    grids = sorted(r.code for r in engine.city.grids())
    return next(i for i, code in enumerate(grids) if code.startswith(prefix))


def unit_in(engine: Any, prefix: str, department: str | None = None) -> str:
    return next(u.id for u in sorted(engine.state.units.values(), key=lambda u: u.id)
                if u.home_grid.startswith(prefix) and u.status.value == "available"
                and (department is None or u.department == department))


# ------------------------------------------------------------------------------ the table


def test_every_request_has_a_permission() -> None:
    assert set(COMMAND_PERMISSIONS) == set(COMMAND_TYPES)
    assert set(QUERY_PERMISSIONS) == set(QUERY_TYPES)
    assert set(ROLE_PERMISSIONS) == set(Role)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("name", sorted(COMMAND_TYPES))
def test_handlers_enforce_the_table(engine: Any, role: Role, name: str) -> None:
    """A role without the command's permission is refused ``forbidden``; a role with it gets
    past the permission (here: to ``not_found``/``invalid`` for the made-up objects)."""
    actor = Actor(f"op-{role.value}", role)
    allowed = COMMAND_PERMISSIONS[name] in ROLE_PERMISSIONS[role]
    got = _outcome(engine, _probe(COMMAND_TYPES[name]), actor)
    if allowed:
        assert got is not Forbidden, (role, name)
    else:
        assert got is Forbidden, (role, name)


def test_security_doc_holds_the_table() -> None:
    doc = (ROOT / "docs" / "SECURITY.md").read_text(encoding="utf-8")
    assert "## Roles and what each may do" in doc
    assert rights_table() in doc, "regenerate the table: python -c 'from dispatch.domain.roles " \
                                  "import rights_table; print(rights_table())'"


# --------------------------------------------------------------------------------- scope


def test_out_of_scope_incident_is_not_found(engine: Any) -> None:
    mine, theirs = two_districts(engine)
    disp = Actor("d1", Role.DISPATCHER, scope=mine)
    iid = report(engine, index=index_in(engine, theirs))
    grid = engine.state.incidents[iid].grid
    version = engine.state.incidents[iid].version
    unknown = unchanged(engine, lambda: engine.execute(cmd.RegisterIncident("E999999"), disp))
    for command in (cmd.RegisterIncident(iid), cmd.AddNote(iid, "x"),
                    cmd.CancelIncident(iid, "x"), cmd.Escalate(iid, "community", "x")):
        e = unchanged(engine, lambda c=command: engine.execute(c, disp))
        assert isinstance(e, NotFound)
        assert e.message == unknown.message.replace("E999999", iid)
        assert grid not in e.message
        assert mine not in e.message
    # a wrong expected version does not reveal the real one
    e = unchanged(engine, lambda: engine.execute(cmd.AddNote(iid, "x"), disp,
                                                 expected_version=version + 7))
    assert isinstance(e, NotFound)
    assert str(version) not in e.message
    # in scope it is stale, as before
    e = unchanged(engine, lambda: engine.execute(cmd.AddNote(iid, "x"), LEAD,
                                                 expected_version=version + 7))
    assert isinstance(e, Stale)


def test_unit_commands_honour_scope(engine: Any) -> None:
    mine, theirs = two_districts(engine)
    disp = Actor("d1", Role.DISPATCHER, scope=mine)
    uid = unit_in(engine, theirs)
    version = engine.state.units[uid].version
    e = unchanged(engine, lambda: engine.execute(cmd.SetUnitStatus(uid, "off_duty"), disp))
    assert isinstance(e, NotFound)
    assert e.message == f"no unit {uid!r}"
    e = unchanged(engine, lambda: engine.execute(cmd.SetUnitStatus(uid, "off_duty"), disp,
                                                 expected_version=version + 1))
    assert isinstance(e, NotFound)
    assert e.message == f"no unit {uid!r}"
    u = engine.state.units[uid]
    e = unchanged(engine, lambda: engine.execute(
        cmd.ReportPositions(((uid, u.lon + 0.001, u.lat),)), disp))
    assert isinstance(e, NotFound)
    assert e.message == f"no unit {uid!r}"
    own = unit_in(engine, mine)
    engine.execute(cmd.SetUnitStatus(own, "off_duty"), disp)
    o = engine.state.units[own]
    engine.execute(cmd.ReportPositions(((own, o.lon + 0.001, o.lat),)), disp)
    # a scoped field gateway too
    gateway = Actor("gw", Role.FIELD_GATEWAY, scope=mine)
    e = unchanged(engine, lambda: engine.execute(cmd.SetUnitStatus(uid, "off_duty"), gateway))
    assert isinstance(e, NotFound)


def test_assign_across_districts_is_mutual_aid(engine: Any) -> None:
    mine, theirs = two_districts(engine)
    disp = Actor("d1", Role.DISPATCHER, scope=mine)
    iid = report(engine, index=index_in(engine, mine))
    lead_dept = engine.catalogue.lead_department_of(engine.state.incidents[iid].class_code)
    foreign = unit_in(engine, theirs, lead_dept)
    e = unchanged(engine, lambda: engine.execute(cmd.AssignUnits(iid, (foreign,)), disp))
    assert isinstance(e, NotFound)
    assert e.message == f"no unit {foreign!r}"
    engine.execute(cmd.AssignUnits(iid, (unit_in(engine, mine, lead_dept),)), disp)
    # a shift lead sends a unit of another district (city-wide, or limited to a region)
    scoped_lead = Actor("l2", Role.SHIFT_LEAD, scope=mine)
    engine.execute(cmd.AssignUnits(iid, (foreign,)), scoped_lead)
    other = unit_in(engine, theirs, lead_dept)
    engine.execute(cmd.AssignUnits(iid, (other,)), LEAD)
    assert {foreign, other} <= set(engine.state.incidents[iid].units)
    # the mutual-aid unit on the district's incident: the dispatcher may release it
    engine.execute(cmd.ReleaseUnit(iid, foreign), disp)


def test_duplicate_of_another_regions_incident_is_not_found(engine: Any) -> None:
    mine, theirs = two_districts(engine)
    disp = Actor("d1", Role.DISPATCHER, scope=mine)
    own = report(engine, index=index_in(engine, mine))
    other = report(engine, index=index_in(engine, theirs))
    for command in (cmd.LinkDuplicate(own, other), cmd.CloseIncident(own, "duplicate", "",
                                                                     other)):
        e = unchanged(engine, lambda c=command: engine.execute(c, disp))
        assert isinstance(e, NotFound)
        assert e.message == f"no incident {other!r}"
    engine.execute(cmd.LinkDuplicate(own, other), LEAD)


def test_report_outside_scope_names_no_grid(engine: Any) -> None:
    mine, theirs = two_districts(engine)
    disp = Actor("d1", Role.DISPATCHER, scope=mine)
    lon, lat, grid = grid_point(engine, index_in(engine, theirs))
    e = unchanged(engine, lambda: engine.execute(cmd.ReportIncident(
        "hotline", next(iter(engine.catalogue.minors)), lon, lat, "x"), disp))
    assert isinstance(e, Forbidden)
    assert grid not in e.message
    assert theirs not in e.message


# ------------------------------------------------------------------------- field gateway


def _dispatched(engine: Any) -> str:
    iid = report(engine)
    dept = engine.catalogue.lead_department_of(engine.state.incidents[iid].class_code)
    engine.execute(cmd.AssignUnits(iid, free_units(engine, dept)), DISPATCHER)
    return iid


def test_field_gateway_only_on_incidents_sent_to_the_field(engine: Any) -> None:
    iid = report(engine, actor=FIELD)  # intake
    command: cmd.Command
    for command in (cmd.Acknowledge(iid), cmd.StartHandling(iid), cmd.Respond(iid, "x"),
                    cmd.Verify(iid, True), cmd.ReturnIncident(iid, "x"),
                    cmd.RequestExtension(iid, 60, "x")):
        e = unchanged(engine, lambda c=command: engine.execute(c, FIELD))
        assert isinstance(e, Forbidden)
        assert "not sent to the field" in e.message
    engine.execute(cmd.AddNote(iid, "市民补充照片"), FIELD)  # notes on open incidents
    engine.execute(cmd.RegisterIncident(iid), DISPATCHER)
    assert isinstance(unchanged(engine, lambda: engine.execute(cmd.Acknowledge(iid), FIELD)),
                      Forbidden)
    iid = _dispatched(engine)
    engine.execute(cmd.Acknowledge(iid), FIELD)
    e = unchanged(engine, lambda: engine.execute(cmd.Verify(iid, True), FIELD))
    assert isinstance(e, InvalidCommand)  # with the field, but not awaiting verification
    engine.execute(cmd.RequestExtension(iid, 60, "等待配件"), FIELD)
    engine.execute(cmd.StartHandling(iid), FIELD)
    engine.execute(cmd.Respond(iid, "已处置"), FIELD)
    engine.execute(cmd.Verify(iid, True, "现场核实"), FIELD)
    assert engine.state.incidents[iid].status == S.VERIFIED
    engine.execute(cmd.AddNote(iid, "回访"), FIELD)  # verified is still open
    engine.execute(cmd.CloseIncident(iid, "fixed"), DISPATCHER)
    e = unchanged(engine, lambda: engine.execute(cmd.AddNote(iid, "x"), FIELD))
    assert isinstance(e, Forbidden)
    for command in (cmd.CloseIncident(iid, "fixed"), cmd.Evaluate(iid, 5),
                    cmd.Escalate(iid, "community", "x"), cmd.Supervise(iid),
                    cmd.AssignUnits(iid), cmd.CancelIncident(iid, "x"),
                    cmd.DecideExtension(iid, True)):
        e = unchanged(engine, lambda c=command: engine.execute(c, FIELD))
        assert isinstance(e, Forbidden)


def test_field_gateway_stage_table() -> None:
    field_steps = {"acknowledge", "handle", "respond", "verify", "return",
                   "request_extension", "field_step"}
    assert set(FIELD_GATEWAY_STAGES) == field_steps | {"note", "attach_media", "report_arrival"}
    assert FIELD_GATEWAY_STAGES["attach_media"] == FIELD_GATEWAY_STAGES["note"]
    assert FIELD_GATEWAY_STAGES["report_arrival"] == FIELD_GATEWAY_STAGES["note"]
    sent = {S.DISPATCHED, S.ACKNOWLEDGED, S.HANDLING, S.RESPONDED}
    for step in field_steps:
        assert FIELD_GATEWAY_STAGES[step] == sent
    assert S.CLOSED not in FIELD_GATEWAY_STAGES["note"]
    assert S.REPORTED in FIELD_GATEWAY_STAGES["note"]


def test_other_roles_are_not_limited_by_the_field_stages(engine: Any) -> None:
    iid = report(engine)
    for actor in (DISPATCHER, LEAD):
        e = unchanged(engine, lambda a=actor: engine.execute(cmd.Acknowledge(iid), a))
        assert isinstance(e, InvalidCommand)


# --------------------------------------------------------------------------- test levers


def test_test_levers_are_off_the_wire() -> None:
    assert {"clock", "archive"} == WIRE_TEST_LEVERS
    for name, args in (("clock", {"incident_id": "E000001", "stage": "handle",
                                  "state": "overdue"}),
                       ("archive", {"before": 1.0})):
        with pytest.raises(InvalidCommand, match="not available over the wire"):
            build_command(name, args)
        assert build_command(name, args, test_levers=True) is not None
        raw = f'{{"id": "x1", "type": "{name}", "args": {{}}}}'.encode()
        with pytest.raises(BadRequest, match="not available over the wire") as info:
            parse_request(raw)
        assert info.value.request_id == "x1"
        assert parse_request(raw, test_levers=True).type == name


def test_test_levers_need_insecure(tmp_path: Path) -> None:
    from pydantic import ValidationError

    from dispatch.adapters.settings import Settings

    with pytest.raises(ValidationError, match="--insecure"):
        Settings(data_dir=tmp_path, test_levers=True)
    assert Settings(data_dir=tmp_path, test_levers=True, insecure=True).test_levers
    assert not Settings(data_dir=tmp_path).test_levers
