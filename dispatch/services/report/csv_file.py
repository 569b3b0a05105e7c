"""The shift report as sectioned CSV, and reading it back (see the package documentation)."""

from __future__ import annotations

import csv
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from dispatch.services.replay import IncidentSummary, ShiftReport
from dispatch.services.report.names import KPI_KEYS, Names

INCIDENT_KEYS = ("incident_id", "class_code", "class", "priority", "grid", "grid_name",
                 "status", "reported_at", "dispatched_at", "responded_at", "closed_at",
                 "lead_department", "department", "level", "supervised", "overdue",
                 "overdue_stages", "overdue_minutes", "escalated", "escalations")
TIMELINE_KEYS = ("incident_id", "time", "seq", "lane", "key", "name", "kind", "value",
                 "detail", "operator")


def _num(v: float | int | None) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}" if abs(v) < 1 else f"{v:.1f}"
    return str(v)


def _incident_row(s: IncidentSummary, names: Names) -> list[str]:
    return [s.incident_id, s.class_code, names.class_name(s.class_code), s.priority, s.grid,
            names.region(s.grid), s.status, names.time(s.reported_at, seconds=True),
            names.time(s.dispatched_at, seconds=True), names.time(s.responded_at, seconds=True),
            names.time(s.closed_at, seconds=True), s.lead_department,
            names.department(s.lead_department) if s.lead_department else "", str(s.level),
            "1" if s.supervised else "0", "1" if s.overdue else "0", " ".join(s.overdue_stages),
            "" if s.overdue_s is None else f"{s.overdue_s / 60:.1f}",
            "1" if s.escalated else "0", str(s.escalations)]


def write_csv(report: ShiftReport, path: Path | str, names: Names) -> Path:
    """Write the report as sectioned CSV (see the module docstring); returns the path."""
    out = Path(path)
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)

        def section(name: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
            w.writerow([f"[{name}]"])
            w.writerow(header)
            w.writerows(rows)
            w.writerow([])

        section("window", ("key", "value"), [
            ("city", names.city_name), ("start", names.time(report.start_ts, seconds=True)),
            ("end", names.time(report.end_ts, seconds=True)),
            ("start_ts", f"{report.start_ts:.3f}"), ("end_ts", f"{report.end_ts:.3f}"),
            ("first_seq", str(report.first_seq)), ("last_seq", str(report.last_seq)),
            ("events", str(report.events)),
            ("generated", names.time(time.time(), seconds=True))])
        kpi_rows: list[list[str]] = [["city", "", names.city_name,
                                      *(_num(report.city.get(k)) for k in KPI_KEYS)]]
        for code, k in report.by_district.items():
            kpi_rows.append(["district", code, names.region(code),
                             *(_num(k.get(key)) for key in KPI_KEYS)])
        for code, k in report.by_department.items():
            kpi_rows.append(["department", code, names.department(code) if code != "-" else "",
                             *(_num(k.get(key)) for key in KPI_KEYS)])
        section("kpi", ("scope", "code", "name", *KPI_KEYS), kpi_rows)
        section("incidents", INCIDENT_KEYS,
                (_incident_row(s, names) for s in report.incidents))
        rows = []
        for iid, tl in report.timelines.items():
            for it in tl.items:
                rows.append([iid, names.time(it.ts, seconds=True), str(it.seq), it.lane, it.key,
                             names.lane_key(it.lane, it.key), it.kind, it.value, it.detail,
                             it.operator])
        section("timeline", TIMELINE_KEYS, rows)
        section("bookmarks", ("time", "position", "note"),
                ([names.time(b.ts, seconds=True), str(b.position), b.note]
                 for b in report.bookmarks))
    return out


def read_csv(path: Path | str) -> dict[str, list[dict[str, str]]]:
    """The sections of a report CSV: name → rows as dicts keyed by the header."""
    out: dict[str, list[dict[str, str]]] = {}
    name: str | None = None
    header: list[str] | None = None
    with Path(path).open(encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            if not row:
                name, header = None, None
            elif name is None:
                if not (len(row) == 1 and row[0].startswith("[") and row[0].endswith("]")):
                    raise ValueError(f"not a shift report CSV: unexpected row {row!r}")
                name = row[0][1:-1]
                out[name] = []
            elif header is None:
                header = row
            else:
                out[name].append(dict(zip(header, row, strict=False)))
    return out
