// What the editor holds while the page is open: the film's moments in time order, the edit (an
// ordered list of moment ids) and its totals, the selected moment, the in and out marks, and the
// preview that is running, if any.

export function makeState(data) {
  const state = {
    moments: [...data.moments].sort((a, b) => a.start_frame - b.start_frame),
    edit: [...data.edit.moment_ids],
    summary: { ...data.edit },
    selected: null,
    marks: { in: null, out: null },
    preview: null,
  };
  const byId = (id) => state.moments.find((m) => m.id === id);

  // A moment as the server now has it, kept in time order.
  function replace(moment) {
    const i = state.moments.findIndex((m) => m.id === moment.id);
    if (i >= 0) state.moments[i] = moment;
    else state.moments.push(moment);
    state.moments.sort((a, b) => a.start_frame - b.start_frame);
  }

  return { state, byId, replace };
}
