"""The replay's timeline scrubber: where in the window the replay stands, and the controls to
move it — play and pause, step to the previous or next event, speeds from 1× to 256×, jumps to
the events of the selected incident, bookmarks with notes.

The track (:class:`~widgets.timeline_track.TimelineTrack`) shows how busy the window was
(events per pixel), the part already played, the selected incident's events as ticks under
it, the bookmarks as flags above it, and the hours. Click or drag it to seek. Keys (window-wide, see :meth:`TimelineScrubber.actions`): Space
plays or pauses, ←/→ step one event, Ctrl+←/Ctrl+→ jump to the incident's previous/next event,
Home/End go to the ends, [ and ] change the speed, Ctrl+B adds a bookmark.

Positions count events (0 … n, as in :class:`dispatch.services.replay.Replayer`); the instant shown
moves smoothly while playing, and the position follows it.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFontDatabase, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dispatch.services.replay import Bookmark
from widgets.timeline_track import TimelineTrack

SPEEDS = (1, 2, 4, 8, 16, 32, 64, 128, 256)
FRAME_MS = 40

translate = QCoreApplication.translate

_TEXT = {
    "play": QT_TRANSLATE_NOOP("TimelineScrubber", "Play"),
    "pause": QT_TRANSLATE_NOOP("TimelineScrubber", "Pause"),
    "prev": QT_TRANSLATE_NOOP("TimelineScrubber", "Previous event"),
    "next": QT_TRANSLATE_NOOP("TimelineScrubber", "Next event"),
    "prev_incident": QT_TRANSLATE_NOOP("TimelineScrubber", "Previous event of the incident"),
    "next_incident": QT_TRANSLATE_NOOP("TimelineScrubber", "Next event of the incident"),
    "start": QT_TRANSLATE_NOOP("TimelineScrubber", "Start of the window"),
    "end": QT_TRANSLATE_NOOP("TimelineScrubber", "End of the window"),
    "slower": QT_TRANSLATE_NOOP("TimelineScrubber", "Slower"),
    "faster": QT_TRANSLATE_NOOP("TimelineScrubber", "Faster"),
    "bookmark": QT_TRANSLATE_NOOP("TimelineScrubber", "Bookmark this instant"),
}


def _t(key: str) -> str:
    return translate("TimelineScrubber", str(_TEXT[key]))


class TimelineScrubber(QWidget):
    """Scrubber over the positions of a replay window (see the module docstring)."""

    sig_moved = Signal(int, float)
    """(position, instant) — the replay should show the state at ``position``; ``instant`` is
    the time shown (it runs on between events while playing)."""

    sig_playing_changed = Signal(bool)
    """Playback started (True) or stopped (False)."""

    sig_bookmarks_changed = Signal()
    """A bookmark was added, removed or its note edited."""

    sig_bookmark_added = Signal(int)
    """A bookmark was added at the current instant (its index in :attr:`bookmarks`)."""

    def __init__(self, parent: QWidget | None = None, *, tz: timezone | None = None) -> None:
        super().__init__(parent)
        self.tz = tz or timezone(timedelta(hours=8))
        self.times: Sequence[float] = ()
        self.times_array = np.zeros(0)
        self.start_ts = 0.0
        self.end_ts = 0.0
        self.position = 0
        self.instant = 0.0
        self.speed = 64
        self.incident_positions: list[int] = []
        self.bookmarks: list[Bookmark] = []
        self._clock = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)
        self._build()
        self.set_timeline((), 0.0, 0.0)

    # ----------------------------------------------------------------------------- build

    def _button(self, key: str, icon: str | QStyle.StandardPixmap) -> QToolButton:
        b = QToolButton(self)
        if isinstance(icon, str):
            b.setText(icon)
            font = b.font()
            font.setPointSizeF(font.pointSizeF() * 1.15)
            b.setFont(font)
        else:
            b.setIcon(self.style().standardIcon(icon))
        b.setToolTip(_t(key))
        b.setAutoRaise(True)
        return b

    def _build(self) -> None:
        sp = QStyle.StandardPixmap
        self.start_button = self._button("start", sp.SP_MediaSkipBackward)
        self.prev_button = self._button("prev", sp.SP_MediaSeekBackward)
        self.play_button = self._button("play", sp.SP_MediaPlay)
        self.next_button = self._button("next", sp.SP_MediaSeekForward)
        self.end_button = self._button("end", sp.SP_MediaSkipForward)
        self.prev_incident_button = self._button("prev_incident", "◆◀")
        self.next_incident_button = self._button("next_incident", "▶◆")
        self.bookmark_button = self._button("bookmark", "★")
        self.play_button.setMinimumWidth(40)
        self.speed_box = QComboBox(self)
        for speed in SPEEDS:
            self.speed_box.addItem(f"{speed}×", speed)
        self.speed_box.setCurrentIndex(SPEEDS.index(self.speed))
        self.speed_box.setToolTip(translate("TimelineScrubber", "Playback speed"))
        self.speed_box.currentIndexChanged.connect(
            lambda i: self.set_speed(int(self.speed_box.itemData(i))))
        self.time_label = QLabel(self)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(self.font().pointSizeF() * 1.35)
        mono.setBold(True)
        self.time_label.setFont(mono)
        self.time_label.setMinimumWidth(self.time_label.fontMetrics().horizontalAdvance(
            "2026-11-02 08:00:00") + 8)
        self.count_label = QLabel(self)
        self.count_label.setStyleSheet("color: palette(mid);")
        self.track = TimelineTrack(self, self)

        self.start_button.clicked.connect(lambda: self.set_position(0, emit=True))
        self.end_button.clicked.connect(lambda: self.set_position(len(self.times), emit=True))
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.play_button.clicked.connect(self.toggle_play)
        self.prev_incident_button.clicked.connect(lambda: self.jump_incident(-1))
        self.next_incident_button.clicked.connect(lambda: self.jump_incident(1))
        self.bookmark_button.clicked.connect(lambda: self.add_bookmark())

        controls = QHBoxLayout()
        controls.setSpacing(2)
        controls.setContentsMargins(0, 0, 0, 0)
        for w in (self.start_button, self.prev_button, self.play_button, self.next_button,
                  self.end_button):
            controls.addWidget(w)
        controls.addSpacing(6)
        controls.addWidget(self.speed_box)
        controls.addSpacing(10)
        controls.addWidget(self.time_label)
        controls.addWidget(self.count_label)
        controls.addStretch(1)
        controls.addWidget(self.prev_incident_button)
        controls.addWidget(self.next_incident_button)
        controls.addSpacing(6)
        controls.addWidget(self.bookmark_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        lay.setSpacing(0)
        lay.addLayout(controls)
        lay.addWidget(self.track)

        self._actions: dict[str, QAction] = {}
        for key, shortcut, slot in (
                ("play", "Space", self.toggle_play), ("prev", "Left", lambda: self.step(-1)),
                ("next", "Right", lambda: self.step(1)),
                ("prev_incident", "Ctrl+Left", lambda: self.jump_incident(-1)),
                ("next_incident", "Ctrl+Right", lambda: self.jump_incident(1)),
                ("start", "Home", lambda: self.set_position(0, emit=True)),
                ("end", "End", lambda: self.set_position(len(self.times), emit=True)),
                ("slower", "[", lambda: self.change_speed(-1)),
                ("faster", "]", lambda: self.change_speed(1)),
                ("bookmark", "Ctrl+B", lambda: self.add_bookmark())):
            act = QAction(_t(key), self)
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self._actions[key] = act
        for key, button in (("prev", self.prev_button), ("next", self.next_button),
                            ("prev_incident", self.prev_incident_button),
                            ("next_incident", self.next_incident_button),
                            ("start", self.start_button), ("end", self.end_button),
                            ("bookmark", self.bookmark_button), ("play", self.play_button)):
            keys = self._actions[key].shortcut().toString(
                QKeySequence.SequenceFormat.NativeText)
            button.setToolTip(f"{_t(key)} ({keys})")

    def actions_by_key(self) -> dict[str, QAction]:
        """The scrubber's actions (with their shortcuts): add them to the window."""
        return dict(self._actions)

    # ------------------------------------------------------------------------- the data

    def set_timeline(self, times: Sequence[float], start_ts: float, end_ts: float) -> None:
        """The event times of the window (sorted) and its bounds; goes to position 0."""
        self.pause()
        self.times = times
        self.times_array = (np.frombuffer(times, dtype=np.float64)  # type: ignore[call-overload]
                            if getattr(times, "typecode", "") == "d"
                            else np.asarray(times, dtype=np.float64))
        self.start_ts, self.end_ts = start_ts, max(start_ts, end_ts)
        self.position = 0
        self.instant = start_ts
        self.track.invalidate()
        self._refresh()

    def ts_at(self, position: int) -> float:
        return self.start_ts if position <= 0 else self.times[min(position, len(self.times)) - 1]

    def position_at(self, ts: float) -> int:
        return bisect.bisect_right(self.times, ts)

    def format_time(self, ts: float) -> str:
        return datetime.fromtimestamp(ts, UTC).astimezone(self.tz).strftime("%Y-%m-%d %H:%M:%S")

    def set_incident_positions(self, positions: Sequence[int]) -> None:
        """Positions right after each event of the selected incident (ticks; jumps)."""
        self.incident_positions = sorted(positions)
        self.track.update()
        self._refresh()

    # --------------------------------------------------------------------------- moving

    def set_position(self, position: int, *, emit: bool = False,
                     instant: float | None = None) -> None:
        """Go to ``position`` (clamped), showing ``instant`` (default: its event's time)."""
        position = max(0, min(len(self.times), position))
        self.position = position
        self.instant = self.ts_at(position) if instant is None else instant
        self.track.update()
        self._refresh()
        if emit:
            self.sig_moved.emit(self.position, self.instant)

    def seek_time(self, ts: float) -> None:
        """Go to the instant ``ts``: every event at or before it applied."""
        ts = max(self.start_ts, min(self.end_ts, ts))
        self.set_position(self.position_at(ts), emit=True, instant=ts)

    def step(self, delta: int) -> None:
        """One event forward or back (pauses playback)."""
        self.pause()
        self.set_position(self.position + delta, emit=True)

    def jump_incident(self, direction: int) -> None:
        """To the previous or next event of the selected incident."""
        ps = self.incident_positions
        if not ps:
            return
        self.pause()
        if direction > 0:
            i = bisect.bisect_right(ps, self.position)
            target = ps[i] if i < len(ps) else None
        else:
            i = bisect.bisect_left(ps, self.position)
            target = ps[i - 1] if i > 0 else None
        if target is not None:
            self.set_position(target, emit=True)

    # ------------------------------------------------------------------------- playback

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def set_speed(self, speed: int) -> None:
        if speed not in SPEEDS:
            raise ValueError(f"speed must be one of {SPEEDS}, got {speed}")
        self.speed = speed
        i = SPEEDS.index(speed)
        if self.speed_box.currentIndex() != i:
            self.speed_box.setCurrentIndex(i)

    def change_speed(self, direction: int) -> None:
        i = max(0, min(len(SPEEDS) - 1, SPEEDS.index(self.speed) + direction))
        self.set_speed(SPEEDS[i])

    def play(self) -> None:
        if self.playing:
            return
        if self.instant >= self.end_ts:
            self.set_position(0, emit=True)
        self._clock.start()
        self._timer.start()
        self._refresh()
        self.sig_playing_changed.emit(True)

    def pause(self) -> None:
        if not self._timer.isActive():
            return
        self._timer.stop()
        self._refresh()
        self.sig_playing_changed.emit(False)

    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def advance(self, real_seconds: float) -> None:
        """Play on by ``real_seconds`` of wall time at the current speed (a frame)."""
        t = min(self.end_ts, self.instant + real_seconds * self.speed)
        self.instant = t
        self.position = self.position_at(t)
        self.track.update()
        self._refresh()
        self.sig_moved.emit(self.position, self.instant)
        if t >= self.end_ts:
            self.pause()

    def _tick(self) -> None:
        elapsed = self._clock.restart() / 1000.0
        self.advance(min(elapsed, 0.5))

    # ------------------------------------------------------------------------ bookmarks

    def add_bookmark(self, note: str = "") -> int:
        """Bookmark the current instant; returns its index (bookmarks stay in time order)."""
        b = Bookmark(self.instant, self.position, note)
        i = bisect.bisect_right([x.ts for x in self.bookmarks], b.ts)
        self.bookmarks.insert(i, b)
        self.track.update()
        self.sig_bookmark_added.emit(i)
        self.sig_bookmarks_changed.emit()
        return i

    def set_bookmark_note(self, index: int, note: str) -> None:
        b = self.bookmarks[index]
        self.bookmarks[index] = Bookmark(b.ts, b.position, note)
        self.track.update()
        self.sig_bookmarks_changed.emit()

    def remove_bookmark(self, index: int) -> None:
        del self.bookmarks[index]
        self.track.update()
        self.sig_bookmarks_changed.emit()

    # --------------------------------------------------------------------------- labels

    def _refresh(self) -> None:
        n = len(self.times)
        self.time_label.setText(self.format_time(self.instant))
        self.count_label.setText(translate("TimelineScrubber", "event %1 / %2").replace(
            "%1", f"{self.position:,}").replace("%2", f"{n:,}"))
        self.play_button.setIcon(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MediaPause if self.playing
            else QStyle.StandardPixmap.SP_MediaPlay))
        self._actions["play"].setText(_t("pause") if self.playing else _t("play"))
        self.prev_button.setEnabled(self.position > 0)
        self.start_button.setEnabled(self.position > 0)
        self.next_button.setEnabled(self.position < n)
        self.end_button.setEnabled(self.position < n)
        has = bool(self.incident_positions)
        self.prev_incident_button.setEnabled(has and self.incident_positions[0] < self.position)
        self.next_incident_button.setEnabled(has and self.incident_positions[-1] > self.position)
