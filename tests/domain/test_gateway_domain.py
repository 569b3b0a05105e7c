"""The field gateway's domain additions: photos attached to incidents (``attach_media``),
incidents handed back to the system they came from (``hand_back``) and the Open311 status
mapping. Refusals change nothing."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from dispatch.domain import commands as cmd
from dispatch.domain.errors import Conflict, DispatchError, Forbidden, InvalidCommand, NotFound
from dispatch.domain.open311 import open311_status, status_notes, statuses_matching
from dispatch.domain.status import IncidentStatus
from tests.domain.helpers import DISPATCHER, FIELD, LEAD, WALL, grid_point, report

SHA = "0123456789abcdef" * 4


def attach(iid: str, **kw: Any) -> cmd.AttachMedia:
    base: dict[str, Any] = {"incident_id": iid, "media_id": SHA[:32], "kind": "report",
                            "sha256": SHA, "content_type": "image/jpeg", "size": 2048,
                            "width": 800, "height": 600, "taken_at": 1_794_881_000.0}
    return cmd.AttachMedia(**{**base, **kw})


def unchanged(engine: Any, fn: Any) -> DispatchError:
    before = pickle.dumps(engine.state)
    with pytest.raises(DispatchError) as info:
        fn()
    assert pickle.dumps(engine.state) == before
    assert not engine.pending
    return info.value


def test_a_photo_attached_to_a_report_is_kept_on_the_incident(engine: Any) -> None:
    iid = report(engine, actor=FIELD, source="grid_worker")
    lon, lat, _ = grid_point(engine)
    out = engine.execute(attach(iid, lon=lon, lat=lat), FIELD)
    assert [e.kind for e in out.events] == ["incident.media_attached"]
    inc = engine.state.incidents[iid]
    assert len(inc.media) == 1
    m = inc.media[0]
    assert (m.media_id, m.kind, m.sha256, m.size, m.operator) == (SHA[:32], "report", SHA,
                                                                  2048, FIELD.operator)
    assert (m.lon, m.lat) == (lon, lat)
    assert inc.version == out.events[0].seq
    # the same photo may also be the "before" of the handling, not the report twice
    engine.execute(attach(iid, kind="before"), FIELD)
    assert [x.kind for x in engine.state.incidents[iid].media] == ["report", "before"]
    e = unchanged(engine, lambda: engine.execute(attach(iid), FIELD))
    assert isinstance(e, Conflict)


@pytest.mark.parametrize(("change", "words"), [
    ({"kind": "selfie"}, "unknown media kind"),
    ({"sha256": "XYZ"}, "sha256 must be 64"),
    ({"media_id": "0" * 32}, "does not match its sha256"),
    ({"content_type": "image/gif"}, "content type"),
    ({"size": 0}, "size must be"),
    ({"width": 20_000}, "width must be"),
    ({"taken_at": float("nan")}, "taken_at"),
    ({"lon": 120.6}, "both lon and lat"),
    ({"lon": 200.0, "lat": 10.0}, "photo location"),
])
def test_a_bad_media_reference_is_refused(engine: Any, change: dict[str, Any], words: str
                                          ) -> None:
    iid = report(engine)
    e = unchanged(engine, lambda: engine.execute(attach(iid, **change), FIELD))
    assert isinstance(e, InvalidCommand)
    assert words in e.message


def test_photos_only_on_open_incidents_and_by_who_may(engine: Any) -> None:
    iid = report(engine)
    assert isinstance(unchanged(engine, lambda: engine.execute(attach("E999999"), FIELD)),
                      NotFound)
    assert isinstance(unchanged(engine, lambda: engine.execute(attach(iid), WALL)), Forbidden)
    engine.execute(cmd.CancelIncident(iid, "无效上报"), DISPATCHER)
    assert isinstance(unchanged(engine, lambda: engine.execute(attach(iid), FIELD)), Forbidden)
    e = unchanged(engine, lambda: engine.execute(attach(iid), LEAD))
    assert isinstance(e, InvalidCommand)


def test_a_ticket_from_another_system_is_handed_back_with_its_reason(engine: Any) -> None:
    iid = report(engine, external_ref="12345-20261207-0001")
    out = engine.execute(cmd.HandBack(iid, "不属于本市受理范围"), LEAD)
    assert [e.kind for e in out.events] == ["incident.handed_back"]
    inc = engine.state.incidents[iid]
    assert inc.status is IncidentStatus.CANCELLED
    assert inc.close_reason == "handed_back"
    assert inc.notes[-1].text == "不属于本市受理范围"
    assert open311_status(inc.status) == "closed"
    assert "handed back" in status_notes(inc)


def test_hand_back_is_refused_when_it_does_not_fit(engine: Any) -> None:
    own = report(engine)
    e = unchanged(engine, lambda: engine.execute(cmd.HandBack(own, "x"), LEAD))
    assert isinstance(e, InvalidCommand)
    assert "no external reference" in e.message
    taken = report(engine, external_ref="110-77")
    assert isinstance(unchanged(engine, lambda: engine.execute(cmd.HandBack(taken, "x"),
                                                               FIELD)), Forbidden)
    e = unchanged(engine, lambda: engine.execute(cmd.HandBack(taken, ""), LEAD))
    assert isinstance(e, InvalidCommand)
    unit = next(u.id for u in engine.state.units.values()
                if u.department == engine.catalogue.lead_department_of(
                    engine.state.incidents[taken].class_code))
    engine.execute(cmd.AssignUnits(taken, (unit,)), LEAD)
    e = unchanged(engine, lambda: engine.execute(cmd.HandBack(taken, "太晚了"), LEAD))
    assert isinstance(e, InvalidCommand)


def test_open311_statuses(engine: Any) -> None:
    iid = report(engine)
    inc = engine.state.incidents[iid]
    assert (open311_status(inc.status), status_notes(inc)) == (
        "open", "received, waiting to be registered")
    assert statuses_matching("open") == frozenset(s for s in IncidentStatus if s.is_open)
    assert statuses_matching("open,closed") == frozenset(IncidentStatus)
    with pytest.raises(ValueError, match="open or closed"):
        statuses_matching("pending")
