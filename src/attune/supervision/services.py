"""State changes for supervision: comments and their notifications, the supervision log,
stage records and self-evaluations. Each is atomic and audited; email goes out on commit."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from attune.accounts.models import Service, User
from attune.audit.actions import AuditAction
from attune.audit.services import audit_record
from attune.cases.models import Case
from attune.core.errors import PermissionDenied, ServiceError
from attune.films.models import Film
from attune.moments.models import Moment
from attune.supervision import selectors
from attune.supervision.models import (
    AccreditationTargets,
    Comment,
    EvaluationKind,
    Notification,
    RecordKind,
    SelfEvaluation,
    StageRecord,
    SupervisionSession,
)


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def comment_link(comment: Comment) -> str:
    root = comment.root
    return (
        reverse("moments:editor", args=[root.film_id]) + f"?t={root.at_seconds:g}&comment={root.pk}"
    )


def _notify(*, comment: Comment, recipients: list[User], text: str, base_url: str) -> None:
    """In-app notifications now; an email to each recipient once the comment is saved."""
    service = comment.film.case.service
    url = comment_link(comment)
    for person in recipients:
        Notification.objects.create(
            service=service, recipient=person, comment=comment, text=text, url=url
        )
    link = base_url.rstrip("/") + url
    addresses = [p.email for p in recipients if p.email]
    if not addresses:
        return
    # The email names no family: the case reference and a link back into Attune.
    transaction.on_commit(
        lambda: send_mail(
            subject=f"Attune: {text}",
            message=f"{text}.\n\nOpen it in Attune (sign in first):\n{link}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=addresses,
        )
    )


def _others(actor: User, film: Film) -> list[User]:
    """Everyone else in the conversation about this film: its guider and their supervisors
    (only those who may see the film)."""
    guider = film.case.guider
    people = [guider, *selectors.supervisors_of(guider)]
    return [p for p in people if p.pk != actor.pk and selectors.may_comment(p, film)]


def _require_media(film: Film) -> None:
    """The conversation is about the pictures: once they are deleted (or being deleted after
    consent was withdrawn) what was said stays, and nothing new is added."""
    from attune.moments.selectors import media_available

    if not media_available(film.case):
        raise ServiceError("This film has been deleted or is being deleted.")


def comment_add(
    *,
    actor: User,
    film: Film,
    at_seconds: float,
    body: str,
    moment: Moment | None = None,
    base_url: str = "http://127.0.0.1:8000",
) -> Comment:
    if not selectors.may_comment(actor, film):
        raise PermissionDenied("Only the guider and their supervisor comment on a film.")
    _require_media(film)
    body = body.strip()
    if not body:
        raise ServiceError("Write a comment first.", field="body")
    duration = film.duration or 0.0
    if at_seconds < 0 or (duration and at_seconds > duration + 0.5):
        raise ServiceError("That time is outside the film.", field="at_seconds")
    if moment is not None and moment.film_id != film.pk:
        raise ServiceError("That moment is in another film.", field="moment")
    with transaction.atomic():
        comment = Comment.objects.create(
            film=film, moment=moment, at_seconds=at_seconds, author=actor, body=body
        )
        audit_record(
            actor=actor,
            action=AuditAction.COMMENT_ADDED,
            case=film.case,
            obj=comment,
            details={"at_seconds": at_seconds},
        )
        _notify(
            comment=comment,
            recipients=_others(actor, film),
            text=f"{actor} commented at {_clock(at_seconds)} on {film.case.reference}, "
            f"cycle {film.cycle.number}",
            base_url=base_url,
        )
    return comment


def comment_reply(
    *, actor: User, comment: Comment, body: str, base_url: str = "http://127.0.0.1:8000"
) -> Comment:
    thread = comment.root
    film = thread.film
    if not selectors.may_comment(actor, film):
        raise PermissionDenied("Only the guider and their supervisor comment on a film.")
    _require_media(film)
    body = body.strip()
    if not body:
        raise ServiceError("Write a reply first.", field="body")
    with transaction.atomic():
        reply = Comment.objects.create(
            film=film,
            moment=thread.moment,
            thread=thread,
            at_seconds=thread.at_seconds,
            author=actor,
            body=body,
        )
        # A reply reopens the conversation (read afresh: the thread may be stale).
        Comment.objects.filter(pk=thread.pk, resolved_at__isnull=False).update(
            resolved_at=None, resolved_by=None
        )
        audit_record(actor=actor, action=AuditAction.COMMENT_REPLIED, case=film.case, obj=reply)
        _notify(
            comment=reply,
            recipients=_others(actor, film),
            text=f"{actor} replied about {_clock(thread.at_seconds)} on {film.case.reference}, "
            f"cycle {film.cycle.number}",
            base_url=base_url,
        )
    return reply


def comment_resolve(*, actor: User, comment: Comment, resolved: bool = True) -> Comment:
    thread = comment.root
    if not selectors.may_comment(actor, thread.film):
        raise PermissionDenied("Only the guider and their supervisor comment on a film.")
    with transaction.atomic():
        thread = Comment.objects.select_for_update().get(pk=thread.pk)
        thread.resolved_at = timezone.now() if resolved else None
        thread.resolved_by = actor if resolved else None
        thread.save(update_fields=["resolved_at", "resolved_by", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.COMMENT_RESOLVED if resolved else AuditAction.COMMENT_REOPENED,
            case=thread.film.case,
            obj=thread,
        )
    return thread


def notification_read(*, actor: User, notification: Notification) -> None:
    if notification.recipient_id != actor.pk:
        raise PermissionDenied("That is someone else's notification.")
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())


def notifications_read_all(*, actor: User) -> int:
    return (
        selectors.notifications_for(actor)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )


# --- the supervision log ------------------------------------------------------------------------


def session_log(
    *,
    actor: User,
    trainee: User,
    held_on: date,
    minutes: int,
    mode: str,
    supervisor: User | None = None,
    cases: list[Case] | None = None,
    clips: list[Moment] | None = None,
    notes: str = "",
    actions: str = "",
) -> SupervisionSession:
    """Either side writes the session down. The supervisor's own entry is confirmed at once;
    the trainee's waits for the supervisor to confirm it."""
    side = selectors.side_for(actor, trainee)
    if side is None:
        raise PermissionDenied("Only the trainee and their supervisor keep this log.")
    if side == "supervisor":
        supervisor = actor
    elif supervisor is None:
        found = selectors.supervisors_of(trainee)
        if not found:
            raise ServiceError("You have no supervisor yet: ask your service admin.")
        supervisor = found[0]
    if selectors.side_for(supervisor, trainee) != "supervisor":
        raise ServiceError(f"{supervisor} does not supervise {trainee}.", field="supervisor")
    if held_on > timezone.localdate():
        raise ServiceError("A session is logged once it has happened.", field="held_on")
    if any(c.guider_id != trainee.pk for c in cases or []):
        raise ServiceError("Choose the trainee's own cases.", field="cases")
    if any(m.film.case.guider_id != trainee.pk for m in clips or []):
        raise ServiceError("Choose clips from the trainee's own cases.", field="clips")
    assert trainee.service is not None
    with transaction.atomic():
        session = SupervisionSession.objects.create(
            service=trainee.service,
            trainee=trainee,
            supervisor=supervisor,
            held_on=held_on,
            minutes=minutes,
            mode=mode,
            notes=notes.strip(),
            actions=actions.strip(),
            written_by=actor,
            confirmed_at=timezone.now() if side == "supervisor" else None,
        )
        session.cases.set(cases or [])
        session.clips.set(clips or [])
        audit_record(
            actor=actor,
            action=AuditAction.SUPERVISION_SESSION_LOGGED,
            obj=session,
            details={"trainee": trainee.email, "minutes": minutes, "confirmed": side != "trainee"},
        )
    return session


