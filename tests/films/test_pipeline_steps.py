"""The media pipeline's steps: each declares the files it makes, and everything that lists a
film's files follows those declarations; every step that was set up is cleaned up, even when it
fails; a step that does not apply is skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import models

from attune.films import media, processing, views
from attune.films.models import Film
from attune.samples.films import make_film
from attune.vault.models import ObjectKind

FILE = media.Output(
    attr="note_path", field="note", kind="note", content_type="text/plain", filename="note.txt"
)


class _Recorder(media.Step):
    """A step that notes each call, writes its file, and fails when asked to."""

    weight = 1.0
    outputs = (FILE,)

    def __init__(self, name: str, calls: list[str], *, fail: bool = False, apply: bool = True):
        self.name = name
        self.calls, self.fail, self.apply = calls, fail, apply

    def applies(self, ctx: media.PipelineContext) -> bool:
        return self.apply

    def setup(self, ctx: media.PipelineContext) -> None:
        self.calls.append(f"{self.name}.setup")

    def run(self, ctx: media.PipelineContext) -> None:
        self.calls.append(f"{self.name}.run")
        if self.fail:
            raise media.MediaError(f"{self.name} failed")
        ctx.path_for(FILE).write_text(self.name, encoding="utf-8")
        ctx.made(FILE)

    def cleanup(self, ctx: media.PipelineContext) -> None:
        self.calls.append(f"{self.name}.cleanup")


def _context(tmp_path: Path) -> media.PipelineContext:
    src = make_film(tmp_path / "src.mp4", seconds=1, width=160, height=120)
    return media.PipelineContext(src_path=src, out_dir=tmp_path, probe=media.probe(src))


def test_every_file_the_pipeline_makes_is_declared_once() -> None:
    declared = [output for step in media.PIPELINE for output in step.outputs]
    assert list(media.OUTPUTS) == declared
    for key in ("attr", "field", "kind", "filename"):
        values = [getattr(output, key) for output in declared]
        assert len(set(values)) == len(values), key
    assert {output.filename for output in declared} == {
        "film.mp4",
        "poster.jpg",
        "sprite.jpg",
        "sprite.json",
        "waveform.json",
    }


def test_each_declared_file_has_a_film_field_a_vault_kind_and_a_media_url() -> None:
    for output in media.OUTPUTS:
        film_field = Film._meta.get_field(output.field)
        assert isinstance(film_field, models.ForeignKey), output.field
        assert film_field.related_model._meta.label == "vault.VaultObject"
        assert output.kind in ObjectKind.values
    stored = {(output.field, kind) for output, kind in processing._OUTPUTS}
    assert stored == {(output.field, ObjectKind(output.kind)) for output in media.OUTPUTS}
    assert {output.field for output in media.OUTPUTS} == views.MEDIA_KINDS


def test_outputs_are_read_by_their_declared_names(tmp_path: Path) -> None:
    path = tmp_path / "film.mp4"
    outputs = media.ProcessOutputs(
        files={"film_path": path},
        duration=1.0,
        fps=25.0,
        width=160,
        height=120,
        has_audio=False,
        remuxed=True,
    )
    assert outputs.film_path == path
    assert outputs.path(media.OUTPUTS[0]) == path
    with pytest.raises(AttributeError):
        _ = outputs.nothing_like_this


def test_a_failing_step_is_cleaned_up_and_stops_the_pipeline(tmp_path: Path) -> None:
    calls: list[str] = []
    steps = [_Recorder("first", calls), _Recorder("second", calls, fail=True)]
    steps.append(_Recorder("third", calls))
    with pytest.raises(media.MediaError, match="second failed"):
        media.run_steps(_context(tmp_path), steps, None)
    assert calls == [
        "first.setup",
        "first.run",
        "first.cleanup",
        "second.setup",
        "second.run",
        "second.cleanup",
    ]


def test_a_step_that_does_not_apply_is_skipped(tmp_path: Path) -> None:
    calls: list[str] = []
    progress: list[tuple[str, float]] = []
    steps = [_Recorder("skipped", calls, apply=False), _Recorder("kept", calls)]
    ran = media.run_steps(_context(tmp_path), steps, lambda s, f: progress.append((s, f)))
    assert [step.name for step in ran] == ["kept"]
    assert calls == ["kept.setup", "kept.run", "kept.cleanup"]
    assert progress[0] == ("kept", 0.5)  # the skipped step's share counts as done
    assert progress[-1] == ("kept", 1.0)
