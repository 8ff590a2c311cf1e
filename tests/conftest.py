"""The base fixture set: two services, a case and someone in every role around it.

`owner` guides `case`; `colleague` is another guider in the same service; `service_admin` runs the
service; `supervisor` supervises `owner`; `outsider` is a guider in `other_service`, whose admin
is `other_admin`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from attune.accounts.models import Service, User
from attune.cases.models import Case
from attune.vault.keys import master_key
from attune.vault.storage import vault_storage
from tests.factories import ServiceFactory, SupervisionLinkFactory, UserFactory, make_ready_case

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"

ClientFor = Callable[[User | None], Client]


def _forget_cached_locations() -> None:
    # allauth's rate limits count in the cache: each test starts with none used.
    from django.core.cache import cache

    cache.clear()
    # The vault caches its storage and master key per process; each test has its own data dir.
    vault_storage.cache_clear()
    master_key.cache_clear()


@pytest.fixture(autouse=True)
def _files_under_tmp_path(settings: SettingsWrapper, tmp_path: Path) -> Iterator[None]:
    """Whatever a test writes (media, keys, scratch files) lands under its own tmp_path, whatever
    ATTUNE_DATA_DIR says."""
    data = tmp_path / "data"
    data.mkdir()
    settings.DATA_DIR = data
    settings.MEDIA_ROOT = str(data / "media")
    settings.SCRATCH_DIR = data / "scratch"
    settings.ATTUNE_MASTER_KEY = ""
    settings.ATTUNE_MASTER_KEY_FILE = data / "master.key"
    settings.STATIC_ROOT = data / "static"
    settings.STATIC_ROOT.mkdir()
    # WhiteNoise otherwise indexes every static file whenever a test client starts (a tenth of
    # a second each); looking files up per request serves them just the same.
    settings.WHITENOISE_AUTOREFRESH = True
    _forget_cached_locations()
    yield
    _forget_cached_locations()


@pytest.fixture
def fast_passwords(settings: SettingsWrapper) -> None:
    """For tests that make many passwords but do not test hashing: Argon2 is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def service(db: None) -> Service:
    return ServiceFactory.create(name="Severn Vale EPS", slug="severn-vale")


@pytest.fixture
def other_service(db: None) -> Service:
    return ServiceFactory.create(name="Wyre Forest EPS", slug="wyre-forest")


@pytest.fixture
def owner(service: Service) -> User:
    return UserFactory.create(
        service=service, email="owner@example.org", full_name="Olivia Owner", is_guider=True
    )


@pytest.fixture
def colleague(service: Service) -> User:
    return UserFactory.create(
        service=service, email="colleague@example.org", full_name="Colin Colleague"
    )


@pytest.fixture
def service_admin(service: Service) -> User:
    return UserFactory.create(
        service=service,
        email="admin@example.org",
        full_name="Aisha Admin",
        is_guider=False,
        is_service_admin=True,
    )


@pytest.fixture
def supervisor(service: Service, owner: User) -> User:
    user = UserFactory.create(
        service=service,
        email="supervisor@example.org",
        full_name="Sunita Supervisor",
        is_guider=True,
        is_supervisor=True,
    )
    SupervisionLinkFactory.create(service=service, supervisor=user, supervisee=owner)
    return user


@pytest.fixture
def outsider(other_service: Service) -> User:
    return UserFactory.create(
        service=other_service, email="outsider@example.org", full_name="Oscar Outsider"
    )


@pytest.fixture
def other_admin(other_service: Service) -> User:
    """The service admin of the other service."""
    return UserFactory.create(
        service=other_service,
        email="other-admin@example.org",
        is_guider=False,
        is_service_admin=True,
    )


@pytest.fixture
def case(owner: User) -> Case:
    """Referred, with one adult, the initial meeting and one helping question (all audited)."""
    return make_ready_case(owner, child_name="Sam Carter", child_age_years=6)


@pytest.fixture
def client_for(db: None) -> ClientFor:
    """`client_for(user)` is a test client signed in as `user`; `client_for(None)` is anonymous."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend=LOGIN_BACKEND)
        return client

    return make
