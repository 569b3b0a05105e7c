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

from typing import Any

import orjson

from dispatch.domain.state import INCIDENT_CODEC, UNIT_CODEC, DispatchState, Incident, UnitState

INCIDENT, UNIT = "inc", "unit"


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


# The bodies are the records' JSON (:class:`~dispatch.domain.codec.RecordCodec`): one key per
# field, enums by value, notes as ``[ts, operator, text]``. The unit body is the feed's hottest
# call; its codec writes it from a literal dict (~1.0 µs), as a hand-written one would.
incident_to_dict = INCIDENT_CODEC.to_dict
incident_from_dict = INCIDENT_CODEC.from_dict
incident_body = INCIDENT_CODEC.to_json
unit_to_dict = UNIT_CODEC.to_dict
unit_from_dict = UNIT_CODEC.from_dict
unit_body = UNIT_CODEC.to_json
_incident_from_json = INCIDENT_CODEC.from_json_dict
_unit_from_json = UNIT_CODEC.from_json_dict


def dumps(d: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON (orjson)."""
    return orjson.dumps(d)


def encode_incident(inc: Incident) -> tuple[str, bytes]:
    return incident_key(inc), incident_body(inc)


def encode_unit(u: UnitState) -> tuple[str, bytes]:
    return unit_key(u), unit_body(u)


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
            state.incidents[rid] = _incident_from_json(orjson.loads(body))
        state.changed_incidents.add(rid)
    else:
        if not body:
            state.units.pop(rid, None)
        else:
            state.units[rid] = _unit_from_json(orjson.loads(body))
        state.changed_units.add(rid)
