"""Three PostgreSQL 15 nodes managed by Patroni on this machine — the production layout
(README, "Production layout: a Patroni cluster") shrunk onto one host: each node has its
own ports and data directory instead of its own machine.

    python -m ha.cluster up        # start (or keep) the three nodes; wait for a leader and a sync standby
    python -m ha.cluster status    # patronictl list
    python -m ha.cluster url       # the multi-host URL the service takes
    python -m ha.cluster down      # stop every node and remove the directory

Debian's `patroni` (3.0.2) with its built-in Raft DCS (`python3-pysyncobj`): no etcd to run.
Patroni is a program of the system Python; this module only starts it (as the `postgres`
user when run as root), writes its configuration and reads its REST API, with the
standard library alone, so the project's venv never imports it.

Where: `$JOBAID_HA_DIR` (default /tmp/jobaid-ha); ports 15431–15433 (PostgreSQL),
18008–18010 (Patroni REST), 12221–12223 (Raft), each shifted by `$JOBAID_HA_PORT_OFFSET`
(the tests use a cluster of their own beside `make ha`'s). Every port is below Linux's
ephemeral range (32768–60999): a port in it can be held for a moment by any outgoing
connection on the machine, and a Raft or REST port taken that way kept a node out of the
cluster in a CI run.

The settings that matter for money (and why) are in `dcs_settings` below."""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PATRONI = "/usr/bin/patroni"
PATRONICTL = "/usr/bin/patronictl"
PG_BIN = "/usr/lib/postgresql/15/bin"
SCOPE = "jobaid"
DATABASE = "jobaid"

# Patroni's clock. Raft's leader key lives `TTL` seconds from its last renewal; the leader
# renews it every `LOOP_WAIT`; a node that cannot reach the DCS for `RETRY_TIMEOUT` demotes
# itself. Patroni asks loop_wait + 2 × retry_timeout ≤ ttl. Shorter than the defaults
# (30/10/10) so a failover here takes seconds, not a minute; the README gives both.
TTL = 15
LOOP_WAIT = 3
RETRY_TIMEOUT = 6


def failover_promise_seconds(ttl: int = TTL, loop_wait: int = LOOP_WAIT) -> int:
    """What the settings promise when the leader's host dies: its key expires at most `ttl`
    after its last renewal; within one `loop_wait` a sync standby sees it gone and takes
    the key; within one more loop the remaining replica follows it and is made the new
    sync standby (strict synchronous mode: no write is acknowledged before that)."""
    return ttl + 2 * loop_wait


def dcs_settings(strict: bool = True, synchronous: bool = True) -> dict[str, Any]:
    """The cluster-wide settings (kept in the DCS, the same for every node).

    `synchronous_mode`: a commit returns only once the sync standby has it on disk, and
    Patroni promotes only that standby, so an acknowledged write survives the leader's loss.

    `synchronous_mode_strict`: ON. Without it, when the sync standby dies the leader drops
    to asynchronous replication and keeps acknowledging payments that exist on one disk
    only — one more failure and acknowledged public money is gone without a trace. With it,
    a leader with no standby left stops acknowledging writes (clients get retryable 503s)
    until a second copy is possible again. With three nodes that takes two failures at
    once; an auditor of public money prefers a pause to an acknowledged payment that can
    vanish."""
    return {
        "ttl": TTL,
        "loop_wait": LOOP_WAIT,
        "retry_timeout": RETRY_TIMEOUT,
        "maximum_lag_on_failover": 1048576,
        "synchronous_mode": synchronous,
        "synchronous_mode_strict": strict and synchronous,
        "postgresql": {
            "use_pg_rewind": True,
            "use_slots": True,
            "parameters": {
                "wal_level": "replica",
                "hot_standby": "on",
                "wal_log_hints": "on",
                "max_connections": 200,
                "max_wal_senders": 10,
                "max_replication_slots": 10,
                "wal_keep_size": "128MB",
                "shared_buffers": "64MB",
                "synchronous_commit": "on",
            },
        },
    }


