"""After (and between) the scale run's phases, read what Attune holds and say whether it is whole.

``wait``: until no film, analysis or render is queued or running (or the timeout); prints counts.
``check``: every film ready or failed with a reason (renders and analyses likewise), no upload
lost, no 5xx, the bucket holding exactly the vault's objects and none of them readable media,
queries per page, and storage per case. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import django


def _pending() -> dict[str, int]:
    from attune.analysis.models import AnalysisStatus, FilmAnalysis
    from attune.films.models import Film, FilmStatus
    from attune.moments.models import Render, RenderStatus

    return {
        "films": Film.objects.filter(status__in=[FilmStatus.QUEUED, FilmStatus.PROCESSING]).count(),
        "analyses": FilmAnalysis.objects.filter(
            status__in=[AnalysisStatus.QUEUED, AnalysisStatus.RUNNING]
        ).count(),
        "renders": Render.objects.filter(
            status__in=[RenderStatus.QUEUED, RenderStatus.RENDERING]
        ).count(),
    }


def wait(timeout: float) -> None:
    from django.db import close_old_connections

    end = time.monotonic() + timeout
    while True:
        pending = _pending()
        close_old_connections()
        if not any(pending.values()) or time.monotonic() > end:
            break
        time.sleep(2)
    print(json.dumps({"pending": pending}))


def _by_status(model: Any) -> dict[str, int]:
    from django.db.models import Count

    rows = model.objects.values("status").annotate(n=Count("pk")).order_by("status")
    return {r["status"]: r["n"] for r in rows}


def _bucket(bucket: str) -> tuple[dict[str, int], list[str]]:
    """Every object in the bucket (name under the vault's prefix -> size), and readable media
    found in the first bytes of any of them (the same test as the suite's plaintext check)."""
    import boto3
    from django.conf import settings

    from tests.plaintext import readable_media

    prefix = settings.ATTUNE_STORAGE.split("/", 3)[3].strip("/") + "/"
    s3 = boto3.client("s3", endpoint_url=__import__("os").environ["AWS_S3_ENDPOINT_URL"])
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                key = item["Key"]
                name = key.removeprefix(prefix)
                sizes[name] = item["Size"]
                head = s3.get_object(Bucket=bucket, Key=key, Range="bytes=0-15")["Body"].read()
                path = root / "vault" / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(head)
        readable = readable_media(root)
    return sizes, readable


def _queries_per_page(problems: list[str]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from attune.films.models import Film, FilmStatus

    film = Film.objects.filter(status=FilmStatus.READY).select_related("case__guider").first()
    if film is None:
        return {}
    client = Client(raise_request_exception=False)
    client.force_login(film.case.guider, backend="django.contrib.auth.backends.ModelBackend")
    pages = {
        "caseload": "/cases/",
        "case page": f"/cases/{film.case.reference}/",
        "film page": f"/films/{film.pk}/",
        "editor": f"/moments/films/{film.pk}/",
        "api cases": "/api/cases",
        "api moments": f"/api/films/{film.pk}/moments",
        "api suggestions": f"/api/films/{film.pk}/suggestions",
        "stream range": f"/films/{film.pk}/media/playable",
    }
    counts = {}
    for name, url in pages.items():
        headers = {"Range": "bytes=0-65535"} if "media" in url else {}
        client.get(url, headers=headers)  # warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, headers=headers)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        counts[name] = len(captured)
        if response.status_code >= 400:
            problems.append(f"{name} ({url}) answered {response.status_code}")
    return counts


def check(report: Path, bucket: str) -> None:
    from django.db.models import Sum

    from attune.analysis.models import AnalysisStatus, FilmAnalysis
    from attune.films.models import Film, FilmStatus
    from attune.moments.models import Moment, Render, RenderStatus
    from attune.vault.models import VaultObject

    problems: list[str] = []
    films = _by_status(Film)
    for film in Film.objects.filter(status=FilmStatus.FAILED, failure_reason=""):
        problems.append(f"film {film.pk} failed without a reason")
    for film in Film.objects.filter(status__in=[FilmStatus.QUEUED, FilmStatus.PROCESSING]):
        problems.append(f"film {film.pk} still {film.status}")
    renders = _by_status(Render)
    for r in Render.objects.exclude(status__in=[RenderStatus.READY, RenderStatus.FAILED]):
        problems.append(f"render {r.pk} still {r.status}")
    for r in Render.objects.filter(status=RenderStatus.FAILED, failure_reason=""):
        problems.append(f"render {r.pk} failed without a reason")
    analyses = _by_status(FilmAnalysis)
    for a in FilmAnalysis.objects.exclude(status__in=[AnalysisStatus.DONE, AnalysisStatus.FAILED]):
        problems.append(f"analysis of {a.film_id} still {a.status}")

    from django.db.models import Count

    from attune.audit.models import AuditEvent

    for action in ("film.ready", "render.ready"):  # processed exactly once
        twice = (
            AuditEvent.objects.filter(action=action)
            .values("object_id")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
        )
        for row in twice:
            problems.append(f"{action} recorded {row['n']} times for {row['object_id']}")

    uploads = json.loads((report / "uploads.json").read_text())
    lost = []
    for u in uploads:
        found = Film.objects.filter(pk=u["film"]).first() if u.get("film") else None
        final = found.status if found is not None else None
        if not u.get("uploaded") or final not in (FilmStatus.READY, FilmStatus.FAILED):
            lost.append({**u, "final": final})
    if lost:
        problems.append(f"{len(lost)} uploads lost")
    errors = json.loads((report / "server_errors.json").read_text())
    if errors:
        problems.append(f"{len(errors)} responses were 5xx")

    sizes, readable = _bucket(bucket)
    rows = dict(VaultObject.objects.values_list("storage_name", "ciphertext_size"))
    orphans = sorted(set(sizes) - set(rows))
    missing = sorted(set(rows) - set(sizes))
    if orphans:
        problems.append(f"{len(orphans)} objects in the bucket that the vault does not list")
    if missing:
        problems.append(f"{len(missing)} vault objects missing from the bucket")
    if readable:
        problems.append(f"readable media in the bucket: {readable[:5]}")

    with_films = set(Film.objects.filter(status=FilmStatus.READY).values_list("case_id", flat=True))
    per_case = dict(
        VaultObject.objects.values("case_id")
        .annotate(stored=Sum("ciphertext_size"))
        .values_list("case_id", "stored")
    )
    stored = [per_case.get(case_id) or 0 for case_id in with_films]
    film_minutes = sum(f.duration or 0 for f in Film.objects.filter(status=FilmStatus.READY)) / 60
    queries = _queries_per_page(problems)
    result = {
        "ok": not problems,
        "problems": problems,
        "films": films,
        "renders": renders,
        "analyses": analyses,
        "moments": Moment.objects.count(),
        "uploads": {
            "started": len(uploads),
            "interrupted_and_resumed": sum(1 for u in uploads if "resumed_from" in u),
            "lost": lost,
        },
        "server_errors": len(errors),
        "bucket": {
            "objects": len(sizes),
            "bytes": sum(sizes.values()),
            "vault_rows": len(rows),
            "orphans": orphans[:20],
            "missing": missing[:20],
            "readable_media": readable[:20],
        },
        "storage_per_case_with_a_film": {
            "cases": len(stored),
            "mean_bytes": int(statistics.mean(stored)) if stored else 0,
            "max_bytes": max(stored) if stored else 0,
            "bytes_per_film_minute": int(sum(sizes.values()) / film_minutes) if film_minutes else 0,
        },
        "queries_per_page": queries,
    }
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["wait", "check"])
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--report", type=Path)
    parser.add_argument("--bucket", default="attune-scale")
    args = parser.parse_args()
    django.setup()
    if args.what == "wait":
        wait(args.timeout)
    else:
        check(args.report, args.bucket)


if __name__ == "__main__":
    main()
