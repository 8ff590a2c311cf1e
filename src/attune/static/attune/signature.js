// Consent capture: a signature pad (finger, stylus or mouse, through pointer events), showing only
// the chosen way of signing, and the print button. Without JavaScript the typed-name and paper
// ways of signing still work, and every panel simply stays visible.

const INK = "#1e2a2b";

function setupPad(canvas) {
  const form = canvas.closest("form");
  const input = form?.querySelector('input[name="signature"]');
  const state = form?.querySelector("[data-signature-state]");
  const ctx = canvas.getContext("2d");
  let drawing = false;
  let last = null;
  let hasInk = false;
  // A signature being redrawn after a resize (an image loads asynchronously): until it is back on
  // the canvas, this is the signature, so a submit in between does not send an empty box.
  let pending = null;

  function pen() {
    ctx.lineWidth = 2.6;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
  }

  function restore(dataUrl) {
    pending = dataUrl;
    const img = new Image();
    img.onload = () => {
      const rect = canvas.getBoundingClientRect();
      ctx.drawImage(img, 0, 0, rect.width, rect.height);
      if (pending === dataUrl) pending = null;
    };
    img.src = dataUrl;
  }

  // The signature as a PNG data URL: the one being redrawn, else the canvas, else (a canvas with
  // no size gives no picture) the last one saved.
  function snapshot() {
    if (pending) return pending;
    const url = canvas.width && canvas.height ? canvas.toDataURL("image/png") : "";
    return url.startsWith("data:image/png") ? url : input?.value || "";
  }

  // The canvas is sized by CSS; its bitmap follows at the screen's pixel density. A canvas laid
  // out with no size (hidden, or mid-way through a layout change) is left as it is.
  function resize() {
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const rect = canvas.getBoundingClientRect();
    const width = Math.round(rect.width * ratio);
    const height = Math.round(rect.height * ratio);
    if (!width || !height) return;
    if (canvas.width === width && canvas.height === height) return;
    const kept = hasInk ? snapshot() : null;
    canvas.width = width;
    canvas.height = height;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    pen();
    if (kept) restore(kept);
  }

  function point(event) {
    const rect = canvas.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  function save() {
    if (!input) return;
    input.value = hasInk ? snapshot() : "";
    if (state) state.textContent = hasInk ? "Signature captured." : "";
  }

  canvas.addEventListener("pointerdown", (event) => {
    if (event.button !== undefined && event.button > 0) return;
    event.preventDefault();
    pending = null; // drawing on: the canvas is the signature again
    canvas.setPointerCapture?.(event.pointerId);
    drawing = true;
    last = point(event);
    ctx.beginPath();
    ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, Math.PI * 2);
    ctx.fill();
    hasInk = true;
  });

  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    event.preventDefault();
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    for (const e of events.length ? events : [event]) {
      const p = point(e);
      ctx.lineTo(p.x, p.y);
      last = p;
    }
    ctx.stroke();
  });

  function end() {
    if (!drawing) return;
    drawing = false;
    last = null;
    save();
  }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  canvas.addEventListener("lostpointercapture", end);

  form?.querySelector("[data-signature-clear]")?.addEventListener("click", () => {
    const rect = canvas.getBoundingClientRect();
    ctx.clearRect(0, 0, rect.width, rect.height);
    hasInk = false;
    pending = null;
    save();
  });

  form?.addEventListener("submit", save);
  window.addEventListener("resize", resize);
  resize();

  // After a refused submission the drawn signature comes back: show it again.
  if (input?.value.startsWith("data:image/png;base64,")) {
    hasInk = true;
    restore(input.value);
    if (state) state.textContent = "Signature captured.";
  }
}

function setupMethods(form) {
  const radios = form.querySelectorAll('input[name="method"]');
  const panels = form.querySelectorAll("[data-method-panel]");
  function show() {
    const chosen = form.querySelector('input[name="method"]:checked')?.value;
    for (const panel of panels) panel.hidden = chosen !== undefined && panel.dataset.methodPanel !== chosen;
    if (chosen === "drawn") window.dispatchEvent(new Event("resize"));
  }
  for (const radio of radios) radio.addEventListener("change", show);
  show();
}

for (const form of document.querySelectorAll("[data-consent-form]")) setupMethods(form);
for (const canvas of document.querySelectorAll("[data-signature-pad]")) setupPad(canvas);
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
