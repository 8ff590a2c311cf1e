"""The scale profile: PostgreSQL, RQ on Redis, S3-compatible storage, gunicorn and three workers,
under a Locust load, with faults, then checked.

``make scale-test`` runs this. It starts what is not running (an S3 server, moto, and a Redis of
its own so that it may restart it), uses a PostgreSQL database of its own (``scale_attune``) and a
temporary data dir whose scratch space is a small tmpfs, and stops everything it started when it
ends, however it ends. When PostgreSQL does not answer it says so and skips.

During the load: one worker is killed (SIGKILL) while it processes a film, one while it renders a
clip, Redis is restarted once, and the scratch disk is filled while a job runs. Afterwards every
film must be ready or failed with a reason, every render likewise, the bucket must hold exactly
the vault's objects and no readable media, and every audit chain must verify. The report (Locust's
CSV, the faults, the checks and a short summary) is written to ``var/scale-report/``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent
PG = ("127.0.0.1", 5432)
WEB_PORT, REDIS_PORT, S3_PORT = 8240, 8241, 8242
DB_NAME = "scale_attune"
BUCKET = "attune-scale"


def answers(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0


def healthy(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
            return bool(response.status == 200)
    except OSError:
        return False


def wait_for(what: str, test: Callable[[], bool], timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not test():
        if time.monotonic() > end:
            raise RuntimeError(f"{what} did not start within {timeout:.0f} s")
        time.sleep(0.3)


class Processes:
    """Everything this run started, each in its own process group, stopped in reverse order."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.cleanups: list[Callable[[], None]] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (kept open for the child)
        proc = subprocess.Popen(
            args, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.running.append((name, proc))
        return proc

    def kill(self, proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)

    def stop_all(self) -> None:
        for _name, proc in reversed(self.running):
            if proc.poll() is None:
                self.kill(proc, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for _name, proc in reversed(self.running):
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.kill(proc)
                proc.wait()
        for cleanup in reversed(self.cleanups):
            with contextlib.suppress(Exception):
                cleanup()


def mount_scratch(path: Path, size_mb: int) -> str:
    """A small tmpfs for the workers' scratch space, so that it can be filled on purpose."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return "not root: scratch is a plain directory, the disk-full fault is skipped"
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m,mode=0700", "tmpfs", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return f"tmpfs could not be mounted ({result.stderr.strip()}): disk-full fault skipped"
    return ""


def reset_database(url: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{DB_NAME}"')


def run_django(env: dict[str, str], *args: str, timeout: float = 900) -> str:
    result = subprocess.run(
        [str(BIN / "attune"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"attune {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def python(env: dict[str, str], script: str, *args: str, timeout: float = 1800) -> str:
    result = subprocess.run(
        [sys.executable, str(HERE / script), *args],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{script} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


JOB_ID = re.compile(r"\('([0-9a-f-]{36})'\)")
JOB_TABLES = {"process_film": "films_film", "render_moment": "moments_render"}
RUNNING = {"process_film": "processing", "render_moment": "rendering"}


def job_row(table: str, job_id: str) -> dict[str, Any] | None:
    """A job's row as the database has it now (status, stage, attempt), read directly."""
    import psycopg
    from psycopg.rows import dict_row

    stage = "stage" if table == "films_film" else "'' AS stage"
    with psycopg.connect(
        f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}", row_factory=dict_row
    ) as conn:
        return conn.execute(
            f"SELECT status, {stage}, attempts FROM {table} WHERE id = %s",  # noqa: S608
            (job_id,),
        ).fetchone()


class Workers:
    """The `attune worker` processes, and what each is doing (read from RQ's worker records)."""

    def __init__(self, procs: Processes, env: dict[str, str], redis_url: str) -> None:
        self.procs, self.env, self.redis_url = procs, env, redis_url
        self.live: list[subprocess.Popen[bytes]] = []
        self.started = 0
        self.cpu_seconds_of_gone = 0.0
        self.lock = threading.RLock()  # two fault threads kill workers

    def start(self) -> None:
        with self.lock:
            self.started += 1
            name = f"worker-{self.started}"
            self.live.append(self.procs.start(name, [str(BIN / "attune"), "worker"], self.env))

    @staticmethod
    def _tree_cpu(proc: subprocess.Popen[bytes]) -> float:
        """CPU time of one worker: its own and that of the job processes it forked."""
        import psutil

        total = 0.0
        with contextlib.suppress(psutil.Error):
            p = psutil.Process(proc.pid)
            for q in [p, *p.children(recursive=True)]:
                t = q.cpu_times()
                total += t.user + t.system
                if q is p:
                    total += t.children_user + t.children_system
        return total

    def cpu_seconds(self) -> float:
        """CPU time of every worker so far, those killed included."""
        with self.lock:
            return self.cpu_seconds_of_gone + sum(self._tree_cpu(p) for p in self.live)

    def doing(self) -> dict[int, str]:
        """pid of each worker -> the task it is running now ('' when idle)."""
        from redis import Redis
        from rq import Worker

        try:
            conn = Redis.from_url(self.redis_url, socket_timeout=2)
            found = {}
            for w in Worker.all(connection=conn):
                job_id = w.get_current_job_id()
                desc = conn.hget(f"rq:job:{job_id}", "description") if job_id else None
                found[int(w.pid or 0)] = (
                    desc.decode() if isinstance(desc, bytes) else str(desc or "")
                )
            return found
        except Exception:  # Redis restarting: nobody is known to be doing anything
            return {}

    def kill_one_doing(self, task: str, timeout: float) -> dict[str, Any]:
        """SIGKILL a worker while it runs `task`: seen running both in RQ's record of the worker
        and in the job's own row (claimed, not yet finished), so the kill lands mid-job."""
        table = JOB_TABLES[task]
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for pid, desc in self.doing().items():
                proc = next((p for p in self.live if p.pid == pid), None)
                job_id = JOB_ID.search(desc) if task in desc else None
                if proc is None or job_id is None:
                    continue
                row = job_row(table, job_id.group(1))
                if row is None or row["status"] != RUNNING[task]:
                    continue  # still waiting, or done already: not mid-job
                with self.lock:
                    if proc not in self.live:
                        continue  # the other fault thread took this one
                    self.cpu_seconds_of_gone += self._tree_cpu(proc)
                    killed = self.kill_tree(proc)
                    self.live.remove(proc)
                    self.start()  # the service keeps three workers
                return {
                    "fault": f"SIGKILL worker mid {task}", "pid": pid, "job": desc,
                    "killed_pids": killed, "row_at_kill": row,
                }  # fmt: skip
            time.sleep(0.05)
        return {"fault": f"SIGKILL worker mid {task}", "skipped": f"no {task} seen in {timeout} s"}

    def kill_tree(self, proc: subprocess.Popen[bytes]) -> list[int]:
        """SIGKILL a worker and the job process it forked. RQ runs each job in a child in a
        process group of its own, so killing the worker's group alone would let the job finish."""
        import psutil

        try:
            children = psutil.Process(proc.pid).children(recursive=True)
        except psutil.Error:
            children = []
        self.procs.kill(proc)
        for child in children:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(os.getpgid(child.pid), signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)
        proc.wait()
        return [proc.pid, *(c.pid for c in children)]


def fill_scratch(scratch: Path, workers: Workers, timeout: float) -> dict[str, Any]:
    """Fill the scratch tmpfs while a film is being processed, then free it again."""
    end = time.monotonic() + timeout
    during: list[str] = []
    while time.monotonic() < end and not during:
        during = [d for d in workers.doing().values() if "process_film" in d or "analyse_film" in d]
        time.sleep(0.1)
    if not during:
        return {"fault": "scratch disk filled", "skipped": f"no film job seen in {timeout} s"}
    ballast = scratch / "ballast"
    written = 0
    with open(ballast, "wb") as fh:
        block = b"\0" * (1 << 20)
        with contextlib.suppress(OSError):
            while True:
                fh.write(block)
                fh.flush()
                written += len(block)
    time.sleep(4)  # long enough for the running job to need the space it no longer has
    ballast.unlink(missing_ok=True)  # the scratch sweep may have removed it already
    return {"fault": "scratch disk filled", "bytes": written, "for_seconds": 4, "during": during}


def restart_redis(
    procs: Processes, redis: list[subprocess.Popen[bytes]], args: list[str], env: dict[str, str]
) -> dict[str, Any]:
    old = redis[0]
    procs.kill(old, signal.SIGTERM)  # SIGTERM: Redis writes its append-only file and stops
    old.wait()
    time.sleep(3)
    redis[0] = procs.start("redis-2", args, env)
    wait_for("redis", lambda: answers("127.0.0.1", REDIS_PORT))
    return {"fault": "Redis restarted", "down_seconds": 3}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--film-seconds", type=float, default=12)
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument("--report", type=Path, default=ROOT / "var" / "scale-report")
    args = parser.parse_args()

    if not answers(*PG):
        print("SKIPPED: PostgreSQL does not answer on 127.0.0.1:5432; the scale profile needs it.")
        return 0
    report = args.report
    shutil.rmtree(report, ignore_errors=True)
    (report / "logs").mkdir(parents=True)
    procs = Processes(report / "logs")
    skipped: list[str] = []

    def on_signal(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    data = Path(tempfile.mkdtemp(prefix="attune-scale-"))
    procs.cleanups.append(lambda: shutil.rmtree(data, ignore_errors=True))
    try:
        return run(args, report, procs, data, skipped)
    finally:
        procs.stop_all()
        print(f"Stopped everything this run started; the report is in {report}")


def run(
    args: argparse.Namespace, report: Path, procs: Processes, data: Path, skipped: list[str]
) -> int:
    scratch = data / "scratch"
    why = mount_scratch(scratch, size_mb=256)
    if why:
        skipped.append(why)
    else:

        def unmount() -> None:
            subprocess.run(["umount", "-l", str(scratch)], check=False)

        procs.cleanups.append(unmount)
    redis_url = f"redis://127.0.0.1:{REDIS_PORT}/14"
    env = {
        **os.environ,
        "ATTUNE_DATA_DIR": str(data),
        "ATTUNE_SCRATCH_DIR": str(scratch),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "ATTUNE_STORAGE": f"s3://{BUCKET}/vault",
        "AWS_ACCESS_KEY_ID": "scale",
        "AWS_SECRET_ACCESS_KEY": "scale-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{S3_PORT}",
        "ATTUNE_TASKS": "rq",
        "ATTUNE_MASTER_KEY": secrets.token_hex(32),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ATTUNE_STALE_JOB_SECONDS": "20",
        "ATTUNE_UPLOAD_CHUNK_BYTES": str(256 * 1024),
        "ATTUNE_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "attune.settings",
    }

    # S3: moto in server mode, on our own port, with a bucket for the vault.
    procs.start("moto", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(S3_PORT)], env)
    wait_for("moto", lambda: answers("127.0.0.1", S3_PORT))
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=env["AWS_S3_ENDPOINT_URL"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    )
    s3.create_bucket(Bucket=BUCKET)

    # Redis: our own (so that restarting it troubles nobody else), with its append-only file.
    redis: list[subprocess.Popen[bytes]] = []
    redis_args: list[str] = []
    server = shutil.which("redis-server")
    if server:
        redis_dir = data / "redis"
        redis_dir.mkdir()
        redis_args = [
            server, "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--dir", str(redis_dir),
            "--save", "", "--appendonly", "yes", "--appendfsync", "always",
        ]  # fmt: skip
        redis.append(procs.start("redis", redis_args, env))
        wait_for("redis", lambda: answers("127.0.0.1", REDIS_PORT))
    else:
        redis_url = "redis://127.0.0.1:6379/14"
        skipped.append(
            "redis-server is not installed: the shared Redis (database 14) is used "
            "and the Redis restart fault is skipped"
        )
    env["REDIS_URL"] = redis_url

    reset_database(env["DATABASE_URL"])
    t0 = time.monotonic()
    run_django(env, "migrate", "--noinput", "-v0")
    run_django(env, "collectstatic", "--noinput", "-v0")

    sys.path.insert(0, str(ROOT / "src"))
    from attune.samples.films import make_film

    film = make_film(
        data / "afternoon.mp4", seconds=args.film_seconds, width=640, height=360,
        speech_like_audio=True, keyint=25,
    )  # fmt: skip
    people = report / "people.json"
    python(env, "scale_seed.py", str(people), "--staff", str(args.users), "--uploaders",
           str(args.uploads), "--film", str(film))  # fmt: skip
    seeded = json.loads(people.read_text())
    print(f"Seeded in {time.monotonic() - t0:.0f} s; film of {film.stat().st_size} bytes")

    # Three workers process the browsing guiders' films before the load starts.
    workers = Workers(procs, env, redis_url)
    for _ in range(3):
        workers.start()
    seed_films = sum(len(p["films"]) for p in seeded["people"])
    t1, cpu1 = time.monotonic(), workers.cpu_seconds()
    warm = python(env, "scale_check.py", "wait", "--timeout", "900")
    warm_wall, warm_cpu = time.monotonic() - t1, workers.cpu_seconds() - cpu1
    print(f"Warm-up: {seed_films} films processed and analysed in {warm_wall:.0f} s ({warm})")

    procs.start(
        "gunicorn",
        [
            str(BIN / "gunicorn"), "attune.wsgi", "--bind", f"127.0.0.1:{WEB_PORT}",
            "--workers", str(args.web_workers), "--timeout", "120", "--preload",
        ],
        env,
    )  # fmt: skip
    wait_for("gunicorn", lambda: answers("127.0.0.1", WEB_PORT))
    wait_for("gunicorn's workers", lambda: healthy(f"http://127.0.0.1:{WEB_PORT}/healthz"), 120)

    faults: list[dict[str, Any]] = []

    def inject() -> None:
        try:
            inject_all()
        except Exception as exc:  # a fault that could not be made is a failed run, not a hang
            faults.append({"fault": "injection stopped", "skipped": repr(exc)})

    def inject_all() -> None:
        time.sleep(10)
        faults.append(workers.kill_one_doing("process_film", timeout=args.seconds))
        if redis:
            time.sleep(5)
            faults.append(restart_redis(procs, redis, redis_args, env))
        if not skipped or not any("tmpfs" in s or "root" in s for s in skipped):
            faults.append(fill_scratch(scratch, workers, timeout=args.seconds / 2))

    def kill_mid_render() -> None:
        # Alongside the others: renders come whenever a guider asks, not at a set time.
        time.sleep(10)
        try:
            faults.append(workers.kill_one_doing("render_moment", timeout=args.seconds))
        except Exception as exc:
            faults.append({"fault": "SIGKILL worker mid render_moment", "skipped": repr(exc)})

    injectors = [
        threading.Thread(target=inject, daemon=True),
        threading.Thread(target=kill_mid_render, daemon=True),
    ]
    if not args.no_faults:
        for injector in injectors:
            injector.start()
    t2, cpu2 = time.monotonic(), workers.cpu_seconds()
    locust_env = {
        **env,
        "SCALE_PEOPLE": str(people),
        "SCALE_FILM": str(film),
        "SCALE_REPORT": str(report),
        "SCALE_UPLOADERS": str(args.uploads),
    }
    subprocess.run(
        [
            str(BIN / "locust"), "-f", str(HERE / "scale_locustfile.py"), "--headless",
            "--host", f"http://127.0.0.1:{WEB_PORT}", "-u", str(args.users),
            "-r", str(max(1, args.users // 10)), "-t", f"{args.seconds}s",
            "--csv", str(report / "locust"), "--only-summary", "--stop-timeout", "30",
        ],
        env=locust_env,
        cwd=ROOT,
        stdout=open(report / "logs" / "locust.log", "wb"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        check=False,
    )  # fmt: skip
    for injector in injectors:
        if injector.is_alive():
            injector.join(timeout=args.seconds)
    # The workers finish what the load left queued; faults may make a job wait for its sweep.
    drained = python(env, "scale_check.py", "wait", "--timeout", "900")
    load_wall, load_cpu = time.monotonic() - t2, workers.cpu_seconds() - cpu2
    (report / "faults.json").write_text(json.dumps(faults, indent=1))

    verify = subprocess.run(
        [str(BIN / "attune"), "audit", "verify"], env=env, cwd=ROOT,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    checked = json.loads(
        python(env, "scale_check.py", "check", "--report", str(report), "--bucket", BUCKET)
    )
    checked["audit_verify"] = {"ok": verify.returncode == 0, "output": verify.stdout.strip()}
    checked["warm_up"] = {
        "films": seed_films, "wall_seconds": round(warm_wall, 1),
        "worker_cpu_seconds": round(warm_cpu, 1), "film_seconds_each": args.film_seconds,
        "film_minutes_per_core_minute": round(seed_films * args.film_seconds / max(warm_cpu, 1e-9), 3),
    }  # fmt: skip
    checked["load"] = {
        "wall_seconds": round(load_wall, 1), "worker_cpu_seconds": round(load_cpu, 1),
        "users": args.users, "uploads": args.uploads, "seconds": args.seconds,
        "web_workers": args.web_workers, "drained": drained,
    }  # fmt: skip
    for fault in faults:  # each killed job must have been taken up again and finished
        if "row_at_kill" in fault:
            task = next(t for t in JOB_TABLES if t in fault["job"])
            job = JOB_ID.search(fault["job"])
            assert job is not None
            fault["row_after"] = final = job_row(JOB_TABLES[task], job.group(1))
            if final is None or final["status"] not in ("ready", "failed"):
                checked["problems"].append(f"the job killed mid {task} ended {final}")
                checked["ok"] = False
    for fault in faults:
        if "skipped" in fault:
            checked["problems"].append(f"fault not made: {fault['fault']} ({fault['skipped']})")
            checked["ok"] = False
    checked["faults"] = faults
    checked["skipped"] = skipped
    from scale_summary import write_summary

    ok = write_summary(report, checked)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
