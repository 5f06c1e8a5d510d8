"""Performance budget: median latency of the app's busiest requests relative to `/healthz`.

    .venv/bin/python bench/budget.py [--requests 300] [--sizes 10,10000,100000] [--workers 5] [--cache locmem]

In one run, on one gunicorn (bench/serve.py: PostgreSQL database `tumorboard_bench`, debug off,
5 sync workers on 127.0.0.1:8001):

1. recreates the database with the demo users and 10 synthetic cases (bench/populate.py; no demo
   cases, so the count is exact) and a meeting showing the first case on its display;
2. starts gunicorn, signs in as demo-member through the login form;
3. for each size (10, 10,000, then 100,000 cases: populate.py adds the rest while the same gunicorn
   keeps running, then VACUUM ANALYZE): warms up, then sends `--requests` rounds of eight sequential
   requests, interleaved so that all eight share the same conditions —
   - `/healthz` (the floor: the whole middleware stack, one `SELECT 1`; no cookie, as a monitor),
   - the live-panel POST: the unchanged edit form of BENCH-0000-001 to `/cases/<pk>/preview/`,
   - the case page `/cases/<pk>/` of BENCH-0000-001,
   - the meeting display's poll `/meetings/<pk>/present/poll/?v=<current>` (204: no change),
   - the case list (the worklist): its first page, a label search (typed: htmx asks for the table
     only), a filter (TACE-refractory) and a sort (Child-Pugh), each reading the same rows at every
     size (LIST_QUERIES);
4. prints the medians and each median's ratio to the median of `/healthz`, and writes them to
   bench/out/budget-<cache>.json. Exit status 1 if a ratio is above its budget (2 for the live
   panel, 3 for the others).

Each request opens its own TCP connection (gunicorn's sync workers close it after the answer), the
same for every endpoint. BENCH-0000-001 has 10 lab draws, 3 clinical findings, 4 imaging studies,
1 endoscopy and 4 TACE sessions at every size.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import serve
from load import CSRF_INPUT, edit_form_data

BUDGET = 3.0
BUDGET_PANEL = 2.0  # the live panel answers each keystroke: it has the tighter budget
ENDPOINTS = (
    "healthz",
    "live panel POST",
    "case page",
    "display poll",
    "case list",
    "case list: search",
    "case list: filter",
    "case list: sort",
)
# The list's requests read the same rows at every size: a search matching BENCH-0000-001…009, the
# TACE-refractory cases, and the first page by Child-Pugh score.
LIST_QUERIES = {
    "case list": "/cases/",
    "case list: search": "/cases/?q=BENCH-0000-00",
    "case list: filter": "/cases/?verdict=refractory",
    "case list: sort": "/cases/?sort=child_pugh",
}


HTMX_REQUESTS = ("live panel POST", "display poll", "case list: search")


def budget_of(endpoint: str) -> float:
    return BUDGET_PANEL if endpoint == "live panel POST" else BUDGET


class Browser:
    """Sequential requests with a cookie jar; a new connection per request."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        data: dict[str, str] | None = None,
        cookies: bool = True,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, dict[str, str]]:
        connection = http.client.HTTPConnection(serve.HOST, serve.PORT, timeout=30)
        sent = dict(headers or {})
        if cookies and self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, content, {k.lower(): v for k, v in response.getheaders()}
        finally:
            connection.close()