@dataclass(frozen=True)
class Node:
    index: int  # 1, 2, 3
    base: Path
    offset: int
    host: str = "127.0.0.1"
    netns: str | None = None  # a network namespace of its own (a host of its own)

    @property
    def name(self) -> str:
        return f"node{self.index}"

    @property
    def pg_port(self) -> int:
        return 15430 + self.index + self.offset

    @property
    def rest_port(self) -> int:
        return 18007 + self.index + self.offset

    @property
    def raft_port(self) -> int:
        return 12220 + self.index + self.offset

    @property
    def home(self) -> Path:
        return self.base / self.name

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def config_path(self) -> Path:
        return self.home / "patroni.yml"

    @property
    def log_path(self) -> Path:
        return self.home / "patroni.log"

    @property
    def pid_path(self) -> Path:
        return self.home / "patroni.pid"

    @property
    def rest(self) -> str:
        return f"http://{self.host}:{self.rest_port}"

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql://postgres@{self.host}:{self.pg_port}/{database}"

    def patroni_pid(self) -> int | None:
        return _live_pid(self.pid_path)

    def postmaster_pid(self) -> int | None:
        return _live_pid(self.data / "postmaster.pid")

    def running(self) -> bool:
        return self.patroni_pid() is not None


def _live_pid(path: Path) -> int | None:
    try:
        pid = int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    # A zombie (killed, not yet reaped by its parent) is not running.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return None
    return None if state == "Z" else pid


class ClusterError(RuntimeError):
    pass


