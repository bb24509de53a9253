"""The files a finance officer opens about accounts (issue 12 "Excel-first, in Chinese"):
the statement, the balances and the year-end statement, as XLSX or CSV, headed in
Chinese (English with `?lang=en`), written by adapters/sheets.py and sent by
api/downloads.py.

English headers are the JSON answer's own keys, so that a program that reads the CSV and
one that reads the JSON speak one vocabulary. Amounts are numeric cells and dates date
cells (sheets.py); a statement's file begins with its opening balance (期初余额) and ends
with its closing balance (期末余额) on rows of their own, so that its amounts add up to
closing − opening; a worker's name appears as the payee of a payment to that worker,
never an ID number. A file's name says what it is: 就业补助资金-430102-2018-01.xlsx."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fastapi.responses import StreamingResponse

from adapters.sheets import Cell, Column, Lang, Sheet, csv_chunks, xlsx_chunks
from api.downloads import Format, csv_download, xlsx_download
from domain import divisions
from domain.errors import InvalidInput
from domain.policy.names import line_summary
from domain.sources import NAMES as SOURCE_NAMES
from domain.values import FIRST_DAY, LAST_DAY

# Widths in characters (a CJK character counts two): an ISO date, a 文号 such as
# 湘财社〔2017〕1号, an organisation's name, a yuan amount into the hundreds of millions.
STATEMENT_COLUMNS = (
    Column("日期", "date", 12),
    Column("摘要", "summary", 36),
    Column("收款人", "payee_name", 28),
    Column("金额", "amount", 16),
    Column("余额", "balance", 18),
    Column("文号", "document_ref", 24),
    Column("类别", "kind", 14),
    Column("规则", "rule", 6),
    Column("收款人编号", "payee_id", 18),
    Column("劳动力编号", "worker_id", 18),
    Column("记账序号", "position", 10),
    Column("记账时间", "recorded_at", 20),
)
BALANCE_COLUMNS = (
    Column("资金来源", "source", 28),
    Column("区划代码", "division", 10),
    Column("区划名称", "division_name", 16),
    Column("拨入", "appropriated", 18),
    Column("支出", "paid", 18),
    Column("冲回", "reversed", 16),
    Column("余额", "balance", 18),
)
YEAR_END_COLUMNS = (
    Column("期间", "period", 10),
    Column("期初余额", "opening_balance", 18),
    Column("拨入", "appropriated", 18),
    Column("支出", "paid", 18),
    Column("冲回", "reversed", 16),
    Column("期末余额", "closing_balance", 18),
)
KINDS = {"appropriation": "拨款", "payment": "支付", "reversal": "冲回"}
OPENING = Column("期初余额", "opening_balance")
CLOSING = Column("期末余额", "closing_balance")
BALANCES = Column("账户余额", "balances")
YEAR_END = Column("年度收支", "year-end")
WHOLE_YEAR = Column("全年", "year")


def source_title(source: str, lang: Lang) -> str:
    """The funding source as a sheet is named: 就业补助资金, or its id in English."""
    return source if lang == "en" else SOURCE_NAMES.get(source, source)


@dataclass(frozen=True)
class Export:
    """A file to be: its name without the extension, its columns and its sheets (one
    workbook in XLSX; in CSV their rows one after another under one header)."""

    name: str
    columns: Sequence[Column]
    sheets: Sequence[Sheet]
    lang: Lang

    def header(self) -> list[str]:
        return [column.title(self.lang) for column in self.columns]

    def rows(self) -> Iterator[Sequence[Cell]]:
        return (row for sheet in self.sheets for row in sheet.rows)

    def chunks(self, fmt: Format) -> Iterator[bytes]:
        """The file's bytes as they are written (the command line writes them to disk)."""
        if fmt == "xlsx":
            return xlsx_chunks(*self.sheets)
        return csv_chunks(self.header(), self.rows())

    def response(self, fmt: Format) -> StreamingResponse:
        if fmt == "xlsx":
            return xlsx_download(self.name, *self.sheets)
        return csv_download(self.name, self.header(), self.rows())


# The statement.


def statement_name(head: dict[str, Any], lang: Lang) -> str:
    """就业补助资金-430102-2018-01 for a calendar month, …-2018 for a calendar year,
    …-2018-01-01_2018-03-31 otherwise, …-全部 (all) for no dates."""
    first, last = head.get("from"), head.get("to")
    return "-".join(
        (source_title(head["source"], lang), head["division"], dates(first, last, lang))
    )


