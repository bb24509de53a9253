"""The console's file pages in a real browser (Debian's Chromium through Playwright, against
`jobaid serve` on SQLite and on PostgreSQL, the fixtures of test_console_browser.py): a
clerk uploads a survey form and watches it to its row report; a finance officer uploads
the treasury's file and sees its mismatches marked; the statement's XLSX, downloaded from
its page, holds the API's totals. axe-core finds nothing on any of these pages; each test
leaves a full-page screenshot in tests/artifacts/."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from openpyxl import load_workbook

from tests.api import test_console_browser as shared
from tests.api.test_console_browser import Served, Watched, no_axe_violations, sign_in
from tests.builders import id_number
from tests.console_support import HOME, SCRIPT_NAME

# The browser, the servers (SQLite and PostgreSQL) and the watched page with its screenshot,
# as test_console_browser.py makes them (module-scoped: one server per store for this file).
browser, served, page = shared.browser, shared.served, shared.page
TIMEOUT_MS = 120_000  # an import on a busy machine; the page itself answers in milliseconds


def survey_form(people: int) -> bytes:
    """`people` unemployed people of 芙蓉区 (enough rows that the job is seen running on a
    quiet machine), one refused for its ID number's check character and one for a
    willingness written as a script — the form's own headers, title rows above them."""
    header = ["姓名", "* 身份证号码", "户籍所在地代码", "摸查日期", "摸查人", "就业状态",
              "就业意愿", "就业服务需求", "就业地点代码", "就业单位名称", "联系方式"]  # fmt: skip
    rows = []
    for n in range(people):
        number = id_number((date(1970, 1, 1) + timedelta(days=n)).isoformat(), serial=100)
        rows.append(
            [f"劳动者{n}", number, HOME, "2017/9/1", "李四", "未就业", "是", "", "", "", ""]
        )
    bad = id_number(serial=998)
    rows[1][1] = bad[:17] + ("0" if bad[17] != "0" else "1")
    rows[2][6] = SCRIPT_NAME
    out = io.StringIO()
    csv.writer(out).writerows([["湖南省农村贫困劳动力就业信息表"], [], header, *rows])
    return out.getvalue().encode("gb18030")


def test_a_clerk_uploads_a_survey_form_and_watches_it_finish(page: Watched, served: Served) -> None:
    p = page.page
    sign_in(p, served, "clerk")
    p.get_by_role("link", name="导入").click()
    p.wait_for_url("**/console/imports")
    no_axe_violations(p)
    p.get_by_label("摸查表（CSV 或 XLSX）").set_input_files(
        {"name": "芙蓉区摸查表.csv", "mimeType": "text/csv", "buffer": survey_form(600)}
    )
    polled: list[str] = []
    p.on("request", lambda r: "/progress" in r.url and polled.append(r.url))
    p.get_by_role("button", name="上传").click()
    p.wait_for_url("**/console/imports/*-*")
    job_url = p.url
    first_seen = p.get_attribute("#progress", "data-status")
    # htmx polls the progress fragment in place: the status moves on with no navigation.
    p.wait_for_selector("#progress[data-status='done']", timeout=TIMEOUT_MS)
    assert p.url == job_url
    if first_seen != "done":  # the page opened on a running job: it was polled to its end
        assert polled and all(url.startswith(f"{job_url}/progress") for url in polled)
    assert "已完成" in p.inner_text("#job-status")
    assert p.inner_text("#count-recorded") == "598" and p.inner_text("#count-rejected") == "2"
    report = p.inner_text("#row-report")
    headers = p.locator("#row-report thead th").all_inner_texts()
    assert headers[0] == "行号" and "* 身份证号码" in headers and "就业意愿" in headers
    assert SCRIPT_NAME in report  # the script is text on the page (no dialog opened)
    job_id = job_url.rsplit("/", 1)[-1]
    api = httpx.get(f"{served.server.url}/imports/{job_id}", timeout=30,
                    headers={"Authorization": f"Bearer {served.tokens['clerk']}"}).json()  # fmt: skip
    assert {e["column"] for e in api["errors"]} == set(headers[1:])
    # The progress is no longer polled once done: no request for it after a pause.
    polled.clear()
    p.wait_for_timeout(2500)
    assert polled == []
    with p.expect_download() as download:
        p.get_by_role("link", name="下载 XLSX").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.worksheets[0].max_row == 3  # the header and the two refused rows
    no_axe_violations(p)


def treasury_file() -> bytes:
    """The treasury's month for 芙蓉区's employment fund: pay-1 (¥200.00 to 芙蓉人力中介 on
    2018-07-15) paid ten days late, once more for another amount, and a payee named as a
    script that the ledger never paid."""
    out = io.StringIO()
    csv.writer(out).writerows([
        ["国库集中支付明细表"],
        ["支付日期", "收款人名称", "支付金额（元）", "用途"],
        ["2018-07-25", "芙蓉人力中介", "200.00", "职业介绍补贴"],
        ["2018-07-15", "芙蓉人力中介", "180.00", "职业介绍补贴"],
        ["2018-07-16", SCRIPT_NAME, "50.00", "就业补助资金"],
    ])  # fmt: skip
    return out.getvalue().encode("utf-8")


