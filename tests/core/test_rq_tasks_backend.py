"""`ATTUNE_TASKS=rq` (the scale option) gives a configuration that passes Django's checks, and
its worker command is RQ's: the app django-tasks-rq needs (django_rq) is installed with it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHECK = (
    "import django; django.setup();"
    "from django.conf import settings; from django.core.management import call_command;"
    "call_command('check');"
    "print(settings.TASKS['default']['BACKEND'], 'django_rq' in settings.INSTALLED_APPS)"
)


def test_the_rq_backend_passes_the_system_checks(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ATTUNE_", "DATABASE_URL"))},
        "DJANGO_SETTINGS_MODULE": "attune.settings",
        "ATTUNE_DATA_DIR": str(tmp_path),
        "ATTUNE_TASKS": "rq",
        "REDIS_URL": "redis://127.0.0.1:6379/14",
    }
    result = subprocess.run(
        [sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["django_tasks_rq.RQBackend", "True"]
