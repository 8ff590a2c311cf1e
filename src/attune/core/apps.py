import contextlib
from pathlib import Path
from typing import Any

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "attune.core"
    label = "core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import pre_save

        from attune.core import jobs  # noqa: F401 (registers the scratch sweep with the worker)
        from attune.core.text import clean_model_text

        connection_created.connect(_owner_only_sqlite, dispatch_uid="attune-sqlite-0600")
        pre_save.connect(clean_model_text, dispatch_uid="attune-clean-text")


def _owner_only_sqlite(sender: object, connection: Any, **kwargs: Any) -> None:
    """The SQLite database (and its WAL files) hold names and notes: readable by the owner only."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for path in (Path(name), Path(f"{name}-wal"), Path(f"{name}-shm")):
        with contextlib.suppress(OSError):
            if path.exists() and path.stat().st_mode & 0o077:
                path.chmod(0o600)
