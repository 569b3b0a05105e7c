"""The units a map shows, held as columns: ids in a fixed order (the order they first came
in), and per unit its latitude, longitude, status code and whether the page still has to be
told. A replay jump moves every unit of a city (26,000 at once): checked, compared and sent
a column at a time (numpy) that costs a few milliseconds, where row by row it costs tens.

The page keeps the same id order (the ids are sent once, as they are added), so an update
names a unit by its index. Nothing here knows Qt or the dispatch domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

UNIT_STATUSES = ("available", "busy", "dispatched", "en_route", "off_duty", "on_scene",
                 "out_of_service", "returning")
"""Status names; a unit's status code is its index here."""
STATUS_CODE = {name: code for code, name in enumerate(UNIT_STATUSES)}
ABSENT = -1
"""Status code of a unit the map does not show (removed)."""

UnitRow = tuple[str, float, float, str]


def valid_text(value: str) -> bool:
    """Whether a string can go to the page (UTF-8: no unpaired surrogates)."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _bad_coords(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Positions of rows whose lat, lon is not a finite point on Earth."""
    with np.errstate(invalid="ignore"):
        ok = (np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90.0)
              & (np.abs(lon) <= 180.0))
    return np.flatnonzero(~ok)


class UnitColumns:
    """Unit markers as columns, with what changed since the page was last told."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self._index: dict[str, int] = {}
        self._lat = np.zeros(0)
        self._lon = np.zeros(0)
        self._st = np.zeros(0, dtype=np.int8)
        self._dirty = np.zeros(0, dtype=bool)
        self._sent = 0  # ids the page knows: the first ``_sent`` of ``ids``
        self._order: tuple[tuple[str, ...], np.ndarray] | None = None  # last order given

    # ---------------------------------------------------------------------- reading

    def get(self, unit_id: str) -> UnitRow | None:
        i = self._index.get(unit_id)
        if i is None or self._st[i] == ABSENT:
            return None
        return (unit_id, float(self._lat[i]), float(self._lon[i]),
                UNIT_STATUSES[self._st[i]])

    def rows(self) -> dict[str, UnitRow]:
        """Every unit shown, id → ``(id, lat, lon, status)``."""
        return {uid: row for uid in self.ids if (row := self.get(uid)) is not None}

    def has(self, unit_id: str) -> bool:
        """Whether the unit has an index (it came at some time, or its details did)."""
        return unit_id in self._index

    @property
    def index_of(self) -> Callable[[str], int]:
        """The index of a unit (the page's name for it): ``index_of(unit_id)``."""
        return self._index.__getitem__

    def pending(self) -> int:
        """Units whose change the page has not been told yet."""
        return int(np.count_nonzero(self._dirty[:len(self.ids)]))

    # --------------------------------------------------------------------- changing

    def _grow(self, n: int) -> None:
        if n <= len(self._st):
            return
        size = max(n, 2 * len(self._st), 64)
        extra = size - len(self._st)
        self._lat = np.concatenate([self._lat, np.zeros(extra)])
        self._lon = np.concatenate([self._lon, np.zeros(extra)])
        self._st = np.concatenate([self._st, np.full(extra, ABSENT, dtype=np.int8)])
        self._dirty = np.concatenate([self._dirty, np.zeros(extra, dtype=bool)])

    def _indexes(self, ids: Iterable[str]) -> np.ndarray:
        """Index of each id (new ids are appended); ids must already be checked."""
        index = self._index
        out = []
        for uid in ids:
            i = index.get(uid)
            if i is None:
                i = index[uid] = len(self.ids)
                self.ids.append(uid)
            out.append(i)
        self._grow(len(self.ids))
        return np.asarray(out, dtype=np.intp)

    def indexes(self, unit_ids: Iterable[str]) -> None:
        """Give ids (already checked) an index, new ones at the end, sent with the next
        changes."""
        self._indexes(unit_ids)

    def upsert(self, rows: Sequence[UnitRow]) -> None:
        """Rows already checked (:func:`maps.rows.validate_unit_row`); the latest row of an id
        wins."""
        if not rows:
            return
        ix = self._indexes(r[0] for r in rows)
        for i, r in zip(ix.tolist(), rows, strict=False):
            code = STATUS_CODE[r[3]]
            if self._st[i] != code or self._lat[i] != r[1] or self._lon[i] != r[2]:
                self._st[i], self._lat[i], self._lon[i] = code, r[1], r[2]
                self._dirty[i] = True

    def remove(self, unit_ids: Iterable[str]) -> None:
        for uid in unit_ids:
            i = self._index.get(uid)
            if i is not None and self._st[i] != ABSENT:
                self._st[i] = ABSENT
                self._dirty[i] = True

    def update_columns(self, ids: Sequence[str], lat: Any, lon: Any,
                       statuses: Sequence[str]) -> int:
        """Many units at once: ``ids[k]`` is at ``(lat[k], lon[k])`` in ``statuses[k]``.
        Checked whole first (ValueError naming the first bad unit, nothing kept); returns how
        many units changed. Passing the same tuple of ids again skips checking and indexing
        them (a replay's unit order, fixed while the units stay the same)."""
        n = len(ids)
        if not isinstance(statuses, (list, tuple)):
            statuses = list(statuses)
        try:
            la = np.asarray(lat, dtype=np.float64)
            lo = np.asarray(lon, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError("unit lat/lon columns must hold numbers") from None
        if la.shape != (n,) or lo.shape != (n,) or len(statuses) != n:
            raise ValueError(f"unit columns must all be as long as the ids ({n}): lat "
                             f"{la.shape}, lon {lo.shape}, statuses {len(statuses)}")
        known = self._order
        if known is not None and known[0] is ids:
            ix = known[1]
        else:
            for uid in ids:
                if type(uid) is not str or not uid or not valid_text(uid):
                    raise ValueError(f"unit id must be a non-empty string of valid text, "
                                     f"got {uid!r}")
            if len(set(ids)) != n:
                raise ValueError("unit ids must not repeat in one update")
            ix = None
        bad = _bad_coords(la, lo)
        if len(bad):
            k = int(bad[0])
            raise ValueError(f"unit {ids[k]!r}: ({lat[k]!r}, {lon[k]!r}) is not a valid lat, lon")
        try:
            st = np.fromiter(map(STATUS_CODE.__getitem__, statuses), dtype=np.int8, count=n)
        except (KeyError, TypeError):
            k = next(k for k, s in enumerate(statuses)
                     if not isinstance(s, str) or s not in STATUS_CODE)
            raise ValueError(f"unit {ids[k]!r}: unknown status {statuses[k]!r}; expected one "
                             f"of {sorted(UNIT_STATUSES)}") from None
        if ix is None:
            ix = self._indexes(ids)
            if type(ids) is tuple:
                self._order = (ids, ix)
        changed = (self._st[ix] != st) | (self._lat[ix] != la) | (self._lon[ix] != lo)
        sel = ix[changed]
        self._st[sel] = st[changed]
        self._lat[sel] = la[changed]
        self._lon[sel] = lo[changed]
        self._dirty[sel] = True
        return len(sel)

    # ---------------------------------------------------------------------- sending

    def changes(self) -> dict[str, Any] | None:
        """What the page needs to catch up (ids added since, then index, lat, lon, status
        code of each changed unit, ``-1`` for removed), or None if nothing; counted as told
        only by :meth:`sent`, once the call carrying it is made."""
        n = len(self.ids)
        sel = np.flatnonzero(self._dirty[:n])
        if not len(sel) and self._sent == n:
            return None
        return {"add": self.ids[self._sent:], "codes": UNIT_STATUSES, "ix": sel,
                "lat": self._lat[sel], "lon": self._lon[sel], "st": self._st[sel]}

    def everything(self) -> dict[str, Any]:
        """All of it, for a page that knows nothing yet (``reset``); see :meth:`sent`."""
        n = len(self.ids)
        sel = np.flatnonzero(self._st[:n] != ABSENT)
        return {"reset": True, "add": list(self.ids), "codes": UNIT_STATUSES, "ix": sel,
                "lat": self._lat[sel], "lon": self._lon[sel], "st": self._st[sel]}

    def sent(self, told: dict[str, Any]) -> None:
        """The page has been sent ``told`` (from :meth:`changes` or :meth:`everything`, with
        nothing changed in between)."""
        if told.get("reset"):
            self._dirty[:len(self.ids)] = False
            self._sent = len(told["add"])
        else:
            self._dirty[told["ix"]] = False
            self._sent += len(told["add"])
