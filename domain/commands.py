"""What a client asks the ledger to record: one typed command per fact type of the
contract's table (CONTRACT "Posting facts"), and the reversal of a payment. (A payment
request is `domain.policy.PaymentRequest`, which the policy reads.)

Each field names its kind (`domain/fields.py`); the service parses every edge's input
into these once. Rules that read several fields or recorded state — a birth date that
must match the ID number, R3's survey contents, R24 — are the aggregates' to check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from domain.fields import (
    Day,
    Division,
    Flag,
    HomeCounty,
    HunanDivision,
    Id,
    IdNumber,
    MaybeCreditCode,
    MaybeDivision,
    MaybeFlag,
    MaybeId,
    MaybeText,
    Money,
    Month,
    Name,
    Period,
    PositiveMoney,
    TextList,
    choice,
    text,
    whole_number,
)
from domain.organisation import KINDS
from domain.sources import SOURCES
from domain.tokens import ROLES

Source = Annotated[str, choice(SOURCES)]
Category = Annotated[str, text(100)]
Reason = Annotated[str, text(500)]


@dataclass(frozen=True)
class RegisterWorker:
    """WorkerRegistered: a member of a registered poor household (R1), one per person (R24)."""

    worker_id: Id
    name: Name
    id_number: IdNumber
    birth_date: Day
    home_division: HomeCounty
    registered_on: Day


@dataclass(frozen=True)
class RegisterOrganisation:
    """OrganisationRegistered: an employer, agency, training institution or government."""

    org_id: Id
    name: Name
    division: Division
    kind: Annotated[str, choice(KINDS)]
    credit_code: MaybeCreditCode = None  # 统一社会信用代码: how the treasury names it


@dataclass(frozen=True)
class DesignateBase:
    """BaseDesignated: an employer becomes an employment base (就业扶贫基地)."""

    org_id: Id
    designated_on: Day


@dataclass(frozen=True)
class SurveyWorker:
    """WorkerSurveyed (R3, 摸查): for the unemployed the wish to work and needs, for the
    employed where they work."""

    worker_id: Id
    surveyed_on: Day
    surveyor: Name
    status: Annotated[str, choice(("employed", "unemployed"))]
    willing_to_work: MaybeFlag = None
    service_needs: TextList = ()
    work_division: MaybeDivision = None
    employer_name: MaybeText = None
    employer_contact: MaybeText = None


@dataclass(frozen=True)
class PlaceWorker:
    """WorkerPlaced (R4): work with an employer from a date, maybe through an agency."""

    placement_id: Id
    worker_id: Id
    employer_id: Id
    started_on: Day
    work_division: Division
    contract_months: Annotated[int, whole_number(0, 600)]  # 0: no labour contract; 50 years
    agency_id: MaybeId = None


@dataclass(frozen=True)
class EndPlacement:
    """PlacementEnded: `ended_on` is the last day worked (就业转失业)."""

    placement_id: Id
    ended_on: Day
    reason: Name


@dataclass(frozen=True)
class RegisterUnemployment:
    """UnemploymentRegistered (失业登记)."""

    worker_id: Id
    registered_on: Day


@dataclass(frozen=True)
class StartBenefit:
    """UnemploymentBenefitStarted: the first day drawing 失业保险金."""

    worker_id: Id
    on: Day


@dataclass(frozen=True)
class EndBenefit:
    """UnemploymentBenefitEnded: the last day drawing."""

    worker_id: Id
    on: Day


@dataclass(frozen=True)
class EnrolInTraining:
    """TrainingEnrolled (R5): a course of a kind, in an occupation category."""

    enrollment_id: Id
    worker_id: Id
    kind: Annotated[str, choice(("pre_employment", "upgrade"))]
    category: Category
    division: HunanDivision
    started_on: Day
    two_after_student: Flag = False
    institution_id: MaybeId = None


@dataclass(frozen=True)
class AttendTrainingDay:
    """TrainingDayAttended: one day actually attended (实际到课)."""

    enrollment_id: Id
    day: Day


@dataclass(frozen=True)
class CompleteTraining:
    """TrainingCompleted."""

    enrollment_id: Id
    completed_on: Day


@dataclass(frozen=True)
class ContributeSocialInsurance:
    """SocialInsuranceContributed (R14): the employer's share paid for one month."""

    employer_id: Id
    worker_id: Id
    month: Month
    pension: Money
    medical: Money
    unemployment: Money


@dataclass(frozen=True)
class GrantGuaranteeLoan:
    """GuaranteeLoanGranted (R17, 创业担保贷款)."""

    loan_id: Id
    worker_id: Id
    lender_id: Id
    amount: PositiveMoney
    granted_on: Day


@dataclass(frozen=True)
class SetTrainingStandard:
    """TrainingStandardSet: 同类职业培训补贴标准 for a division and category."""

    division: HunanDivision
    category: Category
    amount: PositiveMoney
    effective_from: Day


@dataclass(frozen=True)
class SetTransportStandard:
    """TransportStandardSet: a sending county's one-off transport standard (R12)."""

    division: HunanDivision
    amount: PositiveMoney
    effective_from: Day


@dataclass(frozen=True)
class DesignatePoorArea:
    """PoorAreaDesignated: a designated poor area (贫困地区) for R13."""

    division: HunanDivision
    effective_from: Day


@dataclass(frozen=True)
class SetWorkingAge:
    """WorkingAgeSet: R1's working-age bounds, in completed years."""

    min_age: Annotated[int, whole_number(0, 120)]
    max_age: Annotated[int, whole_number(0, 120)]
    effective_from: Day


@dataclass(frozen=True)
class ClosePeriod:
    """PeriodClosed (R23): a month or fiscal year of an account, closed by finance."""

    source: Source
    division: HunanDivision
    period: Period
    closed_on: Day


@dataclass(frozen=True)
class AppropriateFunds:
    """FundsAppropriated: money enters an account (拨款/下达资金) under a document (文号)."""

    appropriation_id: Id
    source: Source
    division: HunanDivision
    amount: PositiveMoney
    appropriated_on: Day
    document_ref: Name
    adjustment_reason: MaybeText = None


@dataclass(frozen=True)
class ReversePayment:
    """A wrong payment is reversed, never edited: its money returns to its account."""

    reversal_id: Id
    reason: Reason
    reversed_on: Day
    adjustment_reason: MaybeText = None


@dataclass(frozen=True)
class IssueToken:
    """A bearer token for a role and a division scope (admins issue them within their own)."""

    role: Annotated[str, choice(ROLES)]
    division: HunanDivision
    subject: MaybeText = None  # who holds it (clerk.zhang); a label, not proof


@dataclass(frozen=True)
class SetApprovalPolicy:
    """ApprovalPolicySet: above `threshold`, a payment of the division's accounts needs
    `approvers` different approvers and cannot be paid directly; a request not decided
    within `deadline_days` may be withdrawn by its maker (issue 14: 30 days by default)."""

    division: HunanDivision
    threshold: Money
    approvers: Annotated[int, whole_number(1, 2)]
    effective_from: Day
    deadline_days: Annotated[int, whole_number(1, 366)] = 30  # issue 14's default
