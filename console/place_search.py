"""The console's place search: the server's ``geocode`` query, asked off the GUI thread.

:class:`PlaceSearch` is the :data:`~widgets.address_search.SearchPort` the console gives its
search widgets (the map's search box, the intake form's address, the command line's ``go``):
``search(query, limit, done)`` hands the question to a worker thread with a client of its
own (searches never wait behind commands), which asks the server and calls ``done(places,
error)`` from there. Each widget has one question out at a time, so the queue stays short.
The console holds no gazetteer and builds no index: the server does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, Signal, Slot

from console.network import start_in_thread
from dispatch.adapters.client.commands import CommandClient
from dispatch.domain.errors import DispatchError, Unavailable
from widgets.address_search import Done, Place

BasemapDone = Callable[[list[dict[str, Any]], str, bool], None]
"""Called from the worker thread with the ``basemap`` query's entries, an error ("" if none)
and whether asking again later may help (the server answered ``unavailable``)."""


class _Worker(QObject):
    def __init__(self, make_client: Callable[[], CommandClient]) -> None:
        super().__init__()
        self._make_client = make_client
        self._client: CommandClient | None = None

    @Slot(str, int, object)
    def search(self, query: str, limit: int, done: Done) -> None:
        places: Sequence[Place] = []
        error = ""
        try:
            if self._client is None:
                self._client = self._make_client()
            places = [Place.from_row(r) for r in self._client.geocode(query, limit)]
        except DispatchError as exc:
            error = exc.message
        except Exception as exc:  # a bug must not kill the worker thread  # noqa: BLE001
            error = f"{type(exc).__name__}: {exc}"
        done(places, error)

    @Slot(object)
    def basemap(self, done: BasemapDone) -> None:
        entries: list[dict[str, Any]] = []
        error, later = "", False
        try:
            if self._client is None:
                self._client = self._make_client()
            entries = self._client.basemap()
        except DispatchError as exc:
            error, later = exc.message, isinstance(exc, Unavailable)
        except Exception as exc:  # a bug must not kill the worker thread  # noqa: BLE001
            error = f"{type(exc).__name__}: {exc}"
        done(entries, error, later)

    @Slot()
    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


class PlaceSearch(QObject):
    """The search port (callable) over a worker thread; :meth:`stop` before the end."""

    _sig_search = Signal(str, int, object)
    _sig_basemap = Signal(object)

    def __init__(self, make_client: Callable[[], CommandClient]) -> None:
        super().__init__()
        self._worker = _Worker(make_client)
        self._sig_search.connect(self._worker.search)
        self._sig_basemap.connect(self._worker.basemap)
        self._thread: QThread | None = start_in_thread(self._worker, "gridline-places")

    def __call__(self, query: str, limit: int, done: Done) -> None:
        if self._thread is None:
            done([], "the console is closing")
            return
        self._sig_search.emit(query, limit, done)

    def basemap(self, done: BasemapDone) -> None:
        """Ask the server once for what the offline basemap draws (roads, named places)."""
        if self._thread is None:
            done([], "the console is closing", False)
            return
        self._sig_basemap.emit(done)

    def stop(self) -> None:
        if self._thread is None:
            return
        QMetaObject.invokeMethod(self._worker, "close",
                                 Qt.ConnectionType.BlockingQueuedConnection)
        self._thread.quit()
        self._thread.wait(5000)
        self._thread = None
