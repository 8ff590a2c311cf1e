"""Faces at about five pictures a second: who is in view, smiles, distress, and the two people
turned towards each other.

Each face is **followed through the film** as a track:

* a full face search (MTCNN) runs every two seconds (every 0.4 s while nobody is in view),
  and when a face can be neither seen nor followed;
* in between, each track is looked for again near where it was with MTCNN's last network,
  which also gives its five landmarks;
* when that fails (a hand over the face, a turned head, blur) the track is followed by its look:
  the face as last seen (or its upper half, when a hand hides the mouth) is matched against the
  picture around where it was.  A face followed
  that way stays present for up to :data:`FOLLOW_FOR` seconds without being seen again; a cut
  to another scene ends it at once, because nothing there looks like the face.

Expressions come from a trained network (:mod:`attune.analysis.engine.expressions`), read
about :data:`READ_EVERY` seconds apart per face and smoothed over three readings.  A smile needs
the network to call the face happy, clearly more than distressed (sad, afraid, angry or
disgusted); a face read as distressed is never a smile, and stretches of distress are kept so
that no suggestion calls them a good moment.

Faces are "left" and "right" (the picture cannot tell adult from child by itself).  *Turned
towards*: the nose sits off the midpoint of the eyes in the direction of the other person, for
both people at once (five landmarks, so only when the faces are seen, not followed).

The work runs in a thread of its own so it overlaps with decoding.
"""

from __future__ import annotations

import itertools
import queue
import threading
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from attune.analysis.engine import expressions
from attune.analysis.engine.mtcnn import Face, FaceDetector, track
from attune.analysis.engine.result import Span

#: A full search this often while faces are followed, and this often while nobody is in view.
SCAN_EVERY = 2.0
SCAN_EMPTY_EVERY = 0.4
RESCAN_AFTER = 0.4
#: How long a track followed by its look alone stays present without the face being seen.
FOLLOW_FOR = 2.0
#: How alike (normalised cross-correlation) the picture must be to the face as last seen.
FOLLOW_LIKENESS = 0.55
READ_EVERY = 0.4
MERGE_GAP = 0.5
MIN_RUN = 0.35
#: A smile: the network's "happy" at least this, and at least twice its distress.
SMILE_HAPPY = 0.5
SMILE_OVER_DISTRESS = 2.0
#: Distress: sad, afraid, angry and disgusted together at least this, and hardly happy.
DISTRESS = 0.6
DISTRESS_HAPPY_BELOW = 0.2
#: A reading this upset just before a smile keeps the smile from reaching back before its own.
DISTRESS_BEFORE_SMILE = 0.5
TURNED = 0.06
#: Eyes closer than this (pixels at 480 wide, a face about 30 pixels across) leave too little
#: of the face to read a smile or a head turn.
SMALL_EYES = 12.0
FACES_TOO_SMALL = (
    "The faces are too small in the picture to judge smiles and looks: treat those cues as rough."
)
NO_EXPRESSIONS = "Smiles were not read: the expression model is not installed."
TEMPLATE = 32


@dataclass
class _Observation:
    x: float  # face centre, 0..1 across the picture
    #: Head turn from the five landmarks (None while the face is followed, not seen).
    yaw: float | None
    #: Distance between the eyes, in pixels of the 480-pixel-wide analysis picture.
    eyes: float = 0.0
    #: The expression network's "happy" and distress, when it read this face at this picture.
    happy: float | None = None
    distress: float | None = None
    #: Followed by its look (hidden or turned), not seen by the detector.
    followed: bool = False


@dataclass
class _Sample:
    time: float
    people: dict[str, _Observation]


@dataclass
class FaceResult:
    faces: list[dict[str, Any]] = field(default_factory=list)
    smiles: list[dict[str, Any]] = field(default_factory=list)
    distress: list[dict[str, Any]] = field(default_factory=list)
    facing: list[Span] = field(default_factory=list)
    samples: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class _Track:
    id: int
    box: tuple[float, float, float, float]
    points: np.ndarray | None
    template: np.ndarray
    seen: float
    read: float = -1e9
    followed: bool = False
    happy: float | None = None
    distress: float | None = None


