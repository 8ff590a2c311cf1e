"""`attune demo`: safe to run again, and `--password` lets every demo person sign in with it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Model
from django.test import Client

from attune.accounts.models import Service, SupervisionLink, User
from attune.audit.models import AuditEvent
from attune.cases.models import Adult, Case, Cycle, HelpingQuestion, InitialMeeting
from attune.demo.seed import DEMO_PASSWORD, PEOPLE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]

COUNTED: list[type[Model]] = [
    Service,
    User,
    SupervisionLink,
    Case,
    Adult,
    InitialMeeting,
    HelpingQuestion,
    Cycle,
    AuditEvent,
]


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", "--no-film", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


def signs_in(email: str, password: str) -> bool:
    response = Client().post("/accounts/login/", {"login": email, "password": password})
    return response.status_code == 302 and response["Location"] == "/cases/"


def test_demo_is_idempotent() -> None:
    first = demo()
    after_first = counts()
    second = demo()

    assert counts() == after_first
    # four, two for the shared review and letter, three of the trainee part-way through stage 1
    assert after_first["Case"] == 9
    assert after_first["User"] == len(PEOPLE)
    assert "Created the demo service" in first
    assert "Found the demo service" in second
    for person in PEOPLE:
        assert person.email in first


def test_demo_password_lets_every_demo_person_sign_in() -> None:
    output = demo("--password", "a-fresh-demo-passphrase")

    assert "a-fresh-demo-passphrase" in output
    for person in PEOPLE:
        assert signs_in(person.email, "a-fresh-demo-passphrase"), person.email
        assert not signs_in(person.email, DEMO_PASSWORD)


def test_demo_password_resets_existing_people_and_changes_nothing_else() -> None:
    demo("--quiet")
    before = counts()

    demo("--quiet", "--password", "another-demo-passphrase")

    assert counts() == before
    assert all(signs_in(p.email, "another-demo-passphrase") for p in PEOPLE)


def test_in_production_the_demo_needs_a_password_of_your_own(settings: object) -> None:
    from django.core.management import CommandError

    settings.PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="--password"):
        demo()
    assert not Service.objects.exists()


def test_seeding_the_demo_sends_no_mail(mailoutbox: list[object]) -> None:
    demo()

    assert mailoutbox == []
