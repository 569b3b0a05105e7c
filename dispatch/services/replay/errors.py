"""The error of replay."""

from __future__ import annotations


class ReplayError(ValueError):
    """A replay window or request that cannot be served; the message says why."""
