"""Serve the app with gunicorn on PostgreSQL for the load test and the performance budget.

    .venv/bin/python bench/serve.py [--cases N] [--workers W] [--keep-db] [-- COMMAND ...]

1. (Re)creates the PostgreSQL database `tumorboard_bench` (PostgreSQL on 127.0.0.1:5432, user
   postgres, as in CI; override with BENCH_DATABASE_URL), migrates, seeds the demo data (14 cases,
   the three demo users) and, with --cases N, adds N synthetic cases (bench/populate.py);
   --keep-db skips all of this and serves the database as it is.
2. collectstatic, then gunicorn on 127.0.0.1:8001 with production settings (debug off) except the
   three HTTPS switches (plain HTTP on loopback): DJANGO_SECURE_SSL_REDIRECT=false,
   DJANGO_SECURE_COOKIES=false, DJANGO_HSTS_SECONDS=0; DJANGO_ALLOWED_HOSTS=127.0.0.1.
3. Waits for /healthz, runs COMMAND (e.g. `.venv/bin/python bench/load.py`) if one is given, or
   waits for Ctrl-C, then stops gunicorn (SIGTERM to the one process it started) and waits for it.

Workers: 5 sync workers by default, gunicorn's (2 × cores) + 1 for the 2-core benchmark machine.
Requests are CPU-bound Python (templates, the clinical engine) with short database waits, so a
few processes per core keep both cores busy while one worker waits on PostgreSQL; more workers
only add memory and context switches. Sync workers close the connection after each response
(no keep-alive), which is what the reverse proxy in front would do anyway (docs/operations.md).

Gunicorn's output and the app's JSON request lines go to bench/out/gunicorn.log.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
OUT = ROOT / "bench" / "out"
HOST, PORT = "127.0.0.1", 8001
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tumorboard_bench")
WORKERS = 5


def app_env(**extra: str) -> dict[str, str]:
    """Production settings, minus HTTPS (plain HTTP on loopback)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tumorboard.settings",
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", "bench-only-" + "x" * 50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_HSTS_SECONDS": "0",
    }
    env.update(extra)
    return env


def manage(*args: str, **env: str) -> None:
    subprocess.run([str(VENV_BIN / "python"), "manage.py", *args], cwd=ROOT, env=app_env(**env), check=True)


def populate(*args: str) -> None:
    subprocess.run(
        [str(VENV_BIN / "python"), "bench/populate.py", *args], cwd=ROOT, env=app_env(), check=True
    )


def recreate_database() -> None:
    """DROP and CREATE the benchmark database (through the server's `postgres` database)."""
    import psycopg

    url = urlsplit(DATABASE_URL)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def prepare(cases: int = 0, demo: bool = True) -> None:
    started = time.perf_counter()
    recreate_database()
    manage("migrate", "--no-input", "-v", "0")
    if demo:
        manage("seed_demo")
    populate(*(["--total", str(cases)] if cases else ["0"]))
    print(
        f"serve: database {urlsplit(DATABASE_URL).path.lstrip('/')} ready in {time.perf_counter() - started:.1f} s"
    )


def get(path: str, timeout: float = 5) -> int:
    connection = http.client.HTTPConnection(HOST, PORT, timeout=timeout)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn(
    workers: int = WORKERS, log_name: str = "gunicorn.log", **env: str
) -> Iterator[subprocess.Popen]:
    """gunicorn on 127.0.0.1:8001 until the block ends; stops the process it started, by its pid."""
    OUT.mkdir(exist_ok=True)
    manage("collectstatic", "--no-input", "-v", "0")
    # The log stays open while gunicorn runs; the ExitStack closes it when the block ends.
    stack = contextlib.ExitStack()
    log = stack.enter_context(open(OUT / log_name, "w"))  # noqa: SIM115 (the ExitStack closes it)
    command = [
        str(VENV_BIN / "gunicorn"),
        "tumorboard.wsgi",
        "--bind",
        f"{HOST}:{PORT}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--backlog",
        "2048",
        "--timeout",
        "30",
        "--graceful-timeout",
        "10",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=app_env(**env), stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {process.returncode}: see {OUT / log_name}")
            try:
                if get("/healthz") == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer /healthz within 30 s")
            time.sleep(0.2)
        print(f"serve: gunicorn pid {process.pid}, {workers} sync workers on http://{HOST}:{PORT}")
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        stack.close()
        print("serve: gunicorn stopped")


def main() -> None:
    argv = sys.argv[1:]
    command = argv[argv.index("--") + 1 :] if "--" in argv else []
    own = argv[: argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=0, help="synthetic cases to add to the demo data")
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--keep-db", action="store_true", help="serve the existing database as it is")
    args = parser.parse_args(own)
    if not args.keep_db:
        prepare(args.cases)
    with gunicorn(args.workers):
        if command:
            result = subprocess.run(command, cwd=ROOT)
            status = result.returncode
        else:
            print("serve: Ctrl-C stops")
            status = 0
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
    sys.exit(status)


if __name__ == "__main__":
    main()
