"""The film page tells whoever may see the film how its analysis stands: waiting or running
(with a progress bar that refreshes), done (how many moments were suggested and accepted, with
the analysis' notes) or failed (with the reason, and "Analyse again" for the guider alone)."""

from __future__ import annotations

import pytest
from django.test import Client

from attune.accounts.models import User
from attune.analysis.models import AnalysisStatus, Decision, FilmAnalysis
from attune.audit.models import AuditEvent
from attune.cases import services as case_services
from attune.cases.models import Case, CaseState
from attune.films.models import Film
from tests.conftest import ClientFor
from tests.factories import make_ready_film, make_suggestion
from tests.moments.conftest import give_consent


@pytest.fixture
def film(case: Case) -> Film:
    """A ready film on an agreed case whose adults consented to filming and supervision (the
    page never fetches the film itself, so no media is stored)."""
    case = case_services.case_transition(actor=case.guider, case=case, to_state=CaseState.AGREED)
    give_consent(case)
    return make_ready_film(case, has_audio=False)


def _analysis(film: Film, status: str, **fields: object) -> FilmAnalysis:
    return FilmAnalysis.objects.create(film=film, status=status, **fields)


def _suggestion(analysis: FilmAnalysis, decision: str = Decision.OPEN, **fields: object) -> None:
    make_suggestion(analysis.film, analysis=analysis, decision=decision, **fields)


def page(client: Client, film: Film) -> str:
    response = client.get(f"/films/{film.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def status_url(film: Film) -> str:
    return f"/analysis/films/{film.pk}/status/"


def analyse_url(film: Film) -> str:
    return f"/analysis/films/{film.pk}/analyse/"


def test_a_queued_analysis_is_polled(client_for: ClientFor, owner: User, film: Film) -> None:
    _analysis(film, AnalysisStatus.QUEUED)

    html = page(client_for(owner), film)

    assert "Moment finder: waiting to start" in html
    assert f'hx-get="{status_url(film)}"' in html
    assert "Analyse again" not in html


def test_a_running_analysis_shows_its_progress(
    client_for: ClientFor, owner: User, film: Film
) -> None:
    _analysis(film, AnalysisStatus.RUNNING, progress=0.4)

    response = client_for(owner).get(status_url(film), headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-analysis-status="running"' in html
    assert '<progress max="100" value="40"' in html
    assert f'hx-get="{status_url(film)}"' in html  # still polling


def test_a_finished_analysis_counts_its_suggestions_and_shows_its_notes(
    client_for: ClientFor, owner: User, supervisor: User, film: Film
) -> None:
    analysis = _analysis(
        film, AnalysisStatus.DONE, progress=1.0, result={"notes": ["This film has no sound."]}
    )
    _suggestion(analysis, Decision.ACCEPTED)
    _suggestion(analysis, Decision.REJECTED, reject_reason="Off camera.")
    _suggestion(analysis)
    _suggestion(analysis, current=False)  # replaced by a relabelling

    for user in (owner, supervisor):
        html = page(client_for(user), film)

        assert "3 suggested moments, 1 accepted" in html
        assert f'href="/moments/films/{film.pk}/"' in html
        assert "This film has no sound." in html
        assert 'hx-get="/analysis/' not in html  # nothing left to wait for
        assert "Analyse again" not in html


def test_a_failed_analysis_gives_its_reason_and_the_guider_a_way_to_retry(
    client_for: ClientFor, owner: User, supervisor: User, film: Film
) -> None:
    _analysis(film, AnalysisStatus.FAILED, failure_reason="The film could not be read.")

    guider_html = page(client_for(owner), film)
    supervisor_html = page(client_for(supervisor), film)

    for html in (guider_html, supervisor_html):
        assert "could not analyse this film" in html
        assert "The film could not be read." in html
    assert f'action="{analyse_url(film)}"' in guider_html and "Analyse again" in guider_html
    assert "Analyse again" not in supervisor_html
    assert analyse_url(film) not in supervisor_html


def test_analysing_again_is_queued_and_audited(
    client_for: ClientFor, owner: User, film: Film
) -> None:
    _analysis(film, AnalysisStatus.FAILED, failure_reason="The film could not be read.")

    response = client_for(owner).post(analyse_url(film), follow=True)

    assert response.redirect_chain == [(f"/films/{film.pk}/", 302)]
    assert "The film will be analysed again shortly." in response.content.decode()
    assert AuditEvent.objects.filter(case=film.case, action="film.analysis_requested").exists()


def test_analysing_again_while_it_runs_is_refused_with_a_message(
    client_for: ClientFor, owner: User, film: Film
) -> None:
    _analysis(film, AnalysisStatus.RUNNING, progress=0.2)

    response = client_for(owner).post(analyse_url(film), follow=True)

    assert "The film is being analysed already." in response.content.decode()
    assert not AuditEvent.objects.filter(action="film.analysis_requested").exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("supervisor", 403), ("service_admin", 403), ("colleague", 404), ("outsider", 404)],
)
def test_only_the_guider_may_ask_for_it_again(
    who: str, status: int, client_for: ClientFor, film: Film, request: pytest.FixtureRequest
) -> None:
    _analysis(film, AnalysisStatus.FAILED, failure_reason="The film could not be read.")
    user: User = request.getfixturevalue(who)

    assert client_for(user).post(analyse_url(film)).status_code == status
    assert not AuditEvent.objects.filter(action="film.analysis_requested").exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("supervisor", 200), ("service_admin", 403), ("outsider", 404)],
)
def test_who_may_poll_the_analysis(
    who: str, status: int, client_for: ClientFor, film: Film, request: pytest.FixtureRequest
) -> None:
    _analysis(film, AnalysisStatus.QUEUED)
    user: User = request.getfixturevalue(who)

    assert client_for(user).get(status_url(film)).status_code == status


def test_the_service_admin_sees_no_analysis_on_the_film_page(
    client_for: ClientFor, service_admin: User, film: Film
) -> None:
    _analysis(film, AnalysisStatus.FAILED, failure_reason="The film could not be read.")

    html = page(client_for(service_admin), film)

    assert "Moment finder" not in html and "The film could not be read." not in html


def test_the_outsider_cannot_open_the_film_page(
    client_for: ClientFor, outsider: User, film: Film
) -> None:
    _analysis(film, AnalysisStatus.DONE, progress=1.0)

    assert client_for(outsider).get(f"/films/{film.pk}/").status_code == 404


def test_the_film_page_says_when_no_child_was_heard(
    client_for: ClientFor, owner: User, outsider: User, film: Film
) -> None:
    from attune.analysis.engine.speakers import NO_CHILD

    _analysis(film, AnalysisStatus.DONE, progress=1.0, result={"notes": [NO_CHILD]})

    html = page(client_for(owner), film)

    assert "No child was heard" in html
    assert client_for(outsider).get(f"/films/{film.pk}/").status_code == 404
