"""``attune analyse FILM --json`` and ``python -m attune.analysis.engine`` print the result."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.analysis.conftest import AnalysedDialogue


def test_management_command_prints_json(clean_dialogue: AnalysedDialogue) -> None:
    out = io.StringIO()
    call_command("analyse", str(clean_dialogue.path), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert {"duration", "speech", "turns", "responses", "suggestions"} <= set(data)
    assert data["turns"]


def test_management_command_prints_a_summary(clean_dialogue: AnalysedDialogue) -> None:
    out = io.StringIO()
    call_command("analyse", str(clean_dialogue.path), stdout=out)
    text = out.getvalue()
    assert "Serve and return" in text
    assert "Suggested moments:" in text


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        call_command("analyse", str(tmp_path / "nope.mp4"), stdout=io.StringIO())


def test_module_entry_point(clean_dialogue: AnalysedDialogue) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "attune.analysis.engine", str(clean_dialogue.path), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(proc.stdout)["speech"]
