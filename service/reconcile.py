"""Reconciling an account with the treasury's disbursement file: read the file, collect the
account's payments and reversals in the period from the recorded events, match, keep the
report as an event, and render it as CSV or XLSX."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from adapters.eventstore import events_of_many
from adapters.sheets import Cell, Sheet, csv_bytes, xlsx_bytes
from adapters.tables import read_table
from domain import ids
from domain.accounts import SOURCES, period_end
from domain.errors import InvalidInput, NotFound
from domain.reconciliation import LedgerEntry, Reconciliation, TreasuryLine, reconcile
from domain.recorded import Actor
from domain.values import (
    CENT,
    MAX_MONEY_INTEGER_DIGITS,
    parse_choice,
    parse_date,
    parse_division,
    parse_period,
)
from service.ledger import Ledger

HEADERS = {
    "date": ("date", "日期", "支付日期", "拨付日期"),
    "payee": ("payee", "收款人", "收款单位", "收款人编号"),
    "amount": ("amount", "金额", "支付金额"),
    "reference": ("reference", "凭证号", "参考号", "摘要", "业务编号"),
}
REQUIRED = ("date", "payee", "amount")
# Thousands groups only where they belong (1,234,567), or none at all (1234567).
_TREASURY_AMOUNT = re.compile(
    r"-?(?P<integer>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?", re.ASCII
)
PAYMENT_DEBITED, PAYMENT_CREDITED = "jobaid:PaymentDebited", "jobaid:PaymentCredited"
COLUMNS = [
    "status",
    "treasury_line",
    "treasury_date",
    "treasury_payee",
    "treasury_amount",
    "treasury_reference",
    "ledger_reference",
    "ledger_kind",
    "ledger_date",
    "ledger_payee",
    "ledger_amount",
    "ledger_position",
]
AMOUNTS = {"treasury_amount", "ledger_amount", "ledger_total", "treasury_total", "difference"}
DATES = {"treasury_date", "ledger_date"}


def period_bounds(period: str) -> tuple[date, date]:
    """A fiscal year `YYYY` or a month `YYYY-MM` as its first and last day."""
    period = parse_period("period", period)
    first = date(int(period[:4]), int(period[5:7]) if len(period) > 4 else 1, 1)
    return first, period_end(period)


def read_treasury_file(content: bytes) -> list[TreasuryLine]:
    return [
        _treasury_line(number, cells) for number, cells in read_table(content, HEADERS, REQUIRED)
    ]


def _treasury_line(number: int, cells: Mapping[str, str]) -> TreasuryLine:
    """One line of the file; a short row or an empty required cell names its line."""
    for name in REQUIRED:
        if not cells.get(name):
            raise InvalidInput(f"line {number}: {name}", "is empty")
    return TreasuryLine(
        line=number,
        on=parse_date(f"line {number}: date", cells["date"]),
        payee=cells["payee"],
        amount=parse_treasury_amount(f"line {number}: amount", cells["amount"]),
        reference=cells.get("reference", ""),
    )


def parse_treasury_amount(field: str, text: str) -> Decimal:
    """A signed amount in yuan as the treasury writes it: ASCII digits, an optional
    leading minus, `,` between thousands, at most two decimals and at most
    MAX_MONEY_INTEGER_DIGITS before the point. Nothing else: no exponent (`1e30` once
    overflowed into a 500), no NaN or Infinity, and no full-width or other non-ASCII
    digits, which Decimal() would silently accept (CONTRACT: never normalised)."""
    match = _TREASURY_AMOUNT.fullmatch(text)
    if match is None:
        raise InvalidInput(field, f"{text!r} is not an amount like 1,234.56 or -50.00")
    integer = match["integer"].replace(",", "").lstrip("0")
    if len(integer) > MAX_MONEY_INTEGER_DIGITS:
        raise InvalidInput(
            field, f"{text!r} has more than {MAX_MONEY_INTEGER_DIGITS} digits before the point"
        )
    return Decimal(text.replace(",", "")).quantize(CENT)


def ledger_entries(
    ledger: Ledger, source: str, division: str, first: date, last: date
) -> list[LedgerEntry]:
    """The account's payments and reversals dated in [first, last], from its own events."""
    entries = []
    for stored, position in events_of_many(ledger.recorder, [ids.account_uuid(source, division)]):
        if stored.topic not in (PAYMENT_DEBITED, PAYMENT_CREDITED):
            continue
        event: Any = ledger.mapper.to_domain_event(stored)
        if stored.topic == PAYMENT_DEBITED and first <= event.paid_on <= last:
            entries.append(
                LedgerEntry(
                    event.payment_id,
                    "payment",
                    event.paid_on,
                    event.payee_id,
                    event.amount,
                    position,
                )
            )
        elif stored.topic == PAYMENT_CREDITED and first <= event.reversed_on <= last:
            entries.append(
                LedgerEntry(
                    event.reversal_id,
                    "reversal",
                    event.reversed_on,
                    event.payee_id,
                    -event.amount,
                    position,
                )
            )
    return entries


