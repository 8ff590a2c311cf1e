// Playing part of the film on its own: a suggestion's span, or the whole edit in order (clips
// play, stills hold for 2.5 s). Any other use of the transport stops a preview.

export function makePreview(editor) {
  const { $, clock, player, state, video } = editor;

  async function playSpan(start, end) {
    stopPreview();
    const run = { stopped: false };
    state.preview = run;
    player.seekFrame(clock.frameAt(start));
    await player.settled();
    if (!run.stopped) await playUntil(end, run);
    if (state.preview === run) state.preview = null;
  }

  async function preview() {
    const items = state.edit.map(editor.byId).filter(Boolean);
    if (!items.length) {
      editor.say("Add moments to the edit to preview it.");
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
      editor.select(moment.id);
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
      if (!run.stopped) editor.say("That was the whole edit.");
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

  // True when a preview was running (so Space and Escape stop it and do nothing else).
  function stopPreview() {
    if (!state.preview) return false;
    state.preview.stopped = true;
    state.preview = null;
    $("[data-preview-banner]").hidden = true;
    player.halt();
    return true;
  }

  return { playSpan, preview, stopPreview };
}
