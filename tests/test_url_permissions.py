"""Who may reach what: every URL the project serves, requested as everyone around a case.

The routes come from the URL resolver itself (pages and API alike), so a new URL is checked the
moment it exists. Each route's parameters are filled from one small world (a case, a question, a
film…); a parameter this file does not know fails the test, so nothing slips by unexamined.

The rules (see DESIGN.md, "People and what they may do"):
- anonymous: pages redirect to the login page; the API answers 401.
- anything on a case (its URL names the case or something inside it):
  - the case's guider (owner) may do everything (2xx/3xx; the API may also answer 409/422 when a
    request is allowed but the case is not in a state for it);
  - a colleague in the same service and anyone in another service get 404, whatever the method;
  - the supervisor and the service admin read what READABLE lists for them (200); every other
    page of the case is a form for the guider and answers 403; every write answers 403
    (or 405 where the URL only ever reads), unless WRITABLE grants it.
- /service/… pages are the service admin's: anyone else signed in gets 403 (these pages are not
  about one case, so "not allowed" is the honest answer); an admin of another service gets 404
  for an object of this service.
- /supervision/… pages about a trainee or a session belong to the trainee (the owner) and their
  supervisor; anyone else, the service admin too, gets 404. A step that is one side's only
  (confirming a session, writing a self-evaluation) answers 403 to the other side.
- /api/reports/… is the service admin's, like /service/….
- /me/… pages belong to whoever is signed in; someone else's object answers 404.
- the remaining pages (caseload, "open a case", the case list API) are for anyone signed in.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from attune.accounts.models import ApiToken, Service, SupervisionLink, User
from attune.accounts.services import api_token_create
from attune.analysis.engine import AnalysisResult, Segment, recompute
from attune.analysis.models import AnalysisStatus, FilmAnalysis, Suggestion
from attune.api import api
from attune.cases import services as case_services
from attune.cases.models import Case, CaseState, HelpingQuestion
from attune.consent.models import Scope, SignatureMethod
from attune.consent.services import consent_record
from attune.films import services as film_services
from attune.films.models import Film, FilmStatus
from attune.letters.models import Letter, LetterVersion
from attune.moments.models import Moment, MomentKind, Render, RenderStatus
from attune.safeguarding.services import concern_record
from attune.supervision.models import Comment, SupervisionSession
from attune.supervision.services import comment_add, session_log
from attune.vault.models import ObjectKind
from attune.vault.services import object_store
from tests.conftest import ClientFor
from tests.consent.helpers import drawn_png
from tests.factories import consent_to_everything, make_suggestion

# --------------------------------------------------------------------------- the routes

# Served to anyone on purpose (by route, as the resolver spells it).
PUBLIC = {
    "": "redirects to the caseload, which asks for sign-in itself",
    "healthz": "health check for load balancers; says nothing about data",
    "invitations/<str:secret>/": "the invitation link: the secret in it is the credential",
    "api/": "the API's root: points to the documentation",
    "api/docs": "API documentation; no data",
    "api/openapi.json": "API schema; no data",
}
# Other people's code, tested by its authors; Django's admin is for platform superusers only.
SKIPPED_PREFIXES = ("accounts/", "admin/", "static/")

# A route with one of these parameters reaches into a case.
CASE_PARAMS = {
    "reference",
    "film_id",
    "record_id",
    "consent_id",
    "concern_id",
    "moment_id",
    "cycle_id",
    "render_id",
    "suggestion_id",
    "comment_id",
}

# Case-scoped routes a read-only person may open with GET: page URL names, and API operations
# as "GET /api/…" the way the OpenAPI schema spells them.
READABLE = {
    "supervisor": {
        "cases:detail",
        "cases:cycle",
        "films:detail",
        "films:status",
        "films:media",
        "analysis:film_status",
        "GET /api/cases/{reference}",
        "GET /api/cases/{reference}/helping-questions",
        "GET /api/films/{film_id}/upload",
        "GET /api/films/{film_id}",
        "GET /api/films/{film_id}/suggestions",
        "consent:print",
        "consent:record",
        "GET /api/cases/{reference}/consents",
        "safeguarding:detail",
        "GET /api/cases/{reference}/concerns",
        "GET /api/concerns/{concern_id}",
        "moments:editor",
        "moments:render_file",
        "GET /api/films/{film_id}/moments",
        "GET /api/moments/{moment_id}",
        "GET /api/cycles/{cycle_id}/edit",
        "reviews:review",
        "reviews:present",
        "reviews:check",
        "reviews:guide",
        "GET /api/cases/{reference}/progress",
        "letters:letter",
        "GET /api/cases/{reference}/letter",
        "GET /api/films/{film_id}/comments",
    },
    # A service admin sees case records, never media.
    "service_admin": {
        "cases:detail",
        "cases:cycle",
        "films:detail",
        "films:status",
        "GET /api/cases/{reference}",
        "GET /api/cases/{reference}/helping-questions",
        "GET /api/films/{film_id}/upload",
        "GET /api/films/{film_id}",
        "consent:print",
        "consent:record",
        "consent:document",  # a signature is a consent record, not media
        "retention:sar",
        "retention:sar_export",
        "GET /api/cases/{reference}/consents",
        "safeguarding:detail",
        "GET /api/cases/{reference}/concerns",
        "GET /api/concerns/{concern_id}",
        "reviews:review",  # the adult's words and scaling are case records, not media
        "GET /api/cases/{reference}/progress",
        "letters:letter",  # the letter's text; its stills only ever go to the guider
        "GET /api/cases/{reference}/letter",
    },
}

# Case-scoped routes a read-only person may still write to (and so open), in the same spelling
# as READABLE: e.g. anyone who can see a case may be allowed to raise a safeguarding concern.
WRITABLE: dict[str, set[str]] = {
    "supervisor": {
        "safeguarding:create",
        "safeguarding:amend",
        "POST /api/cases/{reference}/concerns",
        "POST /api/concerns/{concern_id}/amendments",
        # A supervisor comments on a film they may see.
        "POST /api/films/{film_id}/comments",
        "POST /api/comments/{comment_id}/replies",
        "POST /api/comments/{comment_id}/resolve",
    },
    "service_admin": set(),
}

# Request bodies for API writes.
API_BODIES: dict[str, Callable[[World], Any]] = {
    "POST /api/cases": lambda w: {"child_name": "Matrix Child", "child_age_years": 4},
    "POST /api/cases/{reference}/helping-questions": lambda w: {
        "adult_id": w.question.adult_id,
        "text": "How can I notice the good moments?",
        "baseline": 4,
    },
    "POST /api/cases/{reference}/cycles/{number}/films": lambda w: {
        "filename": "tea-time.mp4",
        "size": 1000,
    },
    "PUT /api/films/{film_id}/upload/{index}": lambda w: b"\x00" * 16,
    "POST /api/films/{film_id}/retry": lambda w: None,
    "POST /api/films/{film_id}/moments": lambda w: {"kind": "still", "start_frame": 0},
    "PATCH /api/moments/{moment_id}": lambda w: {"notes": "Sam waits for Jo."},
    "DELETE /api/moments/{moment_id}": lambda w: None,
    "POST /api/moments/{moment_id}/render": lambda w: None,
    "PUT /api/cycles/{cycle_id}/edit": lambda w: {"moment_ids": [w.value("moment_id")]},
    "POST /api/suggestions/{suggestion_id}/accept": lambda w: None,
    "POST /api/suggestions/{suggestion_id}/reject": lambda w: {"reason": "Off camera."},
    "POST /api/suggestions/{suggestion_id}/reopen": lambda w: None,
    "POST /api/films/{film_id}/speakers": lambda w: {"action": "swap"},
    "POST /api/films/{film_id}/analysis": lambda w: None,
    "POST /api/cases/{reference}/consents": lambda w: {
        "adult": w.question.adult_id,
        "scopes": ["filming", "supervision", "training", "stills"],
        "typed_name": "Jo Carter",
        "confirmed": True,
    },
    "POST /api/consents/{consent_id}/withdraw": lambda w: {
        "scopes": ["training"],
        "asked_by": "Jo Carter",
        "channel": "phone",
    },
    "POST /api/cases/{reference}/concerns": lambda w: {
        "seen_or_heard": "Something the matrix saw.",
        "happened_at": "2020-01-01T10:00:00Z",
        "action_taken": "Told the DSL.",
    },
    "POST /api/concerns/{concern_id}/amendments": lambda w: {"text": "Added later."},
    "POST /api/cycles/{cycle_id}/review": lambda w: {
        "held_on": "2020-01-01",
        "scaling": [{"question_id": w.question.pk, "score": 5}],
    },
    "POST /api/films/{film_id}/comments": lambda w: {"at_seconds": 0.5, "body": "Look here."},
    "POST /api/comments/{comment_id}/replies": lambda w: {"body": "Yes."},
    "POST /api/comments/{comment_id}/resolve": lambda w: {"resolved": True},
}

# /supervision/… pages with a trainee or a session in them belong to the trainee and their
# supervisor; everyone else (the service admin too) gets 404. Some steps are one side's only,
# and the other side gets 403.
SUPERVISOR_ONLY = {"supervision:session_confirm"}
TRAINEE_ONLY = {"supervision:evaluation_add"}

# Known departures from the rules, by (URL name, method): each is reported as an expected
# failure until it is fixed, and fails the test once it no longer happens, so it is removed here.
KNOWN_GAPS: dict[tuple[str, str], str] = {}

ROLES = ("anonymous", "outsider", "other_admin", "colleague", "supervisor", "service_admin")


@dataclass(frozen=True)
class Route:
    route: str  # as the resolver spells it, e.g. "cases/<str:reference>/"
    name: str  # qualified URL name, e.g. "cases:detail"
    params: tuple[str, ...]
    api_methods: tuple[str, ...]  # empty for pages

    @property
    def is_api(self) -> bool:
        return bool(self.api_methods)

    @property
    def openapi_path(self) -> str:
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.route)

    def key(self, method: str) -> str:
        """How READABLE and API_BODIES name this route: the URL name for pages, the operation
        ("GET /api/…") for the API."""
        return f"{method} {self.openapi_path}" if self.is_api else self.name

    @property
    def scope(self) -> str:
        if set(self.params) & CASE_PARAMS:
            return "case"
        if self.route.startswith(("service/", "api/reports/")):
            return "service_admin"
        if self.route.startswith("supervision/") and self.params:
            return "supervision"
        if self.route.startswith("me/"):
            return "own"
        if not self.params:
            return "signed_in"
        return "unclassified"


def _walk(patterns: list[Any], prefix: str = "", ns: tuple[str, ...] = ()) -> Iterator[Any]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = (*ns, p.namespace) if p.namespace else ns
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), ":".join((*ns, p.name or "?"))


def _api_methods() -> dict[str, tuple[str, ...]]:
    schema = api.get_openapi_schema()
    return {path: tuple(sorted(m.upper() for m in ops)) for path, ops in schema["paths"].items()}


def all_routes() -> list[Route]:
    api_methods = _api_methods()
    routes: dict[str, Route] = {}
    for route, name in _walk(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES) or route in PUBLIC or route in routes:
            continue
        params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
        methods: tuple[str, ...] = ()
        if route.startswith("api/"):
            # Ninja serves one path for all its operations; the schema says which methods.
            methods = api_methods.get("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route), ())
            assert methods, f"{route} is served but missing from the OpenAPI schema"
        routes[route] = Route(route, name, params, methods)
    return sorted(routes.values(), key=lambda r: r.route)


ROUTES = all_routes()


def test_the_resolver_was_walked() -> None:
    names = {r.name for r in ROUTES}
    assert {"cases:detail", "api:list_cases", "accounts:people"} <= names


# --------------------------------------------------------------------------- the world


def _moment(film: Film) -> Moment:
    """A still on the world's film, made directly: the film has no playable copy to mark."""
    found = Moment.objects.filter(film=film).first()
    return found or Moment.objects.create(
        film=film, kind=MomentKind.STILL, start_frame=0, end_frame=1, created_by=film.case.guider
    )


