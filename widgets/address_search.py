"""Type-ahead place search (地理编码): a line edit whose popup lists the places the server's
geocoder finds for what is typed, best first; Enter or a click picks one.

The widget does not know where places come from: it is given a :data:`SearchPort`, a callable
``port(query, limit, done)`` that looks the query up somewhere else (the console's is a worker
thread asking the dispatch server) and calls ``done(places, error)`` once, from any thread.
Typing waits :data:`DEBOUNCE_MS` for a pause, then asks; one question is out at a time: an
answer to an older text is dropped and the text as it is now asked for instead, so the latest
answer wins. Keys: Down/Up walk the list, Enter picks (the best place when the list is closed
and the answer is in, or as soon as it is), Escape closes the list, then clears the text.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

translate = QCoreApplication.translate

DEBOUNCE_MS = 150
ANSWER_TIMEOUT_MS = 15_000  # a question never answered stops blocking the next after this
DEFAULT_LIMIT = 10


@dataclass(frozen=True, slots=True)
class Place:
    """One place the geocoder found (a row of the server's ``geocode`` answer)."""

    id: str
    name: str
    kind: str
    lon: float
    lat: float
    grid: str = ""
    score: float = 0.0
    community: str | None = None
    community_name: str | None = None
    street: str | None = None
    street_name: str | None = None
    district: str | None = None
    district_name: str | None = None
    category: str = ""
    line: tuple[tuple[float, float], ...] = ()  # a road's centre line, (lon, lat)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Place:
        line = tuple((float(p[0]), float(p[1])) for p in row.get("line") or ())
        return cls(id=str(row.get("id", "")), name=str(row["name"]), kind=str(row["kind"]),
                   lon=float(row["lon"]), lat=float(row["lat"]), grid=str(row.get("grid") or ""),
                   score=float(row.get("score") or 0.0),
                   community=row.get("community"), community_name=row.get("community_name"),
                   street=row.get("street"), street_name=row.get("street_name"),
                   district=row.get("district"), district_name=row.get("district_name"),
                   category=str(row.get("category") or ""), line=line)

    @property
    def where(self) -> str:
        """Street and community, as a dispatcher says where a place is."""
        return " ".join(n for n in (self.street_name, self.community_name) if n)


Done = Callable[[Sequence[Place], str], None]
SearchPort = Callable[[str, int, Done], None]
"""``port(query, limit, done)``: look ``query`` up; ``done(places, error)`` once, any thread."""


def kind_label(kind: str) -> str:
    labels = {
        "district": translate("AddressSearch", "district"),
        "street": translate("AddressSearch", "street"),
        "community": translate("AddressSearch", "community"),
        "grid": translate("AddressSearch", "grid"),
        "road": translate("AddressSearch", "road"),
        "address": translate("AddressSearch", "address"),
        "compound": translate("AddressSearch", "compound"),
        "building": translate("AddressSearch", "building"),
        "poi": translate("AddressSearch", "place"),
        "part": translate("AddressSearch", "city part"),
    }
    return labels.get(kind, kind)


class PlaceListModel(QAbstractListModel):
    """The places of the last answer: the name, what it is, and where (street, community)."""

    PlaceRole = Qt.ItemDataRole.UserRole + 1
    NameRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.places: list[Place] = []

    def set_places(self, places: Sequence[Place]) -> None:
        self.beginResetModel()
        self.places = list(places)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()  # noqa: B008
                 ) -> int:
        return 0 if parent.isValid() else len(self.places)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.places):
            return None
        p = self.places[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            where = p.where
            return f"{p.name}  ·  {kind_label(p.kind)}" + (f"  ·  {where}" if where else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            return " ".join(x for x in (p.district_name, p.street_name, p.community_name,
                                        p.grid) if x)
        if role == self.NameRole:
            return p.name
        if role == self.PlaceRole:
            return p
        return None


class AddressSearch(QLineEdit):
    """The type-ahead line edit (see the module docstring)."""

    sig_picked = Signal(object)
    """A :class:`Place` was picked (Enter or a click)."""
    sig_message = Signal(str)
    """What the search is doing or found ("" once places are listed)."""
    sig_cleared = Signal()
    """Escape emptied the line (a map drops the place it held)."""
    sig_failed = Signal(str)
    """A question failed: the search's error, or no answer at all."""
    _sig_answer = Signal(int, str, object, str)  # serial, query, places, error

    def __init__(self, search: SearchPort | None = None, parent: QWidget | None = None, *,
                 limit: int = DEFAULT_LIMIT, debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self.search = search
        self.limit = limit
        self.model = PlaceListModel(self)
        self.asked = 0  # questions sent
        self.dropped = 0  # answers to an older text, dropped
        self._serial = 0
        self._in_flight: str | None = None  # the query asked and not yet answered
        self._answered = ""  # the query the listed places answer
        self._pick_when_answered = False
        self.setPlaceholderText(translate("AddressSearch", "Address, place or road…"))
        self.setClearButtonEnabled(True)
        self.completer_ = QCompleter(self.model, self)
        self.completer_.setWidget(self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setCompletionRole(PlaceListModel.NameRole)
        self.completer_.setMaxVisibleItems(10)
        self.completer_.activated[QModelIndex].connect(  # type: ignore[index]
            self._on_activated)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self._ask)
        self._lost = QTimer(self)
        self._lost.setSingleShot(True)
        self._lost.setInterval(ANSWER_TIMEOUT_MS)
        self._lost.timeout.connect(self._on_lost)
        self._sig_answer.connect(self._on_answer, Qt.ConnectionType.QueuedConnection)
        self.textEdited.connect(self._on_edited)

    # ------------------------------------------------------------------------ asking

    @property
    def query(self) -> str:
        return self.text().strip()

    @property
    def waiting_for_pause(self) -> bool:
        """Typing was seen and the pause before asking has not passed yet."""
        return self._debounce.isActive()

    @property
    def popup_visible(self) -> bool:
        popup = self.completer_.popup()
        return popup is not None and popup.isVisible()

    def search_now(self, text: str | None = None, *, pick_first: bool = False) -> None:
        """Ask at once (``text`` replaces the line); ``pick_first`` picks the best place as
        soon as the answer is in."""
        if text is not None:
            self.setText(text)
        self._pick_when_answered = pick_first
        self._debounce.stop()
        self._ask()

    def _on_edited(self, _text: str) -> None:
        self._pick_when_answered = False
        if not self.query:
            self._debounce.stop()
            self.model.set_places([])
            self._answered = ""
            self._hide_popup()
            self.sig_message.emit("")
            return
        self._debounce.start()

    def _ask(self) -> None:
        query = self.query
        if not query or self.search is None or self._in_flight is not None:
            return  # an answer is due: the text as it is then is asked for next
        if query == self._answered and self.model.rowCount():
            self._show_answer()
            return
        self._serial += 1
        serial = self._serial
        self._in_flight = query
        self.asked += 1
        self._lost.start()
        self.sig_message.emit(translate("AddressSearch", "Searching…"))
        answer = self._sig_answer

        def done(places: Sequence[Place], error: str) -> None:
            with contextlib.suppress(RuntimeError):  # the widget is gone
                answer.emit(serial, query, list(places), error)

        self.search(query, self.limit, done)

    def _on_lost(self) -> None:
        self._in_flight = None
        self._serial += 1  # an answer arriving after all is an old one
        message = translate("AddressSearch", "No answer from the server")
        self.sig_message.emit(message)
        self.sig_failed.emit(message)

    def _on_answer(self, serial: int, query: str, places: list[Place], error: str) -> None:
        if serial != self._serial:
            self.dropped += 1
            return
        self._in_flight = None
        self._lost.stop()
        if query != self.query:  # typed on meanwhile: drop it and ask for the text now
            self.dropped += 1
            if self.query:
                self._ask()
            return
        self._answered = query
        self.model.set_places(places)
        if error:
            self.sig_message.emit(error)
            self._hide_popup()
            self.sig_failed.emit(error)
        elif not places:
            self.sig_message.emit(translate("AddressSearch", "No place found for %1")
                                  .replace("%1", query))
            self._hide_popup()
        else:
            self.sig_message.emit("")
            if self._pick_when_answered:
                self.pick(0)
            elif self.hasFocus():
                self._show_answer()
        self._pick_when_answered = False

    def _show_answer(self) -> None:
        self.completer_.complete()
        popup = self.completer_.popup()
        if popup is not None and self.model.rowCount():
            popup.setCurrentIndex(self.completer_.completionModel().index(0, 0))

    def _hide_popup(self) -> None:
        popup = self.completer_.popup()
        if popup is not None:
            popup.hide()

    # ------------------------------------------------------------------------ picking

    def pick(self, row: int) -> Place | None:
        """Pick the place of ``row`` of the list (as Enter or a click does)."""
        if not 0 <= row < len(self.model.places):
            return None
        place = self.model.places[row]
        # Picked: a search still due (typed just before) or on its way must not open the
        # list again over the place picked.
        self._debounce.stop()
        if self._in_flight is not None:
            self._in_flight = None
            self._lost.stop()
            self._serial += 1
        self._hide_popup()
        self.setText(place.name)
        self._answered = place.name
        self.sig_picked.emit(place)
        return place

    def _on_activated(self, index: QModelIndex) -> None:
        place = index.data(PlaceListModel.PlaceRole)
        if isinstance(place, Place) and place in self.model.places:
            self.pick(self.model.places.index(place))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        popup = self.completer_.popup()
        if popup is not None and popup.isVisible():
            # The completer hands keys to the line first: Enter picks the highlighted row,
            # Escape is left to the completer (it closes the list).
            current = popup.currentIndex()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current.isValid():
                self.pick(current.row())
                event.accept()
                return
            if key == Qt.Key.Key_Escape:
                event.ignore()
                return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.query:
            if self._answered == self.query and self.model.rowCount() \
                    and self._in_flight is None and not self._debounce.isActive():
                self.pick(0)
            else:
                self.search_now(pick_first=True)
            event.accept()
            return
        if key == Qt.Key.Key_Down and not self.popup_visible and self.model.rowCount():
            self._show_answer()
            event.accept()
            return
        if key == Qt.Key.Key_Escape:
            if self.text():
                self.clear()
                self.model.set_places([])
                self._answered = ""
                self._debounce.stop()
                self.sig_message.emit("")
            self.sig_cleared.emit()
            event.accept()
            return
        super().keyPressEvent(event)
