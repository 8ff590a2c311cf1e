// Changing moments through the API: making one, saving its frames, tags, focus and notes as the
// guider works in the moment panel (notes are saved 600 ms after the last key, or on leaving the
// field), deleting it, and rendering its clip or still.

export function makeMoments(editor) {
  const { api, data, state } = editor;

  async function create(body, what) {
    if (!editor.requireEdit()) return;
    try {
      const moment = await api.post(data.urls.moments, body);
      editor.replace(moment);
      state.selected = moment.id;
      editor.renderAll();
      editor.say(moment.warnings.length ? moment.warnings[0] : `${what} added.`, moment.warnings.length ? "warning" : "info");
    } catch (error) {
      editor.failed(error);
    }
  }

  async function patch(id, changes, { quiet = false, rerender = true } = {}) {
    try {
      const moment = await api.patch(data.urls.moment + id, changes);
      editor.replace(moment);
      if (rerender) editor.renderAll();
      else editor.timeline.setMoments(state.moments, state.selected, editor.colourOf);
      if (!quiet) editor.say("Saved.");
      return moment;
    } catch (error) {
      editor.failed(error);
      return null;
    }
  }

  // A moment's edges were dragged on the timeline: keep them, or put them back if refused.
  async function saveFrames(moment, original) {
    const saved = await patch(moment.id, { start_frame: moment.start_frame, end_frame: moment.end_frame });
    if (!saved) {
      Object.assign(moment, { start_frame: original.start, end_frame: original.end });
      editor.renderAll();
    }
  }

  async function refreshUntilRendered(id) {
    for (let i = 0; i < 240; i += 1) {
      const moment = await api.get(data.urls.moment + id);
      editor.replace(moment);
      editor.renderPanels({ keepFields: true });
      const current = moment.renders.find((r) => r.start_frame === moment.start_frame && r.end_frame === moment.end_frame);
      if (!current || current.status === "ready" || current.status === "failed") return;
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  }

  const noteTimers = new Map();
  // What the moment panel and the list may do to a moment (see editor-panels.js).
  const momentActions = {
    select: (id) => editor.select(id, { seek: true }),
    togglePrinciple(id, principleId) {
      if (!editor.requireEdit()) return;
      const moment = editor.byId(id);
      const on = moment.principles.includes(principleId);
      const principles = on ? moment.principles.filter((p) => p !== principleId) : [...moment.principles, principleId];
      const keep = new Set(principles);
      // A behaviour goes with its principle.
      const behaviours = moment.behaviours.filter((b) => {
        const owner = data.catalogue.find((p) => p.behaviours.some((x) => x.id === b));
        return owner && keep.has(owner.id);
      });
      patch(id, { principles, behaviours }, { quiet: true }).then((saved) => {
        if (saved) editor.say(`${on ? "Untagged" : "Tagged"}: ${editor.principlesName(principleId)}.`);
      });
    },
    toggleBehaviour(id, behaviourId) {
      if (!editor.requireEdit()) return;
      const moment = editor.byId(id);
      const behaviours = moment.behaviours.includes(behaviourId)
        ? moment.behaviours.filter((b) => b !== behaviourId)
        : [...moment.behaviours, behaviourId];
      patch(id, { behaviours }, { quiet: true });
    },
    setTraining(id, on) {
      if (!editor.requireEdit()) return;
      patch(id, { for_training: on }, { quiet: true }).then((saved) => {
        if (saved) editor.say(on ? "Marked for training use." : "No longer marked for training use.");
        else editor.renderPanels();
      });
    },
    setFocus(id, focus) {
      if (!editor.requireEdit()) return;
      patch(id, { focus }, { quiet: true, rerender: false });
    },
    typeText(id, field, value) {
      if (!editor.canEdit) return;
      const key = `${id}:${field}`;
      clearTimeout(noteTimers.get(key));
      const moment = editor.byId(id);
      if (moment) moment[field] = value;
      editor.$("[data-status]").textContent = "Saving…";
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
    async remove(id) {
      if (!editor.requireEdit()) return;
      if (!window.confirm("Delete this moment? Its notes and tags go too.")) return;
      try {
        await api.del(data.urls.moment + id);
        state.moments = state.moments.filter((m) => m.id !== id);
        state.edit = state.edit.filter((x) => x !== id);
        if (state.selected === id) state.selected = null;
        editor.renderAll();
        editor.say("Moment deleted.");
      } catch (error) {
        editor.failed(error);
      }
    },
    async render(id) {
      if (!editor.requireEdit()) return;
      try {
        await api.post(`${data.urls.moment}${id}/render`);
        await refreshUntilRendered(id);
      } catch (error) {
        editor.failed(error);
      }
    },
  };

  return { create, patch, saveFrames, momentActions };
}
