"""Reconciling real treasury files against the ledger (issue 12 §3), on both stores: the
treasury names payees by ID number, credit code and name, never by our ids; its dates
slip a day or two; the report says how each line matched, and why the others did not."""

from __future__ import annotations

import io
from typing import Any

import pytest

from domain.reconciliation import Reconciliation
from service.ledger import Ledger
from service.reconcile import reconcile_file, summary
from service.reconciliation_files import report_csv, report_xlsx
from tests import builders as b
from tests.treasury_support import paid_agency, paid_bases, paid_workers, treasury_row, workbook

pytestmark = pytest.mark.both_stores  # reports kept and read back, payees found by stored keys


def reconcile(
    ledger: Ledger, content: bytes, source: str, division: str, period: str, **options: Any
) -> dict[str, Any]:
    report, _ = reconcile_file(
        ledger, content, "国库支付明细.xlsx", source, division, period, "finance", **options
    )
    return summary(report)


def county(ledger: Ledger, content: bytes, **options: Any) -> dict[str, Any]:
    return reconcile(ledger, content, "local_treasury", b.HOME, "2018-02", **options)


def lines_of(report: dict[str, Any], status: str) -> list[dict[str, Any]]:
    return [line for line in report["lines"] if line["status"] == status]


def test_a_treasury_workbook_with_title_rows_id_numbers_and_a_two_day_slip_matches_every_line(
    ledger: Ledger,
) -> None:
    paid = paid_workers(ledger, 6)
    report = county(ledger, workbook([treasury_row(n, p) for n, p in enumerate(paid)]))
    totals = report["totals"]
    assert totals["matched"] == totals["matched_by_id_number"] == totals["treasury_lines"] == 6
    assert all(totals[k] == 0 for k in ("date_mismatch", "amount_mismatch", "payee_mismatch"))
    assert totals["unmatched_treasury"] == totals["unmatched_ledger"] == 0
    assert totals["difference"] == "0.00"
    matched = {line["ledger_reference"]: line for line in report["lines"]}
    assert set(matched) == {p.payment_id for p in paid}
    assert {(line["key"], line["date_slip"]) for line in matched.values()} == {("id_number", 2)}
    assert {line["treasury_line"] for line in matched.values()} == set(range(5, 11))


def test_the_clear_id_number_is_in_no_stored_event_no_answer_and_no_file(ledger: Ledger) -> None:
    paid = paid_workers(ledger, 3)
    stranger = b.id_number("1985-05-05", serial=77)  # a number the ledger never saw
    rows = [treasury_row(n, p) for n, p in enumerate(paid)]
    rows.append(treasury_row(3, paid[0], 20, 证件号码=stranger, 用途=f"补贴 {stranger}"))
    name = f"{stranger}.xlsx"  # a file named after a person, as clerks do
    report, _ = reconcile_file(
        ledger, workbook(rows), name, "local_treasury", b.HOME, "2018-02", "finance"
    )
    numbers = [p.id_number for p in paid if p.id_number] + [stranger]
    stored = b"".join(bytes(record.state) for record in ledger.recorder.select_notifications(1, 10_000))  # fmt: skip
    answered = repr(summary(report)).encode()
    files = [
        report_csv(report),
        report_csv(report, "en"),
        *unzipped(report_xlsx(report)),
        *unzipped(report_xlsx(report, "en")),
    ]
    for number in numbers:
        for text in (stored, answered, *files):
            assert number.encode() not in text
    masked = {line["treasury_id_number"] for line in summary(report)["lines"]}
    assert stranger[:14] + "****" in masked
    assert f"补贴 {stranger[:14]}****" in {line["treasury_purpose"] for line in summary(report)["lines"]}  # fmt: skip


def unzipped(xlsx: bytes) -> list[bytes]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
        return [book.read(name) for name in book.namelist()]


