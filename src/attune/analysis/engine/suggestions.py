"""Ranked candidate moments (suggestions), each with the principles it may show and one
sentence in VIG words.

Most clips guiders choose show an adult receiving a child's initiative, so suggestions are
built around serve-and-return: the child speaks, the adult responds promptly, and short turns
follow.  Waiting (a pause the child fills), smiles and being turned towards each other add to a
moment's score; a face that looks distressed takes the smile away and sinks the window (a
moment of crying is not a "better than usual" moment, whatever the timing of speech says).
Windows are at most ten seconds long and never overlap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from attune.analysis.engine.result import Response, Run, Segment, Span, Suggestion, Wait
from attune.analysis.engine.turns import is_child_initiated

MAX_WINDOW = 10.0
LEAD_IN = 1.0
MAX_OVERLAP = 0.3

BEING_ATTENTIVE = "Being attentive"
ENCOURAGING = "Encouraging initiatives"
RECEIVING = "Receiving initiatives"
DEVELOPING = "Developing attuned interactions"
GUIDING = "Guiding"
DEEPENING = "Deepening discussion"
PRINCIPLES = (BEING_ATTENTIVE, ENCOURAGING, RECEIVING, DEVELOPING, GUIDING, DEEPENING)

_NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def clock(seconds: float) -> str:
    """02:14 (or 1:02:14 past an hour)."""
    whole = round(max(0.0, seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def _number(n: int) -> str:
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)


def _overlaps(a: Span, start: float, end: float) -> float:
    return max(0.0, min(a.end, end) - max(a.start, start))


@dataclass
class _Candidate:
    start: float
    end: float
    score: float
    kind: str
    principles: list[str] = field(default_factory=list)
    opener: str = ""
    middle: list[str] = field(default_factory=list)
    behaviours: list[str] = field(default_factory=list)

    def add(self, principle: str, behaviour: str) -> None:
        if principle not in self.principles:
            self.principles.append(principle)
        if behaviour not in self.behaviours:
            self.behaviours.append(behaviour)

    def reason(self) -> str:
        text = self.opener
        if self.middle:
            text += "; " + " and ".join(self.middle)
        if self.behaviours:
            text += ": " + ", ".join(self.behaviours)
        return text[0].upper() + text[1:]


def _turns_after(turns: list[Segment], response: Response, runs: list[Run]) -> tuple[int, float]:
    """How many short alternating turns follow the response, and where they end."""
    for run in runs:
        if run.start <= response.initiative_start + 0.01 and run.end >= response.response_start:
            following = [
                t
                for t in turns
                if t.start > response.response_start + 0.01 and t.end <= run.end + 0.01
            ]
            return len(following), run.end
    return 0, 0.0


def _upset(start: float, end: float, distress: list[dict[str, Any]]) -> bool:
    """Whether a face looks distressed for more than a fifth of the window."""
    window = Span(start, end)
    return sum(_overlaps(window, d["start"], d["end"]) for d in distress) > 0.2 * window.duration


def _visual(
    c: _Candidate,
    smiles: list[dict[str, Any]],
    facing: list[Span],
    distress: list[dict[str, Any]],
) -> None:
    window = Span(c.start, c.end)
    if _upset(c.start, c.end, distress):
        # Someone looks upset here: whatever the timing of speech says, it is not offered as a
        # good moment with a smile, and it sinks below the others.
        c.score -= 0.3
        return
    if any(_overlaps(window, s["start"], s["end"]) > 0.3 for s in smiles):
        c.score += 0.1
        c.middle.append("there was a smile")
        c.add(RECEIVING, "returning eye contact, smiling, nodding")
    if any(_overlaps(f, c.start, c.end) > 0.5 for f in facing):
        c.score += 0.1
        c.middle.append("you were turned towards each other")
        c.add(BEING_ATTENTIVE, "turning towards")


def _from_response(
    response: Response,
    turns: list[Segment],
    runs: list[Run],
    waits: list[Wait],
) -> _Candidate:
    wait = next(
        (w for w in waits if abs(w.end - response.initiative_start) < 0.05),
        None,
    )
    start = (wait.start - 0.5) if wait is not None else response.initiative_start - LEAD_IN
    start = max(0.0, start)
    followers, run_end = _turns_after(turns, response, runs)
    end = max(response.response_end, run_end) + 0.5
    end = min(end, start + MAX_WINDOW)
    c = _Candidate(start, end, 0.5, "response")
    child_turn = next(
        (
            t
            for t in turns
            if t.speaker == "child" and abs(t.start - response.initiative_start) < 0.01
        ),
        Segment(response.initiative_start, response.initiative_end, "child"),
    )
    if wait is not None:
        c.opener = (
            f"You waited {wait.duration:.1f} s and the child filled the pause at "
            f"{clock(response.initiative_start)}"
        )
        c.score += 0.15
        c.add(ENCOURAGING, "waiting")
    elif is_child_initiated(turns, child_turn):
        c.opener = f"The child started talking at {clock(response.initiative_start)}"
        c.score += 0.1
    else:
        c.opener = f"The child spoke at {clock(response.initiative_start)}"
    latency = response.latency
    if latency <= 0.1:
        c.middle.append("you came in as they finished")
        c.score += 0.0 if latency > -0.3 else -0.15
    else:
        c.middle.append(f"you responded after {latency:.1f} s")
        c.score += 0.15 if latency <= 1.5 else 0.05
    c.add(RECEIVING, "receiving initiatives")
    if followers >= 2:
        c.middle[-1] += f" and {_number(followers)} short turns followed"
        c.score += min(0.3, 0.08 * followers)
        c.add(DEVELOPING, "giving and taking short turns")
        in_window = [t for t in turns if t.start >= response.response_start and t.end <= end]
        adult = [t.duration for t in in_window if t.speaker == "adult"]
        child = [t.duration for t in in_window if t.speaker == "child"]
        adult_mean = sum(adult) / len(adult) if adult else 0.0
        child_mean = sum(child) / len(child) if child else 0.0
        # The adult keeps building on short contributions from the child: a (rough) sign of
        # scaffolding rather than plain back-and-forth.
        if len(adult) >= 2 and child and adult_mean >= 2.0 and adult_mean >= 2.5 * child_mean:
            c.add(GUIDING, "extending, building on the other's response")
    return c


def _from_run(run: Run) -> _Candidate:
    c = _Candidate(
        max(0.0, run.start - 0.5), min(run.end + 0.5, run.start - 0.5 + MAX_WINDOW), 0.45, "run"
    )
    c.opener = f"From {clock(run.start)} you and the child took {_number(run.turns)} short turns"
    c.score += min(0.25, 0.06 * run.turns)
    c.add(DEVELOPING, "giving and taking short turns")
    return c


def _from_wait(wait: Wait) -> _Candidate:
    c = _Candidate(max(0.0, wait.start - 1.0), wait.end + 3.0, 0.4, "wait")
    c.opener = (
        f"At {clock(wait.start)} you waited {wait.duration:.1f} s and the child filled the pause"
    )
    c.add(ENCOURAGING, "waiting")
    c.add(ENCOURAGING, "looking for initiatives")
    return c


def _from_facing(span: Span) -> _Candidate:
    end = min(span.end, span.start + MAX_WINDOW)
    c = _Candidate(span.start, end, 0.3 + min(0.2, 0.04 * (end - span.start)), "faces")
    c.opener = f"At {clock(span.start)} you were turned towards each other"
    c.add(BEING_ATTENTIVE, "turning towards")
    return c


def build_suggestions(
    *,
    duration: float,
    turns: list[Segment],
    responses: list[Response],
    runs: list[Run],
    waits: list[Wait],
    smiles: list[dict[str, Any]] | None = None,
    facing: list[Span] | None = None,
    distress: list[dict[str, Any]] | None = None,
    limit: int | None = None,
    voices: list[dict[str, Any]] | None = None,
    sound_margin_db: float | None = None,
) -> list[Suggestion]:
    sound = sound_confidence(voices or [], sound_margin_db)
    smiles = smiles or []
    facing = facing or []
    distress = distress or []
    candidates = [_from_response(r, turns, runs, waits) for r in responses]
    candidates += [_from_run(r) for r in runs]
    candidates += [_from_wait(w) for w in waits]
    candidates += [
        _from_facing(f)
        for f in facing
        if f.duration >= 1.0 and not _upset(f.start, min(f.end, f.start + MAX_WINDOW), distress)
    ]
    for c in candidates:
        c.end = min(c.end, duration) if duration > 0 else c.end
        if c.kind != "faces":
            _visual(c, smiles, facing, distress)
        c.score = max(0.0, min(1.0, c.score))
    candidates.sort(key=lambda c: (-c.score, c.start))
    if limit is None:
        limit = max(3, min(15, int(duration / 60 * 2) + 3))
    chosen: list[_Candidate] = []
    for c in candidates:
        length = c.end - c.start
        if length <= 0:
            continue
        clash = any(
            _overlaps(Span(o.start, o.end), c.start, c.end)
            > MAX_OVERLAP * min(length, o.end - o.start)
            for o in chosen
        )
        if not clash:
            chosen.append(c)
        if len(chosen) >= limit:
            break
    return [
        Suggestion(
            c.start,
            c.end,
            round(c.score, 3),
            c.principles,
            c.reason(),
            c.kind,
            FACE_CONFIDENCE if c.kind == "faces" else sound,
        )
        for c in chosen
    ]


#: Being turned towards each other is a head-turn estimate from five points: a suggestion built
#: on it alone is never more than an even chance.
FACE_CONFIDENCE = 0.4


def sound_confidence(voices: list[dict[str, Any]], margin_db: float | None) -> float:
    """How sure a suggestion built on who spoke when can be: the least sure naming of a
    voice, lowered in noise (full at 30 dB of speech over background, a third at 10 dB)."""
    named = [float(v["confidence"]) for v in voices if v.get("confidence") is not None]
    speakers = min(named) if named else 0.5
    noise = 1.0 if margin_db is None else min(1.0, 1 / 3 + max(0.0, margin_db - 10.0) / 30.0)
    return round(speakers * noise, 2)
