"""Reconciliation against the treasury (国库集中支付): the two sides — the treasury's lines
and the ledger's payments and reversals of one account and period — the report that the
matcher's pairs (domain.matching) become, and the kept report itself.

A report line is one pair: a treasury line and the ledger entry it pays, or either side
alone. A treasury line that pays several payments (merged) gives one report line per
payment, and a payment split over several treasury lines one per line, so every count in
the totals is a count of report lines, and `treasury_lines` / `ledger_entries` say how
many of each side there were. Nothing in a report holds a clear ID number: the line's
number is kept masked (mask_id_number), its keyed hash only in memory while matching.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.recorded import FactEvent


@dataclass(frozen=True)
class LedgerEntry:
    """A payment (money out, positive) or reversal (money back, negative) of the account;
    `in_period` is False for one dated just outside the period, loaded only so that a
    treasury line inside the period may still find it within the date tolerance."""

    reference: str
    kind: str
    on: date
    payee_id: str
    amount: Decimal
    position: int
    payee_name: str = ""
    in_period: bool = True


@dataclass(frozen=True)
class TreasuryLine:
    """One line of the treasury file (negative amount = money returned). The payee is
    named by any of: its name as written, an ID number (kept as its keyed hash and its
    mask), a credit code, our own payee id. `key` and `payees` say which of those found
    it in the ledger and which payee ids it names (service.treasury_payees)."""

    line: int
    on: date
    amount: Decimal
    payee: str = ""
    id_hash: str | None = None
    id_masked: str | None = None
    credit_code: str | None = None
    payee_id: str | None = None
    purpose: str = ""
    voucher: str = ""
    key: str | None = None
    payees: frozenset[str] = field(default_factory=frozenset)


STATUSES = (
    "matched",
    "date_mismatch",
    "amount_mismatch",
    "payee_mismatch",
    "unmatched_treasury",
    "unmatched_ledger",
)
DIFFERENCES = STATUSES[1:]
# How a treasury line found its ledger entry, strongest first.
KEYS = ("voucher", "id_number", "credit_code", "payee_id", "name")
SHAPES = ("one", "merged", "split")


@dataclass(frozen=True)
class Pair:
    """One report line: what the matcher decided about a line, an entry, or both. For an
    unmatched treasury line `entry` is its nearest candidate (or None), `taken` whether
    that candidate is already matched to another line."""

    status: str
    line: TreasuryLine | None
    entry: LedgerEntry | None
    key: str | None = None
    shape: str | None = None
    amount: Decimal | None = None
    payee_differs: bool = False
    taken: bool = False


def report(pairs: list[Pair], entries: list[LedgerEntry], tolerance: int) -> dict[str, Any]:
    """The report as kept: its lines, its totals and the tolerance it was matched with."""
    lines = [_report_line(pair, tolerance) for pair in pairs]
    return {"date_tolerance": tolerance, "lines": lines, "totals": _totals(pairs, entries)}


def _report_line(pair: Pair, tolerance: int) -> dict[str, Any]:
    line, entry = pair.line, pair.entry
    both = line is not None and entry is not None
    found: dict[str, Any] = {
        "status": pair.status,
        "key": pair.key,
        "shape": pair.shape,
        "date_slip": (line.on - entry.on).days if line and entry else None,
        "amount_difference": _money(line.amount - entry.amount) if line and entry else None,
        "payee_differs": pair.payee_differs if both else None,
        "nearest_taken": pair.taken if pair.status == "unmatched_treasury" and both else None,
        "matched_amount": _money(pair.amount) if pair.amount is not None else None,
        **_treasury(line),
        **_ledger(entry),
    }
    found["reason"] = explain(found, tolerance, "en")
    return found


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _treasury(line: TreasuryLine | None) -> dict[str, Any]:
    if line is None:
        return dict.fromkeys(TREASURY_FIELDS)
    return {
        "treasury_line": line.line,
        "treasury_date": line.on.isoformat(),
        "treasury_payee": line.payee,
        "treasury_id_number": line.id_masked,
        "treasury_credit_code": line.credit_code,
        "treasury_amount": _money(line.amount),
        "treasury_purpose": line.purpose,
        "treasury_voucher": line.voucher,
    }


def _ledger(entry: LedgerEntry | None) -> dict[str, Any]:
    if entry is None:
        return dict.fromkeys(LEDGER_FIELDS)
    return {
        "ledger_reference": entry.reference,
        "ledger_kind": entry.kind,
        "ledger_date": entry.on.isoformat(),
        "ledger_payee": entry.payee_id,
        "ledger_payee_name": entry.payee_name,
        "ledger_amount": _money(entry.amount),
        "ledger_position": entry.position,
    }


TREASURY_FIELDS = (
    "treasury_line",
    "treasury_date",
    "treasury_payee",
    "treasury_id_number",
    "treasury_credit_code",
    "treasury_amount",
    "treasury_purpose",
    "treasury_voucher",
)
LEDGER_FIELDS = (
    "ledger_reference",
    "ledger_kind",
    "ledger_date",
    "ledger_payee",
    "ledger_payee_name",
    "ledger_amount",
    "ledger_position",
)


def _totals(pairs: list[Pair], entries: list[LedgerEntry]) -> dict[str, Any]:
    """Counts of report lines by status and by key, how many lines and entries each side
    had, and the sums (the ledger's over the period's own entries)."""
    counts = dict.fromkeys(STATUSES, 0)
    by_key = {f"matched_by_{key}": 0 for key in KEYS}
    lines: dict[int, Decimal] = {}
    for pair in pairs:
        counts[pair.status] += 1
        if pair.status == "matched" and pair.key is not None:
            by_key[f"matched_by_{pair.key}"] += 1
        if pair.line is not None and pair.status != "unmatched_ledger":
            lines[pair.line.line] = pair.line.amount
    own = [entry for entry in entries if entry.in_period]
    ledger_total = sum((entry.amount for entry in own), Decimal("0.00"))
    treasury_total = sum(lines.values(), Decimal("0.00"))
    return {
        **counts,
        **by_key,
        "treasury_lines": len(lines),
        "ledger_entries": len(own),
        "ledger_total": _money(ledger_total),
        "treasury_total": _money(treasury_total),
        "difference": _money(treasury_total - ledger_total),
    }


_REASONS = {
    "payee": ("payee differs", "收款人不同"),
    "amount": ("amount differs by {}", "金额相差 {}"),
    "date": ("date off by {} days, beyond the tolerance of {}", "日期相差 {} 天，超出容差 {} 天"),
    "taken": ("already matched to another line", "已与另一行匹配"),
    "none": ("no ledger entry of this payee or amount", "账上无此收款人或金额的记录"),
    "missing": ("no treasury line pays it", "国库文件中无对应支付"),
    "nearest": ("nearest {}: ", "最接近的是 {}："),
}


def explain(line: dict[str, Any], tolerance: int, lang: str) -> str:
    """Why a report line did not match, from its stored differences, in English or in
    Chinese; empty for a match (and for a report kept before reasons were)."""
    pick = 1 if lang == "zh" else 0
    status = line.get("status")
    if status == "unmatched_ledger":
        return _REASONS["missing"][pick]
    if status == "matched" or "date_slip" not in line:
        return ""
    if line.get("ledger_reference") is None:
        return _REASONS["none"][pick]
    parts = []
    if line.get("payee_differs"):
        parts.append(_REASONS["payee"][pick])
    if line.get("amount_difference") not in (None, "0.00"):
        parts.append(_REASONS["amount"][pick].format(line["amount_difference"]))
    if abs(line.get("date_slip") or 0) > tolerance:
        parts.append(_REASONS["date"][pick].format(line["date_slip"], tolerance))
    if line.get("nearest_taken"):
        parts.append(_REASONS["taken"][pick])
    said = "; ".join(parts) if pick == 0 else "；".join(parts)
    if status != "unmatched_treasury":
        return said
    nearest = _REASONS["nearest"][pick].format(line["ledger_reference"])
    return f"{nearest}{said}"


class Reconciliation(Aggregate):
    """A kept reconciliation report; its id derives from the file's digest, account,
    period and date tolerance, so a re-upload of the same file is recognised."""

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
        file_digest: str,
        source: str,
        division: str,
        period_from: date,
        period_to: date,
        report: dict[str, Any],
    ) -> UUID:
        tolerance = int(report["date_tolerance"])
        return Reconciliation.id_of(file_digest, source, division, period_from, period_to, tolerance)  # fmt: skip

    @staticmethod
    def id_of(
        file_digest: str,
        source: str,
        division: str,
        period_from: date,
        period_to: date,
        tolerance: int,
    ) -> UUID:
        """The same file, account and period matched with another tolerance is another
        report (the tolerance decides what matched)."""
        parts = (file_digest, source, division, f"{period_from}", f"{period_to}")
        return ids.derived("reconciliation", *parts, f"tolerance={tolerance}")
