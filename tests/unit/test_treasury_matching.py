"""The matcher alone (domain.matching): merged and split lines, exact sums of one sign,
the order of the passes, and the nearest candidate of a line left over."""

from __future__ import annotations

import time
from datetime import date, timedelta
from decimal import Decimal

from domain.dated import ByDate
from domain.matching import MAX_GROUP, match, summing
from domain.reconciliation import LedgerEntry, Pair, TreasuryLine, report

DAY = date(2018, 6, 1)
positions = iter(range(1, 10_000))


def entry(reference: str, amount: str, payee: str = "w1", days: int = 0) -> LedgerEntry:
    kind = "reversal" if amount.startswith("-") else "payment"
    on = DAY + timedelta(days=days)
    return LedgerEntry(reference, kind, on, payee, Decimal(amount), next(positions), "张三")


def line(number: int, amount: str, payee: str = "w1", days: int = 0, voucher: str = "") -> TreasuryLine:  # fmt: skip
    on = DAY + timedelta(days=days)
    return TreasuryLine(number, on, Decimal(amount), "张三", voucher=voucher,
                        key="id_number", payees=frozenset({payee}))  # fmt: skip


def statuses(pairs: list[Pair]) -> list[tuple[str, int | None, str | None, str | None]]:
    return [
        (p.status, p.line.line if p.line else None, p.entry.reference if p.entry else None, p.shape)
        for p in pairs
    ]


def test_one_line_paying_two_payments_of_one_payee_on_one_day_matches_both() -> None:
    pairs = match([entry("p1", "300.00"), entry("p2", "500.00")], [line(5, "800.00", days=2)], 3)
    assert statuses(pairs) == [("matched", 5, "p1", "merged"), ("matched", 5, "p2", "merged")]
    totals = report(pairs, [entry("p1", "300.00"), entry("p2", "500.00")], 3)["totals"]
    assert totals["treasury_lines"] == 1 and totals["treasury_total"] == "800.00"
    assert totals["matched"] == 2 and totals["difference"] == "0.00"


def test_a_merged_line_sums_only_payments_of_one_day() -> None:
    entries = [entry("p1", "300.00"), entry("p2", "500.00", days=1)]
    pairs = match(entries, [line(5, "800.00")], 3)
    assert [p.status for p in pairs] == ["amount_mismatch", "unmatched_ledger"]


def test_a_merged_line_finds_the_payments_that_sum_to_it_among_others() -> None:
    entries = [entry("p1", "300.00"), entry("p2", "120.00"), entry("p3", "500.00")]
    pairs = match(entries, [line(5, "800.00")], 3)
    assert statuses(pairs)[:2] == [("matched", 5, "p1", "merged"), ("matched", 5, "p3", "merged")]
    assert statuses(pairs)[2] == ("unmatched_ledger", None, "p2", None)


def test_a_payment_split_over_two_lines_matches_both() -> None:
    pairs = match([entry("p1", "1000.00")], [line(5, "600.00"), line(6, "400.00", days=3)], 3)
    assert statuses(pairs) == [("matched", 5, "p1", "split"), ("matched", 6, "p1", "split")]
    assert [p.amount for p in pairs] == [Decimal("600.00"), Decimal("400.00")]


def test_split_lines_carrying_the_payments_id_as_voucher_match_by_voucher() -> None:
    lines = [line(5, "600.00", "other", voucher="p1"), line(6, "400.00", "other", voucher="p1")]
    pairs = match([entry("p1", "1000.00")], lines, 3)
    assert [(p.status, p.key, p.shape) for p in pairs] == [("payee_mismatch", "voucher", "split")] * 2  # fmt: skip


def test_a_split_line_beyond_the_tolerance_is_not_part_of_the_sum() -> None:
    pairs = match([entry("p1", "1000.00")], [line(5, "600.00"), line(6, "400.00", days=4)], 3)
    assert "split" not in {p.shape for p in pairs}


