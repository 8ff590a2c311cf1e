// The timeline: a ruler, the thumbnail strip, the sound, who speaks (adult, child) and smiles as
// the analysis found them, moment bars and the suggestions lane,
// over a window that zooms from the whole film down to ten seconds. Click or drag to seek, drag
// a clip's handles to move its in- and out-points, wheel with Ctrl to zoom, sideways to pan.

import { formatSeconds } from "./editor-time.js";

const MIN_SPAN = 10; // seconds: the closest zoom
const TICKS = [0.04, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800];
export const PALETTE = ["#2a7a72", "#b86b2b", "#4d63a8", "#86539b", "#3d7f47", "#a84955"];

function css(name, fallback) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export class Timeline {
  constructor(root, clock, duration, handlers) {
    this.root = root;
    this.clock = clock;
    this.duration = Math.max(duration, clock.seconds(1));
    this.handlers = handlers;
    this.area = root.querySelector("[data-lane-area]");
    this.ruler = root.querySelector("[data-ruler]");
    this.thumbs = root.querySelector("[data-thumbs]");
    this.wave = root.querySelector("[data-wave]");
    this.lane = root.querySelector("[data-lane-moments]");
    this.suggestionLane = root.querySelector("[data-lane-suggestions]");
    this.people = {
      adult: root.querySelector("[data-lane-adult]"),
      child: root.querySelector("[data-lane-child]"),
      smiles: root.querySelector("[data-lane-smiles]"),
    };
    this.tracks = { adult: [], child: [], smiles: [], distress: [], facing: [], faces: [] };
    this.suggestions = [];
    this.playhead = root.querySelector("[data-playhead]");
    this.inout = root.querySelector("[data-inout]");
    this.zoomInput = root.querySelector("[data-zoom]");
    this.windowLabel = root.querySelector("[data-window-label]");
    this.overview = root.querySelector("[data-overview]");
    this.overviewWindow = root.querySelector("[data-overview-window]");
    this.overviewHead = root.querySelector("[data-overview-head]");
    this.minSpan = Math.min(MIN_SPAN, this.duration);
    this.start = 0;
    this.span = this.duration;
    this.time = 0;
    this.moments = [];
    this.selected = null;
    this.marks = { in: null, out: null };
    this.sprite = null;
    this.peaks = null;
    this.bars = new Map();
    this._queued = false;
    this._bind();
    new ResizeObserver(() => this.draw()).observe(this.area);
  }

  // --- geometry ---------------------------------------------------------------------------------

  get width() {
    return this.area.clientWidth || 1;
  }

  x(seconds) {
    return ((seconds - this.start) / this.span) * this.width;
  }

  secondsAt(clientX) {
    const rect = this.area.getBoundingClientRect();
    const fraction = Math.min(1, Math.max(0, (clientX - rect.left) / rect.width));
    return this.start + fraction * this.span;
  }

  // --- state from the editor --------------------------------------------------------------------

  setSprite(image, index) {
    this.sprite = { image, index };
    this.draw();
  }

  setPeaks(peaks, rate) {
    this.peaks = { peaks, rate };
    this.draw();
  }

  setMoments(moments, selected, colours) {
    this.moments = moments;
    this.selected = selected;
    this.colours = colours;
    this._buildBars();
    this.draw();
  }

  /** What the analysis found: {adult, child, smiles, facing, faces} as [start, end, …] in
   * seconds. */
  setLanes(lanes) {
    this.tracks = {
      adult: [],
      child: [],
      smiles: [],
      distress: [],
      facing: [],
      faces: [],
      ...(lanes || {}),
    };
    this.draw();
  }

  /** Suggestions from the moment finder, best first: [{id, rank, start, end, reason, decision}]. */
  setSuggestions(suggestions, selected = null, status = "done") {
    this.suggestionLane.querySelectorAll(".suggestion").forEach((bar) => bar.remove());
    this.suggestions = suggestions.map((suggestion) => {
      const bar = document.createElement("div");
      bar.className = `suggestion is-${suggestion.decision || "open"}`;
      if (suggestion.id === selected) bar.classList.add("is-selected");
      bar.dataset.suggestionId = suggestion.id;
      bar.setAttribute("role", "button");
      bar.setAttribute("tabindex", "-1");
      bar.setAttribute("aria-label", `Suggestion ${suggestion.rank}, ${formatSeconds(suggestion.start)}: ${suggestion.reason}`);
      bar.title = `${suggestion.rank}. ${suggestion.reason}`;
      const label = document.createElement("span");
      label.className = "suggestion-label";
      label.textContent = suggestion.decision === "accepted" ? `✓ ${suggestion.rank}` : suggestion.decision === "rejected" ? `✕ ${suggestion.rank}` : String(suggestion.rank);
      bar.append(label);
      this.suggestionLane.append(bar);
      return { bar, suggestion, row: 0 };
    });
    // Overlapping suggestions share the lane in rows, so none hides another.
    const ends = [];
    for (const entry of [...this.suggestions].sort((a, b) => a.suggestion.start - b.suggestion.start)) {
      let row = ends.findIndex((end) => end <= entry.suggestion.start);
      if (row < 0) row = ends.length;
      ends[row] = entry.suggestion.end;
      entry.row = row;
    }
    const rows = Math.max(1, ends.length);
    for (const { bar, row } of this.suggestions) {
      bar.style.top = `calc(${(row / rows) * 100}% + 2px)`;
      bar.style.height = `calc(${100 / rows}% - 4px)`;
    }
    const empty = this.root.querySelector("[data-suggestions-empty]");
    empty.hidden = suggestions.length > 0;
    empty.textContent =
      status === "done"
        ? "No suggested moments in this film."
        : status === "failed"
          ? "The analysis did not finish."
          : status === "not_started"
            ? "This film has not been analysed."
            : "Suggestions appear here once the film has been analysed.";
    this.draw();
  }

  setMarks(marks) {
    this.marks = marks;
    this.draw();
  }

  setTime(seconds, { follow = false } = {}) {
    this.time = seconds;
    if (follow && (seconds < this.start || seconds > this.start + this.span)) {
      this._setWindow(seconds - this.span * 0.1, this.span);
      return;
    }
    this._placePlayhead();
  }

  // --- zoom and pan -----------------------------------------------------------------------------

  _setWindow(start, span) {
    span = Math.min(this.duration, Math.max(this.minSpan, span));
    start = Math.min(this.duration - span, Math.max(0, start));
    this.start = start;
    this.span = span;
    const ratio = this.minSpan / this.duration;
    const value = ratio >= 1 ? 0 : Math.log(span / this.duration) / Math.log(ratio);
    this.zoomInput.value = String(Math.round(Math.min(1, Math.max(0, value)) * 1000));
    this.draw();
  }

  zoomTo(span, anchor = this.time) {
    const fraction = this.span ? (anchor - this.start) / this.span : 0.5;
    const f = fraction >= 0 && fraction <= 1 ? fraction : 0.5;
    const centre = fraction >= 0 && fraction <= 1 ? anchor : this.time;
    this._setWindow(centre - f * span, span);
  }

  zoomBy(factor, anchor) {
    this.zoomTo(this.span / factor, anchor);
  }

  fit() {
    this._setWindow(0, this.duration);
  }

  pan(seconds) {
    this._setWindow(this.start + seconds, this.span);
  }

  // --- drawing ----------------------------------------------------------------------------------

  draw() {
    if (this._queued) return;
    this._queued = true;
    requestAnimationFrame(() => {
      this._queued = false;
      this._drawRuler();
      this._drawThumbs();
      this._drawWave();
      this._drawPeople();
      this._placeBars();
      this._placeSuggestions();
      this._placeMarks();
      this._placePlayhead();
      this._placeOverview();
      const end = Math.min(this.duration, this.start + this.span);
      this.windowLabel.textContent =
        this.span >= this.duration - 1e-6
          ? `Whole film · ${formatSeconds(this.duration)}`
          : `${formatSeconds(this.start, { fraction: this.span < 60 })} – ${formatSeconds(end, { fraction: this.span < 60 })}`;
      // Read by the benchmark: the strip and the sound are both on screen.
      const complete = Boolean(this.sprite && this.peaks);
      if (complete && this.root.dataset.drawn !== "true") {
        this.root.dataset.drawnMs = String(Math.round(performance.now()));
      }
      this.root.dataset.drawn = complete ? "true" : "partial";
    });
  }

  _canvas(canvas) {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, canvas.clientWidth, canvas.clientHeight);
    return ctx;
  }

  _drawRuler() {
    const ctx = this._canvas(this.ruler);
    const height = this.ruler.clientHeight;
    const pxPerSecond = this.width / this.span;
    const step = TICKS.find((s) => s * pxPerSecond >= 80) || TICKS[TICKS.length - 1];
    const minor = step / 5;
    ctx.fillStyle = css("--muted", "#5d6b6c");
    ctx.strokeStyle = css("--line", "#dcd8ce");
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "top";
    ctx.beginPath();
    // Count ticks in whole numbers: adding up fractions of a second drifts.
    const last = Math.ceil((this.start + this.span) / minor);
    for (let k = Math.floor(this.start / minor); k <= last; k += 1) {
      const t = Math.round(k * minor * 1e6) / 1e6;
      const x = Math.round(this.x(t)) + 0.5;
      const major = k % 5 === 0;
      ctx.moveTo(x, height);
      ctx.lineTo(x, height - (major ? 9 : 4));
      if (major && t >= 0) ctx.fillText(formatSeconds(t, { fraction: step < 1 }), x + 3, 3);
    }
    ctx.stroke();
  }

  _drawThumbs() {
    const ctx = this._canvas(this.thumbs);
    const height = this.thumbs.clientHeight;
    ctx.fillStyle = "#1f2a2b";
    ctx.fillRect(0, 0, this.width, height);
    if (!this.sprite) return;
    const { image, index } = this.sprite;
    const tileWidth = Math.max(8, (height * index.tile_width) / index.tile_height);
    const slots = Math.ceil(this.width / tileWidth);
    for (let i = 0; i < slots; i += 1) {
      const seconds = this.start + ((i + 0.5) * tileWidth * this.span) / this.width;
      const tile = Math.min(index.count - 1, Math.max(0, Math.floor(seconds / index.interval)));
      const sx = (tile % index.columns) * index.tile_width;
      const sy = Math.floor(tile / index.columns) * index.tile_height;
      ctx.drawImage(image, sx, sy, index.tile_width, index.tile_height, i * tileWidth, 0, tileWidth - 1, height);
    }
  }

  _drawWave() {
    const ctx = this._canvas(this.wave);
    const height = this.wave.clientHeight;
    const mid = height / 2;
    ctx.fillStyle = css("--line", "#dcd8ce");
    ctx.fillRect(0, mid, this.width, 1);
    if (!this.peaks || !this.peaks.peaks.length) return;
    const { peaks, rate } = this.peaks;
    ctx.fillStyle = css("--brand", "#2a7a72");
    const perPixel = this.span / this.width;
    for (let x = 0; x < this.width; x += 1) {
      const from = Math.floor((this.start + x * perPixel) * rate);
      const to = Math.max(from + 1, Math.floor((this.start + (x + 1) * perPixel) * rate));
      let peak = 0;
      for (let i = Math.max(0, from); i < to && i < peaks.length; i += 1) peak = Math.max(peak, peaks[i]);
      const h = Math.max(1, peak * (height - 4));
      ctx.fillRect(x, mid - h / 2, 1, h);
    }
  }

  _drawSpans(ctx, spans, colour, top, height) {
    ctx.fillStyle = colour;
    for (const [start, end] of spans) {
      if (end < this.start || start > this.start + this.span) continue;
      const left = this.x(start);
      ctx.fillRect(left, top, Math.max(2, this.x(end) - left), height);
    }
  }

  _drawPeople() {
    const { adult, child, smiles } = this.people;
    for (const [canvas, spans, colour] of [
      [adult, this.tracks.adult, css("--adult", "#2a7a72")],
      [child, this.tracks.child, css("--child", "#c0662a")],
    ]) {
      const ctx = this._canvas(canvas);
      this._drawSpans(ctx, spans, colour, 3, canvas.clientHeight - 6);
    }
    const ctx = this._canvas(smiles);
    const height = smiles.clientHeight;
    // A face in view: a thin line, at the top for the person on the left of the picture and at
    // the bottom for the one on the right; both turned to each other: a pale band; a face that
    // looks upset: a plum band; smiles on top.
    for (const side of [0, 1]) {
      const spans = (this.tracks.faces || []).filter((f) => f[2] === side);
      this._drawSpans(ctx, spans, "rgba(93, 107, 108, 0.45)", side ? height - 2 : 0, 2);
    }
    this._drawSpans(ctx, this.tracks.facing, "rgba(77, 99, 168, 0.22)", 0, height);
    this._drawSpans(ctx, this.tracks.distress || [], css("--upset", "#7d4e7a"), 5, height - 10);
    this._drawSpans(ctx, this.tracks.smiles, css("--smile", "#d49a12"), 3, height - 6);
  }

  _buildBars() {
    this.lane.replaceChildren();
    this.bars.clear();
    this.moments.forEach((moment, i) => {
      const bar = document.createElement("div");
      bar.className = `bar bar-${moment.kind}`;
      bar.dataset.momentId = moment.id;
      bar.setAttribute("role", "button");
      bar.setAttribute("tabindex", "-1");
      const label = moment.kind === "clip" ? `Clip ${i + 1}` : `Still ${i + 1}`;
      bar.setAttribute("aria-label", `${label}, ${this.clock.timecode(moment.start_frame)}`);
      bar.title = `${label} · ${this.clock.timecode(moment.start_frame)}`;
      const colour = (this.colours && this.colours(moment)) || "#6b7677";
      bar.style.setProperty("--bar", colour);
      if (moment.id === this.selected) bar.classList.add("is-selected");
      if (moment.warnings && moment.warnings.length) bar.classList.add("is-long");
      if (moment.kind === "clip") {
        const text = document.createElement("span");
        text.className = "bar-label";
        text.textContent = String(i + 1);
        bar.append(text);
        if (!this.handlers.readOnly) {
          for (const edge of ["in", "out"]) {
            const handle = document.createElement("span");
            handle.className = `handle handle-${edge}`;
            handle.dataset.edge = edge;
            handle.title = edge === "in" ? "Drag to move the in-point" : "Drag to move the out-point";
            bar.append(handle);
          }
        }
      }
      this.lane.append(bar);
      this.bars.set(moment.id, { bar, moment });
    });
  }

  _placeBars() {
    for (const { bar, moment } of this.bars.values()) {
      const start = this.clock.start(moment.start_frame);
      const end = this.clock.start(moment.end_frame);
      const left = this.x(start);
      const right = this.x(end);
      if (right < -20 || left > this.width + 20) {
        bar.hidden = true;
        continue;
      }
      bar.hidden = false;
      if (moment.kind === "clip") {
        bar.style.left = `${left}px`;
        bar.style.width = `${Math.max(3, right - left)}px`;
      } else {
        bar.style.left = `${(left + right) / 2}px`;
      }
    }
  }

  _placeSuggestions() {
    for (const { bar, suggestion } of this.suggestions) {
      const left = this.x(suggestion.start);
      const right = this.x(suggestion.end);
      bar.hidden = right < 0 || left > this.width;
      bar.style.left = `${left}px`;
      bar.style.width = `${Math.max(3, right - left)}px`;
    }
  }

  _placeMarks() {
    const { in: inFrame, out: outFrame } = this.marks;
    if (inFrame === null && outFrame === null) {
      this.inout.hidden = true;
      return;
    }
    this.inout.hidden = false;
    const a = inFrame !== null ? this.x(this.clock.start(inFrame)) : null;
    const b = outFrame !== null ? this.x(this.clock.start(outFrame)) : null;
    const left = a !== null ? a : b;
    const right = b !== null && a !== null ? b : left;
    this.inout.style.left = `${Math.min(left, right)}px`;
    this.inout.style.width = `${Math.max(2, Math.abs(right - left))}px`;
    this.inout.classList.toggle("has-in", a !== null);
    this.inout.classList.toggle("has-out", b !== null);
  }

  _placePlayhead() {
    const x = this.x(this.time);
    this.playhead.hidden = x < -1 || x > this.width + 1;
    this.playhead.style.transform = `translateX(${x}px)`;
    const fraction = this.time / this.duration;
    this.overviewHead.style.left = `${fraction * 100}%`;
  }

  _placeOverview() {
    this.overviewWindow.style.left = `${(this.start / this.duration) * 100}%`;
    this.overviewWindow.style.width = `${Math.max(0.5, (this.span / this.duration) * 100)}%`;
  }

  // --- pointer and wheel ------------------------------------------------------------------------

  _bind() {
    const { handlers } = this;
    this.area.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      const handle = event.target.closest(".handle");
      const bar = event.target.closest(".bar");
      if (handle && bar) {
        this._dragHandle(event, bar.dataset.momentId, handle.dataset.edge);
        return;
      }
      if (bar) {
        event.preventDefault();
        handlers.onSelect(bar.dataset.momentId, { seek: true });
        return;
      }
      const suggestion = event.target.closest(".suggestion");
      if (suggestion && handlers.onSuggestion) {
        event.preventDefault();
        handlers.onSuggestion(suggestion.dataset.suggestionId);
        return;
      }
      this._scrub(event);
    });
    this.area.addEventListener(
      "wheel",
      (event) => {
        if (event.ctrlKey || event.metaKey) {
          event.preventDefault();
          this.zoomBy(Math.exp(-event.deltaY / 300), this.secondsAt(event.clientX));
        } else if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
          event.preventDefault();
          const delta = event.shiftKey && !event.deltaX ? event.deltaY : event.deltaX;
          this.pan((delta / this.width) * this.span);
        }
      },
      { passive: false },
    );
    this.zoomInput.addEventListener("input", () => {
      const value = Number(this.zoomInput.value) / 1000;
      this.zoomTo(this.duration * (this.minSpan / this.duration) ** value);
    });
    this.overview.addEventListener("pointerdown", (event) => {
      const move = (e) => {
        const rect = this.overview.getBoundingClientRect();
        const seconds = ((e.clientX - rect.left) / rect.width) * this.duration;
        this._setWindow(seconds - this.span / 2, this.span);
      };
      this.overview.setPointerCapture(event.pointerId);
      move(event);
      const up = () => {
        this.overview.removeEventListener("pointermove", move);
        this.overview.removeEventListener("pointerup", up);
      };
      this.overview.addEventListener("pointermove", move);
      this.overview.addEventListener("pointerup", up);
    });
  }

  _scrub(event) {
    event.preventDefault();
    this.area.setPointerCapture(event.pointerId);
    this.handlers.onSeek(this.secondsAt(event.clientX));
    const move = (e) => this.handlers.onSeek(this.secondsAt(e.clientX));
    const up = () => {
      this.area.removeEventListener("pointermove", move);
      this.area.removeEventListener("pointerup", up);
      this.area.removeEventListener("pointercancel", up);
    };
    this.area.addEventListener("pointermove", move);
    this.area.addEventListener("pointerup", up);
    this.area.addEventListener("pointercancel", up);
  }

  _dragHandle(event, momentId, edge) {
    event.preventDefault();
    event.stopPropagation();
    const entry = this.bars.get(momentId);
    if (!entry) return;
    const { moment, bar } = entry;
    const original = { start: moment.start_frame, end: moment.end_frame };
    this.handlers.onSelect(momentId, { seek: false });
    bar.classList.add("is-dragging");
    this.area.setPointerCapture(event.pointerId);
    const move = (e) => {
      const frame = this.clock.frameAt(this.secondsAt(e.clientX));
      if (edge === "in") moment.start_frame = Math.min(frame, moment.end_frame - 1);
      else moment.end_frame = Math.max(frame, moment.start_frame + 1);
      moment.end_frame = Math.min(moment.end_frame, this.clock.frames);
      this._placeBars();
      this.handlers.onAdjusting(moment, edge);
    };
    const up = () => {
      this.area.removeEventListener("pointermove", move);
      this.area.removeEventListener("pointerup", up);
      this.area.removeEventListener("pointercancel", up);
      bar.classList.remove("is-dragging");
      if (moment.start_frame !== original.start || moment.end_frame !== original.end) {
        this.handlers.onAdjust(moment, original);
      }
    };
    this.area.addEventListener("pointermove", move);
    this.area.addEventListener("pointerup", up);
    this.area.addEventListener("pointercancel", up);
  }
}
