"""The evaluation of a past period read from the event store (dispatch.services.evaluation_month,
SQLite and PostgreSQL): cases closed, called back and then archived out of the live state still
count in their period, as they did in the live evaluation before the archiving, and in a period
that goes on past it."""

from __future__ import annotations

from dispatch.adapters.bootstrap import open_engine
from dispatch.adapters.store import EventStore
from dispatch.domain import commands as cmd
from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import City
from dispatch.domain.evaluation import Level, evaluate
from dispatch.domain.roles import SYSTEM_ACTOR
from dispatch.services.evaluation_month import StoreEvaluation, incidents_of
from tests.conftest import FakeClock
from tests.domain.helpers import DISPATCHER, LEAD, report


def test_archived_cases_count_in_their_month(store_url: str, catalogue: Catalogue,
                                             demo_city: City) -> None:
    clock = FakeClock()
    store = EventStore(store_url)
    engine = open_engine(store, catalogue=catalogue, city=demo_city, clock=clock,
                         snapshot_every=100)
    start = clock()
    first, gone = report(engine, index=0), report(engine, index=1)
    for iid in (first, gone):
        engine.execute(cmd.AssignUnits(iid), DISPATCHER)
        for c in (cmd.Acknowledge(iid), cmd.StartHandling(iid), cmd.Respond(iid, "已处置"),
                  cmd.Verify(iid, True, "已核实")):
            engine.execute(c, LEAD)
        clock.advance(600)
        engine.execute(cmd.CloseIncident(iid, "fixed"), DISPATCHER)
    engine.execute(cmd.Callback(gone, "satisfied", "满意"), DISPATCHER)
    end = clock() + 3600
    live_before = {r.code: r.as_dict() for r in evaluate(engine.state.incidents.values(),
                                                         start, end, Level.DISTRICT)}
    clock.advance(7200)
    engine.execute(cmd.Callback(first, "unsatisfied", "仍未修好"), DISPATCHER)  # after `end`
    engine.execute(cmd.ArchiveFinished(before=end), SYSTEM_ACTOR)
    assert gone not in engine.state.incidents  # archived: the live state no longer has them
    assert first not in engine.state.incidents
    live_after = {r.code: r.as_dict() for r in evaluate(engine.state.incidents.values(),
                                                        start, end, Level.DISTRICT)}

    incidents, seen = incidents_of(store, start, end)
    assert {i.id for i in incidents} >= {first, gone}
    assert seen == end  # the store holds events after the period: it is over
    answer = StoreEvaluation(store)("district", start, end)
    rows = {r["code"]: r for r in answer["rows"]}
    assert rows == live_before  # as the live evaluation said before the archiving
    assert sum(int(r["closed_in_period"]) for r in rows.values()) == 2
    assert sum(int(r["called_back"]) for r in rows.values()) == 1  # the later call-back: no
    assert live_after == {}
    # a period that goes on past the archiving: the cases are taken as they left
    later = {r["code"]: r for r in StoreEvaluation(store)("district", start, clock() + 60)["rows"]}
    assert sum(int(r["closed_in_period"]) for r in later.values()) == 2
    assert sum(int(r["called_back"]) for r in later.values()) == 2
    assert sum(int(r["satisfied"]) for r in later.values()) == 1
    store.close()
