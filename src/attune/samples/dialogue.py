"""Synthetic adult-child dialogues with known timings, for tests, benchmarks and the demo film.

Voices come from Debian's ``espeak-ng``.  An adult is an espeak voice, often at a raised pitch
(adults talking to young children do that).  A child is an espeak voice whose whole spectrum is
scaled up (``shift``): higher pitch *and* higher formants, as with a shorter vocal tract, and
shorter, simpler utterances.  The script plans turns with response latencies, overlaps, long
silences and pauses the child fills; everything the analysis should find is recorded as ground
truth.  Background noise is mixed in at a chosen signal-to-noise ratio and the sound is muxed
with a generated picture into an MP4 with the FFmpeg binary that ``imageio-ffmpeg`` bundles.

No Django imports: the benchmarks use this module without settings.
"""

from __future__ import annotations

import io
import itertools
import os
import random
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from attune.analysis.engine.result import Response, Segment
from attune.analysis.engine.turns import build_turns, find_responses

SAMPLE_RATE = 16_000
FRAME = 0.01  # ground-truth frame length in seconds

ADULT_LINES = [
    "What have you got there?",
    "Oh, a big red car!",
    "Shall we build a tower together?",
    "You did it, well done.",
    "Look at that, it is going round and round.",
    "I wonder what happens next.",
    "Yes, that one is blue.",
    "Can you show me how it works?",
    "Oh dear, it fell down.",
    "You are pushing it really fast.",
    "Where is the little dog going?",
    "That is a lovely picture.",
    "Hmm, let me think about that.",
    "Would you like the green one or the yellow one?",
    "Ready, steady, go!",
    "You found the teddy.",
]
CHILD_LINES = [
    "Car!",
    "Look!",
    "More please.",
    "My turn.",
    "Doggy.",
    "I want the blue one.",
    "Uh oh.",
    "Again!",
    "Mummy, look.",
    "Big tower.",
    "No, this one.",
    "Bang!",
    "It is a train.",
    "Me do it.",
    "Where teddy?",
    "Yeah.",
]
#: What a child who mostly babbles says: syllables and sounds rather than words.
BABBLE_LINES = [
    "ba ba ba",
    "da da",
    "ma ma ma ma",
    "ah",
    "ooh",
    "ga ga",
    "bwah",
    "eh eh",
    "na na na",
    "ba da",
    "oh oh",
    "yaya",
]
#: A television in the room: a presenter talking on and on.
TV_LINES = [
    "And now the weather for the rest of the week.",
    "Temperatures will rise slowly towards the weekend.",
    "In other news, the council has approved the new bridge.",
    "Stay with us after the break for the latest football scores.",
    "Scientists say the discovery could change how we think about the ocean.",
    "The roads are busy this evening, so please allow extra time.",
    "Our reporter has been speaking to people in the town centre.",
    "That is all from us for now, goodnight.",
]


