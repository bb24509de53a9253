"""Balances as the ledger knew them at an instant (`known_at`), without summing every line
recorded by then.

The statement lines are cut by log position into blocks of BLOCK positions. For each
block the read model keeps the money its lines add to each account's months and days
(`projection_known_sums`, grain 'month' or 'day') and the first and last recording
instants of its lines (`projection_known_blocks`). A question "known at K, through business
date D" is then:

- the blocks before the first one holding a line recorded after K — every line in them
  was known at K — read from their month sums (the months before D's month) and day sums
  (D's month up to D): rows bounded by accounts × blocks × the months each block touches,
  not by lines;
- plus, from the lines themselves, those recorded by K (and dated by D) in the remaining
  blocks that hold any line recorded by K: the positions of those blocks only, a range of
  the lines' primary key. Recording instants follow log positions but for the few
  milliseconds between a command's timestamp and its commit, so that is the block K falls
  in (rarely two); everything after it is skipped without a read.

When every line was recorded by K (an instant after the last), the answer is the period
sums' (accounts.py), as without K but for the accounts opened later.

Exact whatever the order of instants: a block is taken whole only when its last line was
recorded by K, and any block that might hold a line recorded by K is otherwise read line
by line. `tests/service/test_known_sums.py` holds it to the line-by-line sums."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, cast

from adapters.sql import SqlCursor
from projections import schema
from projections.changes import stamp

BLOCK = 20_000  # log positions per block
Totals = tuple[int, int, int]  # appropriated, paid, reversed (fen)
Account = tuple[str, str]
# A statement line's money by kind: (column, sign) into appropriated, paid, reversed.
COLUMNS = {"appropriation": (0, 1), "payment": (1, -1), "reversal": (2, 1)}
LINE_SUMS = (
    "COALESCE(SUM(CASE WHEN kind = 'appropriation' THEN amount ELSE 0 END), 0) AS appropriated,"
    " COALESCE(SUM(CASE WHEN kind = 'payment' THEN -amount ELSE 0 END), 0) AS paid,"
    " COALESCE(SUM(CASE WHEN kind = 'reversal' THEN amount ELSE 0 END), 0) AS reversed"
)


def block_of(position: int) -> str:
    """The block's key: fixed-width text, so that it compares as the number does."""
    return f"{position // BLOCK:012d}"


# Writing: what a batch's statement lines add.

KEYS = ("grain", "period", "source", "division", "block")
MONEY = ("appropriated", "paid", "reversed")


def known_sums(lines: Iterable[schema.LineRow]) -> list[tuple[Any, ...]]:
    """A batch's lines → what they add to each (grain, period, account, block) row."""
    found: dict[tuple[str, str, str, str, str], list[int]] = {}
    for line in lines:
        column, sign = COLUMNS[line.kind]
        block = block_of(line.position)
        for key in (
            ("month", line.day[:7], line.source, line.division, block),
            ("day", line.day, line.source, line.division, block),
        ):
            sums = found.get(key)
            if sums is None:
                sums = found[key] = [0, 0, 0]
            sums[column] += sign * line.amount
    return [(*key, *sums) for key, sums in found.items()]


def block_spans(lines: Iterable[schema.LineRow]) -> list[tuple[str, str, str]]:
    """A batch's lines → (block, first recorded, last recorded) of each block it touches."""
    found: dict[str, list[str]] = {}
    for line in lines:
        block = block_of(line.position)
        span = found.get(block)
        if span is None:
            found[block] = [line.recorded_at, line.recorded_at]
        else:
            span[0] = min(span[0], line.recorded_at)
            span[1] = max(span[1], line.recorded_at)
    return [(block, first, last) for block, (first, last) in found.items()]


def write(cur: SqlCursor, lines: list[schema.LineRow]) -> None:
    if not lines:
        return
    cur.add_to_rows(schema.KNOWN_SUMS, KEYS, MONEY, known_sums(lines))
    least, greatest = ("LEAST", "GREATEST") if cur.postgres else ("MIN", "MAX")
    table = schema.KNOWN_BLOCKS
    cur.executemany(
        f"INSERT INTO {table} (block, first_recorded, last_recorded) VALUES (?, ?, ?)"
        f" ON CONFLICT (block) DO UPDATE SET"
        f" first_recorded = {least}({table}.first_recorded, excluded.first_recorded),"
        f" last_recorded = {greatest}({table}.last_recorded, excluded.last_recorded)",
        block_spans(lines),
    )


# Reading.


class Cut:
    """Where known_at K cuts the blocks: sums for those before `whole_below` (None: every
    block), lines for positions from `lines_from` up to `lines_to` (empty when equal)."""

    def __init__(self, cur: SqlCursor, known_at: datetime) -> None:
        self.stamp = stamp(known_at)
        rows = cur.execute(
            f"SELECT block, first_recorded, last_recorded FROM {schema.KNOWN_BLOCKS} ORDER BY block"
        ).fetchall()
        self.whole_below: str | None = None
        self.lines_from = self.lines_to = 0
        for row in rows:
            if self.whole_below is None:
                if row["last_recorded"] <= self.stamp:
                    continue
                self.whole_below = row["block"]
                self.lines_from = int(row["block"]) * BLOCK
            if row["first_recorded"] <= self.stamp:
                self.lines_to = (int(row["block"]) + 1) * BLOCK

    @property
    def everything(self) -> bool:
        """Every line was recorded by K: the period sums answer alone, as without K."""
        return self.whole_below is None

    def block_filter(self) -> tuple[str, tuple[Any, ...]]:
        if self.whole_below is None:
            return "", ()
        return " AND block < ?", (self.whole_below,)


