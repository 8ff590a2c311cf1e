// The status line above the player: one message at a time, gone after five seconds. Also the
// one place a read-only viewer is told why nothing changed.

export function makeStatus(root, canEdit) {
  let statusTimer = 0;
  function say(message, kind = "info") {
    const status = root.querySelector("[data-status]");
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
  function requireEdit() {
    if (!canEdit) say("You can look but not change: this is the guider's micro-analysis.");
    return canEdit;
  }
  return { say, failed, requireEdit };
}
