"""EXPLAIN ANALYZE of every query that each measured page runs, on the benchmark database.

    .venv/bin/python bench/explain.py [--out bench/out/explain-100000.txt]

Run after bench/budget.py (or bench/serve.py --cases N) has filled `tumorboard_bench` (override with
BENCH_DATABASE_URL). Requests each page in-process through Django's test client as demo-member, with
the render cache off (so the case page's own queries run), records every SQL statement, and runs
`EXPLAIN (ANALYZE, BUFFERS)` on each SELECT. Prints, per page, the statements with their plans, and
at the end one line per page: statements, total execution time, and any sequential scan of a table
that grows with the number of cases (cases, their records, decisions).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import serve

os.environ.update(serve.app_env(DJANGO_CACHE="none", DJANGO_ALLOWED_HOSTS="testserver"))

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from load import edit_form_data  # noqa: E402

from cases.models import Case  # noqa: E402
from meetings.models import Meeting  # noqa: E402

# Tables whose size grows with the case count: a sequential scan of one of them is O(cases).
GROWING = re.compile(r"Seq Scan on (cases_\w+|meetings_\w+)")


def pages() -> list[tuple[str, str, str, dict[str, str] | None]]:
    case = Case.objects.get(label="BENCH-0000-001")
    meeting = Meeting.objects.order_by("pk").first()
    client = Client()
    client.force_login(User.objects.get(username="demo-member"))
    form = edit_form_data(client.get(f"/cases/{case.pk}/edit/").content.decode())
    version = meeting.display_version if meeting else 0
    listed = [
        ("case list: first page", "GET", "/cases/", None),
        ("case list: search", "GET", "/cases/?q=BENCH-0042-17", None),
        ("case list: filter", "GET", "/cases/?verdict=refractory", None),
        ("case list: sort", "GET", "/cases/?sort=child_pugh", None),
        ("case page", "GET", f"/cases/{case.pk}/", None),
        ("live panel POST", "POST", f"/cases/{case.pk}/preview/", form),
    ]
    if meeting:
        listed.append(("display poll", "GET", f"/meetings/{meeting.pk}/present/poll/?v={version}", None))
    return listed


def capture(client: Client, method: str, path: str, form: dict[str, str] | None) -> list[tuple[str, Any]]:
    statements: list[tuple[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.post(path, form) if method == "POST" else client.get(path)
    assert response.status_code in (200, 204), f"{path}: {response.status_code}"
    return statements


def explain(sql: str, params: Any) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    client = Client()
    client.force_login(User.objects.get(username="demo-member"))
    cases = Case.objects.count()
    lines = [f"EXPLAIN ANALYZE at {cases:,} cases (PostgreSQL {connection.pg_version})", ""]
    summary = []
    for name, method, path, form in pages():
        capture(client, method, path, form)  # warm: the statement plans and caches as in steady state
        statements = capture(client, method, path, form)
        lines += [f"## {name}: {method} {path} — {len(statements)} statements", ""]
        total, scans = 0.0, set()
        for sql, params in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            plan = explain(sql, params)
            total += sum(float(m) for m in re.findall(r"Execution Time: ([\d.]+) ms", "\n".join(plan)))
            scans |= set(GROWING.findall("\n".join(plan)))
            lines += [f"    {sql[:300]}{' …' if len(sql) > 300 else ''}", *(f"      {p}" for p in plan), ""]
        summary.append(
            f"{name:24} {len(statements):3} statements  {total:7.2f} ms  "
            f"{'seq scans: ' + ', '.join(sorted(scans)) if scans else 'no sequential scan of a growing table'}"
        )
    lines += ["## Summary", "", *summary]
    report = "\n".join(lines)
    print(report)
    if args.out:
        args.out.write_text(report + "\n")


if __name__ == "__main__":
    main()
