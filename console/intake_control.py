"""The main window's new-incident forms and the map: which click does what.

- a plain click on the map sets the point of the open form (its grid shown in the form, the
  point marked on the map); with no form open it opens nothing (it selects a region, as
  always);
- "New incident here" is explicit: Ctrl+click on the map, or the map's right-click menu;
- a filed incident is selected in the console as soon as the mirror holds it;
- a row of a form's place history opens that incident in the console.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QMenu, QWidget

from maps.view import MapView
from widgets.address_search import Place, SearchPort
from widgets.console_model import ConsoleModel
from widgets.intake_dialog import IntakeDialog

translate = QCoreApplication.translate


class IntakeControl(QObject):
    """Opens new-incident forms over ``parent`` and routes the map's clicks to them."""

    sig_message = Signal(str)
    """A hint for the status bar (a plain click with no form open)."""

    sig_show_incident = Signal(str)
    """An incident to show (a filed one, or one picked in a form's place history)."""

    def __init__(self, console: ConsoleModel, view: MapView, parent: QWidget, *,
                 search: SearchPort | None = None,
                 show_place: Callable[[Place], None] | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.view = view
        self.window = parent
        self.search = search
        self.show_place = show_place
        self.forms: list[IntakeDialog] = []
        self.menu: QMenu | None = None
        self._waiting: set[str] = set()  # filed ids to select once the mirror holds them
        view.sig_new_incident_requested.connect(lambda lat, lon: self.new_here(lon, lat))
        view.sig_map_context.connect(lambda lat, lon: self.context_menu(lon, lat))
        console.sig_incidents_changed.connect(self._on_incidents)

    # ------------------------------------------------------------------------- forms

    @property
    def form(self) -> IntakeDialog | None:
        """The form a map click goes to: the last opened that is still open."""
        for form in reversed(self.forms):
            if form.isVisible():
                return form
        return None

    def open_form(self, lon: float | None = None, lat: float | None = None) -> IntakeDialog:
        """A new form (at the point, if given), shown and active."""
        dialog = IntakeDialog(self.console, self.console.city.locate, self.window,
                              search=self.search)
        if self.show_place is not None:
            dialog.sig_place_picked.connect(self.show_place)
        dialog.sig_point_set.connect(self._mark_point)
        dialog.sig_filed.connect(self.select_when_present)
        dialog.sig_open_incident.connect(self._show)
        dialog.finished.connect(lambda _r, d=dialog: self._closed(d))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.forms.append(dialog)
        if lon is not None and lat is not None:
            dialog.set_point(lon, lat, "click")
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def new_here(self, lon: float, lat: float) -> IntakeDialog:
        """"New incident here" (Ctrl+click, the map's menu): an untouched open form takes
        the point; otherwise (a call half taken) another form opens there."""
        form = self.form
        if form is not None and not form.is_dirty():
            form.set_point(lon, lat, "click")
            form.raise_()
            form.activateWindow()
            return form
        return self.open_form(lon, lat)

    def map_clicked(self, lon: float, lat: float) -> None:
        """A plain click on the map: the open form's point; no form, no new one."""
        form = self.form
        if form is None:
            self.sig_message.emit(translate(
                "IntakeControl", "Ctrl+click or right-click the map for a new incident here"))
            return
        form.set_point(lon, lat, "click")

    def context_menu(self, lon: float, lat: float, at: QPoint | None = None) -> QMenu:
        """The map's right-click menu at (lon, lat): new incident here; the open form's
        point here."""
        if self.menu is not None:
            self.menu.close()
            self.menu.deleteLater()
        menu = self.menu = QMenu(self.window)
        new = menu.addAction(translate("IntakeControl", "New incident here"))
        new.setObjectName("new_incident_here")
        new.setShortcut(translate("IntakeControl", "Ctrl+Click"))
        new.triggered.connect(lambda: self.new_here(lon, lat))
        form = self.form
        if form is not None:
            put = menu.addAction(translate("IntakeControl", "Set the open form's point here"))
            put.setObjectName("set_form_point")
            put.triggered.connect(lambda: form.set_point(lon, lat, "click"))
        menu.popup(at if at is not None else QCursor.pos())
        return menu

    # ------------------------------------------------------------------ the console

    def select_when_present(self, incident_id: str) -> None:
        """Select a filed incident: now if the mirror holds it, else as soon as it does."""
        if self.console.incident(incident_id) is not None:
            self._show(incident_id)
        else:
            self._waiting.add(incident_id)

    def _on_incidents(self, ids: set[str]) -> None:
        if not self._waiting:
            return
        for iid in self._waiting & ids:
            if self.console.incident(iid) is not None:
                self._waiting.discard(iid)
                self._show(iid)

    def _show(self, incident_id: str) -> None:
        self.console.select_incident(incident_id, "intake")
        self.sig_show_incident.emit(incident_id)

    def _mark_point(self, lon: float, lat: float, how: str) -> None:
        if how != "address":  # a picked address is shown by the place search, with its name
            self.view.show_place(lon, lat, translate("IntakeControl", "New incident"),
                                 pan=False)

    def _closed(self, dialog: IntakeDialog) -> None:
        if dialog in self.forms:
            self.forms.remove(dialog)
        held = self.view.place
        if self.form is None and held is not None and not held.pan \
                and held.label == translate("IntakeControl", "New incident"):
            self.view.clear_place()  # the form's mark, not a place the operator searched
