"""An account's statement (CONTRACT `…/statement`) a page at a time, and its year-end
figures.

Lines come in business-date order, then recording position; a page starts after a line
(the `after` position: the cursor the API hands out) and its opening balance is the
account's balance just before its first line — the balance through the day before that
line's day from the period sums, plus that day's earlier lines — so every page ties out
alone (opening + its amounts = closing) at any depth, without summing the pages before.

Each line names its payee (an organisation's name, or a worker's when the worker is paid
in person; never an ID number), the appropriation's document_ref (文号), the reversal's
reason, and a 摘要 that says what the line was.

A file of the whole statement reads its lines in chunks, each in a short read transaction
(a download to a slow client must not hold a transaction open), all at one snapshot: the
projections' position when the first chunk is read. A line recorded later has a higher
position, so no chunk shows it, and the file ties out as one picture of the account."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from adapters.sql import SqlCursor
from domain.errors import InvalidInput
from domain.policy.names import line_summary
from projections import schema
from projections.accounts import is_known, totals
from projections.changes import stamp
from projections.money import yuan


@dataclass(frozen=True)
class Span:
    """Which lines of which account: business dates from `first` through `last`, as the
    ledger knew them at `known_at`, recorded at or before position `snapshot`."""

    source: str
    division: str
    first: date | None
    last: date | None
    known_at: datetime | None = None
    snapshot: int | None = None


def span_of(
    source: str,
    division: str,
    from_: date | None,
    to: date | None,
    as_of: date | None,
    known_at: datetime | None,
) -> Span:
    # `as_of` is the last business date the ledger may speak of: it caps the range.
    last = min((d for d in (to, as_of) if d is not None), default=None)
    return Span(source, division, from_, last, known_at)


def balance_through(cur: SqlCursor, span: Span, day: date | None) -> int:
    """The account's balance (fen) at the end of `day`; 0 before anything (day None)."""
    if day is None:
        return 0
    appropriated, paid, reversed_ = totals(cur, span.source, span.division, day, span.known_at)
    return appropriated - paid + reversed_


def opening_of(cur: SqlCursor, span: Span, after: int | None) -> tuple[int, tuple[str, int] | None]:
    """The balance before the page that starts after line `after` (or at the span's first
    date), and that line's (day, position) key to read on from."""
    if after is None:
        first = span.first
        return balance_through(cur, span, None if first is None else first - timedelta(1)), None
    day = cursor_day(cur, span, after)
    earlier = balance_through(cur, span, date.fromisoformat(day) - timedelta(1))
    sql = (
        f"SELECT COALESCE(SUM(amount), 0) AS amount FROM {schema.LINES}"
        " WHERE source = ? AND division = ? AND day = ? AND position <= ?"
    )
    params: tuple[Any, ...] = (span.source, span.division, day, after)
    if span.known_at is not None:
        sql, params = sql + " AND recorded_at <= ?", (*params, stamp(span.known_at))
    return earlier + int(cur.execute(sql, params).fetchone()["amount"]), (day, after)


def cursor_day(cur: SqlCursor, span: Span, after: int) -> str:
    """The business date of the line a cursor names; a cursor that names no line of this
    statement (another account, outside the dates, unknown at `known_at`) is refused."""
    row = cur.execute(
        f"SELECT source, division, day, recorded_at FROM {schema.LINES} WHERE position = ?",
        (after,),
    ).fetchone()
    if (
        row is None
        or (row["source"], row["division"]) != (span.source, span.division)
        or (span.first is not None and row["day"] < span.first.isoformat())
        or (span.last is not None and row["day"] > span.last.isoformat())
        or (span.known_at is not None and row["recorded_at"] > stamp(span.known_at))
    ):
        raise InvalidInput("cursor", "does not name a line of this statement")
    return str(row["day"])


NAMED_LINES = (
    "SELECT l.*, COALESCE(o.name, w.name) AS payee_name"
    f" FROM {schema.LINES} AS l"
    f" LEFT JOIN {schema.ORGANISATIONS} AS o ON o.org_id = l.payee_id"
    # A worker is the payee only when paid in person (payee_id is the worker's own id) and
    # no organisation holds that id: the payment's own reading of payee_id.
    f" LEFT JOIN {schema.WORKERS} AS w ON w.worker_id = l.payee_id"
    " AND l.payee_id = l.worker_id"
)


def line_rows(
    cur: SqlCursor, span: Span, start: tuple[str, int] | None, limit: int | None
) -> list[Any]:
    """The span's lines after the `start` key, in statement order, at most `limit`."""
    where, span_params = span_where(span)
    sql = f"{NAMED_LINES} WHERE {where}"
    params: list[Any] = list(span_params)
    if start is not None:
        sql += " AND (l.day > ? OR (l.day = ? AND l.position > ?))"
        params += [start[0], start[0], start[1]]
    sql += " ORDER BY l.day, l.position"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return cur.execute(sql, params).fetchall()


def span_filters(span: Span) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    if span.first is not None:
        found.append(("l.day >= ?", span.first.isoformat()))
    if span.last is not None:
        found.append(("l.day <= ?", span.last.isoformat()))
    if span.known_at is not None:
        found.append(("l.recorded_at <= ?", stamp(span.known_at)))
    if span.snapshot is not None:
        found.append(("l.position <= ?", span.snapshot))
    return found


