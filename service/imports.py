"""Survey import: the county's 《湖南省农村贫困劳动力就业信息表》 as CSV (UTF-8 or GBK) or
XLSX, thousands of rows. Each valid row registers the worker (when new) and records the
survey; each invalid row comes back with its row number, field and reason. Nothing is
recorded for a bad row, and a re-import records nothing twice: a row's event ids derive
from the person and the survey date, so the ledger answers a repeated row as a retry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from adapters.settings import hash_id_number
from adapters.tables import read_table
from domain import ids
from domain.commands import RegisterWorker, SurveyWorker
from domain.errors import Conflict, Forbidden, InvalidInput, LedgerError, PolicyRefusal
from domain.keys import Key
from domain.recorded import Actor
from domain.values import birth_date_of_id_number, parse_id_number
from service.access import Access
from service.idempotency import request_hash
from service.ledger import Ledger
from service.parsing import parse
from service.recording import FactItem
from service.results import FactRecorded

CHUNK = 250

# Canonical field → the headers it may carry on the form (Chinese or English).
HEADERS: dict[str, tuple[str, ...]] = {
    "worker_id": ("worker_id", "劳动力编号", "编号"),
    "name": ("name", "姓名"),
    "id_number": ("id_number", "身份证号", "身份证号码", "公民身份号码"),
    "birth_date": ("birth_date", "出生日期"),
    "home_division": ("home_division", "户籍所在地代码", "户籍地代码", "县市区代码"),
    "registered_on": ("registered_on", "建档立卡日期", "登记日期"),
    "surveyed_on": ("surveyed_on", "摸查日期"),
    "surveyor": ("surveyor", "摸查人", "摸查责任人"),
    "status": ("status", "就业状态"),
    "willing_to_work": ("willing_to_work", "就业意愿", "是否有就业意愿"),
    "service_needs": ("service_needs", "就业服务需求", "服务需求"),
    "work_division": ("work_division", "就业地点代码", "就业地代码"),
    "employer_name": ("employer_name", "就业单位名称", "单位名称"),
    "employer_contact": ("employer_contact", "联系方式", "单位联系方式"),
}
REQUIRED = ("name", "id_number", "home_division", "surveyed_on", "surveyor", "status")
STATUSES = {
    "employed": "employed",
    "已就业": "employed",
    "unemployed": "unemployed",
    "未就业": "unemployed",
}
YES = {"是", "有", "yes", "true", "y", "1"}
NO = {"否", "无", "no", "false", "n", "0"}


@dataclass
class RowError:
    row: int
    field: str
    reason: str


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
            "errors": [{"row": e.row, "field": e.field, "reason": e.reason} for e in self.errors],
        }


@dataclass(frozen=True)
class SurveyRow:
    """One form row's facts, parsed: the person's registration and their survey (about
    the worker the registration names), and each as the form stated it."""

    row: int
    id_hash: str
    registration: RegisterWorker
    survey: SurveyWorker
    stated: tuple[dict[str, Any], dict[str, Any]]


def parse_row(row: int, cells: Mapping[str, str], pii_key: bytes) -> SurveyRow:
    """The facts one form row states — the form's words (已就业, 是, needs separated by 、)
    read as the contract's values, then each field parsed once, by the same parsers as
    `POST /v1/events` — or InvalidInput naming the first bad field."""
    id_number = parse_id_number("id_number", cells.get("id_number", ""))  # the row's person
    id_hash = hash_id_number(pii_key, id_number)
    worker_id = cells.get("worker_id") or f"W{id_hash[:20]}"
    registration, survey = stated_facts(cells, id_number)
    # The survey first: its date is the form's own, and the registration's defaults to it.
    surveyed = parse(SurveyWorker, {"worker_id": worker_id, **survey})
    registered = parse(RegisterWorker, {"worker_id": worker_id, **registration})
    return SurveyRow(row, id_hash, registered, surveyed, (registration, survey))


def stated_facts(cells: Mapping[str, str], id_number: str) -> tuple[dict[str, Any], dict[str, Any]]:
    status = STATUSES.get(cells.get("status", "").lower())
    if status is None:
        raise InvalidInput("status", f"should be 已就业 or 未就业, not {cells.get('status')!r}")
    employed = status == "employed"
    registration = {
        "name": cells.get("name", ""),
        "id_number": id_number,
        "birth_date": cells.get("birth_date") or birth_date_of_id_number(id_number).isoformat(),
        "home_division": cells.get("home_division", ""),
        "registered_on": cells.get("registered_on") or cells.get("surveyed_on", ""),
    }
    survey: dict[str, Any] = {
        "surveyed_on": cells.get("surveyed_on", ""),
        "surveyor": cells.get("surveyor", ""),
        "status": status,
        "willing_to_work": _yes_no("willing_to_work", cells.get("willing_to_work", ""), employed),
        "service_needs": [need for need in _split(cells.get("service_needs", "")) if need],
    }
    if employed:
        for field_name in ("work_division", "employer_name", "employer_contact"):
            survey[field_name] = cells.get(field_name, "")
    return registration, survey


def _yes_no(field_name: str, text: str, default: bool) -> bool:
    if not text:
        if default:
            return True
        raise InvalidInput(field_name, "is required for the unemployed (是/否)")
    if text.lower() in YES:
        return True
    if text.lower() in NO:
        return False
    raise InvalidInput(field_name, f"should be 是 or 否, not {text!r}")


def _split(text: str) -> list[str]:
    for separator in ("、", "，", "；", ";", "|"):
        text = text.replace(separator, ",")
    return [part.strip() for part in text.split(",")]


def import_surveys(
    ledger: Ledger,
    content: bytes,
    recorded_by: str | Actor,
    within: Callable[[str], bool] | None = None,
    access: Access | None = None,
) -> ImportReport:
    """Record every valid row; report every invalid one. `within(home_division)` limits
    the rows to a clerk's scope: a row about a worker of another county is refused; and
    with `access` each fact is authorised as `POST /v1/events` does — a person registered
    in another county is not surveyed through this form."""
    report = ImportReport()
    parsed: list[SurveyRow] = []
    seen: dict[tuple[str, str], int] = {}
    for row, cells in read_table(content, HEADERS, REQUIRED):
        report.rows += 1
        try:
            survey_row = parse_row(row, cells, ledger.settings.pii_key)
            home = survey_row.registration.home_division
            if within is not None and not within(home):
                raise InvalidInput("home_division", f"{home} lies outside the token's scope")
        except InvalidInput as error:
            report.errors.append(RowError(row, error.field, error.reason))
            continue
        duplicate = seen.setdefault((survey_row.id_hash, f"{survey_row.survey.surveyed_on}"), row)
        if duplicate != row:
            report.errors.append(
                RowError(row, "id_number", f"repeats row {duplicate} for the same person and date")
            )
            continue
        parsed.append(survey_row)
    for start in range(0, len(parsed), CHUNK):
        _record_chunk(ledger, parsed[start : start + CHUNK], Actor.of(recorded_by), report, access)
    report.errors.sort(key=lambda error: error.row)
    return report


def _record_chunk(
    ledger: Ledger,
    rows: list[SurveyRow],
    by: Actor,
    report: ImportReport,
    access: Access | None,
) -> None:
    """One transaction for the chunk; if the ledger refuses any row, record row by row so
    that only the refused rows are left out."""
    items = [item for row in rows for item in _items(row)]
    try:
        answers = ledger.record(items, by, access)
    except LedgerError:
        for row in rows:
            _record_row(ledger, row, by, report, access)
        return
    _count(report, answers)


def _record_row(
    ledger: Ledger,
    row: SurveyRow,
    by: Actor,
    report: ImportReport,
    access: Access | None,
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
        report.errors.append(RowError(row.row, "id_number", reason))
    except InvalidInput as error:
        report.errors.append(RowError(row.row, error.field.split(".")[-1], error.reason))
    except PolicyRefusal as error:
        report.errors.append(RowError(row.row, "id_number", f"{error.rule}: {error.reason}"))
    except LedgerError as error:
        report.errors.append(RowError(row.row, "worker_id", error.detail))
    else:
        _count(report, answers)


def _count(report: ImportReport, answers: list[FactRecorded]) -> None:
    replayed = [answer.replayed for answer in answers if answer.type == "WorkerSurveyed"]
    report.already_recorded += sum(replayed)
    report.recorded += len(replayed) - sum(replayed)


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
    event_id = f"import:survey:{key}:{row.survey.surveyed_on}"
    items.append(form_fact(event_id, "WorkerSurveyed", surveyed, stated))
    return items


def form_fact(event_id: str, type_: str, command: Any, stated: dict[str, Any]) -> FactItem:
    return FactItem(event_id, type_, command, request_hash({"type": type_, "data": stated}))


def _registered_as(ledger: Ledger, id_hash: str) -> str | None:
    try:
        key: object = ledger.repository.get(ids.key_uuid("person", id_hash))
    except AggregateNotFoundError:  # the person is new
        return None
    return key.owner if isinstance(key, Key) else None
