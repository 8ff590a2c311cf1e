"""A shared review in a real browser: an edit of three clips plays in order in the presentation,
the guider's panel shows the review questions the presentation does not, the network is cut
after "ready" and the whole edit still plays; then the adult's words, the re-scaling and the
plan are saved and the next cycle is proposed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from attune.accounts.models import User
from attune.cases import services as case_services
from attune.cases.models import Case, CaseState, Cycle
from attune.films.models import Film, FilmStatus
from attune.moments import rendering
from attune.moments import services as moment_services
from attune.moments.models import MomentKind, RenderStatus
from attune.reviews.models import Reflection, Rescaling, Review
from attune.vault.models import ObjectKind
from attune.vault.services import object_store_path
from tests.e2e.conftest import assert_accessible_basics, screenshot
from tests.factories import consent_to_everything, make_ready_case
from tests.moments.counter_film import make_counter_film

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
QUESTIONS = [
    "What is Maya showing you?",
    "How did you know she wanted a turn?",
    "What did you do next?",
]


@pytest.fixture(autouse=True)
def fewer_session_writes(settings: SettingsWrapper) -> None:
    settings.SESSION_SAVE_EVERY_REQUEST = False


@pytest.fixture
def cycle(guider: User, tmp_path: Path) -> Cycle:
    """In cycles, with a 4-second film and an edit of three rendered one-second clips."""
    case: Case = make_ready_case(guider, child_name="Maya Okafor", child_age_years=7)
    case = case_services.case_transition(actor=guider, case=case, to_state=CaseState.AGREED)
    consent_to_everything(case)
    first = case.cycles.get(number=1)
    case_services.cycle_update(
        actor=guider,
        case=case,
        cycle=first,
        planned_film_date=timezone.localdate() + timedelta(days=1),
        planned_review_date=None,
    )
    case = case_services.case_transition(actor=guider, case=case, to_state=CaseState.IN_CYCLES)
    source = make_counter_film(tmp_path / "counter.mp4", frames=100, fps=25, keyint=25)
    film = Film.objects.create(
        case=case,
        cycle=first,
        uploaded_by=guider,
        original_filename="counter.mp4",
        status=FilmStatus.READY,
        upload_size=source.stat().st_size,
        upload_chunk_size=4 * 1024 * 1024,
        upload_received=source.stat().st_size,
        upload_expires_at=timezone.now() + timedelta(hours=1),
        duration=4.0,
        fps=25,
        width=160,
        height=96,
        has_audio=True,
        ready_at=timezone.now(),
    )
    film.playable = object_store_path(
        case=case, kind=ObjectKind.PLAYABLE, path=source, content_type="video/mp4"
    )
    film.save(update_fields=["playable"])
    moments = []
    for n, question in enumerate(QUESTIONS):
        moment = moment_services.moment_create(
            actor=guider,
            film=film,
            kind=MomentKind.CLIP,
            start_frame=n * 25,
            end_frame=n * 25 + 25,
            question=question,
            notes="Only for the guider",
        )
        render = moment_services.moment_render(actor=guider, moment=moment)
        rendering.render_run(str(render.pk))
        render.refresh_from_db()
        assert render.status == RenderStatus.READY, render.failure_reason
        moments.append(moment)
    moment_services.edit_set(actor=guider, cycle=first, moment_ids=[m.pk for m in moments])
    return first


def _sign_in(page: Page, live_server: LiveServer, user: User) -> None:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_shared_review_plays_offline_in_order_and_saves_the_review(
    page: Page, live_server: LiveServer, guider: User, cycle: Cycle, tmp_path: Path
) -> None:
    _sign_in(page, live_server, guider)
    panel = page.context.new_page()
    panel.goto(f"{live_server.url}/reviews/cycles/{cycle.pk}/guide")
    expect(panel.get_by_role("heading", name="Guider panel")).to_be_visible()
    assert_accessible_basics(panel)

    page.goto(f"{live_server.url}/reviews/cycles/{cycle.pk}/present")
    present = page.locator("[data-present]")
    expect(present).to_have_attribute("data-ready", "true")
    assert_accessible_basics(page)
    expect(page.locator("[data-status]")).to_have_text(
        "Ready to review offline: every clip is held on this screen."
    )
    body = page.locator("body").inner_text()
    for question in QUESTIONS:
        assert question not in body
    assert "Only for the guider" not in page.content()

    # The panel follows the presentation and shows the question for the moment on screen.
    expect(panel.locator('[aria-current="step"] .review-question')).to_have_text(
        f"“{QUESTIONS[0]}”"
    )

    page.context.set_offline(True)
    page.get_by_role("button", name="0.5×").click()
    page.get_by_role("button", name="1×").click()
    page.get_by_role("button", name="▶ Play").click()
    expect(present).to_have_attribute("data-played", "1,2,3", timeout=20_000)
    expect(panel.locator('[aria-current="step"] .review-question')).to_have_text(
        f"“{QUESTIONS[2]}”"
    )
    expect(page.locator("[data-count]")).to_have_text("Clip 3 of 3")
    screenshot(page, tmp_path, "shared-review-presentation")
    page.context.set_offline(False)

    page.goto(f"{live_server.url}/reviews/cycles/{cycle.pk}/")
    assert_accessible_basics(page)
    page.get_by_label("Jo Carter's words about clip 1").fill(
        "I waited and Maya showed me the tower."
    )
    page.get_by_label("Anything new the adult noticed").fill("She looks up when I go quiet.")
    page.get_by_label(
        "Jo Carter: “How can I help Sam tell me about school?” (0–10, was 3 at the start)"
    ).fill("6")
    page.get_by_label("Plan for the next film: what to try").fill("Leave longer pauses.")
    page.locator("#id_plan_where").fill("The kitchen table")
    page.locator("#id_plan_when").fill("Next Tuesday")
    page.get_by_label("Date of the shared review").fill(timezone.localdate().isoformat())
    page.get_by_label("Who attended").fill("Jo and the guider")
    page.get_by_role("button", name="Complete the review").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Cycle 2")
    expect(page.get_by_text("Shared review 1 completed. Next: film 2")).to_be_visible()
    review = Review.objects.get(cycle=cycle)
    assert review.is_complete and review.plan_try == "Leave longer pauses."
    assert Reflection.objects.get().text == "I waited and Maya showed me the tower."
    assert Rescaling.objects.get().score == 6
    screenshot(panel, tmp_path, "shared-review-guider-panel")


def test_withdrawing_filming_consent_stops_the_presentation_and_says_why(
    page: Page, live_server: LiveServer, guider: User, cycle: Cycle
) -> None:
    from attune.consent.services import consent_withdraw

    _sign_in(page, live_server, guider)
    page.goto(f"{live_server.url}/reviews/cycles/{cycle.pk}/present")
    present = page.locator("[data-present]")
    expect(present).to_have_attribute("data-ready", "true")
    consent_withdraw(
        actor=guider,
        record=cycle.case.consents.latest("created_at"),
        scopes=["filming"],
        asked_by="Jo Carter",
        channel="phone",
    )
    page.get_by_role("button", name="Next ▶").click()
    expect(present).to_have_attribute("data-stopped", "true")
    expect(page.locator("[data-status]")).to_contain_text("Filming consent has been withdrawn")
    assert page.evaluate("document.querySelector('[data-video]').getAttribute('src')") is None
    expect(page.locator("[data-stage]")).to_be_hidden()
