"""Probing and processing of uploaded films.

This package is deliberately free of Django so it can be used from workers, management
commands, benchmarks and tests alike.

* :func:`probe` inspects an untrusted file and either returns a :class:`ProbeResult` or raises
  :class:`MediaRejected` with a sentence a guider can read.
* :func:`process` turns an accepted file into the set of files the review screens use:
  ``film.mp4`` (H.264/AAC, faststart), ``poster.jpg``, ``sprite.jpg`` + ``sprite.json`` and
  ``waveform.json``.  It runs :data:`PIPELINE`, a list of steps with one contract
  (:class:`Step`); each step declares the files it makes, and :data:`OUTPUTS` lists them all.

Only ``OSError`` (for example a full disk) escapes untouched; unexpected processing failures are
raised as :class:`MediaError`.

Modules: ``sniff`` (what the first bytes and MP4 boxes say), ``probe``, ``ffmpeg`` (running the
bundled encoder), ``contract`` (the step contract and shared state), ``pipeline`` (the steps in
order and running them) and ``steps/`` (one module per step).
"""

from attune.films.media.contract import Output, PipelineContext, ProgressCallback, Step
from attune.films.media.errors import MediaError, MediaRejected
from attune.films.media.ffmpeg import ffmpeg_exe
from attune.films.media.pipeline import OUTPUTS, PIPELINE, ProcessOutputs, process, run_steps
from attune.films.media.probe import ProbeResult, probe
from attune.films.media.sniff import top_level_boxes
from attune.films.media.steps.playable import MakePlayable, playable_args
from attune.films.media.steps.poster import Poster
from attune.films.media.steps.sprite import Sprite, sprite_layout
from attune.films.media.steps.waveform import Waveform

__all__ = [
    "OUTPUTS",
    "PIPELINE",
    "MakePlayable",
    "MediaError",
    "MediaRejected",
    "Output",
    "PipelineContext",
    "Poster",
    "ProbeResult",
    "ProcessOutputs",
    "ProgressCallback",
    "Sprite",
    "Step",
    "Waveform",
    "ffmpeg_exe",
    "playable_args",
    "probe",
    "process",
    "run_steps",
    "sprite_layout",
    "top_level_boxes",
]