def _only(only: Account | None) -> tuple[str, tuple[Any, ...]]:
    return ("", ()) if only is None else (" AND source = ? AND division = ?", only)


Summed = tuple[str, str, str | None, Totals]  # source, division, month (if asked), money


def sums_rows(
    cur: SqlCursor, cut: Cut, as_of: date | None, only: Account | None, by_month: bool
) -> list[Summed]:
    """The whole blocks' money through `as_of`: by account (and month, if `by_month`)."""
    blocks, block_params = cut.block_filter()
    account, account_params = _only(only)
    group = "source, division" + (", period" if by_month else "")
    select = (
        f"SELECT {group}, SUM(appropriated) AS appropriated, SUM(paid) AS paid,"
        f" SUM(reversed) AS reversed FROM {schema.KNOWN_SUMS}"
    )
    where, params = "grain = 'month'", cast(tuple[Any, ...], ())
    if as_of is not None:
        where, params = "grain = 'month' AND period < ?", (as_of.isoformat()[:7],)
    rows = cur.execute(
        f"{select} WHERE {where}{blocks}{account} GROUP BY {group}",
        (*params, *block_params, *account_params),
    ).fetchall()
    found = [_summed(row, row["period"] if by_month else None) for row in rows]
    if as_of is not None:  # as_of's own month: its days up to as_of
        day = as_of.isoformat()
        month = day[:7]
        days = cur.execute(
            "SELECT source, division, SUM(appropriated) AS appropriated, SUM(paid) AS paid,"
            f" SUM(reversed) AS reversed FROM {schema.KNOWN_SUMS}"
            f" WHERE grain = 'day' AND period > ? AND period <= ?{blocks}{account}"
            " GROUP BY source, division",
            (month, day, *block_params, *account_params),
        ).fetchall()
        found += [_summed(row, month if by_month else None) for row in days]
    return found


def lines_rows(
    cur: SqlCursor, cut: Cut, as_of: date | None, only: Account | None, by_month: bool
) -> list[Summed]:
    """The lines recorded by K (and dated by `as_of`) in the blocks not taken whole."""
    if cut.lines_to <= cut.lines_from:
        return []
    account, account_params = _only(only)
    group = "source, division" + (", substr(day, 1, 7)" if by_month else "")
    select = "source, division" + (", substr(day, 1, 7) AS month" if by_month else "")
    sql = (
        f"SELECT {select}, {LINE_SUMS} FROM {schema.LINES}"
        f" WHERE position >= ? AND position < ? AND recorded_at <= ?{account}"
    )
    params: tuple[Any, ...] = (cut.lines_from, cut.lines_to, cut.stamp, *account_params)
    if as_of is not None:
        sql, params = sql + " AND day <= ?", (*params, as_of.isoformat())
    rows = cur.execute(f"{sql} GROUP BY {group}", params).fetchall()
    return [_summed(row, row["month"] if by_month else None) for row in rows]


def _summed(row: Any, month: str | None) -> Summed:
    return (
        row["source"],
        row["division"],
        month,
        (int(row["appropriated"]), int(row["paid"]), int(row["reversed"])),
    )


def add(found: dict[Any, list[int]], key: Any, money: Iterable[int]) -> None:
    """Add `money` (appropriated, paid, reversed) into `found[key]`, from zero if absent."""
    sums = found.get(key)
    if sums is None:
        sums = found[key] = [0, 0, 0]
    for i, amount in enumerate(money):
        sums[i] += amount


def known_figures(
    cur: SqlCursor, as_of: date | None, cut: Cut, only: Account | None = None
) -> dict[Account, Totals]:
    """Each account's money through `as_of` as known at the instant `cut` is of (accounts
    without a line known then are absent)."""
    found: dict[Account, list[int]] = {}
    for source, division, _, money in [
        *sums_rows(cur, cut, as_of, only, False),
        *lines_rows(cur, cut, as_of, only, False),
    ]:
        add(found, (source, division), money)
    return {account: (a, p, r) for account, (a, p, r) in found.items()}


def known_months(
    cur: SqlCursor,
    as_of: date | None,
    cut: Cut,
    within: Callable[[str], bool] | None,
) -> dict[tuple[str, str], list[int]]:
    """(source, month) → money through `as_of` as known at the instant `cut` is of, over
    the accounts `within` a scope."""
    found: dict[tuple[str, str], list[int]] = {}
    for source, division, month, money in [
        *sums_rows(cur, cut, as_of, None, True),
        *lines_rows(cur, cut, as_of, None, True),
    ]:
        if month is not None and (within is None or within(division)):
            add(found, (source, month), money)
    return found
