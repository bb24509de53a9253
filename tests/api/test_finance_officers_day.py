"""Issue 12's "done when", as the people who do this work would do it, through the HTTP API
on both stores. The finance officer lists the county's payments for a month, downloads the
statement as XLSX and reads it back (numbers are numbers, headers Chinese, totals tie out),
and reconciles the treasury's own workbook (title rows, Chinese headers, ID numbers, paid
two days after the ledger's date): every line matched. The clerk imports the county's
5,000-row survey form (title rows, dates as Chinese Excel writes them) as a job and reads
its report."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from service.ledger import Ledger
from tests import builders as b
from tests.api_support import HOME, Api, running_api
from tests.treasury_support import TRANSPORT, paid_workers, treasury_row, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCOUNT = f"/accounts/local_treasury/{HOME}"
FEBRUARY = "from=2018-02-01&to=2018-02-28"
CENT = Decimal("0.01")


@pytest.fixture
def api(make_ledger: Callable[[], Ledger]) -> Iterator[Api]:
    with running_api(make_ledger()) as api:
        api.token("finance", "finance", HOME)
        api.token("clerk", "clerk", HOME)
        yield api


def read(api: Api, who: str, path: str, **headers: str) -> Any:
    """An answer that has read every fact recorded so far (the facts of the morning went
    to the ledger directly, not through the API that would wait for them)."""
    after = {"X-Jobaid-After-Position": str(b.store_size(api.ledger))}
    answer = api.get(who, path, **after, **headers)
    assert answer.status_code == 200, answer.text
    return answer


def every_page(api: Api, who: str, path: str) -> list[dict[str, Any]]:
    items, cursor = [], None
    while True:
        page = read(api, who, path + ("" if cursor is None else f"&cursor={cursor}")).json()
        items += page["items"]
        if (cursor := page["next_cursor"]) is None:
            return items


def money(value: object) -> Decimal:
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    return Decimal(repr(value)).quantize(CENT)


def a_month_of_payments(ledger: Ledger) -> list[Any]:
    """Twelve workers of the county paid their transport subsidy on 2018-02-01 from its
    local treasury, and one paid in January, which February's lists and files leave out."""
    february = paid_workers(ledger, 12, paid_on="2018-02-01")
    january = b.worker(ledger, birth_date="1985-06-01", number=b.id_number("1985-06-01", serial=77))
    placement = b.placement(ledger, january, b.organisation(ledger, division=b.ELSEWHERE),
                            "2018-01-02", b.ELSEWHERE)  # fmt: skip
    b.pay(ledger, "R12", january, "2018-01-10", placement_id=placement)
    return february


@pytest.mark.both_stores
def test_a_finance_officers_day(api: Api) -> None:
    february = a_month_of_payments(api.ledger)
    paid_ids = {paid.payment_id for paid in february}

    # The county's payments for the month, five to a page.
    listed = every_page(api, "finance", f"/payments?division={HOME}&{FEBRUARY}&limit=5")
    assert {item["payment_id"] for item in listed} == paid_ids
    assert all(item["paid_on"].startswith("2018-02") for item in listed)

    # The month's statement as XLSX, read back.
    answer = read(api, "finance", f"{ACCOUNT}/statement?{FEBRUARY}&format=xlsx")
    assert answer.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    assert sheet.title == "当地财政"
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]][:6] == [
        "日期",
        "摘要",
        "收款人",
        "金额",
        "余额",
        "文号",
    ]
    opening, *lines, closing = rows[1:]
    assert len(lines) == len(february)
    assert all(isinstance(row[0].value, datetime) and row[0].is_date for row in lines)
    assert all(row[3].data_type == "n" and row[4].data_type == "n" for row in lines)
    total = sum((money(row[3].value) for row in lines), Decimal(0))
    assert total == -len(february) * Decimal(TRANSPORT)
    assert money(closing[4].value) - money(opening[4].value) == total
    balances = {(a["source"], a["division"]): a for a in read(api, "finance", "/accounts").json()}
    assert Decimal(balances["local_treasury", HOME]["balance"]) == money(closing[4].value)

    # The treasury's workbook for the month: every line paid two days after the ledger's date.
    treasury = workbook([treasury_row(n, paid, slip=2) for n, paid in enumerate(february)])
    period = f"/v1/reconciliations?source=local_treasury&division={HOME}&period=2018-02"
    uploaded = api.client.post(
        period, content=treasury, headers=api.headers("finance", **{"Content-Type": XLSX})
    )
    assert uploaded.status_code == 201, uploaded.text
    totals = uploaded.json()["totals"]
    assert totals["matched"] == len(february)
    assert [totals[key] for key in ("date_mismatch", "amount_mismatch",
            "unmatched_treasury", "unmatched_ledger")] == [0, 0, 0, 0]  # fmt: skip
