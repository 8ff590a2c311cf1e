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
