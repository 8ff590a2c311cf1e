// Supervision comments in the editor: threads between the guider and their supervisor, pinned
// to a time in the film. Markers above the overview show where they are; clicking one (or its
// time in the panel) moves the playhead there and opens the thread. `?t=SECONDS` opens the
// editor at that time, `&comment=ID` opens that thread.

function clockText(seconds) {
  const whole = Math.max(0, seconds);
  const m = Math.floor(whole / 60);
  const s = (whole - m * 60).toFixed(1).padStart(4, "0");
  return `${m}:${s}`;
}

function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

export function startComments(root, { api, seek, now, video, say, selected = () => null }) {
  const panel = root.querySelector("[data-comments]");
  if (!panel) return;
  const config = JSON.parse(document.getElementById("comments-config").textContent);
  // Read when needed: before the film's metadata is in, the video does not know its length.
  const duration = () => config.duration || video.duration || 1;
  const list = panel.querySelector("[data-comment-threads]");
  const form = panel.querySelector("[data-comment-form]");
  const body = panel.querySelector("[data-comment-body]");
  const timeLabel = panel.querySelector("[data-comment-time]");
  const params = new URLSearchParams(window.location.search);
  let open = Number(params.get("comment")) || null;
  let threads = [];

  // The strip of markers sits just above the overview, which shows the whole film.
  const overview = root.querySelector("[data-overview]");
  const strip = el("div", { class: "comment-strip", "data-comment-strip": "", role: "group", "aria-label": "Comments on the film" });
  overview.parentNode.insertBefore(strip, overview);

  function goTo(thread) {
    open = thread.id;
    seek(thread.at_seconds);
    render();
    const box = list.querySelector(`[data-thread="${thread.id}"]`);
    box?.scrollIntoView({ block: "nearest" });
    box?.querySelector("textarea")?.focus();
  }

  function render() {
    panel.querySelector("[data-comment-count]").textContent = String(threads.filter((t) => !t.resolved).length);
    strip.replaceChildren();
    list.replaceChildren();
    for (const thread of threads) {
      const marker = el("button", {
        type: "button",
        class: `comment-marker${thread.resolved ? " is-resolved" : ""}`,
        style: `left: ${Math.min(100, (thread.at_seconds / duration()) * 100)}%`,
        title: `Comment at ${clockText(thread.at_seconds)}`,
        "aria-label": `Comment at ${clockText(thread.at_seconds)}${thread.resolved ? " (resolved)" : ""}`,
        "data-comment-marker": String(thread.id),
      });
      marker.addEventListener("click", () => goTo(thread));
      strip.append(marker);

      const box = el("article", {
        class: `comment-thread${thread.id === open ? " is-open-thread" : ""}`,
        "data-thread": String(thread.id),
      });
      const at = el("button", { type: "button", class: "link-button small" }, `At ${clockText(thread.at_seconds)}`);
      at.addEventListener("click", () => goTo(thread));
      box.append(at);
      if (thread.moment_id) box.append(el("span", { class: "muted small" }, " on a moment"));
      if (thread.resolved) box.append(el("span", { class: "state small" }, "Resolved"));
      for (const message of thread.messages) {
        const p = el("p", { class: "msg small" });
        p.append(el("strong", {}, message.author_is_me ? "You" : message.author), document.createTextNode(`: ${message.body}`));
        box.append(p);
      }
      const reply = el("form", { class: "comment-reply" });
      const label = `reply-${thread.id}`;
      reply.append(el("label", { class: "visually-hidden", for: label }, "Reply"));
      const text = el("textarea", { id: label, rows: "1", name: "body", placeholder: "Reply" });
      reply.append(text, el("button", { class: "button small", type: "submit" }, "Reply"));
      reply.addEventListener("submit", async (event) => {
        event.preventDefault();
        if (!text.value.trim()) return;
        try {
          const updated = await api.post(`${config.comment}${thread.id}/replies`, { body: text.value });
          threads = threads.map((t) => (t.id === updated.id ? updated : t));
          open = updated.id;
          render();
          say("Reply sent.");
        } catch (error) {
          say(error.message, "error");
        }
      });
      const resolve = el("button", { type: "button", class: "link-button small" }, thread.resolved ? "Reopen" : "Mark resolved");
      resolve.addEventListener("click", async () => {
        try {
          const updated = await api.post(`${config.comment}${thread.id}/resolve`, { resolved: !thread.resolved });
          threads = threads.map((t) => (t.id === updated.id ? updated : t));
          render();
        } catch (error) {
          say(error.message, "error");
        }
      });
      box.append(reply, resolve);
      list.append(box);
    }
    if (!threads.length) list.append(el("p", { class: "muted small" }, "No comments yet."));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!body.value.trim()) return;
    try {
      const created = await api.post(config.list, {
        at_seconds: Math.round(now() * 100) / 100,
        body: body.value,
        moment_id: selected() || null,
      });
      threads = [...threads, created].sort((a, b) => a.at_seconds - b.at_seconds);
      open = created.id;
      body.value = "";
      render();
      say("Comment saved; they are told.");
    } catch (error) {
      say(error.message, "error");
    }
  });
  // Keep the form's time in step with the playhead (cheaply: only when it changes).
  const tick = () => {
    timeLabel.textContent = clockText(now());
  };
  video.addEventListener("timeupdate", tick);
  video.addEventListener("seeked", tick);

  async function load() {
    try {
      threads = await api.get(config.list);
    } catch (error) {
      say(error.message, "error");
    }
    render();
    const wanted = open && threads.find((t) => t.id === open);
    if (wanted) list.querySelector(`[data-thread="${wanted.id}"]`)?.scrollIntoView({ block: "nearest" });
  }
  load();
  // Markers sit by the film's length: place them again once the video knows it.
  if (!config.duration) video.addEventListener("loadedmetadata", render);

  // `?t=SECONDS` (a comment's link) is honoured by the editor as it starts (editor.js).
}
