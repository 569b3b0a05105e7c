"""Loading the console's translations (English source strings; Chinese in resources/i18n).

``resources/i18n/gridline_zh_CN.ts`` is the source; ``pyside6-lrelease`` compiles it to the
``.qm`` file loaded here. Qt's own strings (standard buttons, context menus of line edits) come
from Qt's ``qtbase`` translations.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

I18N_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"
LOCALES = {"zh": "zh_CN", "en": "en"}

_installed: list[QTranslator] = []


def qm_path(language: str) -> Path:
    return I18N_DIR / f"gridline_{LOCALES.get(language, language)}.qm"


def install_translator(app: QCoreApplication, language: str) -> bool:
    """Install the translations for ``language`` (``"zh"`` or ``"en"``) on ``app``; returns
    False when the compiled file is missing (the UI then stays in English)."""
    remove_translators(app)
    if language == "en":
        return True
    locale = LOCALES.get(language, language)
    ours = QTranslator(app)
    if not ours.load(str(qm_path(language))):
        return False
    app.installTranslator(ours)
    _installed.append(ours)
    qt = QTranslator(app)
    if qt.load(QLocale(locale), "qtbase", "_",
               QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    return True


def remove_translators(app: QCoreApplication) -> None:
    while _installed:
        app.removeTranslator(_installed.pop())
