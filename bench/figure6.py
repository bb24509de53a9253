"""`python -m bench.figure6`: figure 6 alone — balances, statements and the lists through
HTTP against `jobaid serve` — at each history size of `BENCH_SCALE` (quick 5k, default
10k and 100k, full up to 1M events; `BENCH_SIZES=10000,300000` overrides), on each store
of `BENCH_STORES`, and the console's pages (FIGURE_SIX_PAGES, server time) beside them. The same history as `make bench` builds (bench/history.py), the
projections caught up and the history sealed before the server starts; prints the table and leaves
bench/RESULTS.md alone."""

from __future__ import annotations

import os
import platform
import time
from dataclasses import dataclass, field

from audit.chain import Sealer
from bench.console import FIGURE_SIX_PAGES, Probes, console_latencies, probes_of
from bench.data import Facts
from bench.history import build, setup
from bench.queries import Latency, query_latencies
from bench.report import LATENCY_HEADER, commit_of_run, latency_rows_of, table
from bench.run import Scale, chosen_scale, chosen_stores, say
from bench.server import Server, tokens
from bench.stores import analysed, fresh_database, open_ledger, stored_events
from projections import Projections


@dataclass
class Sized:
    store: str
    events: int
    latencies: list[Latency] = field(default_factory=list)


def sizes(scale: Scale) -> tuple[int, ...]:
    wanted = os.environ.get("BENCH_SIZES")
    return tuple(int(n) for n in wanted.split(",")) if wanted else scale.sizes


def console_rows(server: Server, token: str, requests: int, probes: Probes) -> list[Latency]:
    """The console's pages (server time from `Server-Timing`; "rows": kilobytes), each
    against the issue's < 300 ms."""
    return [
        Latency(f"console: {page.name} (server time)", page.server_p50_ms,
                page.server_p99_ms, page.kilobytes)
        for page in console_latencies(server, token, requests, probes)
        if page.name in FIGURE_SIX_PAGES
    ]  # fmt: skip


def histories(store: str, scale: Scale) -> list[Sized]:
    measured = []
    with fresh_database(store) as url:
        ledger = open_ledger(url)
        facts, token = Facts(), tokens(url)["auditor"]
        cast = setup(ledger, facts)
        try:
            for size in sizes(scale):
                build(ledger, size, facts, cast)
                # The server's own followers find nothing to do: queries are timed alone,
                # as `make bench` times them (after its rebuild and seal).
                projections = Projections(ledger.store)
                projections.catch_up()
                projections.close()
                Sealer(ledger.store).seal()
                analysed(url)
                events = stored_events(ledger)
                probes = probes_of(ledger, cast.borrowers[0])
                with Server(url) as server:
                    latencies = query_latencies(server, token, scale.query_requests)
                    latencies += console_rows(server, token, scale.query_requests, probes)
                for lat in latencies:
                    say(f"{store}@{events}: {lat.name}: p50 {lat.p50_ms:.1f} ms, "
                        f"p99 {lat.p99_ms:.1f} ms ({lat.lines} rows)")  # fmt: skip
                measured.append(Sized(store, events, latencies))
        finally:
            ledger.close()
    return measured


def main() -> None:
    scale, started = chosen_scale(), time.time()
    measured = [s for store in chosen_stores() for s in histories(store, scale)]
    print(
        f"\nFigure 6 by `BENCH_SCALE={scale.name} python -m bench.figure6` at commit "
        f"{commit_of_run()}, {platform.node()} (Python {platform.python_version()}), "
        f"in {(time.time() - started) / 60:.1f} minutes; sizes "
        f"{', '.join(f'{n:,}' for n in sizes(scale))}; {scale.query_requests} sequential "
        "requests per query.\n"
    )
    print(table(LATENCY_HEADER, latency_rows_of(measured)))


if __name__ == "__main__":
    main()