def test_organisations_are_found_by_credit_code_whatever_name_the_treasury_writes(
    ledger: Ledger,
) -> None:
    paid = paid_bases(ledger, 3)
    rows = [treasury_row(n, p, 1, 收款人名称=f"基地{n}") for n, p in enumerate(paid)]
    report = reconcile(ledger, workbook(rows), "employment_fund", "430000", "2018-06")
    assert report["totals"]["matched_by_credit_code"] == 3
    assert report["totals"]["matched"] == 3


def test_a_payee_named_only_by_name_is_matched_by_name(ledger: Ledger) -> None:
    paid = paid_bases(ledger, 2)
    rows = [treasury_row(n, p, 0, 统一社会信用代码=None) for n, p in enumerate(paid)]
    report = reconcile(ledger, workbook(rows), "employment_fund", "430000", "2018-06")
    assert report["totals"]["matched_by_name"] == 2
    assert {line["key"] for line in report["lines"]} == {"name"}


def test_a_line_whose_id_number_names_nobody_is_not_matched_by_its_name(ledger: Ledger) -> None:
    (paid,) = paid_workers(ledger, 1)
    other = b.id_number("1985-05-05", serial=78)
    report = county(ledger, workbook([treasury_row(0, paid, 0, 证件号码=other)]))
    (line,) = lines_of(report, "unmatched_treasury")
    assert line["ledger_reference"] == paid.payment_id  # the nearest candidate
    assert line["payee_differs"] is True
    assert line["reason"] == f"nearest {paid.payment_id}: payee differs"
    assert lines_of(report, "unmatched_ledger")[0]["ledger_reference"] == paid.payment_id


def test_unmatched_lines_say_how_far_the_nearest_candidate_is(ledger: Ledger) -> None:
    first, second = paid_workers(ledger, 2)
    rows = [
        treasury_row(0, first, 0, **{"支付金额（元）": "350.00"}),  # amount off by 50.00
        treasury_row(1, second, 9),  # nine days late
        treasury_row(2, second, 0, 证件号码=first.id_number, **{"支付金额（元）": "1.00"}),
    ]
    report = county(ledger, workbook(rows))
    reasons = {line["treasury_line"]: line["reason"] for line in report["lines"]}
    assert reasons[5] == "amount differs by 50.00"
    assert reasons[6] == "date off by 9 days, beyond the tolerance of 3"
    assert (
        reasons[7]
        == f"nearest {first.payment_id}: amount differs by -299.00; already matched to another line"
    )
    assert report["totals"]["amount_mismatch"] == report["totals"]["date_mismatch"] == 1
    assert report["totals"]["unmatched_treasury"] == 1


def test_the_date_tolerance_decides_and_makes_another_report(ledger: Ledger) -> None:
    paid = paid_workers(ledger, 2)
    content = workbook([treasury_row(n, p) for n, p in enumerate(paid)])
    strict = county(ledger, content, date_tolerance="1")
    assert strict["totals"]["date_mismatch"] == 2 and strict["date_tolerance"] == 1
    assert {line["reason"] for line in strict["lines"]} == {
        "date off by 2 days, beyond the tolerance of 1"
    }
    lenient = county(ledger, content)
    assert lenient["totals"]["matched"] == 2 and lenient["date_tolerance"] == 3
    assert lenient["reconciliation_id"] != strict["reconciliation_id"]


def test_a_voucher_naming_the_payment_matches_first_whatever_the_payee_columns_say(
    ledger: Ledger,
) -> None:
    (paid,) = paid_bases(ledger, 1)
    row = treasury_row(
        0, paid, 0, 收款人名称="某单位", 统一社会信用代码=None, 凭证号=paid.payment_id
    )
    report = reconcile(ledger, workbook([row]), "employment_fund", "430000", "2018-06")
    assert report["totals"]["matched_by_voucher"] == 1 and report["lines"][0]["key"] == "voucher"


def test_a_voucher_with_a_credit_code_of_another_payee_is_a_payee_mismatch(ledger: Ledger) -> None:
    one, other = paid_bases(ledger, 2)
    row = treasury_row(0, one, 0, 统一社会信用代码=other.credit_code, 凭证号=one.payment_id)
    rows = [row, treasury_row(1, other, 0)]
    report = reconcile(ledger, workbook(rows), "employment_fund", "430000", "2018-06")
    assert report["totals"]["payee_mismatch"] == 1 and report["totals"]["matched"] == 1


