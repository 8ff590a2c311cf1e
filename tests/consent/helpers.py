"""Small helpers for consent tests: signatures, consent through the service, a ready film."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image, ImageDraw

from attune.cases.models import Adult, Case
from attune.consent.models import ConsentRecord, Scope, SignatureMethod
from attune.consent.services import consent_record
from attune.films import processing
from attune.films import services as film_services
from attune.films.models import Film
from attune.samples.films import make_film

ALL_SCOPES = [s.value for s in Scope]


def drawn_png(width: int = 300, height: int = 100, *, blank: bool = False) -> bytes:
    """What the signature pad sends: ink on a transparent background."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    if not blank:
        draw = ImageDraw.Draw(image)
        draw.line(
            [(20, 70), (80, 20), (140, 75), (220, 25), (280, 60)], fill=(30, 42, 43, 255), width=4
        )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def sign(
    case: Case,
    adult: Adult,
    scopes: list[str] | None = None,
    *,
    method: str = SignatureMethod.TYPED,
    **extra: object,
) -> ConsentRecord:
    """Consent through the service, as the guider records it."""
    kwargs: dict[str, object] = {}
    if method == SignatureMethod.TYPED:
        kwargs = {"typed_name": adult.name, "confirmed": True}
    elif method == SignatureMethod.DRAWN:
        kwargs = {"signature_png": drawn_png()}
    kwargs.update(extra)
    return consent_record(
        actor=case.guider,
        case=case,
        adult=adult,
        scopes=scopes if scopes is not None else ALL_SCOPES,
        method=method,
        **kwargs,  # type: ignore[arg-type]
    )


def sign_everyone(case: Case, scopes: list[str] | None = None) -> list[ConsentRecord]:
    return [sign(case, adult, scopes) for adult in case.adults.all()]


def ready_film(case: Case, tmp_path: Path, *, seconds: float = 1) -> Film:
    """A small real film, uploaded and processed through the films services."""
    src = make_film(tmp_path / "film.mp4", seconds=seconds, width=160, height=120)
    film = film_services.film_import(
        actor=case.guider, case=case, cycle=case.cycles.get(number=1), path=src
    )
    processing.film_process(str(film.pk))
    film.refresh_from_db()
    assert film.status == "ready", film.failure_reason
    return film


def poster_only_film(case: Case) -> Film:
    """A film marked ready with only a poster stored: enough to test who may see media."""
    import io

    from attune.films.models import FilmStatus
    from attune.vault.models import ObjectKind
    from attune.vault.services import object_store

    film = film_services.film_upload_start(
        actor=case.guider, case=case, cycle=case.cycles.get(number=1), filename="a.mp4", size=10
    )
    film.poster = object_store(
        case=case, kind=ObjectKind.POSTER, src=io.BytesIO(b"poster"), content_type="image/jpeg"
    )
    film.status = FilmStatus.READY
    film.save()
    return film
