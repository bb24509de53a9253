"""Reconciliation against the treasury: match the lines of a treasury or bank disbursement
file for one account and period to the ledger's payments and reversals, and report what
matched, what is on one side only, and where amount or date disagree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.recorded import FactEvent


@dataclass(frozen=True)
class LedgerEntry:
    """A payment (money out, positive) or reversal (money back, negative) of the account."""

    reference: str
    kind: str
    on: date
    payee_id: str
    amount: Decimal
    position: int


@dataclass(frozen=True)
class TreasuryLine:
    """One line of the treasury file: date, payee, amount (negative = money returned), reference."""

    line: int
    on: date
    payee: str
    amount: Decimal
    reference: str


STATUSES = ("matched", "date_mismatch", "amount_mismatch", "unmatched_treasury", "unmatched_ledger")
DIFFERENCES = STATUSES[1:]


def reconcile(entries: list[LedgerEntry], lines: list[TreasuryLine]) -> dict[str, Any]:
    """Match in passes, strongest evidence first: the reference naming the ledger's
    payment or reversal id; then payee, amount and date; then payee and amount (the date
    differs); then payee and date (the amount differs). What is left is unmatched."""
    open_entries = {entry.reference: entry for entry in entries}
    open_lines = list(lines)
    results: list[dict[str, Any]] = []

    def take(line: TreasuryLine, entry: LedgerEntry) -> None:
        open_lines.remove(line)
        del open_entries[entry.reference]
        results.append(_pair(line, entry))

    for line in list(open_lines):
        entry = open_entries.get(line.reference)
        if entry is not None:
            take(line, entry)
    passes: tuple[Callable[[TreasuryLine, LedgerEntry], bool], ...] = (
        lambda line, entry: (
            (entry.payee_id, entry.amount, entry.on) == (line.payee, line.amount, line.on)
        ),
        lambda line, entry: (entry.payee_id, entry.amount) == (line.payee, line.amount),
        lambda line, entry: (entry.payee_id, entry.on) == (line.payee, line.on),
    )
    for matches in passes:
        for line in list(open_lines):
            candidates = [e for e in open_entries.values() if matches(line, e)]
            if candidates:
                take(line, min(candidates, key=lambda e: (abs((e.on - line.on).days), e.position)))
    for line in open_lines:
        results.append({"status": "unmatched_treasury", **_line(line), **_entry(None)})
    for entry in open_entries.values():
        results.append({"status": "unmatched_ledger", **_line(None), **_entry(entry)})
    return {"lines": results, "totals": _totals(entries, lines, results)}


def _pair(line: TreasuryLine, entry: LedgerEntry) -> dict[str, Any]:
    if line.amount != entry.amount:
        status = "amount_mismatch"
    elif line.on != entry.on:
        status = "date_mismatch"
    else:
        status = "matched"
    return {"status": status, **_line(line), **_entry(entry)}


def _line(line: TreasuryLine | None) -> dict[str, Any]:
    if line is None:
        return {
            "treasury_line": None,
            "treasury_date": None,
            "treasury_payee": None,
            "treasury_amount": None,
            "treasury_reference": None,
        }
    return {
        "treasury_line": line.line,
        "treasury_date": line.on.isoformat(),
        "treasury_payee": line.payee,
        "treasury_amount": f"{line.amount:.2f}",
        "treasury_reference": line.reference,
    }


def _entry(entry: LedgerEntry | None) -> dict[str, Any]:
    if entry is None:
        return {
            "ledger_reference": None,
            "ledger_kind": None,
            "ledger_date": None,
            "ledger_payee": None,
            "ledger_amount": None,
            "ledger_position": None,
        }
    return {
        "ledger_reference": entry.reference,
        "ledger_kind": entry.kind,
        "ledger_date": entry.on.isoformat(),
        "ledger_payee": entry.payee_id,
        "ledger_amount": f"{entry.amount:.2f}",
        "ledger_position": entry.position,
    }


def _totals(
    entries: list[LedgerEntry], lines: list[TreasuryLine], results: list[dict[str, Any]]
) -> dict[str, Any]:
    counts = dict.fromkeys(STATUSES, 0)
    for result in results:
        counts[result["status"]] += 1
    ledger_total = sum((e.amount for e in entries), Decimal("0.00"))
    treasury_total = sum((line.amount for line in lines), Decimal("0.00"))
    return {
        **counts,
        "ledger_total": f"{ledger_total:.2f}",
        "treasury_total": f"{treasury_total:.2f}",
        "difference": f"{treasury_total - ledger_total:.2f}",
    }


class Reconciliation(Aggregate):
    """A kept reconciliation report; its id derives from the file's digest, account and
    period, so a re-upload of the same file is recognised."""

    TOPIC = "jobaid:Reconciliation"

    class Event(FactEvent):
        TOPIC = "jobaid:Reconciliation.Event"

    @event("Reconciled", topic="jobaid:AccountReconciled")
    def __init__(
        self,
        source: str,
        division: str,
        period_from: date,
        period_to: date,
        file_digest: str,
        file_name: str,
        report: dict[str, Any],
        recorded_by: str,
        token_id: str | None,
    ) -> None:
        self.source, self.division = source, division
        self.period_from, self.period_to = period_from, period_to
        self.file_digest, self.file_name = file_digest, file_name
        self.report = report
        self.recorded_by, self.token_id = recorded_by, token_id

    @staticmethod
    def create_id(
        file_digest: str, source: str, division: str, period_from: date, period_to: date
    ) -> UUID:
        return ids.derived(
            "reconciliation", file_digest, source, division, f"{period_from}", f"{period_to}"
        )
