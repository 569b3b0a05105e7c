"""Process-wide tuning of the interpreter: the garbage collector and the C heap. Entry points
call these (the server once it is bound, the console once it shows its first snapshot);
library code never does, since they change the whole host process (a test that runs a server
in a thread would have its own heap frozen)."""

from __future__ import annotations

import ctypes
import gc
from contextlib import AbstractContextManager

from dispatch.adapters.collector import collector_paused as paused

GC_THRESHOLDS_LIVE = (2, 50)
"""Collections of the collector's middle and oldest generations, in units of the previous
one (Python's defaults: 10 and 10); see :func:`settle_long_lived_heap`."""


def freeze_long_lived() -> None:
    """Keep what is alive now (the city, the state: long-lived) out of the collector's full
    passes, which otherwise stall a loop for tens of milliseconds at city scale. Frozen
    objects are still freed when nothing refers to them."""
    gc.collect()
    gc.freeze()


def collect_middle_generation_often(thresholds: tuple[int, int] = GC_THRESHOLDS_LIVE) -> None:
    """Middle-generation passes every ``thresholds[0]`` young ones, full passes every
    ``thresholds[1]`` middle ones: a live feed makes thousands of records a second that
    outlive the young generation; small frequent passes instead of rare long ones."""
    gc.set_threshold(gc.get_threshold()[0], *thresholds)


def trim_c_heap() -> bool:
    """Hand the C heap's free pages back to the system (glibc ``malloc_trim``); False where
    there is no such call."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return False
    trim(0)
    return True


def settle_long_lived_heap(thresholds: tuple[int, int] = GC_THRESHOLDS_LIVE) -> None:
    """After start-up, when what is alive will live as long as the process: freeze it, tune
    the collector for a live feed, and give the pages freed since start-up back (the
    console's tuning once it shows its first snapshot)."""
    gc.freeze()
    collect_middle_generation_often(thresholds)
    trim_c_heap()


def collector_paused(*, freeze: bool = True) -> AbstractContextManager[None]:
    """The collector off while a city-sized state and its history are built (a replay's
    start state and window), then (``freeze``) what was built moved out of its sight, as it
    lives as long as the window (:func:`dispatch.adapters.collector.collector_paused`)."""
    return paused(freeze=freeze)
