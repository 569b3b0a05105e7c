"""The batching stages of the state feed, from a stored change to the map, in one place, with
the latency budget they add up to. Every stage batches to spend its thread's time on work
rather than on wake-ups; each constant below is the one its stage uses.

| stage | where | constant | a change waits at most |
|---|---|---|---|
| 1. publish a committed batch's records, a slice at a time between two looks at the command socket | ``dispatch/adapters/server/server.py``, ``outbox.py`` | :data:`PUBLISH_SLICE_S`, :data:`SLICE_RECORDS` | the slices before it (smallest outbox first) |
| 2. heartbeat status records (gap detection) | ``dispatch/adapters/server/feed.py`` | :data:`STATUS_MIN_GAP_S` | — (not on the data path) |
| 3. the mirror applies each update as it arrives | ``dispatch/adapters/client/mirror.py`` | — | — |
| 4. the console's feed worker hands the GUI thread one batch per interval | ``console/network.py`` | :data:`FEED_BATCH_MS` | 250 ms |
| 5. the GUI thread notifies the models in slices of about a few milliseconds of work | ``console/session.py`` | :data:`GUI_SLICE_BUDGET_S`, :data:`GUI_SLICE_MIN`, :data:`GUI_SLICE_MAX` | one event-loop turn per slice |
| 6. the map writes the page's changes once per interval | ``maps/view.py`` | :data:`MAP_FLUSH_MS` | 250 ms |

Budget: a field report reaches a console's mirror with p99 < 100 ms under city load
(``bench/bench_end_to_end.py``; stages 1 and 3); the queue and the detail panel show it at
most :data:`FEED_BATCH_MS` later, the map at most :data:`MAP_FLUSH_MS` after that: about
0.6 s from the field to the map in the worst case. The GUI's own response to an operator
stays under 50 ms at p99 meanwhile (``bench/bench_console_live.py``), which is what the
slices of stage 5 are for.
"""

from __future__ import annotations

PUBLISH_SLICE_S = 0.004
"""Server: publishing between two looks at the command socket (a command waiting goes first)."""
SLICE_RECORDS = 64
"""Server: records published at a time (then sent back to back: see ``FeedPublisher``)."""
STATUS_MIN_GAP_S = 0.05
"""Server: status records at most this often (HUGZ may come more often)."""
FEED_BATCH_MS = 250
"""Console: the feed worker hands the GUI thread one batch per this many milliseconds."""
GUI_SLICE_BUDGET_S = 0.004
"""Console: GUI-thread time one slice of unit notifications aims at."""
GUI_SLICE_MIN, GUI_SLICE_MAX = 100, 5000
"""Console: bounds of a slice (unit ids), whatever the measured cost per unit."""
MAP_FLUSH_MS = 250
"""Map: changes are written to the page once per this many milliseconds."""
