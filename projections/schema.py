"""The read-model tables. Dates are ISO text and instants fixed-width UTC ISO text, so
they compare correctly as strings on both stores; money is integer fen (see money.py)."""

from __future__ import annotations

from typing import NamedTuple

ACCOUNTS = "projection_accounts"
LINES = "projection_statement_lines"  # with `note` (was projection_account_lines)
SUMS = "projection_account_sums"
PAYMENTS = "projection_payments_v2"  # v2: where the account lies, for lists
WORKERS = "projection_workers_v2"  # v2: name, mask, status and where, for lists
PLACEMENTS = "projection_placements"
ENROLLMENTS = "projection_enrollments"
ORGANISATIONS = "projection_organisations"
RECONCILIATIONS = "projection_reconciliations"
REQUESTS = "projection_payment_requests"
CLOSES = "projection_period_closes"  # R23: each PeriodClosed of each account
KNOWN_SUMS = "projection_known_sums"  # known_at without summing every line (known.py)
KNOWN_BLOCKS = "projection_known_blocks"

# Rebuild empties these; the order does not matter (no foreign keys: a read model is
# rebuilt from the log, not kept consistent by the database).
TABLES = (
    ACCOUNTS, LINES, SUMS, PAYMENTS, WORKERS, PLACEMENTS, ENROLLMENTS, ORGANISATIONS,
    RECONCILIATIONS, REQUESTS, CLOSES, KNOWN_SUMS, KNOWN_BLOCKS,
)  # fmt: skip
# Tables of an earlier layout: finding one means the read models were built by older
# code, so they are dropped and everything is rebuilt from the log.
RETIRED = (
    "projection_account_days",  # cumulative totals per day (before the sums)
    "projection_payments",  # payments before the lists (no place columns)
    "projection_workers",  # workers before the lists (no name, status or place)
    "projection_account_lines",  # statement lines without their `note` (before issue 12)
)

# Lists (GET /v1/workers, /organisations, /payments, /reconciliations) read a scope or a
# division filter as one equality on one of three columns — `province`, `prefecture` or
# `place` (the county, or the division itself; retired codes read as their successor,
# projections/places.py) — then walk `position` upwards: an index range scan of
# (column, position) that stops after a page, however long the history.
WHERE = "province TEXT NOT NULL, prefecture TEXT NOT NULL, place TEXT NOT NULL"


def list_indexes(table: str, beyond_hunan: bool = False) -> tuple[str, ...]:
    """The indexes a list of `table` walks: in recording order, alone or within a place.
    Rows that all lie in Hunan need no province index: the province is every row."""
    columns = ("province", "prefecture", "place") if beyond_hunan else ("prefecture", "place")
    return (
        *(f"CREATE INDEX IF NOT EXISTS {table}_by_{c} ON {table} ({c}, position)" for c in columns),
        f"CREATE UNIQUE INDEX IF NOT EXISTS {table}_by_position ON {table} (position)",
    )


