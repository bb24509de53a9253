"""Survey import: the county's 《湖南省农村贫困劳动力就业信息表》 as CSV (UTF-8 or GBK) or
XLSX, thousands of rows (read by service.survey_form). Each valid row registers the worker
(when new) and records the survey; each invalid row comes back with its row number,
column and reason. Nothing is recorded for a bad row, and a re-import records nothing
twice: a row's event ids derive from the person and the survey date, so the ledger
answers a repeated row — from this file, a re-run of it, or another file — as a retry.

`import_surveys` runs a whole form here and now (the command line); over HTTP a form is a
job (service.import_jobs) that records the same chunks through `record_rows`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from adapters.progress import Progress
from domain import ids
from domain.errors import Conflict, Forbidden, InvalidInput, LedgerError, PolicyRefusal
from domain.keys import Key
from domain.recorded import Actor
from service.access import Access
from service.idempotency import request_hash
from service.ledger import Ledger
from service.recording import FactItem
from service.results import FactRecorded
from service.survey_form import Form, RowError, SurveyRow, count_rows, open_form

# Rows per transaction: large enough that a save's fixed cost is shared (EVENTSOURCING-
# NOTES: 100 events per save ≈ 12,500/s on SQLite), small enough that a refused row
# sends only its own chunk row by row.
CHUNK = 250


@dataclass
class ImportReport:
    rows: int = 0
    recorded: int = 0
    already_recorded: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len({error.row for error in self.errors})

    def public(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "recorded": self.recorded,
            "already_recorded": self.already_recorded,
            "rejected": self.rejected,
            "errors": [error.public() for error in self.errors],
        }


@dataclass
class Outcome:
    """What recording some rows did: the rows recorded now, the rows the ledger already
    held (answered as retries), and the rows it refused."""

    recorded: list[int] = field(default_factory=list)
    replayed: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def import_surveys(
    ledger: Ledger,
    content: bytes,
    recorded_by: str | Actor,
    within: Callable[[str], bool] | None = None,
    access: Access | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Record every valid row; report every invalid one. `within(home_division)` limits
    the rows to a clerk's scope: a row about a worker of another county is refused; and
    with `access` each fact is authorised as `POST /v1/events` does — a person registered
    in another county is not surveyed through this form. `progress(done, total)` hears
    of each chunk."""
    form = open_form(content, ledger.settings.pii_key, within)
    total = count_rows(content) if progress is not None else None
    report = ImportReport()
    for chunk in form.chunks(CHUNK):
        report.errors += chunk.errors
        if chunk.valid:
            outcome = record_rows(ledger, form, chunk.valid, Actor.of(recorded_by), access)
            report.recorded += len(outcome.recorded)
            report.already_recorded += len(outcome.replayed)
            report.errors += outcome.errors
        if progress is not None:
            progress(chunk.done, total)
    report.rows = form.rows
    report.errors.sort(key=lambda error: error.row)
    return report


def record_rows(
    ledger: Ledger, form: Form, rows: list[SurveyRow], by: Actor, access: Access | None
) -> Outcome:
    """One transaction for the rows; if the ledger refuses any row, record row by row so
    that only the refused rows are left out."""
    outcome = Outcome()
    items = [item for row in rows for item in _items(row)]
    try:
        answers = ledger.record(items, by, access)
    except LedgerError:
        for row in rows:
            _record_row(ledger, form, row, by, outcome, access)
        return outcome
    _count(outcome, rows, answers)
    return outcome


def _record_row(
    ledger: Ledger, form: Form, row: SurveyRow, by: Actor, outcome: Outcome, access: Access | None
) -> None:
    try:
        try:
            answers = ledger.record(_items(row), by, access)
        except Conflict:
            # Registered before, by another channel: the survey is about that worker —
            # unless the row names another worker id for the same person (R24).
            owner = _registered_as(ledger, row.id_hash)
            if owner is None or row.registration.worker_id not in (owner, f"W{row.id_hash[:20]}"):
                raise
            answers = ledger.record(_items(row, owner), by, access)
    except Forbidden:
        # The person is registered in a county outside the caller's scope; which one, or
        # as which worker, is not the caller's to learn.
        reason = "this person is registered outside the token's scope"
        outcome.errors.append(form.error(row.row, "id_number", reason))
    except InvalidInput as error:
        outcome.errors.append(form.error(row.row, error.field, error.reason))
    except PolicyRefusal as error:
        outcome.errors.append(form.error(row.row, "id_number", f"{error.rule}: {error.reason}"))
    except LedgerError as error:
        outcome.errors.append(form.error(row.row, "worker_id", error.detail))
    else:
        _count(outcome, [row], answers)


def _count(outcome: Outcome, rows: list[SurveyRow], answers: list[FactRecorded]) -> None:
    """Each row's survey answer (in the rows' order): recorded now, or a retry."""
    surveys = [answer for answer in answers if answer.type == "WorkerSurveyed"]
    for row, answer in zip(rows, surveys, strict=True):
        (outcome.replayed if answer.replayed else outcome.recorded).append(row.row)


def _items(row: SurveyRow, registered_as: str | None = None) -> list[FactItem]:
    """The row's facts: the registration (unless the person is registered as another
    worker), then the survey. Event ids derive from the person and the survey date."""
    key = row.id_hash[:24]
    registration, survey = row.stated
    worker_id = registered_as or row.registration.worker_id
    items: list[FactItem] = []
    if registered_as is None:
        stated = {"worker_id": worker_id, **registration}
        items.append(form_fact(f"import:reg:{key}", "WorkerRegistered", row.registration, stated))
    stated = {"worker_id": worker_id, **survey}
    surveyed = replace(row.survey, worker_id=worker_id)
    items.append(form_fact(survey_event_id(row), "WorkerSurveyed", surveyed, stated))
    return items


def survey_event_id(row: SurveyRow) -> str:
    """The survey's idempotency key: the person (a prefix of the ID number's keyed hash)
    and the survey date — the same whichever file, job or re-run records it."""
    return f"import:survey:{row.id_hash[:24]}:{row.survey.surveyed_on}"


def form_fact(event_id: str, type_: str, command: Any, stated: dict[str, Any]) -> FactItem:
    return FactItem(event_id, type_, command, request_hash({"type": type_, "data": stated}))


def _registered_as(ledger: Ledger, id_hash: str) -> str | None:
    try:
        key: object = ledger.repository.get(ids.key_uuid("person", id_hash))
    except AggregateNotFoundError:  # the person is new
        return None
    return key.owner if isinstance(key, Key) else None
