"""Load test: simulated board members on loopback, standard library only (asyncio + raw HTTP/1.1).

    .venv/bin/python bench/load.py [--users 50] [--duration 60] [--think 1.0] [--port 8001]

Against a server started by bench/serve.py (gunicorn + PostgreSQL + demo data). Each simulated
user signs in through the login form (GET for the CSRF cookie and token, POST with the right
password: the demo users round robin, so django-axes never counts a failure; the sign-ins are spread
over the first 10 s), then until the time is up repeats a visit:

- the case list (`/cases/`), then one case page (`/cases/<pk>/`), chosen at random;
- board members and coordinators: three posts of the case's unchanged edit form to the live panel
  (`/cases/<pk>/preview/`, as the form sends them while a clinician types; each user reads the form
  once per case from `/cases/<pk>/edit/`, like tests/test_live_panel.form_data);
- the meeting display's poll (`/meetings/<pk>/present/poll/?v=<version>`, 204 while unchanged),
  three times, when a meeting exists;

with a pause of `--think` seconds on average (uniform 0.5×–1.5×) between requests; `--think 0`
sends the next request as soon as the answer arrives (saturation). Bounded: no request starts after
--duration seconds, every request times out after 30 s, and at most --max-requests are sent.

Only 127.0.0.1 / localhost / ::1 is accepted as the target. Prints requests/s and p50/p95/p99 per
endpoint and the errors (any unexpected status, timeout or connection failure); exit status 1 if
there was any error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

USERS = [("demo-coordinator", True), ("demo-member", True), ("demo-viewer", False)]  # (name, may edit)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TIMEOUT = 30.0


class HttpError(Exception):
    pass


@dataclass
class Response:
    status: int
    headers: dict[str, list[str]]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Stats:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    sent: int = 0
    # (time the answer came, endpoint, seconds) of every request, for the steady-state table
    log: list[tuple[float, str, float]] = field(default_factory=list)
    signed_in: list[float] = field(default_factory=list)


class Session:
    """One browser: a cookie jar and a connection (reopened when the server closes it)."""

    def __init__(self, host: str, port: int, stats: Stats, limit: int, stop_at: float = float("inf")) -> None:
        self.host, self.port, self.stats, self.limit, self.stop_at = host, port, stats, limit, stop_at
        self.cookies: dict[str, str] = {}
        self.forms: dict[int, dict[str, str]] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(
        self,
        name: str,
        method: str,
        path: str,
        data: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
        headers: dict[str, str] | None = None,
    ) -> Response | None:
        """Send one request, time it under `name`, count an error unless the status is expected."""
        if self.stats.sent >= self.limit or time.monotonic() >= self.stop_at:
            raise asyncio.CancelledError  # the run is over: this user stops
        self.stats.sent += 1
        start = time.perf_counter()
        try:
            response = await asyncio.wait_for(self._exchange(method, path, data, headers or {}), TIMEOUT)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, HttpError) as error:
            await self.close()
            self.stats.errors[name].append(f"{method} {path}: {type(error).__name__} {error}")
            return None
        elapsed = time.perf_counter() - start
        self.stats.timings[name].append(elapsed)
        self.stats.log.append((time.monotonic(), name, elapsed))
        if response.status not in expect:
            self.stats.errors[name].append(f"{method} {path}: status {response.status}")
            return None
        return response

    async def _exchange(
        self, method: str, path: str, data: dict[str, str] | None, extra: dict[str, str]
    ) -> Response:
        body = urlencode(data).encode() if data is not None else b""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Connection: keep-alive",
            "User-Agent: tumorboard-bench",
        ]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if data is not None:
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in extra.items()]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        for attempt in (1, 2):
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                assert self.writer and self.reader
                self.writer.write(raw)
                await self.writer.drain()
                response = await self._read(self.reader)
                break
            except (ConnectionError, asyncio.IncompleteReadError):
                # A kept-alive connection the server had already closed: retry once on a new one.
                await self.close()
                if fresh or attempt == 2:
                    raise
        for cookie in response.headers.get("set-cookie", []):
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if any(v.lower() == "close" for v in response.headers.get("connection", [])):
            await self.close()
        return response

    @staticmethod
    async def _read(reader: asyncio.StreamReader) -> Response:
        status_line = await reader.readuntil(b"\r\n")
        parts = status_line.decode("latin-1").split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/"):
            raise HttpError(f"bad status line {status_line!r}")
        headers: dict[str, list[str]] = defaultdict(list)
        while True:
            line = (await reader.readuntil(b"\r\n")).decode("latin-1")
            if line == "\r\n":
                break
            key, _, value = line.partition(":")
            headers[key.strip().lower()].append(value.strip())
        if "chunked" in ",".join(headers.get("transfer-encoding", [])).lower():
            chunks = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await reader.readexactly(size + 2)
                if size == 0:
                    break
                chunks.append(chunk[:-2])
            body = b"".join(chunks)
        elif "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"][0]))
        else:
            body = await reader.read()
        return Response(int(parts[1]), dict(headers), body)


# --- pages --------------------------------------------------------------------------------------

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def edit_form_data(page: str) -> dict[str, str]:
    """What the edit form posts when nothing was changed (as tests.test_live_panel.form_data)."""
    start = page.index('id="case-form"')
    form = page[start : page.index("</form>", start)]
    data = {
        k: html.unescape(v) for k, v in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
    }
    for name, select in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select)
        data[name] = chosen.group(1) if chosen else ""
    return data  # keeps csrfmiddlewaretoken: the POST needs it


async def sign_in(session: Session, username: str, password: str) -> bool:
    page = await session.request("login form", "GET", "/login/")
    if page is None:
        return False
    token = CSRF_INPUT.search(page.text)
    if not token:
        session.stats.errors["login form"].append("no CSRF token on the login page")
        return False
    answer = await session.request(
        "login",
        "POST",
        "/login/",
        {
            "csrfmiddlewaretoken": token.group(1),
            "username": username,
            "password": password,
            "next": "/cases/",
        },
        expect=(302,),
    )
    if answer is None or answer.headers.get("location", [""])[0] != "/cases/":
        if answer is not None:
            session.stats.errors["login"].append(
                f"{username}: not signed in (to {answer.headers.get('location')})"
            )
        return False
    return True


@dataclass
class World:
    case_ids: list[int]
    meeting_id: int | None


async def discover(host: str, port: int, password: str, stats: Stats) -> World:
    """Case ids from the case list's first page, and the latest meeting, as the coordinator sees them."""
    session = Session(host, port, stats, limit=10**9)
    if not await sign_in(session, "demo-coordinator", password):
        raise SystemExit("cannot sign in as demo-coordinator: is the demo data seeded (bench/serve.py)?")
    listing = await session.request("case list", "GET", "/cases/")
    case_ids = sorted(
        {int(pk) for pk in re.findall(r'href="/cases/(\d+)/"', listing.text if listing else "")}
    )
    meetings = await session.request("meeting list", "GET", "/meetings/", expect=(200, 404))
    found = (
        re.findall(r'href="/meetings/(\d+)/"', meetings.text) if meetings and meetings.status == 200 else []
    )
    await session.close()
    if not case_ids:
        raise SystemExit("no case on the case list")
    return World(case_ids, int(found[0]) if found else None)


