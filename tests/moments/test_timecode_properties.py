"""Time ↔ frame maths: properties that must hold for every frame of every plausible film."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from attune.moments import timecode

STANDARD = [24, 25, 30, 50, 60, 12.5, 15, 23.976, 29.97, 59.94, 48, 120]

frames = st.integers(min_value=0, max_value=10_000_000)
# Rates as films report them (three decimals), standard and odd (phones, webcams).
reported = st.one_of(
    st.sampled_from(STANDARD),
    st.integers(min_value=1_000, max_value=240_000).map(lambda n: n / 1000),
)
rates = reported.map(timecode.frame_rate)
times = st.floats(min_value=0, max_value=4 * 3600, allow_nan=False, allow_infinity=False)


def test_ntsc_rates_are_exact() -> None:
    assert timecode.frame_rate(29.97) == Fraction(30000, 1001)
    assert timecode.frame_rate(23.976) == Fraction(24000, 1001)
    assert timecode.frame_rate(59.94) == Fraction(60000, 1001)
    assert timecode.frame_rate(25.0) == 25
    assert timecode.frame_rate(12.5) == Fraction(25, 2)


@given(frames, rates)
def test_a_frame_starts_and_middles_on_itself(frame: int, rate: Fraction) -> None:
    assert timecode.frame_at(timecode.frame_start(frame, rate), rate) == frame
    assert timecode.frame_at(timecode.frame_middle(frame, rate), rate) == frame


@given(frames, rates)
def test_one_step_is_exactly_one_frame(frame: int, rate: Fraction) -> None:
    step = timecode.frame_middle(frame + 1, rate) - timecode.frame_middle(frame, rate)
    assert abs(step - 1 / float(rate)) < 1e-9


@given(times, rates)
def test_the_frame_at_a_time_is_on_screen_then(seconds: float, rate: Fraction) -> None:
    frame = timecode.frame_at(seconds, rate)
    assert frame >= 0
    # Shown at `seconds` (allowing the tolerance for timestamps rounded by containers).
    assert timecode.frame_start(frame, rate) <= seconds + timecode.TOLERANCE / float(rate)
    assert seconds < timecode.frame_start(frame + 1, rate)


@given(times, times, rates)
def test_later_times_never_show_earlier_frames(a: float, b: float, rate: Fraction) -> None:
    early, late = sorted((a, b))
    assert timecode.frame_at(early, rate) <= timecode.frame_at(late, rate)


@given(st.integers(-1000, 10**6), st.integers(-1000, 10**6), st.integers(1, 10**6))
def test_clip_bounds_always_lie_inside_the_film(start: int, end: int, count: int) -> None:
    first, after = timecode.clip_bounds(start, end, count)
    assert 0 <= first < after <= count
    if min(start, end) >= 0 and max(start, end) <= count and start != end:
        assert (first, after) == (min(start, end), max(start, end))


@given(frames, rates)
def test_a_clip_lasts_its_frames(frame: int, rate: Fraction) -> None:
    first, after = frame, frame + 250
    seconds = timecode.frame_start(after, rate) - timecode.frame_start(first, rate)
    assert timecode.frames_for_seconds(seconds, rate) == 250


@given(frames, rates)
def test_timecode_names_the_frame_within_its_second(frame: int, rate: Fraction) -> None:
    code = timecode.timecode(frame, rate)
    parts = [int(p) for p in code.split(":")]
    within = parts[-1]
    assert len(parts) == 4
    whole_seconds = parts[2] + 60 * parts[1] + 3600 * parts[0]
    assert 0 <= within < -(-rate // 1)  # fewer than the frames in a second, rounded up
    slack = timecode.TOLERANCE / float(rate)
    # `frame - within` is the first frame that starts in that second.
    first = frame - within
    assert whole_seconds - slack <= timecode.frame_start(first, rate) < whole_seconds + 1
    assert first == 0 or timecode.frame_start(first - 1, rate) < whole_seconds - slack


def test_timecode_examples() -> None:
    assert timecode.timecode(0, Fraction(25)) == "00:00:00:00"
    assert timecode.timecode(76, Fraction(25)) == "00:00:03:01"
    assert timecode.timecode(25 * 3661 + 3, Fraction(25)) == "01:01:01:03"
    assert timecode.timecode(30, Fraction(30000, 1001)) == "00:00:01:00"
