"""The run-card editor (Tools → Run cards…, shift leads): the server's cards in a table, the
lines of the card being edited in another; a card is saved or removed with a command, and the
server's answer is shown under it.

Both tables are thin models over plain data (:class:`RunCardTableModel` over the console's
cards, :class:`CardLinesModel` over the lines being edited). A card is checked with the same
rule the server applies (:func:`dispatch.domain.runcards.check_card`) before it is sent, so an
unknown department or unit type is refused here with the same words, and nothing is sent.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch.domain import commands as cmd
from dispatch.domain.catalogue.model import Priority
from dispatch.domain.errors import DispatchError
from dispatch.domain.runcards import MAX_COUNT, check_card
from dispatch.domain.state import CardLine, RunCard
from widgets import labels, theme
from widgets.console_model import ConsoleModel
from widgets.rows import ListTableModel

translate = QCoreApplication.translate
Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
CODE = Qt.ItemDataRole.UserRole


class RunCardTableModel(ListTableModel):
    """The console's run cards, one row per card in key order."""

    CONTEXT = "RunCards"
    HEADERS = (QT_TRANSLATE_NOOP("RunCards", "Class"), QT_TRANSLATE_NOOP("RunCards", "Priority"),
               QT_TRANSLATE_NOOP("RunCards", "Sends"))

    def __init__(self, console: ConsoleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.cards: list[RunCard] = []
        console.sig_run_cards_changed.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.cards = [c for _k, c in sorted(self.console.run_cards.items())]
        self.endResetModel()

    def items(self) -> list[RunCard]:
        return self.cards

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if self.item_at(index) is None:
            return None
        card, col = self.cards[index.row()], index.column()
        if role == CODE:
            return card.key
        if role == Qt.ItemDataRole.ToolTipRole and col == 2:
            return self.data(index, DISPLAY)  # the long plans are elided in the cell
        if role != DISPLAY:
            return None
        c = self.console
        if col == 0:
            return f"{card.class_code} {c.class_name(card.class_code)}"
        if col == 1:
            return priority_name(card.priority)
        return "; ".join(f"{c.department_name(d)} {c.unit_type_name(t)} ×{n}"
                         for d, t, n in card.lines)


class CardLinesModel(ListTableModel):
    """The lines of the card being edited: department, unit type, count."""

    CONTEXT = "RunCards"
    HEADERS = (QT_TRANSLATE_NOOP("RunCards", "Department"),
               QT_TRANSLATE_NOOP("RunCards", "Unit type"), QT_TRANSLATE_NOOP("RunCards", "Count"))

    def __init__(self, console: ConsoleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.lines: list[CardLine] = []

    def set_lines(self, lines: list[CardLine]) -> None:
        self.beginResetModel()
        self.lines = list(lines)
        self.endResetModel()

    def add(self, line: CardLine) -> None:
        """Add a line, or set the count of the line of the same department and type."""
        for row, (d, t, _n) in enumerate(self.lines):
            if (d, t) == line[:2]:
                self.lines[row] = line
                self.dataChanged.emit(self.index(row, 0), self.index(row, 2))
                return
        self.beginInsertRows(QModelIndex(), len(self.lines), len(self.lines))
        self.lines.append(line)
        self.endInsertRows()

    def remove(self, row: int) -> None:
        if 0 <= row < len(self.lines):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.lines[row]
            self.endRemoveRows()

    def items(self) -> list[CardLine]:
        return self.lines

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if self.item_at(index) is None:
            return None
        dept, utype, count = self.lines[index.row()]
        col = index.column()
        if role == CODE:
            return (dept, utype, count)[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != DISPLAY:
            return None
        c = self.console
        return (c.department_name(dept), c.unit_type_name(utype), str(count))[col]


def priority_name(priority: str) -> str:
    if not priority:
        return translate("RunCards", "any")
    return labels.priority(priority)


class RunCardEditor(QDialog):
    """Edit the run cards; every save or removal is a command the server checks again."""

    def __init__(self, console: ConsoleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.setWindowTitle(translate("RunCards", "Run cards"))
        self.resize(860, 640)
        self._contexts: set[str] = set()
        self.cards_model = RunCardTableModel(console)  # kept by this attribute
        self.cards = QTableView()
        self.cards.setModel(self.cards_model)
        self.cards.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.cards.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cards.verticalHeader().setVisible(False)
        self.cards.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.cards.horizontalHeader().setStretchLastSection(True)
        self.cards.clicked.connect(self._load_row)

        self.class_code = QComboBox()
        self.class_code.setEditable(True)
        for code in sorted(console.catalogue.minors):
            self.class_code.addItem(f"{code} {console.class_name(code)}", code)
        self.priority = QComboBox()
        self.priority.addItem(priority_name(""), "")
        for p in Priority:
            self.priority.addItem(priority_name(p.value), p.value)
        self.lines_model = CardLinesModel(console)
        self.lines = QTableView()
        self.lines.setModel(self.lines_model)
        self.lines.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lines.verticalHeader().setVisible(False)
        self.lines.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.department = QComboBox()
        for code in sorted(console.catalogue.departments):
            self.department.addItem(console.department_name(code), code)
        self.unit_type = QComboBox()
        self.department.currentIndexChanged.connect(self._fill_types)
        self.count = QSpinBox()
        self.count.setRange(1, MAX_COUNT)
        add = QPushButton(translate("RunCards", "Add line"))
        add.clicked.connect(self.add_line)
        remove_line = QPushButton(translate("RunCards", "Remove line"))
        remove_line.clicked.connect(self._remove_line)
        self.save = QPushButton(translate("RunCards", "Save card"))
        self.save.clicked.connect(self.save_card)
        self.remove = QPushButton(translate("RunCards", "Remove card"))
        self.remove.clicked.connect(self.remove_card)
        self.status = QLabel()
        self.status.setWordWrap(True)

        form = QFormLayout()
        form.addRow(translate("RunCards", "Class"), self.class_code)
        form.addRow(translate("RunCards", "Priority"), self.priority)
        line_row = QHBoxLayout()
        for w in (self.department, self.unit_type, self.count, add, remove_line):
            line_row.addWidget(w)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.remove)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.cards, 3)
        layout.addLayout(form)
        layout.addWidget(self.lines, 2)
        layout.addLayout(line_row)
        layout.addLayout(buttons)
        self._fill_types()
        console.sig_command_finished.connect(self._on_finished)
        console.request_run_cards()
        if self.cards_model.rowCount():
            self.load(self.cards_model.cards[0])

    # -------------------------------------------------------------------------- editing

    def _fill_types(self, *_args: object) -> None:
        dept = self.department.currentData()
        self.unit_type.clear()
        for ut in sorted(self.console.catalogue.unit_types.values(), key=lambda t: t.code):
            if ut.department == dept:
                self.unit_type.addItem(self.console.unit_type_name(ut.code), ut.code)

    def _load_row(self, index: QModelIndex) -> None:
        self.load(self.cards_model.cards[index.row()])

    def load(self, card: RunCard) -> None:
        """Edit ``card``: its class, priority and lines in the fields."""
        i = self.class_code.findData(card.class_code)
        if i >= 0:
            self.class_code.setCurrentIndex(i)
        else:
            self.class_code.setEditText(card.class_code)
        self.priority.setCurrentIndex(max(0, self.priority.findData(card.priority)))
        self.lines_model.set_lines(list(card.lines))
        self.status.clear()

    def add_line(self) -> None:
        dept, utype = self.department.currentData(), self.unit_type.currentData()
        if dept and utype:
            self.lines_model.add((str(dept), str(utype), self.count.value()))

    def _remove_line(self) -> None:
        rows = sorted({i.row() for i in self.lines.selectionModel().selectedRows()},
                      reverse=True)
        for row in rows:
            self.lines_model.remove(row)

    def chosen_class(self) -> str:
        """The class code chosen (or typed: its first word)."""
        text = self.class_code.currentText().strip()
        data = self.class_code.currentData()
        if data and text == self.class_code.itemText(self.class_code.currentIndex()):
            return str(data)
        return text.split(" ", 1)[0] if text else ""

    # -------------------------------------------------------------------------- sending

    def save_card(self) -> str:
        """Check the card as the server will and send it; returns the request's context
        ("" when it was refused here: the reason is shown)."""
        prio = str(self.priority.currentData() or "")
        try:
            card = check_card(self.console.catalogue, self.chosen_class(), prio,
                              self.lines_model.lines)
        except DispatchError as exc:
            self._show(exc.message, theme.ERROR)
            return ""
        return self._send(cmd.SetRunCard(card.class_code, card.lines, card.priority))

    def remove_card(self) -> str:
        prio = str(self.priority.currentData() or "")
        return self._send(cmd.RemoveRunCard(self.chosen_class(), prio))

    def _send(self, command: cmd.SetRunCard | cmd.RemoveRunCard) -> str:
        context = self.console.new_context("runcards")
        self._contexts.add(context)
        self._show(translate("RunCards", "Sending…"), theme.PENDING)
        return self.console.request(command, None, context)  # the answer may come at once

    def _on_finished(self, context: str, ok: bool, message: str) -> None:
        if context not in self._contexts:
            return
        self._contexts.discard(context)
        if ok:
            self._show(translate("RunCards", "Saved on the server"), theme.SUCCESS)
        else:
            self._show(message, theme.ERROR)

    def _show(self, text: str, colour: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour};")
