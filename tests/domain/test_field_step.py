"""``field_step``: a field step and the photos taken for it, all applied or none."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from dispatch.adapters.protocol.messages import build_command, command_args
from dispatch.domain import commands as cmd
from dispatch.domain.catalogue.model import Priority
from dispatch.domain.errors import Conflict, DispatchError, Forbidden, InvalidCommand
from dispatch.domain.status import IncidentStatus
from tests.domain.helpers import DISPATCHER, FIELD, WALL, free_units, grid_point, minor_with, report

SHA = "0123456789abcdef" * 4
SHA2 = "fedcba9876543210" * 4
SHA3 = "00112233445566778899aabbccddeeff" * 2


def row(kind: str = "before", sha: str = SHA, **kw: Any) -> cmd.MediaRow:
    d: dict[str, Any] = {"size": 2048, "width": 800, "height": 600, "taken_at": 1.8e9,
                         "lon": None, "lat": None, "content_type": "image/jpeg", **kw}
    return (kind, kw.get("media_id", sha[:32]), sha, d["content_type"], d["size"], d["width"],
            d["height"], d["taken_at"], d["lon"], d["lat"])


def dispatched(engine: Any) -> str:
    iid = report(engine)
    dept = engine.catalogue.lead_department_of(engine.state.incidents[iid].class_code)
    engine.execute(cmd.AssignUnits(iid, free_units(engine, dept)), DISPATCHER)
    return iid


def unchanged(engine: Any, fn: Any) -> DispatchError:
    before = pickle.dumps(engine.state)
    with pytest.raises(DispatchError) as info:
        fn()
    assert pickle.dumps(engine.state) == before
    assert not engine.pending
    return info.value


def test_a_response_with_photos_is_one_command(engine: Any) -> None:
    iid = dispatched(engine)
    out = engine.execute(cmd.FieldStep("acknowledge", iid), FIELD)
    assert {e.kind for e in out.events} == {"incident.acknowledged"}
    out = engine.execute(cmd.FieldStep("respond", iid, (row("before"), row("after", SHA2)),
                                       result="已修复"), FIELD)
    assert [e.kind for e in out.events] == ["incident.responded", "incident.media_attached",
                                            "incident.media_attached"]
    inc = engine.state.incidents[iid]
    assert inc.status is IncidentStatus.RESPONDED
    assert [(m.kind, m.sha256) for m in inc.media] == [("before", SHA), ("after", SHA2)]
    out = engine.execute(cmd.FieldStep("verify", iid, (row("after", SHA3),), passed=True), FIELD)
    assert [e.kind for e in out.events][-1] == "incident.media_attached"


@pytest.mark.parametrize(("photos", "error", "words"), [
    ((row(size=0),), InvalidCommand, "media[0]: size must be"),
    ((row(), row(sha=SHA2, content_type="image/gif")), InvalidCommand, "media[1]: content"),
    ((row(), row()), Conflict, "given twice"),
    ((row(kind="selfie"),), InvalidCommand, "unknown media kind"),
    ((row(media_id="0" * 32),), InvalidCommand, "does not match"),
])
def test_a_refused_photo_leaves_the_step_undone(engine: Any, photos: tuple[Any, ...],
                                                error: type[Exception], words: str) -> None:
    iid = dispatched(engine)
    engine.execute(cmd.FieldStep("acknowledge", iid), FIELD)
    e = unchanged(engine, lambda: engine.execute(
        cmd.FieldStep("respond", iid, photos, result="已修复"), FIELD))
    assert isinstance(e, error)
    assert words in e.message
    inc = engine.state.incidents[iid]
    assert inc.status is IncidentStatus.ACKNOWLEDGED
    assert inc.media == ()


def test_a_refused_step_attaches_no_photo(engine: Any) -> None:
    iid = dispatched(engine)  # not acknowledged: respond is refused
    e = unchanged(engine, lambda: engine.execute(
        cmd.FieldStep("respond", iid, (row(),), result="已修复"), FIELD))
    assert isinstance(e, InvalidCommand)
    e = unchanged(engine, lambda: engine.execute(cmd.FieldStep("dance", iid), FIELD))
    assert "unknown field step" in e.message
    assert isinstance(unchanged(engine, lambda: engine.execute(
        cmd.FieldStep("acknowledge", iid), WALL)), Forbidden)
    assert isinstance(unchanged(engine, lambda: engine.execute(
        cmd.FieldStep("arrive", iid), FIELD)), InvalidCommand)  # no unit named


def test_arrive_with_the_unit_on_the_incident(engine: Any) -> None:
    iid = dispatched(engine)
    unit = engine.state.incidents[iid].units[0]
    other = next(u.id for u in engine.state.units.values() if u.incident_id != iid)
    e = unchanged(engine, lambda: engine.execute(cmd.FieldStep("arrive", iid, unit_id=other),
                                                 FIELD))
    assert isinstance(e, Conflict)
    out = engine.execute(cmd.FieldStep("arrive", iid, (row("before"),), unit_id=unit), FIELD)
    assert [e.kind for e in out.events] == ["unit.status_changed", "incident.media_attached"]


def test_the_wire_form_round_trips() -> None:
    c = cmd.FieldStep("verify", "E000001", (row("after"),), passed=False, note="未修好")
    assert build_command("field_step", command_args(c)) == c
    args = {**command_args(c), "media": [list(row("after"))[:5]]}
    with pytest.raises(InvalidCommand, match=r"field_step\.media\[0\]"):
        build_command("field_step", args)


def test_a_photo_the_incident_has_as_that_kind_is_not_attached_again(engine: Any) -> None:
    iid = dispatched(engine)
    engine.execute(cmd.FieldStep("acknowledge", iid), FIELD)
    engine.execute(cmd.FieldStep("respond", iid, (row("before"),), result="已修复"), FIELD)
    out = engine.execute(cmd.FieldStep("verify", iid, (row("before"), row("after", SHA2)),
                                       passed=True), FIELD)
    assert [e.kind for e in out.events] == ["incident.verified", "incident.media_attached"]
    assert [m.kind for m in engine.state.incidents[iid].media] == ["before", "after"]


def test_a_report_and_its_photos_are_one_command(engine: Any) -> None:
    lon, lat, _ = grid_point(engine)
    code = minor_with(engine.catalogue, Priority.NORMAL)

    def reported(*rows: cmd.MediaRow) -> cmd.ReportIncident:
        return cmd.ReportIncident("grid_worker", code, lon, lat, "井盖缺失", media=rows)

    e = unchanged(engine, lambda: engine.execute(reported(row("report"), row("report", SHA2,
                                                                              size=0)), FIELD))
    assert isinstance(e, InvalidCommand)
    assert "media[1]: size must be" in e.message
    assert engine.state.incidents == {}
    e = unchanged(engine, lambda: engine.execute(reported(row("report"), row("report")), FIELD))
    assert isinstance(e, Conflict)
    out = engine.execute(reported(row("report"), row("report", SHA2)), FIELD)
    assert [e.kind for e in out.events] == ["incident.reported", "incident.media_attached",
                                            "incident.media_attached"]
    [inc] = engine.state.incidents.values()
    assert [m.sha256 for m in inc.media] == [SHA, SHA2]
    # without photos a report is as before, and who may not attach photos may still report
    out = engine.execute(reported(), DISPATCHER)
    assert [e.kind for e in out.events] == ["incident.reported"]