async def think(mean: float) -> None:
    if mean > 0:
        await asyncio.sleep(random.uniform(0.5 * mean, 1.5 * mean))


async def user(
    number: int,
    host: str,
    port: int,
    password: str,
    world: World,
    stats: Stats,
    args: argparse.Namespace,
    stop_at: float,
) -> None:
    username, may_edit = USERS[number % len(USERS)]
    session = Session(host, port, stats, args.max_requests, stop_at)
    rng = random.Random(number)
    # Sign-ins spread over the first 10 s, as people join a meeting (each costs a password hash).
    await asyncio.sleep(rng.uniform(0, min(10.0, args.duration / 6)))
    try:
        if not await sign_in(session, username, password):
            return
        stats.signed_in.append(time.monotonic())
        version = None
        while time.monotonic() < stop_at:
            await session.request("case list", "GET", "/cases/")
            await think(args.think)
            pk = rng.choice(world.case_ids)
            await session.request("case page", "GET", f"/cases/{pk}/")
            await think(args.think)
            if may_edit:
                form = session.forms.get(pk)  # read once per case, with this browser's CSRF token
                if form is None:
                    edit = await session.request("edit form", "GET", f"/cases/{pk}/edit/")
                    if edit is None:
                        continue
                    form = session.forms[pk] = edit_form_data(edit.text)
                for _ in range(3):
                    panel = await session.request(
                        "live panel POST",
                        "POST",
                        f"/cases/{pk}/preview/",
                        form,
                        headers={"HX-Request": "true"},
                    )
                    if panel is not None and b"data-regimen" not in panel.body:
                        stats.errors["live panel POST"].append(
                            f"/cases/{pk}/preview/: no panel in the answer"
                        )
                    await think(args.think)
            if world.meeting_id is not None:
                if version is None:
                    display = await session.request(
                        "display page", "GET", f"/meetings/{world.meeting_id}/present/"
                    )
                    found = re.search(r"present/poll/\?v=(\d+)", display.text) if display else None
                    version = found.group(1) if found else "0"
                for _ in range(3):
                    poll = await session.request(
                        "display poll",
                        "GET",
                        f"/meetings/{world.meeting_id}/present/poll/?v={version}",
                        expect=(200, 204),
                        headers={"HX-Request": "true"},
                    )
                    if poll is not None and poll.status == 200:
                        found = re.search(r"present/poll/\?v=(\d+)", poll.text)
                        version = found.group(1) if found else version
                    await think(args.think)
    except asyncio.CancelledError:
        pass
    finally:
        await session.close()


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    index = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def table(title: str, timings: dict[str, list[float]], errors: dict[str, list[str]], elapsed: float) -> None:
    print(title)
    print(
        f"{'endpoint':<18}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
    )
    names = sorted(set(timings) | set(errors), key=lambda n: -len(timings.get(n, [])))
    rows = [
        (name, sorted(t * 1000 for t in timings.get(name, [])), len(errors.get(name, []))) for name in names
    ]
    rows.append(
        ("all", sorted(t * 1000 for ts in timings.values() for t in ts), sum(len(e) for e in errors.values()))
    )
    for name, values, failed in rows:
        if values:
            print(
                f"{name:<18}{len(values):>9}{len(values) / elapsed:>8.1f}{percentile(values, 50):>9.1f}"
                f"{percentile(values, 95):>9.1f}{percentile(values, 99):>9.1f}{values[-1]:>9.1f}{failed:>8}"
            )
        else:
            print(f"{name:<18}{0:>9}{'':>8}{'':>9}{'':>9}{'':>9}{'':>9}{failed:>8}")