def _render(film: Film) -> Render:
    """A finished clip of that moment. The service allows downloads, so its guider may fetch it
    (downloads being off by default is tested in tests/moments)."""
    found = Render.objects.filter(moment__film=film).first()
    if found:
        return found
    Service.objects.filter(pk=film.case.service_id).update(allow_downloads=True)
    video = object_store(
        case=film.case, kind=ObjectKind.CLIP, src=io.BytesIO(b"clip"), content_type="video/mp4"
    )
    return Render.objects.create(
        moment=_moment(film),
        kind=MomentKind.CLIP,
        start_frame=0,
        end_frame=1,
        status=RenderStatus.READY,
        video=video,
        requested_by=film.case.guider,
    )


def _suggestion(film: Film) -> Suggestion:
    """An analysis of the world's film with one suggestion, stored directly."""
    found = Suggestion.objects.filter(film=film).first()
    if found:
        return found
    result = recompute(
        AnalysisResult(
            duration=4.0,
            speech=[Segment(0.2, 1.0, "child"), Segment(1.4, 2.2, "adult")],
        )
    )
    analysis = FilmAnalysis.objects.create(
        film=film, status=AnalysisStatus.DONE, progress=1.0, result=result.to_dict()
    )
    return make_suggestion(film, analysis=analysis, start=0.0, end=2.5)


