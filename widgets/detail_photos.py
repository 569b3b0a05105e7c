"""The detail panel's photos: an incident's photos as thumbnails (the report's one by one,
verification photos as before/after pairs side by side), and a viewer with the full-size
photo on click (previous/next with the arrow keys or the buttons, Escape closes).

The images come from the console's :class:`~widgets.photo_source.PhotoSource` (off the GUI
thread); a thumbnail says "loading…" until its image is here and "unavailable" (the reason
in its tooltip) when it cannot be had. The section shows what the incident record lists, so a
replay shows a photo from the time its ``incident.media_attached`` event happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dispatch.domain.media import Media, MediaKind
from dispatch.domain.state import Incident
from widgets import labels, theme
from widgets.console_model import ConsoleModel
from widgets.detail_sections import section
from widgets.flow_layout import FlowLayout
from widgets.photo_source import PhotoSource, photo_key

THUMB = QSize(144, 108)


def _t(text: str) -> str:
    return QCoreApplication.translate("IncidentPhotos", text)


def kind_name(kind: str) -> str:
    return {MediaKind.REPORT.value: _t("reported"), MediaKind.BEFORE.value: _t("before"),
            MediaKind.AFTER.value: _t("after")}.get(kind, kind)


@dataclass(frozen=True, slots=True)
class Page:
    """What the viewer shows at once: one photo, or a before/after pair side by side."""

    photos: tuple[Media, ...]


def pages_of(media: tuple[Media, ...]) -> list[Page]:
    """The report's photos one by one, then the verification photos: the n-th before with the
    n-th after (in the order they were attached), side by side; the rest alone."""
    report = [m for m in media if m.kind not in (MediaKind.BEFORE, MediaKind.AFTER)]
    before = [m for m in media if m.kind == MediaKind.BEFORE]
    after = [m for m in media if m.kind == MediaKind.AFTER]
    pages = [Page((m,)) for m in report]
    for i in range(max(len(before), len(after))):
        pair = tuple(m for m in (before[i] if i < len(before) else None,
                                 after[i] if i < len(after) else None) if m is not None)
        pages.append(Page(pair))
    return pages


class PhotoTile(QToolButton):
    """One thumbnail: "loading…", the image, or "unavailable" (why, in the tooltip)."""

    def __init__(self, media: Media, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.media = media
        self.caption = caption
        self.state = "loading"
        self.setObjectName("photoTile")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        self.setIconSize(THUMB)
        self.setFixedSize(THUMB.width() + 12, THUMB.height() + 30)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setText(f"{caption} · {_t('loading…')}")

    def set_image(self, image: QImage) -> None:
        self.state = "loaded"
        self.setIcon(QPixmap.fromImage(image.scaled(
            THUMB, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation)))
        self.setText(self.caption)

    def set_failed(self, message: str) -> None:
        self.state = "failed"
        self.setText(f"{self.caption} · {_t('unavailable')}")
        self.setToolTip(message)


class PhotoSection(QWidget):
    """The "Photos" section of the detail panel (hidden when the incident has none)."""

    sig_viewer_opened = Signal(object)
    """(PhotoViewer) — a viewer was opened (tests, screenshots)."""

    def __init__(self, console: ConsoleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.tiles: list[PhotoTile] = []
        self.pages: list[Page] = []
        self._shown: tuple[object, ...] = ()
        self._source: PhotoSource | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(section(_t("Photos")))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {theme.MUTED};")
        lay.addWidget(self.message)
        self.cards = QWidget()
        self.flow = FlowLayout(self.cards, spacing=8)
        lay.addWidget(self.cards)
        self.viewer: PhotoViewer | None = None
        self.setVisible(False)

    @property
    def source(self) -> PhotoSource | None:
        source = self.console.photos
        if source is not self._source:
            if self._source is not None:
                self._source.sig_loaded.disconnect(self._loaded)
                self._source.sig_failed.disconnect(self._failed)
            if source is not None:
                source.sig_loaded.connect(self._loaded)
                source.sig_failed.connect(self._failed)
            self._source = source
        return source

    def show_incident(self, inc: Incident | None) -> None:
        """Show ``inc``'s photos (rebuilt only when its list of photos or the source changed)."""
        media = inc.media if inc is not None else ()
        source = self.source
        shown = (source, *(f"{m.media_id}:{m.kind}" for m in media))
        self.setVisible(bool(media))
        if shown == self._shown:
            return
        self._shown = shown
        while self.flow.count():
            item = self.flow.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.tiles = []
        self.pages = pages_of(media)
        self.message.setVisible(source is None)
        self.message.setText(_t("Photos are unavailable: this console has no access to the "
                                "field gateway's photos (see Settings)."))
        for index, page in enumerate(self.pages):
            card = QFrame()
            card.setFrameShape(QFrame.Shape.StyledPanel)
            row = QHBoxLayout(card)
            row.setContentsMargins(4, 4, 4, 4)
            row.setSpacing(4)
            for m in page.photos:
                tile = PhotoTile(m, kind_name(m.kind), card)
                tile.setToolTip(self._describe(m))
                tile.clicked.connect(lambda _=False, i=index: self.open_viewer(i))
                row.addWidget(tile)
                self.tiles.append(tile)
            self.flow.addWidget(card)
        for tile in self.tiles:
            if source is None:
                tile.set_failed(_t("no photo source"))
            else:
                source.request(tile.media.media_id, tile.media.content_type, thumb=True)
        self.flow.invalidate()

    def _describe(self, m: Media) -> str:
        c = self.console
        return (f"{kind_name(m.kind)} · {labels.full_time(m.ts, c.tz)} · {m.operator} · "
                f"{m.width}×{m.height}")

    def _loaded(self, key: str, image: QImage) -> None:
        for tile in self.tiles:
            if photo_key(tile.media.media_id, True) == key:
                tile.set_image(image)

    def _failed(self, key: str, message: str) -> None:
        for tile in self.tiles:
            if photo_key(tile.media.media_id, True) == key:
                tile.set_failed(message)

    def open_viewer(self, index: int) -> PhotoViewer:
        """The viewer at page ``index`` (a pair shows side by side)."""
        if self.viewer is not None:
            self.viewer.close()
        self.viewer = PhotoViewer(self.pages, index, self.source, self.console, self.window())
        self.viewer.show()
        self.sig_viewer_opened.emit(self.viewer)
        return self.viewer


