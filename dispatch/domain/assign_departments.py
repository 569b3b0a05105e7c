"""Which departments an ``assign`` puts on an incident: one function the server's handler,
the assign form and the command line all use, so what a console shows is what the server does.

On a first dispatch the lead is the one named, else the class's; the assisting departments are
exactly those named when the command says ``exact_departments``, else (clients older than that
flag) those named or, when none are named, the class's defaults. On a reinforcement the named
departments join those already on the incident. The lead never appears among the assisting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.commands import AssignUnits
from dispatch.domain.state import DispatchState, Incident, UnitState


def class_departments(catalogue: Catalogue, class_code: str) -> tuple[str, tuple[str, ...]]:
    """(lead, assisting) the class sends by default."""
    lead = catalogue.lead_department_of(class_code)
    minor = catalogue.minor_of(class_code)
    return lead, tuple(d for d in dict.fromkeys(minor.assist_departments) if d != lead)


def resulting_departments(catalogue: Catalogue, inc: Incident, c: AssignUnits
                          ) -> tuple[str, tuple[str, ...]]:
    """(lead, assisting) on ``inc`` once the server has applied ``c`` (codes assumed known)."""
    named = tuple(dict.fromkeys(c.assist_departments))
    if inc.lead_department:  # a reinforcement adds to what is there
        lead = inc.lead_department
        extra = tuple(d for d in named if d != lead and d not in inc.assist_departments)
        return lead, inc.assist_departments + extra
    default_lead, default_assist = class_departments(catalogue, inc.class_code)
    lead = c.lead_department or default_lead
    assist = named if (named or c.exact_departments) else default_assist
    return lead, tuple(d for d in assist if d != lead)


def units_outside(units: Mapping[str, UnitState], unit_ids: tuple[str, ...],
                  departments: tuple[str, ...]) -> list[tuple[str, str]]:
    """(unit id, its department) of the named units whose department is not in
    ``departments`` (unknown unit ids are left to the caller's own check)."""
    out: list[tuple[str, str]] = []
    for uid in unit_ids:
        u = units.get(uid)
        if u is not None and u.department not in departments:
            out.append((uid, u.department))
    return out


def spelled_out(catalogue: Catalogue, state: DispatchState, c: AssignUnits) -> AssignUnits:
    """``c`` with every department it puts on named and ``exact_departments`` set: on a first
    dispatch the class's default assisting departments plus those named, plus the departments
    of the units named that are not among them (the command line's ``as``: ``+dept`` adds).
    An incident not in ``state`` leaves ``c`` as it is (the server will say why)."""
    inc = state.incidents.get(c.incident_id)
    if inc is None or c.exact_departments:
        return c
    if inc.lead_department:
        lead, on = inc.lead_department, inc.assist_departments
    else:
        lead, on = class_departments(catalogue, inc.class_code)
        lead = c.lead_department or lead
    assist = [d for d in (*on, *c.assist_departments) if d != lead]
    for _uid, dept in units_outside(state.units, c.units, (lead, *assist)):
        assist.append(dept)
    named = tuple(dict.fromkeys(assist))
    if inc.lead_department:
        named = tuple(d for d in named if d not in inc.assist_departments)
    return replace(c, assist_departments=named, exact_departments=True)
