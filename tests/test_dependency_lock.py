"""uv.lock pins the whole dependency tree, and the lock check fails when pyproject.toml asks for
something the lock does not pin (so a dependency cannot be added without relocking)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UV = ROOT / ".tools" / "bin" / "uv"


def uv_lock_check(project: Path) -> subprocess.CompletedProcess[str]:
    uv = str(UV) if UV.exists() else shutil.which("uv")
    if uv is None:
        pytest.skip("uv is installed by `make install`")
    return subprocess.run(
        [uv, "lock", "--check", "--offline", "--project", str(project)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    for name in ("pyproject.toml", "uv.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_the_checked_in_lock_matches_pyproject(project_copy: Path) -> None:
    result = uv_lock_check(project_copy)

    assert result.returncode == 0, result.stderr


def test_adding_a_dependency_without_relocking_fails_the_check(project_copy: Path) -> None:
    pyproject = project_copy / "pyproject.toml"
    text = pyproject.read_text()
    # sqlparse is already in the lock (Django needs it), so this fails for being unlocked as a
    # direct requirement, not for want of a network.
    assert '"Django>=5.2,<6.0",' in text
    pyproject.write_text(
        text.replace('"Django>=5.2,<6.0",', '"Django>=5.2,<6.0",\n  "sqlparse>=0.4",')
    )

    result = uv_lock_check(project_copy)

    assert result.returncode != 0
    assert "needs to be updated" in result.stderr