def _comment(world: World) -> Comment:
    """The supervisor's comment on the world's film (which notifies the owner)."""
    found = Comment.objects.filter(film=world.film).first()
    if found:
        return found
    supervisor = world.users["supervisor"]
    assert supervisor is not None
    return comment_add(actor=supervisor, film=world.film, at_seconds=1.0, body="Notice this.")


def _session(world: World) -> SupervisionSession:
    """A session the owner logged, waiting for the supervisor to confirm it."""
    found = SupervisionSession.objects.filter(trainee=world.case.guider).first()
    return found or session_log(
        actor=world.case.guider,
        trainee=world.case.guider,
        held_on=timezone.localdate(),
        minutes=60,
        mode="remote",
    )


@dataclass
class World:
    case: Case
    question: HelpingQuestion
    link: SupervisionLink
    token: ApiToken
    film: Film
    users: dict[str, User | None]

    def value(self, param: str) -> str:
        values: dict[str, Callable[[], object]] = {
            "reference": lambda: self.case.reference,
            "question_id": lambda: self.question.pk,
            "number": lambda: 1,
            "state": lambda: CaseState.IN_CYCLES,
            "link_id": lambda: self.link.pk,
            "token_id": lambda: self.token.pk,
            "film_id": lambda: self.film.pk,
            "kind": lambda: "poster",
            "index": lambda: 0,
            "adult_id": lambda: self.question.adult_id,
            "record_id": lambda: self.case.consents.latest("created_at").pk,
            "consent_id": lambda: self.case.consents.latest("created_at").pk,
            "concern_id": lambda: self.case.concerns.get().pk,
            "person": lambda: "child",
            "moment_id": lambda: _moment(self.film).pk,
            "cycle_id": lambda: self.film.cycle_id,
            "render_id": lambda: _render(self.film).pk,
            "suggestion_id": lambda: _suggestion(self.film).pk,
            "fmt": lambda: "mp4",
            "comment_id": lambda: _comment(self).pk,
            "trainee_id": lambda: self.case.guider_id,
            "session_id": lambda: _session(self).pk,
            "notification_id": lambda: _comment(self).notifications.get().pk,
            "user_id": lambda: self.users["colleague"].pk,  # type: ignore[union-attr]
        }
        if param not in values:
            pytest.fail(
                f"No value for URL parameter <{param}>: add one to World.value (and to "
                "CASE_PARAMS if it reaches into a case) so this route's permissions are tested."
            )
        return str(values[param]())

    def url(self, route: Route) -> str:
        path = route.route
        for param in route.params:
            path = re.sub(rf"<(?:\w+:)?{param}>", self.value(param), path)
        return "/" + path


