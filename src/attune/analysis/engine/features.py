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
#: Spectral subtraction of the background: how much of the pause spectrum to remove, and the
#: share of each bin's power that is always kept.
OVER_SUBTRACT = 2.0
SPECTRAL_FLOOR = 0.1
#: The background is measured in the pauses between speech: at most this much of them...
NOISE_SECONDS = 30.0
#: ... and not at all with less than this.
MIN_NOISE_SECONDS = 0.5


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


def _power(audio: np.ndarray) -> np.ndarray:
    """Power spectrum of each 10 ms hop of ``audio`` (Hann window, pre-emphasis)."""
    hop = int(HOP * SAMPLE_RATE)
    win = int(WIN * SAMPLE_RATE)
    n = max(0, (audio.size - win) // hop + 1)
    if n == 0:
        return np.zeros((0, N_FFT // 2 + 1))
    idx = np.arange(win)[None, :] + hop * np.arange(n)[:, None]
    frames = audio[idx] * np.hanning(win)[None, :]
    # pre-emphasis keeps the formant structure visible above the strong low harmonics
    frames[:, 1:] -= 0.95 * frames[:, :-1]
    return np.abs(np.fft.rfft(frames, N_FFT, axis=1)) ** 2


def noise_spectrum(
    audio: np.ndarray, speech: list[Span], most: float = NOISE_SECONDS
) -> np.ndarray | None:
    """The average power spectrum of the background: the pauses between ``speech`` (at most
    ``most`` seconds of them, spread over the film).  None when there is too little pause."""
    margin = 0.1  # keep clear of the soft edges of speech
    length = audio.size / SAMPLE_RATE
    starts = [0.0, *(span.end for span in speech)]
    ends = [*(span.start for span in speech), length]
    gaps = [
        (int((a + margin) * SAMPLE_RATE), int((b - margin) * SAMPLE_RATE))
        for a, b in zip(starts, ends, strict=True)
        if b - a - 2 * margin >= WIN + HOP
    ]
    total = sum(b - a for a, b in gaps) / SAMPLE_RATE
    if total < MIN_NOISE_SECONDS:
        return None
    step = max(1, int(np.ceil(total / most)))
    powers = [_power(audio[a:b].astype(np.float64)) for a, b in gaps[::step]]
    stacked = np.concatenate([p for p in powers if p.size], axis=0) if powers else np.zeros(0)
    if stacked.shape[0] < 20:
        return None
    return np.asarray(np.mean(stacked, axis=0))


def _spectral(
    audio: np.ndarray, noise: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cepstrum, centroid, log energy and log mel spectrum for each 10 ms hop of ``audio``.

    With ``noise`` (the background's power spectrum) the background is subtracted first
    (spectral subtraction, over-subtracting and keeping a floor so no band becomes empty):
    steady household noise otherwise fills the valleys between formants and drags the
    spectral features of quiet speech, often the child's, towards the noise."""
    power = _power(audio)
    if power.shape[0] == 0:
        return np.zeros((0, N_CEPS)), np.zeros(0), np.zeros(0), np.zeros((0, N_MELS))
    if noise is not None:
        power = np.maximum(power - OVER_SUBTRACT * noise[None, :], SPECTRAL_FLOOR * power)
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


def frame_features(
    audio: np.ndarray, speech: list[Span], noise: np.ndarray | None = None
) -> FrameFeatures:
    """Features for every 10 ms frame inside the ``speech`` spans (``noise``: see
    ``_spectral``)."""
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
        ceps, centroid, energy, mel = _spectral(piece, noise)
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
