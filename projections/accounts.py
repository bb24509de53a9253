"""Balances and statements (CONTRACT `GET /v1/accounts`, `…/statement`), bitemporal.

`as_of` alone reads the period sums: through 2019-06-15 is the years before 2019, the
months of 2019 before June and the days of June up to the 15th — a few dozen indexed
rows per account, whatever the history's length. `known_at` must leave out what was
recorded later, so it sums the account's lines recorded by then (an index range on
(account, recorded_at)); an audit question, not the hot path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from adapters.sql import SqlCursor
from projections import schema
from projections.changes import stamp
from projections.money import yuan

Totals = tuple[int, int, int]  # appropriated, paid, reversed (fen)

LINE_SUMS = (
    "COALESCE(SUM(CASE WHEN kind = 'appropriation' THEN amount ELSE 0 END), 0) AS appropriated,"
    " COALESCE(SUM(CASE WHEN kind = 'payment' THEN -amount ELSE 0 END), 0) AS paid,"
    " COALESCE(SUM(CASE WHEN kind = 'reversal' THEN amount ELSE 0 END), 0) AS reversed"
)


def account_row(source: str, division: str, totals: Totals) -> dict[str, Any]:
    appropriated, paid, reversed_ = totals
    return {
        "source": source,
        "division": division,
        "appropriated": yuan(appropriated),
        "paid": yuan(paid),
        "reversed": yuan(reversed_),
        "balance": yuan(appropriated - paid + reversed_),
    }


def known_accounts(cur: SqlCursor, known_at: datetime | None) -> list[tuple[str, str]]:
    sql = f"SELECT source, division FROM {schema.ACCOUNTS}"
    params: tuple[Any, ...] = ()
    if known_at is not None:
        sql, params = sql + " WHERE recorded_at <= ?", (stamp(known_at),)
    rows = cur.execute(sql + " ORDER BY source, division", params).fetchall()
    return [(r["source"], r["division"]) for r in rows]


def is_known(cur: SqlCursor, source: str, division: str, known_at: datetime | None) -> bool:
    row = cur.execute(
        f"SELECT recorded_at FROM {schema.ACCOUNTS} WHERE source = ? AND division = ?",
        (source, division),
    ).fetchone()
    return row is not None and (known_at is None or row["recorded_at"] <= stamp(known_at))


def periods_through(as_of: date | None) -> tuple[str, tuple[str, ...]]:
    """The period rows (`s`, the sums) that add up to account `a`'s figures through
    `as_of`: ISO text compares as dates, and a year or month sorts before its parts. Each
    branch names the whole key, so both stores read it as three index ranges."""
    of = "s.source = a.source AND s.division = a.division AND"
    if as_of is None:
        return f"{of} s.grain = 'year'", ()
    day = as_of.isoformat()
    month, year = day[:7], day[:4]
    return (
        f"({of} s.grain = 'year' AND s.period < ?)"
        f" OR ({of} s.grain = 'month' AND s.period > ? AND s.period < ?)"
        f" OR ({of} s.grain = 'day' AND s.period > ? AND s.period <= ?)",
        (year, year, month, month, day),
    )


def figures(row: Any) -> Totals:
    return (int(row["appropriated"]), int(row["paid"]), int(row["reversed"]))


def running_accounts(
    cur: SqlCursor, as_of: date | None, only: tuple[str, str] | None = None
) -> list[tuple[str, str, Totals]]:
    """Every account's figures (or `only` one's) through `as_of`, in one query."""
    periods, params = periods_through(as_of)
    sql = (
        f"SELECT a.source, a.division, COALESCE(SUM(s.appropriated), 0) AS appropriated,"
        " COALESCE(SUM(s.paid), 0) AS paid, COALESCE(SUM(s.reversed), 0) AS reversed"
        f" FROM {schema.ACCOUNTS} AS a LEFT JOIN {schema.SUMS} AS s ON {periods}"
    )
    if only is not None:
        sql, params = sql + " WHERE a.source = ? AND a.division = ?", (*params, *only)
    sql += " GROUP BY a.source, a.division ORDER BY a.source, a.division"
    return [(r["source"], r["division"], figures(r)) for r in cur.execute(sql, params).fetchall()]


def running_totals(cur: SqlCursor, source: str, division: str, as_of: date | None) -> Totals:
    found = running_accounts(cur, as_of, (source, division))
    return found[0][2] if found else (0, 0, 0)


def known_totals(
    cur: SqlCursor, source: str, division: str, through: date | None, known_at: datetime
) -> Totals:
    sql = f"SELECT {LINE_SUMS} FROM {schema.LINES} WHERE source = ? AND division = ? AND recorded_at <= ?"
    params: tuple[Any, ...] = (source, division, stamp(known_at))
    if through is not None:
        sql, params = sql + " AND day <= ?", (*params, through.isoformat())
    return figures(cur.execute(sql, params).fetchone())


def totals(
    cur: SqlCursor, source: str, division: str, through: date | None, known_at: datetime | None
) -> Totals:
    if known_at is None:
        return running_totals(cur, source, division, through)
    return known_totals(cur, source, division, through, known_at)


def accounts(
    cur: SqlCursor,
    as_of: date | None,
    known_at: datetime | None,
    within: Callable[[str], bool] | None,
) -> list[dict[str, Any]]:
    """Every account the ledger knew (by `known_at`), its figures through `as_of`."""
    if known_at is None:
        found = running_accounts(cur, as_of)
    else:
        found = [
            (source, division, known_totals(cur, source, division, as_of, known_at))
            for source, division in known_accounts(cur, known_at)
        ]
    return [
        account_row(source, division, amounts)
        for source, division, amounts in found
        if within is None or within(division)
    ]
