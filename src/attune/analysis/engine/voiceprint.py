"""Voice prints: a speaker embedding for each second of speech, from the GE2E voice encoder
that ships inside the ``Resemblyzer`` wheel (Apache-2.0), run on numpy without torch.

The wheel's ``pretrained.pt`` is a PyTorch checkpoint in the legacy format (a few pickles
followed by the raw tensor bytes).  It is read here with an unpickler that allows only the
handful of names such a checkpoint holds, so loading it runs no code from the file.  The
network is small: three LSTM layers of 256 over 40 mel bands (25 ms windows, 10 ms hop, power
spectrum, Slaney mel scale), then a linear layer, ReLU and length normalisation.

The speaker analysis (``speakers``) adds the prints' main components to the pitch and
spectrum of each block of speech (see ``docs/decisions.md``).  The network runs on one BLAS
thread: its matrix products are small, and more threads only contend for the cores.
"""

from __future__ import annotations

import collections
import functools
import importlib.util
import pickle
import struct
from pathlib import Path
from typing import IO, Any

import numpy as np

from attune.analysis.engine.result import Span

RATE = 16_000
N_FFT = 400
HOP = 160
N_MELS = 40
HIDDEN = 256
#: Each voice print covers this many 10 ms frames, and one starts every ``STEP`` frames.
WINDOW = 100
STEP = 50
#: Two groups of voice prints whose mean directions (the film's mean print taken out) are
#: closer than this (cosine) are one voice.
SAME_VOICE = 0.0
MAX_VOICES = 4


class VoiceModelMissing(RuntimeError):
    pass


def model_path(root: Path | None = None) -> Path:
    """The packaged encoder: inside an installed ``resemblyzer`` (found without importing
    it, as it imports torch), or under ``root``."""
    if root is not None:
        path = root / "resemblyzer" / "pretrained.pt"
        if path.is_file():
            return path
        raise VoiceModelMissing(f"No voice encoder under {root}.")
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise VoiceModelMissing("The voice encoder ships in the Resemblyzer package.")
    for location in spec.submodule_search_locations:
        path = Path(location) / "pretrained.pt"
        if path.is_file():
            return path
    raise VoiceModelMissing("The voice encoder file was not found inside Resemblyzer.")


_DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "LongStorage": np.int64}


class _Storage:
    def __init__(self, dtype: Any) -> None:
        self.dtype = dtype
        self.data: np.ndarray = np.zeros(0, dtype)


def _rebuild(storage: _Storage, offset: int, size: Any, stride: Any, *_: Any) -> tuple[Any, ...]:
    return ("tensor", storage, offset, tuple(size), tuple(stride))


class _Unpickler(pickle.Unpickler):
    def __init__(self, handle: IO[bytes], storages: dict[str, _Storage]) -> None:
        super().__init__(handle)
        self.storages = storages

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild
        if module == "torch" and name in _DTYPES:
            return name
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a voice model")

    def persistent_load(self, pid: Any) -> _Storage:
        _kind, dtype, key = pid[0], pid[1], pid[2]
        if dtype not in _DTYPES:
            raise pickle.UnpicklingError(f"unexpected storage {dtype}")
        return self.storages.setdefault(str(key), _Storage(_DTYPES[dtype]))


