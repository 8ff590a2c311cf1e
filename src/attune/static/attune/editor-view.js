// Showing what the state says: the clock and play button, the moments on the timeline (coloured
// by their first principle), the side panels, and the selection that ties them together.

import { momentName, renderEdit, renderList, renderPanel } from "./editor-panels.js";

export function makeView(editor) {
  const { $, clock, data, state, principles, video } = editor;

  function colourOf(moment) {
    for (const principle of principles.values()) {
      if (moment.principles.includes(principle.id)) return principle.colour;
    }
    return "#6b7677";
  }

  // What a sighted person sees change, said to a screen reader: play state and speed at once, the
  // time once stepping stops (not every frame), the moment chosen.
  const announcer = $("[data-announce]");
  let said = "";
  let settling = null;
  let shownState = "false|0|0";
  function announce(text) {
    if (text === said) return;
    said = text;
    announcer.textContent = text;
  }

  function showFrame(frame) {
    clearTimeout(settling);
    const at = clock.timecode(frame);
    if (!editor.player.playing && !said.endsWith(at)) settling = setTimeout(() => announce(`At ${at}, frame ${frame}`), 600);
    $("[data-clock]").textContent = clock.timecode(frame);
    $("[data-frame]").textContent = `frame ${frame}`;
    const seconds = editor.player.playing && !video.paused ? video.currentTime : clock.middle(frame);
    editor.timeline.setTime(seconds, { follow: editor.player.playing });
  }

  function showState({ playing, reverse, rate }) {
    const button = $('[data-action="play"]');
    button.setAttribute("aria-label", playing ? "Pause" : "Play");
    const now = `${playing}|${reverse}|${rate}`;
    if (now !== shownState) {  // a change of speed while paused is said by the speed control
      shownState = now;
      if (reverse) announce(`Playing backwards at ${reverse}×`);
      else if (playing) announce(rate && rate !== 1 ? `Playing at ${rate}×` : "Playing");
      else announce(`Paused at ${clock.timecode(editor.player.frame())}`);
    }
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

  function select(id, { seek = false } = {}) {
    state.selected = id;
    const moment = editor.byId(id);
    if (moment && seek) editor.player.seekFrame(moment.start_frame);
    renderAll();
  }

  function renderPanels({ keepFields = false } = {}) {
    const context = { state, clock, principles, catalogue: data.catalogue, canEdit: editor.canEdit, forEdit: editor.forEdit, principlesLabel: editor.principlesLabel, canDownload: data.can_download, trainingAllowed: data.training_allowed, limits: data.limits, urls: data.urls, actions: editor.actions };
    renderPanel($("[data-moment-panel]"), editor.byId(state.selected), context, { keepFields });
    renderList($("[data-moment-list]"), context);
    $("[data-moment-count]").textContent = String(state.moments.length);
    renderEdit($("[data-edit-list]"), $("[data-edit-totals]"), $("[data-edit-warnings]"), context, data.edit.other_films);
  }

  let saidSelected = null;
  function renderAll() {
    editor.timeline.setMoments(state.moments, state.selected, colourOf);
    renderPanels();
    const moment = editor.byId(state.selected);
    if (moment && state.selected !== saidSelected) {
      clearTimeout(settling);
      announce(`Selected ${momentName(moment, { principles, clock })}`);
    }
    saidSelected = state.selected;
  }

  function principlesName(id) {
    return principles.get(id)?.name || "principle";
  }

  $("[data-speed]").addEventListener("change", (event) => announce(`Speed ${event.target.value}×`));

  return { announce, colourOf, showFrame, showState, select, renderPanels, renderAll, principlesName };
}