@pytest.fixture
def world(
    case: Case,
    owner: User,
    colleague: User,
    supervisor: User,
    service_admin: User,
    outsider: User,
    other_admin: User,
) -> World:
    # Agreed, with the first film planned, so that every page of the case has something to do.
    case_services.case_transition(actor=owner, case=case, to_state=CaseState.AGREED)
    case_services.cycle_update(
        actor=owner,
        case=case,
        cycle=case.cycles.get(number=1),
        planned_film_date=timezone.localdate() + timedelta(days=3),
        planned_review_date=None,
    )
    consent_to_everything(case)
    # Signed again on screen (so there is a signature to fetch), and a safeguarding concern.
    consent_record(
        actor=owner,
        case=case,
        adult=case.adults.get(),
        scopes=list(Scope.values),
        method=SignatureMethod.DRAWN,
        signature_png=drawn_png(),
    )
    concern_record(
        actor=owner,
        case=case,
        seen_or_heard="Something seen.",
        happened_at=timezone.now(),
        action_taken="Told the DSL.",
    )
    film = film_services.film_upload_start(
        actor=owner, case=case, cycle=case.cycles.get(number=1), filename="tea.mp4", size=100
    )
    # A processed film with a poster, without running the media pipeline.
    film.poster = object_store(
        case=case, kind=ObjectKind.POSTER, src=io.BytesIO(b"poster"), content_type="image/jpeg"
    )
    film.status = FilmStatus.READY
    film.save()
    _, _secret = api_token_create(actor=owner, user=owner, name="matrix")
    # A drafted closing letter, so that its pages and exports have something to show.
    letter = Letter.objects.create(case=case)
    LetterVersion.objects.create(letter=letter, number=1, text="Dear Jo,", created_by=owner)
    return World(
        case=case,
        question=case.helping_questions.get(),
        link=SupervisionLink.objects.get(supervisor=supervisor, supervisee=owner),
        token=ApiToken.objects.get(user=owner),
        film=film,
        users={
            "anonymous": None,
            "outsider": outsider,
            "other_admin": other_admin,
            "colleague": colleague,
            "supervisor": supervisor,
            "service_admin": service_admin,
            "owner": owner,
        },
    )