@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice.  ``shift`` > 1 scales pitch and formants up (child-like)."""

    variant: str
    pitch: int
    speed: int = 160
    shift: float = 1.0
    gain_db: float = 0.0

    @property
    def label(self) -> str:
        return f"{self.variant} p{self.pitch} s{self.speed} x{self.shift:g}"


#: Voices the tests use (and the engine was tuned on).
DEV_ADULTS = (
    Voice("f3", 85),
    Voice("m3", 60, speed=150),
    Voice("steph", 80, speed=150),
    Voice("f5", 70, speed=170, gain_db=-2),
)
DEV_CHILDREN = (
    Voice("f2", 70, speed=130, shift=1.35, gain_db=-4),
    Voice("Annie", 60, speed=125, shift=1.3, gain_db=-3),
    Voice("linda", 55, speed=135, shift=1.4, gain_db=-5),
)
#: Voices and pitches only the quality benchmark uses (never seen while tuning).
EVAL_ADULTS = (
    Voice("f1", 90, speed=155),
    Voice("f4", 95, speed=165),
    Voice("m1", 75, speed=150),
    Voice("m5", 85, speed=145),
    Voice("Andrea", 60, speed=160),
    Voice("belinda", 75, speed=150),
    Voice("aunty", 85, speed=150, gain_db=-2),
    Voice("Alicia", 50, speed=160),
    Voice("max", 90, speed=155),
)
EVAL_CHILDREN = (
    Voice("anika", 50, speed=130, shift=1.25, gain_db=-4),
    Voice("Alicia", 65, speed=125, shift=1.3, gain_db=-3),
    Voice("belinda", 45, speed=130, shift=1.45, gain_db=-6),
    Voice("f4", 80, speed=120, shift=1.32, gain_db=-2),
    Voice("steph", 70, speed=125, shift=1.38, gain_db=-5),
)


#: The television's presenter (never one of the people in the room).
TV_VOICE = Voice("m2", 45, speed=175)


@dataclass
class Dialogue:
    """A rendered dialogue and its ground truth."""

    audio: np.ndarray
    duration: float
    utterances: list[Segment]
    speech: list[Segment]
    turns: list[Segment]
    responses: list[Response]
    #: Per 10 ms frame: is the adult / the child speaking?
    adult_frames: np.ndarray
    child_frames: np.ndarray
    adult: Voice
    child: Voice
    snr_db: float | None
    seed: int
    notes: list[str] = field(default_factory=list)
    #: Everyone who speaks, as (role, voice), for conversations of more than two.
    people: list[tuple[str, Voice]] = field(default_factory=list)
    #: Per 10 ms frame: is the television talking?  (Not a person in the room: the truth
    #: gives that speech to nobody.)
    tv_frames: np.ndarray | None = None


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def _read_wav(data: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(data)) as handle:
        rate = handle.getframerate()
        frames = handle.readframes(handle.getnframes())
        width = handle.getsampwidth()
    if width != 2:
        raise RuntimeError("espeak-ng wrote an unexpected sample width")
    return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0, rate


def _resample(signal: np.ndarray, rate_in: float, rate_out: float) -> np.ndarray:
    if signal.size == 0:
        return signal
    n_out = max(1, round(signal.size * rate_out / rate_in))
    # A crude anti-alias filter (moving average) when going down in rate is enough for tests.
    if rate_out < rate_in:
        width = max(1, round(rate_in / rate_out))
        signal = np.convolve(signal, np.ones(width) / width, mode="same")
    positions = np.arange(n_out) * (rate_in / rate_out)
    return np.interp(positions, np.arange(signal.size), signal).astype(np.float32)


def speak(text: str, voice: Voice) -> np.ndarray:
    """Render ``text`` with espeak-ng and return 16 kHz mono float32, silence trimmed."""
    speed = max(80, round(voice.speed / voice.shift))
    proc = subprocess.run(
        [
            "espeak-ng",
            "-v",
            f"en+{voice.variant}",
            "-p",
            str(voice.pitch),
            "-s",
            str(speed),
            "--stdout",
            text,
        ],
        capture_output=True,
        check=True,
    )
    signal, rate = _read_wav(proc.stdout)
    # Played back faster, the whole spectrum (pitch and formants) rises by ``shift``.
    signal = _resample(signal, rate * voice.shift, SAMPLE_RATE)
    return _trim(signal)


def _trim(signal: np.ndarray) -> np.ndarray:
    hop = int(FRAME * SAMPLE_RATE)
    if signal.size < hop:
        return signal
    frames = signal[: signal.size - signal.size % hop].reshape(-1, hop)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    active = np.flatnonzero(rms > rms.max() * 0.02)
    if active.size == 0:
        return signal[:0]
    return signal[active[0] * hop : (active[-1] + 1) * hop]


def _frames_active(signal: np.ndarray, bridge: float = 0.25) -> np.ndarray:
    """Frame-level speech of one clean track: energy above a floor, short gaps bridged."""
    hop = int(FRAME * SAMPLE_RATE)
    n = signal.size // hop
    frames = signal[: n * hop].reshape(n, hop)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    active = rms > max(1e-4, float(rms.max()) * 0.03 if rms.size else 0.0)
    # bridge short gaps (stop closures, commas) as listeners and VADs do
    idx = np.flatnonzero(active)
    limit = round(bridge / FRAME)
    for a, b in itertools.pairwise(idx):
        if 1 < b - a <= limit:
            active[a:b] = True
    return active


def _runs(active: np.ndarray, speaker: str) -> list[Segment]:
    out: list[Segment] = []
    padded = np.concatenate([[False], active, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        out.append(Segment(start * FRAME, end * FRAME, speaker))
    return out


def _noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Pink-ish household noise: 1/f noise plus a faint mains hum."""
    white = rng.standard_normal(n)
    spectrum = np.fft.rfft(white)
    freqs = np.fft.rfftfreq(n, 1 / SAMPLE_RATE)
    spectrum /= np.sqrt(np.maximum(freqs, 20.0))
    pink = np.fft.irfft(spectrum, n)
    pink /= np.std(pink) + 1e-12
    t = np.arange(n) / SAMPLE_RATE
    hum = 0.2 * np.sin(2 * np.pi * 50 * t)
    return (pink + hum).astype(np.float32)