def test_a_finance_officer_uploads_the_treasury_file_and_sees_the_mismatch_highlighted(
    page: Watched, served: Served
) -> None:
    p = page.page
    sign_in(p, served, "finance")
    p.get_by_role("link", name="对账").click()
    p.wait_for_url("**/console/reconciliations")
    no_axe_violations(p)
    p.get_by_label("资金来源").select_option("employment_fund")
    p.get_by_label("行政区划").fill(HOME)
    p.get_by_label("期间").fill("2018-07")
    p.get_by_label("国库文件（CSV 或 XLSX）").set_input_files(
        {"name": "国库支付-2018-07.csv", "mimeType": "text/csv", "buffer": treasury_file()}
    )
    p.get_by_role("button", name="上传").click()
    p.wait_for_url("**/console/reconciliations/*-*")
    differing = p.locator("#report-lines tr.differs")
    assert differing.count() == 3  # nothing in this file matches as it stands
    labels = differing.locator("th .label").all_inner_texts()
    assert "国库有、账上无" in labels and ({"日期不符", "金额不符"} & set(labels))
    # Highlighted, and in words: the row's colour differs from a plain row's.
    background = differing.first.locator("td").first.evaluate(
        "cell => getComputedStyle(cell).backgroundColor"
    )
    assert background not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    nearest = p.locator("#report-lines tr.status-unmatched_treasury", has_text="pay-1")
    assert "最接近的候选" in nearest.inner_text() and "已与另一行匹配" in nearest.inner_text()
    assert SCRIPT_NAME in p.inner_text("#report-lines")  # text, no dialog opened
    reconciliation_id = p.url.rsplit("/", 1)[-1]
    api = httpx.get(f"{served.server.url}/reconciliations/{reconciliation_id}", timeout=30,
                    headers={"Authorization": f"Bearer {served.tokens['finance']}"}).json()  # fmt: skip
    assert p.inner_text("#treasury-total") == f"¥{Decimal(api['totals']['treasury_total']):,.2f}"
    assert p.inner_text("#ledger-total") == f"¥{Decimal(api['totals']['ledger_total']):,.2f}"
    no_axe_violations(p)


def test_a_bad_treasury_file_is_explained_on_the_page(page: Watched, served: Served) -> None:
    p = page.page
    sign_in(p, served, "finance")
    p.goto(f"{served.base}/console/reconciliations")
    p.get_by_label("行政区划").fill(HOME)
    p.get_by_label("期间").fill("2018-07")
    bad = "支付日期,收款人名称,支付金额（元）\n2018-07-15,芙蓉人力中介,1.234\n".encode()
    p.get_by_label("国库文件（CSV 或 XLSX）").set_input_files(
        {"name": "bad.csv", "mimeType": "text/csv", "buffer": bad}
    )
    p.get_by_role("button", name="上传").click()
    p.wait_for_selector("#refused")
    assert "支付金额（元）" in p.inner_text("#refused-rows")
    assert p.get_by_label("期间").input_value() == "2018-07"  # kept for the next try
    page.problems.clear()  # the 422 is a console error the browser logs; it is the point
    no_axe_violations(p)


def statement_figures(path: Path) -> tuple[Decimal, Decimal, Decimal, int]:
    """Opening and closing balance, the sum of the lines' amounts and their count, from the
    statement's workbook (期初余额 and 期末余额 rows around the lines)."""
    sheet = load_workbook(io.BytesIO(path.read_bytes())).worksheets[0]
    rows = [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)]
    opening, *lines, closing = rows
    assert opening[1] == "期初余额" and closing[1] == "期末余额"
    total = sum((Decimal(str(line[3])) for line in lines), Decimal("0"))
    return Decimal(str(opening[4])), Decimal(str(closing[4])), total, len(lines)


def test_the_statement_xlsx_download_holds_the_apis_totals(page: Watched, served: Served) -> None:
    p = page.page
    sign_in(p, served, "auditor")
    p.goto(f"{served.base}/console/accounts/employment_fund/430000")  # two pages of lines
    with p.expect_download() as download:
        p.get_by_role("link", name="下载 XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    opening, closing, total, count = statement_figures(Path(download.value.path()))
    api: dict[str, Any] = httpx.get(
        f"{served.server.url}/accounts/employment_fund/430000/statement", timeout=30,
        headers={"Authorization": f"Bearer {served.tokens['auditor']}"},
    ).json()  # fmt: skip
    assert opening == Decimal(api["opening_balance"]) and closing == Decimal(api["closing_balance"])
    assert total == sum(Decimal(line["amount"]) for line in api["lines"]) == closing - opening
    assert count == len(api["lines"]) == 56  # every line, not the page's fifty
    assert p.inner_text("#closing") == f"¥{closing:,.2f}"
    no_axe_violations(p)
