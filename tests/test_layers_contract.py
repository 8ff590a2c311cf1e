"""The layers contract (pyproject.toml, `make layers`) holds today, and it fails when an app
imports one above it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).parent / "lint-imports"


def lint(src: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=src,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def copy_of_the_code(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "attune",
        src / "attune",
        ignore=shutil.ignore_patterns("__pycache__", "static", "templates", "migrations"),
    )
    return src


def test_the_apps_import_only_downward(tmp_path: Path) -> None:
    result = lint(copy_of_the_code(tmp_path))

    assert result.returncode == 0, result.stdout[-3000:]
    assert "KEPT" in result.stdout


def test_a_lower_app_importing_a_higher_one_breaks_the_contract(tmp_path: Path) -> None:
    src = copy_of_the_code(tmp_path)
    (src / "attune" / "consent" / "shortcut.py").write_text(
        "from attune.retention.services import retention_sweep\n"
    )

    result = lint(src)

    assert result.returncode != 0
    assert "attune.consent is not allowed to import attune.retention" in result.stdout
    assert "attune.consent.shortcut -> attune.retention.services" in result.stdout
