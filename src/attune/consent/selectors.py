"""Permission-aware reads of consent, and the gates every interface obeys.

An adult's *current* record is their latest; its active scopes are those it granted minus those
withdrawn since. Gates ask whether every adult on the case has a scope active now.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from attune.accounts.models import Service, User
from attune.cases.models import Adult, Case, CaseState
from attune.cases.selectors import Access, access_for, cases_for_user
from attune.consent.models import (
    SCOPE_ORDER,
    ConsentForm,
    ConsentFormVersion,
    ConsentRecord,
    ConsentWithdrawal,
    DeletionStatus,
    MediaDeletion,
    Scope,
)
from attune.vault.models import DeletionReceipt, VaultObject
from attune.vault.services import media_destroyed


def active_scopes(record: ConsentRecord) -> set[str]:
    withdrawn: set[str] = set()
    for withdrawal in record.withdrawals.all():
        withdrawn.update(withdrawal.scopes)
    return set(record.scopes) - withdrawn


@dataclass
class AdultConsent:
    """Where one adult's consent stands now, with the history behind it."""

    adult: Adult
    current: ConsentRecord | None
    active: set[str]
    history: list[ConsentRecord] = field(default_factory=list)

    @property
    def scope_rows(self) -> list[tuple[str, str, str]]:
        """(scope, label, state) where state is given, withdrawn or not_given."""
        labels = dict(Scope.choices)
        rows = []
        granted = set(self.current.scopes) if self.current else set()
        for scope in SCOPE_ORDER:
            if scope in self.active:
                state = "given"
            elif scope in granted:
                state = "withdrawn"
            else:
                state = "not_given"
            rows.append((scope.value, labels[scope], state))
        return rows

    @property
    def withdrawals(self) -> list[ConsentWithdrawal]:
        return [w for record in self.history for w in record.withdrawals.all()]


def _records(case: Case) -> QuerySet[ConsentRecord]:
    return (
        ConsentRecord.objects.filter(case=case)
        .select_related("form_version", "witness", "adult")
        .prefetch_related(
            Prefetch(
                "withdrawals",
                queryset=ConsentWithdrawal.objects.select_related("recorded_by").order_by(
                    "created_at"
                ),
            )
        )
        .order_by("created_at", "pk")
    )


def consent_summary(case: Case) -> list[AdultConsent]:
    by_adult: dict[int, list[ConsentRecord]] = {}
    for record in _records(case):
        record.case = case  # every record is this case's: no query per record to name it
        by_adult.setdefault(record.adult_id, []).append(record)
    summary = []
    for adult in case.adults.all():
        history = by_adult.get(adult.pk, [])
        current = history[-1] if history else None
        for record in history:
            # Known here for every record at once, so the API need not ask per record.
            record.is_current = record is current  # type: ignore[attr-defined]
        summary.append(
            AdultConsent(
                adult=adult,
                current=current,
                active=active_scopes(current) if current else set(),
                history=history,
            )
        )
    return summary


def current_record(adult: Adult) -> ConsentRecord | None:
    return (
        ConsentRecord.objects.filter(adult=adult)
        .prefetch_related("withdrawals")
        .order_by("-created_at", "-pk")
        .first()
    )


def adult_active_scopes(adult: Adult) -> set[str]:
    record = current_record(adult)
    return active_scopes(record) if record else set()


def adults_without(case: Case, scope: str) -> list[Adult]:
    return [c.adult for c in consent_summary(case) if scope not in c.active]


def consent_allows(case: Case, scope: str) -> bool:
    """True when the case has adults and every one of them has `scope` active now."""
    summary = consent_summary(case)
    return bool(summary) and all(scope in c.active for c in summary)


def consent_allows_filming(case: Case) -> bool:
    return consent_allows(case, Scope.FILMING)


def consent_allows_supervision(case: Case) -> bool:
    return consent_allows(case, Scope.SUPERVISION)


def consent_allows_training(case: Case) -> bool:
    """A moment may be marked for training only when every adult agreed to training use."""
    return consent_allows(case, Scope.TRAINING)


def consent_allows_stills(case: Case) -> bool:
    return consent_allows(case, Scope.STILLS)


# --- the media's state: available, locked (being deleted), destroyed ------------------------------


class MediaState(StrEnum):
    AVAILABLE = "available"
    LOCKED = "locked"  # filming consent withdrawn: nobody may watch; destruction is under way
    DESTROYED = "destroyed"  # the case key is gone


def media_state(case: Case) -> MediaState:
    if media_destroyed(case):
        return MediaState.DESTROYED
    locked = MediaDeletion.objects.filter(
        case=case, locked_at__isnull=False, status=DeletionStatus.SCHEDULED
    ).exists()
    return MediaState.LOCKED if locked else MediaState.AVAILABLE


