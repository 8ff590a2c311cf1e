"""Tell the adult from the child, within one film.

Adults talking to young children often raise their pitch into the child's range, so no fixed
pitch threshold works.  Instead every film is clustered on its own:

1. speech is cut into 0.2 s blocks, each described by the pitch and spectral shape of the
   half second around it: median pitch, pitch variability, spectral centroid and mel-cepstrum
   (which follows the formants: a child's shorter vocal tract puts them higher), and by the
   GE2E voice prints of the seconds around it (``voiceprint``; their main components among
   the blocks being split), which tell apart two adults of similar pitch;
2. a two-component Gaussian mixture is fitted to the blocks (missing pitch in unvoiced blocks,
   or a missing print, is left out of the likelihood rather than guessed);
3. a two-state Viterbi pass over each stretch of speech turns block likelihoods into speaker
   segments, with a cost for switching so one voice is not chopped up;
4. the voices are split again, the clearest split first, while some voice's halves are
   clearly two voices, on pitch and spectrum too (two adults and a child, an adult and two
   children), up to four voices;
5. each voice is named child or adult, from pitch and spectrum only, by a calibrated rule:
   its median pitch must pass an absolute bar (250 Hz, above everyday adult speech), and
   then the relative cues (higher pitch, a long-term spectrum shifted up, shorter stretches
   of speech) must call it the child's against the other voices.  When no voice passes, the
   film says "no child heard".

When the two first components are not clearly different the film is treated as one voice.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import threadpoolctl

from attune.analysis.engine import voiceprint
from attune.analysis.engine.features import (
    FrameFeatures,
    frame_features,
    mel_centres,
    noise_spectrum,
)
from attune.analysis.engine.result import Segment, Span
from attune.analysis.engine.speech import QUIET_ABOVE_DB, background_margin_db

BLOCK = 0.2
CONTEXT = 0.25  # seconds either side of a block that describe it
SWITCH_COST = 10.0  # log-likelihood a speaker change must earn
MIN_SEPARATION = 0.8  # below this (pooled standard deviations) it is one voice
MIN_SHARE = 0.06
EM_ITERATIONS = 40
MAX_SHIFT = 0.4
#: A voice's halves this far apart (pooled standard deviations) are two voices.
SPLIT_SEPARATION = 2.0
#: ... when each has at least this much speech (seconds).
MIN_VOICE_SECONDS = 1.5
MAX_VOICES = 4
#: A voice is a child's only above this median pitch (Hz).  Adult women speak at about
#: 165-255 Hz and raise it for a child; young children speak at about 250-400 Hz.  Below
#: this bar no other cue can make a voice a child's, so two adults are never called adult
#: and child.
CHILD_MIN_PITCH = 250.0
#: The median pitch from which the pitch cue is fully confident.
CHILD_SURE_PITCH = 300.0
#: A voice split off after the first two must differ on pitch and spectrum alone by this much
#: too (pooled standard deviations): voice prints split one voice into several otherwise.
SPLIT_PLAIN = 1.5


@dataclass
class SpeakerResult:
    segments: list[Segment]
    notes: list[str] = field(default_factory=list)
    single_voice: bool = False
    #: One entry per voice heard: its number, role, seconds of speech, median pitch and how
    #: sure the naming is.
    voices: list[dict[str, Any]] = field(default_factory=list)
    no_child: bool = False
    #: The same speech labelled by voice (``"voice 1"``, ...), for scoring against truth.
    voice_segments: list[Segment] = field(default_factory=list)


@dataclass
class _Blocks:
    span_index: np.ndarray  # which speech span each block belongs to
    starts: np.ndarray
    ends: np.ndarray
    x: np.ndarray  # (n, d) features, NaN where missing
    #: Each block's voice print (n, 256), NaN where no print covers it; None without prints.
    prints: np.ndarray | None = None


def _block_features(feats: FrameFeatures, speech: list[Span]) -> _Blocks:
    rows: list[np.ndarray] = []
    spans: list[int] = []
    starts: list[float] = []
    ends: list[float] = []
    times = feats.times
    loud = feats.energy > (np.percentile(feats.energy, 20) if feats.energy.size else 0)
    log_centroid = np.log(np.maximum(feats.centroid, 50.0))
    for k, span in enumerate(speech):
        n = max(1, round(span.duration / BLOCK))
        edges = np.linspace(span.start, span.end, n + 1)
        for a, b in itertools.pairwise(edges):
            lo = np.searchsorted(times, a - CONTEXT)
            hi = np.searchsorted(times, b + CONTEXT)
            window = slice(lo, hi)
            sel = loud[window]
            if hi - lo < 3 or sel.sum() < 3:
                sel = np.ones(hi - lo, bool)
            f0 = feats.log_f0[window]
            voiced = f0[~np.isnan(f0)]
            ceps = feats.ceps[window][sel] if hi > lo else np.zeros((0, feats.ceps.shape[1]))
            cent = log_centroid[window][sel] if hi > lo else np.zeros(0)
            row = np.full(3 + feats.ceps.shape[1] - 1, np.nan)
            if voiced.size >= 3:
                row[0] = float(np.median(voiced))
                row[1] = float(np.std(voiced))
            if cent.size:
                row[2] = float(np.median(cent))
            if ceps.shape[0]:
                row[3:] = ceps[:, 1:].mean(axis=0)
            rows.append(row)
            spans.append(k)
            starts.append(float(a))
            ends.append(float(b))
    d = 3 + (feats.ceps.shape[1] - 1 if feats.ceps.ndim == 2 else 12)
    return _Blocks(
        np.asarray(spans, int),
        np.asarray(starts),
        np.asarray(ends),
        np.vstack(rows) if rows else np.zeros((0, d)),
    )


# Weights per feature (after standardising): pitch level and spectral brightness carry most.
WEIGHTS = (1.0, 0.3, 0.5, 1.0)  # pitch level, pitch variability, centroid, each cepstral
#: Pitch level's weight in a noisy film: noise disturbs the spectrum far more than the pitch.
NOISY_PITCH_WEIGHT = 1.5


#: Each voice-print component's weight (after standardising).
PRINT_WEIGHT = 4.0
#: How many principal components of the film's voice prints join the block features.
PRINT_DIMS = 4


def _weights(d: int, prints: int = 0) -> np.ndarray:
    w = np.full(d, WEIGHTS[3])
    w[:3] = WEIGHTS[:3]
    if prints:
        w[d - prints :] = PRINT_WEIGHT
    return w


def _log_likelihood(z: np.ndarray, mean: np.ndarray, var: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted diagonal Gaussian log-likelihood, skipping missing values."""
    present = ~np.isnan(z)
    diff = np.where(present, z - mean, 0.0)
    terms = -0.5 * (diff**2 / var + np.log(2 * np.pi * var))
    return (np.where(present, terms, 0.0) * w).sum(axis=1)


