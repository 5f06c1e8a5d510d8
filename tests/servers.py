"""Real servers for the tests that need more than one process: a throwaway Redis, gunicorn app
servers in production settings (debug off, plain HTTP on loopback), and a small HTTP client that
keeps a browser's cookies and posts forms with their CSRF token."""

from __future__ import annotations

import contextlib
import html.parser
import http.client
import http.cookies
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def redis_server_binary() -> str:
    """redis-server's path; without it the test skips, except in CI (.ci/run installs it)."""
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed (apt-get install redis-server)"
        if os.environ.get("CI"):
            pytest.fail(f"CI: {message}")
        pytest.skip(message)
    return binary


class RedisServer:
    """A redis-server on loopback that keeps nothing on disk, which a test may stop and start."""

    def __init__(self) -> None:
        self.binary = redis_server_binary()
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [
            self.binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def keys(self) -> int:
        import redis

        return int(redis.Redis.from_url(self.url).dbsize())


def wait_for_port(port: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing answers on port {port}")


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings minus the three HTTPS switches (plain HTTP on loopback)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tumorboard.settings",
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "tests-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_REQUEST_LOG": "false",
    }
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


@contextlib.contextmanager
def own_database(tmp_path: Path) -> Iterator[str]:
    """A database of the test's own: a new one on the PostgreSQL server of DATABASE_URL when the
    suite runs on PostgreSQL (as in CI), else an SQLite file. Dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'servers.sqlite3'}"
        return
    import psycopg

    name = f"tb_servers_{os.getpid()}"
    admin = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[int]:
    """One gunicorn app server (two sync workers) on a free loopback port, until the block ends."""
    port = free_port()
    command = [str(Path(PYTHON).parent / "gunicorn"), "tumorboard.wsgi", "--bind", f"127.0.0.1:{port}"]
    with open(log, "w") as output:
        process = subprocess.Popen(
            [*command, "--workers", "2", "--timeout", "30"], cwd=ROOT, env=env, stdout=output, stderr=output
        )
        try:
            wait_for_port(port, seconds=30)
            yield port
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class _FormInputs(html.parser.HTMLParser):
    """The name → value pairs of the inputs of the page's POST forms (hidden ones included)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in ("input", "textarea", "select") and attributes.get("name"):
            if attributes.get("type") in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.values.setdefault(str(attributes["name"]), attributes.get("value") or "")


def form_values(page: str) -> dict[str, str]:
    parser = _FormInputs()
    parser.feed(page)
    return parser.values


class Browser:
    """Cookies kept across requests and servers, as one browser behind one proxy would."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self, port: int, method: str, path: str, data: dict[str, str] | None = None
    ) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{port}{path}",
                "Origin": f"http://127.0.0.1:{port}",
            }
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in http.cookies.SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.read().decode()
        finally:
            connection.close()

    def get(self, port: int, path: str) -> tuple[int, str]:
        return self.request(port, "GET", path)

    def submit(self, port: int, path: str, **fields: str) -> int:
        """GET the form at `path`, fill in `fields` over what the page holds, POST it back."""
        status, page = self.get(port, path)
        assert status == 200, f"GET {path}: {status}"
        status, _ = self.request(port, "POST", path, {**form_values(page), **fields})
        return status
