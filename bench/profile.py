"""`python -m bench.profile [postgres|sqlite|empty]`: where a request's time goes in the
server under figure 1's load (8 clients posting single facts), from py-spy samples of
the server process — `jobaid serve` on a fresh store, or `empty`, bench/empty_app.py.

Two recordings of `PROFILE_SECONDS` (20) each, after 3 s of warm-up:
- *CPU*: `py-spy --gil` samples only the thread holding the interpreter, so the shares
  are of the process's Python time; each stack is put in the layer of its frame nearest
  the leaf that belongs to one (`LAYERS`), and the shares are scaled to the server's CPU
  time per request (read from /proc).
- *wall*: `py-spy --idle` samples every thread, waiting or not; the group-commit
  leader's samples say how long the chain of commits (prefetch, decide, save) holds each
  request, and for how much of the time no group is being committed at all.
On PostgreSQL it then counts the save transactions (distinct `xmin` of the stored
events): how many facts a group commit held.

Needs py-spy in the environment (`pip install py-spy`; root, or ptrace allowed)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

from adapters.eventstore import events_table
from bench.data import Facts
from bench.server import EmptyServer, Served, Server, process_cpu_seconds, tokens
from bench.stores import fresh_database, open_ledger, stored_events
from bench.throughput import UNREAD_TOKEN, Load, facts_over_http, loaded

CLIENTS = 8
RATE = 100  # samples per second and thread: py-spy's default, a small disturbance
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*):\d+\)$")

HOP = "HTTP: thread-pool hop"
# (layer, files it owns by prefix, functions it owns by name), nearest the leaf wins.
# Function names come first: they pick the service's own steps out of shared modules.
LAYERS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("auth: bearer token", ("api/auth.py", "fastapi/security/"), ("principal_of",)),
    ("body: JSON parse, string checks", (), ("json_body", "reject_bad_strings")),
    ("fact: parse, scope", ("api/authorization.py",), ("parse_fact_item",)),
    ("store: SQL, driver, pool",
     ("psycopg", "eventsourcing/postgres.py", "eventsourcing/sqlite.py", "sqlite3/",
      "adapters/pgstore.py", "adapters/eventstore.py", "adapters/sql.py"), ()),
    ("ledger: encode events", ("eventsourcing/persistence.py", "eventsourcing/cipher.py"), ()),
    ("ledger: decide, group commit", ("service/", "domain/", "eventsourcing/"), ()),
    ("route: answer, runtime", ("api/routes/", "api/runtime.py", "api/wire.py"), ()),
    ("empty endpoint: parse, answer", ("bench/empty_app.py",), ()),
    ("middleware: request log, body limit", ("api/middleware.py", "logging/"), ()),
    ("HTTP: FastAPI, Starlette", ("fastapi/", "starlette/", "pydantic"), ()),
    (HOP, ("anyio/",), ()),
    ("HTTP: uvicorn, event loop", ("uvicorn/", "asyncio/", "httptools", "uvloop", "h11/"), ()),
    ("OpenTelemetry (FastAPI's no-op spans)",
     ("opentelemetry", "trace/", "metrics/", "context/", "_logs/"), ()),
]  # fmt: skip
OTHER = "other"


def frames(stack: str) -> list[tuple[str, str]]:
    """(function, file) of each frame, root first; a `thread (id): name` head is kept
    as a frame of its own with no file."""
    found = []
    for frame in stack.split(";"):
        match = FRAME.match(frame)
        found.append((match["function"], match["file"]) if match else (frame, ""))
    return found


def layer_of(stack: list[tuple[str, str]]) -> str:
    for function, file in reversed(stack):
        for name, files, functions in LAYERS:
            if function.rpartition(".")[2] in functions or (file and file.startswith(files)):
                return hop_of(stack) if name == HOP else name
    return OTHER


def hop_of(stack: list[tuple[str, str]]) -> str:
    """Which hand-over to a worker thread: FastAPI runs each sync (`def`) dependency and
    the sync route in anyio's thread pool, one hop each."""
    functions = [function for function, _ in stack]
    if "run_in_threadpool" not in functions:
        return f"{HOP} (worker side)"
    caller = functions[functions.index("run_in_threadpool") - 1]
    return f"{HOP}: sync dependencies" if caller == "solve_dependencies" else f"{HOP}: sync route"


