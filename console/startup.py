"""The start-up sequence of a console, step by step on the GUI thread, with every slow step
(starting the embedded server, logging in, loading the city, a replay's history) off it and
cancellable. The dispatcher's console, the wall and the replay start the same way: an
embedded server or ``--connect``, log in, load in the background, open the window; a replay
may also read a database file straight (``--db``)."""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from console.background import run_in_background
from console.building import build_console, settle_after_first_snapshot
from console.embedded import BackendError, EmbeddedBackend, Endpoints
from console.loading import (
    ReplayWindowSpec,
    database_url,
    load_city_from_db,
    load_city_from_server,
    load_from_server,
    load_from_store,
)
from console.login_dialog import LoginDialog
from console.signals import quit_on_signals
from console.themes import apply_theme
from dispatch.adapters.catalogue_loader import default_catalogue
from dispatch.adapters.client.commands import ClientCurve, CommandClient, Login
from dispatch.adapters.client.servers import join_endpoints, parse_addresses
from dispatch.adapters.settings import Settings
from dispatch.domain.city.model import City
from dispatch.services.replay import Replayer, ReplayError

log = logging.getLogger("gridline.console")
SERVER_START_TIMEOUT_S = 180.0
GATEWAY_START_TIMEOUT_S = 120.0

__all__ = ["Startup", "build_console", "load_city_from_db", "load_city_from_server",
           "settle_after_first_snapshot"]

translate = QCoreApplication.translate


