"""city: the city as GeoJSON, zlib-compressed and base64-encoded: its regions, with ``parts``
also the parts of the operator's region (all of them for a city-wide operator), or with
``assets`` (city-wide operators only) also all its parts and units (a city-scale file is tens of megabytes of JSON, a few
once compressed); computed once per variant, off the loop."""

from __future__ import annotations

import base64
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dispatch.adapters.protocol.messages import dumps, ok_reply, take_args
from dispatch.adapters.server.queries.base import Answer, Call, busy
from dispatch.domain.errors import Forbidden, InvalidCommand
from dispatch.domain.roles import Permission

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer


class CityQuery:
    """The handler, with its cache of the two variants."""

    def __init__(self) -> None:
        # by variant: "regions", "assets", or "parts:<scope>"
        self.results: dict[str, dict[str, Any]] = {}

    def __call__(self, server: DispatchServer, call: Call) -> Answer:
        req, actor = call.req, call.who
        a = take_args(req.args, {"assets": (bool, False), "parts": (bool, False)}, "city")
        assets, parts = bool(a["assets"]), bool(a["parts"])
        actor.require(Permission.READ, "read the city")
        if assets and parts:
            raise InvalidCommand("city: ask for assets or for parts, not both")
        if assets and actor.scope:
            # Parts and units are the city's inventory: a region-limited operator gets its
            # region's units from the feed, and nothing of the other regions.
            raise Forbidden(f"{actor.operator} is limited to a region: the city's parts and "
                            "units are for city-wide operators only (ask for parts: those "
                            "of your region)")
        # parts: the regions and the parts of the operator's region (all for a city-wide one)
        variant = f"parts:{actor.scope}" if parts else "assets" if assets else "regions"
        cached = self.results.get(variant)
        if cached is not None:
            return cached
        engine = server.engine
        city = engine.city

        def job() -> tuple[bytes, Callable[[], None]]:
            from dispatch.adapters.geojson_io.export import export_geojson

            text = dumps(export_geojson(city, assets=assets,
                                        parts_in=actor.scope if parts else None))
            result = {"code": city.code, "name": city.name, "encoding": "zlib+base64",
                      "assets": assets, "parts": parts,
                      "geojson_z": base64.b64encode(zlib.compress(text, 6)).decode()}

            def keep() -> None:
                self.results[variant] = result
            return ok_reply(req.id, engine.state.seq, result), keep

        if not server.backoffice.submit(call.envelope, req.id, job):
            raise busy(server)
        return None
