"""The sound of a new urgent incident: ``resources/sounds/urgent.wav`` (made by
``python -m tools.sounds``) through QtMultimedia's QSoundEffect; where QtMultimedia cannot load
(no audio library on the machine) the system beep instead. Off unless the operator turns it
on (View ▸ Sound for new urgent incidents, remembered in QSettings)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtWidgets import QApplication

SOUND_FILE = Path(__file__).resolve().parent.parent / "resources" / "sounds" / "urgent.wav"
SETTING = "alerts/sound"
"""The QSettings key of the operator's choice (bool; off by default)."""


class AlertSound(QObject):
    """Plays the alert when enabled."""

    sig_played = Signal()
    """The alert was played (or beeped): a new urgent incident was announced by sound."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = False
        self._effect: Any = None
        self._loaded = False

    def set_enabled(self, on: bool) -> None:
        self.enabled = bool(on)

    def _player(self) -> Any:
        """The sound effect, loaded on first use (None: QtMultimedia is not usable here)."""
        if not self._loaded:
            self._loaded = True
            try:
                from PySide6.QtMultimedia import QSoundEffect
            except ImportError:  # e.g. no libpulse: the beep will do
                return None
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(SOUND_FILE)))
            effect.setVolume(0.8)
            self._effect = effect
        return self._effect

    def play(self) -> bool:
        """Sound the alert if enabled; True if it was."""
        if not self.enabled:
            return False
        effect = self._player()
        if effect is not None:
            effect.play()
        else:
            QApplication.beep()
        self.sig_played.emit()
        return True
