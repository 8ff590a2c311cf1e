// Resumable, chunked film upload: survives a dropped network and a page reload.
// The server keeps where the upload is up to; choosing the same file again carries on from there.

const csrfToken = () =>
  document.cookie.split("; ").find((c) => c.startsWith("csrftoken="))?.split("=")[1] ?? "";

const fmtBytes = (n) => {
  const units = ["B", "KB", "MB", "GB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
};
const fmtTime = (s) => {
  if (!isFinite(s)) return "…";
  if (s < 60) return `${Math.ceil(s)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
};

async function api(url, options = {}) {
  const response = await fetch(url, {
    credentials: "same-origin",
    ...options,
    headers: { "X-CSRFToken": csrfToken(), ...(options.headers || {}) },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body?.error?.message || `The server answered ${response.status}.`);
    error.status = response.status;
    throw error;
  }
  return body;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// What the browser already knows about a file before any of it is sent. A file that says it is a
// PDF, a picture, a sound or a document is not a film: it is stopped here, with its name, rather
// than uploaded in full only to be refused. The server still checks every file that does arrive.
const VIDEO_EXTENSIONS = new Set(["mp4", "mov", "m4v", "mkv", "webm", "avi", "3gp", "mts", "m2ts", "mpg", "mpeg", "wmv", "ts"]);
const KINDS = [
  [/^application\/pdf$/, "a PDF document"],
  [/^image\//, "a picture"],
  [/^audio\//, "a sound recording"],
  [/^text\//, "a text file"],
  [/^application\/(msword|vnd\.|zip|x-zip)/, "a document or archive"],
];

export function notAVideo(file) {
  const extension = (file.name.split(".").pop() || "").toLowerCase();
  const type = file.type || "";
  if (type.startsWith("video/") || VIDEO_EXTENSIONS.has(extension)) return "";
  const known = KINDS.find(([pattern]) => pattern.test(type));
  const what = known ? known[1] : `a .${extension || "unknown"} file`;
  return `“${file.name}” is not a video (it looks like ${what}). Choose the film itself: MP4, MOV, MKV, WebM, AVI or 3GP.`;
}

class Uploader {
  constructor(root) {
    this.root = root;
    this.input = root.querySelector("[data-file-input]");
    this.progress = root.querySelector("[data-progress]");
    this.bar = root.querySelector("[data-bar]");
    this.text = root.querySelector("[data-progress-text]");
    this.error = root.querySelector("[data-error]");
    this.pauseButton = root.querySelector("[data-pause]");
    this.paused = false;
    this.busy = false;
    this.input.addEventListener("change", () => this.input.files[0] && this.begin(this.input.files[0]));
    this.pauseButton.addEventListener("click", () => this.togglePause());
  }

  fingerprint(file) {
    return `${file.name}|${file.size}|${file.lastModified}`;
  }

  saved() {
    try { return JSON.parse(localStorage.getItem(this.root.dataset.resumeKey) || "null"); }
    catch { return null; }
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
  }

  togglePause() {
    this.paused = !this.paused;
    this.pauseButton.textContent = this.paused ? "Resume" : "Pause";
  }

  // One upload at a time: the file picker is off until this one ends.
  async begin(file) {
    if (this.busy) return;
    const refusal = notAVideo(file);
    if (refusal) {
      this.showError(refusal);
      this.input.value = "";
      return;
    }
    this.busy = true;
    this.input.disabled = true;
    this.root.classList.add("is-uploading");
    try {
      await this.start(file);
    } finally {
      this.busy = false;
      this.input.disabled = false;
      this.root.classList.remove("is-uploading");
      this.input.value = "";
    }
  }

  async start(file) {
    this.showError("");
    this.progress.hidden = false;
    this.text.textContent = `Starting the upload of ${file.name}…`;
    let state = null;
    const saved = this.saved();
    const openId = saved && saved.fingerprint === this.fingerprint(file) ? saved.id : null;
    if (openId) {
      try {
        state = await api(`/api/films/${openId}/upload`);
        if (state.status !== "uploading") state = null;
      } catch { state = null; }
    }
    if (!state) {
      try {
        state = await api(this.root.dataset.startUrl, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({
            filename: file.name, size: file.size, purpose: this.root.dataset.purpose || "family",
          }),
        });
      } catch (error) {
        this.showError(error.message);
        this.progress.hidden = true;
        return;
      }
      localStorage.setItem(this.root.dataset.resumeKey,
        JSON.stringify({ id: state.id, fingerprint: this.fingerprint(file) }));
    }
    await this.send(file, state);
  }

  async send(file, state) {
    const started = performance.now();
    const startBytes = state.received;
    let failures = 0;
    while (state.received < state.size) {
      if (this.paused) { await sleep(300); continue; }
      const index = state.next_index;
      const begin = index * state.chunk_size;
      const blob = file.slice(begin, Math.min(begin + state.chunk_size, file.size));
      try {
        state = await api(`/api/films/${state.id}/upload/${index}`, {
          method: "PUT",
          headers: { "Content-Type": "application/octet-stream" },
          body: blob,
        });
        failures = 0;
      } catch (error) {
        if (error.status && error.status < 500 && error.status !== 409) {
          this.showError(error.message);
          return;
        }
        failures += 1;
        const wait = Math.min(30, 2 ** failures);
        this.text.textContent = `Connection lost; trying again in ${wait} s… (nothing is lost)`;
        await sleep(wait * 1000);
        try { state = await api(`/api/films/${state.id}/upload`); } catch { /* retry */ }
        continue;
      }
      const seconds = (performance.now() - started) / 1000;
      const speed = (state.received - startBytes) / Math.max(seconds, 0.001);
      const pct = (100 * state.received) / state.size;
      this.bar.value = pct;
      this.text.textContent = `${pct.toFixed(0)}% · ${fmtBytes(state.received)} of ${fmtBytes(state.size)} · ` +
        `${fmtBytes(speed)}/s · ${fmtTime((state.size - state.received) / speed)} left`;
    }
    localStorage.removeItem(this.root.dataset.resumeKey);
    this.text.textContent = "Uploaded. Processing the film…";
    window.location.assign(state.page_url);
  }
}

for (const root of document.querySelectorAll("[data-uploader]")) new Uploader(root);
