"""Reconciling an account with the treasury's disbursement file: read the file
(service.treasury_file), collect the account's payments and reversals in the period from
the recorded events, find each line's payee (service.treasury_payees), match
(domain.matching), and keep the report as an event. Its files are
service.reconciliation_files."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from adapters.eventstore import events_of_many
from domain import ids
from domain.accounts import SOURCES, period_end
from domain.errors import InvalidInput, NotFound
from domain.id_numbers import mask_id_numbers_in
from domain.matching import match
from domain.reconciliation import LedgerEntry, Reconciliation, report
from domain.recorded import Actor
from domain.values import parse_choice, parse_division, parse_period
from service.ledger import Ledger
from service.treasury_file import read_treasury_file
from service.treasury_payees import named, resolved

Tick = Callable[[int, int | None], None]
PAYMENT_DEBITED, PAYMENT_CREDITED = "jobaid:PaymentDebited", "jobaid:PaymentCredited"
# Three days: a payment recorded on a Friday that the treasury disburses on Monday.
DEFAULT_DATE_TOLERANCE = 3
# A month: a larger slip is not a slip but another payment.
MAX_DATE_TOLERANCE = 31
_TOLERANCE = re.compile(r"[0-9]{1,2}", re.ASCII)


def parse_date_tolerance(field: str, value: object) -> int:
    """Days a treasury date may differ from the ledger's and still match: 0 to
    MAX_DATE_TOLERANCE, written in ASCII digits (or given as an int)."""
    text = str(value) if type(value) is int else value
    if not isinstance(text, str) or _TOLERANCE.fullmatch(text) is None:
        raise InvalidInput(field, f"should be a number of days 0-{MAX_DATE_TOLERANCE}, not {value!r}")  # fmt: skip
    days = int(text)
    if days > MAX_DATE_TOLERANCE:
        raise InvalidInput(field, f"should be at most {MAX_DATE_TOLERANCE} days, not {days}")
    return days


def period_bounds(period: str) -> tuple[date, date]:
    """A fiscal year `YYYY` or a month `YYYY-MM` as its first and last day."""
    period = parse_period("period", period)
    first = date(int(period[:4]), int(period[5:7]) if len(period) > 4 else 1, 1)
    return first, period_end(period)


def ledger_entries(
    ledger: Ledger, source: str, division: str, first: date, last: date, tolerance: int
) -> list[LedgerEntry]:
    """The account's payments and reversals dated in [first, last], from its own events,
    and those within `tolerance` days outside it (in_period False): a payment of 30 June
    the treasury disbursed on 2 July is matched in July's reconciliation."""
    early, late = first - timedelta(days=tolerance), last + timedelta(days=tolerance)
    entries = []
    for stored, position in events_of_many(ledger.recorder, [ids.account_uuid(source, division)]):
        if stored.topic not in (PAYMENT_DEBITED, PAYMENT_CREDITED):
            continue
        entry = _entry(ledger.mapper.to_domain_event(stored), stored.topic, position)
        if early <= entry.on <= late:
            entries.append(replace(entry, in_period=first <= entry.on <= last))
    return entries


def _entry(event: Any, topic: str, position: int) -> LedgerEntry:
    if topic == PAYMENT_DEBITED:
        return LedgerEntry(
            event.payment_id, "payment", event.paid_on, event.payee_id, event.amount, position
        )
    return LedgerEntry(
        event.reversal_id, "reversal", event.reversed_on, event.payee_id, -event.amount, position
    )


def reconcile_file(
    ledger: Ledger,
    content: bytes,
    file_name: str,
    source: str,
    division: str,
    period: str,
    recorded_by: str | Actor,
    date_tolerance: object = DEFAULT_DATE_TOLERANCE,
    tick: Tick | None = None,
) -> tuple[Reconciliation, bool]:
    """The report for this file, account, period and tolerance; (report, True) when the
    same file was reconciled so before and its kept report is answered again."""
    source = parse_choice("source", source, SOURCES)
    division = parse_division("division", division, hunan=True)
    first, last = period_bounds(period)
    tolerance = parse_date_tolerance("date_tolerance", date_tolerance)
    digest = hashlib.sha256(content).hexdigest()
    reconciliation_id = Reconciliation.id_of(digest, source, division, first, last, tolerance)  # fmt: skip
    kept = ledger.store.get(reconciliation_id, Reconciliation)
    if kept is not None:
        return kept, True
    account = (source, division, first, last, tolerance)
    reconciliation = _reconciled(ledger, content, file_name, account, Actor.of(recorded_by), tick)
    ledger.save(reconciliation)
    return reconciliation, False


def _reconciled(
    ledger: Ledger,
    content: bytes,
    file_name: str,
    account: tuple[str, str, date, date, int],
    by: Actor,
    tick: Tick | None,
) -> Reconciliation:
    """The new report: the file read, the period's entries named, the lines matched."""
    source, division, first, last, tolerance = account
    digest = hashlib.sha256(content).hexdigest()
    try:
        ledger.get_account(source, division)
    except NotFound:
        raise InvalidInput("division", f"no account {source}/{division} is recorded") from None
    lines = read_treasury_file(content, ledger.settings.pii_key, tick)
    entries = named(ledger, ledger_entries(ledger, source, division, first, last, tolerance))
    pairs = match(entries, resolved(ledger, lines, entries), tolerance, tick)
    return Reconciliation(
        source=source,
        division=division,
        period_from=first,
        period_to=last,
        file_digest=digest,
        file_name=mask_id_numbers_in(file_name),
        report=report(pairs, entries, tolerance),
        **by.meta,
    )


def summary(reconciliation: Reconciliation) -> dict[str, Any]:
    """The report as answered (CONTRACT): its id, account, period, totals and lines."""
    r: Any = reconciliation
    return {
        "reconciliation_id": str(r.id),
        "account": {"source": r.source, "division": r.division},
        "period": {"from": r.period_from.isoformat(), "to": r.period_to.isoformat()},
        "date_tolerance": r.report.get("date_tolerance"),
        "file_name": r.file_name,
        "file_sha256": r.file_digest,
        "totals": r.report["totals"],
        "lines": r.report["lines"],
    }
