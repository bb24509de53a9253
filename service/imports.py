"""Survey import: the county's 《湖南省农村贫困劳动力就业信息表》 as CSV (UTF-8 or GBK) or
XLSX, thousands of rows. Each valid row registers the worker (when new) and records the
survey; each invalid row comes back with its row number, field and reason. Nothing is
recorded for a bad row, and a re-import records nothing twice: a row's event ids derive
from the person and the survey date, so the ledger answers a repeated row as a retry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from adapters.settings import hash_id_number
from adapters.tables import read_table
from domain import ids
from domain.errors import Conflict, Forbidden, InvalidInput, LedgerError, PolicyRefusal
from domain.keys import Key
from domain.recorded import Actor
from domain.values import (
    birth_date_of_id_number,
    parse_date,
    parse_division,
    parse_id_number,
    parse_identifier,
    parse_text,
)
from service.ledger import Authorize, FactRecorded, Ledger

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
    row: int
    id_hash: str
    worker_id: str | None
    registration: dict[str, Any]
    survey: dict[str, Any]


def parse_row(row: int, cells: Mapping[str, str], pii_key: bytes) -> SurveyRow:
    """The facts one form row states, or InvalidInput naming the first bad field."""
    id_number = parse_id_number("id_number", cells.get("id_number", ""))
    birth_date = birth_date_of_id_number(id_number)
    if cells.get("birth_date") and parse_date("birth_date", cells["birth_date"]) != birth_date:
        raise InvalidInput("birth_date", f"differs from the ID number's {birth_date}")
    surveyed_on = parse_date("surveyed_on", cells.get("surveyed_on", ""))
    status = STATUSES.get(cells.get("status", "").lower())
    if status is None:
        raise InvalidInput("status", f"should be 已就业 or 未就业, not {cells.get('status')!r}")
    employed = status == "employed"
    registration = {
        "name": parse_text("name", cells.get("name", "")),
        "id_number": id_number,
        "birth_date": birth_date.isoformat(),
        "home_division": parse_division(
            "home_division", cells.get("home_division", ""), hunan=True, levels=("county",)
        ),
        "registered_on": parse_date(
            "registered_on", cells.get("registered_on") or surveyed_on.isoformat()
        ).isoformat(),
    }
    survey: dict[str, Any] = {
        "surveyed_on": surveyed_on.isoformat(),
        "surveyor": parse_text("surveyor", cells.get("surveyor", "")),
        "status": status,
        "willing_to_work": _yes_no(
            "willing_to_work", cells.get("willing_to_work", ""), default=employed
        ),
        "service_needs": [need for need in _split(cells.get("service_needs", "")) if need],
    }
    if employed:
        survey["work_division"] = parse_division("work_division", cells.get("work_division", ""))
        survey["employer_name"] = parse_text("employer_name", cells.get("employer_name", ""))
        survey["employer_contact"] = parse_text(
            "employer_contact", cells.get("employer_contact", "")
        )
    worker_id = cells.get("worker_id") or None
    if worker_id is not None:
        parse_identifier("worker_id", worker_id)
    return SurveyRow(row, hash_id_number(pii_key, id_number), worker_id, registration, survey)


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
    authorize: Authorize | None = None,
) -> ImportReport:
    """Record every valid row; report every invalid one. `within(home_division)` limits
    the rows to a clerk's scope: a row about a worker of another county is refused; and
    `authorize` checks each fact as `POST /v1/events` does — a person registered in
    another county is not surveyed through this form."""
    report = ImportReport()
    parsed: list[SurveyRow] = []
    seen: dict[tuple[str, str], int] = {}
    for row, cells in read_table(content, HEADERS, REQUIRED):
        report.rows += 1
        try:
            survey_row = parse_row(row, cells, ledger.settings.pii_key)
            home = survey_row.registration["home_division"]
            if within is not None and not within(home):
                raise InvalidInput("home_division", f"{home} lies outside the token's scope")
        except InvalidInput as error:
            report.errors.append(RowError(row, error.field, error.reason))
            continue
        duplicate = seen.setdefault((survey_row.id_hash, survey_row.survey["surveyed_on"]), row)
        if duplicate != row:
            report.errors.append(
                RowError(row, "id_number", f"repeats row {duplicate} for the same person and date")
            )
            continue
        parsed.append(survey_row)
    for start in range(0, len(parsed), CHUNK):
        _record_chunk(ledger, parsed[start : start + CHUNK], recorded_by, report, authorize)
    report.errors.sort(key=lambda error: error.row)
    return report


def _record_chunk(
    ledger: Ledger,
    rows: list[SurveyRow],
    recorded_by: str | Actor,
    report: ImportReport,
    authorize: Authorize | None,
) -> None:
    """One transaction for the chunk; if the ledger refuses any row, record row by row so
    that only the refused rows are left out."""
    items = [item for row in rows for item in _items(row)]
    try:
        answers = ledger.record_batch(items, recorded_by, authorize)
    except LedgerError:
        for row in rows:
            _record_row(ledger, row, recorded_by, report, authorize)
        return
    _count(report, answers)


def _record_row(
    ledger: Ledger,
    row: SurveyRow,
    recorded_by: str | Actor,
    report: ImportReport,
    authorize: Authorize | None,
) -> None:
    try:
        try:
            answers = ledger.record_batch(_items(row), recorded_by, authorize)
        except Conflict:
            # Registered before, by another channel: the survey is about that worker —
            # unless the row names another worker id for the same person (R24).
            owner = _registered_as(ledger, row.id_hash)
            if owner is None or row.worker_id not in (None, owner):
                raise
            answers = ledger.record_batch(_items(row, owner), recorded_by, authorize)
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


def _items(row: SurveyRow, registered_as: str | None = None) -> list[dict[str, Any]]:
    """The row's facts: the registration (unless the person is registered as another
    worker), then the survey. Event ids derive from the person and the survey date."""
    key = row.id_hash[:24]
    worker_id = registered_as or row.worker_id or f"W{key[:20]}"
    items: list[dict[str, Any]] = []
    if registered_as is None:
        registration = {"worker_id": worker_id, **row.registration}
        items.append(
            {"event_id": f"import:reg:{key}", "type": "WorkerRegistered", "data": registration}
        )
    survey_id = f"import:survey:{key}:{row.survey['surveyed_on']}"
    items.append(
        {
            "event_id": survey_id,
            "type": "WorkerSurveyed",
            "data": {"worker_id": worker_id, **row.survey},
        }
    )
    return items


def _registered_as(ledger: Ledger, id_hash: str) -> str | None:
    try:
        key: object = ledger.repository.get(ids.key_uuid("person", id_hash))
    except AggregateNotFoundError:  # the person is new
        return None
    return key.owner if isinstance(key, Key) else None