def load_weights(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a legacy-format PyTorch checkpoint, as numpy arrays."""
    storages: dict[str, _Storage] = {}
    with open(path, "rb") as handle:
        for _ in range(3):  # magic number, protocol version, system information
            pickle.load(handle)  # noqa: S301 - plain numbers and a dict of sizes
        obj = _Unpickler(handle, storages).load()
        keys = pickle.load(handle)  # noqa: S301 - a list of storage keys
        for key in keys:
            storage = storages[str(key)]
            (count,) = struct.unpack("<q", handle.read(8))
            raw = handle.read(count * np.dtype(storage.dtype).itemsize)
            storage.data = np.frombuffer(raw, storage.dtype)

    def tensor(value: Any) -> np.ndarray:
        _, storage, offset, size, stride = value
        item = storage.data.itemsize
        view = np.lib.stride_tricks.as_strided(
            storage.data[offset:], size, [s * item for s in stride]
        )
        return np.array(view, np.float32)

    state = obj.get("model_state", obj)
    return {k: tensor(v) for k, v in state.items() if isinstance(v, tuple)}


@functools.lru_cache(maxsize=1)
def _mel_filters() -> np.ndarray:
    """Slaney-style mel filters (as librosa makes them by default)."""
    step = np.log(6.4) / 27

    def to_mel(f: np.ndarray) -> np.ndarray:
        return np.where(f >= 1000, 15 + np.log(np.maximum(f, 1e-9) / 1000) / step, f / (200 / 3))

    def to_hz(m: np.ndarray) -> np.ndarray:
        return np.where(m >= 15, 1000 * np.exp(step * (m - 15)), m * 200 / 3)

    edges = to_hz(np.linspace(to_mel(np.array(0.0)), to_mel(np.array(RATE / 2)), N_MELS + 2))
    bins = np.linspace(0, RATE / 2, N_FFT // 2 + 1)
    widths = np.diff(edges)
    ramps = edges[:, None] - bins[None, :]
    filters = np.zeros((N_MELS, bins.size))
    for i in range(N_MELS):
        filters[i] = np.maximum(0, np.minimum(-ramps[i] / widths[i], ramps[i + 2] / widths[i + 1]))
    filters *= (2.0 / (edges[2:] - edges[:N_MELS]))[:, None]
    return filters.astype(np.float32)


def mel_frames(audio: np.ndarray) -> np.ndarray:
    """Mel power spectrum, one row per 10 ms (centred windows)."""
    padded = np.pad(audio.astype(np.float32), N_FFT // 2)
    n = max(0, 1 + (padded.size - N_FFT) // HOP)
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n)[:, None]
    window = np.hanning(N_FFT + 1)[:-1].astype(np.float32)
    power = np.abs(np.fft.rfft(padded[idx] * window, N_FFT, axis=1)) ** 2
    return np.asarray(power @ _mel_filters().T, np.float32)


class VoiceEncoder:
    def __init__(self, path: Path | None = None) -> None:
        state = load_weights(path or model_path())
        self.layers = [
            (
                state[f"lstm.weight_ih_l{k}"].T.copy(),
                state[f"lstm.weight_hh_l{k}"].T.copy(),
                state[f"lstm.bias_ih_l{k}"] + state[f"lstm.bias_hh_l{k}"],
            )
            for k in range(3)
        ]
        self.linear = (state["linear.weight"].T.copy(), state["linear.bias"])

    def embed(self, mels: np.ndarray) -> np.ndarray:
        """Voice prints for a batch of mel windows (batch, frames, 40): (batch, 256), unit
        length."""
        x = mels.astype(np.float32)
        h = np.zeros((x.shape[0], HIDDEN), np.float32)
        for w_in, w_hidden, bias in self.layers:
            pre = x @ w_in + bias
            h = np.zeros((x.shape[0], HIDDEN), np.float32)
            c = np.zeros_like(h)
            out = np.empty((x.shape[0], x.shape[1], HIDDEN), np.float32)
            for t in range(x.shape[1]):
                gates = pre[:, t] + h @ w_hidden
                i, f, g, o = np.split(gates, 4, axis=1)
                c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
                h = _sigmoid(o) * np.tanh(c)
                out[:, t] = h
            x = out
        weight, bias = self.linear
        e = np.maximum(0.0, h @ weight + bias)
        return np.asarray(e / (np.linalg.norm(e, axis=1, keepdims=True) + 1e-9))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)))


def voice_prints(
    encoder: VoiceEncoder, audio: np.ndarray, speech: list[Span]
) -> tuple[np.ndarray, np.ndarray]:
    """One voice print per second of speech (a new one every half second): centre times
    (seconds) and prints."""
    level = float(np.sqrt(np.mean(audio**2))) if audio.size else 0.0
    gain = min(10.0, 10 ** (-30 / 20) / level) if level > 0 else 1.0
    windows: list[np.ndarray] = []
    starts: list[int] = []
    total = audio.size // HOP
    for span in speech:
        a, b = round(span.start * 100), round(span.end * 100)
        if b - a < WINDOW // 2 or a + WINDOW > total:
            continue
        # Only the speech (and a short window's worth after it) is turned into mel frames:
        # frame j of this piece is frame a + j of the film.
        mel = mel_frames(audio[a * HOP : max(b, a + WINDOW) * HOP] * gain)
        last = max(0, min(b - a, mel.shape[0]) - WINDOW)
        local = list(range(0, last + 1, STEP))
        if local[-1] != last:
            local.append(last)
        windows += [mel[j : j + WINDOW] for j in local if j + WINDOW <= mel.shape[0]]
        starts += [a + j for j in local if j + WINDOW <= mel.shape[0]]
    if not starts:
        return np.zeros(0), np.zeros((0, HIDDEN), np.float32)
    batch = np.stack(windows)
    prints = np.concatenate([encoder.embed(batch[i : i + 256]) for i in range(0, len(batch), 256)])
    return (np.asarray(starts) + WINDOW / 2) / 100, prints


def cluster_prints(prints: np.ndarray, same_voice: float = SAME_VOICE) -> np.ndarray:
    """Group voice prints into voices, the number estimated: groups whose mean directions are
    closer than ``same_voice`` are merged, the closest first."""
    n = prints.shape[0]
    # What all prints of a film share (the room, the microphone) is taken out first.
    prints = prints - prints.mean(axis=0, keepdims=True)
    prints = prints / (np.linalg.norm(prints, axis=1, keepdims=True) + 1e-9)
    groups: list[list[int]] = [[i] for i in range(n)]
    while len(groups) > 1:
        means = np.stack([prints[g].mean(axis=0) for g in groups])
        means /= np.linalg.norm(means, axis=1, keepdims=True) + 1e-9
        sim = means @ means.T
        np.fill_diagonal(sim, -1.0)
        i, j = np.unravel_index(int(np.argmax(sim)), sim.shape)
        if sim[i, j] < same_voice and len(groups) <= MAX_VOICES:
            break
        groups[i] += groups[j]
        del groups[j]
    labels = np.zeros(n, int)
    for k, g in enumerate(sorted(groups, key=len, reverse=True)):
        labels[g] = k
    return labels
