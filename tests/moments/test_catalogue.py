"""The catalogue of principles and behaviours: seeded from the design, edited by the service
admin, read by everyone in the service."""

from __future__ import annotations

from django.test import Client

from attune.accounts.models import Service, User
from attune.audit.models import AuditEvent
from attune.films.models import Film
from attune.moments import selectors, services
from attune.moments.catalogue import SEED
from attune.moments.models import Behaviour, MomentKind, Principle
from tests.conftest import ClientFor


def test_each_service_is_seeded_once(service: Service, other_service: Service) -> None:
    assert services.catalogue_ensure(service=service)
    assert not services.catalogue_ensure(service=service)
    services.catalogue_ensure(service=other_service)

    names = list(Principle.objects.filter(service=service).values_list("name", flat=True))
    assert names == [name for name, _ in SEED]
    assert Principle.objects.filter(service=other_service).count() == 6
    assert Behaviour.objects.filter(principle__service=service, name="waiting").exists()
    assert AuditEvent.objects.filter(action="catalogue.seeded").count() == 2


def test_everyone_in_the_service_reads_it(client_for: ClientFor, owner: User) -> None:
    response = client_for(owner).get("/moments/catalogue/")

    assert response.status_code == 200
    assert b"Receiving initiatives" in response.content
    assert b"<form" not in response.content.split(b"<main")[1]


def test_the_admin_rewords_a_principle_and_its_behaviours(
    client_for: ClientFor, service_admin: User, service: Service
) -> None:
    client = client_for(service_admin)
    client.get("/moments/catalogue/")
    principle = Principle.objects.get(service=service, name="Guiding")
    prefix = f"p{principle.pk}"

    response = client.post(
        "/moments/catalogue/",
        {
            "principle": principle.pk,
            f"{prefix}-name": "Guiding and scaffolding",
            f"{prefix}-description": "",
            f"{prefix}-behaviours": "scaffolding\noffering choices the other can understand\nmodelling",
            f"{prefix}-is_active": "on",
        },
    )

    assert response.status_code == 302
    principle.refresh_from_db()
    assert principle.name == "Guiding and scaffolding"
    active = [b.name for b in principle.behaviours.filter(is_active=True).order_by("position")]
    assert active == ["scaffolding", "offering choices the other can understand", "modelling"]
    assert principle.behaviours.filter(is_active=False).count() == 3  # retired, not deleted
    assert AuditEvent.objects.filter(action="catalogue.principle_updated").exists()


def test_retiring_keeps_existing_tags_and_frees_the_key(service_admin: User, film: Film) -> None:
    service = film.case.service
    services.catalogue_ensure(service=service)
    first = Principle.objects.get(service=service, position=1)
    moment = services.moment_create(
        actor=film.case.guider,
        film=film,
        kind=MomentKind.STILL,
        start_frame=1,
        principles=[first.pk],
    )

    services.principle_update(
        actor=service_admin, principle=first, name=first.name, is_active=False, behaviours=[]
    )

    assert list(moment.principles.all()) == [first]
    keys = {e.principle.name: e.key for e in selectors.catalogue_for_service(service)}
    assert keys[first.name] is None
    assert keys["Encouraging initiatives"] == 1


def test_only_the_admin_changes_it(client_for: ClientFor, owner: User, service: Service) -> None:
    services.catalogue_ensure(service=service)
    principle = Principle.objects.filter(service=service).first()
    assert principle is not None

    response = client_for(owner).post(
        "/moments/catalogue/", {"principle": principle.pk, f"p{principle.pk}-name": "Mine"}
    )

    assert response.status_code == 403


def test_an_admin_adds_a_principle(
    client_for: ClientFor, service_admin: User, service: Service
) -> None:
    client: Client = client_for(service_admin)

    client.post(
        "/moments/catalogue/",
        {"principle": "new", "new-name": "Playfulness", "new-behaviours": "being silly together"},
    )

    added = Principle.objects.get(service=service, name="Playfulness")
    assert added.position == 7
    assert [b.name for b in added.behaviours.all()] == ["being silly together"]
