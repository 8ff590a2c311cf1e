"""The load: guiders of two services on the same afternoon.

Browsing guiders sign in, open their caseload and cases, stream their film with Range requests,
open the editor and mark moments (and ask for a few renders). Uploading guiders (a fixed number)
send a generated film in chunks through the resumable upload API, every third one stopping half
way and resuming from where the server says it got to, then wait for it to be processed.

Reads the people from ``SCALE_PEOPLE`` (written by scale_seed.py) and the film to upload from
``SCALE_FILM``; writes every 5xx and every upload's outcome under ``SCALE_REPORT``.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

PEOPLE = json.loads(Path(os.environ["SCALE_PEOPLE"]).read_text())
FILM = Path(os.environ["SCALE_FILM"]).read_bytes()
REPORT = Path(os.environ["SCALE_REPORT"])
UPLOADERS = int(os.environ.get("SCALE_UPLOADERS", "20"))
_browsers = itertools.cycle([p for p in PEOPLE["people"] if not p["uploader"]])
_uploaders = iter([p for p in PEOPLE["people"] if p["uploader"]])
_lock = threading.Lock()
_errors: list[dict[str, Any]] = []
_uploads: list[dict[str, Any]] = []
FILM_LINK = re.compile(r'href="/films/([0-9a-f-]{36})/"')


@events.request.add_listener
def _count_5xx(request_type: str, name: str, response: Any, exception: Any, **kwargs: Any) -> None:
    status = getattr(response, "status_code", 0) or 0
    if status >= 500:
        with _lock:
            _errors.append({"name": name, "status": status, "body": response.text[:300]})


@events.quitting.add_listener
def _write_report(environment: Any, **kwargs: Any) -> None:
    REPORT.mkdir(parents=True, exist_ok=True)
    (REPORT / "server_errors.json").write_text(json.dumps(_errors, indent=1))
    (REPORT / "uploads.json").write_text(json.dumps(_uploads, indent=1))


class Staff(HttpUser):
    """A guider at work on their cases."""

    abstract = True
    wait_time = between(0.5, 2.0)
    person: dict[str, Any]
    host: str

    def sign_in(self) -> None:
        page = self.client.get("/accounts/login/", name="sign in page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.client.post(
            "/accounts/login/",
            {
                "login": self.person["email"],
                "password": PEOPLE["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="sign in",
        )

    def csrf(self) -> dict[str, str]:
        return {
            "X-CSRFToken": self.client.cookies.get("csrftoken") or "",
            "Referer": self.host + "/",
        }

    def api(self, method: str, path: str, body: Any, name: str) -> Any:
        return self.client.request(
            method,
            path,
            data=json.dumps(body),
            headers={**self.csrf(), "Content-Type": "application/json"},
            name=name,
        )

    def ready_film(self) -> str | None:
        films = [f for f in self.person["films"] if f not in self.not_ready]
        if not films:
            return None
        film = random.choice(films)
        state = self.client.get(f"/api/films/{film}", name="api film").json()
        if state.get("status") != "ready":
            if state.get("status") == "failed":
                self.not_ready.add(film)
            return None
        return film

    def on_start(self) -> None:
        self.not_ready: set[str] = set()
        self.moments: list[str] = []
        self.sign_in()

    @task(3)
    def caseload(self) -> None:
        self.client.get("/cases/", name="caseload")

    @task(3)
    def case_page(self) -> None:
        self.client.get(f"/cases/{random.choice(self.person['cases'])}/", name="case page")

    @task(1)
    def case_list_api(self) -> None:
        self.client.get("/api/cases", name="api cases")

    @task(3)
    def stream(self) -> None:
        film = self.ready_film()
        if film is None:
            return
        url = f"/films/{film}/media/playable"
        self.client.get(url, headers={"Range": "bytes=0-65535"}, name="stream first range")
        start = random.randint(0, max(0, len(FILM) // 2 - 131072))
        self.client.get(
            url, headers={"Range": f"bytes={start}-{start + 131071}"}, name="stream seek range"
        )

    @task(2)
    def editor(self) -> None:
        film = self.ready_film()
        if film is None:
            return
        self.client.get(f"/moments/films/{film}/", name="editor")
        self.client.get(f"/api/films/{film}/moments", name="api moments")
        self.client.get(f"/api/films/{film}/suggestions", name="api suggestions")

    @task(2)
    def mark_moment(self) -> None:
        film = self.ready_film()
        if film is None:
            return
        start = random.randint(0, 100)
        body: dict[str, Any] = {"kind": "clip", "start_frame": start, "end_frame": start + 40}
        if random.random() < 0.5:
            body = {"kind": "still", "start_frame": start}
        response = self.api("POST", f"/api/films/{film}/moments", body, "mark moment")
        if response.status_code == 201 and random.random() < 0.3:
            moment = response.json()["id"]
            self.api("POST", f"/api/moments/{moment}/render", {}, "render moment")


class BrowsingGuider(Staff):
    def on_start(self) -> None:
        with _lock:
            self.person = next(_browsers)
        super().on_start()


class UploadingGuider(Staff):
    """Uploads one film (a third of them interrupted and resumed), waits for it, then works."""

    fixed_count = UPLOADERS

    def on_start(self) -> None:
        with _lock:
            self.person = dict(next(_uploaders))
            self.person["films"] = []
            self.number = len(_uploads)
            self.outcome: dict[str, Any] = {"email": self.person["email"], "film": None}
            _uploads.append(self.outcome)
        super().on_start()
        self.upload()

    def upload(self) -> None:
        case = self.person["cases"][0]
        started = self.api(
            "POST",
            f"/api/cases/{case}/cycles/1/films",
            {"filename": f"afternoon-{self.number}.mp4", "size": len(FILM)},
            "upload start",
        )
        if started.status_code != 201:
            self.outcome["error"] = f"start: {started.status_code}"
            return
        state = started.json()
        film, size = state["id"], state["chunk_size"]
        self.outcome["film"] = film
        chunks = [FILM[i : i + size] for i in range(0, len(FILM), size)]
        interrupt = len(chunks) // 2 if self.number % 3 == 0 and len(chunks) > 1 else None
        index = 0
        while index < len(chunks):
            if index == interrupt:
                # The connection drops: later the page asks where the server got to.
                interrupt = None
                self.outcome["interrupted_at"] = index
                time.sleep(random.uniform(2.0, 5.0))
                index = self.client.get(f"/api/films/{film}/upload", name="upload state").json()[
                    "next_index"
                ]
                self.outcome["resumed_from"] = index
                continue
            response = self.client.put(
                f"/api/films/{film}/upload/{index}",
                data=chunks[index],
                headers={**self.csrf(), "Content-Type": "application/octet-stream"},
                name="upload chunk",
            )
            if response.status_code in (503, 507):  # keep the chunk, send it again later
                time.sleep(2.0)
                continue
            if response.status_code != 200:
                self.outcome["error"] = f"chunk {index}: {response.status_code}"
                return
            index += 1
        self.outcome["uploaded"] = True
        self.person["films"].append(film)

    @task(2)
    def watch_processing(self) -> None:
        film = self.outcome.get("film")
        if film and self.outcome.get("status") not in ("ready", "failed"):
            state = self.client.get(f"/api/films/{film}", name="api film").json()
            self.outcome["status"] = state.get("status")
