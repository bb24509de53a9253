"""The survey form as counties fill it (《湖南省农村贫困劳动力就业信息表》): its columns, the
words clerks write in them (已就业, 是, needs separated by 、), the dates Chinese Excel
writes (2017/9/1, 2018.7.15, 2018年7月15日, date cells), and each row read into the facts
it states — or an error that names the row and the column **as the form writes it**
(摸查日期, not `surveyed_on`), with its reason in Chinese and English (service.reasons).

The template (`GET /v1/imports/surveys/template`) carries one example row whose ID number
is EXAMPLE_ID_NUMBER; a form that still has it gets that row skipped, not recorded: an
invented person must never enter the ledger because a clerk forgot to delete it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from adapters.settings import hash_id_number
from adapters.tables import Budget, open_table
from domain.commands import RegisterWorker, SurveyWorker
from domain.errors import InvalidInput
from domain.id_numbers import id_check_char
from domain.values import birth_date_of_id_number, parse_form_date, parse_id_number
from service.parsing import parse
from service.reasons import bilingual

# Canonical field → the headers it may carry on the form: the contract's Chinese header
# first (how an error names a column the form lacks), then variants and the English name.
HEADERS: dict[str, tuple[str, ...]] = {
    "worker_id": ("劳动力编号", "编号", "worker_id"),
    "name": ("姓名", "name"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "id_number"),
    "birth_date": ("出生日期", "birth_date"),
    "home_division": ("户籍所在地代码", "户籍地代码", "县市区代码", "home_division"),
    "registered_on": ("建档立卡日期", "登记日期", "registered_on"),
    "surveyed_on": ("摸查日期", "surveyed_on"),
    "surveyor": ("摸查人", "摸查责任人", "surveyor"),
    "status": ("就业状态", "status"),
    "willing_to_work": ("就业意愿", "是否有就业意愿", "willing_to_work"),
    "service_needs": ("就业服务需求", "服务需求", "service_needs"),
    "work_division": ("就业地点代码", "就业地代码", "work_division"),
    "employer_name": ("就业单位名称", "单位名称", "employer_name"),
    "employer_contact": ("联系方式", "单位联系方式", "employer_contact"),
}
# The form's columns in the contract's order (the template writes them so).
FORM_FIELDS = tuple(name for name in HEADERS if name != "birth_date")
REQUIRED = ("name", "id_number", "home_division", "surveyed_on", "surveyor", "status")
DATE_FIELDS = ("birth_date", "registered_on", "surveyed_on")
STATUSES = {"employed": "employed", "已就业": "employed", "unemployed": "unemployed", "未就业": "unemployed"}  # fmt: skip
YES = {"是", "有", "yes", "true", "y", "1"}
NO = {"否", "无", "no", "false", "n", "0"}
# The template's example person: 芙蓉区 (430102), born 1990-03-07, sequence 123.
EXAMPLE_ID_NUMBER = "43010219900307123" + id_check_char("43010219900307123")


def chinese_header(name: str) -> str:
    return HEADERS[name][0]


@dataclass(frozen=True)
class RowError:
    """One refused row: its number as the spreadsheet shows it, the field, the column as
    the form writes it, and why (Chinese, then English)."""

    row: int
    field: str
    column: str
    reason: str

    def public(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "field": self.field, "reason": self.reason}


@dataclass(frozen=True)
class SurveyRow:
    """One form row's facts, parsed: the person's registration and their survey (about
    the worker the registration names), and each as the form stated it."""

    row: int
    id_hash: str
    registration: RegisterWorker
    survey: SurveyWorker
    stated: tuple[dict[str, Any], dict[str, Any]]


@dataclass
class Chunk:
    """Up to `size` valid rows in form order, the rows refused since the chunk before, and
    how many data rows the form has up to this chunk's end (its `done`)."""

    valid: list[SurveyRow]
    errors: list[RowError]
    done: int


