"""The status bar: connection state, stale-data banner, the server the console is on (and a
failover to another server of a PostgreSQL pair as it happens), sequence, update rate,
operator."""

from __future__ import annotations

import time
from datetime import datetime

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from dispatch.adapters.client.commands import Login
from dispatch.adapters.client.mirror import MirrorInfo, MirrorStatus
from widgets import labels

translate = QCoreApplication.translate


def server_host(endpoint: str) -> str:
    """``host:port`` of a ZeroMQ TCP endpoint (the endpoint itself otherwise)."""
    return endpoint.removeprefix("tcp://")


class ConsoleStatusBar(QStatusBar):
    STALE_AFTER_S = 3.0
    FAILOVER_SHOWN_S = 30.0  # how long "switched to server …" stays

    def __init__(self, login: Login, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.connection = QLabel(translate("StatusBar", "Connecting…"))
        self.stale = QLabel()
        self.stale.setObjectName("staleBanner")
        self.stale.hide()
        self.seq = QLabel()
        self.rate = QLabel()
        self.server = QLabel()
        self.server.setObjectName("serverLabel")
        self.server.hide()  # shown once the mirror says where it is
        scope = login.scope or translate("StatusBar", "whole city")
        self.operator = QLabel(f"{login.operator} · {labels.role(login.role.value)} · {scope}")
        self.addWidget(self.connection)
        self.addWidget(self.stale)
        self.addPermanentWidget(self.server)
        self.addPermanentWidget(self.seq)
        self.addPermanentWidget(self.rate)
        self.addPermanentWidget(self.operator)
        self._stale_since: float | None = None
        self.last_info: MirrorInfo | None = None
        self._failovers = 0
        self._failover_at: float | None = None  # when the console last changed servers
        self._server_names: list[str] = []  # as the operator gave them (command endpoints)

    def set_server_names(self, endpoints: list[str]) -> None:
        """The servers by their command endpoints, in the mirror's order (the addresses the
        operator gave); without them a server is named by its snapshot endpoint."""
        self._server_names = [server_host(e) for e in endpoints]

    def show_info(self, info: MirrorInfo) -> None:
        self.last_info = info
        names = {MirrorStatus.LIVE: (translate("StatusBar", "● Live"), "connLive"),
                 MirrorStatus.SYNCING: (translate("StatusBar", "◐ Resyncing"), "connWarn"),
                 MirrorStatus.CONNECTING: (translate("StatusBar", "○ Connecting"), "connWarn"),
                 MirrorStatus.DISCONNECTED: (translate("StatusBar", "✕ Disconnected"), "connDown"),
                 MirrorStatus.REFUSED: (translate("StatusBar", "✕ Refused"), "connDown")}
        text, style = names.get(info.status, (info.status.value, "connWarn"))
        if info.message and info.status != MirrorStatus.LIVE:
            text = f"{text}: {info.message}"
        self.connection.setText(text)
        if self.connection.objectName() != style:
            # The style sheet selects on the object name: re-polish after changing it.
            self.connection.setObjectName(style)
            self.connection.style().unpolish(self.connection)
            self.connection.style().polish(self.connection)
        self.show_server(info)
        self.seq.setText(translate("StatusBar", "seq {0}").replace("{0}", f"{info.state_seq:,}"))
        self.rate.setText(translate("StatusBar", "{0} updates/s").replace("{0}", f"{info.updates_per_s:,.0f}"))
        age = info.last_message_age_s
        if (age is not None and age > self.STALE_AFTER_S) or info.status != MirrorStatus.LIVE:
            if self._stale_since is None:
                self._stale_since = time.time() - (age or 0.0)
            since = datetime.fromtimestamp(self._stale_since).strftime("%H:%M:%S")
            self.stale.setText(translate("StatusBar", "data stale since {0}").replace("{0}", since))
            self.stale.show()
        else:
            self._stale_since = None
            self.stale.hide()

    def show_server(self, info: MirrorInfo) -> None:
        """Which server the console is on; after a move to another server of the list (a
        failover) say so, with the time, for :attr:`FAILOVER_SHOWN_S`."""
        if not info.server:
            return
        names = self._server_names
        host = names[info.server_index] if info.server_index < len(names) else \
            server_host(info.server)
        if info.failovers > self._failovers:
            self._failovers = info.failovers
            self._failover_at = time.time()
        if info.servers > 1:
            text = translate("StatusBar", "server {0} ({1} of {2})").replace(
                "{0}", host).replace("{1}", str(info.server_index + 1)).replace(
                "{2}", str(info.servers))
        else:
            text = translate("StatusBar", "server {0}").replace("{0}", host)
        style = "serverLabel"
        if self._failover_at is not None and time.time() - self._failover_at < \
                self.FAILOVER_SHOWN_S:
            at = datetime.fromtimestamp(self._failover_at).strftime("%H:%M:%S")
            if info.status == MirrorStatus.LIVE:
                text = translate("StatusBar", "⇄ failed over at {0} to {1}").replace(
                    "{0}", at).replace("{1}", text)
            else:
                text = translate("StatusBar", "⇄ failing over: trying {0}").replace(
                    "{0}", text)
            style = "connWarn"
        self.server.setText(text)
        self.server.setToolTip(translate(
            "StatusBar", "The dispatch server this console is on; with a standby, the "
                         "console moves to the server that leads by itself"))
        self.server.show()
        if self.server.objectName() != style:
            self.server.setObjectName(style)
            self.server.style().unpolish(self.server)
            self.server.style().polish(self.server)
