"""Reading uploads within bounds (CONTRACT "Personal data and hostile input", issue 10):
a decompression bomb, an XML entity, an oversize CSV field or too many rows is refused
as bad input naming its bound, with memory flat; an honest workbook still reads, its
date cells as YYYY-MM-DD."""

from __future__ import annotations

import contextlib
import io
import random
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime

import pytest
import xlsxwriter
from openpyxl import Workbook

from adapters import tables
from adapters.tables import (
    HEADER_SEARCH_ROWS,
    MAX_ROWS,
    Budget,
    header_key,
    open_table,
    read_table,
)
from adapters.xlsx_reader import xlsx_rows
from domain.errors import InvalidInput
from tests.workbooks import (
    HEADER_ROW,
    SHEET_END,
    SHEET_START,
    row_bomb,
    sheet_of,
    unpacked_bomb,
    workbook,
)

HEADERS = {"name": ("name",), "day": ("day", "日期"), "amount": ("amount",)}
MEMORY_BOUND = 50 * 1024 * 1024  # generous: refusing a bomb takes a few MB here


def read(content: bytes) -> list[tuple[int, dict[str, str]]]:
    return list(read_table(content, HEADERS, ("name",)))


def refused_within_memory(content: bytes) -> InvalidInput:
    """The refusal, after checking that reading up to it stayed under MEMORY_BOUND."""
    tracemalloc.start()
    try:
        with pytest.raises(InvalidInput) as refused:
            read(content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BOUND, f"peak {peak / 1e6:.1f} MB while refusing"
    return refused.value


def test_a_workbook_of_twenty_million_empty_rows_is_refused_at_the_row_bound() -> None:
    bomb = row_bomb()
    assert len(bomb) < 1024 * 1024  # the audit's was 459 KB
    refusal = refused_within_memory(bomb)
    assert refusal.field == "file" and f"more than {MAX_ROWS} rows" in refusal.reason


def test_a_sheet_that_unpacks_past_the_bound_is_refused_whatever_the_zip_claims() -> None:
    refusal = refused_within_memory(unpacked_bomb())
    assert "unpacks to more than 128 MB" in refusal.reason


def test_a_zip_that_understates_a_part_is_refused_not_trusted() -> None:
    content = bytearray(workbook(sheet_of(HEADER_ROW + b'<row r="2"/>' * 50_000)))
    # Claim 100 bytes unpacked in the part's central directory entry (its name follows
    # the 46-byte fixed header, the size sits at offset 24): zipfile stops there, and
    # the checksum gives the lie away.
    entry = bytes(content).rindex(b"xl/worksheets/sheet1.xml") - 46
    assert content[entry : entry + 4] == b"PK\x01\x02"
    content[entry + 24 : entry + 28] = (100).to_bytes(4, "little")
    refusal = refused_within_memory(bytes(content))
    assert "not a readable XLSX workbook" in refusal.reason


def test_a_row_numbered_past_the_bound_is_refused_without_walking_the_gap() -> None:
    refusal = refused_within_memory(
        workbook(sheet_of(HEADER_ROW + f'<row r="{MAX_ROWS + 1}"/>'.encode()))
    )
    assert f"more than {MAX_ROWS} rows" in refusal.reason


def test_shared_strings_past_their_count_or_characters_are_refused() -> None:
    many = b"".join([b"<sst>", b"<si/>" * (1_000_000 + 1), b"</sst>"])
    with pytest.raises(InvalidInput, match="more than 1000000 shared strings"):
        read(workbook(sheet_of(HEADER_ROW), shared_strings=many))
    long = b"<si><t>" + b"x" * 32_000 + b"</t></si>"
    strings = b"".join([b"<sst>", long * 600, b"</sst>"])
    refusal = refused_within_memory(workbook(sheet_of(HEADER_ROW), shared_strings=strings))
    assert "shared strings over 16M characters" in refusal.reason


@pytest.mark.parametrize(
    ("xml", "bound"),
    [
        (
            b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"x" * 40_000 + b"</t></is></c></row>",
            "32767 characters",
        ),
        (b'<row r="2"><c r="IW2" t="inlineStr"><is><t>x</t></is></c></row>', "column 256"),
        (b"<row>" + b"<x>" * 40 + b"</x>" * 40 + b"</row>", "deeper than 32"),
        (b'<row r="2" spans="' + b"1" * 2 * 1024 * 1024 + b'"/>', "XML token"),
        (b"<!--" + b"x" * 2 * 1024 * 1024 + b"-->", "XML token"),
    ],
)
def test_a_cell_or_xml_token_past_its_bound_is_refused(xml: bytes, bound: str) -> None:
    refusal = refused_within_memory(workbook(sheet_of(HEADER_ROW + xml)))
    assert bound in refusal.reason


@pytest.mark.parametrize(
    "prologue",
    [
        b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
        b'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        b'<!DOCTYPE worksheet SYSTEM "http://evil.example/x.dtd">',
    ],
)
def test_a_workbook_whose_xml_declares_a_doctype_or_entities_is_refused(prologue: bytes) -> None:
    sheet = [b'<?xml version="1.0"?>', prologue, SHEET_START[21:], HEADER_ROW, SHEET_END]
    with pytest.raises(InvalidInput, match="DOCTYPE or entities"):
        read(workbook(sheet))


def test_entities_in_the_shared_strings_are_refused_too() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "lol">]><sst><si><t>&a;</t></si></sst>'
    )
    with pytest.raises(InvalidInput, match="DOCTYPE or entities"):
        read(workbook(sheet_of(HEADER_ROW), shared_strings=laughs))


