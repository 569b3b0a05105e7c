"""Every console action in one table: text, keyboard shortcut, and when it is enabled.

Incident actions are enabled from :func:`dispatch.domain.available_actions.available_actions` for the
selected incident (the workflow rules stay in the handlers). :class:`ConsoleActions` builds the
QActions once; the shell attaches them to the main window so the shortcuts work everywhere in
it, the queue builds its context menu from them and the detail panel reacts to them.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from widgets.console_model import ConsoleModel


@dataclass(frozen=True, slots=True)
class ActionSpec:
    key: str  # an action key of dispatch.domain.available_actions, or a console action
    text: str  # English source text (context "Actions")
    shortcut: str
    incident: bool = True  # needs a selected incident on which the action is available
    group: int = 0  # menu section


def _spec(key: str, text: object, shortcut: str, incident: bool = True,
          group: int = 0) -> ActionSpec:
    return ActionSpec(key, str(text), shortcut, incident, group)


ACTIONS: tuple[ActionSpec, ...] = (
    # console
    _spec("new_incident", QT_TRANSLATE_NOOP("Actions", "New incident…"), "Ctrl+N", False),
    _spec("focus_command_line", QT_TRANSLATE_NOOP("Actions", "Command line"), "F2", False),
    _spec("focus_search", QT_TRANSLATE_NOOP("Actions", "Search the queue"), "Shift+F3",
               False),
    _spec("focus_queue", QT_TRANSLATE_NOOP("Actions", "Go to the queue"), "F3", False),
    _spec("focus_units", QT_TRANSLATE_NOOP("Actions", "Go to the unit board"), "F4", False),
    _spec("view_urgent", QT_TRANSLATE_NOOP("Actions", "View the new urgent incident"), "Ctrl+U",
          False),
    # intake and dispatch
    _spec("register", QT_TRANSLATE_NOOP("Actions", "Register"), "Ctrl+R", group=1),
    _spec("cancel", QT_TRANSLATE_NOOP("Actions", "Cancel incident…"), "Ctrl+Shift+X",
               group=1),
    _spec("assign", QT_TRANSLATE_NOOP("Actions", "Assign units…"), "Ctrl+D", group=1),
    _spec("release", QT_TRANSLATE_NOOP("Actions", "Release a unit…"), "Ctrl+Shift+D",
               group=1),
    _spec("return", QT_TRANSLATE_NOOP("Actions", "Return to dispatch…"), "Ctrl+T",
               group=1),
    _spec("release_department", QT_TRANSLATE_NOOP("Actions", "Release a department…"),
          "Ctrl+Shift+J", group=1),
    # field steps recorded at the console
    _spec("acknowledge", QT_TRANSLATE_NOOP("Actions", "Acknowledge"), "Ctrl+K", group=2),
    _spec("handle", QT_TRANSLATE_NOOP("Actions", "Start handling"), "Ctrl+Shift+H",
               group=2),
    _spec("respond", QT_TRANSLATE_NOOP("Actions", "Respond…"), "Ctrl+Shift+F", group=2),
    _spec("verify", QT_TRANSLATE_NOOP("Actions", "Verify…"), "Ctrl+I", group=2),
    _spec("rework", QT_TRANSLATE_NOOP("Actions", "Rework…"), "Ctrl+Shift+W", group=2),
    # time and attention
    _spec("request_extension", QT_TRANSLATE_NOOP("Actions", "Request extension…"),
               "Ctrl+Shift+T", group=3),
    _spec("approve_extension", QT_TRANSLATE_NOOP("Actions", "Approve extension…"),
               "Ctrl+Shift+A", group=3),
    _spec("reject_extension", QT_TRANSLATE_NOOP("Actions", "Reject extension…"),
               "Ctrl+Shift+N", group=3),
    _spec("park", QT_TRANSLATE_NOOP("Actions", "Park…"), "Ctrl+P", group=3),
    _spec("unpark", QT_TRANSLATE_NOOP("Actions", "Resume"), "Ctrl+Shift+P", group=3),
    _spec("supervise", QT_TRANSLATE_NOOP("Actions", "Supervise…"), "Ctrl+G", group=3),
    _spec("unsupervise", QT_TRANSLATE_NOOP("Actions", "End supervision"), "Ctrl+Shift+G",
               group=3),
    _spec("escalate", QT_TRANSLATE_NOOP("Actions", "Escalate…"), "Ctrl+E", group=3),
    # closing
    _spec("close", QT_TRANSLATE_NOOP("Actions", "Close…"), "Ctrl+L", group=4),
    _spec("duplicate", QT_TRANSLATE_NOOP("Actions", "Close as duplicate…"),
               "Ctrl+Shift+L", group=4),
    _spec("evaluate", QT_TRANSLATE_NOOP("Actions", "Evaluate…"), "Ctrl+Shift+E", group=4),
    _spec("note", QT_TRANSLATE_NOOP("Actions", "Add note…"), "Ctrl+M", group=4),
    # the citizen's loop (回访, 催办)
    _spec("callback", QT_TRANSLATE_NOOP("Actions", "Call-back…"), "Ctrl+Shift+K", group=5),
    _spec("urge", QT_TRANSLATE_NOOP("Actions", "Urge…"), "Ctrl+Shift+Y", group=5),
    # 吹哨报到
    _spec("whistle", QT_TRANSLATE_NOOP("Actions", "Blow the whistle…"), "Ctrl+Shift+B",
          group=6),
    _spec("report_arrival", QT_TRANSLATE_NOOP("Actions", "Report arrival…"), "Ctrl+Shift+O",
          group=6),
)

SPECS: dict[str, ActionSpec] = {s.key: s for s in ACTIONS}

WINDOW_SHORTCUTS: dict[str, str] = {
    "fit_city": "Ctrl+0",  # the map shows the whole city
    "audit_trail": "Ctrl+Shift+U",  # the audit window (shift leads and administrators)
    "map_search": "Ctrl+F",  # the map's place search box (Escape drops the place shown)
    "quit": "Ctrl+Q",  # File ▸ Quit, which asks first
    "print_summary": "Ctrl+Alt+P",  # the incident's printable summary (Ctrl+P parks)
    "evaluation": "Ctrl+Shift+R",  # the evaluation panel (shift leads and administrators)
}
"""Keys of the main window's own actions. With :data:`ACTIONS` they are the console's one
table of keys: :func:`shortcut_table` joins them and a test keeps every key unique (a key
given twice in one window fires neither)."""


REPLAY_SHORTCUTS: dict[str, str] = {
    "fit_tracks": "Ctrl+T",  # the map fits the units' tracks of the window
    "fit_city": "Ctrl+0",
    "export_pdf": "Ctrl+P",  # the shift report
    "export_csv": "Ctrl+E",
}
"""Keys of the replay window (a window of its own: no incident actions there)."""


def shortcut_table() -> dict[str, str]:
    """Every key of the main window: action key → shortcut."""
    return {**{s.key: s.shortcut for s in ACTIONS}, **WINDOW_SHORTCUTS}


def action_text(key: str) -> str:
    """The translated text of an action (without the ellipsis)."""
    return QCoreApplication.translate("Actions", SPECS[key].text).rstrip("…").rstrip(".")


class ConsoleActions(QObject):
    """The QActions of the console, enabled for the selected incident."""

    sig_triggered = Signal(str, str)
    """(action key, incident id or "") — an action was triggered by menu, button or key."""

    def __init__(self, console: ConsoleModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.actions: dict[str, QAction] = {}
        for spec in ACTIONS:
            act = QAction(QCoreApplication.translate("Actions", spec.text), self)
            act.setShortcut(QKeySequence(spec.shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            keys = act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            act.setToolTip(f"{action_text(spec.key)} ({keys})")
            act.setData(spec.key)
            act.triggered.connect(lambda _=False, k=spec.key: self.trigger(k))
            self.actions[spec.key] = act
        console.sig_incident_selected.connect(lambda *_: self.refresh())
        console.sig_incidents_changed.connect(self._on_changed)
        console.sig_reset.connect(self.refresh)
        self.refresh()

    def action(self, key: str) -> QAction:
        return self.actions[key]

    def attach(self, widget: QWidget) -> None:
        """Add every action to ``widget`` (the main window) so its shortcuts work there."""
        widget.addActions(list(self.actions.values()))

    def trigger(self, key: str, incident_id: str | None = None) -> None:
        """Run an action (for the selected incident unless another is named)."""
        spec = SPECS[key]
        iid = "" if not spec.incident else (incident_id or self.console.selected_incident)
        if spec.incident and key not in self.console.available_actions(iid):
            return
        self.sig_triggered.emit(key, iid)

    def _on_changed(self, ids: set[str]) -> None:
        if self.console.selected_incident in ids:
            self.refresh()

    def refresh(self) -> None:
        """Enable the incident actions available on the selected incident."""
        available = self.console.available_actions(self.console.selected_incident)
        for spec in ACTIONS:
            if spec.incident:
                self.actions[spec.key].setEnabled(spec.key in available)

    def menu_for(self, incident_id: str, parent: QWidget | None = None) -> QMenu:
        """A context menu with the actions available on ``incident_id`` (selects it)."""
        self.console.select_incident(incident_id, "menu")
        self.refresh()
        menu = QMenu(parent)
        available = self.console.available_actions(incident_id)
        group = None
        for spec in ACTIONS:
            if not spec.incident or spec.key not in available:
                continue
            if group is not None and spec.group != group:
                menu.addSeparator()
            group = spec.group
            menu.addAction(self.actions[spec.key])
        if menu.isEmpty():
            empty = menu.addAction(QCoreApplication.translate("Actions", "No actions available"))
            empty.setEnabled(False)
        return menu