def session_confirm(*, actor: User, session: SupervisionSession) -> SupervisionSession:
    if selectors.side_for(actor, session.trainee) != "supervisor":
        raise PermissionDenied("Only the trainee's supervisor confirms a session.")
    with transaction.atomic():
        session = SupervisionSession.objects.select_for_update().get(pk=session.pk)
        if session.confirmed_at is None:
            session.confirmed_at = timezone.now()
            session.supervisor = actor
            session.save(update_fields=["confirmed_at", "supervisor", "updated_at"])
            audit_record(
                actor=actor,
                action=AuditAction.SUPERVISION_SESSION_CONFIRMED,
                obj=session,
                details={"trainee": session.trainee.email, "minutes": session.minutes},
            )
    return session


# --- stages ------------------------------------------------------------------------------------


def stage_record_add(
    *, actor: User, trainee: User, stage: int, kind: str, held_on: date, notes: str = ""
) -> StageRecord:
    """A transition meeting or accreditation meeting (either side), or the supervisor's
    sign-off of a stage: only the current stage, once its targets are met (and, for stage 3,
    after the accreditation meeting and with a reflective statement written)."""
    side = selectors.side_for(actor, trainee)
    if side is None:
        raise PermissionDenied("Only the trainee and their supervisor record these.")
    if stage not in (1, 2, 3) or kind not in RecordKind.values:
        raise ServiceError("Choose a stage and what happened.", field="stage")
    if held_on > timezone.localdate():
        raise ServiceError("Record it once it has happened.", field="held_on")
    if kind == RecordKind.SIGN_OFF:
        if side != "supervisor":
            raise PermissionDenied("Only the supervisor signs off a stage.")
        progress = selectors.progress_for(trainee)
        if stage != progress.current_stage:
            raise ServiceError(f"{trainee} is in stage {progress.current_stage}.", field="stage")
        current = progress.current
        assert current is not None
        if not current.targets_met:
            raise ServiceError("This stage's cycles, clients and hours are not all met yet.")
        if stage == 3:
            meeting = StageRecord.objects.filter(
                trainee=trainee, kind=RecordKind.ACCREDITATION_MEETING
            ).exists()
            statement = SelfEvaluation.objects.filter(
                trainee=trainee, kind=EvaluationKind.REFLECTIVE_STATEMENT
            ).exists()
            if not (meeting and statement):
                raise ServiceError(
                    "Stage 3 is signed off after the accreditation meeting, with the trainee's "
                    "reflective statement written."
                )
    assert trainee.service is not None
    with transaction.atomic():
        record = StageRecord.objects.create(
            service=trainee.service,
            trainee=trainee,
            stage=stage,
            kind=kind,
            held_on=held_on,
            notes=notes.strip(),
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction(f"accreditation.{kind}"),
            obj=record,
            details={"trainee": trainee.email, "stage": stage},
        )
    return record


