"""The targets report (一(三)): persons, not records — distinct workers placed inside the
policy window (转移就业, local non-farm work included; the cross-region part beside it) and
distinct two-after students (“两后生”) who completed a course inside it — by the worker's
home prefecture and county (a retired county code counted under its successor)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adapters.sql import SqlCursor
from domain import divisions
from projections import schema

WINDOW = ("2017-07-01", "2020-12-31")  # R2 实施期
PLACEMENT_TARGET = 350_000
TWO_AFTER_TARGET = 45_000
COUNTS = ("placements", "cross_region", "two_after_students")


def per_home(cur: SqlCursor) -> dict[str, dict[str, int]]:
    """Home county → distinct persons of each count. A person has one home, so per-county
    counts add up to exact per-prefecture and provincial counts."""
    found: dict[str, dict[str, int]] = {}
    queries = (
        (
            "placements",
            f"SELECT home_division, COUNT(DISTINCT worker_id) AS n FROM {schema.PLACEMENTS} WHERE started_on BETWEEN ? AND ? GROUP BY home_division",
        ),
        (
            "cross_region",
            f"SELECT home_division, COUNT(DISTINCT worker_id) AS n FROM {schema.PLACEMENTS} WHERE started_on BETWEEN ? AND ? AND cross_region = 1 GROUP BY home_division",
        ),
        (
            "two_after_students",
            f"SELECT home_division, COUNT(DISTINCT worker_id) AS n FROM {schema.ENROLLMENTS} WHERE completed_on BETWEEN ? AND ? AND two_after = 1 GROUP BY home_division",
        ),
    )
    for count, sql in queries:
        for row in cur.execute(sql, WINDOW).fetchall():
            found.setdefault(row["home_division"], dict.fromkeys(COUNTS, 0))[count] = int(row["n"])
    return found


def per_home_county(cur: SqlCursor) -> dict[str, dict[str, int]]:
    """`per_home` with a retired home code counted under its successor county: POLICY, the
    two are the same place (宁乡县 430124 and 宁乡市 430182 are one county). A person still
    has one home, so the merged counts stay counts of distinct persons."""
    merged: dict[str, dict[str, int]] = {}
    for home, counts in per_home(cur).items():
        county = merged.setdefault(divisions.canonical_place(home), dict.fromkeys(COUNTS, 0))
        for count in COUNTS:
            county[count] += counts[count]
    return merged


def targets(cur: SqlCursor, within: Callable[[str], bool] | None) -> dict[str, Any]:
    homes = {home: n for home, n in per_home_county(cur).items() if within is None or within(home)}
    rows: dict[str, dict[str, Any]] = {}
    for home, counts in homes.items():
        prefecture = divisions.prefecture_of(home) if divisions.is_known(home) else None
        for code in [home] if prefecture in (None, home) else [home, prefecture]:
            row = rows.setdefault(code, division_row(code, prefecture or None))
            for count in COUNTS:
                row[count] += counts[count]
    total = {count: sum(c[count] for c in homes.values()) for count in COUNTS}
    return {
        "window": {"from": WINDOW[0], "to": WINDOW[1]},
        "placements": {
            "target": PLACEMENT_TARGET,
            "achieved": total["placements"],
            "cross_region": total["cross_region"],
        },
        "two_after_students": {"target": TWO_AFTER_TARGET, "achieved": total["two_after_students"]},
        "by_division": [rows[code] for code in sorted(rows)],
    }


def division_row(code: str, prefecture: str | None) -> dict[str, Any]:
    known = divisions.is_known(code)
    return {
        "division": code,
        "name": divisions.name(code) if known else None,
        "level": divisions.level(code) if known else None,
        "prefecture": prefecture,
        **dict.fromkeys(COUNTS, 0),
    }
