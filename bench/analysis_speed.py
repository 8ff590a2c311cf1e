"""How long the moment finder takes, against a plain decode of the same film in the same run.

Makes (once, then cached) a 15-minute 1080p30 H.264 film whose sound is a generated
adult-child dialogue and whose picture shows two photographed faces over a test pattern, then
times on the same machine, in the same run:

* baseline: a plain PyAV decode of every audio and video frame;
* the full analysis (one decoding pass feeding speech, speakers, turns and faces);
* the sound-only analysis (faces off, pictures not decoded).

Targets: full analysis <= 1.3 x the baseline; sound-only analysis <= 0.05 x real time.
``--quick`` uses a 1-minute film.  Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from attune.analysis.engine import analyse
from attune.analysis.engine.decode import plain_decode
from attune.samples import dialogue as testmedia

TARGET_RATIO = 1.3
TARGET_SOUND_RTF = 0.05


def _film(minutes: float, cache: Path, preset: str) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"dialogue-{minutes:g}min-1080p-{preset}-faces.mp4"
    if path.is_file():
        return path
    seconds = minutes * 60
    print(f"making a {minutes:g}-minute 1080p film (once) ...", file=sys.stderr, flush=True)
    # Several dialogues one after another, so the voices are not one pair all along.
    parts = []
    total = 0.0
    i = 0
    while total < seconds:
        d = testmedia.render_dialogue(
            seed=500 + i,
            seconds=min(120.0, seconds - total + 5),
            adult=testmedia.EVAL_ADULTS[i % len(testmedia.EVAL_ADULTS)],
            child=testmedia.EVAL_CHILDREN[i % len(testmedia.EVAL_CHILDREN)],
            snr_db=20.0,
        )
        parts.append(d.audio)
        total += d.duration
        i += 1
    audio = np.concatenate(parts)[: int(seconds * testmedia.SAMPLE_RATE)]
    partial = path.with_suffix(".partial.mp4")
    testmedia.write_film(
        partial,
        audio,
        seconds=seconds,
        width=1920,
        height=1080,
        fps=30,
        preset=preset,
        portraits=True,
    )
    os.replace(partial, path)
    return path


def _timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return time.perf_counter() - started, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 1-minute film")
    parser.add_argument("--minutes", type=float, default=None)
    parser.add_argument("--preset", default="veryfast", help="x264 preset of the test film")
    parser.add_argument(
        "--cache", type=Path, default=Path(os.environ.get("ATTUNE_BENCH_CACHE", "var/bench"))
    )
    args = parser.parse_args()
    if not testmedia.espeak_available():
        print("espeak-ng is needed: apt-get install espeak-ng", file=sys.stderr)
        return 2
    minutes = args.minutes or (1.0 if args.quick else 15.0)
    film = _film(minutes, args.cache, args.preset)
    baseline_s, frames = _timed(plain_decode, film)
    full_s, result = _timed(analyse, film)
    sound_s, sound_result = _timed(analyse, film, faces=False)
    duration = result.duration
    line = {
        "bench": "analysis_speed",
        "film": {"minutes": round(duration / 60, 2), "size": "1920x1080", "fps": 30},
        "baseline_plain_decode_s": round(baseline_s, 2),
        "decoded_frames": frames,
        "analysis_s": round(full_s, 2),
        "ratio_to_decode": round(full_s / baseline_s, 3),
        "target_ratio": TARGET_RATIO,
        "sound_only_s": round(sound_s, 2),
        "sound_only_x_real_time": round(sound_s / duration, 4),
        "target_sound_x_real_time": TARGET_SOUND_RTF,
        "turns": len(result.turns),
        "suggestions": len(result.suggestions),
        "sound_only_turns": len(sound_result.turns),
        "cpus": os.cpu_count(),
    }
    line["met"] = {
        "ratio": line["ratio_to_decode"] <= TARGET_RATIO,
        "sound_only": line["sound_only_x_real_time"] <= TARGET_SOUND_RTF,
    }
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
