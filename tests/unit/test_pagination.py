"""Cursors and limits as hostile input, and pages that neither repeat nor skip
(CONTRACT "Lists, files and jobs")."""

from __future__ import annotations

import pytest

from api.pagination import MAX_LIMIT, PageRequest, decode, encode, page_request, parse_limit
from domain.errors import InvalidInput


def test_a_cursor_round_trips_and_is_opaque_ascii() -> None:
    for position in (0, 1, 99, 10**17):
        cursor = encode(position)
        assert cursor.isascii() and str(position) not in cursor[3:]
        assert decode(cursor) == position


@pytest.mark.parametrize(
    "bad",
    ["", "1", "c1.", "c1.!!", "c2.MQ", "c1.LTE", "c1.MS4w", "c1." + "A" * 33, "ｃ1.MQ", "c1.MQ\n"],
)
def test_anything_but_a_cursor_we_made_is_bad_input(bad: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        decode(bad)
    assert refused.value.field == "cursor"


@pytest.mark.parametrize("bad", ["0", "501", "-1", "1.0", "１０", "", "1000", " 5"])
def test_a_limit_outside_1_to_500_or_not_plain_digits_is_bad_input(bad: str) -> None:
    with pytest.raises(InvalidInput):
        parse_limit(bad)


def test_the_default_limit_is_100_and_500_is_allowed() -> None:
    assert page_request(None, None) == PageRequest(100, 0)
    assert parse_limit(str(MAX_LIMIT)) == MAX_LIMIT


def test_pages_walk_every_item_once_while_items_are_appended() -> None:
    recorded = list(range(1, 8))
    seen: list[int] = []
    request = page_request("3", None)
    while True:
        if len(recorded) < 12:
            recorded.append(recorded[-1] + 1)  # writes go on between pages
        rows = [p for p in recorded if p > request.after][: request.limit + 1]
        items, cursor = request.answer(rows, lambda p: p)
        seen += items
        if cursor is None:
            break
        request = page_request("3", cursor)
    assert seen == recorded