def _sample_mask(frames: np.ndarray, n: int) -> np.ndarray:
    """Per-sample mask of ``n`` samples from a per-frame one."""
    mask = np.repeat(frames, int(FRAME * SAMPLE_RATE))[:n]
    return np.pad(mask, (0, n - mask.size))


def _room(signal: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Sound from a small loudspeaker across the room: only 200 Hz - 5 kHz, and a short
    reverberant tail (0.25 s of decaying noise)."""
    n = signal.size
    spectrum = np.fft.rfft(signal)
    freqs = np.fft.rfftfreq(n, 1 / SAMPLE_RATE)
    spectrum[(freqs < 200) | (freqs > 5000)] *= 0.05
    band = np.fft.irfft(spectrum, n)
    tail = rng.standard_normal(int(0.25 * SAMPLE_RATE)) * np.exp(-np.arange(4000) / 800)
    tail[0] = 1.0 / 0.3
    wet = np.convolve(band, tail * 0.3)[:n]
    return (wet / (np.std(wet) + 1e-12) * (np.std(band) + 1e-12)).astype(np.float32)


def television(seconds: float, seed: int, voice: Voice = TV_VOICE) -> tuple[np.ndarray, np.ndarray]:
    """A television talking throughout ``seconds``: a presenter's lines with short pauses
    over a quiet music bed, as heard across a room.  Sound and its speech frames."""
    rng = random.Random(seed)
    n = int(np.ceil(seconds * SAMPLE_RATE))
    speech = np.zeros(n, np.float32)
    cursor = rng.uniform(0.0, 0.5)
    while cursor < seconds:
        line = speak(rng.choice(TV_LINES), voice)
        i = round(cursor * SAMPLE_RATE)
        speech[i : i + line.size] += line[: n - i]
        cursor += line.size / SAMPLE_RATE + rng.uniform(0.2, 0.7)
    active = _frames_active(speech)
    t = np.arange(n) / SAMPLE_RATE
    chord = sum(np.sin(2 * np.pi * f * t + k) for k, f in enumerate((220.0, 277.2, 329.6)))
    music = (chord * (0.6 + 0.4 * np.sin(2 * np.pi * t / 4.0))).astype(np.float32)
    level = float(np.std(speech[_sample_mask(active, n)])) or 1e-3
    mix = speech + music / (np.std(music) + 1e-12) * level * 10 ** (-15 / 20)
    return _room(mix, np.random.default_rng(seed + 31)), active


@dataclass
class _Plan:
    speaker: str
    text: str
    gap: float  # seconds from the end of the previous utterance (negative: overlap)


def plan_script(rng: random.Random, seconds: float) -> list[_Plan]:
    """Plan a dialogue: mostly alternation, some overlaps, long silences and repeats."""
    plans: list[_Plan] = []
    speaker = rng.choice(["adult", "child"])
    expected = 0.0
    first = True
    while expected < seconds - 3.0:
        roll = rng.random()
        if first:
            gap = rng.uniform(0.5, 1.5)
        elif plans[-1].speaker == speaker:
            gap = rng.uniform(2.2, 4.0)  # the same speaker again, after a clear pause
        elif roll < 0.12:
            gap = -rng.uniform(0.15, 0.4)  # overlap
        elif roll < 0.24:
            gap = rng.uniform(2.5, 5.0)  # a long silence
        elif roll < 0.36 and speaker == "child":
            gap = rng.uniform(1.5, 2.4)  # the adult waits and the child fills the pause
        else:
            gap = rng.uniform(0.25, 1.3)  # an ordinary response
        lines = CHILD_LINES if speaker == "child" else ADULT_LINES
        plans.append(_Plan(speaker, rng.choice(lines), gap))
        expected += max(gap, 0) + (0.8 if speaker == "child" else 2.0)
        first = False
        speaker = ("child" if speaker == "adult" else "adult") if rng.random() < 0.82 else speaker
    return plans


def render_dialogue(
    *,
    seed: int = 0,
    seconds: float = 30.0,
    adult: Voice = DEV_ADULTS[0],
    child: Voice = DEV_CHILDREN[0],
    snr_db: float | None = None,
) -> Dialogue:
    """Render a dialogue of about ``seconds`` seconds with its ground truth."""
    rng = random.Random(seed)
    plans = plan_script(rng, seconds)
    rendered: list[tuple[str, str, float, np.ndarray]] = []
    cursor = 0.0
    prev_end = 0.0
    for plan in plans:
        voice = adult if plan.speaker == "adult" else child
        signal = speak(plan.text, voice) * (10 ** (voice.gain_db / 20))
        start = max(0.0, prev_end + plan.gap) if rendered else plan.gap
        # An overlap never starts before the previous utterance does.
        if rendered:
            start = max(start, rendered[-1][2] + 0.3)
        rendered.append((plan.speaker, plan.text, start, signal))
        prev_end = start + signal.size / SAMPLE_RATE
        cursor = max(cursor, prev_end)
    total = cursor + 1.0
    n = int(np.ceil(total * SAMPLE_RATE))
    tracks = {"adult": np.zeros(n, np.float32), "child": np.zeros(n, np.float32)}
    utterances: list[Segment] = []
    for speaker, _text, start, signal in rendered:
        i = round(start * SAMPLE_RATE)
        tracks[speaker][i : i + signal.size] += signal[: n - i]
        utterances.append(Segment(start, start + signal.size / SAMPLE_RATE, speaker))
    adult_frames = _frames_active(tracks["adult"])
    child_frames = _frames_active(tracks["child"])
    speech = sorted(
        _runs(adult_frames, "adult") + _runs(child_frames, "child"), key=lambda s: s.start
    )
    mix = tracks["adult"] + tracks["child"]
    nprng = np.random.default_rng(seed + 7919)
    if snr_db is not None:
        active = np.repeat(adult_frames | child_frames, int(FRAME * SAMPLE_RATE))
        active = np.pad(active, (0, n - active.size))
        power = float(np.mean(mix[active] ** 2)) if active.any() else 1e-4
        noise = _noise(n, nprng)
        mix = mix + noise * np.sqrt(power / 10 ** (snr_db / 10))
    peak = float(np.max(np.abs(mix))) or 1.0
    mix = (mix * min(1.0, 0.9 / peak)).astype(np.float32)
    turns = build_turns(speech)
    return Dialogue(
        audio=mix,
        duration=n / SAMPLE_RATE,
        utterances=utterances,
        speech=speech,
        turns=turns,
        responses=find_responses(turns),
        adult_frames=adult_frames,
        child_frames=child_frames,
        adult=adult,
        child=child,
        snr_db=snr_db,
        seed=seed,
    )


def _raised(voice: Voice, by: int = 25) -> Voice:
    """The same voice at a raised pitch (child-directed speech)."""
    return Voice(voice.variant, min(99, voice.pitch + by), voice.speed, voice.shift, voice.gain_db)


def render_conversation(
    *,
    people: Sequence[tuple[str, Voice]],
    seed: int = 0,
    seconds: float = 30.0,
    snr_db: float | None = None,
    raised_share: float = 0.0,
    babble_share: float = 0.0,
    tv_db: float | None = None,
) -> Dialogue:
    """A conversation between any number of ``people`` (``("adult" | "child", voice)``):
    two adults and a child, an adult and two children, or two adults and no child.

    ``raised_share`` of the adults' lines are spoken at a raised pitch, as adults do when
    they talk to a child; ``babble_share`` of the children's lines are babble (syllables and
    sounds, not words).  ``tv_db``: a television talks throughout, this many dB relative to
    the people's speech (-6: half as loud); its speech belongs to nobody in the truth.  The truth labels speech by role (``adult_frames``,
    ``child_frames``, turns by role) and keeps who said what in ``utterances`` (speaker
    ``"adult 1"``, ``"child 1"``, ...)."""
    if len(people) < 2:
        raise ValueError("a conversation needs at least two people")
    rng = random.Random(seed)
    names: list[str] = []
    counts: dict[str, int] = {}
    for role, _voice in people:
        counts[role] = counts.get(role, 0) + 1
        names.append(f"{role} {counts[role]}")
    rendered: list[tuple[int, float, np.ndarray]] = []
    prev_end = 0.0
    who = rng.randrange(len(people))
    while prev_end < seconds - 3.0:
        role, voice = people[who]
        if role == "adult" and rng.random() < raised_share:
            voice = _raised(voice)
        if role == "child":
            # (no draw without babble, so earlier scripts stay as they were)
            babble = babble_share > 0 and rng.random() < babble_share
            text = rng.choice(BABBLE_LINES if babble else CHILD_LINES)
        else:
            text = rng.choice(ADULT_LINES)
        signal = speak(text, voice) * (10 ** (voice.gain_db / 20))
        roll = rng.random()
        if not rendered:
            gap = rng.uniform(0.5, 1.5)
        elif rendered[-1][0] == who:
            gap = rng.uniform(2.2, 4.0)
        elif roll < 0.1:
            gap = -rng.uniform(0.15, 0.4)
        elif roll < 0.22:
            gap = rng.uniform(2.5, 5.0)
        else:
            gap = rng.uniform(0.25, 1.3)
        start = max(0.0, prev_end + gap)
        if rendered:
            start = max(start, rendered[-1][1] + 0.3)
        rendered.append((who, start, signal))
        prev_end = max(prev_end, start + signal.size / SAMPLE_RATE)
        if rng.random() < 0.85:
            who = rng.choice([i for i in range(len(people)) if i != who])
    total = prev_end + 1.0
    n = int(np.ceil(total * SAMPLE_RATE))
    tracks = [np.zeros(n, np.float32) for _ in people]
    utterances: list[Segment] = []
    for who, start, signal in rendered:
        i = round(start * SAMPLE_RATE)
        tracks[who][i : i + signal.size] += signal[: n - i]
        utterances.append(Segment(start, start + signal.size / SAMPLE_RATE, names[who]))
    per_person = [_frames_active(t) for t in tracks]
    frames = max(a.size for a in per_person)
    adult_frames = np.zeros(frames, bool)
    child_frames = np.zeros(frames, bool)
    for (role, _voice), active in zip(people, per_person, strict=True):
        target = adult_frames if role == "adult" else child_frames
        target[: active.size] |= active
    speech = sorted(
        _runs(adult_frames, "adult") + _runs(child_frames, "child"), key=lambda s: s.start
    )
    mix = np.sum(tracks, axis=0).astype(np.float32)
    active = _sample_mask(adult_frames | child_frames, n)
    power = float(np.mean(mix[active] ** 2)) if active.any() else 1e-4
    tv_frames = None
    if tv_db is not None:
        tv, tv_frames = television(total, seed + 4243)
        tv = tv[:n]
        tv_power = float(np.mean(tv[_sample_mask(tv_frames, tv.size)] ** 2)) or 1e-6
        mix[: tv.size] += tv * np.sqrt(power / tv_power * 10 ** (tv_db / 10))
    if snr_db is not None:
        noise = _noise(n, np.random.default_rng(seed + 7919))
        mix = mix + noise * np.sqrt(power / 10 ** (snr_db / 10))
    peak = float(np.max(np.abs(mix))) or 1.0
    mix = (mix * min(1.0, 0.9 / peak)).astype(np.float32)
    turns = build_turns(speech)
    adults = [v for r, v in people if r == "adult"]
    children = [v for r, v in people if r == "child"]
    return Dialogue(
        audio=mix,
        duration=n / SAMPLE_RATE,
        utterances=utterances,
        speech=speech,
        turns=turns,
        responses=find_responses(turns),
        adult_frames=adult_frames,
        child_frames=child_frames,
        adult=(adults or children)[0],
        child=(children or adults[1:] or adults)[0],
        snr_db=snr_db,
        seed=seed,
        people=list(people),
        tv_frames=tv_frames,
    )


def _ffmpeg(*args: str) -> None:
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", "-y", "-v", "error"]
    proc = subprocess.run([*cmd, *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")


def write_wav(path: str | os.PathLike[str], audio: np.ndarray) -> Path:
    target = Path(path)
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    with wave.open(str(target), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(SAMPLE_RATE)
        handle.writeframes(pcm.tobytes())
    return target


def write_film(
    path: str | os.PathLike[str],
    audio: np.ndarray | None,
    *,
    seconds: float | None = None,
    width: int = 320,
    height: int = 240,
    fps: int = 25,
    video: bool = True,
    pattern: str = "testsrc2",
    preset: str = "ultrafast",
    portraits: bool = False,
) -> Path:
    """Mux ``audio`` (16 kHz mono) with a generated picture into an MP4 at ``path``.

    ``portraits`` puts two gently moving copies of a photographed face (the portrait that
    matplotlib ships as sample data) on the picture, facing each other, so face analysis has
    real faces to find and follow."""
    target = Path(path)
    if audio is None and not video:
        raise ValueError("a film needs sound, picture or both")
    length = (
        seconds if seconds is not None else (audio.size / SAMPLE_RATE if audio is not None else 1)
    )
    with tempfile.TemporaryDirectory() as scratch:
        args: list[str] = []
        if video:
            source = f"{pattern}=size={width}x{height}:rate={fps}:duration={length:.3f}"
            if pattern == "black":
                source = f"color=c=black:size={width}x{height}:rate={fps}:duration={length:.3f}"
            args += ["-f", "lavfi", "-i", source]
        if audio is not None:
            wav = write_wav(Path(scratch) / "sound.wav", audio)
            args += ["-i", str(wav)]
        face = portrait_path() if video and portraits else None
        if face is not None:
            side = height // 3
            args += ["-loop", "1", "-framerate", str(fps), "-i", str(face)]
            picture = 2 if audio is not None else 1
            args += [
                "-filter_complex",
                f"[{picture}:v]scale={side * 512 // 600 // 2 * 2}:{side // 2 * 2},split[a][b];"
                "[b]hflip[c];"
                "[0:v][a]overlay=x='W*0.15+W*0.03*sin(t/3)':y='H*0.3':shortest=1[v1];"
                "[v1][c]overlay=x='W*0.65-W*0.03*sin(t/4)':y='H*0.32':shortest=1[v]",
                "-map",
                "[v]",
            ]
            if audio is not None:
                args += ["-map", "1:a"]
        if video:
            args += [
                "-c:v",
                "libx264",
                "-preset",
                preset,
                "-pix_fmt",
                "yuv420p",
                "-g",
                str(fps * 2),
            ]
        if audio is not None:
            args += ["-c:a", "aac", "-b:a", "96k"]
        args += ["-t", f"{length:.3f}", "-movflags", "+faststart", "-f", "mp4", str(target)]
        _ffmpeg(*args)
    return target


def portrait_path() -> Path | None:
    """A photographed face that ships with matplotlib (its sample data), if installed."""
    try:
        import matplotlib
    except ImportError:
        return None
    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    return path if path.is_file() else None


def make_dialogue_film(
    path: str | os.PathLike[str],
    *,
    seed: int = 0,
    seconds: float = 30.0,
    adult: Voice = DEV_ADULTS[0],
    child: Voice = DEV_CHILDREN[0],
    snr_db: float | None = None,
    width: int = 320,
    height: int = 240,
    portraits: bool = False,
) -> Dialogue:
    """Render a dialogue, write it as an MP4 film at ``path`` and return its ground truth
    (``portraits``: two faces on the picture, see ``write_film``)."""
    dialogue = render_dialogue(seed=seed, seconds=seconds, adult=adult, child=child, snr_db=snr_db)
    write_film(path, dialogue.audio, width=width, height=height, portraits=portraits)
    return dialogue


def make_silent_film(path: str | os.PathLike[str], *, seconds: float = 5.0) -> Path:
    """A film whose sound track holds only very quiet noise."""
    rng = np.random.default_rng(1)
    quiet = (rng.standard_normal(int(seconds * SAMPLE_RATE)) * 1e-4).astype(np.float32)
    return write_film(path, quiet)


def make_picture_only_film(path: str | os.PathLike[str], *, seconds: float = 5.0) -> Path:
    return write_film(path, None, seconds=seconds)


__all__ = [
    "DEV_ADULTS",
    "DEV_CHILDREN",
    "EVAL_ADULTS",
    "EVAL_CHILDREN",
    "TV_VOICE",
    "Dialogue",
    "Voice",
    "espeak_available",
    "make_dialogue_film",
    "make_picture_only_film",
    "make_silent_film",
    "render_conversation",
    "render_dialogue",
    "speak",
    "television",
    "write_film",
    "write_wav",
]
