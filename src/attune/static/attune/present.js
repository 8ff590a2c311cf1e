// The shared review's presentation: the edit's clips and stills, in order, full screen.
// Every file is fetched before the review starts, through the same permission-checked stream
// as the editor, and held in memory only (Blob object URLs: no Cache API, no IndexedDB, no
// download), so a weak home connection cannot interrupt the review. Closing the tab frees it.
// The guider's panel, in another window, follows along over a BroadcastChannel.

const root = document.querySelector("[data-present]");
const dataNode = document.getElementById("presentation-data");
const data = dataNode ? JSON.parse(dataNode.textContent) : { items: [] };
const items = data.items || [];
const status = root.querySelector("[data-status]");
const video = root.querySelector("[data-video]");
const still = root.querySelector("[data-still]");
const heldBadge = root.querySelector("[data-held]");
const count = root.querySelector("[data-count]");
const channel = "BroadcastChannel" in window ? new BroadcastChannel(`attune-review-${data.cycle}`) : null;
const CHECK_EVERY_MS = 15000;

let urls = [];
let index = 0;
let loop = false;
let speed = 1;
let held = false;
let stopped = false;
let checkTimer = null;

function say(text) { status.textContent = text; }
// Play state, speed and loop, said to a screen reader as a sighted person sees them change.
function speak(text) {
  const spoken = root.querySelector("[data-spoken]");
  if (spoken) spoken.textContent = text;
}
function current() { return items[index]; }
function label(item, i) { return `${item.kind === "clip" ? "Clip" : "Still"} ${i + 1} of ${items.length}`; }
function tell(message) { if (channel) channel.postMessage(message); }
function announce() {
  const item = current();
  if (item) tell({ type: "moment", position: item.position, index, total: items.length, held, loop, speed });
}

async function reasonFor(response) {
  try {
    const check = await fetch(root.dataset.check, { credentials: "same-origin", cache: "no-store" });
    if (!check.ok) {
      const body = await check.json();
      if (body.reason) return body.reason;
    }
  } catch (err) { /* fall through to the file's own answer */ }
  const text = response ? (await response.text()).slice(0, 300) : "";
  return text || "The clips can no longer be shown.";
}

// Stop at once and let go of every clip held in memory.
function stop(reason) {
  stopped = true;
  clearInterval(checkTimer);
  video.pause();
  video.removeAttribute("src");
  video.load();
  still.removeAttribute("src");
  for (const url of urls) if (url) URL.revokeObjectURL(url);
  urls = [];
  root.querySelector("[data-stage]")?.setAttribute("hidden", "");
  root.querySelector(".controls")?.setAttribute("hidden", "");
  root.querySelector("[data-offline]")?.setAttribute("hidden", "");
  count.textContent = "";
  root.dataset.stopped = "true";
  root.dataset.ready = "false";
  say(`The presentation has stopped. ${reason}`);
  tell({ type: "stopped", reason });
}

async function loadAll() {
  let done = 0;
  for (const [i, item] of items.entries()) {
    if (stopped) return;
    let response;
    try {
      response = await fetch(item.url, { credentials: "same-origin", cache: "no-store" });
    } catch (err) {
      say("The connection dropped before every clip was in. Check the connection and reload the page.");
      return;
    }
    if (!response.ok) { stop(await reasonFor(response)); return; }
    const blob = await response.blob();
    urls[i] = URL.createObjectURL(blob);
    done += 1;
    say(`Getting the clips ready: ${done} of ${items.length}.`);
  }
  root.dataset.ready = "true";
  root.querySelector("[data-offline]").hidden = false;
  say("Ready to review offline: every clip is held on this screen.");
  show(0);
  checkTimer = setInterval(checkStillAllowed, CHECK_EVERY_MS);
}

