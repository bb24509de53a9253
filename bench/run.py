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
from bench.data import Facts
from bench.history import build, setup
from bench.queries import Latency, query_latencies
from bench.server import Server, run_measured, tokens
from bench.stores import STORES, fresh_database, open_ledger, stored_events
from bench.throughput import Rate, facts_over_http, payments_over_http
from projections import Projections


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

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else 0.0


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


def throughput(store: str, scale: Scale, results: Results) -> None:
    facts = Facts()
    with fresh_database(store) as url:
        saved, elapsed = bare.single_saves(url, scale.clients, scale.seconds, limit=200_000)
        baseline = saved / elapsed
        say(
            f"{store}: bare library, {scale.clients} threads, single saves: {baseline:.0f} events/s"
        )
    with fresh_database(store) as url:
        saved, elapsed = bare.single_saves(url, scale.clients, scale.seconds, 200_000, True)
        same_events = saved / elapsed
        say(f"{store}: bare library, the same 3 events per save: {same_events:.0f} saves/s")
    with fresh_database(store) as url:
        token = tokens(url)
        counter = open_ledger(url)
        with Server(url) as server:

            def counted(run: Callable[[], Rate]) -> tuple[Rate, float]:
                """The rate, and the events it stored per second (all of them, read
                from the log's head before and after)."""
                before = stored_events(counter)
                rate = run()
                return rate, (stored_events(counter) - before) / rate.seconds

            single, single_events = counted(
                lambda: facts_over_http(
                    server, token["clerk"], scale.clients, 1, scale.seconds, facts, 100_000
                )
            )
            say(f"{store}: HTTP single facts: {single.per_second:.0f}/s {single.statuses}")
            rates = {
                size: counted(
                    partial(
                        facts_over_http,
                        server, token["clerk"], scale.clients, size, scale.seconds, facts, 400_000,
                    )
                )
                for size in (100, 1000)
            }  # fmt: skip
            for size, (rate, events) in rates.items():
                say(f"{store}: HTTP batches of {size}: {rate.per_second:.0f} facts/s, "
                    f"{events:.0f} stored events/s {rate.statuses}")  # fmt: skip
            paid = payments_over_http(
                url, server, token["finance"], scale.clients, scale.seconds, facts, 100_000
            )
            say(f"{store}: HTTP payments: {paid.per_second:.0f}/s {paid.statuses}")
            rss = server.peak_rss_mb()
        counter.close()
    bare_name = f"bare library single saves, {scale.clients} threads, in-process"
    pg = store == "postgres"
    results.figures += [
        Figure(store, "1", f"facts/s, HTTP single-event requests, {scale.clients} clients",
               single.per_second, "facts/s", bare_name, baseline,
               "≥ 1.0× (aim 2×)" if pg else "", single.per_second >= baseline if pg else None,
               f"{single.per_second / same_events:.2f}× the bare library saving the same 3 "
               f"events per save ({same_events:,.0f} saves/s); {single_events:,.0f} stored "
               f"events/s; {single.errors} non-2xx; service peak RSS {rss:.0f} MB"),
        *(
            Figure(store, f"2/{size}", f"facts/s, HTTP batches of {size}, {scale.clients} clients",
                   rate.per_second, "facts/s", bare_name, baseline,
                   "≥ 10,000 stored events/s" if pg and size == 1000 else "",
                   events >= 10_000 if pg and size == 1000 else None,
                   f"{events:,.0f} stored events/s; {rate.errors} non-2xx")
            for size, (rate, events) in rates.items()
        ),
        Figure(store, "3", f"payments/s (R17, every guard), HTTP, {scale.clients} clients",
               paid.per_second, "payments/s", "facts/s, HTTP single-event (figure 1)",
               single.per_second, "≥ 0.5×", paid.per_second >= 0.5 * single.per_second,
               f"{paid.errors} non-2xx"),
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
                        store, url, ledger, events, built.events_per_second, token["auditor"], scale
                    )
                )
        finally:
            ledger.close()


def measure_size(
    store: str, url: str, ledger: object, events: int, build_rate: float, token: str, scale: Scale
) -> SizeResult:
    from service.ledger import Ledger

    assert isinstance(ledger, Ledger)
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
    verified = run_measured(["verify"], url)
    say(f"{store}@{events}: rebuild {rebuilt.seconds:.1f} s {rebuilt.peak_rss_mb:.0f} MB, "
        f"seal {seal_s:.1f} s, verify {verified.seconds:.1f} s {verified.peak_rss_mb:.0f} MB rc={verified.returncode}")  # fmt: skip
    with Server(url) as server:
        latencies = query_latencies(server, token, scale.query_requests)
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
