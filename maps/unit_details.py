"""What the map needs of each unit besides its place and status: its name, department and type
(for its colour, the legend and the tooltip), since when it is in its status and its incident
(the tooltip), and whether the console's unit filter hides it (hidden units are not drawn).

Held per unit id, with what the page has not been told. The page knows a unit by its index in
:class:`maps.unit_columns.UnitColumns` (the order ids were first sent), so a unit's details go
out as columns of indexes: ``meta`` (name, department, type: they rarely change, sent when they
do) and ``info`` (since, incident, hidden: they change with the unit's status or the filter).
Department and type codes go as indexes into code tables sent when they grow. Position reports
change none of it and cost one tuple comparison each. Nothing here knows Qt or the dispatch
domain.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, cast

from maps.rows import row_id
from maps.unit_columns import UnitColumns, valid_text

DetailRow = tuple[str, str, str, str, float, str]
"""``(id, name, department, unit_type, status_since, incident)``."""


def _text(uid: str, what: str, value: Any) -> str:
    text = "" if value is None else value
    if not isinstance(text, str) or not valid_text(text):
        raise ValueError(f"unit {uid!r}: {what} must be valid text, got {value!r}")
    return text


def validate_detail_row(row: Sequence[Any]) -> DetailRow:
    """``(id, name, department, unit_type, status_since, incident)``; ValueError otherwise."""
    if isinstance(row, (str, bytes)) or len(row) != 6:
        raise ValueError(f"unit details must be (id, name, department, unit_type, "
                         f"status_since, incident), got {row!r}")
    uid = row_id("unit", row[0])
    try:
        since = float(row[4])
    except (TypeError, ValueError):
        raise ValueError(f"unit {uid!r}: status_since must be a number, got {row[4]!r}") from None
    if not math.isfinite(since):
        raise ValueError(f"unit {uid!r}: status_since must be finite, got {row[4]!r}")
    return (uid, _text(uid, "name", row[1]), _text(uid, "department", row[2]),
            _text(uid, "unit type", row[3]), since, _text(uid, "incident", row[5]))


def _clean(r: Any) -> bool:
    """Already a valid row in its final form (the console's rows are)."""
    return (type(r) is tuple and len(r) == 6 and type(r[0]) is str and r[0] != ""
            and type(r[1]) is str and type(r[2]) is str and type(r[3]) is str
            and type(r[4]) is float and math.isfinite(r[4]) and type(r[5]) is str
            and valid_text(r[0] + r[1] + r[2] + r[3] + r[5]))


class _Codes:
    """A growing table of codes (departments or unit types) the page indexes into."""

    def __init__(self) -> None:
        self.codes: list[str] = []
        self.of: dict[str, int] = {}  # code -> its index
        self.sent = 0

    def indexes(self, codes: list[str]) -> list[int]:
        """The index of each code (new codes added to the table)."""
        for code in dict.fromkeys(codes):  # the few distinct codes, in the order seen
            if code not in self.of:
                self.of[code] = len(self.codes)
                self.codes.append(code)
        return list(map(self.of.__getitem__, codes))


class UnitDetails:
    """Each unit's details and filter flag, with what the page has not been told (see the
    module docstring); units are indexed through ``columns``."""

    def __init__(self, columns: UnitColumns) -> None:
        self._columns = columns
        self._rows: dict[str, DetailRow] = {}
        self._hidden: set[str] = set()
        # Units whose meta or info the page has not been told, in the order they changed.
        self._meta_dirty: dict[str, None] = {}
        self._info_dirty: dict[str, None] = {}
        self._depts = _Codes()
        self._types = _Codes()

    # ---------------------------------------------------------------------- reading

    def get(self, unit_id: str) -> DetailRow | None:
        return self._rows.get(unit_id)

    @property
    def hidden(self) -> frozenset[str]:
        """The units the filter hides."""
        return frozenset(self._hidden)

    def pending(self) -> int:
        """Units whose details the page has not been told yet."""
        return len(self._meta_dirty.keys() | self._info_dirty.keys())

    # --------------------------------------------------------------------- changing

    def update(self, rows: Iterable[Sequence[Any]]) -> None:
        """Detail rows (:data:`DetailRow`); all checked before any is kept. Rows equal to
        those held are skipped first, at C speed (a replay jump sends every unit)."""
        held = self._rows
        get = held.get
        try:
            fresh = [r for r in rows if get(r[0]) != r]
        except (TypeError, IndexError, KeyError):  # not rows at all: the checks say why
            fresh = [validate_detail_row(r) for r in rows]
        if not fresh:
            return
        changed = [cast(DetailRow, r) if _clean(r) else validate_detail_row(r) for r in fresh]
        self._columns.indexes([r[0] for r in changed if r[0] not in held])
        meta_dirty, info_dirty = self._meta_dirty, self._info_dirty
        for row in changed:
            uid = row[0]
            old = get(uid)
            if old == row:
                continue
            held[uid] = row
            if old is None or old[1:4] != row[1:4]:
                meta_dirty[uid] = None
            if old is None or old[4:] != row[4:]:
                info_dirty[uid] = None

    def hide_only(self, unit_ids: Iterable[str]) -> int:
        """The filter hides these units and shows every other; returns how many changed."""
        hidden = {row_id("unit", u) for u in unit_ids}
        flipped = hidden ^ self._hidden
        self._hidden = hidden
        self._flip(flipped)
        return len(flipped)

    def set_hidden(self, hide: Iterable[str], show: Iterable[str]) -> int:
        """Hide some units and show others (as they change under a filter); returns how many
        changed."""
        hide_set = {row_id("unit", u) for u in hide}
        show_set = {row_id("unit", u) for u in show}
        flipped = (hide_set - self._hidden) | (show_set & self._hidden)
        self._hidden |= hide_set
        self._hidden -= show_set
        self._flip(flipped)
        return len(flipped)

    def _flip(self, flipped: set[str]) -> None:
        """These units' filter flag changed (a unit the map has not seen yet gets its index,
        so that its flag is there when it comes)."""
        if flipped:
            self._columns.indexes(u for u in flipped if not self._columns.has(u))
            self._info_dirty.update(dict.fromkeys(sorted(flipped)))

    # ---------------------------------------------------------------------- sending

    def _columns_of(self, meta_ids: Iterable[str], info_ids: Iterable[str]) -> dict[str, Any]:
        index = self._columns.index_of
        rows, hidden = self._rows, self._hidden
        out: dict[str, Any] = {}
        ids = list(meta_ids)
        if ids:
            held = list(map(rows.__getitem__, ids))
            out["meta"] = {"ix": list(map(index, ids)), "name": [r[1] for r in held],
                           "dept": self._depts.indexes([r[2] for r in held]),
                           "type": self._types.indexes([r[3] for r in held])}
        ids = list(info_ids)
        if ids:
            got = list(map(rows.get, ids))
            out["info"] = {"ix": list(map(index, ids)),
                           "since": [0 if r is None else round(r[4]) for r in got],
                           "inc": ["" if r is None else r[5] for r in got],
                           "hid": [1 if uid in hidden else 0 for uid in ids]}
        if self._depts.sent != len(self._depts.codes):
            out["depts"] = list(self._depts.codes)
        if self._types.sent != len(self._types.codes):
            out["types"] = list(self._types.codes)
        return out

    def changes(self) -> dict[str, Any] | None:
        """What the page needs to catch up (``meta``, ``info`` and the code tables when they
        grew), or None; counted as told only by :meth:`sent`."""
        if not self._meta_dirty and not self._info_dirty:
            return None
        return self._columns_of(list(self._meta_dirty), list(self._info_dirty))

    def everything(self) -> dict[str, Any] | None:
        """All of it, for a page that knows nothing yet; see :meth:`sent`."""
        if not self._rows and not self._hidden:
            return None
        self._depts.sent = self._types.sent = 0
        told = self._columns_of(list(self._rows), [*self._rows, *(self._hidden - self._rows.keys())])
        told["depts"], told["types"] = list(self._depts.codes), list(self._types.codes)
        return told

    def sent(self, told: dict[str, Any]) -> None:
        """The page has been sent ``told`` (from :meth:`changes` or :meth:`everything`, with
        nothing changed in between)."""
        ids = self._columns.ids
        for key, dirty in (("meta", self._meta_dirty), ("info", self._info_dirty)):
            block = told.get(key)
            if block is not None:
                for i in block["ix"]:
                    dirty.pop(ids[i], None)
        if "depts" in told:
            self._depts.sent = len(told["depts"])
        if "types" in told:
            self._types.sent = len(told["types"])
