"""Event class picker: major → minor → problem in a tree, with a search over codes and both
languages' names. Minors and problems can be picked; majors only group."""

from __future__ import annotations

from PySide6.QtCore import (
    QCoreApplication,
    QItemSelection,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QTreeView, QVBoxLayout, QWidget

from dispatch.domain.catalogue.model import Catalogue
from widgets import labels, theme

CODE_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2


translate = QCoreApplication.translate


class ClassPicker(QWidget):
    """Pick an event class; :attr:`code` is a minor (4-digit) or problem (6-digit) code."""

    sig_class_changed = Signal(str)
    """The picked class code ("" when nothing pickable is selected)."""

    def __init__(self, catalogue: Catalogue, language: str = "en",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.language = language
        self.code = ""
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            translate("ClassPicker", "Search class: code, name (中文 or English)…"))
        self.search.setClearButtonEnabled(True)
        self.model = QStandardItemModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setAutoAcceptChildRows(True)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setIndentation(14)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet(f"color: {theme.MUTED};")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(3)
        lay.addWidget(self.search)
        lay.addWidget(self.tree, 1)
        lay.addWidget(self.summary)
        self._items: dict[str, QStandardItem] = {}
        self._fill()
        self.search.textChanged.connect(self._on_search)
        self.search.returnPressed.connect(self._pick_first)
        self.tree.selectionModel().selectionChanged.connect(self._on_selection)

    def _item(self, code: str, zh: str, en: str, pickable: bool) -> QStandardItem:
        name = zh if self.language == "zh" else en
        item = QStandardItem(f"{code}  {name}")
        item.setData(code, CODE_ROLE)
        item.setData(f"{code} {zh} {en}", SEARCH_ROLE)
        item.setToolTip(f"{zh} / {en}")
        flags = Qt.ItemFlag.ItemIsEnabled
        if pickable:
            flags |= Qt.ItemFlag.ItemIsSelectable
        item.setFlags(flags)
        self._items[code] = item
        return item

    def _fill(self) -> None:
        cat = self.catalogue
        minors_by_major: dict[str, list[str]] = {}
        for m in cat.minors.values():
            minors_by_major.setdefault(m.major, []).append(m.code)
        problems_by_minor: dict[str, list[str]] = {}
        for p in cat.problems.values():
            problems_by_minor.setdefault(p.minor, []).append(p.code)
        root = self.model.invisibleRootItem()
        for major in sorted(cat.majors.values(), key=lambda m: m.code):
            mi = self._item(major.code, major.name_zh, major.name_en, False)
            root.appendRow(mi)
            for mcode in sorted(minors_by_major.get(major.code, [])):
                minor = cat.minors[mcode]
                ni = self._item(minor.code, minor.name_zh, minor.name_en, True)
                mi.appendRow(ni)
                for pcode in sorted(problems_by_minor.get(mcode, [])):
                    p = cat.problems[pcode]
                    ni.appendRow(self._item(p.code, p.name_zh, p.name_en, True))

    def _on_search(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if text.strip():
            self.tree.expandAll()
        else:
            self.tree.collapseAll()
            if self.code:
                self._reveal(self.code)

    def _pick_first(self) -> None:
        idx = self.proxy.index(0, 0)
        while idx.isValid():
            code = str(idx.data(CODE_ROLE))
            if len(code) >= 4:
                self.set_code(code)
                return
            idx = self.proxy.index(0, 0, idx)

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        idx = self.tree.currentIndex()
        code = str(idx.data(CODE_ROLE) or "") if idx.isValid() else ""
        self._set(code if len(code) >= 4 else "")

    def _set(self, code: str) -> None:
        if code == self.code:
            return
        self.code = code
        self._describe()
        self.sig_class_changed.emit(code)

    def _describe(self) -> None:
        code = self.code
        if not code:
            self.summary.setText(translate("ClassPicker", "No class picked"))
            return
        cat = self.catalogue
        minor = cat.minor_of(code)
        lead = labels.department(cat, cat.lead_department_of(code), self.language)
        limit = minor.handling_limit
        self.summary.setText(
            translate("ClassPicker", "%1 — lead: %2 · priority: %3 · handling limit: %4")
            .replace("%1", labels.class_path(cat, code, self.language))
            .replace("%2", lead).replace("%3", labels.priority(cat.priority_of(code)))
            .replace("%4", labels.time_limit(limit)))

    def _reveal(self, code: str) -> None:
        item = self._items.get(code)
        if item is None:
            return
        idx = self.proxy.mapFromSource(self.model.indexFromItem(item))
        if idx.isValid():
            if not self.search.text().strip():
                self.tree.collapseAll()  # only the picked class's branch stays open
            self.tree.setCurrentIndex(idx)
            self.tree.scrollTo(idx)

    def set_code(self, code: str) -> None:
        """Pick ``code`` (a minor or problem code of the catalogue)."""
        if code and code not in self._items:
            raise ValueError(f"no event class {code!r} in the catalogue")
        if code:
            self._reveal(code)
        else:
            self.tree.clearSelection()
        self._set(code)

    def current_index(self) -> QModelIndex:
        return self.tree.currentIndex()
