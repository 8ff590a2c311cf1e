"""How well the moment finder hears turn-taking, on generated dialogues it was not tuned on.

Two sets, both from espeak-ng voices and pitches that the tests (and the tuning) never used:

* **dialogues**: adult-child dialogues, each at three noise levels (clean, 20 dB and 10 dB
  SNR), written as MP4 films with a picture and run through the full engine;
* **harder**: conversations analysed as sound (clean and 10 dB): an adult who raises their
  pitch to speak to the child on a third of their lines, two adults and one child, one adult
  and two children, two adults with no child at all, a television talking in the background
  (its speech is nobody's in the truth) and a child who mostly babbles.

Scored with the definitions in ``docs/analysis.md`` (``attune.analysis.evaluation``): a turn
is one speaker's speech with every pause under 2 s merged in, matched when the speaker agrees
and the starts are within 0.5 s; a serve and return is a child turn followed by an adult turn
starting at most 3 s after it ends, matched when both starts are within 0.5 s; speaker
attribution is the share of 10 ms frames where exactly one role speaks that carry the right
label.  The truth comes from the script that made the sound.

Prints a table, then one JSON line with every figure and its target.  ``--quick`` runs fewer.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from itertools import product
from pathlib import Path
from typing import Any

from attune.analysis import evaluation
from attune.analysis.engine import AnalysisResult, analyse
from attune.analysis.engine.pipeline import analyse_audio
from attune.samples import dialogue as testmedia

LEVELS: list[tuple[str, float | None]] = [("clean", None), ("20 dB", 20.0), ("10 dB", 10.0)]
TARGETS = {"turn_f1_clean": 0.9, "turn_f1_10db": 0.85, "serve_return_f1_clean": 0.8}
V = testmedia.Voice
A, C = testmedia.EVAL_ADULTS, testmedia.EVAL_CHILDREN
RAISED = {"raised_share": 0.33}
#: A television 10 dB below the people's speech; a child whose lines are 80 % babble.
TV = {"raised_share": 0.33, "tv_db": -10.0}
BABBLE = {"raised_share": 0.33, "babble_share": 0.8}
#: The harder cases: (name, people, what else to render: see ``render_conversation``).
HARDER: list[tuple[str, list[tuple[str, testmedia.Voice]], dict[str, float]]] = [
    ("child-directed pitch", [("adult", A[0]), ("child", C[0])], RAISED),
    ("child-directed pitch", [("adult", A[6]), ("child", C[3])], RAISED),
    ("two adults, one child", [("adult", A[2]), ("adult", A[4]), ("child", C[1])], RAISED),
    ("two adults, one child", [("adult", A[3]), ("adult", A[7]), ("child", C[4])], RAISED),
    ("one adult, two children", [("adult", A[5]), ("child", C[2]), ("child", C[0])], RAISED),
    ("one adult, two children", [("adult", A[8]), ("child", C[1]), ("child", C[3])], RAISED),
    ("two adults, no child", [("adult", V("m1", 60)), ("adult", V("f1", 40))], {}),
    ("two adults, no child", [("adult", V("m5", 55)), ("adult", V("f4", 35))], {}),
    ("television in the background", [("adult", A[1]), ("child", C[2])], TV),
    ("television in the background", [("adult", A[4]), ("child", C[0])], TV),
    ("child who mostly babbles", [("adult", A[2]), ("child", C[3])], BABBLE),
    ("child who mostly babbles", [("adult", A[7]), ("child", C[4])], BABBLE),
]
#: The cases added after the first harder set, also scored apart so that the figures of the
#: first eight stay comparable with earlier runs.
NEWER = ("television in the background", "child who mostly babbles")


class Tally:
    def __init__(self) -> None:
        zero = evaluation.Score(0, 0, 0)
        self.speech, self.turns, self.returns = zero, zero, zero
        self.right, self.frames = 0.0, 0.0

    def add(self, result: AnalysisResult, truth: testmedia.Dialogue) -> float:
        adult, child = truth.adult_frames, truth.child_frames
        self.speech += evaluation.speech_score(result.speech, adult, child)
        detected = evaluation.eval_turns(result.speech)
        true_turns = evaluation.eval_turns(truth.speech)
        turn = evaluation.turn_start_score(detected, true_turns)
        self.turns += turn
        self.returns += evaluation.response_score(
            evaluation.eval_returns(detected), evaluation.eval_returns(true_turns)
        )
        right, frames = evaluation.attribution(result.speech, adult, child)
        self.right += right
        self.frames += frames
        return turn.f1

    def figures(self) -> dict[str, Any]:
        return {
            "speech": self.speech.as_dict(),
            "turns": self.turns.as_dict(),
            "serve_return": self.returns.as_dict(),
            "speaker_attribution": round(self.right / self.frames, 3) if self.frames else None,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dialogues", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--quick", action="store_true", help="6 dialogues of 30 s")
    parser.add_argument("--voiceprints", action="store_true", help="voices from voice prints")
    args = parser.parse_args()
    if not testmedia.espeak_available():
        print("espeak-ng is needed: apt-get install espeak-ng", file=sys.stderr)
        return 2
    count = 6 if args.quick else args.dialogues
    seconds = 30.0 if args.quick else args.seconds
    pairs = list(product(testmedia.EVAL_ADULTS, testmedia.EVAL_CHILDREN))
    chosen = [pairs[(i * 7) % len(pairs)] for i in range(count)]
    tallies = {name: Tally() for name, _ in LEVELS}
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        for i, (adult, child) in enumerate(chosen):
            for name, snr in LEVELS:
                film = Path(scratch) / f"d{i}.mp4"
                truth = testmedia.make_dialogue_film(
                    film, seed=1000 + i, seconds=seconds, adult=adult, child=child, snr_db=snr
                )
                f1 = tallies[name].add(analyse(film, voiceprints=args.voiceprints), truth)
                print(
                    f"{i:2d} {name:6} {adult.label:22} {child.label:24} turn F1 {f1:.2f}",
                    file=sys.stderr,
                    flush=True,
                )
    harder = {name: Tally() for name in ("clean", "10 dB")}
    first_eight = {name: Tally() for name in ("clean", "10 dB")}
    per_case: dict[str, dict[str, Tally]] = {}
    by_case: dict[str, dict[str, Any]] = {}
    no_child_right = 0
    no_child_films = 0
    rounds = 1 if args.quick else 2
    for k, (case, people, options) in enumerate(HARDER):
        for r in range(rounds):
            for name, snr in (("clean", None), ("10 dB", 10.0)):
                truth = testmedia.render_conversation(
                    people=people,
                    seed=2000 + 10 * k + r,
                    seconds=seconds,
                    snr_db=snr,
                    **options,
                )
                result = analyse_audio(truth.audio, voiceprints=args.voiceprints)
                f1 = harder[name].add(result, truth)
                if case not in NEWER:
                    first_eight[name].add(result, truth)
                per_case.setdefault(case, {}).setdefault(name, Tally()).add(result, truth)
                entry = by_case.setdefault(case, {"films": 0, "voices_found": []})
                entry["films"] += 1
                entry["voices_found"].append(len(result.voices))
                if case.endswith("no child"):
                    no_child_films += 1
                    no_child_right += all(s.speaker == "adult" for s in result.speech)
                print(
                    f"harder {case:24} {name:6} voices {len(result.voices)} turn F1 {f1:.2f}",
                    file=sys.stderr,
                    flush=True,
                )
    figures = {name: t.figures() for name, t in tallies.items()}
    hard = {name: t.figures() for name, t in harder.items()}
    eight = {name: t.figures() for name, t in first_eight.items()}
    for case, levels in per_case.items():
        by_case[case]["figures"] = {name: t.figures() for name, t in levels.items()}
    tables = [("dialogues", figures), ("harder", hard), ("first 8", eight)]
    tables += [(case, by_case[case]["figures"]) for case in per_case]
    for label, table in tables:
        for name, fig in table.items():
            print(
                f"{label:28} {name:6} speech F1 {fig['speech']['f1']:.3f}  "
                f"attribution {fig['speaker_attribution']}  "
                f"turn F1 {fig['turns']['f1']:.3f}  "
                f"serve-and-return F1 {fig['serve_return']['f1']:.3f}"
            )
    both_clean = (figures["clean"]["turns"]["f1"], hard["clean"]["turns"]["f1"])
    line = {
        "bench": "analysis_quality",
        "dialogues": count,
        "seconds_each": seconds,
        "voiceprints": args.voiceprints,
        "figures": figures,
        "harder": hard,
        "harder_first_eight": eight,
        "harder_cases": by_case,
        "two_adults_no_child_labelled": f"{no_child_right}/{no_child_films}",
        "targets": TARGETS,
        "met": {
            "turn_f1_clean": min(both_clean) >= TARGETS["turn_f1_clean"],
            "turn_f1_10db": min(
                figures["10 dB"]["turns"]["f1"],
                hard["10 dB"]["turns"]["f1"],
            )
            >= TARGETS["turn_f1_10db"],
            "serve_return_f1_clean": min(
                figures["clean"]["serve_return"]["f1"],
                hard["clean"]["serve_return"]["f1"],
            )
            >= TARGETS["serve_return_f1_clean"],
        },
        "wall_s": round(time.monotonic() - started, 1),
    }
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
