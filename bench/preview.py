"""Benchmark of the live panel's preview endpoint (server time, in process).

A case with 20 TACE sessions and 100 lab rows is stored in a throwaway database (SQLite under
/tmp by default, or the database named by DATABASE_URL); a signed-in board member posts the
unchanged edit form to /cases/<pk>/preview/ repeatedly; prints the median and p95 in ms.

    .venv/bin/python bench/preview.py [requests]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tumorboard.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

settings.DEBUG = False  # no query log: measure what production runs


def main(requests: int) -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from tests.factories import (
        CaseFactory,
        ClinicalFactory,
        EndoscopyFactory,
        ImagingFactory,
        LabFactory,
        TaceFactory,
        days_ago,
        user_with_role,
    )
    from tests.test_live_panel import form_data

    case = CaseFactory()
    for i in range(100):
        LabFactory(case=case, date=days_ago(1 + 3 * i))
    for i in range(20):
        TaceFactory(case=case, date=days_ago(30 + 25 * i), response="SD")
    ClinicalFactory(case=case, date=days_ago(2))
    ImagingFactory(case=case, date=days_ago(5))
    EndoscopyFactory(case=case, date=days_ago(40))
    client = Client()
    client.force_login(user_with_role("bench-member", "board member"))
    data = form_data(client, case)
    data["ecog"] = "1"  # an unsaved change, as when a clinician types
    url = f"/cases/{case.pk}/preview/"
    for _ in range(20):  # warm-up: template and permission caches
        client.post(url, data)
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.post(url, data)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200 and b"data-regimen" in response.content
    timings.sort()
    print(
        f"preview endpoint, 20 TACE sessions + 100 lab rows, {requests} requests, {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
    )
    print(
        f"median {statistics.median(timings):.1f} ms, p95 {timings[int(0.95 * len(timings)) - 1]:.1f} ms, min {timings[0]:.1f} ms"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
