"""The demo's supervision: a trainee part-way through stage 1 of the VIGuk route, with two
finished pieces of work, logged sessions (one waiting for the supervisor) and an open comment
thread on a film of her current case."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone

from attune.accounts.models import Service, SupervisionLink, User
from attune.cases import services as cases
from attune.cases.models import AdultKind, Case, CaseState, Setting
from attune.films.models import Film, FilmPurpose, FilmStatus
from attune.supervision import services
from attune.supervision.models import Mode, RecordKind, SupervisionSession

TRAINEE_EMAIL = "trainee2@demo.attune"
SUPERVISOR_EMAIL = "supervisor@demo.attune"
ALL_SCOPES = ["filming", "supervision", "training", "stills"]


def _days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def _case(trainee: User, *, child: str, age: int, adult: str, relationship: str, days: int) -> Case:
    from attune.consent.services import consent_record

    case = cases.case_create(
        actor=trainee,
        child_name=child,
        child_age_years=age,
        setting=Setting.HOME,
        referrer="SENCo",
        referral_reason="Would like to enjoy time together more.",
    )
    person = cases.adult_add(
        actor=trainee,
        case=case,
        name=adult,
        kind=AdultKind.PARENT_CARER,
        relationship=relationship,
        has_parental_responsibility=True,
    )
    cases.initial_meeting_record(actor=trainee, case=case, met_on=_days(-days), agreed="At home.")
    cases.helping_question_add(
        actor=trainee, case=case, adult=person, text="How can I follow their lead?", baseline=3
    )
    consent_record(
        actor=trainee,
        case=case,
        adult=person,
        scopes=ALL_SCOPES,
        method="typed",
        typed_name=adult,
        confirmed=True,
        signed_on=_days(-days),
    )
    cases.case_transition(actor=trainee, case=case, to_state=CaseState.AGREED)
    cases.cycle_update(
        actor=trainee,
        case=case,
        cycle=case.cycles.get(number=1),
        planned_film_date=_days(-days + 10),
        planned_review_date=None,
    )
    cases.case_transition(actor=trainee, case=case, to_state=CaseState.IN_CYCLES)
    return case


def _finished_cycles(trainee: User, case: Case, count: int, *, days: int) -> None:
    """Cycles whose film was made and shared review held; the films' media went when the case
    closed, as the leaflet promises, so only the record of each film is left."""
    from attune.vault.services import case_media_destroy

    for number in range(1, count + 1):
        cycle, _ = case.cycles.get_or_create(number=number)
        filmed = _days(-days + number * 14)
        Film.objects.create(
            case=case,
            cycle=cycle,
            uploaded_by=trainee,
            original_filename=f"cycle-{number}.mp4",
            status=FilmStatus.READY,
            upload_size=1,
            upload_chunk_size=1,
            upload_received=1,
            upload_expires_at=timezone.now(),
            duration=40.0,
            fps=25,
            ready_at=timezone.now() - timedelta(days=days - number * 14),
        )
        cases.cycle_update(
            actor=trainee,
            case=case,
            cycle=cycle,
            planned_film_date=filmed,
            planned_review_date=filmed + timedelta(days=7),
            filmed_on=filmed,
            reviewed_on=filmed + timedelta(days=7),
        )
    cases.case_transition(actor=trainee, case=case, to_state=CaseState.CLOSING)
    cases.case_transition(actor=trainee, case=case, to_state=CaseState.CLOSED)
    case_media_destroy(
        case=case, reason="The case closed and its retention period ended.", actor=None
    )


def seed_supervision_demo(service: Service) -> None:
    """Safe to run again: does nothing once the trainee has a supervision log."""
    trainee = User.objects.filter(email=TRAINEE_EMAIL, service=service).first()
    supervisor = User.objects.filter(email=SUPERVISOR_EMAIL, service=service).first()
    if trainee is None or supervisor is None:
        return
    if SupervisionSession.objects.filter(trainee=trainee).exists():
        return
    link, _ = SupervisionLink.objects.get_or_create(
        service=service, supervisor=supervisor, supervisee=trainee, ended_on=None
    )
    SupervisionLink.objects.filter(pk=link.pk).update(started_on=_days(-120))

    first = _case(
        trainee, child="Leo Marsh", age=4, adult="Kim Marsh", relationship="mother", days=115
    )
    _finished_cycles(trainee, first, 2, days=110)
    second = _case(
        trainee, child="Isla Grant", age=6, adult="Sam Grant", relationship="father", days=80
    )
    _finished_cycles(trainee, second, 2, days=75)
    current = _case(
        trainee, child="Noah Price", age=3, adult="Jo Price", relationship="mother", days=20
    )
    cases.cycle_update(
        actor=trainee,
        case=current,
        cycle=current.cycles.get(number=1),
        planned_film_date=_days(-5),
        planned_review_date=_days(3),
        filmed_on=_days(-5),
    )

    for days_ago, minutes, mode, notes in (
        (100, 90, Mode.IN_PERSON, "Talked about waiting for Leo's initiatives."),
        (68, 60, Mode.REMOTE, "Chose clips of receiving initiatives for Isla's review."),
        (33, 90, Mode.REMOTE, "Looked at Sam's turn-taking in the second film."),
    ):
        services.session_log(
            actor=supervisor,
            trainee=trainee,
            held_on=_days(-days_ago),
            minutes=minutes,
            mode=mode,
            cases=[first if days_ago > 90 else second],
            notes=notes,
            actions="Bring two clips of attuned responses.",
        )
    services.session_log(
        actor=trainee,
        trainee=trainee,
        held_on=_days(-2),
        minutes=60,
        mode=Mode.REMOTE,
        cases=[current],
        notes="Planned the first review with Jo.",
    )
    services.stage_record_add(
        actor=supervisor,
        trainee=trainee,
        stage=1,
        kind=RecordKind.TRANSITION_MEETING,
        held_on=_days(-118),
        notes="Started stage 1.",
    )
    services.self_evaluation_add(
        actor=trainee,
        trainee=trainee,
        stage=1,
        text="I am getting better at waiting; I still talk over the child's initiatives at times.",
    )


def seed_supervision_film() -> Film | None:
    """A generated film for the trainee's current case, with an open comment thread from her
    supervisor. Returns None when it is already there."""
    from attune.films.services import film_import
    from attune.samples import films as testmedia

    trainee = User.objects.filter(email=TRAINEE_EMAIL).first()
    supervisor = User.objects.filter(email=SUPERVISOR_EMAIL).first()
    case = (
        Case.objects.filter(guider=trainee, state=CaseState.IN_CYCLES)
        .order_by("created_at")
        .first()
        if trainee
        else None
    )
    if trainee is None or supervisor is None or case is None or case.films.exists():
        return None
    with tempfile.TemporaryDirectory(prefix="attune-demo-") as tmp:
        path = Path(tmp) / "floor-play.mp4"
        testmedia.make_film(path, seconds=20, width=640, height=360, speech_like_audio=True)
        film = film_import(actor=trainee, case=case, cycle=case.cycles.get(number=1), path=path)
    thread = services.comment_add(
        actor=supervisor,
        film=film,
        at_seconds=6.0,
        body="Here Noah looks up at Jo: what does she do next? A good clip for the review?",
    )
    services.comment_reply(
        actor=trainee, comment=thread, body="She smiles and waits. I'll mark it as a clip."
    )
    services.comment_add(
        actor=supervisor, film=film, at_seconds=14.0, body="Notice the turn-taking from here."
    )
    with tempfile.TemporaryDirectory(prefix="attune-demo-") as tmp:
        path = Path(tmp) / "shared-review.mp4"
        testmedia.make_film(path, seconds=12, width=640, height=360, speech_like_audio=True)
        review_film = film_import(
            actor=trainee,
            case=case,
            cycle=case.cycles.get(number=1),
            path=path,
            purpose=FilmPurpose.REVIEW,
        )
    services.comment_add(
        actor=supervisor,
        film=review_film,
        at_seconds=5.0,
        body="You paused the clip and waited for Jo to speak first: that is attuned guidance.",
    )
    return film
