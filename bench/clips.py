"""How fast moments are rendered to clips, against plain ffmpeg measured in the same run.

Makes (once, then cached) a 15-minute 1080p30 H.264/AAC film (a key frame every two seconds),
stores it encrypted as a ready film in a throw-away Attune (its own data dir and SQLite
database), marks ten 8-second clips at seeded random points and times Attune rendering them the
way the worker does (`render_run`: read the encrypted film, cut frame-accurately, encrypt the clip
into the vault). The baseline is ffmpeg cutting the same ranges frame-accurately from the
plaintext file with x264 ultrafast (`-ss` before `-i`, so it seeks to the key frame and decodes
from there). Target: ratio <= 1.1. Wall-clock and CPU seconds are both reported: on a busy
machine the wall-clock ratio also measures how much of the CPU each side was given.

``--quick`` uses a 1-minute film. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from films import bench_film

TARGET = 1.1
CLIPS = 10
CLIP_SECONDS = 8
FPS = 30


def throwaway_attune(data_dir: Path) -> None:
    """Django set up on its own data dir and SQLite database, migrated."""
    os.environ["ATTUNE_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attune.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def ready_film(source: Path, *, with_pipeline: bool = False) -> Any:
    """A guider, a case with consent and a ready film of `source`.

    Without the pipeline the file is stored as its own playable copy (it is already H.264/AAC);
    with it, the film is imported and processed as an upload would be.
    """
    from django.utils import timezone

    from attune.accounts.models import Service, User
    from attune.films import media, processing
    from attune.films import services as film_services
    from attune.films.models import Film, FilmStatus
    from attune.samples.cases import Stage, case_at_stage
    from attune.vault.models import ObjectKind
    from attune.vault.services import object_store_path

    service = Service.objects.create(name="Bench EPS", slug=f"bench-{time.time_ns()}")
    guider = User.objects.create_user(
        f"guider-{time.time_ns()}@example.org",
        None,
        full_name="Bench Guider",
        service=service,
        is_guider=True,
    )
    case = case_at_stage(guider, Stage.AGREED, question="How can I help?", agreed="Bench.")
    cycle = case.cycles.get(number=1)
    if with_pipeline:
        film = film_services.film_import(actor=guider, case=case, cycle=cycle, path=source)
        processing.film_process(str(film.pk))
        film.refresh_from_db()
        if film.status != FilmStatus.READY:
            raise SystemExit(f"processing failed: {film.failure_reason}")
        return film
    probe = media.probe(source)
    film = Film.objects.create(
        case=case,
        cycle=cycle,
        uploaded_by=guider,
        original_filename=source.name,
        status=FilmStatus.READY,
        upload_size=source.stat().st_size,
        upload_chunk_size=1 << 22,
        upload_received=source.stat().st_size,
        upload_expires_at=timezone.now(),
        duration=probe.duration,
        fps=probe.fps,
        width=probe.width,
        height=probe.height,
        has_audio=probe.has_audio,
        ready_at=timezone.now(),
    )
    film.playable = object_store_path(
        case=case, kind=ObjectKind.PLAYABLE, path=source, content_type="video/mp4"
    )
    film.save(update_fields=["playable"])
    return film


def ffmpeg_cut(source: Path, target: Path, start_s: float, frames: int) -> None:
    from attune.films.media import ffmpeg_exe
    from attune.moments.export import AUDIO_BITRATE, X264_CRF, X264_PRESET

    cmd = [
        ffmpeg_exe(), "-nostdin", "-hide_banner", "-y", "-v", "error",
        "-ss", f"{start_s:.6f}", "-i", str(source), "-frames:v", str(frames),
        "-t", f"{frames / FPS:.6f}", "-c:v", "libx264", "-preset", X264_PRESET,
        "-crf", str(X264_CRF), "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", str(AUDIO_BITRATE),
        "-movflags", "+faststart", "-f", "mp4", str(target),
    ]  # fmt: skip
    subprocess.run(cmd, check=True)


def cpu_seconds() -> tuple[float, float]:
    """CPU time used so far by this process and by its finished children (user + system)."""
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime


def first_picture(data: bytes | Path) -> Any:
    import io

    import av
    import numpy as np

    source = io.BytesIO(data) if isinstance(data, bytes) else str(data)
    with av.open(source, mode="r") as container:
        frame = next(container.decode(video=0))
        return np.asarray(frame.to_ndarray(format="gray"), dtype=np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 1-minute film")
    parser.add_argument(
        "--cache", type=Path, default=Path(os.environ.get("ATTUNE_BENCH_CACHE", "var/bench"))
    )
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    minutes = 1.0 if args.quick else 15.0
    source = bench_film(args.cache.resolve(), minutes)

    with tempfile.TemporaryDirectory(prefix="attune-bench-clips-") as tmp:
        scratch = Path(tmp)
        throwaway_attune(scratch / "data")
        from attune.moments import rendering, services
        from attune.moments.models import MomentKind, Render, RenderStatus
        from attune.moments.selectors import film_frame_count
        from attune.vault.services import object_read_all

        film = ready_film(source)
        guider = film.case.guider
        frames = CLIP_SECONDS * FPS
        rng = random.Random(args.seed)
        starts = sorted(rng.randrange(0, film_frame_count(film) - frames) for _ in range(CLIPS))

        ours = base = ours_cpu = base_cpu = 0.0
        methods: dict[str, int] = {}
        worst_difference = 0.0
        for i, start in enumerate(starts):
            moment = services.moment_create(
                actor=guider,
                film=film,
                kind=MomentKind.CLIP,
                start_frame=start,
                end_frame=start + frames,
            )
            render = Render.objects.create(
                moment=moment,
                kind=moment.kind,
                start_frame=start,
                end_frame=start + frames,
                requested_by=guider,
            )
            # Alternate which goes first, so neither always finds the file in a warmer cache.
            target = scratch / f"baseline-{i}.mp4"
            order = ["ours", "base"] if i % 2 == 0 else ["base", "ours"]
            for which in order:
                started, cpu = time.perf_counter(), cpu_seconds()
                if which == "ours":
                    rendering.render_run(str(render.pk))
                    ours += time.perf_counter() - started
                    ours_cpu += cpu_seconds()[0] - cpu[0]
                else:
                    ffmpeg_cut(source, target, start / FPS, frames)
                    base += time.perf_counter() - started
                    base_cpu += cpu_seconds()[1] - cpu[1]
            render.refresh_from_db()
            if render.status != RenderStatus.READY or render.video is None:
                raise SystemExit(f"render failed: {render.failure_reason}")
            methods[render.method] = methods.get(render.method, 0) + 1
            # Both must start on the same picture: compare their first frames.
            difference = abs(
                first_picture(object_read_all(render.video)) - first_picture(target)
            ).mean()
            worst_difference = max(worst_difference, float(difference))
            target.unlink()

    print(
        json.dumps(
            {
                "case": "clips_8s_x10_1080p30",
                "film_minutes": minutes,
                "seconds": round(ours, 3),
                "baseline": "ffmpeg_x264_ultrafast_frame_accurate",
                "baseline_seconds": round(base, 3),
                "ratio": round(ours / base, 3),
                "target": f"<= {TARGET}",
                # CPU time (all threads): the work done, whatever else the machine is doing.
                "cpu_seconds": round(ours_cpu, 3),
                "baseline_cpu_seconds": round(base_cpu, 3),
                "cpu_ratio": round(ours_cpu / base_cpu, 3),
                "methods": methods,
                "first_frame_mean_abs_difference": round(worst_difference, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
