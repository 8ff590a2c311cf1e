// The micro-analysis editor: mark clips and stills frame by frame, tag them with the principles,
// take or leave the moment finder's suggestions, build the edit and preview it. Everything works
// from the keyboard, the mouse or touch.
//
// This module builds the editor and wires its parts together. Each part is a small module that
// adds its functions to one shared `editor` object and calls the others through it, so the parts
// may refer to each other whatever order they are built in.

import { makeApi, getJSON } from "./editor-api.js";
import { Player } from "./editor-player.js";
import { makeClock } from "./editor-time.js";
import { PALETTE, Timeline } from "./editor-timeline.js";
import { Finder } from "./editor-finder.js";
import { startComments } from "./editor-comments.js";
import { makeStatus } from "./editor-status.js";
import { makeState } from "./editor-state.js";
import { makeView } from "./editor-view.js";
import { makeMoments } from "./editor-moments.js";
import { makeEdit } from "./editor-edit.js";
import { makePreview } from "./editor-preview.js";
import { makeMarking } from "./editor-marking.js";
import { bindControls } from "./editor-keys.js";

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
  const clock = makeClock(data.film.rate, data.film.frames);
  const video = root.querySelector("[data-video]");
  const canEdit = data.can_edit;
  const editor = {
    root,
    data,
    clock,
    video,
    canEdit,
    // A film of the shared review is for supervision: its moments are tagged with the same
    // principles, read as principles of attuned guidance, and never go into the family's edit.
    forEdit: data.film.purpose !== "review",
    principlesLabel: data.film.purpose === "review" ? "Principles of attuned guidance" : "Principles",
    api: makeApi(root),
    $: (selector) => root.querySelector(selector),
    principles: new Map(data.catalogue.map((p, i) => [p.id, { ...p, colour: PALETTE[i % PALETTE.length] }])),
    byKey: new Map(data.catalogue.filter((p) => p.key).map((p) => [String(p.key), p])),
  };
  Object.assign(editor, makeStatus(root, canEdit), makeState(data));
  Object.assign(editor, makeView(editor));

  // --- player and timeline ----------------------------------------------------------------------
  const player = new Player(video, clock, {
    onFrame: editor.showFrame,
    onState: editor.showState,
  });
  const timeline = new Timeline(root, clock, data.film.duration || clock.seconds(clock.frames), {
    readOnly: !canEdit,
    onSeek: (seconds) => player.seekSeconds(seconds),
    onSelect: (id, { seek }) => editor.select(id, { seek }),
    onAdjusting: (moment, edge) => {
      player.seekFrame(edge === "in" ? moment.start_frame : moment.end_frame - 1);
      editor.renderPanels({ keepFields: true });
    },
    onAdjust: (moment, original) => editor.saveFrames(moment, original),
    onSuggestion: (id) => editor.finder.select(id),
  });
  Object.assign(editor, { player, timeline });

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
    // Park on the middle of the first frame, so every step from here is exactly one frame; or,
    // for a link to a time (`?t=SECONDS`, as a supervision comment's), on that time. One seek
    // only, so nothing can race it.
    const startAt = Number.parseFloat(new URLSearchParams(window.location.search).get("t") || "");
    if (Number.isFinite(startAt) && startAt > 0) player.seekSeconds(Math.min(startAt, clock.seconds(clock.frames)));
    else if (video.currentTime === 0) player.seekFrame(0);
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
    api: editor.api,
    video,
    say: editor.say,
    seek: (seconds) => player.seekSeconds(seconds),
    now: () => video.currentTime,
    selected: () => editor.state.selected,
  });
  video.addEventListener("error", () => editor.say("The film could not be played in this browser.", "error"));

  // --- changing moments, the edit, previews and marks -------------------------------------------
  const { momentActions, ...moments } = makeMoments(editor);
  const { editActions } = makeEdit(editor);
  Object.assign(editor, moments, { actions: { ...momentActions, ...editActions } });
  Object.assign(editor, makePreview(editor), makeMarking(editor));

  // --- the moment finder's suggestions ----------------------------------------------------------
  const byName = new Map(data.catalogue.map((p) => [p.name.toLowerCase(), editor.principles.get(p.id)]));
  editor.finder = new Finder(root, {
    api: editor.api,
    urls: data.urls,
    analysis: data.analysis,
    canEdit,
    timeline,
    say: editor.say,
    failed: editor.failed,
    colourOf: (name) => byName.get(name.toLowerCase())?.colour || "#2a7a72",
    now: () => clock.middle(player.frame()),
    seek: (seconds) => {
      editor.stopPreview();
      player.seekFrame(clock.frameAt(seconds));
    },
    play: (start, end) => editor.playSpan(start, end),
    showMoment: (id) => {
      if (editor.byId(id)) editor.select(id, { seek: true });
      else editor.say("That clip has been deleted; accept the suggestion again to make a new one.");
    },
    onAccepted(moment, suggestion) {
      editor.replace(moment);
      editor.state.selected = moment.id;
      editor.renderAll();
      const names = moment.principles.map(editor.principlesName).join(", ");
      editor.say(
        `Suggestion ${suggestion.rank} is now a clip${names ? `, tagged ${names}` : ""}.`,
      );
    },
  });

  // --- buttons and keys -------------------------------------------------------------------------
  bindControls(editor);

  // --- first paint ------------------------------------------------------------------------------
  editor.renderAll();
  editor.showMarks();
  root.dataset.editorReady = "true";
}
