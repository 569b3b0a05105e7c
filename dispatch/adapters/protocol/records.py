"""Records on the wire: incidents and units as JSON bodies under hierarchical keys.

A key encodes the region so that a key prefix is a region scope (RFC 12 subtrees: a slash,
path segments, a slash):

    /320508/001/002/003/inc/E000123       incident in grid 320508001002003
    /320508/001/002/003/unit/U-police-17  unit based in that grid

so ``/320508/`` is the district, ``/320508/001/`` the street, and the empty subtree the city.
Bodies decode into the same dataclasses the server's state holds, so a console's mirror is a
:class:`~dispatch.domain.state.DispatchState` equal to the server's for its scope.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson

from dispatch.domain.state import DispatchState, Incident, Note, UnitState
from dispatch.domain.status import EscalationLevel, IncidentStatus, UnitStatus

INCIDENT, UNIT = "inc", "unit"
_INC_FIELDS = tuple(f.name for f in dataclasses.fields(Incident))
_UNIT_FIELDS = tuple(f.name for f in dataclasses.fields(UnitState))


REGION_CODE_LENGTHS = (6, 9, 12, 15)  # district, street, community, grid


def region_path(code: str) -> str:
    """``320508001002003`` → ``/320508/001/002/003``; a shorter code gives a shorter path."""
    if len(code) <= 6:
        return "/" + code
    parts = [code[:6]] + [code[i:i + 3] for i in range(6, len(code), 3)]
    return "/" + "/".join(parts)


def scope_subtree(scope: str) -> str:
    """The key prefix of a region scope: ``"320508"`` → ``"/320508/"``; "" for the city."""
    return region_path(scope) + "/" if scope else ""


def subtree_scope(subtree: str) -> str:
    """Inverse of :func:`scope_subtree`: ``"/320508/001/"`` → ``"320508001"``; ValueError
    unless ``subtree`` is "" or a slash, a district code and 3-digit segments, then a slash."""
    if subtree == "":
        return ""
    parts = subtree.split("/")
    if (len(parts) < 3 or parts[0] != "" or parts[-1] != ""
            or not all(p.isascii() and p.isdigit() for p in parts[1:-1])
            or len(parts[1]) != 6 or any(len(p) != 3 for p in parts[2:-1])
            or len(parts) - 2 > len(REGION_CODE_LENGTHS)):
        raise ValueError(f"not a region subtree: {subtree!r} (expected \"\" or like "
                         "\"/320508/\", \"/320508/001/\")")
    return "".join(parts[1:-1])


def incident_key(inc: Incident) -> str:
    return f"{region_path(inc.grid)}/{INCIDENT}/{inc.id}"


def unit_key(u: UnitState) -> str:
    return f"{region_path(u.home_grid)}/{UNIT}/{u.id}"


def key_kind(key: str) -> tuple[str, str]:
    """``(kind, id)`` of a key: ``("inc", "E000123")``; ValueError for a foreign key."""
    parts = key.rsplit("/", 2)
    if len(parts) != 3 or parts[1] not in (INCIDENT, UNIT) or not parts[2]:
        raise ValueError(f"not a Gridline record key: {key!r}")
    return parts[1], parts[2]


def incident_to_dict(inc: Incident) -> dict[str, Any]:
    d = {name: getattr(inc, name) for name in _INC_FIELDS}
    d["notes"] = [[n.ts, n.operator, n.text] for n in inc.notes]
    d["level"] = int(inc.level)
    return d


def incident_from_dict(d: dict[str, Any]) -> Incident:
    d = dict(d)
    d["status"] = IncidentStatus(d["status"])
    d["level"] = EscalationLevel(d["level"])
    if d.get("parked_from") is not None:
        d["parked_from"] = IncidentStatus(d["parked_from"])
    d["notes"] = tuple(Note(*n) for n in d.get("notes", ()))
    for name in ("assist_departments", "units", "duplicates"):
        d[name] = tuple(d.get(name, ()))
    d["clock"] = tuple(tuple(c) for c in d.get("clock", ()))
    return Incident(**{k: d[k] for k in _INC_FIELDS if k in d})


def unit_to_dict(u: UnitState) -> dict[str, Any]:
    return {name: getattr(u, name) for name in _UNIT_FIELDS}


def unit_body(u: UnitState) -> bytes:
    """The JSON body of a unit: ``dumps(unit_to_dict(u))`` with the dict spelled out (orjson
    writes a literal dict in ~1.0 µs, a slots dataclass in ~1.6 µs; the feed's hottest call).
    ``tests/domain/test_records.py`` keeps the two equal, so a new field cannot be left out."""
    return orjson.dumps({"id": u.id, "department": u.department, "unit_type": u.unit_type,
                         "name": u.name, "home_grid": u.home_grid, "lon": u.lon, "lat": u.lat,
                         "status": u.status, "status_since": u.status_since,
                         "incident_id": u.incident_id, "version": u.version})


def unit_from_dict(d: dict[str, Any]) -> UnitState:
    d = dict(d)
    d["status"] = UnitStatus(d["status"])
    return UnitState(**{k: d[k] for k in _UNIT_FIELDS if k in d})


def dumps(d: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON (orjson)."""
    return orjson.dumps(d)


def encode_incident(inc: Incident) -> tuple[str, bytes]:
    return incident_key(inc), dumps(incident_to_dict(inc))


def encode_unit(u: UnitState) -> tuple[str, bytes]:
    return unit_key(u), unit_body(u)


_UNIT_STATUS = {s.value: s for s in UnitStatus}
_INC_STATUS = {s.value: s for s in IncidentStatus}
_LEVELS = {lv.value: lv for lv in EscalationLevel}


def _tuple(v: Any) -> tuple[Any, ...]:
    return tuple(v)


_INC_CONVERT: dict[str, Any] = {
    "status": _INC_STATUS.__getitem__,
    "level": _LEVELS.__getitem__,
    "parked_from": lambda v: None if v is None else _INC_STATUS[v],
    "notes": lambda v: tuple(Note(*n) for n in v),
    "assist_departments": _tuple,
    "units": _tuple,
    "duplicates": _tuple,
    "clock": lambda v: tuple(tuple(c) for c in v),
}
_INC_PLAN = tuple((name, _INC_CONVERT.get(name)) for name in _INC_FIELDS)


def _incident_fast(d: dict[str, Any]) -> Incident:
    """:func:`incident_from_dict` for a complete body (snapshots of 50,000 incidents)."""
    if len(d) == len(_INC_PLAN):
        try:
            return Incident(*[d[name] if conv is None else conv(d[name])
                              for name, conv in _INC_PLAN])
        except (KeyError, TypeError, ValueError):
            pass
    return incident_from_dict(d)


def _unit_fast(d: dict[str, Any]) -> UnitState:
    """:func:`unit_from_dict` for a complete body (the feed's hot path)."""
    try:
        if len(d) == len(_UNIT_FIELDS):
            return UnitState(d["id"], d["department"], d["unit_type"], d["name"],
                             d["home_grid"], d["lon"], d["lat"], _UNIT_STATUS[d["status"]],
                             d["status_since"], d["incident_id"], d["version"])
    except (KeyError, TypeError):
        pass
    return unit_from_dict(d)


def apply_record(state: DispatchState, key: str, body: bytes) -> None:
    """Set (or, with an empty body, delete) one record in a mirror state."""
    kind, rid = key_kind(key)
    apply_body(state, kind, rid, body)


def apply_body(state: DispatchState, kind: str, rid: str, body: bytes) -> None:
    """:func:`apply_record` for a key already split by :func:`key_kind`."""
    if kind == INCIDENT:
        if not body:
            state.incidents.pop(rid, None)
        else:
            state.incidents[rid] = _incident_fast(orjson.loads(body))
        state.changed_incidents.add(rid)
    else:
        if not body:
            state.units.pop(rid, None)
        else:
            state.units[rid] = _unit_fast(orjson.loads(body))
        state.changed_units.add(rid)
