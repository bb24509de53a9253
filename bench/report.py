"""The run's figures as a printed table, a Markdown section and a PNG plot."""

from __future__ import annotations

import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from bench.queries import Latency
from bench.run import Figure, Results, SizeResult

QUERY_TARGET_MS = 50.0
CONSOLE_TARGET_MS = 300.0  # a console page's server time (issue 13)
REBUILD_TARGET_S = 600.0
MEMORY_TARGET_MB = 500.0


def mark(met: bool | None) -> str:
    return "" if met is None else ("met" if met else "NOT met")


def throughput_rows(figures: list[Figure]) -> list[list[str]]:
    rows = []
    for f in figures:
        ceiling = "" if f.ceiling_ratio is None else f"{f.ceiling_ratio:.2f}×"
        ceiling_what = f"{f.ceiling:,.0f} ({f.ceiling_what})" if f.ceiling else ""
        rows.append([
            f.store, f.key, f.what, f"{f.value:,.0f} {f.unit}", f"{f.ratio:.2f}×",
            f"{f.baseline:,.0f} ({f.baseline_what})", ceiling, ceiling_what, f.target,
            mark(f.met), f.note,
        ])  # fmt: skip
    return rows


def size_rows(results: Results) -> list[list[str]]:
    rows = []
    for s in results.sizes:
        catch_up_ratio = s.catch_up_events_per_s / s.raw_read_events_per_s
        rows.append([
            s.store, f"{s.events:,}", f"{s.build_events_per_s:,.0f}",
            f"{s.catch_up_events_per_s:,.0f} ({catch_up_ratio:.2f}× raw {s.raw_read_events_per_s:,.0f}; "
            f"{mark(catch_up_ratio >= 0.5)}; "
            f"{s.catch_up_events_per_s / s.decoded_read_events_per_s:.2f}× read+decode {s.decoded_read_events_per_s:,.0f})",
            f"{s.rebuild_s:.1f} s, {s.rebuild_rss_mb:.0f} MB",
            f"{s.seal_s:.1f} s", f"{s.verify_s:.1f} s, {s.verify_rss_mb:.0f} MB, {'ok' if s.verify_ok else 'FAILED'}",
        ])  # fmt: skip
    return rows


class Timed(Protocol):
    """A history size and the query latencies measured at it (run.SizeResult, figure6.Sized)."""

    store: str
    events: int
    latencies: list[Latency]


def latency_rows(results: Results) -> list[list[str]]:
    return latency_rows_of(results.sizes)


def latency_rows_of(sizes: Sequence[Timed]) -> list[list[str]]:
    rows = []
    for s in sizes:
        first = next(r for r in sizes if r.store == s.store)
        for lat, base in zip(s.latencies, first.latencies, strict=True):
            rows.append([
                s.store, f"{s.events:,}", lat.name, f"{lat.p50_ms:.1f}", f"{lat.p99_ms:.1f}",
                f"{lat.p99_ms / base.p99_ms:.2f}× (vs {first.events:,})", str(lat.lines),
                mark(lat.p99_ms < target_of(lat.name)),
            ])  # fmt: skip
    return rows


def target_of(name: str) -> float:
    return CONSOLE_TARGET_MS if name.startswith("console:") else QUERY_TARGET_MS


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


THROUGHPUT_HEADER = [
    "store",
    "#",
    "figure",
    "absolute",
    "ratio",
    "baseline (same run)",
    "ratio to HTTP ceiling",
    "HTTP ceiling (same run)",
    "target",
    "",
    "notes",
]
SIZE_HEADER = ["store", "events", "build events/s (batches of 1,000)", "4: catch-up events/s",
               "5: jobaid rebuild (time, peak RSS)", "seal", "5: jobaid verify (time, peak RSS)"]  # fmt: skip
LATENCY_HEADER = [
    "store",
    "events",
    "6: query",
    "p50 ms",
    "p99 ms",
    "p99 ratio",
    "rows",
    "p99 < target (50 ms; console pages 300 ms)",
]


def render(results: Results) -> str:
    return "\n\n".join([
        table(THROUGHPUT_HEADER, throughput_rows(results.figures)),
        table(SIZE_HEADER, size_rows(results)),
        table(LATENCY_HEADER, latency_rows(results)),
    ])  # fmt: skip


def plot(results: Results, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    stores = sorted({f.store for f in results.figures} | {s.store for s in results.sizes})
    labels = [f.key for f in results.figures if f.store == stores[0]]
    width = 0.8 / max(1, len(stores))
    for i, store in enumerate(stores):
        values = [f.ratio for f in results.figures if f.store == store]
        left.bar([x + i * width for x in range(len(values))], values, width, label=store)
    left.axhline(1.0, color="grey", linewidth=0.8)
    left.set_xticks([x + width * (len(stores) - 1) / 2 for x in range(len(labels))], labels)
    left.set_yscale("log")
    left.set_ylabel("ratio to same-run baseline (log)")
    left.set_title("Throughput: 1 single facts, 2 batches, 3 payments")
    left.legend()
    for store in stores:
        runs: list[SizeResult] = [s for s in results.sizes if s.store == store]
        if not runs:
            continue
        for index, lat in enumerate(runs[0].latencies):
            right.plot([s.events for s in runs], [s.latencies[index].p99_ms for s in runs],
                       marker="o", label=f"{store}: {lat.name}")  # fmt: skip
    right.axhline(
        QUERY_TARGET_MS, color="red", linestyle="--", linewidth=0.8, label="target p99 50 ms"
    )
    right.set_xscale("log")
    right.set_xlabel("events in the store")
    right.set_ylabel("p99 latency, ms (HTTP)")
    right.set_title("Query latency against history size")
    right.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def commit_of_run() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes in the working tree)" if dirty else "")  # fmt: skip


def measured_section(results: Results) -> str:
    scale = results.scale
    return "\n".join([
        f"Measured by `BENCH_SCALE={scale.name} make bench` at commit {commit_of_run()}, "
        f"{platform.node()} ({platform.machine()}, Python {platform.python_version()}), "
        f"in {results.seconds / 60:.1f} minutes; sizes {', '.join(f'{n:,}' for n in scale.sizes)}; "
        f"{scale.seconds:.0f} s per throughput figure, {scale.clients} clients; "
        f"{scale.query_requests} sequential requests per query.",
        "",
        "### Throughput (figures 1–3)",
        "",
        table(THROUGHPUT_HEADER, throughput_rows(results.figures)),
        "",
        "### Catch-up, rebuild and verify at each size (figures 4–5)",
        "",
        table(SIZE_HEADER, size_rows(results)),
        "",
        "### Query latency through HTTP (figure 6)",
        "",
        table(LATENCY_HEADER, latency_rows(results)),
        "",
        "![throughput ratios and query latency](results.png)",
    ])  # fmt: skip
