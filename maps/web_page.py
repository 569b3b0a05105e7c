"""The map's web page object and the page's own words.

:class:`MapPage` stays on the map page (no navigation away) and logs the page's console;
:func:`page_texts` gives the layer switcher's words in the application's language.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, ClassVar

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtWebEngineCore import QWebEnginePage

from maps.page import PageOptions, build_page
from maps.scheme import SCHEME

log = logging.getLogger("maps.view")
translate = QCoreApplication.translate


def page_texts() -> tuple[tuple[str, str], ...]:
    """The page's own words (the layer switcher's), in the application's language."""
    return (("basemap", translate("MapView", "Offline map")),
            ("none", translate("MapView", "No basemap")),
            ("regions", translate("MapView", "Regions")),
            ("labels", translate("MapView", "Region names")),
            ("units", translate("MapView", "Units")),
            ("incidents", translate("MapView", "Incidents")),
            ("opacity", translate("MapView", "Basemap opacity")))


@lru_cache(maxsize=8)
def page_html(options: PageOptions) -> str:
    """The map page built from ``options`` (the last few kept)."""
    return build_page(options)


class MapPage(QWebEnginePage):
    """Stays on the map page (no navigation away) and logs the page's console."""

    _LEVELS: ClassVar[dict[Any, int]] = {
        QWebEnginePage.JavaScriptConsoleMessageLevel.InfoMessageLevel: logging.DEBUG,
        QWebEnginePage.JavaScriptConsoleMessageLevel.WarningMessageLevel: logging.WARNING,
        QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel: logging.ERROR,
    }

    def acceptNavigationRequest(self, url: QUrl | str, nav_type: Any,
                                is_main_frame: bool) -> bool:
        return QUrl(url).scheme() == SCHEME

    def javaScriptConsoleMessage(self, level: Any, message: str,
                                 line: int, source: str) -> None:
        log.log(self._LEVELS.get(level, logging.INFO), "map page: %s (%s:%d)", message, source,
                line)
