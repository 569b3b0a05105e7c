"""The status bar: connection state, stale-data banner, sequence, update rate, operator."""

from __future__ import annotations

import time
from datetime import datetime

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from dispatch.adapters.client.commands import Login
from dispatch.adapters.client.mirror import MirrorInfo, MirrorStatus
from widgets import labels

translate = QCoreApplication.translate


class ConsoleStatusBar(QStatusBar):
    STALE_AFTER_S = 3.0

    def __init__(self, login: Login, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.connection = QLabel(translate("StatusBar", "Connecting…"))
        self.stale = QLabel()
        self.stale.setObjectName("staleBanner")
        self.stale.hide()
        self.seq = QLabel()
        self.rate = QLabel()
        scope = login.scope or translate("StatusBar", "whole city")
        self.operator = QLabel(f"{login.operator} · {labels.role(login.role.value)} · {scope}")
        self.addWidget(self.connection)
        self.addWidget(self.stale)
        self.addPermanentWidget(self.seq)
        self.addPermanentWidget(self.rate)
        self.addPermanentWidget(self.operator)
        self._stale_since: float | None = None
        self.last_info: MirrorInfo | None = None

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
