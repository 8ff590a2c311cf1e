"""Permission-aware reads for the closing letter, and which stills the family may receive."""

from __future__ import annotations

from dataclasses import dataclass

from attune.accounts.models import Service
from attune.cases.models import Case, CaseState
from attune.cases.selectors import Access
from attune.consent.models import Scope
from attune.consent.selectors import MediaState, adults_without, media_state
from attune.films.models import FilmPurpose
from attune.letters.drafting import DEFAULT_TEMPLATE
from attune.letters.models import Letter, LetterTemplate
from attune.moments.models import Moment, MomentKind, RenderStatus
from attune.vault.models import VaultObject

LETTER_STATES = {CaseState.IN_CYCLES, CaseState.CLOSING}


def template_body(service: Service) -> str:
    found = LetterTemplate.objects.filter(service=service).first()
    return found.body if found else DEFAULT_TEMPLATE


def letter_for_case(case: Case) -> Letter | None:
    return Letter.objects.filter(case=case).prefetch_related("versions").first()


def may_write(access: Access, case: Case) -> bool:
    return access == Access.GUIDER and case.state in LETTER_STATES


def may_export(access: Access) -> bool:
    """A letter leaves Attune with the case's guider only."""
    return access == Access.GUIDER


def stills_blockers(case: Case) -> list[str]:
    """Why the family cannot have stills from this case now, in plain English."""
    state = media_state(case)
    if state == MediaState.DESTROYED:
        return ["This case's films and stills have been deleted."]
    if state == MediaState.LOCKED:
        return ["Filming consent was withdrawn: the films and stills are being deleted."]
    missing = adults_without(case, Scope.STILLS)
    if not case.adults.exists():
        return ["Nobody on this case has agreed to keeping stills."]
    return [f"{adult.name} has not agreed to the family keeping stills." for adult in missing]


@dataclass(frozen=True)
class Still:
    caption: str
    jpeg: VaultObject
    moment: Moment
    render_id: object


def _caption(moment: Moment) -> str:
    names = [p.name.lower() for p in moment.principles.all()]
    what = " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)
    base = f"From film {moment.film.cycle.number}"
    return f"{base}: {what}." if what else f"{base}."


def stills_for_case(case: Case) -> list[Still]:
    """The stills chosen for the reviews that have a picture ready, in cycle and edit order."""
    moments = (
        Moment.objects.filter(
            film__case=case,
            film__purpose=FilmPurpose.FAMILY,
            kind=MomentKind.STILL,
            edit_position__isnull=False,
        )
        .select_related("film__cycle")
        .prefetch_related("principles", "renders")
        .order_by("film__cycle__number", "edit_position")
    )
    stills = []
    for moment in moments:
        for render in moment.renders.all():
            if render.status == RenderStatus.READY and render.jpeg_id is not None:
                jpeg = VaultObject.objects.filter(pk=render.jpeg_id).first()
                if jpeg is not None:
                    stills.append(Still(_caption(moment), jpeg, moment, render.pk))
                break
    return stills
