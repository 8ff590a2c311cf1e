"""The media pipeline: its steps in order, what it makes, and running it for one film."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from attune.films.media.contract import Output, PipelineContext, ProgressCallback, Step
from attune.films.media.errors import MediaError
from attune.films.media.probe import ProbeResult
from attune.films.media.steps.playable import MakePlayable
from attune.films.media.steps.poster import Poster
from attune.films.media.steps.sprite import Sprite
from attune.films.media.steps.waveform import Waveform

# The playable film comes first: every later step reads it.
PIPELINE: list[Step] = [MakePlayable(), Poster(), Sprite(), Waveform()]

#: Every file the pipeline makes, in the order its steps declare them.
OUTPUTS: tuple[Output, ...] = tuple(output for step in PIPELINE for output in step.outputs)


@dataclass
class ProcessOutputs:
    """Files written by :func:`process` and facts about the playable film.

    Each file is an attribute named by its step's declaration (``outputs.film_path``,
    ``outputs.poster_path`` ...), so adding a step adds its files here without an edit.
    """

    #: The files, by :attr:`Output.attr`, in the order they were made.
    files: dict[str, Path]
    duration: float
    fps: float
    width: int
    height: int
    has_audio: bool
    #: True when the picture was copied without re-encoding (sound may still be converted).
    remuxed: bool

    def __getattr__(self, name: str) -> Path:
        # Only called for names that are not fields: look the name up among the files.
        files = self.__dict__.get("files")
        if files is not None and name in files:
            path: Path = files[name]
            return path
        raise AttributeError(name)

    def path(self, output: Output) -> Path:
        return self.files[output.attr]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {attr: str(path) for attr, path in self.files.items()}
        for item in dataclasses.fields(self):
            if item.name != "files":
                data[item.name] = getattr(self, item.name)
        return data


def process(
    src_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    probe_result: ProbeResult,
    *,
    max_height: int = 720,
    on_progress: ProgressCallback | None = None,
) -> ProcessOutputs:
    """Run :data:`PIPELINE` for an accepted film, writing only inside ``out_dir``.

    ``on_progress(step_name, fraction)`` receives the overall fraction (0..1, never
    decreasing) of the whole pipeline; the last call is exactly ``1.0``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ctx = PipelineContext(
        src_path=Path(src_path), out_dir=out, probe=probe_result, max_height=max_height
    )
    ran = run_steps(ctx, PIPELINE, on_progress)
    if any(output.attr not in ctx.files for step in ran for output in step.outputs):
        raise MediaError("The media pipeline did not produce every file.")
    return ProcessOutputs(
        files=dict(ctx.files),
        duration=ctx.duration,
        fps=ctx.fps,
        width=ctx.width,
        height=ctx.height,
        has_audio=ctx.has_audio,
        remuxed=ctx.remuxed,
    )


def run_steps(
    ctx: PipelineContext, steps: Sequence[Step], on_progress: ProgressCallback | None
) -> list[Step]:
    """Set up, run and clean up each step that applies, in order; the steps that ran.

    A step's cleanup runs in ``finally`` once its setup has begun, so a failure in setup or
    run leaves nothing of that step behind; the error then stops the pipeline.
    """
    total = sum(max(step.weight, 0.0) for step in steps) or 1.0
    last_sent = -1.0
    name = steps[0].name if steps else ""

    def emit(overall: float, *, force: bool = False) -> None:
        nonlocal last_sent
        overall = min(1.0, max(last_sent, overall, 0.0))
        if force or overall - last_sent >= 0.01:
            if on_progress is not None:
                on_progress(name, overall)
            last_sent = overall

    ran: list[Step] = []
    done = 0.0
    for step in steps:
        share = max(step.weight, 0.0) / total
        base = done
        done = base + share  # a step that does not apply counts as done
        if not step.applies(ctx):
            continue
        name = step.name

        def report(fraction: float, *, _base: float = base, _share: float = share) -> None:
            emit(_base + _share * min(1.0, max(0.0, fraction)))

        ctx.report = report
        emit(base, force=True)  # announce the step, even when the fraction has not moved
        try:
            step.setup(ctx)
            step.run(ctx)
        finally:
            step.cleanup(ctx)
        ran.append(step)
    emit(1.0, force=last_sent < 1.0)
    return ran
