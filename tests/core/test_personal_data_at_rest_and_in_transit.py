"""Pages with personal data and the API are never cached; the SQLite database is the owner's."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from django.test import Client

from attune.accounts.models import User
from attune.cases.models import Case
from tests.conftest import ClientFor

ROOT = Path(__file__).resolve().parents[2]


def test_a_signed_in_page_and_the_api_say_no_store(
    case: Case, owner: User, client_for: ClientFor
) -> None:
    guider = client_for(owner)

    assert guider.get(f"/cases/{case.reference}/")["Cache-Control"] == "no-store"
    assert guider.get("/api/cases")["Cache-Control"] == "no-store"
    assert Client().get("/api/cases")["Cache-Control"] == "no-store"  # even the refusal


def test_the_sqlite_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ATTUNE_", "DATABASE_URL"))}
    env.update(ATTUNE_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="attune.settings")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "attune"), "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]

    for path in tmp_path.glob("attune.sqlite3*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