def dates(first: str | None, last: str | None, lang: Lang) -> str:
    if first is None and last is None:
        return "all" if lang == "en" else "全部"
    if first is not None and last is not None:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
        if (start.month, start.day, end.month, end.day) == (
            1,
            1,
            12,
            31,
        ) and start.year == end.year:
            return f"{start.year:04d}"
        if start.day == 1 and end == last_of_month(start):
            return first[:7]
    return f"{first or ''}_{last or ''}"


def last_of_month(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def statement_rows(
    head: dict[str, Any], lines: Iterable[dict[str, Any]], lang: Lang
) -> Iterator[list[Cell]]:
    """期初余额, each line, 期末余额 — the balance column carries all three."""
    balance = Decimal(head["opening_balance"])
    yield balance_row(head.get("from"), OPENING.title(lang), balance)
    for line in lines:
        balance = Decimal(line["balance"])
        yield statement_row(line, lang)
    yield balance_row(head.get("to"), CLOSING.title(lang), balance)


def balance_row(day: str | None, label: str, balance: Decimal) -> list[Cell]:
    cells: list[Cell] = [None] * len(STATEMENT_COLUMNS)
    cells[0], cells[1], cells[4] = _day(day), label, balance
    return cells


def statement_row(line: dict[str, Any], lang: Lang) -> list[Cell]:
    kind = line["kind"]
    note = line["document_ref"] if kind == "appropriation" else line["reason"]
    return [
        _day(line["date"]),
        line_summary(kind, line["rule"], note, lang),
        line["payee_name"],
        Decimal(line["amount"]),
        Decimal(line["balance"]),
        line["document_ref"],
        kind if lang == "en" else KINDS.get(kind, kind),
        line["rule"],
        line["payee_id"],
        line["worker_id"],
        int(line["position"]),
        datetime.fromisoformat(line["recorded_at"]),
    ]


def statement_export(head: dict[str, Any], lines: Iterable[dict[str, Any]], lang: Lang) -> Export:
    sheet = Sheet.of(
        Column(source_title(head["source"], "zh"), head["source"]),
        STATEMENT_COLUMNS,
        statement_rows(head, lines, lang),
        lang,
    )
    return Export(statement_name(head, lang), STATEMENT_COLUMNS, [sheet], lang)


# The balances.


def balance_cells(row: dict[str, Any], lang: Lang) -> list[Cell]:
    division = row["division"]
    return [
        source_title(row["source"], lang),
        division,
        divisions.name(division) if divisions.is_known(division) else None,
        *(Decimal(row[key]) for key in ("appropriated", "paid", "reversed", "balance")),
    ]


def balances_export(rows: list[dict[str, Any]], when: str | None, lang: Lang) -> Export:
    """One sheet per funding source, named in Chinese (就业补助资金, 失业保险基金, 当地财政)."""
    sheets = [
        Sheet.of(
            Column(source_title(source, "zh"), source),
            BALANCE_COLUMNS,
            [balance_cells(row, lang) for row in rows if row["source"] == source],
            lang,
        )
        for source in SOURCE_NAMES
    ]
    name = "-".join(part for part in (BALANCES.title(lang), when) if part)
    return Export(name, BALANCE_COLUMNS, sheets, lang)


# The year-end statement.


def parse_year(text: str) -> int:
    """`?year=` / `--year`: four ASCII digits, a year whose year before the ledger keeps
    too (its closing is the balance brought forward)."""
    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        raise InvalidInput("year", f"should be a year YYYY, not {text!r}")
    year = int(text)
    if not FIRST_DAY.year < year <= LAST_DAY.year:
        raise InvalidInput("year", f"should lie in {FIRST_DAY.year + 1}–{LAST_DAY.year}")
    return year


def year_end_cells(row: dict[str, Any], label: str) -> list[Cell]:
    return [label, *(Decimal(row[c.en]) for c in YEAR_END_COLUMNS[1:])]


def year_end_export(report: dict[str, Any], lang: Lang) -> Export:
    """Twelve months and the whole year, under the source's name."""
    rows = [year_end_cells(month, month["period"]) for month in report["months"]]
    rows.append(year_end_cells(report, WHOLE_YEAR.title(lang)))
    sheet = Sheet.of(
        Column(source_title(report["source"], "zh"), report["source"]), YEAR_END_COLUMNS, rows, lang
    )
    parts = (source_title(report["source"], lang), report["division"], str(report["year"]))
    name = "-".join((*parts, YEAR_END.title(lang)))
    return Export(name, YEAR_END_COLUMNS, [sheet], lang)


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)
