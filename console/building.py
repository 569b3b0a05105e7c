"""The dispatcher's console for a logged-in operator: the main window over a live session
(:func:`build_console`), and the process's settling once the first snapshot shows
(:func:`settle_after_first_snapshot`)."""

from __future__ import annotations

import linecache
from typing import Any

from PySide6.QtCore import QSettings, QTimer

from console.embedded import Endpoints
from console.loading import load_parts_from_server
from dispatch.adapters.catalogue_loader import default_catalogue
from dispatch.adapters.client.commands import ClientCurve, Login
from dispatch.adapters.client.servers import split_endpoints
from dispatch.domain.city.model import City
from dispatch.domain.roles import AUDIT_READERS, Actor
from dispatch.domain.state import DispatchState
from dispatch.entrypoints.tuning import settle_long_lived_heap, trim_c_heap

# Once live, the C heap's free pages go back to the system this often (see build_console).
HEAP_TRIM_MS = 30_000


def build_console(endpoints: Endpoints, login: Login, city: City, user: str, password: str,
                  curve: ClientCurve | None, *, settings: QSettings, language: str = "en",
                  level: str = "grid", theme: str = "light",
                  tile_sources: Any = None) -> tuple[Any, Any]:
    """The main window and its started live session for a logged-in operator."""
    from console.main_window import MainWindow
    from console.session import LiveSession, ServerClock
    from widgets.console_model import ConsoleModel

    clock = ServerClock(login.server_time, login.time_speed)
    actor = Actor(login.operator, login.role, login.scope, login.workstation)
    console = ConsoleModel(DispatchState(), default_catalogue(), city, actor, now=clock,
                           language=language)
    session = LiveSession(console, command_endpoint=endpoints.command,
                          snapshot_endpoint=endpoints.snapshot, update_endpoint=endpoints.update,
                          login=login, user=user, password=password, curve=curve, clock=clock)
    from console.audit_source import AuditSource

    # one reading session (history, audit) per console, opened on first use
    reader = AuditSource(endpoints.command, user, password, login.workstation, curve)
    audit_source = reader if login.role in AUDIT_READERS else None
    window = MainWindow(console, login, settings=settings, level=level, theme=theme,
                        audit_source=audit_source, history_source=reader,
                        tile_sources=tile_sources, search=session.search_places)
    if not city.parts:  # a city from the server comes without its parts: fetched when shown
        window.map_sync.load_parts = lambda: load_parts_from_server(
            endpoints.command, user, password, login.workstation, curve)
    window.status.set_server_names(split_endpoints(endpoints.command))
    session.sig_info.connect(window.show_info)
    session.sig_first_batch.connect(settle_after_first_snapshot)
    # The live feed frees as much as it makes (records, batches, the map's JSON), and glibc
    # keeps what was freed: ~20-30 MB at city scale after two minutes of load, back to the
    # system by a trim that takes 2-3 ms there.
    trim = QTimer(window)
    trim.setObjectName("heap-trim")
    trim.setInterval(HEAP_TRIM_MS)
    trim.timeout.connect(trim_c_heap)
    session.sig_first_batch.connect(trim.start)
    session.start()
    window.map_sync.load_basemap(session.fetch_basemap)
    return window, session



def settle_after_first_snapshot() -> None:
    """Once the console shows its first snapshot, most of what it holds lives as long as it
    does (the city, the catalogue, the widgets and their models, the modules), and the
    transient objects of loading the city and the snapshot are gone.

    - ``gc.freeze()``: the garbage collector's full passes walked all of those objects every
      ten seconds or so, some 170 ms holding the interpreter lock at city scale, which the
      GUI thread waited out whole; frozen, a pass covers only what came later (~35 ms).
      Frozen objects are still freed when nothing refers to them; only a reference cycle
      among them would stay.
    - A middle-generation pass every two young ones, not ten: the live feed makes thousands
      of records a second that outlive the young generation (each lives until the unit's
      next report), and with Python's defaults a middle pass walked ~10,000 objects at a
      time, ~10 ms holding the lock about once a second; now ~3 ms, three times as often.
      Full passes wait for fifty middle ones, which keeps them about as rare as before.
      Records make no reference cycles: these passes find no garbage in the live console.
    - ``malloc_trim(0)`` (glibc): hand the heap pages freed since start-up back to the system
      (~50 MB at city scale: the decoded city GeoJSON and snapshot records).
    - Empty :mod:`linecache` first: PySide6 reads the source of every module imported after
      it (to see whether the module uses its ``__feature__`` switches) through
      ``inspect.getsource``, which leaves every line of every module cached, ~35 MB of
      strings in the console. The cache only speeds up tracebacks, which read the files
      again when they need them.
    """
    linecache.clearcache()
    settle_long_lived_heap()
