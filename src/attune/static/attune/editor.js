// The micro-analysis editor: mark clips and stills frame by frame, tag them with the principles,
// take or leave the moment finder's suggestions, build the edit and preview it. Everything works
// from the keyboard, the mouse or touch.

import { makeApi, getJSON } from "./editor-api.js";
import { Player } from "./editor-player.js";
import { formatLength, makeClock } from "./editor-time.js";
import { PALETTE, Timeline } from "./editor-timeline.js";
import { renderEdit, renderList, renderPanel } from "./editor-panels.js";
import { Finder } from "./editor-finder.js";
import { startComments } from "./editor-comments.js";

const root = document.querySelector("[data-editor]");
if (root) start(root);

function loadImage(url) {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = reject;
    image.src = url;
  });
}

function start(root) {
  const data = JSON.parse(document.getElementById("editor-data").textContent);
  const api = makeApi(root);
  const clock = makeClock(data.film.rate, data.film.frames);
  const video = root.querySelector("[data-video]");
  const canEdit = data.can_edit;
  const $ = (selector) => root.querySelector(selector);
  const principles = new Map(data.catalogue.map((p, i) => [p.id, { ...p, colour: PALETTE[i % PALETTE.length] }]));
  const byKey = new Map(data.catalogue.filter((p) => p.key).map((p) => [String(p.key), p]));

  const state = {
    moments: [...data.moments].sort((a, b) => a.start_frame - b.start_frame),
    edit: [...data.edit.moment_ids],
    summary: { ...data.edit },
    selected: null,
    marks: { in: null, out: null },
    preview: null,
  };
  const byId = (id) => state.moments.find((m) => m.id === id);

  // --- status line ------------------------------------------------------------------------------
  let statusTimer = 0;
  function say(message, kind = "info") {
    const status = $("[data-status]");
    status.textContent = message;
    status.dataset.kind = kind;
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => {
      status.textContent = "";
    }, 5000);
  }
  function failed(error) {
    say(error.message || "Something went wrong; try again.", "error");
  }

  // --- player and timeline ----------------------------------------------------------------------
  const player = new Player(video, clock, {
    onFrame: showFrame,
    onState: showState,
  });
  const timeline = new Timeline(root, clock, data.film.duration || clock.seconds(clock.frames), {
    readOnly: !canEdit,
    onSeek: (seconds) => player.seekSeconds(seconds),
    onSelect: (id, { seek }) => select(id, { seek }),
    onAdjusting: (moment, edge) => {
      player.seekFrame(edge === "in" ? moment.start_frame : moment.end_frame - 1);
      renderPanels({ keepFields: true });
    },
    onAdjust: (moment, original) => saveFrames(moment, original),
    onSuggestion: (id) => finder.select(id),
  });

  function colourOf(moment) {
    for (const principle of principles.values()) {
      if (moment.principles.includes(principle.id)) return principle.colour;
    }
    return "#6b7677";
  }

  function showFrame(frame) {
    $("[data-clock]").textContent = clock.timecode(frame);
    $("[data-frame]").textContent = `frame ${frame}`;
    const seconds = player.playing && !video.paused ? video.currentTime : clock.middle(frame);
    timeline.setTime(seconds, { follow: player.playing });
  }

  function showState({ playing, reverse, rate }) {
    const button = $('[data-action="play"]');
    button.setAttribute("aria-label", playing ? "Pause" : "Play");
    $("[data-play-icon]").textContent = playing ? "❚❚" : "▶";
    const shuttle = $("[data-shuttle]");
    if (reverse) {
      shuttle.hidden = false;
      shuttle.textContent = `◀◀ ${reverse}×`;
    } else if (rate && rate !== 1) {
      shuttle.hidden = false;
      shuttle.textContent = `▶ ${rate}×`;
    } else {
      shuttle.hidden = true;
    }
  }

  // The strip and the sound are small: fetch them one after the other once the film has
  // started loading, so the first frame never waits behind them.
  async function loadStrip() {
    try {
      const index = await getJSON(data.urls.sprite_index);
      timeline.setSprite(await loadImage(data.urls.sprite), index);
    } catch {
      // the timeline works without pictures
    }
    try {
      const wave = await getJSON(data.urls.waveform);
      timeline.setPeaks(wave.peaks || [], wave.rate || 10);
    } catch {
      timeline.setPeaks([], 10);
    }
  }
  if (video.readyState >= 1) loadStrip();
  else video.addEventListener("loadedmetadata", loadStrip, { once: true });

  function ready() {
    // Park on the middle of the first frame, so every step from here is exactly one frame.
    if (video.currentTime === 0) player.seekFrame(0);
    root.dataset.ready = "true";
    // When the first picture was actually on screen (read by the benchmark).
    const shown = () => {
      root.dataset.firstFrameMs = String(Math.round(performance.now()));
    };
    if (player.hasFrameCallback) video.requestVideoFrameCallback(shown);
    else shown();
  }
  if (video.readyState >= 2) ready();
  else video.addEventListener("loadeddata", ready, { once: true });
  // Supervision comments pinned to times in the film (their own module and panel).
  startComments(root, {
    api,
    video,
    say,
    seek: (seconds) => player.seekSeconds(seconds),
    now: () => video.currentTime,
    selected: () => state.selected,
  });
  video.addEventListener("error", () => say("The film could not be played in this browser.", "error"));

  // --- selection and rendering ------------------------------------------------------------------
  function select(id, { seek = false } = {}) {
    state.selected = id;
    const moment = byId(id);
    if (moment && seek) player.seekFrame(moment.start_frame);
    renderAll();
  }

  function renderPanels({ keepFields = false } = {}) {
    const context = { state, clock, principles, catalogue: data.catalogue, canEdit, canDownload: data.can_download, trainingAllowed: data.training_allowed, limits: data.limits, urls: data.urls, actions };
    renderPanel($("[data-moment-panel]"), byId(state.selected), context, { keepFields });
    renderList($("[data-moment-list]"), context);
    $("[data-moment-count]").textContent = String(state.moments.length);
    renderEdit($("[data-edit-list]"), $("[data-edit-totals]"), $("[data-edit-warnings]"), context, data.edit.other_films);
  }

  function renderAll() {
    timeline.setMoments(state.moments, state.selected, colourOf);
    renderPanels();
  }

  function showMarks() {
    timeline.setMarks(state.marks);
    const parts = [];
    if (state.marks.in !== null) parts.push(`In ${clock.timecode(state.marks.in)}`);
    if (state.marks.out !== null) parts.push(`Out ${clock.timecode(state.marks.out)}`);
    if (state.marks.in !== null && state.marks.out !== null && state.marks.out > state.marks.in) {
      parts.push(formatLength(clock.seconds(state.marks.out - state.marks.in)));
    }
    $("[data-marks]").textContent = parts.join(" · ");
  }

  // --- changes, saved through the API -----------------------------------------------------------
  function replace(moment) {
    const i = state.moments.findIndex((m) => m.id === moment.id);
    if (i >= 0) state.moments[i] = moment;
    else state.moments.push(moment);
    state.moments.sort((a, b) => a.start_frame - b.start_frame);
  }

  function requireEdit() {
    if (!canEdit) say("You can look but not change: this is the guider's micro-analysis.");
    return canEdit;
  }

  async function create(body, what) {
    if (!requireEdit()) return;
    try {
      const moment = await api.post(data.urls.moments, body);
      replace(moment);
      state.selected = moment.id;
      renderAll();
      say(moment.warnings.length ? moment.warnings[0] : `${what} added.`, moment.warnings.length ? "warning" : "info");
    } catch (error) {
      failed(error);
    }
  }

  async function patch(id, changes, { quiet = false, rerender = true } = {}) {
    try {
      const moment = await api.patch(data.urls.moment + id, changes);
      replace(moment);
      if (rerender) renderAll();
      else timeline.setMoments(state.moments, state.selected, colourOf);
      if (!quiet) say("Saved.");
      return moment;
    } catch (error) {
      failed(error);
      return null;
    }
  }

  async function saveFrames(moment, original) {
    const saved = await patch(moment.id, { start_frame: moment.start_frame, end_frame: moment.end_frame });
    if (!saved) {
      Object.assign(moment, { start_frame: original.start, end_frame: original.end });
      renderAll();
    }
  }

  async function saveEdit(order) {
    const before = state.edit;
    state.edit = order;
    renderPanels({ keepFields: true });
    try {
      state.summary = await api.put(data.urls.edit, { moment_ids: order });
      renderPanels({ keepFields: true });
      say("The edit is saved.");
    } catch (error) {
      state.edit = before;
      renderPanels({ keepFields: true });
      failed(error);
    }
  }

  const noteTimers = new Map();
  const actions = {
    select: (id) => select(id, { seek: true }),
    togglePrinciple(id, principleId) {
      if (!requireEdit()) return;
      const moment = byId(id);
      const on = moment.principles.includes(principleId);
      const principles = on ? moment.principles.filter((p) => p !== principleId) : [...moment.principles, principleId];
      const keep = new Set(principles);
      const behaviours = moment.behaviours.filter((b) => {
        const owner = data.catalogue.find((p) => p.behaviours.some((x) => x.id === b));
        return owner && keep.has(owner.id);
      });
      patch(id, { principles, behaviours }, { quiet: true }).then((saved) => {
        if (saved) say(`${on ? "Untagged" : "Tagged"}: ${principlesName(principleId)}.`);
      });
    },
    toggleBehaviour(id, behaviourId) {
      if (!requireEdit()) return;
      const moment = byId(id);
      const behaviours = moment.behaviours.includes(behaviourId)
        ? moment.behaviours.filter((b) => b !== behaviourId)
        : [...moment.behaviours, behaviourId];
      patch(id, { behaviours }, { quiet: true });
    },
    setTraining(id, on) {
      if (!requireEdit()) return;
      patch(id, { for_training: on }, { quiet: true }).then((saved) => {
        if (saved) say(on ? "Marked for training use." : "No longer marked for training use.");
        else renderPanels();
      });
    },
    setFocus(id, focus) {
      if (!requireEdit()) return;
      patch(id, { focus }, { quiet: true, rerender: false });
    },
    typeText(id, field, value) {
      if (!canEdit) return;
      const key = `${id}:${field}`;
      clearTimeout(noteTimers.get(key));
      const moment = byId(id);
      if (moment) moment[field] = value;
      $("[data-status]").textContent = "Saving…";
      noteTimers.set(
        key,
        setTimeout(() => {
          noteTimers.delete(key);
          patch(id, { [field]: value }, { rerender: false });
        }, 600),
      );
    },
    flushText(id, field, value) {
      const key = `${id}:${field}`;
      if (!noteTimers.has(key)) return;
      clearTimeout(noteTimers.get(key));
      noteTimers.delete(key);
      patch(id, { [field]: value }, { rerender: false });
    },
    toggleEdit(id) {
      if (!requireEdit()) return;
      saveEdit(state.edit.includes(id) ? state.edit.filter((x) => x !== id) : [...state.edit, id]);
    },
    moveInEdit(id, by) {
      if (!requireEdit()) return;
      const order = [...state.edit];
      const from = order.indexOf(id);
      const to = Math.min(order.length - 1, Math.max(0, from + by));
      if (from < 0 || from === to) return;
      order.splice(to, 0, ...order.splice(from, 1));
      saveEdit(order).then(() => {
        root.querySelector(`[data-edit-item="${id}"] [data-move="${by < 0 ? "up" : "down"}"]`)?.focus();
      });
    },
    reorderEdit(order) {
      if (requireEdit()) saveEdit(order);
    },
    async remove(id) {
      if (!requireEdit()) return;
      if (!window.confirm("Delete this moment? Its notes and tags go too.")) return;
      try {
        await api.del(data.urls.moment + id);
        state.moments = state.moments.filter((m) => m.id !== id);
        state.edit = state.edit.filter((x) => x !== id);
        if (state.selected === id) state.selected = null;
        renderAll();
        say("Moment deleted.");
      } catch (error) {
        failed(error);
      }
    },
    async render(id) {
      if (!requireEdit()) return;
      try {
        await api.post(`${data.urls.moment}${id}/render`);
        await refreshUntilRendered(id);
      } catch (error) {
        failed(error);
      }
    },
  };

  function principlesName(id) {
    return principles.get(id)?.name || "principle";
  }

  async function refreshUntilRendered(id) {
    for (let i = 0; i < 240; i += 1) {
      const moment = await api.get(data.urls.moment + id);
      replace(moment);
      renderPanels({ keepFields: true });
      const current = moment.renders.find((r) => r.start_frame === moment.start_frame && r.end_frame === moment.end_frame);
      if (!current || current.status === "ready" || current.status === "failed") return;
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  }

  // --- the moment finder's suggestions ----------------------------------------------------------
  const byName = new Map(data.catalogue.map((p) => [p.name.toLowerCase(), principles.get(p.id)]));
  const finder = new Finder(root, {
    api,
    urls: data.urls,
    analysis: data.analysis,
    canEdit,
    timeline,
    say,
    failed,
    colourOf: (name) => byName.get(name.toLowerCase())?.colour || "#2a7a72",
    now: () => clock.middle(player.frame()),
    seek: (seconds) => {
      stopPreview();
      player.seekFrame(clock.frameAt(seconds));
    },
    play: (start, end) => playSpan(start, end),
    showMoment: (id) => {
      if (byId(id)) select(id, { seek: true });
      else say("That clip has been deleted; accept the suggestion again to make a new one.");
    },
    onAccepted(moment, suggestion) {
      replace(moment);
      state.selected = moment.id;
      renderAll();
      const names = moment.principles.map(principlesName).join(", ");
      say(
        `Suggestion ${suggestion.rank} is now a clip${names ? `, tagged ${names}` : ""}.`,
      );
    },
  });

  async function playSpan(start, end) {
    stopPreview();
    const run = { stopped: false };
    state.preview = run;
    player.seekFrame(clock.frameAt(start));
    await player.settled();
    if (!run.stopped) await playUntil(end, run);
    if (state.preview === run) state.preview = null;
  }

  // --- marking ----------------------------------------------------------------------------------
  function markIn() {
    if (!requireEdit()) return;
    state.marks.in = player.frame();
    if (state.marks.out !== null && state.marks.out <= state.marks.in) state.marks.out = null;
    showMarks();
  }

  function markOut() {
    if (!requireEdit()) return;
    state.marks.out = player.frame();
    if (state.marks.in !== null && state.marks.in >= state.marks.out) state.marks.in = null;
    showMarks();
  }

  function makeClip() {
    if (!requireEdit()) return;
    let { in: first, out: after } = state.marks;
    if (first === null && after === null) {
      say("Mark an in-point (I) and an out-point (O) first.");
      return;
    }
    if (after === null) after = player.frame();
    if (first === null) first = player.frame();
    if (after <= first) {
      say("The out-point must come after the in-point.", "error");
      return;
    }
    state.marks = { in: null, out: null };
    showMarks();
    create({ kind: "clip", start_frame: first, end_frame: after }, "Clip");
  }

  function makeStill() {
    if (!requireEdit()) return;
    create({ kind: "still", start_frame: player.frame() }, "Still");
  }

  function tagWithKey(key) {
    const principle = byKey.get(key);
    if (!principle) return;
    if (!state.selected) {
      say("Select a moment first, then press a number to tag it.");
      return;
    }
    actions.togglePrinciple(state.selected, principle.id);
  }

  function jump(direction) {
    const here = player.frame();
    const list = state.moments;
    const target = direction > 0 ? list.find((m) => m.start_frame > here) : [...list].reverse().find((m) => m.start_frame < here);
    if (target) select(target.id, { seek: true });
    else say(direction > 0 ? "No more moments after this." : "No moments before this.");
  }

  // --- previewing the edit ----------------------------------------------------------------------
  async function preview() {
    const items = state.edit.map(byId).filter(Boolean);
    if (!items.length) {
      say("Add moments to the edit to preview it.");
      return;
    }
    stopPreview();
    const run = { stopped: false };
    state.preview = run;
    const banner = $("[data-preview-banner]");
    banner.hidden = false;
    for (const [i, moment] of items.entries()) {
      if (run.stopped) break;
      $("[data-preview-text]").textContent = `Previewing the edit · ${i + 1} of ${items.length} · ${moment.kind === "clip" ? "clip" : "still"} at ${clock.timecode(moment.start_frame)}`;
      select(moment.id);
      player.seekFrame(moment.start_frame);
      await player.settled();
      if (run.stopped) break;
      if (moment.kind === "clip") {
        await playUntil(clock.start(moment.end_frame), run);
      } else {
        await wait(2500, run);
      }
    }
    if (state.preview === run) {
      state.preview = null;
      banner.hidden = true;
      if (!run.stopped) say("That was the whole edit.");
    }
  }

  function playUntil(seconds, run) {
    return new Promise((resolve) => {
      player.play(1);
      const margin = clock.seconds(0.5);
      const check = () => {
        if (run.stopped || video.paused) return resolve();
        if (video.currentTime >= seconds - margin) {
          player.halt();
          return resolve();
        }
        requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    });
  }

  function wait(ms, run) {
    return new Promise((resolve) => {
      const started = performance.now();
      const check = () => (run.stopped || performance.now() - started >= ms ? resolve() : setTimeout(check, 50));
      check();
    });
  }

  function stopPreview() {
    if (!state.preview) return false;
    state.preview.stopped = true;
    state.preview = null;
    $("[data-preview-banner]").hidden = true;
    player.halt();
    return true;
  }

  // --- buttons ----------------------------------------------------------------------------------
  const buttons = {
    play: () => player.toggle(),
    reverse: () => player.backward(),
    "back-frame": () => player.step(-1),
    "forward-frame": () => player.step(1),
    "back-second": () => player.stepSeconds(-1),
    "forward-second": () => player.stepSeconds(1),
    "prev-moment": () => jump(-1),
    "next-moment": () => jump(1),
    "mark-in": markIn,
    "mark-out": markOut,
    "make-clip": makeClip,
    "make-still": makeStill,
    "zoom-in": () => timeline.zoomBy(2),
    "zoom-out": () => timeline.zoomBy(0.5),
    "zoom-fit": () => timeline.fit(),
    preview: () => preview(),
    "preview-stop": () => stopPreview(),
    shortcuts: () => $("[data-shortcuts]").showModal(),
  };
  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (button && buttons[button.dataset.action]) {
      event.preventDefault();
      buttons[button.dataset.action]();
    }
  });
  $("[data-speed]").addEventListener("change", (event) => player.setBase(Number(event.target.value)));

  // --- keyboard ---------------------------------------------------------------------------------
  const KEYS = {
    " ": () => (stopPreview() ? null : player.toggle()),
    k: () => {
      stopPreview();
      player.halt();
    },
    j: () => player.backward(),
    l: () => player.forward(),
    i: markIn,
    o: markOut,
    c: makeClip,
    s: makeStill,
    "[": () => jump(-1),
    "]": () => jump(1),
    "?": () => $("[data-shortcuts]").showModal(),
    n: () => finder.step(1),
    p: () => finder.step(-1),
    a: () => finder.accept(),
    x: () => finder.startReject(),
    "+": () => timeline.zoomBy(2),
    "=": () => timeline.zoomBy(2),
    "-": () => timeline.zoomBy(0.5),
    Escape: () => {
      if (!stopPreview()) {
        state.marks = { in: null, out: null };
        showMarks();
      }
    },
  };
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if ($("[data-shortcuts]").open) return;
    const inEdit = event.target.closest("[data-edit-item]");
    if (inEdit && event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      actions.moveInEdit(inEdit.dataset.editItem, event.key === "ArrowUp" ? -1 : 1);
      return;
    }
    if (event.altKey) return;
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      const sign = event.key === "ArrowRight" ? 1 : -1;
      if (event.shiftKey) player.stepSeconds(sign);
      else player.step(sign);
      return;
    }
    if (/^[1-9]$/.test(event.key)) {
      event.preventDefault();
      tagWithKey(event.key);
      return;
    }
    const action = KEYS[event.key] || KEYS[event.key.toLowerCase()];
    if (action && !(event.shiftKey && /^[a-z]$/i.test(event.key))) {
      event.preventDefault();
      action();
    }
  });

  // --- first paint ------------------------------------------------------------------------------
  renderAll();
  showMarks();
  root.dataset.editorReady = "true";
}
