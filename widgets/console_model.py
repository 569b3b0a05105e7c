"""The hub of a console: the Qt side of the live mirror, selection, and the command round trip.

The state, selection, requests in flight and the domain queries live in a Qt-free
:class:`dispatch.services.console_state.ConsoleState`; this QObject wraps one, forwards to it
and emits the signals every view listens to (napari's manner: the Qt class is an adapter over a
plain model).

The shell owns the network. It mutates :attr:`ConsoleModel.state` on the GUI thread in batches
and then calls :meth:`ConsoleModel.apply_changes`, or puts another state in its place with
:meth:`ConsoleModel.replace_state` (a replay's seek) or :meth:`ConsoleModel.reset` (a full
resync); it sends what :attr:`sig_command_requested` asks for off the GUI thread and reports
back with :meth:`ConsoleModel.command_finished`. Every model and panel of :mod:`widgets`
listens to this object only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import timezone
from typing import Any

from PySide6.QtCore import QObject, Signal

from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import City
from dispatch.domain.commands import Command, RemoveHazard, RemoveRunCard, SetHazard, SetRunCard
from dispatch.domain.contacts import digits
from dispatch.domain.hazards import HazardHit, hazards_at
from dispatch.domain.location_history import PointIndex
from dispatch.domain.recommend import Recommendation
from dispatch.domain.roles import Actor, Permission
from dispatch.domain.runcards import PlanLine
from dispatch.domain.state import DispatchState, Hazard, Incident, RunCard, UnitState
from dispatch.services.console_state import ConsoleState
from widgets import labels
from widgets.photo_source import PhotoSource


class ConsoleModel(QObject):
    """Live mirror and shared console state (GUI thread only)."""

    sig_incidents_changed = Signal(set)
    """Incident ids whose records changed or appeared in the mirror (a set of str)."""

    sig_units_changed = Signal(set)
    """Unit ids whose records changed or appeared in the mirror (a set of str)."""

    sig_reset = Signal()
    """The mirror was replaced wholesale (full resync); rebuild from :attr:`state`."""

    sig_state_replaced = Signal(set, set)
    """(incident ids, unit ids) — :meth:`replace_state` put another state in place of the one
    shown (a replay's seek). The records that differ were announced just before, row by row,
    by :attr:`sig_units_changed` then :attr:`sig_incidents_changed` (while
    :attr:`replacing` is true: what they bring is history, not news). Views now bring their
    derived figures up to date at once rather than debounced (counts, KPIs, shading) and drop
    what they keep of records absent from the new state."""

    sig_incident_selected = Signal(str, str)
    """(incident id, origin) — the operator selected an incident in ``origin`` (``"queue"``,
    ``"map"``, ``"detail"``, ``"cmdline"``…); "" as id clears the selection."""

    sig_command_requested = Signal(object, object, str)
    """(command dataclass, expected version or None, context) — the shell sends it."""

    sig_command_finished = Signal(str, bool, str)
    """(context, ok, message) — the server's answer to a request (message: error in words)."""

    sig_command_result = Signal(str, object)
    """(context, result dict) — what an accepted request made (``incident_id`` of a new
    report, ``version``…); sent just before its :attr:`sig_command_finished`."""
    sig_run_cards_wanted = Signal()
    """The console wants the server's run cards read again; the shell answers with
    :meth:`set_run_cards`."""

    sig_run_cards_changed = Signal()
    """:attr:`run_cards` holds what the server answered last."""

    sig_hazards_wanted = Signal()
    """The console wants the hazards read again; the shell answers with :meth:`set_hazards`."""

    sig_hazards_changed = Signal()
    """:attr:`hazards` holds what the server answered last."""

    sig_phones_wanted = Signal(list)
    """Incident ids whose callers' phones the console wants (only sent for a role that may
    see them); the shell answers with :meth:`set_phones`."""

    sig_phones_changed = Signal()
    """:meth:`phone` knows more numbers."""

    sig_caller_wanted = Signal(str)
    """A phone number whose incidents the console wants (a repeat caller); the shell answers
    with :meth:`set_caller_incidents`."""

    sig_caller_changed = Signal(str)
    """(phone) — :meth:`caller_incidents` knows this number's incidents."""

    def __init__(self, state: DispatchState, catalogue: Catalogue, city: City, actor: Actor, *,
                 now: Callable[[], float] = time.time, language: str = "en",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.core = ConsoleState(state, catalogue, city, actor, now=now)
        """The Qt-free state this adapter forwards to."""
        # "zh" for any Chinese locale name ("zh", "zh_CN", "zh-Hans"): the catalogue's names
        self.language = "zh" if language.lower().startswith("zh") else "en"
        self.tz: timezone = labels.zone(catalogue)
        self._replacing = False
        self._point_index: PointIndex | None = None
        self.photos: PhotoSource | None = None
        """Where the incidents' photos come from (set by the shell; None: unavailable)."""

    # ------------------------------------------------------------------- forwarded

    @property
    def state(self) -> DispatchState:
        """The state shown (read-only: see :meth:`replace_state` and :meth:`reset`)."""
        return self.core.state

    @property
    def catalogue(self) -> Catalogue:
        return self.core.catalogue

    @property
    def city(self) -> City:
        return self.core.city

    @property
    def actor(self) -> Actor:
        return self.core.actor

    @actor.setter
    def actor(self, actor: Actor) -> None:
        self.core.actor = actor

    @property
    def now(self) -> Callable[[], float]:
        """The console's clock (server time live, the instant shown in a replay)."""
        return self.core.now

    @property
    def selected_incident(self) -> str:
        return self.core.selected_incident

    @property
    def pending(self) -> dict[str, Command]:
        """Requests sent and not answered yet, by context."""
        return self.core.pending

    @property
    def replacing(self) -> bool:
        """True while :meth:`replace_state` announces the records that differ."""
        return self._replacing

    # ------------------------------------------------------------------------- mirror

    def apply_changes(self, incident_ids: Iterable[str], unit_ids: Iterable[str]) -> None:
        """Tell the views which records of :attr:`state` changed (after the shell updated it)."""
        incidents, units = set(incident_ids), set(unit_ids)
        if incidents:
            self.sig_incidents_changed.emit(incidents)
        if units:
            self.sig_units_changed.emit(units)

    def replace_state(self, new: DispatchState,
                      changed: tuple[Iterable[str], Iterable[str]]) -> None:
        """Show ``new`` in place of the state shown (it may be the same object, moved on in
        place); ``changed`` = (incident ids, unit ids) whose records differ between the two.
        Views update those rows (units first, so that the map gets them first), then hear
        :attr:`sig_state_replaced`; nothing is rebuilt."""
        incidents, units = set(changed[0]), set(changed[1])
        self.core.replace(new)
        self._replacing = True
        try:
            if units:
                self.sig_units_changed.emit(units)
            if incidents:
                self.sig_incidents_changed.emit(incidents)
        finally:
            self._replacing = False
        self.sig_state_replaced.emit(incidents, units)

    def reset(self, state: DispatchState | None = None) -> None:
        """After a full resync: take ``state`` (if given) and have every view rebuild."""
        self.core.resync(self.core.state if state is None else state)
        self.sig_reset.emit()

    def point_index(self) -> PointIndex:
        """The mirror's incidents by place (built on first use, then kept up to date), for
        the intake form's place history."""
        if self._point_index is None:
            index = self._point_index = PointIndex()
            index.rebuild(self.state)
            self.sig_incidents_changed.connect(lambda ids: index.update(self.state, ids))
            self.sig_reset.connect(lambda: index.rebuild(self.state))
        return self._point_index

    def incident(self, incident_id: str) -> Incident | None:
        return self.core.incident(incident_id)

    def unit(self, unit_id: str) -> UnitState | None:
        return self.core.unit(unit_id)

    # ---------------------------------------------------------------------- selection

    def select_incident(self, incident_id: str, origin: str) -> None:
        """Select an incident everywhere; nothing happens if it is already selected."""
        if self.core.select(incident_id):
            self.sig_incident_selected.emit(incident_id, origin)

    # ----------------------------------------------------------------------- commands

    def request(self, command: Command, expected_version: int | None = None,
                context: str = "") -> str:
        """Ask the shell to send ``command``; returns the context its answer will carry."""
        context = self.core.track(command, context)
        self.sig_command_requested.emit(command, expected_version, context)
        return context

    def new_context(self, prefix: str) -> str:
        """A context string unique in this console, for :meth:`request`."""
        return self.core.new_context(prefix)

    def command_finished(self, context: str, ok: bool, message: str,
                         result: dict[str, Any] | None = None) -> None:
        """The shell reports the server's answer to the request sent with ``context`` (and,
        accepted, the reply's ``result``)."""
        command = self.core.finish(context)
        if ok and result:
            self.sig_command_result.emit(context, dict(result))
        self.sig_command_finished.emit(context, ok, message)
        if ok and isinstance(command, SetRunCard | RemoveRunCard):
            self.request_run_cards()
        if ok and isinstance(command, SetHazard | RemoveHazard):
            self.request_hazards()

    # ------------------------------------------------------------------------ hazards

    @property
    def hazards(self) -> dict[str, Hazard]:
        """The hazards at places in the operator's scope by id, as last read (the server
        answers them to the ``hazards`` query; they are not on the feed)."""
        return self.core.hazards

    def request_hazards(self) -> None:
        """Ask the shell to read the hazards again (the answer comes to :meth:`set_hazards`)."""
        self.sig_hazards_wanted.emit()

    def set_hazards(self, hazards: Iterable[Hazard]) -> None:
        """The shell's answer: the hazards the server holds in the operator's scope."""
        self.core.hazards = {h.id: h for h in hazards}
        self.sig_hazards_changed.emit()

    def hazards_at(self, lon: float, lat: float, grid: str = "") -> list[HazardHit]:
        """The hazards that apply at the point (within their radius, or on its ``grid``)."""
        return hazards_at(self.core.hazards.values(), lon, lat, grid)

    # ------------------------------------------------------------- callers' phones

    @property
    def may_see_contacts(self) -> bool:
        """Whether the operator's role may see callers' phone numbers."""
        return self.actor.may(Permission.CONTACTS)

    def phone(self, incident_id: str) -> str | None:
        """The caller's phone of the incident as read ("" none), None if not read yet."""
        return self.core.phones.get(incident_id)

    def request_phone(self, incident_id: str) -> bool:
        """Ask for the caller's phone of the incident, once, and only for a role that may
        see it; False when nothing is asked."""
        if not self.may_see_contacts or not incident_id or incident_id in self.core.phones:
            return False
        self.sig_phones_wanted.emit([incident_id])
        return True

    def set_phones(self, asked: Iterable[str], phones: dict[str, str]) -> None:
        """The shell's answer: the numbers known of the incidents ``asked``."""
        for iid in asked:
            self.core.phones[iid] = phones.get(iid, "")
        self.sig_phones_changed.emit()

    def caller_incidents(self, phone: str) -> tuple[str, ...] | None:
        """The incidents called in from ``phone`` as read, None if not read yet."""
        return self.core.caller_incidents.get(digits(phone))

    def request_caller(self, phone: str) -> bool:
        """Ask which incidents ``phone`` called in (a repeat caller), for a role that may
        see phone numbers; False when nothing is asked."""
        if not self.may_see_contacts or len(digits(phone)) < 5:
            return False
        self.sig_caller_wanted.emit(phone)
        return True

    def set_caller_incidents(self, phone: str, incident_ids: Iterable[str]) -> None:
        """The shell's answer: the incidents called in from ``phone``."""
        self.core.caller_incidents[digits(phone)] = tuple(incident_ids)
        self.sig_caller_changed.emit(phone)

    # ---------------------------------------------------------------------- run cards

    @property
    def run_cards(self) -> dict[str, RunCard]:
        """The server's run cards by key (:func:`~dispatch.domain.state.card_key`), as last
        read: they are not on the feed."""
        return self.core.run_cards

    def request_run_cards(self) -> None:
        """Ask the shell to read the run cards again (the answer comes to
        :meth:`set_run_cards`)."""
        self.sig_run_cards_wanted.emit()

    def set_run_cards(self, cards: Iterable[RunCard]) -> None:
        """The shell's answer: the server's run cards."""
        self.core.run_cards = {c.key: c for c in cards}
        self.sig_run_cards_changed.emit()

    def run_card(self, incident_id: str) -> RunCard | None:
        return self.core.run_card(incident_id)

    def plan(self, incident_id: str) -> tuple[RunCard | None, list[PlanLine]]:
        """The incident's run card and its lines filled with the nearest available units."""
        return self.core.plan(incident_id)

    # ------------------------------------------------------------------------ queries

    def available_actions(self, incident_id: str) -> frozenset[str]:
        """The workflow actions the logged-in operator may take on the incident now."""
        return self.core.available_actions(incident_id)

    def closable_reasons(self, incident_id: str) -> tuple[str, ...]:
        return self.core.closable_reasons(incident_id)

    def closure_refusals(self, incident_id: str) -> dict[str, str]:
        """Closure reason → why it is not possible now ("" when it is)."""
        return self.core.closure_refusals(incident_id)

    def recommend(self, incident_id: str, departments: Iterable[str] | None = None,
                  limit: int = 25) -> list[Recommendation]:
        return self.core.recommend(incident_id, departments, limit)

    def duplicate_candidates(self, incident_id: str, *, radius_m: float = 300.0,
                             window_s: float = 6 * 3600.0) -> list[Incident]:
        """Open incidents that may be the original of ``incident_id`` (same minor class,
        nearby, reported before it)."""
        return self.core.duplicate_candidates(incident_id, radius_m=radius_m,
                                              window_s=window_s)

    def part_history(self, part_id: str) -> list[Incident]:
        """Incidents reported against the city part ``part_id`` in the mirror, newest first."""
        return self.core.part_history(part_id)

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
        return self.core.unit_name(unit_id)
