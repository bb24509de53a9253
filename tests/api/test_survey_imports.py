"""Issue 12 §4 over HTTP: the survey form as counties fill it (title rows, 2017/9/1 dates,
errors by the column the clerk sees, in Chinese with English beside), imports as jobs
(202, progress, report as JSON/CSV/XLSX, a scoped paged list), multipart uploads on both
upload routes, and the template that imports cleanly once filled."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterator

import pytest
from openpyxl import load_workbook

from adapters.tables import MAX_FILE_BYTES
from service.ledger import Ledger
from service.survey_form import EXAMPLE_ID_NUMBER, FORM_FIELDS, chinese_header
from tests import builders as b
from tests.api_support import HOME, PROVINCE, TIANXIN, Api, imported, running_api
from tests.surveys import HEADER, form_rows, unique_people

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLES = [["湖南省农村贫困劳动力就业信息表"], ["填报单位：长沙市芙蓉区人社局", "", "填报日期：2017年9月5日"], []]  # fmt: skip
CONTRACT_HEADERS = ["劳动力编号", "姓名", "身份证号", "户籍所在地代码", "建档立卡日期", "摸查日期",
                    "摸查人", "就业状态", "就业意愿", "就业服务需求", "就业地点代码", "就业单位名称",
                    "联系方式"]  # fmt: skip


@pytest.fixture
def api(make_ledger: Callable[[], Ledger]) -> Iterator[Api]:
    with running_api(make_ledger()) as api:
        for name, role, division in (
            ("clerk", "clerk", HOME), ("tianxin", "clerk", TIANXIN), ("auditor", "auditor", PROVINCE),
            ("province", "finance", PROVINCE), ("changsha", "clerk", "430100"),
        ):  # fmt: skip
            api.token(name, role, division)
        yield api


def county_form(count: int, seed: int = 7) -> list[list[str]]:
    """`count` distinct people of the clerk's county, surveyed on 2017/9/1."""
    rows = unique_people(form_rows(count + count // 50 + 5, 0.0, seed)[0])[:count]
    for row in rows:
        row[2], row[3] = HOME, "2017/9/1"
    return rows


def titled_csv(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([*TITLES, header, *rows])
    return out.getvalue().encode("gb18030")


def test_a_form_with_title_rows_and_excel_dates_imports_as_a_job(api: Api) -> None:
    rows = county_form(30)
    rows[4][3] = "2018.7.15"
    rows[5][3] = "2018年7月15日"
    rows[6][3] = "2017/2/30"  # no such day
    report = imported(api, "clerk", titled_csv(rows))
    assert (report["status"], report["rows"], report["done"]) == ("done", 30, 30)
    assert (report["recorded"], report["already_recorded"], report["rejected"]) == (29, 0, 1)
    (error,) = report["errors"]
    assert error["row"] == len(TITLES) + 1 + 7  # as the spreadsheet numbers it: titles, header
    assert error["column"] == "摸查日期" and error["field"] == "surveyed_on"
    assert error["reason"].startswith("日期不存在（surveyed_on ")
    assert "2017/2/30" in error["reason"]


def test_an_error_names_the_column_as_the_form_writes_it(api: Api) -> None:
    rows = county_form(2)
    rows[1][1] = rows[1][1][:17] + ("0" if rows[1][1][17] != "0" else "1")
    header = ["姓名", "* 身份证号码", *HEADER[2:]]
    report = imported(api, "clerk", titled_csv(rows, header))
    (error,) = report["errors"]
    assert (error["column"], error["field"]) == ("* 身份证号码", "id_number")
    assert error["reason"].startswith("校验位应为")


def test_a_file_that_is_no_form_is_a_422_not_a_job(api: Api) -> None:
    answer = api.client.post(
        "/v1/imports/surveys", content=b"a,b\n1,2\n", headers=api.headers("clerk")
    )
    assert answer.status_code == 422 and answer.json()["field"] == "file"
    assert api.get("clerk", "/imports").json()["items"] == []


def test_the_import_report_downloads_as_csv_and_xlsx_with_chinese_headers(api: Api) -> None:
    rows = county_form(3)
    rows[0][5] = "待定"
    job = imported(api, "clerk", titled_csv(rows))
    path = f"/imports/{job['import_id']}"
    text = api.client.get(f"/v1{path}?format=csv", headers=api.headers("clerk"))
    assert text.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert lines[0] == ["行号", "列", "字段", "原因"]
    assert lines[1][:3] == [str(job["errors"][0]["row"]), "就业状态", "status"]
    book = api.client.get(f"/v1{path}", headers=api.headers("clerk", Accept=XLSX))
    assert book.headers["content-type"] == XLSX
    sheets = load_workbook(io.BytesIO(book.content), read_only=True)
    assert sheets.sheetnames == ["导入报告", "汇总"]
    summary = {row[0]: row[1] for row in sheets["汇总"].iter_rows(min_row=2, values_only=True)}
    assert (summary["已导入"], summary["未通过"]) == (2, 1)
    english = api.client.get(f"/v1{path}?format=csv&lang=en", headers=api.headers("clerk"))
    assert english.text.lstrip("\ufeff").startswith("row,column,field,reason")


@pytest.mark.both_stores  # paging reads the job table of each store
def test_jobs_are_listed_within_the_callers_scope_and_paged(api: Api) -> None:
    first = imported(api, "clerk", titled_csv(county_form(2, seed=1)))
    second = imported(api, "clerk", titled_csv(county_form(2, seed=2)))
    page = api.get("changsha", "/imports?limit=1").json()
    assert [item["import_id"] for item in page["items"]] == [first["import_id"]]
    rest = api.get("changsha", f"/imports?limit=1&cursor={page['next_cursor']}").json()
    assert [item["import_id"] for item in rest["items"]] == [second["import_id"]]
    assert rest["next_cursor"] is None
    assert len(api.get("auditor", "/imports").json()["items"]) == 2
    assert api.get("tianxin", "/imports").json()["items"] == []
    assert api.get("tianxin", f"/imports/{first['import_id']}").status_code == 404
    assert api.get("clerk", "/imports/nope").status_code == 404


def multipart(api: Api, who: str, path: str, content: bytes, field: str = "file") -> object:
    files = {field: ("form.xlsx" if content[:2] == b"PK" else "form.csv", content)}
    return api.client.post(f"/v1{path}", files=files, headers=api.headers(who))


RECONCILE = "/reconciliations?source=employment_fund&division=430000&period=2018-06"


def test_both_upload_routes_take_multipart_form_data(api: Api) -> None:
    answer = multipart(api, "clerk", "/imports/surveys", titled_csv(county_form(3)))
    assert answer.status_code == 202, answer.text  # type: ignore[attr-defined]
    b.appropriate(api.ledger, amount="500000.00", division=PROVINCE, on="2018-01-01")
    base = b.organisation(api.ledger)
    b.post(api.ledger, "BaseDesignated", org_id=base, designated_on="2018-01-01")
    payment = b.pay(api.ledger, "R16", base, "2018-06-01")
    treasury = f"日期,收款人,金额,凭证号\n2018-06-01,{base},100000.00,{payment.payment_id}\n"
    reconciled = multipart(api, "province", RECONCILE, treasury.encode())
    assert reconciled.status_code == 201, reconciled.text  # type: ignore[attr-defined]
    assert reconciled.json()["totals"]["matched"] == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("route", ["/imports/surveys", RECONCILE])
def test_a_multipart_body_without_a_file_field_is_a_422(api: Api, route: str) -> None:
    who = "clerk" if route.startswith("/imports") else "province"
    answer = multipart(api, who, route, b"x,y\n", field="upload")
    assert answer.status_code == 422, answer.text  # type: ignore[attr-defined]
    assert answer.json()["field"] == "file"  # type: ignore[attr-defined]


@pytest.mark.parametrize("route", ["/imports/surveys", RECONCILE])
def test_a_multipart_file_over_the_upload_bound_is_a_413(api: Api, route: str) -> None:
    who = "clerk" if route.startswith("/imports") else "province"
    answer = multipart(api, who, route, b"a" * (MAX_FILE_BYTES + 1))
    assert answer.status_code == 413, answer.text  # type: ignore[attr-defined]
    assert answer.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]


def test_the_template_has_the_contract_headers_an_example_and_a_guide(api: Api) -> None:
    answer = api.client.get("/v1/imports/surveys/template", headers=api.headers("clerk"))
    assert answer.status_code == 200 and answer.headers["content-type"] == XLSX
    assert "filename*=UTF-8''" in answer.headers["content-disposition"]
    book = load_workbook(io.BytesIO(answer.content))
    form, guide = book.worksheets
    assert guide.title == "说明"
    rows = list(form.iter_rows(values_only=True))
    assert list(rows[0]) == CONTRACT_HEADERS == [chinese_header(name) for name in FORM_FIELDS]
    assert rows[1][2] == EXAMPLE_ID_NUMBER and len(rows) == 2
    assert [row[0] for row in guide.iter_rows(min_row=2, values_only=True)][:13] == CONTRACT_HEADERS


@pytest.mark.parametrize("count", [1, 40])
def test_the_template_filled_with_rows_imports_cleanly(api: Api, count: int) -> None:
    book = load_workbook(
        io.BytesIO(
            api.client.get("/v1/imports/surveys/template", headers=api.headers("clerk")).content
        )
    )
    form = book.worksheets[0]
    for row in county_form(count):
        name, number, home, _, surveyor, status, willing, needs, place, employer, phone = row
        form.append(["", name, number, home, "2016/5/10", "2017/9/1", surveyor, status, willing,
                     needs, place, employer, phone])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    report = imported(api, "clerk", out.getvalue())
    assert (report["rows"], report["recorded"], report["rejected"]) == (count, count, 0), report


@pytest.mark.both_stores  # the job's own tables, on each store
def test_a_5000_row_form_with_title_rows_and_2017_9_1_dates_imports_as_a_job(
    api: Api, database_url: str
) -> None:
    count = 5000 if database_url.startswith("sqlite") else 300
    content = titled_csv(county_form(count))
    started = time.monotonic()
    report = imported(api, "clerk", content, timeout=600)
    seconds = time.monotonic() - started
    assert (report["status"], report["recorded"], report["rejected"]) == ("done", count, 0)
    print(f"{count} rows in {seconds:.1f} s: {count / seconds:.0f} rows/s")
    again = imported(api, "clerk", content, timeout=600)
    assert (again["recorded"], again["already_recorded"]) == (0, count)


def test_a_finance_token_may_not_import(api: Api) -> None:
    answer = api.client.post(
        "/v1/imports/surveys", content=titled_csv(county_form(1)), headers=api.headers("province")
    )
    assert answer.status_code == 403
