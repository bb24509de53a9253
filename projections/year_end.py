"""The year-end statement of an account (年度收支表): for a calendar year, the balance
brought forward on 1 January, what was appropriated (拨入), paid (支出) and returned by
reversal (冲回) in each month and in the year, and the balance carried forward on 31
December — the figures a finance bureau closes its year with (R23 closes a fiscal year).

A year is a calendar year, as R18 counts one (the calendar year of the business date).
Without `known_at` the months come from the period sums (12 indexed rows); with it, from
the lines recorded by then, grouped by month."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from adapters.sql import SqlCursor
from projections import schema
from projections.accounts import LINE_SUMS, figures, is_known, totals
from projections.changes import stamp
from projections.money import yuan

MONTHS = 12
Totals = tuple[int, int, int]


def month_figures(
    cur: SqlCursor, source: str, division: str, year: int, known_at: datetime | None
) -> dict[str, Totals]:
    """Appropriated, paid, reversed (fen) by month `YYYY-MM`, months with money only."""
    if known_at is None:
        rows = cur.execute(
            f"SELECT period AS month, appropriated, paid, reversed FROM {schema.SUMS}"
            " WHERE source = ? AND division = ? AND grain = 'month' AND period >= ? AND period <= ?",
            (source, division, f"{year:04d}-01", f"{year:04d}-12"),
        ).fetchall()
    else:
        rows = cur.execute(
            f"SELECT substr(day, 1, 7) AS month, {LINE_SUMS} FROM {schema.LINES}"
            " WHERE source = ? AND division = ? AND day >= ? AND day <= ? AND recorded_at <= ?"
            " GROUP BY substr(day, 1, 7)",
            (source, division, f"{year:04d}-01-01", f"{year:04d}-12-31", stamp(known_at)),
        ).fetchall()
    return {str(row["month"]): figures(row) for row in rows}


def period_row(label: str, opening: int, amounts: Totals) -> dict[str, Any]:
    appropriated, paid, reversed_ = amounts
    return {
        "period": label,
        "opening_balance": yuan(opening),
        "appropriated": yuan(appropriated),
        "paid": yuan(paid),
        "reversed": yuan(reversed_),
        "closing_balance": yuan(opening + appropriated - paid + reversed_),
    }


def year_end(
    cur: SqlCursor, source: str, division: str, year: int, known_at: datetime | None
) -> dict[str, Any] | None:
    """The year's figures and its twelve months (each month's opening is the month
    before's closing); None for an account the ledger did not know."""
    if not is_known(cur, source, division, known_at):
        return None
    appropriated, paid, reversed_ = totals(cur, source, division, date(year - 1, 12, 31), known_at)
    opening = balance = appropriated - paid + reversed_
    by_month = month_figures(cur, source, division, year, known_at)
    months, sums = [], [0, 0, 0]
    for number in range(1, MONTHS + 1):
        label = f"{year:04d}-{number:02d}"
        amounts = by_month.get(label, (0, 0, 0))
        row = period_row(label, balance, amounts)
        months.append(row)
        balance += amounts[0] - amounts[1] + amounts[2]
        sums = [total + amount for total, amount in zip(sums, amounts, strict=True)]
    year_row = period_row(f"{year:04d}", opening, (sums[0], sums[1], sums[2]))
    return {
        "source": source,
        "division": division,
        "year": year,
        "known_at": None if known_at is None else stamp(known_at),
        **{key: value for key, value in year_row.items() if key != "period"},
        "months": months,
    }