def _template(grey: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    x1, y1, x2, y2 = (round(v) for v in box)
    h, w = grey.shape[:2]
    x1, y1, x2, y2 = max(0, x1), max(0, y1), min(w, x2), min(h, y2)
    if x2 - x1 < 4 or y2 - y1 < 4:
        return np.zeros((TEMPLATE, TEMPLATE), np.uint8)
    return cv2.resize(grey[y1:y2, x1:x2], (TEMPLATE, TEMPLATE), interpolation=cv2.INTER_AREA)


def _follow(grey: np.ndarray, t: _Track) -> tuple[float, float, float, float] | None:
    """Where the face as last seen best matches the picture near its last place, if anywhere."""
    x1, y1, x2, y2 = t.box
    bw, bh = x2 - x1, y2 - y1
    if bw < 8 or bh < 8:
        return None
    # Match at a scale where the face is TEMPLATE pixels wide (cheap, and blur-tolerant).
    scale = TEMPLATE / bw
    h, w = grey.shape[:2]
    sx1, sy1 = max(0, int(x1 - 0.6 * bw)), max(0, int(y1 - 0.6 * bh))
    sx2, sy2 = min(w, int(x2 + 0.6 * bw)), min(h, int(y2 + 0.6 * bh))
    region = grey[sy1:sy2, sx1:sx2]
    rw, rh = int(region.shape[1] * scale), int(region.shape[0] * scale)
    th = max(4, round(bh * scale))
    if rw <= TEMPLATE or rh <= th:
        return None
    small = cv2.resize(region, (rw, rh), interpolation=cv2.INTER_AREA)
    template = cv2.resize(t.template, (TEMPLATE, th), interpolation=cv2.INTER_AREA)
    # The whole face, then its upper half alone (a hand or a cup mostly hides the mouth).
    for part in (template, template[: max(4, th // 2)]):
        if float(part.std()) < 2.0:
            continue
        scores = cv2.matchTemplate(small, part, cv2.TM_CCOEFF_NORMED)
        _, best, _, (bx, by) = cv2.minMaxLoc(scores)
        if best >= FOLLOW_LIKENESS:
            nx, ny = sx1 + bx / scale, sy1 + by / scale
            return (nx, ny, nx + bw, ny + bh)
    return None


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _observe(t: _Track, width: int) -> _Observation:
    x1, _, x2, _ = t.box
    yaw: float | None = None
    eyes = 0.0
    if t.points is not None and not t.followed:
        left_eye, right_eye, nose = t.points[0], t.points[1], t.points[2]
        eyes = float(np.hypot(*(right_eye - left_eye)))
        if eyes >= 2:
            yaw = float((nose[0] - (left_eye[0] + right_eye[0]) / 2) / eyes)
    return _Observation(
        x=((x1 + x2) / 2) / max(1, width),
        yaw=yaw,
        eyes=eyes,
        followed=t.followed,
    )


def _merged(spans: list[Span]) -> list[Span]:
    """Spans in time order with gaps up to :data:`MERGE_GAP` closed and short runs dropped."""
    out: list[Span] = []
    for span in spans:
        if out and span.start - out[-1].end <= MERGE_GAP:
            out[-1].end = max(out[-1].end, span.end)
        else:
            out.append(Span(span.start, span.end))
    return [s for s in out if s.duration >= MIN_RUN]


def _intervals(times: list[float], step: float) -> list[Span]:
    """Spans covering the given sample times, each ``step`` long from its time."""
    return _merged([Span(t, t + step) for t in times])


class FaceAnalyser:
    """Feed pictures with :meth:`feed` (from the decoder), then call :meth:`finish`."""

    def __init__(self, *, threaded: bool = True) -> None:
        self.detector = FaceDetector()
        self.reads_expressions = expressions.available()
        self.samples: list[_Sample] = []
        self.tracks: list[_Track] = []
        self._ids = itertools.count(1)
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

    def _seen(self, t: _Track, face: Face, grey: np.ndarray, time: float) -> None:
        t.box, t.points, t.seen, t.followed = face.box, face.points, time, False
        t.template = _template(grey, face.box)

    def _search(self, picture: np.ndarray, grey: np.ndarray, time: float) -> None:
        """A full search: match what it finds to the tracks, start tracks for new faces."""
        self._last_scan = time
        found = self.detector.detect(picture)
        unmatched = list(self.tracks)
        for face in sorted(found, key=lambda f: -f.score):
            best = max(unmatched, key=lambda t: _overlap(t.box, face.box), default=None)
            if best is not None and _overlap(best.box, face.box) >= 0.2:
                unmatched.remove(best)
                self._seen(best, face, grey, time)
            elif not any(_overlap(t.box, face.box) >= 0.2 for t in self.tracks):
                self.tracks.append(
                    _Track(next(self._ids), face.box, face.points, _template(grey, face.box), time)
                )
        for t in unmatched:
            self._keep_following(t, grey, time)

    def _keep_following(self, t: _Track, grey: np.ndarray, time: float) -> None:
        box = _follow(grey, t) if time - t.seen <= FOLLOW_FOR else None
        if box is None:
            self.tracks.remove(t)
        else:
            t.box, t.followed = box, True

    def process(self, time: float, picture: np.ndarray) -> None:
        grey = cv2.cvtColor(picture, cv2.COLOR_RGB2GRAY)
        since_scan = time - self._last_scan
        if since_scan >= (SCAN_EVERY if self.tracks else SCAN_EMPTY_EVERY):
            self._search(picture, grey, time)
        elif self.tracks:
            before = len(self.tracks)
            for t in list(self.tracks):
                previous = Face(t.box, 1.0, t.points if t.points is not None else np.zeros((5, 2)))
                again = track(self.detector, picture, [previous])
                if again:
                    self._seen(t, again[0], grey, time)
                else:
                    self._keep_following(t, grey, time)
            if len(self.tracks) < before and since_scan >= RESCAN_AFTER:
                self._search(picture, grey, time)  # lost someone: search properly
        self._read_expressions(grey, time)
        width = picture.shape[1]
        observations: list[tuple[_Observation, _Track]] = []
        for t in self.tracks:
            obs = _observe(t, width)
            if t.read == time:
                obs.happy, obs.distress = t.happy, t.distress
            observations.append((obs, t))
        observations.sort(key=lambda pair: pair[0].x)
        people: dict[str, _Observation] = {}
        if len(observations) >= 2:
            people = {"left": observations[0][0], "right": observations[-1][0]}
        elif observations:
            only = observations[0][0]
            name = min(self._last_x, key=lambda k: abs(self._last_x[k] - only.x))
            people = {name: only}
        for name, obs in people.items():
            self._last_x[name] = obs.x
        self.samples.append(_Sample(time, people))

    def _read_expressions(self, grey: np.ndarray, time: float) -> None:
        if not self.reads_expressions:
            return
        due = [t for t in self.tracks if time - t.read >= READ_EVERY - 1e-6]
        if not due:
            return
        probabilities = expressions.read(grey, [t.box for t in due])
        for t, p in zip(due, probabilities, strict=True):
            t.read = time
            t.happy = float(p[expressions.HAPPY])
            t.distress = float(sum(p[i] for i in expressions.DISTRESS))

    # -- results -----------------------------------------------------------------------------
    def finish(self) -> FaceResult:
        if self._queue is not None and self._thread is not None:
            self._queue.put(None)
            self._thread.join()
        if self.error is not None:
            raise RuntimeError(f"face analysis stopped: {self.error}") from self.error
        result = summarise(self.samples)
        if not self.reads_expressions and result.faces:
            result.notes.append(NO_EXPRESSIONS)
        return result


def _smoothed(values: list[float]) -> list[float]:
    """Median of each reading and its neighbours (one stray reading changes nothing)."""
    if len(values) < 3:
        return values
    padded = [values[0], *values, values[-1]]
    return [float(np.median(padded[i : i + 3])) for i in range(len(values))]


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
        readings = [
            (s.time, o.happy, o.distress)
            for s in samples
            if (o := s.people.get(name)) is not None
            and o.happy is not None
            and o.distress is not None
        ]
        if not readings:
            continue
        when = [r[0] for r in readings]
        happy = _smoothed([float(r[1]) for r in readings])  # type: ignore[arg-type]
        distress = _smoothed([float(r[2]) for r in readings])  # type: ignore[arg-type]
        every = float(np.median(np.diff(when))) if len(when) > 1 else step
        raw_distress = [float(r[2]) for r in readings]  # type: ignore[arg-type]
        smiling: list[Span] = []
        upset: list[Span] = []
        for k, (t, h, d) in enumerate(zip(when, happy, distress, strict=True)):
            start, end = max(0.0, t - every / 2), t + every / 2
            if h >= SMILE_HAPPY and h >= SMILE_OVER_DISTRESS * d:
                # Right after a reading that looked upset, a smile starts at its own reading,
                # never half-way back into the distress.
                upset_before = k > 0 and raw_distress[k - 1] >= DISTRESS_BEFORE_SMILE
                smiling.append(Span(t if upset_before else start, end))
            elif d >= DISTRESS and h < DISTRESS_HAPPY_BELOW:
                upset.append(Span(start, end))
        for span in _merged(smiling):
            result.smiles.append({"start": span.start, "end": span.end, "person": name})
        for span in _merged(upset):
            result.distress.append({"start": span.start, "end": span.end, "person": name})
    facing = [
        s.time
        for s in samples
        if "left" in s.people
        and "right" in s.people
        and (left := s.people["left"].yaw) is not None
        and (right := s.people["right"].yaw) is not None
        and left >= TURNED
        and right <= -TURNED
    ]
    result.facing = _intervals(facing, step)
    sizes = [o.eyes for s in samples for o in s.people.values() if o.eyes > 0]
    if sizes and float(np.median(sizes)) < SMALL_EYES:
        result.notes.append(FACES_TOO_SMALL)
    for spans in (result.faces, result.smiles, result.distress):
        spans.sort(key=lambda f: f["start"])
    return result
