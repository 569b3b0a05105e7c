"""Print an HTML page (the incident summary) to a PDF with ``QTextDocument`` and
``QPdfWriter``: A4 portrait, fonts embedded (a CJK family first, so Chinese renders in any
viewer), scaled down to fit one page when it is a little longer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

# Latin letters and digits from a Latin family: the CJK font's digits come out of Qt's PDF
# text map as control characters (they print fine, but search and copy lose them)
FONT_FAMILIES = ["Liberation Sans", "DejaVu Sans", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                 "Microsoft YaHei", "sans-serif"]
RESOLUTION = 300
MIN_SCALE = 0.75
"""A page longer than one sheet is shrunk down to this; beyond, it runs on to more pages."""


def write_pdf(page_html: str, path: Path | str, *, title: str = "") -> int:
    """Write ``page_html`` to ``path``; the number of pages written (``OSError`` if the file
    cannot be written)."""
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION)
    writer.setTitle(title)
    writer.setCreator("Gridline")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(9)
    doc = QTextDocument()
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    doc.setHtml(page_html)
    rect = writer.pageLayout().paintRectPixels(RESOLUTION)
    # layout in points (72 per inch) so the font sizes print as written
    points = 72.0 / RESOLUTION
    page_w, page_h = rect.width() * points, rect.height() * points
    doc.setPageSize(QSizeF(page_w, 1e6))
    height = doc.documentLayout().documentSize().height()
    scale = 1.0 if height <= page_h else max(MIN_SCALE, page_h / height)
    doc.setPageSize(QSizeF(page_w / scale, page_h / scale))
    pages = doc.pageCount()
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {path}")
    try:
        factor = scale / points
        for n in range(pages):
            if n:
                writer.newPage()
            painter.save()
            painter.scale(factor, factor)
            painter.translate(0, -n * page_h / scale)
            doc.drawContents(painter, QRectF(0, n * page_h / scale, page_w / scale,
                                             page_h / scale))
            painter.restore()
    finally:
        painter.end()
    return pages
