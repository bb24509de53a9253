"""The read-model tables. Dates are ISO text and instants fixed-width UTC ISO text, so
they compare correctly as strings on both stores; money is integer fen (see money.py)."""

from __future__ import annotations

from typing import NamedTuple

ACCOUNTS = "projection_accounts"
LINES = "projection_account_lines"
SUMS = "projection_account_sums"
PAYMENTS = "projection_payments"
WORKERS = "projection_workers"
PLACEMENTS = "projection_placements"
ENROLLMENTS = "projection_enrollments"
REQUESTS = "projection_payment_requests"

# Rebuild empties these; the order does not matter (no foreign keys: a read model is
# rebuilt from the log, not kept consistent by the database).
TABLES = (ACCOUNTS, LINES, SUMS, PAYMENTS, WORKERS, PLACEMENTS, ENROLLMENTS, REQUESTS)
# Tables of an earlier layout: finding one means the read models were built by older
# code, so they are dropped and everything is rebuilt from the log.
RETIRED = ("projection_account_days",)  # cumulative totals per day (before the sums)

STATEMENTS = (
    # originator → account: account events carry no source/division after AccountOpened.
    f"CREATE TABLE IF NOT EXISTS {ACCOUNTS} (account_id TEXT PRIMARY KEY, source TEXT NOT NULL,"
    " division TEXT NOT NULL, position BIGINT NOT NULL, recorded_at TEXT NOT NULL,"
    " UNIQUE (source, division))",
    # One row per appropriation, payment or reversal: the statement lines. `amount` is
    # signed (money in positive), `day` the business date, `recorded_at` for known_at.
    f"CREATE TABLE IF NOT EXISTS {LINES} (position BIGINT PRIMARY KEY, source TEXT NOT NULL,"
    " division TEXT NOT NULL, day TEXT NOT NULL, kind TEXT NOT NULL, rule TEXT, payee_id TEXT,"
    " worker_id TEXT, amount BIGINT NOT NULL, ref TEXT NOT NULL, recorded_at TEXT NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {LINES}_by_day ON {LINES} (source, division, day, position)",
    f"CREATE INDEX IF NOT EXISTS {LINES}_by_recording ON {LINES} (source, division, recorded_at)",
    # The money of each year, month and business day with activity (grain 'year', 'month',
    # 'day'; period '2019', '2019-06', '2019-06-15'). A batch adds to the rows of its own
    # days only, so writing stays proportional to the batch however back-dated its money;
    # a balance through a date sums the earlier years, that year's earlier months and
    # that month's days up to it: at most (years + 11 + 31) indexed rows.
    f"CREATE TABLE IF NOT EXISTS {SUMS} (source TEXT NOT NULL, division TEXT NOT NULL,"
    " grain TEXT NOT NULL, period TEXT NOT NULL, appropriated BIGINT NOT NULL,"
    " paid BIGINT NOT NULL, reversed BIGINT NOT NULL,"
    " PRIMARY KEY (source, division, grain, period))",
    f"CREATE TABLE IF NOT EXISTS {PAYMENTS} (payment_id TEXT PRIMARY KEY,"
    " originator_id TEXT NOT NULL UNIQUE, rule TEXT NOT NULL, amount BIGINT NOT NULL,"
    " source TEXT NOT NULL, division TEXT NOT NULL, payee_id TEXT NOT NULL, worker_id TEXT,"
    " placement_id TEXT, enrollment_id TEXT, paid_on TEXT NOT NULL, earned_on TEXT NOT NULL,"
    " basis TEXT NOT NULL, position BIGINT NOT NULL, recorded_at TEXT NOT NULL,"
    " reversal_id TEXT, reversed_on TEXT, reversal_reason TEXT, reversal_position BIGINT)",
    f"CREATE INDEX IF NOT EXISTS {PAYMENTS}_by_worker ON {PAYMENTS} (worker_id, paid_on)",
    f"CREATE INDEX IF NOT EXISTS {PAYMENTS}_by_payee ON {PAYMENTS} (payee_id, paid_on)",
    # Worker events after registration name only the aggregate: keep originator → worker.
    f"CREATE TABLE IF NOT EXISTS {WORKERS} (originator_id TEXT PRIMARY KEY,"
    " worker_id TEXT NOT NULL UNIQUE, home_division TEXT NOT NULL, position BIGINT NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {PLACEMENTS} (placement_id TEXT PRIMARY KEY,"
    " worker_id TEXT NOT NULL, employer_id TEXT NOT NULL, agency_id TEXT,"
    " started_on TEXT NOT NULL, ended_on TEXT, work_division TEXT NOT NULL,"
    " contract_months INTEGER NOT NULL, home_division TEXT NOT NULL,"
    " cross_region INTEGER NOT NULL, position BIGINT NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {PLACEMENTS}_by_employer ON {PLACEMENTS} (employer_id)",
    f"CREATE INDEX IF NOT EXISTS {PLACEMENTS}_by_agency ON {PLACEMENTS} (agency_id)",
    f"CREATE INDEX IF NOT EXISTS {PLACEMENTS}_by_start ON {PLACEMENTS} (started_on)",
    f"CREATE TABLE IF NOT EXISTS {ENROLLMENTS} (enrollment_id TEXT PRIMARY KEY,"
    " worker_id TEXT NOT NULL, kind TEXT NOT NULL, category TEXT NOT NULL,"
    " division TEXT NOT NULL, institution_id TEXT, started_on TEXT NOT NULL,"
    " completed_on TEXT, two_after INTEGER NOT NULL, home_division TEXT NOT NULL,"
    " position BIGINT NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {ENROLLMENTS}_by_completion ON {ENROLLMENTS} (completed_on)",
    # Payment requests (maker-checker), listed in recording order of the request.
    f"CREATE TABLE IF NOT EXISTS {REQUESTS} (position BIGINT PRIMARY KEY,"
    " request_id TEXT NOT NULL UNIQUE, originator_id TEXT NOT NULL UNIQUE,"
    " status TEXT NOT NULL, rule TEXT NOT NULL, amount BIGINT NOT NULL, source TEXT NOT NULL,"
    " division TEXT NOT NULL, payee_id TEXT NOT NULL, worker_id TEXT, paid_on TEXT NOT NULL,"
    " requested_by TEXT NOT NULL, token_id TEXT, approvals_needed INTEGER NOT NULL,"
    " approved_by TEXT NOT NULL, reason TEXT, decided_on TEXT, recorded_at TEXT NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {REQUESTS}_by_status ON {REQUESTS} (status, position)",
)


