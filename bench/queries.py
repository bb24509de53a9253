"""Figure 6: balance and statement latency through HTTP at a given history size."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import httpx

from bench.data import HOMES
from bench.history import PROBE
from bench.server import Server, bearer


@dataclass
class Latency:
    name: str
    p50_ms: float
    p99_ms: float
    lines: int  # statement lines (or accounts) in each answer


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
        size = len(body) if isinstance(body, list) else len(body.get("lines", []))
    return samples, size


def query_latencies(server: Server, token: str, requests: int = 200) -> list[Latency]:
    source, division = PROBE
    busy = HOMES[0]
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
        for name, path in paths.items():
            timed(http, path, 5)  # warm up
            samples, size = timed(http, path, requests)
            out.append(Latency(name, statistics.median(samples), percentile(samples, 0.99), size))
    return out