def test_a_refund_never_hides_inside_a_sum_of_payments() -> None:
    entries = [entry("p1", "300.00"), entry("p2", "500.00"), entry("r1", "-500.00")]
    pairs = match(entries, [line(5, "300.00"), line(6, "500.00"), line(7, "800.00")], 3)
    assert ("matched", 7, None, None) not in statuses(pairs)
    assert summing([Decimal("500"), Decimal("-500"), Decimal("300")], Decimal("300"), abs) == []


def test_an_exact_one_to_one_match_is_preferred_to_a_sum() -> None:
    entries = [entry("p1", "300.00"), entry("p2", "500.00"), entry("p3", "800.00")]
    pairs = match(entries, [line(5, "800.00")], 3)
    assert statuses(pairs)[0] == ("matched", 5, "p3", "one")


def test_of_two_equal_payments_the_nearer_date_is_matched() -> None:
    entries = [entry("p1", "300.00", days=-3), entry("p2", "300.00", days=1)]
    pairs = match(entries, [line(5, "300.00")], 3)
    assert statuses(pairs)[0] == ("matched", 5, "p2", "one")


def test_a_line_naming_no_payee_gets_the_nearest_entry_of_its_amount() -> None:
    pairs = match([entry("p1", "300.00", "w2")], [line(5, "300.00", "nobody")], 3)
    nearest = pairs[0]
    assert nearest.status == "unmatched_treasury" and nearest.payee_differs
    assert nearest.entry is not None and nearest.entry.reference == "p1"
    assert report(pairs, [], 3)["lines"][0]["reason"] == "nearest p1: payee differs"


def test_a_line_with_nothing_near_says_so() -> None:
    pairs = match([entry("p1", "300.00", "w2")], [line(5, "12.00", "nobody")], 3)
    found = report(pairs, [], 3)["lines"][0]
    assert found["ledger_reference"] is None
    assert found["reason"] == "no ledger entry of this payee or amount"


def test_the_subset_search_looks_at_no_more_than_its_bound() -> None:
    amounts = [Decimal(1)] * (MAX_GROUP + 5) + [Decimal(1000)]
    assert summing(amounts, Decimal(1000 + 1), lambda a: a) == []  # 1000 lies past the bound
    assert len(summing(amounts[:MAX_GROUP], Decimal(3), lambda a: a)) == 3


def test_a_common_amount_or_name_does_not_make_each_line_look_at_every_entry() -> None:
    count = 5_000  # quadratic, this was 25 million comparisons per pass: minutes
    everyone = frozenset(f"w{n}" for n in range(1_000))
    entries = [entry(f"p{n}", "300.00", f"w{n % 1_000}", n % 360) for n in range(count)]
    nobody = [TreasuryLine(n, DAY + timedelta(days=n % 360), Decimal("300.00")) for n in range(count)]  # fmt: skip
    namesakes = [
        TreasuryLine(
            n, DAY + timedelta(days=n % 360), Decimal("300.00"), key="name", payees=everyone
        )
        for n in range(count)
    ]
    started = time.perf_counter()
    assert {p.status for p in match(entries, nobody, 3)} == {"unmatched_treasury", "unmatched_ledger"}  # fmt: skip
    assert sum(p.status == "matched" for p in match(entries, namesakes, 3)) == count
    assert time.perf_counter() - started < 30


def test_by_date_finds_a_window_and_the_nearest_first() -> None:
    days = ByDate([DAY + timedelta(days=n) for n in (0, 2, 5, 9)], lambda day: day)
    assert days.window(DAY + timedelta(days=3), 2) == [DAY + timedelta(days=2), DAY + timedelta(days=5)]  # fmt: skip
    assert [(d - DAY).days for d in days.outward(DAY + timedelta(days=4))] == [5, 2, 0, 9]
    assert [(d - DAY).days for d in days.around(DAY + timedelta(days=5), 1)] == [2, 5]
