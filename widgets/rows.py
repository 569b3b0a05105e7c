"""Row helpers shared by the item models."""

from __future__ import annotations


def row_runs(rows: list[int]) -> list[tuple[int, int]]:
    """Runs of consecutive numbers of a sorted list, as (first, last) pairs: one
    ``beginRemoveRows``/``beginInsertRows`` per run instead of one per row."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
