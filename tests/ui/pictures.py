"""What a rendered picture holds, for tests that check a window or panel shows something.

A panel that failed to build, lost its model or shows no rows renders as a few flat areas; one
that shows its data has text (anti-aliased glyphs: many shades), chips and grid lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    colours: int
    """Distinct RGB colours."""
    dominant: float
    """Share of the pixels in the commonest colour (1.0: one flat colour)."""
    spread: float
    """Standard deviation of the pixels' grey levels (0: one flat colour)."""


def pixels(image: QImage) -> np.ndarray:
    """The image's pixels as an (height, width, 3) RGB array."""
    img = image.convertToFormat(QImage.Format.Format_RGB32)
    w, h = img.width(), img.height()
    raw = np.frombuffer(img.constBits(), np.uint8, count=img.sizeInBytes())
    bgra = raw.reshape(h, img.bytesPerLine())[:, : w * 4].reshape(h, w, 4)
    return bgra[..., 2::-1]


def picture(image: QImage, rect: QRect | None = None) -> Picture:
    """The figures of ``image`` (or of its ``rect``)."""
    assert not image.isNull()
    if rect is not None:
        image = image.copy(rect)
    px = pixels(image).astype(np.uint32)
    packed = (px[..., 0] << 16) | (px[..., 1] << 8) | px[..., 2]
    _, counts = np.unique(packed, return_counts=True)
    grey = px.mean(axis=2)
    return Picture(image.width(), image.height(), len(counts),
                   float(counts.max()) / packed.size, float(grey.std()))


def assert_shows_something(image: QImage, rect: QRect | None = None, *, colours: int = 16,
                           dominant: float = 0.97, spread: float = 4.0) -> Picture:
    """Assert that ``image`` (or its ``rect``) is not blank: enough distinct colours, no
    single colour covering nearly all of it, and a spread of grey levels."""
    p = picture(image, rect)
    assert p.colours >= colours, p
    assert p.dominant <= dominant, p
    assert p.spread >= spread, p
    return p
