"""What a console holds besides its widgets, without Qt: the mirror of the state, the selected
incident, the requests in flight, and the questions the panels ask of the domain (available
actions, closure reasons, recommended units, duplicate candidates, a part's incidents).

The Qt adapter (``widgets.console_model.ConsoleModel``) wraps one :class:`ConsoleState` and
forwards to it; it adds only the signals that tell the views what changed. Everything here
runs and is tested without Qt.
"""

from __future__ import annotations

import itertools
import operator
import time
from collections.abc import Callable, Iterable
from functools import lru_cache

from dispatch.domain.available_actions import (
    available_actions,
    closable_reasons,
    closure_refusals,
)
from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import City
from dispatch.domain.commands import Command
from dispatch.domain.recommend import Recommendation, find_duplicates, recommend_units
from dispatch.domain.roles import Actor
from dispatch.domain.runcards import PlanLine, card_for, plan_units
from dispatch.domain.state import DispatchState, Hazard, Incident, RunCard, UnitState
from dispatch.domain.status import OPEN_STATUSES
from dispatch.domain.timelimits import DueIndex

ACTIONS_CACHE = 512
"""Answers of :meth:`ConsoleState.available_actions` kept (by incident, version and actor)."""

Changes = tuple[set[str], set[str]]
"""(incident ids, unit ids) whose records differ between two states."""


class ConsoleState:
    """The Qt-free part of a console (see the module docstring)."""

    def __init__(self, state: DispatchState, catalogue: Catalogue, city: City, actor: Actor, *,
                 now: Callable[[], float] = time.time) -> None:
        self._state = state
        self.catalogue = catalogue
        self.city = city
        self.actor = actor
        self.now = now
        self._selected = ""
        self.pending: dict[str, Command] = {}
        """Requests sent and not answered yet, by context."""
        self._contexts = itertools.count(1)
        self._actions = lru_cache(maxsize=ACTIONS_CACHE)(self._actions_of)
        self.run_cards: dict[str, RunCard] = {}
        """The server's run cards by key, as last read (they are not on the feed)."""
        self.hazards: dict[str, Hazard] = {}
        """The hazards at places in the operator's scope by id, as last read (the ``hazards``
        query; not on the feed)."""
        self.phones: dict[str, str] = {}
        """Callers' phone numbers by incident id, as read (``""``: asked, none known)."""
        self.caller_incidents: dict[str, tuple[str, ...]] = {}
        """The incidents called in from a number (by its digits), as read."""

    # ------------------------------------------------------------------------- mirror

    @property
    def state(self) -> DispatchState:
        """The state shown; replaced only by :meth:`replace`."""
        return self._state

    def replace(self, state: DispatchState) -> None:
        """Show ``state`` from now on (a replay's jump to another instant); the selection
        stays, even on an incident absent at that instant."""
        self._state = state

    def resync(self, state: DispatchState) -> None:
        """Start over from ``state`` (a full resync): cached answers are dropped, and the
        selection when its incident is not in it."""
        self._state = state
        self._actions.cache_clear()
        if self._selected and self._selected not in state.incidents:
            self._selected = ""

    def incident(self, incident_id: str) -> Incident | None:
        return self._state.incidents.get(incident_id)

    def unit(self, unit_id: str) -> UnitState | None:
        return self._state.units.get(unit_id)

    def unit_name(self, unit_id: str) -> str:
        u = self._state.units.get(unit_id)
        return u.name if u is not None else unit_id

    # ---------------------------------------------------------------------- selection

    @property
    def selected_incident(self) -> str:
        """The selected incident's id ("" for none)."""
        return self._selected

    def select(self, incident_id: str) -> bool:
        """Select ``incident_id`` ("" clears); False when it already was the selection."""
        if incident_id == self._selected:
            return False
        self._selected = incident_id
        return True

    # ----------------------------------------------------------------------- requests

    def new_context(self, prefix: str) -> str:
        """A context string unique in this console."""
        return f"{prefix}-{next(self._contexts)}"

    def track(self, command: Command, context: str = "") -> str:
        """Note ``command`` as sent; returns its context (a new one unless given)."""
        if not context:
            context = self.new_context("request")
        self.pending[context] = command
        return context

    def finish(self, context: str) -> Command | None:
        """The answer to the request ``context`` came: it is no longer pending."""
        return self.pending.pop(context, None)

    # ------------------------------------------------------------------------ queries

    def available_actions(self, incident_id: str) -> frozenset[str]:
        """The workflow actions the operator may take on the incident now."""
        inc = self._state.incidents.get(incident_id)
        if inc is None:
            return frozenset()
        return self._actions(incident_id, inc.version, self.actor)

    def _actions_of(self, incident_id: str, _version: int, actor: Actor) -> frozenset[str]:
        inc = self._state.incidents[incident_id]
        return available_actions(inc, actor, self.catalogue, self.city, now=self.now())

    def closable_reasons(self, incident_id: str) -> tuple[str, ...]:
        inc = self._state.incidents.get(incident_id)
        if inc is None:
            return ()
        return closable_reasons(inc, self.actor, self.catalogue, self.city, now=self.now())

    def closure_refusals(self, incident_id: str) -> dict[str, str]:
        """Closure reason → why the server would refuse it now ("" if it would not)."""
        inc = self._state.incidents.get(incident_id)
        if inc is None:
            return {}
        return closure_refusals(inc, self.actor, self.catalogue, self.city, now=self.now())

    def recommend(self, incident_id: str, departments: Iterable[str] | None = None,
                  limit: int = 25) -> list[Recommendation]:
        inc = self._state.incidents.get(incident_id)
        if inc is None:
            return []
        return recommend_units(self._state, self.catalogue, inc, departments=departments,
                               now=self.now(), limit=limit)

    def run_card(self, incident_id: str) -> RunCard | None:
        """The run card for the incident's class and priority, if there is one."""
        inc = self._state.incidents.get(incident_id)
        if inc is None:
            return None
        return card_for(self.run_cards, self.catalogue, inc.class_code, inc.priority)

    def plan(self, incident_id: str) -> tuple[RunCard | None, list[PlanLine]]:
        """The incident's run card and, per line, the nearest available units it may send."""
        inc = self._state.incidents.get(incident_id)
        card = self.run_card(incident_id)
        if inc is None or card is None:
            return card, []
        return card, plan_units(self._state, self.catalogue, inc, card, now=self.now())

    def duplicate_candidates(self, incident_id: str, *, radius_m: float = 300.0,
                             window_s: float = 6 * 3600.0) -> list[Incident]:
        """Open incidents that may be the original of ``incident_id`` (same minor class,
        nearby, reported before it)."""
        inc = self._state.incidents.get(incident_id)
        if inc is None:
            return []
        return find_duplicates(self._state, self.catalogue, class_code=inc.class_code,
                               lon=inc.lon, lat=inc.lat, ts=inc.reported_at,
                               radius_m=radius_m, window_s=window_s, exclude=inc.id)

    def part_history(self, part_id: str) -> list[Incident]:
        """The incidents reported against a city part that the mirror holds (the open ones and
        the finished ones not archived yet), newest first."""
        if not part_id:
            return []
        found = [i for i in self._state.incidents.values() if i.part_id == part_id]
        found.sort(key=lambda i: (i.reported_at, i.id), reverse=True)
        return found


