"""Reading the treasury's file as it really comes (service.treasury_file): header
variants in Chinese and English, amounts with thousands separators and Excel's binary
noise, dates written four ways and as date cells, and bad rows named by row and by the
header as the file writes it — never with an ID number in clear."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from adapters.settings import hash_id_number
from domain.errors import BadRows, InvalidInput
from domain.values import id_check_char
from service.treasury_file import MAX_REPORTED, read_treasury_file
from tests import builders as b
from tests.conftest import PII_KEY
from tests.treasury_support import credit_code, workbook

NUMBER = b.id_number("1990-03-07", serial=321)


def csv_file(header: list[str], *rows: list[str]) -> bytes:
    lines = ["国库集中支付明细", "单位：元", ",".join(header), *(",".join(row) for row in rows)]
    return "\n".join(lines).encode("gb18030")


@pytest.mark.parametrize(
    "header",
    [
        ["日期", "收款人", "身份证号", "金额", "摘要", "凭证号"],
        ["支付日期", "收款人名称", "证件号码", "支付金额（元）", "用途", "支付凭证号"],
        ["交易日期", "收款单位", "身份证号码", "交易金额", "资金用途", "业务编号"],
        ["Date", "Payee Name", "ID Number", "Amount", "Purpose", "Voucher No"],
    ],
)
def test_the_header_is_found_below_title_rows_under_any_of_its_names(header: list[str]) -> None:
    content = csv_file(header, ["2018/7/15", "张三", NUMBER, '"1,234.50"', "交通补贴", "GK01"])
    (line,) = read_treasury_file(content, PII_KEY)
    assert (line.line, line.on, line.amount, line.payee) == (4, date(2018, 7, 15), Decimal("1234.50"), "张三")  # fmt: skip
    assert line.id_hash == hash_id_number(PII_KEY, NUMBER)  # as registration hashes it
    assert line.id_masked == NUMBER[:14] + "****"
    assert (line.purpose, line.voucher) == ("交通补贴", "GK01")


@pytest.mark.parametrize(
    "written",
    ["2018/7/15", "2018.7.15", "2018年7月15日", "2018-07-15", "2018-07-15 10:32:05", "20180715"],
)
def test_treasury_dates_are_read_as_the_treasury_writes_them(written: str) -> None:
    content = csv_file(["支付日期", "收款人", "金额"], [written, "张三", "300.00"])
    assert read_treasury_file(content, PII_KEY)[0].on == date(2018, 7, 15)


def test_excel_date_cells_and_number_cells_are_read_as_dates_and_exact_amounts() -> None:
    header = ["支付日期", "收款人", "支付金额（元）"]
    rows = [
        [datetime(2018, 7, 15), "张三", Decimal("1234.56")],
        [datetime(2018, 7, 16), "李四", 300],
    ]
    lines = read_treasury_file(workbook(rows, header), PII_KEY)
    assert [(line.on, line.amount) for line in lines] == [
        (date(2018, 7, 15), Decimal("1234.56")),
        (date(2018, 7, 16), Decimal("300.00")),
    ]


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("1234.5599999999999", "1234.56"),  # how a number cell may hold 1,234.56
        ("0.30000000000000004", "0.30"),
        ("1,234,567.80", "1234567.80"),
        ("-300.00", "-300.00"),
        ("1.500", "1.50"),
    ],
)
def test_excel_binary_noise_is_the_amount_excel_shows_and_nothing_else_is_rounded(
    written: str, amount: str
) -> None:
    content = csv_file(["支付日期", "收款人", "金额"], ["2018-07-15", "张三", f'"{written}"'])
    assert read_treasury_file(content, PII_KEY)[0].amount == Decimal(amount)


@pytest.mark.parametrize("written", ["1.234", "1234.5649999", "12,34.00", "１２３"])
def test_an_amount_with_a_third_decimal_or_a_misplaced_separator_is_refused(written: str) -> None:
    content = csv_file(["支付日期", "收款人", "金额"], ["2018-07-15", "张三", f'"{written}"'])
    with pytest.raises(BadRows) as refused:
        read_treasury_file(content, PII_KEY)
    assert [(e["row"], e["column"]) for e in refused.value.errors] == [(4, "金额")]


def test_every_bad_row_is_named_by_its_row_and_header_as_written_and_no_id_number_leaks() -> None:
    header = ["支付日期", "收款人名称", "证件号码", "支付金额（元）"]
    wrong = NUMBER[:17] + ("1" if NUMBER[17] != "1" else "2")  # the check character wrong
    content = csv_file(
        header,
        ["2018-07-15", "张三", NUMBER, "300.00"],
        [NUMBER, "张三", "", "300.00"],  # the ID number slipped into the date column
        ["2018-07-15", "张三", NUMBER, "三百"],
        ["2018-07-15", "张三", wrong, "300.00"],
        ["2018-07-15", "", "", "300.00"],
    )
    with pytest.raises(BadRows) as refused:
        read_treasury_file(content, PII_KEY)
    errors = refused.value.errors
    assert [(e["row"], e["column"]) for e in errors] == [
        (5, "支付日期"),
        (6, "支付金额（元）"),
        (7, "证件号码"),
        (8, "收款人名称"),
    ]
    assert NUMBER[:14] + "****" in str(errors[0]["reason"])
    for text in (repr(errors), refused.value.detail):
        assert NUMBER not in text and wrong not in text


def test_an_id_number_excel_rounded_into_a_number_is_refused_saying_why() -> None:
    content = csv_file(["支付日期", "收款人", "身份证号", "金额"], ["2018-07-15", "张三", "4.30102199003070E+17", "300"])  # fmt: skip
    with pytest.raises(BadRows) as refused:
        read_treasury_file(content, PII_KEY)
    assert "Excel rounded it" in str(refused.value.errors[0]["reason"])


def test_one_identity_column_may_hold_an_id_number_or_a_credit_code() -> None:
    code = credit_code(9)
    content = csv_file(
        ["支付日期", "收款人", "证件号码", "金额"],
        ["2018-07-15", "张三", NUMBER, "300"],
        ["2018-07-15", "某公司", code, "300"],
    )
    person, organisation = read_treasury_file(content, PII_KEY)
    assert person.id_hash and person.credit_code is None
    assert organisation.credit_code == code and organisation.id_hash is None


def test_a_file_without_a_column_naming_the_payee_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        read_treasury_file(csv_file(["支付日期", "金额", "用途"], ["2018-07-15", "300", "x"]), PII_KEY)  # fmt: skip
    assert "naming the payee" in refused.value.reason


def test_a_file_of_bad_rows_names_the_first_hundred() -> None:
    rows = [["2018-07-15", "张三", "x"]] * (MAX_REPORTED + 50)
    with pytest.raises(BadRows) as refused:
        read_treasury_file(csv_file(["支付日期", "收款人", "金额"], *rows), PII_KEY)
    assert len(refused.value.errors) == MAX_REPORTED
    assert refused.value.reason.startswith(f"{MAX_REPORTED + 50} row(s) cannot be read")


def test_an_id_number_written_with_a_lower_case_x_or_a_leading_quote_is_the_same_person() -> None:
    first17 = next(
        f"43010219900307{serial:03d}"
        for serial in range(1000)
        if id_check_char(f"43010219900307{serial:03d}") == "X"
    )
    number = first17 + "X"
    content = csv_file(
        ["支付日期", "收款人", "身份证号", "金额"],
        ["2018-07-15", "张三", number.lower(), "300"],
        ["2018-07-15", "张三", f"'{number}", "300"],
    )
    lines = read_treasury_file(content, PII_KEY)
    assert {line.id_hash for line in lines} == {hash_id_number(PII_KEY, number)}
