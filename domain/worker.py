"""The worker (贫困劳动力) and every fact recorded about them: survey, placements,
unemployment, training, contributions and loans."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from eventsourcing.domain import Aggregate

from domain.errors import Conflict, InvalidInput, NotFound, PolicyRefusal
from domain.recorded import Fact, FactCreated, add_token_id
from domain.values import mask_id_number


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


class Worker(Aggregate):
    """A member of a registered poor household (建档立卡农村贫困人口), R1."""

    TOPIC = "jobaid:Worker"

    class Created(Aggregate.Created):
        TOPIC = "jobaid:Worker.Created"

    class Registered(FactCreated):
        TOPIC = "jobaid:WorkerRegistered"
        worker_id: str
        name: str
        id_number_hash: str
        id_number_masked: str
        birth_date: date
        home_division: str
        registered_on: date

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 masked 430102********1234: the hidden eight were the birth date
            stored beside it. Read it as version 2's mask, which hides the last four."""
            add_token_id(state)
            masked, birth = state["id_number_masked"], state["birth_date"]
            state["id_number_masked"] = mask_id_number(masked[:6] + f"{birth:%Y%m%d}" + "0000")

        def apply(self, aggregate: Any) -> None:
            aggregate.start(self)

    class Surveyed(Fact):
        TOPIC = "jobaid:WorkerSurveyed"
        surveyed_on: date
        surveyor: str
        status: str
        willing_to_work: bool
        service_needs: list[str]
        work_division: str | None
        employer_name: str | None
        employer_contact: str | None

        def apply(self, aggregate: Any) -> None:
            aggregate.surveys.append(
                Survey(
                    self.surveyed_on,
                    self.surveyor,
                    self.status,
                    self.willing_to_work,
                    tuple(self.service_needs),
                    self.work_division,
                    self.employer_name,
                    self.employer_contact,
                )
            )

    class Placed(Fact):
        TOPIC = "jobaid:WorkerPlaced"
        placement_id: str
        employer_id: str
        agency_id: str | None
        started_on: date
        work_division: str
        contract_months: int

        def apply(self, aggregate: Any) -> None:
            aggregate.placements[self.placement_id] = Placement(
                self.placement_id,
                self.employer_id,
                self.agency_id,
                self.started_on,
                self.work_division,
                self.contract_months,
            )

    class PlacementEnded(Fact):
        TOPIC = "jobaid:PlacementEnded"
        placement_id: str
        ended_on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            placement = aggregate.placements[self.placement_id]
            aggregate.placements[self.placement_id] = replace(
                placement, ended_on=self.ended_on, end_reason=self.reason
            )

    class UnemploymentRegistered(Fact):
        TOPIC = "jobaid:UnemploymentRegistered"
        registered_on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.unemployment_registered.append(self.registered_on)

    class BenefitStarted(Fact):
        TOPIC = "jobaid:UnemploymentBenefitStarted"
        on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.benefit_periods.append((self.on, None))

    class BenefitEnded(Fact):
        TOPIC = "jobaid:UnemploymentBenefitEnded"
        on: date

        def apply(self, aggregate: Any) -> None:
            started, _ = aggregate.benefit_periods[-1]
            aggregate.benefit_periods[-1] = (started, self.on)

    class Enrolled(Fact):
        TOPIC = "jobaid:TrainingEnrolled"
        enrollment_id: str
        kind: str
        category: str
        division: str
        institution_id: str | None
        started_on: date
        two_after_student: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.enrollments[self.enrollment_id] = Enrollment(
                self.enrollment_id,
                self.kind,
                self.category,
                self.division,
                self.institution_id,
                self.started_on,
                self.two_after_student,
            )

    class DayAttended(Fact):
        TOPIC = "jobaid:TrainingDayAttended"
        enrollment_id: str
        day: date

        def apply(self, aggregate: Any) -> None:
            enrollment = aggregate.enrollments[self.enrollment_id]
            days = tuple(sorted((*enrollment.days, self.day)))
            aggregate.enrollments[self.enrollment_id] = replace(enrollment, days=days)
            aggregate.attended_days[self.day] = self.enrollment_id

    class TrainingCompleted(Fact):
        TOPIC = "jobaid:TrainingCompleted"
        enrollment_id: str
        completed_on: date

        def apply(self, aggregate: Any) -> None:
            enrollment = aggregate.enrollments[self.enrollment_id]
            aggregate.enrollments[self.enrollment_id] = replace(
                enrollment, completed_on=self.completed_on
            )

    class Contributed(Fact):
        TOPIC = "jobaid:SocialInsuranceContributed"
        employer_id: str
        month: str
        pension: Decimal
        medical: Decimal
        unemployment: Decimal

        def apply(self, aggregate: Any) -> None:
            aggregate.contributions[(self.employer_id, self.month)] = Contribution(
                self.employer_id, self.month, self.pension, self.medical, self.unemployment
            )

    class LoanGranted(Fact):
        TOPIC = "jobaid:GuaranteeLoanGranted"
        loan_id: str
        lender_id: str
        amount: Decimal
        granted_on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.loans[self.loan_id] = Loan(
                self.loan_id, self.lender_id, self.amount, self.granted_on
            )

    def start(self, registered: Worker.Registered) -> None:
        self.worker_id = registered.worker_id
        self.name = registered.name
        self.id_number_hash = registered.id_number_hash
        self.id_number_masked = registered.id_number_masked
        self.birth_date = registered.birth_date
        self.home_division = registered.home_division
        self.registered_on = registered.registered_on
        self.surveys: list[Survey] = []
        self.placements: dict[str, Placement] = {}
        self.enrollments: dict[str, Enrollment] = {}
        self.attended_days: dict[date, str] = {}
        self.unemployment_registered: list[date] = []
        self.benefit_periods: list[tuple[date, date | None]] = []
        self.contributions: dict[tuple[str, str], Contribution] = {}
        self.loans: dict[str, Loan] = {}

    # Commands: each checks the worker's own invariants, then records the fact.

    def end_placement(self, placement_id: str, ended_on: date, reason: str, **meta: str) -> None:
        placement = self.placement(placement_id)
        if placement.ended_on is not None:
            raise Conflict(f"placement {placement_id} already ended on {placement.ended_on}")
        if ended_on < placement.started_on:
            raise InvalidInput(
                "ended_on", f"is before the placement started ({placement.started_on})"
            )
        self.trigger_event(
            self.PlacementEnded, placement_id=placement_id, ended_on=ended_on, reason=reason, **meta
        )

    def start_benefit(self, on: date, **meta: str) -> None:
        if self.benefit_periods and self.benefit_periods[-1][1] is None:
            started = self.benefit_periods[-1][0]
            raise Conflict(f"worker already draws unemployment benefits since {started}")
        if self.benefit_periods and on <= self.benefit_periods[-1][1]:  # type: ignore[operator]
            raise InvalidInput("on", "overlaps the previous benefit period")
        self.trigger_event(self.BenefitStarted, on=on, **meta)

    def end_benefit(self, on: date, **meta: str) -> None:
        if not self.benefit_periods or self.benefit_periods[-1][1] is not None:
            raise Conflict("worker is not drawing unemployment benefits")
        if on < self.benefit_periods[-1][0]:
            raise InvalidInput("on", f"is before benefits started ({self.benefit_periods[-1][0]})")
        self.trigger_event(self.BenefitEnded, on=on, **meta)

    def attend(self, enrollment_id: str, day: date, **meta: str) -> None:
        enrollment = self.enrollment(enrollment_id)
        if day < enrollment.started_on:
            raise InvalidInput("day", f"is before the course started ({enrollment.started_on})")
        if enrollment.completed_on is not None and day > enrollment.completed_on:
            raise Conflict(f"enrollment {enrollment_id} was completed on {enrollment.completed_on}")
        if day in self.attended_days:
            # R5: a worker attends at most one course on one calendar day.
            raise PolicyRefusal(
                "R5",
                f"worker {self.worker_id} already attended {self.attended_days[day]} on {day}",
            )
        self.trigger_event(self.DayAttended, enrollment_id=enrollment_id, day=day, **meta)

    def complete(self, enrollment_id: str, completed_on: date, **meta: str) -> None:
        enrollment = self.enrollment(enrollment_id)
        if enrollment.completed_on is not None:
            raise Conflict(
                f"enrollment {enrollment_id} already completed on {enrollment.completed_on}"
            )
        last_day = enrollment.days[-1] if enrollment.days else enrollment.started_on
        if completed_on < last_day:
            raise InvalidInput(
                "completed_on", f"is before the course's last recorded day ({last_day})"
            )
        self.trigger_event(
            self.TrainingCompleted, enrollment_id=enrollment_id, completed_on=completed_on, **meta
        )

    def contribute(self, employer_id: str, month: str, **fields: Any) -> None:
        if (employer_id, month) in self.contributions:
            raise Conflict(f"contributions by {employer_id} for {month} are already recorded")
        self.trigger_event(self.Contributed, employer_id=employer_id, month=month, **fields)

    # Queries the policy reads.

    def placement(self, placement_id: str) -> Placement:
        try:
            return self.placements[placement_id]
        except KeyError:
            raise NotFound(f"unknown placement {placement_id}") from None

    def enrollment(self, enrollment_id: str) -> Enrollment:
        try:
            return self.enrollments[enrollment_id]
        except KeyError:
            raise NotFound(f"unknown enrollment {enrollment_id}") from None

    def draws_benefits_on(self, day: date) -> bool:
        """Whether `day` lies in a benefit period (first day drawing to last day, inclusive)."""
        return any(
            started <= day and (ended is None or day <= ended)
            for started, ended in self.benefit_periods
        )

    def survey_on(self, day: date) -> Survey | None:
        """The survey in force on `day`: the latest dated on or before it; of two dated the
        same day, the one recorded later (R3; 二(一)1: 对信息不准确的重新摸查和录入)."""
        earlier = [s for s in self.surveys if s.surveyed_on <= day]
        # `surveys` is in recorded order and sorted() is stable: the last is the latest.
        return sorted(earlier, key=lambda s: s.surveyed_on)[-1] if earlier else None
