"""The console command line: every verb, its aliases and short forms, its errors, completion."""

from __future__ import annotations

from typing import Any

import pytest

from dispatch.domain import commands as cmd
from dispatch.domain.cmdline.completion import complete
from dispatch.domain.cmdline.line import CommandLineError, normalize_incident_id, parse_minutes
from dispatch.domain.cmdline.parser import parse, verb_help
from dispatch.domain.cmdline.verbs import VERB_BY_WORD, VERBS
from dispatch.domain.status import IncidentStatus, UnitStatus
from tests.domain.helpers import DISPATCHER, FIELD, free_units, report

UNITS = {"U-police-1", "U-police-2", "U-fire-1", "U-city_mgmt-4"}


@pytest.mark.parametrize(("token", "expected"), [
    ("12", "E000012"), ("E12", "E000012"), ("e12", "E000012"), ("E000012", "E000012"),
    ("000012", "E000012"), ("1234567", "E1234567"),
])
def test_incident_short_forms(token: str, expected: str) -> None:
    assert normalize_incident_id(token) == expected


def test_dot_is_the_selected_incident() -> None:
    assert normalize_incident_id(".", "E000042") == "E000042"
    assert parse("hd .", selected="E000042") == cmd.StartHandling("E000042")
    with pytest.raises(CommandLineError, match="no incident is selected"):
        parse("hd .")


@pytest.mark.parametrize("token", ["X12", "E", "12a", "E-12", "U-police-1"])
def test_bad_incident_ids(token: str) -> None:
    with pytest.raises(CommandLineError, match="is not an incident id"):
        normalize_incident_id(token)


