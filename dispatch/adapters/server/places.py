"""The server's places: the city's gazetteer and its search index, loaded and built once on a
thread of their own so the server answers everything else at once.

At city size reading the stored gazetteer takes a few seconds and building the index
(normalised names, pinyin and initials of 326,000 entries) about seven more; until the index
is ready the ``geocode`` query answers ``unavailable`` and says so, and ``basemap`` until the
gazetteer is read. A database from before gazetteers were stored gets the one generated from
its city (with the server's city seed), stored for next time.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from dispatch.adapters.store.event_store import EventStore
from dispatch.domain.city.model import City
from dispatch.domain.errors import Unavailable
from dispatch.domain.gazetteer import Gazetteer, Geocoder, Kind, Result
from dispatch.services.gazetteer_generator import generate_gazetteer

log = logging.getLogger("gridline.server")

BASEMAP_PLACES = (Kind.DISTRICT, Kind.STREET, Kind.COMMUNITY, Kind.COMPOUND, Kind.POI)
"""The named places a basemap draws (besides the roads); not grids, buildings, addresses or
parts."""

REGION_FIELDS = ("community", "community_name", "street", "street_name", "district",
                 "district_name")


class PlaceIndex:
    """The gazetteer (:attr:`gazetteer`) and the geocoder over it (:attr:`geocoder`), each
    None until it is there; :meth:`start` reads and builds them on a thread."""

    def __init__(self, city: City, store: EventStore | None, seed: int = 1) -> None:
        self.city = city
        self.store = store
        self.seed = seed
        self.gazetteer: Gazetteer | None = None
        self.geocoder: Geocoder | None = None
        self.error = ""
        self.timings: dict[str, float] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gridline-places", daemon=True)

    def start(self) -> None:
        if not self._thread.is_alive() and not self._done.is_set():
            self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the index is built (or failed); True if it is ready."""
        self._done.wait(timeout)
        return self.geocoder is not None

    @property
    def ready(self) -> bool:
        return self.geocoder is not None

    # ------------------------------------------------------------------------- building

    def _run(self) -> None:
        try:
            t0 = time.perf_counter()
            gazetteer = self.store.load_gazetteer() if self.store is not None else None
            if gazetteer is None:
                gazetteer = generate_gazetteer(self.city, self.seed)
                if self.store is not None:
                    log.warning("the database has no gazetteer: storing the one generated "
                                "from city %s with seed %d", self.city.code, self.seed)
                    self.store.save_gazetteer(
                        self.city.code, gazetteer,
                        f"generated from city {self.city.code}, seed {self.seed}")
            self.gazetteer = gazetteer
            t1 = time.perf_counter()
            names = {code: r.name for code, r in self.city.regions.items()}
            self.geocoder = Geocoder(gazetteer, locate=self.city.locate, region_names=names)
            t2 = time.perf_counter()
            self.timings = {"load_s": round(t1 - t0, 3), "index_s": round(t2 - t1, 3)}
            log.info("places ready: %d entries, read in %.1f s, indexed in %.1f s",
                     len(gazetteer), t1 - t0, t2 - t1)
        except Exception as exc:  # a broken gazetteer must not take the server down
            self.error = f"{type(exc).__name__}: {exc}"
            log.exception("the place index could not be built")
        finally:
            self._done.set()

    # -------------------------------------------------------------------------- answers

    def _not_ready(self, what: str) -> Unavailable:
        if self.error:
            return Unavailable(f"place search is out of service on this server: {self.error}")
        return Unavailable(f"place search is not ready: the server is still {what}; try "
                           "again in a few seconds")

    def require_index(self) -> Geocoder:
        """The geocoder; ``unavailable`` (saying why) until it is built."""
        if self.geocoder is None:
            raise self._not_ready("building its place index")
        return self.geocoder

    def require_gazetteer(self) -> Gazetteer:
        """The gazetteer; ``unavailable`` (saying why) until it is read."""
        if self.gazetteer is None:
            raise self._not_ready("reading its gazetteer")
        return self.gazetteer

    def search(self, query: str, limit: int) -> list[dict[str, Any]]:
        """The ranked rows of the ``geocode`` query; ``unavailable`` until the index is
        built."""
        return [self.row(r) for r in self.require_index().search(query, limit)]

    def row(self, result: Result) -> dict[str, Any]:
        """One result on the wire: every region field present (None when unknown), and a
        road's centre line (``[[lon, lat], …]``) for the map to draw."""
        out = result.as_dict()
        for key in REGION_FIELDS:
            out.setdefault(key, None)
        if result.kind is Kind.ROAD and self.gazetteer is not None:
            entry = self.gazetteer.get(result.id)
            if entry is not None and entry.line:
                out["line"] = [list(p) for p in entry.line]
        return out

    def basemap(self) -> list[dict[str, Any]]:
        """What an offline basemap draws: every road with a line (``kind: "road"``, ``name``,
        ``class``, ``line`` of ``[lon, lat]``) and every named place of
        :data:`BASEMAP_PLACES` (``kind``, ``name``, ``category``, ``lon``, ``lat``)."""
        gazetteer = self.require_gazetteer()
        wanted = frozenset(BASEMAP_PLACES)
        out: list[dict[str, Any]] = []
        for e in gazetteer:
            if e.kind is Kind.ROAD and e.line:
                out.append({"kind": "road", "id": e.id, "name": e.name,
                            "class": e.category or "road", "line": [list(p) for p in e.line]})
            elif e.kind in wanted:
                out.append({"kind": e.kind.value, "id": e.id, "name": e.name,
                            "category": e.category, "lon": e.lon, "lat": e.lat})
        return out
