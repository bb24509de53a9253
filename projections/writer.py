"""Writing one batch's changes inside its transaction: bulk inserts, then updates in log
order (an update never precedes the insert of its row in the log), then the money it
adds to each day, month and year of its accounts."""

from __future__ import annotations

from typing import Any

from projections import known, schema
from projections.changes import Batch

# Rows another row's look-up may need come first.
ORDER = (
    schema.ACCOUNTS,
    schema.WORKERS,
    schema.PAYMENTS,
    schema.PLACEMENTS,
    schema.ENROLLMENTS,
    schema.LINES,
    schema.ORGANISATIONS,
    schema.RECONCILIATIONS,
    schema.REQUESTS,
    schema.CLOSES,
)


def write(batch: Batch) -> None:
    cur = batch.cur
    surveyed_at_once(batch)
    for table in ORDER:
        # A plain INSERT: processing an event twice would fail loudly on the key
        # instead of counting its money twice.
        rows = batch.inserts.get(table, [])
        if rows:
            cur.insert_rows(table, getattr(type(rows[0]), "_fields"), rows)  # noqa: B009 - a NamedTuple
    for statement, params in batch.updates:
        cur.execute(statement, params)
    # Each worker's latest survey of the batch, where no later-dated one is stored: one
    # statement for the batch (a survey form of 30,000 rows is 30,000 of them).
    cur.executemany(
        f"UPDATE {schema.WORKERS} SET surveyed_on = ?, status = ?"
        " WHERE originator_id = ? AND (surveyed_on IS NULL OR surveyed_on <= ?)",
        [(day, status, worker, day) for worker, (day, status) in batch.surveys.items()],
    )
    cur.add_to_rows(schema.SUMS, PERIOD, MONEY, period_sums(batch.days))
    lines = batch.inserts.get(schema.LINES, [])
    known.write(cur, [line for line in lines if isinstance(line, schema.LineRow)])


def surveyed_at_once(batch: Batch) -> None:
    """A worker registered and surveyed in one batch (a survey form's rows) is inserted
    with its survey: one row written, where an update would leave a dead one behind."""
    rows = batch.inserts.get(schema.WORKERS)
    if not rows or not batch.surveys:
        return
    for index, row in enumerate(rows):
        if isinstance(row, schema.WorkerRow):
            survey = batch.surveys.pop(row.originator_id, None)
            if survey is not None:
                rows[index] = row._replace(surveyed_on=survey[0], status=survey[1])


PERIOD = ("source", "division", "grain", "period")
MONEY = ("appropriated", "paid", "reversed")


def period_sums(days: dict[tuple[str, str, str], list[int]]) -> list[tuple[Any, ...]]:
    """A batch's money by (account, day) → what it adds to each day, month and year row:
    one row each, however many events of the batch fall in it."""
    rows: list[tuple[Any, ...]] = []
    longer: dict[tuple[str, str, str, str], list[int]] = {}
    for (source, division, day), (appropriated, paid, reversed_) in days.items():
        rows.append((source, division, "day", day, appropriated, paid, reversed_))
        for key in ((source, division, "month", day[:7]), (source, division, "year", day[:4])):
            total = longer.get(key)
            if total is None:
                longer[key] = [appropriated, paid, reversed_]
            else:
                total[0] += appropriated
                total[1] += paid
                total[2] += reversed_
    rows.extend((*key, *total) for key, total in longer.items())
    return rows
