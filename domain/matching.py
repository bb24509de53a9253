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
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import TypeVar

from domain.dated import ByDate
from domain.reconciliation import LedgerEntry, Pair, TreasuryLine

T = TypeVar("T")
Tick = Callable[[int, int | None], None]
# The subset search for merged and split lines tries at most 2**MAX_GROUP combinations
# per line: more payments to one payee within the tolerance than this (4,096 sums) are
# matched one to one only.
MAX_GROUP = 12
# A leftover line's nearest candidate is sought among this many entries of its payee,
# and as many of its amount, either side of its date: a common amount (every R12 is
# 300.00) or a common name must not make each line look at every entry.
NEAREST_OF_AMOUNT = 8
# A date mismatch is sought among this many entries of the payee and amount nearest
# the line's date, open or already matched.
NEAREST_LOOKS = 64


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
    """The open lines and entries, the indexes that find an entry or line near a date,
    and the pairs taken so far. Indexes are built once, for each payee set (the payee
    ids one line names) and amount as first asked for, and hold closed items too: a
    search skips them."""

    def __init__(
        self, entries: Sequence[LedgerEntry], lines: Sequence[TreasuryLine], tolerance: int
    ) -> None:
        self.tolerance = tolerance
        self.entries = {entry.reference: entry for entry in entries}
        self.lines = {line.line: line for line in lines}
        self.pairs: list[Pair] = []
        self.of_payee = _index(entries, lambda entry: (entry.payee_id,))
        self.of_amount = {
            amount: ByDate(found, _on)
            for amount, found in _index(entries, lambda entry: (entry.amount,)).items()
        }
        self.payee_sets = _index({line.payees for line in lines}, tuple)
        self.lines_of_set = {
            payees: ByDate(found, _on)
            for payees, found in _index(lines, lambda line: (line.payees,)).items()
        }
        self.cache: dict[object, ByDate[LedgerEntry]] = {}

    # What is still open.

    def open_lines(self) -> list[TreasuryLine]:
        return list(self.lines.values())

    def entries_of(self, payees: frozenset[str], amount: Decimal | None = None) -> ByDate[LedgerEntry]:  # fmt: skip
        """The entries (open or not) of the payees, of one amount if given, by date."""
        if (payees, amount) not in self.cache:
            found = (e for payee in payees for e in self.of_payee.get(payee, ()))
            mine = [e for e in found if amount is None or e.amount == amount]
            self.cache[payees, amount] = ByDate(sorted(mine, key=_position), _on)
        return self.cache[payees, amount]

    def open_entries(self, line: TreasuryLine) -> list[LedgerEntry]:
        """The open entries of the payees the line names, within the tolerance."""
        near = self.entries_of(line.payees).window(line.on, self.tolerance)
        return [entry for entry in near if entry.reference in self.entries]

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
            found = [entry for entry in self.open_entries(line) if entry.amount == line.amount]
            if found:
                entry = min(found, key=lambda e: (abs((e.on - line.on).days), e.position))
                self.take(line, entry, key=line.key, shape="one", amount=entry.amount)

    def merged(self) -> None:
        """A line paying several entries of one payee on one day."""
        for line in self.open_lines():
            days = _index(
                (entry for entry in self.open_entries(line) if _part(entry, line)),
                lambda entry: ((entry.payee_id, entry.on),),
            )
            for group in days.values():
                found = summing(group, line.amount, _amount)
                if found:
                    for entry in found:
                        self.take(line, entry, key=line.key, shape="merged", amount=entry.amount)
                    break

    def split(self) -> None:
        """An entry paid by several lines of its payee."""
        for entry in sorted(self.entries.values(), key=_position):
            near = (
                line
                for payees in self.payee_sets.get(entry.payee_id, ())
                for line in self.lines_of_set[payees].window(entry.on, self.tolerance)
            )
            candidates = [line for line in near if line.line in self.lines and _part(line, entry)]
            found = summing(sorted(candidates, key=lambda line: line.line), entry.amount, _amount)
            for line in found:
                self.take(line, entry, key=line.key, shape="split", amount=line.amount)

    def mismatched(self) -> None:
        """Same payee and amount beyond the tolerance (the nearest of the NEAREST_LOOKS
        nearest in date), then same payee within it (the nearest amount)."""
        for line in self.open_lines():
            same = islice(self.entries_of(line.payees, line.amount).outward(line.on), NEAREST_LOOKS)
            entry = next((e for e in same if e.reference in self.entries), None)
            if entry is not None:
                self.take(line, entry, key=line.key, shape="one")
        for line in self.open_lines():
            near = self.open_entries(line)
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
        """The entry a person would look at first, among the NEAREST_OF_AMOUNT nearest in
        date of its payee and of its amount: open before taken, then the fewest
        differences, the closest amount and date."""
        mine = self.entries_of(line.payees).around(line.on, NEAREST_OF_AMOUNT)
        dated = self.of_amount.get(line.amount)
        same = dated.around(line.on, NEAREST_OF_AMOUNT) if dated is not None else []
        candidates = mine + same
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


def _on(item: LedgerEntry | TreasuryLine) -> date:
    return item.on


def _position(entry: LedgerEntry) -> int:
    return entry.position


def _amount(item: LedgerEntry | TreasuryLine) -> Decimal:
    return item.amount


def _part(item: LedgerEntry | TreasuryLine, whole: LedgerEntry | TreasuryLine) -> bool:
    """Whether the item may be one of several that sum to the whole: the same sign
    (both money out or both money back), and smaller."""
    return (item.amount > 0) == (whole.amount > 0) and abs(item.amount) < abs(whole.amount)


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
    # What the items from each index on can still add (the amounts share one sign).
    rest = [sum((abs(amount(item)) for item in pool[i:]), Decimal(0)) for i in range(len(pool) + 1)]

    def search(start: int, chosen: list[T], total: Decimal) -> list[T]:
        if total == target and len(chosen) >= 2:
            return chosen
        if not abs(total) <= abs(target) <= abs(total) + rest[start]:  # past it, or short
            return []
        for index in range(start, len(pool)):
            found = search(index + 1, [*chosen, pool[index]], total + amount(pool[index]))
            if found:
                return found
        return []

    return search(0, [], Decimal(0))
