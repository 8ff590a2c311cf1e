// Marking moments at the playhead: in and out points make a clip, a still is one frame; the
// number keys tag the selected moment; [ and ] jump between moments.

import { formatLength } from "./editor-time.js";

export function makeMarking(editor) {
  const { $, clock, player, state } = editor;

  function showMarks() {
    editor.timeline.setMarks(state.marks);
    const parts = [];
    if (state.marks.in !== null) parts.push(`In ${clock.timecode(state.marks.in)}`);
    if (state.marks.out !== null) parts.push(`Out ${clock.timecode(state.marks.out)}`);
    if (state.marks.in !== null && state.marks.out !== null && state.marks.out > state.marks.in) {
      parts.push(formatLength(clock.seconds(state.marks.out - state.marks.in)));
    }
    $("[data-marks]").textContent = parts.join(" · ");
  }

  function clearMarks() {
    state.marks = { in: null, out: null };
    showMarks();
  }

  function markIn() {
    if (!editor.requireEdit()) return;
    state.marks.in = player.frame();
    if (state.marks.out !== null && state.marks.out <= state.marks.in) state.marks.out = null;
    showMarks();
  }

  function markOut() {
    if (!editor.requireEdit()) return;
    state.marks.out = player.frame();
    if (state.marks.in !== null && state.marks.in >= state.marks.out) state.marks.in = null;
    showMarks();
  }

  // A missing mark is the playhead, so "I, play, C" makes a clip without pressing O.
  function makeClip() {
    if (!editor.requireEdit()) return;
    let { in: first, out: after } = state.marks;
    if (first === null && after === null) {
      editor.say("Mark an in-point (I) and an out-point (O) first.");
      return;
    }
    if (after === null) after = player.frame();
    if (first === null) first = player.frame();
    if (after <= first) {
      editor.say("The out-point must come after the in-point.", "error");
      return;
    }
    clearMarks();
    editor.create({ kind: "clip", start_frame: first, end_frame: after }, "Clip");
  }

  function makeStill() {
    if (!editor.requireEdit()) return;
    editor.create({ kind: "still", start_frame: player.frame() }, "Still");
  }

  function tagWithKey(key) {
    const principle = editor.byKey.get(key);
    if (!principle) return;
    if (!state.selected) {
      editor.say("Select a moment first, then press a number to tag it.");
      return;
    }
    editor.actions.togglePrinciple(state.selected, principle.id);
  }

  function jump(direction) {
    const here = player.frame();
    const list = state.moments;
    const target = direction > 0 ? list.find((m) => m.start_frame > here) : [...list].reverse().find((m) => m.start_frame < here);
    if (target) editor.select(target.id, { seek: true });
    else editor.say(direction > 0 ? "No more moments after this." : "No moments before this.");
  }

  return { showMarks, clearMarks, markIn, markOut, makeClip, makeStill, tagWithKey, jump };
}
