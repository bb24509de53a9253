"""`python -m bench.exports`: a 100,000-line statement as XLSX and CSV — time and peak
memory — beside its baseline measured in the same run: the same lines as one JSON
statement built whole in memory (what the service answered before statements paged),
and the first 1,000-line page the service answers now.

Each measurement runs in a child process of its own and reports its own wall time; its
peak RSS is the child's VmHWM, polled from /proc (bench/server.py), so one export's
memory never shows in another's. "Flat" means the XLSX and CSV peaks barely move from
10,000 to 100,000 lines, while the whole-JSON baseline grows with the lines.

The lines are written straight into the read model (projection tables) rather than
recorded as 100,000 payments through the policy: exports read only the read model, and
recording that many payments would time the write path, not the export. They carry what
real lines do: 1 appropriation in 50 with its 文号, payments to 2,000 organisations and
workers whose names the statement joins in, dates over three years.

BENCH_STORES=sqlite,postgres (default both); BENCH_EXPORT_LINES=10000,100000."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from typing import Any

from adapters.settings import PostgresTuning, Settings
from bench.server import vm_hwm_mb
from bench.stores import PII_KEY, STORES, fresh_database, store_env
from projections import Projections, schema
from projections.changes import where
from service.ledger import Ledger

SOURCE, DIVISION = "local_treasury", "430102"
KINDS = ("idle", "json-whole", "json-page", "csv", "xlsx")
PAYEES = 2_000  # distinct payees: half organisations, half workers paid in person
APPROPRIATION_EVERY = 50  # one line in 50 brings money in
FIRST_DAY = date(2018, 1, 1)
DAYS = 3 * 365
CHUNK = 10_000  # rows per insert while building


def open_ledger(url: str) -> Ledger:
    """The bench's ledger, patient with a busy machine: a connection may take a while
    when every core is taken (the service's 1 s fails fast on purpose)."""
    return Ledger(
        Settings(database_url=url, pii_key=PII_KEY, postgres=PostgresTuning(connect_timeout=30))
    )


def build(url: str, sizes: list[int]) -> None:
    """One account per size (divisions 430102, 430103, …), its lines, the payees' names,
    and tracking moved past them all (the read model's snapshot covers them)."""
    ledger = open_ledger(url)
    projections = Projections(ledger.store)
    store, position = projections.store, 0
    with store.transaction() as cur:
        cur.insert_rows(schema.ORGANISATIONS, schema.OrganisationRow._fields, organisations())
        cur.insert_rows(schema.WORKERS, schema.WorkerRow._fields, workers())
    for number, size in enumerate(sizes):
        division = f"{int(DIVISION) + number}"
        with store.transaction() as cur:
            cur.insert_rows(schema.ACCOUNTS, schema.AccountRow._fields,
                            [schema.AccountRow(f"acct-{division}", SOURCE, division, 0, stamp(0))])  # fmt: skip
        for start in range(0, size, CHUNK):
            rows = [
                line_row(division, position + n, n) for n in range(start, min(size, start + CHUNK))
            ]
            with store.transaction() as cur:
                cur.insert_rows(schema.LINES, schema.LineRow._fields, rows)
        position += size
    with store.transaction() as cur:
        store.advance(cur, store.position(cur), position + 1)
    projections.close()
    ledger.close()


def organisations() -> list[schema.OrganisationRow]:
    return [
        schema.OrganisationRow(
            f"o-{n}",
            f"org-{n}",
            f"长沙市第{n}人力资源服务有限公司",
            DIVISION,
            "agency",
            None,
            n,
            **where(DIVISION),
        )
        for n in range(PAYEES // 2)
    ]


def workers() -> list[schema.WorkerRow]:
    return [
        schema.WorkerRow(
            f"wo-{n}",
            f"w-{n}",
            DIVISION,
            n,
            f"张{n}",
            "43010219900101****",
            "1990-01-01",
            "2017-01-01",
            **where(DIVISION),
        )
        for n in range(PAYEES // 2)
    ]


def stamp(n: int) -> str:
    return f"2020-01-01T00:00:{n % 60:02d}.{n % 1_000_000:06d}+00:00"


def line_row(division: str, position: int, n: int) -> schema.LineRow:
    day = (FIRST_DAY + timedelta(days=n * DAYS // 100_000 % DAYS)).isoformat()
    if n % APPROPRIATION_EVERY == 0:
        return schema.LineRow(position + 1, SOURCE, division, day, "appropriation", None, None,
                              None, 1_000_000, f"ap-{n}", stamp(n), f"湘财社〔2018〕{n}号")  # fmt: skip
    payee = n % PAYEES
    org = payee < PAYEES // 2
    payee_id, worker_id = (f"org-{payee}", f"w-x{n}") if org else (f"w-{payee}", f"w-{payee}")
    return schema.LineRow(position + 1, SOURCE, division, day, "payment", "R12", payee_id,
                          worker_id, -30_000, f"pay-{n}", stamp(n), None)  # fmt: skip


# One measurement, in a child process: `python -m bench.exports --child KIND URL DIVISION`.


def child(kind: str, url: str, division: str) -> None:
    from api.account_files import statement_export
    from api.responses import FastJSON

    ledger = open_ledger(url)
    projections = Projections(ledger.store)
    started, cpu = time.perf_counter(), time.process_time()
    size = 0
    if kind == "json-whole":
        size = len(FastJSON(projections.statement(SOURCE, division, None, None)).body)
    elif kind == "json-page":
        size = len(FastJSON(projections.statement(SOURCE, division, None, None, limit=1_000)).body)
    elif kind in ("csv", "xlsx"):
        found = projections.statement_file(SOURCE, division, None, None)
        assert found is not None
        for chunk in statement_export(found[0], found[1], "zh").chunks(kind):  # type: ignore[arg-type]
            size += len(chunk)
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "cpu": time.process_time() - cpu,
                "bytes": size,
            }
        )
    )
    projections.close()
    ledger.close()


def measure(kind: str, url: str, division: str) -> dict[str, Any]:
    process = subprocess.Popen([sys.executable, "-m", "bench.exports", "--child", kind, url, division],
                               env=store_env(url), stdout=subprocess.PIPE, text=True)  # fmt: skip
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, vm_hwm_mb(process.pid))
        time.sleep(0.01)
    out = process.stdout.read() if process.stdout else ""
    if process.returncode != 0:
        raise RuntimeError(f"{kind} failed ({process.returncode})")
    return {**json.loads(out.strip().splitlines()[-1]), "peak_mb": peak}


def run(store: str, sizes: list[int]) -> list[dict[str, Any]]:
    results = []
    with fresh_database(store) as url:
        started = time.perf_counter()
        build(url, sizes)
        print(
            f"{store}: built {sum(sizes):,} lines in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        for number, size in enumerate(sizes):
            division = f"{int(DIVISION) + number}"
            for kind in KINDS:
                found = measure(kind, url, division)
                results.append({"store": store, "lines": size, "kind": kind, **found})
                print(row(results[-1]), flush=True)
    return results


def row(result: dict[str, Any]) -> str:
    return (f"{result['store']:8} {result['lines']:>8,} {result['kind']:10} {result['seconds']:8.2f} s "
            f"{result['cpu']:8.2f} s "
            f"{result['peak_mb']:8.1f} MB {result['bytes'] / 1e6:8.1f} MB out")  # fmt: skip


def ratios(results: list[dict[str, Any]]) -> list[str]:
    """Each file beside the whole-JSON baseline of the same lines — wall time, CPU time
    (steadier on a shared machine) and memory above the idle process (what the export
    itself holds) — and the largest size beside the smallest."""
    said = []
    for store in sorted({r["store"] for r in results}):
        by = {(r["lines"], r["kind"]): r for r in results if r["store"] == store}
        sizes = sorted({lines for lines, _ in by})
        for lines in sizes:
            base, idle = by[(lines, "json-whole")], by[(lines, "idle")]["peak_mb"]
            for kind in ("json-page", "csv", "xlsx"):
                r = by[(lines, kind)]
                said.append(f"{store} {lines:,} {kind}: wall ×{r['seconds'] / base['seconds']:.2f}, "
                            f"CPU ×{r['cpu'] / max(base['cpu'], 0.01):.2f} of whole JSON; memory above idle "
                            f"{r['peak_mb'] - idle:.1f} MB vs {base['peak_mb'] - idle:.1f} MB "
                            f"(×{(r['peak_mb'] - idle) / max(base['peak_mb'] - idle, 0.1):.2f})")  # fmt: skip
        small, large = sizes[0], sizes[-1]
        for kind in ("json-whole", "csv", "xlsx"):
            grow = [by[(n, kind)]["peak_mb"] - by[(n, "idle")]["peak_mb"] for n in (small, large)]
            said.append(f"{store} {kind}: memory above idle {grow[0]:.1f} MB at {small:,} lines, "
                        f"{grow[1]:.1f} MB at {large:,} (×{grow[1] / max(grow[0], 0.1):.2f} for ×{large // small} lines)")  # fmt: skip
    return said


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    stores = [s for s in os.environ.get("BENCH_STORES", ",".join(STORES)).split(",") if s]
    sizes = [int(n) for n in os.environ.get("BENCH_EXPORT_LINES", "10000,100000").split(",")]
    print(
        f"{'store':8} {'lines':>8} {'kind':10} {'wall':>10} {'CPU':>10} {'peak RSS':>11} {'file':>11}"
    )
    results = [r for store in stores for r in run(store, sizes)]
    print()
    for said in ratios(results):
        print(said)


if __name__ == "__main__":
    main()
