// The player: frame-exact seeking over the native <video>, J/K/L shuttle and speeds.
//
// Seeks are queued: while one is in flight, further steps only move the target, so holding an
// arrow key walks frame by frame without dropping or stacking seeks. Where the browser has
// requestVideoFrameCallback, a step counts as done when the new frame is actually presented,
// and the frame shown is read from the presented frame's own timestamp.

const HAS_RVFC = "requestVideoFrameCallback" in HTMLVideoElement.prototype;
const SHUTTLE = [1, 1.5, 2];
const PRESENT_TIMEOUT_MS = 150;

export class Player {
  constructor(video, clock, { onFrame = () => {}, onState = () => {} } = {}) {
    this.video = video;
    this.clock = clock;
    this.onFrame = onFrame;
    this.onState = onState;
    this.base = 1; // the speed chosen in the speed menu
    this.pending = null; // the frame to seek to next
    this.target = null; // the frame being sought
    this.presented = null; // media time of the frame on screen (requestVideoFrameCallback)
    this.reverse = 0; // reverse shuttle speed; 0 when not running backwards
    this._waiting = null;
    this._shown = null; // the frame last presented, by requestVideoFrameCallback

    video.addEventListener("seeking", () => {
      this.presented = null;
    });
    video.addEventListener("seeked", () => this._seeked());
    for (const type of ["play", "pause", "ratechange", "ended"]) {
      video.addEventListener(type, () => this.onState(this.state()));
    }
    video.addEventListener("timeupdate", () => {
      if (!HAS_RVFC || video.paused) this.onFrame(this.frame());
    });
    if (HAS_RVFC) {
      const watch = (_now, metadata) => {
        this.presented = metadata.mediaTime;
        this._shown = clock.frameAt(metadata.mediaTime);
        if (this._waiting && this._shown === this.target) this._waiting();
        this.onFrame(this.frame());
        video.requestVideoFrameCallback(watch);
      };
      video.requestVideoFrameCallback(watch);
    }
  }

  get hasFrameCallback() {
    return HAS_RVFC;
  }

  /** The frame on screen (or about to be, when a seek is under way). */
  frame() {
    if (this.pending !== null) return this.pending;
    if (this.target !== null) return this.target;
    if (this.presented !== null) return this.clock.frameAt(this.presented);
    return this.clock.frameAt(this.video.currentTime);
  }

  get playing() {
    return !this.video.paused || this.reverse > 0;
  }

  state() {
    return {
      playing: this.playing,
      reverse: this.reverse,
      rate: this.video.paused ? 0 : this.video.playbackRate,
    };
  }

  // --- seeking ----------------------------------------------------------------------------------

  seekFrame(frame, { keepShuttle = false } = {}) {
    if (!keepShuttle) this.halt();
    this.pending = this.clock.clamp(frame);
    this._pump();
    this.onFrame(this.frame());
  }

  seekSeconds(seconds) {
    this.seekFrame(this.clock.frameAt(seconds));
  }

  step(frames) {
    this.seekFrame(this.frame() + frames);
  }

  stepSeconds(seconds) {
    const here = this.clock.middle(this.frame());
    this.seekFrame(this.clock.frameAt(here + seconds));
  }

  _pump() {
    if (this.target !== null || this.pending === null) return;
    this.target = this.pending;
    this.pending = null;
    this.video.currentTime = this.clock.middle(this.target);
  }

  _seeked() {
    if (this.target === null) return;
    const done = () => {
      if (this._waiting !== done) return;
      this._waiting = null;
      this.target = null;
      this._pump();
      this.onFrame(this.frame());
    };
    this._waiting = done;
    // The new frame may already be on screen (presentation can come before "seeked").
    if (!HAS_RVFC || this._shown === this.target) done();
    else setTimeout(done, PRESENT_TIMEOUT_MS);
  }

  /** Resolves once no seek is waiting or under way. */
  settled() {
    return new Promise((resolve) => {
      const check = () => {
        if (this.pending === null && this.target === null && !this.video.seeking) resolve();
        else setTimeout(check, 10);
      };
      check();
    });
  }

  // --- playing ----------------------------------------------------------------------------------

  setBase(rate) {
    this.base = rate;
    if (!this.video.paused) this.video.playbackRate = rate;
    this.onState(this.state());
  }

  toggle() {
    if (this.playing) this.halt();
    else this.play();
  }

  play(rate = this.base) {
    this._stopReverse();
    this.pending = null;
    this.video.playbackRate = rate;
    const started = this.video.play();
    if (started && started.catch) started.catch(() => {});
    this.onState(this.state());
  }

  halt() {
    this._stopReverse();
    if (!this.video.paused) this.video.pause();
    this.video.playbackRate = this.base;
    this.onState(this.state());
  }

  /** L: play forwards; again, faster (up to 2×). */
  forward() {
    if (!this.video.paused && this.reverse === 0) {
      const next = SHUTTLE.find((speed) => speed > this.video.playbackRate + 1e-6);
      this.video.playbackRate = next || SHUTTLE[SHUTTLE.length - 1];
      this.onState(this.state());
      return;
    }
    this.play(Math.max(1, this.base));
  }

  /** J: play backwards (by stepping); again, faster (up to 2×). */
  backward() {
    if (this.reverse > 0) {
      const next = SHUTTLE.find((speed) => speed > this.reverse + 1e-6);
      this.reverse = next || SHUTTLE[SHUTTLE.length - 1];
      this._origin = { wall: performance.now(), media: this.clock.middle(this.frame()) };
      this.onState(this.state());
      return;
    }
    if (!this.video.paused) this.video.pause();
    this.reverse = 1;
    this._origin = { wall: performance.now(), media: this.clock.middle(this.frame()) };
    const tick = (now) => {
      if (this.reverse === 0) return;
      const seconds = this._origin.media - ((now - this._origin.wall) / 1000) * this.reverse;
      if (seconds <= 0) {
        this.seekFrame(0);
        return;
      }
      if (this.target === null) this.seekFrame(this.clock.frameAt(seconds), { keepShuttle: true });
      this._raf = requestAnimationFrame(tick);
    };
    this._raf = requestAnimationFrame(tick);
    this.onState(this.state());
  }

  _stopReverse() {
    if (this.reverse === 0) return;
    this.reverse = 0;
    cancelAnimationFrame(this._raf);
  }
}
