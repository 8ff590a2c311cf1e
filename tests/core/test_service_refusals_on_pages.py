"""A page answers a service's refusal with the 403 page and the refusal's words; a case the
person cannot see at all is a 404, never a 403."""

from __future__ import annotations

from django.urls import reverse

from attune.accounts.models import User
from attune.cases.models import Case
from tests.conftest import ClientFor


def test_someone_who_may_only_read_a_case_is_refused_with_the_reason(
    case: Case, supervisor: User, service_admin: User, client_for: ClientFor
) -> None:
    url = reverse("cases:edit", args=[case.reference])
    for reader in (supervisor, service_admin):
        response = client_for(reader).post(url, {"child_name": "Someone else"})

        assert response.status_code == 403
        assert "Only the case&#x27;s guider can change it." in response.content.decode()
    case.refresh_from_db()
    assert case.child_name != "Someone else"


def test_an_outsider_gets_not_found(case: Case, outsider: User, client_for: ClientFor) -> None:
    response = client_for(outsider).post(
        reverse("cases:edit", args=[case.reference]), {"child_name": "x"}
    )

    assert response.status_code == 404


def test_the_guider_may_change_it(case: Case, owner: User, client_for: ClientFor) -> None:
    response = client_for(owner).get(reverse("cases:edit", args=[case.reference]))

    assert response.status_code == 200
