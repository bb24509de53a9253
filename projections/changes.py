"""What each recorded event changes in the read models, gathered for one batch.

Pure bookkeeping: rows to insert, rows to update and per-day money deltas. Each handler
gets the event's fields as `decoding.Decoder` reads them: instants as `stamp` text, dates
as ISO text, amounts as Decimal, ids as text.

Look-ups of earlier facts (which account an account event belongs to, which worker a
worker event) go to the batch first, then to a process-wide cache, then to the tables
inside the batch's own transaction — the mappings are immutable facts of the log, so a
cached one is never wrong, even across a rolled-back batch or a rebuild."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypedDict

from adapters.sql import SqlCursor
from domain.policy.placement import is_cross_region
from projections import schema
from projections.money import to_fen
from projections.places import columns_of

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
    # Worker originator → (surveyed_on, status) of the batch's latest survey of them.
    surveys: dict[str, tuple[str, str]] = field(default_factory=dict)

    def insert(self, row: Row) -> None:
        """A row of one of the read models (schema.ROWS names its table by its type)."""
        self.inserts.setdefault(schema.ROWS[type(row)], []).append(row)

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


class Where(TypedDict):
    province: str
    prefecture: str
    place: str


def where(division: str) -> Where:
    """The place columns of a row that lies in `division` (projections/places.py)."""
    province, prefecture, place = columns_of(division)
    return {"province": province, "prefecture": prefecture, "place": place}


APPROPRIATED, PAID, REVERSED = 0, 1, 2
Fields = dict[str, Any]


def account_opened(batch: Batch, position: int, event: Fields) -> None:
    account = (event["source"], event["division"])
    batch.caches.remember(batch.caches.accounts, event["originator_id"], account)
    batch.insert(schema.AccountRow(event["originator_id"], *account, position, event["timestamp"]))


def funds_appropriated(batch: Batch, position: int, event: Fields) -> None:
    money_line(batch, position, event, "appropriated_on", "appropriation", APPROPRIATED, 1)


def payment_debited(batch: Batch, position: int, event: Fields) -> None:
    money_line(batch, position, event, "paid_on", "payment", PAID, -1)


def payment_credited(batch: Batch, position: int, event: Fields) -> None:
    money_line(batch, position, event, "reversed_on", "reversal", REVERSED, 1)


REFERENCES = {
    "appropriation": "appropriation_id",
    "payment": "payment_id",
    "reversal": "reversal_id",
}
# What a statement line notes beside its amount: the appropriation's 文号, the reversal's reason.
NOTES = {"appropriation": "document_ref", "reversal": "reason"}


def money_line(
    batch: Batch, position: int, event: Fields, day_field: str, kind: str, column: int, sign: int
) -> None:
    """One statement line and its day's change: money in positive, out negative. An
    appropriation has no rule, payee or worker; each line's reference is its own id."""
    account, fen = batch.account_of(event["originator_id"]), to_fen(event["amount"])
    day = event[day_field]
    batch.add_day(account, day, column, fen)
    batch.insert(
        schema.LineRow(
            position=position, source=account[0], division=account[1], day=day, kind=kind,
            rule=event.get("rule"), payee_id=event.get("payee_id"),
            worker_id=event.get("worker_id"), amount=sign * fen,
            ref=event[REFERENCES[kind]], recorded_at=event["timestamp"],
            note=event.get(NOTES.get(kind, "")),
        )
    )  # fmt: skip


def subsidy_paid(batch: Batch, position: int, event: Fields) -> None:
    batch.insert(
        schema.PaymentRow(
            payment_id=event["payment_id"], originator_id=event["originator_id"],
            rule=event["rule"], amount=to_fen(event["amount"]), source=event["source"],
            division=event["division"], payee_id=event["payee_id"],
            worker_id=event["worker_id"], placement_id=event["placement_id"],
            enrollment_id=event["enrollment_id"], paid_on=event["paid_on"],
            earned_on=event["earned_on"], basis=event["basis"], position=position,
            recorded_at=event["timestamp"], funding_rule=event["funding_rule"],
            covers=json.dumps(list(event["covers"])), **where(event["division"]),
        )
    )  # fmt: skip


def payment_reversed(batch: Batch, position: int, event: Fields) -> None:
    batch.update(
        f"UPDATE {schema.PAYMENTS} SET reversal_id = ?, reversed_on = ?, reversal_reason = ?,"
        " reversal_position = ? WHERE originator_id = ?",
        (event["reversal_id"], event["reversed_on"], event["reason"], position,
         event["originator_id"]),
    )  # fmt: skip


def worker_registered(batch: Batch, position: int, event: Fields) -> None:
    worker = (event["worker_id"], event["home_division"])
    batch.caches.remember(batch.caches.workers, event["originator_id"], worker)
    batch.insert(
        schema.WorkerRow(
            originator_id=event["originator_id"], worker_id=worker[0], home_division=worker[1],
            position=position, name=event["name"], id_number_masked=event["id_number_masked"],
            birth_date=event["birth_date"], registered_on=event["registered_on"],
            **where(event["home_division"]),
        )
    )  # fmt: skip


def worker_placed(batch: Batch, position: int, event: Fields) -> None:
    worker_id, home = batch.worker_of(event["originator_id"])
    batch.insert(
        schema.PlacementRow(
            placement_id=event["placement_id"], worker_id=worker_id,
            employer_id=event["employer_id"], agency_id=event["agency_id"],
            started_on=event["started_on"], ended_on=None,
            work_division=event["work_division"], contract_months=event["contract_months"],
            home_division=home,
            cross_region=int(is_cross_region(home, event["work_division"])),
            position=position,
        )
    )  # fmt: skip


def placement_ended(batch: Batch, position: int, event: Fields) -> None:
    batch.update(
        f"UPDATE {schema.PLACEMENTS} SET ended_on = ? WHERE placement_id = ?",
        (event["ended_on"], event["placement_id"]),
    )


def training_enrolled(batch: Batch, position: int, event: Fields) -> None:
    worker_id, home = batch.worker_of(event["originator_id"])
    batch.insert(
        schema.EnrollmentRow(
            enrollment_id=event["enrollment_id"], worker_id=worker_id, kind=event["kind"],
            category=event["category"], division=event["division"],
            institution_id=event["institution_id"], started_on=event["started_on"],
            completed_on=None, two_after=int(bool(event["two_after_student"])),
            home_division=home, position=position,
        )
    )  # fmt: skip


def training_completed(batch: Batch, position: int, event: Fields) -> None:
    batch.update(
        f"UPDATE {schema.ENROLLMENTS} SET completed_on = ? WHERE enrollment_id = ?",
        (event["completed_on"], event["enrollment_id"]),
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
