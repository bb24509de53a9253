"""What the console's lists share: a filter form's blank field is no filter, and a list
reads a page at a time by the API's own cursors (api/pagination.py) — the next page's
link keeps the filters and carries the cursor; a cursor grants nothing, since each page
is filtered by the viewer's scope as the first was."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from api.pagination import page_request

PAGE_ITEMS = 50  # rows on one page of a console list


def given(value: str | None) -> str | None:
    """A form's field: blank (or only spaces) is no filter."""
    if value is None or not value.strip():
        return None
    return value.strip()


@dataclass(frozen=True)
class Listed:
    """One page of a list, with the link to the next (None on the last) and to the
    first (None on the first)."""

    items: list[dict[str, Any]]
    next_href: str | None
    first_href: str | None


def listed(
    request: Request,
    cursor: str | None,
    fetch: Callable[[int, int], list[dict[str, Any]]],
    path: str | None = None,
) -> Listed:
    """`fetch(after, n)` up to n items after a position, in recording order; the links
    lead to `path` (the page's own by default)."""
    page = page_request(str(PAGE_ITEMS), given(cursor))
    items, next_cursor = page.answer(
        fetch(page.after, page.limit + 1), lambda i: int(i["position"])
    )
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("cursor", "lang")]
    path = path or request.url.path
    next_href = f"{path}?{urlencode([*kept, ('cursor', next_cursor)])}" if next_cursor else None
    first_href = (f"{path}?{urlencode(kept)}" if kept else path) if page.after else None
    return Listed(items, next_href, first_href)