def test_a_payment_just_before_the_period_is_found_but_never_reported_missing(
    ledger: Ledger,
) -> None:
    january = paid_workers(ledger, 2, paid_on="2018-01-30")
    rows = [treasury_row(0, january[0], 2)]  # disbursed 1 February
    report = county(ledger, workbook(rows))
    assert report["totals"]["matched"] == 1
    assert report["totals"]["unmatched_ledger"] == 0  # January's other payment is January's
    assert report["totals"]["ledger_entries"] == 0 and report["totals"]["ledger_total"] == "0.00"


def test_a_refund_line_matches_the_reversal(ledger: Ledger) -> None:
    (paid,) = paid_workers(ledger, 1)
    b.reverse(ledger, paid.payment_id, "2018-02-10")
    refund = treasury_row(1, paid, 10, **{"支付金额（元）": "-300.00"})
    report = county(ledger, workbook([treasury_row(0, paid), refund]))
    assert report["totals"]["matched"] == 2
    kinds = {line["ledger_kind"]: line["treasury_amount"] for line in report["lines"]}
    assert kinds == {"payment": "300.00", "reversal": "-300.00"}


def test_the_report_is_kept_and_answered_again_for_the_same_file(ledger: Ledger) -> None:
    paid = paid_workers(ledger, 1)
    content = workbook([treasury_row(0, paid[0])])
    first, replayed = reconcile_file(ledger, content, "t.xlsx", "local_treasury", b.HOME, "2018-02", "f")  # fmt: skip
    again, replayed = reconcile_file(ledger, content, "t.xlsx", "local_treasury", b.HOME, "2018-02", "f")  # fmt: skip
    assert replayed and again.id == first.id
    assert ledger.store.get(first.id, Reconciliation) is not None


def test_a_report_kept_by_earlier_code_still_answers_and_exports(ledger: Ledger) -> None:
    from tests.service.test_old_history import load_history

    kept = next(e for e in load_history(ledger) if e.topic == "jobaid:AccountReconciled")
    old = ledger.store.get(kept.originator_id, Reconciliation)
    assert old is not None
    assert summary(old)["totals"]["unmatched_treasury"] == 1
    rows = report_csv(old, "en").decode("utf-8-sig").splitlines()
    assert rows[1].startswith("unmatched_treasury,,,,,2,2017-08-02,x,,,300.00,,y,")
    assert report_xlsx(old).startswith(b"PK")


def test_one_line_paying_two_payments_and_one_payment_split_over_two_lines_all_match(
    ledger: Ledger,
) -> None:
    _, (one, two, three) = paid_agency(ledger, 3)
    rows = [
        treasury_row(0, one, 1, **{"支付金额（元）": "400.00"}),  # one and two, merged
        treasury_row(1, three, 0, **{"支付金额（元）": "120.00"}),  # three, split …
        treasury_row(2, three, 2, **{"支付金额（元）": "80.00"}),  # … over two lines
    ]
    report = reconcile(ledger, workbook(rows), "employment_fund", b.HOME, "2018-07")
    totals = report["totals"]
    assert totals["matched"] == totals["matched_by_credit_code"] == 4
    assert (totals["treasury_lines"], totals["ledger_entries"], totals["difference"]) == (
        3,
        3,
        "0.00",
    )
    shapes = {
        (line["treasury_line"], line["ledger_reference"], line["shape"]) for line in report["lines"]
    }
    assert shapes == {
        (5, one.payment_id, "merged"),
        (5, two.payment_id, "merged"),
        (6, three.payment_id, "split"),
        (7, three.payment_id, "split"),
    }
    amounts = sorted(line["matched_amount"] for line in report["lines"])
    assert amounts == ["120.00", "200.00", "200.00", "80.00"]
