"""Scope and roles, attacked on real sockets: a district dispatcher (the demo ``disp``, limited
to the first district) reaching into another district, the field gateway stepping outside the
field, and the test levers sent over the wire. Each refusal is checked for its code, for what
its message must not reveal, and for the state (and the store) not having changed."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dispatch.adapters.client import CommandClient
from dispatch.adapters.protocol.messages import Reply, command_args
from dispatch.adapters.protocol.records import incident_to_dict, unit_to_dict
from dispatch.domain import commands as cmd
from dispatch.domain.status import IncidentStatus, UnitStatus
from tests.integration.conftest import ROOT, RunningServer

Start = Callable[..., RunningServer]


# ------------------------------------------------------------------------------- helpers


def point_in(rs: RunningServer, prefix: str, index: int = 0) -> tuple[float, float]:
    grids = sorted(r.code for r in rs.server.engine.city.grids() if r.code.startswith(prefix))
    p = rs.server.engine.city.regions[grids[index % len(grids)]].geometry.representative_point()
    return p.x, p.y


def report(rs: RunningServer, client: CommandClient, prefix: str, index: int = 0) -> str:
    lon, lat = point_in(rs, prefix, index)
    cls = next(iter(rs.server.engine.catalogue.minors))
    r = client.execute(cmd.ReportIncident("hotline", cls, lon, lat, "井盖缺失"))
    return str(r.result["incident_id"])


def send(client: CommandClient, command: Any, expected_version: int | None = None) -> Reply:
    return client.request(type(command).NAME, command_args(command),
                          expected_version=expected_version, raise_errors=False)


def districts(rs: RunningServer, disp: CommandClient) -> tuple[str, str]:
    assert disp.login_info is not None
    mine = disp.login_info.scope
    theirs = next(r.code[:6] for r in sorted(rs.server.engine.city.grids(),
                                              key=lambda r: r.code)
                  if not r.code.startswith(mine))
    return mine, theirs


def unit_in(rs: RunningServer, prefix: str, department: str | None = None,
            skip: tuple[str, ...] = ()) -> str:
    return next(u.id for u in sorted(rs.state.units.values(), key=lambda u: u.id)
                if u.home_grid.startswith(prefix) and u.status == UnitStatus.AVAILABLE
                and u.id not in skip and (department is None or u.department == department))


def lead_department(rs: RunningServer, iid: str) -> str:
    return rs.server.engine.catalogue.lead_department_of(rs.state.incidents[iid].class_code)


class Frozen:
    """What must not change: the event sequence, the records named, and the stored log."""

    def __init__(self, rs: RunningServer, incidents: tuple[str, ...] = (),
                 units: tuple[str, ...] = ()) -> None:
        self.rs, self.incidents, self.units = rs, incidents, units
        self.before = self.now()

    def now(self) -> tuple[Any, ...]:
        state = self.rs.state
        store = self.rs.server.store
        assert store is not None
        stored = [e.seq for e in store.read(after_seq=0)]
        return (state.seq, stored,
                [incident_to_dict(state.incidents[i]) for i in self.incidents],
                [unit_to_dict(state.units[u]) for u in self.units])

    def check(self) -> None:
        assert self.now() == self.before


def refused_as_unknown(reply: Reply, unknown: Reply, real_id: str, fake_id: str,
                       secrets: tuple[str, ...]) -> None:
    """``reply`` is the refusal of ``unknown`` with the real id in place of the made-up one,
    word for word, and says none of ``secrets``."""
    assert not reply.ok, reply
    assert reply.error == "not_found", reply
    assert not unknown.ok, unknown
    assert unknown.error == "not_found", unknown
    assert reply.message == unknown.message.replace(fake_id, real_id)
    for s in secrets:
        assert s not in reply.message, (s, reply.message)


# ------------------------------------------------------------------------- unit commands


def test_unit_commands_on_another_district_are_refused(server_factory: Start,
                                                        store_url: str) -> None:
    rs = server_factory(store_url)
    lead, disp = rs.client("lead"), rs.client("disp")
    mine, theirs = districts(rs, disp)
    iid = report(rs, disp, mine)
    dept = lead_department(rs, iid)
    foreign = unit_in(rs, theirs, dept)
    home = rs.state.units[foreign].home_grid
    u = rs.state.units[foreign]
    frozen = Frozen(rs, (iid,), (foreign,))
    attacks = [cmd.SetUnitStatus(foreign, UnitStatus.OFF_DUTY.value),
               cmd.ReportPositions(((foreign, u.lon + 0.002, u.lat + 0.002),)),
               cmd.AssignUnits(iid, (foreign,))]
    for attack in attacks:
        fake = "U-nope-1"
        unknown_attack = attack
        if isinstance(attack, cmd.SetUnitStatus):
            unknown_attack = cmd.SetUnitStatus(fake, attack.status)
        elif isinstance(attack, cmd.ReportPositions):
            unknown_attack = cmd.ReportPositions(((fake, u.lon, u.lat),))
        else:
            unknown_attack = cmd.AssignUnits(iid, (fake,))
        refused_as_unknown(send(disp, attack), send(disp, unknown_attack), foreign, fake,
                           (home, theirs, mine))
    # the version the dispatcher guesses is not checked, let alone revealed
    r = send(disp, cmd.SetUnitStatus(foreign, "off_duty"), expected_version=u.version + 5)
    assert r.error == "not_found"
    assert str(u.version) not in r.message
    frozen.check()

    # its own district's units it may command and send
    own = unit_in(rs, mine, dept)
    assert send(disp, cmd.AssignUnits(iid, (own,))).ok
    # mutual aid: the shift lead sends the other district's unit to the dispatcher's incident
    assert send(lead, cmd.AssignUnits(iid, (foreign,))).ok
    assert set(rs.state.incidents[iid].units) == {own, foreign}
    assert rs.state.units[foreign].status == UnitStatus.DISPATCHED
    # …and still commands that unit's status, the dispatcher does not
    assert send(disp, cmd.SetUnitStatus(foreign, "en_route")).error == "not_found"
    assert send(lead, cmd.SetUnitStatus(foreign, "en_route")).ok
    assert rs.state.units[foreign].status == UnitStatus.EN_ROUTE


def test_incidents_of_another_district_look_unknown(server_factory: Start,
                                                    store_url: str) -> None:
    rs = server_factory(store_url)
    lead, disp = rs.client("lead"), rs.client("disp")
    mine, theirs = districts(rs, disp)
    other = report(rs, lead, theirs)
    own = report(rs, disp, mine)
    lead.execute(cmd.AddNote(other, "版本 +1"))
    inc = rs.state.incidents[other]
    secrets = (inc.grid, theirs, mine)
    frozen = Frozen(rs, (other, own))
    fake = "E999999"
    make: Callable[[str], cmd.Command]
    for make in (lambda i: cmd.RegisterIncident(i), lambda i: cmd.AddNote(i, "看看"),
                 lambda i: cmd.CancelIncident(i, "x"),
                 lambda i: cmd.Escalate(i, "community", "x"),
                 lambda i: cmd.AssignUnits(i, (), "", ("city_management",))):
        refused_as_unknown(send(disp, make(other)), send(disp, make(fake)), other, fake,
                           secrets)
        # a wrong expected version: still not found, and the real version is not told
        wrong = inc.version + 3
        refused_as_unknown(send(disp, make(other), wrong), send(disp, make(fake), wrong),
                           other, fake, (*secrets, str(inc.version)))
    # linking a duplicate to another region's incident
    for make in (lambda i: cmd.LinkDuplicate(own, i),
                 lambda i: cmd.CloseIncident(own, "duplicate", "", i)):
        refused_as_unknown(send(disp, make(other)), send(disp, make(fake)), other, fake,
                           secrets)
    # the queries answer the same
    for rtype, args in (("recommend", {"incident_id": other}),
                        ("duplicates", {"incident_id": other})):
        real = disp.request(rtype, args, raise_errors=False)
        unknown = disp.request(rtype, {**args, "incident_id": fake}, raise_errors=False)
        refused_as_unknown(real, unknown, other, fake, secrets)
    frozen.check()
    # the shift lead, city-wide, may link them
    assert send(lead, cmd.LinkDuplicate(own, other)).ok
    assert rs.state.incidents[own].status == IncidentStatus.CLOSED


def test_recommend_offers_only_units_the_operator_may_assign(server_factory: Start) -> None:
    rs = server_factory()
    lead, disp = rs.client("lead"), rs.client("disp")
    mine, _ = districts(rs, disp)
    iid = report(rs, disp, mine)
    units = disp.query("recommend", incident_id=iid, limit=100)["units"]
    assert units
    assert all(rs.state.units[u["unit_id"]].home_grid.startswith(mine)
                         for u in units)
    # the shift lead (mutual aid) is offered at least as many
    assert len(lead.query("recommend", incident_id=iid, limit=100)["units"]) >= len(units)
    field = rs.client("field")
    r = field.request("recommend", {"incident_id": iid}, raise_errors=False)
    assert r.error == "forbidden"


def test_city_assets_are_for_city_wide_operators(server_factory: Start) -> None:
    rs = server_factory()
    disp, lead = rs.client("disp"), rs.client("lead")
    assert disp.query("city")["code"] == rs.server.engine.city.code  # the map: regions
    r = disp.request("city", {"assets": True}, raise_errors=False)
    assert not r.ok
    assert r.error == "forbidden"
    for unit_id in list(rs.state.units)[:3]:
        assert unit_id not in r.message
    geo = lead.city_geojson(assets=True)
    kinds = {f["properties"]["kind"] for f in geo["features"]}
    assert {"region", "unit", "part"} <= kinds


def test_parts_are_served_within_the_operators_region(server_factory: Start) -> None:
    """The ``parts`` variant of ``city``: the regions and the parts of the operator's region
    (a scoped dispatcher's Parts layer), all of them for a city-wide operator; no units."""
    from dispatch.adapters.geojson_io.load import import_geojson

    rs = server_factory()
    disp, lead = rs.client("disp"), rs.client("lead")
    city = rs.server.engine.city
    assert disp.login_info is not None
    scope = disp.login_info.scope
    assert scope
    mine = {p.id for p in city.parts.values() if p.grid.startswith(scope)}
    assert mine
    assert len(mine) < len(city.parts)
    got = import_geojson(disp.city_geojson(parts=True))
    assert set(got.parts) == mine
    assert not got.units
    assert set(got.regions) == set(city.regions)
    everything = import_geojson(lead.city_geojson(parts=True))
    assert set(everything.parts) == set(city.parts)
    assert not everything.units
    # the scope's answer is not another scope's cached one
    assert set(import_geojson(disp.city_geojson(parts=True)).parts) == mine
    r = lead.request("city", {"assets": True, "parts": True}, raise_errors=False)
    assert (r.ok, r.error) == (False, "invalid")


# -------------------------------------------------------------------------- field gateway


def test_field_gateway_does_intake_and_the_field_side_only(server_factory: Start) -> None:
    rs = server_factory()
    field, lead = rs.client("field"), rs.client("lead")
    iid = report(rs, field, "")  # intake
    frozen = Frozen(rs, (iid,))
    attack: cmd.Command
    for attack in (cmd.Acknowledge(iid), cmd.StartHandling(iid), cmd.Respond(iid, "x"),
                   cmd.Verify(iid, True), cmd.ReturnIncident(iid, "x"),
                   cmd.RequestExtension(iid, 60, "x")):
        r = send(field, attack)
        assert r.error == "forbidden", r
        assert "not sent to the field" in r.message, r
    for attack in (cmd.RegisterIncident(iid), cmd.AssignUnits(iid), cmd.CancelIncident(iid, "x"),
                   cmd.Escalate(iid, "community", "x"), cmd.Supervise(iid),
                   cmd.CloseIncident(iid, "not_responsible", "x")):
        assert send(field, attack).error == "forbidden"
    frozen.check()
    assert send(field, cmd.AddNote(iid, "市民补充：井盖旁有积水")).ok
    unit = unit_in(rs, "", lead_department(rs, iid))
    lead.execute(cmd.AssignUnits(iid, (unit,)))
    assert send(field, cmd.SetUnitStatus(unit, "en_route")).ok
    for step in (cmd.Acknowledge(iid), cmd.StartHandling(iid), cmd.Respond(iid, "已更换井盖"),
                 cmd.Verify(iid, True, "现场核实")):
        assert send(field, step).ok, step
    assert rs.state.incidents[iid].status == IncidentStatus.VERIFIED
    for attack in (cmd.CloseIncident(iid, "fixed"), cmd.Evaluate(iid, 5),
                   cmd.RegisterUnit("U-fake-1", "police", "patrol_car", "x",
                                    rs.state.units[unit].home_grid, 120.6, 31.3)):
        assert send(field, attack).error == "forbidden"


# ----------------------------------------------------------------------------- test levers


def test_test_levers_are_not_on_the_wire(server_factory: Start, store_url: str) -> None:
    rs = server_factory(store_url)
    lead, admin = rs.client("lead"), rs.client("admin")
    iid = report(rs, lead, "")
    lead.execute(cmd.CancelIncident(iid, "误报"))
    frozen = Frozen(rs, (iid,))
    for client in (admin, lead):
        for command in (cmd.RaiseClock(iid, "dispatch", "overdue"),
                        cmd.ArchiveFinished(rs.state.ts + 1.0)):
            r = send(client, command)
            assert not r.ok, r
            assert r.error == "invalid", r
            assert "not available over the wire" in r.message
    frozen.check()
    assert iid in rs.state.incidents


def test_test_levers_on_a_test_server(server_factory: Start) -> None:
    rs = server_factory(test_levers=True)
    lead, admin, disp = rs.client("lead"), rs.client("admin"), rs.client("disp")
    mine, _ = districts(rs, disp)
    iid = report(rs, disp, mine)
    assert send(disp, cmd.RaiseClock(iid, "dispatch", "overdue")).error == "forbidden"
    assert send(lead, cmd.RaiseClock(iid, "dispatch", "overdue")).error == "forbidden"
    assert send(admin, cmd.RaiseClock(iid, "dispatch", "overdue")).ok
    assert ("dispatch", "overdue") in rs.state.incidents[iid].clock


def test_test_levers_need_an_insecure_server(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "dispatch.entrypoints.server", "--test-levers",
                           "--data-dir", str(tmp_path), "--command-port", "0",
                           "--snapshot-port", "0", "--update-port", "0"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "--insecure" in proc.stderr
    assert "test levers" in proc.stderr
    assert not (tmp_path / "keys").exists()  # refused before anything was set up
