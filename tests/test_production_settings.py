"""In production, missing secrets stop start-up with a message that names them; a complete
configuration passes Django's deployment checks without a single warning."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

SETUP = "import django; django.setup()"


def complete(tmp_path: Path) -> dict[str, str]:
    return {
        "ATTUNE_ENV": "production",
        "ATTUNE_DATA_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "attune.example.org",
        "ATTUNE_MASTER_KEY": secrets.token_hex(32),
    }


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # Start from a clean slate: nothing from the developer's or the test run's configuration.
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ATTUNE_", "DJANGO_", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"))
    }
    base["DJANGO_SETTINGS_MODULE"] = "attune.settings"
    return subprocess.run(
        args, env={**base, **env}, capture_output=True, text=True, timeout=120, check=False
    )


def setup_django(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run(env, sys.executable, "-c", SETUP)


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("SECRET_KEY", "SECRET_KEY"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS"),
        ("ATTUNE_MASTER_KEY", "ATTUNE_MASTER_KEY"),
    ],
)
def test_production_refuses_to_start_without(missing: str, named: str, tmp_path: Path) -> None:
    env = complete(tmp_path)
    del env[missing]

    done = setup_django(env)

    assert done.returncode != 0
    last_line = done.stderr.strip().splitlines()[-1]
    assert "ConfigError" in last_line
    assert named in last_line


def test_nonsense_settings_are_refused_by_name(tmp_path: Path) -> None:
    done = setup_django({**complete(tmp_path), "ATTUNE_DEBUG": "perhaps"})

    assert done.returncode != 0
    assert "ATTUNE_DEBUG must be one of" in done.stderr


def test_a_complete_production_configuration_passes_the_deploy_checks(tmp_path: Path) -> None:
    attune = str(Path(sys.executable).with_name("attune"))

    done = run(complete(tmp_path), attune, "check", "--deploy", "--fail-level", "WARNING")

    assert done.returncode == 0, done.stderr + done.stdout
    assert "no issues" in done.stdout


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("SECRET_KEY", "x", "SECRET_KEY"),
        ("SECRET_KEY", "a" * 60, "SECRET_KEY"),
        ("ALLOWED_HOSTS", "*", "ALLOWED_HOSTS"),
        ("ALLOWED_HOSTS", "attune.example.org,*", "ALLOWED_HOSTS"),
        ("ATTUNE_REQUIRE_MFA", "0", "ATTUNE_REQUIRE_MFA"),
        ("ATTUNE_MASTER_KEY", "00" * 32, "ATTUNE_MASTER_KEY"),
        ("ATTUNE_MASTER_KEY", "not-a-key", "ATTUNE_MASTER_KEY"),
        ("ATTUNE_MASTER_KEY", "ab" * 16, "ATTUNE_MASTER_KEY"),
    ],
)
def test_a_weak_production_setting_stops_start_up_by_name(
    setting: str, value: str, named: str, tmp_path: Path
) -> None:
    attune = str(Path(sys.executable).with_name("attune"))
    env = {**complete(tmp_path), setting: value}

    done = run(env, attune, "check", "--deploy")

    assert done.returncode != 0
    last_line = done.stderr.strip().splitlines()[-1]
    assert "ConfigError" in last_line and named in last_line