def samples(path: Path) -> Iterator[tuple[list[tuple[str, str]], int]]:
    """py-spy's raw (collapsed) output: one stack and its count per line."""
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack:
            yield frames(stack), int(count)


def cpu_by_process(server_pid: int) -> dict[str, float]:
    """CPU seconds so far of the server, its children (the projector on PostgreSQL) and
    every PostgreSQL process on the machine (other databases' too)."""
    seconds: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, ppid = (
            stat[stat.index("(") + 1 : stat.rindex(")")],
            stat.rpartition(")")[2].split()[1],
        )
        pid = int(entry.name)
        group = (
            "server" if pid == server_pid
            else "server's children (projector)" if int(ppid) == server_pid
            else "PostgreSQL (all its processes)" if name.startswith("postgres")
            else None
        )  # fmt: skip
        if group:
            seconds[group] = seconds.get(group, 0.0) + process_cpu_seconds(pid)
    return seconds


@dataclass
class Recording:
    load: Load
    samples: Path
    machine: dict[str, float]  # CPU seconds during the load, by process

    def layers(self) -> list[tuple[str, float, float]]:
        """(layer, share of the Python time, µs of server CPU per request), largest first."""
        counts: Counter[str] = Counter()
        for stack, count in samples(self.samples):
            counts[layer_of(stack)] += count
        total = sum(counts.values()) or 1
        return [
            (name, n / total, n / total * self.load.server_us) for name, n in counts.most_common()
        ]

    def chain(self) -> list[tuple[str, float]]:
        """µs per request of wall time the group-commit leader spends on each step, and
        the time no group is being committed (from a recording of every thread)."""
        steps: Counter[str] = Counter()
        per_thread: Counter[str] = Counter()
        for stack, count in samples(self.samples):
            per_thread[stack[0][0]] += count
            functions = [function for function, _ in stack]
            if "GroupCommitter._lead" in functions:
                steps[chain_step(functions)] += count
        ticks = max(per_thread.values(), default=0)  # samples of any one thread: the wall
        if not steps or not self.load.rate.requests:
            return []  # no group commit here (the empty endpoint, SQLite without it)
        us_per_tick = self.load.rate.seconds / ticks / self.load.rate.requests * 1e6
        rows = [(step, n * us_per_tick) for step, n in steps.most_common()]
        return [*rows, ("no group being committed", (ticks - steps.total()) * us_per_tick)]


def chain_step(functions: list[str]) -> str:
    if "UnitOfWork.prefetch" in functions:
        return "leader: prefetch (query, waits)"
    if "Ledger._save" in functions:
        return "leader: save (encode, insert, commit, waits)"
    if "Slot.answer" in functions or "Slot.promote" in functions:
        return "leader: wake the waiting requests"
    return "leader: decide (policy, events)"


def py_spy() -> str:
    beside = Path(sys.executable).parent / "py-spy"
    found = str(beside) if beside.exists() else shutil.which("py-spy")
    if found is None:
        raise SystemExit("bench.profile needs py-spy: pip install py-spy")
    return found


