"""Faces at about five pictures a second: who is in view, smiles, and the two people turned
towards each other.

A full face search (MTCNN) runs every two seconds; in between, each face is looked for again
near where it was, which costs a fraction of a full search.  Faces are followed as "left" and
"right" (the picture cannot tell adult from child by itself).  From the five landmarks:

* *turned towards*: the nose sits off the midpoint of the eyes in the direction of the other
  person (head turned towards them), for both people at once;
* *smile*: the mouth is clearly wider, relative to the distance between the eyes, than that
  person's usual mouth in this film.  A rough cue: it misses closed-mouth smiles and can
  mistake talking or laughing for smiling.

The work runs in a thread of its own so it overlaps with decoding.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from attune.analysis.engine.mtcnn import Face, FaceDetector, track
from attune.analysis.engine.result import Span

FULL_SCAN_EVERY = 2.0
RESCAN_AFTER = 0.4
MERGE_GAP = 0.5
MIN_RUN = 0.35
SMILE_WIDENING = 1.12
TURNED = 0.06
#: Eyes closer than this (pixels at 480 wide, a face about 30 pixels across) leave too little
#: of the face to read a smile or a head turn.
SMALL_EYES = 12.0
FACES_TOO_SMALL = (
    "The faces are too small in the picture to judge smiles and looks: treat those cues as rough."
)


@dataclass
class _Observation:
    x: float  # face centre, 0..1 across the picture
    yaw: float
    mouth: float
    #: Distance between the eyes, in pixels of the 480-pixel-wide analysis picture.
    eyes: float = 0.0


@dataclass
class _Sample:
    time: float
    people: dict[str, _Observation]


@dataclass
class FaceResult:
    faces: list[dict[str, Any]] = field(default_factory=list)
    smiles: list[dict[str, Any]] = field(default_factory=list)
    facing: list[Span] = field(default_factory=list)
    samples: int = 0
    notes: list[str] = field(default_factory=list)


def _observe(face: Face, width: int) -> _Observation | None:
    left_eye, right_eye, nose, mouth_left, mouth_right = face.points
    eyes = float(np.hypot(*(right_eye - left_eye)))
    if eyes < 2:
        return None
    mid = (left_eye + right_eye) / 2
    x1, _, x2, _ = face.box
    return _Observation(
        x=((x1 + x2) / 2) / max(1, width),
        yaw=float((nose[0] - mid[0]) / eyes),
        mouth=float(np.hypot(*(mouth_right - mouth_left)) / eyes),
        eyes=eyes,
    )


def _intervals(times: list[float], step: float) -> list[Span]:
    spans: list[Span] = []
    for t in times:
        if spans and t - spans[-1].end <= MERGE_GAP:
            spans[-1].end = t + step
        else:
            spans.append(Span(t, t + step))
    return [s for s in spans if s.duration >= MIN_RUN]


class FaceAnalyser:
    """Feed pictures with :meth:`feed` (from the decoder), then call :meth:`finish`."""

    def __init__(self, *, threaded: bool = True) -> None:
        self.detector = FaceDetector()
        self.samples: list[_Sample] = []
        self._previous: list[Face] = []
        self._last_scan = -1e9
        self._last_x = {"left": 0.3, "right": 0.7}
        self.error: BaseException | None = None
        self._queue: queue.Queue[tuple[float, np.ndarray] | None] | None = None
        self._thread: threading.Thread | None = None
        if threaded:
            self._queue = queue.Queue(maxsize=8)
            self._thread = threading.Thread(target=self._work, name="faces", daemon=True)
            self._thread.start()

    # -- feeding -----------------------------------------------------------------------------
    def feed(self, time: float, picture: np.ndarray) -> None:
        if self.error is not None:
            return
        if self._queue is not None:
            self._queue.put((time, picture))
        else:
            self._safe_process(time, picture)

    def _work(self) -> None:
        assert self._queue is not None
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self.error is None:
                self._safe_process(*item)

    def _safe_process(self, time: float, picture: np.ndarray) -> None:
        try:
            self.process(time, picture)
        except Exception as exc:
            self.error = exc

    def process(self, time: float, picture: np.ndarray) -> None:
        since_scan = time - self._last_scan
        if since_scan >= FULL_SCAN_EVERY:
            faces = self.detector.detect(picture)
            self._last_scan = time
        elif self._previous:
            faces = track(self.detector, picture, self._previous)
            if len(faces) < len(self._previous) and since_scan >= RESCAN_AFTER:
                faces = self.detector.detect(picture)  # lost someone: search properly
                self._last_scan = time
        else:
            faces = []  # nobody in view at the last search: wait for the next one
        self._previous = faces
        width = picture.shape[1]
        observations = [o for o in (_observe(f, width) for f in faces) if o is not None]
        observations.sort(key=lambda o: o.x)
        people: dict[str, _Observation] = {}
        if len(observations) >= 2:
            people = {"left": observations[0], "right": observations[-1]}
        elif observations:
            only = observations[0]
            name = min(self._last_x, key=lambda k: abs(self._last_x[k] - only.x))
            people = {name: only}
        for name, obs in people.items():
            self._last_x[name] = obs.x
        self.samples.append(_Sample(time, people))

    # -- results -----------------------------------------------------------------------------
    def finish(self) -> FaceResult:
        if self._queue is not None and self._thread is not None:
            self._queue.put(None)
            self._thread.join()
        if self.error is not None:
            raise RuntimeError(f"face analysis stopped: {self.error}") from self.error
        return summarise(self.samples)


def summarise(samples: list[_Sample]) -> FaceResult:
    result = FaceResult(samples=len(samples))
    if not samples:
        return result
    times = np.array([s.time for s in samples])
    step = float(np.median(np.diff(times))) if times.size > 1 else 0.2
    for name in ("left", "right"):
        present = [s.time for s in samples if name in s.people]
        for span in _intervals(present, step):
            result.faces.append({"start": span.start, "end": span.end, "person": name})
        mouths = np.array([s.people[name].mouth for s in samples if name in s.people])
        if mouths.size >= 10:
            usual = float(np.median(mouths))
            smiling = [
                s.time
                for s in samples
                if name in s.people and s.people[name].mouth >= usual * SMILE_WIDENING
            ]
            for span in _intervals(smiling, step):
                result.smiles.append({"start": span.start, "end": span.end, "person": name})
    facing = [
        s.time
        for s in samples
        if "left" in s.people
        and "right" in s.people
        and s.people["left"].yaw >= TURNED
        and s.people["right"].yaw <= -TURNED
    ]
    result.facing = _intervals(facing, step)
    sizes = [o.eyes for s in samples for o in s.people.values() if o.eyes > 0]
    if sizes and float(np.median(sizes)) < SMALL_EYES:
        result.notes.append(FACES_TOO_SMALL)
    result.faces.sort(key=lambda f: f["start"])
    result.smiles.sort(key=lambda f: f["start"])
    return result
