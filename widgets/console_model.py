"""The hub of a console: live mirror of the state, selection, and the command round trip.

The shell owns the network. It mutates :attr:`ConsoleModel.state` on the GUI thread in batches
and then calls :meth:`ConsoleModel.apply_changes`; it sends what :attr:`sig_command_requested`
asks for off the GUI thread and reports back with :meth:`ConsoleModel.command_finished`. Every
model and panel of :mod:`widgets` listens to this object only.
"""

from __future__ import annotations

import itertools
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import timezone

from PySide6.QtCore import QObject, Signal

from dispatch.domain.available_actions import available_actions, closable_reasons
from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import City
from dispatch.domain.commands import Command
from dispatch.domain.recommend import Recommendation, find_duplicates, recommend_units
from dispatch.domain.roles import Actor
from dispatch.domain.state import DispatchState, Incident, UnitState
from widgets import labels

_ACTIONS_CACHE = 512


class ConsoleModel(QObject):
    """Live mirror and shared console state (GUI thread only)."""

    sig_incidents_changed = Signal(set)
    """Incident ids whose records changed or appeared in the mirror (a set of str)."""

    sig_units_changed = Signal(set)
    """Unit ids whose records changed or appeared in the mirror (a set of str)."""

    sig_reset = Signal()
    """The mirror was replaced wholesale (full resync); rebuild from :attr:`state`."""

    sig_incident_selected = Signal(str, str)
    """(incident id, origin) — the operator selected an incident in ``origin`` (``"queue"``,
    ``"map"``, ``"detail"``, ``"cmdline"``…); "" as id clears the selection."""

    sig_command_requested = Signal(object, object, str)
    """(command dataclass, expected version or None, context) — the shell sends it."""

    sig_command_finished = Signal(str, bool, str)
    """(context, ok, message) — the server's answer to a request (message: error in words)."""

    def __init__(self, state: DispatchState, catalogue: Catalogue, city: City, actor: Actor, *,
                 now: Callable[[], float] = time.time, language: str = "en",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.catalogue = catalogue
        self.city = city
        self.actor = actor
        self.now = now
        self.language = language
        self.tz: timezone = labels.zone(catalogue)
        self.selected_incident = ""
        self.pending: dict[str, Command] = {}
        self._contexts = itertools.count(1)
        self._actions: OrderedDict[tuple[str, int, Actor], frozenset[str]] = OrderedDict()

    # ------------------------------------------------------------------------- mirror

    def apply_changes(self, incident_ids: Iterable[str], unit_ids: Iterable[str]) -> None:
        """Tell the views which records of :attr:`state` changed (after the shell updated it)."""
        incidents, units = set(incident_ids), set(unit_ids)
        if incidents:
            self.sig_incidents_changed.emit(incidents)
        if units:
            self.sig_units_changed.emit(units)

    def reset(self, state: DispatchState | None = None) -> None:
        """After a full resync: take ``state`` (if given) and have every view rebuild."""
        if state is not None:
            self.state = state
        self._actions.clear()
        if self.selected_incident and self.selected_incident not in self.state.incidents:
            self.selected_incident = ""
        self.sig_reset.emit()

    def incident(self, incident_id: str) -> Incident | None:
        return self.state.incidents.get(incident_id)

    def unit(self, unit_id: str) -> UnitState | None:
        return self.state.units.get(unit_id)

    # ---------------------------------------------------------------------- selection

    def select_incident(self, incident_id: str, origin: str) -> None:
        """Select an incident everywhere; nothing happens if it is already selected."""
        if incident_id == self.selected_incident:
            return
        self.selected_incident = incident_id
        self.sig_incident_selected.emit(incident_id, origin)

    # ----------------------------------------------------------------------- commands

    def request(self, command: Command, expected_version: int | None = None,
                context: str = "") -> str:
        """Ask the shell to send ``command``; returns the context its answer will carry."""
        if not context:
            context = f"request-{next(self._contexts)}"
        self.pending[context] = command
        self.sig_command_requested.emit(command, expected_version, context)
        return context

    def new_context(self, prefix: str) -> str:
        """A context string unique in this console, for :meth:`request`."""
        return f"{prefix}-{next(self._contexts)}"

    def command_finished(self, context: str, ok: bool, message: str) -> None:
        """The shell reports the server's answer to the request sent with ``context``."""
        self.pending.pop(context, None)
        self.sig_command_finished.emit(context, ok, message)

    # ------------------------------------------------------------------------ queries

    def available_actions(self, incident_id: str) -> frozenset[str]:
        """The workflow actions the logged-in operator may take on the incident now."""
        inc = self.state.incidents.get(incident_id)
        if inc is None:
            return frozenset()
        key = (incident_id, inc.version, self.actor)
        got = self._actions.get(key)
        if got is None:
            got = available_actions(inc, self.actor, self.catalogue, self.city, now=self.now())
            self._actions[key] = got
            while len(self._actions) > _ACTIONS_CACHE:
                self._actions.popitem(last=False)
        return got

    def closable_reasons(self, incident_id: str) -> tuple[str, ...]:
        inc = self.state.incidents.get(incident_id)
        if inc is None:
            return ()
        return closable_reasons(inc, self.actor, self.catalogue, self.city, now=self.now())

    def recommend(self, incident_id: str, departments: Iterable[str] | None = None,
                  limit: int = 25) -> list[Recommendation]:
        inc = self.state.incidents.get(incident_id)
        if inc is None:
            return []
        return recommend_units(self.state, self.catalogue, inc, departments=departments,
                               now=self.now(), limit=limit)

    def duplicate_candidates(self, incident_id: str, *, radius_m: float = 300.0,
                             window_s: float = 6 * 3600.0) -> list[Incident]:
        """Open incidents that may be the original of ``incident_id`` (same minor class,
        nearby, reported before it)."""
        inc = self.state.incidents.get(incident_id)
        if inc is None:
            return []
        return find_duplicates(self.state, self.catalogue, class_code=inc.class_code,
                               lon=inc.lon, lat=inc.lat, ts=inc.reported_at,
                               radius_m=radius_m, window_s=window_s, exclude=inc.id)

    # -------------------------------------------------------------------------- names

    def class_name(self, code: str) -> str:
        return labels.class_name(self.catalogue, code, self.language)

    def department_name(self, code: str) -> str:
        return labels.department(self.catalogue, code, self.language)

    def unit_type_name(self, code: str) -> str:
        return labels.unit_type(self.catalogue, code, self.language)

    def grid_name(self, code: str) -> str:
        return labels.region_name(self.city, code)

    def unit_name(self, unit_id: str) -> str:
        u = self.state.units.get(unit_id)
        return u.name if u is not None else unit_id
