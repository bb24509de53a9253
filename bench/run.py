"""The benchmark run: every figure beside its baseline, measured in the same run, on
each store. Sizes and durations come from `BENCH_SCALE` (quick, default, full)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from audit.chain import Sealer
from bench import bare
from bench.console import FIGURE_SIX_PAGES, console_latencies, probes_of
from bench.data import Facts
from bench.history import build, setup
from bench.queries import Latency, query_latencies
from bench.server import Server, run_measured, tokens
from bench.stores import STORES, analysed, fresh_database, open_ledger, stored_events
from bench.throughput import Load, empty_endpoint, facts_over_http, loaded, payments_over_http
from projections import Projections
from service.ledger import Ledger


@dataclass(frozen=True)
class Scale:
    name: str
    sizes: tuple[int, ...]
    seconds: float  # per throughput figure
    clients: int = 8
    query_requests: int = 200


SCALES = {
    "quick": Scale("quick", (5_000,), 5.0, query_requests=50),
    "default": Scale("default", (10_000, 100_000), 15.0),
    "full": Scale("full", (10_000, 100_000, 1_000_000), 20.0, query_requests=300),
}


@dataclass
class Figure:
    store: str
    key: str  # "1", "2/100", …
    what: str
    value: float
    unit: str
    baseline_what: str
    baseline: float
    target: str = ""
    met: bool | None = None
    note: str = ""
    ceiling_what: str = ""  # figure 1's second baseline: the HTTP stack's own ceiling
    ceiling: float = 0.0

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else 0.0

    @property
    def ceiling_ratio(self) -> float | None:
        return self.value / self.ceiling if self.ceiling else None


@dataclass
class SizeResult:
    store: str
    events: int
    build_events_per_s: float
    catch_up_events_per_s: float
    raw_read_events_per_s: float
    decoded_read_events_per_s: float
    rebuild_s: float
    rebuild_rss_mb: float
    seal_s: float
    verify_s: float
    verify_rss_mb: float
    verify_ok: bool
    latencies: list[Latency] = field(default_factory=list)
    serve_rss_mb: float = 0.0


@dataclass
class Results:
    scale: Scale
    figures: list[Figure] = field(default_factory=list)
    sizes: list[SizeResult] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    seconds: float = 0.0


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


@dataclass
class Baselines:
    """Figure 1's baselines, measured in the same run: the bare library's single saves/s
    (one event, and the 3 events a fact stores, per save) and the empty endpoint."""

    bare: float
    bare_same_events: float
    empty: Load


def baselines(store: str, scale: Scale, facts: Facts) -> Baselines:
    with fresh_database(store) as url:
        saved, elapsed = bare.single_saves(url, scale.clients, scale.seconds, limit=200_000)
        single = saved / elapsed
        say(f"{store}: bare library, {scale.clients} threads, single saves: {single:.0f} events/s")
    with fresh_database(store) as url:
        saved, elapsed = bare.single_saves(url, scale.clients, scale.seconds, 200_000, True)
        same_events = saved / elapsed
        say(f"{store}: bare library, the same 3 events per save: {same_events:.0f} saves/s")
    empty = empty_endpoint(scale.clients, scale.seconds, facts, 100_000)
    say(f"{store}: empty endpoint (HTTP stack's ceiling): {empty.rate.per_second:.0f} requests/s "
        f"{empty.rate.statuses}, server {empty.server_us:.0f} µs CPU/request")  # fmt: skip
    return Baselines(single, same_events, empty)


def single_facts(
    store: str, server: Server, counter: Ledger, token: str, scale: Scale, facts: Facts
) -> Load:
    """Figure 1: single facts over HTTP against the service."""
    single = loaded(
        server,
        lambda: facts_over_http(server, token, scale.clients, 1, scale.seconds, facts, 100_000),
        partial(stored_events, counter),
    )
    say(f"{store}: HTTP single facts: {single.rate.per_second:.0f}/s {single.rate.statuses}, "
        f"server {single.server_us:.0f} µs CPU/request")  # fmt: skip
    return single


def figure_one(store: str, scale: Scale, bases: Baselines, single: Load, rss: float) -> Figure:
    pg = store == "postgres"
    rate, empty = single.rate, bases.empty
    return Figure(
        store, "1", f"facts/s, HTTP single-event requests, {scale.clients} clients",
        rate.per_second, "facts/s", bare_name(scale), bases.bare,
        "≥ 1.0× (aim 2×)" if pg else "", rate.per_second >= bases.bare if pg else None,
        f"{rate.per_second / bases.bare_same_events:.2f}× the bare library saving the same 3 "
        f"events per save ({bases.bare_same_events:,.0f} saves/s); "
        f"{single.stored_events_per_s:,.0f} stored events/s; {rate.errors} non-2xx; "
        f"server CPU {single.server_us:,.0f} µs/request (empty endpoint "
        f"{empty.server_us:,.0f}), client {single.client_us:,.0f} µs/request "
        f"({empty.client_us:,.0f}); service peak RSS {rss:.0f} MB",
        "empty FastAPI endpoint, same uvicorn config and client, req/s",
        empty.rate.per_second,
    )  # fmt: skip


def bare_name(scale: Scale) -> str:
    return f"bare library single saves, {scale.clients} threads, in-process"


def figure_one_only(store: str, scale: Scale) -> Figure:
    """Figure 1 and its baselines alone (`python -m bench.figure1`)."""
    facts = Facts()
    bases = baselines(store, scale, facts)
    with fresh_database(store) as url:
        token = tokens(url)
        counter = open_ledger(url)
        try:
            with Server(url) as server:
                single = single_facts(store, server, counter, token["clerk"], scale, facts)
                rss = server.peak_rss_mb()
        finally:
            counter.close()
    return figure_one(store, scale, bases, single, rss)


def throughput(store: str, scale: Scale, results: Results) -> None:
    facts = Facts()
    bases = baselines(store, scale, facts)
    with fresh_database(store) as url:
        token = tokens(url)
        counter = open_ledger(url)
        with Server(url) as server:
            single = single_facts(store, server, counter, token["clerk"], scale, facts)
            rates = {
                size: loaded(
                    server,
                    partial(
                        facts_over_http,
                        server, token["clerk"], scale.clients, size, scale.seconds, facts, 400_000,
                    ),
                    partial(stored_events, counter),
                )
                for size in (100, 1000)
            }  # fmt: skip
            for size, batches in rates.items():
                say(f"{store}: HTTP batches of {size}: {batches.rate.per_second:.0f} facts/s, "
                    f"{batches.stored_events_per_s:.0f} stored events/s {batches.rate.statuses}")  # fmt: skip
            paid = payments_over_http(
                url, server, token["finance"], scale.clients, scale.seconds, facts, 100_000
            )
            say(f"{store}: HTTP payments: {paid.per_second:.0f}/s {paid.statuses}")
            rss = server.peak_rss_mb()
        counter.close()
    pg = store == "postgres"
    fig1 = single.rate.per_second
    results.figures += [
        figure_one(store, scale, bases, single, rss),
        *(
            Figure(store, f"2/{size}", f"facts/s, HTTP batches of {size}, {scale.clients} clients",
                   batches.rate.per_second, "facts/s", bare_name(scale), bases.bare,
                   "≥ 10,000 stored events/s" if pg and size == 1000 else "",
                   batches.stored_events_per_s >= 10_000 if pg and size == 1000 else None,
                   f"{batches.stored_events_per_s:,.0f} stored events/s; {batches.rate.errors} non-2xx")
            for size, batches in rates.items()
        ),
        Figure(store, "3", f"payments/s (R17, every guard), HTTP, {scale.clients} clients",
               paid.per_second, "payments/s", "facts/s, HTTP single-event (figure 1)",
               fig1, "≥ 0.5×", paid.per_second >= 0.5 * fig1, f"{paid.errors} non-2xx"),
    ]  # fmt: skip


def histories(store: str, scale: Scale, results: Results) -> None:
    with fresh_database(store) as url:
        ledger = open_ledger(url)
        facts = Facts()
        token = tokens(url)
        cast = setup(ledger, facts)
        try:
            for size in scale.sizes:
                built = build(ledger, size, facts, cast)
                events = stored_events(ledger)
                say(f"{store}: built to {events} events at {built.events_per_second:.0f} events/s "
                    f"({built.facts} facts in batches of 1,000, {built.payments} payments)")  # fmt: skip
                results.sizes.append(
                    measure_size(
                        store, url, ledger, events, built.events_per_second, token["auditor"],
                        scale, cast.borrowers[0],
                    )
                )  # fmt: skip
        finally:
            ledger.close()


def measure_size(
    store: str,
    url: str,
    ledger: Ledger,
    events: int,
    build_rate: float,
    token: str,
    scale: Scale,
    worker_id: str | None = None,
) -> SizeResult:
    raw, raw_s = bare.read_log(ledger, decode=False)
    decoded, decoded_s = bare.read_log(ledger, decode=True)
    projections = Projections(ledger.store)
    started = time.perf_counter()
    projections.rebuild()
    catch_up_s = time.perf_counter() - started
    projections.close()
    say(
        f"{store}@{events}: catch-up {events / catch_up_s:.0f} events/s, raw log read {raw / raw_s:.0f}/s"
    )
    rebuilt = run_measured(["rebuild"], url)
    assert rebuilt.returncode == 0, rebuilt.stderr
    started = time.perf_counter()
    Sealer(ledger.store).seal()
    seal_s = time.perf_counter() - started
    analysed(url)
    verified = run_measured(["verify"], url)
    say(f"{store}@{events}: rebuild {rebuilt.seconds:.1f} s {rebuilt.peak_rss_mb:.0f} MB, "
        f"seal {seal_s:.1f} s, verify {verified.seconds:.1f} s {verified.peak_rss_mb:.0f} MB rc={verified.returncode}")  # fmt: skip
    probes = probes_of(ledger, worker_id)
    with Server(url) as server:
        latencies = query_latencies(server, token, scale.query_requests)
        latencies += [
            Latency(f"console: {page.name} (server time)", page.server_p50_ms,
                    page.server_p99_ms, page.kilobytes)
            for page in console_latencies(server, token, scale.query_requests // 4, probes)
            if page.name in FIGURE_SIX_PAGES
        ]  # fmt: skip
        rss = server.peak_rss_mb()
    for lat in latencies:
        say(
            f"{store}@{events}: {lat.name}: p50 {lat.p50_ms:.1f} ms, p99 {lat.p99_ms:.1f} ms ({lat.lines} rows)"
        )
    return SizeResult(
        store, events, build_rate, events / catch_up_s, raw / raw_s, decoded / decoded_s, rebuilt.seconds,
        rebuilt.peak_rss_mb, seal_s, verified.seconds, verified.peak_rss_mb,
        verified.returncode == 0, latencies, rss,
    )  # fmt: skip


def run(
    scale: Scale, stores: tuple[str, ...] = STORES, progress: Callable[[str], None] = say
) -> Results:
    results = Results(scale)
    for store in stores:
        progress(f"{store}: throughput")
        throughput(store, scale, results)
        progress(f"{store}: histories {scale.sizes}")
        histories(store, scale, results)
    results.seconds = time.time() - results.started
    return results


def chosen_scale() -> Scale:
    name = os.environ.get("BENCH_SCALE", "default")
    if name not in SCALES:
        raise SystemExit(f"BENCH_SCALE must be one of {', '.join(SCALES)}, not {name!r}")
    return SCALES[name]


def chosen_stores() -> tuple[str, ...]:
    wanted = tuple(s for s in os.environ.get("BENCH_STORES", ",".join(STORES)).split(",") if s)
    unknown = set(wanted) - set(STORES)
    if unknown:
        raise SystemExit(f"BENCH_STORES: unknown store(s) {sorted(unknown)}")
    return wanted