def report(stats: Stats, started: float, ended: float, args: argparse.Namespace, world: World) -> int:
    errors = sum(len(e) for e in stats.errors.values())
    print(
        f"\nload: {args.users} users, {ended - started:.1f} s, think time {args.think} s, "
        f"{len(world.case_ids)} cases in rotation, "
        f"meeting display {'polled' if world.meeting_id else 'absent (no meeting)'}"
    )
    table("\nwhole run (sign-ins included)", stats.timings, stats.errors, ended - started)
    if stats.signed_in:
        steady_from = max(stats.signed_in)
        steady: dict[str, list[float]] = defaultdict(list)
        for at, name, seconds in stats.log:
            if at > steady_from:
                steady[name].append(seconds)
        if ended - steady_from > 1:
            table(
                f"\nsteady state (after the last sign-in, {steady_from - started:.1f} s in; the error column"
                " repeats the whole run's)",
                steady,
                stats.errors,
                ended - steady_from,
            )
    for name, messages in stats.errors.items():
        for message in messages[:5]:
            print(f"  error {name}: {message}")
        if len(messages) > 5:
            print(f"  … and {len(messages) - 5} more {name} errors")
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"load generator CPU: {used.ru_utime + used.ru_stime:.1f} s over {ended - started:.1f} s (on the same cores)"
    )
    print(f"errors: {errors}")
    return 1 if errors else 0


async def run(args: argparse.Namespace) -> int:
    stats = Stats()
    world = await discover(args.host, args.port, args.password, stats)
    stats.timings.clear()  # the discovery requests are not part of the load
    stats.log.clear()
    started = time.monotonic()
    stop_at = started + args.duration
    tasks = [
        asyncio.create_task(user(i, args.host, args.port, args.password, world, stats, args, stop_at))
        for i in range(args.users)
    ]
    done, pending = await asyncio.wait(tasks, timeout=args.duration + TIMEOUT + 10)
    for task in pending:  # hard bound: nothing outlives the run
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if task.exception():
            stats.errors["client"].append(repr(task.exception()))
    return report(stats, started, time.monotonic(), args, world)


def main() -> None:
    import os

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a user's requests (s)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--max-requests", type=int, default=1_000_000)
    parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD", "tumorboard-demo"))
    args = parser.parse_args()
    if args.host not in LOOPBACK:
        raise SystemExit("bench/load.py drives a local server only (127.0.0.1, localhost or ::1)")
    if not (1 <= args.users <= 500 and 0 < args.duration <= 3600):
        raise SystemExit("--users must be 1–500 and --duration 1–3600 s")
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
