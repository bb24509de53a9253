"""What each recorded event changes in the read models, gathered for one batch.

Pure bookkeeping: rows to insert, rows to update and per-day money deltas. Each handler
gets the event's fields as `decoding.Decoder` reads them: instants as `stamp` text, dates
as ISO text, amounts as Decimal, ids as text.

Look-ups of earlier facts (which account an account event belongs to, which worker a
worker event) go to the batch first, then to a process-wide cache, then to the tables
inside the batch's own transaction — the mappings are immutable facts of the log, so a
cached one is never wrong, even across a rolled-back batch or a rebuild."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from adapters.sql import SqlCursor
from domain.policy.placement import is_cross_region
from projections import schema
from projections.money import to_fen

Row = tuple[Any, ...]
MAX_CACHED = 500_000


def stamp(instant: datetime) -> str:
    """A fixed-width UTC instant: compares as text exactly as in time."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass
class Caches:
    accounts: dict[str, tuple[str, str]] = field(default_factory=dict)
    workers: dict[str, tuple[str, str]] = field(default_factory=dict)

    def remember(self, table: dict[str, tuple[str, str]], key: str, value: tuple[str, str]) -> None:
        if len(table) >= MAX_CACHED:
            table.clear()
        table[key] = value


@dataclass
class Batch:
    """The changes of consecutive events, written in one transaction with their tracking."""

    cur: SqlCursor
    caches: Caches
    inserts: dict[str, list[Row]] = field(default_factory=dict)
    updates: list[tuple[str, Row]] = field(default_factory=list)
    days: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)

    def insert(self, table: str, row: Row) -> None:
        self.inserts.setdefault(table, []).append(row)

    def update(self, statement: str, params: Row) -> None:
        self.updates.append((statement, params))

    def add_day(self, account: tuple[str, str], day: str, column: int, fen: int) -> None:
        key = (account[0], account[1], day)
        totals = self.days.get(key)
        if totals is None:
            totals = self.days[key] = [0, 0, 0]
        totals[column] += fen

    def account_of(self, originator: str) -> tuple[str, str]:
        found = self.caches.accounts.get(originator)
        if found is None:
            row = self.cur.execute(
                f"SELECT source, division FROM {schema.ACCOUNTS} WHERE account_id = ?",
                (originator,),
            ).fetchone()
            if row is None:
                raise LookupError(f"account event of {originator} before its AccountOpened")
            found = (row["source"], row["division"])
            self.caches.remember(self.caches.accounts, originator, found)
        return found

    def worker_of(self, originator: str) -> tuple[str, str]:
        """(worker_id, home_division) of a Worker aggregate."""
        found = self.caches.workers.get(originator)
        if found is None:
            row = self.cur.execute(
                f"SELECT worker_id, home_division FROM {schema.WORKERS} WHERE originator_id = ?",
                (originator,),
            ).fetchone()
            if row is None:
                raise LookupError(f"worker event of {originator} before its WorkerRegistered")
            found = (row["worker_id"], row["home_division"])
            self.caches.remember(self.caches.workers, originator, found)
        return found


APPROPRIATED, PAID, REVERSED = 0, 1, 2
Fields = dict[str, Any]


def account_opened(b: Batch, position: int, e: Fields) -> None:
    account = (e["source"], e["division"])
    b.caches.remember(b.caches.accounts, e["originator_id"], account)
    b.insert(schema.ACCOUNTS, (e["originator_id"], *account, position, e["timestamp"]))


def funds_appropriated(b: Batch, position: int, e: Fields) -> None:
    money_line(b, position, e, "appropriated_on", "appropriation", APPROPRIATED, 1)


def payment_debited(b: Batch, position: int, e: Fields) -> None:
    money_line(b, position, e, "paid_on", "payment", PAID, -1)


def payment_credited(b: Batch, position: int, e: Fields) -> None:
    money_line(b, position, e, "reversed_on", "reversal", REVERSED, 1)


REFERENCES = {
    "appropriation": "appropriation_id",
    "payment": "payment_id",
    "reversal": "reversal_id",
}


