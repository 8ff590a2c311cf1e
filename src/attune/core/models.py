"""Small model helpers shared by domain apps (no domain logic here)."""

from __future__ import annotations

from typing import Any

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Bulk updates and deletes are refused: records that are written once stay as written."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError(f"{self.model.__name__} records are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{self.model.__name__} records are append-only.")


class AppendOnlyModel(models.Model):
    """Written once: saving again or deleting raises, whatever the route."""

    objects = AppendOnlyQuerySet.as_manager()
    #: What to say when someone tries to change a row.
    append_only_hint = "It is written once and never changed."

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} is append-only. {self.append_only_hint}")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{type(self).__name__} is append-only and never deleted.")
