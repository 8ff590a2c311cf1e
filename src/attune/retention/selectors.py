"""Reads across the case's media for retention: what a deletion would take away."""

from __future__ import annotations

from dataclasses import dataclass

from attune.cases.models import Case
from attune.films.models import Film, FilmStatus
from attune.moments.models import Moment, MomentKind
from attune.vault.models import ObjectKind, VaultObject
from attune.vault.services import media_destroyed


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass(frozen=True)
class MediaInventory:
    """What of a case's media still exists: what withdrawing filming consent destroys."""

    films: int
    clips: int
    stills: int
    signatures: int

    @property
    def empty(self) -> bool:
        return not (self.films or self.clips or self.stills or self.signatures)

    @property
    def parts(self) -> list[str]:
        """["2 films", "3 clips", "1 still"]: only what there is."""
        parts = []
        if self.films:
            parts.append(_count(self.films, "film", "films"))
        if self.clips:
            parts.append(_count(self.clips, "clip", "clips"))
        if self.stills:
            parts.append(_count(self.stills, "still", "stills"))
        if self.signatures:
            parts.append(_count(self.signatures, "signed consent image", "signed consent images"))
        return parts

    @property
    def text(self) -> str:
        """ "2 films, 3 clips and 1 still"; "nothing" when there is no media."""
        parts = self.parts
        if not parts:
            return "nothing"
        if len(parts) == 1:
            return parts[0]
        return ", ".join(parts[:-1]) + " and " + parts[-1]


def review_films_inventory(case: Case) -> MediaInventory:
    """What withdrawing supervision consent deletes: the films of the shared review (kept only
    for supervision) and the clips and stills marked on them."""
    if media_destroyed(case):
        return MediaInventory(films=0, clips=0, stills=0, signatures=0)
    films = Film.objects.of_review().filter(case=case).exclude(status=FilmStatus.EXPIRED)
    moments = Moment.objects.filter(film__in=films)
    return MediaInventory(
        films=films.count(),
        clips=moments.filter(kind=MomentKind.CLIP).count(),
        stills=moments.filter(kind=MomentKind.STILL).count(),
        signatures=0,
    )


def media_inventory(case: Case) -> MediaInventory:
    """Counts of the case's films (every upload still held, finished or not), the clips and stills
    marked on them, and the signature images and scans kept with consent. Once the case key is
    destroyed nothing is left, whatever rows remain."""
    if media_destroyed(case):
        return MediaInventory(films=0, clips=0, stills=0, signatures=0)
    films = Film.objects.filter(case=case).exclude(status=FilmStatus.EXPIRED)
    moments = Moment.objects.filter(film__in=films)
    return MediaInventory(
        films=films.count(),
        clips=moments.filter(kind=MomentKind.CLIP).count(),
        stills=moments.filter(kind=MomentKind.STILL).count(),
        signatures=VaultObject.objects.filter(case=case, kind=ObjectKind.DOCUMENT).count(),
    )
