"""The ledger's domain: events, aggregates, policy and values.

Standard library and `eventsourcing.domain` only.
"""
