"""The wall screen (一屏统览): a read-only, full-screen, high-contrast picture of the city for
the command-centre wall.

- The whole city's grids with a heat choropleth of open incidents; KPI tiles; incidents per
  hour by major class and open incidents over the day; the most overdue incidents; the load
  of every department.
- The month's ranking: the best and worst streets and departments by evaluation score.
- It rotates through the districts (the map zooms to each, the figures follow it, the header
  names it) and back to the whole city, every ``rotate_s`` seconds.
- A new urgent incident gets a banner and the map goes to it for a few seconds.
- When the feed is lost it keeps the last picture under a large banner saying since when the
  data is stale; the live session resyncs on its own and the banner goes.
- Figures are recomputed every few seconds, not on every update, so the wall stays smooth at
  city scale. Nothing takes input: no controls, no cursor (Ctrl+Q quits).

The widgets and their layout are :mod:`console.wall_screen`'s, which urgent incidents are news
is :mod:`console.wall_news`'s; here they are kept up to date.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from console.map_sync import LEVEL_PREFIX, MapSync
from console.wall_news import UrgentNews
from console.wall_screen import WallScreen
from dispatch.adapters.client.commands import ClientCurve, Login
from dispatch.adapters.client.mirror import MirrorInfo, MirrorStatus
from dispatch.adapters.server.process import Endpoints
from dispatch.domain.city.model import City, Level
from widgets import labels
from widgets.console_model import ConsoleModel
from widgets.wall_charts import OpenSeries, hourly_by_major
from widgets.wall_lists import department_load, most_overdue
from widgets.wall_ranking import rank_month
from widgets.wall_tiles import WALL, day_start, scope_kpi
from widgets.wall_whistles import open_whistles

if TYPE_CHECKING:
    from console.session import LiveSession

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

DEFAULT_ROTATE_S = 30.0
DEFAULT_REFRESH_MS = 3000
DEFAULT_HIGHLIGHT_S = 10.0
STALE_AFTER_S = 5.0
RANKING_S = 60.0  # the month's ranking is recomputed this often (and on a change of scope)
OPEN_RAMP = ("#fee391", "#fec44f", "#fe9929", "#ec7014", "#cc4c02")  # the map's "open" ramp


class WallWindow(WallScreen):
    """The wall screen over a :class:`ConsoleModel` fed by a live session: the picture of
    :class:`~console.wall_screen.WallScreen`, kept up to date."""

    sig_scope_changed = Signal(str)
    """The region on show changed: "" for the whole city, else a district code."""

    def __init__(self, console: ConsoleModel, login: Login | None = None,
                 parent: QWidget | None = None, *, rotate_s: float = DEFAULT_ROTATE_S,
                 refresh_ms: int = DEFAULT_REFRESH_MS,
                 highlight_s: float = DEFAULT_HIGHLIGHT_S, sample_step_s: float = 300.0,
                 wall_time: Callable[[], float] = time.time) -> None:
        if rotate_s < 0:
            raise ValueError(f"rotate_s must be >= 0 (0: no rotation), got {rotate_s}")
        if refresh_ms <= 0 or highlight_s <= 0:
            raise ValueError("refresh_ms and highlight_s must be > 0")
        super().__init__(console, parent)
        self.login = login
        self.wall_time = wall_time
        self.highlight_s = highlight_s

        c = console
        districts = sorted(r.code for r in c.city.at_level(Level.DISTRICT))
        self.scopes: list[str] = ["", *districts]
        self.scope_index = 0
        self.series = OpenSeries(sample_step_s)
        self.refreshes = 0
        self.last_refresh_ms = 0.0
        self.news = UrgentNews()
        self.highlighted = ""
        self._stale_since: float | None = None
        self.last_info: MirrorInfo | None = None
        self._staged: Iterator[None] | None = None
        self._ranked_at: float | None = None
        self.ranking_pending: str | None = None  # the scope whose ranking is being computed

        self.map_sync = MapSync(c, self.map, level="grid", choropleth="open")
        self.map.set_layer_visible("units", False)
        self.map.set_read_only()

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(refresh_ms)
        self._refresh_timer.timeout.connect(self.refresh_in_steps)
        self._refresh_timer.start()
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(200)
        self._soon.timeout.connect(self.refresh)
        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(1000)
        self._tick_timer.timeout.connect(self._tick)
        self._tick_timer.start()
        self._rotate_timer = QTimer(self)
        self._rotate_timer.timeout.connect(self.rotate)
        self.set_rotation(rotate_s)
        self._highlight_timer = QTimer(self)
        self._highlight_timer.setSingleShot(True)
        self._highlight_timer.timeout.connect(self._end_highlight)
        self._rest_timer = QTimer(self)  # the scope's view between two highlights
        self._rest_timer.setSingleShot(True)
        self._rest_timer.timeout.connect(self._next_highlight)

        c.sig_reset.connect(self._on_reset)
        c.sig_incidents_changed.connect(self._on_incidents)
        QShortcut(QKeySequence.StandardKey.Quit, self, self.close)
        if c.state.seq or c.state.incidents:
            self._on_reset()
        self._show_scope()
        self._tick()

    # ------------------------------------------------------------------------- screens

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(300, self, self._apply_map_view)  # once the page has its final size

    # ------------------------------------------------------------------------- scopes

    @property
    def scope(self) -> str:
        """The region on show: "" for the whole city, else a district code."""
        return self.scopes[self.scope_index]

    def scope_name(self, scope: str | None = None) -> str:
        scope = self.scope if scope is None else scope
        if not scope:
            return translate("Wall", "Whole city")
        return labels.region_name(self.console.city, scope)

    def set_rotation(self, seconds: float) -> None:
        """Rotate through the districts every ``seconds`` (0: stay on the whole city)."""
        self.rotate_s = seconds
        self._rotate_timer.stop()
        if seconds > 0 and len(self.scopes) > 1:
            self._rotate_timer.start(max(1, int(seconds * 1000)))
        self._show_pager()

    def _show_pager(self) -> None:
        self.pager.setText(f"{self.scope_index + 1} / {len(self.scopes)}"
                           if len(self.scopes) > 1 and self.rotate_s > 0 else "")

    def rotate(self) -> None:
        """Show the next district (after the last one, the whole city again)."""
        self.show_scope((self.scope_index + 1) % len(self.scopes))

    def show_scope(self, index: int) -> None:
        if not 0 <= index < len(self.scopes):
            raise ValueError(f"scope index {index} out of range 0..{len(self.scopes) - 1}")
        self.scope_index = index
        self._show_scope()
        self.refresh()
        self.sig_scope_changed.emit(self.scope)

    def _show_scope(self) -> None:
        self.scope_label.setText(self.scope_name())
        self._show_pager()
        name = self.scope_name()
        self.map_panel.title.setText(translate("Wall", "Open incidents per grid · %1")
                                     .replace("%1", name))
        self.hourly_panel.title.setText(translate("Wall", "Reported per hour · %1")
                                        .replace("%1", name))
        self.open_panel.title.setText(translate("Wall", "Open today · %1")
                                      .replace("%1", name))
        self.overdue_panel.title.setText(translate("Wall", "Most overdue · %1")
                                         .replace("%1", name))
        self.departments_panel.title.setText(translate("Wall", "Department load · %1")
                                             .replace("%1", name))
        self.ranking_panel.title.setText(translate("Wall", "Ranking this month · %1")
                                         .replace("%1", name))
        self._ranked_at = None  # the new scope's ranking at the next refresh
        self.whistles_panel.title.setText(translate("Wall", "Whistles (吹哨报到) · %1")
                                          .replace("%1", name))
        self._apply_map_view()

    # ---------------------------------------------------------------------------- map

    def _apply_map_view(self) -> None:
        """Zoom to the highlighted incident, else to the scope: a district is outlined and
        the rest of the city dimmed."""
        if self.highlighted:
            inc = self.console.incident(self.highlighted)
            if inc is not None:
                self.map.focus_incident(inc.lat, inc.lon)  # closer than the scope's own view
                return
        region = self.console.city.regions.get(self.scope) if self.scope else None
        if region is None:
            self.map.clear_scope()
        else:
            self.map.show_scope(region.geometry, colour=WALL.accent)

    # ------------------------------------------------------------------------- figures

    def refresh(self) -> None:
        """Recompute every figure of the scope on show from the live state, now."""
        self._staged = None
        for _ in self._refresh_stages():
            pass

    def refresh_in_steps(self) -> None:
        """Recompute the figures one panel per event-loop turn (the periodic refresh): feed
        batches and painting get in between, so a large city does not stall the wall."""
        if self._staged is not None:
            return  # the previous one is still going
        self._staged = self._refresh_stages()
        self._refresh_step()

    def _refresh_step(self) -> None:
        if self._staged is None:
            return
        try:
            next(self._staged)
        except StopIteration:
            self._staged = None
            return
        QTimer.singleShot(0, self, self._refresh_step)

    def _refresh_stages(self) -> Iterator[None]:
        c = self.console
        if not self.news.primed:
            return
        spent = 0.0
        t0 = time.perf_counter()
        now = c.now()
        start = day_start(now, c.tz)
        scope = self.scope
        # today, midnight to midnight, as it stands now
        self.tiles.show_kpi(scope_kpi(c.state, start, start + 86400.0, scope, now=now))
        self.overdue_panel.side.setText(f"{self.tiles.kpi.overdue:,}")
        spent += time.perf_counter() - t0
        yield
        t0 = time.perf_counter()
        self.hourly.set_series(hourly_by_major(c.state, c.catalogue, start, scope),
                               (now - start) / 3600.0)
        self.series.update(c.state, now, start)
        self.open_chart.set_points(self.series.points(scope), start)
        current = self.open_chart.current()
        self.open_panel.side.setText(
            translate("Wall", "now %1").replace("%1", f"{current:,}") if current is not None
            else "")
        spent += time.perf_counter() - t0
        yield
        t0 = time.perf_counter()
        self.overdue.show_overdue(most_overdue(c.state, now, scope, limit=12))
        whistles = open_whistles(c.state, now, scope, limit=10_000)
        self.whistles.show_whistles(whistles[:8])
        late = sum(1 for _inc, n in whistles if n)
        self.whistles_panel.side.setText(
            translate("Wall", "%1 late").replace("%1", str(late)) if late else "")
        spent += time.perf_counter() - t0
        yield
        t0 = time.perf_counter()
        self.departments.show_load(department_load(c.state, scope, c.catalogue))
        self._update_legend()
        spent += time.perf_counter() - t0
        if self._ranked_at is None or time.monotonic() - self._ranked_at >= RANKING_S:
            self._ranked_at = time.monotonic()  # the month's ranking changes slowly
            self._rank(scope)
        self.refreshes += 1
        self.last_refresh_ms = spent * 1000.0

    def _rank(self, scope: str) -> None:
        """The month's ranking of ``scope``, computed off the GUI thread (the records are never
        changed in place: a list of them is a snapshot)."""
        from console.background import run_in_background

        c = self.console
        incidents, now, tz = list(c.state.incidents.values()), c.now(), c.tz
        self.ranking_pending = scope

        def shown(result: object, error: BaseException | None) -> None:
            if not isValid(self.ranking):
                return  # the wall was closed meanwhile
            if error is not None:
                log.warning("the month's ranking failed: %s", error)
            elif scope == self.scope and isinstance(result, tuple):
                self.ranking.show_ranking(*result)
            if self.ranking_pending == scope:
                self.ranking_pending = None

        run_in_background(lambda: rank_month(incidents, now, tz, scope), shown)

    def _update_legend(self) -> None:
        n = LEVEL_PREFIX["grid"]
        counts: dict[str, int] = {}
        scope = self.scope
        for inc in self.console.state.incidents.values():
            if inc.is_open and inc.grid.startswith(scope):
                counts[inc.grid[:n]] = counts.get(inc.grid[:n], 0) + 1
        top = max(counts.values(), default=0)
        swatches = "".join(f"<span style='color:{c}'>■</span>" for c in OPEN_RAMP)
        self.legend.setText(translate("Wall", "Open per grid: %1 max %2")
                            .replace("%1", swatches).replace("%2", str(top)))
        self.legend.adjustSize()

    # ---------------------------------------------------------------------- live data

    def _on_reset(self) -> None:
        c = self.console
        # the first snapshot: nothing there is news; a resync: urgent incidents that
        # appeared meanwhile are
        self.news.reset(c.state.incidents, c.now())
        self._highlight_news()
        if not self._soon.isActive():
            self._soon.start()

    def _on_incidents(self, ids: Iterable[str]) -> None:
        c = self.console
        self.news.changed(ids, c.state.incidents, c.now())
        self._highlight_news()

    # --------------------------------------------------------------------- highlights

    def _highlight_news(self) -> None:
        if self.news.pending and not self.highlighted and not self._rest_timer.isActive():
            self._next_highlight()

    def _next_highlight(self) -> None:
        c = self.console
        inc = self.news.next(c.incident)
        if inc is None:
            return
        iid = inc.id
        self.highlighted = iid
        text = translate("Wall", "⚠ New urgent incident  %1 · %2 · %3").replace(
            "%1", inc.id).replace("%2", c.class_name(inc.class_code)).replace(
            "%3", c.grid_name(inc.grid))
        if self.news.pending:
            text += "  " + translate("Wall", "(%1 more)").replace("%1",
                                                                 str(len(self.news.pending)))
        self.urgent_banner.setText(text)
        self.urgent_banner.show()
        self.urgent_banner.raise_()
        self.map.select("incident", iid, pan=False)
        self._apply_map_view()
        self._highlight_timer.start(int(self.highlight_s * 1000))

    def _end_highlight(self) -> None:
        self.highlighted = ""
        self.urgent_banner.hide()
        self.map.select(None)
        self._apply_map_view()
        if self.news.pending:
            self._rest_timer.start(int(self.highlight_s * 1000))

    # ---------------------------------------------------------------- connection state

    def show_info(self, info: MirrorInfo) -> None:
        """The live session's mirror state: show or clear the stale-data banner."""
        self.last_info = info
        age = info.last_message_age_s
        live = info.status == MirrorStatus.LIVE and (age is None or age <= STALE_AFTER_S)
        # before the first snapshot there is no picture to be stale: just "connecting"
        waiting = info.status == MirrorStatus.CONNECTING and not self.news.primed
        if live or waiting:
            self._stale_since = None
            self.stale_banner.hide()
        elif self._stale_since is None:
            self._stale_since = self.wall_time() - (age or 0.0)
        self._show_connection()

    def _show_connection(self) -> None:
        info = self.last_info
        if info is None or (info.status == MirrorStatus.CONNECTING and self._stale_since is None):
            self.connection.setText(translate("Wall", "○ Connecting"))
            self.connection.setStyleSheet(f"color: {WALL.warn};")
            return
        if self._stale_since is None:
            self.connection.setText(translate("Wall", "● Live"))
            self.connection.setStyleSheet(f"color: {WALL.good};")
            return
        self.connection.setText(translate("Wall", "✕ Feed lost") if info.status in (
            MirrorStatus.DISCONNECTED, MirrorStatus.REFUSED) else translate("Wall", "◐ Resyncing"))
        self.connection.setStyleSheet(f"color: {WALL.alert};")
        ago = max(0, int(self.wall_time() - self._stale_since))
        since = datetime.fromtimestamp(self._stale_since).strftime("%H:%M:%S")
        ago_text = (translate("Wall", "%1 s ago").replace("%1", str(ago)) if ago < 120 else
                    translate("Wall", "%1 ago").replace("%1", labels.duration(ago)))
        self.stale_banner.setText(translate("Wall", "Data feed interrupted · data stale since "
                                                    "%1, %2").replace("%1", since)
                                  .replace("%2", ago_text))
        self.stale_banner.show()

    @property
    def stale(self) -> bool:
        return self._stale_since is not None

    def _tick(self) -> None:
        now = labels.local(self.console.now(), self.console.tz)
        self.clock.setText(now.strftime("%Y-%m-%d %H:%M:%S"))
        self._show_connection()


