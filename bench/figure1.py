"""`python -m bench.figure1`: figure 1 alone — single facts over HTTP against `jobaid
serve` — beside its same-run baselines (the bare library, and the empty endpoint of
bench/empty_app.py: the HTTP stack's own ceiling), on each store; prints the table and
leaves bench/RESULTS.md alone. BENCH_SCALE sets the seconds per measurement (quick 5,
default 15, full 20), BENCH_STORES the stores."""

from __future__ import annotations

import platform
import time

from bench.report import THROUGHPUT_HEADER, commit_of_run, table, throughput_rows
from bench.run import chosen_scale, chosen_stores, figure_one_only


def main() -> None:
    scale, started = chosen_scale(), time.time()
    figures = [figure_one_only(store, scale) for store in chosen_stores()]
    print(
        f"\nFigure 1 by `BENCH_SCALE={scale.name} python -m bench.figure1` at commit "
        f"{commit_of_run()}, {platform.node()} (Python {platform.python_version()}), "
        f"started {time.strftime('%Y-%m-%d %H:%M', time.localtime(started))}, in {(time.time() - started) / 60:.1f} minutes; "
        f"{scale.seconds:.0f} s per measurement, {scale.clients} clients.\n"
    )
    print(table(THROUGHPUT_HEADER, throughput_rows(figures)))


if __name__ == "__main__":
    main()