// Consent can be withdrawn during the review: ask now and then whether the films may still be
// shown. No answer at all (offline) is fine; an answer that says no stops the presentation.
async function checkStillAllowed() {
  if (stopped) return;
  let response;
  try {
    response = await fetch(root.dataset.check, { credentials: "same-origin", cache: "no-store" });
  } catch (err) { return; }
  if (response.ok) return;
  let reason = "The clips can no longer be shown.";
  try { reason = (await response.json()).reason || reason; } catch (err) { /* keep the default */ }
  stop(reason);
}

function setHeld(value) {
  held = value;
  heldBadge.hidden = !held;
  root.querySelector('[data-action="hold"]').setAttribute("aria-pressed", String(held));
}

function show(i) {
  if (stopped || !items.length) return;
  index = Math.max(0, Math.min(items.length - 1, i));
  const item = current();
  setHeld(false);
  if (item.kind === "clip") {
    still.hidden = true;
    video.hidden = false;
    video.src = urls[index];
    video.loop = loop;
    video.playbackRate = speed;
    video.defaultPlaybackRate = speed;
  } else {
    video.pause();
    video.hidden = true;
    still.hidden = false;
    still.src = urls[index];
    markPlayed(item);
  }
  root.dataset.current = String(item.position);
  count.textContent = label(item, index);
  announce();
  checkStillAllowed();
}

function markPlayed(item) {
  const played = root.dataset.played ? root.dataset.played.split(",") : [];
  played.push(String(item.position));
  root.dataset.played = played.join(",");
}

async function play() {
  if (stopped || current()?.kind !== "clip") return;
  setHeld(false);
  video.playbackRate = speed;
  try {
    await video.play();
    speak(speed === 1 ? "Playing" : `Playing at ${speed}×`);
  } catch (err) { say("Tap Play on this screen to start."); }
  announce();
}

function hold() {
  if (current()?.kind !== "clip") return;
  if (held) { play(); return; }
  video.pause();
  setHeld(true);
  speak("Held still");
  announce();
}

function replay() {
  video.currentTime = 0;
  play();
}

function setLoop(value) {
  loop = value;
  video.loop = loop;
  root.querySelector('[data-action="loop"]').setAttribute("aria-pressed", String(loop));
  speak(loop ? "Loop on" : "Loop off");
  announce();
}

function setSpeed(value) {
  speed = value;
  video.playbackRate = speed;
  video.defaultPlaybackRate = speed;
  for (const b of root.querySelectorAll("[data-speed]")) b.setAttribute("aria-pressed", String(Number(b.dataset.speed) === speed));
  speak(`Speed ${speed}×`);
  announce();
}

const actions = {
  previous: () => show(index - 1),
  next: () => show(index + 1),
  play,
  replay,
  hold,
  loop: () => setLoop(!loop),
  fullscreen: () => (document.fullscreenElement ? document.exitFullscreen() : root.requestFullscreen?.()),
};

// Played through without a loop: a short pause, then the next clip, so the edit plays in order.
video?.addEventListener("ended", () => {
  markPlayed(current());
  if (index < items.length - 1) {
    setTimeout(() => { show(index + 1); play(); }, 800);
  } else {
    say("That was the last moment. Replay any of them, or talk about what you saw.");
  }
});

root.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button || stopped) return;
  if (button.dataset.speed) setSpeed(Number(button.dataset.speed));
  else if (actions[button.dataset.action]) actions[button.dataset.action]();
});

document.addEventListener("keydown", (event) => {
  if (stopped || root.dataset.ready !== "true") return;
  if (event.key === "ArrowRight") actions.next();
  else if (event.key === "ArrowLeft") actions.previous();
  else if (event.key === " " && !event.target.closest?.("button")) { event.preventDefault(); video.paused ? play() : hold(); }
});

if (channel) {
  channel.onmessage = (event) => {
    const message = event.data || {};
    if (message.type === "hello") announce();
    if (message.type === "command" && !stopped && root.dataset.ready === "true" && actions[message.action]) {
      actions[message.action]();
    }
  };
}

window.addEventListener("pagehide", () => { for (const url of urls) if (url) URL.revokeObjectURL(url); });

if (items.length && !root.querySelector("[data-stage]")?.hidden) loadAll();
