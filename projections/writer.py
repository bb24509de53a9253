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
    by_account: dict[tuple[str, str], dict[str, list[int]]] = {}
    for (source, division, day), delta in batch.days.items():
        by_account.setdefault((source, division), {})[day] = delta
    for (source, division), days in sorted(by_account.items()):
        add_to_running_totals(batch, source, division, days)


CARRY = (
    f"INSERT INTO {schema.DAYS} (source, division, day, appropriated, paid, reversed)"
    " SELECT ?, ?, ?, COALESCE(before.appropriated, 0), COALESCE(before.paid, 0),"
    " COALESCE(before.reversed, 0) FROM (SELECT 1 AS one) AS anchor LEFT JOIN"
    f" (SELECT appropriated, paid, reversed FROM {schema.DAYS}"
    "  WHERE source = ? AND division = ? AND day < ? ORDER BY day DESC LIMIT 1) AS before"
    " ON 1 = 1 WHERE 1 = 1"  # SQLite needs a WHERE before ON CONFLICT after a SELECT
    " ON CONFLICT (source, division, day) DO NOTHING"
)


def add_to_running_totals(
    batch: Batch, source: str, division: str, days: dict[str, list[int]]
) -> None:
    """Add a batch's money by day to the account's totals through every later day.

    Each day row is rewritten at most once per batch, not once per event: a back-dated
    fact touches every later day of its account, and on PostgreSQL each rewrite is a
    new row version."""
    cur = batch.cur
    ordered = sorted(days)
    # New days start from the totals of the day before them, as they were before this batch.
    cur.executemany(CARRY, [(source, division, day, source, division, day) for day in ordered])
    running = [0, 0, 0]
    cumulative: list[tuple[str, int, int, int]] = []
    for day in ordered:
        running = [total + change for total, change in zip(running, days[day], strict=True)]
        cumulative.append((day, running[0], running[1], running[2]))
    values = ", ".join("(?, ?, ?, ?)" for _ in cumulative)
    latest = "(SELECT {0} FROM deltas WHERE deltas.day <= {1}.day ORDER BY deltas.day DESC LIMIT 1)"
    cur.execute(
        f"WITH deltas (day, appropriated, paid, reversed) AS (VALUES {values})"
        f" UPDATE {schema.DAYS} SET"
        f" appropriated = appropriated + {latest.format('appropriated', schema.DAYS)},"
        f" paid = paid + {latest.format('paid', schema.DAYS)},"
        f" reversed = reversed + {latest.format('reversed', schema.DAYS)}"
        " WHERE source = ? AND division = ? AND day >= ?",
        (*(v for row in cumulative for v in row), source, division, ordered[0]),
    )
