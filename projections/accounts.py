"""Balances and statements (CONTRACT `GET /v1/accounts`, `…/statement`), bitemporal.

`as_of` alone reads the period sums: through 2019-06-15 is the years before 2019, the
months of 2019 before June and the days of June up to the 15th — a few dozen indexed
rows per account, whatever the history's length. `known_at` must leave out what was
recorded later: it reads the sums of the blocks of the log recorded wholly by then and
the lines of the block it falls in (known.py), not every line recorded by then."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from adapters.sql import SqlCursor
from projections import known, schema
from projections.changes import stamp
from projections.money import yuan

Totals = tuple[int, int, int]  # appropriated, paid, reversed (fen)

LINE_SUMS = known.LINE_SUMS  # the lines' money by kind, as SQL sums


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
    cut = known.Cut(cur, known_at)
    if cut.everything:  # every line was known by then: the period sums
        return running_totals(cur, source, division, through)
    found = known.known_figures(cur, through, cut, (source, division))
    return found.get((source, division), (0, 0, 0))


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
        cut = known.Cut(cur, known_at)
        if cut.everything:  # every line was known by then
            money = {(s, d): amounts for s, d, amounts in running_accounts(cur, as_of)}
        else:
            money = known.known_figures(cur, as_of, cut)
        found = [
            (source, division, money.get((source, division), (0, 0, 0)))
            for source, division in known_accounts(cur, known_at)
        ]
    return [
        account_row(source, division, amounts)
        for source, division, amounts in found
        if within is None or within(division)
    ]


def monthly(
    cur: SqlCursor,
    as_of: date | None,
    known_at: datetime | None,
    within: Callable[[str], bool] | None,
) -> list[dict[str, Any]]:
    """Money in and out per source and month, over the accounts `within` a scope, through
    `as_of` (its month counted to that day) and as known at `known_at`: the month sums
    without `known_at` (one row per account and month), known.py's block sums with it."""
    found: dict[tuple[str, str], list[int]] = {}
    cut = None if known_at is None else known.Cut(cur, known_at)
    if cut is not None and not cut.everything:
        found = known.known_months(cur, as_of, cut, within)
    else:  # the month sums: nothing recorded after `known_at` (if any) to leave out
        sql = f"SELECT source, division, period AS month, appropriated, paid, reversed FROM {schema.SUMS} WHERE grain = 'month'"
        params: tuple[Any, ...] = ()
        if as_of is not None:
            sql, params = sql + " AND period <= ?", (as_of.isoformat()[:7],)
        for row in cur.execute(sql, params).fetchall():
            if within is None or within(row["division"]):
                known.add(found, (row["source"], row["month"]), figures(row))
        if as_of is not None:
            _cap_last_month(cur, found, as_of, within)
    return [
        {
            "source": source,
            "month": month,
            "appropriated": yuan(a),
            "paid": yuan(p),
            "reversed": yuan(r),
        }
        for (source, month), (a, p, r) in sorted(found.items())
    ]


def _cap_last_month(
    cur: SqlCursor,
    found: dict[tuple[str, str], list[int]],
    as_of: date,
    within: Callable[[str], bool] | None,
) -> None:
    """`as_of`'s own month holds only its days up to `as_of`: the month row is replaced
    by that month's day rows."""
    month = as_of.isoformat()[:7]
    for key in [key for key in found if key[1] == month]:
        del found[key]
    rows = cur.execute(
        f"SELECT source, division, appropriated, paid, reversed FROM {schema.SUMS}"
        " WHERE grain = 'day' AND period > ? AND period <= ?",
        (month, as_of.isoformat()),
    ).fetchall()
    for row in rows:
        if within is None or within(row["division"]):
            known.add(found, (row["source"], month), figures(row))
