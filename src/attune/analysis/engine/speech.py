"""Speech activity with the Silero VAD model that ships inside the ``faster-whisper`` wheel.

The ONNX model is run directly on ``onnxruntime`` (no torch, nothing downloaded).  The model
gives a speech probability for every 32 ms of 16 kHz sound; hysteresis turns those into
segments, tuned for conversation with young children: short words count, and a pause of a
quarter of a second already separates two segments (turn-taking happens at that scale).
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from attune.analysis.engine.decode import SAMPLE_RATE
from attune.analysis.engine.result import Span

WINDOW = 512  # samples per model step (32 ms at 16 kHz)
CONTEXT = 64
HOP_SECONDS = WINDOW / SAMPLE_RATE


@dataclass(frozen=True)
class VadSettings:
    threshold: float = 0.5
    neg_threshold: float = 0.35
    min_speech: float = 0.12
    min_silence: float = 0.25
    pad: float = 0.05


class ModelMissing(RuntimeError):
    pass


def model_path() -> Path:
    """Where the packaged Silero VAD model lies (found without importing faster-whisper)."""
    spec = importlib.util.find_spec("faster_whisper")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing("The speech model is missing: install the faster-whisper package.")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "assets" / "silero_vad_v6.onnx"
        if candidate.is_file():
            return candidate
    raise ModelMissing("The speech model file was not found inside faster-whisper.")


@functools.lru_cache(maxsize=1)
def _session() -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = 1
    options.log_severity_level = 4
    return onnxruntime.InferenceSession(
        str(model_path()), providers=["CPUExecutionProvider"], sess_options=options
    )


def speech_probabilities(audio: np.ndarray) -> np.ndarray:
    """One speech probability per 32 ms window of 16 kHz mono ``audio``."""
    if audio.size == 0:
        return np.zeros(0, np.float32)
    padded = np.pad(audio.astype(np.float32), (0, (-audio.size) % WINDOW))
    windows = padded.reshape(-1, WINDOW)
    context = np.roll(windows[:, -CONTEXT:], 1, axis=0)
    context[0] = 0.0
    batch = np.concatenate([context, windows], axis=1)
    session = _session()
    state_h = np.zeros((1, 1, 128), np.float32)
    state_c = np.zeros((1, 1, 128), np.float32)
    outputs = []
    for i in range(0, batch.shape[0], 10_000):
        out, state_h, state_c = session.run(
            None, {"input": batch[i : i + 10_000], "h": state_h, "c": state_c}
        )
        outputs.append(np.asarray(out).reshape(-1))
    return np.concatenate(outputs).astype(np.float32)


def segments_from_probabilities(
    probs: np.ndarray, settings: VadSettings = VadSettings(), duration: float | None = None
) -> list[Span]:
    """Hysteresis over the probabilities: start above ``threshold``, end after
    ``min_silence`` below ``neg_threshold``."""
    spans: list[Span] = []
    start: int | None = None
    quiet_since: int | None = None
    min_silence = max(1, round(settings.min_silence / HOP_SECONDS))
    for i, p in enumerate(probs):
        if start is None:
            if p >= settings.threshold:
                start, quiet_since = i, None
            continue
        if p >= settings.threshold:
            quiet_since = None
        elif p < settings.neg_threshold:
            if quiet_since is None:
                quiet_since = i
            elif i - quiet_since >= min_silence:
                spans.append(Span(start * HOP_SECONDS, quiet_since * HOP_SECONDS))
                start, quiet_since = None, None
    if start is not None:
        end = quiet_since if quiet_since is not None else len(probs)
        spans.append(Span(start * HOP_SECONDS, end * HOP_SECONDS))
    limit = duration if duration is not None else len(probs) * HOP_SECONDS
    out: list[Span] = []
    for span in spans:
        if span.duration < settings.min_speech:
            continue
        out.append(Span(max(0.0, span.start - settings.pad), min(limit, span.end + settings.pad)))
    return out


#: Quiet recordings: short, soft words (often a young child's) pass a lower bar.
QUIET = VadSettings(threshold=0.4, neg_threshold=0.25)
#: Noisy recordings: the model's usual bar keeps noise from passing as speech.
NOISY = VadSettings()
QUIET_ABOVE_DB = 30.0


def background_margin_db(audio: np.ndarray) -> float:
    """How far (dB) the loud parts stand above the background: a rough signal-to-noise ratio."""
    if audio.size < WINDOW * 4:
        return 0.0
    frames = audio[: audio.size - audio.size % WINDOW].reshape(-1, WINDOW)
    level = 10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-12)
    return float(np.percentile(level, 95) - np.percentile(level, 10))


def settings_for(audio: np.ndarray) -> VadSettings:
    return QUIET if background_margin_db(audio) >= QUIET_ABOVE_DB else NOISY


def detect_speech(audio: np.ndarray, settings: VadSettings | None = None) -> list[Span]:
    """Speech segments in 16 kHz mono ``audio``; the bar adapts to how noisy the film is."""
    probs = speech_probabilities(audio)
    chosen = settings if settings is not None else settings_for(audio)
    return segments_from_probabilities(probs, chosen, duration=audio.size / SAMPLE_RATE)