# --------------------------------------------------------------------------- the rules


OK = range(200, 400)
API_ALLOWED_REFUSALS = {409, 422}  # allowed, but not in this state


def expected(route: Route, role: str, method: str) -> set[int] | range:
    """The answers `role` may get for `method` on `route`."""
    write = method != "GET"
    if role == "anonymous":
        return {401} if route.is_api else {302}
    if route.scope == "case":
        if role == "owner":
            return set(OK) | (API_ALLOWED_REFUSALS if route.is_api else set())
        if role in ("colleague", "outsider", "other_admin"):
            return {404, 405} if write and not route.is_api else {404}
        # supervisor, service admin: read only, except what WRITABLE grants
        if route.key(method) in WRITABLE[role]:
            return set(OK) | (API_ALLOWED_REFUSALS if route.is_api else set())
        if write:
            return {403} if route.is_api else {403, 405}
        readable = READABLE[role] | WRITABLE[role]
        return {200} if route.key(method) in readable else {403}
    if route.scope == "service_admin":
        if role == "service_admin":
            return OK
        if role == "other_admin":
            return {404} if route.params else OK
        return {403}
    if route.scope == "supervision":
        if role == "owner":
            return {403} if route.name in SUPERVISOR_ONLY else OK
        if role == "supervisor":
            return {403} if route.name in TRAINEE_ONLY else OK
        return {404, 405} if write else {404}
    if route.scope == "own":
        if route.params:
            return OK if role == "owner" else {404}
        return OK
    if route.scope == "signed_in":
        return set(OK) | API_ALLOWED_REFUSALS
    pytest.fail(
        f"{route.route} is neither public, nor case-scoped, nor under /service/ or /me/: "
        "classify it in Route.scope and say who may reach it."
    )


