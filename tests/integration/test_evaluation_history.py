"""The evaluation over history on a live server over real ZeroMQ sockets (SQLite and
PostgreSQL): finished incidents archived out of the live state still count (the archived
incidents' read model), a period (day) and explicit bounds both answer with the previous
period's row (month-on-month shape), the dispatcher and grid-worker posts have rows, the
drill-through names the cases behind a number, and bad arguments are refused and audited."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from dispatch.adapters.client import CommandClient
from dispatch.domain import commands as cmd
from dispatch.domain.errors import InvalidCommand, NotFound
from tests.integration.conftest import RunningServer
from tests.integration.test_citizen_loop_server import wait_for
from tests.integration.test_server_commands import point_in


def work_through(disp: CommandClient, lead: CommandClient, iid: str) -> None:
    disp.execute(cmd.AssignUnits(iid))
    for c in (cmd.Acknowledge(iid), cmd.StartHandling(iid), cmd.Respond(iid, "已整改"),
              cmd.Verify(iid, True, "已核实")):
        lead.execute(c)
    disp.execute(cmd.CloseIncident(iid, "fixed"))


def row_of(rows: list[dict[str, Any]], code: str) -> dict[str, Any]:
    return next(r for r in rows if r["code"] == code)


def test_archived_incidents_count_with_periods_posts_and_drill_through(
        store_url: str, server_factory: Callable[..., RunningServer]) -> None:
    rs = server_factory(store_url, closed_retention_h=0.0)  # archived as soon as finished
    disp, lead = rs.client("disp", workstation="ws-disp"), rs.client("lead", workstation="ws-lead")
    scope = disp.login_info.scope if disp.login_info is not None else ""
    assert scope
    t0 = time.time() - 3600
    minor = next(iter(rs.server.engine.catalogue.minors))
    lon, lat, grid = point_in(rs, scope)
    first = str(disp.execute(cmd.ReportIncident("sensor", minor, lon, lat, "井盖移位")
                             ).result["incident_id"])
    work_through(disp, lead, first)
    wait_for(lambda: rs.on_loop(lambda: first not in rs.state.incidents))
    mid = time.time()
    wait_for(lambda: time.time() > mid + 0.01)
    second = str(disp.execute(cmd.ReportIncident("grid_worker", minor, lon, lat, "路面塌陷")
                              ).result["incident_id"])
    work_through(disp, lead, second)
    wait_for(lambda: rs.on_loop(lambda: second not in rs.state.incidents))
    assert rs.state.archived == 2

    # today: both archived cases count (closed in the period), though neither is live
    day = lead.query("evaluation", level="grid", period="day")
    assert day["period"]["kind"] == "day"
    assert day["archived"] >= 2
    assert day["previous_period"]["end"] == day["period"]["start"]
    row = row_of(day["rows"], grid)
    assert (row["due"], row["closed"], row["closed_in_period"]) == (2, 2, 2)
    assert row["closure_rate"] == 1.0
    assert row["name"]
    assert "closure_rate" in day["indicators"]
    assert row["previous"] is None

    # explicit bounds [mid, mid + L): the first case falls in the previous window [t0, mid)
    end = mid + (mid - t0)
    ans = lead.query("evaluation", level="grid", start=mid, end=end)
    row = row_of(ans["rows"], grid)
    assert (row["due"], row["closed"]) == (1, 1)
    assert row["previous"]["closure_rate"] == 1.0
    assert row["previous"]["rank"] == 1
    assert row["change"]["closure_rate"] == 0.0
    assert ans["previous_period"]["start"] == pytest.approx(t0)

    # posts: the dispatcher who dispatched both, the grid's worker who reported one
    posts = disp.query("evaluation", level="dispatcher", period="day")
    assert [r["code"] for r in posts["rows"]] == ["disp"]
    assert posts["rows"][0]["closed"] == 2
    workers = disp.query("evaluation", level="grid_worker", period="day")
    worker = str(rs.server.engine.city.regions[grid].worker_id)
    w = row_of(workers["rows"], worker)
    assert (w["grid"], w["reports"]) == (grid, 1)
    assert all(r["grid"].startswith(scope) for r in workers["rows"])
    assert "patrol_coverage" in workers["indicators"]

    # drill-through: the cases behind the grid's closure rate today, and a worker's reports
    behind = disp.query("evaluation_cases", level="grid", code=grid, indicator="closure_rate",
                        period="day")
    assert sorted(c["id"] for c in behind["cases"]) == sorted([first, second])
    assert behind["counted"] == 2
    assert all(c["counted"] for c in behind["cases"])
    reports = disp.query("evaluation_cases", level="grid_worker", code=worker,
                         indicator="reports", period="day")
    assert [c["id"] for c in reports["cases"]] == [second]

    # bad arguments: refused with what is wrong, and audited
    with pytest.raises(InvalidCommand, match=r"evaluation\.period must be one of"):
        disp.query("evaluation", level="grid", period="week")
    with pytest.raises(InvalidCommand, match="not both"):
        disp.query("evaluation", level="grid", period="day", start=mid, end=end)
    with pytest.raises(InvalidCommand, match=r"evaluation_cases\.indicator must be one of"):
        disp.query("evaluation_cases", level="grid", code=grid, indicator="nonsense",
                   period="day")
    other = next(r for r in rs.server.engine.city.grids() if not r.code.startswith(scope))
    with pytest.raises(NotFound):
        disp.query("evaluation_cases", level="grid_worker", code=str(other.worker_id),
                   indicator="reports", period="day")

    def refused() -> int:
        return len([r for r in lead.audit(operator="disp").rows if r["action"] == "refused"
                    and '"evaluation' in r["detail"]])

    wait_for(lambda: refused() == 4)


def test_the_archived_read_model_catches_up_from_the_events(
        store_url: str, server_factory: Callable[..., RunningServer]) -> None:
    from dispatch.adapters.store import EventStore
    from dispatch.adapters.store.schema import archived_incidents, meta
    from dispatch.services.archive import catch_up_archive

    rs = server_factory(store_url, closed_retention_h=0.0)
    disp, lead = rs.client("disp", workstation="ws-disp"), rs.client("lead", workstation="ws-lead")
    lon, lat, _ = point_in(rs, disp.login_info.scope if disp.login_info else "")
    minor = next(iter(rs.server.engine.catalogue.minors))
    iid = str(disp.execute(cmd.ReportIncident("sensor", minor, lon, lat, "垃圾满溢")
                           ).result["incident_id"])
    work_through(disp, lead, iid)
    wait_for(lambda: rs.on_loop(lambda: iid not in rs.state.incidents))
    store = EventStore(rs.settings.database_url)
    try:
        wait_for(lambda: store.archive_seq() > 0)
        (kept,) = [i for i in store.archived_between(0, 2e10) if i.id == iid]
        assert kept.closed_by == "disp"
        assert kept.dispatched_by == "disp"
        # lose the model (as if the second write never happened), then catch up
        with store.engine.begin() as conn:
            conn.execute(archived_incidents.delete())
            conn.execute(meta.delete().where(meta.c.key == "archive_seq"))
        assert store.archived_between(0, 2e10) == []
        assert catch_up_archive(store) >= 1
        (again,) = [i for i in store.archived_between(0, 2e10) if i.id == iid]
        assert again == kept
        assert catch_up_archive(store) == 0  # up to date: nothing replayed
        # written by a version whose records had other fields: cleared and rebuilt whole
        with store.engine.begin() as conn:
            conn.execute(meta.update().where(meta.c.key == "archive_format")
                         .values(value="row1:other"))
        assert store.archive_outdated()
        assert catch_up_archive(store) >= 1
        assert not store.archive_outdated()
        assert [i for i in store.archived_between(0, 2e10) if i.id == iid] == [kept]
    finally:
        store.close()


class FakeArchive:
    """An ArchiveLog in memory: (archive sequence, record) rows and a mark."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, Any]] = []
        self.reads: list[int] = []

    def save_archived(self, records: Any) -> None:
        self.rows.extend(records)

    def archive_seq(self) -> int:
        return max((s for s, _ in self.rows), default=0)

    def archive_events_after(self, seq: int) -> list[int]:
        return sorted({s for s, _ in self.rows if s > seq})

    def archive_outdated(self) -> bool:
        return False

    def clear_archive(self) -> None:
        self.rows = []

    def archived_between(self, start: float, end: float, grid_prefix: str = "",
                         after_seq: int = 0) -> list[Any]:
        self.reads.append(after_seq)
        return [i for s, i in self.rows if s > after_seq and start <= i.reported_at < end]


def test_the_archive_cache_tops_up_with_what_was_archived_since() -> None:
    from dispatch.adapters.server.evaluation_data import ArchiveCache
    from tests.domain.test_evaluation import G1, incident

    store = FakeArchive()
    store.save_archived([(5, incident("A", G1, "D1", "hotline", 10))])
    cache = ArchiveCache(windows=1)
    assert [i.id for i in cache.read(store, 0, 100, "")] == ["A"]
    assert [i.id for i in cache.read(store, 0, 100, "")] == ["A"]
    assert store.reads == [0]  # nothing archived since: not read again
    store.save_archived([(9, incident("B", G1, "D1", "hotline", 20)),
                         (9, incident("C", G1, "D1", "hotline", 500))])
    assert sorted(i.id for i in cache.read(store, 0, 100, "")) == ["A", "B"]
    assert store.reads == [0, 5]  # only what came after the mark
    cache.read(store, 0, 1000, "")  # another window pushes the first out (one kept)
    cache.read(store, 0, 100, "")
    assert store.reads == [0, 5, 0, 0]
