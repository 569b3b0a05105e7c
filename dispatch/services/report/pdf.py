"""The shift report as a PDF (A4 landscape, reportlab; Chinese in the CID font
``STSong-Light``, which needs no font file)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dispatch.services.replay import IncidentSummary, ShiftReport
from dispatch.services.report.names import KPI_KEYS, Names
from dispatch.services.report.pdf_photos import photo_flowables

CJK_FONT = "STSong-Light"
WIDTH_MM = 273.0  # A4 landscape less the margins


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def write_pdf(report: ShiftReport, path: Path | str, names: Names, *,
              max_timelines: int = 40, max_rows: int = 400,
              media_dir: Path | None = None) -> Path:
    """Write the report as a PDF (A4 landscape); at most ``max_timelines`` timelines and
    ``max_rows`` rows per incident table (the CSV has everything); the listed incidents'
    photos from ``media_dir`` (:mod:`~dispatch.services.report.pdf_photos`). Returns the
    path."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    font = _register_font()
    out = Path(path)
    t = names.text
    ink, muted, band = colors.HexColor("#1b2631"), colors.HexColor("#6b7280"), \
        colors.HexColor("#eef2f6")
    head_bg, alert = colors.HexColor("#23364a"), colors.HexColor("#b91c1c")
    styles = {
        "title": ParagraphStyle("title", fontName=font, fontSize=18, leading=24, textColor=ink),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=12.5, leading=18, textColor=ink,
                             spaceBefore=8, spaceAfter=4),
        "h3": ParagraphStyle("h3", fontName=font, fontSize=10, leading=14, textColor=ink,
                             spaceBefore=6, spaceAfter=2),
        "body": ParagraphStyle("body", fontName=font, fontSize=9, leading=13, textColor=ink),
        "muted": ParagraphStyle("muted", fontName=font, fontSize=8.5, leading=12,
                                textColor=muted),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5,
                               textColor=ink),
        "head": ParagraphStyle("head", fontName=font, fontSize=7.5, leading=9.5,
                               textColor=colors.white),
    }

    def p(text: str, style: str = "cell") -> Paragraph:
        esc = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
        return Paragraph(esc, styles[style])

    def table(header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float]
              ) -> Table:
        data = [[p(h, "head") for h in header]] + [[c if isinstance(c, Paragraph) else p(str(c))
                                            for c in r] for r in rows]
        scale = WIDTH_MM / sum(widths)
        tb = Table(data, colWidths=[w * scale * mm for w in widths], repeatRows=1,
                   hAlign="LEFT")
        style = [
            ("FONT", (0, 0), (-1, -1), font, 7.5),
            ("BACKGROUND", (0, 0), (-1, 0), head_bg),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c9d2dc")),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
        for i in range(1, len(data)):
            if i % 2 == 0:
                style.append(("BACKGROUND", (0, i), (-1, i), band))
        tb.setStyle(TableStyle(style))
        return tb

    story: list[Any] = []
    story.append(p(f"{names.city_name} {t('title')}", "title"))
    story.append(p(f"{t('window')}: {names.time(report.start_ts)} — {names.time(report.end_ts)}"
                   f" ({names.zone()})  ·  {t('events')}: {report.events:,} (#{report.first_seq}–"
                   f"#{report.last_seq})  ·  {t('generated')}: {names.time(time.time())}",
                   "muted"))
    story.append(Spacer(1, 4 * mm))

    def kpi_cells(k: dict[str, Any]) -> list[str]:
        out = []
        for key in KPI_KEYS:
            v = k.get(key)
            if key.endswith("_rate"):
                out.append("—" if v is None else f"{v * 100:.1f}%")
            elif key.endswith("_s"):
                out.append(names.duration(v))
            else:
                out.append("—" if v is None else f"{v:,}")
        return out

    story.append(p(t("summary"), "h2"))
    story.append(table([names.kpi(k) for k in KPI_KEYS], [kpi_cells(report.city)], [20] * 12))
    for key, rows, name in (("by_district", report.by_district, names.region),
                            ("by_department", report.by_department, names.department)):
        if not rows:
            continue
        story.append(p(t(key), "h2"))
        story.append(table([t("region" if key == "by_district" else "department"),
                            *(names.kpi(k) for k in KPI_KEYS)],
                           [[name(code) if code not in ("", "-") else "—", *kpi_cells(k)]
                            for code, k in rows.items()], [37] + [20] * 12))

    def incident_rows(items: Sequence[IncidentSummary]) -> list[list[Any]]:
        rows = []
        for s in items[:max_rows]:
            late = names.duration(s.overdue_s) if s.overdue_s is not None else ""
            rows.append([s.incident_id, names.class_name(s.class_code), names.region(s.grid),
                         names.priority(s.priority), names.status(s.status),
                         names.department(s.lead_department) if s.lead_department else "",
                         names.time(s.reported_at),
                         " ".join(names.stage(x) for x in s.overdue_stages),
                         p(late) if not late else Paragraph(
                             f'<font color="#b91c1c">{late}</font>', styles["cell"]),
                         names.level(s.level), str(s.escalations) if s.escalations else "",
                         t("yes") if s.supervised else ""])
        return rows

    header = [t("incident"), t("class"), t("grid"), t("priority"), t("status"), t("lead"),
              t("reported_at"), t("stages"), t("late_by"), t("level"), t("escalations"),
              t("supervised")]
    widths = [20, 38, 38, 14, 16, 30, 25, 20, 20, 14, 13, 12]
    for key, items in (("overdue", report.overdue), ("escalated", report.escalated)):
        story.append(p(f"{t(key)} ({len(items)})", "h2"))
        if items:
            story.append(table(header, incident_rows(items), widths))
            if len(items) > max_rows:
                story.append(p(t("more").replace("{0}", str(len(items) - max_rows)), "muted"))
        else:
            story.append(p(t("none"), "muted"))
    story.extend(photo_flowables((*report.overdue, *report.escalated), names, media_dir, p))
    if report.bookmarks:
        story.append(p(t("bookmarks"), "h2"))
        story.append(table([t("time"), t("note")],
                           [[names.time(b.ts, seconds=True), b.note] for b in report.bookmarks],
                           [40, 220]))
    if report.timelines:
        story.append(p(t("timelines"), "h2"))
        shown = 0
        by_id = {s.incident_id: s for s in report.incidents}
        for iid, tl in report.timelines.items():
            if shown >= max_timelines:
                break
            shown += 1
            s = by_id.get(iid)
            title = iid if s is None else (f"{iid}  {names.class_name(s.class_code)} · "
                                           f"{names.region(s.grid)} · {names.status(s.status)}")
            dl = "；".join(
                f"{names.stage(d.stage)} {t('due')} {names.time(d.due)}"
                f" ({t('met')} {names.time(d.met_at)})" if d.met_at is not None else
                f"{names.stage(d.stage)} {t('due')} {names.time(d.due)} ({t('not_met')})"
                for d in tl.deadlines)
            lines = [[names.time(it.ts, seconds=True),
                      f"{names.lane(it.lane)} · "
                      f"{names.lane_key(it.lane, it.key)}",
                      names.item(it), names.detail(it), it.operator] for it in tl.items]
            story.append(KeepTogether([
                p(title, "h3"), p(f"{t('deadlines')}: {dl}" if dl else "", "muted")]))
            story.append(table([t("time"), t("lane"), t("what"), t("detail"), t("operator")],
                               lines, [32, 62, 52, 90, 27]))
        if len(report.timelines) > shown:
            story.append(p(t("more").replace("{0}", str(len(report.timelines) - shown)),
                           "muted"))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(muted)
        w, _h = landscape(A4)
        canvas.drawString(12 * mm, 7 * mm, f"Gridline · {names.city_name} {t('title')} · "
                          f"{names.time(report.start_ts)} — {names.time(report.end_ts)}")
        canvas.drawRightString(w - 12 * mm, 7 * mm,
                               t("page").replace("{0}", str(doc.page)))
        canvas.setStrokeColor(alert)
        canvas.setLineWidth(1.2)
        canvas.line(12 * mm, landscape(A4)[1] - 9 * mm, w - 12 * mm, landscape(A4)[1] - 9 * mm)
        canvas.restoreState()

    doc = SimpleDocTemplate(str(out), pagesize=landscape(A4), leftMargin=12 * mm,
                            rightMargin=12 * mm, topMargin=13 * mm, bottomMargin=13 * mm,
                            title=f"{names.city_name} {t('title')}", author="Gridline",
                            subject=f"{names.time(report.start_ts)} — "
                                    f"{names.time(report.end_ts)}")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out