def send(client: Client, world: World, route: Route, method: str) -> Any:
    url = world.url(route)
    if not route.is_api:
        return client.get(url) if method == "GET" else client.post(url)
    if method == "GET":
        return client.get(url)
    if route.key(method) not in API_BODIES:
        pytest.fail(f"No request body for {route.key(method)}: add one to API_BODIES.")
    body = API_BODIES[route.key(method)](world)
    if body is None:
        return client.generic(method, url)
    if isinstance(body, bytes):
        return client.generic(method, url, body, content_type="application/octet-stream")
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def requests_for(route: Route, role: str) -> list[str]:
    """Which methods to try: the API's own; for pages GET, and POST too for anyone who must
    not write (the page decides whether it takes POST at all)."""
    if route.is_api:
        return list(route.api_methods)
    if role in ("owner", "anonymous"):
        return ["GET"]
    return ["GET", "POST"] if route.scope in ("case", "supervision") else ["GET"]


def check(route: Route, role: str, client: Client, world: World) -> list[tuple[str, str]]:
    """(method, problem) for each answer that breaks the rules."""
    problems = []
    tried = set()
    for first_method in requests_for(route, role):
        method = first_method
        if method in tried:
            continue
        response = send(client, world, route, method)
        if response.status_code == 405 and method == "GET" and not route.is_api:
            method = "POST"  # a page that only takes POST
            response = send(client, world, route, method)
        tried.add(method)
        where = f"{role:>13} {method:<6} {world.url(route)}"
        status = response.status_code
        if status not in expected(route, role, method):
            problems.append((method, f"{where} → {status}"))
        elif role == "anonymous" and not route.is_api:
            location = response.headers.get("Location", "")
            if not location.startswith("/accounts/login/"):
                problems.append((method, f"{where} → {location}"))
        elif route.is_api and status >= 400:
            error = response.json().get("error", {})
            if set(error) != {"code", "message", "fields"}:
                problems.append((method, f"{where}: {response.json()}"))
    return problems


@pytest.mark.parametrize("route", ROUTES, ids=[r.route or "/" for r in ROUTES])
def test_who_may_reach_each_url(route: Route, world: World, client_for: ClientFor) -> None:
    problems: list[tuple[str, str]] = []
    # The owner goes last: their writes (removing a question, revoking a token) change the world.
    for role in (*ROLES, "owner"):
        problems += check(route, role, client_for(world.users[role]), world)

    known = {method: why for (name, method), why in KNOWN_GAPS.items() if name == route.name}
    unknown = [text for method, text in problems if method not in known]
    assert not unknown, f"{route.route} ({route.scope}):\n" + "\n".join(unknown)
    for method, why in known.items():
        assert any(m == method for m, _ in problems), (
            f"{route.name} {method} now keeps the rules: remove it from KNOWN_GAPS ({why})."
        )
    if known:
        pytest.xfail("; ".join(known.values()))