def self_evaluation_add(
    *, actor: User, trainee: User, stage: int, text: str, kind: str = EvaluationKind.SELF_EVALUATION
) -> SelfEvaluation:
    if actor.pk != trainee.pk:
        raise PermissionDenied("Trainees write their own self-evaluations.")
    if not text.strip():
        raise ServiceError("Write something first.", field="text")
    if stage not in (1, 2, 3) or kind not in EvaluationKind.values:
        raise ServiceError("Choose a stage.", field="stage")
    assert trainee.service is not None
    with transaction.atomic():
        evaluation = SelfEvaluation.objects.create(
            service=trainee.service, trainee=trainee, stage=stage, kind=kind, text=text.strip()
        )
        audit_record(
            actor=actor,
            action=AuditAction.ACCREDITATION_SELF_EVALUATION_ADDED,
            obj=evaluation,
            details={"stage": stage, "kind": kind},
        )
    return evaluation


def accreditation_targets_update(
    *, actor: User, service: Service, **targets: Any
) -> AccreditationTargets:
    if not (actor.is_service_admin and actor.service_id == service.pk):
        raise PermissionDenied("Only a service admin changes the accreditation targets.")
    with transaction.atomic():
        row, _ = AccreditationTargets.objects.select_for_update().get_or_create(service=service)
        changed = {}
        for name, value in targets.items():
            if getattr(row, name) != value:
                changed[name] = [getattr(row, name), value]
                setattr(row, name, value)
        if changed:
            row.save()
            audit_record(
                actor=actor,
                action=AuditAction.SETTINGS_ACCREDITATION_CHANGED,
                service=service,
                obj=row,
                details=changed,
            )
    return row
