"""What is known about a worker, as values the aggregate keeps and the policy reads: the
survey in force, placements, courses, contributions and loans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Survey:
    """摸查: what the surveyor found on a date (R3); a later survey supersedes, none is deleted."""

    surveyed_on: date
    surveyor: str
    status: str
    willing_to_work: bool
    service_needs: tuple[str, ...]
    work_division: str | None
    employer_name: str | None
    employer_contact: str | None


@dataclass(frozen=True)
class Placement:
    """就业/转移就业 (R4): work with an employer from `started_on`, maybe through an agency."""

    placement_id: str
    employer_id: str
    agency_id: str | None
    started_on: date
    work_division: str
    contract_months: int
    ended_on: date | None = None
    end_reason: str | None = None


@dataclass(frozen=True)
class Enrollment:
    """培训 (R5): a course of a kind, in an occupation category, attended day by day."""

    enrollment_id: str
    kind: str
    category: str
    division: str
    institution_id: str | None
    started_on: date
    two_after_student: bool
    days: tuple[date, ...] = ()
    completed_on: date | None = None


@dataclass(frozen=True)
class Contribution:
    """The employer's share of social insurance paid for one month (R14)."""

    employer_id: str
    month: str
    pension: Decimal
    medical: Decimal
    unemployment: Decimal

    @property
    def employer_share(self) -> Decimal:
        return self.pension + self.medical + self.unemployment


@dataclass(frozen=True)
class Loan:
    """创业担保贷款 (R17)."""

    loan_id: str
    lender_id: str
    amount: Decimal
    granted_on: date
