"""Administrative divisions of China by GB/T 2260 code (行政区划代码).

Work places are checked against the national list and worker homes, accounts and scopes
against Hunan's (see `domain/data/README` in the shared docs); `successors.csv` pairs each
retired Hunan code with the code that replaced it. The lists are read once, on first use,
from the CSV files shipped beside this module.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

PROVINCE = "430000"
"""Hunan Province (湖南省)."""

LEVELS = ("province", "prefecture", "county")

_DATA = Path(__file__).parent / "data"


@dataclass(frozen=True, slots=True)
class Division:
    """One row of a division list: code, name, level, parent code, and whether it is in use."""

    code: str
    name: str
    level: str
    parent: str | None
    current: bool


def _load(filename: str) -> dict[str, Division]:
    with (_DATA / filename).open(encoding="utf-8", newline="") as f:
        return {
            row["code"]: Division(
                code=row["code"],
                name=row["name"],
                level=row["level"],
                parent=row["parent"] or None,
                current=row["status"] == "current",
            )
            for row in csv.DictReader(f)
        }


@functools.cache
def _national() -> dict[str, Division]:
    return _load("china-divisions.csv")


@functools.cache
def _hunan() -> dict[str, Division]:
    return _load("hunan-divisions.csv")


@functools.cache
def _successors() -> dict[str, str]:
    """Retired code → the code that replaced it (successors.csv)."""
    with (_DATA / "successors.csv").open(encoding="utf-8", newline="") as f:
        return {row["retired"]: row["successor"] for row in csv.DictReader(f)}


def _get(code: str) -> Division:
    try:
        return _national()[code]
    except KeyError:
        raise KeyError(f"unknown division code {code!r}") from None


def is_known(code: str) -> bool:
    """True if `code` is in the national list (current or retired)."""
    return code in _national()


def is_hunan(code: str) -> bool:
    """True if `code` is Hunan Province or one of its divisions (current or retired)."""
    return code in _hunan()


def is_current(code: str) -> bool:
    """True if `code` is a known division still in use (not replaced since)."""
    return _get(code).current


def level(code: str) -> str:
    """'province', 'prefecture' or 'county'; KeyError for an unknown code."""
    return _get(code).level


def name(code: str) -> str:
    """The division's Chinese name, e.g. '芙蓉区'; KeyError for an unknown code."""
    return _get(code).name


def parent(code: str) -> str | None:
    """The code of the division directly above, or None for a province."""
    return _get(code).parent


def ancestors(code: str) -> tuple[str, ...]:
    """Parent, grandparent, … up to the province; empty for a province."""
    chain: list[str] = []
    above = parent(code)
    while above is not None:
        chain.append(above)
        above = parent(above)
    return tuple(chain)


def canonical_place(code: str) -> str:
    """The code in use for the place `code` names: the successor of a retired code, else
    `code` itself. POLICY: a retired division code and its successor are the same place
    (宁乡县 430124 and 宁乡市 430182 are one county) — in R4, R12 and the targets alike."""
    successors = _successors()
    while code in successors:
        code = successors[code]
    return code


@functools.cache
def same_place(code: str) -> tuple[str, ...]:
    """Every code that names the place `code` names: `code` itself first, then its
    successor and the codes it replaced (a reference standard or a poor area set under
    either applies to both)."""
    place = canonical_place(code)
    others = [c for c in (place, *_successors()) if c != code and canonical_place(c) == place]
    return (code, *others)


def contains(outer: str, inner: str) -> bool:
    """True if `outer` is the same place as `inner` or one of its ancestors (a retired code
    read as its successor); False if either is unknown."""
    if not (is_known(outer) and is_known(inner)):
        return False
    outer, inner = canonical_place(outer), canonical_place(inner)
    return outer == inner or outer in ancestors(inner)


def prefecture_of(code: str) -> str | None:
    """The prefecture-level division (市州) holding `code`, itself if it is one, else None.

    None for a province, and for a county directly under its province (省直辖县).
    """
    for candidate in (code, *ancestors(code)):
        if level(candidate) == "prefecture":
            return candidate
    return None


def _hunan_at(division_level: str, include_retired: bool) -> list[str]:
    return sorted(
        d.code
        for d in _hunan().values()
        if d.level == division_level and (include_retired or d.current)
    )


def hunan_counties(*, include_retired: bool = False) -> list[str]:
    """Codes of Hunan's counties (县市区), sorted; only those in use unless asked."""
    return _hunan_at("county", include_retired)


def hunan_prefectures(*, include_retired: bool = False) -> list[str]:
    """Codes of Hunan's 14 prefectures (市州), sorted."""
    return _hunan_at("prefecture", include_retired)