@pytest.mark.parametrize(("line", "expected"), [
    ("rg 12", cmd.RegisterIncident("E000012")),
    ("register E12 0103", cmd.RegisterIncident("E000012", "0103")),
    ("rg 12 010302 urgent", cmd.RegisterIncident("E000012", "010302", "urgent")),
    ("rg 12 HIGH", cmd.RegisterIncident("E000012", "", "high")),
    ("cx 12 重复上报 已电话核实", cmd.CancelIncident("E000012", "重复上报 已电话核实")),
    ("cancel 7 prank call", cmd.CancelIncident("E000007", "prank call")),
    ("as 12 U-police-1 U-fire-1 lead=police +fire",
     cmd.AssignUnits("E000012", ("U-police-1", "U-fire-1"), "police", ("fire",))),
    ("as 12", cmd.AssignUnits("E000012")),
    ("dispatch 12 +police +police", cmd.AssignUnits("E000012", (), "", ("police",))),
    ("as 12 lead=police +police +fire", cmd.AssignUnits("E000012", (), "police", ("fire",))),
    ("rl 12 U-police-1", cmd.ReleaseUnit("E000012", "U-police-1")),
    ("ak 12", cmd.Acknowledge("E000012")),
    ("ack 12 police", cmd.Acknowledge("E000012", "police")),
    ("hd 12", cmd.StartHandling("E000012")),
    ("rp 12 已清理完毕", cmd.Respond("E000012", "已清理完毕")),
    ("hd 12 fire", cmd.StartHandling("E000012", "fire")),
    ("rp 12 @fire 明火已扑灭", cmd.Respond("E000012", "明火已扑灭", "fire")),
    ("rd 12 traffic_police 无需交通管制", cmd.ReleaseDepartment("E000012", "traffic_police",
                                                              "无需交通管制")),
    ("es 12 district 燃气泄漏 越级上报", cmd.Escalate("E000012", "district", "燃气泄漏 越级上报")),
    ("vf 12 ok", cmd.Verify("E000012", True)),
    ("vf 12 pass 现场 已修复", cmd.Verify("E000012", True, "现场 已修复")),
    ("vf 12 fail 仍有垃圾", cmd.Verify("E000012", False, "仍有垃圾")),
    ("rw 12 not done", cmd.Rework("E000012", "not done")),
    ("cl 12 fixed", cmd.CloseIncident("E000012", "fixed")),
    ("cl 12 fx all good", cmd.CloseIncident("E000012", "fixed", "all good")),
    ("cl E12 duplicate E7", cmd.CloseIncident("E000012", "duplicate", duplicate_of="E000007")),
    ("cl 12 dup 7 same bin", cmd.CloseIncident("E000012", "duplicate", "same bin", "E000007")),
    ("cl 12 not_responsible 属于供电公司", cmd.CloseIncident("E000012", "not_responsible",
                                                         "属于供电公司")),
    ("cl 12 uf 无法修复", cmd.CloseIncident("E000012", "unable_to_fix", "无法修复")),
    ("dup 12 7", cmd.LinkDuplicate("E000012", "E000007")),
    ("duplicate 12 E7 同一井盖", cmd.LinkDuplicate("E000012", "E000007", "同一井盖")),
    ("ev 12 5", cmd.Evaluate("E000012", 5)),
    ("eval 12 3 slow but fixed", cmd.Evaluate("E000012", 3, "slow but fixed")),
    ("rt 12 不属于本部门", cmd.ReturnIncident("E000012", "不属于本部门")),
    ("ext 12 120 waiting for parts", cmd.RequestExtension("E000012", 120, "waiting for parts")),
    ("extend 12 2h 等待配件", cmd.RequestExtension("E000012", 120, "等待配件")),
    ("ok 12", cmd.DecideExtension("E000012", True)),
    ("approve 12 fine", cmd.DecideExtension("E000012", True, "fine")),
    ("no 12 not justified", cmd.DecideExtension("E000012", False, "not justified")),
    ("pk 12 需要专项资金", cmd.Park("E000012", "需要专项资金")),
    ("up 12", cmd.Unpark("E000012")),
    ("resume 12", cmd.Unpark("E000012")),
    ("sv 12", cmd.Supervise("E000012", True)),
    ("sv 12 市领导关注", cmd.Supervise("E000012", True, "市领导关注")),
    ("us 12", cmd.Supervise("E000012", False)),
    ("es 12 street 需要街道协调 多部门", cmd.Escalate("E000012", "street", "需要街道协调 多部门")),
    ("es 12 District +police +fire fire risk",
     cmd.Escalate("E000012", "district", "fire risk", ("police", "fire"))),
    ("nt 12 居民再次来电", cmd.AddNote("E000012", "居民再次来电")),
    ("st U-police-1 en_route", cmd.SetUnitStatus("U-police-1", "en_route")),
    ("status U-police-1 os", cmd.SetUnitStatus("U-police-1", "on_scene")),
    ("  AS   12   U-police-1  ", cmd.AssignUnits("E000012", ("U-police-1",))),
    ("cb 12 ok 市民满意", cmd.Callback("E000012", "satisfied", "市民满意")),
    ("callback 12 basic", cmd.Callback("E000012", "basically_satisfied")),
    ("cb 12 no reopen 仍有噪音", cmd.Callback("E000012", "unsatisfied", "", True, "仍有噪音")),
    ("ug 12 市民再次来电", cmd.Urge("E000012", "市民再次来电")),
    ("urge 12", cmd.Urge("E000012")),
    ("wh 12 police,fire 占道经营引发冲突", cmd.Whistle("E000012", ("police", "fire"),
                                                "占道经营引发冲突")),
    ("吹哨 12 police 街道吹哨", cmd.Whistle("E000012", ("police",), "街道吹哨")),
    ("ar 12 police 民警已到场", cmd.ReportArrival("E000012", "police", "民警已到场")),
    ("报到 12 fire", cmd.ReportArrival("E000012", "fire")),
])
def test_every_verb_parses(line: str, expected: cmd.Command) -> None:
    assert parse(line) == expected


def test_every_verb_is_covered_and_aliases_are_unique() -> None:
    words = [w for v in VERBS for w in (v.name, *v.aliases)]
    assert len(words) == len(set(words))
    assert set(VERB_BY_WORD) == set(words)
    assert len(verb_help()) == len(VERBS) == 28