class PhotoViewer(QDialog):
    """Full-size photos, one page at a time (a before/after pair side by side); ←/→ or the
    buttons step, Escape closes."""

    def __init__(self, pages: list[Page], index: int, source: PhotoSource | None,
                 console: ConsoleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("photoViewer")
        self.pages = pages
        self.index = index
        self.source = source
        self.console = console
        self.setWindowTitle(_t("Photos"))
        self.resize(1100, 760)
        self.images: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        self.grid = QGridLayout()
        self.prev = QPushButton(_t("◀ Previous"))
        self.next = QPushButton(_t("Next ▶"))
        self.position = QLabel()
        self.position.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prev.clicked.connect(lambda: self.step(-1))
        self.next.clicked.connect(lambda: self.step(1))
        for key, delta in ((Qt.Key.Key_Left, -1), (Qt.Key.Key_Right, 1)):
            QShortcut(QKeySequence(key), self).activated.connect(
                lambda d=delta: self.step(d))
        bar = QHBoxLayout()
        bar.addWidget(self.prev)
        bar.addWidget(self.position, 1)
        bar.addWidget(self.next)
        lay = QVBoxLayout(self)
        lay.addLayout(self.grid, 1)
        lay.addLayout(bar)
        if source is not None:
            source.sig_loaded.connect(self._loaded)
            source.sig_failed.connect(self._failed)
        self.show_page()

    def step(self, delta: int) -> None:
        if self.pages:
            self.index = (self.index + delta) % len(self.pages)
            self.show_page()

    def show_page(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.images, self.captions = {}, {}
        page = self.pages[self.index] if self.pages else Page(())
        c = self.console
        for col, m in enumerate(page.photos):
            image = QLabel(_t("loading…"))
            image.setAlignment(Qt.AlignmentFlag.AlignCenter)
            image.setMinimumSize(320, 240)
            image.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            image.setStyleSheet("background: #1e293b; color: #e2e8f0;")
            caption = QLabel(f"<b>{kind_name(m.kind)}</b> · {labels.full_time(m.ts, c.tz)} · "
                             f"{m.operator} · {m.width}×{m.height}")
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.grid.addWidget(image, 0, col)
            self.grid.addWidget(caption, 1, col)
            self.grid.setColumnStretch(col, 1)
            self.images[m.media_id] = image
            self.captions[m.media_id] = caption
        self.grid.setRowStretch(0, 1)
        self.position.setText(_t("{0} of {1}").replace("{0}", str(self.index + 1))
                              .replace("{1}", str(len(self.pages))))
        self.prev.setEnabled(len(self.pages) > 1)
        self.next.setEnabled(len(self.pages) > 1)
        for m in page.photos:
            if self.source is None:
                self.images[m.media_id].setText(_t("unavailable"))
            else:
                self.source.request(m.media_id, m.content_type, thumb=False)

    def _loaded(self, key: str, image: QImage) -> None:
        label = self.images.get(key)
        if label is not None:
            label.setProperty("photo", image)
            label.setText("")
            self._fit(label)

    def _failed(self, key: str, message: str) -> None:
        label = self.images.get(key)
        if label is not None:
            label.setText(_t("unavailable: {0}").replace("{0}", message))

    def _fit(self, label: QLabel) -> None:
        image = label.property("photo")
        if isinstance(image, QImage) and not image.isNull():
            label.setPixmap(QPixmap.fromImage(image).scaled(
                label.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        for label in self.images.values():
            self._fit(label)

    def shown_ids(self) -> list[str]:
        """The ids of the photos on the page shown (tests)."""
        return list(self.images)
