"""Places on the main window's map: the search box of the map toolbar (Ctrl+F), and the place
any search picked (the box, the intake form's address, the command line's ``go``) held on the
map until the next one or Escape."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut

from maps.view import MapView
from widgets.address_search import AddressSearch, Place, SearchPort

translate = QCoreApplication.translate

ZOOM = {"district": 13, "street": 14, "community": 15, "grid": 16, "road": 17}
DEFAULT_ZOOM = 18
STARTUP_RETRIES = 30  # --search: the server may still be building its index


class MapPlaces(QObject):
    """The search box (:attr:`box`) and the place shown (:attr:`shown`)."""

    sig_message = Signal(str)
    """What the search box says (searching, nothing found, the server's error)."""

    def __init__(self, view: MapView, search: SearchPort | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.shown: Place | None = None
        self.box = AddressSearch(search)
        self.box.setEnabled(search is not None)
        self.box.setMinimumWidth(260)
        self.box.setMaximumWidth(420)
        self.box.setPlaceholderText(translate("MapPlaces", "Find a place (Ctrl+F)"))
        self.box.setToolTip(translate(
            "MapPlaces", "Find an address, road or place on the map: Chinese, pinyin or "
                         "initials; Escape drops the place shown"))
        self.box.sig_picked.connect(self.show)
        self.box.sig_cleared.connect(self.clear)
        self.box.sig_message.connect(self.sig_message)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), view)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.clear)
        self.box.sig_failed.connect(self._retry)
        self._startup: str | None = None  # --search: the text to show once the server can
        self._retries = 0

    def focus(self) -> None:
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()

    def show(self, place: Place) -> None:
        """Hold ``place`` on the map (a road with its line) and move the map there."""
        self._startup = None
        self.shown = place
        self.view.show_place(place.lon, place.lat, place.name, line=place.line or None,
                             zoom=ZOOM.get(place.kind, DEFAULT_ZOOM))

    def clear(self) -> None:
        if self.shown is not None:
            self.shown = None
            self.view.clear_place()

    def search_and_show(self, text: str) -> None:
        """Look ``text`` up and show the best place (``--search``), trying again for a while
        if the server is not ready to search yet."""
        self._startup, self._retries = text, 0
        self.box.search_now(text, pick_first=True)

    def _retry(self, _message: str) -> None:
        text = self._startup
        if text is None or self._retries >= STARTUP_RETRIES or self.box.text() != text:
            self._startup = None
            return
        self._retries += 1
        QTimer.singleShot(1000, lambda: self.box.search_now(text, pick_first=True))
