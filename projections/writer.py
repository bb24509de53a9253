"""Writing one batch's changes inside its transaction: bulk inserts, then updates in log
order (an update never precedes the insert of its row in the log), then the money it
adds to each day, month and year of its accounts."""

from __future__ import annotations

from typing import Any

from projections import schema
from projections.changes import Batch

COLUMNS = {
    schema.ACCOUNTS: 5,
    schema.LINES: 11,
    schema.PAYMENTS: 19,
    schema.WORKERS: 4,
    schema.PLACEMENTS: 11,
    schema.ENROLLMENTS: 11,
}
# Rows another row's look-up may need come first.
ORDER = (
    schema.ACCOUNTS,
    schema.WORKERS,
    schema.PAYMENTS,
    schema.PLACEMENTS,
    schema.ENROLLMENTS,
    schema.LINES,
)


def write(batch: Batch) -> None:
    cur = batch.cur
    for table in ORDER:
        rows = batch.inserts.get(table)
        if rows:
            marks = ", ".join("?" * COLUMNS[table])
            # A plain INSERT: processing an event twice would fail loudly on the key
            # instead of counting its money twice.
            cur.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    for statement, params in batch.updates:
        cur.execute(statement, params)
    cur.executemany(ADD_TO_SUMS, period_sums(batch.days))


ADD_TO_SUMS = (
    f"INSERT INTO {schema.SUMS} (source, division, grain, period, appropriated, paid, reversed)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, division, grain, period) DO UPDATE SET"
    f" appropriated = {schema.SUMS}.appropriated + excluded.appropriated,"
    f" paid = {schema.SUMS}.paid + excluded.paid,"
    f" reversed = {schema.SUMS}.reversed + excluded.reversed"
)
GRAINS = (("day", 10), ("month", 7), ("year", 4))  # how much of an ISO date names the period


def period_sums(days: dict[tuple[str, str, str], list[int]]) -> list[tuple[Any, ...]]:
    """A batch's money by (account, day) → what it adds to each day, month and year row:
    one row each, however many events of the batch fall in it."""
    sums: dict[tuple[str, str, str, str], list[int]] = {}
    for (source, division, day), change in days.items():
        for grain, length in GRAINS:
            total = sums.setdefault((source, division, grain, day[:length]), [0, 0, 0])
            total[0] += change[0]
            total[1] += change[1]
            total[2] += change[2]
    return [(*key, *total) for key, total in sorted(sums.items())]
