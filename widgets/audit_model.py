"""The audit trail as a table: one row per audit line (as the ``audit`` query gives them), rows
by id, newest first; and its export as CSV for Excel (UTF-8 with a byte-order mark, so that
Chinese text opens correctly)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QDateTime,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from widgets.rows import ListTableModel

Index = QModelIndex | QPersistentModelIndex
translate = QCoreApplication.translate

ID_ROLE = Qt.ItemDataRole.UserRole + 1
"""The audit line's id (int)."""
RAW_ROLE = Qt.ItemDataRole.UserRole + 2
"""The cell's raw value: seconds since the epoch for the time, the action's code, …"""

TIME_FORMAT = "yyyy-MM-dd HH:mm:ss"


class Column(IntEnum):
    TIME = 0
    OPERATOR = 1
    WORKSTATION = 2
    ACTION = 3
    INCIDENT = 4
    DETAIL = 5


_HEADERS: tuple[Any, ...] = (
    QT_TRANSLATE_NOOP("AuditTableModel", "Time"),
    QT_TRANSLATE_NOOP("AuditTableModel", "Operator"),
    QT_TRANSLATE_NOOP("AuditTableModel", "Workstation"),
    QT_TRANSLATE_NOOP("AuditTableModel", "Action"),
    QT_TRANSLATE_NOOP("AuditTableModel", "Incident"),
    QT_TRANSLATE_NOOP("AuditTableModel", "Detail"),
)
_KEYS = ("ts", "operator", "workstation", "action", "incident_id", "detail")

ACTIONS: dict[str, Any] = {
    "login": QT_TRANSLATE_NOOP("AuditTableModel", "Login"),
    "login_failed": QT_TRANSLATE_NOOP("AuditTableModel", "Failed login"),
    "logout": QT_TRANSLATE_NOOP("AuditTableModel", "Logout"),
    "query": QT_TRANSLATE_NOOP("AuditTableModel", "Query"),
    "history": QT_TRANSLATE_NOOP("AuditTableModel", "History read"),
    "audit_read": QT_TRANSLATE_NOOP("AuditTableModel", "Audit read"),
    "operator_added": QT_TRANSLATE_NOOP("AuditTableModel", "Operator added"),
    "password_changed": QT_TRANSLATE_NOOP("AuditTableModel", "Password changed"),
    "operator_disabled": QT_TRANSLATE_NOOP("AuditTableModel", "Operator disabled"),
    "operator_enabled": QT_TRANSLATE_NOOP("AuditTableModel", "Operator enabled"),
    "demo_operators_added": QT_TRANSLATE_NOOP("AuditTableModel", "Demo operators added"),
    "refused": QT_TRANSLATE_NOOP("AuditTableModel", "Request refused"),
    "login_refused": QT_TRANSLATE_NOOP("AuditTableModel", "Login refused (key)"),
    "login_throttled": QT_TRANSLATE_NOOP("AuditTableModel", "Login throttled"),
    "login_locked": QT_TRANSLATE_NOOP("AuditTableModel", "Login locked"),
    "session_expired": QT_TRANSLATE_NOOP("AuditTableModel", "Session expired"),
    "session_closed": QT_TRANSLATE_NOOP("AuditTableModel", "Session closed"),
    "snapshot_refused": QT_TRANSLATE_NOOP("AuditTableModel", "Snapshot refused"),
    "feed_refused": QT_TRANSLATE_NOOP("AuditTableModel", "Subscription refused"),
    "feed_reset": QT_TRANSLATE_NOOP("AuditTableModel", "Feed reset"),
    "key_enrolled": QT_TRANSLATE_NOOP("AuditTableModel", "Key enrolled"),
    "key_revoked": QT_TRANSLATE_NOOP("AuditTableModel", "Key revoked"),
    "allow_list_invalid": QT_TRANSLATE_NOOP("AuditTableModel", "Allow-list file invalid"),
    "audit_pruned": QT_TRANSLATE_NOOP("AuditTableModel", "Audit pruned"),
}
"""Audit actions known to the console, with their labels (others show their code)."""


def action_label(code: str) -> str:
    text = ACTIONS.get(code)
    return translate("AuditTableModel", str(text)) if text else code


def format_time(ts: float) -> str:
    """Local date and time to the second."""
    return QDateTime.fromMSecsSinceEpoch(round(ts * 1000)).toString(TIME_FORMAT)


class AuditTableModel(ListTableModel):
    """Audit lines, newest first (:meth:`set_rows` takes them in any order)."""

    CONTEXT = "AuditTableModel"
    HEADERS = _HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Mapping[str, Any]] = []
        self._row_of: dict[int, int] = {}

    # ------------------------------------------------------------------------- content

    def set_rows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Show these lines instead of the ones shown (one per id, newest first)."""
        by_id = {int(r["id"]): r for r in rows}
        self.beginResetModel()
        self._rows = [by_id[i] for i in sorted(by_id, reverse=True)]
        self._row_of = {int(r["id"]): n for n, r in enumerate(self._rows)}
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows(())

    def row_of(self, audit_id: int) -> int | None:
        return self._row_of.get(audit_id)

    def line(self, row: int) -> Mapping[str, Any]:
        return self._rows[row]

    # -------------------------------------------------------------------------- Qt API

    def items(self) -> list[Mapping[str, Any]]:
        return self._rows

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) \
                or not 0 <= index.column() < len(Column):
            return None
        r = self._rows[index.row()]
        col = Column(index.column())
        raw = r.get(_KEYS[col])
        if role == Qt.ItemDataRole.DisplayRole:
            if col is Column.TIME:
                return format_time(float(raw or 0.0))
            if col is Column.ACTION:
                return action_label(str(raw or ""))
            return "" if raw is None else str(raw)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col is Column.DETAIL and raw:
                return str(raw)
            if col is Column.ACTION:
                return str(raw or "")
            return None
        if role == ID_ROLE:
            return int(r["id"])
        if role == RAW_ROLE:
            return raw
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # ------------------------------------------------------------------------- export

    def write_csv(self, path: Path | str) -> int:
        """Write the lines shown to ``path`` as CSV (UTF-8 with BOM for Excel): id, time
        (ISO 8601 with the UTC offset), operator, workstation, action code and label,
        incident, detail. Returns the number of lines written."""
        headers = [translate("AuditTableModel", "ID"), translate("AuditTableModel", "Time"),
                   translate("AuditTableModel", "Operator"),
                   translate("AuditTableModel", "Workstation"),
                   translate("AuditTableModel", "Action code"),
                   translate("AuditTableModel", "Action"),
                   translate("AuditTableModel", "Incident"),
                   translate("AuditTableModel", "Detail")]
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(headers)
            for r in self._rows:
                ts = QDateTime.fromMSecsSinceEpoch(round(float(r["ts"]) * 1000))
                w.writerow([r["id"], ts.toOffsetFromUtc(ts.offsetFromUtc()).toString(
                    Qt.DateFormat.ISODate), r["operator"], r["workstation"], r["action"],
                    action_label(str(r["action"])), r.get("incident_id") or "",
                    r.get("detail") or ""])
        return len(self._rows)