STATEMENTS = (
    # originator → account: account events carry no source/division after AccountOpened.
    f"CREATE TABLE IF NOT EXISTS {ACCOUNTS} (account_id TEXT PRIMARY KEY, source TEXT NOT NULL,"
    " division TEXT NOT NULL, position BIGINT NOT NULL, recorded_at TEXT NOT NULL,"
    " UNIQUE (source, division))",
    # One row per appropriation, payment or reversal: the statement lines. `amount` is
    # signed (money in positive), `day` the business date, `recorded_at` for known_at,
    # `note` the appropriation's document_ref (文号) or the reversal's reason.
    f"CREATE TABLE IF NOT EXISTS {LINES} (position BIGINT PRIMARY KEY, source TEXT NOT NULL,"
    " division TEXT NOT NULL, day TEXT NOT NULL, kind TEXT NOT NULL, rule TEXT, payee_id TEXT,"
    " worker_id TEXT, amount BIGINT NOT NULL, ref TEXT NOT NULL, recorded_at TEXT NOT NULL,"
    " note TEXT)",
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
    " reversal_id TEXT, reversed_on TEXT, reversal_reason TEXT, reversal_position BIGINT,"
    f" funding_rule TEXT NOT NULL, covers TEXT NOT NULL, {WHERE})",
    f"CREATE INDEX IF NOT EXISTS {PAYMENTS}_by_worker ON {PAYMENTS} (worker_id, paid_on)",
    f"CREATE INDEX IF NOT EXISTS {PAYMENTS}_by_payee ON {PAYMENTS} (payee_id, paid_on)",
    # An employer or lender may be paid every day for years: its list walks, not sorts.
    f"CREATE INDEX IF NOT EXISTS {PAYMENTS}_by_payee_position ON {PAYMENTS} (payee_id, position)",
    *list_indexes(PAYMENTS),
    # A month of payments in a place: a range of its days, not a walk of all its history.
    f"CREATE INDEX IF NOT EXISTS {PAYMENTS}_by_day ON {PAYMENTS} (paid_on)",
    f"CREATE INDEX IF NOT EXISTS {PAYMENTS}_by_prefecture_day ON {PAYMENTS} (prefecture, paid_on)",
    f"CREATE INDEX IF NOT EXISTS {PAYMENTS}_by_place_day ON {PAYMENTS} (place, paid_on)",
    # Worker events after registration name only the aggregate: keep originator → worker.
    # The name and the masked ID number are what GET /v1/workers/{id} shows, nothing more;
    # `status` is the survey in force now (the latest `surveyed_on`, R3), NULL unsurveyed.
    f"CREATE TABLE IF NOT EXISTS {WORKERS} (originator_id TEXT PRIMARY KEY,"
    " worker_id TEXT NOT NULL UNIQUE, home_division TEXT NOT NULL, position BIGINT NOT NULL,"
    " name TEXT NOT NULL, id_number_masked TEXT NOT NULL, birth_date TEXT NOT NULL,"
    f" registered_on TEXT NOT NULL, status TEXT, surveyed_on TEXT, {WHERE})",
    *list_indexes(WORKERS),
    f"CREATE INDEX IF NOT EXISTS {WORKERS}_by_name ON {WORKERS} (name, position)",
    # A status few hold (the unsurveyed, late on) is a range of its own, not a walk of all.
    f"CREATE INDEX IF NOT EXISTS {WORKERS}_by_status ON {WORKERS} (status, position)",
    *(
        f"CREATE INDEX IF NOT EXISTS {WORKERS}_by_{c}_status ON {WORKERS} ({c}, status, position)"
        for c in ("prefecture", "place")
    ),
    f"CREATE TABLE IF NOT EXISTS {ORGANISATIONS} (originator_id TEXT PRIMARY KEY,"
    " org_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, division TEXT NOT NULL,"
    " kind TEXT NOT NULL, credit_code TEXT, base_designated_on TEXT,"
    f" position BIGINT NOT NULL, {WHERE})",
    *list_indexes(ORGANISATIONS, beyond_hunan=True),
    f"CREATE INDEX IF NOT EXISTS {ORGANISATIONS}_by_name ON {ORGANISATIONS} (name, position)",
    # A reconciliation's summary; its lines stay in the kept report (the event).
    f"CREATE TABLE IF NOT EXISTS {RECONCILIATIONS} (reconciliation_id TEXT PRIMARY KEY,"
    " source TEXT NOT NULL, division TEXT NOT NULL, period_from TEXT NOT NULL,"
    " period_to TEXT NOT NULL, file_name TEXT NOT NULL, file_sha256 TEXT NOT NULL,"
    " totals TEXT NOT NULL, recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL,"
    f" position BIGINT NOT NULL, {WHERE})",
    *list_indexes(RECONCILIATIONS),
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
    # R23: one row per period closed, by account; the console's period-close page.
    f"CREATE TABLE IF NOT EXISTS {CLOSES} (position BIGINT PRIMARY KEY, source TEXT NOT NULL,"
    " division TEXT NOT NULL, period TEXT NOT NULL, closed_on TEXT NOT NULL,"
    " closed_through TEXT NOT NULL, closing_balance BIGINT NOT NULL,"
    f" recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL, {WHERE})",
    *list_indexes(CLOSES),
    # known_at (known.py): each block of BLOCK log positions' money per account and month
    # or day; the overview reads a grain's periods up to a date across accounts, a
    # statement one account's.
    f"CREATE TABLE IF NOT EXISTS {KNOWN_SUMS} (grain TEXT NOT NULL, period TEXT NOT NULL,"
    " source TEXT NOT NULL, division TEXT NOT NULL, block TEXT NOT NULL,"
    " appropriated BIGINT NOT NULL, paid BIGINT NOT NULL, reversed BIGINT NOT NULL,"
    " PRIMARY KEY (grain, period, source, division, block))",
    f"CREATE INDEX IF NOT EXISTS {KNOWN_SUMS}_by_account"
    f" ON {KNOWN_SUMS} (source, division, grain, period)",
    f"CREATE TABLE IF NOT EXISTS {KNOWN_BLOCKS} (block TEXT PRIMARY KEY,"
    " first_recorded TEXT NOT NULL, last_recorded TEXT NOT NULL)",
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
    note: str | None


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
    funding_rule: str = ""
    covers: str = "[]"  # JSON list
    province: str = ""
    prefecture: str = ""
    place: str = ""


class WorkerRow(NamedTuple):
    originator_id: str
    worker_id: str
    home_division: str
    position: int
    name: str
    id_number_masked: str
    birth_date: str
    registered_on: str
    province: str
    prefecture: str
    place: str
    status: str | None = None  # set by a survey (writer.py), in its batch or a later one
    surveyed_on: str | None = None


class OrganisationRow(NamedTuple):
    originator_id: str
    org_id: str
    name: str
    division: str
    kind: str
    credit_code: str | None
    position: int
    province: str
    prefecture: str
    place: str


class ReconciliationRow(NamedTuple):
    reconciliation_id: str
    source: str
    division: str
    period_from: str
    period_to: str
    file_name: str
    file_sha256: str
    totals: str  # JSON object of integer counts
    recorded_by: str
    recorded_at: str
    position: int
    province: str
    prefecture: str
    place: str


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


class CloseRow(NamedTuple):
    position: int
    source: str
    division: str
    period: str  # YYYY or YYYY-MM
    closed_on: str
    closed_through: str  # the period's last day: every date up to it is closed
    closing_balance: int  # fen, the account's balance on closed_through
    recorded_by: str
    recorded_at: str
    province: str
    prefecture: str
    place: str


ROWS: dict[type[tuple[object, ...]], str] = {
    CloseRow: CLOSES,
    RequestRow: REQUESTS,
    AccountRow: ACCOUNTS,
    LineRow: LINES,
    PaymentRow: PAYMENTS,
    WorkerRow: WORKERS,
    PlacementRow: PLACEMENTS,
    EnrollmentRow: ENROLLMENTS,
    OrganisationRow: ORGANISATIONS,
    ReconciliationRow: RECONCILIATIONS,
}
