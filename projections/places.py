"""Where a row lies, as the three columns a list filters on (schema.WHERE).

A token's scope or a `division=` filter covers a division and everything below it
(`Access.covers`: a prefecture its counties, 430000 the province), and reads a retired
code as its successor (宁乡县 430124 is 宁乡市 430182). Stored as the canonical place and
its prefecture and province, that test becomes one equality on one column: the column
of the filter's own level."""

from __future__ import annotations

import functools

from domain import divisions

COLUMN_OF_LEVEL = {"province": "province", "prefecture": "prefecture", "county": "place"}


@functools.cache
def columns_of(code: str) -> tuple[str, str, str]:
    """(province, prefecture, place) of a division code; "" where there is none (a
    province has no prefecture, nor has a county directly under its province)."""
    if not divisions.is_known(code):
        return "", "", code  # only a filter on this very code can find it
    place = divisions.canonical_place(code)
    chain = (place, *divisions.ancestors(place))
    province = next((c for c in chain if divisions.level(c) == "province"), "")
    return province, divisions.prefecture_of(place) or "", place


def condition(code: str) -> tuple[str, str]:
    """The column and value that select every row `code` covers."""
    place = divisions.canonical_place(code)
    return COLUMN_OF_LEVEL[divisions.level(place)], place