def line(row: Any, balance: int) -> dict[str, Any]:
    """One statement line as the API answers it: the contract's keys, then what issue 12
    added (payee_name, document_ref, reason, summary)."""
    kind, note = row["kind"], row["note"]
    return {
        "date": row["day"],
        "kind": kind,
        "rule": row["rule"],
        "payee_id": row["payee_id"],
        "worker_id": row["worker_id"],
        "amount": yuan(int(row["amount"])),
        "balance": yuan(balance),
        "position": int(row["position"]),
        "reference": row["ref"],
        "recorded_at": row["recorded_at"],
        "payee_name": row["payee_name"],
        "document_ref": note if kind == "appropriation" else None,
        "reason": note if kind == "reversal" else None,
        "summary": line_summary(kind, row["rule"], note),
    }


def header(span: Span, opening: int) -> dict[str, Any]:
    return {
        "source": span.source,
        "division": span.division,
        "from": None if span.first is None else span.first.isoformat(),
        "to": None if span.last is None else span.last.isoformat(),
        "known_at": None if span.known_at is None else stamp(span.known_at),
        "opening_balance": yuan(opening),
    }


def statement_page(
    cur: SqlCursor, span: Span, after: int | None, limit: int | None
) -> dict[str, Any] | None:
    """The page of at most `limit` lines after line `after` (all lines: limit None), with
    its opening and closing balances and the position to go on after (`next_after`)."""
    if not is_known(cur, span.source, span.division, span.known_at):
        return None
    opening, start = opening_of(cur, span, after)
    rows = line_rows(cur, span, start, None if limit is None else limit + 1)
    more = limit is not None and len(rows) > limit
    balance, lines = opening, []
    for row in rows[:limit]:
        balance += int(row["amount"])
        lines.append(line(row, balance))
    return {
        **header(span, opening),
        "lines": lines,
        "closing_balance": yuan(balance),
        "next_after": lines[-1]["position"] if more else None,
    }


def screen(cur: SqlCursor, span: Span, after: int | None, limit: int) -> dict[str, Any] | None:
    """The console's page: `statement_page` (the API's cursor page, `limit` lines after
    line `after`) with what a reader of one screen also wants — the statement's own
    opening and closing balances (period sums), how many lines it holds and how many come
    before this page (counts of an index range), and the cursor of the page before
    (`previous_after`; None with `has_previous`: the first page). No line before the page
    is read, however deep the page."""
    page = statement_page(cur, span, after, limit)
    if page is None:
        return None
    where, params = span_where(span)
    count = cur.execute(f"SELECT COUNT(*) AS n FROM {schema.LINES} AS l WHERE {where}", params)
    total = int(count.fetchone()["n"])
    before, previous = 0, None
    if after is not None:
        day = cursor_day(cur, span, after)
        up_to = " AND (l.day < ? OR (l.day = ? AND l.position <= ?))"
        earlier = (*params, day, day, after)
        before = int(
            cur.execute(
                f"SELECT COUNT(*) AS n FROM {schema.LINES} AS l WHERE {where}{up_to}", earlier
            ).fetchone()["n"]
        )
        found = cur.execute(
            f"SELECT l.position FROM {schema.LINES} AS l WHERE {where}{up_to}"
            f" ORDER BY l.day DESC, l.position DESC LIMIT 1 OFFSET {int(limit)}",
            earlier,
        ).fetchone()
        previous = None if found is None else int(found["position"])
    last = span.last
    closing = totals(cur, span.source, span.division, last, span.known_at)
    opening = page["opening_balance"]  # the first page opens where the statement does
    if after is not None:
        first = span.first
        opening = yuan(balance_through(cur, span, None if first is None else first - timedelta(1)))
    return {
        **page,
        "page_opening_balance": page["opening_balance"],
        "opening_balance": opening,
        "closing_balance": yuan(closing[0] - closing[1] + closing[2]),
        "page_closing_balance": page["closing_balance"],
        "count": total,
        "before": before,
        "has_previous": after is not None,
        "previous_after": previous,
    }


def span_where(span: Span) -> tuple[str, tuple[Any, ...]]:
    """The span's lines as a WHERE clause on `l`: an index range of (account, day)."""
    filters = span_filters(span)
    where = " AND ".join(["l.source = ? AND l.division = ?", *(c for c, _ in filters)])
    return where, (span.source, span.division, *(v for _, v in filters))


CHUNK_LINES = 2_000  # lines per read transaction of a file: about 1 MB of rows


def statement_start(cur: SqlCursor, span: Span, snapshot: int) -> dict[str, Any] | None:
    """A whole statement's head for a file: its span pinned at `snapshot` (the projections'
    position in this same transaction) and its opening balance."""
    if not is_known(cur, span.source, span.division, span.known_at):
        return None
    opening, _ = opening_of(cur, span, None)
    return {**header(span, opening), "span": pinned(span, snapshot), "opening": opening}


def pinned(span: Span, snapshot: int) -> Span:
    return Span(span.source, span.division, span.first, span.last, span.known_at, snapshot)


def chunked_lines(read: Any, span: Span, opening: int) -> Iterator[dict[str, Any]]:
    """Every line of a pinned span with its running balance, CHUNK_LINES per call of
    `read(function, *args)` — one short transaction each."""
    balance, start = opening, None
    while True:
        rows = read(line_rows, span, start, CHUNK_LINES)
        for row in rows:
            balance += int(row["amount"])
            yield line(row, balance)
        if len(rows) < CHUNK_LINES:
            return
        start = (rows[-1]["day"], int(rows[-1]["position"]))
