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

// Fill the strip with as many thumbnails as fit side by side, each showing the sprite tile
// nearest the middle of its stretch of film, so the strip reads as a timeline.
function buildThumbs(container, spriteUrl, index, duration) {
  container.innerHTML = "";
  const height = container.clientHeight || 60;
  const scale = height / index.tile_height;
  const tileWidth = index.tile_width * scale;
  const slots = Math.max(1, Math.ceil((container.clientWidth || tileWidth) / tileWidth));
  for (let i = 0; i < slots; i += 1) {
    const middle = ((i + 0.5) / slots) * duration;
    const tile = Math.min(index.count - 1, Math.floor(middle / index.interval));
    const col = tile % index.columns;
    const row = Math.floor(tile / index.columns);
    const div = document.createElement("div");
    div.className = "thumb-wrap";
    div.style.backgroundImage = `url("${spriteUrl}")`;
    div.style.backgroundSize = `${index.columns * tileWidth}px auto`;
    div.style.backgroundPosition = `${-col * tileWidth}px ${-row * height}px`;
    container.appendChild(div);
  }
}

for (const root of document.querySelectorAll("[data-film-player]")) {
  const video = root.querySelector("video");
  const strip = root.querySelector(".timeline-strip");
  const playhead = root.querySelector("[data-playhead]");
  const fps = parseFloat(root.dataset.fps) || 25;
  const duration = () => video.duration || parseFloat(root.dataset.duration) || 1;

  const thumbs = root.querySelector("[data-thumbs]");
  const canvas = root.querySelector("[data-waveform-canvas]");
  let spriteIndex = null;
  let peaks = null;
  const draw = () => {
    if (spriteIndex) buildThumbs(thumbs, root.dataset.sprite, spriteIndex, duration());
    if (peaks) drawWaveform(canvas, peaks);
  };
  getJSON(root.dataset.spriteIndex).then((index) => { spriteIndex = index; draw(); }).catch(() => {});
  getJSON(root.dataset.waveform).then((wave) => { peaks = wave.peaks; draw(); }).catch(() => {});
  let resizing = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(draw, 150);
  });

  strip.addEventListener("click", (event) => {
    const rect = strip.getBoundingClientRect();
    video.currentTime = ((event.clientX - rect.left) / rect.width) * duration();
  });
  const movePlayhead = () => {
    playhead.style.left = `${(100 * video.currentTime) / duration()}%`;
  };
  video.addEventListener("timeupdate", movePlayhead);
  video.addEventListener("seeked", movePlayhead);
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