@dataclass
class Form:
    """A form being read: its columns as written, and its rows as they stream — parsed a
    chunk at a time, so a job's progress moves from the first chunk on and memory holds
    one chunk of parsed rows. Chunks are the same on every read of the same file: a
    resumed job finds its place by `done`."""

    columns: dict[str, str]
    rows: int = 0
    valid: list[SurveyRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    _table: Iterator[tuple[int, dict[str, str]]] = field(default=iter(()), repr=False)
    _within: Callable[[str], bool] | None = field(default=None, repr=False)
    _pii_key: bytes = field(default=b"", repr=False)
    _budget: Budget | None = field(default=None, repr=False)

    def error(self, row: int, field_name: str, reason: str) -> RowError:
        """An error about `field_name`, named by the column the clerk sees."""
        name = field_name.split(".")[-1]
        column = self.columns.get(name) or (chinese_header(name) if name in HEADERS else name)
        return RowError(row, name, column, bilingual(name, reason))

    def chunks(self, size: int) -> Iterator[Chunk]:
        """The rows in chunks of `size` valid rows (the last chunk may hold fewer, or none)."""
        seen: dict[tuple[str, str], int] = {}
        chunk = Chunk([], [], 0)
        for row, cells in self._table:
            if cells.get("id_number") == EXAMPLE_ID_NUMBER:
                continue  # the template's example row (see the module's docstring)
            self.rows += 1
            self._read(row, cells, chunk, seen)
            if len(chunk.valid) == size:
                chunk.done = self.rows
                with self._paused():  # recording the chunk is not reading the file
                    yield chunk
                chunk = Chunk([], [], 0)
        chunk.done = self.rows
        yield chunk

    def _paused(self) -> AbstractContextManager[None]:
        return self._budget.paused() if self._budget is not None else nullcontext()

    def _read(
        self, row: int, cells: dict[str, str], chunk: Chunk, seen: dict[tuple[str, str], int]
    ) -> None:
        try:
            survey_row = parse_row(row, cells, self._pii_key)
            home = survey_row.registration.home_division
            if self._within is not None and not self._within(home):
                raise InvalidInput("home_division", f"{home} lies outside the token's scope")
        except InvalidInput as error:
            chunk.errors.append(self.error(row, error.field, error.reason))
            return
        first = seen.setdefault((survey_row.id_hash, f"{survey_row.survey.surveyed_on}"), row)
        if first != row:
            reason = f"repeats row {first} for the same person and date"
            chunk.errors.append(self.error(row, "id_number", reason))
            return
        chunk.valid.append(survey_row)


def open_form(content: bytes, pii_key: bytes, within: Callable[[str], bool] | None = None) -> Form:
    """The form in the upload, its header found (InvalidInput for a file that is no form
    at all); `within(home_division)` limits the rows to a clerk's scope."""
    table = open_table(content, HEADERS, REQUIRED)
    return Form(
        dict(table.written),
        _table=table.rows,
        _within=within,
        _pii_key=pii_key,
        _budget=table.budget,
    )


def count_rows(content: bytes) -> int:
    """The form's data rows (the template's example row left out), the header found."""
    table = open_table(content, HEADERS, REQUIRED)
    return sum(1 for _, cells in table.rows if cells.get("id_number") != EXAMPLE_ID_NUMBER)


def read_form(content: bytes, pii_key: bytes, within: Callable[[str], bool] | None = None) -> Form:
    """The whole form read at once: every valid row and every refused one."""
    form = open_form(content, pii_key, within)
    for chunk in form.chunks(len(content) + 1):
        form.valid += chunk.valid
        form.errors += chunk.errors
    return form


def parse_row(row: int, cells: Mapping[str, str], pii_key: bytes) -> SurveyRow:
    """The facts one form row states — the form's words and dates read as the contract's
    values, then each field parsed once, by the same parsers as `POST /v1/events` — or
    InvalidInput naming the first bad field."""
    id_number = parse_id_number("id_number", cells.get("id_number", ""))  # the row's person
    id_hash = hash_id_number(pii_key, id_number)
    worker_id = cells.get("worker_id") or f"W{id_hash[:20]}"
    registration, survey = stated_facts(form_dates(cells), id_number)
    # The survey first: its date is the form's own, and the registration's defaults to it.
    surveyed = parse(SurveyWorker, {"worker_id": worker_id, **survey})
    registered = parse(RegisterWorker, {"worker_id": worker_id, **registration})
    return SurveyRow(row, id_hash, registered, surveyed, (registration, survey))


def form_dates(cells: Mapping[str, str]) -> dict[str, str]:
    """The row with each date as the ledger writes it (2017/9/1 → 2017-09-01)."""
    dated = dict(cells)
    for name in DATE_FIELDS:
        if dated.get(name):
            dated[name] = parse_form_date(name, dated[name]).isoformat()
    return dated


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
