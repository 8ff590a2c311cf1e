"""Generated dialogue films shared by the analysis tests (made once per test session)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from attune.analysis.engine import AnalysisResult, analyse
from attune.samples import dialogue as testmedia


@dataclass
class AnalysedDialogue:
    path: Path
    truth: testmedia.Dialogue
    result: AnalysisResult


def _require_espeak() -> None:
    if not testmedia.espeak_available():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")


@pytest.fixture(scope="session")
def clean_dialogue(tmp_path_factory: pytest.TempPathFactory) -> AnalysedDialogue:
    """A 30 s clean dialogue: an adult with a raised pitch and a child."""
    _require_espeak()
    path = tmp_path_factory.mktemp("dialogue") / "clean.mp4"
    truth = testmedia.make_dialogue_film(
        path,
        seed=11,
        seconds=30,
        adult=testmedia.DEV_ADULTS[3],
        child=testmedia.DEV_CHILDREN[2],
    )
    return AnalysedDialogue(path, truth, analyse(path))


@pytest.fixture(scope="session")
def noisy_dialogue(tmp_path_factory: pytest.TempPathFactory) -> AnalysedDialogue:
    """A 30 s dialogue with household noise at 10 dB SNR and a lower adult voice."""
    _require_espeak()
    path = tmp_path_factory.mktemp("dialogue") / "noisy.mp4"
    truth = testmedia.make_dialogue_film(
        path,
        seed=12,
        seconds=30,
        adult=testmedia.DEV_ADULTS[1],
        child=testmedia.DEV_CHILDREN[0],
        snr_db=10,
    )
    return AnalysedDialogue(path, truth, analyse(path))
