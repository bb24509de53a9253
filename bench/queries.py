"""Figure 6: balance, statement and list latency through HTTP at a given history size.

The lists are asked for a first page and for a page from the middle of the history (a
cursor at half the log's head): both should cost the same however long the history."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import httpx

from api.pagination import encode
from bench.data import HOMES
from bench.history import PROBE
from bench.server import Server, bearer


@dataclass
class Latency:
    name: str
    p50_ms: float
    p99_ms: float
    lines: int  # statement lines, accounts or list items in each answer


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(http: httpx.Client, path: str, requests: int) -> tuple[list[float], int]:
    samples, size = [], 0
    for _ in range(requests):
        started = time.perf_counter()
        response = http.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        body = response.json()
        size = (
            len(body) if isinstance(body, list) else len(body.get("lines", body.get("items", [])))
        )
    return samples, size


def query_latencies(server: Server, token: str, requests: int = 200) -> list[Latency]:
    source, division = PROBE
    busy, other = HOMES[0], HOMES[1]
    paths = {
        "balances (GET /v1/accounts)": "/accounts",
        "balances as of a date": "/accounts?as_of=2019-06-30",
        f"statement, fixed account ({division})": f"/accounts/{source}/{division}/statement",
        f"statement, busy account, 1 day ({busy})": (
            f"/accounts/{source}/{busy}/statement?from=2019-03-01&to=2019-03-01"
        ),
    }
    out = []
    with httpx.Client(base_url=server.base, headers=bearer(token), timeout=60) as http:
        paths.update(list_paths(http, busy, other))
        for name, path in paths.items():
            timed(http, path, 5)  # warm up
            samples, size = timed(http, path, requests)
            out.append(Latency(name, statistics.median(samples), percentile(samples, 0.99), size))
    return out


def list_paths(http: httpx.Client, busy: str, other: str) -> dict[str, str]:
    """The list queries: a county's payments (first page, a month), a county's workers by
    status from the middle of the history, and the unsurveyed (a status few hold)."""
    middle = encode(int(http.get("/ready").json()["position"]) // 2)
    return {
        f"payments of a county, 100 ({busy})": f"/payments?division={busy}&limit=100",
        f"payments of a county, a month, 100 ({busy})": (
            f"/payments?division={busy}&from=2019-03-01&to=2019-03-31&limit=100"
        ),
        f"workers of a county by status, mid-history page, 100 ({other})": (
            f"/workers?division={other}&status=unemployed&limit=100&cursor={middle}"
        ),
        "workers not surveyed, province, mid-history page, 100": (
            f"/workers?status=none&limit=100&cursor={middle}"
        ),
    }