def sign_in(browser: Browser, username: str, password: str) -> None:
    status, page, _ = browser.request("GET", "/login/")
    token = CSRF_INPUT.search(page.decode())
    assert status == 200 and token, "no login form"
    status, _, _headers = browser.request(
        "POST", "/login/", {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
    )
    assert status == 302, f"sign-in as {username} failed ({status})"


def targets(browser: Browser) -> dict[str, tuple[str, str, dict[str, str] | None, int]]:
    """(method, path, form, expected status) of each measured request."""
    status, page, _ = browser.request("GET", "/cases/?q=BENCH-0000-001")
    found = re.search(r'href="/cases/(\d+)/"', page.decode())
    assert status == 200 and found, "BENCH-0000-001 is not on the case list"
    pk = int(found.group(1))
    status, page, _ = browser.request("GET", f"/cases/{pk}/edit/")
    assert status == 200, f"edit form: {status}"
    form = edit_form_data(page.decode())
    status, page, _ = browser.request("GET", "/meetings/")
    meeting = re.search(r'href="/meetings/(\d+)/"', page.decode()) if status == 200 else None
    assert meeting, "no meeting on /meetings/ (populate.py makes one)"
    status, page, _ = browser.request("GET", f"/meetings/{meeting.group(1)}/present/")
    version = re.search(r"present/poll/\?v=(\d+)", page.decode())
    assert status == 200 and version, "no poll on the display page"
    return {
        "healthz": ("GET", "/healthz", None, 200),
        "live panel POST": ("POST", f"/cases/{pk}/preview/", form, 200),
        "case page": ("GET", f"/cases/{pk}/", None, 200),
        "display poll": (
            "GET",
            f"/meetings/{meeting.group(1)}/present/poll/?v={version.group(1)}",
            None,
            204,
        ),
        **{name: ("GET", path, None, 200) for name, path in LIST_QUERIES.items()},
    }


def measure(browser: Browser, plan: dict, rounds: int, warmup: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {name: [] for name in ENDPOINTS}
    for index in range(warmup + rounds):
        for name in ENDPOINTS:
            method, path, form, expected = plan[name]
            # As htmx sends them: the live panel, the display's poll, and a search typed into the worklist.
            headers = {"HX-Request": "true"} if name in HTMX_REQUESTS else None
            start = time.perf_counter()
            status, body, _ = browser.request(method, path, form, cookies=name != "healthz", headers=headers)
            elapsed = (time.perf_counter() - start) * 1000
            if status != expected:
                raise SystemExit(f"{name}: {method} {path} answered {status}, expected {expected}")
            if name == "live panel POST" and b"data-regimen" not in body:
                raise SystemExit("live panel POST: no panel in the answer")
            if index >= warmup:
                timings[name].append(elapsed)
    return timings


def case_count() -> int:
    out = subprocess.run(
        [
            str(serve.VENV_BIN / "python"),
            "manage.py",
            "shell",
            "-c",
            "from cases.models import Case; print(Case.objects.count())",
        ],
        cwd=serve.ROOT,
        env=serve.app_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


def analyze() -> None:
    import psycopg

    with psycopg.connect(serve.DATABASE_URL, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")  # fresh statistics, and no autovacuum during the measurement


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="measured rounds per size")
    parser.add_argument("--warmup", type=int, default=60, help="unmeasured rounds first")
    parser.add_argument("--sizes", default="10,10000,100000", help="case counts, ascending")
    parser.add_argument("--workers", type=int, default=serve.WORKERS)
    parser.add_argument("--password", default="tumorboard-demo")
    parser.add_argument(
        "--cache",
        default="locmem",
        choices=["locmem", "redis", "db", "none"],
        help="DJANGO_CACHE of the server (none: every answer computed afresh)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    serve.recreate_database()
    serve.manage("migrate", "--no-input", "-v", "0")
    serve.populate("--total", str(sizes[0]))
    if args.cache == "db":
        serve.manage("createcachetable", DJANGO_CACHE="db")
    results = []
    # As in production, every request writes its JSON log line (to bench/out/gunicorn-budget.log).
    with serve.gunicorn(args.workers, log_name="gunicorn-budget.log", DJANGO_CACHE=args.cache):
        browser = Browser()
        sign_in(browser, "demo-member", args.password)
        plan = targets(browser)
        for size in sizes:
            serve.populate("--total", str(size))
            analyze()
            cases = case_count()
            timings = measure(browser, plan, args.requests, args.warmup)
            medians = {name: statistics.median(values) for name, values in timings.items()}
            floor = medians["healthz"]
            row = {
                "cases": cases,
                "cache": args.cache,
                "requests": args.requests,
                "median_ms": {k: round(v, 2) for k, v in medians.items()},
                "p95_ms": {k: round(sorted(v)[int(0.95 * len(v)) - 1], 2) for k, v in timings.items()},
                "ratio": {k: round(v / floor, 2) for k, v in medians.items()},
            }
            results.append(row)
            print(
                f"\n{cases} cases, {args.requests} requests each (sequential, after {args.warmup} warm-up rounds),"
                f" cache {args.cache}"
            )
            print(f"{'endpoint':<18}{'median ms':>10}{'p95 ms':>9}{'ratio':>8}")
            for name in ENDPOINTS:
                print(
                    f"{name:<18}{row['median_ms'][name]:>10.2f}{row['p95_ms'][name]:>9.2f}{row['ratio'][name]:>8.2f}"
                )
    serve.OUT.mkdir(exist_ok=True)
    (serve.OUT / f"budget-{args.cache}.json").write_text(json.dumps(results, indent=2) + "\n")
    over = [
        f"{name} at {r['cases']} cases: {r['ratio'][name]:.2f} > {budget_of(name)}"
        for r in results
        for name in ENDPOINTS
        if r["ratio"][name] > budget_of(name)
    ]
    print(
        f"\nbudget: live panel ≤ {BUDGET_PANEL}, every other ratio ≤ {BUDGET}: {'yes' if not over else 'NO'}"
    )
    for line in over:
        print(f"  over: {line}")
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
