"""Targets: placements against 350,000 and two-after students against 45,000 (the plan's
一(三)), in the viewer's scope, by prefecture as a chart and a table, and by county as a
table — `GET /v1/reports/targets`, shown."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.console.text import word
from api.console.web import ConsoleRoute, ProjectionsDep, ViewerDep, render

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


def share(achieved: int, target: int) -> str:
    """Per cent, one decimal: 12.3 (a target is never 0; guard anyway)."""
    return f"{100 * achieved / target:.1f}" if target else "0.0"


def chart_of(rows: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    return {
        "kind": "bar",
        "labels": [row["name"] or row["division"] for row in rows],
        "series": [
            {"label": word("placements", lang), "values": [row["placements"] for row in rows]},
            {
                "label": word("two_after", lang),
                "values": [row["two_after_students"] for row in rows],
            },
        ],
    }


@router.get("/console/targets")
def targets_page(request: Request, viewer: ViewerDep, projections: ProjectionsDep) -> Response:
    access = viewer.access
    report = projections.targets(within=None if access.reads_everything() else access.covers)
    rows = report["by_division"]
    prefectures = [row for row in rows if row["level"] == "prefecture"]
    counties = [row for row in rows if row["level"] != "prefecture"]
    placed, two_after = report["placements"], report["two_after_students"]
    return render(request, "targets.html", {
        "viewer": viewer, "report": report, "prefectures": prefectures, "counties": counties,
        "placed_share": share(placed["achieved"], placed["target"]),
        "two_after_share": share(two_after["achieved"], two_after["target"]),
        "chart": chart_of(prefectures or counties, viewer.lang),
    })  # fmt: skip
