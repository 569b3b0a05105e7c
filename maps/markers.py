"""The map's unit and incident markers: every row the map shows, and what the page has not been
told yet.

Changes coalesce per id: the latest row wins, a removal cancels a pending upsert, and a row
equal to what the map holds is skipped before anything else. :meth:`MarkerFeed.take_changes`
writes what changed as one script for the page and only then counts it as told; the page keeps
the units in the order they were sent, so nothing may count as told that a failed call did not
carry. The rows are kept in WGS84 and written as the page draws them (:class:`maps.display.
Display`). Nothing here knows Qt or the dispatch domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from maps.display import Display
from maps.js import js_rows
from maps.rows import (
    IncidentRow,
    UnitRow,
    changed_rows,
    clean_incident_row,
    clean_unit_row,
    row_id,
    validate_incident_row,
    validate_unit_row,
)
from maps.unit_columns import UnitColumns, valid_text
from maps.unit_details import DetailRow, UnitDetails

DataRef = Callable[[str], str]
"""Given a call's data as JSON text, the expression that gives it to the page: the text itself
(the default), or a fetch of it (see :meth:`maps.live.LiveLink.data_ref`)."""


def _inline(text: str) -> str:
    return text


def _delta(dirty: Mapping[str, Sequence[Any] | None]) -> dict[str, list[Any]]:
    upsert = [row for row in dirty.values() if row is not None]
    remove = [key for key, row in dirty.items() if row is None]
    return {"upsert": upsert, "remove": remove}


class MarkerFeed:
    """Units (held as columns, see :mod:`maps.unit_columns`) and incidents (rows by id), with
    the changes the page has not been told (see the module docstring)."""

    def __init__(self, display: Display | None = None) -> None:
        self.display = display or Display()
        self._units = UnitColumns()  # also what the page has not been told yet
        self._details = UnitDetails(self._units)
        self._incidents: dict[str, IncidentRow] = {}
        # Incident changes not told yet: id → latest row, or None for a removal.
        self._dirty_incidents: dict[str, IncidentRow | None] = {}

    # ---------------------------------------------------------------------- reading

    def pending(self) -> int:
        """Unit and incident changes the page has not been told yet."""
        return self._units.pending() + self._details.pending() + len(self._dirty_incidents)

    def unit_details(self, unit_id: str) -> DetailRow | None:
        """The unit's ``(id, name, department, unit_type, status_since, incident)``."""
        return self._details.get(unit_id)

    @property
    def hidden_units(self) -> frozenset[str]:
        """The units the console's filter hides."""
        return self._details.hidden

    def unit_rows(self) -> dict[str, UnitRow]:
        """The units on the map: id → ``(id, lat, lon, status)``."""
        return self._units.rows()

    def incident_rows(self) -> dict[str, IncidentRow]:
        """The incidents on the map: id → ``(id, lat, lon, priority, overdue, label)``."""
        return dict(self._incidents)

    # --------------------------------------------------------------------- changing

    def update_units(self, upsert_rows: Iterable[Sequence[Any]],
                     removed_ids: Iterable[str] = ()) -> None:
        """Rows ``(id, lat, lon, status)`` and ids to remove; all checked before any is kept."""
        rows = changed_rows(self._units, upsert_rows, clean_unit_row, validate_unit_row)
        removed = [row_id("unit", r) for r in removed_ids]
        self._units.upsert(rows)
        self._units.remove(removed)

    def update_unit_columns(self, ids: Sequence[str], lat: Any, lon: Any,
                            statuses: Sequence[str], removed_ids: Iterable[str] = ()) -> int:
        """Many units at once (see :meth:`maps.unit_columns.UnitColumns.update_columns`);
        returns how many changed or went."""
        removed = [row_id("unit", r) for r in removed_ids]
        changed = self._units.update_columns(ids, lat, lon, statuses)
        self._units.remove(removed)
        return changed + len(removed)

    def update_unit_details(self, rows: Iterable[Sequence[Any]]) -> None:
        """Rows ``(id, name, department, unit_type, status_since, incident)``."""
        self._details.update(rows)

    def hide_only_units(self, unit_ids: Iterable[str]) -> int:
        """The filter hides these units and no other; returns how many changed."""
        return self._details.hide_only(unit_ids)

    def set_units_hidden(self, hide: Iterable[str], show: Iterable[str]) -> int:
        """Hide some units, show others; returns how many changed."""
        return self._details.set_hidden(hide, show)

    def update_incidents(self, upsert_rows: Iterable[Sequence[Any]],
                         removed_ids: Iterable[str] = ()) -> None:
        """Rows ``(id, lat, lon, priority, overdue, label)`` and ids to remove; all checked
        before any is kept."""
        rows = changed_rows(self._incidents, upsert_rows, clean_incident_row,
                            validate_incident_row)
        if not valid_text("".join([r[5] for r in rows])):  # one pass for a jump's 12,000
            bad = next(r for r in rows if not valid_text(r[5]))
            raise ValueError(f"incident {bad[0]!r}: label {bad[5]!r} is not valid text")
        removed = [row_id("incident", r) for r in removed_ids]
        held, dirty = self._incidents, self._dirty_incidents
        for row in rows:
            held[row[0]] = row
            dirty[row[0]] = row
        for rid in removed:
            if held.pop(rid, None) is not None or rid in dirty:
                dirty[rid] = None

    # ---------------------------------------------------------------------- telling

    def _units_shown(self, told: dict[str, Any]) -> dict[str, Any]:
        if not self.display.shifted:
            return told
        lat, lon = self.display.columns(told["lat"], told["lon"])
        return {**told, "lat": lat, "lon": lon}

    def take_changes(self, data: DataRef = _inline) -> str | None:
        """The ``GL`` calls that tell the page what changed since it was last told, counted
        as told once written (None: nothing changed); ``data`` writes each call's data."""
        details = self._details.changes()  # first: it may index new units
        units = self._units.changes()
        if units is None and details is None and not self._dirty_incidents:
            return None
        parts: list[str] = []
        if units is not None or details is not None:
            shown = self._units_shown(units) if units is not None else {}
            parts.append(f"GL.applyUnitColumns({data(js_rows({**shown, **(details or {})}))});")
        if self._dirty_incidents:
            delta = _delta(self._dirty_incidents)
            delta["upsert"] = self.display.rows(delta["upsert"], 1)
            parts.append(f"GL.applyIncidents({data(js_rows(delta))});")
        # All of it written out: only now is it counted as sent (the page's unit order follows
        # what it was sent, so nothing may count as sent that a failed call did not carry).
        if units is not None:
            self._units.sent(units)
        if details is not None:
            self._details.sent(details)
        self._dirty_incidents = {}
        return "".join(parts)

    def take_everything(self, data: DataRef = _inline) -> list[str]:
        """The ``GL`` calls that show every marker on a page that has none, counted as told;
        ``data`` writes each call's data."""
        self._dirty_incidents = {}
        calls: list[str] = []
        details = self._details.everything()
        everything = self._units.everything() if self._units.ids else None
        if everything is not None:
            columns = {**self._units_shown(everything), **(details or {})}
            calls.append(f"GL.applyUnitColumns({data(js_rows(columns))})")
        if self._incidents:
            rows = self.display.rows(list(self._incidents.values()), 1)
            calls.append(f"GL.applyIncidents({data(js_rows({'upsert': rows}))})")
        if everything is not None:
            self._units.sent(everything)
            if details is not None:
                self._details.sent(details)
        return calls