# The rows the handlers insert, by column name: an insert names its columns, so a row
# never depends on the order of a CREATE TABLE.


class AccountRow(NamedTuple):
    account_id: str
    source: str
    division: str
    position: int
    recorded_at: str


class LineRow(NamedTuple):
    position: int
    source: str
    division: str
    day: str
    kind: str
    rule: str | None
    payee_id: str | None
    worker_id: str | None
    amount: int
    ref: str
    recorded_at: str


class PaymentRow(NamedTuple):
    payment_id: str
    originator_id: str
    rule: str
    amount: int
    source: str
    division: str
    payee_id: str
    worker_id: str | None
    placement_id: str | None
    enrollment_id: str | None
    paid_on: str
    earned_on: str
    basis: str
    position: int
    recorded_at: str
    reversal_id: str | None = None  # set by the reversal, later in the log
    reversed_on: str | None = None
    reversal_reason: str | None = None
    reversal_position: int | None = None


class WorkerRow(NamedTuple):
    originator_id: str
    worker_id: str
    home_division: str
    position: int


class PlacementRow(NamedTuple):
    placement_id: str
    worker_id: str
    employer_id: str
    agency_id: str | None
    started_on: str
    ended_on: str | None
    work_division: str
    contract_months: int
    home_division: str
    cross_region: int
    position: int


class EnrollmentRow(NamedTuple):
    enrollment_id: str
    worker_id: str
    kind: str
    category: str
    division: str
    institution_id: str | None
    started_on: str
    completed_on: str | None
    two_after: int
    home_division: str
    position: int


class RequestRow(NamedTuple):
    position: int
    request_id: str
    originator_id: str
    status: str
    rule: str
    amount: int
    source: str
    division: str
    payee_id: str
    worker_id: str | None
    paid_on: str
    requested_by: str
    token_id: str | None
    approvals_needed: int
    approved_by: str  # the approvers' subjects, comma-separated, in order
    reason: str | None
    decided_on: str | None  # when approved, rejected or withdrawn (recording instant)
    recorded_at: str


ROWS: dict[type[tuple[object, ...]], str] = {
    RequestRow: REQUESTS,
    AccountRow: ACCOUNTS,
    LineRow: LINES,
    PaymentRow: PAYMENTS,
    WorkerRow: WORKERS,
    PlacementRow: PLACEMENTS,
    EnrollmentRow: ENROLLMENTS,
}
