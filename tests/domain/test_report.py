"""Shift reports: the figures of a replay window (KPIs with the incidents archived during it,
overdue and escalated incidents, their timelines) and the CSV and PDF files holding them."""

from __future__ import annotations

import base64
import re
import zlib
from pathlib import Path
from typing import Any

import pytest

from dispatch.domain import events as ev
from dispatch.domain.kpi import GroupBy, compute_kpis
from dispatch.domain.state import DispatchState
from dispatch.domain.timelimits import handled_on_time, is_overdue
from dispatch.services.replay import Bookmark, Replayer, ShiftReport
from dispatch.services.report.csv_file import read_csv, write_csv
from dispatch.services.report.names import KPI_KEYS, names_for
from dispatch.services.report.pdf import write_pdf
from tests.domain.replay_scenario import Recorded, recorded_fixture
from tests.typed_events import events_of

recorded = recorded_fixture("report", steps=1200, seed=23)


@pytest.fixture(scope="module")
def window(recorded: Recorded) -> tuple[Replayer, ShiftReport, list[ev.Event]]:
    events = list(recorded.store.read())
    since, until = events[600].ts, events[-40].ts
    r = Replayer.from_store(recorded.store, since_ts=since, until_ts=until)
    r.prepare()
    marks = [Bookmark(r.ts_at(10), 10, "交接：注意积水点"), Bookmark(until + 1, len(r), "outside")]
    return r, r.shift_report(bookmarks=marks), events


def _expected(recorded: Recorded, r: Replayer, events: list[ev.Event]
              ) -> tuple[DispatchState, set[str], set[str]]:
    """The report's figures worked out from the live states recorded during the scenario."""
    start, end = r.start_ts, r.end_ts
    inside = [e for e in events if start <= e.ts <= end]
    end_state = recorded.live[inside[-1].seq]
    union = dict(end_state.incidents)
    archived = events_of(ev.IncidentsArchived, inside)
    for e in archived:
        before = recorded.live[e.seq - 1]
        for iid in e.payload.incident_ids:
            union.setdefault(iid, before.incidents[iid])
    escalated = {e.payload.incident_id for e in events_of(ev.IncidentEscalated, inside)}
    overdue = {e.payload.incident_id for e in events_of(ev.IncidentClock, inside)
               if e.payload.state == "overdue"}
    for inc in union.values():
        if inc.is_open and is_overdue(inc, end):
            overdue.add(inc.id)
        if (handled_on_time(inc) is False and inc.responded_at is not None
                and start <= inc.responded_at < end):
            overdue.add(inc.id)
    assert any(e.kind == "incidents.archived" for e in inside), "scenario archives nothing"
    return DispatchState(incidents=union, units=end_state.units), overdue, escalated


def test_report_figures(recorded: Recorded, window: Any) -> None:
    r, rep, events = window
    union, overdue, escalated = _expected(recorded, r, events)
    city = compute_kpis(union, r.start_ts, r.end_ts, GroupBy.CITY)[""]
    assert rep.city == city.as_dict()
    assert rep.city["reported"] > 20
    assert rep.city["due"] > 0
    districts = compute_kpis(union, r.start_ts, r.end_ts, GroupBy.DISTRICT)
    assert rep.by_district == {k: v.as_dict() for k, v in sorted(districts.items())}
    assert {s.incident_id for s in rep.overdue} == overdue
    assert {s.incident_id for s in rep.escalated} == escalated
    assert overdue
    assert escalated
    assert set(rep.timelines) == overdue | escalated
    for s in rep.escalated:
        tl = rep.timelines[s.incident_id]
        assert sum(1 for i in tl.items if i.kind in ("escalated", "escalated_skip")) == \
                s.escalations
    assert [b.note for b in rep.bookmarks] == ["交接：注意积水点"]
    assert rep.events == len(r)
    assert rep.last_seq == r.seq_at(len(r))
    late = [s for s in rep.incidents if s.overdue_s is not None]
    assert late == sorted(late, key=lambda s: -(s.overdue_s or 0))


def test_csv_holds_the_figures(tmp_path: Path, window: Any, catalogue: Any,
                               demo_city: Any) -> None:
    r, rep, _events = window
    names = names_for(catalogue, demo_city, "zh")
    path = write_csv(rep, tmp_path / "shift.csv", names)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM for spreadsheets
    got = read_csv(path)
    assert set(got) == {"window", "kpi", "incidents", "timeline", "bookmarks"}
    meta = {row["key"]: row["value"] for row in got["window"]}
    assert float(meta["start_ts"]) == pytest.approx(r.start_ts, abs=1e-3)
    assert int(meta["events"]) == len(r)
    assert meta["city"] == demo_city.name
    city = next(row for row in got["kpi"] if row["scope"] == "city")
    for key in KPI_KEYS:
        want = rep.city[key]
        if want is None:
            assert city[key] == ""
        else:
            assert float(city[key]) == pytest.approx(want, rel=1e-4, abs=0.06)
    assert int(city["reported"]) == rep.city["reported"]
    districts = {row["code"]: row for row in got["kpi"] if row["scope"] == "district"}
    assert set(districts) == set(rep.by_district)
    code = next(iter(districts))
    assert districts[code]["name"] == demo_city.regions[code].name
    assert int(districts[code]["due"]) == rep.by_district[code]["due"]
    rows = {row["incident_id"]: row for row in got["incidents"]}
    assert set(rows) == {s.incident_id for s in rep.incidents}
    s = rep.incidents[0]
    assert rows[s.incident_id]["overdue"] == ("1" if s.overdue else "0")
    assert rows[s.incident_id]["class"] == names.class_name(s.class_code)
    assert len(got["timeline"]) == sum(len(t.items) for t in rep.timelines.values())
    kinds = {row["kind"] for row in got["timeline"]}
    assert {"status", "assigned", "escalated"} <= kinds
    assert [b["note"] for b in got["bookmarks"]] == ["交接：注意积水点"]