class Startup(QObject):
    def __init__(self, app: QApplication, args: argparse.Namespace, language: str) -> None:
        super().__init__()
        self.app, self.args, self.language = app, args, language
        self.qsettings = QSettings()
        self.settings = Settings(**({"data_dir": args.data_dir} if args.data_dir else {}))
        self.backend: EmbeddedBackend | None = None
        self.session: Any = None
        self.window: Any = None
        self.exit_code: int | None = None
        self.progress: QProgressDialog | None = None
        self.replay_spec: ReplayWindowSpec | None = None  # --replay: what to replay
        self._poll: QTimer | None = None
        self._t0 = time.monotonic()

    # ------------------------------------------------------------------------- steps

    def begin(self) -> int | None:
        theme = self.args.theme or str(self.qsettings.value("ui/theme", "light"))
        apply_theme(self.app, "wall" if self.args.wall else theme)
        self.theme = theme
        self.workstation = self.args.workstation or socket.gethostname()
        if getattr(self.args, "replay", False):
            return self._begin_replay()
        if self.args.connect:
            return self._begin_remote()
        return self._begin_embedded()

    def _begin_replay(self) -> int | None:
        """``--replay``: from ``--db`` straight, else from the embedded server or
        ``--connect`` (logged in as for the console, then the history query)."""
        self.catalogue = default_catalogue()
        try:
            spec = ReplayWindowSpec.from_args(self.args)
            spec.bounds(self.catalogue)
            url = database_url(self.args.db) if self.args.db else None
        except ReplayError as exc:
            print(f"gridline: {exc}", file=sys.stderr)
            return 2
        self.replay_spec = spec
        if url is None:
            return self._begin_remote() if self.args.connect else self._begin_embedded()
        self.progress = self._progress(translate("Startup", "Reading the history…"))
        source = translate("Startup", "database {0}").replace("{0}", url.split("@")[-1])
        operator = os.environ.get("USER", "replay")
        self._in_background(lambda: load_from_store(url, spec, self.catalogue),
                            lambda got: self._open_replay(got[0], got[1], source, operator),
                            translate("Startup", "Could not load the history: {0}"))
        return None

    def _begin_embedded(self) -> int | None:
        simulator = not self.args.no_sim and self.replay_spec is None
        self.start_embedded(simulator=simulator, gateway=self.replay_spec is None,
                            on_ready=self._embedded_ready)
        return None

    def _embedded_ready(self, endpoints: Endpoints) -> None:
        user, password, curve = self.demo_login("wall" if self.args.wall else "lead")
        self._login(endpoints, user, password, curve, embedded=True)

    def _begin_remote(self) -> int | None:
        target = self.remote_target()
        if isinstance(target, int):
            return target
        endpoints, curve = target
        credentials = self.ask_credentials(endpoints.command)
        if credentials is None:
            return 1
        user, password = credentials
        self.progress = self._progress(translate("Startup", "Logging in…"))
        self._login(endpoints, user, password, curve, embedded=False)
        return None

    # --------------------------------------------------------- shared with other modes

    def start_embedded(self, *, simulator: bool, on_ready: Callable[[Endpoints], None],
                       gateway: bool = False) -> None:
        """Start the local server (and simulator, and field gateway) behind a cancellable
        progress dialog; call ``on_ready(endpoints)`` once it listens, or report the failure
        and quit."""
        self.backend = EmbeddedBackend(
            Path(self.settings.data_dir), city_size=self.args.city_size,
            time_speed=self.args.speed, incidents_per_hour=self.args.incidents_per_hour,
            simulator=simulator, gateway=gateway)
        self.backend.start()
        self.progress = self._progress(translate("Startup", "Starting the local dispatch server…"))
        self._poll = QTimer(self)
        self._poll.setInterval(100)
        self._poll.timeout.connect(lambda: self._poll_backend(on_ready))
        self._poll.start()

    def _poll_backend(self, on_ready: Callable[[Endpoints], None]) -> None:
        assert self.backend is not None
        assert self._poll is not None
        if self.progress is not None and self.progress.wasCanceled():
            self._poll.stop()
            self.fail(translate("Startup", "Start-up cancelled."), code=1)
            return
        try:
            endpoints = self.backend.wait_ready(0)
        except BackendError as exc:
            self._poll.stop()
            self.fail(str(exc))
            return
        if endpoints is None:
            if time.monotonic() - self._t0 > SERVER_START_TIMEOUT_S:
                self._poll.stop()
                self.fail(translate("Startup", "The local dispatch server did not start in time; "
                                    "see {0}").replace("{0}", str(self.backend.log_dir)))
            return
        self._poll.stop()
        self.backend.start_field()
        on_ready(endpoints)

    def demo_login(self, default_user: str) -> tuple[str, str, ClientCurve]:
        """Credentials and keys for the embedded server (its demo operators)."""
        from dispatch.adapters.security.operators import DEMO_PASSWORDS

        user = self.args.user or default_user
        password = self.args.password or os.environ.get("GRIDLINE_PASSWORD") or \
            DEMO_PASSWORDS.get(user, "")
        return user, password, ClientCurve.local(Path(self.settings.data_dir), "console")

    def remote_target(self) -> tuple[Endpoints, ClientCurve | None] | int:
        """The ``--connect`` server's endpoints and this workstation's keys, or an exit code
        after saying what is wrong."""
        try:
            servers = parse_addresses(str(self.args.connect), self.settings.command_port)
        except ValueError as exc:
            print(f"gridline: bad --connect {self.args.connect!r}: {exc}; expected "
                  f"HOST[:PORT] or a list HOST[:PORT],HOST[:PORT] (a leader and its standbys)",
                  file=sys.stderr)
            return 2
        hosts = [(f"[{h}]" if ":" in h else h, p) for h, p in servers]
        snap, upd = self.args.snapshot_port, self.args.update_port
        endpoints = Endpoints(
            join_endpoints([f"tcp://{h}:{p}" for h, p in hosts]),
            join_endpoints([f"tcp://{h}:{snap or p + 1}" for h, p in hosts]),
            join_endpoints([f"tcp://{h}:{upd or p + 2}" for h, p in hosts]))
        if self.args.insecure:
            return endpoints, None
        from dispatch.adapters.security.keys import ensure_client_keys, server_public_key

        data_dir = Path(self.settings.data_dir)
        public, secret = ensure_client_keys(data_dir, self.workstation)
        try:
            server_key = server_public_key(data_dir)
        except (OSError, ValueError) as exc:
            print(f"gridline: this workstation has no server key ({exc}); copy the "
                  f"server's keys/server.key into {data_dir / 'keys'} and this "
                  f"workstation's public key to the server's keys/clients/", file=sys.stderr)
            return 2
        return endpoints, ClientCurve(public, secret, server_key)

    def ask_credentials(self, server: str) -> tuple[str, str] | None:
        """Operator and password from the arguments or the environment, else the login
        dialog; None when the operator cancels."""
        user = self.args.user or ""
        password = self.args.password or os.environ.get("GRIDLINE_PASSWORD", "")
        if user and password:
            return user, password
        dialog = LoginDialog(server, user, self.workstation)
        if dialog.exec() != LoginDialog.DialogCode.Accepted:
            return None
        self.workstation = dialog.workstation.text().strip() or self.workstation
        return dialog.user.text().strip(), dialog.password.text()

    # ---------------------------------------------------------------------- login

    def _login(self, endpoints: Endpoints, user: str, password: str,
               curve: ClientCurve | None, *, embedded: bool) -> None:
        """Log in and load the city (and a replay's history) off the GUI thread, then open
        the window."""
        spec = self.replay_spec
        if self.progress is not None:
            self.progress.setLabelText(
                translate("Startup", "Logging in and loading the city…") if spec is None
                else translate("Startup", "Reading the history…"))
        url = self.settings.database_url
        # the history query pages a whole day: longer waits, fewer retries
        timeout_s, retries = (5.0, 3) if spec is None else (30.0, 2)

        def work() -> tuple[Login, City, Replayer | None]:
            with CommandClient(endpoints.command, curve=curve, timeout_s=timeout_s,
                               retries=retries) as c:
                login = c.login(user, password, self.workstation)
                self._mark("logged in")
                city = load_city_from_db(url) if embedded else load_city_from_server(c)
                self._mark(f"city loaded ({len(city.regions)} regions)")
                replayer = None if spec is None else load_from_server(
                    c.query, spec, self.catalogue, login.server_time)
            return login, city, replayer

        def opened(got: tuple[Login, City, Replayer | None]) -> None:
            login, city, replayer = got
            if replayer is None:
                self._open(endpoints, login, city, user, password, curve)
            else:
                from console.replay_map import server_places

                source = translate("Startup", "server {0}").replace("{0}", endpoints.command)
                self._open_replay(replayer, city, source, user, server_places(
                    endpoints.command, curve, user, password, self.workstation))

        failure = (translate("Startup", "Could not log in: {0}") if spec is None
                   else translate("Startup", "Could not load the history: {0}"))
        self._in_background(work, opened, failure)

    def _in_background(self, work: Callable[[], Any], opened: Callable[[Any], None],
                       failure: str) -> None:
        """Run ``work`` off the GUI thread, then ``opened(result)`` on it, unless it failed
        (``failure`` with ``{0}``: the error) or the operator cancelled meanwhile."""

        def done(result: Any, error: BaseException | None) -> None:
            if error is not None:
                self.fail(failure.replace("{0}", str(error)))
                return
            if self.progress is not None and self.progress.wasCanceled():
                self.fail(translate("Startup", "Start-up cancelled."), code=1)
                return
            opened(result)

        run_in_background(work, done)

    def _open(self, endpoints: Endpoints, login: Login, city: City, user: str, password: str,
              curve: ClientCurve | None) -> None:
        if self.args.wall:  # the read-only wall screen (console/wall.py)
            from console.wall import build_wall

            self.window, self.session = build_wall(
                endpoints, login, city, user, password, curve, language=self.language,
                rotate_s=self.args.wall_rotate, screen=self.args.screen)
        else:
            self.window, self.session = build_console(
                endpoints, login, city, user, password, curve, settings=self.qsettings,
                language=self.language, level=self.args.level or "grid", theme=self.theme,
                tile_sources=getattr(self.args, "tile_sources", None))
        self._mark("window built")
        if not self.args.wall:
            self.window.console.photos = self._photo_source()
        if self.progress is not None:
            self.progress.close()
            self.progress = None
        if getattr(self.args, "show_part", None):
            self.session.sig_first_batch.connect(self._show_part)
        search = getattr(self.args, "search", None)
        if search and not self.args.wall:
            self.session.sig_first_batch.connect(
                lambda: self.window.places.search_and_show(search))
        if self.args.screenshot is not None:
            self.session.sig_first_batch.connect(self._screenshot_soon)
        if self.args.exit_when_live:
            self.session.sig_first_batch.connect(self._exit_after_first_frame)
        self.window.show()
        quit_on_signals(self.app)  # again: QtWebEngine has set its own handlers by now
        if self.backend is not None and self.backend.gateway and not self.args.wall:
            self._watch_gateway()

    def _watch_gateway(self) -> None:
        """Show the embedded field gateway's address in the window once it answers."""
        backend, window = self.backend, self.window
        timer = QTimer(self)
        timer.setInterval(250)
        deadline = time.monotonic() + GATEWAY_START_TIMEOUT_S

        def poll() -> None:
            if backend is None or window is None:
                timer.stop()
                return
            if backend.gateway_url:
                timer.stop()
                window.show_gateway(backend.gateway_url)
            elif time.monotonic() > deadline:
                timer.stop()
                log.warning("the field gateway did not start; see %s",
                            backend.log_dir / "gateway.log")

        timer.timeout.connect(poll)
        timer.start()

    def _photo_source(self) -> Any:
        """Where the console reads the photos (docs/GATEWAY.md, "The console's photos")."""
        from widgets.photo_source import configured_photo_source

        return configured_photo_source(self.qsettings, Path(self.settings.data_dir),
                                       local=self.backend is not None, parent=self.window)

    def _open_replay(self, replayer: Replayer, city: City, source: str, operator: str,
                     places: Any = None) -> None:
        from console.replay_window import ReplayWindow

        # A screenshot shows the default layout, not the one saved last time.
        settings = None if self.args.screenshot is not None else self.qsettings
        self.window = ReplayWindow(replayer, self.catalogue, city, source=source,
                                   operator=operator, settings=settings,
                                   language=self.language, level=self.args.level or "grid",
                                   theme=self.theme, places=places,
                                   tile_sources=getattr(self.args, "tile_sources", None))
        self.window.console.photos = self._photo_source()
        if self.progress is not None:
            self.progress.close()
            self.progress = None
        if self.args.screenshot is not None:
            self.window.map.sig_ready.connect(self._replay_screenshot)
        self.window.show()
        incident = self.replay_spec.incident if self.replay_spec is not None else None
        if incident and not self.window.focus_incident(incident):
            self.window.statusBar().showMessage(
                translate("Startup", "No event of {0} in this replay").replace("{0}", incident))

    def _replay_screenshot(self) -> None:
        self.window.map.sig_ready.disconnect(self._replay_screenshot)
        if self.replay_spec is None or not self.replay_spec.incident:
            self.window.showcase()  # --incident: the picture shows that one
        self._screenshot_soon()

    def _show_part(self) -> None:
        """--show-part: the parts layer on, the part's card open, the map close around it."""
        w = self.window
        if not w.console.city.parts:  # fetched from the server when the layer is first shown
            w.map_sync.sig_parts_loaded.connect(self._open_part)
            w.parts_action.setChecked(True)
            return
        w.parts_action.setChecked(True)
        self._open_part()

    def _open_part(self) -> None:
        part_id = self.args.show_part
        w = self.window
        part = w.console.city.parts.get(part_id)
        if part is None or not w.show_part(part_id):
            log.warning("--show-part: no part %r in the city", part_id)
            return
        w.map.focus_incident(part.lat, part.lon, 4.0)

    def _mark(self, what: str) -> None:
        log.info("start-up %.2f s: %s", time.monotonic() - self._t0, what)

    def _exit_after_first_frame(self) -> None:
        self._mark("first live batch")
        view = self.window.map

        def painted(token: str, _ms: float) -> None:
            if token == "first-live-frame":
                self._mark("first live frame")
                st = self.window.console.state
                print(f"gridline: first live frame incidents={len(st.incidents)} "
                      f"units={len(st.units)}", flush=True)
                self.exit_code = 0
                self.app.quit()

        view.sig_painted.connect(painted)
        view.flush()
        view.after_paint("first-live-frame")

    # ------------------------------------------------------------------- screenshot

    def _screenshot_soon(self) -> None:
        QTimer.singleShot(int(self.args.screenshot_delay * 1000), self._take_screenshot)

    def _take_screenshot(self, waited: int = 0) -> None:
        assert self.window is not None
        places = getattr(self.window, "places", None)
        searching = getattr(self.args, "search", None) and places is not None \
            and places.shown is None  # --search: the picture shows the place found
        # --show-part: the parts come from the server first
        fetching = getattr(self.args, "show_part", None) and not self.window.console.city.parts
        if (searching or fetching) and waited < 60:
            QTimer.singleShot(500, lambda: self._take_screenshot(waited + 1))
            return
        path = Path(self.args.screenshot)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.window.map.flush()

        def grab() -> None:
            st = self.window.console.state
            print(f"gridline: live seq={st.seq} incidents={len(st.incidents)} "
                  f"units={len(st.units)}", flush=True)
            ok = self.window.grab().save(str(path))
            print(f"gridline: screenshot {'saved to' if ok else 'FAILED:'} {path}", flush=True)
            self.exit_code = 0 if ok else 1
            self.app.quit()

        QTimer.singleShot(1500, grab)  # let the page draw the last batch

    # ------------------------------------------------------------------------ helpers

    def _progress(self, text: str) -> QProgressDialog:
        dlg = QProgressDialog(text, translate("Startup", "Cancel"), 0, 0)
        dlg.setWindowTitle("Gridline")
        dlg.setWindowModality(Qt.WindowModality.ApplicationModal)
        dlg.setMinimumDuration(300)
        dlg.setValue(0)
        return dlg

    def fail(self, message: str, *, code: int = 1) -> None:
        log.error("%s", message)
        print(f"gridline: {message}", file=sys.stderr, flush=True)
        if self.progress is not None:
            self.progress.close()
        if self.args.screenshot is None and "cancel" not in message.lower():
            QMessageBox.critical(None, "Gridline", message)
        self.exit_code = code
        self.shutdown()
        QTimer.singleShot(0, self.app.quit)

    def shutdown(self) -> None:
        if self.session is not None:
            self.session.stop()
            self.session = None
        if self.window is not None:
            # A web page that outlives its profile aborts at exit: delete the window now.
            from PySide6.QtCore import QCoreApplication, QEvent

            self.window.close()
            self.window.deleteLater()
            self.window = None
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        if self.backend is not None:
            self.backend.stop()
            self.backend = None
