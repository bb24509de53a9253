"""Writing one batch's changes inside its transaction: bulk inserts, then updates in log
order (an update never precedes the insert of its row in the log), then running totals."""

from __future__ import annotations

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
ORDER = (schema.ACCOUNTS, schema.WORKERS, schema.PAYMENTS, schema.PLACEMENTS, schema.ENROLLMENTS, schema.LINES)


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
    for (source, division, day), (appropriated, paid, reversed_) in sorted(batch.days.items()):
        add_to_running_totals(batch, source, division, day, (appropriated, paid, reversed_))


def add_to_running_totals(batch: Batch, source: str, division: str, day: str, delta: tuple[int, int, int]) -> None:
    """Add a day's money to the totals through that day and every later day of the
    account. A back-dated fact touches the account's later days; most facts are recent."""
    cur = batch.cur
    exists = cur.execute(
        f"SELECT 1 AS found FROM {schema.DAYS} WHERE source = ? AND division = ? AND day = ?",
        (source, division, day),
    ).fetchone()
    if exists is None:
        before = cur.execute(
            f"SELECT appropriated, paid, reversed FROM {schema.DAYS}"
            " WHERE source = ? AND division = ? AND day < ? ORDER BY day DESC LIMIT 1",
            (source, division, day),
        ).fetchone()
        carried = (0, 0, 0) if before is None else (before["appropriated"], before["paid"], before["reversed"])
        cur.execute(
            f"INSERT INTO {schema.DAYS} VALUES (?, ?, ?, ?, ?, ?)",
            (source, division, day, *carried),
        )
    cur.execute(
        f"UPDATE {schema.DAYS} SET appropriated = appropriated + ?, paid = paid + ?,"
        " reversed = reversed + ? WHERE source = ? AND division = ? AND day >= ?",
        (*delta, source, division, day),
    )
