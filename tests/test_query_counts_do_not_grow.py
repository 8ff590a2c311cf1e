"""Query discipline: the busiest pages and API lists ask the database the same number of
questions whether they show one row or fifty.

Each test asks once to warm what is made on first use (the service's catalogue, the session),
counts the queries with one row, grows the rows to fifty and counts again. A count that grows
with the rows is an N+1 (a query per row), which is what a caseload of forty guiders would feel.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from attune.accounts.models import User
from attune.cases import services as case_services
from attune.cases.models import Case, CaseState
from attune.consent.models import Scope
from attune.films.models import Film
from attune.moments import services as moment_services
from attune.moments.models import MomentKind, Render, RenderStatus
from tests.conftest import ClientFor
from tests.factories import add_adult, add_question, make_ready_case, make_suggestion
from tests.moments.conftest import FPS, FRAMES, KEYINT, give_consent, ready_film_for
from tests.moments.counter_film import make_counter_film

ROWS = 50


def queries(client: Client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), [q["sql"] for q in captured.captured_queries]


def assert_flat(client: Client, url: str, grow: Callable[[], None]) -> None:
    """The count for ``url`` with fifty rows is no more than with one."""
    client.get(url)  # warm: what is made once, on first use
    one, _ = queries(client, url)
    grow()
    fifty, sql = queries(client, url)
    assert fifty <= one, f"{url}: {one} queries with 1 row, {fifty} with {ROWS}:\n{repeated(sql)}"


def repeated(sql: list[str]) -> str:
    """The statements asked more than once (numbers stripped), most often first."""
    shapes = Counter(re.sub(r"\d+", "N", q)[:300] for q in sql)
    return "\n".join(f"{n} x {shape}" for shape, n in shapes.most_common() if n > 1)


@pytest.fixture(autouse=True)
def _room_for_fifty_cases(settings: Settings) -> None:
    """One guider opens fifty cases here, past the daily limit a real person has."""
    settings.ATTUNE_CASES_PER_DAY = 200


@pytest.fixture
def guider(client_for: ClientFor, owner: User) -> Client:
    return client_for(owner)


def _working_case(owner: User, **fields: object) -> Case:
    case = make_ready_case(owner, **fields)
    case = case_services.case_transition(actor=owner, case=case, to_state=CaseState.AGREED)
    give_consent(case, (Scope.FILMING, Scope.SUPERVISION))
    return case


def _more_cases(owner: User) -> None:
    for n in range(ROWS - 1):
        case = _working_case(owner, child_name=f"Child {n}", child_age_years=5 + n % 8)
        case_services.cycle_add(actor=owner, case=case)


def test_the_caseload_asks_as_often_for_fifty_cases_as_for_one(owner: User, guider: Client) -> None:
    _working_case(owner)
    assert_flat(guider, "/cases/", lambda: _more_cases(owner))


def test_the_case_list_api_asks_as_often_for_fifty_cases_as_for_one(
    owner: User, guider: Client
) -> None:
    _working_case(owner)
    assert_flat(guider, "/api/cases", lambda: _more_cases(owner))


def test_the_case_page_asks_as_often_for_fifty_adults_and_cycles_as_for_one(
    owner: User, guider: Client
) -> None:
    case = _working_case(owner)

    def grow() -> None:
        for n in range(ROWS - 1):
            adult = add_adult(case, name=f"Adult {n}", relationship="teacher")
            add_question(case, adult, text=f"How can I notice initiative {n}?")
            case_services.cycle_add(actor=owner, case=case)
        give_consent(case, (Scope.FILMING, Scope.SUPERVISION))

    assert_flat(guider, f"/cases/{case.reference}/", grow)
    assert_flat(guider, f"/api/cases/{case.reference}", lambda: None)


def test_a_cases_api_lists_ask_as_often_for_fifty_rows_as_for_one(
    owner: User, guider: Client
) -> None:
    case = _working_case(owner)

    def grow() -> None:
        for n in range(ROWS - 1):
            other = add_adult(case, name=f"Adult {n}", relationship="teacher")
            add_question(case, other, text=f"How can I notice initiative {n}?")
        give_consent(case, (Scope.FILMING, Scope.SUPERVISION))

    urls = [f"/api/cases/{case.reference}/{name}" for name in ("helping-questions", "consents")]
    for url in urls:
        guider.get(url)
    before = {url: queries(guider, url)[0] for url in urls}
    grow()
    for url in urls:
        count, sql = queries(guider, url)
        assert count <= before[url], f"{url}: {before[url]} then {count}:\n{repeated(sql)}"


@pytest.fixture(scope="module")
def counter_film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_counter_film(
        tmp_path_factory.mktemp("counter") / "counter.mp4", frames=FRAMES, fps=FPS, keyint=KEYINT
    )


@pytest.fixture
def film(owner: User, counter_film: Path) -> Film:
    return ready_film_for(_working_case(owner), counter_film)


def _mark(film: Film, n: int) -> None:
    principles = list(film.case.service.principles.values_list("pk", flat=True)[:2])
    moment = moment_services.moment_create(
        actor=film.case.guider,
        film=film,
        kind=MomentKind.CLIP if n % 2 else MomentKind.STILL,
        start_frame=n % 90,
        end_frame=n % 90 + 5 if n % 2 else None,
        principles=principles,
        notes=f"Moment {n}",
    )
    Render.objects.create(
        moment=moment,
        kind=moment.kind,
        start_frame=moment.start_frame,
        end_frame=moment.end_frame,
        status=RenderStatus.READY,
        requested_by=film.case.guider,
    )
    make_suggestion(film, start=n % 3, end=n % 3 + 1.0)


def _edit_of(film: Film, count: int) -> None:
    moment_services.edit_set(
        actor=film.case.guider,
        cycle=film.cycle,
        moment_ids=[m.pk for m in film.moments.order_by("created_at")[:count]],
    )


def _one_moment(film: Film) -> None:
    """One moment, rendered, in the edit, with one suggestion beside it."""
    _mark(film, 0)
    _edit_of(film, 1)


def _moments_grow(film: Film) -> Callable[[], None]:
    def grow() -> None:
        for n in range(1, ROWS):
            _mark(film, n)
        _edit_of(film, 10)

    return grow


def test_the_editor_asks_as_often_for_fifty_moments_as_for_one(film: Film, guider: Client) -> None:
    guider.get(f"/moments/films/{film.pk}/")  # seeds the catalogue the moments are tagged with
    _one_moment(film)
    assert_flat(guider, f"/moments/films/{film.pk}/", _moments_grow(film))


def test_the_moment_list_api_asks_as_often_for_fifty_moments_as_for_one(
    film: Film, guider: Client
) -> None:
    guider.get(f"/moments/films/{film.pk}/")
    _one_moment(film)
    assert_flat(guider, f"/api/films/{film.pk}/moments", _moments_grow(film))
    assert_flat(guider, f"/api/films/{film.pk}/suggestions", lambda: None)