@pytest.mark.parametrize(("line", "message"), [
    ("", "type a command"),
    ("zz 12", "unknown command 'zz'"),
    ("rg", "missing incident id"),
    ("rg 12 banana", "neither an event class code"),
    ("rg 12 0103 urgent extra", "unexpected 'extra'"),
    ("cx 12", "missing reason"),
    ("cb 12 great", "unknown call-back result 'great'"),
    ("cb 12 no reopen", "missing reason"),
    ("wh 12 police", "missing reason"),
    ("ar 12", "missing department"),
    ("cx 12    ", "missing reason"),
    ("as 12 U-police-1 U-police-1", "named twice"),
    ("as 12 lead=police lead=fire", "lead= is given twice"),
    ("as 12 +", "missing department"),
    ("rl 12", "missing unit id"),
    ("hd 12 fire now", "unexpected 'now'"),
    ("rd 12", "missing department"),
    ("rd 12 fire", "missing reason"),
    ("rp 12 @fire", "missing result"),
    ("rp 12", "missing result"),
    ("vf 12", "missing ok or fail"),
    ("vf 12 maybe", "say ok or fail"),
    ("vf 12 fail", "needs a note"),
    ("cl 12", "missing closure reason"),
    ("cl 12 solved", "unknown closure reason 'solved'"),
    ("cl 12 duplicate", "missing original incident id"),
    ("cl 12 duplicate 12", "cannot duplicate itself"),
    ("cl 12 not_responsible", "needs a note"),
    ("dup 12 E12", "cannot duplicate itself"),
    ("ev 12 6", "from 1 to 5"),
    ("ev 12 good", "from 1 to 5"),
    ("ext 12 soon reason", "not a duration"),
    ("ext 12 0 reason", "at least one minute"),
    ("ext 12 30", "missing reason"),
    ("es 12 province reason", "unknown level 'province'"),
    ("es 12 street", "missing reason"),
    ("nt 12", "missing note text"),
    ("st U-police-1 flying", "unknown unit status 'flying'"),
    ("st U-police-1", "missing status"),
])
def test_errors_say_what_is_wrong(line: str, message: str) -> None:
    with pytest.raises(CommandLineError) as info:
        parse(line)
    assert message in info.value.message


def test_error_carries_the_usage() -> None:
    with pytest.raises(CommandLineError) as info:
        parse("as")
    assert info.value.usage.startswith("as <incident>")
    assert "usage: as <incident>" in str(info.value)


def test_known_units_and_departments_are_checked(catalogue: Any) -> None:
    assert parse("as 12 u-police-1 +Fire", units=UNITS, catalogue=catalogue) == \
        cmd.AssignUnits("E000012", ("U-police-1",), "", ("fire",))
    assert parse("as 12 lead=公安局", units=UNITS, catalogue=catalogue) == \
        cmd.AssignUnits("E000012", (), "police")
    with pytest.raises(CommandLineError, match="no unit 'U-police-99'"):
        parse("as 12 U-police-99", units=UNITS)
    with pytest.raises(CommandLineError, match="no department 'navy'"):
        parse("as 12 +navy", catalogue=catalogue)
    assert parse("wh 12 公安局,fire 吹哨", catalogue=catalogue) == \
        cmd.Whistle("E000012", ("police", "fire"), "吹哨")
    with pytest.raises(CommandLineError, match="no department 'navy'"):
        parse("wh 12 police,navy 吹哨", catalogue=catalogue)
    with pytest.raises(CommandLineError, match="no unit"):
        parse("st U-x available", units=UNITS)


@pytest.mark.parametrize(("token", "minutes"), [("45", 45), ("45m", 45), ("2h", 120),
                                                ("1d", 1440), ("3H", 180)])
def test_minutes(token: str, minutes: int) -> None:
    assert parse_minutes(token) == minutes


def test_parsed_commands_run_on_the_engine(engine: Any, clock: Any) -> None:
    """A line typed at the console becomes a command the real handlers accept."""
    iid = report(engine)
    n = iid[1:].lstrip("0")
    lead = engine.catalogue.lead_department_of(engine.state.incidents[iid].class_code)
    unit = free_units(engine, lead)[0]
    units = set(engine.state.units)
    for line, actor in [(f"rg {n}", DISPATCHER), (f"as {n} {unit.lower()}", DISPATCHER),
                        (f"ak {n}", FIELD), (f"hd {n}", FIELD), (f"rp {n} 已处理", FIELD),
                        (f"vf {n} ok", FIELD), (f"cl {n} fixed", DISPATCHER),
                        (f"ev {n} 4 及时", DISPATCHER)]:
        engine.execute(parse(line, units=units, catalogue=engine.catalogue), actor)
    inc = engine.state.incidents[iid]
    assert inc.status == IncidentStatus.CLOSED
    assert inc.evaluation == 4
    assert engine.state.units[unit].status == UnitStatus.AVAILABLE


