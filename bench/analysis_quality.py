"""How well the moment finder hears turn-taking, on generated dialogues it was not tuned on.

Generates at least 20 adult-child dialogues from espeak-ng voices and pitches that the tests
(and the tuning) never used, each at three noise levels (clean, 20 dB and 10 dB SNR), writes
each as an MP4 with a picture, runs the full engine on the file and scores it against the
known timings:

* speech: frame level (10 ms), anyone speaking;
* speaker attribution: frame level, adult and child frames (mean of the two);
* turns: same speaker and at least 50% overlap (intersection over union), one-to-one;
* serve and return: the child's start and the adult's response start both within 0.5 s.

Prints a table per noise level, then one JSON line with the figures and the targets
(turn F1 >= 0.9 clean, >= 0.8 at 10 dB).  ``--quick`` runs 6 dialogues.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from itertools import product
from pathlib import Path

from attune.analysis import evaluation
from attune.analysis.engine import analyse
from attune.samples import dialogue as testmedia

LEVELS: list[tuple[str, float | None]] = [("clean", None), ("20 dB", 20.0), ("10 dB", 10.0)]
TARGETS = {"turn_f1_clean": 0.9, "turn_f1_10db": 0.8}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dialogues", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--quick", action="store_true", help="6 dialogues of 30 s")
    args = parser.parse_args()
    if not testmedia.espeak_available():
        print("espeak-ng is needed: apt-get install espeak-ng", file=sys.stderr)
        return 2
    count = 6 if args.quick else args.dialogues
    seconds = 30.0 if args.quick else args.seconds
    pairs = list(product(testmedia.EVAL_ADULTS, testmedia.EVAL_CHILDREN))
    # spread the chosen pairs over all adults and children
    chosen = [pairs[(i * 7) % len(pairs)] for i in range(count)]
    zero = evaluation.Score(0, 0, 0)
    totals = {
        name: {k: zero for k in ("speech", "speaker", "turns", "responses")} for name, _ in LEVELS
    }
    latency_errors: dict[str, list[float]] = {name: [] for name, _ in LEVELS}
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        for i, (adult, child) in enumerate(chosen):
            for name, snr in LEVELS:
                film = Path(scratch) / f"d{i}.mp4"
                truth = testmedia.make_dialogue_film(
                    film, seed=1000 + i, seconds=seconds, adult=adult, child=child, snr_db=snr
                )
                result = analyse(film)
                speakers = evaluation.speaker_scores(
                    result.speech, truth.adult_frames, truth.child_frames
                )
                t = totals[name]
                t["speech"] += evaluation.speech_score(
                    result.speech, truth.adult_frames, truth.child_frames
                )
                t["speaker"] += speakers["adult"] + speakers["child"]
                turn = evaluation.turn_score(result.turns, truth.turns)
                t["turns"] += turn
                t["responses"] += evaluation.response_score(result.responses, truth.responses)
                latency_errors[name] += evaluation.latency_errors(result.responses, truth.responses)
                print(
                    f"{i:2d} {name:6} adult {adult.label:22} child {child.label:24} "
                    f"turn F1 {turn.f1:.2f}",
                    file=sys.stderr,
                    flush=True,
                )
    print(f"\n{count} dialogues x {len(LEVELS)} noise levels, {seconds:.0f} s each")
    print(f"{'level':7} {'measure':10} {'precision':>9} {'recall':>7} {'F1':>6}")
    figures: dict[str, dict[str, dict[str, float]]] = {}
    for name, _ in LEVELS:
        figures[name] = {}
        for measure, score in totals[name].items():
            figures[name][measure] = score.as_dict()
            print(
                f"{name:7} {measure:10} {score.precision:9.3f} {score.recall:7.3f} {score.f1:6.3f}"
            )
        errors = latency_errors[name]
        if errors:
            figures[name]["latency_error_s"] = {
                "median_abs": round(statistics.median(abs(e) for e in errors), 3),
                "max_abs": round(max(abs(e) for e in errors), 3),
            }
    line = {
        "bench": "analysis_quality",
        "dialogues": count,
        "seconds_each": seconds,
        "figures": figures,
        "targets": TARGETS,
        "met": {
            "turn_f1_clean": figures["clean"]["turns"]["f1"] >= TARGETS["turn_f1_clean"],
            "turn_f1_10db": figures["10 dB"]["turns"]["f1"] >= TARGETS["turn_f1_10db"],
        },
        "wall_s": round(time.monotonic() - started, 1),
    }
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
