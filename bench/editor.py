"""How quickly the editor opens and seeks, in headless Chromium against a real server.

Makes (or reuses) the 15-minute 1080p30 film of bench/clips.py, imports and processes it as an
upload in a throw-away Attune (own data dir and SQLite database), serves it with gunicorn on
localhost and opens the editor in Chromium (Debian's /usr/bin/chromium through Playwright):

* time from navigation to the first frame on screen (requestVideoFrameCallback) and to the
  timeline drawn with its thumbnails and sound; the first load and the median of three more;
* median (and worst) time from a click on the timeline to the new frame on screen, over 20
  seeded random points.

Targets: < 2 s to the first frame, < 300 ms per seek. ``--quick`` uses the 1-minute film.
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clips import ready_film, throwaway_attune
from films import bench_film

SEEKS = 20
LOADS = 4
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

ARM_SEEK = """() => {
  const video = document.querySelector('[data-video]');
  const area = document.querySelector('[data-lane-area]');
  const before = video.currentTime;
  window.__seek = {};
  area.addEventListener('pointerdown', () => { window.__seek.start = performance.now(); },
                        { once: true, capture: true });
  window.__seek.done = new Promise((resolve) => {
    // The first frame presented after the click that is not the frame shown before it.
    const wait = () => video.requestVideoFrameCallback((now, meta) => {
      if (window.__seek.start === undefined || Math.abs(meta.mediaTime - before) < 1e-6) {
        return wait();
      }
      resolve({ ms: performance.now() - window.__seek.start, media: meta.mediaTime });
    });
    wait();
    setTimeout(() => resolve({ ms: NaN, media: NaN }), 10000);
  });
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ATTUNE_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "attune.settings",
    }
    env.pop("DATABASE_URL", None)
    cmd = [
        sys.executable, "-m", "gunicorn", "attune.wsgi:application", "--bind",
        f"127.0.0.1:{port}", "--workers", "2", "--threads", "8", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(cmd, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def session_cookie(user: Any) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def measure(url: str, cookie: str, seed: int) -> dict[str, Any]:
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    loads: list[dict[str, float]] = []
    seeks: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # Tall enough that the player and the timeline are both on screen: Chromium does not
        # present the frames of a video scrolled out of view.
        context = browser.new_context(viewport={"width": 1440, "height": 1400})
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": url}])
        page = context.new_page()
        page.set_default_timeout(60_000)
        for _ in range(LOADS):
            page.goto(url, wait_until="commit")
            page.wait_for_function(
                "() => { const e = document.querySelector('[data-editor]');"
                " return e && e.dataset.firstFrameMs && e.dataset.drawnMs; }"
            )
            timings = page.evaluate(
                "() => { const e = document.querySelector('[data-editor]');"
                " return {first_frame: Number(e.dataset.firstFrameMs),"
                " drawn: Number(e.dataset.drawnMs)}; }"
            )
            loads.append({**timings, "both": max(timings.values())})
        area = page.locator("[data-lane-area]")
        box = area.bounding_box()
        assert box is not None
        rng = random.Random(seed)
        for _ in range(SEEKS):
            page.evaluate(ARM_SEEK)
            x = box["x"] + box["width"] * rng.uniform(0.02, 0.98)
            page.mouse.click(x, box["y"] + 45)  # on the thumbnail strip
            result = page.evaluate("() => window.__seek.done")
            if result["ms"] != result["ms"]:  # NaN: no new frame within 10 s
                raise SystemExit("a seek never showed its frame")
            seeks.append(float(result["ms"]))
            page.wait_for_timeout(100)
        browser.close()
    warm = loads[1:]
    return {
        "first_load_ms": {k: round(v) for k, v in loads[0].items()},
        "warm_load_median_ms": {
            k: round(statistics.median(load[k] for load in warm)) for k in loads[0]
        },
        "seek_median_ms": round(statistics.median(seeks), 1),
        "seek_worst_ms": round(max(seeks), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the 1-minute film")
    parser.add_argument(
        "--cache", type=Path, default=Path(os.environ.get("ATTUNE_BENCH_CACHE", "var/bench"))
    )
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    minutes = 1.0 if args.quick else 15.0
    source = bench_film(args.cache.resolve(), minutes)

    with tempfile.TemporaryDirectory(prefix="attune-bench-editor-") as tmp:
        data_dir = Path(tmp) / "data"
        throwaway_attune(data_dir)
        started = time.perf_counter()
        film = ready_film(source, with_pipeline=True)
        processing_s = time.perf_counter() - started
        cookie = session_cookie(film.case.guider)
        port = free_port()
        server = serve(data_dir, port)
        try:
            result = measure(f"http://127.0.0.1:{port}/moments/films/{film.pk}/", cookie, args.seed)
        finally:
            server.terminate()
            server.wait(timeout=10)

    first = result["first_load_ms"]
    print(
        json.dumps(
            {
                "case": "editor_open_and_seek",
                "film_minutes": minutes,
                "film": f"{film.width}x{film.height} {film.fps:g} fps",
                **result,
                "targets": {"first_frame_ms": "< 2000", "seek_ms": "< 300"},
                "meets_targets": first["both"] < 2000 and result["seek_median_ms"] < 300,
                "processing_seconds": round(processing_s, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
