"""Issue 5 over HTTP: the survey import, reconciliation upload and download, and period
close (R23) with finance's reasoned adjustments."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date

import pytest

from adapters.tables import MAX_ROWS
from service.ledger import Ledger
from tests import builders as b
from tests.api_support import HOME, PROVINCE, TIANXIN, Api, event, running_api
from tests.surveys import HEADER, form_rows, to_csv
from tests.workbooks import row_bomb

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECONCILE = "/reconciliations?source=employment_fund&division=430000&period=2018-06"


@pytest.fixture
def api(make_ledger: Callable[[], Ledger]) -> Iterator[Api]:
    with running_api(make_ledger()) as api:
        for name, role, division in (
            ("clerk", "clerk", HOME), ("finance", "finance", HOME), ("province", "finance", PROVINCE),
            ("auditor", "auditor", PROVINCE), ("tianxin", "finance", TIANXIN),
        ):  # fmt: skip
            api.token(name, role, division)
        yield api


def upload(api: Api, who: str, path: str, content: bytes, **headers: str) -> object:
    return api.client.post(f"/v1{path}", content=content, headers=api.headers(who, **headers))


def test_a_clerk_imports_the_survey_form_within_its_scope(api: Api) -> None:
    rows, _ = form_rows(12, 0.0)
    for row in rows[:6]:
        row[2] = HOME  # half the rows are about the clerk's county
    response = upload(
        api, "clerk", "/imports/surveys", to_csv(rows, "gbk"), **{"Content-Type": "text/csv"}
    )
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    report = response.json()  # type: ignore[attr-defined]
    assert report["recorded"] == 6
    assert {e["field"] for e in report["errors"]} == {"home_division"}
    assert upload(api, "finance", "/imports/surveys", to_csv(rows)).status_code == 403  # type: ignore[attr-defined]


def paid(api: Api, ledger: Ledger) -> tuple[str, str]:
    b.appropriate(ledger, amount="500000.00", division=PROVINCE, on="2018-01-01")
    base = b.organisation(ledger)
    b.post(ledger, "BaseDesignated", org_id=base, designated_on="2018-01-01")
    payment = b.pay(ledger, "R16", base, "2018-06-01")
    return payment.payment_id, base


def test_finance_reconciles_and_downloads_the_report(api: Api) -> None:
    payment_id, base = paid(api, api.ledger)
    treasury = (
        f"日期,收款人,金额,凭证号\n2018-06-01,{base},100000.00,{payment_id}\n2018-06-02,x,5.00,\n"
    )
    path = "/reconciliations?source=employment_fund&division=430000&period=2018-06"
    first = upload(api, "province", path, treasury.encode("gbk"), **{"X-File-Name": "june.csv"})
    assert first.status_code == 201, first.text  # type: ignore[attr-defined]
    report = first.json()  # type: ignore[attr-defined]
    assert (report["totals"]["matched"], report["totals"]["unmatched_treasury"]) == (1, 1)
    again = upload(api, "province", path, treasury.encode("gbk"))
    assert again.status_code == 200  # type: ignore[attr-defined]
    assert again.json()["reconciliation_id"] == report["reconciliation_id"]  # type: ignore[attr-defined]
    assert upload(api, "finance", path, treasury.encode()).status_code == 403  # type: ignore[attr-defined]

    kept = f"/reconciliations/{report['reconciliation_id']}"
    csv_text = api.get("auditor", kept, Accept="text/csv").text
    assert csv_text.splitlines()[1].startswith("已匹配,凭证号")
    english = api.get("auditor", kept + "?format=csv&lang=en").text
    assert english.splitlines()[1].startswith("matched,voucher")
    from openpyxl import load_workbook

    workbook = api.get("province", kept, Accept=XLSX)
    assert workbook.headers["content-type"] == XLSX
    assert load_workbook(io.BytesIO(workbook.content))["汇总"]["B1"].value == 1
    assert api.get("tianxin", kept).status_code == 403
    assert api.get("auditor", "/reconciliations/not-a-report").status_code == 404


def test_R23_a_closed_period_refuses_posts_unless_finance_gives_a_reason(api: Api) -> None:
    ledger = api.ledger
    agency = b.organisation(ledger, "agency")
    employer = b.organisation(ledger, division=b.ELSEWHERE)
    placement = b.placement(ledger, b.worker(ledger), employer, agency_id=agency)
    api.post(
        "finance",
        "/events",
        event(
            "FundsAppropriated",
            appropriation_id="ap-1",
            source="employment_fund",
            division=HOME,
            amount="1000.00",
            appropriated_on="2018-01-02",
            document_ref="湘财1",
        ),
    )
    closed = api.post(
        "finance",
        "/events",
        event(
            "PeriodClosed",
            source="employment_fund",
            division=HOME,
            period="2018",
            closed_on="2019-01-05",
        ),
    )
    assert closed.status_code == 201, closed.text
    before = api.get("finance", "/accounts").json()

    late = {
        "payment_id": "pay-late",
        "rule": "R7",
        "payee_id": agency,
        "paid_on": "2018-12-30",
        "placement_id": placement,
    }
    refused = api.post("finance", "/payments", late)
    assert refused.status_code == 409 and refused.json()["rule"] == "R23"
    assert api.get("finance", "/accounts").json() == before  # a refused post moves nothing

    adjusted = api.post("finance", "/payments", {**late, "adjustment_reason": "审计调整: 漏付"})
    assert adjusted.status_code == 201, adjusted.text
    # Only finance posts to accounts at all, so no one else can post an adjustment.
    clerk_try = api.post(
        "clerk",
        "/events",
        event(
            "FundsAppropriated",
            appropriation_id="ap-2",
            source="employment_fund",
            division=HOME,
            amount="5.00",
            appropriated_on="2018-03-01",
            document_ref="x",
            adjustment_reason="because",
        ),
    )
    assert clerk_try.status_code == 403
    statement = api.get(
        "auditor",
        f"/accounts/employment_fund/{HOME}/statement?from=2018-01-01&to=2018-12-31",
        Accept="text/csv",
    )
    assert statement.status_code == 200 and "2018-12-30" in statement.text


def test_auditors_verify_the_history_against_a_kept_checkpoint(api: Api) -> None:
    from audit.verify import checkpoint

    b.worker(api.ledger)
    kept = checkpoint(api.ledger.store, "审计员")
    intact = api.get(
        "auditor", f"/audit/verify?position={kept['position']}&chain_hash={kept['chain_hash']}"
    )
    assert intact.status_code == 200 and intact.json()["ok"], intact.text
    forged = api.get("auditor", f"/audit/verify?position={kept['position']}&chain_hash={'0' * 64}")
    assert not forged.json()["ok"] and forged.json()["first_bad_position"] == kept["position"]
    assert api.get("auditor", "/audit/verify?position=3").status_code == 422
    assert api.get("finance", "/audit/verify").status_code == 403


@pytest.mark.parametrize("amount", ["1e30", "NaN", "１００.００"])
def test_a_treasury_amount_that_is_not_a_plain_decimal_is_a_422_naming_line_and_field(
    api: Api, amount: str
) -> None:
    paid(api, api.ledger)
    treasury = f"日期,收款人,金额,凭证号\n2018-06-01,x,{amount},\n".encode()
    path = "/reconciliations?source=employment_fund&division=430000&period=2018-06"
    refused = upload(api, "province", path, treasury)
    assert refused.status_code == 422, refused.text  # type: ignore[attr-defined]
    assert refused.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    errors = refused.json()["errors"]  # type: ignore[attr-defined]
    assert [(error["row"], error["column"]) for error in errors] == [(2, "金额")]


def test_the_statement_csv_quotes_text_that_would_start_a_formula_but_not_amounts(
    api: Api,
) -> None:
    ledger = api.ledger
    b.appropriate(ledger, amount="500000.00", division=PROVINCE, on="2018-01-01")
    base = b.organisation(ledger, org_id="-1-cmd")  # an id may begin with a minus
    b.post(ledger, "BaseDesignated", org_id=base, designated_on="2018-01-01")
    position = b.pay(ledger, "R16", base, "2018-06-01").position
    text = api.get(
        "auditor",
        f"/accounts/employment_fund/{PROVINCE}/statement?from=2018-01-01&to=2018-12-31",
        Accept="text/csv",
        **{"X-Jobaid-After-Position": str(position)},
    ).content
    assert text.startswith("\ufeff".encode())  # UTF-8 with a BOM: Excel on Chinese Windows
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"), newline="")))
    # Chinese headers by default in files (CONTRACT "Lists, files and jobs").
    assert rows[0][:6] == ["日期", "摘要", "收款人", "金额", "余额", "文号"]
    payment = next(row for row in rows if row[6] == "支付")
    assert payment[8] == "'-1-cmd"
    assert payment[3] == "-100000.00" and payment[4] == "400000.00"
    assert rows[-1][1] == "期末余额" and rows[-1][4] == "400000.00"


@pytest.mark.parametrize("route", ["/imports/surveys", "/reconciliations"])
def test_a_workbook_bomb_is_a_422_naming_the_row_bound(api: Api, route: str) -> None:
    paid(api, api.ledger)  # the reconciliation needs its account to exist
    who, path = ("clerk", route) if route == "/imports/surveys" else ("province", RECONCILE)
    header = HEADER if route == "/imports/surveys" else ["日期", "收款人", "金额", "凭证号"]
    refused = upload(api, who, path, row_bomb(tuple(header)), **{"Content-Type": XLSX})
    assert refused.status_code == 422, refused.text  # type: ignore[attr-defined]
    assert refused.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    problem = refused.json()  # type: ignore[attr-defined]
    assert problem["field"] == "file" and f"more than {MAX_ROWS} rows" in problem["detail"]


def test_a_survey_form_with_date_cells_still_imports_over_http(api: Api) -> None:
    from openpyxl import Workbook

    rows, _ = form_rows(3, 0.0)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        row[2] = HOME
        sheet.append([*row[:3], date(2018, 3, 15), *row[4:]])  # 摸查日期 as a date cell
    content = io.BytesIO()
    book.save(content)
    answer = upload(api, "clerk", "/imports/surveys", content.getvalue())
    assert answer.status_code == 200, answer.text  # type: ignore[attr-defined]
    assert answer.json()["recorded"] == 3  # type: ignore[attr-defined]