def money_line(
    b: Batch, position: int, e: Fields, day_field: str, kind: str, column: int, sign: int
) -> None:
    """One statement line and its day's change: money in positive, out negative. An
    appropriation has no rule, payee or worker; each line's reference is its own id."""
    account, fen, day = b.account_of(e["originator_id"]), to_fen(e["amount"]), e[day_field]
    b.add_day(account, day, column, fen)
    b.insert(
        schema.LINES,
        (
            position,
            *account,
            day,
            kind,
            e.get("rule"),
            e.get("payee_id"),
            e.get("worker_id"),
            sign * fen,
            e[REFERENCES[kind]],
            e["timestamp"],
        ),
    )


def subsidy_paid(b: Batch, position: int, e: Fields) -> None:
    b.insert(
        schema.PAYMENTS,
        (
            e["payment_id"],
            e["originator_id"],
            e["rule"],
            to_fen(e["amount"]),
            e["source"],
            e["division"],
            e["payee_id"],
            e["worker_id"],
            e["placement_id"],
            e["enrollment_id"],
            e["paid_on"],
            e["earned_on"],
            e["basis"],
            position,
            e["timestamp"],
            None,
            None,
            None,
            None,
        ),
    )


def payment_reversed(b: Batch, position: int, e: Fields) -> None:
    b.update(
        f"UPDATE {schema.PAYMENTS} SET reversal_id = ?, reversed_on = ?, reversal_reason = ?,"
        " reversal_position = ? WHERE originator_id = ?",
        (e["reversal_id"], e["reversed_on"], e["reason"], position, e["originator_id"]),
    )


def worker_registered(b: Batch, position: int, e: Fields) -> None:
    worker = (e["worker_id"], e["home_division"])
    b.caches.remember(b.caches.workers, e["originator_id"], worker)
    b.insert(schema.WORKERS, (e["originator_id"], *worker, position))


def worker_placed(b: Batch, position: int, e: Fields) -> None:
    worker_id, home = b.worker_of(e["originator_id"])
    cross = is_cross_region(home, e["work_division"])
    b.insert(
        schema.PLACEMENTS,
        (
            e["placement_id"],
            worker_id,
            e["employer_id"],
            e["agency_id"],
            e["started_on"],
            None,
            e["work_division"],
            e["contract_months"],
            home,
            int(cross),
            position,
        ),
    )


def placement_ended(b: Batch, position: int, e: Fields) -> None:
    b.update(
        f"UPDATE {schema.PLACEMENTS} SET ended_on = ? WHERE placement_id = ?",
        (e["ended_on"], e["placement_id"]),
    )


def training_enrolled(b: Batch, position: int, e: Fields) -> None:
    worker_id, home = b.worker_of(e["originator_id"])
    b.insert(
        schema.ENROLLMENTS,
        (
            e["enrollment_id"],
            worker_id,
            e["kind"],
            e["category"],
            e["division"],
            e["institution_id"],
            e["started_on"],
            None,
            int(bool(e["two_after_student"])),
            home,
            position,
        ),
    )


def training_completed(b: Batch, position: int, e: Fields) -> None:
    b.update(
        f"UPDATE {schema.ENROLLMENTS} SET completed_on = ? WHERE enrollment_id = ?",
        (e["completed_on"], e["enrollment_id"]),
    )


HANDLERS: dict[str, Callable[[Batch, int, Fields], None]] = {
    "jobaid:AccountOpened": account_opened,
    "jobaid:FundsAppropriated": funds_appropriated,
    "jobaid:PaymentDebited": payment_debited,
    "jobaid:PaymentCredited": payment_credited,
    "jobaid:SubsidyPaid": subsidy_paid,
    "jobaid:PaymentReversed": payment_reversed,
    "jobaid:WorkerRegistered": worker_registered,
    "jobaid:WorkerPlaced": worker_placed,
    "jobaid:PlacementEnded": placement_ended,
    "jobaid:TrainingEnrolled": training_enrolled,
    "jobaid:TrainingCompleted": training_completed,
}
