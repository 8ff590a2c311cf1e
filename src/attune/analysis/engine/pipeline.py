"""The analysis as a whole: one decoding pass, then each analyser in turn.

Every analyser is fenced off: if one fails, its part of the result stays empty, a note says
what went wrong in plain words, and the others' results are kept.  Nothing here raises for a
bad film; the worst case is an empty result with a note.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from attune.analysis.engine import decode as decode_module
from attune.analysis.engine import speakers as speakers_module
from attune.analysis.engine import speech as speech_module
from attune.analysis.engine import suggestions as suggestions_module
from attune.analysis.engine import turns as turns_module
from attune.analysis.engine.result import AnalysisResult, Segment

logger = logging.getLogger(__name__)

Progress = Callable[[float], None]

NO_SOUND = "This film has no sound, so only the picture was analysed."
NO_SPEECH = "No speech found."
NO_FACES = "No faces were seen, so there are no smiles or looks to show."
TOO_NOISY = "The sound is too noisy to judge well who speaks when: treat the suggestions as rough."
#: Below this margin of speech over background (dB, about 10 dB signal-to-noise) the film
#: says the sound is too noisy.
TOO_NOISY_DB = 16.0
FACE_WIDTH = 480


def _report(on_progress: Progress | None, value: float) -> None:
    if on_progress is not None:
        try:
            on_progress(max(0.0, min(1.0, value)))
        except Exception:  # a broken progress bar must not stop the analysis
            logger.exception("progress callback failed")


def _failed(what: str, exc: BaseException) -> str:
    logger.warning("%s failed", what, exc_info=exc)
    return f"{what} failed ({type(exc).__name__}: {exc}); the other results are kept."


def analyse(
    path: str | Path | IO[bytes] | io.RawIOBase,
    *,
    on_progress: Progress | None = None,
    faces: bool = True,
    voiceprints: bool = False,
    pitch_only: bool = False,
) -> AnalysisResult:
    """Analyse the film at ``path`` (or a seekable binary file, e.g. the vault's decrypting
    reader); never raises for a bad film (see ``notes``)."""
    notes: list[str] = []
    analyser: Any = None
    if faces:
        try:
            from attune.analysis.engine.faces import FaceAnalyser

            analyser = FaceAnalyser()
        except Exception as exc:
            notes.append(f"Faces were not analysed: {exc}")
    sinks = [analyser.feed] if analyser is not None else []
    try:
        decoded = decode_module.decode(
            path,
            frame_sinks=sinks,
            max_width=FACE_WIDTH,
            on_progress=lambda f: _report(on_progress, 0.85 * f),
        )
    except Exception as exc:
        if analyser is not None:
            try:
                analyser.finish()
            except Exception:
                logger.debug("face analyser stopped after a decoding failure", exc_info=True)
        message = (
            str(exc) if isinstance(exc, decode_module.DecodeError) else _failed("Decoding", exc)
        )
        return AnalysisResult(
            duration=0.0, has_audio=False, has_video=False, notes=[*notes, message]
        )
    notes.extend(decoded.notes)
    result = AnalysisResult(
        duration=decoded.duration, has_audio=decoded.audio is not None, has_video=decoded.has_video
    )
    if analyser is not None:
        try:
            found = analyser.finish()
            result.faces, result.smiles, result.facing = found.faces, found.smiles, found.facing
            result.distress = found.distress
            notes.extend(found.notes)
            if not found.faces:
                notes.append(NO_FACES)
        except Exception as exc:
            notes.append(_failed("Face analysis", exc))
    elif faces and not decoded.has_video:
        notes.append("This file has no picture, so only the sound was analysed.")
    _report(on_progress, 0.87)
    if decoded.audio is None:
        notes.append(NO_SOUND)
    else:
        _analyse_sound(result, decoded.audio, notes, voiceprints=voiceprints, pitch_only=pitch_only)
    _report(on_progress, 0.97)
    result.notes = notes
    result = recompute(result)
    _report(on_progress, 1.0)
    return result


def _analyse_sound(
    result: AnalysisResult,
    audio: Any,
    notes: list[str],
    *,
    voiceprints: bool = False,
    pitch_only: bool = False,
) -> None:
    result.sound_margin_db = speech_module.background_margin_db(audio)
    try:
        result.voice_activity = speech_module.detect_speech(audio)
    except Exception as exc:
        notes.append(_failed("Speech detection", exc))
        return
    if not result.voice_activity:
        notes.append(NO_SPEECH)
        return
    if result.sound_margin_db < TOO_NOISY_DB:
        notes.append(TOO_NOISY)
    try:
        found = speakers_module.label_speakers(
            audio, result.voice_activity, use_voiceprints=voiceprints, pitch_only=pitch_only
        )
        result.speech = found.segments
        result.voices = found.voices
        notes.extend(found.notes)
    except Exception as exc:
        notes.append(_failed("Telling the adult from the child", exc))


def analyse_audio(
    audio: Any,
    *,
    duration: float | None = None,
    voiceprints: bool = False,
    pitch_only: bool = False,
) -> AnalysisResult:
    """Analyse 16 kHz mono sound already in memory (no pictures)."""
    length = duration if duration is not None else len(audio) / decode_module.SAMPLE_RATE
    result = AnalysisResult(duration=length, has_video=False)
    notes: list[str] = []
    _analyse_sound(result, audio, notes, voiceprints=voiceprints, pitch_only=pitch_only)
    result.notes = notes
    return recompute(result)


def recompute(result: AnalysisResult) -> AnalysisResult:
    """Turns, responses, runs, waits and suggestions from ``result.speech`` (and the faces)."""
    notes = list(result.notes)
    out = replace(result, notes=notes)
    try:
        out.turns = turns_module.build_turns(result.speech)
        out.transitions = turns_module.find_transitions(out.turns)
        out.responses = turns_module.find_responses(out.turns)
        out.runs = turns_module.find_runs(out.turns)
        out.waits = turns_module.find_waits(out.turns)
    except Exception as exc:
        notes.append(_failed("Turn-taking analysis", exc))
        out.turns, out.transitions, out.responses, out.runs, out.waits = [], [], [], [], []
    try:
        out.suggestions = suggestions_module.build_suggestions(
            duration=out.duration,
            turns=out.turns,
            responses=out.responses,
            runs=out.runs,
            waits=out.waits,
            smiles=out.smiles,
            facing=out.facing,
            distress=out.distress,
            voices=out.voices,
            sound_margin_db=out.sound_margin_db,
        )
    except Exception as exc:
        notes.append(_failed("Choosing suggestions", exc))
        out.suggestions = []
    return out


def reanalyse_with_labels(
    result: AnalysisResult | Mapping[str, Any],
    label_map: Mapping[str, str] | Sequence[str],
) -> AnalysisResult:
    """Recompute turns, responses and suggestions after the guider relabels speakers.

    ``label_map`` is either a mapping from the current label to the new one, which swaps
    (``{"adult": "child", "child": "adult"}``) or merges (``{"child": "adult"}``) speakers, or
    a sequence giving the new label of each speech segment in order.  Labels must be "adult" or
    "child".  Neighbouring segments that end up with the same speaker are joined.
    """
    base = result if isinstance(result, AnalysisResult) else AnalysisResult.from_dict(dict(result))
    if isinstance(label_map, Mapping):
        labels = [label_map.get(s.speaker, s.speaker) for s in base.speech]
    else:
        labels = list(label_map)
        if len(labels) != len(base.speech):
            raise ValueError(f"{len(labels)} labels given for {len(base.speech)} speech segments")
    bad = sorted({label for label in labels if label not in ("adult", "child")})
    if bad:
        raise ValueError(f"unknown speaker label(s): {', '.join(bad)}")
    speech: list[Segment] = []
    for seg, label in sorted(zip(base.speech, labels, strict=True), key=lambda p: p[0].start):
        if speech and speech[-1].speaker == label and seg.start - speech[-1].end < 0.05:
            speech[-1] = Segment(speech[-1].start, max(speech[-1].end, seg.end), label)
        else:
            speech.append(Segment(seg.start, seg.end, label))
    notes = [n for n in base.notes if not n.startswith("Only one voice")]
    if "child" in labels:  # the guider heard a child where the analysis did not
        notes = [n for n in notes if n != speakers_module.NO_CHILD]
    return recompute(replace(base, speech=speech, notes=notes))
