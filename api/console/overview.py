"""总览 Overview: every account in scope as a tree of divisions (province → 14 prefectures
→ 122 counties), each node with its own accounts and its total with the divisions below,
per funding source; accounts nearly empty marked; money in and out per month per source,
as charts and as tables.

POLICY reading: an account is "nearly empty" when it holds less than LOW_SHARE of what was
appropriated to it, or nothing at all — the point where a county should ask for money
before a payment is refused (R-rules refuse a payment the balance cannot cover)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.console.text import word
from api.console.web import ConsoleRoute, ProjectionsDep, ViewerDep, render, when
from domain import divisions
from domain.sources import SOURCES

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
LOW_SHARE = Decimal("0.10")  # 10 %: see the module's docstring


@dataclass
class Node:
    """A division: its own accounts by source, its totals with the divisions below."""

    code: str
    level: str
    own: dict[str, dict[str, Any]] = field(default_factory=dict)
    total: dict[str, Decimal] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)

    @property
    def has_low(self) -> bool:
        """A nearly empty account here or below: the tree opens down to it."""
        return any(a.get("low") for a in self.own.values()) or any(c.has_low for c in self.children)

    @property
    def has_accounts(self) -> bool:
        return bool(self.own) or any(child.has_accounts for child in self.children)


def nearly_empty(account: dict[str, Any]) -> bool:
    appropriated = Decimal(account["appropriated"])
    balance = Decimal(account["balance"])
    return balance <= 0 or (appropriated > 0 and balance < appropriated * LOW_SHARE)


def tree(root: str, accounts: list[dict[str, Any]]) -> Node:
    """The divisions under `root` (the viewer's scope), every account placed on its node."""
    placed: dict[str, dict[str, dict[str, Any]]] = {}
    for account in accounts:
        account["low"] = nearly_empty(account)
        placed.setdefault(account["division"], {})[account["source"]] = account
    return _node(root, placed)


@functools.cache
def children() -> dict[str, tuple[str, ...]]:
    """Each Hunan division in use → the divisions in use directly below it, sorted."""
    found: dict[str, list[str]] = {}
    for code in [*divisions.hunan_prefectures(), *divisions.hunan_counties()]:
        found.setdefault(divisions.parent(code) or "", []).append(code)
    return {parent: tuple(codes) for parent, codes in found.items()}


def _node(code: str, placed: dict[str, dict[str, dict[str, Any]]]) -> Node:
    node = Node(code, divisions.level(code), own=placed.get(code, {}))
    node.children = [_node(child, placed) for child in children().get(code, ())]
    for source in SOURCES:
        own = Decimal(node.own[source]["balance"]) if source in node.own else Decimal(0)
        node.total[source] = own + sum((c.total[source] for c in node.children), Decimal(0))
    return node


def scope_root(role_reads_everything: bool, division: str) -> str:
    return divisions.PROVINCE if role_reads_everything else division


def monthly_tables(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Source → its months, oldest first (sources without money left out)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["source"], []).append(row)
    return {source: found[source] for source in SOURCES if source in found}


def chart_of(months: list[dict[str, Any]], labels: tuple[str, str]) -> dict[str, Any]:
    """What console.js draws: months, money in (appropriated) and out (paid), in yuan as
    strings (Chart.js reads numbers from them; the table beside it is exact)."""
    return {
        "kind": "bar",
        "labels": [m["month"] for m in months],
        "series": [
            {"label": labels[0], "values": [m["appropriated"] for m in months]},
            {"label": labels[1], "values": [m["paid"] for m in months]},
        ],
    }


@router.get("/console/overview")
def overview(
    request: Request,
    viewer: ViewerDep,
    projections: ProjectionsDep,
    as_of: str | None = None,
    known_at: str | None = None,
) -> Response:
    picked = when(as_of, known_at)
    access = viewer.access
    within = None if access.reads_everything() else access.covers
    accounts = projections.accounts(picked.as_of_date, picked.known_at_instant, within)
    monthly = projections.monthly(picked.as_of_date, picked.known_at_instant, within)
    root = tree(scope_root(access.reads_everything(), access.division), accounts)
    tables = monthly_tables(monthly)
    labels = (word("appropriated", viewer.lang), word("paid", viewer.lang))
    return render(request, "overview.html", {
        "viewer": viewer, "when": picked, "root": root, "sources": SOURCES,
        "monthly": tables, "charts": {s: chart_of(m, labels) for s, m in tables.items()},
        "has_accounts": bool(accounts),
    })  # fmt: skip
