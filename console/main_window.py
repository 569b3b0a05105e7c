"""The dispatcher workstation's main window: the live map in the middle, dockable panels
around it (incident queue, unit board, incident detail, region, city part), KPIs and the command line on
top, connection state below. Layout, level, map options and theme persist in QSettings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QRect, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QWidget,
)

from console.incident_print import attach_printer
from console.intake_control import IntakeControl
from console.map_places import MapPlaces
from console.map_settings import configured_sources, map_options, page_theme, remember_choices
from console.map_sync import MapSync
from console.map_units import UNIT_COLOURINGS
from console.region_panel import RegionPanel
from console.status_bar import ConsoleStatusBar
from console.themes import apply_theme
from console.tool_windows import add_tools_menu, evaluation_window, present, workload_window
from dispatch.adapters.client.commands import Login
from dispatch.adapters.client.mirror import MirrorInfo
from maps.tiles import TileSource
from maps.view import MapView
from widgets import alert_sound, part_labels
from widgets.actions import WINDOW_SHORTCUTS, ConsoleActions
from widgets.address_search import SearchPort
from widgets.command_line import CommandLine
from widgets.console_model import ConsoleModel
from widgets.detail_panel import IncidentDetail
from widgets.intake_dialog import IntakeDialog
from widgets.kpi_strip import KpiStrip
from widgets.part_card import PartCard
from widgets.queue_panel import QueuePanel
from widgets.unit_board import UnitBoard

LEVELS = ("district", "street", "community", "grid")
LAYOUT_VERSION = 3  # bump when the default dock layout changes: older saved layouts are ignored



translate = QCoreApplication.translate


def _setting_on(value: object) -> bool:
    """A QSettings boolean (an INI file gives it back as the text "true")."""
    return value is True or str(value).lower() in ("true", "1")


class MainWindow(QMainWindow):
    def __init__(self, console: ConsoleModel, login: Login, *, settings: QSettings,
                 level: str = "grid", theme: str = "light",
                 audit_source: Callable[[dict[str, Any]], Any] | None = None,
                 history_source: Any = None,
                 tile_sources: Sequence[TileSource] | None = None,
                 search: SearchPort | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.search = search
        self.login = login
        self.audit_source = audit_source
        self.history_source = history_source  # incident_history(id), close()
        self.audit_window: Any = None
        self.workload_window: Any = None
        self.evaluation_window: Any = None
        self.run_card_editor: Any = None
        self.hazard_editor: Any = None
        self.quit_box: QMessageBox | None = None  # the question Ctrl+Q asks, while it asks
        self.settings = settings
        self.theme = theme
        self.setWindowTitle(translate("MainWindow", "Gridline — {0}").replace("{0}", console.city.name))
        self.fit_screen()  # then _restore() puts back the geometry saved last time

        # The map in the window's theme, on the configured tiles (``--tiles`` or the
        # settings') or the offline basemap; the layer chosen last is remembered.
        self.map = MapView(self, options=map_options(
            settings, theme=theme, sources=configured_sources(settings, tile_sources)))
        remember_choices(self.map, settings)
        self.setCentralWidget(self.map)
        level = str(settings.value("map/level", level))
        colouring = str(settings.value("map/unit_colours", "department"))
        self.map_sync = MapSync(console, self.map, level=level if level in LEVELS else "grid",
                                choropleth=str(settings.value("map/choropleth", "open")) or None,
                                unit_colouring=colouring if colouring in UNIT_COLOURINGS
                                else "department")
        self.actions_ = ConsoleActions(console, self)
        self.queue = QueuePanel(console, self.actions_)
        self.units = UnitBoard(console, self.actions_)
        self.detail = IncidentDetail(console, self.actions_)
        self.region = RegionPanel(console)
        self.part_card = PartCard(console)
        self.kpis = KpiStrip(console)
        self.command_line = CommandLine(console, self.actions_, search=search)
        self.summary_printer = attach_printer(self, self.detail, self.command_line,
                                              history_source)
        self.places = MapPlaces(self.map, search, self)
        self.command_line.sig_go.connect(self.places.show)
        self.places.sig_message.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self.map_sync.sig_region_clicked.connect(self._on_region_clicked)
        self.intake = IntakeControl(console, self.map, self, search=search,
                                    show_place=self.places.show)
        self.intake.sig_message.connect(lambda m: self.statusBar().showMessage(m, 6000))
        self.intake.sig_show_incident.connect(self._raise_detail)
        self.map_sync.sig_point_clicked.connect(self.intake.map_clicked)
        self.map_sync.sig_point_clicked.connect(self._hazard_point)
        self.map_sync.sig_part_clicked.connect(self.show_part)
        self.part_card.sig_report.connect(self.report_at_part)
        self.part_card.sig_incident_activated.connect(self._raise_detail)
        self.queue.sig_activated.connect(self._raise_detail)
        self.units.sig_unit_selected.connect(lambda uid: self.map.select("unit", uid))
        self.map_sync.follow_unit_filter(self.units.proxy)  # the board's filter, on the map too

        # Map on top, the queue under it, the incident and the units down the right side.
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.setCorner(Qt.Corner.TopRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.queue_dock = self._dock("queue", translate("MainWindow", "Incident queue"),
                                     self.queue, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.detail_dock = self._dock("detail", translate("MainWindow", "Incident"), self.detail,
                                      Qt.DockWidgetArea.RightDockWidgetArea)
        self.region_dock = self._dock("region", translate("MainWindow", "Region"), self.region,
                                      Qt.DockWidgetArea.RightDockWidgetArea)
        self.units_dock = self._dock("units", translate("MainWindow", "Units"), self.units,
                                     Qt.DockWidgetArea.RightDockWidgetArea)
        self.part_dock = self._dock("part", translate("MainWindow", "Part"), self.part_card,
                                    Qt.DockWidgetArea.RightDockWidgetArea)
        self.part_card.sig_close.connect(self.part_dock.hide)
        self.tabifyDockWidget(self.detail_dock, self.region_dock)
        self.tabifyDockWidget(self.region_dock, self.part_dock)
        self.detail_dock.raise_()
        self._restored = False

        self._build_toolbars()
        self._build_menus()
        self.status = ConsoleStatusBar(login)
        self._gateway_url = ""  # the embedded field gateway, once it answers (show_gateway)
        self.setStatusBar(self.status)
        self._restore()

    # ---------------------------------------------------------------------------- build

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea
              ) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{name}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_toolbars(self) -> None:
        top = QToolBar(translate("MainWindow", "Indicators"), self)
        top.setObjectName("toolbar-kpis")
        top.setMovable(False)
        top.addWidget(self.kpis)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, top)
        self.addToolBarBreak()
        bar = QToolBar(translate("MainWindow", "Command"), self)
        bar.setObjectName("toolbar-command")
        bar.addWidget(self.command_line)
        bar.addSeparator()
        bar.addWidget(QLabel(translate("MainWindow", "Level ")))
        self.level_box = QComboBox()
        for lv, text in zip(LEVELS, (translate("MainWindow", "District"), translate("MainWindow", "Street"), translate("MainWindow", "Community"),
                                     translate("MainWindow", "Grid")), strict=True):
            self.level_box.addItem(text, lv)
        self.level_box.setCurrentIndex(LEVELS.index(self.map_sync.level))
        self.level_box.currentIndexChanged.connect(
            lambda _i: self.set_level(self.level_box.currentData()))
        bar.addWidget(self.level_box)
        bar.addWidget(QLabel(translate("MainWindow", " Shade ")))
        self.shade_box = QComboBox()
        for mode, text in ((None, translate("MainWindow", "None")), ("open", translate("MainWindow", "Open incidents")),
                           ("overdue", translate("MainWindow", "Overdue incidents"))):
            self.shade_box.addItem(text, mode)
        self.shade_box.setCurrentIndex([None, "open", "overdue"].index(self.map_sync.choropleth))
        self.shade_box.currentIndexChanged.connect(
            lambda _i: self.map_sync.set_choropleth_mode(self.shade_box.currentData()))
        bar.addWidget(self.shade_box)
        bar.addWidget(QLabel(translate("MainWindow", " Units ")))
        self.unit_colour_box = QComboBox()
        self.unit_colour_box.setToolTip(translate("MainWindow", "Colour the units on the map"))
        for mode, text in (("department", translate("MainWindow", "by department")),
                           ("status", translate("MainWindow", "by status"))):
            self.unit_colour_box.addItem(text, mode)
        self.unit_colour_box.setCurrentIndex(
            UNIT_COLOURINGS.index(self.map_sync.unit_colouring))
        self.unit_colour_box.currentIndexChanged.connect(
            lambda _i: self.set_unit_colouring(self.unit_colour_box.currentData()))
        bar.addWidget(self.unit_colour_box)
        self.parts_action = QAction(translate("MainWindow", "Parts"), self)
        self.parts_action.setCheckable(True)
        self.parts_action.setToolTip(translate("MainWindow", "Show city parts: cameras with their field of view, "
                                         "streetlights, manhole covers, hydrants"))
        self.parts_action.toggled.connect(self.map_sync.set_parts_visible)
        bar.addAction(self.parts_action)
        fit = QAction(translate("MainWindow", "Whole city"), self)
        fit.setShortcut(QKeySequence(WINDOW_SHORTCUTS["fit_city"]))
        fit.triggered.connect(self.map.fit_city)
        bar.addAction(fit)
        bar.addWidget(self.places.box)
        find = QAction(translate("MainWindow", "Find a place"), self)
        find.setShortcut(QKeySequence(WINDOW_SHORTCUTS["map_search"]))
        find.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        find.triggered.connect(self.places.focus)
        self.addAction(find)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    def _build_menus(self) -> None:
        m = self.menuBar().addMenu(translate("MainWindow", "&File"))
        m.addAction(self.actions_.action("new_incident"))
        m.addSeparator()
        quit_ = m.addAction(translate("MainWindow", "&Quit"))
        quit_.setShortcut(QKeySequence(WINDOW_SHORTCUTS["quit"]))  # on every platform
        quit_.triggered.connect(self.confirm_quit)
        m = self.menuBar().addMenu(translate("MainWindow", "&Incident"))
        from widgets.actions import ACTIONS

        group = 0
        for spec in ACTIONS:
            if not spec.incident:
                continue
            if spec.group != group and group:
                m.addSeparator()
            group = spec.group
            m.addAction(self.actions_.action(spec.key))
        # Every action's shortcut works anywhere in the window, menu open or not.
        self.actions_.attach(self)
        self.actions_.sig_triggered.connect(self._on_action)
        v = self.menuBar().addMenu(translate("MainWindow", "&View"))
        for dock in (self.queue_dock, self.detail_dock, self.region_dock, self.part_dock,
                     self.units_dock):
            v.addAction(dock.toggleViewAction())
        v.addSeparator()
        self.sound_action = v.addAction(
            translate("MainWindow", "Sound for new urgent incidents"))
        self.sound_action.setCheckable(True)
        self.sound_action.setChecked(_setting_on(self.settings.value(alert_sound.SETTING, False)))
        self.queue.sound.set_enabled(self.sound_action.isChecked())
        self.sound_action.toggled.connect(self.set_sound)
        themes = v.addMenu(translate("MainWindow", "Theme"))
        for name, text in (("light", translate("MainWindow", "Light")), ("dark", translate("MainWindow", "Dark"))):
            act = themes.addAction(text)
            act.triggered.connect(lambda _c=False, n=name: self.set_theme(n))
        self.audit_action: QAction | None = None
        self.workload_action: QAction | None = None
        self.evaluation_action: QAction | None = None
        self.run_cards_action: QAction | None = None
        self.hazards_action: QAction | None = None
        add_tools_menu(self)
        h = self.menuBar().addMenu(translate("MainWindow", "&Help"))
        h.addAction(translate("MainWindow", "Command line help")).triggered.connect(self.command_line.show_help)
        h.addAction(translate("MainWindow", "About Gridline")).triggered.connect(self._about)

    # ---------------------------------------------------------------------------- actions

    def set_level(self, level: str) -> None:
        self.map_sync.set_level(level)
        self.settings.setValue("map/level", level)

    def set_unit_colouring(self, mode: str) -> None:
        """Units on the map coloured by ``department`` or ``status`` (remembered)."""
        self.map_sync.set_unit_colouring(mode)
        self.settings.setValue("map/unit_colours", mode)

    def set_sound(self, on: bool) -> None:
        """The alert sound for new urgent incidents on or off (remembered)."""
        self.queue.sound.set_enabled(on)
        self.settings.setValue(alert_sound.SETTING, bool(on))

    def fit_screen(self, area: QRect | None = None) -> None:
        """A size that fits the screen's available area (``area``; 1920×1080 at most), frame
        included, centred on it."""
        if area is None:
            screen = self.screen() or QGuiApplication.primaryScreen()
            if screen is None:
                self.resize(1600, 900)
                return
            area = screen.availableGeometry()
        # the window manager's frame is not known before the window shows: leave room for it
        w = min(1920, area.width() - 16)
        h = min(1080, area.height() - 48)
        self.resize(w, h)
        self.move(area.x() + (area.width() - self.width()) // 2,
                  area.y() + max(0, (area.height() - self.height()) // 2 - 16))

    def confirm_quit(self) -> bool:
        """Ask before quitting (Ctrl+Q, File ▸ Quit); True if the window closed."""
        box = QMessageBox(QMessageBox.Icon.Question, translate("MainWindow", "Quit Gridline"),
                          translate("MainWindow", "Quit the console? Open forms are lost."),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.button(QMessageBox.StandardButton.Yes).setText(translate("MainWindow", "Quit"))
        box.button(QMessageBox.StandardButton.Cancel).setText(translate("MainWindow", "Cancel"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        self.quit_box = box
        answer = box.exec()
        self.quit_box = None
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return self.close()

    def set_theme(self, name: str) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, name)
        self.theme = name
        self.settings.setValue("ui/theme", name)
        self.map.set_theme(page_theme(name))  # the page built in it, the same view

    def new_incident_at(self, lon: float | None, lat: float | None) -> IntakeDialog:
        """A new-incident form (at the point, if given): see :class:`IntakeControl`."""
        return self.intake.open_form(lon, lat)

    def show_part(self, part_id: str) -> bool:
        """Open the card of a city part (a click on it on the map); False if unknown."""
        if not self.part_card.show_part(part_id):
            return False
        self.part_dock.show()
        self.part_dock.raise_()
        self.map.select("part", part_id, pan=False)  # marked where it is, the view kept
        return True

    def report_at_part(self, part_id: str) -> IntakeDialog | None:
        """The new-incident form at a part, referencing it, with the class its type suggests."""
        part = self.console.city.parts.get(part_id)
        if part is None:
            return None
        dialog = self.new_incident_at(None, None)
        dialog.set_point(part.lon, part.lat, "part")
        ptype = self.console.catalogue.part_types.get(part.part_type)
        name = part_labels.part_type(self.console.catalogue, part.part_type,
                                     self.console.language)
        dialog.set_part(part_id, f"{name} {part_id}")
        if ptype is not None and ptype.report_class:
            dialog.set_class(ptype.report_class)
        return dialog

    def open_run_cards(self) -> Any:
        """Show the run-card editor (one per console)."""
        from widgets.run_card_editor import RunCardEditor

        if self.run_card_editor is None:
            self.run_card_editor = RunCardEditor(self.console, self)
        return present(self.run_card_editor)

    def open_hazards(self) -> Any:
        """Show the hazard editor (one per console)."""
        from widgets.hazard_editor import HazardEditor

        if self.hazard_editor is None:
            self.hazard_editor = HazardEditor(self.console, self)
        return present(self.hazard_editor)

    def _hazard_point(self, lon: float, lat: float) -> None:
        """A map click while the hazard editor is open is the hazard's point."""
        if self.hazard_editor is not None and self.hazard_editor.isVisible():
            self.hazard_editor.set_point(lon, lat)

    def open_audit(self) -> Any:
        """Show the audit trail window (one per console), reading the last day at once."""
        from console.background import run_in_background
        from widgets.audit_window import AuditWindow

        if self.audit_source is None:
            return None
        if self.audit_window is None:
            self.audit_window = AuditWindow(self.audit_source, run_in_background, self)
            self.audit_window.refresh()
        return present(self.audit_window)

    def open_workload(self) -> Any:
        """Show the workload window (one per console), reading the shift at once."""
        if self.workload_window is None:
            self.workload_window = workload_window(self.console, self.audit_source,
                                                   self._show_from_workload, self)
            if self.workload_window is None:
                return None
            self.workload_window.refresh()
        return present(self.workload_window)

    def open_evaluation(self) -> Any:
        """Show the evaluation panel (one per console), reading this month's ranking."""
        if self.evaluation_window is None:
            self.evaluation_window = evaluation_window(
                self.console, self.history_source,
                lambda iid: self._show_from_workload(iid, "evaluation"), self)
            if self.evaluation_window is None:
                return None
            self.evaluation_window.refresh()
        return present(self.evaluation_window)

    def _show_from_workload(self, incident_id: str, origin: str = "workload") -> None:
        self.console.select_incident(incident_id, origin)
        self._raise_detail()
        self.raise_()
        self.activateWindow()

    def _raise_detail(self, _incident_id: str = "") -> None:
        self.detail_dock.show()
        self.detail_dock.raise_()

    def _on_action(self, key: str, _incident_id: str) -> None:
        if key == "new_incident":
            self.new_incident_at(None, None)
        elif key in ("focus_queue", "focus_search"):
            self.queue_dock.show()
            self.queue_dock.raise_()
        elif key == "focus_units":
            self.units_dock.show()
            self.units_dock.raise_()
        elif key not in ("focus_command_line",):
            self.detail_dock.show()
            self.detail_dock.raise_()

    def _on_region_clicked(self, code: str) -> None:
        self.region.show_region(code)
        self.region_dock.raise_()

    def show_info(self, info: MirrorInfo) -> None:
        self.status.show_info(info)

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        # The page sizes itself once the window is laid out: fit the city after that, unless
        # the view was placed meanwhile (a search, a focused incident).
        QTimer.singleShot(300, self.map.refit_city)

    def show_gateway(self, url: str) -> None:
        """The field gateway's address (the embedded one): in the status bar and in About."""
        self._gateway_url = url
        label = QLabel(translate("MainWindow", "Field gateway: {0}").replace("{0}", url))
        label.setObjectName("gatewayUrl")
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.addPermanentWidget(label)

    def _about(self) -> None:
        text = translate("MainWindow", "Gridline — command and dispatch for city grid governance.")
        if self._gateway_url:
            text += "\n\n" + translate(
                "MainWindow", "Field gateway (phones, Open311, 12345/110): {0}\n"
                "Open311 demo API key: open311-demo").replace("{0}", self._gateway_url)
        QMessageBox.about(self, translate("MainWindow", "About Gridline"), text)

    # ---------------------------------------------------------------------------- state

    def _restore(self) -> None:
        geo = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)
        if isinstance(state, QByteArray):
            self._restored = self.restoreState(state, LAYOUT_VERSION)
        header = self.settings.value("queue/header")
        view = getattr(self.queue, "view", None)
        if isinstance(header, QByteArray) and view is not None:
            view.horizontalHeader().restoreState(header)

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
        self.settings.setValue("map/choropleth", self.map_sync.choropleth or "")
        view = getattr(self.queue, "view", None)
        if view is not None:
            self.settings.setValue("queue/header", view.horizontalHeader().saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        if self.audit_window is not None:
            self.audit_window.close()
        for tool in (self.workload_window, self.evaluation_window):
            if tool is not None:
                tool.close()
        for source in {id(s): s for s in (self.audit_source, self.history_source)}.values():
            close_source = getattr(source, "close", None)
            if close_source is not None:
                close_source()
        super().closeEvent(event)
