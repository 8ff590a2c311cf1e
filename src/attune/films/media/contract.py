"""The contract every step of the media pipeline keeps, and the state the steps share.

A step says which files it makes (its :class:`Output` declarations); everything that lists a
film's files (what the pipeline returns, the check that nothing is missing, where processing
stores each file, which files the film's media URL serves) is read from those declarations, so
a new step is wired in by adding it to the pipeline and nowhere else.

This module is separate from :mod:`attune.films.media.pipeline` because the steps import the
contract and the pipeline imports the steps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from attune.films.media.probe import ProbeResult

ProgressCallback = Callable[[str, float], None]


@dataclass(frozen=True)
class Output:
    """One file a step makes."""

    #: The attribute of :class:`~attune.films.media.pipeline.ProcessOutputs` that holds its path.
    attr: str
    #: The ``Film`` field that holds the stored object; also the name its media URL answers to.
    field: str
    #: The vault object kind it is stored as (an ``ObjectKind`` value).
    kind: str
    content_type: str
    #: Its name inside the output directory.
    filename: str


@dataclass
class PipelineContext:
    """State shared by the steps of one processing run."""

    src_path: Path
    out_dir: Path
    probe: ProbeResult
    max_height: int = 720
    report: Callable[[float], None] = lambda fraction: None
    #: The files made so far, by :attr:`Output.attr`.
    files: dict[str, Path] = field(default_factory=dict)
    remuxed: bool = False
    duration: float = 0.0
    fps: float = 0.0
    width: int = 0
    height: int = 0
    has_audio: bool = False

    def path_for(self, output: Output) -> Path:
        """Where ``output`` is written: only ever inside the output directory."""
        return self.out_dir / output.filename

    def made(self, output: Output) -> Path:
        """Record that ``output`` has been written; its path, for the steps that read it."""
        path = self.path_for(output)
        self.files[output.attr] = path
        return path


class Step:
    """One stage of the media pipeline.

    For each step that :meth:`applies`, the pipeline calls :meth:`setup`, then :meth:`run`,
    and :meth:`cleanup` in a ``finally`` once setup has begun (so cleanup copes with a setup or
    run that stopped part-way). ``run`` reads and
    fills the shared :class:`PipelineContext`, writes only inside ``ctx.out_dir``, records each
    declared output with ``ctx.made(output)`` and reports its own progress through
    ``ctx.report(fraction)``. Steps are shared by every run, so they keep no state of their own
    between calls: what a run needs lives in the context.
    """

    name: str
    #: The step's share of the progress bar, relative to the other steps' weights.
    weight: float
    #: The files the step makes; the pipeline checks every one was made.
    outputs: tuple[Output, ...] = ()

    def applies(self, ctx: PipelineContext) -> bool:
        return True

    def setup(self, ctx: PipelineContext) -> None:
        """Prepare the run (nothing by default)."""

    def run(self, ctx: PipelineContext) -> None:
        raise NotImplementedError

    def cleanup(self, ctx: PipelineContext) -> None:
        """Remove what the step leaves behind, after success or failure (nothing by default)."""
