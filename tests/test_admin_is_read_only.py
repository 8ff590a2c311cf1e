"""Django's admin cannot change anything, signs in through Attune's own sign-in (so the second
factor applies), and is off in production unless asked for."""

from __future__ import annotations

from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from attune.accounts.models import User
from attune.cases.models import Case
from tests.conftest import ClientFor


def test_the_admin_login_is_attunes_sign_in(db: None) -> None:
    response = Client().get("/admin/login/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_off_in_production_every_admin_url_is_not_found(
    db: None, settings: SettingsWrapper
) -> None:
    settings.ATTUNE_ADMIN = False
    client = Client()

    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404
    assert client.post("/admin/login/", {"username": "a", "password": "b"}).status_code == 404


def test_a_superuser_can_look_but_not_change(
    case: Case, owner: User, client_for: ClientFor
) -> None:
    root = User.objects.create_superuser("root@example.org", None, full_name="Root")
    admin = client_for(root)

    assert admin.get(f"/admin/cases/case/{case.pk}/change/").status_code == 200
    page = admin.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    refused = admin.post(
        f"/admin/cases/case/{case.pk}/change/", {"guider": root.pk, "child_name": "x"}
    )
    assert refused.status_code == 403
    case.refresh_from_db()
    assert case.guider_id == owner.pk
    assert admin.get("/admin/cases/case/add/").status_code == 403
    assert admin.post(f"/admin/cases/case/{case.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Case.objects.filter(pk=case.pk).exists()
