"""Reading the treasury's disbursement file (国库集中支付明细) as the treasury really exports
it: CSV or XLSX, title rows above the header (adapters.tables.open_table), Chinese
headers with their common variants or English ones, amounts with thousands separators,
dates as 2018/7/15, 2018.7.15, 2018年7月15日 or Excel date cells.

A file with any bad row is refused whole (422), every bad row named by its row number
and its column's header as the file writes it: a reconciliation over part of a file
would report as matched a file it has not read. Nothing read here keeps an ID number in
clear — the line holds its keyed hash (as registration makes it) and its mask — and free
text (payee, purpose, voucher, an error's echo of a cell) has ID-number-shaped runs
masked before it goes anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal

from adapters.settings import hash_id_number
from adapters.sheets import EXCEL_DIGITS
from adapters.tables import open_table
from domain.credit_codes import parse_credit_code
from domain.errors import BadRows, InvalidInput
from domain.id_numbers import mask_id_numbers_in
from domain.reconciliation import TreasuryLine
from domain.values import (
    CENT,
    MAX_MONEY_INTEGER_DIGITS,
    mask_id_number,
    parse_form_date,
    parse_id_number,
)

Tick = Callable[[int, int | None], None]

# Field → the headers it goes by (compared by adapters.tables.header_key: width, spaces,
# a trailing unit such as （元） and case do not matter).
HEADERS: dict[str, tuple[str, ...]] = {
    "date": (
        "支付日期",
        "日期",
        "拨付日期",
        "交易日期",
        "付款日期",
        "记账日期",
        "date",
        "paid on",
        "payment date",
    ),
    "payee": (
        "收款人",
        "收款人名称",
        "收款人全称",
        "收款单位",
        "收款单位名称",
        "收款人姓名",
        "收款方",
        "收款户名",
        "户名",
        "payee",
        "payee name",
        "name",
    ),
    "id_number": (
        "身份证号",
        "身份证号码",
        "收款人身份证号",
        "证件号码",
        "证件号",
        "公民身份号码",
        "id_number",
        "id number",
        "id no",
    ),
    "credit_code": (
        "统一社会信用代码",
        "社会信用代码",
        "信用代码",
        "credit_code",
        "credit code",
    ),
    "payee_id": ("收款人编号", "payee_id"),
    "amount": ("金额", "支付金额", "交易金额", "拨付金额", "付款金额", "amount"),
    "purpose": ("用途", "摘要", "资金用途", "支付用途", "purpose", "memo", "description"),
    "voucher": (
        "凭证号",
        "支付凭证号",
        "凭证编号",
        "参考号",
        "业务编号",
        "voucher",
        "voucher no",
        "reference",
    ),
}
REQUIRED = ("date", "amount")
PAYEE_FIELDS = ("payee", "id_number", "credit_code", "payee_id")
# The first bad rows named in a refusal; a file with more is wrong throughout, and its
# first hundred say how.
MAX_REPORTED = 100
# Progress is reported every this many rows.
TICK_EVERY = 500

# Thousands groups only where they belong (1,234,567), or none at all (1234567).
_AMOUNT = re.compile(r"-?(?P<integer>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?", re.ASCII)
# A date cell written with its time of day (a bank export's 2018-07-15 10:32:05).
_WITH_TIME = re.compile(r"(\S+)[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?")
# What a number column does to an 18-digit ID number: 4.30102199003070E+17.
_ROUNDED = re.compile(r"[0-9.]+[eE]\+?[0-9]+")


@dataclass(frozen=True)
class BadRow:
    row: int
    column: str
    reason: str

    def public(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


def read_treasury_file(
    content: bytes, pii_key: bytes, tick: Tick | None = None
) -> list[TreasuryLine]:
    """Every line of the file, or BadRows naming the first MAX_REPORTED bad ones."""
    table = open_table(content, HEADERS, REQUIRED)
    if not any(name in table.written for name in PAYEE_FIELDS):
        raise InvalidInput("file", "has no column naming the payee (收款人, 身份证号 or 统一社会信用代码)")  # fmt: skip
    lines: list[TreasuryLine] = []
    errors: list[BadRow] = []
    for count, (number, cells) in enumerate(table.rows, start=1):
        try:
            lines.append(_line(number, cells, pii_key))
        except InvalidInput as error:
            column = table.written.get(error.field, error.field)
            errors.append(BadRow(number, column, mask_id_numbers_in(error.reason)))
        if tick is not None and count % TICK_EVERY == 0:
            tick(count, None)
    if errors:
        raise BadRows([error.public() for error in errors[:MAX_REPORTED]], len(errors))
    return lines


def _line(number: int, cells: Mapping[str, str], pii_key: bytes) -> TreasuryLine:
    """One line; an error names the field whose cell is wrong."""
    for name in REQUIRED:
        if not cells.get(name):
            raise InvalidInput(name, "is empty")
    if not any(cells.get(name) for name in PAYEE_FIELDS):
        raise InvalidInput(next(n for n in PAYEE_FIELDS if n in cells), "names no payee")
    id_number, credit_code = _identity(cells)
    return TreasuryLine(
        line=number,
        on=parse_treasury_date("date", cells["date"]),
        amount=parse_treasury_amount("amount", cells["amount"]),
        payee=_text(cells.get("payee")),
        id_hash=hash_id_number(pii_key, id_number) if id_number else None,
        id_masked=mask_id_number(id_number) if id_number else None,
        credit_code=credit_code,
        payee_id=cells.get("payee_id") or None,
        purpose=_text(cells.get("purpose")),
        voucher=_text(cells.get("voucher")),
    )


def _text(cell: str | None) -> str:
    return mask_id_numbers_in(cell or "")


def _identity(cells: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(ID number, credit code): each column is read as its own kind first, then as the
    other — one 证件号码 column often holds both, a person's and an organisation's."""
    id_number = credit_code = None
    for name in ("id_number", "credit_code"):
        text = _identity_text(cells.get(name, ""))
        if not text:
            continue
        if _ROUNDED.fullmatch(text):
            raise InvalidInput(name, "was kept as a number and Excel rounded it; format the column as text")  # fmt: skip
        other = "credit_code" if name == "id_number" else "id_number"
        try:
            found = _parse_as(name, text)
        except InvalidInput:
            try:
                found, name = _parse_as(other, text), other
            except InvalidInput:
                raise InvalidInput(name, "is neither a valid ID number nor a valid credit code") from None  # fmt: skip
        if name == "id_number":
            id_number = id_number or found
        else:
            credit_code = credit_code or found
    return id_number, credit_code


