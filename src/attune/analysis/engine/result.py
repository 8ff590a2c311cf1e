"""The analysis result and its JSON form.

Plain data only, so a result can be stored as JSON and rebuilt later (for example to recompute
turns after the guider relabels speakers) without decoding the film again.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Speaker = Literal["adult", "child"]
SPEAKERS: tuple[Speaker, Speaker] = ("adult", "child")


def _r(value: float) -> float:
    return round(float(value), 2)


@dataclass
class Span:
    """A stretch of time, in seconds from the start of the film."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class Segment(Span):
    """Speech by one speaker (a speech segment or a whole turn)."""

    speaker: str


@dataclass
class Response:
    """A child's initiative and the adult's response to it (serve and return)."""

    initiative_start: float
    initiative_end: float
    response_start: float
    response_end: float

    @property
    def latency(self) -> float:
        """Seconds from the end of the child's turn to the start of the adult's (negative when
        the adult came in before the child had finished)."""
        return self.response_start - self.initiative_end


@dataclass
class Run(Span):
    """Three or more short turns that alternate between adult and child."""

    turns: int


@dataclass
class Wait(Span):
    """The adult stopped, left a pause, and the child filled it."""


@dataclass
class Suggestion(Span):
    score: float
    principles: list[str]
    reason: str
    #: What the suggestion is built around (``"response"``, ``"run"``, ``"wait"``, ``"faces"``).
    kind: str = "response"
    #: How sure the analysis is that what the sentence says happened (0-1): how clearly the
    #: voices were told apart and how noisy the sound is, or how rough the face cue is.
    confidence: float = 0.5


@dataclass
class Transition:
    """The moment the floor passes from one speaker to the other."""

    at: float
    from_speaker: str
    to_speaker: str
    gap: float


@dataclass
class AnalysisResult:
    duration: float
    speech: list[Segment] = field(default_factory=list)
    #: Raw speech activity before speakers are told apart (kept if speaker analysis fails).
    voice_activity: list[Span] = field(default_factory=list)
    turns: list[Segment] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    waits: list[Wait] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    #: Stretches with faces in view: ``{"start", "end", "count"}``.
    faces: list[dict[str, Any]] = field(default_factory=list)
    #: Stretches where a face seems to smile: ``{"start", "end", "person"}``.
    smiles: list[dict[str, Any]] = field(default_factory=list)
    #: Stretches where a face looks distressed (crying, afraid, angry): ``{"start", "end",
    #: "person"}``.  Never a smile, and never the heart of a suggestion.
    distress: list[dict[str, Any]] = field(default_factory=list)
    #: Stretches where two faces are turned towards each other.
    facing: list[Span] = field(default_factory=list)
    #: One entry per voice heard: ``{"voice", "role", "seconds", "pitch_hz",
    #: "child_confidence", "confidence"}``.
    voices: list[dict[str, Any]] = field(default_factory=list)
    #: How far (dB) the loud parts of the sound stand above the background (None: no sound).
    sound_margin_db: float | None = None
    has_audio: bool = True
    has_video: bool = True
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape (times in seconds, rounded to 10 ms) plus extra keys."""
        return {
            "duration": _r(self.duration),
            "speech": [_seg(s) for s in self.speech],
            "turns": [_seg(t) for t in self.turns],
            "responses": [
                {
                    "initiative_start": _r(r.initiative_start),
                    "response_start": _r(r.response_start),
                    "latency": _r(r.latency),
                }
                for r in self.responses
            ],
            "suggestions": [
                {
                    "start": _r(s.start),
                    "end": _r(s.end),
                    "score": round(s.score, 3),
                    "principles": list(s.principles),
                    "reason": s.reason,
                    "confidence": round(s.confidence, 2),
                }
                for s in self.suggestions
            ],
            # Extra keys: everything else an editor or a later recomputation needs.
            "notes": list(self.notes),
            "has_audio": self.has_audio,
            "has_video": self.has_video,
            "voice_activity": [
                {"start": _r(v.start), "end": _r(v.end)} for v in self.voice_activity
            ],
            "response_details": [{k: _r(v) for k, v in asdict(r).items()} for r in self.responses],
            "suggestion_kinds": [s.kind for s in self.suggestions],
            "runs": [{"start": _r(r.start), "end": _r(r.end), "turns": r.turns} for r in self.runs],
            "waits": [{"start": _r(w.start), "end": _r(w.end)} for w in self.waits],
            "transitions": [
                {
                    "at": _r(t.at),
                    "from": t.from_speaker,
                    "to": t.to_speaker,
                    "gap": _r(t.gap),
                }
                for t in self.transitions
            ],
            "faces": [dict(f, start=_r(f["start"]), end=_r(f["end"])) for f in self.faces],
            "smiles": [dict(s, start=_r(s["start"]), end=_r(s["end"])) for s in self.smiles],
            "distress": [dict(s, start=_r(s["start"]), end=_r(s["end"])) for s in self.distress],
            "facing": [{"start": _r(f.start), "end": _r(f.end)} for f in self.facing],
            "voices": [dict(v) for v in self.voices],
            "sound_margin_db": (
                None if self.sound_margin_db is None else round(self.sound_margin_db, 1)
            ),
        }

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnalysisResult:
        """Rebuild a result from :meth:`to_dict` output (derived lists are kept as stored)."""
        details = data.get("response_details")
        if details is None:  # only the documented keys: rebuild what they allow
            details = [
                {
                    "initiative_start": r["initiative_start"],
                    "initiative_end": r["response_start"] - r["latency"],
                    "response_start": r["response_start"],
                    "response_end": r["response_start"],
                }
                for r in data.get("responses", [])
            ]
        kinds = data.get("suggestion_kinds") or []
        return cls(
            duration=float(data.get("duration", 0.0)),
            speech=[Segment(s["start"], s["end"], s["speaker"]) for s in data.get("speech", [])],
            voice_activity=[Span(v["start"], v["end"]) for v in data.get("voice_activity", [])],
            turns=[Segment(t["start"], t["end"], t["speaker"]) for t in data.get("turns", [])],
            responses=[Response(**r) for r in details],
            runs=[Run(r["start"], r["end"], r["turns"]) for r in data.get("runs", [])],
            waits=[Wait(w["start"], w["end"]) for w in data.get("waits", [])],
            transitions=[
                Transition(t["at"], t["from"], t["to"], t["gap"])
                for t in data.get("transitions", [])
            ],
            suggestions=[
                Suggestion(
                    s["start"],
                    s["end"],
                    s["score"],
                    list(s["principles"]),
                    s["reason"],
                    kinds[i] if i < len(kinds) else "response",
                    float(s.get("confidence", 0.5)),
                )
                for i, s in enumerate(data.get("suggestions", []))
            ],
            faces=list(data.get("faces", [])),
            smiles=list(data.get("smiles", [])),
            distress=list(data.get("distress", [])),
            facing=[Span(f["start"], f["end"]) for f in data.get("facing", [])],
            voices=[dict(v) for v in data.get("voices", [])],
            sound_margin_db=data.get("sound_margin_db"),
            has_audio=bool(data.get("has_audio", True)),
            has_video=bool(data.get("has_video", True)),
            notes=list(data.get("notes", [])),
        )


def _seg(s: Segment) -> dict[str, Any]:
    return {"start": _r(s.start), "end": _r(s.end), "speaker": s.speaker}
