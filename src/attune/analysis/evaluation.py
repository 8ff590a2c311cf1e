"""Scoring an analysis against the ground truth of a synthetic dialogue.

Shared by the tests and ``bench/analysis_quality.py`` so both measure the same thing:

* speech, frame level (10 ms): is anyone speaking?
* speaker attribution, frame level: for each of adult and child, frames labelled with that
  speaker against frames where that speaker really speaks (the figures are their mean);
* turns: a detected turn matches a true turn of the same speaker when they overlap by at least
  half of their union (one-to-one);
* serve and return: a detected response matches a true one when both the child's start and the
  adult's start are within 0.5 s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from attune.analysis.engine.result import Response, Segment

FRAME = 0.01
EVENT_TOLERANCE = 0.5
TURN_MIN_IOU = 0.5


@dataclass
class Score:
    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0 if not self.fn else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0 if not self.fp else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def as_dict(self) -> dict[str, float]:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
        }


def frames_of(segments: Sequence[Segment], n: int, speaker: str | None = None) -> np.ndarray:
    out = np.zeros(n, bool)
    for s in segments:
        if speaker is None or s.speaker == speaker:
            a = max(0, round(s.start / FRAME))
            b = min(n, round(s.end / FRAME))
            out[a:b] = True
    return out


def _frame_score(pred: np.ndarray, true: np.ndarray) -> Score:
    return Score(
        float(np.sum(pred & true)), float(np.sum(pred & ~true)), float(np.sum(~pred & true))
    )


def speech_score(detected: Sequence[Segment], adult: np.ndarray, child: np.ndarray) -> Score:
    truth = adult | child
    return _frame_score(frames_of(detected, truth.size), truth)


def speaker_scores(
    detected: Sequence[Segment], adult: np.ndarray, child: np.ndarray
) -> dict[str, Score]:
    n = adult.size
    return {
        "adult": _frame_score(frames_of(detected, n, "adult"), adult),
        "child": _frame_score(frames_of(detected, n, "child"), child),
    }


def _iou(a: Segment, b: Segment) -> float:
    inter = max(0.0, min(a.end, b.end) - max(a.start, b.start))
    union = max(a.end, b.end) - min(a.start, b.start)
    return inter / union if union > 0 else 0.0


def turn_score(detected: Sequence[Segment], truth: Sequence[Segment]) -> Score:
    pairs = sorted(
        (
            (_iou(d, t), i, j)
            for i, d in enumerate(detected)
            for j, t in enumerate(truth)
            if d.speaker == t.speaker
        ),
        reverse=True,
    )
    used_d: set[int] = set()
    used_t: set[int] = set()
    for iou, i, j in pairs:
        if iou < TURN_MIN_IOU:
            break
        if i in used_d or j in used_t:
            continue
        used_d.add(i)
        used_t.add(j)
    tp = len(used_d)
    return Score(tp, len(detected) - tp, len(truth) - tp)


def response_score(
    detected: Sequence[Response], truth: Sequence[Response], tolerance: float = EVENT_TOLERANCE
) -> Score:
    pairs = sorted(
        (
            (
                abs(d.initiative_start - t.initiative_start)
                + abs(d.response_start - t.response_start),
                i,
                j,
            )
            for i, d in enumerate(detected)
            for j, t in enumerate(truth)
            if abs(d.initiative_start - t.initiative_start) <= tolerance
            and abs(d.response_start - t.response_start) <= tolerance
        )
    )
    used_d: set[int] = set()
    used_t: set[int] = set()
    for _, i, j in pairs:
        if i in used_d or j in used_t:
            continue
        used_d.add(i)
        used_t.add(j)
    tp = len(used_d)
    return Score(tp, len(detected) - tp, len(truth) - tp)


def latency_errors(detected: Sequence[Response], truth: Sequence[Response]) -> list[float]:
    """For each true response matched by a detected one: detected minus true latency."""
    errors: list[float] = []
    for t in truth:
        best = min(
            (
                d
                for d in detected
                if abs(d.initiative_start - t.initiative_start) <= EVENT_TOLERANCE
                and abs(d.response_start - t.response_start) <= EVENT_TOLERANCE
            ),
            key=lambda d: abs(d.response_start - t.response_start),
            default=None,
        )
        if best is not None:
            errors.append(best.latency - t.latency)
    return errors


# -- The definitions (used by the benches and docs/analysis.md) ------------------------
#: A turn is one speaker's speech with every pause under this merged in.
EVAL_TURN_GAP = 2.0
#: A serve and return: an adult turn starting at most this long after a child's turn ends.
EVAL_RETURN_WITHIN = 3.0


def eval_turns(speech: Sequence[Segment]) -> list[Segment]:
    """Turns by the benchmark's definition: each speaker's speech, pauses under 2 s merged in
    (whatever the other speaker does meanwhile)."""
    turns: list[Segment] = []
    for speaker in sorted({s.speaker for s in speech}):
        current: Segment | None = None
        for s in sorted((s for s in speech if s.speaker == speaker), key=lambda s: s.start):
            if current is not None and s.start - current.end < EVAL_TURN_GAP:
                current = Segment(current.start, max(current.end, s.end), speaker)
                continue
            if current is not None:
                turns.append(current)
            current = Segment(s.start, s.end, speaker)
        if current is not None:
            turns.append(current)
    return sorted(turns, key=lambda t: t.start)


def turn_start_score(
    detected: Sequence[Segment], truth: Sequence[Segment], tolerance: float = EVENT_TOLERANCE
) -> Score:
    """Detected turns matched to true ones: same speaker, starts within ``tolerance``,
    one-to-one, in time order."""
    used: set[int] = set()
    tp = 0
    for d in sorted(detected, key=lambda s: s.start):
        for j, t in enumerate(truth):
            if j in used or t.speaker != d.speaker or abs(t.start - d.start) > tolerance:
                continue
            used.add(j)
            tp += 1
            break
    return Score(tp, len(detected) - tp, len(truth) - tp)


def eval_returns(turns: Sequence[Segment]) -> list[Response]:
    """Serve and return by the benchmark's definition: a child turn followed by an adult turn
    that starts at most 3 s after the child's turn ends (and after it starts)."""
    out: list[Response] = []
    ordered = sorted(turns, key=lambda t: t.start)
    for i, turn in enumerate(ordered):
        if turn.speaker != "child":
            continue
        for nxt in ordered[i + 1 :]:
            if nxt.speaker == "adult" and nxt.start <= turn.end + EVAL_RETURN_WITHIN:
                out.append(Response(turn.start, turn.end, nxt.start, nxt.end))
                break
            if nxt.start > turn.end + EVAL_RETURN_WITHIN:
                break
    return out


def attribution(
    detected: Sequence[Segment], adult: np.ndarray, child: np.ndarray
) -> tuple[float, float]:
    """Right labels and frames counted, over the 10 ms frames where exactly one role speaks."""
    n = adult.size
    single = adult ^ child
    right = (frames_of(detected, n, "adult") & adult & ~child) | (
        frames_of(detected, n, "child") & child & ~adult
    )
    return float(np.sum(right & single)), float(np.sum(single))
