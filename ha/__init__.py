"""A three-node Patroni cluster on one machine, for `make ha`, `make test-ha` and
bench/failover.py (ha/cluster.py; the standard library only: Patroni itself is Debian's
system package, run as its own program, never imported)."""
