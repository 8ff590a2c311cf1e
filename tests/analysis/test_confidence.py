"""Every suggestion carries a confidence, lower in noise, and the editor's data shows it; the
film says when the sound is too noisy or the faces too small to judge."""

from __future__ import annotations

import pytest

from attune.analysis.engine import AnalysisResult
from attune.analysis.engine.faces import FACES_TOO_SMALL, _Observation, _Sample, summarise
from attune.analysis.engine.pipeline import TOO_NOISY, analyse_audio
from attune.analysis.engine.suggestions import sound_confidence
from attune.samples import dialogue as testmedia


def _analysed(snr: float | None) -> AnalysisResult:
    if not testmedia.espeak_available():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    talk = testmedia.render_dialogue(
        seed=11,
        seconds=30,
        adult=testmedia.DEV_ADULTS[3],
        child=testmedia.DEV_CHILDREN[2],
        snr_db=snr,
    )
    return analyse_audio(talk.audio)


def test_suggestions_are_less_sure_in_noise() -> None:
    clean, noisy = _analysed(None), _analysed(5.0)
    assert clean.suggestions and noisy.suggestions
    assert all(0.0 < s.confidence <= 1.0 for s in clean.suggestions + noisy.suggestions)
    assert max(s.confidence for s in noisy.suggestions) < min(
        s.confidence for s in clean.suggestions
    )
    assert TOO_NOISY in noisy.notes
    assert TOO_NOISY not in clean.notes
    assert all("confidence" in s for s in clean.to_dict()["suggestions"])


def test_an_unsure_voice_lowers_the_confidence() -> None:
    sure = [{"confidence": 0.95}, {"confidence": 0.9}]
    unsure = [{"confidence": 0.95}, {"confidence": 0.55}]
    assert sound_confidence(unsure, 40.0) < sound_confidence(sure, 40.0)
    assert sound_confidence(sure, 12.0) < sound_confidence(sure, 40.0)


@pytest.mark.parametrize(("eyes", "small"), [(6.0, True), (30.0, False)])
def test_small_faces_are_said_to_be_too_small(eyes: float, small: bool) -> None:
    samples = [_Sample(i * 0.2, {"left": _Observation(0.3, 0.0, eyes=eyes)}) for i in range(20)]
    assert (FACES_TOO_SMALL in summarise(samples).notes) is small
