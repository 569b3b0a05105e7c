"""The command line: type ``as 12 U-police-3`` and press Enter.

Parsing is :func:`dispatch.domain.cmdline.parser.parse`; completion of verbs, incident ids, unit
ids and arguments is :func:`dispatch.domain.cmdline.completion.complete`. Tab takes the
highlighted (or first) candidate, Enter sends the line exactly as shown (never a suggestion of
the popup), Up/Down walk the history, ``?`` lists the verbs. Errors,
from the parser or the server, show next to the line; a line the server refused comes back so
it can be fixed.

``go`` moves the map (:mod:`dispatch.domain.cmdline.goto`): ``go 观前街 18号`` looks the place
up through the search port (the geocoder; its places are offered as completions while typing)
and emits :attr:`CommandLine.sig_go` with the top one, ``go 320508001002003`` goes to a region,
``go E000123`` selects an incident (the map follows the selection).
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QPoint,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFontDatabase, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolTip,
    QWidget,
)

from dispatch.domain.assign_departments import spelled_out
from dispatch.domain.cmdline.completion import complete
from dispatch.domain.cmdline.goto import GO_SUMMARY, GO_USAGE, GoTo, is_go
from dispatch.domain.cmdline.line import CommandLineError
from dispatch.domain.cmdline.parser import parse, verb_help
from dispatch.domain.cmdline.printing import PRINT_SUMMARY, PRINT_USAGE, PrintSummary
from dispatch.domain.commands import AssignUnits
from widgets import theme
from widgets.actions import ConsoleActions
from widgets.address_search import DEBOUNCE_MS, Place, SearchPort
from widgets.console_model import ConsoleModel

HISTORY_SIZE = 200


translate = QCoreApplication.translate


class CommandLine(QWidget):
    """A one-line command entry with completion and inline errors."""

    sig_sent = Signal(object, str)
    """(command, context) — a parsed command was requested."""

    sig_go = Signal(object)
    """A :class:`~widgets.address_search.Place` ``go`` found: the map shows it."""

    sig_print = Signal(str)
    """``print``: the operator asked for this incident's printable summary."""

    _sig_places = Signal(str, object, str)  # the line asked about, places, error

    def _on_incident_selected(self, *_args: object) -> None:
        """A bound slot (not a lambda): Qt drops the connection when this object goes."""
        self._update_placeholder()

    def __init__(self, console: ConsoleModel, actions: ConsoleActions | None = None,
                 parent: QWidget | None = None, *, search: SearchPort | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.search = search
        self._go_line = ""  # the go line whose place is being looked up for Enter
        self._place_timer = QTimer(self)
        self._place_timer.setSingleShot(True)
        self._place_timer.setInterval(DEBOUNCE_MS)
        self._place_timer.timeout.connect(self._ask_places)
        self._sig_places.connect(self._on_places, Qt.ConnectionType.QueuedConnection)
        self.history: list[str] = []
        self._history_pos = 0
        self._pending: dict[str, str] = {}  # context → the line sent
        self._shown: dict[str, str] = {}  # context → the line as shown (departments spelled out)
        self.prompt = QLabel("›")
        self.prompt.setStyleSheet("font-weight: 700;")
        self.edit = QLineEdit()
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.edit.setFont(mono)
        self.edit.setMinimumWidth(360)
        self.edit.setClearButtonEnabled(True)
        self.status = QLabel()
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.candidates = QStringListModel(self)
        self.completer = QCompleter(self.candidates, self)
        self.completer.setWidget(self.edit)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.completer.activated.connect(self._take)
        # Enter while the popup shows sends the line as shown; installed after the
        # completer's own filter, so it is asked first (the completer would otherwise also
        # put its current suggestion into the line just sent).
        self._popup().installEventFilter(self)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.setSpacing(6)
        lay.addWidget(self.prompt)
        lay.addWidget(self.edit, 3)
        lay.addWidget(self.status, 2)
        self.edit.textEdited.connect(self._on_edited)
        self.edit.returnPressed.connect(self.run)
        self.edit.installEventFilter(self)
        self.setFocusProxy(self.edit)  # focusing the widget focuses the line
        console.sig_command_finished.connect(self._on_finished)
        console.sig_incident_selected.connect(self._on_incident_selected)
        if actions is not None:
            actions.sig_triggered.connect(self._on_action)
        self._update_placeholder()

    # --------------------------------------------------------------------- completion

    def _popup(self) -> QAbstractItemView:
        popup = self.completer.popup()
        assert popup is not None
        return popup

    def _update_placeholder(self) -> None:
        sel = self.console.selected_incident
        text = translate("CommandLine", "Command (F2) — e.g. as 12 U-police-3 · ? for help")
        if sel:
            text += " · " + translate("CommandLine", ". = %1").replace("%1", sel)
        self.edit.setPlaceholderText(text)

    def completions(self, text: str | None = None) -> list[str]:
        """Whole-line candidates for ``text`` (the line as typed by default)."""
        text = self.edit.text() if text is None else text
        words = complete(text, self.console.state, self.console.catalogue,
                         selected=self.console.selected_incident,
                         regions=self.console.city.regions)
        head = text if (not text or text[-1].isspace()) else text[: len(text) -
                                                                  len(text.split()[-1])]
        return [head + w for w in words]

    def _on_edited(self, text: str) -> None:
        word, _, rest = text.strip().partition(" ")
        if is_go(word) and rest.strip() and self.search is not None \
                and not rest.strip().isdigit():
            self._place_timer.start()  # places come from the geocoder, after a pause
        lines = self.completions(text) if text.strip() else []
        lines = [ln for ln in lines if ln != text]
        self.candidates.setStringList(lines)
        if lines:
            self.completer.complete()
        else:
            self._popup().hide()

    def _take(self, line: str) -> None:
        self.edit.setText(line + " ")
        self.edit.setFocus()
        self._on_edited(self.edit.text())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.completer.popup() and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._popup().hide()
                self.run()
                return True
            if event.key() == Qt.Key.Key_Tab:
                return self.eventFilter(self.edit, event)
            return False
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            popup = self._popup()
            if key == Qt.Key.Key_Tab:
                lines = [ln for ln in self.completions() if ln != self.edit.text()]
                current = popup.currentIndex() if popup.isVisible() else None
                picked = str(current.data()) if current is not None and current.isValid() \
                    else ""
                if picked in lines:
                    self._take(picked)
                elif lines:
                    self._take(lines[0])
                return True
            if not popup.isVisible() and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self._walk_history(-1 if key == Qt.Key.Key_Up else 1)
                return True
            if key == Qt.Key.Key_Escape and not popup.isVisible():
                self.edit.clear()
                return True
        return super().eventFilter(watched, event)

    def _walk_history(self, step: int) -> None:
        if not self.history:
            return
        self._history_pos = max(0, min(len(self.history), self._history_pos + step))
        self.edit.setText(self.history[self._history_pos]
                          if self._history_pos < len(self.history) else "")

    # ------------------------------------------------------------------------ running

    def run(self) -> str:
        """Parse the line and request the command; returns the context ("" if not sent)."""
        self._popup().hide()
        line = self.edit.text().strip()
        if line in ("?", "help", "h"):
            self.show_help()
            self.edit.clear()
            return ""
        if not line:
            return ""
        try:
            command = parse(line, selected=self.console.selected_incident,
                            units=self.console.state.units, catalogue=self.console.catalogue,
                            regions=self.console.city.regions)
        except CommandLineError as exc:
            self._say(exc.message, theme.ERROR)
            if exc.usage:
                self.status.setToolTip(f"{exc.message}\n{exc.usage}")
            return ""
        self._remember(line)
        if isinstance(command, GoTo):
            self.go(command, line)
            return ""
        if isinstance(command, PrintSummary):
            self.edit.clear()
            self._say(translate("CommandLine", "Summary of %1: pick the file")
                      .replace("%1", command.incident_id), theme.MUTED)
            self.sig_print.emit(command.incident_id)
            return ""
        shown = line
        if isinstance(command, AssignUnits):  # say which departments it puts on, and send that
            command = spelled_out(self.console.catalogue, self.console.state, command)
            shown = f"{line} → {self._departments(command)}"
        context = self.console.new_context("cmdline")
        self._pending[context] = line
        self._shown[context] = shown
        self.edit.clear()
        self._say(translate("CommandLine", "%1 — sending…").replace("%1", shown), theme.PENDING)
        self.console.request(command, None, context)
        self.sig_sent.emit(command, context)
        iid = getattr(command, "incident_id", "")
        if iid and iid in self.console.state.incidents:
            self.console.select_incident(iid, "cmdline")
        return context

    # ----------------------------------------------------------------------------- go

    def go(self, where: GoTo, line: str = "") -> None:
        """Show an incident (select it), a region or a place (looked up) on the map."""
        line = line or f"go {where.target}"
        self._place_timer.stop()
        if where.kind == "incident":
            if where.target not in self.console.state.incidents:
                self._say(translate("CommandLine", "%1 — no incident %2").replace("%1", line)
                          .replace("%2", where.target), theme.ERROR)
                return
            self.edit.clear()
            self.console.select_incident(where.target, "cmdline")
            self._say(translate("CommandLine", "%1 — on the map").replace("%1", line),
                      theme.SUCCESS)
            return
        if where.kind == "region":
            region = self.console.city.regions[where.target]
            p = region.geometry.representative_point()
            self.edit.clear()
            self.sig_go.emit(Place(id=region.code, name=region.name, kind=region.level.name.lower(),
                                   lon=p.x, lat=p.y, grid=region.code))
            self._say(translate("CommandLine", "%1 — %2 on the map").replace("%1", line)
                      .replace("%2", region.name), theme.SUCCESS)
            return
        if self.search is None:
            self._say(translate("CommandLine", "%1 — place search needs the server")
                      .replace("%1", line), theme.ERROR)
            return
        self._go_line = line
        self._say(translate("CommandLine", "%1 — looking it up…").replace("%1", line),
                  theme.PENDING)
        self._ask(line, where.target, 1)

    def _ask_places(self) -> None:
        """Completion: the places the geocoder finds for what follows ``go``."""
        text = self.edit.text()
        word, _, rest = text.strip().partition(" ")
        if is_go(word) and rest.strip():
            self._ask(text, rest.strip(), 8)

    def _ask(self, line: str, query: str, limit: int) -> None:
        assert self.search is not None
        answer = self._sig_places

        def done(places: object, error: str) -> None:
            with contextlib.suppress(RuntimeError):  # the line is gone
                answer.emit(line, places, error)

        self.search(query, limit, done)

    def _on_places(self, line: str, places: list[Place], error: str) -> None:
        if line == self._go_line:  # the answer to Enter: go to the top place
            self._go_line = ""
            if places:
                top = places[0]
                self.sig_go.emit(top)
                if self.edit.text().strip() == line:
                    self.edit.clear()
                where = " ".join(x for x in (top.district_name, top.where) if x)
                self._say(f"{line} → {top.name}" + (f" ({where})" if where else ""),
                          theme.SUCCESS)
            else:
                self._say(f"{line} — {error}" if error else translate(
                    "CommandLine", "%1 — no such place").replace("%1", line), theme.ERROR)
            return
        if line != self.edit.text() or not places:
            return  # typed on meanwhile (or nothing to offer): a stale answer
        head = line.strip().partition(" ")[0]
        self.candidates.setStringList([f"{head} {p.name}" for p in places])
        if self.edit.hasFocus():
            self.completer.complete()

    def _remember(self, line: str) -> None:
        if not self.history or self.history[-1] != line:
            self.history.append(line)
            del self.history[:-HISTORY_SIZE]
        self._history_pos = len(self.history)

    def _on_finished(self, context: str, ok: bool, message: str) -> None:
        line = self._pending.pop(context, None)
        if line is None:
            return
        shown = self._shown.pop(context, line)
        if ok:
            self._say(translate("CommandLine", "%1 — done").replace("%1", shown), theme.SUCCESS)
        else:
            self._say(f"{shown} — {message}", theme.ERROR)
            if not self.edit.text():
                self.edit.setText(line)

    def _departments(self, c: AssignUnits) -> str:
        """The departments an assign puts on (or adds to) its incident, lead first."""
        name = self.console.department_name
        inc = self.console.incident(c.incident_id)
        if inc is not None and inc.lead_department:
            added = ", ".join(name(d) for d in c.assist_departments)
            return translate("CommandLine", "adds %1").replace("%1", added) if added else \
                translate("CommandLine", "no department added")
        lead = c.lead_department or (self.console.catalogue.lead_department_of(inc.class_code)
                                     if inc is not None else "")
        names = [translate("CommandLine", "%1 (lead)").replace("%1", name(lead)),
                 *(name(d) for d in c.assist_departments)]
        return ", ".join(names)

    def _say(self, text: str, colour: str) -> None:
        self.status.setText(text)
        self.status.setToolTip(text)
        self.status.setStyleSheet(f"color: {colour};")

    @staticmethod
    def help_html() -> str:
        """The verbs, their usage and what they do (in the console's language: the domain's
        English summaries are the source texts of the context ``CommandLineHelp``)."""
        rows = "".join(f"<tr><td><b>{verb}</b>&nbsp;</td><td><code>"
                       f"{usage.replace('<', '&lt;').replace('>', '&gt;')}</code>&nbsp;</td>"
                       f"<td>{translate('CommandLineHelp', summary)}</td></tr>"
                       for verb, usage, summary in [*verb_help(), ("go", GO_USAGE, GO_SUMMARY),
                                                     ("print", PRINT_USAGE, PRINT_SUMMARY)])
        return f"<table>{rows}</table>"

    def show_help(self) -> None:
        """List the verbs under the line (also the status label's tooltip)."""
        html = self.help_html()
        self._say(translate("CommandLine", "The commands are listed under the line; hover here"),
                  theme.MUTED)
        self.status.setToolTip(html)
        QToolTip.showText(self.edit.mapToGlobal(QPoint(0, self.edit.height())), html, self.edit)

    def _on_action(self, key: str, _incident_id: str) -> None:
        if key == "focus_command_line":
            self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.edit.selectAll()
