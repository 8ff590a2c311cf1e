"""Demo data: a case whose first shared review is complete (words, re-scaling, a plan).

The demo's reviews are recorded without films (the demo film belongs to another case), so the
reviewed moments carry only their principles, as they do after a case's media is deleted."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from attune.accounts.models import User
from attune.audit.actions import AuditAction
from attune.audit.services import audit_record
from attune.cases import services as cases
from attune.cases.models import AdultKind, Case, CaseState, Cycle, Setting
from attune.consent.models import Scope, SignatureMethod
from attune.consent.services import consent_record
from attune.reviews.models import Reflection, Rescaling, Review, ReviewedMoment

BASE = ["Being attentive", "Encouraging initiatives", "Receiving initiatives"]


def demo_case(guider: User, *, child: str, adult: str, relationship: str, question: str) -> Case:
    case = cases.case_create(
        actor=guider, child_name=child, child_age_years=6, setting=Setting.HOME
    )
    person = cases.adult_add(
        actor=guider,
        case=case,
        name=adult,
        kind=AdultKind.PARENT_CARER,
        relationship=relationship,
        has_parental_responsibility=True,
    )
    cases.initial_meeting_record(
        actor=guider,
        case=case,
        met_on=timezone.localdate() - timedelta(days=70),
        agreed="Film at home at tea time; three cycles, three weeks apart.",
    )
    cases.helping_question_add(
        actor=guider, case=case, adult=person, text=question, baseline=3, hoped_for=8
    )
    cases.case_transition(actor=guider, case=case, to_state=CaseState.AGREED)
    consent_record(
        actor=guider,
        case=case,
        adult=person,
        scopes=[Scope.FILMING, Scope.SUPERVISION, Scope.STILLS],
        method=SignatureMethod.TYPED,
        typed_name=adult,
        confirmed=True,
    )
    cases.cycle_update(
        actor=guider,
        case=case,
        cycle=case.cycles.get(number=1),
        planned_film_date=timezone.localdate() - timedelta(days=60),
        planned_review_date=None,
    )
    return cases.case_transition(actor=guider, case=case, to_state=CaseState.IN_CYCLES)


def demo_review(
    case: Case, cycle: Cycle, *, score: int, words: str, plan: str, days_ago: int
) -> None:
    held = timezone.localdate() - timedelta(days=days_ago)
    guider = case.guider
    cases.cycle_update(
        actor=guider,
        case=case,
        cycle=cycle,
        planned_film_date=held - timedelta(days=7),
        planned_review_date=held,
        filmed_on=held - timedelta(days=7),
        reviewed_on=held,
    )
    adult = case.adults.get()
    review = Review.objects.create(
        cycle=cycle,
        held_on=held,
        attendees=f"{adult.name} and {guider}",
        new_noticed="",
        plan_try=plan,
        plan_where="At home",
        plan_when="Tea time",
        completed_at=timezone.now() - timedelta(days=days_ago),
        completed_by=guider,
    )
    for position in range(3):
        moment = ReviewedMoment.objects.create(
            review=review,
            position=position,
            kind="clip",
            principles=[BASE[2], BASE[position % 2]],
        )
        if position == 0:
            Reflection.objects.create(reviewed_moment=moment, adult=adult, text=words)
    for question in case.helping_questions.all():
        Rescaling.objects.create(review=review, question=question, score=score)
    audit_record(
        actor=guider,
        action=AuditAction.REVIEW_COMPLETED,
        case=case,
        obj=review,
        details={"cycle": cycle.number, "demo": True},
    )


def seed_demo_reviews(guider: User) -> Case:
    case = demo_case(
        guider,
        child="Noah Hart",
        adult="Sam Hart",
        relationship="father",
        question="How can I help Noah stay calm when we play?",
    )
    demo_review(
        case,
        case.cycles.get(number=1),
        score=5,
        days_ago=5,
        words="I didn't know I was waiting for him. He looked up at me and carried on.",
        plan="Keep waiting after Noah starts something; name what he does.",
    )
    return case
