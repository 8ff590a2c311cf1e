"""`make screenshots`: a freshly seeded demo, served on a port of its own, photographed page by
page for every role at 1366 px and 375 px (the table in attune.demo.pages, the walk of the
accessibility test). Writes var/screenshots/<width>/<role>--<page>.png.

    .venv/bin/python scripts/screenshots.py [--port 8230] [--out var/screenshots]

ATTUNE_WALK_ONLY=editor,admin photographs only the pages whose name holds one of the words."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own server)
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8230)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "screenshots")
    options = parser.parse_args()

    data = tempfile.mkdtemp(prefix="attune-screenshots-")
    env = {**os.environ, "ATTUNE_DATA_DIR": data, "DJANGO_SETTINGS_MODULE": "attune.settings"}
    env.pop("DATABASE_URL", None)  # the demo's own SQLite file in the fresh data dir
    os.environ.update(env)
    os.environ.pop("DATABASE_URL", None)
    attune = [sys.executable, "-m", "attune.cli"]
    subprocess.run([*attune, "migrate", "--noinput", "-v0"], check=True, env=env)
    subprocess.run([*attune, "demo", "--quiet"], check=True, env=env)

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from attune.films import processing
    from attune.films.models import Film, FilmStatus
    from tests.e2e.conftest import CHROMIUM_ARGS
    from tests.e2e.walk import walk

    for film in Film.objects.exclude(status=FilmStatus.READY):
        processing.film_process(str(film.pk))  # the editor needs its films ready

    base = f"http://127.0.0.1:{options.port}"
    server = subprocess.Popen(
        [*attune, "serve", "--port", str(options.port), "--no-worker", "--web-workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,  # the access log; errors still show on stderr
    )
    count = 0
    try:
        wait_for(f"{base}/healthz")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for visit in walk(browser, base):
                folder = options.out / str(visit.width)
                folder.mkdir(parents=True, exist_ok=True)
                visit.tab.wait_for_timeout(300)  # let images and charts finish drawing
                visit.tab.screenshot(path=str(folder / f"{visit.page.slug}.png"), full_page=True)
                count += 1
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"Wrote {count} screenshots under {options.out}")


if __name__ == "__main__":
    main()
