"""`python -m bench` (`make bench`): run every figure, print the table, write
bench/RESULTS.md's measured section and bench/results.png.

BENCH_SCALE=quick|default|full (sizes 5k | 10k,100k | 10k,100k,1M events);
BENCH_STORES=sqlite,postgres; BENCH_POSTGRES_URL (an existing database to connect to
for CREATE/DROP DATABASE)."""

from __future__ import annotations

from pathlib import Path

from bench.report import measured_section, plot, render
from bench.run import chosen_scale, chosen_stores, run

HERE = Path(__file__).parent
RESULTS = HERE / "RESULTS.md"
BEGIN = "<!-- measured: begin (written by `make bench`) -->"
END = "<!-- measured: end -->"


def write_results(section: str) -> None:
    """Replace the measured section of RESULTS.md, keeping the prose around it."""
    text = RESULTS.read_text() if RESULTS.exists() else f"# Benchmark results\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    RESULTS.write_text(f"{head}{BEGIN}\n{section}\n{END}{tail}")


def main() -> None:
    results = run(chosen_scale(), chosen_stores())
    print()
    print(render(results))
    plot(results, HERE / "results.png")
    write_results(measured_section(results))
    print(f"\nwrote {RESULTS} and {HERE / 'results.png'}")


if __name__ == "__main__":
    main()
