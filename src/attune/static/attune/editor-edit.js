// The edit: the ordered moments chosen for the shared review. A change shows at once and is put
// back if the server refuses it.

export function makeEdit(editor) {
  const { api, data, root, state } = editor;

  async function saveEdit(order) {
    const before = state.edit;
    state.edit = order;
    editor.renderPanels({ keepFields: true });
    try {
      state.summary = await api.put(data.urls.edit, { moment_ids: order });
      editor.renderPanels({ keepFields: true });
      editor.say("The edit is saved.");
    } catch (error) {
      state.edit = before;
      editor.renderPanels({ keepFields: true });
      editor.failed(error);
    }
  }

  // What the panels may do to the edit (see editor-panels.js).
  const editActions = {
    toggleEdit(id) {
      if (!editor.requireEdit()) return;
      saveEdit(state.edit.includes(id) ? state.edit.filter((x) => x !== id) : [...state.edit, id]);
    },
    moveInEdit(id, by) {
      if (!editor.requireEdit()) return;
      const order = [...state.edit];
      const from = order.indexOf(id);
      const to = Math.min(order.length - 1, Math.max(0, from + by));
      if (from < 0 || from === to) return;
      order.splice(to, 0, ...order.splice(from, 1));
      saveEdit(order).then(() => {
        // The list was drawn again: keep the keyboard on the moved item's button.
        root.querySelector(`[data-edit-item="${id}"] [data-move="${by < 0 ? "up" : "down"}"]`)?.focus();
      });
    },
    reorderEdit(order) {
      if (editor.requireEdit()) saveEdit(order);
    },
  };

  return { editActions };
}
