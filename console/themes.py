"""Light and dark themes (Fusion style with a palette and a small style sheet), and the
high-contrast wall theme."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEMES = ("light", "dark", "wall")

_PALETTES = {
    "light": {"window": "#f3f4f6", "base": "#ffffff", "alt": "#f9fafb", "text": "#111827",
              "button": "#e5e7eb", "highlight": "#1d4ed8", "htext": "#ffffff",
              "mid": "#9ca3af", "tip": "#fffbea"},
    "dark": {"window": "#1f2430", "base": "#161a22", "alt": "#1c212b", "text": "#e5e7eb",
             "button": "#2a3140", "highlight": "#3b82f6", "htext": "#ffffff",
             "mid": "#4b5563", "tip": "#2a3140"},
    "wall": {"window": "#05070b", "base": "#0b0f17", "alt": "#0f1420", "text": "#f8fafc",
             "button": "#111827", "highlight": "#f59e0b", "htext": "#000000",
             "mid": "#334155", "tip": "#111827"},
}

_SHEET = """
QToolTip {{ color: {text}; background: {tip}; border: 1px solid {mid}; }}
QDockWidget::title {{ background: {button}; padding: 3px 6px; font-weight: 600; }}
QStatusBar QLabel {{ padding: 0 6px; }}
QLabel#staleBanner {{ background: #b45309; color: white; font-weight: 600; padding: 1px 8px; }}
QLabel#connLive {{ color: #15803d; font-weight: 600; }}
QLabel#connWarn {{ color: #b45309; font-weight: 600; }}
QLabel#connDown {{ color: #b91c1c; font-weight: 600; }}
QTableView {{ gridline-color: {mid}; }}
QHeaderView::section {{ background: {button}; padding: 2px 4px; border: 0;
                        border-right: 1px solid {mid}; }}
"""


def apply_theme(app: QApplication, name: str) -> None:
    if name not in _PALETTES:
        raise ValueError(f"unknown theme {name!r}; expected one of {', '.join(THEMES)}")
    c = _PALETTES[name]
    app.setStyle(QStyleFactory.create("Fusion"))
    pal = QPalette()
    role = QPalette.ColorRole
    for r, key in ((role.Window, "window"), (role.Base, "base"), (role.AlternateBase, "alt"),
                   (role.Text, "text"), (role.WindowText, "text"), (role.ButtonText, "text"),
                   (role.Button, "button"), (role.Highlight, "highlight"),
                   (role.HighlightedText, "htext"), (role.ToolTipBase, "tip"),
                   (role.ToolTipText, "text"), (role.Mid, "mid"), (role.PlaceholderText, "mid")):
        pal.setColor(r, QColor(c[key]))
    app.setPalette(pal)
    app.setStyleSheet(_SHEET.format(**c))
    font = QFont(app.font())
    font.setFamilies(["Noto Sans CJK SC", "Noto Sans", "DejaVu Sans"])
    font.setPointSizeF(16.0 if name == "wall" else 9.5)
    app.setFont(font)