def record(server: Served, token: str, seconds: float, how: list[str], facts: Facts) -> Recording:
    """Figure 1's load for `seconds` while py-spy samples the server for as long."""
    out = Path(tempfile.mkstemp(prefix="bench_profile_", suffix=".txt")[1])
    spy = subprocess.Popen(
        [py_spy(), "record", "--pid", str(server.process.pid), "--duration", str(round(seconds)),
         "--rate", str(RATE), "--nonblocking", "--format", "raw", "--output", str(out), *how],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(0.5)  # py-spy attaches
    before = cpu_by_process(server.process.pid)
    load = loaded(server, lambda: facts_over_http(server, token, CLIENTS, 1, seconds, facts, 10**9))
    after = cpu_by_process(server.process.pid)
    machine = {group: cpu - before.get(group, 0.0) for group, cpu in after.items()}
    _, errors = spy.communicate()
    if spy.returncode != 0:
        raise SystemExit(f"py-spy failed: {errors.strip()}")
    return Recording(load, out, {**machine, "client (this process)": load.client_cpu_s})


def profile(server: Served, token: str, seconds: float) -> tuple[Recording, Recording]:
    facts = Facts()
    facts_over_http(server, token, CLIENTS, 1, 3.0, facts, 10**9)  # warm up
    cpu = record(server, token, seconds, ["--gil"], facts)
    wall = record(server, token, seconds, ["--idle", "--threads"], facts)
    return cpu, wall


def report(what: str, cpu: Recording, wall: Recording) -> str:
    load = cpu.load
    lines = [
        f"{what}: {load.rate.per_second:,.0f} requests/s under py-spy --gil "
        f"({load.rate.requests:,} in {load.rate.seconds:.0f} s, {load.rate.statuses}); "
        f"server CPU {load.server_us:,.0f} µs/request ({load.server_cpu_s / load.rate.seconds:.2f} "
        f"of a core), client {load.client_us:,.0f} µs/request; py-spy's samples kept in "
        f"{cpu.samples} and {wall.samples}",
        "",
        "| layer | share of the server's Python time | µs of server CPU per request |",
        "|---|---|---|",
        *(f"| {name} | {share:.0%} | {us:,.0f} |" for name, share, us in cpu.layers()),
        f"| **total** | 100% | **{load.server_us:,.0f}** |",
        "",
        "| process | CPU µs per request | cores |",
        "|---|---|---|",
        *(
            f"| {name} | {cpu / load.rate.requests * 1e6:,.0f} | {cpu / load.rate.seconds:.2f} |"
            for name, cpu in cpu.machine.items()
        ),
    ]
    chain = wall.chain()
    if chain:
        lines += [
            "",
            f"Wall time of the group-commit chain, under py-spy --idle "
            f"({wall.load.rate.per_second:,.0f} requests/s):",
            "",
            "| step | µs of wall time per request |",
            "|---|---|",
            *(f"| {step} | {us:,.0f} |" for step, us in chain),
            f"| **total** (1 / rate) | **{sum(us for _, us in chain):,.0f}** |",
        ]
    return "\n".join(lines)


def save_transactions(url: str, after: int) -> tuple[int, int]:
    """Events stored after position `after`, and how many transactions stored them (on
    PostgreSQL, their distinct `xmin`): the size of a group commit."""
    ledger = open_ledger(url)
    try:
        table, position = events_table(ledger.recorder)
    finally:
        ledger.close()
    query = f"SELECT count(*), count(DISTINCT xmin::text) FROM {table} WHERE {position} > %s"
    with psycopg.connect(url) as conn:
        events, transactions = conn.execute(query, (after,)).fetchone() or (0, 0)
    return int(events), int(transactions)


def groups(url: str, after: int) -> str:
    events, transactions = save_transactions(url, after)
    per = events / transactions if transactions else 0.0
    return (
        f"Group commit over the whole profile: {events:,} events in {transactions:,} save "
        f"transactions, {per:.1f} events ({per / 3:.1f} facts of 3 events) per transaction."
    )


def main() -> None:
    what = sys.argv[1] if len(sys.argv) > 1 else "postgres"
    seconds = float(os.environ.get("PROFILE_SECONDS", "20"))
    if what == "empty":
        with EmptyServer() as empty:
            print(report("empty endpoint", *profile(empty, UNREAD_TOKEN, seconds)))
        return
    with fresh_database(what) as url:
        token = tokens(url)["clerk"]
        counter = open_ledger(url)
        before = stored_events(counter)
        counter.close()
        with Server(url) as server:
            print(report(f"jobaid serve on {what}", *profile(server, token, seconds)))
        if what == "postgres":
            print(f"\n{groups(url, before)}")


if __name__ == "__main__":
    main()