def test_parts_compressed_other_than_by_deflate_or_too_many_entries_are_refused() -> None:
    with pytest.raises(InvalidInput, match="other than by deflate"):
        read(workbook(sheet_of(HEADER_ROW), compression=zipfile.ZIP_BZIP2))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        for n in range(1_001):
            book.writestr(f"x/{n}", b"")
    with pytest.raises(InvalidInput, match="more than 1000 zip entries"):
        read(out.getvalue())


def test_a_csv_field_over_the_csv_modules_limit_is_bad_input_not_a_crash() -> None:
    quoted = '"' + "x\n" * 70_000 + '"'  # 140,000 characters over many short lines
    with pytest.raises(InvalidInput, match="row 2 is not CSV"):
        read(f"name\n{quoted}\n".encode())
    with pytest.raises(InvalidInput, match="line longer than"):
        read(("name\n" + "x" * 300_000 + "\n").encode())
    with pytest.raises(InvalidInput, match="32767 characters"):
        read(("name\n" + "x" * 40_000 + "\n").encode())


def test_a_csv_with_too_many_rows_is_refused_counting_empty_lines() -> None:
    refusal = refused_within_memory(b"name\n" + b"\n" * (32 * 1024 * 1024 - 5))
    assert f"more than {MAX_ROWS} rows" in refusal.reason
    assert len(read(b"name\n" + b"x\n" * (MAX_ROWS - 1))) == MAX_ROWS - 1


