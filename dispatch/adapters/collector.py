"""The cyclic garbage collector paused while a large batch of acyclic records is built.

Decoding or replaying a city-sized state makes hundreds of thousands of records; the
collector's passes over them meanwhile double the cost. The records hold no reference
cycles, so reference counting frees them; the collector is turned back on afterwards (and,
with ``freeze``, what was built is moved out of its sight, for a state that lives as long as
a window). Process-wide: used around a bounded piece of work only.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, freeze: bool = False) -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was:
            gc.enable()