def media_locked(case: Case) -> bool:
    return media_state(case) != MediaState.AVAILABLE


def filming_consent_blockers(case: Case) -> list[str]:
    """Why consent stops filming on this case now, in plain English. Empty when it does not."""
    state = media_state(case)
    if state == MediaState.LOCKED:
        return ["Filming consent was withdrawn: this case's films are being deleted."]
    if state == MediaState.DESTROYED:
        return ["This case's media has been deleted, so no more films can be added to it."]
    summary = consent_summary(case)
    if not summary:
        return ["Add the adults taking part and record their consent to filming."]
    return [
        f"Record {c.adult.name}'s consent to filming."
        if c.current is None or Scope.FILMING not in c.current.scopes
        else f"{c.adult.name} has withdrawn consent to filming."
        for c in summary
        if Scope.FILMING not in c.active
    ]


def supervisor_may_see_media(case: Case) -> bool:
    return consent_allows_supervision(case)


# --- fetching, scoped to the user ------------------------------------------------------------------


def record_for_user(user: User, record_id: uuid.UUID | str) -> tuple[ConsentRecord, Access]:
    try:
        key = uuid.UUID(str(record_id))
    except ValueError as exc:
        raise Http404 from exc
    record = (
        ConsentRecord.objects.select_related("case", "adult", "form_version", "witness")
        .prefetch_related("withdrawals")
        .filter(pk=key, case__in=cases_for_user(user))
        .first()
    )
    access = access_for(user, record.case) if record is not None else None
    if record is None or access is None:
        raise Http404("No such consent record.")
    return record, access


def record_document(record: ConsentRecord) -> VaultObject | None:
    """The stored signature image or signed paper form, while the case's media still exists."""
    if record.document_id is None:
        return None
    return VaultObject.objects.filter(pk=record.document_id, case_id=record.case_id).first()


def forms_for_service(service: Service | None) -> QuerySet[ConsentForm]:
    if service is None:
        return ConsentForm.objects.none()
    return ConsentForm.objects.filter(service=service).prefetch_related("versions")


def current_version(service: Service) -> ConsentFormVersion | None:
    return (
        ConsentFormVersion.objects.filter(form__service=service)
        .order_by("-created_at", "-pk")
        .select_related("form")
        .first()
    )


# --- retention ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionView:
    """What the case page says about when the media goes."""

    deletion: MediaDeletion | None
    retention_days: int
    records_years: int
    closed_on: date | None

    @property
    def due_at(self) -> datetime | None:
        return self.deletion.due_at if self.deletion else None

    @property
    def days_left(self) -> int | None:
        if self.due_at is None:
            return None
        left = self.due_at - timezone.now()
        return max(0, left.days + (1 if left.seconds or left.microseconds else 0))

    @property
    def records_until(self) -> date | None:
        if self.closed_on is None:
            return None
        try:
            return self.closed_on.replace(year=self.closed_on.year + self.records_years)
        except ValueError:  # 29 February
            return self.closed_on + timedelta(days=365 * self.records_years)


def pending_deletion(case: Case) -> MediaDeletion | None:
    return (
        MediaDeletion.objects.filter(
            case=case, status__in=[DeletionStatus.WAITING, DeletionStatus.SCHEDULED]
        )
        .order_by("due_at", "pk")
        .first()
    )


def retention_view(case: Case) -> RetentionView:
    closed_on = (
        timezone.localtime(case.state_changed_at).date()
        if case.state in {CaseState.CLOSED, CaseState.WITHDRAWN} and case.state_changed_at
        else None
    )
    return RetentionView(
        deletion=pending_deletion(case),
        retention_days=case.service.retention_days,
        records_years=case.service.records_years,
        closed_on=closed_on,
    )


def receipts_for_case(case: Case) -> QuerySet[DeletionReceipt]:
    return DeletionReceipt.objects.filter(case=case).order_by("-at")


def deletion_queue(user: User) -> QuerySet[MediaDeletion]:
    """Deletions still to come on the cases `user` can see (a service admin: the whole service),
    soonest first."""
    return (
        MediaDeletion.objects.filter(
            case__in=cases_for_user(user),
            status__in=[DeletionStatus.WAITING, DeletionStatus.SCHEDULED],
        )
        .select_related("case", "case__guider")
        .order_by("due_at", "pk")
    )


def recent_deletions(user: User, *, limit: int = 20) -> QuerySet[MediaDeletion]:
    return (
        MediaDeletion.objects.filter(case__in=cases_for_user(user), status=DeletionStatus.DONE)
        .select_related("case", "receipt")
        .order_by("-done_at")[:limit]
    )
