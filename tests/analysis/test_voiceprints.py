"""Voice prints: a checkpoint is read without running code from it, prints of two voices
fall into two groups (the number found, not given), and the mel front end is sound."""

from __future__ import annotations

import io
import os
import pickle
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from attune.analysis.engine import voiceprint


def _checkpoint(path: Path, tensors: dict[str, np.ndarray]) -> None:
    """A tiny checkpoint in the legacy PyTorch layout, written by hand."""

    class Tensor:
        def __init__(self, key: str, array: np.ndarray) -> None:
            self.key, self.array = key, array

        def __reduce__(self) -> tuple[object, ...]:
            return (_rebuild_marker, (self,))

    state = {
        name: Tensor(str(i), a.astype(np.float32)) for i, (name, a) in enumerate(tensors.items())
    }

    class Pickler(pickle.Pickler):
        def reducer_override(self, obj: object) -> Any:
            if isinstance(obj, Tensor):
                a = obj.array
                storage = ("storage", "FloatStorage", obj.key, "cpu", a.size)
                stride = tuple(s // 4 for s in a.strides)
                return (_Rebuild, (_Persistent(storage), 0, a.shape, stride, False, {}))
            return NotImplemented

        def persistent_id(self, obj: object) -> object:
            return obj.value if isinstance(obj, _Persistent) else None

    buffer = io.BytesIO()
    for header in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}):
        pickle.dump(header, buffer, protocol=2)
    Pickler(buffer, protocol=2).dump({"model_state": state})
    pickle.dump([t.key for t in state.values()], buffer, protocol=2)
    for t in state.values():
        buffer.write(struct.pack("<q", t.array.size) + t.array.tobytes())
    path.write_bytes(buffer.getvalue())


class _Persistent:
    def __init__(self, value: object) -> None:
        self.value = value


class _Rebuild:  # pickled by reference as torch._utils._rebuild_tensor_v2
    __module__ = "torch._utils"
    __qualname__ = "_rebuild_tensor_v2"


def _rebuild_marker(*_: object) -> None:  # pragma: no cover - never called
    return None


@pytest.fixture(autouse=True)
def _fake_torch_names(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    utils = types.ModuleType("torch._utils")
    utils._rebuild_tensor_v2 = _Rebuild  # type: ignore[attr-defined]
    torch = types.ModuleType("torch")
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch._utils", utils)


def test_a_checkpoint_is_read_as_arrays(tmp_path: Path) -> None:
    weights = {"linear.weight": np.arange(6).reshape(2, 3), "linear.bias": np.array([0.5, -1])}
    path = tmp_path / "model.pt"
    _checkpoint(path, weights)
    loaded = voiceprint.load_weights(path)
    assert set(loaded) == set(weights)
    np.testing.assert_array_equal(loaded["linear.weight"], weights["linear.weight"])
    np.testing.assert_array_equal(loaded["linear.bias"], weights["linear.bias"])


def test_a_checkpoint_that_calls_code_is_refused(tmp_path: Path) -> None:
    class Evil:
        def __reduce__(self) -> tuple[object, ...]:
            return (os.system, ("echo owned",))

    buffer = io.BytesIO()
    headers: tuple[object, ...] = (1, 1001, {})
    for header in headers:
        pickle.dump(header, buffer, protocol=2)
    pickle.dump({"model_state": Evil()}, buffer, protocol=2)
    path = tmp_path / "evil.pt"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(pickle.UnpicklingError, match="not allowed"):
        voiceprint.load_weights(path)


def test_two_voices_give_two_groups() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal(256), rng.standard_normal(256)
    prints = np.vstack(
        [a + 0.3 * rng.standard_normal((30, 256)), b + 0.3 * rng.standard_normal((20, 256))]
    )
    labels = voiceprint.cluster_prints(prints)
    assert len(set(labels[:30].tolist())) == 1
    assert len(set(labels[30:].tolist())) == 1
    assert labels[0] != labels[-1]


def test_the_mel_front_end_puts_a_tone_in_its_band() -> None:
    t = np.arange(16_000) / 16_000
    low = voiceprint.mel_frames(np.sin(2 * np.pi * 300 * t).astype(np.float32))
    high = voiceprint.mel_frames(np.sin(2 * np.pi * 3000 * t).astype(np.float32))
    assert low.shape == (101, 40)
    assert int(np.argmax(low.mean(axis=0))) < int(np.argmax(high.mean(axis=0)))


def test_the_packaged_encoder_tells_two_adults_apart_and_calls_neither_a_child() -> None:
    from attune.analysis.engine import speakers, speech
    from attune.samples import dialogue as testmedia

    try:
        voiceprint.model_path()
    except voiceprint.VoiceModelMissing:
        pytest.skip("the voice encoder (Resemblyzer's wheel) is not installed")
    if not testmedia.espeak_available():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    people = [
        ("adult", testmedia.Voice("m3", 60, speed=150)),
        ("adult", testmedia.Voice("f5", 40, speed=170)),
    ]
    talk = testmedia.render_conversation(people=people, seed=4, seconds=20)
    activity = speech.detect_speech(talk.audio)
    found = speakers.label_speakers(talk.audio, activity, use_voiceprints=True)
    assert len(found.voices) >= 2
    assert found.no_child
    assert {s.speaker for s in found.segments} == {"adult"}


def test_the_main_components_of_prints_separate_two_voices() -> None:
    from attune.analysis.engine import speakers

    rng = np.random.default_rng(5)
    a, b = rng.standard_normal(256), rng.standard_normal(256)
    prints = np.vstack(
        [a + 0.5 * rng.standard_normal((25, 256)), b + 0.5 * rng.standard_normal((15, 256))]
    )
    prints[3] = np.nan  # a block no print covers stays missing
    comps = speakers._print_components(prints)
    assert comps.shape == (40, speakers.PRINT_DIMS)
    assert np.isnan(comps[3]).all()
    first = np.delete(comps[:, 0], 3)
    assert (np.sign(first[:24]) == np.sign(first[0])).all()
    assert (np.sign(first[24:]) == -np.sign(first[0])).all()


def test_voice_prints_are_made_over_speech_only() -> None:
    from attune.analysis.engine.result import Span

    try:
        encoder = voiceprint.VoiceEncoder()
    except voiceprint.VoiceModelMissing:
        pytest.skip("the voice encoder (Resemblyzer's wheel) is not installed")
    rng = np.random.default_rng(2)
    audio = (0.05 * rng.standard_normal(16_000 * 12)).astype(np.float32)
    speech = [Span(1.0, 3.0), Span(6.0, 6.7), Span(9.0, 9.2)]
    times, prints = voiceprint.voice_prints(encoder, audio, speech)
    assert prints.shape == (times.size, voiceprint.HIDDEN)
    # 2 s of speech: prints at 1.5, 2.0 and 2.5 s; 0.7 s: one print; 0.2 s: none
    assert times.tolist() == pytest.approx([1.5, 2.0, 2.5, 6.5])
    assert np.allclose(np.linalg.norm(prints, axis=1), 1.0, atol=1e-3)
