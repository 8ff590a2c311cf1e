"""Every page of the demo, per role: one table for the accessibility walk and the screenshot walk.

A row names who looks (the demo person whose session it uses, or nobody for the signed-out
pages), a short name for files and reports, and the page's path in the seeded demo. Pages a
family sees on the guider's device (signing consent, the printed consent and letter) are listed
under "family" and use the guider's session, as they do in the room."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from attune.accounts.models import User
from attune.cases.models import Case, CaseState
from attune.demo.seed import DEMO_SERVICE_SLUG

# Who signs in for each role; None is signed out.
ROLE_EMAILS: dict[str, str | None] = {
    "guider": "guider@demo.attune",
    "trainee": "trainee2@demo.attune",
    "supervisor": "supervisor@demo.attune",
    "service admin": "admin@demo.attune",
    "family": "guider@demo.attune",
    "signed out": None,
}


@dataclass(frozen=True)
class DemoPage:
    role: str
    name: str
    path: str
    ready: str = ""  # a CSS selector that is there once the page's scripts have drawn it

    @property
    def slug(self) -> str:
        return f"{self.role.replace(' ', '-')}--{self.name}"


def _case(child: str) -> Case:
    return Case.objects.get(service__slug=DEMO_SERVICE_SLUG, child_name=child)


def _case_pages(role: str, case: Case, name: str) -> list[DemoPage]:
    ref = case.reference
    return [
        DemoPage(role, f"case-{name}", reverse("cases:detail", args=[ref])),
        DemoPage(role, f"cycle-{name}", reverse("cases:cycle", args=[ref, 1])),
    ]


def _film_pages(role: str, case: Case, name: str) -> list[DemoPage]:
    film = case.films.order_by("created_at").first()
    if film is None:
        return []
    return [
        DemoPage(role, f"film-{name}", reverse("films:detail", args=[film.pk])),
        DemoPage(
            role,
            f"editor-{name}",
            reverse("moments:editor", args=[film.pk]),
            ready='[data-editor][data-ready="true"]',
        ),
    ]


def demo_pages() -> list[DemoPage]:
    """The table, read from the seeded demo (``attune demo``; films only where they exist)."""
    referred, agreed = _case("Leo Bennett"), _case("Maya Okafor")
    in_cycles, reviewed = _case("Oliver Price"), _case("Noah Hart")
    closing, trainees = _case("Isla Morgan"), _case("Noah Price")
    trainee = User.objects.get(email=ROLE_EMAILS["trainee"])
    admin = User.objects.get(email=ROLE_EMAILS["service admin"])
    mum = agreed.adults.get()
    record = agreed.consents.order_by("created_at").last()
    assert record is not None, "the demo records consent for the agreed case"
    reviewed_cycle = reviewed.cycles.get(number=1)
    ref = agreed.reference

    pages = [
        DemoPage("signed out", "sign-in", reverse("account_login")),
        DemoPage("signed out", "password-reset", reverse("account_reset_password")),
        DemoPage("signed out", "api-docs", "/api/docs", ready=".opblock"),
        DemoPage("guider", "caseload", reverse("cases:caseload")),
        DemoPage("guider", "case-new", reverse("cases:create")),
        *_case_pages("guider", referred, "referred"),
        *_case_pages("guider", agreed, "agreed"),
        *_case_pages("guider", in_cycles, "in-cycles"),
        *_case_pages("guider", reviewed, "reviewed"),
        *_case_pages("guider", closing, "closing"),
        DemoPage("guider", "case-edit", reverse("cases:edit", args=[ref])),
        DemoPage("guider", "adult-add", reverse("cases:adult_add", args=[ref])),
        DemoPage("guider", "meeting", reverse("cases:meeting", args=[ref])),
        DemoPage("guider", "question-add", reverse("cases:question_add", args=[ref])),
        DemoPage(
            "guider",
            "state-closing",
            reverse("cases:transition", args=[in_cycles.reference, CaseState.CLOSING]),
        ),
        DemoPage("guider", "consent-record", reverse("consent:record", args=[record.pk])),
        DemoPage("guider", "consent-withdraw", reverse("consent:withdraw", args=[record.pk])),
        DemoPage("guider", "concern-new", reverse("safeguarding:create", args=[ref])),
        DemoPage("guider", "subject-access", reverse("retention:sar", args=[ref])),
        *_film_pages("guider", in_cycles, "in-cycles"),
        DemoPage("guider", "review", reverse("reviews:review", args=[reviewed_cycle.pk])),
        DemoPage("guider", "review-present", reverse("reviews:present", args=[reviewed_cycle.pk])),
        DemoPage("guider", "review-guide", reverse("reviews:guide", args=[reviewed_cycle.pk])),
        DemoPage(
            "guider",
            "review-new",
            reverse("reviews:review", args=[in_cycles.cycles.get(number=2).pk]),
        ),
        DemoPage("guider", "letter", reverse("letters:letter", args=[closing.reference])),
        DemoPage("guider", "tokens", reverse("accounts:tokens")),
        DemoPage("guider", "notifications", reverse("supervision:notifications")),
        DemoPage("guider", "two-factor", reverse("mfa_index")),
        DemoPage("guider", "two-factor-setup", reverse("mfa_activate_totp")),
        DemoPage("family", "consent-sign", reverse("consent:capture", args=[ref, mum.pk])),
        DemoPage("family", "consent-print", reverse("consent:print", args=[ref, mum.pk])),
        DemoPage("family", "letter-print", reverse("letters:print", args=[closing.reference])),
        DemoPage(
            "family",
            "letter-print-family-copy",
            reverse("letters:print", args=[closing.reference]) + "?copy=family",
        ),
        DemoPage("trainee", "caseload", reverse("cases:caseload")),
        *_case_pages("trainee", trainees, "current"),
        DemoPage("trainee", "supervision", reverse("supervision:home")),
        DemoPage("trainee", "notifications", reverse("supervision:notifications")),
        DemoPage("supervisor", "caseload", reverse("cases:caseload")),
        DemoPage("supervisor", "supervision", reverse("supervision:home")),
        DemoPage("supervisor", "trainee", reverse("supervision:trainee", args=[trainee.pk])),
        *_case_pages("supervisor", trainees, "trainees"),
        DemoPage("service admin", "people", reverse("accounts:people")),
        DemoPage("service admin", "person", reverse("administration:person", args=[trainee.pk])),
        DemoPage("service admin", "person-self", reverse("administration:person", args=[admin.pk])),
        DemoPage("service admin", "settings", reverse("administration:settings")),
        DemoPage("service admin", "reports", reverse("administration:reports")),
        DemoPage("service admin", "audit", reverse("audit:log")),
        DemoPage("service admin", "suggestions", reverse("analysis:usefulness")),
        DemoPage("service admin", "letter-template", reverse("letters:template")),
        DemoPage("service admin", "consent-forms", reverse("consent:forms")),
        DemoPage("service admin", "deletions", reverse("consent:deletions")),
        DemoPage("service admin", "catalogue", reverse("moments:catalogue")),
        DemoPage("service admin", "case", reverse("cases:detail", args=[in_cycles.reference])),
    ]
    pages += _film_pages("trainee", trainees, "current")
    pages += _film_pages("supervisor", trainees, "trainees")
    return pages