@pytest.mark.parametrize("route", sorted(PUBLIC))
def test_public_urls_answer_without_signing_in(route: str, db: None) -> None:
    url = "/" + route.replace("<str:secret>", "no-such-invitation")
    response = Client().get(url)

    assert response.status_code < 500
    assert response.status_code != 401
    assert not response.headers.get("Location", "").startswith("/accounts/login/")


# --------------------------------------------------------------------------- API tokens

API_ROUTES = [r for r in ROUTES if r.is_api]


@pytest.mark.parametrize("route", API_ROUTES, ids=[r.route for r in API_ROUTES])
def test_api_tokens_on_each_api_url(route: Route, world: World) -> None:
    """The owner's read-only token reads what the owner reads and is refused every write (403);
    an expired token (read-write, even) is no credential at all (401)."""
    owner = world.users["owner"]
    assert owner is not None
    _reader, read_secret = api_token_create(actor=owner, user=owner, name="reader")
    expired, expired_secret = api_token_create(
        actor=owner, user=owner, name="old", scope="write", days=1
    )
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(1))
    reader = Client(headers={"Authorization": f"Bearer {read_secret}"})
    stale = Client(headers={"Authorization": f"Bearer {expired_secret}"})
    problems = []
    for method in route.api_methods:
        answers = {
            "read-only token": (send(reader, world, route, method).status_code, method),
            "expired token": (send(stale, world, route, method).status_code, method),
        }
        allowed = {
            "read-only token": (expected(route, "owner", method) if method == "GET" else {403}),
            "expired token": {401},
        }
        for who, (status, _m) in answers.items():
            if status not in allowed[who]:
                problems.append(f"{who:>15} {method:<6} {world.url(route)} → {status}")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- accounts/, admin/


def _simple_routes(prefix: str) -> list[str]:
    return sorted(
        {
            route
            for route, _name in _walk(get_resolver().url_patterns)
            if route.startswith(prefix) and "<" not in route and "(" not in route
        }
    )


ADMIN_ROUTES = _simple_routes("admin/")
ACCOUNT_ROUTES = _simple_routes("accounts/")


def test_the_admin_and_accounts_routes_were_found() -> None:
    assert "admin/" in ADMIN_ROUTES
    assert "accounts/login/" in ACCOUNT_ROUTES


