"""The small hierarchy of errors the ledger raises; the API maps them to HTTP in one place."""

from __future__ import annotations


class LedgerError(Exception):
    """Base of every error the ledger raises on purpose."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(LedgerError):
    """Malformed, invalid or unknown input: names the field and why (HTTP 422)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class BadRows(InvalidInput):
    """An uploaded file with rows that cannot be read (HTTP 422): each bad row's number,
    its column's header as the file writes it, and why, in `errors`."""

    def __init__(self, errors: list[dict[str, object]], count: int | None = None) -> None:
        first = errors[0]
        where = f"row {first['row']}, {first['column']}: {first['reason']}"
        count = len(errors) if count is None else count
        super().__init__("file", f"{count} row(s) cannot be read; the first: {where}")
        self.errors = errors


class Forbidden(LedgerError):
    """The caller's role or scope does not allow it (HTTP 403); names nothing outside the
    caller's scope."""


class NotFound(LedgerError):
    """An id that names nothing recorded (HTTP 404 in a path, 422 in a body)."""


class Conflict(LedgerError):
    """The request conflicts with recorded state: a business id already used, an
    idempotency key reused with other content, a payment already reversed (HTTP 409)."""


class PolicyRefusal(Conflict):
    """The policy forbids it; names the rule (R1…R24) that refused (HTTP 409 with `rule`)."""

    def __init__(self, rule: str, detail: str) -> None:
        super().__init__(f"{rule}: {detail}")
        self.rule = rule
        self.reason = detail


class ApprovalRequired(Conflict):
    """A direct payment above an approval policy's threshold (HTTP 409 naming the policy):
    it must be requested and approved (maker-checker) instead."""

    def __init__(self, detail: str, policy: object) -> None:
        super().__init__(detail)
        self.policy = policy
