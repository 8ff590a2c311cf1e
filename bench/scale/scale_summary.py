"""The scale run's short summary: Locust's figures per page kind beside the run's checks."""

from __future__ import annotations

import csv
import json
import os
import platform
from pathlib import Path
from typing import Any


def machine() -> str:
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) // (1024 * 1024)
    except OSError:
        pass
    return f"{os.cpu_count()} CPU cores, {mem} GiB memory, {platform.platform()}"


def locust_rows(report: Path) -> list[dict[str, str]]:
    path = report / "locust_stats.csv"
    if not path.exists():
        return []
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def write_summary(report: Path, checked: dict[str, Any]) -> bool:
    rows = locust_rows(report)
    checked["machine"] = machine()
    checked["pages"] = [
        {
            "name": r["Name"],
            "requests": int(r["Request Count"]),
            "failures": int(r["Failure Count"]),
            "rps": float(r["Requests/s"]),
            "median_ms": r["50%"],
            "p95_ms": r["95%"],
        }
        for r in rows
    ]
    ok = bool(checked["ok"]) and checked["audit_verify"]["ok"] and bool(rows)
    checked["ok"] = ok
    (report / "summary.json").write_text(json.dumps(checked, indent=1))
    lines = [
        f"# Scale run: {'PASSED' if ok else 'FAILED'}",
        "",
        f"Machine: {checked['machine']}.",
        f"Load: {checked['load']['users']} staff ({checked['load']['uploads']} uploading) for "
        f"{checked['load']['seconds']} s against gunicorn with {checked['load']['web_workers']} "
        "workers, three `attune worker`s on RQ, PostgreSQL, S3 (moto).",
        "",
        "| page kind | requests | failures | req/s | median ms | p95 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in checked["pages"]:
        lines.append(
            f"| {p['name']} | {p['requests']} | {p['failures']} | {p['rps']:.2f} | "
            f"{p['median_ms']} | {p['p95_ms']} |"
        )
    up = checked["uploads"]
    lines += [
        "",
        f"- 5xx responses: {checked['server_errors']}",
        f"- uploads: {up['started']} started, {up['interrupted_and_resumed']} interrupted and "
        f"resumed, {len(up['lost'])} lost",
        f"- films: {checked['films']}; analyses: {checked['analyses']}; renders: "
        f"{checked['renders']}; moments marked: {checked['moments']}",
        f"- bucket: {checked['bucket']['objects']} objects ({checked['bucket']['bytes']} bytes), "
        f"vault rows {checked['bucket']['vault_rows']}, orphans "
        f"{len(checked['bucket']['orphans'])}, missing {len(checked['bucket']['missing'])}, "
        f"readable media {len(checked['bucket']['readable_media'])}",
        f"- audit chains: {'verified' if checked['audit_verify']['ok'] else 'FAILED'} "
        f"({checked['audit_verify']['output']})",
        f"- worker throughput (warm-up): {checked['warm_up']}",
        f"- load phase workers: {checked['load']}",
        f"- storage per case with a film: {checked['storage_per_case_with_a_film']}",
        f"- queries per page: {checked['queries_per_page']}",
        f"- faults: {json.dumps(checked['faults'])}",
        f"- skipped: {checked['skipped'] or 'nothing'}",
        f"- problems: {checked['problems'] or 'none'}",
    ]
    (report / "summary.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return ok