# The time limits of an incident (any may be None).
_DUES = operator.attrgetter("dispatch_due", "ack_due", "handle_due", "verify_due")


class OpenDues:
    """The time limits of the open incidents of a state, sorted, to find the incidents whose
    clock ran out (or back, when a replay goes backwards) between two instants."""

    def __init__(self) -> None:
        self._dues = DueIndex()
        self._due_of: dict[str, tuple[float, ...]] = {}

    @staticmethod
    def _of(inc: Incident | None) -> tuple[float, ...]:
        if inc is None or inc.status not in OPEN_STATUSES:
            return ()
        return tuple({d for d in _DUES(inc) if d is not None})

    def index(self, state: DispatchState, changed: Iterable[str] | None = None) -> None:
        """Follow ``state``: all of its incidents, or those ``changed`` since the last call."""
        incidents = state.incidents
        if changed is not None and not isinstance(changed, (set, frozenset, list, tuple)):
            changed = list(changed)
        if changed is None or len(changed) > max(64, len(self._due_of) // 4):
            self._due_of = {iid: got for iid, inc in incidents.items()
                            if (got := self._of(inc))}
            self._dues = DueIndex((d, iid) for iid, ds in self._due_of.items() for d in ds)
            return
        dues, due_of = self._dues, self._due_of
        for iid in changed:
            mine = self._of(incidents.get(iid))
            old = due_of.pop(iid, ())
            if mine:
                due_of[iid] = mine
            if old == mine:
                continue
            for d in old:
                dues.remove(d, iid)
            for d in mine:
                dues.add(d, iid)

    def between(self, a: float, b: float) -> set[str]:
        """Open incidents with a time limit between the instants ``a`` and ``b``."""
        return set(self._dues.between(a, b))
