"""Things sorted by date, found by a window of days or by nearness — so that the matcher
looks at the few entries near a line's date, never at all of a common payee or amount."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from typing import Generic, TypeVar

T = TypeVar("T")


class ByDate(Generic[T]):
    """The items in date order (items of one date keep the order they came in)."""

    def __init__(self, items: Iterable[T], on: Callable[[T], date]) -> None:
        self.items = sorted(items, key=on)
        self.days = [on(item) for item in self.items]

    def window(self, day: date, days: int) -> list[T]:
        """The items dated within `days` of `day`, either side."""
        low = bisect.bisect_left(self.days, day - timedelta(days=days))
        high = bisect.bisect_right(self.days, day + timedelta(days=days))
        return self.items[low:high]

    def around(self, day: date, count: int) -> list[T]:
        """At most `count` items either side of `day`."""
        at = bisect.bisect_left(self.days, day)
        return self.items[max(0, at - count) : at + count]

    def outward(self, day: date) -> Iterator[T]:
        """The items nearest `day` first (the earlier of two equally near)."""
        at = bisect.bisect_left(self.days, day)
        left, right = at - 1, at
        while left >= 0 or right < len(self.items):
            earlier = left >= 0 and (
                right >= len(self.items) or day - self.days[left] <= self.days[right] - day
            )
            if earlier:
                yield self.items[left]
                left -= 1
            else:
                yield self.items[right]
                right += 1