def reconcile_file(
    ledger: Ledger,
    content: bytes,
    file_name: str,
    source: str,
    division: str,
    period: str,
    recorded_by: str | Actor,
) -> tuple[Reconciliation, bool]:
    """The report for this file, account and period; (report, True) when the same file
    was reconciled before and its kept report is answered again."""
    source = parse_choice("source", source, SOURCES)
    division = parse_division("division", division, hunan=True)
    first, last = period_bounds(period)
    digest = hashlib.sha256(content).hexdigest()
    kept = ledger.store.get(Reconciliation.create_id(digest, source, division, first, last), Reconciliation)  # fmt: skip
    if kept is not None:
        return kept, True
    try:
        ledger.get_account(source, division)
    except NotFound:
        raise InvalidInput("division", f"no account {source}/{division} is recorded") from None
    lines = read_treasury_file(content)
    report = reconcile(ledger_entries(ledger, source, division, first, last), lines)
    reconciliation = Reconciliation(
        source=source,
        division=division,
        period_from=first,
        period_to=last,
        file_digest=digest,
        file_name=file_name,
        report=report,
        **Actor.of(recorded_by).meta,
    )
    ledger.save(reconciliation)
    return reconciliation, False


def summary(reconciliation: Reconciliation) -> dict[str, Any]:
    r: Any = reconciliation
    return {
        "reconciliation_id": str(r.id),
        "account": {"source": r.source, "division": r.division},
        "period": {"from": r.period_from.isoformat(), "to": r.period_to.isoformat()},
        "file_name": r.file_name,
        "file_sha256": r.file_digest,
        "totals": r.report["totals"],
        "lines": r.report["lines"],
    }


def report_csv(reconciliation: Reconciliation) -> bytes:
    return csv_bytes(COLUMNS, _report_rows(reconciliation))


def report_xlsx(reconciliation: Reconciliation) -> bytes:
    totals = reconciliation.report["totals"].items()
    return xlsx_bytes(
        Sheet("reconciliation", _report_rows(reconciliation), header=COLUMNS),
        Sheet("totals", ([name, _cell(name, value)] for name, value in totals)),
    )


def _report_rows(reconciliation: Reconciliation) -> Iterator[list[Cell]]:
    for line in reconciliation.report["lines"]:
        yield [_cell(column, line[column]) for column in COLUMNS]


def _cell(name: str, value: Any) -> Cell:
    """The kept report holds amounts and dates as text; the files hold them as numbers
    and dates, and counts, line numbers and positions as numbers."""
    if value is None or value == "":
        return None
    if name in AMOUNTS:
        return Decimal(value)
    if name in DATES:
        return date.fromisoformat(value)
    return value if isinstance(value, int) else str(value)