def test_a_file_over_the_upload_bound_is_refused_unread() -> None:
    with pytest.raises(InvalidInput, match="larger than 32 MB"):
        read(b"PK" + b"\0" * (32 * 1024 * 1024))


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_read_past_its_deadline_is_refused(monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    monkeypatch.setattr(tables, "READ_SECONDS", -1.0)
    content = workbook(sheet_of(HEADER_ROW)) if kind == "xlsx" else b"name\nx\n"
    with pytest.raises(InvalidInput, match="took more than -1 seconds"):
        read(content)


def openpyxl_book(fill: Callable[[object], None]) -> bytes:
    book = Workbook()
    fill(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_date_cells_read_as_iso_dates_numbers_and_text_as_written() -> None:
    def fill(sheet: object) -> None:
        rows: list[list[object]] = [
            ["name", "day", "amount"],
            ["张三", date(2018, 3, 15), 100.5],
            ["李四", datetime(2018, 3, 16, 9, 30), 430102],
            ["王五", "2018-03-17", "007"],
        ]
        for row in rows:
            sheet.append(row)  # type: ignore[attr-defined]

    assert [cells for _, cells in read(openpyxl_book(fill))] == [
        {"name": "张三", "day": "2018-03-15", "amount": "100.5"},
        {"name": "李四", "day": "2018-03-16", "amount": "430102"},
        {"name": "王五", "day": "2018-03-17", "amount": "007"},
    ]


@pytest.mark.parametrize(
    ("number_format", "expected"),
    [
        ('yyyy"年"m"月"d"日"', "2018-03-15"),
        ("[$-804]yyyy/m/d;@", "2018-03-15"),
        ("d-mmm-yy", "2018-03-15"),
        ("[h]:mm", "43174"),
        ("0.00", "43174"),
        ("[Red]#,##0", "43174"),
    ],
)
def test_shared_strings_and_custom_date_formats_as_excel_writes_them(
    number_format: str, expected: str
) -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)  # shared strings, as Excel itself writes text
    sheet = book.add_worksheet()
    sheet.write_string(0, 0, "name")
    sheet.write_string(0, 1, "day")
    sheet.write_string(1, 0, "王五")
    sheet.write_number(1, 1, 43174, book.add_format({"num_format": number_format}))
    book.close()
    assert read(out.getvalue()) == [(2, {"name": "王五", "day": expected})]


def test_text_reads_as_written_with_excels_escapes_undone() -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    sheet.write_string(0, 0, "name")
    sheet.write_string(1, 0, "a\rb _x0041_")  # Excel writes \r as _x000D_, "_x" as _x005F_x
    book.close()
    assert read(out.getvalue()) == [(2, {"name": "a\rb _x0041_"})]


def test_builtin_chinese_date_format_and_the_1904_date_system() -> None:
    styles = (
        b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="31"/></cellXfs></styleSheet>'
    )
    rows = (
        b'<row r="1"><c t="inlineStr"><is><t>name</t></is></c><c t="inlineStr"><is><t>day</t></is></c></row>'
        b'<row r="3"><c t="inlineStr"><is><t>x</t></is></c><c s="1"><v>43174.75</v></c></row>'
    )
    assert read(workbook(sheet_of(rows), styles=styles)) == [
        (3, {"name": "x", "day": "2018-03-15"})
    ]
    in_1904 = workbook(
        sheet_of(rows),
        styles=styles,
        workbook_xml=b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<workbookPr date1904="1"/><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>',
    )
    assert read(in_1904) == [(3, {"name": "x", "day": "2022-03-16"})]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_blank_rows_are_skipped_above_the_header_too_and_rows_keep_their_numbers(
    kind: str,
) -> None:
    if kind == "csv":
        content = b"\n,,\nname\n\nx\n"
    else:
        row = b'<row r="5"><c r="A5" t="inlineStr"><is><t>x</t></is></c></row>'
        content = workbook(sheet_of(b'<row r="1"/>' + HEADER_ROW.replace(b'"1"', b'"3"') + row))
    assert read(content) == [(5, {"name": "x"})]


def test_only_the_first_sheet_is_read() -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    first, second = book.add_worksheet("first"), book.add_worksheet("second")
    first.write_row(0, 0, ["name"])
    first.write_row(1, 0, ["one"])
    second.write_row(0, 0, ["name"])
    second.write_row(1, 0, ["two"])
    book.close()
    assert read(out.getvalue()) == [(2, {"name": "one"})]


def mutations(content: bytes, count: int) -> Iterator[bytes]:
    rng = random.Random(10)
    for _ in range(count):
        damaged = bytearray(content)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        yield bytes(damaged)


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_a_damaged_workbook_is_bad_input_and_never_anything_else(compression: int) -> None:
    row = b'<row r="2"><c t="inlineStr"><is><t>x</t></is></c><c s="0"><v>1</v></c></row>'
    honest = workbook(sheet_of(HEADER_ROW + row), compression=compression)
    for damaged in mutations(honest, 300):
        with contextlib.suppress(InvalidInput):
            read(damaged)


TITLE_ROWS = [
    ["湖南省农村贫困劳动力就业信息表"],
    ["填报单位：长沙市芙蓉区人力资源和社会保障局", "", "填报日期：2017年9月5日"],
    [],
]


def _form(rows: list[list[str]], kind: str) -> bytes:
    if kind == "csv":
        return "\n".join(",".join(row) for row in rows).encode("utf-8-sig")
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    book.close()
    return out.getvalue()


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_header_is_found_below_the_forms_title_rows(kind: str) -> None:
    rows = [*TITLE_ROWS, ["序号", "* Name", "日期（YYYY-MM-DD）"], ["1", "x", "2017/9/1"]]
    table = open_table(_form(rows, kind), HEADERS, ("name",))
    assert table.header_row == 4
    assert table.written == {"name": "* Name", "day": "日期（YYYY-MM-DD）"}
    assert list(table.rows) == [(5, {"name": "x", "day": "2017/9/1"})]


def test_header_titles_match_across_width_spacing_stars_units_and_case() -> None:
    assert {
        header_key(t) for t in ["金额（元）", "金额(元)", "金 额", "＊金额", "金额\n（元）"]
    } == {"金额"}
    assert header_key("AMOUNT (CNY)") == header_key("amount")


def test_a_header_below_the_search_rows_is_refused_naming_what_is_missing() -> None:
    rows = [[f"title {n}"] for n in range(HEADER_SEARCH_ROWS)] + [["name"], ["x"]]
    with pytest.raises(InvalidInput) as refused:
        list(read_table(_form(rows, "csv"), HEADERS, ("name",)))
    assert "no header row with columns for name" in refused.value.reason


def test_a_title_row_that_names_a_column_does_not_stand_in_for_the_header() -> None:
    rows = [["日期", "2017年9月5日"], ["name", "day", "amount"], ["x", "2017-09-01", "1.00"]]
    table = open_table(_form(rows, "csv"), HEADERS, ("name", "amount"))
    assert table.header_row == 2
    assert list(table.rows) == [(3, {"name": "x", "day": "2017-09-01", "amount": "1.00"})]


def test_an_empty_file_is_said_to_be_empty() -> None:
    with pytest.raises(InvalidInput, match="is empty"):
        read(b"\n\n,,\n")


def test_a_part_the_zip_itself_declares_past_the_bound_is_refused_before_unpacking() -> None:
    budget = Budget()
    with pytest.raises(InvalidInput, match="unpacks to more than 128 MB"):
        list(xlsx_rows(unpacked_bomb(), budget))
    # Refused on the zip's claim: only the small parts before the sheet were inflated.
    assert budget.unpacked < 1024 * 1024