@pytest.mark.parametrize("route", ADMIN_ROUTES)
def test_the_admin_is_for_platform_superusers_only(
    route: str, world: World, client_for: ClientFor
) -> None:
    """Everyone but a platform superuser, a service admin included, is sent to sign in (or
    refused): the admin shows every service's records."""
    url = "/" + route
    problems = []
    for role in (*ROLES, "owner"):
        response = client_for(world.users[role]).get(url, follow=True)
        landed = response.request["PATH_INFO"]
        if response.status_code == 200 and not landed.startswith("/accounts/login/"):
            problems.append(f"{role:>13} GET {url} → {response.status_code} at {landed}")
        elif response.status_code not in (200, 403, 404, 405):
            problems.append(f"{role:>13} GET {url} → {response.status_code}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("route", ACCOUNT_ROUTES)
def test_account_pages_never_fail_and_show_only_the_visitors_own(
    route: str, world: World, client_for: ClientFor
) -> None:
    """allauth's pages (sign-in, password, second factor, e-mail) answer everyone without a
    server error, and a signed-in page never shows another person's address."""
    url = "/" + route
    outsider = world.users["outsider"]
    assert outsider is not None
    for role in ("anonymous", "outsider", "owner"):
        response = client_for(world.users[role]).get(url)
        assert response.status_code < 500, f"{role} GET {url} → {response.status_code}"
        if role == "owner" and response.status_code == 200:
            assert outsider.email not in response.content.decode()


# --------------------------------------------------------------------------- every media kind

MEDIA_STATES = ("available", "locked", "destroyed")


def _media_urls(world: World) -> dict[str, str]:
    """One URL per kind of media: the film (its poster), a clip, a still, a consent scan."""
    render = _render(world.film)
    still_picture = object_store(
        case=world.case, kind=ObjectKind.STILL, src=io.BytesIO(b"jpeg"), content_type="image/jpeg"
    )
    still = Render.objects.create(
        moment=render.moment,
        kind=MomentKind.STILL,
        start_frame=0,
        end_frame=1,
        status=RenderStatus.READY,
        jpeg=still_picture,
        requested_by=world.case.guider,
    )
    scan = world.case.consents.latest("created_at")
    return {
        "film": f"/films/{world.film.pk}/media/poster",
        "clip": f"/moments/renders/{render.pk}/mp4",
        "still": f"/moments/renders/{still.pk}/jpeg",
        "scan": f"/consent/records/{scan.pk}/document",
    }


def _put_media_in(world: World, state: str) -> None:
    from attune.consent.models import MediaDeletion, WithdrawalChannel
    from attune.consent.services import consent_withdraw
    from attune.retention.services import media_deletion_run

    if state == "available":
        return
    consent_withdraw(
        actor=world.case.guider,
        record=world.case.consents.latest("created_at"),
        scopes=[Scope.FILMING],
        asked_by="Jo Carter",
        channel=WithdrawalChannel.PHONE,
    )
    if state == "destroyed":
        media_deletion_run(deletion_id=MediaDeletion.objects.get(case=world.case).pk)


def _without_supervision_consent(world: World) -> None:
    from attune.consent.models import WithdrawalChannel
    from attune.consent.services import consent_withdraw

    for adult in world.case.adults.all():
        consent_withdraw(
            actor=world.case.guider,
            record=world.case.consents.filter(adult=adult).latest("created_at"),
            scopes=[Scope.SUPERVISION],
            asked_by="Jo Carter",
            channel=WithdrawalChannel.PHONE,
        )


@pytest.mark.parametrize("state", MEDIA_STATES)
def test_every_kind_of_media_in_every_state(
    state: str, world: World, client_for: ClientFor
) -> None:
    """Film, clip, still and scan: the guider gets each while it is available, 410 for a film,
    clip or still once consent is withdrawn (locked), and nothing once it is destroyed; nobody
    else, a service admin included, ever gets the film, clip or still; outsiders get 404."""
    urls = _media_urls(world)
    _put_media_in(world, state)
    problems = []
    for kind, url in urls.items():
        for role in (*ROLES, "owner"):
            status = client_for(world.users[role]).get(url).status_code
            if role == "anonymous":
                allowed = {302}
            elif role in ("outsider", "other_admin", "colleague"):
                allowed = {404}
            elif role == "owner":
                allowed = (
                    {200}
                    if state == "available"
                    else {410}
                    if state == "locked" and kind != "scan"
                    else {200, 404, 410}
                    if state == "locked"
                    else {404, 410}
                )
            elif role == "service_admin" and kind == "scan":
                allowed = {200} if state != "destroyed" else {404, 410}
            elif role == "supervisor" and kind == "scan":
                allowed = {403}  # a signature is a consent record, not for supervision
            elif role == "supervisor" and state == "available":
                allowed = {200}  # every adult consents to supervision in this world
            else:
                allowed = {403, 404, 410}
            if status not in allowed:
                problems.append(f"{state:>9} {kind:<5} {role:>13} → {status}")
    assert not problems, "\n".join(problems)


def test_a_supervisor_without_supervision_consent_gets_no_media(
    world: World, client_for: ClientFor
) -> None:
    urls = _media_urls(world)
    _without_supervision_consent(world)
    supervisor = client_for(world.users["supervisor"])

    answers = {kind: supervisor.get(url).status_code for kind, url in urls.items()}
    answers["editor"] = supervisor.get(f"/moments/films/{world.film.pk}/").status_code

    assert all(status in (403, 404) for status in answers.values()), answers
