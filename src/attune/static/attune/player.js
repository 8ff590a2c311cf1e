// The film page: thumbnail strip, waveform and frame-exact stepping over the native player.

async function getJSON(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${response.status}`);
  return response.json();
}

function drawWaveform(canvas, peaks) {
  const width = (canvas.width = canvas.clientWidth * devicePixelRatio);
  const height = (canvas.height = canvas.clientHeight * devicePixelRatio);
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, width, height);
  if (!peaks.length) return;
  ctx.fillStyle = "#2a7a72";
  const step = peaks.length / width;
  for (let x = 0; x < width; x += 1) {
    const from = Math.floor(x * step);
    const to = Math.max(from + 1, Math.floor((x + 1) * step));
    let peak = 0;
    for (let i = from; i < to && i < peaks.length; i += 1) peak = Math.max(peak, peaks[i]);
    const h = Math.max(1, peak * height);
    ctx.fillRect(x, (height - h) / 2, 1, h);
  }
}

function buildThumbs(container, spriteUrl, index) {
  container.innerHTML = "";
  const count = Math.min(index.count, 20);
  for (let i = 0; i < count; i += 1) {
    const tile = Math.floor((i * index.count) / count);
    const div = document.createElement("div");
    div.className = "thumb";
    div.style.backgroundImage = `url("${spriteUrl}")`;
    const col = tile % index.columns;
    const row = Math.floor(tile / index.columns);
    div.style.backgroundPosition = `${-col * index.tile_width}px ${-row * index.tile_height}px`;
    div.style.width = `${index.tile_width}px`;
    div.style.height = `${index.tile_height}px`;
    div.style.transform = `scale(${60 / index.tile_height})`;
    div.style.transformOrigin = "top left";
    const wrap = document.createElement("div");
    wrap.className = "thumb-wrap";
    wrap.appendChild(div);
    container.appendChild(wrap);
  }
}

for (const root of document.querySelectorAll("[data-film-player]")) {
  const video = root.querySelector("video");
  const strip = root.querySelector(".timeline-strip");
  const playhead = root.querySelector("[data-playhead]");
  const fps = parseFloat(root.dataset.fps) || 25;
  const duration = () => video.duration || parseFloat(root.dataset.duration) || 1;

  getJSON(root.dataset.spriteIndex)
    .then((index) => buildThumbs(root.querySelector("[data-thumbs]"), root.dataset.sprite, index))
    .catch(() => {});
  getJSON(root.dataset.waveform)
    .then((wave) => drawWaveform(root.querySelector("[data-waveform-canvas]"), wave.peaks))
    .catch(() => {});

  strip.addEventListener("click", (event) => {
    const rect = strip.getBoundingClientRect();
    video.currentTime = ((event.clientX - rect.left) / rect.width) * duration();
  });
  video.addEventListener("timeupdate", () => {
    playhead.style.left = `${(100 * video.currentTime) / duration()}%`;
  });
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select")) return;
    if (event.key === " ") {
      event.preventDefault();
      video.paused ? video.play() : video.pause();
    } else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      event.preventDefault();
      video.pause();
      const step = event.shiftKey ? 1 : 1 / fps;
      video.currentTime = Math.max(0, video.currentTime + (event.key === "ArrowRight" ? step : -step));
    }
  });
}
