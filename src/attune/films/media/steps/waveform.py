"""``waveform.json``: the loudness the timeline draws under the film."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np

from attune.films.media.contract import Output, PipelineContext, Step
from attune.films.media.errors import MediaError
from attune.films.media.steps.playable import open_output, require_film

WAVEFORM = Output(
    attr="waveform_path",
    field="waveform",
    kind="waveform",
    content_type="application/json",
    filename="waveform.json",
)
WAVEFORM_RATE = 10
WAVEFORM_SAMPLE_RATE = 8000


class Waveform(Step):
    """``waveform.json``: loudness peaks (0..1), ten per second, for the timeline."""

    name = "waveform"
    weight = 0.15
    outputs = (WAVEFORM,)

    def run(self, ctx: PipelineContext) -> None:
        film = require_film(ctx)
        peaks: list[float] = []
        if ctx.has_audio:
            try:
                peaks = list(_audio_peaks(film, ctx))
            except av.FFmpegError as exc:
                raise MediaError(f"Cannot read the sound for the waveform: {exc}") from exc
        path = ctx.path_for(WAVEFORM)
        payload = {"rate": WAVEFORM_RATE, "peaks": peaks}
        path.write_text(json.dumps(payload, separators=(",", ":")), encoding="utf-8")
        ctx.made(WAVEFORM)
        ctx.report(1.0)


def _audio_peaks(film: Path, ctx: PipelineContext) -> Iterator[float]:
    bucket = WAVEFORM_SAMPLE_RATE // WAVEFORM_RATE
    pending = np.zeros(0, dtype=np.float32)
    resampler = av.AudioResampler(format="flt", layout="mono", rate=WAVEFORM_SAMPLE_RATE)
    duration = max(ctx.duration, 1e-3)

    def drain(samples: np.ndarray[Any, Any], final: bool) -> Iterator[float]:
        usable = len(samples) if final else len(samples) - len(samples) % bucket
        for start in range(0, usable, bucket):
            chunk = samples[start : start + bucket]
            peak = float(np.max(np.abs(chunk))) if len(chunk) else 0.0
            yield round(min(1.0, peak), 3)

    with open_output(film) as container:
        audio = container.streams.audio[0]
        for frame in container.decode(audio):
            for out in resampler.resample(frame):
                pending = np.concatenate([pending, out.to_ndarray().reshape(-1)])
            if len(pending) >= bucket:
                usable = len(pending) - len(pending) % bucket
                yield from drain(pending[:usable], final=False)
                pending = pending[usable:]
            if frame.time is not None:
                ctx.report(min(0.95, float(frame.time) / duration))
        for out in resampler.resample(None):
            pending = np.concatenate([pending, out.to_ndarray().reshape(-1)])
    if len(pending):
        yield from drain(pending, final=True)
