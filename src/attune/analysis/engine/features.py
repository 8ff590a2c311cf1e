"""Acoustic features for telling speakers apart: pitch (Praat, through parselmouth) and the
shape of the spectrum (mel-cepstrum, spectral centroid), every 10 ms over speech only."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from attune.analysis.engine.decode import SAMPLE_RATE
from attune.analysis.engine.result import Span

HOP = 0.01
WIN = 0.025
N_FFT = 512
N_MELS = 32
N_CEPS = 13
PITCH_FLOOR = 75.0
PITCH_CEILING = 700.0


@dataclass
class FrameFeatures:
    """Per 10 ms frame inside speech: time, log pitch (NaN when unvoiced), cepstrum,
    spectral centroid (Hz) and log energy."""

    times: np.ndarray
    log_f0: np.ndarray
    ceps: np.ndarray
    centroid: np.ndarray
    energy: np.ndarray
    #: Log mel spectrum (for the long-term spectrum of each voice).
    mel: np.ndarray


def mel_centres(n_mels: int = N_MELS, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Centre frequency (Hz) of each mel band."""
    lo = 2595 * np.log10(1 + 60.0 / 700)
    hi = 2595 * np.log10(1 + (rate / 2 - 200) / 700)
    return 700 * (10 ** (np.linspace(lo, hi, n_mels + 2)[1:-1] / 2595) - 1)


@functools.lru_cache(maxsize=2)
def _mel_filters(n_mels: int = N_MELS, n_fft: int = N_FFT, rate: int = SAMPLE_RATE) -> np.ndarray:
    def mel(f: np.ndarray) -> np.ndarray:
        return 2595 * np.log10(1 + f / 700)

    def hz(m: np.ndarray) -> np.ndarray:
        return 700 * (10 ** (m / 2595) - 1)

    points = hz(np.linspace(mel(np.array(60.0)), mel(np.array(rate / 2 - 200)), n_mels + 2))
    bins = np.fft.rfftfreq(n_fft, 1 / rate)
    filters = np.zeros((n_mels, bins.size))
    for i in range(n_mels):
        lo, mid, hi = points[i], points[i + 1], points[i + 2]
        up = (bins - lo) / (mid - lo)
        down = (hi - bins) / (hi - mid)
        filters[i] = np.maximum(0, np.minimum(up, down))
    return filters


@functools.lru_cache(maxsize=2)
def _dct_matrix(n_in: int = N_MELS, n_out: int = N_CEPS) -> np.ndarray:
    k = np.arange(n_out)[:, None]
    n = np.arange(n_in)[None, :]
    return np.cos(np.pi * k * (2 * n + 1) / (2 * n_in))


def _spectral(audio: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cepstrum, centroid and log energy for each 10 ms hop of ``audio``."""
    hop = int(HOP * SAMPLE_RATE)
    win = int(WIN * SAMPLE_RATE)
    n = max(0, (audio.size - win) // hop + 1)
    if n == 0:
        return np.zeros((0, N_CEPS)), np.zeros(0), np.zeros(0), np.zeros((0, N_MELS))
    idx = np.arange(win)[None, :] + hop * np.arange(n)[:, None]
    frames = audio[idx] * np.hanning(win)[None, :]
    # pre-emphasis keeps the formant structure visible above the strong low harmonics
    frames[:, 1:] -= 0.95 * frames[:, :-1]
    power = np.abs(np.fft.rfft(frames, N_FFT, axis=1)) ** 2
    bins = np.fft.rfftfreq(N_FFT, 1 / SAMPLE_RATE)
    total = power.sum(axis=1) + 1e-10
    centroid = (power * bins[None, :]).sum(axis=1) / total
    mel = np.log(power @ _mel_filters().T + 1e-8)
    ceps = mel @ _dct_matrix().T
    return ceps, centroid, np.log(total), mel


def _pitch(audio: np.ndarray, times: np.ndarray) -> np.ndarray:
    import parselmouth

    if audio.size < int(0.1 * SAMPLE_RATE):
        return np.full(times.size, np.nan)
    sound = parselmouth.Sound(audio.astype(np.float64), sampling_frequency=SAMPLE_RATE)
    pitch = sound.to_pitch_ac(
        time_step=HOP, pitch_floor=PITCH_FLOOR, pitch_ceiling=PITCH_CEILING, very_accurate=False
    )
    values = pitch.selected_array["frequency"]
    xs = pitch.xs()
    if values.size == 0:
        return np.full(times.size, np.nan)
    f0 = np.where(values > 0, values, np.nan)
    # nearest pitch frame for each feature frame
    pos = np.clip(np.searchsorted(xs, times), 0, xs.size - 1)
    return np.log(f0[pos])


def frame_features(audio: np.ndarray, speech: list[Span]) -> FrameFeatures:
    """Features for every 10 ms frame inside the ``speech`` spans."""
    times: list[np.ndarray] = []
    f0s: list[np.ndarray] = []
    cepss: list[np.ndarray] = []
    cents: list[np.ndarray] = []
    energies: list[np.ndarray] = []
    mels: list[np.ndarray] = []
    hop = int(HOP * SAMPLE_RATE)
    win = int(WIN * SAMPLE_RATE)
    for span in speech:
        a = max(0, int(span.start * SAMPLE_RATE))
        b = min(audio.size, int(span.end * SAMPLE_RATE))
        piece = audio[a:b].astype(np.float64)
        ceps, centroid, energy, mel = _spectral(piece)
        if ceps.shape[0] == 0:
            continue
        local = (np.arange(ceps.shape[0]) * hop + win / 2) / SAMPLE_RATE
        times.append(local + a / SAMPLE_RATE)
        f0s.append(_pitch(piece, local))
        cepss.append(ceps)
        cents.append(centroid)
        energies.append(energy)
        mels.append(mel)
    if not times:
        empty = np.zeros(0)
        return FrameFeatures(
            empty, empty, np.zeros((0, N_CEPS)), empty, empty, np.zeros((0, N_MELS))
        )
    return FrameFeatures(
        np.concatenate(times),
        np.concatenate(f0s),
        np.concatenate(cepss),
        np.concatenate(cents),
        np.concatenate(energies),
        np.concatenate(mels),
    )