def test_complete_verbs(engine: Any) -> None:
    assert complete("", engine.state)[:3] == ["rg", "cx", "as"]
    got = complete("e", engine.state)
    assert got[:3] == ["ev", "ext", "es"]  # short verbs first, in workflow order
    assert set(got) == {"es", "ev", "ext", "escalate", "evaluate", "eval", "extend", "extension"}
    assert complete("zz 1", engine.state) == []


def test_complete_incidents_open_and_newest_first(engine: Any, clock: Any) -> None:
    ids = []
    for i in range(12):
        clock.advance(10)
        ids.append(report(engine, index=i))
    engine.execute(cmd.CancelIncident(ids[-1], "test"), DISPATCHER)
    got = complete("as ", engine.state)
    assert got[0] == ids[-2]
    assert got[-1] == ids[-1]
    assert ids[0] == "E000001"
    # "1" is a prefix of the numbers 1, 10, 11, 12: open newest first, then the cancelled 12
    assert complete("as 1", engine.state) == ["E000011", "E000010", "E000001", "E000012"]
    assert complete("as E00001", engine.state) == [ids[10], ids[9], ids[-1]]
    assert complete("hd x", engine.state) == []


def test_complete_units_and_arguments(engine: Any, clock: Any) -> None:
    iid = report(engine)
    cat = engine.catalogue
    inc = engine.state.incidents[iid]
    recommended = complete(f"as {iid} ", engine.state, cat)
    needed = {cat.lead_department_of(inc.class_code),
              *cat.minor_of(inc.class_code).assist_departments}
    assert recommended
    assert all(engine.state.units[u].department in needed for u in recommended)
    assert complete(f"as {iid} U-pol", engine.state) == sorted(
        u for u in engine.state.units if u.startswith("U-pol"))[:30]
    assert complete(f"as {iid} +pol", engine.state, cat) == ["+police"]
    assert complete(f"as {iid} lead=fi", engine.state, cat) == ["lead=fire"]
    assert complete(f"cl {iid} ", engine.state) == ["fixed", "duplicate", "not_responsible",
                                                    "unable_to_fix"]
    assert complete(f"cl {iid} duplicate ", engine.state)[0] == iid
    assert complete(f"vf {iid} f", engine.state) == ["fail"]
    assert complete(f"ev {iid} ", engine.state) == ["1", "2", "3", "4", "5"]
    assert complete(f"es {iid} ", engine.state) == ["community"]
    assert complete(f"es {iid} community ", engine.state) == []  # free text
    assert complete("st U-police-1 o", engine.state) == ["on_scene", "off_duty",
                                                         "out_of_service"]
    assert complete(f"rg {iid} 010", engine.state, cat)[0].startswith("010")
    assert complete(f"rg {iid} ", engine.state, None) == []
    assert complete(f"hd {iid} ", engine.state) == []
    unit = free_units(engine, cat.lead_department_of(inc.class_code))[0]
    engine.execute(cmd.AssignUnits(iid, (unit,)), DISPATCHER)
    assert complete(f"rl {iid} ", engine.state) == [unit]
    assert complete(f"ak {iid} ", engine.state) == list(engine.state.incidents[iid].departments)


def test_complete_whistle_departments_and_arrivals(engine: Any) -> None:
    from tests.domain.helpers import DISPATCHER, LEAD

    iid = report(engine)
    engine.execute(cmd.AssignUnits(iid), DISPATCHER)
    cat = engine.catalogue
    assert complete(f"wh {iid} pol", engine.state, cat) == ["police"]
    assert complete(f"wh {iid} police,fi", engine.state, cat) == ["police,fire"]
    assert "police,police" not in complete(f"wh {iid} police,", engine.state, cat)
    engine.execute(cmd.Whistle(iid, ("police", "fire"), "吹哨"), LEAD)
    assert complete(f"wh {iid} pol", engine.state, cat) == []  # summoned already
    engine.execute(cmd.ReportArrival(iid, "police"), LEAD)
    assert complete(f"ar {iid} ", engine.state, cat) == ["fire"]  # not yet on site
