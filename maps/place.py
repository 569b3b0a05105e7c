"""The place a search found, held on the map until the next search or Escape.

:class:`PlaceMark` checks and keeps it and writes the ``GL.showPlace``/``GL.clearPlace`` calls
of ``assets/search.js`` (a pulsing ring with the place's name, a road's centre line); like
:class:`maps.layers.MapLayers` it knows neither Qt nor the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from maps.js import js
from maps.rows import coords

DEFAULT_ZOOM = 17
MAX_LINE_POINTS = 5000


@dataclass(frozen=True, slots=True)
class Place:
    """A place shown: its point, its label and (a road) its line of ``[lat, lon]``."""

    lat: float
    lon: float
    label: str
    line: tuple[tuple[float, float], ...] = ()
    zoom: int = DEFAULT_ZOOM
    pan: bool = True  # False: marked where it is, the view kept (a point clicked on the map)


class PlaceMark:
    """The place held on the map, if any."""

    def __init__(self) -> None:
        self.place: Place | None = None

    def show(self, lon: float, lat: float, label: str,
             line: Sequence[Sequence[Any]] | None = None, zoom: int = DEFAULT_ZOOM,
             pan: bool = True) -> str:
        """Hold the place at ``lon``/``lat`` named ``label`` (and a road's ``line`` of
        ``(lon, lat)`` points, as the geocoder gives it); the call that shows it (moving the
        view there unless ``pan`` is False)."""
        flat, flon = coords("place", label, lat, lon)
        pts = list(line or ())
        if len(pts) > MAX_LINE_POINTS:
            raise ValueError(f"place {label!r}: a line of {len(pts)} points is more than "
                             f"{MAX_LINE_POINTS}")
        clean: list[tuple[float, float]] = []
        for p in pts:
            if len(p) != 2:
                raise ValueError(f"place {label!r}: line points are (lon, lat), got {p!r}")
            clean.append(coords("place", label, p[1], p[0]))
        if not 0 <= int(zoom) <= 24:
            raise ValueError(f"place {label!r}: zoom {zoom!r} is not 0 to 24")
        self.place = Place(flat, flon, str(label), tuple(clean), int(zoom), bool(pan))
        return self.call()

    def clear(self) -> str:
        self.place = None
        return "GL.clearPlace()"

    def call(self) -> str:
        """The call that shows what is held (clears the page's when nothing is)."""
        p = self.place
        if p is None:
            return "GL.clearPlace()"
        line = [list(pt) for pt in p.line] if len(p.line) > 1 else None
        keep = "" if p.pan else ",true"
        return (f"GL.showPlace({p.lat:.7f},{p.lon:.7f},{js(p.label)},{js(line)},{p.zoom}"
                f"{keep})")
