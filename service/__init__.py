"""The service layer: the Ledger (an eventsourcing Application) takes typed commands and
returns typed results; fact handlers, the unit of work, group commit, idempotency, survey
import and treasury reconciliation."""
