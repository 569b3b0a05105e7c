"""The monthly evaluation report as a PDF (A4 landscape, reportlab, Chinese in the CID font
``STSong-Light`` like the shift report): a title page (the centre, the month and its period,
the top and bottom three of each ranking), then the districts' and the departments' ranking
tables with the month-on-month change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dispatch.domain.evaluation import RATES
from dispatch.services.evaluation_view import better, significant
from dispatch.services.report.evaluation import (
    LEVELS,
    EvaluationReport,
    group_name,
    rank_change,
    text,
)
from dispatch.services.report.names import Names
from dispatch.services.report.pdf import CJK_FONT, WIDTH_MM

UP, DOWN = "↑", "↓"
GOOD, BAD = "#15803d", "#b91c1c"


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def percent(v: Any) -> str:
    return "—" if v is None else f"{float(v) * 100:.1f}%"


def move_text(row: Mapping[str, Any], language: str) -> str:
    """``↑2``, ``↓1``, ``=`` or ``new`` (no row last month)."""
    if row.get("previous") is None:
        return text("new", language)
    moved = rank_change(row)
    if not moved:
        return "="
    return f"{UP}{moved}" if moved > 0 else f"{DOWN}{-moved}"


def change_text(indicator: str, row: Mapping[str, Any], names: Names) -> tuple[str, str | None]:
    """The change of ``indicator`` in words and its colour (green better, red worse)."""
    delta = (row.get("change") or {}).get(indicator)
    if delta is None or not significant(indicator, delta):
        return "", None
    good = better(indicator, delta)
    arrow = UP if delta > 0 else DOWN if delta < 0 else ""
    if indicator == "score" or indicator in RATES:
        value = f"{arrow}{abs(delta) * 100:.1f}"
    else:
        value = f"{arrow}{names.duration(abs(delta))}"
    return value, None if good is None else (GOOD if good else BAD)


def write_pdf(report: EvaluationReport, path: Path | str, names: Names) -> Path:
    """Write the report (see the module docstring); returns the path."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    font = _font()
    out = Path(path)
    lang = names.language

    def t(key: str) -> str:
        return text(key, lang)

    ink, muted = colors.HexColor("#1b2631"), colors.HexColor("#6b7280")
    head_bg, band = colors.HexColor("#23364a"), colors.HexColor("#eef2f6")
    styles = {
        "cover": ParagraphStyle("cover", fontName=font, fontSize=30, leading=40, textColor=ink,
                                alignment=1, spaceAfter=10),
        "centre": ParagraphStyle("centre", fontName=font, fontSize=18, leading=26,
                                 textColor=ink, alignment=1),
        "lead": ParagraphStyle("lead", fontName=font, fontSize=12, leading=18, textColor=muted,
                               alignment=1),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=13, leading=18, textColor=ink,
                             spaceBefore=8, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, textColor=ink),
        "muted": ParagraphStyle("muted", fontName=font, fontSize=8.5, leading=12,
                                textColor=muted),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5, textColor=ink),
        "head": ParagraphStyle("head", fontName=font, fontSize=7.5, leading=9.5,
                               textColor=colors.white),
    }

    def p(value: str, style: str = "cell", colour: str | None = None) -> Paragraph:
        esc = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Paragraph(f'<font color="{colour}">{esc}</font>' if colour else esc,
                         styles[style])

    def table(header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float]
              ) -> Table:
        data = [[p(h, "head") for h in header]] + [
            [c if isinstance(c, Paragraph) else p(str(c)) for c in r] for r in rows]
        scale = WIDTH_MM / sum(widths)
        tb = Table(data, colWidths=[w * scale * mm for w in widths], repeatRows=1,
                   hAlign="LEFT")
        style: list[Any] = [
            ("FONT", (0, 0), (-1, -1), font, 7.5),
            ("BACKGROUND", (0, 0), (-1, 0), head_bg),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c9d2dc")),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
        style += [("BACKGROUND", (0, i), (-1, i), band) for i in range(2, len(data), 2)]
        tb.setStyle(TableStyle(style))
        return tb

    def score(v: Any) -> str:
        return "—" if v is None else f"{float(v) * 100:.1f}"

    period = (f"{names.time(report.start)} — {names.time(report.end)} ({names.zone()})")
    story: list[Any] = [Spacer(1, 32 * mm), p(report.centre, "centre"),
                        Spacer(1, 6 * mm), p(t("title"), "cover"),
                        p(f"{t('month')}: {report.label}", "lead"),
                        p(f"{t('period')}: {period}", "lead"),
                        p(f"{t('generated')}: {names.time(report.generated)}", "lead"),
                        Spacer(1, 12 * mm)]
    summary = []
    for level in LEVELS:
        rows = report.rankings.get(level, [])
        scored = [r for r in rows if r.get("score") is not None]
        best = scored[:min(3, (len(scored) + 1) // 2)]
        worst = scored[len(best):][-3:][::-1]
        summary.append([t(level), f"{len(rows)}", "、".join(
            f"{group_name(names, level, str(r['code']))} {score(r['score'])}" for r in best)
            or "—", "、".join(f"{group_name(names, level, str(r['code']))} {score(r['score'])}"
                             for r in worst) or "—"])
    story.append(table([t("ranking"), t("groups"), t("top"), t("bottom")], summary,
                       [30, 14, 110, 110]))
    story.append(Spacer(1, 4 * mm))
    story.append(p(t("how"), "muted"))

    indicators = (*RATES, "mean_response_s", "mean_handling_s")
    for level in LEVELS:
        story.append(PageBreak())
        story.append(p(f"{t(level)} · {report.label}", "h2"))
        rows = report.rankings.get(level, [])
        if not rows:
            story.append(p(t("none"), "muted"))
            continue
        body = []
        for r in rows:
            cells: list[Any] = [str(r.get("rank", "")), move_text(r, lang),
                                group_name(names, level, str(r["code"])), score(r.get("score"))]
            delta, colour = change_text("score", r, names)
            cells.append(p(delta, colour=colour))
            for ind in indicators:
                value = percent(r.get(ind)) if ind in RATES else names.duration(r.get(ind))
                delta, colour = change_text(ind, r, names)
                cells.append(p(f"{value} {delta}".strip(), colour=colour))
            cells.append(str(r.get("due", "")))
            body.append(cells)
        header = [t("rank"), t("move"), t("name"), t("score"), t("score_change"),
                  *(t(i) for i in indicators), t("due")]
        story.append(table(header, body, [9, 10, 34, 11, 12, *([18] * len(indicators)), 11]))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(muted)
        w, _h = landscape(A4)
        canvas.drawString(12 * mm, 7 * mm, f"Gridline · {report.centre} {t('title')} · "
                                           f"{report.label}")
        canvas.drawRightString(w - 12 * mm, 7 * mm, t("page").replace("{0}", str(doc.page)))
        canvas.restoreState()

    doc = SimpleDocTemplate(str(out), pagesize=landscape(A4), leftMargin=12 * mm,
                            rightMargin=12 * mm, topMargin=13 * mm, bottomMargin=13 * mm,
                            title=f"{report.centre} {t('title')} {report.label}",
                            author="Gridline", subject=period)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out


def write_report(report: EvaluationReport, directory: Path | str, names: Names) -> list[Path]:
    """Write ``evaluation-YYYY-MM.pdf`` and ``.csv`` into ``directory`` (made if need be)."""
    from dispatch.services.report.evaluation import write_csv

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"evaluation-{report.label}"
    return [write_pdf(report, out / f"{stem}.pdf", names),
            write_csv(report, out / f"{stem}.csv", names)]
