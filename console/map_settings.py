"""The map's basemap settings of a console: tile sources, the base layer chosen, its opacity
and the overlays shown, kept in QSettings next to the rest of the console's.

- ``map/tiles``: tile source specs, as for ``--tiles`` (see :mod:`maps.tiles` and
  docs/MAP.md); ``--tiles`` given on the command line replaces them for that run.
- ``map/base``, ``map/base_opacity``, ``map/overlays``: what the dispatcher chose last in the
  map's layer switcher (remembered as it changes).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import QSettings

from maps.page import PageOptions
from maps.tiles import TileSource, TileSourceError, base_names, load_sources
from maps.view import MapView

log = logging.getLogger("gridline.console")

TILES_KEY = "map/tiles"
BASE_KEY = "map/base"
OPACITY_KEY = "map/base_opacity"
OVERLAYS_KEY = "map/overlays"


def _strings(value: object) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if str(v).strip()]
    return []


def configured_sources(settings: QSettings | None,
                       given: Sequence[TileSource] | None = None) -> tuple[TileSource, ...]:
    """The tile sources of this run: those given (``--tiles``) if any, else the settings'
    (a bad setting is logged and left out: the console still starts, on the offline map)."""
    if given:
        return tuple(given)
    if settings is None:
        return ()
    try:
        return load_sources(_strings(settings.value(TILES_KEY)))
    except TileSourceError as exc:
        log.error("the %s setting is not used: %s", TILES_KEY, exc)
        return ()


def page_theme(theme: str) -> str:
    """The map page's theme for the console's: ``light`` on the light theme, ``dark`` on the
    dark and the wall's high-contrast one."""
    return "light" if theme == "light" else "dark"


def map_options(settings: QSettings | None, *, theme: str = "light",
                sources: Sequence[TileSource] = ()) -> PageOptions:
    """The map page for a console: its theme, the tile sources and, from the settings, the
    base layer, opacity and overlays chosen last (ignored when no longer offered)."""
    sources = tuple(sources)
    base: str | None = None
    opacity = 1.0
    overlays: tuple[str, ...] | None = None
    if settings is not None:
        wanted = str(settings.value(BASE_KEY, "") or "")
        base = wanted if wanted in base_names(sources) else None
        try:
            opacity = min(1.0, max(0.0, float(settings.value(OPACITY_KEY, 1.0))))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            opacity = 1.0
        if settings.contains(OVERLAYS_KEY):
            names = {s.name for s in sources if s.overlay}
            overlays = tuple(n for n in _strings(settings.value(OVERLAYS_KEY)) if n in names)
    return PageOptions(theme=theme if theme in ("light", "dark") else page_theme(theme),
                       tiles=sources,
                       base=base, base_opacity=opacity, overlays=overlays)


def remember_choices(view: MapView, settings: QSettings) -> None:
    """Keep the base layer, opacity and overlays chosen on ``view`` in ``settings``."""
    overlay_names = {s.name for s in view.tile_sources if s.overlay}

    def base_changed(name: str) -> None:
        settings.setValue(BASE_KEY, name)

    def opacity_changed(value: float) -> None:
        settings.setValue(OPACITY_KEY, round(value, 2))

    def overlay_toggled(name: str, on: bool) -> None:
        if name not in overlay_names:
            return  # the data layers are not remembered
        shown = set(_strings(settings.value(OVERLAYS_KEY))) if settings.contains(
            OVERLAYS_KEY) else set(overlay_names)
        (shown.add if on else shown.discard)(name)
        settings.setValue(OVERLAYS_KEY, sorted(shown & overlay_names))

    view.sig_base_changed.connect(base_changed)
    view.sig_base_opacity_changed.connect(opacity_changed)
    view.sig_overlay_toggled.connect(overlay_toggled)
