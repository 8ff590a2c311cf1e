// The toolbar buttons and the keyboard shortcuts. Keys are ignored while typing in a field, with
// Ctrl or Cmd held (the browser's own shortcuts), or while the shortcuts dialog is open.

export function bindControls(editor) {
  const { $, root, player, timeline, finder } = editor;

  const buttons = {
    play: () => player.toggle(),
    reverse: () => player.backward(),
    "back-frame": () => player.step(-1),
    "forward-frame": () => player.step(1),
    "back-second": () => player.stepSeconds(-1),
    "forward-second": () => player.stepSeconds(1),
    "prev-moment": () => editor.jump(-1),
    "next-moment": () => editor.jump(1),
    "mark-in": editor.markIn,
    "mark-out": editor.markOut,
    "make-clip": editor.makeClip,
    "make-still": editor.makeStill,
    "zoom-in": () => timeline.zoomBy(2),
    "zoom-out": () => timeline.zoomBy(0.5),
    "zoom-fit": () => timeline.fit(),
    preview: () => editor.preview(),
    "preview-stop": () => editor.stopPreview(),
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

  const KEYS = {
    " ": () => (editor.stopPreview() ? null : player.toggle()),
    k: () => {
      editor.stopPreview();
      player.halt();
    },
    j: () => player.backward(),
    l: () => player.forward(),
    i: editor.markIn,
    o: editor.markOut,
    c: editor.makeClip,
    s: editor.makeStill,
    "[": () => editor.jump(-1),
    "]": () => editor.jump(1),
    "?": () => $("[data-shortcuts]").showModal(),
    n: () => finder.step(1),
    p: () => finder.step(-1),
    a: () => finder.accept(),
    x: () => finder.startReject(),
    "+": () => timeline.zoomBy(2),
    "=": () => timeline.zoomBy(2),
    "-": () => timeline.zoomBy(0.5),
    Escape: () => {
      if (!editor.stopPreview()) editor.clearMarks();
    },
  };
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if ($("[data-shortcuts]").open) return;
    const inEdit = event.target.closest("[data-edit-item]");
    if (inEdit && event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      editor.actions.moveInEdit(inEdit.dataset.editItem, event.key === "ArrowUp" ? -1 : 1);
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
      editor.tagWithKey(event.key);
      return;
    }
    const action = KEYS[event.key] || KEYS[event.key.toLowerCase()];
    if (action && !(event.shiftKey && /^[a-z]$/i.test(event.key))) {
      event.preventDefault();
      action();
    }
  });
}
