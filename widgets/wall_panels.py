"""The wall screen's boxes: titled panels, banners, and labels that elide rather than push their
neighbours (the wall is laid out by stretch factors, never by its contents' size hints)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from widgets.wall_tiles import WALL, wall_font


class ElidedLabel(QLabel):
    """A one-line label that elides its text to fit instead of pushing its neighbours."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        self._full = text
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight,
                                              max(0, self.width()))
        super().setText(shown)


class WallPanel(QFrame):
    """A titled box of the wall: ``title`` on the left, ``side`` (a figure) on the right,
    ``content`` below."""

    def __init__(self, content: QWidget, parent: QWidget | None = None, *,
                 title_px: int = 26) -> None:
        super().__init__(parent)
        self.setObjectName("wallPanel")
        self.setStyleSheet(f"QFrame#wallPanel {{ background: {WALL.panel}; "
                           f"border: 2px solid {WALL.border}; border-radius: 8px; }}")
        self.title = ElidedLabel()
        self.title.setFont(wall_font(title_px, bold=True))
        self.title.setStyleSheet(f"color: {WALL.text}; border: 0;")
        self.side = QLabel()
        self.side.setFont(wall_font(title_px, bold=True))
        self.side.setStyleSheet(f"color: {WALL.accent}; border: 0;")
        self.side.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title, 1)
        head.addWidget(self.side)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 8, 14, 10)
        lay.setSpacing(6)
        lay.addLayout(head)
        lay.addWidget(content, 1)
        self.content = content
        # share space by the layouts' stretch factors alone, not by the contents' size hints
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)


def banner(background: str, colour: str, px: int) -> QLabel:
    """A hidden full-width banner of bold ``px`` text, ``colour`` on ``background``."""
    label = QLabel()
    label.setFont(wall_font(px, bold=True))
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setStyleSheet(f"background: {background}; color: {colour}; padding: 10px 24px; "
                        "border-radius: 6px;")
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    label.hide()
    return label
