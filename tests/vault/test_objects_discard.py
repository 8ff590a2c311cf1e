"""Discarding what a failed job wrote removes only objects that no saved row claims: a failure
raised after the rows were committed (by a hook run on commit) must not delete saved media."""

from __future__ import annotations

import io

import pytest

from attune.cases.models import Case
from attune.vault.models import ObjectKind, VaultObject
from attune.vault.services import object_write, objects_discard, storage_mismatches
from attune.vault.storage import list_names, vault_storage


@pytest.fixture(autouse=True)
def _fresh_storage() -> None:
    vault_storage.cache_clear()


def test_an_unsaved_object_is_removed_and_a_saved_one_kept(case: Case) -> None:
    saved = object_write(case=case, kind=ObjectKind.POSTER, src=io.BytesIO(b"saved poster"))
    unsaved = object_write(case=case, kind=ObjectKind.POSTER, src=io.BytesIO(b"never saved"))
    VaultObject.objects.bulk_create([saved])

    objects_discard([saved, unsaved])

    assert list_names() == [saved.storage_name]
    assert storage_mismatches() == ([], [])


def test_nothing_is_removed_when_the_rows_cannot_be_read(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database is gone: which objects are saved is unknown, so the orphan sweep decides."""
    obj = object_write(case=case, kind=ObjectKind.POSTER, src=io.BytesIO(b"a poster"))

    def database_gone(*args: object, **kwargs: object) -> None:
        raise ConnectionError("the database is not answering")

    monkeypatch.setattr(VaultObject.objects, "filter", database_gone)
    objects_discard([obj])

    assert list_names() == [obj.storage_name]
