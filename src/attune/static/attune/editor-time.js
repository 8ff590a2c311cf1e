// Time ↔ frame maths for the editor; mirrors attune/moments/timecode.py.
// Frame n is on screen from n/rate until (n+1)/rate. The player is parked in the middle of a
// frame, so timestamps rounded a little either way never show the neighbouring frame, and one
// step is exactly 1/rate seconds. The exact rate arrives from the server as [numerator, denominator].

export const TOLERANCE = 1e-3; // frames

export function makeClock([num, den], frameCount) {
  const rate = num / den;
  const last = Math.max(0, frameCount - 1);
  const clamp = (frame) => Math.min(last, Math.max(0, Math.round(frame)));
  return {
    rate,
    frames: frameCount,
    last,
    clamp,
    frameAt: (seconds) => Math.min(last, Math.max(0, Math.floor((seconds * num) / den + TOLERANCE))),
    start: (frame) => (frame * den) / num,
    middle: (frame) => ((frame + 0.5) * den) / num,
    seconds: (frames) => (frames * den) / num,
    timecode(frame) {
      frame = Math.max(0, frame);
      const whole = Math.floor(((frame + TOLERANCE) * den) / num);
      const first = Math.max(0, Math.ceil((whole * num) / den - TOLERANCE));
      const within = frame - first;
      const h = Math.floor(whole / 3600);
      const m = Math.floor((whole % 3600) / 60);
      const s = whole % 60;
      const pad = (v) => String(v).padStart(2, "0");
      return `${pad(h)}:${pad(m)}:${pad(s)}:${pad(within)}`;
    },
  };
}

export function formatSeconds(seconds, { fraction = false } = {}) {
  const sign = seconds < 0 ? "−" : "";
  seconds = Math.round(Math.abs(seconds) * 1000) / 1000;
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  const whole = fraction ? s.toFixed(1).padStart(4, "0") : String(Math.floor(s)).padStart(2, "0");
  return `${sign}${m}:${whole}`;
}

export function formatLength(seconds) {
  // No-break spaces keep a length on one line.
  if (seconds < 60) return `${seconds.toFixed(1)}\u00a0s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return `${m}\u00a0min ${String(s).padStart(2, "0")}\u00a0s`;
}
