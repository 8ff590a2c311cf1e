// Showing what the state says: the clock and play button, the moments on the timeline (coloured
// by their first principle), the side panels, and the selection that ties them together.

import { renderEdit, renderList, renderPanel } from "./editor-panels.js";

export function makeView(editor) {
  const { $, clock, data, state, principles, video } = editor;

  function colourOf(moment) {
    for (const principle of principles.values()) {
      if (moment.principles.includes(principle.id)) return principle.colour;
    }
    return "#6b7677";
  }

  function showFrame(frame) {
    $("[data-clock]").textContent = clock.timecode(frame);
    $("[data-frame]").textContent = `frame ${frame}`;
    const seconds = editor.player.playing && !video.paused ? video.currentTime : clock.middle(frame);
    editor.timeline.setTime(seconds, { follow: editor.player.playing });
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

  function select(id, { seek = false } = {}) {
    state.selected = id;
    const moment = editor.byId(id);
    if (moment && seek) editor.player.seekFrame(moment.start_frame);
    renderAll();
  }

  function renderPanels({ keepFields = false } = {}) {
    const context = { state, clock, principles, catalogue: data.catalogue, canEdit: editor.canEdit, canDownload: data.can_download, trainingAllowed: data.training_allowed, limits: data.limits, urls: data.urls, actions: editor.actions };
    renderPanel($("[data-moment-panel]"), editor.byId(state.selected), context, { keepFields });
    renderList($("[data-moment-list]"), context);
    $("[data-moment-count]").textContent = String(state.moments.length);
    renderEdit($("[data-edit-list]"), $("[data-edit-totals]"), $("[data-edit-warnings]"), context, data.edit.other_films);
  }

  function renderAll() {
    editor.timeline.setMoments(state.moments, state.selected, colourOf);
    renderPanels();
  }

  function principlesName(id) {
    return principles.get(id)?.name || "principle";
  }

  return { colourOf, showFrame, showState, select, renderPanels, renderAll, principlesName };
}
