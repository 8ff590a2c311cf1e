"""Running the service in Attune's own pages: roles, a leaver's cases handed over first (each
handover audited), deactivation and reactivation, never the last service admin; the service's
settings, each change audited, and the service's own two-factor requirement honoured."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from attune.accounts.models import SupervisionLink, User
from attune.administration import services
from attune.audit.models import AuditEvent
from attune.cases.models import Case
from attune.core.errors import PermissionDenied, ServiceError
from attune.supervision.models import AccreditationTargets
from tests.conftest import ClientFor

pytestmark = pytest.mark.django_db


def test_the_admin_changes_roles_and_it_is_audited(
    colleague: User, service_admin: User, client_for: ClientFor
) -> None:
    response = client_for(service_admin).post(
        f"/service/people/{colleague.pk}/",
        {"action": "roles", "is_guider": "on", "is_trainee": "on", "is_supervisor": "on"},
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_trainee and colleague.is_supervisor
    event = AuditEvent.objects.get(action="user.roles_changed")
    assert event.details["is_supervisor"] == [False, True]


def test_nobody_can_remove_the_last_service_admin(service_admin: User) -> None:
    with pytest.raises(ServiceError, match="last service admin"):
        services.user_roles_change(
            actor=service_admin, person=service_admin, is_service_admin=False, is_guider=True
        )
    with pytest.raises(ServiceError):
        services.user_deactivate(actor=service_admin, person=service_admin)
    User.objects.create_user(
        "second@example.org", None, service=service_admin.service, is_service_admin=True
    )
    services.user_roles_change(
        actor=service_admin, person=service_admin, is_service_admin=False, is_guider=True
    )
    service_admin.refresh_from_db()
    assert not service_admin.is_service_admin


def test_a_leaver_hands_over_every_open_case_first(
    case: Case,
    owner: User,
    colleague: User,
    supervisor: User,
    service_admin: User,
    client_for: ClientFor,
) -> None:
    User.objects.filter(pk=colleague.pk).update(is_guider=True)
    admin = client_for(service_admin)
    admin.post(f"/service/people/{owner.pk}/", {"action": "deactivate"})
    owner.refresh_from_db()
    assert owner.is_active  # refused: one open case

    response = admin.post(
        f"/service/people/{owner.pk}/",
        {"action": "handover", "case": case.reference, "to_guider": colleague.pk},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.guider_id == colleague.pk
    handover = AuditEvent.objects.get(action="case.handed_over")
    assert handover.case_id == case.pk
    assert handover.details == {"from": owner.email, "to": colleague.email}

    admin.post(f"/service/people/{owner.pk}/", {"action": "deactivate"})
    owner.refresh_from_db()
    assert not owner.is_active
    assert not SupervisionLink.objects.filter(supervisee=owner, ended_on__isnull=True).exists()
    assert client_for(owner).get("/cases/").status_code == 302  # signed out

    admin.post(f"/service/people/{owner.pk}/", {"action": "reactivate"})
    owner.refresh_from_db()
    assert owner.is_active
    assert AuditEvent.objects.filter(action="user.reactivated").count() == 1


def test_a_case_is_never_handed_to_someone_outside_the_service(
    case: Case, service_admin: User, outsider: User
) -> None:
    with pytest.raises(ServiceError):
        services.case_handover(actor=service_admin, case=case, to_guider=outsider)


def test_only_this_services_admin_runs_it(
    owner: User,
    colleague: User,
    supervisor: User,
    other_admin: User,
    outsider: User,
    client_for: ClientFor,
) -> None:
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=other_admin, person=colleague)
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=supervisor, person=colleague)
    assert client_for(other_admin).get(f"/service/people/{colleague.pk}/").status_code == 404
    assert client_for(owner).get(f"/service/people/{colleague.pk}/").status_code == 403
    assert client_for(owner).get("/service/settings/").status_code == 403
    assert client_for(outsider).get(f"/service/people/{colleague.pk}/").status_code == 403
    assert client_for(outsider).get("/service/settings/").status_code == 403


def test_settings_changes_are_audited(service_admin: User, client_for: ClientFor) -> None:
    response = client_for(service_admin).post(
        "/service/settings/",
        {
            "service-retention_days": "14",
            "service-records_years": "7",
            "service-require_mfa": "on",
            **{
                f"targets-stage{n}_{w}": "5"
                for n in (1, 2, 3)
                for w in ("cycles", "clients", "hours")
            },
        },
    )
    assert response.status_code == 302, response.content
    service = service_admin.service
    assert service is not None
    service.refresh_from_db()
    assert service.retention_days == 14 and service.require_mfa
    changed = AuditEvent.objects.get(action="settings.changed")
    assert changed.details["retention_days"] == [30, 14]
    assert AccreditationTargets.objects.get(service=service).stage1_cycles == 5
    assert AuditEvent.objects.get(action="settings.accreditation_changed").details[
        "stage1_cycles"
    ] == [6, 5]


def test_a_service_that_requires_two_factor_sign_in_gets_it(
    owner: User, outsider: User, client_for: ClientFor, settings: SettingsWrapper
) -> None:
    settings.ATTUNE_REQUIRE_MFA = False
    service = owner.service
    assert service is not None
    service.require_mfa = True
    service.save()
    response = client_for(owner).get("/cases/")
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate" in response["Location"]
    assert client_for(outsider).get("/cases/").status_code == 200  # the other service does not