def _fit(
    z: np.ndarray, w: np.ndarray, init: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """EM for a two-component diagonal mixture with missing values; ``init`` is the initial
    probability of component 1 for each block."""
    resp = np.stack([1 - init, init], axis=1)
    present = ~np.isnan(z)
    zz = np.where(present, z, 0.0)
    means = np.zeros((2, z.shape[1]))
    variances = np.ones((2, z.shape[1]))
    priors = np.array([0.5, 0.5])
    for _ in range(EM_ITERATIONS):
        for k in range(2):
            r = resp[:, k : k + 1] * present
            total = r.sum(axis=0) + 1e-6
            means[k] = (r * zz).sum(axis=0) / total
            variances[k] = (r * (zz - means[k]) ** 2).sum(axis=0) / total + 0.05
        priors = resp.mean(axis=0).clip(0.02, 0.98)
        ll = np.stack(
            [_log_likelihood(z, means[k], variances[k], w) + np.log(priors[k]) for k in range(2)],
            axis=1,
        )
        ll -= ll.max(axis=1, keepdims=True)
        new = np.exp(ll)
        new /= new.sum(axis=1, keepdims=True)
        if np.abs(new - resp).max() < 1e-4:
            resp = new
            break
        resp = new
    return means, variances, priors


def _total_log_likelihood(
    z: np.ndarray, w: np.ndarray, means: np.ndarray, variances: np.ndarray, priors: np.ndarray
) -> float:
    ll = np.stack(
        [_log_likelihood(z, means[k], variances[k], w) + np.log(priors[k]) for k in range(2)],
        axis=1,
    )
    top = ll.max(axis=1)
    return float(np.sum(top + np.log(np.exp(ll - top[:, None]).sum(axis=1))))


def _viterbi(ll: np.ndarray, switch_cost: float) -> np.ndarray:
    n = ll.shape[0]
    score = ll[0].copy()
    back = np.zeros((n, 2), int)
    for i in range(1, n):
        stay = score
        swap = score[::-1] - switch_cost
        choose_swap = swap > stay
        back[i] = np.where(choose_swap, [1, 0], [0, 1])
        score = np.maximum(stay, swap) + ll[i]
    path = np.zeros(n, int)
    path[-1] = int(np.argmax(score))
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path


def _standardise(x: np.ndarray) -> np.ndarray:
    center = np.nanmedian(x, axis=0)
    scale = np.nanstd(x, axis=0)
    center = np.where(np.isnan(center), 0.0, center)
    scale = np.where(np.isnan(scale) | (scale < 1e-6), 1.0, scale)
    return np.asarray((x - center) / scale)


def _print_components(prints: np.ndarray) -> np.ndarray:
    """The main components of a set of voice prints (rows; NaN rows stay missing), after
    taking out what they share: the directions along which these blocks' voices differ."""
    has = ~np.isnan(prints[:, 0])
    out = np.full((prints.shape[0], PRINT_DIMS), np.nan)
    if has.sum() < 4:
        return out
    p = prints[has] - prints[has].mean(axis=0, keepdims=True)
    p = p / (np.linalg.norm(p, axis=1, keepdims=True) + 1e-9)
    _, _, vt = np.linalg.svd(p, full_matrices=False)
    k = min(PRINT_DIMS, vt.shape[0])
    out[np.flatnonzero(has)[:, None], np.arange(k)[None, :]] = p @ vt[:k].T
    return out


def _separation(w: np.ndarray, means: np.ndarray, variances: np.ndarray) -> float:
    """How far apart two components are: weighted pooled standard deviations."""
    pooled = np.sqrt((variances[0] + variances[1]) / 2)
    return float(np.sqrt(np.sum(w * ((means[1] - means[0]) / pooled) ** 2) / w.sum()))


def _plain_separation(x: np.ndarray, labels: np.ndarray) -> float:
    """How far apart two labelled groups of blocks are on pitch and spectrum alone."""
    z = _standardise(x)
    w = _weights(z.shape[1])
    means = np.zeros((2, z.shape[1]))
    variances = np.ones((2, z.shape[1]))
    for k in range(2):
        part = z[labels == k]
        if part.shape[0] < 2:
            return 0.0
        means[k] = np.nan_to_num(np.nanmean(part, axis=0))
        variances[k] = np.nan_to_num(np.nanvar(part, axis=0), nan=1.0) + 0.05
    return _separation(w, means, variances)


def _two_way(
    x: np.ndarray, span_index: np.ndarray, noisy: bool, prints: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """Split blocks (rows of ``x``) into two voices: per-block labels (0/1) and how far apart
    the two are (pooled standard deviations, weighted).  With ``prints`` (each block's voice
    print) the main components of these blocks' prints join the features."""
    n = x.shape[0]
    if n < 4:
        return np.zeros(n, int), 0.0
    k = 0
    inits: list[np.ndarray] = []
    if prints is not None:
        # One start is the split that pitch and spectrum alone make.
        plain, _ = _two_way(x, span_index, noisy)
        inits.append(plain.astype(float) * 0.8 + 0.1)
        x = np.hstack([x, _print_components(prints)])
        k = PRINT_DIMS
    z = _standardise(x)
    w = _weights(z.shape[1], k)
    base = w.copy()
    if noisy:
        w[0] = NOISY_PITCH_WEIGHT
    filled = np.where(np.isnan(z), 0.0, z)
    # EM finds a local optimum: start it from several splits (the main axes of variation,
    # pitch, brightness) and keep the best fit.
    _, _, vt = np.linalg.svd(filled * w, full_matrices=False)
    axes = [(filled * w) @ vt[i] for i in range(min(3, vt.shape[0]))]
    axes += [filled[:, 0], filled[:, 2]]
    inits += [(proj > np.median(proj)).astype(float) * 0.8 + 0.1 for proj in axes]
    best: tuple[float, np.ndarray, np.ndarray, np.ndarray] | None = None
    for init in inits:
        fit = _fit(z, w, init)
        total = _total_log_likelihood(z, w, *fit)
        if best is None or total > best[0]:
            best = (total, *fit)
    assert best is not None
    _, means, variances, priors = best
    separation = _separation(base, means, variances)
    ll = np.stack(
        [_log_likelihood(z, means[k], variances[k], w) + np.log(priors[k]) for k in range(2)],
        axis=1,
    )
    labels = np.zeros(n, int)
    for k in np.unique(span_index):
        idx = np.flatnonzero(span_index == k)
        labels[idx] = _viterbi(ll[idx], SWITCH_COST)
    return labels, separation


def cluster_blocks(
    feats: FrameFeatures,
    speech: list[Span],
    noisy: bool = False,
    prints: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[_Blocks, np.ndarray, float]:
    """Cluster speech blocks into two voices: blocks, per-block labels (0/1), separation.
    In a ``noisy`` film pitch counts for more, since noise disturbs the spectrum far more.
    ``prints`` (centre times, voice prints) add voice-print components to each block."""
    blocks = _block_features(feats, speech)
    if prints is not None:
        blocks = with_prints(blocks, *prints)
    if blocks.x.shape[0] == 0:
        return blocks, np.zeros(0, int), 0.0
    labels, separation = _two_way(blocks.x, blocks.span_index, noisy, blocks.prints)
    return blocks, labels, separation


def split_voices(blocks: _Blocks, labels: np.ndarray, noisy: bool) -> np.ndarray:
    """Split the first voices again while some voice's halves are clearly different voices
    (further apart than ``SPLIT_SEPARATION`` and each with enough speech), the clearest split
    first, up to ``MAX_VOICES``: a film may hold two adults and a child, or an adult and two
    children."""
    voices = labels.copy()
    tried: dict[bytes, tuple[np.ndarray, float]] = {}  # each voice's best split, once
    while len(np.unique(voices)) < MAX_VOICES:
        best: tuple[float, np.ndarray] | None = None
        for v in np.unique(voices):
            idx = np.flatnonzero(voices == v)
            if idx.size * BLOCK < 2 * MIN_VOICE_SECONDS:
                continue
            key = idx.tobytes()
            if key not in tried:
                tried[key] = _two_way(
                    blocks.x[idx], blocks.span_index[idx], noisy, _rows(blocks.prints, idx)
                )
            sub, separation = tried[key]
            small = min(int(np.sum(sub == 0)), int(np.sum(sub == 1))) * BLOCK
            if (
                separation >= SPLIT_SEPARATION
                and small >= MIN_VOICE_SECONDS
                and (blocks.prints is None or _plain_separation(blocks.x[idx], sub) >= SPLIT_PLAIN)
                and (best is None or separation > best[0])
            ):
                best = (separation, idx[sub == 1])
        if best is None:
            break
        voices[best[1]] = voices.max() + 1
    _, dense = np.unique(voices, return_inverse=True)
    return np.asarray(dense, int)


def _segments(blocks: _Blocks, labels: np.ndarray, names: tuple[str, ...]) -> list[Segment]:
    segments: list[Segment] = []
    for i in range(labels.size):
        speaker = names[labels[i]]
        if (
            segments
            and segments[-1].speaker == speaker
            and blocks.span_index[i] == blocks.span_index[i - 1]
        ):
            segments[-1].end = float(blocks.ends[i])
        else:
            segments.append(Segment(float(blocks.starts[i]), float(blocks.ends[i]), speaker))
    return segments


def spectral_shift(adult_like: np.ndarray, child_like: np.ndarray) -> tuple[float, float]:
    """How far up the frequency scale the second long-term spectrum sits compared with the
    first, as a log ratio (a shorter vocal tract moves every formant up by the same ratio),
    and how well the shifted spectra match (correlation)."""
    log_f = np.log(mel_centres())
    grid = np.linspace(np.log(300.0), np.log(6500.0), 80)

    def detrended(curve: np.ndarray, shift: float) -> np.ndarray:
        values = np.interp(grid - shift, log_f, curve)
        return values - np.polyval(np.polyfit(grid, values, 1), grid)

    target = detrended(child_like, 0.0)
    best = (-2.0, 0.0)
    for shift in np.linspace(-MAX_SHIFT, MAX_SHIFT, 61):
        corr = float(np.corrcoef(detrended(adult_like, shift), target)[0, 1])
        if corr > best[0]:
            best = (corr, float(shift))
    return best[1], best[0]


def childness(blocks: _Blocks, labels: np.ndarray, feats: FrameFeatures) -> float:
    """Positive when voice 1 sounds more like the child than voice 0 does.

    Three cues vote, each capped so none decides alone: pitch (children's is higher, but
    adults raise theirs), the shift of the long-term spectrum (a child's formants sit higher
    whatever the pitch), and the length of stretches of speech (young children's are shorter).
    """
    votes = 0.0
    pitch = blocks.x[:, 0]
    a, b = pitch[(labels == 0) & ~np.isnan(pitch)], pitch[(labels == 1) & ~np.isnan(pitch)]
    if a.size and b.size:
        pooled = np.sqrt((a.var() + b.var()) / 2) + 1e-6
        votes += float(np.clip((np.median(b) - np.median(a)) / pooled, -2.0, 2.0))
    frame_label = _frame_labels(blocks, labels, feats.times)
    loud = (feats.energy > np.percentile(feats.energy, 30)) & ~np.isnan(feats.log_f0)
    m0, m1 = loud & (frame_label == 0), loud & (frame_label == 1)
    if m0.sum() > 20 and m1.sum() > 20:
        shift, corr = spectral_shift(feats.mel[m0].mean(axis=0), feats.mel[m1].mean(axis=0))
        if corr > 0.5 and abs(shift) < MAX_SHIFT * 0.95:
            votes += float(np.clip(shift / 0.08, -2.5, 2.5))
    lengths = [[], []]  # type: list[list[float]]
    for seg in _segments(blocks, labels, ("0", "1")):
        lengths[int(seg.speaker)].append(seg.duration)
    if lengths[0] and lengths[1]:
        ratio = np.log(np.median(lengths[0]) / np.median(lengths[1]))
        votes += float(np.clip(ratio / 0.4, -1.0, 1.0))
    return votes


def _frame_labels(blocks: _Blocks, labels: np.ndarray, times: np.ndarray) -> np.ndarray:
    """The block label of each feature frame (-1 outside every block)."""
    out = np.full(times.size, -1)
    pos = np.searchsorted(blocks.ends, times)
    inside = pos < blocks.ends.size
    pos_in = pos[inside]
    ok = blocks.starts[pos_in] <= times[inside]
    idx = np.flatnonzero(inside)[ok]
    out[idx] = labels[pos_in[ok]]
    return out


NO_CHILD = (
    "No child was heard: no voice sounded clearly like a child's, so all speech is marked "
    "as the adults' and nothing is suggested about the child's initiatives. If a child does "
    "speak, give their speech to the child in the editor."
)


def _median_pitch(blocks: _Blocks, mask: np.ndarray) -> float:
    pitch = blocks.x[mask, 0]
    pitch = pitch[~np.isnan(pitch)]
    return float(np.exp(np.median(pitch))) if pitch.size else 0.0


def child_confidence(pitch_hz: float, vote: float) -> float:
    """How sure we are that a voice is a child's (0-1), from its median pitch and its
    ``childness`` vote against the other voices.  The pitch gate is absolute (calibrated on
    adult and child pitch ranges), the vote is relative: a voice must pass both."""
    if pitch_hz < CHILD_MIN_PITCH:
        return 0.0
    pitch_cue = min(1.0, (pitch_hz - CHILD_MIN_PITCH) / (CHILD_SURE_PITCH - CHILD_MIN_PITCH))
    vote_cue = 1.0 / (1.0 + float(np.exp(-vote)))
    return round(vote_cue * (0.5 + 0.5 * pitch_cue), 3)


def name_voices(
    blocks: _Blocks, voices: np.ndarray, feats: FrameFeatures
) -> tuple[list[str], list[dict[str, Any]]]:
    """Child or adult for each voice, with what decided it."""
    names: list[str] = []
    summary: list[dict[str, Any]] = []
    for v in range(int(voices.max()) + 1 if voices.size else 0):
        mine = voices == v
        pitch = _median_pitch(blocks, mine)
        vote = childness(blocks, mine.astype(int), feats)
        sure = child_confidence(pitch, vote)
        role = "child" if sure >= 0.5 else "adult"
        names.append(role)
        summary.append(
            {
                "voice": v + 1,
                "role": role,
                "seconds": round(float(mine.sum()) * BLOCK, 1),
                "pitch_hz": round(pitch),
                "child_confidence": sure,
                "confidence": round(sure if role == "child" else 1.0 - sure, 3),
            }
        )
    return names, summary


def _rows(prints: np.ndarray | None, idx: np.ndarray) -> np.ndarray | None:
    return None if prints is None else prints[idx]


def with_prints(blocks: _Blocks, times: np.ndarray, prints: np.ndarray) -> _Blocks:
    """The blocks with a voice print each: the mean of the prints whose window covers the
    block (missing where none does)."""
    if times.size < 4 or blocks.starts.size == 0:
        return blocks
    centres = (blocks.starts + blocks.ends) / 2
    half = voiceprint.WINDOW / 200
    cover = np.abs(centres[:, None] - times[None, :]) <= half
    count = cover.sum(axis=1)
    per_block = np.full((centres.size, prints.shape[1]), np.nan)
    has = count > 0
    per_block[has] = (cover[has].astype(np.float64) @ prints) / count[has, None]
    return _Blocks(blocks.span_index, blocks.starts, blocks.ends, blocks.x, prints=per_block)


def film_prints(audio: np.ndarray, speech: list[Span]) -> tuple[np.ndarray, np.ndarray] | None:
    """Voice prints of the film's speech (centre times, prints), or None when the voice
    encoder is not installed."""
    try:
        encoder = _encoder()
    except voiceprint.VoiceModelMissing:
        return None
    return voiceprint.voice_prints(encoder, audio, speech)


@functools.lru_cache(maxsize=1)
def _encoder() -> voiceprint.VoiceEncoder:
    return voiceprint.VoiceEncoder()


def voices_from_prints(
    prints: tuple[np.ndarray, np.ndarray] | None, blocks: _Blocks
) -> np.ndarray | None:
    """The voice of each block from voice prints alone (the number of voices estimated), or
    None without prints or with too little speech."""
    if prints is None:
        return None
    times, vectors = prints
    if times.size < 4 or blocks.starts.size == 0:
        return None
    labels = voiceprint.cluster_prints(vectors)
    centres = (blocks.starts + blocks.ends) / 2
    nearest = np.clip(np.searchsorted(times, centres), 1, times.size - 1)
    left_closer = np.abs(centres - times[nearest - 1]) <= np.abs(times[nearest] - centres)
    nearest = np.where(left_closer, nearest - 1, nearest)
    _, dense = np.unique(labels[nearest], return_inverse=True)
    return np.asarray(dense, int)


def label_speakers(
    audio: np.ndarray,
    speech: list[Span],
    *,
    use_voiceprints: bool = False,
    pitch_only: bool = False,
) -> SpeakerResult:
    """Split ``speech`` into voices, and name each voice adult or child.

    By default the voices are told apart by pitch, spectrum and GE2E voice prints together
    (falling back to pitch and spectrum when the encoder is missing); naming a voice a child's
    rests on pitch and spectrum alone.  ``pitch_only``: leave the voice prints out (the
    earlier default).  ``use_voiceprints``: group the voices by voice prints alone (over-splits
    synthetic voices; kept for comparison)."""
    # One BLAS thread: the matrices here are small, and more threads only contend.
    with threadpoolctl.threadpool_limits(1):
        return _label_speakers(
            audio, speech, use_voiceprints=use_voiceprints, pitch_only=pitch_only
        )


def _label_speakers(
    audio: np.ndarray,
    speech: list[Span],
    *,
    use_voiceprints: bool = False,
    pitch_only: bool = False,
) -> SpeakerResult:
    if not speech:
        return SpeakerResult([])
    feats = frame_features(audio, speech, noise_spectrum(audio, speech))
    noisy = background_margin_db(audio) < QUIET_ABOVE_DB
    prints = None if pitch_only and not use_voiceprints else film_prints(audio, speech)
    blocks, labels, separation = cluster_blocks(
        feats, speech, noisy, None if pitch_only else prints
    )
    printed = voices_from_prints(prints, blocks) if use_voiceprints else None
    if printed is not None and printed.max() >= 1:
        labels, separation = printed, MIN_SEPARATION
    share = min(np.mean(labels == v) for v in np.unique(labels)) if labels.size else 0.0
    if printed is not None and printed.max() == 0:
        share = 0.0  # the voice prints heard one voice
    if separation < MIN_SEPARATION or share < MIN_SHARE:
        pitch = _median_pitch(blocks, np.ones(labels.size, bool))
        return SpeakerResult(
            [Segment(s.start, s.end, "adult") for s in speech],
            notes=[
                "Only one voice was heard clearly, so all speech is marked as the adult's; "
                "relabel it in the editor if that is wrong."
            ],
            single_voice=True,
            voices=[
                {
                    "voice": 1,
                    "role": "adult",
                    "seconds": round(float(labels.size) * BLOCK, 1),
                    "pitch_hz": round(pitch),
                    "child_confidence": None,
                    "confidence": None,
                }
            ],
        )
    voices = labels if printed is not None else split_voices(blocks, labels, noisy)
    names, summary = name_voices(blocks, voices, feats)
    notes = [] if "child" in names else [NO_CHILD]
    segments = _segments(blocks, voices, tuple(names))
    merged: list[Segment] = []
    for seg in segments:  # two adults side by side are one adult's speech for turn-taking
        if merged and merged[-1].speaker == seg.speaker and seg.start - merged[-1].end < 0.05:
            merged[-1].end = max(merged[-1].end, seg.end)
        else:
            merged.append(seg)
    by_voice = _segments(blocks, voices, tuple(f"voice {v + 1}" for v in range(len(names))))
    return SpeakerResult(
        merged,
        notes=notes,
        voices=summary,
        no_child="child" not in names,
        voice_segments=by_voice,
    )