# ----------------------------------------------------------------------- reading a PDF


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    simple = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
    while i < len(raw):
        c = raw[i:i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        nxt = raw[i + 1:i + 2]
        if nxt in simple:
            out += simple[nxt]
            i += 2
        elif nxt.isdigit():
            m = re.match(rb"[0-7]{1,3}", raw[i + 1:])
            assert m is not None
            out.append(int(m.group(), 8) & 0xFF)
            i += 1 + len(m.group())
        elif nxt in (b"\n", b"\r"):
            i += 2
        else:
            out += nxt
            i += 2
    return bytes(out)


def pdf_text(data: bytes) -> str:
    """The text drawn on the pages of a reportlab PDF, checking its structure on the way:
    header, end marker, the cross-reference table pointing at every object."""
    assert data.startswith(b"%PDF-1.")
    assert data.rstrip().endswith(b"%%EOF")
    start = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    assert data[start:start + 4] == b"xref"
    m = re.match(rb"xref\s+0 (\d+)\s+", data[start:])
    assert m is not None
    count, pos = int(m.group(1)), start + m.end()
    for n in range(count):
        entry = data[pos + 20 * n:pos + 20 * n + 20]
        offset, kind = int(entry[:10]), entry[17:18]
        if kind == b"n":
            assert re.match(rb"%d 0 obj" % n, data[offset:offset + 20]), f"object {n}"
    cid_fonts = set(re.findall(rb"/Name /(F\d+) /Subtype /Type0", data))
    cid_fonts |= {m.group(1) for m in re.finditer(rb"/Encoding /UniGB-UCS2-H /Name /(F\d+)",
                                                  data)}
    texts: list[str] = []
    for m in re.finditer(rb"<<(.*?)>>\s*stream\r?\n(.*?)endstream", data, re.S):
        head, body = m.group(1), m.group(2)
        if b"ASCII85Decode" in head:
            body = body.strip()
            body = base64.a85decode(body[:-2] if body.endswith(b"~>") else body)
        if b"FlateDecode" in head:
            body = zlib.decompress(body)
        elif b"/Filter" in head and b"ASCII85Decode" not in head:
            continue
        font = b""
        for tok in re.finditer(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\)", body, re.S):
            if tok.group(1):
                font = tok.group(1)
                continue
            raw = _unescape(tok.group(2))
            texts.append(raw.decode("utf-16-be", "replace") if font in cid_fonts
                         else raw.decode("latin-1"))
    return "".join(texts)


def test_pdf_is_valid_and_holds_the_figures(tmp_path: Path, window: Any, catalogue: Any,
                                            demo_city: Any) -> None:
    _r, rep, _events = window
    path = write_pdf(rep, tmp_path / "shift.pdf", names_for(catalogue, demo_city, "zh"))
    text = pdf_text(path.read_bytes())
    assert f"{demo_city.name} 交接班报告" in text
    for word in ("全市指标", "各区指标", "超时事件", "升级事件", "事件时间线", "交接：注意积水点"):
        assert word in text, word
    assert f"{rep.city['reported']:,}" in text
    closure = rep.city["closure_rate"]
    assert closure is not None
    assert f"{closure * 100:.1f}%" in text
    for s in rep.incidents[:5]:
        assert s.incident_id in text
    some = next(iter(rep.timelines.values()))
    assert some.incident_id in text


def test_pdf_in_english_and_empty_report(tmp_path: Path, recorded: Recorded, catalogue: Any,
                                         demo_city: Any) -> None:
    events = list(recorded.store.read())
    # After the last event: nothing happens, but what was still open and late is reported.
    after = Replayer.from_store(recorded.store, since_ts=events[-1].ts + 10,
                                until_ts=events[-1].ts + 20).shift_report()
    final = recorded.live[recorded.last_seq]
    assert after.events == 0
    assert not after.escalated
    assert {s.incident_id for s in after.overdue} == {
        i.id for i in final.incidents.values() if i.is_open and is_overdue(i, after.end_ts)}
    # Before the first event: nothing at all.
    first = events[0].ts
    r = Replayer.from_store(recorded.store, since_ts=first - 100, until_ts=first - 10)
    rep = r.shift_report()
    assert rep.events == 0
    assert rep.incidents == ()
    assert rep.city["reported"] == 0
    names = names_for(catalogue, demo_city, "en")
    text = pdf_text(write_pdf(rep, tmp_path / "empty.pdf", names).read_bytes())
    assert "Shift report" in text
    assert "Overdue incidents (0)" in text
    assert "None" in text
    got = read_csv(write_csv(rep, tmp_path / "empty.csv", names))
    assert got["incidents"] == []
    assert got["timeline"] == []


def test_read_csv_refuses_other_files(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a shift report"):
        read_csv(p)