class Cluster:
    """The three nodes under `base`; every method may be called again (idempotent)."""

    def __init__(
        self,
        base: Path | str | None = None,
        offset: int | None = None,
        strict: bool = True,
        netns: bool = False,
    ) -> None:
        self.base = Path(base or os.environ.get("JOBAID_HA_DIR") or "/tmp/jobaid-ha")
        self.offset = (
            int(os.environ.get("JOBAID_HA_PORT_OFFSET", "0")) if offset is None else offset
        )
        self.strict = strict
        self.netns = netns
        if netns:
            # Each node in a network namespace of its own, on a bridge this host reaches
            # (10.77.<offset>.254): three hosts whose links can be cut one by one.
            self.subnet = f"10.77.{self.offset % 250}"
            self.network = f"{self.subnet}.0/24"
            self.bridge = f"jobaidbr{self.offset}"
            self.nodes = [
                Node(i, self.base, self.offset, f"{self.subnet}.{i}", f"jobaid{self.offset}n{i}")
                for i in (1, 2, 3)
            ]
        else:
            self.network = "127.0.0.1/32"
            self.nodes = [Node(i, self.base, self.offset) for i in (1, 2, 3)]

    # Addresses.

    def url(self, database: str = DATABASE) -> str:
        """The multi-host URL: libpq tries each host in turn and keeps the one that
        accepts writes (`target_session_attrs=read-write`), i.e. the current leader."""
        hosts = ",".join(f"{n.host}:{n.pg_port}" for n in self.nodes)
        return f"postgresql://postgres@{hosts}/{database}?target_session_attrs=read-write"

    def node(self, name: str) -> Node:
        return next(n for n in self.nodes if n.name == name)

    # Bringing it up.

    def config(self, node: Node) -> dict[str, Any]:
        others = [f"{n.host}:{n.raft_port}" for n in self.nodes if n != node]
        return {
            "scope": SCOPE,
            "name": node.name,
            "log": {"level": "INFO"},
            "restapi": {
                "listen": f"{node.host}:{node.rest_port}",
                "connect_address": f"{node.host}:{node.rest_port}",
            },
            "raft": {
                "data_dir": str(node.home / "raft"),
                "self_addr": f"{node.host}:{node.raft_port}",
                "partner_addrs": others,
            },
            "bootstrap": {
                "dcs": dcs_settings(self.strict),
                "initdb": [{"encoding": "UTF8"}, {"locale": "C.UTF-8"}, "data-checksums"],
            },
            "postgresql": {
                "listen": f"{node.host}:{node.pg_port}",
                "connect_address": f"{node.host}:{node.pg_port}",
                "data_dir": str(node.data),
                "bin_dir": PG_BIN,
                "pgpass": str(node.home / "pgpass"),
                "remove_data_directory_on_rewind_failure": True,
                "remove_data_directory_on_diverged_timelines": True,
                # Loopback only, trusted: this is the test layout. Production uses
                # scram-sha-256 and TLS between hosts (README).
                "pg_hba": [
                    "local all all trust",
                    f"host all all {self.network} trust",
                    f"host replication all {self.network} trust",
                ],
                "authentication": {
                    "superuser": {"username": "postgres"},
                    "replication": {"username": "postgres"},
                    "rewind": {"username": "postgres"},
                },
                "parameters": {"unix_socket_directories": str(node.home)},
            },
            "watchdog": {"mode": "off"},
            "tags": {"nofailover": False, "noloadbalance": False, "clonefrom": False},
        }

    def write_config(self, node: Node) -> None:
        node.home.mkdir(parents=True, exist_ok=True)
        # JSON is YAML: no YAML library needed.
        node.config_path.write_text(json.dumps(self.config(node), indent=2) + "\n")
        _give_to_postgres(node.home)
        node.home.chmod(0o700)

    def start_node(self, node: Node) -> None:
        """Start the node's Patroni (which starts its PostgreSQL), unless it runs."""
        if node.running():
            return
        self.write_config(node)
        # A postmaster left behind by a killed Patroni: stop it first, as a host that
        # rebooted would have lost it.
        postmaster = node.postmaster_pid()
        if postmaster is not None:
            _kill(postmaster, signal.SIGKILL)
            _wait_gone(postmaster, 10)
        command, user = [PATRONI, str(node.config_path)], _as_postgres()
        if node.netns:
            # `ip netns exec` and `setpriv` each exec the next: the pid is Patroni's.
            command = ["ip", "netns", "exec", node.netns, "setpriv", "--reuid=postgres",
                       "--regid=postgres", "--clear-groups", *command]  # fmt: skip
            user = {"env": user.get("env", dict(os.environ))}
        with node.log_path.open("ab") as log:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # survives the command that started it
                cwd=str(node.home),
                **user,
            )
        node.pid_path.write_text(f"{process.pid}\n")

    def up(self, timeout: float = 180) -> None:
        for tool in (PATRONI, PATRONICTL, f"{PG_BIN}/postgres"):
            if not os.access(tool, os.X_OK):
                raise ClusterError(
                    f"{tool} is missing: apt-get install patroni python3-pysyncobj postgresql-15"
                )
        self.base.mkdir(parents=True, exist_ok=True)
        _give_to_postgres(self.base)
        if self.netns:
            self.network_up()
        for node in self.nodes:
            self.start_node(node)
        self.wait_healthy(timeout, supervise=True)
        self.ensure_database(DATABASE)

    # Taking it down.

    def stop_node(self, node: Node, timeout: float = 30) -> None:
        """A clean stop: Patroni stops its PostgreSQL (fast shutdown) and exits."""
        pid = node.patroni_pid()
        if pid is not None:
            _kill(pid, signal.SIGTERM)
            if not _wait_gone(pid, timeout):
                _kill(pid, signal.SIGKILL)
                _wait_gone(pid, 5)
        postmaster = node.postmaster_pid()
        if postmaster is not None:
            _kill(postmaster, signal.SIGKILL)
            _wait_gone(postmaster, 10)

    def kill_node(self, node: Node) -> tuple[int | None, int | None]:
        """The host dies: kill -9 its Patroni and its postmaster together. The postmaster's
        children end on their own when it is gone (they watch its pipe)."""
        patroni, postmaster = node.patroni_pid(), node.postmaster_pid()
        for pid in (patroni, postmaster):
            if pid is not None:
                _kill(pid, signal.SIGKILL)
        for pid in (patroni, postmaster):
            if pid is not None:
                _wait_gone(pid, 10)
        return patroni, postmaster

    def kill_postmaster(self, node: Node) -> int | None:
        """PostgreSQL alone crashes; its Patroni stays and restarts it."""
        postmaster = node.postmaster_pid()
        if postmaster is not None:
            _kill(postmaster, signal.SIGKILL)
            _wait_gone(postmaster, 10)
        return postmaster

    def down(self, keep_data: bool = False) -> None:
        # Replicas first, the leader last, so no one fails over to a node about to stop.
        leader = self.leader_name()
        for node in sorted(self.nodes, key=lambda n: n.name == leader):
            self.stop_node(node)
        self.single_down()
        if self.netns:
            self.network_down()
        if not keep_data:
            shutil.rmtree(self.base, ignore_errors=True)

    # One PostgreSQL without replication, with the nodes' settings: the baseline of
    # what replication costs (bench/failover.py).

    @property
    def single_home(self) -> Path:
        return self.base / "single"

    def single_up(self) -> str:
        """Start (or keep) the lone server; its URL (database `postgres`)."""
        home, port = self.single_home, 15434 + self.offset
        data = home / "data"
        home.mkdir(parents=True, exist_ok=True)
        _give_to_postgres(home)
        as_postgres = _as_postgres()
        if not (data / "PG_VERSION").exists():
            subprocess.run(
                [f"{PG_BIN}/initdb", "-D", str(data), "-E", "UTF8", "--locale", "C.UTF-8",
                 "--data-checksums", "--auth", "trust"],
                check=True, capture_output=True, **as_postgres,
            )  # fmt: skip
        if _live_pid(data / "postmaster.pid") is None:
            parameters = {
                **dcs_settings()["postgresql"]["parameters"],
                "listen_addresses": "127.0.0.1",
                "port": port,
                "unix_socket_directories": str(home),
            }
            options = " ".join(f"-c {k}={v}" for k, v in parameters.items())
            subprocess.run(
                [f"{PG_BIN}/pg_ctl", "-D", str(data), "-l", str(home / "postgres.log"),
                 "-o", options, "-w", "start"],
                check=True, capture_output=True, **as_postgres,
            )  # fmt: skip
        return f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def single_down(self) -> None:
        data = self.single_home / "data"
        if _live_pid(data / "postmaster.pid") is not None:
            subprocess.run(
                [f"{PG_BIN}/pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop"],
                capture_output=True,
                **_as_postgres(),
            )

    # Network namespaces (netns=True): three hosts, and a partition between them.

    def network_up(self) -> None:
        if os.geteuid() != 0:
            raise ClusterError("network namespaces need root")
        if not _ip_ok("link", "show", self.bridge):
            _ip("link", "add", self.bridge, "type", "bridge")
            _ip("addr", "add", f"{self.subnet}.254/24", "dev", self.bridge)
            _ip("link", "set", self.bridge, "up")
        for node in self.nodes:
            assert node.netns is not None
            if node.netns in _ip_out("netns", "list").split():
                continue
            veth = f"jobaidv{self.offset}n{node.index}"
            _ip_ok("link", "del", veth)  # left by a namespace whose cleanup still runs
            _ip("netns", "add", node.netns)
            _ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", node.netns)
            _ip("link", "set", veth, "master", self.bridge, "up")
            _ip("-n", node.netns, "addr", "add", f"{node.host}/24", "dev", "eth0")
            _ip("-n", node.netns, "link", "set", "eth0", "up")
            _ip("-n", node.netns, "link", "set", "lo", "up")

    def network_down(self) -> None:
        for node in self.nodes:
            if node.netns:
                _ip_ok("netns", "del", node.netns)  # its end of the veth pair goes with it
        _ip_ok("link", "del", self.bridge)

    def partition(self, node: Node) -> None:
        """Cut `node` off from the other nodes (both ways); this host still reaches all."""
        for other in self.nodes:
            if other != node:
                _ip_ok("-n", str(node.netns), "route", "add", "blackhole", f"{other.host}/32")
                _ip_ok("-n", str(other.netns), "route", "add", "blackhole", f"{node.host}/32")

    def heal(self) -> None:
        for node in self.nodes:
            for other in self.nodes:
                if other != node:
                    _ip_ok("-n", str(node.netns), "route", "del", "blackhole", f"{other.host}/32")

    # Reading its state.

    def members(self) -> list[dict[str, Any]]:
        """GET /cluster as most nodes see it ([] when none answers). A node cut off from
        the others still answers with what it last knew; the majority knows better."""
        views = []
        for node in self.nodes:
            answer = _get_json(f"{node.rest}/cluster")
            if isinstance(answer, dict):
                views.append(list(answer.get("members", [])))
        if not views:
            return []

        def leader(view: list[dict[str, Any]]) -> str | None:
            return next((str(m["name"]) for m in view if m.get("role") == "leader"), None)

        votes = [leader(view) for view in views]
        return max(views, key=lambda view: votes.count(leader(view)))

    def leader_name(self) -> str | None:
        for member in self.members():
            if member.get("role") == "leader" and member.get("state") == "running":
                return str(member["name"])
        return None

    def leader(self) -> Node | None:
        name = self.leader_name()
        return self.node(name) if name else None

    def sync_standby_name(self) -> str | None:
        for member in self.members():
            if member.get("role") == "sync_standby" and member.get("state") in (
                "running",
                "streaming",
            ):
                return str(member["name"])
        return None

    def healthy(self) -> bool:
        """A leader, a sync standby, and every node running and replicating."""
        members = self.members()
        roles = sorted(str(m.get("role")) for m in members)
        states_ok = all(m.get("state") in ("running", "streaming") for m in members)
        return (
            len(members) == 3
            and states_ok
            and roles.count("leader") == 1
            and roles.count("sync_standby") >= 1
            and all(_sql_ok(n) for n in self.nodes)
        )

    def wait_healthy(self, timeout: float = 180, supervise: bool = False) -> None:
        """Until the cluster is healthy. With `supervise`, a Patroni that exited (say, its
        port was briefly taken) is started again, as systemd's `Restart=` does on a host."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.healthy():
                return
            if supervise:
                for node in self.nodes:
                    if not node.running():
                        self.start_node(node)
            time.sleep(0.5)
        raise ClusterError(f"no healthy cluster after {timeout:.0f} s: {self.describe()}")

    def wait_leader(self, timeout: float = 120, other_than: str | None = None) -> Node:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            leader = self.leader()
            if leader is not None and leader.name != other_than and _sql_ok(leader):
                return leader
            time.sleep(0.2)
        raise ClusterError(f"no leader after {timeout:.0f} s: {self.describe()}")

    def describe(self) -> str:
        members = self.members()
        if not members:
            tails = {n.name: _tail(n.log_path) for n in self.nodes}
            return f"no node answers its REST API; logs: {tails}"
        named = {str(m.get("name")) for m in members}
        absent = {n.name: _tail(n.log_path) for n in self.nodes if n.name not in named}
        return "; ".join(
            f"{m.get('name')} {m.get('role')} {m.get('state')} tl={m.get('timeline')} "
            f"lag={m.get('lag')}"
            for m in members
        ) + (f"; absent, with their logs: {absent}" if absent else "")

    # Acting on it.

    def patronictl(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PATRONICTL, "-c", str(self.nodes[0].config_path), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            **_as_postgres(),
        )

    def switchover(self, candidate: str | None = None) -> str:
        """A planned switchover (`patronictl switchover --force`); the new leader's name."""
        leader = self.leader_name()
        if leader is None:
            raise ClusterError(f"no leader to switch over from: {self.describe()}")
        args = ["switchover", SCOPE, "--leader", leader, "--force"]
        if candidate:
            args += ["--candidate", candidate]
        done = self.patronictl(*args)
        if done.returncode != 0:
            raise ClusterError(f"switchover failed: {done.stdout} {done.stderr}")
        return self.wait_leader(other_than=leader).name

    def edit_config(self, settings: dict[str, Any]) -> None:
        """Change cluster-wide settings (PATCH /config on the leader's REST API)."""
        leader = self.wait_leader()
        request = urllib.request.Request(
            f"{leader.rest}/config",
            data=json.dumps(settings).encode(),
            method="PATCH",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()

    def psql(self, node: Node, sql: str, database: str = "postgres") -> str:
        done = subprocess.run(
            [f"{PG_BIN}/psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql, node.url(database)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0:
            raise ClusterError(f"psql on {node.name}: {done.stderr.strip()}")
        return done.stdout.strip()

    def ensure_database(self, name: str) -> None:
        leader = self.wait_leader()
        exists = self.psql(leader, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
        if exists != "1":
            self.psql(leader, f'CREATE DATABASE "{name}"')

    def drop_database(self, name: str) -> None:
        leader = self.wait_leader()
        self.psql(leader, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Processes.


def _as_postgres() -> dict[str, Any]:
    """Patroni and PostgreSQL refuse to run as root: when we are root, run as `postgres`."""
    if os.geteuid() != 0:
        return {}
    entry = pwd.getpwnam("postgres")
    return {
        "user": entry.pw_uid,
        "group": entry.pw_gid,
        "extra_groups": [],
        "env": {**os.environ, "HOME": entry.pw_dir, "USER": "postgres", "LOGNAME": "postgres"},
    }


def _give_to_postgres(path: Path) -> None:
    if os.geteuid() != 0:
        return
    entry = pwd.getpwnam("postgres")
    os.chown(path, entry.pw_uid, entry.pw_gid)
    for child in path.iterdir() if path.is_dir() else ():
        if child.is_file():
            os.chown(child, entry.pw_uid, entry.pw_gid)


def _ip(*args: str) -> None:
    done = subprocess.run(["ip", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise ClusterError(f"ip {' '.join(args)}: {done.stderr.strip()}")


def _ip_ok(*args: str) -> bool:
    return subprocess.run(["ip", *args], capture_output=True).returncode == 0


def _ip_out(*args: str) -> str:
    return subprocess.run(["ip", *args], capture_output=True, text=True).stdout


def _kill(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reap it if it is our child
        if _live_pid_of(pid) is None:
            return True
        time.sleep(0.05)
    return False


def _live_pid_of(pid: int) -> int | None:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return None
    return None if state == "Z" else pid


def _get_json(url: str, timeout: float = 2) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as error:  # Patroni answers 503 with a JSON body too
        try:
            return json.loads(error.read())
        except ValueError:
            return None
    except (OSError, ValueError):
        return None


def _sql_ok(node: Node) -> bool:
    done = subprocess.run(
        [f"{PG_BIN}/pg_isready", "-q", "-h", node.host, "-p", str(node.pg_port), "-t", "2"],
        capture_output=True,
    )
    return done.returncode == 0


def _tail(path: Path, lines: int = 5) -> str:
    try:
        return " | ".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "status"
    cluster = Cluster()
    if command == "up":
        started = time.monotonic()
        cluster.up()
        print(f"cluster up in {time.monotonic() - started:.0f} s: {cluster.describe()}")
        print(f"JOBAID_DATABASE_URL={cluster.url()}")
    elif command == "down":
        cluster.down(keep_data="--keep" in args)
        print(f"cluster stopped; {'kept' if '--keep' in args else 'removed'} {cluster.base}")
    elif command == "url":
        print(cluster.url())
    elif command == "status":
        done = cluster.patronictl("list")
        print(done.stdout or done.stderr or cluster.describe())
    elif command == "switchover":
        print(f"new leader: {cluster.switchover()}")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
