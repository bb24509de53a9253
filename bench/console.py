"""Console pages' time (figure 6's console rows): a session signed in as a province-wide
token, then each page timed — the server's own time from its `Server-Timing` header
(what the issue's < 300 ms is about) and the round trip beside it.

Alone: `python -m bench.console` builds a history of CONSOLE_EVENTS events (default
100,000) on CONSOLE_STORE (sqlite or postgres), starts `jobaid serve`, prints a table."""

from __future__ import annotations

import os
import re
import statistics
import time
from dataclasses import dataclass
from datetime import datetime

import httpx

from adapters.sheets import beijing
from adapters.sql import ViewStore
from api.console.statement import PAGE_LINES
from audit.chain import Sealer
from bench.data import HOMES, Facts
from bench.history import PROBE, build, setup
from bench.server import Server, tokens
from bench.stores import analysed, fresh_database, open_ledger, stored_events
from projections import Projections, schema
from service.ledger import Ledger

BUSY = f"busy account ({HOMES[0]})"
# The console pages figure 6 shows beside the API's queries ("rows" there: kilobytes).
FIGURE_SIX_PAGES = (
    "overview",
    "overview as of a date",
    "overview as known at an instant",
    "overview as known mid-history",
    f"statement page, {BUSY}",
    f"statement page, {BUSY}, last page",
    "worker timeline",
    "worker audit trail",
)


@dataclass(frozen=True)
class Probes:
    """What some pages name: a worker, an instant halfway through the recorded money (in
    Beijing time, as the picker sends it) and the cursor of the busy account's last
    statement page."""

    worker_id: str | None = None
    known_mid: str | None = None
    busy_last_after: int | None = None  # the cursor of the last page: the line before it


def probes_of(ledger: Ledger, worker_id: str | None) -> Probes:
    """Read from the projections (caught up before): the middle recording instant of the
    statement lines, and how many pages the busy account's statement runs to."""
    store = ViewStore(ledger.recorder)
    with store.transaction(commit=False) as cur:
        span = cur.execute(
            f"SELECT MIN(recorded_at) AS first, MAX(recorded_at) AS last FROM {schema.LINES}"
        ).fetchone()
        account = (PROBE[0], HOMES[0])
        busy = cur.execute(
            f"SELECT COUNT(*) AS n FROM {schema.LINES} WHERE source = ? AND division = ?",
            account,
        ).fetchone()
        shown_before = (max(1, -(-int(busy["n"]) // PAGE_LINES)) - 1) * PAGE_LINES
        last_after = cur.execute(
            f"SELECT position FROM {schema.LINES} WHERE source = ? AND division = ?"
            f" ORDER BY day, position LIMIT 1 OFFSET {max(0, shown_before - 1)}",
            account,
        ).fetchone()
    mid = None
    if span["first"]:
        first, last = (datetime.fromisoformat(span[k]) for k in ("first", "last"))
        mid = beijing(first + (last - first) / 2).strftime("%Y-%m-%dT%H:%M:%S")
    after = int(last_after["position"]) if last_after and shown_before else None
    return Probes(worker_id, mid, after)


@dataclass
class PageTime:
    name: str
    server_p50_ms: float
    server_p99_ms: float
    round_trip_p50_ms: float
    kilobytes: int


def pages(probes: Probes) -> dict[str, str]:
    source, division = PROBE
    found = {
        "overview": "/console/overview",
        "overview as of a date": "/console/overview?as_of=2019-06-30",
        # known_at: the sums of the blocks of the log recorded by then (every block,
        # here), plus the lines of the block the instant falls in (projections/known.py).
        "overview as known at an instant": "/console/overview?known_at=2030-01-01T00:00",
        f"statement page ({division})": f"/console/accounts/{source}/{division}",
        f"statement page, {BUSY}": f"/console/accounts/{source}/{HOMES[0]}",
        "targets": "/console/targets",
        "audit replay as of a date": "/console/audit?as_of=2019-06-30",
    }
    if probes.known_mid is not None:
        found["overview as known mid-history"] = f"/console/overview?known_at={probes.known_mid}"
    if probes.busy_last_after is not None:
        found[f"statement page, {BUSY}, last page"] = (
            f"/console/accounts/{source}/{HOMES[0]}?after={probes.busy_last_after}"
        )
    if probes.worker_id is not None:
        found["worker timeline"] = f"/console/workers/{probes.worker_id}"
        found["worker audit trail"] = f"/console/audit?worker_id={probes.worker_id}"
    return found


def signed_in(base: str, token: str) -> httpx.Client:
    """A client holding a console session (the sign-in form's CSRF token first)."""
    http = httpx.Client(base_url=base, timeout=120)
    form = http.get("/console/sign-in").text
    found = re.search(r'name="csrf" value="([^"]+)"', form)
    assert found is not None
    answer = http.post("/console/sign-in", data={"token": token, "csrf": found.group(1)})
    assert answer.status_code == 303 and "sign-in" not in answer.headers["location"]
    return http


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def console_latencies(
    server: Server, token: str, requests: int = 50, probes: Probes | None = None
) -> list[PageTime]:
    return timed(server.base.removesuffix("/v1"), token, pages(probes or Probes()), requests)


def timed(base: str, token: str, paths: dict[str, str], requests: int = 50) -> list[PageTime]:
    """Each of `paths` asked `requests` times in one signed-in session, after three to warm
    up: the server's own time (its Server-Timing header) and the round trip beside it."""
    out = []
    http = signed_in(base, token)
    try:
        for name, path in paths.items():
            served, trips, size = [], [], 0
            for n in range(requests + 3):  # three to warm up
                started = time.perf_counter()
                answer = http.get(path)
                trip = (time.perf_counter() - started) * 1000
                answer.raise_for_status()
                if n >= 3:
                    served.append(float(answer.headers["server-timing"].split("dur=")[1]))
                    trips.append(trip)
                size = len(answer.content) // 1000
            out.append(PageTime(name, statistics.median(served), percentile(served, 0.99),
                                statistics.median(trips), size))  # fmt: skip
    finally:
        http.close()
    return out


def prepared(url: str, events: int) -> tuple[str, Probes, int]:
    """A history of `events` on `url`, its projections caught up and its chain sealed
    before the server starts (as figure 6 does): the token, a worker, the size."""
    ledger = open_ledger(url)
    try:
        facts = Facts()
        token = tokens(url)["auditor"]
        cast = setup(ledger, facts)
        built = build(ledger, events, facts, cast)
        read_side = Projections(ledger.store)
        read_side.catch_up()
        read_side.close()
        Sealer(ledger.store).seal()
        analysed(url)
        total = stored_events(ledger)
        print(f"{total:,} events ({built.seconds:.0f} s to build)", flush=True)
        return token, probes_of(ledger, cast.borrowers[0]), total
    finally:
        ledger.close()


def print_table(store: str, total: int, rows: list[PageTime]) -> None:
    print(
        f"| page ({store}, {total:,} events) | server p50 ms | server p99 ms | round trip p50 ms | KB |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(f"| {row.name} | {row.server_p50_ms:.1f} | {row.server_p99_ms:.1f} "
              f"| {row.round_trip_p50_ms:.1f} | {row.kilobytes} |")  # fmt: skip


def main() -> None:
    events = int(os.environ.get("CONSOLE_EVENTS", "100000"))
    store = os.environ.get("CONSOLE_STORE", "sqlite")
    with fresh_database(store) as url:
        token, probes, total = prepared(url, events)
        with Server(url) as server:
            time.sleep(2)
            rows = console_latencies(server, token, probes=probes)
    print_table(store, total, rows)


if __name__ == "__main__":
    main()
