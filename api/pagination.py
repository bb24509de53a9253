"""Cursor pagination for every list (CONTRACT "Lists, files and jobs"): `?limit=` (1–500,
default 100) and `?cursor=`, answered as `{"items": [...], "next_cursor": … | null}`.

Items come in recording order and a cursor is the recording position of the last item a
page showed, so a page never repeats or skips an item however many writes land between
two requests: new items are recorded after every position a cursor can hold. The cursor
is opaque to clients (`c1.` and the position in base64url) so that its form can change;
it is hostile input like any other — bounded, ASCII, a 422 when it is not one we made.
A cursor grants nothing: every page is filtered by the caller's scope as the first was.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Query

from domain.errors import InvalidInput

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
_PREFIX = "c1."
_LIMIT = re.compile(r"[0-9]{1,4}")
_CURSOR = re.compile(r"c1\.[A-Za-z0-9_-]{1,32}")
_POSITION = re.compile(r"[0-9]{1,18}")

T = TypeVar("T")

LimitQuery = Annotated[
    str | None, Query(description=f"items per page, 1–{MAX_LIMIT} (default {DEFAULT_LIMIT})")
]
CursorQuery = Annotated[
    str | None, Query(description="the `next_cursor` of the page before (opaque)")
]


@dataclass(frozen=True)
class PageRequest:
    """A page asked for: at most `limit` items recorded after position `after`."""

    limit: int
    after: int

    def answer(self, rows: Sequence[T], position: Callable[[T], int]) -> tuple[list[T], str | None]:
        """The page from up to limit + 1 rows fetched after `after`: the first `limit`,
        and a cursor if there was one more."""
        items = list(rows[: self.limit])
        more = len(rows) > self.limit
        return items, encode(position(items[-1])) if more and items else None

    def page(self, rows: Sequence[Any], position: Callable[[Any], int]) -> dict[str, Any]:
        items, next_cursor = self.answer(rows, position)
        return {"items": items, "next_cursor": next_cursor}


def page_request(limit: str | None, cursor: str | None) -> PageRequest:
    return PageRequest(parse_limit(limit), 0 if cursor is None else decode(cursor))


def parse_limit(text: str | None, maximum: int = MAX_LIMIT) -> int:
    """`?limit=`: DEFAULT_LIMIT when absent, else a whole number from 1 to `maximum` (a
    statement's page may be longer than a list's)."""
    if text is None:
        return DEFAULT_LIMIT
    if _LIMIT.fullmatch(text) is None or not 1 <= int(text) <= maximum:
        raise InvalidInput("limit", f"should be a whole number from 1 to {maximum}")
    return int(text)


def encode(position: int) -> str:
    return _PREFIX + base64.urlsafe_b64encode(str(position).encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    """The position a cursor of ours holds, or InvalidInput."""
    if _CURSOR.fullmatch(cursor) is None:
        raise InvalidInput("cursor", "is not a cursor this service gave out")
    body = cursor[len(_PREFIX) :]
    try:
        text = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidInput("cursor", "is not a cursor this service gave out") from None
    if _POSITION.fullmatch(text) is None:
        raise InvalidInput("cursor", "is not a cursor this service gave out")
    return int(text)
