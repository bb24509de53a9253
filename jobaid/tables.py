"""Reading the tables people upload: CSV in UTF-8 or GBK (GB 18030), or an XLSX
workbook's first sheet, with headers matched by their Chinese or English names."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime

from domain.errors import InvalidInput

Headers = Mapping[str, tuple[str, ...]]


def read_table(
    content: bytes, headers: Headers, required: Sequence[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number as a spreadsheet shows it, {canonical field: text}) for each data row.
    `headers` maps each field to the column titles it may carry."""
    rows = _xlsx_rows(content) if content[:2] == b"PK" else _csv_rows(content)
    header = next(rows, None)
    if header is None:
        raise InvalidInput("file", "is empty")
    columns = _columns(header, headers, required)
    for number, values in enumerate(rows, start=2):
        if not any(value.strip() for value in values):
            continue
        yield number, {name: values[i].strip() for name, i in columns.items() if i < len(values)}


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return iter(csv.reader(io.StringIO(text)))
    raise InvalidInput("file", "is neither UTF-8 nor GBK text, nor an XLSX workbook")


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise InvalidInput(
            "file", f"is not a readable XLSX workbook ({type(error).__name__})"
        ) from None
    sheet = book.worksheets[0]
    return ([_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True))


def _cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def _columns(header: list[str], headers: Headers, required: Sequence[str]) -> dict[str, int]:
    names = {alias.lower(): name for name, aliases in headers.items() for alias in aliases}
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        name = names.get(title.strip().lower())
        if name is not None:
            columns.setdefault(name, index)
    missing = [name for name in required if name not in columns]
    if missing:
        raise InvalidInput("file", f"has no column for {', '.join(missing)}")
    return columns