def build_wall(endpoints: Endpoints, login: Login, city: City, user: str, password: str,
               curve: ClientCurve | None, *, language: str = "zh",
               rotate_s: float = DEFAULT_ROTATE_S, screen: int = 0
               ) -> tuple[WallWindow, LiveSession]:
    """The wall window on monitor ``screen`` and its started live session (the operator is
    a wall role: read-only, enforced by the server)."""
    from console.session import ServerClock
    from dispatch.adapters.catalogue_loader import default_catalogue
    from dispatch.domain.roles import Actor
    from dispatch.domain.state import DispatchState

    clock = ServerClock(login.server_time, login.time_speed)
    actor = Actor(login.operator, login.role, login.scope, login.workstation)
    console = ConsoleModel(DispatchState(), default_catalogue(), city, actor, now=clock,
                           language=language)
    window = WallWindow(console, login, rotate_s=rotate_s)
    window.place_on_screen(screen)
    log.info("wall screen: operator %s, role %s, screen %d", login.operator, login.role.value,
             screen)
    from console.session import LiveSession

    session = LiveSession(console, command_endpoint=endpoints.command,
                          snapshot_endpoint=endpoints.snapshot, update_endpoint=endpoints.update,
                          login=login, user=user, password=password, curve=curve, clock=clock)
    session.sig_info.connect(window.show_info)
    session.start()
    return window, session
