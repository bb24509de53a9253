"""A county's month as the treasury sees it: workers paid their R12 transport subsidy
from the county's local treasury, bases paid R16 from the province's employment fund,
and the treasury's own disbursement workbook of them — title rows, Chinese headers, ID
numbers and credit codes, dates written three ways, amounts with thousands separators."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.credit_codes import credit_check_char
from service.ledger import Ledger
from tests import builders as b

TITLE_ROWS = [
    ["国库集中支付明细表"],
    ["填报单位：芙蓉区财政局", None, None, None, "单位：元"],
    [],
]
HEADER = ["序号", "支付日期", "收款人名称", "证件号码", "统一社会信用代码", "支付金额（元）", "用途", "凭证号"]  # fmt: skip
TRANSPORT = "300.00"  # the county's R12 transport standard in these tests


@dataclass(frozen=True)
class Paid:
    """One payment as the ledger holds it, and who it paid."""

    payment_id: str
    payee_id: str
    name: str
    paid_on: date
    amount: str
    id_number: str | None = None
    credit_code: str | None = None


def credit_code(serial: int) -> str:
    """A valid 统一社会信用代码 (GB 32100) for an enterprise of 芙蓉区."""
    first17 = f"914301027{serial:08d}"
    return first17 + credit_check_char(first17)


def paid_workers(ledger: Ledger, count: int, paid_on: str = "2018-02-01") -> list[Paid]:
    """`count` workers of the county, each with a known ID number, each paid R12."""
    b.transport_standard(ledger, TRANSPORT, b.HOME)
    b.appropriate(ledger, f"{300 * count + 1000}.00", "local_treasury", b.HOME)
    paid = []
    for n in range(count):
        born = (date(1990, 3, 7) + timedelta(days=n // 500)).isoformat()
        number = b.id_number(born, serial=500 + n % 500)
        worker = b.worker(ledger, number=number, birth_date=born)
        employer = b.organisation(ledger, division=b.ELSEWHERE)
        placement = b.placement(ledger, worker, employer, "2018-01-15", b.ELSEWHERE)
        payment = b.pay(ledger, "R12", worker, paid_on, placement_id=placement)
        day = date.fromisoformat(paid_on)
        paid.append(Paid(payment.payment_id, worker, "张三", day, TRANSPORT, id_number=number))
    return paid


def paid_bases(ledger: Ledger, count: int, paid_on: str = "2018-06-01") -> list[Paid]:
    """`count` enterprises with credit codes, designated bases, each paid R16."""
    b.appropriate(ledger, amount="1000000.00", division="430000", on="2018-01-01")
    paid = []
    for n in range(count):
        code, org_id = credit_code(n + 1), b.next_id("ent")
        name = f"长沙市第{n + 1}就业基地有限公司"
        b.post(ledger, "OrganisationRegistered", org_id=org_id, name=name,
               division=b.HOME, kind="enterprise", credit_code=code)  # fmt: skip
        b.post(ledger, "BaseDesignated", by="admin", org_id=org_id, designated_on="2018-01-01")
        payment = b.pay(ledger, "R16", org_id, paid_on)
        day = date.fromisoformat(paid_on)
        paid.append(Paid(payment.payment_id, org_id, name, day, "100000.00", credit_code=code))
    return paid


def treasury_row(n: int, paid: Paid, slip: int = 2, **changes: Any) -> list[Any]:
    """The treasury's line for a payment, `slip` days later, its date written one of
    three ways (an Excel date cell, 2018/2/3, 2018年2月3日) and its amount with a
    thousands separator as text or as a number cell."""
    day = paid.paid_on + timedelta(days=slip)
    written: Any = [datetime(day.year, day.month, day.day), f"{day.year}/{day.month}/{day.day}",
                    f"{day.year}年{day.month}月{day.day}日"][n % 3]  # fmt: skip
    amount: Any = f"{Decimal(paid.amount):,.2f}" if n % 2 else Decimal(paid.amount)
    row = {
        "序号": n + 1,
        "支付日期": written,
        "收款人名称": paid.name,
        "证件号码": paid.id_number,
        "统一社会信用代码": paid.credit_code,
        "支付金额（元）": amount,
        "用途": "就业补助资金",
        "凭证号": f"GK2018{n:05d}",
        **changes,
    }
    return [row[title] for title in HEADER]


def workbook(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    """The treasury's XLSX: title rows, the header, the rows (dates as date cells)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [*TITLE_ROWS, header, *rows]:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy/m/d"
            elif isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, as a payee name may
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def paid_agency(ledger: Ledger, count: int, paid_on: str = "2018-07-15") -> tuple[str, list[Paid]]:
    """An agency of the county with a credit code that placed `count` of its workers,
    paid R7 (200.00 each) for every one of them on one day."""
    b.appropriate(ledger, "10000.00", "employment_fund", b.HOME)
    code, agency = credit_code(900), b.next_id("age")
    b.post(ledger, "OrganisationRegistered", org_id=agency, name="芙蓉区人力资源服务有限公司",
           division=b.HOME, kind="agency", credit_code=code)  # fmt: skip
    employer = b.organisation(ledger, "enterprise", division=b.ELSEWHERE)
    paid = []
    for _ in range(count):
        placement = b.placement(ledger, b.worker(ledger), employer, "2018-01-15", agency_id=agency)
        payment = b.pay(ledger, "R7", agency, paid_on, placement_id=placement)
        day = date.fromisoformat(paid_on)
        paid.append(Paid(payment.payment_id, agency, "芙蓉区人力资源服务有限公司", day, "200.00", credit_code=code))  # fmt: skip
    return agency, paid
