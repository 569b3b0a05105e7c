"""Row helpers shared by the item models."""

from __future__ import annotations


def row_runs(rows: list[int], limit: int | None = None) -> list[tuple[int, int]]:
    """Runs of consecutive numbers of a sorted list, as (first, last) pairs: one
    ``beginRemoveRows``/``beginInsertRows`` per run instead of one per row. With ``limit``,
    more runs than that become one run from the first row to the last (a replay seek's
    thousands of scattered rows get one ``dataChanged`` over their span)."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            if len(runs) == limit:
                return [(rows[0], rows[-1])]
            runs.append((row, row))
    return runs
