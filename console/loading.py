"""What a console loads before its window opens, off the GUI thread: the city (from the
database or the server) and a replay's history (a database file given straight, or the
server's history query). No Qt here: :mod:`console.startup` runs these in the background."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import City, Part
from dispatch.entrypoints.tuning import collector_paused
from dispatch.services.replay import (
    Replayer,
    ReplayError,
    city_zone,
    iter_history,
    parse_instant,
    remote_replayer,
)

if TYPE_CHECKING:
    from dispatch.adapters.client.commands import ClientCurve, CommandClient


ASSET_KINDS = frozenset({"unit", "part"})
"""The features of a stored city that are its inventory, not its regions."""


def load_city_from_db(url: str, *, assets: bool = False) -> City:
    """The stored city; its regions only unless ``assets`` (as a remote console gets it from
    the ``city`` query): the live console takes its units from the feed and fetches the parts
    from the server when the Parts layer is first shown (:func:`load_parts_from_server`).
    At city scale the 38,000 parts and 26,000 units held as objects cost the console ~120 MB."""
    from dispatch.adapters.geojson_io.load import import_geojson
    from dispatch.adapters.store import EventStore

    store = EventStore(url, migrate=False)
    try:
        data = store.load_city_geojson()
    finally:
        store.close()
    if data is None:
        raise RuntimeError("the database holds no city yet")
    if not assets and isinstance(data.get("features"), list):
        data["features"] = [f for f in data["features"] if not _is_asset(f)]
    return import_geojson(data)


def _is_asset(feature: Any) -> bool:
    props = feature.get("properties") if isinstance(feature, dict) else None
    return isinstance(props, dict) and props.get("kind") in ASSET_KINDS


def load_city_from_server(client: CommandClient) -> City:
    from dispatch.adapters.geojson_io.load import import_geojson

    return import_geojson(client.city_geojson())


def load_parts_from_server(endpoint: str, user: str, password: str, workstation: str,
                           curve: ClientCurve | None) -> dict[str, Part]:
    """The city's parts from the server (the ``city`` query with ``parts``: those of the
    operator's region, all of them for a city-wide operator), on a connection of its own."""
    from dispatch.adapters.client.commands import CommandClient
    from dispatch.adapters.geojson_io.load import import_geojson
    from dispatch.domain.errors import InvalidCommand

    with CommandClient(endpoint, curve=curve, timeout_s=30.0, retries=2) as c:
        c.login(user, password, workstation)
        try:
            try:
                geo = c.city_geojson(parts=True)
            except InvalidCommand:  # a server from before ``parts``: the city-wide assets
                geo = c.city_geojson(assets=True)
            return import_geojson(geo).parts
        finally:
            c.logout()


@dataclass(frozen=True, slots=True)
class ReplayWindowSpec:
    """What to replay: a time window, or the life of one incident (ISO texts as given)."""

    since: str | None = None
    until: str | None = None
    incident: str | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ReplayWindowSpec:
        spec = cls(getattr(args, "from_", None), getattr(args, "to", None),
                   getattr(args, "incident", None))
        if spec.incident and (spec.since or spec.until):
            raise ReplayError("give --incident or --from/--to, not both")
        return spec

    def bounds(self, catalogue: Catalogue) -> tuple[float | None, float | None]:
        tz = city_zone(catalogue.calendar.utc_offset_minutes)
        since = parse_instant(self.since, tz) if self.since else None
        until = parse_instant(self.until, tz) if self.until else None
        if since is not None and until is not None and until < since:
            raise ReplayError("--to is before --from")
        return since, until


def database_url(text: str) -> str:
    """A database URL, or a SQLite file path made into one (it must exist)."""
    if "://" in text:
        return text
    path = Path(text).expanduser().resolve()
    if not path.is_file():
        raise ReplayError(f"no database file at {path}")
    return f"sqlite:///{path}"


def load_from_store(url: str, spec: ReplayWindowSpec, catalogue: Catalogue,
                    progress: Callable[[int, int], None] | None = None
                    ) -> tuple[Replayer, City]:
    """Open a database straight (read-only: no migration, nothing written; a SQLite file is
    opened with ``mode=ro`` and keeps its journal mode)."""
    from dispatch.adapters.geojson_io.load import import_geojson
    from dispatch.adapters.store import EventStore

    store = EventStore(url, migrate=False, read_only=True)
    geo = store.load_city_geojson()
    if geo is None:
        store.close()
        raise ReplayError("the database holds no city; is it a Gridline database?")
    since, until = spec.bounds(catalogue)
    replayer = Replayer.from_store(store, since_ts=since, until_ts=until,
                                   incident_id=spec.incident)
    replayer.prepare(progress)
    return replayer, import_geojson(geo)


def load_from_server(query: Callable[..., dict[str, Any]], spec: ReplayWindowSpec,
                     catalogue: Catalogue, server_time: float,
                     progress: Callable[[int, int], None] | None = None) -> Replayer:
    """The window's start state from the server (``state_at``), then the window's events
    from its history (a server without ``state_at``: the whole history up to the window's
    end, folded into the start state)."""
    since, until = spec.bounds(catalogue)
    if spec.incident:
        mine = list(iter_history(query, incident_id=spec.incident))
        if not mine:
            raise ReplayError(f"no incident {spec.incident!r} in the history")
        since, until = mine[0].ts, mine[-1].ts
    else:
        until = server_time if until is None else until
        since = until - 86400.0 if since is None else since
    with collector_paused():
        replayer = remote_replayer(query, since_ts=since, until_ts=until,
                                   clamp_start=spec.since is None)
        replayer.prepare(progress)
    return replayer
