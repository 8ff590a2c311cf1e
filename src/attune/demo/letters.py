"""Demo data: a case at closing, after three shared reviews, with its letter drafted."""

from __future__ import annotations

import tempfile
from pathlib import Path

from attune.accounts.models import User
from attune.cases import services as cases
from attune.cases.models import Case, CaseState
from attune.demo.reviews import demo_case, demo_review
from attune.letters.services import letter_draft

WORDS = [
    "I could see she was waiting for me to notice.",
    "When I slowed down she told me more.",
    "We laughed together; I want more of that.",
]


def seed_demo_letter(guider: User) -> Case:
    case = demo_case(
        guider,
        child="Isla Morgan",
        adult="Priya Morgan",
        relationship="mother",
        question="How can I help Isla tell me how she feels?",
    )
    _still_for_the_family(case)
    for number, (score, words) in enumerate(zip((5, 6, 8), WORDS, strict=True), start=1):
        demo_review(
            case,
            case.cycles.get(number=number),
            score=score,
            words=words,
            plan="Keep giving Isla time to start; name the feelings you see.",
            days_ago=40 - number * 12,
        )
    case = cases.case_transition(actor=guider, case=case, to_state=CaseState.CLOSING)
    letter_draft(actor=guider, case=case)
    return case


def _still_for_the_family(case: Case) -> None:
    """A short generated film on the first cycle with one still in its edit, processed and
    rendered here (a few seconds), so the family's copy of the letter shows a picture as it
    would for a real case with stills consent."""
    from attune.films import processing
    from attune.films.services import film_import
    from attune.moments import rendering
    from attune.moments import services as moments
    from attune.moments.models import MomentKind, Principle
    from attune.samples import films as testmedia

    guider = case.guider
    cycle = case.cycles.get(number=1)
    with tempfile.TemporaryDirectory(prefix="attune-demo-") as tmp:
        path = Path(tmp) / "tea-time.mp4"
        testmedia.make_film(path, seconds=6, width=640, height=360, speech_like_audio=True)
        film = film_import(actor=guider, case=case, cycle=cycle, path=path)
    processing.film_process(str(film.pk))
    film.refresh_from_db()
    if film.playable_id is None:
        return  # processing failed (it says why on the film page); the letter has no picture
    moments.catalogue_ensure(service=case.service)
    principles = Principle.objects.filter(
        service=case.service, name__in=["Being attentive", "Receiving initiatives"]
    ).values_list("pk", flat=True)
    still = moments.moment_create(
        actor=guider,
        film=film,
        kind=MomentKind.STILL,
        start_frame=int((film.fps or 25) * 3),
        principles=list(principles),
        notes="Isla looks up and Priya is already smiling back.",
    )
    moments.edit_set(actor=guider, cycle=cycle, moment_ids=[still.pk])
    render = moments.moment_render(actor=guider, moment=still)
    rendering.render_run(str(render.pk))