def _identity_text(cell: str) -> str:
    """An identity cell as it is looked up: without the `'` Excel users put before a
    long number to keep it text, and with an ID number's check character `x` upper-case
    — a look-up, unlike a registration (R24), cannot give one person a second key, and
    the hash is made of the one spelling registration keeps."""
    text = cell.removeprefix("'")
    return text[:17] + "X" if len(text) == 18 and text[17] == "x" and text[:17].isdigit() else text  # fmt: skip


def _parse_as(kind: str, text: str) -> str:
    if kind == "id_number":
        return parse_id_number(kind, text)
    return parse_credit_code(kind, text)


def parse_treasury_date(field: str, text: str) -> date:
    """A date as the form writes it (parse_form_date), or with a time of day after it."""
    timed = _WITH_TIME.fullmatch(text.strip())
    return parse_form_date(field, timed[1] if timed else text)


def parse_treasury_amount(field: str, text: str) -> Decimal:
    """A signed amount in yuan as the treasury writes it: ASCII digits, an optional
    leading minus, `,` between thousands, at most MAX_MONEY_INTEGER_DIGITS before the
    point, and at most two decimals — unless it is an Excel number cell's binary noise
    (1234.5599999999999: more significant digits than Excel keeps), which is the amount
    Excel shows, rounded to EXCEL_DIGITS digits. Nothing else: no exponent (`1e30` once
    overflowed into a 500), no NaN or Infinity, no full-width or other non-ASCII digit,
    which Decimal() would silently accept (CONTRACT: never normalised)."""
    match = _AMOUNT.fullmatch(text)
    if match is None:
        raise InvalidInput(field, f"{text!r} is not an amount like 1,234.56 or -50.00")
    integer = match["integer"].replace(",", "").lstrip("0")
    if len(integer) > MAX_MONEY_INTEGER_DIGITS:
        raise InvalidInput(field, f"{text!r} has more than {MAX_MONEY_INTEGER_DIGITS} digits before the point")  # fmt: skip
    amount = Decimal(text.replace(",", ""))
    if amount != amount.quantize(CENT) and len(amount.as_tuple().digits) > EXCEL_DIGITS:
        amount = Context(prec=EXCEL_DIGITS).plus(amount)
    if amount != amount.quantize(CENT):
        raise InvalidInput(field, f"{text!r} has more than two decimals")
    return amount.quantize(CENT)
