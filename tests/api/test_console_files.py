"""The console's file pages over HTTP (TestClient): reconciliations (the upload of the
treasury's file as finance, the report with each difference marked and its nearest
candidate), survey imports (the upload as a clerk, the progress fragment htmx polls, the
row report by the form's own headers, the blank form) and the statement's XLSX and CSV.

Each goes through the API's own routes with the session's principal, so each is checked
against the API: the same report, the same refusals (422 with its rows, 413, 403), the
same files, the same scope."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from service.ledger import Ledger
from tests.api.test_console_pages import csrf_of, sign_in
from tests.api_support import Api, running_api
from tests.console_support import HOME, SCRIPT_NAME, TIANXIN, VIEWERS, WRITERS, WRITES
from tests.surveys import HEADER as SURVEY_HEADER

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCOUNT = {"source": "employment_fund", "division": HOME, "period": "2018-07"}
TREASURY_HEADER = ["支付日期", "收款人名称", "支付金额（元）", "用途"]
# pay-1 (R7, ¥200.00 to 芙蓉人力中介 on 2018-07-15) as the treasury paid it ten days late,
# once more for another amount, and a payee named as a script the ledger never paid.
TREASURY_ROWS = [
    ["2018-07-25", "芙蓉人力中介", "200.00", "职业介绍补贴"],
    ["2018-07-15", "芙蓉人力中介", "180.00", "职业介绍补贴"],
    ["2018-07-16", SCRIPT_NAME, "50.00", "<b>bold</b>"],
]
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
MORE = {"finance_tianxin": ("finance", TIANXIN), "clerk_tianxin": ("clerk", TIANXIN)}


@pytest.fixture
def api(ledger: Ledger) -> Iterator[Api]:
    with running_api(ledger) as api:
        for name, (role, division) in {**WRITERS, **VIEWERS, **MORE}.items():
            api.token(name, role, division)
        for who, path, body in WRITES:
            assert api.post(who, path, body).status_code == 201
        yield api


def treasury_csv(rows: list[list[str]], header: list[str] = TREASURY_HEADER) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode("utf-8")


def upload_treasury(
    client: TestClient, content: bytes, csrf: str | None = None, **fields: str
) -> Any:
    if csrf is None:
        csrf = csrf_of(client.get("/console/reconciliations").text)
    data = {**ACCOUNT, "date_tolerance": "3", **fields, "csrf": csrf}
    return client.post("/console/reconciliations", data=data, follow_redirects=False,
                       files={"file": ("treasury-2018-07.csv", content, "text/csv")})  # fmt: skip


def api_reconcile(api: Api, content: bytes, who: str = "finance") -> Any:
    query = "&".join(f"{k}={v}" for k, v in ACCOUNT.items())
    return api.client.post(f"/v1/reconciliations?{query}", content=content,
                           headers=api.headers(who, **{"Content-Type": "text/csv"}))  # fmt: skip


@pytest.mark.both_stores
def test_finance_uploads_the_treasury_file_and_reads_the_report_with_differences_marked(
    api: Api,
) -> None:
    client = sign_in(api, "finance")
    answer = upload_treasury(client, treasury_csv(TREASURY_ROWS))
    assert answer.status_code == 303, answer.text
    report_path = answer.headers["location"]
    reconciliation_id = report_path.rsplit("/", 1)[-1]
    page = client.get(report_path)
    assert page.status_code == 200
    # The very report the API keeps for the same file.
    kept = api.get("finance", f"/reconciliations/{reconciliation_id}").json()
    assert api_reconcile(api, treasury_csv(TREASURY_ROWS)).json() == kept
    statuses = [line["status"] for line in kept["lines"]]
    assert "date_mismatch" in statuses or "amount_mismatch" in statuses
    assert "unmatched_treasury" in statuses
    rows = re.findall(r'<tr class="status-([a-z_]+)( differs)?">(.*?)</tr>', page.text, re.S)
    assert [status for status, _, _ in rows] == statuses
    words = {"date_mismatch": "日期不符", "amount_mismatch": "金额不符",
             "unmatched_treasury": "国库有、账上无", "matched": "已匹配"}  # fmt: skip
    for status, differs, cells in rows:
        assert (differs == " differs") == (status != "matched")
        assert f'<span class="label">{words[status]}</span>' in cells  # a word, not colour alone
        if status != "matched":
            assert "⚠" in cells
    # The treasury line the ledger's pay-1 could not take shows pay-1 as its nearest candidate.
    nearest = [c for s, _, c in rows if s == "unmatched_treasury" and "pay-1" in c]
    assert nearest and "最接近的候选" in nearest[0] and "已与另一行匹配" in nearest[0]
    totals = kept["totals"]
    assert f'id="treasury-total">¥{Decimal(totals["treasury_total"]):,.2f}<' in page.text
    assert f'id="ledger-total">¥{Decimal(totals["ledger_total"]):,.2f}<' in page.text
    # Names from the file are text: no markup of theirs reaches the page.
    assert SCRIPT_NAME not in page.text and ESCAPED in page.text and "<b>bold</b>" not in page.text
    listed = client.get("/console/reconciliations").text
    assert (
        f"/console/reconciliations/{reconciliation_id}" in listed
        and "treasury-2018-07.csv" in listed
    )
    english = client.get(report_path + "?lang=en").text
    assert "Date mismatch" in english or "Amount mismatch" in english
    assert "Nearest candidate" in english and "already matched to another line" in english


def test_a_long_report_pages_and_shows_its_differences_alone(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    import api.console.reconciliations as pages

    monkeypatch.setattr(pages, "REPORT_LINES", 2)
    client = sign_in(api, "finance")
    matched = ["2018-07-15", "芙蓉人力中介", "200.00", "职业介绍补贴"]
    rows = [matched, *TREASURY_ROWS[2:], ["2018-07-17", "无名氏", "1.00", ""]]
    report_path = upload_treasury(client, treasury_csv(rows)).headers["location"]
    first = client.get(report_path).text
    assert len(re.findall(r'<tr class="status-', first)) == 2 and "页 1 / 2" in first
    second = client.get(f"{report_path}?show=all&page=2").text
    assert len(re.findall(r'<tr class="status-', second)) == 1
    differing = client.get(f"{report_path}?show=differences").text
    statuses = re.findall(r'<tr class="status-([a-z_]+)', differing)
    assert statuses == ["unmatched_treasury", "unmatched_treasury"] and "页 1 / 1" not in differing
    for bad in ("?page=3", "?page=0", "?page=x", "?show=everything"):
        assert client.get(report_path + bad).status_code == 422, bad


def test_the_report_downloads_are_the_apis_files(api: Api) -> None:
    client = sign_in(api, "finance")
    report_path = upload_treasury(client, treasury_csv(TREASURY_ROWS)).headers["location"]
    reconciliation_id = report_path.rsplit("/", 1)[-1]
    from_api = api.get("finance", f"/reconciliations/{reconciliation_id}?format=csv")
    from_console = client.get(f"{report_path}/report.csv")
    assert from_console.status_code == 200 and from_console.content == from_api.content
    book = load_workbook(io.BytesIO(client.get(f"{report_path}/report.xlsx").content))
    assert "对账明细" in book.sheetnames
    assert client.get(f"{report_path}/report.pdf").status_code == 422


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (treasury_csv([["2018-07-15", "芙蓉人力中介", "1.234", ""]]), "row"),
        (treasury_csv([["2018-07-15", "200.00"]], ["支付日期", "支付金额（元）"]), "payee"),
        (b"\x00\x01 not a spreadsheet \xff", "file"),
    ],
)
def test_a_bad_treasury_file_is_refused_on_the_page_with_the_apis_reasons(
    api: Api, content: bytes, reason: str
) -> None:
    client = sign_in(api, "finance")
    answer = upload_treasury(client, content)
    from_api = api_reconcile(api, content)
    assert answer.status_code == from_api.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    problem = from_api.json()
    assert 'id="refused"' in answer.text and escape(problem["detail"]) in answer.text
    for error in problem.get("errors", []):
        assert (
            f'<td class="number">{error["row"]}</td><td>{escape(error["column"])}</td>'
            in answer.text
        )
    if reason == "row":
        assert problem["errors"] and 'id="refused-rows"' in answer.text
    # What was typed is kept in the form, so the officer tries again with another file.
    assert 'value="2018-07"' in answer.text
    assert 'id="reconciliations"' not in answer.text  # nothing was kept


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")  # fmt: skip


def test_bad_fields_and_an_empty_file_are_refused_on_the_page_never_a_failure(api: Api) -> None:
    client = sign_in(api, "finance")
    for fields in ({"period": "2018-13"}, {"source": "nowhere"}, {"date_tolerance": "99"},
                   {"period": "<script>" + "x" * 5000}):  # fmt: skip
        answer = upload_treasury(client, treasury_csv(TREASURY_ROWS), **fields)
        assert answer.status_code == 422, fields
        assert 'id="refused"' in answer.text and "<script>" not in answer.text.split("</header>")[1]
    # A division outside the scope is the API's 403 (its scope is checked first), as a page.
    outside = upload_treasury(client, treasury_csv(TREASURY_ROWS), division="<script>")
    assert outside.status_code == 403 and "<script>" not in outside.text.split("</header>")[1]
    empty = upload_treasury(client, b"")
    assert empty.status_code == 422 and "file: is empty" in empty.text
    no_file = client.post("/console/reconciliations",
                          data={**ACCOUNT, "csrf": csrf_of(client.get("/console/reconciliations").text)})  # fmt: skip
    assert no_file.status_code == 422 and 'id="refused"' in no_file.text


def test_a_file_too_large_is_a_413_page_not_a_problem_document(api: Api) -> None:
    from adapters.tables import MAX_FILE_BYTES

    client = sign_in(api, "finance")
    answer = upload_treasury(client, b"0" * (MAX_FILE_BYTES + 1))
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/html")
    assert (
        "The file is too large" in answer.text and 'href="/console/reconciliations"' in answer.text
    )


def test_a_forged_upload_is_refused_and_nothing_is_reconciled(api: Api) -> None:
    client = sign_in(api, "finance")
    answer = upload_treasury(client, treasury_csv(TREASURY_ROWS), csrf="forged")
    assert answer.status_code == 403
    # A forged form is refused before its file is looked at: even an empty one.
    assert upload_treasury(client, b"", csrf="forged").status_code == 403
    assert api.get("finance", "/reconciliations").json()["items"] == []


def test_only_finance_may_reconcile_and_clerks_do_not_see_reconciliations(api: Api) -> None:
    clerk = sign_in(api, "clerk")
    overview = clerk.get("/console/overview").text
    assert (
        'href="/console/reconciliations"' not in overview and 'href="/console/imports"' in overview
    )
    assert clerk.get("/console/reconciliations").status_code == 403
    csrf = csrf_of(clerk.get("/console/overview").text)
    assert upload_treasury(clerk, treasury_csv(TREASURY_ROWS), csrf=csrf).status_code == 403
    auditor = sign_in(api, "auditor")
    page = auditor.get("/console/reconciliations")
    assert page.status_code == 200 and 'id="reconcile-form"' not in page.text
    assert "只有财务人员可以上传国库文件进行对账" in page.text
    csrf = csrf_of(page.text)
    assert upload_treasury(auditor, treasury_csv(TREASURY_ROWS), csrf=csrf).status_code == 403
    assert api.get("auditor", "/reconciliations").json()["items"] == []


@pytest.mark.both_stores
def test_a_county_finance_officer_sees_only_its_own_reconciliations(api: Api) -> None:
    report_path = upload_treasury(sign_in(api, "finance"), treasury_csv(TREASURY_ROWS)).headers["location"]  # fmt: skip
    tianxin = sign_in(api, "finance_tianxin")
    listed = tianxin.get("/console/reconciliations").text
    assert report_path not in listed and "范围内还没有对账报告" in listed
    # The form offers the accounts of its own county only.
    offered = re.findall(r'<option value="([0-9]{6})">', listed)
    assert offered == [TIANXIN]
    refused = tianxin.get(report_path)
    assert refused.status_code == 403 and "芙蓉人力中介" not in refused.text
    assert tianxin.get(f"{report_path}/report.csv").status_code == 403
    # Nor may it reconcile the next county's account.
    assert upload_treasury(tianxin, treasury_csv(TREASURY_ROWS)).status_code == 403
    assert report_path in sign_in(api, "auditor").get("/console/reconciliations").text


# Survey imports ---------------------------------------------------------------------------

RUSSIAN_DOLL = "<script>alert(1)</script>"


def survey_form(header: list[str] = SURVEY_HEADER) -> bytes:
    """Two people of 芙蓉区, one refused for an ID number whose check character is wrong,
    one for a willingness written as a script."""
    from tests.builders import id_number

    good = id_number(serial=31)
    bad_check = id_number(serial=32)
    bad_check = bad_check[:17] + ("0" if bad_check[17] != "0" else "1")
    rows = [
        ["王五", good, HOME, "2017/9/1", "李四", "未就业", "是", "技能培训", "", "", ""],
        ["赵六", bad_check, HOME, "2017/9/1", "李四", "未就业", "是", "", "", "", ""],
        [
            "钱七",
            id_number(serial=33),
            HOME,
            "2017/9/1",
            "李四",
            "未就业",
            RUSSIAN_DOLL,
            "",
            "",
            "",
            "",
        ],
    ]
    out = io.StringIO()
    csv.writer(out).writerows([["湖南省农村贫困劳动力就业信息表"], header, *rows])
    return out.getvalue().encode("utf-8")


def upload_survey(client: TestClient, content: bytes, csrf: str | None = None) -> Any:
    if csrf is None:
        csrf = csrf_of(client.get("/console/imports").text)
    return client.post("/console/imports", data={"csrf": csrf}, follow_redirects=False,
                       files={"file": ("摸查表.csv", content, "text/csv")})  # fmt: skip


def finished(client: TestClient, job_path: str, timeout: float = 60.0) -> str:
    """The progress fragment, polled as htmx polls it, until it stops asking to be polled."""
    deadline = time.monotonic() + timeout
    while True:
        fragment = client.get(f"{job_path}/progress")
        assert fragment.status_code == 200
        if "hx-trigger" not in fragment.text or time.monotonic() > deadline:
            return fragment.text
        assert 'hx-trigger="every 1s"' in fragment.text and "<html" not in fragment.text
        time.sleep(0.05)


def test_a_clerk_uploads_a_survey_form_and_follows_it_to_its_row_report(api: Api) -> None:
    client = sign_in(api, "clerk")
    header = ["姓名", "* 身份证号码", *SURVEY_HEADER[2:]]  # the form's own wording
    answer = upload_survey(client, survey_form(header))
    assert answer.status_code == 303, answer.text
    job_path = answer.headers["location"]
    import_id = job_path.rsplit("/", 1)[-1]
    done = finished(client, job_path)
    assert 'data-status="done"' in done and "hx-get" not in done
    job = api.get("clerk", f"/imports/{import_id}").json()
    assert (job["recorded"], job["rejected"]) == (1, 2)
    assert f'id="count-recorded">{job["recorded"]}<' in done
    # The row report: a column per header the form used, as the API's report names it.
    table = re.search(r'<table id="row-report".*?</table>', done, re.S)
    assert table is not None
    headers = re.findall(r'<th scope="col">(.*?)</th>', table.group(0))
    assert headers[0] == "行号" and "* 身份证号码" in headers and "就业意愿" in headers
    assert set(headers[1:]) == {error["column"] for error in job["errors"]}
    for error in job["errors"]:
        assert f'<th scope="row" class="number">{error["row"]}</th>' in table.group(0)
        assert escape(error["reason"]) in table.group(0)
    assert RUSSIAN_DOLL not in done and ESCAPED in done
    page = client.get(job_path).text  # the whole page, once done: the same report, no polling
    assert 'id="row-report"' in page and "hx-trigger" not in page
    listed = client.get("/console/imports").text
    assert job_path in listed and "已完成" in listed
    from_api = api.get("clerk", f"/imports/{import_id}?format=csv")
    assert client.get(f"{job_path}/report.csv").content == from_api.content


def test_a_running_import_is_polled_by_its_page(api: Api) -> None:
    client = sign_in(api, "clerk")
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    runtime.imports().stop()  # the job stays queued: the page keeps polling
    job_path = upload_survey(client, survey_form()).headers["location"]
    page = client.get(job_path).text
    assert f'hx-get="{job_path}/progress" hx-trigger="every 1s" hx-swap="outerHTML"' in page
    assert 'data-status="queued"' in page and "排队中" in page
    assert '<progress id="job-progress" max="3" value="0"' in page


def test_a_failed_import_says_why_and_stops_polling(api: Api, ledger: Ledger) -> None:
    from service.import_jobs import Runner
    from service.tokens import revoke_token

    clerk = sign_in(api, "clerk")
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    runtime.imports().stop()  # the job waits, while its token is revoked
    job_path = upload_survey(clerk, survey_form()).headers["location"]
    revoke_token(ledger, api.tokens["clerk"].split("_")[1], revoked_by="test")
    assert Runner(ledger, runtime.imports().store).run_next()
    page = sign_in(api, "auditor").get(job_path).text
    assert 'data-status="failed"' in page and "hx-trigger" not in page
    assert "失败原因: the token that started the import was revoked" in page


def test_a_long_row_report_lists_its_first_rows_and_points_to_the_file(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    import api.console.imports as pages

    monkeypatch.setattr(pages, "ROWS_SHOWN", 1)
    client = sign_in(api, "clerk")
    done = finished(client, upload_survey(client, survey_form()).headers["location"])
    table = re.search(r'<table id="row-report".*?</table>', done, re.S)
    assert table is not None and len(re.findall(r'<th scope="row"', table.group(0))) == 1
    assert "完整报告请下载" in done and "/report.xlsx" in done


def test_both_lists_page_as_the_apis_lists_do(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    import api.console.imports as import_pages
    import api.console.reconciliations as reconciliation_pages

    monkeypatch.setattr(import_pages, "LISTED", 1)
    monkeypatch.setattr(reconciliation_pages, "LISTED", 1)
    finance = sign_in(api, "finance")
    first = upload_treasury(finance, treasury_csv(TREASURY_ROWS)).headers["location"]
    second = upload_treasury(finance, treasury_csv(TREASURY_ROWS[:1])).headers["location"]
    listed = finance.get("/console/reconciliations").text
    assert first in listed and second not in listed
    more = re.search(r'<a rel="next" href="([^"]+)"', listed)
    assert more is not None
    assert second in finance.get(more.group(1).replace("&amp;", "&")).text
    clerk = sign_in(api, "clerk")
    jobs = [upload_survey(clerk, survey_form()).headers["location"] for _ in range(2)]
    listed = clerk.get("/console/imports").text
    assert jobs[0] in listed and jobs[1] not in listed
    more = re.search(r'<a rel="next" href="([^"]+)"', listed)
    assert more is not None and jobs[1] in clerk.get(more.group(1).replace("&amp;", "&")).text


def test_the_file_pages_speak_english_a_click_away(api: Api) -> None:
    finance = sign_in(api, "finance")
    page = finance.get("/console/reconciliations?lang=en").text
    assert "Upload the treasury&#39;s file" in page and "Treasury file (CSV or XLSX)" in page
    clerk = sign_in(api, "clerk")
    job_path = upload_survey(clerk, survey_form()).headers["location"]
    done = finished(clerk, job_path)
    assert "Refused rows, by the form&#39;s own columns" in clerk.get(f"{job_path}?lang=en").text
    assert "已完成" in done


def test_a_form_that_is_no_form_is_refused_on_the_page_with_the_apis_reason(api: Api) -> None:
    client = sign_in(api, "clerk")
    content = "名字,电话\n张三,123\n".encode()
    answer = upload_survey(client, content)
    from_api = api.client.post("/v1/imports/surveys", content=content,
                               headers=api.headers("clerk", **{"Content-Type": "text/csv"}))  # fmt: skip
    assert answer.status_code == from_api.status_code == 422
    assert escape(from_api.json()["detail"]) in answer.text and 'id="refused"' in answer.text
    assert upload_survey(client, b"").status_code == 422
    assert api.get("clerk", "/imports").json()["items"] == []


def test_only_clerks_upload_survey_forms_and_forged_forms_are_refused(api: Api) -> None:
    clerk = sign_in(api, "clerk")
    assert upload_survey(clerk, survey_form(), csrf="forged").status_code == 403
    finance = sign_in(api, "finance")
    page = finance.get("/console/imports")
    assert page.status_code == 200 and 'id="import-form"' not in page.text
    assert upload_survey(finance, survey_form(), csrf=csrf_of(page.text)).status_code == 403
    assert api.get("auditor", "/imports").json()["items"] == []


def test_the_blank_form_is_the_apis_template(api: Api) -> None:
    client = sign_in(api, "clerk")
    page = client.get("/console/imports").text
    assert 'href="/console/imports/template.xlsx"' in page
    from_console = client.get("/console/imports/template.xlsx")
    from_api = api.get("clerk", "/imports/surveys/template")
    assert from_console.headers["content-type"] == XLSX
    # The same workbook (its bytes carry the second it was written in).
    assert sheet_rows(from_console.content) == sheet_rows(from_api.content)
    assert from_console.headers["content-disposition"] == from_api.headers["content-disposition"]


@pytest.mark.both_stores
def test_a_county_clerk_sees_only_its_own_imports(api: Api) -> None:
    clerk = sign_in(api, "clerk")
    job_path = upload_survey(clerk, survey_form()).headers["location"]
    finished(clerk, job_path)
    tianxin = sign_in(api, "clerk_tianxin")
    listed = tianxin.get("/console/imports").text
    assert job_path not in listed and "范围内还没有导入" in listed
    assert tianxin.get(job_path).status_code == 404
    assert tianxin.get(f"{job_path}/progress").status_code == 404
    assert tianxin.get(f"{job_path}/report.xlsx").status_code == 404
    assert job_path in sign_in(api, "finance").get("/console/imports").text  # 长沙市 covers it


# The statement's downloads ---------------------------------------------------------------


def sheet_rows(content: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [[cell for cell in row] for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]  # fmt: skip


def test_the_statement_page_offers_the_apis_xlsx_and_csv_for_its_dates(api: Api) -> None:
    client = sign_in(api, "auditor")
    path = "/accounts/employment_fund/430000/statement"
    query = "from=2017-08-01&to=2017-12-31&as_of=2018-01-01"
    page = client.get(f"/console/accounts/employment_fund/430000?{query}").text
    links = re.findall(r'href="(/console/accounts/employment_fund/430000/statement\.(?:xlsx|csv)[^"]*)"', page)  # fmt: skip
    assert len(links) == 2
    assert all(part in link for link in links for part in query.split("&"))
    for fmt in ("xlsx", "csv"):
        from_console = client.get(f"/console{path}.{fmt}?{query}")
        from_api = api.get("auditor", f"{path}?{query}&format={fmt}")
        assert from_console.status_code == 200 and from_console.headers["content-disposition"].startswith("attachment;")  # fmt: skip
        if fmt == "csv":
            assert from_console.content == from_api.content
        else:
            assert from_console.headers["content-type"] == XLSX
            assert sheet_rows(from_console.content) == sheet_rows(from_api.content)
    english = client.get(f"/console{path}.csv?{query}&lang=en")
    assert english.content == api.get("auditor", f"{path}?{query}&format=csv&lang=en").content
    assert client.get(f"/console{path}.pdf").status_code == 404


def test_the_statement_files_keep_the_known_at_picked_in_beijing_time(api: Api) -> None:
    client = sign_in(api, "clerk")
    path = "/accounts/employment_fund/430102/statement"
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    local = (later + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S")  # as the picker sends it
    picked = client.get(f"/console{path}.csv", params={"known_at": local})
    from_api = api.get("clerk", f"{path}?known_at={later:%Y-%m-%dT%H:%M:%SZ}&format=csv")
    assert picked.status_code == from_api.status_code == 200, (picked.text, from_api.text)
    assert picked.content == from_api.content
    assert (
        client.get(f"/console/accounts/employment_fund/{TIANXIN}/statement.xlsx").status_code == 403
    )


def test_the_new_pages_have_no_inline_script(api: Api) -> None:
    client = sign_in(api, "finance")
    report_path = upload_treasury(client, treasury_csv(TREASURY_ROWS)).headers["location"]
    clerk = sign_in(api, "clerk")
    job_path = upload_survey(clerk, survey_form()).headers["location"]
    for who, paths in (("clerk", ["/console/imports", job_path, f"{job_path}/progress"]),
                       ("finance", ["/console/reconciliations", report_path])):  # fmt: skip
        viewer = sign_in(api, who)
        for path in paths:
            answer = viewer.get(path)
            assert answer.status_code == 200, path
            assert "unsafe-inline" not in answer.headers["content-security-policy"]
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", answer.text), path
            assert not re.search(r"\son[a-z]+=", answer.text), path


def test_no_file_page_is_reachable_without_signing_in(api: Api) -> None:
    api.client.cookies.clear()
    for path in ["/console/reconciliations", "/console/imports", "/console/imports/template.xlsx",
                 "/console/accounts/employment_fund/430102/statement.xlsx"]:  # fmt: skip
        answer = api.client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and "/console/sign-in" in answer.headers["location"]
    refused = api.client.post("/console/imports", files={"file": ("f.csv", b"a", "text/csv")},
                              follow_redirects=False)  # fmt: skip
    assert refused.status_code == 303
