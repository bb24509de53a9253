"""Matching the treasury's lines to the ledger's payments and reversals, strongest
evidence first (issue 12 §3):

1. a voucher number (凭证号) that is a payment's or reversal's own id — the number a
   maker-checker approval hands the treasury — whatever the payee columns say;
2. one line, one entry: the payee found by its key (ID number, credit code, our payee id,
   else its name), the amount exact, the dates within the tolerance;
3. one line paying several entries of one payee on one day (their sum);
4. one entry split over several lines of its payee (their sum), each within the tolerance;
5. the same payee with the same amount beyond the tolerance (date_mismatch), then the
   same payee within the tolerance with another amount (amount_mismatch).
What is left is unmatched: a treasury line with its nearest candidate, a ledger entry of
the period alone. Amounts are compared exactly, as Decimals; a sum only adds amounts of
one sign, so a refund never hides inside a payment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TypeVar

from domain.reconciliation import LedgerEntry, Pair, TreasuryLine

T = TypeVar("T")
Tick = Callable[[int, int | None], None]
# The subset search for merged and split lines tries at most 2**MAX_GROUP combinations
# per line: more payments to one payee within the tolerance than this (4,096 sums) are
# matched one to one only.
MAX_GROUP = 12
# Progress is reported every this many lines (a year of one account is ~10,000).
TICK_EVERY = 500


def match(
    entries: Sequence[LedgerEntry],
    lines: Sequence[TreasuryLine],
    tolerance: int,
    tick: Tick | None = None,
) -> list[Pair]:
    """The report's pairs, in the order the passes found them, the unmatched last."""
    matcher = Matcher(entries, lines, tolerance)
    passes = (
        matcher.by_voucher,
        matcher.one_to_one,
        matcher.merged,
        matcher.split,
        matcher.mismatched,
        matcher.leftovers,
    )
    for done, step in enumerate(passes, start=1):
        step()
        if tick is not None:
            tick(done * len(lines) // len(passes), len(lines))
    return matcher.pairs


class Matcher:
    """The open lines and entries, indexed by payee, voucher and amount, and the pairs
    taken so far."""

    def __init__(
        self, entries: Sequence[LedgerEntry], lines: Sequence[TreasuryLine], tolerance: int
    ) -> None:
        self.tolerance = tolerance
        self.all_entries = list(entries)
        self.entries = {entry.reference: entry for entry in entries}
        self.lines = {line.line: line for line in lines}
        self.pairs: list[Pair] = []
        self.of_payee = _index(entries, lambda entry: (entry.payee_id,))
        self.of_amount = _index(entries, lambda entry: (entry.amount,))
        self.lines_of_payee = _index(lines, lambda line: tuple(line.payees))

    # What is still open.

    def open_lines(self) -> list[TreasuryLine]:
        return list(self.lines.values())

    def open_entries(self, line: TreasuryLine) -> list[LedgerEntry]:
        """The open entries of the payees the line names."""
        found = (e for payee in sorted(line.payees) for e in self.of_payee.get(payee, ()))
        return [entry for entry in found if entry.reference in self.entries]

    def within(self, line: TreasuryLine, entry: LedgerEntry) -> bool:
        return abs((line.on - entry.on).days) <= self.tolerance

    def take(
        self,
        line: TreasuryLine,
        entry: LedgerEntry,
        key: str | None,
        shape: str,
        amount: Decimal | None = None,
    ) -> None:
        """Record a pair and close both sides (a line or an entry of a merged or split
        match closes once, with its first pair)."""
        status = self.status(line, entry, shape == "one")
        kept = amount if status == "matched" else None  # what the pair accounts for
        self.pairs.append(Pair(status, line, entry, key, shape, kept))
        self.lines.pop(line.line, None)
        self.entries.pop(entry.reference, None)

    def status(self, line: TreasuryLine, entry: LedgerEntry, alone: bool) -> str:
        if line.key not in (None, "name", "voucher") and entry.payee_id not in line.payees:
            return "payee_mismatch"
        if alone and line.amount != entry.amount:
            return "amount_mismatch"
        return "matched" if self.within(line, entry) else "date_mismatch"

    # The passes.

    def by_voucher(self) -> None:
        """Lines whose voucher names an open entry; several lines with its voucher are a
        split when they sum to it, else the one nearest in amount pairs with it."""
        vouchers = _index(self.open_lines(), lambda line: (line.voucher,))
        for voucher, lines in vouchers.items():
            entry = self.entries.get(str(voucher))
            if entry is None:
                continue
            if len(lines) > 1 and sum(line.amount for line in lines) == entry.amount:
                for line in lines:
                    self.take(line, entry, key="voucher", shape="split", amount=line.amount)
                continue
            line = min(lines, key=lambda line: (abs(line.amount - entry.amount), line.line))
            self.take(line, entry, key="voucher", shape="one", amount=entry.amount)

    def one_to_one(self) -> None:
        for line in self.open_lines():
            found = [
                entry
                for entry in self.open_entries(line)
                if entry.amount == line.amount and self.within(line, entry)
            ]
            if found:
                entry = min(found, key=lambda e: (abs((e.on - line.on).days), e.position))
                self.take(line, entry, key=line.key, shape="one", amount=entry.amount)

    def merged(self) -> None:
        """A line paying several entries of one payee on one day."""
        for line in self.open_lines():
            days = _index(
                (e for e in self.open_entries(line) if _alike(line, e) and self.within(line, e)),
                lambda entry: ((entry.payee_id, entry.on),),
            )
            for group in days.values():
                found = summing(group, line.amount, lambda entry: entry.amount)
                if found:
                    for entry in found:
                        self.take(line, entry, key=line.key, shape="merged", amount=entry.amount)
                    break

    def split(self) -> None:
        """An entry paid by several lines of its payee."""
        for entry in sorted(self.entries.values(), key=lambda entry: entry.position):
            candidates = [
                line
                for line in self.lines_of_payee.get(entry.payee_id, ())
                if line.line in self.lines and _alike(line, entry) and self.within(line, entry)
            ]
            found = summing(candidates, entry.amount, lambda line: line.amount)
            for line in found or ():
                self.take(line, entry, key=line.key, shape="split", amount=line.amount)

    def mismatched(self) -> None:
        """Same payee and amount beyond the tolerance, then same payee within it."""
        for line in self.open_lines():
            same = [e for e in self.open_entries(line) if e.amount == line.amount]
            if same:
                entry = min(same, key=lambda e: (abs((e.on - line.on).days), e.position))
                self.take(line, entry, key=line.key, shape="one")
        for line in self.open_lines():
            near = [e for e in self.open_entries(line) if self.within(line, e)]
            if near:
                entry = min(near, key=lambda e: (abs(e.amount - line.amount), e.position))
                self.take(line, entry, key=line.key, shape="one")

    def leftovers(self) -> None:
        for line in self.open_lines():
            entry = self.nearest(line)
            differs = entry is not None and entry.payee_id not in line.payees
            taken = entry is not None and entry.reference not in self.entries
            self.pairs.append(
                Pair("unmatched_treasury", line, entry, payee_differs=differs, taken=taken)
            )
        for entry in self.entries.values():
            if entry.in_period:
                self.pairs.append(Pair("unmatched_ledger", None, entry))

    def nearest(self, line: TreasuryLine) -> LedgerEntry | None:
        """The entry a person would look at first: of the line's payee or of its amount,
        open before taken, then the fewest differences, the closest amount and date."""
        mine = [e for payee in line.payees for e in self.of_payee.get(payee, ())]
        candidates = mine + list(self.of_amount.get(line.amount, ()))
        if not candidates:
            return None

        def distance(entry: LedgerEntry) -> tuple[int, int, Decimal, int, int]:
            days = abs((line.on - entry.on).days)
            misses = (
                (entry.payee_id not in line.payees)
                + (entry.amount != line.amount)
                + (days > self.tolerance)
            )
            closed = entry.reference not in self.entries
            return closed, misses, abs(entry.amount - line.amount), days, entry.position

        return min(candidates, key=distance)


def _alike(line: TreasuryLine, entry: LedgerEntry) -> bool:
    """Both money out or both money back."""
    return (line.amount > 0) == (entry.amount > 0)


def _index(items: Iterable[T], keys: Callable[[T], tuple[object, ...]]) -> dict[object, list[T]]:
    found: dict[object, list[T]] = defaultdict(list)
    for item in items:
        for key in keys(item):
            found[key].append(item)
    return found


def summing(items: Sequence[T], target: Decimal, amount: Callable[[T], Decimal]) -> list[T]:
    """Two or more of the items whose amounts sum exactly to the target: all of them if
    they do, else the first such subset found among the first MAX_GROUP; [] if none."""
    if len(items) < 2:
        return []
    if sum(amount(item) for item in items) == target:
        return list(items)
    pool = list(items[:MAX_GROUP])

    def search(start: int, chosen: list[T], total: Decimal) -> list[T]:
        if total == target and len(chosen) >= 2:
            return chosen
        if abs(total) > abs(target):  # the amounts share one sign: the sum only grows
            return []
        for index in range(start, len(pool)):
            found = search(index + 1, [*chosen, pool[index]], total + amount(pool[index]))
            if found:
                return found
        return []

    return search(0, [], Decimal(0))
